import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { nanoTime } from '@ringroute/core';
import { BackoffIdleStrategy, Doorbell, ManyToOneRingBuffer, NOT_CLAIMED, OneToOneRingBuffer, RECORD_ABORTED, type RecordHandler, type RingBuffer } from '@ringroute/router';
import { benchWorker, fixtureWorker, nextMessage } from '../support/threads.js';

/** Checks that every producer's sequence arrives complete and in order. */
class SequenceChecker implements RecordHandler {
  readonly next: number[];
  received = 0;
  violations = 0;
  constructor(producers: number) {
    this.next = new Array(producers + 1).fill(0);
  }
  onRecord(typeId: number, ring: RingBuffer, offset: number): void {
    const producer = ring.i32[offset >> 2];
    const sequence = ring.i32[(offset >> 2) + 1];
    if (typeId !== 1 || sequence !== this.next[producer]) this.violations++;
    this.next[producer] = sequence + 1;
    this.received++;
  }
}

/** Consume on this thread until `total` records arrived (or fail after 30 s); `onPoll` runs after every read. */
function consume(ring: RingBuffer, doorbell: Doorbell, checker: SequenceChecker, total: number, onPoll?: () => void): void {
  const idle = new BackoffIdleStrategy(doorbell);
  const deadline = nanoTime() + 30e9;
  while (checker.received < total) {
    idle.idle(ring.read(checker, 256));
    onPoll?.();
    if (nanoTime() > deadline) throw new Error(`stalled at ${checker.received} of ${total}`);
  }
  idle.reset();
  ring.releaseConsumed();
}

describe('rings across threads', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  async function startProducers(ring: RingBuffer, doorbell: Doorbell, kind: string, producers: number, count: number) {
    const start = new Int32Array(new SharedArrayBuffer(4));
    const started: Worker[] = [];
    for (let p = 1; p <= producers; p++) {
      started.push(
        benchWorker('ringProducer', { ring: ring.buffer, kind, doorbell: doorbell.buffer, start: start.buffer, producerId: p, count, batch: 32, randomBatch: true }),
      );
    }
    workers.push(...started);
    await Promise.all(started.map((w) => nextMessage(w)));
    const results = started.map((w) => nextMessage<{ sent: number }>(w));
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    return results;
  }

  it('one producer, one consumer: 10,000,000 records arrive once each, in order', async () => {
    const doorbell = Doorbell.create();
    const ring = OneToOneRingBuffer.create({ capacityBytes: 1 << 16 });
    const results = await startProducers(ring, doorbell, 'one-to-one', 1, 10_000_000);
    const checker = new SequenceChecker(1);
    consume(ring, doorbell, checker, 10_000_000);
    expect((await results[0]).sent).toBe(10_000_000);
    expect(checker.violations).toBe(0);
    expect(checker.received).toBe(10_000_000);
    expect(checker.next[1]).toBe(10_000_000);
    expect(ring.size()).toBe(0);
  });

  it('three producers, one consumer: 2,000,000 records each, no loss, no duplicate, FIFO per producer', async () => {
    const doorbell = Doorbell.create();
    const ring = ManyToOneRingBuffer.create({ capacityBytes: 1 << 16 });
    const results = await startProducers(ring, doorbell, 'many-to-one', 3, 2_000_000);
    const checker = new SequenceChecker(3);
    consume(ring, doorbell, checker, 6_000_000);
    for (const r of await Promise.all(results)) expect(r.sent).toBe(2_000_000);
    expect(checker.violations).toBe(0);
    expect(checker.next.slice(1)).toEqual([2_000_000, 2_000_000, 2_000_000]);
    expect(checker.received).toBe(6_000_000);
    expect(ring.size()).toBe(0);
  });

  it('a producer killed between claim and commit: the consumer delivers past it, and its space comes back once a supervisor that saw it die reclaims it', async () => {
    const doorbell = Doorbell.create();
    const ring = ManyToOneRingBuffer.create({ capacityBytes: 1 << 12, claimTimeoutNs: 50_000_000 }, doorbell);
    const dead = fixtureWorker('claimThenHang', { ring: ring.buffer });
    workers.push(dead);
    expect((await nextMessage<{ claimed: number }>(dead)).claimed).toBeGreaterThan(0);
    await dead.terminate(); // killed with its claim open: known dead from here on
    const results = await startProducers(ring, doorbell, 'many-to-one', 1, 100_000);
    const checker = new SequenceChecker(1);
    let reclaimed = 0;
    let heldWhileRevoked = 0;
    consume(ring, doorbell, checker, 100_000, () => {
      if (ring.revokedPending === 0) return;
      // Held: the revoked record's space is not reused, so the producer fills at most one lap.
      if (ring.size() === ring.capacity) heldWhileRevoked++;
      if (heldWhileRevoked > 0) reclaimed += ring.reclaimRevoked();
    });
    expect((await results[0]).sent).toBe(100_000);
    expect(checker.violations).toBe(0);
    expect(ring.unblockedCount).toBe(1);
    expect(reclaimed).toBe(1);
    expect(heldWhileRevoked).toBeGreaterThan(0);
  });

  it('a producer that stalls past the claim timeout and then finishes gets RECORD_ABORTED, and its late stores never reach another record', async () => {
    for (let round = 0; round < 3; round++) {
      const doorbell = Doorbell.create();
      const ring = ManyToOneRingBuffer.create({ capacityBytes: 1 << 10, claimTimeoutNs: 20_000_000 }, doorbell);
      const resume = new Int32Array(new SharedArrayBuffer(4));
      const late = fixtureWorker('claimStallThenWrite', { ring: ring.buffer, resume: resume.buffer });
      workers.push(late);
      expect((await nextMessage<{ claimed: number }>(late)).claimed).toBeGreaterThan(0);
      const answer = nextMessage<{ commit: number; abortAgain: number }>(late);
      const results = await startProducers(ring, doorbell, 'many-to-one', 2, 50_000);
      const checker = new SequenceChecker(2);
      let revokedAt = -1;
      let resumed = false;
      consume(ring, doorbell, checker, 100_000, () => {
        if (resumed || ring.unblockedCount === 0) return;
        if (revokedAt < 0) revokedAt = checker.received;
        // Wake the stalled producer once the live producers went more than a lap (64
        // records) past its revoked claim, or filled the ring up to it: on a ring that
        // reuses revoked space, its late stores now land in their records.
        if (checker.received - revokedAt > 200 || ring.size() === ring.capacity) {
          resumed = true;
          Atomics.store(resume, 0, 1);
          Atomics.notify(resume, 0);
        }
      });
      for (const r of await Promise.all(results)) expect(r.sent).toBe(50_000);
      const { commit, abortAgain } = await answer;
      expect(commit).toBe(RECORD_ABORTED);
      expect(abortAgain).toBe(NOT_CLAIMED); // its claim is closed; nothing else can be hidden with that offset
      expect(checker.violations, `round ${round}: records corrupted or out of order`).toBe(0);
      expect(checker.next.slice(1)).toEqual([50_000, 50_000]);
      expect(ring.unblockedCount).toBe(1);
      ring.read(checker, 1); // the consumer sees the answer at its next read and gives the space back
      expect(ring.revokedPending).toBe(0);
      expect(ring.size()).toBe(0);
    }
  });
});
