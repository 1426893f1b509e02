import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DOUBLE_FREE,
  INVALID_HANDLE,
  OK,
  ORDER_RECORD_BYTES,
  POOL_EXHAUSTED,
  RecordClass,
  SlabPool,
  STALE_HANDLE,
  statusName,
} from '@ringroute/core';

const pool = (capacity: number, slotBytes = 64) => SlabPool.create({ slotBytes, capacity });

describe('SlabPool allocate and free', () => {
  it('hands out every slot once, then reports POOL_EXHAUSTED instead of throwing', () => {
    const p = pool(64);
    const indices = new Set<number>();
    for (let i = 0; i < 64; i++) {
      const h = p.allocate();
      expect(h).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(h) && h <= 0x7fffffff).toBe(true);
      indices.add(p.indexOf(h));
    }
    expect(indices.size).toBe(64);
    expect(p.allocate()).toBe(POOL_EXHAUSTED);
    expect(statusName(POOL_EXHAUSTED)).toBe('POOL_EXHAUSTED');
    expect(p.freeCount()).toBe(0);
  });

  it.each([1, 2, 8, 31 + 1, 4096])('a pool of %i slots allocates exactly its capacity', (capacity) => {
    const p = pool(capacity);
    const handles: number[] = [];
    for (let h = p.allocate(); h >= 0; h = p.allocate()) handles.push(h);
    expect(handles.length).toBe(capacity);
    expect(p.freeCount()).toBe(0);
    for (const h of handles) expect(p.free(h)).toBe(OK);
    expect(p.freeCount()).toBe(capacity);
  });

  it('detects a double free and a stale handle after the slot is reused', () => {
    const p = pool(1);
    const first = p.allocate();
    expect(p.isLive(first)).toBe(true);
    expect(p.free(first)).toBe(OK);
    expect(p.isLive(first)).toBe(false);
    expect(p.free(first)).toBe(DOUBLE_FREE);
    const second = p.allocate();
    expect(p.indexOf(second)).toBe(p.indexOf(first));
    expect(second).not.toBe(first);
    expect(p.free(first)).toBe(STALE_HANDLE);
    expect(p.isLive(second)).toBe(true);
    expect(p.generationOf(0)).toBe(3); // allocate, free, allocate: odd while live
  });

  it('refuses values that are not handles', () => {
    const p = pool(8);
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 31, -0.5]) expect(p.free(bad)).toBe(INVALID_HANDLE);
    expect(p.isLive(NaN)).toBe(false);
    // A handle with an even generation (a free slot's) can never have been issued.
    expect(p.free(3)).toBe(INVALID_HANDLE);
    expect(p.isLive(3)).toBe(false);
    expect(p.freeCount()).toBe(8);
  });

  it('keeps stale detection across many reuses of one slot (up to the generation width)', () => {
    const p = pool(16);
    const old = p.allocate();
    expect(p.free(old)).toBe(OK);
    for (let i = 0; i < 1000; i++) expect(p.free(p.allocate())).toBe(OK);
    expect(p.free(old)).toBe(STALE_HANDLE);
  });
});

