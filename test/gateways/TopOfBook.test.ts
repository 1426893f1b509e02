import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { Quote, TopOfBook } from '@ringroute/gateways';
import { fixtureWorker, nextMessage } from '../support/threads.js';

describe('TopOfBook', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('publishes and reads per venue and symbol; empty sides are NaN', () => {
    const book = TopOfBook.create(2, 3);
    const q = new Quote();
    expect(book.read(1, 2, q)).toBe(true);
    expect([q.bidTicks, q.askTicks, q.version]).toEqual([NaN, NaN, 0]);
    book.publish(1, 2, 100, 5, 101, 7, 42);
    expect(book.read(1, 2, q)).toBe(true);
    expect(q).toMatchObject({ bidTicks: 100, bidLots: 5, askTicks: 101, askLots: 7, updatedNs: 42, version: 1 });
    expect(book.read(0, 2, q)).toBe(true);
    expect(q.bidTicks).toBeNaN(); // another venue is untouched
    expect(book.read(2, 0, q)).toBe(false);
    expect(book.read(0, -1, q)).toBe(false);
    const other = TopOfBook.attach(book.buffer);
    expect(other.read(1, 2, q) && q.askLots).toBe(7);
    expect(() => TopOfBook.attach(new SharedArrayBuffer(64))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_LAYOUT' }));
    expect(() => TopOfBook.create(0, 1)).toThrow(/venues/);
  });

  it('a reader never sees a torn quote while another thread publishes 2,000,000 times', async () => {
    const book = TopOfBook.create(2, 4);
    const writer = fixtureWorker('topOfBookWriter', { buffer: book.buffer, count: 2_000_000 });
    workers.push(writer);
    await nextMessage(writer);
    const done = nextMessage(writer);
    let finished = false;
    void done.then(() => (finished = true));
    const q = new Quote();
    let reads = 0;
    let torn = 0;
    let lastVersion = 0;
    let backwards = 0;
    const deadline = Date.now() + 30_000;
    while (!finished && Date.now() < deadline) {
      for (let i = 0; i < 1_000; i++) {
        if (!book.read(1, 2, q) || q.version === 0) continue;
        reads++;
        const n = q.bidTicks;
        if (q.bidLots !== n || q.askTicks !== n + 1 || q.askLots !== 2 * n || q.updatedNs !== 3 * n || q.version !== n) torn++;
        if (q.version < lastVersion) backwards++;
        lastVersion = q.version;
      }
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(reads).toBeGreaterThan(1_000);
    expect(torn).toBe(0);
    expect(backwards).toBe(0);
    expect(book.read(1, 2, q) && q.version).toBe(2_000_000);
  });
});
