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
 *   | header (128 B)        |  magic, version, slotBytes, capacity, recordClass
 *   +-----------------------+  128
 *   | claim bitmap          |  1 bit per slot, 1 = claimed by a thread; Int32 words
 *   +-----------------------+
 *   | generations           |  1 Int32 per slot: odd = live, even = free
 *   +-----------------------+
 *   | slots                 |  capacity x slotBytes, each slot 64-byte aligned
 *   +-----------------------+
 *
 * Two levels, as in thread-caching allocators:
 *
 * 1. A shared claim bitmap. A thread claims free slots from it in small batches with
 *    one CAS per bitmap word, and returns them with `Atomics.and`. We use a bitmap, not
 *    a Treiber stack with an ABA tag: JavaScript has compare-and-swap only on 32-bit
 *    integers (a BigInt64Array CAS allocates a BigInt per load and per new value: we
 *    measured thousands of scavenges per million operations). A 32-bit stack head must
 *    hold both the slot index and the ABA tag, which leaves 11 to 16 tag bits; a thread
 *    pre-empted between its load and its CAS (routine on a 2-core VM running 3 threads)
 *    sees tens of thousands of head changes per millisecond, so the tag can wrap and a
 *    stale CAS hand one slot to two owners. A bitmap CAS has no ABA problem at all: it
 *    compares the whole word, and any history that brings a word back to the same value
 *    leaves exactly the same slots claimed. It is lock-free (a failed CAS means another
 *    thread progressed), and each thread scans from its own cursor, so threads claim on
 *    different cache lines instead of fighting over one stack head.
 *
 * 2. A small per-thread cache of claimed, free slots in this `SlabPool` object (each
 *    thread attaches its own). `allocate()` pops from it and `free()` pushes to it, so a
 *    steady allocate/free costs one atomic read-modify-write (the generation CAS that
 *    makes a double free from two threads detectable) instead of three. The cache holds
 *    at most `localCacheSlots` slots (default capacity/16, at most 64); past that, half
 *    goes back to the bitmap. Slots in another thread's cache are not available to this
 *    thread: a thread that stops allocating should call `releaseCache()`.
 *
 * Generations and handles. Each slot's generation is bumped on allocate (to odd: live)
 * and on free (to even: free). A handle is `generation << indexBits | index`, a non-
 * negative int32 (a V8 small integer, so it never allocates); `indexBits =
 * log2(capacity)` and the handle keeps the low `31 - indexBits` generation bits. A handle
 * is live exactly while its slot's generation equals it, so a stale handle is detected
 * unless its slot was reused a multiple of 2^(30 - indexBits) times while it was held
 * (16,384 reuses of one slot in a 65,536-slot pool), and a free slot can never be freed
 * (its generation is even, no handle has an even generation). Negative numbers are
 * statuses.
 *
 * Slot memory is not cleared by `allocate()`; flyweights offer `clear()`.
 */
export class SlabPool {
  /** Largest capacity: keeps at least 9 generation bits in a handle. */
  static readonly MAX_CAPACITY = 1 << 22;
  /** Largest slot size accepted. */
  static readonly MAX_SLOT_BYTES = 4096;
  /** Largest per-thread cache. */
  static readonly MAX_LOCAL_CACHE_SLOTS = 1024;

  readonly buffer: SharedArrayBuffer;
  readonly slotBytes: number;
  readonly capacity: number;
  readonly indexBits: number;
  readonly recordClass: number;
  /** Byte offset of slot 0 inside `buffer`. */
  readonly dataOffset: number;
  /** Free slots this thread may keep for itself. */
  readonly localCacheSlots: number;
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
  private readonly cache: Int32Array; // this thread's claimed free slots
  private cached: number;
  private readonly refillCount: number;
  private cursor: number; // this thread's next bitmap word to try

  private constructor(buffer: SharedArrayBuffer, slotBytes: number, capacity: number, recordClass: number, localCacheSlots?: number) {
    this.buffer = buffer;
    this.slotBytes = slotBytes;
    this.capacity = capacity;
    this.indexBits = Math.log2(capacity);
    this.recordClass = recordClass;
    const regions = SlabPool.regions(slotBytes, capacity);
    this.dataOffset = regions.dataOffset;
    const cacheSlots = localCacheSlots ?? Math.min(64, capacity >>> 4);
    if (!Number.isInteger(cacheSlots) || cacheSlots < 0 || cacheSlots > SlabPool.MAX_LOCAL_CACHE_SLOTS) {
      throw new InvalidArgumentError(
        'ERR_INVALID_ARGUMENT',
        `localCacheSlots must be an integer from 0 to ${SlabPool.MAX_LOCAL_CACHE_SLOTS}`,
        localCacheSlots,
      );
    }
    this.localCacheSlots = cacheSlots;
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.indexMask = capacity - 1;
    this.genMask = 2 ** (31 - this.indexBits) - 1;
    this.bitmapWord = regions.bitmapOffset >> 2;
    this.wordMask = regions.bitmapWords - 1;
    this.genWord = regions.generationOffset >> 2;
    this.cache = new Int32Array(Math.max(1, cacheSlots));
    this.cached = 0;
    this.refillCount = Math.max(1, Math.min(32, cacheSlots >>> 1));
    // Spread threads over the bitmap: each starts 16 words (one cache line) * 7 apart.
    this.cursor = (threadId * 16 * 7) & this.wordMask;
  }

