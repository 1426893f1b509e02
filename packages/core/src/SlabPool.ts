import { threadId } from 'node:worker_threads';
import { ConfigurationError, InvalidArgumentError } from './RingrouteError.js';
import { DOUBLE_FREE, INVALID_HANDLE, OK, POOL_EXHAUSTED, STALE_HANDLE } from './Status.js';
import { CACHE_LINE_BYTES } from './layout/RecordLayout.js';

/**
 * A fixed-size slab of records in one SharedArrayBuffer, shared by every thread.
 *
 * Buffer layout (each region starts on a 128-byte boundary so no two regions share a
 * cache line or an adjacent-line prefetch pair):
 *
 *   +-----------------------+  0
 *   | header (128 B)        |  magic, version, slotBytes, capacity, indexBits, recordClass
 *   +-----------------------+  128
 *   | ownership bitmap      |  1 bit per slot, 1 = allocated; Int32 words
 *   +-----------------------+
 *   | generations           |  1 Int32 per slot, bumped by every free
 *   +-----------------------+
 *   | slots                 |  capacity x slotBytes, each slot 64-byte aligned
 *   +-----------------------+
 *
 * Why a bitmap rather than a Treiber stack with an ABA tag. JavaScript has compare-and-
 * swap only on 32-bit integers (64-bit CAS exists on BigInt64Array, but every load and
 * every new value is a heap-allocated BigInt: we measured thousands of scavenges per
 * million operations). A 32-bit stack head must hold both the slot index and the ABA
 * tag, which leaves 11 to 16 tag bits; a thread pre-empted between its load and its CAS
 * (routine on a 2-core VM running 3 threads) sees tens of thousands of head changes per
 * millisecond, so the tag wraps and a stale CAS can hand one slot to two owners. The
 * bitmap has no ABA problem at all: a CAS compares the whole ownership word, and any
 * history that brings a word back to the same value leaves exactly the same slots owned,
 * so setting a bit that is clear in the current word is always correct. It is lock-free
 * (a failed CAS means another thread made progress), frees are wait-free (`Atomics.and`),
 * and each thread starts scanning at its own cursor, so two threads allocating at once
 * work on different cache lines instead of fighting over one stack head.
 *
 * Handles: `generation << indexBits | index`, a non-negative int32 (a V8 small integer,
 * so it never allocates). `indexBits = log2(capacity)`, the generation keeps the
 * remaining `31 - indexBits` bits, so a stale handle is detected unless its slot was
 * reused a multiple of 2^(31 - indexBits) times while the stale copy was held
 * (32,768 reuses of one slot for a 65,536-slot pool). Negative numbers are statuses.
 *
 * Slot memory is not cleared by `allocate()`; flyweights offer `clear()`.
 */
export class SlabPool {
  /** Largest capacity: keeps at least 9 generation bits in a handle. */
  static readonly MAX_CAPACITY = 1 << 22;
  /** Largest slot size accepted. */
  static readonly MAX_SLOT_BYTES = 4096;

  readonly buffer: SharedArrayBuffer;
  readonly slotBytes: number;
  readonly capacity: number;
  readonly indexBits: number;
  readonly recordClass: number;
  /** Byte offset of slot 0 inside `buffer`. */
  readonly dataOffset: number;
  /** Views over the whole buffer, shared by every flyweight wrapping this pool. */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;

  private readonly indexMask: number;
  private readonly genMask: number;
  private readonly bitmapWord: number; // Int32 index of the first bitmap word
  private readonly wordMask: number; // bitmap words - 1 (word count is a power of two)
  private readonly genWord: number; // Int32 index of slot 0's generation
  private cursor: number; // this thread's next bitmap word to try

  private constructor(buffer: SharedArrayBuffer, slotBytes: number, capacity: number, recordClass: number) {
    this.buffer = buffer;
    this.slotBytes = slotBytes;
    this.capacity = capacity;
    this.indexBits = Math.log2(capacity);
    this.recordClass = recordClass;
    const regions = SlabPool.regions(slotBytes, capacity);
    this.dataOffset = regions.dataOffset;
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.indexMask = capacity - 1;
    this.genMask = 2 ** (31 - this.indexBits) - 1;
    this.bitmapWord = regions.bitmapOffset >> 2;
    this.wordMask = regions.bitmapWords - 1;
    this.genWord = regions.generationOffset >> 2;
    // Spread threads over the bitmap: each starts 16 words (one cache line) * 7 apart.
    this.cursor = (threadId * 16 * 7) & this.wordMask;
  }

