import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Side, type OrderFlyweight } from '@ringroute/core';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { alphaBeta } from '../support/venues.js';

/** What a handler does when it is called: a router call from inside the callback. */
type Action =
  | { kind: 'submit'; side: 'buy' | 'sell'; price: number; lots: number; account: number; ioc: boolean }
  | { kind: 'cancel' | 'orderOf'; pick: number }
  | { kind: 'replace'; pick: number; price: number; lots: number }
  | { kind: 'poll' | 'cancelAll' | 'none' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), side: fc.constantFrom('buy' as const, 'sell' as const), price: fc.integer({ min: 99, max: 101 }), lots: fc.integer({ min: 1, max: 6 }), account: fc.integer({ min: 1, max: 3 }), ioc: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('cancel' as const, 'orderOf' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), price: fc.integer({ min: 99, max: 101 }), lots: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('poll' as const, 'cancelAll' as const, 'none' as const) }) },
);

/**
 * A strategy whose every callback calls the router back, following a random script: the
 * market-making pattern (re-quote in onFill) and everything else a handler may do.
 */
class ReentrantStrategy implements OrderEventHandler {
  readonly ids: number[] = [];
  readonly position = [0];
  readonly failures: string[] = [];
  private step = 0;
  private inside = false;
  constructor(
    private readonly router: Router,
    private readonly script: Action[],
  ) {}

  act(action: Action): void {
    const r = this.router;
    const pick = (n: number) => this.ids[n % this.ids.length];
    switch (action.kind) {
      case 'submit': {
        const id = r.submit({ symbol: 'XYZ', side: action.side, price: action.price, quantity: action.lots, account: action.account, tif: action.ioc ? 'IOC' : 'GTC' });
        if (id > 0) this.ids.push(id);
        break;
      }
      case 'cancel':
        if (this.ids.length > 0) r.cancel(pick(action.pick));
        break;
      case 'replace':
        if (this.ids.length > 0) r.replace(pick(action.pick), action.price, action.lots);
        break;
      case 'orderOf':
        if (this.ids.length > 0) r.orderOf(pick(action.pick));
        break;
      case 'poll':
        if (r.poll(this) !== 0 && this.inside) this.failures.push('a nested poll delivered events');
        break;
      case 'cancelAll':
        r.cancelAll();
        break;
      case 'none':
        break;
    }
  }

  /** Called at the start of every callback: the order must be the one the event is about, before and after the re-entrant call. */
  private around(o: OrderFlyweight, what: string): void {
    const id = o.clientOrderId;
    const filled = o.filledLots;
    if (this.step < this.script.length) {
      this.inside = true;
      this.act(this.script[this.step++]);
      this.inside = false;
    }
    if (o.clientOrderId !== id || o.filledLots !== filled) this.failures.push(`${what}: the order changed under the handler (${id} -> ${o.clientOrderId})`);
  }

  onAccepted = (o: OrderFlyweight) => this.around(o, 'onAccepted');
  onFill = (o: OrderFlyweight, _price: number, lots: number) => {
    this.position[o.symbolId] += o.side === Side.BUY ? lots : -lots;
    this.around(o, 'onFill');
  };
  onCanceled = (o: OrderFlyweight) => this.around(o, 'onCanceled');
  onRejected = (o: OrderFlyweight) => this.around(o, 'onRejected');
  onReplaced = (o: OrderFlyweight) => this.around(o, 'onReplaced');
  onRequestRejected = (o: OrderFlyweight) => this.around(o, 'onRequestRejected');
  onExpired = (o: OrderFlyweight) => this.around(o, 'onExpired');
  onUnknown = (o: OrderFlyweight) => this.around(o, 'onUnknown');
}

async function settle(router: Router, handler: OrderEventHandler): Promise<boolean> {
  const deadline = Date.now() + 3_000;
  let lastSweep = 0;
  while (router.liveOrders > 0 && Date.now() < deadline) {
    if (Date.now() - lastSweep > 5) {
      router.cancelAll();
      lastSweep = Date.now();
    }
    if (router.poll(handler, 1_024) === 0) await new Promise((r) => setImmediate(r));
  }
  // An ended order's slot goes back once its gateway has consumed every command naming
  // it (SlotRecycler): a poll or two after the last event.
  while (router.liveOrders === 0 && router.orders.freeCount() !== router.orders.capacity && Date.now() < deadline) {
    if (router.poll(handler, 1_024) === 0) await new Promise((r) => setImmediate(r));
  }
  return router.liveOrders === 0;
}

