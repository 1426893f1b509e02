import { IdMap } from '@ringroute/core';

/**
 * Replace on a venue without native amend (`capabilities.amend: false`), emulated as
 * cancel, then new. Per order slot it holds the price and quantity a pending emulated
 * replace asked for, and which live orders are replacements (so their acknowledgement
 * reaches the strategy as `onReplaced`, not `onAccepted`), and it maps each replaced
 * order's client order id to its replacement's (`Router.replacedId`).
 *
 * The flow (Router drives it; ExecutionApplier calls back):
 * 1. `replace(id, price, qty)` passes the same checks as a native replace, sends a CANCEL,
 *    and the order goes to PENDING_REPLACE.
 * 2. The venue refuses the cancel (too late: it filled): the strategy gets
 *    `onRequestRejected` as for a refused replace; the order keeps working.
 * 3. The venue cancels it: fills it reports with the cancel are applied, then a new order
 *    for the new price and the quantity not yet filled goes out under a new client order
 *    id. The old order ends silently (no `onCanceled`); its share of the working and
 *    open-order counters passes to the new one. The new order's acknowledgement is
 *    delivered as `onReplaced(newOrder)`; a venue reject of it as `onRejected(newOrder)`.
 *    If nothing is left to fill, or the new order cannot be sent (pool or ring full), the
 *    strategy gets the plain `onCanceled`.
 */
export class ReplaceEmulation {
  private readonly price: Float64Array; // per slot: the pending replace's price (NaN: none)
  private readonly lots: Float64Array;
  private readonly replacement: Uint8Array; // per slot: 1 while the order is an emulated replacement not yet acknowledged
  private readonly successor = new IdMap(64); // replaced client order id -> replacement's
  private readonly predecessor: Float64Array; // per slot: the id this order replaced (0: none)

  constructor(slots: number) {
    this.price = new Float64Array(slots).fill(NaN);
    this.lots = new Float64Array(slots);
    this.replacement = new Uint8Array(slots);
    this.predecessor = new Float64Array(slots);
  }

  /** A cancel went out for slot `index` on behalf of a replace to `price` x `lots`. */
  begin(index: number, price: number, lots: number): void {
    this.price[index] = price;
    this.lots[index] = lots;
  }

  pending(index: number): boolean {
    const p = this.price[index];
    return p === p;
  }

  pendingPrice(index: number): number {
    return this.price[index];
  }

  pendingLots(index: number): number {
    return this.lots[index];
  }

  /** The pending replace is over (done, refused or abandoned). */
  end(index: number): void {
    this.price[index] = NaN;
  }

  /** Slot `index` now holds the replacement of `oldId`, sent as `newId`. */
  replaced(index: number, oldId: number, newId: number): void {
    this.replacement[index] = 1;
    this.predecessor[index] = oldId;
    this.successor.set(oldId, newId);
  }

  /** Is slot `index` a replacement whose acknowledgement is still to come? Clears the mark. */
  takeReplacementAck(index: number): boolean {
    if (this.replacement[index] === 0) return false;
    this.replacement[index] = 0;
    return true;
  }

  /** The replacement's client order id for a replaced one (following a chain), or -1. */
  successorOf(clientOrderId: number): number {
    let id = this.successor.get(clientOrderId);
    if (id < 0) return -1;
    for (let next = this.successor.get(id); next >= 0; next = this.successor.get(id)) id = next;
    return id;
  }

  /** Slot `index` was released: forget whatever it held. */
  release(index: number): void {
    this.price[index] = NaN;
    this.replacement[index] = 0;
    const old = this.predecessor[index];
    if (old !== 0) {
      this.predecessor[index] = 0;
      this.successor.delete(old);
    }
  }
}
