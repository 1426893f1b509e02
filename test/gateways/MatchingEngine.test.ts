import { describe, expect, it } from 'vitest';
import { OrderFlags, OrderType, RejectReason, Side, TimeInForce } from '@ringroute/core';
import { MatchingEngine, SelfMatch, type EngineOrder } from '@ringroute/gateways';
import { RecordingListener } from '../support/RecordingListener.js';

const { BUY, SELL } = Side;
let nextId = 1;

function setup(selfMatch: SelfMatch = SelfMatch.CANCEL_RESTING) {
  const listener = new RecordingListener();
  const engine = new MatchingEngine({ symbols: 2, capacity: 1024, selfMatch }, listener);
  const order = (side: number, price: number, qty: number, extra: Partial<EngineOrder> = {}): number => {
    const id = extra.clientOrderId ?? nextId++;
    engine.submit({
      clientOrderId: id,
      account: 1,
      symbolId: 0,
      side,
      ordType: OrderType.LIMIT,
      tif: TimeInForce.GTC,
      flags: 0,
      priceTicks: price,
      stopPriceTicks: 0,
      quantityLots: qty,
      ...extra,
    });
    return id;
  };
  return { engine, listener, order };
}

const fills = (events: ReturnType<RecordingListener['take']>) => events.filter((x) => x.e === 'fill');

