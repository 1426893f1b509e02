import type { Histogram } from 'hdr-histogram-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { decodeHistogram } from '../harness/Histograms.js';
import type { ScenarioResult } from '../harness/Runner.js';

/**
 * Charts of a bench result, drawn by Vega-Lite and rendered to SVG by Vega in Node (no
 * browser): the same SVG goes into the HTML report and into committed examples.
 */

/** Percentiles plotted: 1/(1-p) from 1 (p0) to 10^5 (p99.999), ten points per decade. */
const PERCENTILES = Array.from({ length: 51 }, (_, k) => 100 * (1 - 10 ** (-k / 10)));
const TICKS = [1, 2, 10, 100, 1_000, 10_000, 100_000];
const TICK_LABELS = "datum.value == 1 ? '0%' : datum.value == 2 ? '50%' : datum.value == 10 ? '90%' : datum.value == 100 ? '99%' : datum.value == 1000 ? '99.9%' : datum.value == 10000 ? '99.99%' : datum.value == 100000 ? '99.999%' : ''";

export interface PercentilePoint {
  scenario: string;
  percentile: number;
  /** 1 / (1 - p): the log axis that spreads the tail. */
  x: number;
  micros: number;
}

/** Points of the percentile curve of a histogram, up to the percentiles its count supports. */
export function percentileCurve(name: string, h: Histogram): PercentilePoint[] {
  const points: PercentilePoint[] = [];
  for (const p of PERCENTILES) {
    if (h.totalCount * (1 - p / 100) < 1 && p > 0) {
      // Beyond what the samples resolve: end the line at the maximum.
      points.push({ scenario: name, percentile: p, x: 1 / (1 - p / 100), micros: h.maxValue / 1_000 });
      break;
    }
    points.push({ scenario: name, percentile: p, x: 1 / (1 - p / 100), micros: h.getValueAtPercentile(p) / 1_000 });
  }
  return points;
}

/** Latency against percentile for a scenario and its reference, on the usual log 1/(1-p) axis. */
export function percentileSpec(scenario: ScenarioResult, reference: ScenarioResult | undefined): TopLevelSpec | null {
  if (scenario.histogram === null) return null;
  const values = percentileCurve(scenario.name, decodeHistogram(scenario.histogram));
  if (reference?.histogram) values.push(...percentileCurve(reference.name, decodeHistogram(reference.histogram)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: scenario.name, subtitle: reference ? `beside its reference ${reference.name}, same runs` : 'no reference', anchor: 'start' },
    width: 560,
    height: 260,
    data: { values },
    mark: { type: 'line', point: { size: 18 }, interpolate: 'step-after' },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: 'percentile',
        scale: { type: 'log', domain: [1, 100_000] },
        axis: { values: TICKS, labelExpr: TICK_LABELS, grid: true },
      },
      y: { field: 'micros', type: 'quantitative', title: 'latency (µs, log)', scale: { type: 'log' } },
      color: { field: 'scenario', type: 'nominal', title: null, legend: { orient: 'top-left', labelLimit: 480 } },
      tooltip: [{ field: 'scenario' }, { field: 'percentile', format: '.3f' }, { field: 'micros', format: '.2f' }],
    },
  };
}

/** Throughput of every scenario that reports one, each reference next to its scenario. */
export function throughputSpec(scenarios: readonly ScenarioResult[]): TopLevelSpec | null {
  const values = scenarios.filter((s) => s.opsPerSec !== null).map((s) => ({ scenario: s.name, rate: s.opsPerSec!, role: s.reference ? 'scenario' : 'reference or standalone' }));
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Throughput (median over runs)', anchor: 'start' },
    width: 560,
    height: { step: 16 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'scenario', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
      x: { field: 'rate', type: 'quantitative', title: 'operations per second (log)', scale: { type: 'log' } },
      x2: { datum: 1 }, // bars on a log axis start at 1 op/s, not 0
      color: { field: 'role', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 300 } },
      tooltip: [{ field: 'scenario' }, { field: 'rate', format: ',.0f' }],
    },
  };
}

/** Render a Vega-Lite spec to an SVG string, in Node, without a browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
