import { nanoTime, OK } from '@ringroute/core';
import type { Doorbell } from '../wait/Doorbell.js';
import type { RecordHandler } from './RecordHandler.js';
import { RingBuffer } from './RingBuffer.js';
import {
  checkRingBuffer,
  createRingBuffer,
  HEADER_BYTES,
  PADDING_TYPE,
  RingKind,
  W_CLOSED,
  W_HEAD,
  W_HEAD_CACHE,
  W_TAIL,
  type RingOptions,
} from './RingLayout.js';
import { INVALID_LENGTH, INVALID_TYPE, NOT_CLAIMED, RECORD_ABORTED, RING_CLOSED, RING_FULL } from './RingStatus.js';

const DATA = HEADER_BYTES;
const DEFAULT_CLAIM_TIMEOUT_NS = 1_000_000_000;

/** Header value of a record the consumer revoked after the claim timeout: `REVOKED_BASE - recordLength`. */
const REVOKED_BASE = -(1 << 29);

/**
 * Many producers (threads), one consumer.
 *
 * A producer claims space with one compare-and-set on the tail (after checking capacity
 * against a shared head cache, so a full ring returns RING_FULL and claims nothing), then
 * marks its record claimed by writing its length negated. `commit` flips the length
 * positive with a compare-and-set: that is the record's publication mark. The consumer
 * reads lengths in order and needs no CAS: positive is ready, zero is not yet claimed,
 * negative is claimed but not committed. It zeroes what it consumed before moving the
 * head, so a later lap finds zero lengths.
 *
 * A producer that stalls or dies between claim and commit would block the consumer at
 * its record. After `claimTimeoutNs` (default 1 s) at the same position the consumer
 * revokes the claim (a CAS from the claimed length to a REVOKED mark) and delivers the
 * records after it. The revoked record's space is **not reused** until its producer
 * answers: a late producer may still be writing its payload, and those stores must never
 * land in another producer's record. The consumer keeps the published head at the first
 * revoked record, so producers can fill at most the rest of the lap; the late producer's
 * `commit` or `abort` finds the mark, acknowledges it and returns RECORD_ABORTED, and the
 * space goes back into use at the consumer's next read. A producer known to be dead (its
 * thread exited) never answers: a supervisor that knows it calls `reclaimRevoked()`.
 * Until then the ring gives RING_FULL (back-pressure), never a corrupted record.
 *
 * Each producer object has at most one open claim: `commit` and `abort` take only the
 * offset of its latest claim (any other offset is NOT_CLAIMED, so a stale offset can never
 * commit or hide another producer's record), and a new claim first aborts an open one.
 * A producer killed between its tail CAS and its length store (a few instructions) leaves
 * a zero length the consumer cannot size; it blocks the consumer there (known limit).
 */
export class ManyToOneRingBuffer extends RingBuffer {
  /** Claims the consumer revoked after the timeout. */
  unblockedCount: number;
  private readonly claimTimeoutNs: number;
  private lastClaimOffset: number; // producer: its open claim's payload offset, -1 if none
  private lastClaimLength: number; // producer: that claim's record length
  private stalled: boolean;
  private stallPosition: number;
  private stallSinceNs: number;
  /** Consumer: positions of revoked records whose producers have not answered yet (ascending). */
  private readonly revoked: number[];

  private constructor(buffer: SharedArrayBuffer, capacity: number, maxPayload: number, doorbell: Doorbell | null, claimTimeoutNs: number) {
    super(buffer, capacity, maxPayload, doorbell);
    this.unblockedCount = 0;
    this.claimTimeoutNs = claimTimeoutNs;
    this.lastClaimOffset = -1;
    this.lastClaimLength = 0;
    this.stalled = false;
    this.stallPosition = 0;
    this.stallSinceNs = 0;
    this.revoked = [];
  }

  static create(options: RingOptions & { claimTimeoutNs?: number }, doorbell?: Doorbell): ManyToOneRingBuffer {
    const buffer = createRingBuffer(RingKind.MANY_TO_ONE, options);
    return ManyToOneRingBuffer.attach(buffer, doorbell, options.claimTimeoutNs);
  }

