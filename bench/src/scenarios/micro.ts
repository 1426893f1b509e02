import { newHistogram } from '../harness/Histograms.js';
import { benchmarkOpsPerSec, heapBytesPerOp, sampleBatches } from '../harness/measure.js';
import type { RunContext, RunSample, Scenario, Target } from '../harness/Scenario.js';

export const BATCH = 256;

export interface MicroSpec {
  name: string;
  reference?: string;
  description: string;
  targets?: Target[];
  /** Runs `n` operations. Keep the loop inside: one monomorphic call site per scenario. */
  batch(n: number): void;
  setup?(): Promise<void> | void;
  teardown?(): Promise<void> | void;
  /** Hooks around each run (for example waking a contending thread). */
  beforeRun?(): Promise<void> | void;
  afterRun?(): Promise<void> | void;
}

/**
 * A single-thread micro-benchmark: HDR per-operation latency from batches of 256,
 * operations per second from benchmark.js, and heap bytes per operation.
 */
export function microScenario(spec: MicroSpec): Scenario {
  return {
    name: spec.name,
    reference: spec.reference,
    description: spec.description,
    opsPerSample: BATCH,
    targets: spec.targets,
    setup: spec.setup,
    teardown: spec.teardown,
    async run(ctx: RunContext): Promise<RunSample> {
      await spec.beforeRun?.();
      try {
        const batch = spec.batch;
        sampleBatches(newHistogram(), ctx.quick ? 200 : 1_000, BATCH, batch); // warm-up, discarded
        const histogram = newHistogram();
        sampleBatches(histogram, ctx.quick ? 4_000 : 20_000, BATCH, batch);
        const opsPerSec = benchmarkOpsPerSec(spec.name, () => batch(BATCH), BATCH, ctx.quick ? 0.25 : 1);
        const heap = heapBytesPerOp(batch, 4_096, ctx.quick ? 16 : 64);
        return { histogram, opsPerSec, heapBytesPerOp: heap };
      } finally {
        await spec.afterRun?.();
      }
    },
  };
}
