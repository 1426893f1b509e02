import {
  BackoffIdleStrategy,
  BlockingIdleStrategy,
  BusySpinIdleStrategy,
  ECHO_TASK,
  WorkerPool,
  type IdleStrategy,
  type IdleStrategyName,
  type RecordHandler,
} from '@ringroute/router';
import { nanoTime } from '@ringroute/core';
import { newHistogram } from '../../harness/Histograms.js';
import { warmUp } from '../../harness/measure.js';
import type { RunContext, RunSample, Scenario, Target } from '../../harness/Scenario.js';

const ONE_THIRTIETH = 1 / 30;

/**
 * `router.ring.rtt.<strategy>`: main thread -> command ring -> gateway worker (the echo
 * task under WorkerPool) -> event ring -> main thread, one record at a time, both ends
 * idling with the named strategy. The pool is started and stopped inside each run, so a
 * spinning worker never outlives its scenario.
 */
export function ringRttScenarios(): Scenario[] {
  const piscina = (label: string): Target => ({ metric: 'p50Ratio', versus: 'baseline.piscina', op: '<=', value: ONE_THIRTIETH, label });
  return [
    ringRtt('busy-spin', 'floor.sab.spin', [
      { metric: 'p50Ratio', op: '<=', value: 1.5, label: 'p50 <= 1.5x floor.sab.spin' },
      { metric: 'p99Ratio', op: '<=', value: 2, label: 'p99 <= 2x floor.sab.spin' },
      piscina('p50 at least 30x lower than baseline.piscina'),
    ]),
    ringRtt('blocking', 'floor.sab.wait', [
      { metric: 'p50Ratio', op: '<=', value: 1.3, label: 'p50 <= 1.3x floor.sab.wait' },
      piscina('p50 at least 30x lower than baseline.piscina'),
    ]),
    ringRtt('backoff', 'baseline.piscina', [piscina('p50 at least 30x lower than baseline.piscina')]),
  ];
}

function ringRtt(strategy: IdleStrategyName, reference: string, targets: Target[]): Scenario {
  return {
    name: `router.ring.rtt.${strategy}`,
    reference,
    description: `round trip through a command ring, the echo gateway worker and an event ring; ${strategy} on both ends`,
    opsPerSample: 1,
    targets,
    async run(ctx: RunContext): Promise<RunSample> {
      const pool = await WorkerPool.start({
        workers: 1,
        task: ECHO_TASK,
        idle: strategy,
        commandRing: { capacityBytes: 1 << 12 },
        eventRing: { capacityBytes: 1 << 12 },
      });
      const idle: IdleStrategy =
        strategy === 'busy-spin'
          ? new BusySpinIdleStrategy()
          : strategy === 'backoff'
            ? new BackoffIdleStrategy(pool.mainDoorbell)
            : new BlockingIdleStrategy(pool.mainDoorbell);
      const { commands, events } = pool.workers[0];
      const handler: RecordHandler = { onRecord() {} };
      const histogram = newHistogram();
      // Quick runs still sample ~50-100 ms: the p99 of a shorter window is one moment of the machine's.
      const samples = strategy === 'busy-spin' ? (ctx.quick ? 100_000 : 200_000) : ctx.quick ? 20_000 : 50_000;
      const deadline = nanoTime() + 120e9; // a lost record fails the run instead of hanging it
      const one = (i: number): number => {
        const t0 = nanoTime();
        if (commands.offerPair(1, i, 0) !== 0) throw new Error(`command ${i} refused`);
        let polls = 0;
        while (events.read(handler, 16) === 0) {
          idle.idle(0);
          if ((++polls & 0xffff) === 0 && nanoTime() > deadline) throw new Error(`echo ${i} never arrived`);
        }
        idle.idle(1);
        return nanoTime() - t0;
      };
      let begin = 0;
      try {
        const warmed = warmUp(ctx.warmupMs, samples / 10, one);
        begin = nanoTime();
        for (let i = 1; i <= samples; i++) histogram.recordValue(Math.max(1, Math.round(one(warmed + i))));
      } finally {
        idle.reset();
        await pool.stop();
      }
      return { histogram, opsPerSec: (samples / (nanoTime() - begin)) * 1e9 };
    },
  };
}

/**
 * `router.ring.openloop.<rate>`: commands offered at a fixed rate regardless of replies,
 * each latency measured from its intended send time (so a stall delays every command
 * scheduled during it, and shows, instead of hiding behind a slow sender). The worker
 * uses the default backoff strategy; the main thread keeps the schedule by polling.
 */
export function openLoopScenarios(): Scenario[] {
  return [openLoop(100_000, '100k'), openLoop(1_000_000, '1m')];
}

function openLoop(ratePerSec: number, label: string): Scenario {
  return {
    name: `router.ring.openloop.${label}`,
    reference: `floor.sab.openloop.${label}`,
    description: `echo round trips offered open-loop at ${ratePerSec.toLocaleString('en')}/s, latency from the intended send time (backoff worker)`,
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const pool = await WorkerPool.start({ workers: 1, task: ECHO_TASK, idle: 'backoff', commandRing: { capacityBytes: 1 << 16 }, eventRing: { capacityBytes: 1 << 16 } });
      const { commands, events } = pool.workers[0];
      const histogram = newHistogram();
      const count = Math.round(ratePerSec * (ctx.quick ? 0.2 : 1));
      const intervalNs = 1e9 / ratePerSec;
      let received = 0;
      let t0 = 0;
      const handler: RecordHandler = {
        onRecord(_type, ring, offset) {
          const index = ring.i32[offset >> 2];
          histogram.recordValue(Math.max(1, Math.round(nanoTime() - (t0 + index * intervalNs))));
          received++;
        },
      };
      t0 = nanoTime() + 1e6;
      const deadline = t0 + (count * intervalNs + 5e9);
      let next = 0;
      try {
        while (received < count && nanoTime() < deadline) {
          const now = nanoTime();
          while (next < count && t0 + next * intervalNs <= now) {
            if (commands.offerPair(1, next, 0) !== 0) break; // full: retry, the delay counts
            next++;
          }
          events.read(handler, 256);
        }
      } finally {
        await pool.stop();
      }
      const elapsed = nanoTime() - t0;
      return { histogram, opsPerSec: (received / elapsed) * 1e9 };
    },
  };
}
