import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecType, OrderType, RejectReason, Side, TimeInForce } from '@ringroute/core';
import { ExchangeBook, OrderOwners, type Account, type Report } from '@ringroute/gateways';

type ReportSink = NonNullable<Account['sink']>;

// The reference exchange's book keeps its live orders in slots (OrderOwners) and each
// account's live ids in an IdMap: these tests hold its bookkeeping to a model of which
// orders are live, across slot reuse, re-entrant sinks and a full book.

const ENDS = new Set<number>([ExecType.CANCELED, ExecType.EXPIRED, ExecType.REJECT]);

/** A sink that keeps copies of its account's reports (the book reuses one object). */
function recorder(a: Account, onReport?: (r: Report) => void): Report[] {
  const got: Report[] = [];
  const sink: ReportSink = {
    report: (r) => {
      got.push({ ...r });
      onReport?.(r);
    },
    top: () => {},
  };
  a.sink = sink;
  return got;
}

const limit = (book: ExchangeBook, a: Account, id: number, side: number, px: number, qty = 1, tif: number = TimeInForce.GTC) =>
  book.submit(a, id, 0, side, OrderType.LIMIT, tif, 0, px, 0, qty);

describe('ExchangeBook: live orders and their owners', () => {
  it('OrderOwners: add returns -1 when every slot is taken (nothing changes), a removed slot is taken again, and each slot keeps its own order', () => {
    const owners = new OrderOwners(3);
    const a = new ExchangeBook({ symbols: 1 }).account(9);
    const slots = [10, 11, 12].map((engineId, i) => owners.add(a, 100 + i, engineId, i, i === 1 ? Side.SELL : Side.BUY, 50 + i));
    expect(new Set(slots).size).toBe(3);
    expect(owners.add(a, 200, 20, 0, Side.BUY, 1)).toBe(-1);
    expect([owners.size, owners.slotOf(20)]).toEqual([3, -1]);
    owners.remove(owners.slotOf(11));
    expect(owners.slotOf(11)).toBe(-1);
    const again = owners.add(a, 201, 21, 2, Side.BUY, 77);
    expect(again).toBe(slots[1]);
    for (const [engineId, id, sym, side, px] of [[10, 100, 0, Side.BUY, 50], [12, 102, 2, Side.BUY, 52], [21, 201, 2, Side.BUY, 77]]) {
      const s = owners.slotOf(engineId);
      expect([owners.clientId(s), owners.engineId(s), owners.symbol(s), owners.side(s), owners.price(s), owners.account(s)]).toEqual([id, engineId, sym, side, px, a]);
    }
  });

  it('open orders come back in the order they were entered, whatever their ids and however slots were reused', () => {
    const book = new ExchangeBook({ symbols: 1, capacity: 8 });
    const a = book.account(1);
    recorder(a);
    for (const id of [900, 5, 77, 3]) limit(book, a, id, Side.BUY, 100 - (id % 7));
    book.cancel(a, 5); // frees a slot that the next order takes
    for (const id of [41, 2]) limit(book, a, id, Side.BUY, 90);
    const ids = book.openOrders(a).filter((_, i) => i % 6 === 0);
    expect(ids).toEqual([900, 77, 3, 41, 2]);
  });

  it('an id the id maps cannot keep (NaN, a fraction, negative, past 2^53) is refused with a REJECT, and the book goes on as before', () => {
    const book = new ExchangeBook({ symbols: 1, capacity: 4 });
    const a = book.account(1);
    const got = recorder(a);
    limit(book, a, 7, Side.BUY, 90);
    for (const bad of [Number.NaN, 1.5, -3, 2 ** 53 + 2]) limit(book, a, bad, Side.BUY, 90);
    expect(got.slice(1).map((r) => [r.ex, r.reason])).toEqual(Array(4).fill([ExecType.REJECT, RejectReason.UNSUPPORTED]));
    expect([book.liveOrders, a.openCount, a.ids.size]).toEqual([1, 1, 1]);
    book.cancel(a, Number.NaN); // UNKNOWN_ORDER, nothing else
    limit(book, a, 8, Side.BUY, 91);
    expect(book.openOrders(a).filter((_, i) => i % 6 === 0)).toEqual([7, 8]);
  });

  it('a client that picks its order ids to share a slot in the id maps (multiples of 2^20) does not get long probes: the maps mix its ids with a seed', () => {
    const book = new ExchangeBook({ symbols: 1, capacity: 8_192 });
    const a = book.account(1);
    recorder(a);
    for (let j = 1; j <= 3_000; j++) limit(book, a, j * 2 ** 20, Side.BUY, 50); // live
    for (let j = 3_001; j <= 6_000; j++) limit(book, a, j * 2 ** 20, Side.BUY, 50, 1, TimeInForce.IOC); // ended at once
    expect([a.openCount, a.ids.size]).toEqual([3_000, 6_000]);
    expect(a.ids.longestProbe()).toBeLessThan(64);
  });

  it('a sink that submits and cancels from inside its reports, on a full book: every order gets exactly one first answer, nothing is lost, every slot comes back', () => {
    const capacity = 4;
    const book = new ExchangeBook({ symbols: 1, capacity });
    const a = book.account(1);
    const other = book.account(2);
    recorder(other);
    limit(book, other, 1, Side.SELL, 500); // the engine fills before account 1 reaches its own open limit
    let next = 100;
    let maxLive = 0;
    const got = recorder(a, (r) => {
      maxLive = Math.max(maxLive, book.liveOrders);
      // Each ACK of a first-generation order enters another order, and each REJECT
      // (the engine full) cancels the oldest live one, both from inside the report.
      if (r.ex === ExecType.ACK && r.id < 100 && next < 120) limit(book, a, next++, Side.BUY, 50);
      if (r.ex === ExecType.REJECT && r.id >= 100 && r.id % 2 === 0) book.cancel(a, 1);
    });
    for (let id = 1; id <= 6; id++) limit(book, a, id, Side.BUY, 60 + id);
    const entered = [...Array.from({ length: 6 }, (_, i) => i + 1), ...Array.from({ length: next - 100 }, (_, i) => 100 + i)];
    for (const id of entered) {
      const first = got.filter((r) => r.id === id && (r.ex === ExecType.ACK || r.ex === ExecType.REJECT));
      expect(first, `order ${id}`).toHaveLength(1);
    }
    expect(maxLive).toBeLessThanOrEqual(capacity + 1); // the order being entered, at most
    const reasons = new Set(got.filter((r) => r.ex === ExecType.REJECT).map((r) => r.reason));
    expect([...reasons].sort()).toEqual([RejectReason.VENUE_UNAVAILABLE]); // the engine full, from inside reports
    expect(book.liveOrders).toBe(a.openCount + other.openCount);
    const live = new Set(got.filter((r) => r.ex === ExecType.ACK).map((r) => r.id));
    for (const r of got) if (ENDS.has(r.ex)) live.delete(r.id);
    expect(a.openCount).toBe(live.size);
    // Every slot is free again once the live ones are canceled: the book fills to capacity.
    a.sink = null;
    for (const id of live) book.cancel(a, id);
    book.cancel(other, 1);
    expect(book.liveOrders).toBe(0);
    for (let id = 1_000; id < 1_000 + capacity; id++) limit(book, a, id, Side.SELL, 500);
    expect(book.liveOrders).toBe(capacity);
  });

  it('property: across submits, crossing fills, IOCs, cancels and replaces on two accounts, the book\'s live orders are exactly the ones whose reports say live', () => {
    type Op = { op: 'new'; account: number; side: number; px: number; qty: number; ioc: boolean } | { op: 'cancel' | 'replace'; account: number; pick: number; px: number; qty: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constant('new' as const), account: fc.constantFrom(1, 2), side: fc.constantFrom(Side.BUY, Side.SELL), px: fc.integer({ min: 95, max: 105 }), qty: fc.integer({ min: 1, max: 5 }), ioc: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('cancel' as const, 'replace' as const), account: fc.constantFrom(1, 2), pick: fc.nat(), px: fc.integer({ min: 95, max: 105 }), qty: fc.integer({ min: 1, max: 6 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const book = new ExchangeBook({ symbols: 1, capacity: 6 });
        const accounts = [book.account(1), book.account(2)];
        const logs = accounts.map((a) => recorder(a));
        const ids = [1, 1];
        for (const o of ops) {
          const k = o.account - 1;
          const a = accounts[k];
          if (o.op === 'new') {
            const id = ids[k]++;
            limit(book, a, id, o.side, o.px, o.qty, o.ioc ? TimeInForce.IOC : TimeInForce.GTC);
          } else if (ids[k] > 1) {
            const id = 1 + (o.pick % (ids[k] - 1));
            if (o.op === 'cancel') book.cancel(a, id);
            else book.replace(a, id, o.px, o.qty);
          }
        }
        for (let k = 0; k < 2; k++) {
          // The model: live from its ACK until a report that ends it (a fill with nothing left, or an end).
          const live = new Map<number, Report>();
          for (const r of logs[k]) {
            if (r.ex === ExecType.ACK) live.set(r.id, r);
            else if (ENDS.has(r.ex) || (r.ex === ExecType.FILL && r.leaves === 0)) live.delete(r.id);
          }
          const open = book.openOrders(accounts[k]);
          const openIds = open.filter((_, i) => i % 6 === 0);
          expect(openIds).toEqual([...live.keys()]); // in the order entered (ACKs come in entry order)
          expect(accounts[k].openCount).toBe(live.size);
          // Every report names its own order's symbol and side, whoever shares the slots.
          for (const r of logs[k]) if (r.ex === ExecType.FILL) expect(r.side).toBe(logs[k].find((x) => x.id === r.id && x.ex === ExecType.ACK)!.side);
        }
        expect(book.liveOrders).toBe(accounts[0].openCount + accounts[1].openCount);
      }),
      { numRuns: 300 },
    );
  });
});
