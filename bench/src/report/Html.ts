import { formatNs, formatRate, type BenchReport } from '../harness/Report.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One self-contained HTML page: the table, one percentile plot per scenario (beside its
 * reference) and the throughput bars. The plots are inline SVG rendered by Vega at report
 * time, so the page needs no script and no network to display.
 */
export function renderHtml(report: BenchReport, plots: readonly { title: string; svg: string }[], throughputSvg: string | null): string {
  const rows = report.scenarios
    .map(
      (s) =>
        `<tr><td><code>${escape(s.name)}</code></td><td>${formatNs(s.p50)}</td><td>${formatNs(s.p90)}</td><td>${formatNs(s.p99)}</td><td>${formatNs(s.p999)}</td><td>${formatNs(s.max)}</td><td>${s.count}</td><td>${formatRate(s.opsPerSec)}</td><td>${s.reference ? `<code>${escape(s.reference)}</code>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ringroute bench ${escape(report.startedAt)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child, td:last-child, th:last-child { text-align: left; }
figure { margin: 1.5rem 0; }
.how { color: #555; max-width: 50rem; }
</style>
</head>
<body>
<h1>ringroute bench</h1>
<p>${report.scenarios.length} scenarios, ${report.scenarios[0]?.runs ?? 0} run(s) each; node ${escape(report.node)}, ${report.cpus} × ${escape(report.cpuModel)}; ${escape(report.startedAt)}.</p>
<table>
<tr><th>scenario</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>count</th><th>ops/s</th><th>reference</th></tr>
${rows}
</table>
<p class="how">How to read the plots: the horizontal axis is the percentile on a log scale of 1/(1&minus;p), so each step to the right is one more nine (90%, 99%, 99.9%, ...); the vertical axis is the latency at that percentile, also logarithmic. A curve that stays flat has a tight tail; a curve that bends up late shows rare stalls. Each scenario is drawn beside its reference, measured in the same runs: compare their shapes, not absolute heights across different days. Percentiles come from the merged histograms of all runs.</p>
${plots.map((p) => `<figure>${p.svg}</figure>`).join('\n')}
${throughputSvg === null ? '' : `<h2>Throughput</h2>\n<figure>${throughputSvg}</figure>`}
</body>
</html>
`;
}
