import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, mergeHistograms, percentilesOf, type Percentiles } from './Histograms.js';
import { collectGarbage, median } from './measure.js';
import type { RunSample, Scenario, Target } from './Scenario.js';

export interface PerRun {
  p50: number | null;
  p99: number | null;
  opsPerSec: number | null;
}

/** One scenario's result, in the shape of the JSON report (`version: 1`). */
export interface ScenarioResult {
  name: string;
  description: string;
  unit: 'ns';
  runs: number;
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
  opsPerSec: number | null;
  reference: string | null;
  heapBytesPerOp: number | null;
  gcCount: number | null;
  opsPerSample: number;
  /** Medians over runs (targets use them; ratios use medians of per-run ratios); percentiles above are from merged histograms. */
  median: PerRun;
  perRun: PerRun[];
  histogram: string | null;
  targets: (Target & { actual: number | null; pass: boolean | null })[];
}

export interface ProgressSink {
  (message: string): void;
}

/**
 * Run scenarios for `runs` runs. Within a run, every selected scenario runs once, in
 * registry order, and a scenario's reference sits right next to it: machine noise that
 * drifts over minutes hits both alike. Each run's histogram is kept, the reported
 * percentiles come from their merge (percentiles are never averaged), and ratios and
 * targets use medians of per-run values.
 */
export async function runScenarios(
  scenarios: readonly Scenario[],
  options: { runs: number; quick: boolean; warmupMs: number },
  progress: ProgressSink,
): Promise<ScenarioResult[]> {
  const samples = new Map<string, RunSample[]>(scenarios.map((s) => [s.name, []]));
  for (const s of scenarios) await s.setup?.();
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const [i, s] of scenarios.entries()) {
        progress(`run ${run + 1}/${options.runs}  [${i + 1}/${scenarios.length}] ${s.name}`);
        collectGarbage();
        samples.get(s.name)!.push(await s.run({ quick: options.quick, run, warmupMs: options.warmupMs }));
      }
    }
  } finally {
    for (const s of scenarios) await s.teardown?.();
  }
  const results = scenarios.map((s) => summarise(s, samples.get(s.name)!));
  const byName = new Map(results.map((r) => [r.name, r]));
  for (const [i, s] of scenarios.entries()) results[i].targets = checkTargets(s, results[i], byName);
  return results;
}

function summarise(s: Scenario, runs: RunSample[]): ScenarioResult {
  const histograms = runs.map((r) => r.histogram).filter((h): h is Histogram => h !== undefined);
  let merged: Percentiles | null = null;
  let encoded: string | null = null;
  if (histograms.length > 0) {
    const m = mergeHistograms(histograms);
    merged = percentilesOf(m);
    encoded = encodeHistogram(m);
    m.destroy();
  }
  const perRun: PerRun[] = runs.map((r) => ({
    p50: r.histogram ? r.histogram.getValueAtPercentile(50) : null,
    p99: r.histogram ? r.histogram.getValueAtPercentile(99) : null,
    opsPerSec: r.opsPerSec ?? null,
  }));
  for (const h of histograms) h.destroy();
  const med = (pick: (p: PerRun) => number | null): number | null => {
    const values = perRun.map(pick).filter((v): v is number => v !== null);
    return values.length > 0 ? median(values) : null;
  };
  const heap = runs.map((r) => r.heapBytesPerOp).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const gcs = runs.map((r) => r.gcCount).filter((v): v is number => v !== undefined);
  return {
    name: s.name,
    description: s.description,
    unit: 'ns',
    runs: runs.length,
    count: merged?.count ?? 0,
    p50: merged?.p50 ?? null,
    p90: merged?.p90 ?? null,
    p99: merged?.p99 ?? null,
    p999: merged?.p999 ?? null,
    max: merged?.max ?? null,
    mean: merged?.mean ?? null,
    opsPerSec: med((p) => p.opsPerSec),
    reference: s.reference ?? null,
    heapBytesPerOp: heap.length > 0 ? round3(median(heap)) : null,
    gcCount: gcs.length > 0 ? median(gcs) : null,
    opsPerSample: s.opsPerSample,
    median: { p50: med((p) => p.p50), p99: med((p) => p.p99), opsPerSec: med((p) => p.opsPerSec) },
    perRun,
    histogram: encoded,
    targets: [],
  };
}

/**
 * The median over runs of `mine / theirs` for one metric, pairing run i with run i (both
 * measured back to back in the same run, so drift of the machine cancels out). Null if a
 * side has no value.
 */
export function pairedRatio(mine: ScenarioResult, theirs: ScenarioResult, key: keyof PerRun): number | null {
  const ratios: number[] = [];
  const n = Math.min(mine.perRun.length, theirs.perRun.length);
  for (let i = 0; i < n; i++) {
    const a = mine.perRun[i][key];
    const b = theirs.perRun[i][key];
    if (a !== null && b !== null && b !== 0) ratios.push(a / b);
  }
  return ratios.length > 0 ? round3(median(ratios)) : null;
}

function checkTargets(s: Scenario, r: ScenarioResult, byName: Map<string, ScenarioResult>): ScenarioResult['targets'] {
  return (s.targets ?? []).map((t) => {
    let actual: number | null;
    switch (t.metric) {
      case 'p50':
        actual = r.median.p50;
        break;
      case 'p99':
        actual = r.median.p99;
        break;
      case 'heapBytesPerOp':
        actual = r.heapBytesPerOp;
        break;
      case 'opsPerSec':
        actual = r.median.opsPerSec;
        break;
      case 'p50Ratio':
      case 'p99Ratio': {
        const other = byName.get(t.versus ?? r.reference ?? '');
        actual = other ? pairedRatio(r, other, t.metric === 'p50Ratio' ? 'p50' : 'p99') : null;
        break;
      }
      case 'speedupVsReference': {
        const ref = r.reference ? byName.get(r.reference) : undefined;
        actual = ref ? pairedRatio(r, ref, 'opsPerSec') : null;
        break;
      }
    }
    const pass = actual === null ? null : t.op === '<=' ? actual <= t.value : actual >= t.value;
    return { ...t, actual, pass };
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
