import { ConfigurationError, IdMap, OrderFlags, OrderType, RejectReason, Side, TimeInForce } from '@ringroute/core';
import { BookSide } from './BookSide.js';
import type { MatchListener } from './MatchListener.js';

/** What to do when an order would trade with a resting order of the same account. */
export const SelfMatch = { NONE: 0, CANCEL_RESTING: 1, CANCEL_INCOMING: 2, CANCEL_BOTH: 3 } as const;
export type SelfMatch = (typeof SelfMatch)[keyof typeof SelfMatch];

export interface MatchingEngineOptions {
  /** Symbol ids are 0 .. symbols-1. */
  symbols: number;
  /** Orders resting (including untriggered stops) at once, across all symbols. */
  capacity: number;
  selfMatch?: SelfMatch;
  /** Terminal client order ids remembered to answer a late cancel with TOO_LATE_TO_CANCEL (default 1,000,000). */
  rememberTerminal?: number;
  /**
   * Largest order quantity, lots (default: 2^53 / capacity, rounded down). With every
   * order at most this, the sum of all resting quantity (a price level's total, a side's
   * top size) stays an exact integer in a double: larger orders are refused
   * (QUANTITY_ABOVE_MAX) instead of making the book's sizes wrong.
   */
  maxOrderLots?: number;
}

/** An order as the engine takes it (an adapter fills one reusable object per call). */
export interface EngineOrder {
  clientOrderId: number;
  account: number;
  symbolId: number;
  side: number;
  ordType: number;
  tif: number;
  flags: number;
  priceTicks: number;
  stopPriceTicks: number;
  quantityLots: number;
}

const NONE = -1;
const RESTING = 1; // in a price level
const STOP_WAITING = 2; // in a stop list, not yet triggered

/**
 * A deterministic price-time priority matching engine: limit, market, IOC, FOK,
 * post-only, stop and stop-limit orders, partial fills, cancel, replace and self-match
 * prevention per account, for any number of symbols, on one thread.
 *
 * - Trades happen at the resting order's price; each trade reports a fill to both sides
 *   and one `onTrade`.
 * - Market orders trade at any price; what they cannot fill is canceled (NO_LIQUIDITY).
 *   IOC remainders are canceled; FOK orders trade in full or not at all.
 * - Post-only orders that would trade are rejected (POST_ONLY_WOULD_CROSS).
 * - Stop and stop-limit orders rest out of sight until a trade prints at or through their
 *   stop price (buy: trade >= stop, sell: trade <= stop), then enter as market or limit.
 * - Replace keeps time priority only when it keeps the price and lowers the quantity;
 *   otherwise the order goes to the back of its (new) level, and may trade at once.
 * - Determinism: ids come from counters, books are arrays, no clock and no randomness,
 *   so the same input sequence always yields the same events.
 *
 * Resting orders live in typed arrays indexed by slot, with a free list: no allocation
 * per order except the client-order-id map entries.
 */
export class MatchingEngine {
  private readonly listener: MatchListener;
  private readonly symbols: number;
  private readonly selfMatch: SelfMatch;
  private readonly rememberTerminal: number;
  /** Largest quantity of one order (see MatchingEngineOptions.maxOrderLots). */
  readonly maxOrderLots: number;
  private readonly bids: BookSide[];
  private readonly asks: BookSide[];
  private readonly buyStops: number[][];
  private readonly sellStops: number[][];
  // Resting orders: one 64-byte record per slot (array of structs: an order's fields
  // share one cache line; separate arrays per field cost a miss per field on a cold order).
  //   f64[0] clientOrderId  f64[1] venueOrderId  f64[2] price  f64[3] leaves  f64[4] cum
  //   i32[10] account  i32[11] symbol  i32[12] next  i32[13] prev
  //   u8[56] side  u8[57] ordType  u8[58] where     (quantity = cum + leaves)
  private readonly f: Float64Array;
  private readonly w: Int32Array;
  private readonly b: Uint8Array;
  private readonly stopPrice: Float64Array; // cold: stop orders only
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private readonly bySlotId: IdMap; // client order id -> slot
  private readonly terminal: IdMap; // client order id -> 1 (filled) / 2 (canceled)
  private readonly terminalRing: Float64Array; // the same ids in arrival order, to forget the oldest
  private terminalNext = 0;
  private nextVenueId = 1;
  private readonly pendingStops: number[] = [];
  private readonly scratch: EngineOrder = emptyOrder();

