import { formatNs, formatRate, type BenchReport } from '../harness/Report.js';
import { pairedRatio } from '../harness/Runner.js';

/** The result as a Markdown summary (for CI job summaries and pull requests). */
export function renderMarkdown(report: BenchReport): string {
  const byName = new Map(report.scenarios.map((s) => [s.name, s]));
  const out = [
    `### ringroute bench: ${report.scenarios.length} scenarios, ${report.scenarios[0]?.runs ?? 0} run(s) each`,
    '',
    `node ${report.node}, ${report.cpus} x ${report.cpuModel}, ${report.startedAt}`,
    '',
    '| scenario | p50 | p90 | p99 | p99.9 | max | count | ops/s | vs reference (same runs) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const s of report.scenarios) {
    const ref = s.reference ? byName.get(s.reference) : undefined;
    let versus = '';
    if (ref) {
      const p50 = pairedRatio(s, ref, 'p50');
      const rate = pairedRatio(s, ref, 'opsPerSec');
      versus = [p50 !== null ? `p50 ${p50.toFixed(2)}×` : '', rate !== null ? `rate ${rate.toFixed(2)}×` : ''].filter(Boolean).join(', ') + ` of \`${ref.name}\``;
    }
    out.push(
      `| \`${s.name}\` | ${formatNs(s.p50)} | ${formatNs(s.p90)} | ${formatNs(s.p99)} | ${formatNs(s.p999)} | ${formatNs(s.max)} | ${s.count} | ${formatRate(s.opsPerSec)} | ${versus} |`,
    );
  }
  const targets = report.scenarios.flatMap((s) => s.targets.map((t) => ({ s, t })));
  if (targets.length > 0) {
    out.push('', '| target | measured | |', '|---|---:|---|');
    for (const { s, t } of targets) {
      const actual = t.actual === null ? 'n/a' : t.metric === 'p50' || t.metric === 'p99' ? formatNs(t.actual) : t.metric === 'opsPerSec' ? formatRate(t.actual) : `${t.actual}×`;
      out.push(`| \`${s.name}\`: ${t.label} | ${actual} | ${t.pass === null ? '?' : t.pass ? 'met' : '**missed**'} |`);
    }
  }
  out.push('', 'Percentiles come from the merged histograms of all runs (never averaged); ratios are medians of per-run ratios, each pair measured back to back.');
  return `${out.join('\n')}\n`;
}