  /**
   * Create a pool. `slotBytes` is a multiple of 64 (use the record layout's size);
   * `capacity` a power of two from 1 to 2^22. `recordClass` is a free tag checked on
   * attach so an order pool is never attached as an event pool.
   */
  static create(options: { slotBytes: number; capacity: number; recordClass?: number }): SlabPool {
    const { slotBytes, capacity } = options;
    const recordClass = options.recordClass ?? 0;
    SlabPool.checkShape(slotBytes, capacity);
    if (!Number.isInteger(recordClass) || recordClass < 0 || recordClass > 0x7fffffff) {
      throw new InvalidArgumentError('ERR_INVALID_ARGUMENT', 'recordClass must be a non-negative int32', recordClass);
    }
    const buffer = new SharedArrayBuffer(SlabPool.bytesFor(slotBytes, capacity));
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[H_MAGIC] = MAGIC;
    header[H_VERSION] = VERSION;
    header[H_SLOT_BYTES] = slotBytes;
    header[H_CAPACITY] = capacity;
    header[H_RECORD_CLASS] = recordClass;
    const { bitmapOffset, bitmapWords } = SlabPool.regions(slotBytes, capacity);
    if (capacity < 32) {
      // Bits beyond capacity in the single word are marked owned forever.
      new Int32Array(buffer, bitmapOffset, bitmapWords)[0] = ~((1 << capacity) - 1) | 0;
    }
    return new SlabPool(buffer, slotBytes, capacity, recordClass);
  }

