import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistogram } from '../harness/Histograms.js';
import type { BenchReport } from '../harness/Report.js';
import { renderHtml } from './Html.js';
import { renderMarkdown } from './Markdown.js';
import { percentileSpec, renderSvg, throughputSpec } from './Plots.js';

/** File-system-safe name of a scenario. */
export function fileName(scenario: string): string {
  return scenario.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Write everything one bench run produced into `dir`:
 * - `result.json`: the machine-readable result (the schema of the core issue);
 * - `histograms/<scenario>.hgrm`: the percentile distribution (HdrHistogram's text format, µs);
 * - `histograms/<scenario>.hdr`: the encoded histogram (compressed base64, any HdrHistogram port reads it);
 * - `summary.md`: the Markdown summary; `plots/*.svg`: the charts; `report.html`: all of it in one page.
 * Returns the paths written.
 */
export async function writeReportFolder(report: BenchReport, dir: string): Promise<string[]> {
  const written: string[] = [];
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    written.push(path);
  };
  mkdirSync(join(dir, 'histograms'), { recursive: true });
  mkdirSync(join(dir, 'plots'), { recursive: true });
  write(join(dir, 'result.json'), `${JSON.stringify(report, null, 2)}\n`);
  const byName = new Map(report.scenarios.map((s) => [s.name, s]));
  const plots: { title: string; svg: string; file: string }[] = [];
  for (const s of report.scenarios) {
    if (s.histogram === null) continue;
    const h = decodeHistogram(s.histogram);
    write(join(dir, 'histograms', `${fileName(s.name)}.hgrm`), h.outputPercentileDistribution(5, 1_000));
    write(join(dir, 'histograms', `${fileName(s.name)}.hdr`), `${s.histogram}\n`);
    h.destroy();
    const spec = percentileSpec(s, s.reference ? byName.get(s.reference) : undefined);
    if (spec !== null) {
      const svg = await renderSvg(spec);
      const file = join(dir, 'plots', `${fileName(s.name)}.svg`);
      write(file, svg);
      plots.push({ title: s.name, svg, file });
    }
  }
  const bars = throughputSpec(report.scenarios);
  let throughputSvg: string | null = null;
  if (bars !== null) {
    throughputSvg = await renderSvg(bars);
    write(join(dir, 'plots', 'throughput.svg'), throughputSvg);
  }
  const markdown = renderMarkdown(report);
  write(join(dir, 'summary.md'), markdown);
  write(join(dir, 'report.html'), renderHtml(report, plots, throughputSvg));
  return written;
}
