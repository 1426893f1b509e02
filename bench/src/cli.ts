#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { matchesFilter, parseArgs, USAGE, UsageError } from './harness/Args.js';
import { initHistograms } from './harness/Histograms.js';
import { buildReport, renderTable } from './harness/Report.js';
import { runScenarios } from './harness/Runner.js';
import { writeReportFolder } from './report/ReportFolder.js';
import { allScenarios } from './scenarios/index.js';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const registry = allScenarios();
  if (args.list) {
    for (const s of registry) process.stdout.write(`${s.name}${s.reference ? `  (reference: ${s.reference})` : ''}\n`);
    return 0;
  }
  // Selected scenarios plus their references, in registry order.
  const wanted = new Set(registry.filter((s) => (args.exact ? args.filters.includes(s.name) : matchesFilter(s.name, args.filters))).map((s) => s.name));
  for (const s of registry) {
    if (!wanted.has(s.name) || args.exact) continue;
    if (s.reference) wanted.add(s.reference);
    for (const t of s.targets ?? []) if (t.versus) wanted.add(t.versus);
  }
  const selected = registry.filter((s) => wanted.has(s.name));
  if (selected.length === 0) {
    process.stderr.write(`no scenario matches ${args.filters.join(', ')} (try --list)\n`);
    return 2;
  }

  await initHistograms();
  const startedAt = new Date();
  const tty = process.stderr.isTTY;
  const results = await runScenarios(selected, { runs: args.runs, quick: args.quick, warmupMs: args.warmupMs }, (message) => {
    if (tty) process.stderr.write(`\r\x1b[2K${message}`);
    else process.stderr.write(`${message}\n`);
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  const report = buildReport(results, startedAt, argv);
  process.stdout.write(`${renderTable(report)}\n`);
  const cwd = process.env.INIT_CWD ?? process.cwd();
  if (args.jsonPath !== null) {
    const jsonPath = resolve(cwd, args.jsonPath);
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nJSON result: ${jsonPath}\n`);
  }
  if (args.noReport) return 0;
  const outDir = resolve(cwd, args.outDir);
  await writeReportFolder(report, outDir);
  process.stdout.write(`Report: ${outDir}/report.html (summary.md, result.json, histograms/, plots/)\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