  /**
   * Create a pool. `slotBytes` is a multiple of 64 (use the record layout's size);
   * `capacity` a power of two from 1 to 2^22. `recordClass` is a free tag checked on
   * attach so an order pool is never attached as an event pool. `localCacheSlots`
   * sizes this thread's cache (0 disables it: every free returns to the bitmap).
   * `preTouch` (default true) writes one byte per 4 KiB page at creation so the OS maps
   * every page now rather than on the first order to land on it (a page fault per 32
   * order slots otherwise: tens of nanoseconds per order on a first burst).
   */
  static create(options: {
    slotBytes: number;
    capacity: number;
    recordClass?: number;
    localCacheSlots?: number;
    preTouch?: boolean;
  }): SlabPool {
    const { slotBytes, capacity } = options;
    const recordClass = options.recordClass ?? 0;
    SlabPool.checkShape(slotBytes, capacity);
    if (!Number.isInteger(recordClass) || recordClass < 0 || recordClass > 0x7fffffff) {
      throw new InvalidArgumentError('ERR_INVALID_ARGUMENT', 'recordClass must be a non-negative int32', recordClass);
    }
    const buffer = new SharedArrayBuffer(SlabPool.bytesFor(slotBytes, capacity));
    if (options.preTouch ?? true) {
      const bytes = new Uint8Array(buffer);
      for (let i = 0; i < bytes.length; i += PAGE_BYTES) bytes[i] = 0;
    }
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[H_MAGIC] = MAGIC;
    header[H_VERSION] = VERSION;
    header[H_SLOT_BYTES] = slotBytes;
    header[H_CAPACITY] = capacity;
    header[H_RECORD_CLASS] = recordClass;
    const { bitmapOffset, bitmapWords } = SlabPool.regions(slotBytes, capacity);
    if (capacity < 32) {
      // Bits beyond capacity in the single word are marked claimed forever.
      new Int32Array(buffer, bitmapOffset, bitmapWords)[0] = ~((1 << capacity) - 1) | 0;
    }
    return new SlabPool(buffer, slotBytes, capacity, recordClass, options.localCacheSlots);
  }

  /**
   * Attach to a pool created on another thread (pass `pool.buffer` in workerData).
   * Throws `ConfigurationError` (`ERR_BUFFER_LAYOUT`, `ERR_BUFFER_SIZE`) if the buffer is
   * not a pool buffer, or `expectedRecordClass` is given and differs.
   */
  static attach(buffer: SharedArrayBuffer, expectedRecordClass?: number, options?: { localCacheSlots?: number }): SlabPool {
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
    return new SlabPool(buffer, slotBytes, capacity, recordClass, options?.localCacheSlots);
  }

  /** Total buffer size for a pool shape. */
  static bytesFor(slotBytes: number, capacity: number): number {
    SlabPool.checkShape(slotBytes, capacity);
    const r = SlabPool.regions(slotBytes, capacity);
    return r.dataOffset + slotBytes * capacity;
  }

  /**
   * Take a free slot. Returns its handle (>= 0) or `POOL_EXHAUSTED`. No allocation;
   * usually no atomic operation at all (a pop from this thread's cache). An empty cache
   * is refilled from the bitmap in one pass over it, so exhaustion is reported after
   * visiting each bitmap word once, never by spinning.
   */
  allocate(): number {
    if (this.cached === 0 && this.refill() === 0) return POOL_EXHAUSTED;
    const index = this.cache[--this.cached];
    const gi = this.genWord + index;
    // The slot is claimed in the bitmap and cached by this thread alone, so no other
    // thread writes its generation now: a plain store suffices. Other threads see the
    // new value through whatever publishes the handle to them (a ring's release store).
    const generation = (this.i32[gi] + 1) | 0; // even (free) -> odd (live)
    this.i32[gi] = generation;
    return ((generation & this.genMask) << this.indexBits) | index;
  }