  /** Attach (producers and the consumer each attach their own object). */
  static attach(buffer: SharedArrayBuffer, doorbell?: Doorbell, claimTimeoutNs = DEFAULT_CLAIM_TIMEOUT_NS): ManyToOneRingBuffer {
    const { capacity, maxPayload } = checkRingBuffer(buffer, RingKind.MANY_TO_ONE);
    return new ManyToOneRingBuffer(buffer, capacity, maxPayload, doorbell ?? null, claimTimeoutNs);
  }

  claim(typeId: number, length: number): number {
    const i32 = this.i32;
    if (this.lastClaimOffset >= 0) this.abort(this.lastClaimOffset); // one open claim per producer
    if (i32[W_CLOSED] !== 0) return RING_CLOSED;
    if ((typeId | 0) !== typeId || typeId <= 0) return INVALID_TYPE;
    if ((length | 0) !== length || length < 0 || length > this.maxPayload) return INVALID_LENGTH;
    const recordLength = length + 8;
    const aligned = (recordLength + 7) & ~7;
    const capacity = this.capacity;
    let tail: number;
    let index: number;
    let padding: number;
    for (;;) {
      tail = Atomics.load(i32, W_TAIL);
      index = tail & this.mask;
      const toEnd = capacity - index;
      padding = aligned > toEnd ? toEnd : 0;
      const required = aligned + padding;
      // The cache only ever lags the real head, so a stale value errs towards "full".
      const cached = Atomics.load(i32, W_HEAD_CACHE);
      if (((tail - cached) | 0) + required > capacity) {
        const head = Atomics.load(i32, W_HEAD);
        if (((tail - head) | 0) + required > capacity) return RING_FULL;
        // Only ever forward: a producer holding an older head must not move it back.
        if (((head - cached) | 0) > 0) Atomics.compareExchange(i32, W_HEAD_CACHE, cached, head);
      }
      if (Atomics.compareExchange(i32, W_TAIL, tail, (tail + required) | 0) === tail) break;
    }
    let at = index;
    if (padding !== 0) {
      const w = (DATA + index) >> 2;
      i32[w + 1] = PADDING_TYPE;
      Atomics.store(i32, w, padding); // published at once: it carries no data
      at = 0;
    }
    const w = (DATA + at) >> 2;
    i32[w + 1] = typeId;
    i32[w] = -recordLength; // claimed: the consumer waits here until commit
    this.lastClaimOffset = DATA + at + 8;
    this.lastClaimLength = recordLength;
    return DATA + at + 8;
  }

  /**
   * Publish this producer's open claim. OK; RECORD_ABORTED when the consumer revoked it
   * after the timeout (the record is dropped, its space given back); NOT_CLAIMED for any
   * offset other than the open claim's.
   */
  commit(offset: number): number {
    const w = this.openClaimWord(offset);
    if (w < 0) return NOT_CLAIMED;
    const claimed = -this.lastClaimLength;
    if (Atomics.compareExchange(this.i32, w, claimed, -claimed) !== claimed) return this.answerRevoked(w);
    this.doorbell?.ring();
    return OK;
  }

  /** Publish this producer's open claim as padding the consumer skips. OK, RECORD_ABORTED or NOT_CLAIMED as for `commit`. */
  abort(offset: number): number {
    const w = this.openClaimWord(offset);
    if (w < 0) return NOT_CLAIMED;
    const claimed = -this.lastClaimLength;
    this.i32[w + 1] = PADDING_TYPE; // ordered before the consumer reads it by the CAS below
    if (Atomics.compareExchange(this.i32, w, claimed, -claimed) !== claimed) return this.answerRevoked(w);
    this.doorbell?.ring();
    return OK;
  }

