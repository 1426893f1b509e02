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
 * A producer that dies between claim and commit would block the consumer at its record
 * forever. After `claimTimeoutNs` (default 1 s) at the same position, the consumer
 * unblocks it: it flips the length itself and skips the record. The late producer's
 * commit then fails with RECORD_ABORTED (the CAS finds the length already flipped). A
 * producer stalled for longer than the timeout is treated as dead; set the timeout far
 * above any pause a live producer can have.
 */
export class ManyToOneRingBuffer extends RingBuffer {
  /** Claims the consumer unblocked after the timeout. */
  unblockedCount: number;
  private readonly claimTimeoutNs: number;
  private lastClaimOffset: number; // producer: its most recent claim, to tell an aborted
  private lastClaimLength: number; // record from an offset that was never claimed
  private stalled: boolean;
  private stallPosition: number;
  private stallSinceNs: number;

  private constructor(buffer: SharedArrayBuffer, capacity: number, maxPayload: number, doorbell: Doorbell | null, claimTimeoutNs: number) {
    super(buffer, capacity, maxPayload, doorbell);
    this.unblockedCount = 0;
    this.claimTimeoutNs = claimTimeoutNs;
    this.lastClaimOffset = -1;
    this.lastClaimLength = 0;
    this.stalled = false;
    this.stallPosition = 0;
    this.stallSinceNs = 0;
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
      if (((tail - i32[W_HEAD_CACHE]) | 0) + required > capacity) {
        const head = Atomics.load(i32, W_HEAD);
        if (((tail - head) | 0) + required > capacity) return RING_FULL;
        i32[W_HEAD_CACHE] = head;
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

  /** Publish one claimed record. OK, RECORD_ABORTED (unblocked after the timeout) or NOT_CLAIMED. */
  commit(offset: number): number {
    const claimed = this.claimedLength(offset);
    if (claimed >= 0) return claimed === 0 ? NOT_CLAIMED : RECORD_ABORTED;
    if (Atomics.compareExchange(this.i32, (offset - 8) >> 2, claimed, -claimed) !== claimed) return RECORD_ABORTED;
    this.doorbell?.ring();
    return OK;
  }

  /** Publish a claimed record as padding the consumer skips. */
  abort(offset: number): number {
    const claimed = this.claimedLength(offset);
    if (claimed >= 0) return claimed === 0 ? NOT_CLAIMED : RECORD_ABORTED;
    const w = (offset - 8) >> 2;
    this.i32[w + 1] = PADDING_TYPE;
    if (Atomics.compareExchange(this.i32, w, claimed, -claimed) !== claimed) return RECORD_ABORTED;
    this.doorbell?.ring();
    return OK;
  }

  /**
   * The negative length this producer wrote at `offset`; for its latest claim it is
   * known even if the consumer has since unblocked (flipped) it, which then returns a
   * positive value. 0 when `offset` holds no claim of ours.
   */
  private claimedLength(offset: number): number {
    if (offset === this.lastClaimOffset) {
      this.lastClaimOffset = -1;
      const current = this.i32[(offset - 8) >> 2];
      return current === -this.lastClaimLength ? current : this.lastClaimLength;
    }
    if ((offset | 0) !== offset || offset < DATA + 8 || offset >= DATA + this.capacity + 8) return 0;
    const current = this.i32[(offset - 8) >> 2];
    return current < 0 ? current : 0;
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
          head = (head + ((-length + 7) & ~7)) | 0; // skip the dead producer's record
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
    if (Atomics.compareExchange(this.i32, w, claimedLength, -claimedLength) !== claimedLength) return false; // committed just now
    this.stalled = false;
    this.unblockedCount++;
    return true;
  }
}
