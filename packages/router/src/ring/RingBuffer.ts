import type { Doorbell } from '../wait/Doorbell.js';
import { F_CONSUMER_HEARTBEAT, F_PRODUCER_HEARTBEAT, HEADER_BYTES, W_CLOSED, W_HEAD, W_TAIL } from './RingLayout.js';
import type { RecordHandler } from './RecordHandler.js';
import { CloseReason } from './RingStatus.js';

const DATA = HEADER_BYTES;

/**
 * What both ring kinds share: the buffer and its views, capacity, closing, heartbeats,
 * and the copying `offer` conveniences built on claim and commit.
 *
 * Producer API (zero copy): `claim(typeId, length)` returns the payload's byte offset in
 * `buffer` (or a negative status: RING_FULL, RING_CLOSED, INVALID_LENGTH, INVALID_TYPE);
 * write the payload through the views; then `commit(offset)` or `abort(offset)`.
 * Consumer API: `read(handler, limit)` delivers up to `limit` records and advances the
 * head once, in a `finally`, so a handler that throws loses no other record. Consumed
 * space returns to the producer at the next `read()` (see `releaseConsumed`).
 */
export abstract class RingBuffer {
  readonly buffer: SharedArrayBuffer;
  /** Data region size in bytes. */
  readonly capacity: number;
  /** Largest payload a record may carry. */
  readonly maxPayload: number;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  /** Rung after every commit, so a parked consumer wakes (optional). */
  readonly doorbell: Doorbell | null;
  protected readonly mask: number;
  /** Consumer: consumed up to here. */
  protected headLocal: number;
  /** Consumer: zeroed and published (the shared head) up to here. */
  protected released: number;

  protected constructor(buffer: SharedArrayBuffer, capacity: number, maxPayload: number, doorbell: Doorbell | null) {
    this.buffer = buffer;
    this.capacity = capacity;
    this.maxPayload = maxPayload;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.doorbell = doorbell;
    this.mask = capacity - 1;
    this.headLocal = Atomics.load(this.i32, W_HEAD);
    this.released = this.headLocal;
  }

  abstract claim(typeId: number, length: number): number;
  abstract commit(offset: number): number;
  abstract abort(offset: number): number;
  abstract read(handler: RecordHandler, limit: number): number;

  /**
   * Give consumed space back to the producer now. `read()` does it lazily: at the start
   * of the next `read()`, or at once when over a quarter of the ring is waiting, which
   * keeps the zeroing and the head store off the path between a record and what its
   * handler triggers. Every polling loop reads again before it parks, so producers never
   * wait on this; call it when a consumer stops reading.
   */
  releaseConsumed(): void {
    if (this.released !== this.headLocal) this.release();
  }

  /** Copy `length` bytes of `source` from `sourceOffset` into a new record. OK or a status. */
  offer(typeId: number, source: Uint8Array, sourceOffset: number, length: number): number {
    const at = this.claim(typeId, length);
    if (at < 0) return at;
    const u8 = this.u8;
    for (let i = 0; i < length; i++) u8[at + i] = source[sourceOffset + i];
    return this.commit(at);
  }

  /** A record of two int32 words, such as an opcode and an order handle. OK or a status. */
  offerPair(typeId: number, first: number, second: number): number {
    const at = this.claim(typeId, 8);
    if (at < 0) return at;
    const w = at >> 2;
    this.i32[w] = first;
    this.i32[w + 1] = second;
    return this.commit(at);
  }

  /** The producers' position (bytes, wrapping at 2^32, compare with `(a - b) | 0`): every record committed so far ends at or below it. */
  producedPosition(): number {
    return Atomics.load(this.i32, W_TAIL);
  }

  /**
   * The consumer's published position: every record below it was handled (its handler
   * returned) and its space released. Read with an atomic load, so whatever the consumer
   * did with a record below it happens before what this thread does next.
   */
  consumedPosition(): number {
    return Atomics.load(this.i32, W_HEAD);
  }

  /** Bytes the producer cannot reuse yet: published and not yet released by the consumer (including padding). */
  size(): number {
    return (Atomics.load(this.i32, W_TAIL) - Atomics.load(this.i32, W_HEAD)) | 0;
  }

  /**
   * Close the ring: every later claim returns RING_CLOSED. Records already committed
   * stay readable, so a consumer can drain. Wakes a parked consumer.
   */
  close(reason: number = CloseReason.SHUTDOWN): void {
    Atomics.compareExchange(this.i32, W_CLOSED, CloseReason.OPEN, reason === CloseReason.OPEN ? CloseReason.SHUTDOWN : reason);
    this.doorbell?.wake();
  }

  /** CloseReason, or 0 while open. */
  get closeReason(): number {
    return Atomics.load(this.i32, W_CLOSED);
  }

  get isClosed(): boolean {
    return this.i32[W_CLOSED] !== CloseReason.OPEN;
  }

  /** Record that the producer side is alive (cheap: a plain store). */
  producerHeartbeat(nowNs: number): void {
    this.f64[F_PRODUCER_HEARTBEAT] = nowNs;
  }

  consumerHeartbeat(nowNs: number): void {
    this.f64[F_CONSUMER_HEARTBEAT] = nowNs;
  }

  /** Last producer heartbeat (`nanoTime()` ns), 0 if none yet. */
  get lastProducerHeartbeatNs(): number {
    return this.f64[F_PRODUCER_HEARTBEAT];
  }

  get lastConsumerHeartbeatNs(): number {
    return this.f64[F_CONSUMER_HEARTBEAT];
  }

  /** Zero the consumed bytes (so the next lap reads zero lengths), then store the head. */
  protected release(): void {
    this.releaseTo(this.headLocal);
  }

  /** Zero the consumed bytes up to `head` (a position at or below `headLocal`), then publish it. */
  protected releaseTo(head: number): void {
    const start = this.released;
    const capacity = this.capacity;
    const from = start & this.mask;
    const bytes = (head - start) | 0;
    if (from + bytes <= capacity) {
      this.u8.fill(0, DATA + from, DATA + from + bytes);
    } else {
      this.u8.fill(0, DATA + from, DATA + capacity);
      this.u8.fill(0, DATA, DATA + (from + bytes - capacity));
    }
    this.released = head;
    // An atomic store: it orders the zeroing before it, so a producer that sees the new
    // head can never have its next header overwritten by a late zero.
    Atomics.store(this.i32, W_HEAD, head);
  }
}

