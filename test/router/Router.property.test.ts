import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTerminalState, OrderState, Side, type OrderFlyweight } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { BreakerState, RISK_SELF_TRADE, Router, type OrderEventHandler } from '@ringroute/router';

type Op =
  | { op: 'submit'; side: 'buy' | 'sell'; price: number; lots: number; account: number; venue: number; symbol: number; ioc: boolean }
  | { op: 'cancel'; pick: number }
  | { op: 'replace'; pick: number; price: number; lots: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('submit' as const),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      price: fc.integer({ min: 98, max: 102 }),
      lots: fc.integer({ min: 1, max: 9 }),
      account: fc.integer({ min: 1, max: 3 }),
      venue: fc.integer({ min: 0, max: 1 }),
      symbol: fc.integer({ min: 0, max: 1 }),
      ioc: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), price: fc.integer({ min: 98, max: 102 }), lots: fc.integer({ min: 1, max: 9 }) }) },
);

/** Two symbols on two simulated venues (on one gateway thread by default on 2 cores; 'dedicated': one thread each). */
function startRouter(orderCapacity: number, gatewayThreads?: 'dedicated'): Promise<Router> {
  return Router.create({
    instruments: [
      { symbol: 'AAA', tickSize: '1', lotSize: '1' },
      { symbol: 'BBB', tickSize: '1', lotSize: '1' },
    ],
    venues: [
      { name: 'alpha', task: SIM_VENUE_TASK },
      { name: 'beta', task: SIM_VENUE_TASK },
    ],
    orderCapacity,
    gatewayThreads,
  });
}

function submitOp(router: Router, op: Extract<Op, { op: 'submit' }>): number {
  return router.submit({
    symbol: op.symbol === 0 ? 'AAA' : 'BBB',
    side: op.side,
    price: op.price,
    quantity: op.lots,
    account: op.account,
    venue: op.venue === 0 ? 'alpha' : 'beta',
    tif: op.ioc ? 'IOC' : 'GTC',
  });
}

/** Records, per order, what the strategy was told. */
class Ledger implements OrderEventHandler {
  readonly terminal = new Map<number, number>(); // id -> final state
  readonly unknown = new Set<number>();
  readonly fills = new Map<number, number>(); // id -> lots filled as reported
  readonly position = [0, 0]; // per symbol, sum of signed fills
  failures: string[] = [];
  onFill(o: OrderFlyweight, _price: number, lots: number): void {
    const total = (this.fills.get(o.clientOrderId) ?? 0) + lots;
    this.fills.set(o.clientOrderId, total);
    if (total !== o.filledLots) this.failures.push(`order ${o.clientOrderId}: fills add to ${total}, order says ${o.filledLots}`);
    if (o.filledLots > o.quantityLots) this.failures.push(`order ${o.clientOrderId} overfilled`);
    this.position[o.symbolId] += o.side === Side.BUY ? lots : -lots;
    this.end(o);
  }
  onCanceled(o: OrderFlyweight): void {
    this.end(o);
  }
  onRejected(o: OrderFlyweight): void {
    this.end(o);
  }
  onExpired(o: OrderFlyweight): void {
    this.end(o);
  }
  onUnknown(o: OrderFlyweight): void {
    this.unknown.add(o.clientOrderId);
  }
  private end(o: OrderFlyweight): void {
    if (isTerminalState(o.state)) this.terminal.set(o.clientOrderId, o.state);
  }
}

/** Poll until `done()` holds (bounded: fails the run after 20 s instead of hanging). */
async function pollUntil(router: Router, ledger: Ledger, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('router did not settle in 20 s');
    if (router.poll(ledger, 1_024) === 0) await new Promise((r) => setImmediate(r));
  }
}

const PENDING: readonly number[] = [OrderState.NEW, OrderState.PENDING_NEW, OrderState.PENDING_CANCEL, OrderState.PENDING_REPLACE];