  constructor(options: MatchingEngineOptions, listener: MatchListener) {
    const { symbols, capacity } = options;
    if (!Number.isInteger(symbols) || symbols < 1 || symbols > 1 << 20) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'symbols must be from 1 to 2^20', symbols);
    }
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new ConfigurationError('ERR_INVALID_CAPACITY', 'capacity must be from 1 to 2^24 resting orders', capacity);
    }
    this.listener = listener;
    this.symbols = symbols;
    this.selfMatch = options.selfMatch ?? SelfMatch.CANCEL_RESTING;
    this.rememberTerminal = options.rememberTerminal ?? 1_000_000;
    this.maxOrderLots = Math.min(options.maxOrderLots ?? Infinity, Math.floor(Number.MAX_SAFE_INTEGER / capacity));
    this.terminalRing = new Float64Array(this.rememberTerminal).fill(NaN);
    this.bySlotId = new IdMap(Math.min(capacity, 1 << 16));
    this.terminal = new IdMap(Math.min(this.rememberTerminal, 1 << 16));
    this.bids = Array.from({ length: symbols }, () => new BookSide(Side.BUY));
    this.asks = Array.from({ length: symbols }, () => new BookSide(Side.SELL));
    this.buyStops = Array.from({ length: symbols }, () => []);
    this.sellStops = Array.from({ length: symbols }, () => []);
    const records = new ArrayBuffer(capacity * 64);
    this.f = new Float64Array(records);
    this.w = new Int32Array(records);
    this.b = new Uint8Array(records);
    this.stopPrice = new Float64Array(capacity);
    this.freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  /** Resting orders (including untriggered stops). */
  get restingCount(): number {
    return this.freeSlots.length - this.freeCount;
  }

  /** Best bid/ask of a symbol: price (NaN if none) and total lots at it. */
  bestBid(symbolId: number): number {
    return this.bids[symbolId].bestPrice();
  }
  bestAsk(symbolId: number): number {
    return this.asks[symbolId].bestPrice();
  }
  bestBidLots(symbolId: number): number {
    const b = this.bids[symbolId];
    return b.count === 0 ? 0 : b.totals[b.count - 1];
  }
  bestAskLots(symbolId: number): number {
    const a = this.asks[symbolId];
    return a.count === 0 ? 0 : a.totals[a.count - 1];
  }

  /** Levels of a side, best first, as [price, lots] (cold path: allocates). */
  depth(symbolId: number, side: number): [number, number][] {
    const book = side === Side.BUY ? this.bids[symbolId] : this.asks[symbolId];
    const out: [number, number][] = [];
    for (let i = book.count - 1; i >= 0; i--) out.push([book.prices[i], book.totals[i]]);
    return out;
  }

  /** Resting client order ids at one level, in time priority (cold path). */
  queueAt(symbolId: number, side: number, priceTicks: number): number[] {
    const book = side === Side.BUY ? this.bids[symbolId] : this.asks[symbolId];
    const level = book.find(priceTicks);
    const out: number[] = [];
    if (level < 0) return out;
    for (let s = book.heads[level]; s !== NONE; s = this.w[(s << 4) + 12]) out.push(this.f[s << 3]);
    return out;
  }

  /**
   * Live orders (resting or waiting stops) as the venue sees them, for reconciliation
   * (cold path: scans every slot).
   */
  liveOrders(): { clientOrderId: number; venueOrderId: number; symbolId: number; side: number; priceTicks: number; cumLots: number; leavesLots: number }[] {
    const out = [];
    for (let slot = 0; slot < this.freeSlots.length; slot++) {
      const where = this.b[(slot << 6) + 58];
      if (where !== RESTING && where !== STOP_WAITING) continue;
      if (this.bySlotId.get(this.f[slot << 3]) !== slot) continue;
      out.push({
        clientOrderId: this.f[slot << 3],
        venueOrderId: this.f[(slot << 3) + 1],
        symbolId: this.w[(slot << 4) + 11],
        side: this.b[(slot << 6) + 56],
        priceTicks: this.f[(slot << 3) + 2],
        cumLots: this.f[(slot << 3) + 4],
        leavesLots: this.f[(slot << 3) + 3],
      });
    }
    return out;
  }

  /**
   * One live order (resting or a waiting stop) by client order id, written into `out`;
   * false when it is not live. Lets a caller that knows its own ids list them without
   * scanning the whole book (liveOrders).
   */
  liveOrder(clientOrderId: number, out: { venueOrderId: number; priceTicks: number; cumLots: number; leavesLots: number }): boolean {
    const slot = this.bySlotId.get(clientOrderId);
    if (slot < 0) return false;
    const where = this.b[(slot << 6) + 58];
    if (where !== RESTING && where !== STOP_WAITING) return false;
    out.venueOrderId = this.f[(slot << 3) + 1];
    out.priceTicks = this.f[(slot << 3) + 2];
    out.cumLots = this.f[(slot << 3) + 4];
    out.leavesLots = this.f[(slot << 3) + 3];
    return true;
  }

  /** Enter a new order. Every outcome is reported to the listener. */
  submit(o: EngineOrder): void {
    const reason = this.validate(o);
    if (reason !== RejectReason.NONE) {
      this.listener.onReject(o.clientOrderId, reason);
      return;
    }
    const postOnly = (o.flags & OrderFlags.POST_ONLY) !== 0;
    if (postOnly && this.wouldCross(o.symbolId, o.side, o.priceTicks)) {
      this.listener.onReject(o.clientOrderId, RejectReason.POST_ONLY_WOULD_CROSS);
      return;
    }
    if (this.freeCount === 0) {
      this.listener.onReject(o.clientOrderId, RejectReason.VENUE_UNAVAILABLE);
      return;
    }
    const slot = this.freeSlots[--this.freeCount];
    this.f[slot << 3] = o.clientOrderId;
    this.f[(slot << 3) + 1] = this.nextVenueId++;
    this.f[(slot << 3) + 2] = o.priceTicks;
    this.stopPrice[slot] = o.stopPriceTicks;
    this.f[(slot << 3) + 3] = o.quantityLots;
    this.f[(slot << 3) + 4] = 0;
    this.w[(slot << 4) + 10] = o.account;
    this.w[(slot << 4) + 11] = o.symbolId;
    this.b[(slot << 6) + 56] = o.side;
    this.b[(slot << 6) + 57] = o.ordType;
    this.b[(slot << 6) + 58] = 0;
    this.b[(slot << 6) + 59] = o.flags & OrderFlags.POST_ONLY; // a replace must keep honouring it
    this.bySlotId.set(o.clientOrderId, slot);
    this.listener.onAck(o.clientOrderId, this.f[(slot << 3) + 1], o.quantityLots);

    if (o.ordType === OrderType.STOP || o.ordType === OrderType.STOP_LIMIT) {
      this.b[(slot << 6) + 58] = STOP_WAITING;
      (o.side === Side.BUY ? this.buyStops : this.sellStops)[o.symbolId].push(slot);
      return;
    }
    this.snapshotTop(o.symbolId);
    this.execute(slot, o.tif);
    this.runTriggeredStops();
    this.publishIfChanged(o.symbolId);
  }

  /** Cancel by client order id. */
  cancel(clientOrderId: number): void {
    const slot = this.bySlotId.get(clientOrderId);
    if (slot < 0) {
      this.listener.onCancelReject(clientOrderId, this.terminal.has(clientOrderId) ? RejectReason.TOO_LATE_TO_CANCEL : RejectReason.UNKNOWN_ORDER);
      return;
    }
    const sym = this.w[(slot << 4) + 11];
    this.snapshotTop(sym);
    this.removeResting(slot);
    this.finish(slot, 2);
    this.listener.onCanceled(clientOrderId, this.f[(slot << 3) + 1], this.f[(slot << 3) + 4], RejectReason.NONE);
    this.publishIfChanged(sym);
  }

  /**
   * Change price and/or total quantity. Keeps time priority only for a quantity cut at
   * the same price. A new quantity at or below what is filled is refused (INVALID_QUANTITY).
   */
  replace(clientOrderId: number, newPriceTicks: number, newQuantityLots: number): void {
    const slot = this.bySlotId.get(clientOrderId);
    if (slot < 0) {
      this.listener.onReplaceReject(clientOrderId, this.terminal.has(clientOrderId) ? RejectReason.TOO_LATE_TO_CANCEL : RejectReason.UNKNOWN_ORDER);
      return;
    }
    if (!Number.isSafeInteger(newQuantityLots) || newQuantityLots <= this.f[(slot << 3) + 4]) {
      this.listener.onReplaceReject(clientOrderId, RejectReason.INVALID_QUANTITY);
      return;
    }
    if (newQuantityLots > this.maxOrderLots) {
      this.listener.onReplaceReject(clientOrderId, RejectReason.QUANTITY_ABOVE_MAX);
      return;
    }
    if (!Number.isSafeInteger(newPriceTicks)) {
      this.listener.onReplaceReject(clientOrderId, RejectReason.INVALID_PRICE);
      return;
    }
    const sym = this.w[(slot << 4) + 11];
    // A post-only order stays post-only: a replace to a price that would trade is refused
    // and the order keeps its old terms (it would otherwise take liquidity as a taker).
    if (this.b[(slot << 6) + 59] !== 0 && this.wouldCross(sym, this.b[(slot << 6) + 56], newPriceTicks)) {
      this.listener.onReplaceReject(clientOrderId, RejectReason.POST_ONLY_WOULD_CROSS);
      return;
    }
    this.snapshotTop(sym);
    const newLeaves = newQuantityLots - this.f[(slot << 3) + 4];
    const samePrice = newPriceTicks === this.f[(slot << 3) + 2];
    if (this.b[(slot << 6) + 58] === RESTING && samePrice && newQuantityLots <= this.f[(slot << 3) + 4] + this.f[(slot << 3) + 3]) {
      // Quantity down at the same price: stay in place, keep priority.
      const book = this.b[(slot << 6) + 56] === Side.BUY ? this.bids[sym] : this.asks[sym];
      book.totals[book.find(this.f[(slot << 3) + 2])] -= this.f[(slot << 3) + 3] - newLeaves;
      this.f[(slot << 3) + 3] = newLeaves;
      this.listener.onReplaced(clientOrderId, this.f[(slot << 3) + 1], newPriceTicks, newQuantityLots, this.f[(slot << 3) + 4], newLeaves);
      this.publishIfChanged(sym);
      return;
    }
    const wasStop = this.b[(slot << 6) + 58] === STOP_WAITING;
    this.removeResting(slot);
    this.f[(slot << 3) + 2] = newPriceTicks;
    this.f[(slot << 3) + 3] = newLeaves;
    this.listener.onReplaced(clientOrderId, this.f[(slot << 3) + 1], newPriceTicks, newQuantityLots, this.f[(slot << 3) + 4], newLeaves);
    if (wasStop) {
      this.b[(slot << 6) + 58] = STOP_WAITING;
      (this.b[(slot << 6) + 56] === Side.BUY ? this.buyStops : this.sellStops)[sym].push(slot);
      return;
    }
    this.execute(slot, TimeInForce.GTC); // a replaced order that now crosses trades at once
    this.runTriggeredStops();
    this.publishIfChanged(sym);
  }

  /** Match `slot` against the book, then rest, cancel or expire what is left. */
  private execute(slot: number, tif: number): void {
    const sym = this.w[(slot << 4) + 11];
    const side = this.b[(slot << 6) + 56];
    const market = this.b[(slot << 6) + 57] === OrderType.MARKET || this.b[(slot << 6) + 57] === OrderType.STOP;
    const limit = market ? (side === Side.BUY ? Infinity : -Infinity) : this.f[(slot << 3) + 2];
    if (tif === TimeInForce.FOK && this.fillableLots(slot, limit) < this.f[(slot << 3) + 3]) {
      this.finish(slot, 2);
      this.listener.onCanceled(this.f[slot << 3], this.f[(slot << 3) + 1], 0, RejectReason.FOK_NOT_FILLABLE);
      return;
    }
    this.match(slot, limit);
    if (this.f[(slot << 3) + 3] === 0) return; // filled (finished in match)
    if (this.bySlotId.get(this.f[slot << 3]) !== slot) return; // canceled by self-match prevention
    if (market || tif === TimeInForce.IOC || tif === TimeInForce.FOK) {
      this.finish(slot, 2);
      this.listener.onCanceled(this.f[slot << 3], this.f[(slot << 3) + 1], this.f[(slot << 3) + 4], market && this.f[(slot << 3) + 4] === 0 ? RejectReason.NO_LIQUIDITY : RejectReason.NONE);
      return;
    }
    this.rest(slot);
  }

  /** Trade `slot` against the opposite side while it crosses `limit`. */
  private match(slot: number, limit: number): void {
    const sym = this.w[(slot << 4) + 11];
    const opposite = this.b[(slot << 6) + 56] === Side.BUY ? this.asks[sym] : this.bids[sym];
    const account = this.w[(slot << 4) + 10];
    const listener = this.listener;
    while (this.f[(slot << 3) + 3] > 0 && opposite.count > 0) {
      const level = opposite.count - 1;
      const levelPrice = opposite.prices[level];
      if (!opposite.crosses(levelPrice, limit)) break;
      let resting = opposite.heads[level];
      while (resting !== NONE && this.f[(slot << 3) + 3] > 0) {
        const following = this.w[(resting << 4) + 12];
        if (this.selfMatch !== SelfMatch.NONE && this.w[(resting << 4) + 10] === account) {
          if (this.selfMatch !== SelfMatch.CANCEL_INCOMING) {
            this.removeResting(resting);
            this.finish(resting, 2);
            listener.onCanceled(this.f[resting << 3], this.f[(resting << 3) + 1], this.f[(resting << 3) + 4], RejectReason.SELF_TRADE);
          }
          if (this.selfMatch !== SelfMatch.CANCEL_RESTING) {
            this.finish(slot, 2);
            listener.onCanceled(this.f[slot << 3], this.f[(slot << 3) + 1], this.f[(slot << 3) + 4], RejectReason.SELF_TRADE);
            return;
          }
          resting = following;
          continue;
        }
        const lots = Math.min(this.f[(slot << 3) + 3], this.f[(resting << 3) + 3]);
        this.f[(resting << 3) + 3] -= lots;
        this.f[(resting << 3) + 4] += lots;
        this.f[(slot << 3) + 3] -= lots;
        this.f[(slot << 3) + 4] += lots;
        opposite.totals[level] -= lots;
        listener.onTrade(sym, levelPrice, lots);
        listener.onFill(this.f[resting << 3], this.f[(resting << 3) + 1], levelPrice, lots, this.f[(resting << 3) + 4], this.f[(resting << 3) + 3]);
        listener.onFill(this.f[slot << 3], this.f[(slot << 3) + 1], levelPrice, lots, this.f[(slot << 3) + 4], this.f[(slot << 3) + 3]);
        this.noteTrade(sym, levelPrice);
        if (this.f[(resting << 3) + 3] === 0) {
          this.removeResting(resting);
          this.finish(resting, 1);
        }
        resting = following;
      }
    }
    if (this.f[(slot << 3) + 3] === 0) this.finish(slot, 1);
  }

  /** Lots `slot` could trade right now up to `limit` (for FOK), skipping its own account's orders. */
  private fillableLots(slot: number, limit: number): number {
    const sym = this.w[(slot << 4) + 11];
    const opposite = this.b[(slot << 6) + 56] === Side.BUY ? this.asks[sym] : this.bids[sym];
    const want = this.f[(slot << 3) + 3];
    let total = 0;
    for (let level = opposite.count - 1; level >= 0 && total < want; level--) {
      if (!opposite.crosses(opposite.prices[level], limit)) break;
      for (let s = opposite.heads[level]; s !== NONE && total < want; s = this.w[(s << 4) + 12]) {
        if (this.selfMatch === SelfMatch.NONE || this.w[(s << 4) + 10] !== this.w[(slot << 4) + 10]) total += this.f[(s << 3) + 3];
      }
    }
    return total;
  }

  private wouldCross(symbolId: number, side: number, priceTicks: number): boolean {
    const opposite = side === Side.BUY ? this.asks[symbolId] : this.bids[symbolId];
    return opposite.count > 0 && opposite.crosses(opposite.prices[opposite.count - 1], priceTicks);
  }

  /** Append `slot` to the back of its price level. */
  private rest(slot: number): void {
    const sym = this.w[(slot << 4) + 11];
    const book = this.b[(slot << 6) + 56] === Side.BUY ? this.bids[sym] : this.asks[sym];
    const level = book.levelFor(this.f[(slot << 3) + 2]);
    const tail = book.tails[level];
    this.w[(slot << 4) + 13] = tail;
    this.w[(slot << 4) + 12] = NONE;
    if (tail === NONE) book.heads[level] = slot;
    else this.w[(tail << 4) + 12] = slot;
    book.tails[level] = slot;
    book.totals[level] += this.f[(slot << 3) + 3];
    this.b[(slot << 6) + 58] = RESTING;
  }

  /** Take `slot` out of its level or stop list (it stays allocated). */
  private removeResting(slot: number): void {
    const sym = this.w[(slot << 4) + 11];
    if (this.b[(slot << 6) + 58] === STOP_WAITING) {
      const list = (this.b[(slot << 6) + 56] === Side.BUY ? this.buyStops : this.sellStops)[sym];
      const at = list.indexOf(slot);
      if (at >= 0) list.splice(at, 1);
      this.b[(slot << 6) + 58] = 0;
      return;
    }
    if (this.b[(slot << 6) + 58] !== RESTING) return;
    const book = this.b[(slot << 6) + 56] === Side.BUY ? this.bids[sym] : this.asks[sym];
    const level = book.find(this.f[(slot << 3) + 2]);
    const p = this.w[(slot << 4) + 13];
    const n = this.w[(slot << 4) + 12];
    if (p === NONE) book.heads[level] = n;
    else this.w[(p << 4) + 12] = n;
    if (n === NONE) book.tails[level] = p;
    else this.w[(n << 4) + 13] = p;
    book.totals[level] -= this.f[(slot << 3) + 3];
    if (book.heads[level] === NONE) book.removeLevel(level);
    this.b[(slot << 6) + 58] = 0;
  }

  /** The order is done: forget its slot, remember the id for late cancels. */
  private finish(slot: number, how: number): void {
    const id = this.f[slot << 3];
    if (this.bySlotId.get(id) !== slot) return;
    this.bySlotId.delete(id);
    this.freeSlots[this.freeCount++] = slot;
    // Forget the oldest remembered id by position in a ring: deleting the first key of a
    // Map over and over makes V8 skip a growing run of tombstones on every lookup of
    // "the first key" (measured: 65k orders/s instead of millions).
    const forgotten = this.terminalRing[this.terminalNext];
    if (forgotten === forgotten) this.terminal.delete(forgotten);
    this.terminalRing[this.terminalNext] = id;
    this.terminalNext = this.terminalNext + 1 === this.rememberTerminal ? 0 : this.terminalNext + 1;
    this.terminal.set(id, how);
  }

  /** After a trade: collect stops it triggers (entered once the current match is over). */
  private noteTrade(sym: number, tradePrice: number): void {
    const buys = this.buyStops[sym];
    for (let i = buys.length - 1; i >= 0; i--) {
      if (tradePrice >= this.stopPrice[buys[i]]) this.pendingStops.push(buys.splice(i, 1)[0]);
    }
    const sells = this.sellStops[sym];
    for (let i = sells.length - 1; i >= 0; i--) {
      if (tradePrice <= this.stopPrice[sells[i]]) this.pendingStops.push(sells.splice(i, 1)[0]);
    }
  }

  /** Enter triggered stops as market (STOP) or limit (STOP_LIMIT) orders, oldest first. */
  private runTriggeredStops(): void {
    while (this.pendingStops.length > 0) {
      const slot = this.pendingStops.shift()!;
      this.b[(slot << 6) + 58] = 0;
      this.execute(slot, TimeInForce.GTC);
    }
  }

  private validate(o: EngineOrder): number {
    if (!Number.isInteger(o.symbolId) || o.symbolId < 0 || o.symbolId >= this.symbols) return RejectReason.UNKNOWN_SYMBOL;
    if (!Number.isSafeInteger(o.quantityLots) || o.quantityLots <= 0) return RejectReason.INVALID_QUANTITY;
    if (o.quantityLots > this.maxOrderLots) return RejectReason.QUANTITY_ABOVE_MAX;
    if (o.side !== Side.BUY && o.side !== Side.SELL) return RejectReason.UNSUPPORTED;
    if (o.ordType < OrderType.LIMIT || o.ordType > OrderType.STOP_LIMIT) return RejectReason.UNSUPPORTED;
    const needsPrice = o.ordType === OrderType.LIMIT || o.ordType === OrderType.STOP_LIMIT;
    if (needsPrice && !Number.isSafeInteger(o.priceTicks)) return RejectReason.INVALID_PRICE;
    const needsStop = o.ordType === OrderType.STOP || o.ordType === OrderType.STOP_LIMIT;
    if (needsStop && !Number.isSafeInteger(o.stopPriceTicks)) return RejectReason.INVALID_PRICE;
    if (this.bySlotId.has(o.clientOrderId) || this.terminal.has(o.clientOrderId)) return RejectReason.DUPLICATE_ORDER_ID;
    if ((o.flags & OrderFlags.POST_ONLY) !== 0 && o.ordType !== OrderType.LIMIT) return RejectReason.UNSUPPORTED;
    return RejectReason.NONE;
  }

  private topBid = 0;
  private topBidLots = 0;
  private topAsk = 0;
  private topAskLots = 0;

  /** Remember the top of book before a change (no allocation: four fields). */
  private snapshotTop(sym: number): void {
    this.topBid = this.bestBid(sym);
    this.topBidLots = this.bestBidLots(sym);
    this.topAsk = this.bestAsk(sym);
    this.topAskLots = this.bestAskLots(sym);
  }

  /** Tell the listener if the top of book moved since `snapshotTop`. */
  private publishIfChanged(sym: number): void {
    const bid = this.bestBid(sym);
    const bidLots = this.bestBidLots(sym);
    const ask = this.bestAsk(sym);
    const askLots = this.bestAskLots(sym);
    if (!same(bid, this.topBid) || bidLots !== this.topBidLots || !same(ask, this.topAsk) || askLots !== this.topAskLots) {
      this.listener.onTopOfBook(sym, bid, bidLots, ask, askLots);
    }
  }

  /** A reusable order object for callers that build orders field by field. */
  get orderScratch(): EngineOrder {
    return this.scratch;
  }
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

function emptyOrder(): EngineOrder {
  return { clientOrderId: 0, account: 0, symbolId: 0, side: Side.BUY, ordType: OrderType.LIMIT, tif: TimeInForce.GTC, flags: 0, priceTicks: 0, stopPriceTicks: 0, quantityLots: 0 };
}
