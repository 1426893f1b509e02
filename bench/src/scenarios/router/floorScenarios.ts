import { once } from 'node:events';
import { Piscina } from 'piscina';
import { nanoTime } from '@ringroute/core';
import { newHistogram } from '../../harness/Histograms.js';
import { warmUp, warmUpAsync } from '../../harness/measure.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';
import { startWorker } from './threads.js';

/**
 * The references every thread-hop scenario is judged against, each measured in the same
 * run: what a round trip between two threads costs with nothing of ours in the way.
 */
export function floorScenarios(): Scenario[] {
  return [
    pingPong('floor.sab.spin', 'spin', 'raw SharedArrayBuffer ping-pong, both threads busy-spinning (the physical floor)', 20_000, 200_000),
    pingPong('floor.sab.wait', 'wait', 'raw SharedArrayBuffer ping-pong, both threads in Atomics.wait / Atomics.notify', 5_000, 50_000),
    postMessageRoundTrip(),
    piscinaRoundTrip(),
    openLoopFloor(100_000, '100k'),
    openLoopFloor(1_000_000, '1m'),
  ];
}

/**
 * `floor.sab.openloop.<rate>`: the machine's own open-loop floor. The main thread
 * publishes how many commands are due at a fixed rate; a spinning worker echoes the
 * highest count it has seen; each command's latency runs from its intended send time to
 * when the main thread sees it echoed. Stalls of the machine (a descheduled vCPU) show
 * here exactly as they do in `router.ring.openloop.*`.
 */
function openLoopFloor(ratePerSec: number, label: string): Scenario {
  return {
    name: `floor.sab.openloop.${label}`,
    description: `raw SharedArrayBuffer echo offered open-loop at ${ratePerSec.toLocaleString('en')}/s, spinning worker, latency from the intended send time`,
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const control = new Int32Array(new SharedArrayBuffer(16));
      const worker = await startWorker('floorWorker', { mode: 'counter', control: control.buffer });
      const histogram = newHistogram();
      const count = Math.round(ratePerSec * (ctx.quick ? 0.2 : 1));
      const intervalNs = 1e9 / ratePerSec;
      const t0 = nanoTime() + 1e6;
      const deadline = t0 + count * intervalNs + 5e9;
      let published = 0;
      let echoed = 0;
      while (echoed < count) {
        const now = nanoTime();
        if (now > deadline) break;
        if (published < count && t0 + published * intervalNs <= now) {
          published = Math.min(count, Math.floor((now - t0) / intervalNs) + 1);
          Atomics.store(control, 0, published);
        }
        const seen = Atomics.load(control, 1);
        if (seen > echoed) {
          const at = nanoTime();
          for (let j = echoed; j < seen; j++) histogram.recordValue(Math.max(1, Math.round(at - (t0 + j * intervalNs))));
          echoed = seen;
        }
      }
      const elapsed = nanoTime() - t0;
      const stopped = once(worker, 'message');
      Atomics.store(control, 2, 1);
      await stopped;
      await worker.terminate();
      return { histogram, opsPerSec: (echoed / elapsed) * 1e9 };
    },
  };
}

function pingPong(name: string, mode: 'spin' | 'wait', description: string, quick: number, full: number): Scenario {
  return {
    name,
    description,
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const control = new Int32Array(new SharedArrayBuffer(16));
      const worker = await startWorker('floorWorker', { mode, control: control.buffer });
      const histogram = newHistogram();
      const samples = ctx.quick ? quick : full;
      const one = (i: number): number => {
        const t0 = nanoTime();
        Atomics.store(control, 0, i);
        if (mode === 'wait') Atomics.notify(control, 0);
        let pong = Atomics.load(control, 1);
        while (pong !== i) {
          if (mode === 'wait') Atomics.wait(control, 1, pong);
          pong = Atomics.load(control, 1);
        }
        return nanoTime() - t0;
      };
      const warmed = warmUp(ctx.warmupMs, samples / 10, (i) => one(i + 1));
      const begin = nanoTime();
      for (let i = 1; i <= samples; i++) histogram.recordValue(Math.max(1, Math.round(one(warmed + i))));
      const opsPerSec = (samples / (nanoTime() - begin)) * 1e9;
      const stopped = once(worker, 'message');
      Atomics.store(control, 2, 1);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      await stopped;
      await worker.terminate();
      return { histogram, opsPerSec };
    },
  };
}

function postMessageRoundTrip(): Scenario {
  return {
    name: 'baseline.postmessage',
    description: 'worker postMessage ping-pong (structured clone of a number each way)',
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const worker = await startWorker('floorWorker', { mode: 'postmessage', control: new SharedArrayBuffer(16) });
      const histogram = newHistogram();
      const samples = ctx.quick ? 5_000 : 50_000;
      const one = async (i: number): Promise<number> => {
        const t0 = nanoTime();
        const reply = once(worker, 'message');
        worker.postMessage(i);
        await reply;
        return nanoTime() - t0;
      };
      const warmed = await warmUpAsync(ctx.warmupMs, samples / 10, (i) => one(i + 1));
      const begin = nanoTime();
      for (let i = 1; i <= samples; i++) histogram.recordValue(Math.max(1, Math.round(await one(warmed + i))));
      const opsPerSec = (samples / (nanoTime() - begin)) * 1e9;
      await worker.terminate();
      return { histogram, opsPerSec };
    },
  };
}

function piscinaRoundTrip(): Scenario {
  return {
    name: 'baseline.piscina',
    description: 'piscina run() of an echo task on one worker thread, awaited one at a time',
    opsPerSample: 1,
    async run(ctx: RunContext): Promise<RunSample> {
      const piscina = new Piscina({ filename: new URL('../../workers/piscinaEcho.js', import.meta.url).href, minThreads: 1, maxThreads: 1 });
      const histogram = newHistogram();
      const samples = ctx.quick ? 5_000 : 30_000;
      const one = async (i: number): Promise<number> => {
        const t0 = nanoTime();
        await piscina.run(i);
        return nanoTime() - t0;
      };
      const warmed = await warmUpAsync(ctx.warmupMs, samples / 10, one);
      const begin = nanoTime();
      for (let i = 1; i <= samples; i++) histogram.recordValue(Math.max(1, Math.round(await one(warmed + i))));
      const opsPerSec = (samples / (nanoTime() - begin)) * 1e9;
      await piscina.destroy();
      return { histogram, opsPerSec };
    },
  };
}
