import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { OK, OrderType, Side } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import {
  RISK_CANCEL_RATE,
  RISK_KILL_SWITCH,
  RISK_NO_REFERENCE_PRICE,
  RISK_OPEN_ORDERS,
  RISK_ORDER_NOTIONAL,
  RISK_ORDER_QUANTITY,
  RISK_ORDER_RATE,
  RISK_POSITION,
  RISK_PRICE_COLLAR,
  RiskEngine,
  Router,
} from '@ringroute/router';
import { fixtureWorker, nextMessage } from '../support/threads.js';

const { BUY, SELL } = Side;
const LIMIT = OrderType.LIMIT;

describe('RiskEngine rules', () => {
  it('order quantity and notional', () => {
    const risk = new RiskEngine(2, { maxOrderLots: 10, maxOrderNotional: 1_000 });
    risk.setNotionalPerTickLot(0, 0.01); // tick 0.01 x lot 1
    expect(risk.checkNew(1, 0, BUY, LIMIT, 10_000, 10, 0)).toBe(OK); // 100 x 10 = 1,000
    expect(risk.checkNew(1, 0, BUY, LIMIT, 10_000, 11, 0)).toBe(RISK_ORDER_QUANTITY);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 10_001, 10, 0)).toBe(RISK_ORDER_NOTIONAL);
  });

  it('price collar around the reference price, in basis points', () => {
    const risk = new RiskEngine(1, { priceCollarBps: 100 });
    expect(risk.checkNew(1, 0, BUY, LIMIT, 5_000, 1, 0)).toBe(RISK_NO_REFERENCE_PRICE); // a collar with no reference refuses, never passes
    risk.setReferencePrice(0, 10_000);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 10_100, 1, 0)).toBe(OK); // exactly 1%
    expect(risk.checkNew(1, 0, SELL, LIMIT, 9_899, 1, 0)).toBe(RISK_PRICE_COLLAR);
    expect(risk.checkNew(1, 0, BUY, OrderType.MARKET, NaN, 1, 0)).toBe(OK); // no limit price to collar
  });

  it('open orders per strategy and per symbol, released when orders end', () => {
    const risk = new RiskEngine(2, { maxOpenOrdersPerStrategy: 3, maxOpenOrdersPerSymbol: 2 });
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, 0)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, 0)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, 0)).toBe(RISK_OPEN_ORDERS); // symbol limit
    expect(risk.checkNew(1, 1, BUY, LIMIT, 1, 1, 0)).toBe(OK);
    expect(risk.checkNew(1, 1, BUY, LIMIT, 1, 1, 0)).toBe(RISK_OPEN_ORDERS); // strategy limit
    expect(risk.checkNew(2, 1, BUY, LIMIT, 1, 1, 0)).toBe(OK); // another strategy
    risk.onDone(1, 0, BUY, 1);
    expect(risk.openOrders(0)).toBe(1);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, 0)).toBe(OK);
  });

  it('position limit counts the position plus working orders that would grow it', () => {
    const risk = new RiskEngine(1, { maxPositionLots: 10 });
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 6, 0)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 5, 0)).toBe(RISK_POSITION); // 6 working + 5
    risk.onFill(0, BUY, 6);
    risk.onDone(1, 0, BUY, 0);
    expect(risk.position(0)).toBe(6);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 5, 0)).toBe(RISK_POSITION); // position 6 + 5
    expect(risk.checkNew(1, 0, SELL, LIMIT, 1, 16, 0)).toBe(OK); // 6 - 16 = -10: allowed
    expect(risk.checkNew(1, 0, SELL, LIMIT, 1, 1, 0)).toBe(RISK_POSITION);
  });

  it('order and cancel throttles are token buckets that refill with time', () => {
    const risk = new RiskEngine(1, { ordersPerSecond: 10, orderBurst: 2, cancelsPerSecond: 1, cancelBurst: 1 });
    const t = 1e12;
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, t)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, t)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, t)).toBe(RISK_ORDER_RATE);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, t + 100e6)).toBe(OK); // 100 ms = one token
    expect(risk.checkCancel(t)).toBe(OK);
    expect(risk.checkCancel(t)).toBe(RISK_CANCEL_RATE);
    expect(risk.checkCancel(t + 2e9)).toBe(OK); // at 1 per second, a second and more after the last refill
    const unlimited = new RiskEngine(1, {});
    for (let i = 0; i < 1_000; i++) expect(unlimited.checkNew(1, 0, BUY, LIMIT, 1, 1, 5)).toBe(OK); // same instant
  });

  it('kill switch: manual, and tripped by a storm of rejects; cancels still allowed', () => {
    const risk = new RiskEngine(1, { rejectStormCount: 3, rejectStormWindowMs: 100 });
    risk.kill();
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, 0)).toBe(RISK_KILL_SWITCH);
    expect(risk.checkCancel(0)).toBe(OK);
    risk.resume();
    risk.onReject(0);
    risk.onReject(200e6);
    risk.onReject(400e6); // spread out: no storm
    expect(risk.killed).toBe(false);
    risk.onReject(410e6);
    risk.onReject(420e6); // three within 100 ms
    expect(risk.killed).toBe(true);
  });
});

describe('RiskEngine across threads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('two strategy threads racing for the last place under a shared limit: exactly one gets it, every round', async () => {
    const rounds = 2_000;
    const mine = new RiskEngine(4, { maxOpenOrdersPerSymbol: 1 });
    const control = new Int32Array(new SharedArrayBuffer(12));
    const worker = fixtureWorker('riskRaceWorker', { buffer: mine.buffer, rounds, control: control.buffer });
    workers.push(worker);
    await nextMessage(worker);
    const done = nextMessage(worker);
    let myWins = 0;
    for (let round = 1; round <= rounds; round++) {
      Atomics.store(control, 0, round); // both threads go at once
      if (mine.checkNew(1, 1, BUY, LIMIT, 100, 1, round) === OK) myWins++;
      while (Atomics.load(control, 1) < round);
      expect(mine.openOrders(1), `round ${round}`).toBe(1); // never two
      mine.onDone(1, 1, BUY, 1); // free the place for the next round (whoever won it)
    }
    await done;
    expect(myWins + Atomics.load(control, 2)).toBe(rounds);
  });
});

describe('Router pre-trade risk', () => {
  it('refuses over-limit orders with a RISK status; nothing reaches a venue', async () => {
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [{ name: 'alpha', task: SIM_VENUE_TASK }],
      risk: { maxOrderLots: 10, priceCollarBps: 50, maxOpenOrdersPerSymbol: 2 },
    });
    try {
      expect(router.setReferencePrice('BTC-USD', '65000')).toBe(OK);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '0.011' })).toBe(RISK_ORDER_QUANTITY);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '66000', quantity: '0.001' })).toBe(RISK_PRICE_COLLAR);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '0.001' })).toBeGreaterThan(0);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65001', quantity: '0.001' })).toBeGreaterThan(0);
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65002', quantity: '0.001' })).toBe(RISK_OPEN_ORDERS);
      expect(router.stats.submitted).toBe(2);
    } finally {
      await router.stop();
    }
  });
});
