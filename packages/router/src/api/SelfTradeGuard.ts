import { isTerminalState, OrderState, OrderType, Side, type OrderFlyweight } from '@ringroute/core';

/** Accounts are hashed into this many buckets; two accounts sharing one only cost a confirming scan. */
const ACCOUNT_BUCKETS = 8;

/**
 * Router-side self-trade prevention, the fast half: for every (venue, symbol, account
 * bucket, side) it keeps how many of this router's limit orders are working there and a
 * bound on their best price (the highest buy, the lowest sell). The bound only ever errs
 * towards "might cross": it widens when an order arrives or is repriced, and is made exact
 * again by the owner's confirming scan (`tighten`) or reset when the count reaches zero.
 *
 * So `mightCross` answers false (the common case: no own order on the other side, or none
 * priced to meet this one) with two array reads and no allocation; on a true answer
 * `wouldCross` scans the router's working orders for a real match on the same account and venue.
 */
export class SelfTradeGuard {
  private readonly symbols: number;
  private readonly count: Int32Array;
  private readonly bound: Float64Array;

  constructor(venues: number, symbols: number) {
    this.symbols = symbols;
    const cells = venues * symbols * ACCOUNT_BUCKETS * 2;
    this.count = new Int32Array(cells);
    this.bound = new Float64Array(cells);
    for (let i = 0; i < cells; i++) this.bound[i] = (i & 1) === 0 ? -Infinity : Infinity;
  }

  /** Cell of the given side: even cells hold buys, odd cells sells. */
  private cell(venue: number, symbolId: number, account: number, side: number): number {
    return (((venue * this.symbols + symbolId) * ACCOUNT_BUCKETS + (account & (ACCOUNT_BUCKETS - 1))) << 1) | (side === Side.BUY ? 0 : 1);
  }

  /**
   * Could a new order (or a repriced one) at `priceTicks` trade against a working order of
   * the same account on the same venue? Market orders (NaN price) meet any resting price.
   */
  mightCross(venue: number, symbolId: number, account: number, side: number, ordType: number, priceTicks: number): boolean {
    const other = this.cell(venue, symbolId, account, side === Side.BUY ? Side.SELL : Side.BUY);
    if (this.count[other] === 0) return false;
    if (ordType === OrderType.MARKET || ordType === OrderType.STOP) return true;
    return side === Side.BUY ? this.bound[other] <= priceTicks : this.bound[other] >= priceTicks;
  }

  /**
   * The whole check: `mightCross` first (the common "no" at once); otherwise scan the
   * router's working orders on that venue (`venueOfSlot[slot]` = venue, -1 if free; read
   * through `probe`) for a real match on the same account, a cold path, and make the
   * bound exact again when no order there has a replace pending.
   */
  wouldCross(venue: number, symbolId: number, account: number, side: number, ordType: number, ticks: number, venueOfSlot: Int32Array, probe: OrderFlyweight): boolean {
    if (!this.mightCross(venue, symbolId, account, side, ordType, ticks)) return false;
    const resting = side === Side.BUY ? Side.SELL : Side.BUY;
    const market = ordType === OrderType.MARKET || ordType === OrderType.STOP;
    let best = resting === Side.BUY ? -Infinity : Infinity;
    let exact = true;
    for (let index = 0; index < venueOfSlot.length; index++) {
      if (venueOfSlot[index] !== venue) continue;
      probe.wrapIndex(index);
      if (probe.symbolId !== symbolId || probe.side !== resting || isTerminalState(probe.state)) continue;
      const type = probe.ordType;
      if ((type !== OrderType.LIMIT && type !== OrderType.STOP_LIMIT) || !SelfTradeGuard.sameBucket(probe.accountId, account)) continue;
      const price = probe.priceTicks;
      if (probe.accountId === account && (market || (side === Side.BUY ? price <= ticks : price >= ticks))) return true;
      if (probe.state === OrderState.PENDING_REPLACE) exact = false; // it may rest at its new price too
      if (resting === Side.BUY ? price > best : price < best) best = price;
    }
    if (exact) this.tighten(venue, symbolId, account, resting, best);
    return false;
  }

  /** A limit order is working (it may rest on the book). Other types never rest and are not tracked. */
  add(venue: number, symbolId: number, account: number, side: number, ordType: number, priceTicks: number): void {
    if (ordType !== OrderType.LIMIT && ordType !== OrderType.STOP_LIMIT) return;
    const c = this.cell(venue, symbolId, account, side);
    this.count[c]++;
    this.widen(c, side, priceTicks);
  }

  /** A tracked order is being repriced: until the venue answers it may rest at either price. */
  reprice(venue: number, symbolId: number, account: number, side: number, ordType: number, priceTicks: number): void {
    if (ordType !== OrderType.LIMIT && ordType !== OrderType.STOP_LIMIT) return;
    this.widen(this.cell(venue, symbolId, account, side), side, priceTicks);
  }

  /** A tracked order ended. */
  remove(venue: number, symbolId: number, account: number, side: number, ordType: number): void {
    if (ordType !== OrderType.LIMIT && ordType !== OrderType.STOP_LIMIT) return;
    const c = this.cell(venue, symbolId, account, side);
    if (--this.count[c] <= 0) {
      this.count[c] = 0;
      this.bound[c] = side === Side.BUY ? -Infinity : Infinity;
    }
  }

  /**
   * After a confirming scan found no real match: set the bound of the other side to the
   * exact best price the scan saw across the accounts in this bucket (±Infinity if none).
   */
  tighten(venue: number, symbolId: number, account: number, restingSide: number, bestTicks: number): void {
    this.bound[this.cell(venue, symbolId, account, restingSide)] = bestTicks;
  }

  private widen(c: number, side: number, priceTicks: number): void {
    if (side === Side.BUY) {
      if (priceTicks > this.bound[c]) this.bound[c] = priceTicks;
    } else if (priceTicks < this.bound[c]) this.bound[c] = priceTicks;
  }

  /** The bucket two accounts share when their low bits agree (for the confirming scan). */
  static sameBucket(a: number, b: number): boolean {
    return ((a ^ b) & (ACCOUNT_BUCKETS - 1)) === 0;
  }
}