  /**
   * Consumer side, for a supervisor that knows the producers of every revoked record are
   * dead (their threads exited): give their space back now. Calling it while such a
   * producer is merely stalled lets its late stores land in reused space. Returns how
   * many records were reclaimed.
   */
  reclaimRevoked(): number {
    const n = this.revoked.length;
    for (const position of this.revoked) {
      const w = (DATA + (position & this.mask)) >> 2;
      const mark = Atomics.load(this.i32, w);
      if (mark <= REVOKED_BASE) Atomics.compareExchange(this.i32, w, mark, REVOKED_BASE - mark); // as if its producer answered
    }
    if (n > 0) this.release();
    return n;
  }

  /** Revoked records whose producers have not answered yet (their space is held). */
  get revokedPending(): number {
    return this.revoked.length;
  }

  /** Header word of this producer's open claim at `offset`, or -1; the claim is closed either way. */
  private openClaimWord(offset: number): number {
    if (offset !== this.lastClaimOffset || offset < 0) return -1;
    this.lastClaimOffset = -1;
    return (offset - 8) >> 2;
  }

  /**
   * The consumer revoked our claim at word `w`: acknowledge (the mark becomes the positive
   * record length, which tells the consumer this space is ours no more) and report it.
   * Nothing else can be in that space: the consumer does not release past a revoked record
   * until it is acknowledged.
   */
  private answerRevoked(w: number): number {
    const mark = REVOKED_BASE - this.lastClaimLength;
    Atomics.compareExchange(this.i32, w, mark, this.lastClaimLength);
    return RECORD_ABORTED;
  }

  read(handler: RecordHandler, limit: number): number {
    const i32 = this.i32;
    const mask = this.mask;
    if (this.released !== this.headLocal) this.release(); // the previous read's records
    const start = this.headLocal;
    let head = start;
    let count = 0;
    const capacity = this.capacity;
    try {
      // At most one lap per batch: consumed bytes are zeroed only when the batch ends,
      // so past one lap the loop would meet its own, still non-zero, records again.
      while (count < limit && ((head - start) | 0) < capacity) {
        const at = DATA + (head & mask);
        const w = at >> 2;
        const length = Atomics.load(i32, w);
        if (length <= 0) {
          if (length === 0 || !this.unblock(w, length, head)) break;
          head = (head + ((-length + 7) & ~7)) | 0; // skip the revoked record (its space stays held)
          continue;
        }
        const type = i32[w + 1];
        head = (head + ((length + 7) & ~7)) | 0; // consumed even if the handler throws
        if (type !== PADDING_TYPE) {
          count++;
          handler.onRecord(type, this, at + 8, length - 8);
        }
      }
    } finally {
      this.headLocal = head;
      // Release now only if a lot is pending; otherwise the next read() does it, off the
      // path between this record and whatever the handler triggered.
      if (((head - this.released) | 0) >= this.capacity >>> 2) this.release();
    }
    if (count > 0) this.stalled = false;
    return count;
  }


  /** A claim stuck at `position`: unblock it once it has been stuck past the timeout. */
  private unblock(w: number, claimedLength: number, position: number): boolean {
    const now = nanoTime();
    if (!this.stalled || this.stallPosition !== position) {
      this.stalled = true;
      this.stallPosition = position;
      this.stallSinceNs = now;
      return false;
    }
    if (now - this.stallSinceNs < this.claimTimeoutNs) return false;
    if (Atomics.compareExchange(this.i32, w, claimedLength, REVOKED_BASE + claimedLength) !== claimedLength) return false; // committed just now
    this.stalled = false;
    this.unblockedCount++;
    this.revoked.push(position);
    return true;
  }

  /**
   * Zero and give back consumed space, but never past a revoked record whose producer has
   * not answered: its late stores could land in whatever reused that space.
   */
  protected override release(): void {
    const revoked = this.revoked;
    while (revoked.length > 0) {
      const first = revoked[0];
      if (Atomics.load(this.i32, (DATA + (first & this.mask)) >> 2) <= REVOKED_BASE) {
        if (first !== this.released) this.releaseTo(first); // still unanswered: up to it only
        return;
      }
      revoked.shift(); // answered: its space goes back with the rest
    }
    this.releaseTo(this.headLocal);
  }

}
