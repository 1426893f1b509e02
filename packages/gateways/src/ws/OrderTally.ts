import { IdMap } from '@ringroute/core';

/**
 * What the gateway itself knows of each order it sent: quantity and cumulative fill, by
 * client order id, in typed arrays (a free list of slots; no allocation per order once
 * grown). It is how the gateway tells an exchange report that ends an order from one that
 * only claims to: a fill with leaves 0 whose cum is not the quantity, an overfill, a
 * REJECT after a fill. Such a report is an inconsistency: the order is reported UNKNOWN
 * and kept, so the exchange's correct report can still settle it.
 */
export class OrderTally {
  private readonly slotOf = new IdMap(1024);
  private quantity = new Float64Array(1024);
  private cum = new Float64Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private used = 0;

  /** A new order went out. */
  open(id: number, quantityLots: number): void {
    let slot = this.slotOf.get(id);
    if (slot < 0) {
      slot = this.freeCount > 0 ? this.free[--this.freeCount] : this.used++;
      if (slot >= this.quantity.length) this.grow();
      this.slotOf.set(id, slot);
    }
    this.quantity[slot] = quantityLots;
    this.cum[slot] = 0;
  }

  has(id: number): boolean {
    return this.slotOf.get(id) >= 0;
  }

  quantityOf(id: number): number {
    const slot = this.slotOf.get(id);
    return slot < 0 ? NaN : this.quantity[slot];
  }

  cumOf(id: number): number {
    const slot = this.slotOf.get(id);
    return slot < 0 ? NaN : this.cum[slot];
  }

  /** A fill report's cum (never lower than what is known: duplicates and reordering). */
  filled(id: number, cumLots: number): void {
    const slot = this.slotOf.get(id);
    if (slot >= 0 && cumLots > this.cum[slot]) this.cum[slot] = cumLots;
  }

  /** A replace took effect: the order's total quantity is now `quantityLots`. */
  replaced(id: number, quantityLots: number): void {
    const slot = this.slotOf.get(id);
    if (slot >= 0) this.quantity[slot] = quantityLots;
  }

  /** The order ended: forget it. */
  close(id: number): void {
    const slot = this.slotOf.delete(id);
    if (slot < 0) return;
    if (this.freeCount === this.free.length) {
      const grown = new Int32Array(this.free.length * 2);
      grown.set(this.free);
      this.free = grown;
    }
    this.free[this.freeCount++] = slot;
  }

  private grow(): void {
    const n = this.quantity.length * 2;
    const q = new Float64Array(n);
    q.set(this.quantity);
    this.quantity = q;
    const c = new Float64Array(n);
    c.set(this.cum);
    this.cum = c;
  }
}
