import { INVALID_HANDLE, OK, STALE_HANDLE } from './Status.js';
import type { SlabPool } from './SlabPool.js';

const EMPTY = new SharedArrayBuffer(128);

/**
 * Base of every record flyweight: one reusable object that points at one slot at a time.
 * `wrap()` only moves four base indices, so re-pointing a flyweight per order costs a
 * few nanoseconds and allocates nothing. Subclasses add typed getters and setters that
 * read the pool's shared typed-array views at fixed offsets.
 *
 * All fields are assigned in the constructor, in a fixed order, so every flyweight of a
 * class has one hidden class and the accessors stay monomorphic.
 */
export abstract class Flyweight {
  protected f64: Float64Array;
  protected i32: Int32Array;
  protected u16: Uint16Array;
  protected u8: Uint8Array;
  /** Index of the record's first byte in `u8` (and `>> 1`, `>> 2`, `>> 3` for the others). */
  protected base1: number;
  protected base2: number;
  protected base4: number;
  protected base8: number;
  protected currentPool: SlabPool | null;
  protected currentHandle: number;
  private readonly recordBytes: number;

  protected constructor(recordBytes: number) {
    this.f64 = new Float64Array(EMPTY);
    this.i32 = new Int32Array(EMPTY);
    this.u16 = new Uint16Array(EMPTY);
    this.u8 = new Uint8Array(EMPTY);
    this.base1 = 0;
    this.base2 = 0;
    this.base4 = 0;
    this.base8 = 0;
    this.currentPool = null;
    this.currentHandle = -1;
    this.recordBytes = recordBytes;
  }

  /**
   * Point at the record owned by `handle`. Returns `OK`, or `STALE_HANDLE` /
   * `INVALID_HANDLE` without moving (the flyweight keeps its previous record).
   * Costs one atomic load of the slot generation.
   */
  wrap(pool: SlabPool, handle: number): number {
    if ((handle | 0) !== handle || handle < 0) return INVALID_HANDLE;
    if (!pool.isLive(handle)) return STALE_HANDLE;
    this.point(pool, pool.indexOf(handle));
    this.currentHandle = handle;
    return OK;
  }

  /**
   * Point at slot `index` without any check, for code that owns the slot (it has just
   * allocated it, or holds a handle it validated). The caller guarantees `index < capacity`.
   */
  wrapIndex(pool: SlabPool, index: number): this {
    this.point(pool, index);
    this.currentHandle = -1;
    return this;
  }

  /** The handle given to the last successful `wrap()`, or -1. */
  get handle(): number {
    return this.currentHandle;
  }

  /** The pool currently wrapped, or null. */
  get pool(): SlabPool | null {
    return this.currentPool;
  }

  /** The slot's generation counter (how many times the slot was freed before). */
  get generation(): number {
    const pool = this.currentPool;
    return pool === null ? -1 : pool.generationOf((this.base1 - pool.dataOffset) / pool.slotBytes);
  }

  /** Zero every byte of the record (a fresh order is all zeroes: state NEW). */
  clear(): this {
    this.u8.fill(0, this.base1, this.base1 + this.recordBytes);
    return this;
  }

  private point(pool: SlabPool, index: number): void {
    if (this.currentPool !== pool) {
      this.f64 = pool.f64;
      this.i32 = pool.i32;
      this.u16 = pool.u16;
      this.u8 = pool.u8;
      this.currentPool = pool;
    }
    const base = pool.dataOffset + index * pool.slotBytes;
    this.base1 = base;
    this.base2 = base >> 1;
    this.base4 = base >> 2;
    this.base8 = base >> 3;
  }
}
