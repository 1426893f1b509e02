import { getHeapStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import Benchmark from 'benchmark';
import type { Histogram } from 'hdr-histogram-js';
import { nanoTime } from '@ringroute/core';

/**
 * Time `samples` batches of `batch` operations and record each batch's per-operation
 * mean (integer ns) into `histogram`. The batch body is the scenario's own loop, so the
 * call per operation is monomorphic and inlinable, as it would be in user code.
 * Returns operations per second over the whole sampling (clock reads included).
 */
export function sampleBatches(histogram: Histogram, samples: number, batch: number, runBatch: (n: number) => void): number {
  const begin = nanoTime();
  for (let i = 0; i < samples; i++) {
    const t0 = nanoTime();
    runBatch(batch);
    const t1 = nanoTime();
    histogram.recordValue(Math.max(1, Math.round((t1 - t0) / batch)));
  }
  return (samples * batch) / ((nanoTime() - begin) / 1e9);
}

/**
 * Run `op` unrecorded until it has run at least `minOps` times and for at least `ms` of
 * wall time; returns how many times it ran. Counting alone is not enough: 500 round trips
 * end within a few milliseconds of a fresh process, while V8 is still compiling in the
 * background, and a fixed-count warm-up then leaves the first samples in that noise.
 */
export function warmUp(ms: number, minOps: number, op: (i: number) => void): number {
  const end = nanoTime() + ms * 1e6;
  let i = 0;
  while (i < minOps) op(i++);
  while (nanoTime() < end) for (let k = 0; k < 64; k++) op(i++); // the clock is read every 64 ops
  return i;
}

/** `warmUp` for an operation that is awaited (a postMessage or piscina round trip). */
export async function warmUpAsync(ms: number, minOps: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const end = nanoTime() + ms * 1e6;
  let i = 0;
  while (i < minOps || nanoTime() < end) await op(i++);
  return i;
}

/** Operations per second by benchmark.js (`opsPerCall` operations per call of `fn`). */
export function benchmarkOpsPerSec(name: string, fn: () => void, opsPerCall: number, maxTimeSec: number): number {
  const bench = new Benchmark(name, fn, { maxTime: maxTimeSec, minSamples: 5 });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return bench.hz * opsPerCall;
}

/**
 * Heap bytes allocated per operation: run `chunks` chunks of `ops` operations, reading
 * V8's used heap size around each. A chunk during which a GC ran (the heap shrank) says
 * nothing and is skipped; the result is the median over the others, less what the
 * measurement itself allocates (an empty chunk).
 */
export function heapBytesPerOp(runChunk: (ops: number) => void, ops: number, chunks: number): number {
  const measure = (n: number): number[] => {
    const perOp: number[] = [];
    for (let c = 0; c < chunks; c++) {
      const before = getHeapStatistics().used_heap_size;
      runChunk(n);
      const after = getHeapStatistics().used_heap_size;
      if (after >= before) perOp.push(after - before);
    }
    return perOp;
  };
  const overhead = median(measure(0));
  const used = measure(ops);
  if (used.length === 0) return NaN;
  return Math.max(0, (median(used) - overhead) / ops);
}

/** Counts garbage collections between `start()` and `stop()`. */
export class GcCounter {
  private count = 0;
  private observer: PerformanceObserver | null = null;

  start(): void {
    this.count = 0;
    this.observer = new PerformanceObserver((list) => {
      this.count += list.getEntries().length;
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** GC entries are delivered asynchronously: give them a turn of the event loop. */
  async stop(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.observer?.disconnect();
    this.observer = null;
    return this.count;
  }
}

/** Collect garbage now if the process runs with --expose-gc, so runs start equal. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A value the optimiser cannot prove unused: scenarios fold results into it. */
export const sink = { value: 0 };
