import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { nanoTime } from '@ringroute/core';
import {
  CloseReason,
  Doorbell,
  ECHO_TASK,
  RING_CLOSED,
  WorkerPool,
  WorkerState,
  type RecordHandler,
  type RingBuffer,
  type WorkerFailure,
} from '@ringroute/router';
import { fixtureWorker, nextMessage } from '../support/threads.js';

const FAULTY = new URL('../dist/fixtures/faultyTask.js', import.meta.url);
const BROKEN = new URL('../dist/fixtures/brokenTask.js', import.meta.url);
const ASYNC = new URL('../dist/fixtures/asyncTask.js', import.meta.url);
const ECHO = 1;
const THROW = 100;
const EXIT = 101;
const HANG = 102;

class Counter implements RecordHandler {
  readonly seen = new Map<string, number>();
  onRecord(_t: number, ring: RingBuffer, offset: number): void {
    const key = `${ring.i32[offset >> 2]}:${ring.i32[(offset >> 2) + 1]}`;
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
  }
}

async function until(condition: () => boolean, timeoutMs: number, pool?: WorkerPool, handler?: RecordHandler): Promise<number> {
  const t0 = nanoTime();
  while (!condition()) {
    if (pool && handler) pool.poll(handler, 256);
    if (nanoTime() - t0 > timeoutMs * 1e6) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
  return (nanoTime() - t0) / 1e6;
}

function send(ring: RingBuffer, type: number, a: number, b: number): number {
  let status = ring.offerPair(type, a, b);
  while (status < 0 && status !== RING_CLOSED) status = ring.offerPair(type, a, b);
  return status;
}

describe('WorkerPool', () => {
  const pools: WorkerPool[] = [];
  const threads: Worker[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.stop({ timeoutMs: 2_000 }).catch(() => undefined)));
    await Promise.all(threads.splice(0).map((t) => t.terminate()));
  });

  it('starts workers with a handshake and echoes every command exactly once', async () => {
    const pool = await WorkerPool.start({ workers: 2, task: ECHO_TASK });
    pools.push(pool);
    expect(pool.workers.map((w) => w.state)).toEqual([WorkerState.RUNNING, WorkerState.RUNNING]);
    expect(new Set(pool.workers.map((w) => w.threadId)).size).toBe(2);
    const counter = new Counter();
    for (let i = 0; i < 20_000; i++) {
      const w = pool.workers[i & 1];
      while (w.commands.offerPair(ECHO, w.index, i) < 0) pool.poll(counter, 256);
    }
    await until(() => counter.seen.size === 20_000, 10_000, pool, counter);
    expect([...counter.seen.values()].every((n) => n === 1)).toBe(true);
    expect(pool.failures).toEqual([]);
  });

  it('stop drains: commands sent just before stop still come back, then intake is closed', async () => {
    const pool = await WorkerPool.start({ workers: 1, task: ECHO_TASK, idle: 'blocking' });
    const counter = new Counter();
    const w = pool.workers[0];
    for (let i = 0; i < 1_000; i++) expect(send(w.commands, ECHO, 0, i)).toBe(0);
    await pool.stop({ handler: counter });
    expect(counter.seen.size).toBe(1_000);
    expect(w.state).toBe(WorkerState.STOPPED);
    expect(w.summary?.drained).toBe(true);
    expect(w.commands.offerPair(ECHO, 0, 0)).toBe(RING_CLOSED);
  });

  it("with the 'async' strategy a waiting worker's event loop keeps running, and commands still flow", async () => {
    const ticks = new Int32Array(new SharedArrayBuffer(4));
    const pool = await WorkerPool.start({ workers: 1, task: ASYNC, idle: 'async', data: () => ({ ticks: ticks.buffer }) });
    pools.push(pool);
    await new Promise((r) => setTimeout(r, 50));
    const before = Atomics.load(ticks, 0);
    await new Promise((r) => setTimeout(r, 200)); // no commands: the worker is parked in waitAsync
    expect(Atomics.load(ticks, 0) - before).toBeGreaterThanOrEqual(10); // its 5 ms timer kept firing
    const counter = new Counter();
    for (let i = 0; i < 1_000; i++) send(pool.workers[0].commands, ECHO, 0, i);
    await until(() => counter.seen.size === 1_000, 5_000, pool, counter);
  });

  it('refuses to start when the task module cannot load (typed error, no hang)', async () => {
    await expect(WorkerPool.start({ workers: 1, task: BROKEN, startTimeoutMs: 5_000 })).rejects.toMatchObject({
      code: 'ERR_WORKER_START',
      message: expect.stringContaining('broken task'),
    });
  });

  it.each([
    ['throws', THROW],
    ['exits', EXIT],
  ])('a worker that %s is reported within a bounded time and its producers get RING_CLOSED', async (_what, fault) => {
    const failures: WorkerFailure[] = [];
    const pool = await WorkerPool.start({ workers: 2, task: FAULTY, onFailure: (f) => failures.push(f) });
    pools.push(pool);
    const [bad, good] = pool.workers;
    const counter = new Counter();
    for (let i = 0; i < 10; i++) send(bad.commands, ECHO, 0, i);
    const sentAt = nanoTime();
    send(bad.commands, fault, 0, 0);
    const waited = await until(() => failures.length === 1, 2_000, pool, counter);
    expect(waited).toBeLessThan(2_000);
    expect(failures[0]).toMatchObject({ index: 0, kind: 'crashed' });
    expect(failures[0].detectedNs).toBeGreaterThan(sentAt);
    expect(bad.state).toBe(WorkerState.FAILED);
    expect(bad.commands.closeReason).toBe(CloseReason.CONSUMER_DIED);
    expect(send(bad.commands, ECHO, 0, 99)).toBe(RING_CLOSED);
    // The echoes it produced before failing are still delivered; the other worker is unaffected.
    await until(() => counter.seen.size === 10, 2_000, pool, counter);
    send(good.commands, ECHO, 1, 1);
    await until(() => counter.seen.has('1:1'), 2_000, pool, counter);
  });

  it('a consumer killed mid-batch closes its ring: producers get RING_CLOSED instead of hanging', async () => {
    const failures: WorkerFailure[] = [];
    const pool = await WorkerPool.start({ workers: 1, task: FAULTY, commandRing: { capacityBytes: 1024 }, onFailure: (f) => failures.push(f) });
    pools.push(pool);
    const w = pool.workers[0];
    send(w.commands, ECHO, 0, 1);
    send(w.commands, HANG, 0, 2); // the worker is now stuck inside its batch
    send(w.commands, ECHO, 0, 3);
    await new Promise((r) => setTimeout(r, 50));
    await pool.terminateWorker(0);
    let status = 0;
    await until(
      () => {
        status = w.commands.offerPair(ECHO, 0, 4); // fills the ring, then must see RING_CLOSED
        return status === RING_CLOSED;
      },
      2_000,
    );
    expect(failures.map((f) => f.kind)).toEqual(['crashed']);
  });

  it('a worker whose loop stops making progress is declared hung, terminated, and its ring closed', async () => {
    const failures: WorkerFailure[] = [];
    const pool = await WorkerPool.start({ workers: 1, task: FAULTY, heartbeatTimeoutMs: 200, onFailure: (f) => failures.push(f) });
    pools.push(pool);
    const w = pool.workers[0];
    send(w.commands, HANG, 0, 0);
    const waited = await until(() => failures.length > 0, 3_000);
    expect(waited).toBeGreaterThan(150);
    expect(failures[0].kind).toBe('hung');
    expect(w.commands.closeReason).toBe(CloseReason.CONSUMER_HUNG);
    expect(send(w.commands, ECHO, 0, 1)).toBe(RING_CLOSED);
  });

  it('a worker that runs before the others and beats late is not declared hung while the pool starts', async () => {
    // Worker 0 reports RUNNING at once, then spends 300 ms in its first poll (no beat yet);
    // worker 1 takes 800 ms to start, so the watchdog ticks while start() still waits.
    // Its timeout (500 ms) counts from when the watchdog first sees worker 0 running, not from
    // the clock's origin.
    const failures: WorkerFailure[] = [];
    const pool = await WorkerPool.start({
      workers: 2,
      task: FAULTY,
      heartbeatTimeoutMs: 500,
      data: (i) => (i === 0 ? { firstPollBlockMs: 300 } : { startDelayMs: 800 }),
      onFailure: (f) => failures.push(f),
    });
    pools.push(pool);
    expect(failures).toEqual([]);
    const counter = new Counter();
    send(pool.workers[0].commands, ECHO, 0, 1);
    send(pool.workers[1].commands, ECHO, 1, 1);
    await until(() => counter.seen.size === 2, 2_000, pool, counter);
    expect(failures).toEqual([]);
  });

  it('gateways sharing a thread: one whose loop throws fails alone, a hang fails every gateway on the thread', async () => {
    const failures: WorkerFailure[] = [];
    const pool = await WorkerPool.start({ workers: 3, task: FAULTY, threads: [[0, 1], [2]], heartbeatTimeoutMs: 300, onFailure: (f) => failures.push(f) });
    pools.push(pool);
    const [a, b, c] = pool.workers;
    expect(a.threadId).toBe(b.threadId);
    expect(c.threadId).not.toBe(a.threadId);
    expect(a.doorbell).toBe(b.doorbell);
    const counter = new Counter();
    send(a.commands, THROW, 0, 0);
    await until(() => failures.length === 1, 2_000, pool, counter);
    expect(failures[0]).toMatchObject({ index: 0, kind: 'crashed' });
    expect(failures[0].error?.message).toContain('handler threw');
    send(b.commands, ECHO, 1, 1);
    await until(() => counter.seen.has('1:1'), 2_000, pool, counter);
    expect(b.state).toBe(WorkerState.RUNNING);
    // Now b's handler never returns: the thread is stuck, so b is hung; c, on its own thread, is not.
    send(b.commands, HANG, 0, 0);
    await until(() => failures.length === 2, 3_000, pool, counter);
    expect(failures[1]).toMatchObject({ index: 1, kind: 'hung' });
    send(c.commands, ECHO, 2, 2);
    await until(() => counter.seen.has('2:2'), 2_000, pool, counter);
    expect(c.state).toBe(WorkerState.RUNNING);
  });

  it('shutdown while every worker is parked ends promptly', async () => {
    const pool = await WorkerPool.start({ workers: 2, task: ECHO_TASK, idle: 'blocking' });
    await new Promise((r) => setTimeout(r, 300)); // nothing to do: both park
    expect(pool.workers.every((w) => w.doorbell.waiters === 1)).toBe(true);
    const t0 = nanoTime();
    await pool.stop();
    expect((nanoTime() - t0) / 1e6).toBeLessThan(1_000);
    expect(pool.workers.map((w) => w.state)).toEqual([WorkerState.STOPPED, WorkerState.STOPPED]);
  });

  it('closing a doorbell wakes a thread parked with a 60 s timeout at once', async () => {
    const doorbell = Doorbell.create();
    const parker = fixtureWorker('doorbellParker', { doorbell: doorbell.buffer });
    threads.push(parker);
    await nextMessage(parker);
    await new Promise((r) => setTimeout(r, 50));
    const woke = nextMessage<{ sleptMs: number; closed: boolean }>(parker);
    doorbell.close();
    const { sleptMs, closed } = await woke;
    expect(closed).toBe(true);
    expect(sleptMs).toBeLessThan(5_000);
  });
});
