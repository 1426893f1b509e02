import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderFlags, OrderType, Side, TimeInForce } from '@ringroute/core';
import { MatchingEngine, type MatchListener } from '@ringroute/gateways';

type Op =
  | { op: 'new'; side: number; price: number; qty: number; account: number; kind: 'limit' | 'market' | 'ioc' | 'fok' | 'postOnly' }
  | { op: 'cancel'; pick: number }
  | { op: 'replace'; pick: number; price: number; qty: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('new' as const), side: fc.constantFrom(Side.BUY, Side.SELL), price: fc.integer({ min: 95, max: 105 }), qty: fc.integer({ min: 1, max: 10 }), account: fc.integer({ min: 1, max: 4 }), kind: fc.constantFrom('limit', 'limit', 'market', 'ioc', 'fok', 'postOnly') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), price: fc.integer({ min: 95, max: 105 }), qty: fc.integer({ min: 1, max: 12 }) }) },
);

interface ModelOrder {
  side: number;
  price: number;
  qty: number;
  account: number;
  cum: number;
  leaves: number;
  /** Arrival sequence at its current price (time priority), or -1 when not resting. */
  restSeq: number;
  done: boolean;
}

/**
 * Checks, while the engine runs, every rule a matching engine must keep:
 * - each trade fills one buy and one sell for the same lots at the same price, and that
 *   price is the resting order's own limit price;
 * - the resting order that trades is at the best price and, among orders at that price
 *   that are not the aggressor's account, the earliest to rest (price-time priority);
 * - fills add up: cum + leaves = quantity, cum never exceeds quantity;
 * - after every operation the book is not crossed.
 */
class Auditor implements MatchListener {
  readonly orders = new Map<number, ModelOrder>();
  aggressor = 0;
  private seq = 0;
  private pending: { id: number; price: number; last: number }[] = [];
  private tradeLots = 0;
  private tradePrice = 0;
  failures: string[] = [];

  fail(message: string): void {
    if (this.failures.length < 5) this.failures.push(message);
  }

  markResting(id: number): void {
    const o = this.orders.get(id);
    if (o && !o.done && o.leaves > 0 && o.restSeq < 0) o.restSeq = this.seq++;
  }

  onAck(id: number, _venueId: number, leaves: number): void {
    const o = this.orders.get(id)!;
    if (leaves !== o.qty) this.fail(`ack leaves ${leaves} != qty ${o.qty}`);
  }
  onTrade(_symbol: number, price: number, lots: number): void {
    if (this.pending.length !== 0) this.fail('trade before the previous trade was filled on both sides');
    this.tradePrice = price;
    this.tradeLots = lots;
  }
  onFill(id: number, _venueId: number, price: number, last: number, cum: number, leaves: number): void {
    const o = this.orders.get(id);
    if (!o) return this.fail(`fill for unknown order ${id}`);
    if (price !== this.tradePrice || last !== this.tradeLots) this.fail(`fill ${id} ${last}@${price} does not match trade ${this.tradeLots}@${this.tradePrice}`);
    if (id !== this.aggressor) this.checkPriority(id, o);
    o.cum += last;
    o.leaves -= last;
    if (o.cum !== cum || o.leaves !== leaves) this.fail(`order ${id}: reported cum/leaves ${cum}/${leaves}, model ${o.cum}/${o.leaves}`);
    if (o.cum > o.qty || o.leaves < 0) this.fail(`order ${id} overfilled`);
    if (o.leaves === 0) {
      o.done = true;
      o.restSeq = -1;
    }
    this.pending.push({ id, price, last });
    if (this.pending.length === 2) {
      const [a, b] = this.pending.map((p) => this.orders.get(p.id)!);
      if (a.side === b.side) this.fail('a trade between two orders of the same side');
      this.pending = [];
    }
  }
  onReject(id: number): void {
    const o = this.orders.get(id);
    if (o) o.done = true;
  }
  onCanceled(id: number): void {
    const o = this.orders.get(id);
    if (o) {
      o.done = true;
      o.restSeq = -1;
    }
  }
  onReplaced(id: number, _venueId: number, price: number, qty: number, cum: number, leaves: number): void {
    const o = this.orders.get(id)!;
    const keepsPriority = price === o.price && qty <= o.qty && o.restSeq >= 0;
    o.price = price;
    o.qty = qty;
    o.leaves = leaves;
    if (cum + leaves !== qty) this.fail(`replace ${id}: cum ${cum} + leaves ${leaves} != ${qty}`);
    if (!keepsPriority) o.restSeq = -1; // re-rests (after matching) with a new sequence
  }
  onCancelReject(): void {}
  onReplaceReject(): void {}
  onTopOfBook(): void {}

