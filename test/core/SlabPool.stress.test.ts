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
    // Every successful free bumps its slot's generation exactly once.
    let generations = 0;
    for (let i = 0; i < CAPACITY; i++) generations += pool.generationOf(i);
    expect(generations).toBe(3 * ALLOCATIONS);
    // The pool is usable afterwards: exactly CAPACITY fresh handles.
    const again = new Set<number>();
    for (let h = pool.allocate(); h >= 0; h = pool.allocate()) again.add(pool.indexOf(h));
    expect(again.size).toBe(CAPACITY);
  });
});
