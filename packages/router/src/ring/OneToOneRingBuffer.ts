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
 * The producer writes records ahead of the published tail and publishes them by storing
 * the tail (`commit`): one release store per commit, however many records it covers, so
 * publishing in batches is cheap. The consumer reads up to the tail and stores the head
 * once per `read`. A producer that dies between claim and commit has published nothing,
 * so it can never block the consumer.
 *
 * Each side keeps private state in its own object: create the ring on one thread and
 * `attach` on the other. Exactly one thread may produce and one consume.
 */
export class OneToOneRingBuffer extends RingBuffer {
  private claimTail: number; // producer: end of claimed records (unpublished)
  private publishedTail: number; // producer: last published tail
  private headCache: number; // producer: last head seen
  private headLocal: number; // consumer: own position

  private constructor(buffer: SharedArrayBuffer, capacity: number, maxPayload: number, doorbell: Doorbell | null) {
    super(buffer, capacity, maxPayload, doorbell);
    const tail = Atomics.load(this.i32, W_TAIL);
    const head = Atomics.load(this.i32, W_HEAD);
    this.claimTail = tail;
    this.publishedTail = tail;
    this.headCache = head;
    this.headLocal = head;
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
      i32[w] = padding;
      i32[w + 1] = PADDING_TYPE;
      tail = (tail + padding) | 0;
      at = 0;
    }
    const w = (DATA + at) >> 2;
    i32[w] = recordLength;
    i32[w + 1] = typeId;
    this.claimTail = (tail + aligned) | 0;
    return DATA + at + 8;
  }

  /**
   * Publish every record claimed so far (records commit in claim order: committing one
   * commits the earlier ones too). OK, or NOT_CLAIMED if nothing is claimed.
   */
  commit(_offset: number): number {
    if (this.claimTail === this.publishedTail) return NOT_CLAIMED;
    this.publishedTail = this.claimTail;
    Atomics.store(this.i32, W_TAIL, this.claimTail);
    this.doorbell?.ring();
    return OK;
  }

  /** Turn a claimed record into padding the consumer skips, and publish. */
  abort(offset: number): number {
    if (this.claimTail === this.publishedTail) return NOT_CLAIMED;
    this.i32[((offset - 8) >> 2) + 1] = PADDING_TYPE;
    return this.commit(offset);
  }

  read(handler: RecordHandler, limit: number): number {
    let head = this.headLocal;
    const tail = Atomics.load(this.i32, W_TAIL);
    if (head === tail) return 0;
    const i32 = this.i32;
    const mask = this.mask;
    let count = 0;
    try {
      while (head !== tail && count < limit) {
        const at = DATA + (head & mask);
        const w = at >> 2;
        const length = i32[w];
        const type = i32[w + 1];
        head = (head + ((length + 7) & ~7)) | 0; // consumed even if the handler throws
        if (type !== PADDING_TYPE) {
          count++;
          handler.onRecord(type, this, at + 8, length - 8);
        }
      }
    } finally {
      this.headLocal = head;
      Atomics.store(i32, W_HEAD, head);
    }
    return count;
  }
}
