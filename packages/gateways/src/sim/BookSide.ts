import { Side } from '@ringroute/core';

/**
 * One side of one symbol's book: price levels kept sorted so that the best level is the
 * last element (bids by ascending price, asks by descending price). Taking or adding the
 * best level, by far the most common change, is then a pop or a push; a level deeper in
 * the book costs a binary search and a shift of the levels better than it.
 *
 * Each level is a FIFO of resting order slots (linked through the engine's `next`/`prev`
 * arrays): time priority within a price.
 */
export class BookSide {
  readonly side: Side;
  count = 0;
  prices: Float64Array;
  heads: Int32Array;
  tails: Int32Array;
  /** Total resting quantity at each level (lots). */
  totals: Float64Array;
  private readonly sign: number;

  constructor(side: Side, initialLevels = 64) {
    this.side = side;
    this.sign = side === Side.BUY ? 1 : -1;
    this.prices = new Float64Array(initialLevels);
    this.heads = new Int32Array(initialLevels);
    this.tails = new Int32Array(initialLevels);
    this.totals = new Float64Array(initialLevels);
  }

  /** Best price, or NaN when the side is empty. */
  bestPrice(): number {
    return this.count === 0 ? NaN : this.prices[this.count - 1];
  }

  /** True if an incoming order on the other side at `limit` would trade at this side's `price`. */
  crosses(price: number, limit: number): boolean {
    // Resting bid at `price` trades with a sell limited at `limit` if price >= limit;
    // a resting ask trades with a buy if price <= limit.
    return this.sign > 0 ? price >= limit : price <= limit;
  }

  /** True if `a` is a better price than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.sign > 0 ? a > b : a < b;
  }

  /** Index of the level at `price`, or -(insertion point) - 1 if absent. */
  find(price: number): number {
    const key = this.sign * price;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.sign * this.prices[mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Index of the level at `price`, creating an empty one if needed. */
  levelFor(price: number): number {
    const found = this.find(price);
    if (found >= 0) return found;
    const at = -found - 1;
    if (this.count === this.prices.length) this.grow();
    const n = this.count - at;
    if (n > 0) {
      this.prices.copyWithin(at + 1, at, this.count);
      this.heads.copyWithin(at + 1, at, this.count);
      this.tails.copyWithin(at + 1, at, this.count);
      this.totals.copyWithin(at + 1, at, this.count);
    }
    this.prices[at] = price;
    this.heads[at] = -1;
    this.tails[at] = -1;
    this.totals[at] = 0;
    this.count++;
    return at;
  }

  /** Remove the (empty) level at `index`. */
  removeLevel(index: number): void {
    const last = this.count - 1;
    if (index < last) {
      this.prices.copyWithin(index, index + 1, this.count);
      this.heads.copyWithin(index, index + 1, this.count);
      this.tails.copyWithin(index, index + 1, this.count);
      this.totals.copyWithin(index, index + 1, this.count);
    }
    this.count = last;
  }

  private grow(): void {
    const size = this.prices.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.prices = grow(this.prices, (n) => new Float64Array(n));
    this.heads = grow(this.heads, (n) => new Int32Array(n));
    this.tails = grow(this.tails, (n) => new Int32Array(n));
    this.totals = grow(this.totals, (n) => new Float64Array(n));
  }
}