describe('SlabPool per-thread cache', () => {
  it('keeps freed slots for this thread; another thread sees them after releaseCache()', () => {
    const mine = SlabPool.create({ slotBytes: 64, capacity: 64, localCacheSlots: 8 });
    const other = SlabPool.attach(mine.buffer); // as another thread would
    const handles: number[] = [];
    for (let h = mine.allocate(); h >= 0; h = mine.allocate()) handles.push(h);
    expect(handles.length).toBe(64);
    for (const h of handles.slice(0, 8)) expect(mine.free(h)).toBe(OK);
    expect(mine.freeCount()).toBe(8); // exact across threads: counts generations
    expect(other.allocate()).toBe(POOL_EXHAUSTED); // the 8 sit in mine's cache
    mine.releaseCache();
    const theirs: number[] = [];
    for (let h = other.allocate(); h >= 0; h = other.allocate()) theirs.push(h);
    expect(theirs.length).toBe(8);
  });

  it('spills half of a full cache back to the shared bitmap', () => {
    const mine = SlabPool.create({ slotBytes: 64, capacity: 64, localCacheSlots: 8 });
    const other = SlabPool.attach(mine.buffer);
    const handles: number[] = [];
    for (let h = mine.allocate(); h >= 0; h = mine.allocate()) handles.push(h);
    for (const h of handles.slice(0, 9)) mine.free(h); // the 9th overflows the cache
    let seen = 0;
    while (other.allocate() >= 0) seen++;
    expect(seen).toBe(4);
  });

  it('with the cache disabled every free is visible to other threads at once', () => {
    const mine = SlabPool.create({ slotBytes: 64, capacity: 32, localCacheSlots: 0 });
    const other = SlabPool.attach(mine.buffer);
    const handles: number[] = [];
    for (let h = mine.allocate(); h >= 0; h = mine.allocate()) handles.push(h);
    expect(mine.free(handles[5])).toBe(OK);
    expect(other.indexOf(other.allocate())).toBe(mine.indexOf(handles[5]));
    expect(() => SlabPool.create({ slotBytes: 64, capacity: 32, localCacheSlots: -1 })).toThrow(/localCacheSlots/);
  });
});

describe('SlabPool configuration and attach', () => {
  it('rejects capacities that are not powers of two and slot sizes off the cache line', () => {
    for (const capacity of [0, 3, 100, -8, 1.5, SlabPool.MAX_CAPACITY * 2]) {
      expect(() => pool(capacity)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CAPACITY', value: capacity }));
    }
    for (const slotBytes of [0, 32, 100, 8192]) {
      expect(() => pool(8, slotBytes)).toThrow(ConfigurationError);
    }
  });

  it('another view attached to the same buffer sees the same slots and data', () => {
    const p = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 32, recordClass: RecordClass.ORDER });
    const h = p.allocate();
    p.f64[p.offsetOf(p.indexOf(h)) >> 3] = 42.5;
    const q = SlabPool.attach(p.buffer, RecordClass.ORDER);
    expect(q.capacity).toBe(32);
    expect(q.slotBytes).toBe(128);
    expect(q.isLive(h)).toBe(true);
    expect(q.f64[q.offsetOf(q.indexOf(h)) >> 3]).toBe(42.5);
    expect(q.free(h)).toBe(OK);
    expect(p.free(h)).toBe(DOUBLE_FREE);
  });

  it('refuses a buffer of the wrong size, a foreign buffer and the wrong record class', () => {
    const p = SlabPool.create({ slotBytes: 64, capacity: 16, recordClass: RecordClass.EXECUTION_EVENT });
    const truncated = new SharedArrayBuffer(p.buffer.byteLength - 64);
    new Uint8Array(truncated).set(new Uint8Array(p.buffer, 0, truncated.byteLength));
    expect(() => SlabPool.attach(truncated)).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_SIZE' }));
    expect(() => SlabPool.attach(new SharedArrayBuffer(16))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_SIZE' }));
    expect(() => SlabPool.attach(new SharedArrayBuffer(4096))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_LAYOUT' }));
    expect(() => SlabPool.attach(new ArrayBuffer(4096) as unknown as SharedArrayBuffer)).toThrow(/SharedArrayBuffer/);
    expect(() => SlabPool.attach(p.buffer, RecordClass.ORDER)).toThrow(/record class 2, expected 1/);
  });

  it('aligns the slot region so every record starts on a cache line', () => {
    const p = SlabPool.create({ slotBytes: 128, capacity: 1024 });
    expect(p.dataOffset % 128).toBe(0);
    expect(p.offsetOf(5) - p.offsetOf(4)).toBe(128);
    expect(SlabPool.bytesFor(128, 1024)).toBe(p.buffer.byteLength);
  });
});
