/**
 * Events a gateway could not put in a lane's event ring because the ring was full (its
 * strategy thread is not polling fast enough): kept here in order, and written to the
 * ring first on later loop turns. Back-pressure, not loss and not a wait: the gateway
 * loop never blocks on a consumer, so its heartbeat keeps beating (it is never taken for
 * hung), its other lanes keep flowing, and an inline gateway cannot deadlock on the very
 * thread that would drain it.
 *
 * Memory grows only while a lane is behind (doubling; nothing is allocated otherwise).
 * Once a lane's spill holds 4,096 events the host reads no further commands from that
 * lane, so what can pile up beyond that is bounded by that lane's orders already at the
 * venue.
 */
export class EventSpill {
  /** Numbers per spilled event. */
  static readonly STRIDE = 10;
  private data: Float64Array;
  private head = 0;
  private size = 0;
  /** Most events held at once (for reports). */
  highWater = 0;

  constructor(initialEvents = 64) {
    this.data = new Float64Array(initialEvents * EventSpill.STRIDE);
  }

  get count(): number {
    return this.size;
  }

  push(kind: number, handle: number, clientOrderId: number, venueOrderId: number, price: number, last: number, cum: number, leaves: number, reason: number, timeNs: number): void {
    const stride = EventSpill.STRIDE;
    let capacity = this.data.length / stride;
    if (this.size === capacity) {
      const grown = new Float64Array(this.data.length * 2);
      for (let i = 0; i < this.size; i++) {
        const from = ((this.head + i) % capacity) * stride;
        grown.set(this.data.subarray(from, from + stride), i * stride);
      }
      this.data = grown;
      this.head = 0;
      capacity *= 2;
    }
    const at = ((this.head + this.size) % capacity) * stride;
    const d = this.data;
    d[at] = kind;
    d[at + 1] = handle;
    d[at + 2] = clientOrderId;
    d[at + 3] = venueOrderId;
    d[at + 4] = price;
    d[at + 5] = last;
    d[at + 6] = cum;
    d[at + 7] = leaves;
    d[at + 8] = reason;
    d[at + 9] = timeNs;
    this.size++;
    if (this.size > this.highWater) this.highWater = this.size;
  }

  /** Index into `values` of the oldest event's first number (valid while count > 0). */
  peek(): number {
    return this.head * EventSpill.STRIDE;
  }

  get values(): Float64Array {
    return this.data;
  }

  /** Drop the oldest event (it was written to the ring). */
  shift(): void {
    this.head = (this.head + 1) % (this.data.length / EventSpill.STRIDE);
    this.size--;
  }
}
