import type { Histogram } from 'hdr-histogram-js';

/** What one run of a scenario measured. */
export interface RunSample {
  /** Latency per operation, integer ns. */
  histogram?: Histogram;
  /** Operations per second (benchmark.js or a timed loop). */
  opsPerSec?: number;
  /** Heap bytes allocated per operation, measured between GCs. */
  heapBytesPerOp?: number;
  /** Garbage collections seen during the run. */
  gcCount?: number;
}

export interface RunContext {
  quick: boolean;
  /** 0-based run index. */
  run: number;
  /**
   * Least wall time a scenario runs its operation, unrecorded, before it samples (see
   * `warmUp`). In a fresh process V8's background compiler and the new worker isolates
   * keep a core busy for the first ~200 ms here; samples taken then carry their noise,
   * which is what a p99 reads.
   */
  warmupMs: number;
}

/** A target from an issue, checked and printed after the run (informational, not a gate). */
export interface Target {
  /**
   * `p50`, `p99`: median over runs, in ns. `p50Ratio`, `p99Ratio`: this scenario's median
   * over `versus`'s (default: the reference). `speedupVsReference`: median rate over the
   * reference's median rate.
   */
  metric: 'p50' | 'p99' | 'heapBytesPerOp' | 'opsPerSec' | 'speedupVsReference' | 'p50Ratio' | 'p99Ratio';
  /** `<=` for latencies, ratios and bytes, `>=` for rates and speedups. */
  op: '<=' | '>=';
  value: number;
  label: string;
  /** For ratio metrics: the scenario compared with, if not the reference. */
  versus?: string;
}

export interface Scenario {
  /** Dotted name: `core.pool.alloc-free`. */
  name: string;
  /** Name of the scenario it is compared with (measured in the same run). */
  reference?: string;
  description: string;
  /**
   * Operations each histogram sample covers. Sub-microsecond operations are timed in
   * batches (one clock read costs ~30 ns here), each sample recording the batch's
   * per-operation mean; 1 means every operation is timed on its own.
   */
  opsPerSample: number;
  targets?: Target[];
  /** Called once before the first run (start workers, allocate pools). */
  setup?(): Promise<void> | void;
  run(ctx: RunContext): Promise<RunSample> | RunSample;
  /** Called once after the last run. */
  teardown?(): Promise<void> | void;
}
