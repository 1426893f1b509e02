import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { SlabPool } from '@ringroute/core';
import { churn, type ChurnResult } from '../fixtures/poolChurn.js';
import { fixtureWorker, nextMessage } from '../support/threads.js';

const CAPACITY = 128; // smaller than 3 threads x 64 held slots: exhaustion happens too
const ALLOCATIONS = 1_000_000; // per thread; as many frees again

describe('SlabPool under three threads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('never gives one slot to two owners and returns to full capacity', async () => {
    const pool = SlabPool.create({ slotBytes: 64, capacity: CAPACITY });
    const owners = new SharedArrayBuffer(CAPACITY * 4);
    const start = new SharedArrayBuffer(4);
    for (let id = 1; id <= 2; id++) {
      workers.push(
        fixtureWorker('poolStressWorker', { pool: pool.buffer, owners, start, ownerId: id + 1, allocations: ALLOCATIONS, seed: 0x9e3779b9 * id }),
      );
    }
    await Promise.all(workers.map((w) => nextMessage<{ ready: boolean }>(w)));
    const results = workers.map((w) => nextMessage<ChurnResult>(w));
    Atomics.store(new Int32Array(start), 0, 1);
    Atomics.notify(new Int32Array(start), 0);
    const mine = churn(pool, new Int32Array(owners), 1, ALLOCATIONS, 12345);
    const all = [mine, ...(await Promise.all(results))];

    for (const r of all) {
      expect(r.violations).toBe(0);
      expect(r.allocations).toBe(ALLOCATIONS);
      expect(r.frees).toBe(ALLOCATIONS);
    }
    expect(pool.freeCount()).toBe(CAPACITY);
    expect(new Int32Array(owners).every((o) => o === 0)).toBe(true);
    // Every allocation and every free bumps its slot's generation exactly once.
    let generations = 0;
    for (let i = 0; i < CAPACITY; i++) generations += pool.generationOf(i);
    expect(generations).toBe(2 * 3 * ALLOCATIONS);
    // The pool is usable afterwards: exactly CAPACITY fresh handles.
    const again = new Set<number>();
    for (let h = pool.allocate(); h >= 0; h = pool.allocate()) again.add(pool.indexOf(h));
    expect(again.size).toBe(CAPACITY);
  });

  it('two threads freeing the same handles at once: each handle is freed exactly once', async () => {
    const capacity = 16_384;
    const rounds = 24;
    const pool = SlabPool.create({ slotBytes: 64, capacity });
    const handles = new Int32Array(new SharedArrayBuffer(capacity * 4));
    const wins = new Int32Array(new SharedArrayBuffer(capacity * 4));
    const start = new Int32Array(new SharedArrayBuffer(4));
    for (let w = 0; w < 2; w++) {
      workers.push(fixtureWorker('doubleFreeWorker', { pool: pool.buffer, handles: handles.buffer, wins: wins.buffer, start: start.buffer, rounds }));
    }
    await Promise.all(workers.map((w) => nextMessage(w)));
    for (let round = 1; round <= rounds; round++) {
      for (let i = 0; i < capacity; i++) {
        handles[i] = pool.allocate();
        expect(handles[i]).toBeGreaterThanOrEqual(0);
      }
      pool.releaseCache();
      wins.fill(0);
      const done = workers.map((w) => nextMessage<{ ok: number }>(w));
      Atomics.store(start, 0, round);
      Atomics.notify(start, 0);
      const oks = (await Promise.all(done)).map((r) => r.ok);
      expect(oks[0] + oks[1]).toBe(capacity);
      expect(wins.every((n) => n === 1)).toBe(true);
      expect(pool.freeCount()).toBe(capacity);
    }
    // No slot went into two caches: the pool hands out each slot exactly once.
    const indices = new Set<number>();
    let count = 0;
    for (let h = pool.allocate(); h >= 0; h = pool.allocate()) {
      indices.add(pool.indexOf(h));
      count++;
    }
    expect(count).toBe(capacity);
    expect(indices.size).toBe(capacity);
  });
});