  private checkPriority(id: number, resting: ModelOrder): void {
    if (resting.restSeq < 0) return this.fail(`order ${id} traded as resting but never rested`);
    if (resting.price !== this.tradePrice) this.fail(`resting order ${id} traded at ${this.tradePrice}, not its price ${resting.price}`);
    const aggressorAccount = this.orders.get(this.aggressor)!.account;
    for (const [otherId, other] of this.orders) {
      if (otherId === id || other.done || other.restSeq < 0 || other.side !== resting.side || other.account === aggressorAccount) continue;
      const better = resting.side === Side.BUY ? other.price > resting.price : other.price < resting.price;
      if (better) this.fail(`order ${id} at ${resting.price} traded while ${otherId} rested at a better ${other.price}`);
      if (other.price === resting.price && other.restSeq < resting.restSeq) this.fail(`order ${id} traded before earlier ${otherId} at ${other.price}`);
    }
  }
}

describe('MatchingEngine properties', () => {
  it('random flows keep price-time priority, trade at the resting price, conserve quantity and never cross', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), (ops) => {
        const audit = new Auditor();
        const engine = new MatchingEngine({ symbols: 1, capacity: 512 }, audit);
        const ids: number[] = [];
        let nextId = 1;
        for (const op of ops) {
          if (op.op === 'new') {
            const id = nextId++;
            ids.push(id);
            audit.orders.set(id, { side: op.side, price: op.price, qty: op.qty, account: op.account, cum: 0, leaves: op.qty, restSeq: -1, done: false });
            audit.aggressor = id;
            engine.submit({
              clientOrderId: id,
              account: op.account,
              symbolId: 0,
              side: op.side,
              ordType: op.kind === 'market' ? OrderType.MARKET : OrderType.LIMIT,
              tif: op.kind === 'ioc' ? TimeInForce.IOC : op.kind === 'fok' ? TimeInForce.FOK : TimeInForce.GTC,
              flags: op.kind === 'postOnly' ? OrderFlags.POST_ONLY : 0,
              priceTicks: op.price,
              stopPriceTicks: 0,
              quantityLots: op.qty,
            });
            audit.markResting(id);
          } else if (ids.length > 0) {
            const id = ids[op.pick % ids.length];
            if (op.op === 'cancel') {
              engine.cancel(id);
            } else {
              audit.aggressor = id;
              engine.replace(id, op.price, op.qty);
              audit.markResting(id);
            }
          }
          const bid = engine.bestBid(0);
          const ask = engine.bestAsk(0);
          if (bid === bid && ask === ask && bid >= ask) audit.fail(`crossed book: bid ${bid} >= ask ${ask}`);
          // Resting quantity in the book equals the model's resting leaves.
          const bookLots = [...engine.depth(0, Side.BUY), ...engine.depth(0, Side.SELL)].reduce((sum, [, lots]) => sum + lots, 0);
          const modelLots = [...audit.orders.values()].filter((o) => !o.done && o.restSeq >= 0).reduce((sum, o) => sum + o.leaves, 0);
          if (bookLots !== modelLots) audit.fail(`book holds ${bookLots} lots, model ${modelLots}`);
        }
        expect(audit.failures).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});