describe('Router properties over random order flows (real gateway workers)', () => {
  it('every order ends terminal or UNKNOWN, fills never exceed quantity, positions equal the fills', async () => {
    const router = await startRouter(8_192);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 80 }), async (ops) => {
          const ledger = new Ledger();
          const ids: number[] = [];
          const positionBefore = [router.risk.position(0), router.risk.position(1)];
          for (const op of ops) {
            if (op.op === 'submit') {
              const id = submitOp(router, op);
              // Self-trade prevention may refuse an order that meets the same account's resting one.
              if (id === RISK_SELF_TRADE) {
                const crossed = ids.some((other) => {
                  const o = router.orderOf(other);
                  if (o === null || o.accountId !== op.account || o.venueId !== op.venue || o.symbolId !== op.symbol) return false;
                  return op.side === 'buy' ? o.side === Side.SELL && o.priceTicks <= op.price : o.side === Side.BUY && o.priceTicks >= op.price;
                });
                expect(crossed, 'RISK_SELF_TRADE without a crossing order of the same account').toBe(true);
                continue;
              }
              expect(id, `submit refused: ${id}`).toBeGreaterThan(0);
              ids.push(id);
            } else if (ids.length > 0) {
              const id = ids[op.pick % ids.length];
              if (op.op === 'cancel') router.cancel(id);
              else router.replace(id, op.price, op.lots);
            }
            if (ids.length % 8 === 0) router.poll(ledger, 1_024);
          }
          // Wait until the venues answered everything, cancel what still works, wait until nothing is live.
          await pollUntil(router, ledger, () => ids.every((id) => !PENDING.includes(router.orderOf(id)?.state ?? -1)));
          // Reference model of the shared counters at rest: working lots per symbol and side
          // are the leaves of the live orders, open orders their count.
          for (const symbol of [0, 1]) {
            // orderOf returns one reused flyweight: copy what the model needs at once.
            const live = ids.map((id) => {
              const o = router.orderOf(id);
              return o === null ? null : { symbolId: o.symbolId, side: o.side, leaves: o.leavesLots };
            });
            const mine = live.filter((o) => o !== null && o.symbolId === symbol) as { side: number; leaves: number }[];
            const leaves = (side: number) => mine.filter((o) => o.side === side).reduce((sum, o) => sum + o.leaves, 0);
            expect(router.risk.working(symbol, Side.BUY), `symbol ${symbol} working buys`).toBe(leaves(Side.BUY));
            expect(router.risk.working(symbol, Side.SELL), `symbol ${symbol} working sells`).toBe(leaves(Side.SELL));
            expect(router.risk.openOrders(symbol)).toBe(mine.length);
          }
          router.cancelAll();
          await pollUntil(router, ledger, () => router.liveOrders === 0);
          expect(ledger.failures).toEqual([]);
          for (const id of ids) {
            const state = ledger.terminal.get(id);
            const ended = state !== undefined || ledger.unknown.has(id);
            expect(ended, `order ${id} neither terminal nor UNKNOWN (live: ${router.orderOf(id)?.state})`).toBe(true);
            if (state === OrderState.FILLED) expect(ledger.fills.get(id)).toBeGreaterThan(0);
          }
          expect(router.liveOrders).toBe(0);
          for (const symbol of [0, 1]) for (const side of [Side.BUY, Side.SELL]) expect(router.risk.working(symbol, side)).toBe(0);
          // Positions kept by the risk engine equal the sum of the fills the strategy saw.
          expect(router.risk.position(0) - positionBefore[0]).toBe(ledger.position[0]);
          expect(router.risk.position(1) - positionBefore[1]).toBe(ledger.position[1]);
        }),
        { numRuns: 60 },
      );
    } finally {
      await router.stop();
    }
  });
});

describe('Router properties when a gateway worker crashes mid-flow (real threads)', () => {
  it('no order disappears: each ends terminal or UNKNOWN, UNKNOWN only on the crashed venue, no overfill', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 40 }), fc.nat(), async (ops, cut) => {
        const router = await startRouter(1_024, 'dedicated');
        try {
          const ledger = new Ledger();
          const venueOf = new Map<number, number>();
          const crashAt = cut % ops.length;
          for (let i = 0; i < ops.length; i++) {
            if (i === crashAt) await router.gateways.terminateWorker(1); // beta dies with whatever it holds
            const op = ops[i];
            if (op.op === 'submit') {
              const id = submitOp(router, op);
              if (id > 0) venueOf.set(id, op.venue);
            } else if (venueOf.size > 0) {
              const ids = [...venueOf.keys()];
              const id = ids[op.pick % ids.length];
              if (op.op === 'cancel') router.cancel(id);
              else router.replace(id, op.price, op.lots);
            }
            router.poll(ledger, 1_024);
          }
          const settled = () => [...venueOf.keys()].every((id) => ledger.terminal.has(id) || ledger.unknown.has(id));
          const deadline = Date.now() + 20_000;
          while (!settled() && Date.now() < deadline) {
            router.cancelAll({ venue: 'alpha' });
            if (router.poll(ledger, 1_024) === 0) await new Promise((r) => setTimeout(r, 1));
          }
          expect(settled(), 'an order neither terminal nor UNKNOWN').toBe(true);
          expect(ledger.failures).toEqual([]);
          for (const id of ledger.unknown) expect(venueOf.get(id), `order ${id} UNKNOWN on a live venue`).toBe(1);
          expect(router.breakers[1].state).toBe(BreakerState.OPEN);
        } finally {
          await router.stop();
        }
      }),
      { numRuns: 8 },
    );
  });
});
