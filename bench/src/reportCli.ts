#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initHistograms } from './harness/Histograms.js';
import type { BenchReport } from './harness/Report.js';
import { writeReportFolder } from './report/ReportFolder.js';

const USAGE = `Usage: pnpm bench:report [--] <result.json> [--out <dir>]

Renders a stored bench result (the JSON of \`pnpm bench\`) into a report folder: an .hgrm
percentile distribution and the encoded histogram per scenario, summary.md, plots/*.svg
(drawn by Vega without a browser) and report.html. Default folder: beside the JSON, named
after it.
`;

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--');
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return args.length === 0 ? 2 : 0;
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const input = resolve(cwd, args[0]);
  const at = args.indexOf('--out');
  const out = at >= 0 && args[at + 1] !== undefined ? resolve(cwd, args[at + 1]) : input.replace(/\.json$/, '');
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(input, 'utf8')) as BenchReport;
    if (report.tool !== 'ringroute-bench' || !Array.isArray(report.scenarios)) throw new Error('not a ringroute bench result');
  } catch (e) {
    process.stderr.write(`cannot read ${input}: ${(e as Error).message}\n`);
    return 2;
  }
  await initHistograms();
  const files = await writeReportFolder(report, out);
  process.stdout.write(`${files.length} files in ${out} (report.html, summary.md, result.json, histograms/, plots/)\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:report failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
