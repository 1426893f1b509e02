import type { Histogram } from 'hdr-histogram-js';
import { decodeHistogram, mergeHistograms } from '../harness/Histograms.js';
import { median } from '../harness/measure.js';
import type { BenchReport } from '../harness/Report.js';
import { signedRankTest } from './SignedRank.js';

export type Verdict = 'pass' | 'warning' | 'regression' | 'accepted';

/** An intended slowdown, committed with the change that causes it. */
export interface Override {
  scenario: string;
  /** The largest ratio accepted (both ratios must stay at or below it). */
  maxRatio: number;
  reason: string;
}

export interface SideSummary {
  p50: number;
  /** The gated percentile. */
  pGated: number;
  p999: number;
  max: number;
  count: number;
}

export interface ScenarioDecision {
  scenario: string;
  base: SideSummary;
  candidate: SideSummary;
  /** Gated percentile of the merged candidate over the merged base (normalised in baseline mode). */
  mergedRatio: number;
  /** Median over pairs of the per-pair ratio of the gated percentile. */
  medianPairRatio: number;
  pairRatios: number[];
  /** One-sided exact Wilcoxon signed-rank p-value that the per-pair ratios lean above 1 (see SignedRank). */
  pValue: number;
  p50Ratio: number;
  p999Ratio: number;
  maxRatio: number;
  /** Baseline mode: each side divided by its reference measured in the same run. */
  normalisedBy: string | null;
  /** Merged and median-of-pairs ratios at p50, p90, p99 and p99.9 (whatever percentile is gated), for calibration. */
  atPercentiles: { percentile: number; merged: number; medianOfPairs: number }[];
  verdict: Verdict;
  override: Override | null;
}

export interface Thresholds {
  threshold: number;
  warn: number;
  percentile: number;
  /** Significance a regression needs: the signed-rank p-value at or below it (default 0.01). */
  alpha: number;
}

/** One side's runs of one scenario: a histogram per fresh process. */
export type Runs = Histogram[];

const CALIBRATION = [50, 90, 99, 99.9];

function atPercentiles(base: Runs, candidate: Runs, a: Histogram, b: Histogram) {
  return CALIBRATION.map((p) => ({
    percentile: p,
    merged: b.getValueAtPercentile(p) / a.getValueAtPercentile(p),
    medianOfPairs: median(base.map((h, i) => candidate[i].getValueAtPercentile(p) / h.getValueAtPercentile(p))),
  }));
}

export function histogramsOf(reports: readonly BenchReport[], scenario: string): Runs {
  return reports.map((r) => {
    const s = r.scenarios.find((x) => x.name === scenario);
    if (s?.histogram == null) throw new Error(`no histogram for ${scenario}`);
    return decodeHistogram(s.histogram);
  });
}

function summarize(h: Histogram, percentile: number): SideSummary {
  return { p50: h.getValueAtPercentile(50), pGated: h.getValueAtPercentile(percentile), p999: h.getValueAtPercentile(99.9), max: h.maxValue, count: h.totalCount };
}

/**
 * Regression: the merged ratio and the median of the per-pair ratios both above the
 * threshold, and the pairs agreeing (signed-rank p-value at or below alpha). Ratios above
 * the threshold that the pairs do not agree on are machine noise as far as the data can
 * tell: a warning, shown, never a failure.
 */
function verdictOf(merged: number, pairs: number, pValue: number, t: Thresholds, override: Override | null): Verdict {
  if (merged > t.threshold && pairs > t.threshold && pValue <= t.alpha) return override !== null && merged <= override.maxRatio && pairs <= override.maxRatio ? 'accepted' : 'regression';
  return merged > t.warn || pairs > t.warn ? 'warning' : 'pass';
}

function pValueOf(pairRatios: readonly number[]): number {
  return signedRankTest(pairRatios.map((r) => Math.log(r))).pValue;
}

/**
 * Compare a base and a candidate measured in alternating fresh processes (pair i =
 * base run i and candidate run i). Each side's histograms are merged (percentiles are
 * never averaged); a regression needs both the merged ratio and the median of the
 * per-pair ratios above the threshold, and the pairs to agree (signed-rank test).
 */
export function decide(scenario: string, base: Runs, candidate: Runs, t: Thresholds, override: Override | null): ScenarioDecision {
  const a = mergeHistograms(base);
  const b = mergeHistograms(candidate);
  const sa = summarize(a, t.percentile);
  const sb = summarize(b, t.percentile);
  const pairRatios = base.map((h, i) => candidate[i].getValueAtPercentile(t.percentile) / h.getValueAtPercentile(t.percentile));
  const mergedRatio = sb.pGated / sa.pGated;
  const medianPairRatio = median(pairRatios);
  const pValue = pValueOf(pairRatios);
  return {
    scenario,
    base: sa,
    candidate: sb,
    mergedRatio,
    medianPairRatio,
    pairRatios,
    pValue,
    p50Ratio: sb.p50 / sa.p50,
    p999Ratio: sb.p999 / sa.p999,
    maxRatio: sb.max / sa.max,
    normalisedBy: null,
    atPercentiles: atPercentiles(base, candidate, a, b),
    verdict: verdictOf(mergedRatio, medianPairRatio, pValue, t, override),
    override,
  };
}

/**
 * Baseline mode: the candidate's runs against a stored result. Both sides are divided by
 * their reference (the scenario's floor) measured in the same run, so a faster or slower
 * machine cancels out; what is left is the scenario's own change.
 */
export function decideAgainstBaseline(
  scenario: string,
  reference: string | null,
  stored: BenchReport,
  candidate: Runs,
  candidateRefs: Runs | null,
  t: Thresholds,
  override: Override | null,
): ScenarioDecision {
  const storedScenario = stored.scenarios.find((s) => s.name === scenario);
  if (storedScenario?.histogram == null) throw new Error(`the baseline has no histogram for ${scenario}`);
  const a = decodeHistogram(storedScenario.histogram);
  const storedRef = reference === null ? undefined : stored.scenarios.find((s) => s.name === reference);
  const normalise = reference !== null && storedRef?.histogram != null && candidateRefs !== null;
  const aRef = normalise ? decodeHistogram(storedRef!.histogram!) : null;
  const b = mergeHistograms(candidate);
  const bRef = normalise ? mergeHistograms(candidateRefs!) : null;
  const at = (h: Histogram, p: number) => h.getValueAtPercentile(p);
  const norm = (h: Histogram, ref: Histogram | null, p: number) => (ref === null ? at(h, p) : at(h, p) / at(ref, p));
  const baseNorm = norm(a, aRef, t.percentile);
  const mergedRatio = norm(b, bRef, t.percentile) / baseNorm;
  const pairRatios = candidate.map((h, i) => norm(h, normalise ? candidateRefs![i] : null, t.percentile) / baseNorm);
  const medianPairRatio = median(pairRatios);
  // One-sample here: each candidate run against the one stored value.
  const pValue = pValueOf(pairRatios);
  return {
    scenario,
    base: summarize(a, t.percentile),
    candidate: summarize(b, t.percentile),
    mergedRatio,
    medianPairRatio,
    pairRatios,
    pValue,
    p50Ratio: norm(b, bRef, 50) / norm(a, aRef, 50),
    p999Ratio: norm(b, bRef, 99.9) / norm(a, aRef, 99.9),
    maxRatio: b.maxValue / a.maxValue,
    normalisedBy: normalise ? reference : null,
    atPercentiles: [],
    verdict: verdictOf(mergedRatio, medianPairRatio, pValue, t, override),
    override,
  };
}