  /**
   * Return a slot. `OK`, or `STALE_HANDLE` (the slot was freed and reallocated since),
   * `DOUBLE_FREE` (already freed with this handle, possibly by another thread at the
   * same moment) or `INVALID_HANDLE` (not a handle this pool can have issued).
   * Any thread may free any handle; the slot joins the freeing thread's cache.
   */
  free(handle: number): number {
    if ((handle | 0) !== handle || handle < 0) return INVALID_HANDLE;
    const handleGen = handle >>> this.indexBits;
    if ((handleGen & 1) === 0) return INVALID_HANDLE;
    const index = handle & this.indexMask;
    const gi = this.genWord + index;
    const generation = Atomics.load(this.i32, gi);
    if ((generation & this.genMask) !== handleGen) {
      return (generation & this.genMask) === ((handleGen + 1) & this.genMask) ? DOUBLE_FREE : STALE_HANDLE;
    }
    // The CAS decides between two threads freeing the same handle at once.
    if (Atomics.compareExchange(this.i32, gi, generation, (generation + 1) | 0) !== generation) return DOUBLE_FREE;
    if (this.localCacheSlots === 0) {
      this.unclaim(index);
      return OK;
    }
    if (this.cached === this.localCacheSlots) this.spill(this.localCacheSlots >>> 1 || 1);
    this.cache[this.cached++] = index;
    return OK;
  }

  /**
   * True while `handle` is the current owner of its slot. A snapshot from a plain load
   * (an \`Atomics.load\` costs ~7 ns here and would not make the answer less transient:
   * another thread may free the slot right after any check). A handle received through a
   * ring is checked against a generation at least as new as the one it was published
   * with. Do not spin on it; \`free()\` re-checks with a compare-and-set.
   */
  isLive(handle: number): boolean {
    if ((handle | 0) !== handle || handle < 0) return false;
    const handleGen = handle >>> this.indexBits;
    return (handleGen & 1) === 1 && (this.i32[this.genWord + (handle & this.indexMask)] & this.genMask) === handleGen;
  }

  /** Give every slot in this thread's cache back to the shared bitmap (call when a thread goes idle or exits). */
  releaseCache(): void {
    this.spill(this.cached);
  }

  /** Slot index of a handle (no liveness check). */
  indexOf(handle: number): number {
    return handle & this.indexMask;
  }

  /** Full 32-bit generation counter of a slot (allocations plus frees so far). */
  generationOf(index: number): number {
    return Atomics.load(this.i32, this.genWord + (index & this.indexMask));
  }

  /** Byte offset of a slot's record inside `buffer`. */
  offsetOf(index: number): number {
    return this.dataOffset + index * this.slotBytes;
  }

  /** Number of slots not live right now, across all threads (cold path: scans generations). */
  freeCount(): number {
    let live = 0;
    for (let i = 0; i < this.capacity; i++) live += Atomics.load(this.i32, this.genWord + i) & 1;
    return this.capacity - live;
  }

  /** Claim up to `refillCount` free slots from the bitmap into the cache. Returns how many. */
  private refill(): number {
    const bits = this.i32;
    const base = this.bitmapWord;
    const wordMask = this.wordMask;
    const want = this.refillCount;
    let w = this.cursor;
    for (let scanned = 0; scanned <= wordMask; scanned++) {
      let word = Atomics.load(bits, base + w);
      while (word !== -1) {
        // Take the lowest `want` clear bits of this word in one CAS.
        let claim = 0;
        let taken = word;
        for (let k = 0; k < want && taken !== -1; k++) {
          const lowestClear = ~taken & (taken + 1);
          claim |= lowestClear;
          taken |= lowestClear;
        }
        const seen = Atomics.compareExchange(bits, base + w, word, taken);
        if (seen === word) {
          this.cursor = w;
          let n = 0;
          while (claim !== 0) {
            const bit = claim & -claim;
            claim ^= bit;
            this.cache[this.cached++] = (w << 5) | (31 - Math.clz32(bit));
            n++;
          }
          return n;
        }
        word = seen; // lost a race for this word: retry against what is there now
      }
      w = (w + 1) & wordMask;
    }
    return 0;
  }

  /**
   * Return `count` cached slots to the bitmap, and point this thread's refill cursor at
   * them: the next refill takes back these recently used (cache-warm) slots instead of
   * walking on into slots untouched for a long time. Without this, a steady churn walked
   * the whole pool and touched a cold cache line per order (measured: ~5x slower).
   */
  private spill(count: number): void {
    let last = -1;
    for (let k = 0; k < count && this.cached > 0; k++) {
      last = this.cache[--this.cached];
      this.unclaim(last);
    }
    if (last >= 0) this.cursor = last >>> 5;
  }

  private unclaim(index: number): void {
    Atomics.and(this.i32, this.bitmapWord + (index >>> 5), ~(1 << (index & 31)));
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
const PAGE_BYTES = 4096;
const H_MAGIC = 0;
const H_VERSION = 1;
const H_SLOT_BYTES = 2;
const H_CAPACITY = 3;
const H_RECORD_CLASS = 4;

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Record classes used by ringroute's own pools (checked on attach). */
export const RecordClass = { ORDER: 1, EXECUTION_EVENT: 2 } as const;
