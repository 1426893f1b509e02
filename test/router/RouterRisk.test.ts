import { describe, expect, it } from 'vitest';
import { OK, OrderType, QUANTITY_BELOW_FILLED, Side } from '@ringroute/core';
import {
  RISK_KILL_SWITCH,
  RISK_NO_REFERENCE_PRICE,
  RISK_ORDER_NOTIONAL,
  RISK_ORDER_QUANTITY,
  RISK_ORDER_RATE,
  RISK_POSITION,
  RISK_PRICE_COLLAR,
  RiskEngine,
  Router,
  type OrderEventHandler,
} from '@ringroute/router';
import { alphaBeta, pollUntil } from '../support/venues.js';

const { BUY, SELL } = Side;
const LIMIT = OrderType.LIMIT;
const INSTRUMENTS = [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }];

describe('RiskEngine: limits that need a reference never pass what they cannot judge', () => {
  it('a notional limit refuses market and stop orders until a reference price is set', () => {
    const risk = new RiskEngine(1, { maxOrderNotional: 1_000 });
    risk.setNotionalPerTickLot(0, 1);
    expect(risk.checkNew(1, 0, BUY, OrderType.MARKET, NaN, 1, 0)).toBe(RISK_NO_REFERENCE_PRICE);
    expect(risk.checkNew(1, 0, BUY, OrderType.STOP, NaN, 1, 0)).toBe(RISK_NO_REFERENCE_PRICE);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 100, 10, 0)).toBe(OK); // a limit order carries its own price
    risk.setReferencePrice(0, 100);
    expect(risk.checkNew(1, 0, BUY, OrderType.MARKET, NaN, 10, 0)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, OrderType.MARKET, NaN, 11, 0)).toBe(RISK_ORDER_NOTIONAL);
  });

  it('refuses an order or a position beyond the 32-bit counters instead of wrapping them', () => {
    const risk = new RiskEngine(1, {});
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 2 ** 31, 0)).toBe(RISK_ORDER_QUANTITY);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 2 ** 31 - 1, 0)).toBe(OK);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 1, 1, 0)).toBe(RISK_POSITION);
    expect(risk.working(0, BUY)).toBe(2 ** 31 - 1);
  });
});

describe('RiskEngine.checkReplace: a replace is a new order in risk terms', () => {
  it('checks size, notional and collar at the new price and quantity, takes an order token, and reserves only the increase', () => {
    const risk = new RiskEngine(1, { maxOrderLots: 20, maxOrderNotional: 5_000, priceCollarBps: 1_000, maxPositionLots: 25, ordersPerSecond: 1, orderBurst: 3 });
    risk.setNotionalPerTickLot(0, 1);
    risk.setReferencePrice(0, 100);
    expect(risk.checkNew(1, 0, BUY, LIMIT, 100, 10, 0)).toBe(OK);
    expect(risk.working(0, BUY)).toBe(10);
    expect(risk.checkReplace(0, BUY, LIMIT, 100, 21, 11, 0)).toBe(RISK_ORDER_QUANTITY);
    expect(risk.checkReplace(0, BUY, LIMIT, 111, 10, 0, 0)).toBe(RISK_PRICE_COLLAR);
    expect(risk.checkReplace(0, BUY, LIMIT, 110, 20, 10, 0)).toBe(OK); // 2,200 notional; position 0 + 20 working
    expect(risk.working(0, BUY)).toBe(20);
    risk.release(0, BUY, 10); // the venue refused it: the increase goes back
    expect(risk.checkReplace(0, BUY, LIMIT, 100, 5, 0, 0)).toBe(OK); // a decrease reserves nothing now
    expect(risk.working(0, BUY)).toBe(10);
    expect(risk.checkReplace(0, BUY, LIMIT, 100, 10, 0, 0)).toBe(RISK_ORDER_RATE); // three tokens spent: new + two replaces
    risk.kill();
    expect(risk.checkReplace(0, BUY, LIMIT, 100, 5, 0, 10e9)).toBe(RISK_KILL_SWITCH);
    risk.resume();
    expect(risk.checkReplace(0, BUY, LIMIT, 100, 26, 16, 10e9)).toBe(RISK_ORDER_QUANTITY);
    const wide = new RiskEngine(1, { maxPositionLots: 25 });
    expect(wide.checkNew(1, 0, SELL, LIMIT, 100, 10, 0)).toBe(OK);
    expect(wide.checkReplace(0, SELL, LIMIT, 100, 26, 16, 0)).toBe(RISK_POSITION); // -26 past -25
    expect(wide.working(0, SELL)).toBe(10);
  });
});

