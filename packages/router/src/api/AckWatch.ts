/**
 * Watches for orders a venue has not acknowledged in time, so a venue that stops answering
 * opens its circuit breaker (as consecutive rejects and a dead gateway do).
 *
 * Orders are sent in time order, so a FIFO of (handle, client order id, sent time) keeps
 * the oldest unanswered order at its head: `expire(now)` looks only at the head while it
 * is either answered (popped) or overdue (reported once, popped). Typed arrays, no
 * allocation; if more orders are in flight than it holds, the newest go unwatched (counted).
 */
export class AckWatch {
  private readonly handles: Int32Array;
  private readonly ids: Float64Array;
  private readonly sentNs: Float64Array;
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  /** Orders sent while the watch was full (their timeouts are not detected). */
  unwatched = 0;

  /** `capacity`: a power of two, at least the number of orders that can be in flight. */
  constructor(capacity: number) {
    this.handles = new Int32Array(capacity);
    this.ids = new Float64Array(capacity);
    this.sentNs = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.tail - this.head;
  }

  watch(handle: number, clientOrderId: number, sentNs: number): void {
    if (this.tail - this.head > this.mask) {
      this.unwatched++;
      return;
    }
    const at = this.tail & this.mask;
    this.handles[at] = handle;
    this.ids[at] = clientOrderId;
    this.sentNs[at] = sentNs;
    this.tail++;
  }

  /**
   * Pop answered orders off the head and report each overdue one: `owner.awaitingAck`
   * says whether an order still waits for its acknowledgement; `owner.ackOverdue` is
   * called once for each order older than `timeoutNs` that still does.
   */
  expire(nowNs: number, timeoutNs: number, owner: AckWatchOwner): number {
    let reported = 0;
    while (this.head !== this.tail) {
      const at = this.head & this.mask;
      const handle = this.handles[at];
      if (owner.awaitingAck(handle, this.ids[at])) {
        if (nowNs - this.sentNs[at] < timeoutNs) break; // the oldest waiting order is not late yet
        owner.ackOverdue(handle, nowNs);
        reported++;
      }
      this.head++;
    }
    return reported;
  }
}

/** What the watch asks of the router. */
export interface AckWatchOwner {
  awaitingAck(handle: number, clientOrderId: number): boolean;
  ackOverdue(handle: number, nowNs: number): void;
}
