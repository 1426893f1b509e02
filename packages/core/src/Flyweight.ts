import { INVALID_HANDLE, OK, STALE_HANDLE } from './Status.js';
import type { SlabPool } from './SlabPool.js';

/**
 * Base of every record flyweight: one reusable object that points at one slot at a time
 * of the pool it was built for. `wrap()` only moves four base indices, so re-pointing a
 * flyweight per order costs a few nanoseconds and allocates nothing. Subclasses add
 * typed getters and setters that read the pool's typed-array views at literal offsets.
 *
 * A flyweight is bound to one pool for life. Its typed-array fields are written once, in
 * the constructor, so V8 treats them as constant and folds them into the accessors: we
 * measured 16 ns per order (write and read every field) bound this way, against 29 ns
 * when the same fields were re-pointed after construction (medians of 7 processes each).
 * For another pool, make another flyweight; they are cheap.
 *
 * All fields are assigned in the constructor, in a fixed order, so every flyweight of a
 * class has one hidden class and the accessors stay monomorphic.
 */
export abstract class Flyweight {
  /** The pool this flyweight reads and writes. */
  readonly pool: SlabPool;
  protected readonly f64: Float64Array;
  protected readonly i32: Int32Array;
  protected readonly u16: Uint16Array;
  protected readonly u8: Uint8Array;
  /** Index of the record's first byte in `u8` (and `>> 1`, `>> 2`, `>> 3` for the others). */
  protected base1: number;
  protected base2: number;
  protected base4: number;
  protected base8: number;
  protected currentHandle: number;
  /** The record's length in 8-byte words. */
  private readonly recordWords: number;

  protected constructor(recordBytes: number, pool: SlabPool) {
    this.pool = pool;
    this.f64 = pool.f64;
    this.i32 = pool.i32;
    this.u16 = pool.u16;
    this.u8 = pool.u8;
    this.base1 = pool.dataOffset;
    this.base2 = pool.dataOffset >> 1;
    this.base4 = pool.dataOffset >> 2;
    this.base8 = pool.dataOffset >> 3;
    this.currentHandle = -1;
    if (recordBytes % 8 !== 0) throw new RangeError(`a record is whole 8-byte words: ${recordBytes} bytes`);
    this.recordWords = recordBytes >> 3;
  }

  /**
   * Point at the record owned by `handle`. Returns `OK`, or `STALE_HANDLE` /
   * `INVALID_HANDLE` without moving (the flyweight keeps its previous record).
   */
  wrap(handle: number): number {
    if ((handle | 0) !== handle || handle < 0) return INVALID_HANDLE;
    if (!this.pool.isLive(handle)) return STALE_HANDLE;
    this.point(this.pool.indexOf(handle));
    this.currentHandle = handle;
    return OK;
  }

  /**
   * Point at slot `index` without any check, for code that owns the slot (it has just
   * allocated it, or holds a handle it validated). The caller guarantees `index < capacity`.
   */
  wrapIndex(index: number): this {
    this.point(index);
    this.currentHandle = -1;
    return this;
  }

  /** The handle given to the last successful `wrap()`, or -1. */
  get handle(): number {
    return this.currentHandle;
  }

  /** The slot's generation counter (allocations plus frees of this slot so far). */
  get generation(): number {
    return this.pool.generationOf((this.base1 - this.pool.dataOffset) / this.pool.slotBytes);
  }

  /**
   * Zero every byte of the record (a fresh order is all zeroes: state NEW). Records are
   * whole 8-byte words (padded to cache lines), so this is a loop of 8-byte stores: for a
   * 128-byte order, 16 stores the JIT inlines, where `TypedArray.fill` is a builtin call
   * whose set-up cost more than the zeroing (7 % of the strategy thread at 1.7 M orders/s,
   * profiled).
   */
  clear(): this {
    const f64 = this.f64;
    const end = this.base8 + this.recordWords;
    for (let i = this.base8; i < end; i++) f64[i] = 0;
    return this;
  }

  private point(index: number): void {
    const base = this.pool.dataOffset + index * this.pool.slotBytes;
    this.base1 = base;
    this.base2 = base >> 1;
    this.base4 = base >> 2;
    this.base8 = base >> 3;
  }
}