  /**
   * Attach to a pool created on another thread (pass `pool.buffer` in workerData).
   * Throws `ConfigurationError` (`ERR_BUFFER_LAYOUT`, `ERR_BUFFER_SIZE`) if the buffer is
   * not a pool buffer, or `expectedRecordClass` is given and differs.
   */
  static attach(buffer: SharedArrayBuffer, expectedRecordClass?: number): SlabPool {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'a pool must be attached to a SharedArrayBuffer', buffer);
    }
    if (buffer.byteLength < HEADER_BYTES) {
      throw new ConfigurationError('ERR_BUFFER_SIZE', `a pool buffer has at least a ${HEADER_BYTES}-byte header`, buffer);
    }
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    if (header[H_MAGIC] !== MAGIC || header[H_VERSION] !== VERSION) {
      throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'buffer does not start with a ringroute pool header', buffer);
    }
    const slotBytes = header[H_SLOT_BYTES];
    const capacity = header[H_CAPACITY];
    const recordClass = header[H_RECORD_CLASS];
    SlabPool.checkShape(slotBytes, capacity);
    const expected = SlabPool.bytesFor(slotBytes, capacity);
    if (buffer.byteLength !== expected) {
      throw new ConfigurationError(
        'ERR_BUFFER_SIZE',
        `pool of ${capacity} x ${slotBytes}-byte slots needs exactly ${expected} bytes`,
        buffer,
      );
    }
    if (expectedRecordClass !== undefined && expectedRecordClass !== recordClass) {
      throw new ConfigurationError(
        'ERR_BUFFER_LAYOUT',
        `pool holds record class ${recordClass}, expected ${expectedRecordClass}`,
        recordClass,
      );
    }
    return new SlabPool(buffer, slotBytes, capacity, recordClass);
  }

  /** Total buffer size for a pool shape. */
  static bytesFor(slotBytes: number, capacity: number): number {
    SlabPool.checkShape(slotBytes, capacity);
    const r = SlabPool.regions(slotBytes, capacity);
    return r.dataOffset + slotBytes * capacity;
  }

  /**
   * Take a free slot. Returns its handle (>= 0) or `POOL_EXHAUSTED`. Lock-free, no
   * allocation. A scan visits each bitmap word at most once, so an exhausted pool is
   * reported after one pass, never by spinning.
   */
  allocate(): number {
    const bits = this.i32;
    const base = this.bitmapWord;
    const wordMask = this.wordMask;
    let w = this.cursor;
    for (let scanned = 0; scanned <= wordMask; scanned++) {
      let word = Atomics.load(bits, base + w);
      while (word !== -1) {
        const lowestClear = ~word & (word + 1);
        const seen = Atomics.compareExchange(bits, base + w, word, word | lowestClear);
        if (seen === word) {
          this.cursor = w;
          const index = (w << 5) | (31 - Math.clz32(lowestClear));
          // free() bumps the generation before it clears the bit, and both are
          // sequentially consistent, so the generation read here is the new one.
          const generation = Atomics.load(bits, this.genWord + index) & this.genMask;
          return (generation << this.indexBits) | index;
        }
        word = seen; // lost a race for this word: retry against what is there now
      }
      w = (w + 1) & wordMask;
    }
    return POOL_EXHAUSTED;
  }

  /**
   * Return a slot. `OK`, or `STALE_HANDLE` (the slot was freed and reallocated since),
   * `DOUBLE_FREE` (already freed with this handle, possibly by another thread at the
   * same moment) or `INVALID_HANDLE`. Wait-free apart from one CAS on the generation.
   */
  free(handle: number): number {
    if ((handle | 0) !== handle || handle < 0) return INVALID_HANDLE;
    const index = handle & this.indexMask;
    const handleGen = handle >>> this.indexBits;
    const gi = this.genWord + index;
    const generation = Atomics.load(this.i32, gi);
    if ((generation & this.genMask) !== handleGen) {
      return this.isFreeSlot(index) && ((generation - 1) & this.genMask) === handleGen ? DOUBLE_FREE : STALE_HANDLE;
    }
    if (!this.isOwnedSlot(index)) return STALE_HANDLE; // a handle this pool never issued
    // The generation CAS decides between two threads freeing the same handle at once.
    if (Atomics.compareExchange(this.i32, gi, generation, (generation + 1) | 0) !== generation) return DOUBLE_FREE;
    Atomics.and(this.i32, this.bitmapWord + (index >>> 5), ~(1 << (index & 31)));
    return OK;
  }

  /** True while `handle` is the current owner of its slot. */
  isLive(handle: number): boolean {
    if ((handle | 0) !== handle || handle < 0) return false;
    const index = handle & this.indexMask;
    return (
      (Atomics.load(this.i32, this.genWord + index) & this.genMask) === handle >>> this.indexBits && this.isOwnedSlot(index)
    );
  }

  /** Slot index of a handle (no liveness check). */
  indexOf(handle: number): number {
    return handle & this.indexMask;
  }

  /** Full 32-bit generation counter of a slot (how many times it was freed). */
  generationOf(index: number): number {
    return Atomics.load(this.i32, this.genWord + (index & this.indexMask));
  }

  /** Byte offset of a slot's record inside `buffer`. */
  offsetOf(index: number): number {
    return this.dataOffset + index * this.slotBytes;
  }

  /** Number of free slots right now (cold path: counts bits). */
  freeCount(): number {
    let owned = 0;
    for (let w = 0; w <= this.wordMask; w++) owned += popcount32(Atomics.load(this.i32, this.bitmapWord + w));
    const phantom = this.capacity < 32 ? 32 - this.capacity : 0;
    return this.capacity - (owned - phantom);
  }

  private isOwnedSlot(index: number): boolean {
    return (Atomics.load(this.i32, this.bitmapWord + (index >>> 5)) & (1 << (index & 31))) !== 0;
  }

  private isFreeSlot(index: number): boolean {
    return !this.isOwnedSlot(index);
  }

  private static checkShape(slotBytes: number, capacity: number): void {
    if (
      !Number.isInteger(slotBytes) ||
      slotBytes < CACHE_LINE_BYTES ||
      slotBytes % CACHE_LINE_BYTES !== 0 ||
      slotBytes > SlabPool.MAX_SLOT_BYTES
    ) {
      throw new ConfigurationError(
        'ERR_INVALID_ARGUMENT',
        `slotBytes must be a multiple of ${CACHE_LINE_BYTES} up to ${SlabPool.MAX_SLOT_BYTES}`,
        slotBytes,
      );
    }
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > SlabPool.MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
      throw new ConfigurationError(
        'ERR_INVALID_CAPACITY',
        `capacity must be a power of two from 1 to ${SlabPool.MAX_CAPACITY}`,
        capacity,
      );
    }
  }

  private static regions(slotBytes: number, capacity: number) {
    const bitmapWords = Math.max(1, capacity >>> 5);
    const bitmapOffset = HEADER_BYTES;
    const generationOffset = align(bitmapOffset + bitmapWords * 4, REGION_ALIGN);
    const dataOffset = align(generationOffset + capacity * 4, Math.max(REGION_ALIGN, slotBytes & -slotBytes));
    return { bitmapWords, bitmapOffset, generationOffset, dataOffset };
  }
}

const MAGIC = 0x52525031; // 'RRP1'
const VERSION = 1;
const HEADER_BYTES = 128;
const HEADER_WORDS = HEADER_BYTES / 4;
const REGION_ALIGN = 128;
const H_MAGIC = 0;
const H_VERSION = 1;
const H_SLOT_BYTES = 2;
const H_CAPACITY = 3;
const H_RECORD_CLASS = 4;

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Record classes used by ringroute's own pools (checked on attach). */
export const RecordClass = { ORDER: 1, EXECUTION_EVENT: 2 } as const;