describe('MatchingEngine', () => {
  it('rests non-crossing limits and reports the top of book', () => {
    const { engine, listener, order } = setup();
    order(BUY, 100, 5);
    order(SELL, 102, 7);
    expect(engine.bestBid(0)).toBe(100);
    expect(engine.bestAsk(0)).toBe(102);
    expect(engine.bestAskLots(0)).toBe(7);
    const tops = listener.take().filter((x) => x.e === 'top');
    expect(tops.at(-1)).toEqual({ e: 'top', symbol: 0, bid: 100, bidLots: 5, ask: 102, askLots: 7 });
  });

  it('fills at the resting price, in price then time priority, with partial fills', () => {
    const { engine, listener, order } = setup();
    const a = order(SELL, 101, 3, { account: 2 });
    const b = order(SELL, 100, 2, { account: 3 });
    const c = order(SELL, 100, 4, { account: 4 });
    listener.take();
    const taker = order(BUY, 101, 8);
    const events = listener.take();
    // Best price first (100: b then c by time), then 101 (a); each at the resting price.
    expect(fills(events).filter((f) => f.id !== taker).map((f) => [f.id, f.price, f.last])).toEqual([
      [b, 100, 2],
      [c, 100, 4],
      [a, 101, 2],
    ]);
    expect(fills(events).filter((f) => f.id === taker).map((f) => [f.price, f.last, f.cum, f.leaves])).toEqual([
      [100, 2, 2, 6],
      [100, 4, 6, 2],
      [101, 2, 8, 0],
    ]);
    expect(engine.bestAsk(0)).toBe(101);
    expect(engine.bestAskLots(0)).toBe(1);
    expect(engine.queueAt(0, SELL, 101)).toEqual([a]);
  });

  it('market orders trade at any price and cancel what they cannot fill', () => {
    const { engine, listener, order } = setup();
    order(SELL, 105, 2, { account: 2 });
    listener.take();
    const m = order(BUY, 0, 5, { ordType: OrderType.MARKET });
    const events = listener.take();
    expect(fills(events).find((f) => f.id === m)).toMatchObject({ price: 105, last: 2, leaves: 3 });
    expect(events.at(-2)).toMatchObject({ e: 'canceled', id: m, cum: 2, reason: RejectReason.NONE });
    const none = order(SELL, 0, 1, { ordType: OrderType.MARKET });
    expect(listener.take().find((x) => x.e === 'canceled')).toMatchObject({ id: none, reason: RejectReason.NO_LIQUIDITY });
    expect(engine.restingCount).toBe(0);
  });

  it('IOC cancels its remainder; FOK trades all or nothing', () => {
    const { engine, listener, order } = setup();
    order(SELL, 100, 3, { account: 2 });
    listener.take();
    const fok = order(BUY, 100, 4, { tif: TimeInForce.FOK });
    expect(listener.take().filter((x) => x.e !== 'ack')).toEqual([{ e: 'canceled', id: fok, venueId: expect.any(Number), cum: 0, reason: RejectReason.FOK_NOT_FILLABLE }]);
    expect(engine.bestAskLots(0)).toBe(3); // untouched
    const ioc = order(BUY, 100, 4, { tif: TimeInForce.IOC });
    const events = listener.take();
    expect(fills(events).find((f) => f.id === ioc)).toMatchObject({ last: 3, leaves: 1 });
    expect(events.find((x) => x.e === 'canceled')).toMatchObject({ id: ioc, cum: 3 });
    expect(engine.bestBid(0)).toBeNaN();
    order(SELL, 100, 2, { account: 2 });
    order(SELL, 101, 2, { account: 3 });
    listener.take();
    const fok2 = order(BUY, 101, 4, { tif: TimeInForce.FOK });
    expect(fills(listener.take()).filter((f) => f.id === fok2).map((f) => f.last)).toEqual([2, 2]);
  });

  it('post-only rejects an order that would trade, and rests one that would not', () => {
    const { engine, listener, order } = setup();
    order(SELL, 100, 1, { account: 2 });
    listener.take();
    const crossing = order(BUY, 100, 1, { flags: OrderFlags.POST_ONLY });
    expect(listener.take()).toEqual([{ e: 'reject', id: crossing, reason: RejectReason.POST_ONLY_WOULD_CROSS }]);
    order(BUY, 99, 1, { flags: OrderFlags.POST_ONLY });
    expect(engine.bestBid(0)).toBe(99);
  });

  it('a post-only order replaced to a crossing price is refused and keeps its terms; it never trades as a taker', () => {
    const { engine, listener, order } = setup();
    order(SELL, 100, 1, { account: 2 });
    const passive = order(BUY, 98, 1, { flags: OrderFlags.POST_ONLY });
    listener.take();
    engine.replace(passive, 100, 1);
    expect(listener.take()).toEqual([{ e: 'replaceReject', id: passive, reason: RejectReason.POST_ONLY_WOULD_CROSS }]);
    expect(engine.bestBid(0)).toBe(98);
    expect(engine.bestAsk(0)).toBe(100);
    engine.replace(passive, 99, 1); // still passive: fine
    expect(listener.take().map((e) => e.e)).toEqual(['replaced', 'top']); // the bid moved up
    expect(engine.bestBid(0)).toBe(99);
  });

  it('cancels, and answers cancels of unknown or filled orders with reasons', () => {
    const { engine, listener, order } = setup();
    const id = order(BUY, 100, 5);
    engine.cancel(id);
    expect(listener.take().at(-2)).toMatchObject({ e: 'canceled', id, cum: 0 });
    expect(engine.bestBid(0)).toBeNaN();
    engine.cancel(424242);
    expect(listener.take()).toEqual([{ e: 'cancelReject', id: 424242, reason: RejectReason.UNKNOWN_ORDER }]);
    const filled = order(SELL, 100, 1, { account: 2 });
    order(BUY, 100, 1);
    listener.take();
    engine.cancel(filled);
    expect(listener.take()).toEqual([{ e: 'cancelReject', id: filled, reason: RejectReason.TOO_LATE_TO_CANCEL }]);
  });

  it('replace keeps priority only for a quantity cut at the same price', () => {
    const { engine, listener, order } = setup();
    const a = order(BUY, 100, 5);
    const b = order(BUY, 100, 5, { account: 2 });
    engine.replace(a, 100, 3); // cut: stays first
    expect(engine.queueAt(0, BUY, 100)).toEqual([a, b]);
    expect(engine.bestBidLots(0)).toBe(8);
    engine.replace(a, 100, 6); // increase: to the back
    expect(engine.queueAt(0, BUY, 100)).toEqual([b, a]);
    engine.replace(b, 101, 5); // price change: new level
    expect(engine.bestBid(0)).toBe(101);
    listener.take();
    engine.replace(a, 100, 0);
    expect(listener.take()).toEqual([{ e: 'replaceReject', id: a, reason: RejectReason.INVALID_QUANTITY }]);
  });

  it('a replace that now crosses trades at once', () => {
    const { engine, listener, order } = setup();
    order(SELL, 102, 2, { account: 2 });
    const bid = order(BUY, 100, 2);
    listener.take();
    engine.replace(bid, 102, 2);
    const events = listener.take();
    expect(events[0]).toMatchObject({ e: 'replaced', id: bid, price: 102 });
    expect(fills(events).find((f) => f.id === bid)).toMatchObject({ price: 102, last: 2, leaves: 0 });
    expect(engine.restingCount).toBe(0);
  });

  it('stop and stop-limit orders wait hidden and enter when a trade reaches them', () => {
    const { engine, listener, order } = setup();
    order(SELL, 105, 10, { account: 5 });
    const stop = order(BUY, 0, 2, { ordType: OrderType.STOP, stopPriceTicks: 104, account: 3 });
    const stopLimit = order(BUY, 104, 3, { ordType: OrderType.STOP_LIMIT, stopPriceTicks: 105, account: 4 });
    expect(engine.bestBid(0)).toBeNaN(); // stops are not in the book
    order(SELL, 104, 1, { account: 6 });
    order(BUY, 104, 1, { account: 7 }); // prints 104: triggers the stop (buy stop at 104)
    const events = listener.take();
    expect(fills(events).find((f) => f.id === stop)).toMatchObject({ price: 105, last: 2 });
    // The stop's trade at 105 triggers the stop-limit (stop 105), which rests at its limit 104.
    expect(engine.queueAt(0, BUY, 104)).toEqual([stopLimit]);
    expect(fills(events).some((f) => f.id === stopLimit)).toBe(false);
  });

  it('self-match prevention cancels the resting order of the same account (default)', () => {
    const { engine, listener, order } = setup(SelfMatch.CANCEL_RESTING);
    const own = order(SELL, 100, 5, { account: 9 });
    const other = order(SELL, 100, 5, { account: 8 });
    listener.take();
    const taker = order(BUY, 100, 5, { account: 9 });
    const events = listener.take();
    expect(events.find((x) => x.e === 'canceled')).toMatchObject({ id: own, reason: RejectReason.SELF_TRADE });
    expect(fills(events).map((f) => f.id)).toEqual([other, taker]);
    expect(engine.restingCount).toBe(0);
  });

  it('self-match prevention can cancel the incoming order instead', () => {
    const { engine, listener, order } = setup(SelfMatch.CANCEL_INCOMING);
    const own = order(SELL, 100, 5, { account: 9 });
    listener.take();
    const taker = order(BUY, 100, 5, { account: 9 });
    expect(listener.take().find((x) => x.e === 'canceled')).toMatchObject({ id: taker, reason: RejectReason.SELF_TRADE });
    expect(engine.queueAt(0, SELL, 100)).toEqual([own]);
  });

  it('rejects bad orders with reasons and never throws', () => {
    const { listener, order } = setup();
    order(BUY, 100, 0);
    order(BUY, 100, -1);
    order(BUY, 100, 1.5);
    order(BUY, NaN, 1);
    order(BUY, 100, 1, { symbolId: 7 });
    order(3, 100, 1);
    order(BUY, 100, 1, { ordType: 9 });
    order(BUY, 0, 1, { ordType: OrderType.STOP, stopPriceTicks: NaN });
    const dup = order(BUY, 100, 1);
    order(BUY, 100, 1, { clientOrderId: dup });
    expect(listener.take().filter((x) => x.e === 'reject').map((x) => (x as { reason: number }).reason)).toEqual([
      RejectReason.INVALID_QUANTITY,
      RejectReason.INVALID_QUANTITY,
      RejectReason.INVALID_QUANTITY,
      RejectReason.INVALID_PRICE,
      RejectReason.UNKNOWN_SYMBOL,
      RejectReason.UNSUPPORTED,
      RejectReason.UNSUPPORTED,
      RejectReason.INVALID_PRICE,
      RejectReason.DUPLICATE_ORDER_ID,
    ]);
  });

  it('reports a full engine as a reject, not an exception', () => {
    const listener = new RecordingListener();
    const engine = new MatchingEngine({ symbols: 1, capacity: 2 }, listener);
    for (let i = 1; i <= 3; i++) {
      engine.submit({ clientOrderId: i, account: i, symbolId: 0, side: BUY, ordType: OrderType.LIMIT, tif: TimeInForce.GTC, flags: 0, priceTicks: 100 - i, stopPriceTicks: 0, quantityLots: 1 });
    }
    expect(listener.take().filter((x) => x.e === 'reject')).toEqual([{ e: 'reject', id: 3, reason: RejectReason.VENUE_UNAVAILABLE }]);
  });

  it('is deterministic: the same input gives the same events', () => {
    const run = () => {
      const { listener, order, engine } = setup(); // venue ids included: they come from counters
      let seed = 7;
      for (let i = 0; i < 500; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const id = 1_000_000 + i;
        if (seed % 7 === 0 && i > 10) engine.cancel(id - 5);
        else order(seed & 1 ? BUY : SELL, 95 + (seed % 11), 1 + (seed % 5), { clientOrderId: id, account: seed % 3 });
      }
      return JSON.stringify(listener.take());
    };
    expect(run()).toBe(run());
  });
});
