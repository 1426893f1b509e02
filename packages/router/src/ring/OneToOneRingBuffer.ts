import { OK } from '@ringroute/core';
import type { Doorbell } from '../wait/Doorbell.js';
import type { RecordHandler } from './RecordHandler.js';
import { RingBuffer } from './RingBuffer.js';
import { checkRingBuffer, createRingBuffer, HEADER_BYTES, PADDING_TYPE, RingKind, W_CLOSED, W_HEAD, W_TAIL, type RingOptions } from './RingLayout.js';
import { INVALID_LENGTH, INVALID_TYPE, NOT_CLAIMED, RING_CLOSED, RING_FULL } from './RingStatus.js';

const DATA = HEADER_BYTES;

/**
 * Single-producer, single-consumer ring over a SharedArrayBuffer.
 *
 * Publication is in the record itself: the consumer polls the length word of the next
 * record (zero = nothing yet), so the cache line that brings it the data also brings the
 * news, one cache-line transfer per hop (reading a separate tail word first cost a second,
 * dependent miss: 331 vs 191 ns for the raw ping-pong, measured). The producer may claim
 * several records and publish them with one `commit`: every header of the batch is a
 * plain store except the batch's first, which `commit` writes last with a release store,
 * followed by a release store of the tail. The consumer acquires the first record through
 * its header, delivers it, then acquires the tail once and reads every record below it
 * with plain loads. It zeroes what it consumed (so a later lap reads zero lengths) and
 * then stores the head (read by the producer only when the ring looks full). A producer that dies between claim and commit has published nothing, so
 * it can never block the consumer.
 *
 * Each side keeps private state in its own object: create the ring on one thread and
 * `attach` on the other. Exactly one thread may produce and one consume.
 */
export class OneToOneRingBuffer extends RingBuffer {
  private claimTail: number; // producer: end of claimed records (unpublished)
  private headCache: number; // producer: last head seen
  private batchHeaderWord: number; // producer: header word of the batch's first record, -1 if none open
  private batchHeaderLength: number; // producer: the length that header will get at commit

  private constructor(buffer: SharedArrayBuffer, capacity: number, maxPayload: number, doorbell: Doorbell | null) {
    super(buffer, capacity, maxPayload, doorbell);
    const head = Atomics.load(this.i32, W_HEAD);
    this.claimTail = Atomics.load(this.i32, W_TAIL);
    this.headCache = head;
    this.batchHeaderWord = -1;
    this.batchHeaderLength = 0;
  }

  /** A new ring. `doorbell`: the consumer's doorbell, rung on every commit. */
  static create(options: RingOptions, doorbell?: Doorbell): OneToOneRingBuffer {
    const buffer = createRingBuffer(RingKind.ONE_TO_ONE, options);
    return OneToOneRingBuffer.attach(buffer, doorbell);
  }

  /** Attach to a ring created elsewhere (throws ConfigurationError on a foreign buffer). */
  static attach(buffer: SharedArrayBuffer, doorbell?: Doorbell): OneToOneRingBuffer {
    const { capacity, maxPayload } = checkRingBuffer(buffer, RingKind.ONE_TO_ONE);
    return new OneToOneRingBuffer(buffer, capacity, maxPayload, doorbell ?? null);
  }

  claim(typeId: number, length: number): number {
    if (this.i32[W_CLOSED] !== 0) return RING_CLOSED;
    if ((typeId | 0) !== typeId || typeId <= 0) return INVALID_TYPE;
    if ((length | 0) !== length || length < 0 || length > this.maxPayload) return INVALID_LENGTH;
    const recordLength = length + 8;
    const aligned = (recordLength + 7) & ~7;
    const capacity = this.capacity;
    let tail = this.claimTail;
    const index = tail & this.mask;
    const toEnd = capacity - index;
    const padding = aligned > toEnd ? toEnd : 0;
    const required = aligned + padding;
    if (((tail - this.headCache) | 0) + required > capacity) {
      this.headCache = Atomics.load(this.i32, W_HEAD); // only now: the ring looked full
      if (((tail - this.headCache) | 0) + required > capacity) return RING_FULL;
    }
    const i32 = this.i32;
    let at = index;
    if (padding !== 0) {
      const w = (DATA + index) >> 2;
      i32[w + 1] = PADDING_TYPE;
      this.writeHeader(w, padding);
      tail = (tail + padding) | 0;
      at = 0;
    }
    const w = (DATA + at) >> 2;
    i32[w + 1] = typeId;
    this.writeHeader(w, recordLength);
    this.claimTail = (tail + aligned) | 0;
    return DATA + at + 8;
  }

  /**
   * Publish every record claimed since the last commit (records commit in claim order:
   * committing one commits the earlier ones too). OK, or NOT_CLAIMED if none is open.
   */
  commit(_offset: number): number {
    const w = this.batchHeaderWord;
    if (w < 0) return NOT_CLAIMED;
    this.batchHeaderWord = -1;
    Atomics.store(this.i32, w, this.batchHeaderLength); // release: the whole batch is visible
    Atomics.store(this.i32, W_TAIL, this.claimTail); // release: everything below it is published
    this.doorbell?.ring();
    return OK;
  }

  /** Turn the claimed record at `offset` into padding the consumer skips, and publish. */
  abort(offset: number): number {
    if (this.batchHeaderWord < 0) return NOT_CLAIMED;
    this.i32[((offset - 8) >> 2) + 1] = PADDING_TYPE;
    return this.commit(offset);
  }

  read(handler: RecordHandler, limit: number): number {
    const i32 = this.i32;
    const mask = this.mask;
    if (this.released !== this.headLocal) this.release(); // the previous read's records
    const start = this.headLocal;
    // The next record's own header says whether anything is published: one cache line,
    // the one that also carries the data (the latency path).
    let at = DATA + (start & mask);
    let length = Atomics.load(i32, at >> 2);
    if (length === 0 || limit <= 0) return 0;
    let head = start;
    let count = 0;
    try {
      let type = i32[(at >> 2) + 1];
      head = (head + ((length + 7) & ~7)) | 0; // consumed even if the handler throws
      if (type !== PADDING_TYPE) {
        count++;
        handler.onRecord(type, this, at + 8, length - 8);
      }
      // More published? Peek at the next header (usually on the line just read) before
      // touching the tail, so a lone record costs no second cache miss.
      if (count >= limit || Atomics.load(i32, (DATA + (head & mask)) >> 2) === 0) return count;
      // Everything below the published tail can then be read with plain loads: one
      // acquire per batch instead of one per record.
      const tail = Atomics.load(i32, W_TAIL);
      while (count < limit && ((tail - head) | 0) > 0) {
        at = DATA + (head & mask);
        length = i32[at >> 2];
        type = i32[(at >> 2) + 1];
        head = (head + ((length + 7) & ~7)) | 0;
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
    return count;
  }

  /** The first header of a batch waits for commit; the others are plain stores. */
  private writeHeader(w: number, length: number): void {
    if (this.batchHeaderWord < 0) {
      this.batchHeaderWord = w;
      this.batchHeaderLength = length;
    } else {
      this.i32[w] = length;
    }
  }
}