describe('RiskEngine strategy ids', () => {
  it('each id is claimed by one router at a time, with a clear error; out-of-range ids are refused, not masked', () => {
    const risk = new RiskEngine(1, {});
    risk.claimStrategy(3);
    expect(() => risk.claimStrategy(3)).toThrow(/ERR_STRATEGY_ID_IN_USE: strategyId 3 is already used/);
    expect(() => risk.claimStrategy(64)).toThrow(/ERR_INVALID_ARGUMENT/);
    expect(() => risk.claimStrategy(-1)).toThrow(/ERR_INVALID_ARGUMENT/);
    risk.releaseStrategy(3);
    expect(() => risk.claimStrategy(3)).not.toThrow();
  });

  it('an attached router with its creator\'s strategy id fails to start; with its own it runs, and stop releases the id', async () => {
    const main = await Router.create({ instruments: INSTRUMENTS, venues: alphaBeta().slice(0, 1), strategyThreads: 2, strategyId: 4 });
    try {
      expect(() => Router.attach(main.link(1))).toThrow(/ERR_STRATEGY_ID_IN_USE/);
      const other = Router.attach(main.link(1), { strategyId: 5 });
      await other.stop();
      expect(() => Router.attach(main.link(1), { strategyId: 5 }).stop()).not.toThrow();
    } finally {
      await main.stop();
    }
  });
});

describe('Router.replace runs pre-trade risk and keeps the working counters exact', () => {
  async function start(limits = {}): Promise<Router> {
    return Router.create({ instruments: INSTRUMENTS, venues: alphaBeta().slice(0, 1), gateways: 'inline', risk: limits, accountId: 1 });
  }

  it('a replace from 10 to 20 lots that then fills leaves the shared working counter at zero', async () => {
    const router = await start({ maxPositionLots: 100 });
    const handler: OrderEventHandler = {};
    try {
      const id = router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 10 });
      await pollUntil(router, handler, () => router.orderOf(id)?.state === 2);
      expect(router.replace(id, 100, 20)).toBe(OK);
      expect(router.risk.working(0, BUY)).toBe(20); // the increase is reserved at once
      await pollUntil(router, handler, () => router.orderOf(id)?.quantityLots === 20);
      const taker = router.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 20, tif: 'IOC', account: 2 });
      expect(taker).toBeGreaterThan(0);
      await pollUntil(router, handler, () => router.liveOrders === 0);
      expect(router.risk.position(0)).toBe(0); // +20 and -20 in the same router
      expect(router.risk.working(0, BUY)).toBe(0);
      expect(router.risk.working(0, SELL)).toBe(0);
      expect(router.risk.openOrders(0)).toBe(0);
    } finally {
      await router.stop(handler);
    }
  });

  it('refuses a replace over the size, collar, position and rate limits, and under the kill switch; a decrease is released on confirmation', async () => {
    const router = await start({ maxOrderLots: 50, priceCollarBps: 500, maxPositionLots: 30 });
    const handler: OrderEventHandler = {};
    try {
      expect(router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 10 })).toBe(RISK_NO_REFERENCE_PRICE);
      expect(router.setReferencePrice('XYZ', 100)).toBe(OK);
      const id = router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 10 });
      await pollUntil(router, handler, () => router.orderOf(id)?.state === 2);
      expect(router.replace(id, 100, 51)).toBe(RISK_ORDER_QUANTITY);
      expect(router.replace(id, 106, 10)).toBe(RISK_PRICE_COLLAR);
      expect(router.replace(id, 100, 31)).toBe(RISK_POSITION);
      router.risk.kill();
      expect(router.replace(id, 100, 5)).toBe(RISK_KILL_SWITCH);
      router.risk.resume();
      expect(router.risk.working(0, BUY)).toBe(10); // nothing refused was reserved
      expect(router.replace(id, 100, 4)).toBe(OK);
      expect(router.risk.working(0, BUY)).toBe(10); // the old 10 can still fill until confirmed
      await pollUntil(router, handler, () => router.orderOf(id)?.quantityLots === 4);
      expect(router.risk.working(0, BUY)).toBe(4);
      const fill = router.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 3, tif: 'IOC', account: 2 });
      expect(fill).toBeGreaterThan(0);
      await pollUntil(router, handler, () => router.orderOf(id)?.filledLots === 3);
      expect(router.replace(id, 100, 3)).toBe(QUANTITY_BELOW_FILLED);
    } finally {
      await router.stop(handler);
    }
    expect(router.risk.working(0, BUY)).toBe(0);
    expect(router.risk.openOrders(0)).toBe(0);
  });
});
