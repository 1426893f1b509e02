import { cpus } from 'node:os';
import { pairedRatio, type ScenarioResult } from './Runner.js';

/** The machine-readable result of one `pnpm bench` run. */
export interface BenchReport {
  tool: 'ringroute-bench';
  version: 1;
  node: string;
  cpus: number;
  cpuModel: string;
  startedAt: string;
  finishedAt: string;
  argv: string[];
  scenarios: ScenarioResult[];
}

export function buildReport(scenarios: ScenarioResult[], startedAt: Date, argv: string[]): BenchReport {
  const cpuList = cpus();
  return {
    tool: 'ringroute-bench',
    version: 1,
    node: process.version,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    argv,
    scenarios,
  };
}

/** Human units for nanoseconds: "23 ns", "14.2 µs", "1.31 ms". */
export function formatNs(ns: number | null): string {
  if (ns === null) return '-';
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function formatRate(perSec: number | null): string {
  if (perSec === null) return '-';
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)} /s`;
}

/**
 * The terminal table: merged percentiles, median ops/s over runs, heap bytes per op,
 * and each scenario against its reference (ratio of median p50s; for rates, ours/theirs).
 */
export function renderTable(report: BenchReport): string {
  const byName = new Map(report.scenarios.map((s) => [s.name, s]));
  const header = ['scenario', 'p50', 'p90', 'p99', 'p99.9', 'max', 'count', 'ops/s', 'B/op', 'GCs', 'vs reference'];
  const rows = report.scenarios.map((s) => {
    const ref = s.reference ? byName.get(s.reference) : undefined;
    let versus = '';
    if (ref) {
      const parts: string[] = [];
      const p50 = pairedRatio(s, ref, 'p50');
      const rate = pairedRatio(s, ref, 'opsPerSec');
      if (p50 !== null) parts.push(`p50 ${p50.toFixed(2)}x`);
      if (rate !== null) parts.push(`rate ${rate.toFixed(2)}x`);
      versus = `${parts.join(', ')} of ${ref.name}`;
    }
    return [
      s.name,
      formatNs(s.p50),
      formatNs(s.p90),
      formatNs(s.p99),
      formatNs(s.p999),
      formatNs(s.max),
      String(s.count),
      formatRate(s.opsPerSec),
      s.heapBytesPerOp === null ? '-' : s.heapBytesPerOp.toFixed(s.heapBytesPerOp < 10 ? 3 : 0),
      s.gcCount === null ? '-' : String(s.gcCount),
      versus,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const runs = new Set(report.scenarios.map((s) => s.runs));
  out.push('');
  out.push(
    `${report.scenarios.length} scenarios, ${[...runs].join('/')} run(s) each, node ${report.node}, ${report.cpus} x ${report.cpuModel}.`,
    'Percentiles: merged histograms of all runs. ops/s: median over runs. Ratios: median of per-run ratios (each pair measured back to back). Sub-µs scenarios record per-op means of batches (opsPerSample in the JSON).',
  );
  const targets = report.scenarios.flatMap((s) => s.targets.map((t) => ({ s, t })));
  if (targets.length > 0) {
    out.push('', 'Targets (informational):');
    for (const { s, t } of targets) {
      const mark = t.pass === null ? '?' : t.pass ? 'ok  ' : 'MISS';
      const actual =
        t.actual === null
          ? 'n/a'
          : t.metric === 'p50' || t.metric === 'p99'
            ? formatNs(t.actual)
            : t.metric === 'opsPerSec'
              ? formatRate(t.actual)
              : `${t.actual}${t.metric.endsWith('Ratio') || t.metric === 'speedupVsReference' ? 'x' : ''}`;
      out.push(`  ${mark} ${s.name}: ${t.label} (measured ${actual})`);
    }
  }
  return out.join('\n');
}
