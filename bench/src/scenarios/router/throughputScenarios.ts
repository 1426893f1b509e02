import type { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { nanoTime } from '@ringroute/core';
import { BackoffIdleStrategy, Doorbell, ManyToOneRingBuffer, OneToOneRingBuffer, type RecordHandler, type RingBuffer } from '@ringroute/router';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';
import { startWorker } from './threads.js';

/**
 * Records per second through a ring: producer worker threads, the main thread consuming
 * with the default backoff strategy. 1p1c publishing one record per commit and 32 per
 * commit; 3p1c with three producers on a many-to-one ring (four threads on two cores).
 */
export function throughputScenarios(): Scenario[] {
  return [
    throughput('router.ring.throughput.1p1c', 'one-to-one', 1, 1, 'one producer, one consumer, one record per commit', undefined, 7e6),
    throughput('router.ring.throughput.1p1c.batched', 'one-to-one', 1, 32, 'one producer, one consumer, 32 records per commit', 'router.ring.throughput.1p1c', 25e6),
    throughput('router.ring.throughput.3p1c', 'many-to-one', 3, 1, 'three producers, one consumer (many-to-one ring)', 'router.ring.throughput.1p1c', 5e6),
  ];
}

function throughput(
  name: string,
  kind: 'one-to-one' | 'many-to-one',
  producers: number,
  batch: number,
  description: string,
  reference: string | undefined,
  targetPerSec: number,
): Scenario {
  return {
    name,
    reference,
    description,
    opsPerSample: 1,
    targets: [{ metric: 'opsPerSec', op: '>=', value: targetPerSec, label: `>= ${targetPerSec / 1e6}M records/s` }],
    async run(ctx: RunContext): Promise<RunSample> {
      const perProducer = Math.round((ctx.quick ? 2e6 : 10e6) / producers);
      const doorbell = Doorbell.create();
      const ring: RingBuffer =
        kind === 'one-to-one' ? OneToOneRingBuffer.create({ capacityBytes: 1 << 16 }) : ManyToOneRingBuffer.create({ capacityBytes: 1 << 16 });
      const start = new Int32Array(new SharedArrayBuffer(4));
      const workers: Worker[] = [];
      for (let p = 1; p <= producers; p++) {
        workers.push(
          await startWorker('ringProducer', { ring: ring.buffer, kind, doorbell: doorbell.buffer, start: start.buffer, producerId: p, count: perProducer, batch }),
        );
      }
      const done = workers.map((w) => once(w, 'message'));
      let received = 0;
      const handler: RecordHandler = {
        onRecord() {
          received++;
        },
      };
      const total = perProducer * producers;
      const idle = new BackoffIdleStrategy(doorbell);
      const t0 = nanoTime();
      Atomics.store(start, 0, 1);
      Atomics.notify(start, 0);
      while (received < total) idle.idle(ring.read(handler, 1024));
      const elapsed = nanoTime() - t0;
      idle.reset();
      await Promise.all(done);
      await Promise.all(workers.map((w) => w.terminate()));
      return { opsPerSec: (total / elapsed) * 1e9 };
    },
  };
}