describe('handlers that call the router back (re-entrant calls from every callback)', () => {
  for (const gateways of ['inline', 'workers'] as const) {
    it(`${gateways}: pool, live orders and every risk counter come back to where they started`, async () => {
      const router = await Router.create({
        instruments: [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }],
        venues: alphaBeta(),
        gateways,
        orderCapacity: 1_024,
        risk: { maxPositionLots: 1_000_000 },
      });
      const capacity = router.orders.capacity;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 30 }), fc.array(actionArb, { minLength: 0, maxLength: 60 }), async (opening, script) => {
            const strategy = new ReentrantStrategy(router, script);
            const positionBefore = router.risk.position(0);
            for (const action of opening) strategy.act(action);
            const settled = await settle(router, strategy);
            expect(strategy.failures).toEqual([]);
            expect(settled, `orders still live: ${router.liveOrders}`).toBe(true);
            expect(router.orders.freeCount()).toBe(capacity);
            expect(router.risk.openOrders(0)).toBe(0);
            expect(router.risk.openOrdersOfStrategy(1)).toBe(0);
            expect(router.risk.working(0, Side.BUY)).toBe(0);
            expect(router.risk.working(0, Side.SELL)).toBe(0);
            expect(router.risk.position(0) - positionBefore).toBe(strategy.position[0]);
          }),
          { numRuns: gateways === 'inline' ? 150 : 40 },
        );
      } finally {
        await router.stop();
      }
    });
  }

  it('the market-making pattern: onFill re-quotes with submit, and the filled order is still released', async () => {
    const router = await Router.create({ instruments: [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }], venues: alphaBeta().slice(0, 1), orderCapacity: 64 });
    let requotes = 0;
    const handler: OrderEventHandler = {
      onFill: (o) => {
        if (o.accountId === 1 && requotes < 3) {
          requotes++;
          router.submit({ symbol: 'XYZ', side: 'buy', price: 99, quantity: 1, account: 1 }); // re-points the router's own flyweight
        }
      },
    };
    try {
      router.submit({ symbol: 'XYZ', side: 'buy', price: 100, quantity: 1, account: 1 });
      router.submit({ symbol: 'XYZ', side: 'sell', price: 100, quantity: 1, account: 2, tif: 'IOC' });
      const deadline = Date.now() + 3_000;
      while (requotes < 1 && Date.now() < deadline) if (router.poll(handler) === 0) await new Promise((r) => setTimeout(r, 1));
      for (let i = 0; i < 50; i++) router.poll(handler);
      await new Promise((r) => setTimeout(r, 20));
      router.poll(handler);
      expect(requotes).toBe(1);
      expect(router.liveOrders).toBe(1); // the re-quote; both filled orders were released
      expect(router.risk.openOrders(0)).toBe(1);
    } finally {
      await router.stop(handler, { timeoutMs: 2_000 });
    }
    expect(router.liveOrders).toBe(0);
    expect(router.orders.freeCount()).toBe(64);
  });
});

describe('an ended order\'s slot is not reused while its gateway still reads it', () => {
  it('an adapter that rejects inside submit and keeps reading never sees another order in that slot', async () => {
    const violations = new Int32Array(new SharedArrayBuffer(4));
    const router = await Router.create({
      instruments: [{ symbol: 'XYZ', tickSize: '1', lotSize: '1' }],
      venues: [{ name: 'slow', task: new URL('../dist/fixtures/slowReaderTask.js', import.meta.url), adapter: { violations: violations.buffer } }],
      orderCapacity: 64,
      ackTimeoutMs: 0,
    });
    let rejected = 0;
    const handler: OrderEventHandler = { onRejected: () => void rejected++ };
    try {
      // Each reject arrives while the adapter is still inside submit; the next submit at
      // once would take the freed slot (the pool's thread cache is LIFO).
      for (let i = 0; i < 200; i++) {
        expect(router.submit({ symbol: 'XYZ', side: 'buy', price: 100 + (i % 7), quantity: 1 })).toBeGreaterThan(0);
        const deadline = Date.now() + 2_000;
        while (rejected <= i && Date.now() < deadline) router.poll(handler);
      }
      expect(rejected).toBe(200);
    } finally {
      await router.stop(handler);
    }
    expect(Atomics.load(violations, 0)).toBe(0);
    expect(router.orders.freeCount()).toBe(64);
  });
});
