import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderType, POOL_EXHAUSTED, Side, type OrderFlyweight } from '@ringroute/core';
import { alphaBeta, pollUntil } from '../support/venues.js';
import { RING_FULL, RISK_SELF_TRADE, Router, routerStatusName, SelfTradeGuard, UNKNOWN_VENUE, type OrderEventHandler } from '@ringroute/router';

const BTC = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' };

describe('SelfTradeGuard never misses a cross (model check)', () => {
  // Model: the working limit orders; a cross exists when an order of the same account, venue
  // and symbol on the other side is priced to meet the incoming one. The guard may say
  // "might cross" when there is none (the router then scans), never the reverse.
  const op = fc.record({
    kind: fc.constantFrom('add', 'remove', 'reprice', 'check'),
    venue: fc.integer({ min: 0, max: 1 }),
    account: fc.integer({ min: 0, max: 17 }),
    side: fc.constantFrom(Side.BUY, Side.SELL),
    market: fc.boolean(),
    price: fc.integer({ min: 95, max: 105 }),
    pick: fc.nat(),
  });
  it('answers "might cross" whenever a real cross exists', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const guard = new SelfTradeGuard(2, 1);
        const live: { venue: number; account: number; side: number; price: number }[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            guard.add(o.venue, 0, o.account, o.side, OrderType.LIMIT, o.price);
            live.push({ venue: o.venue, account: o.account, side: o.side, price: o.price });
          } else if (o.kind === 'remove' && live.length > 0) {
            const [gone] = live.splice(o.pick % live.length, 1);
            guard.remove(gone.venue, 0, gone.account, gone.side, OrderType.LIMIT);
          } else if (o.kind === 'reprice' && live.length > 0) {
            const order = live[o.pick % live.length];
            guard.reprice(order.venue, 0, order.account, order.side, OrderType.LIMIT, o.price);
            order.price = o.price; // the venue confirmed the new price
          } else if (o.kind === 'check') {
            const type = o.market ? OrderType.MARKET : OrderType.LIMIT;
            const real = live.some(
              (r) => r.venue === o.venue && r.account === o.account && r.side !== o.side && (o.market || (o.side === Side.BUY ? r.price <= o.price : r.price >= o.price)),
            );
            if (real) expect(guard.mightCross(o.venue, 0, o.account, o.side, type, o.price)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays quiet when nothing of the same account rests on the other side', () => {
    const guard = new SelfTradeGuard(1, 1);
    expect(guard.mightCross(0, 0, 1, Side.SELL, OrderType.MARKET, NaN)).toBe(false);
    guard.add(0, 0, 1, Side.BUY, OrderType.LIMIT, 100);
    expect(guard.mightCross(0, 0, 1, Side.SELL, OrderType.LIMIT, 101)).toBe(false);
    expect(guard.mightCross(0, 0, 1, Side.SELL, OrderType.LIMIT, 100)).toBe(true);
    expect(guard.mightCross(0, 0, 2, Side.SELL, OrderType.LIMIT, 100)).toBe(false); // another bucket
    guard.add(0, 0, 1, Side.BUY, OrderType.MARKET, NaN); // never rests: not tracked
    guard.remove(0, 0, 1, Side.BUY, OrderType.LIMIT);
    expect(guard.mightCross(0, 0, 1, Side.SELL, OrderType.MARKET, NaN)).toBe(false);
  });
});

class Events implements OrderEventHandler {
  accepted = new Set<number>();
  filled = new Set<number>();
  canceled = new Set<number>();
  onAccepted(o: OrderFlyweight) {
    this.accepted.add(o.clientOrderId);
  }
  onFill(o: OrderFlyweight) {
    this.filled.add(o.clientOrderId);
  }
  onCanceled(o: OrderFlyweight) {
    this.canceled.add(o.clientOrderId);
  }
}


describe('Router self-trade prevention (real gateway workers)', () => {
  const routers: Router[] = [];
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.stop()));
  });
  const start = async (selfTradePrevention?: boolean) => {
    const router = await Router.create({
      instruments: [BTC],
      venues: alphaBeta(),
      defaultVenue: 'alpha',
      accountId: 1,
      ...(selfTradePrevention === undefined ? {} : { selfTradePrevention }),
    });
    routers.push(router);
    return { router, events: new Events() };
  };

  it('refuses an order that would meet the same account on the same venue, and only that', async () => {
    const { router, events } = await start();
    const bid = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '0.005' });
    expect(bid).toBeGreaterThan(0);
    // Same account, same venue, priced to meet the bid: refused before it reaches the venue.
    expect(router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000', quantity: '0.001' })).toBe(RISK_SELF_TRADE);
    expect(router.submit({ symbol: 'BTC-USD', side: 'sell', price: '64000', quantity: '0.001' })).toBe(RISK_SELF_TRADE);
    expect(router.submit({ symbol: 'BTC-USD', side: 'sell', type: 'market', quantity: '0.001' })).toBe(RISK_SELF_TRADE);
    // The fast path refuses it too, and gives the slot back.
    const free = router.orders.freeCount();
    router.claim();
    const d = router.draft;
    d.symbolId = 0;
    d.side = Side.SELL;
    d.priceTicks = 6_500_000;
    d.quantityLots = 1;
    expect(router.send()).toBe(RISK_SELF_TRADE);
    expect(router.orders.freeCount()).toBe(free);
    // Not crossing, another venue, or another account: allowed.
    const ask = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000.01', quantity: '0.001' });
    const elsewhere = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000', quantity: '0.001', venue: 'beta' });
    const account9 = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000', quantity: '0.001', account: 9 }); // shares the guard's bucket with 1
    const account2 = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000', quantity: '0.001', account: 2 });
    for (const id of [ask, elsewhere, account9, account2]) expect(id).toBeGreaterThan(0);
    await pollUntil(router, events, () => events.filled.has(account9) && events.filled.has(account2) && events.accepted.has(ask));
    expect(router.stats.submitted).toBe(5);
    // A replace that would move the ask onto the bid is refused as well.
    expect(router.replace(ask, '65000', '0.001')).toBe(RISK_SELF_TRADE);
    // Once the bid is gone, the same sell goes through.
    expect(router.cancel(bid)).toBe(0);
    await pollUntil(router, events, () => events.canceled.has(bid));
    expect(router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000', quantity: '0.001' })).toBeGreaterThan(0);
  });

  it('can be turned off (the venue then decides)', async () => {
    const { router } = await start(false);
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '0.005' })).toBeGreaterThan(0);
    expect(router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000', quantity: '0.001' })).toBeGreaterThan(0);
  });
});

describe('routerStatusName', () => {
  it('names core, ring, router and risk statuses alike', () => {
    expect([RISK_SELF_TRADE, RING_FULL, UNKNOWN_VENUE, POOL_EXHAUSTED, -999].map(routerStatusName)).toEqual([
      'RISK_SELF_TRADE',
      'RING_FULL',
      'UNKNOWN_VENUE',
      'POOL_EXHAUSTED',
      'STATUS(-999)',
    ]);
  });
});
