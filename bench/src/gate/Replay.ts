import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from '../harness/Report.js';
import { CannotMeasure } from './Sides.js';

/** One round of stored gate runs: base and candidate reports, pair i at index i. */
export interface StoredRound {
  a: BenchReport[];
  b: BenchReport[];
}

const RUN_FILE = /^(measuring|confirming)-(\d+)-(base|candidate)\.json$/;

/** The file a gate keeps one process's result in: `measuring-07-base.json` (pair 7, 1-based). */
export function runFileName(round: 'measuring' | 'confirming', pair: number, side: 'base' | 'candidate'): string {
  return `${round}-${String(pair).padStart(2, '0')}-${side}.json`;
}

/**
 * The runs a gate kept in `<out>/runs/` (see `keepRun` in gateCli), by round. A pair with
 * a side missing (an interrupted gate) is left out. `--replay` decides again from these,
 * with other thresholds, alpha or percentile and without measuring: the way to calibrate
 * a gate for a machine from one recorded session.
 */
export function loadStoredRuns(outDir: string): { measuring: StoredRound; confirming: StoredRound | null } {
  const dir = join(outDir, 'runs');
  if (!existsSync(dir)) throw new CannotMeasure(`${dir} does not exist: give the --out folder of an earlier gate run`);
  const rounds = new Map<string, Map<number, { base?: BenchReport; candidate?: BenchReport }>>();
  for (const file of readdirSync(dir)) {
    const m = RUN_FILE.exec(file);
    if (m === null) continue;
    const [, round, index, side] = m;
    let report: BenchReport;
    try {
      report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchReport;
    } catch (e) {
      throw new CannotMeasure(`${join(dir, file)}: ${(e as Error).message}`);
    }
    if (report.tool !== 'ringroute-bench') throw new CannotMeasure(`${join(dir, file)} is not a ringroute bench result`);
    const pairs = rounds.get(round) ?? new Map();
    rounds.set(round, pairs);
    const pair = pairs.get(Number(index)) ?? {};
    pair[side as 'base' | 'candidate'] = report;
    pairs.set(Number(index), pair);
  }
  const toRound = (round: string): StoredRound | null => {
    const pairs = rounds.get(round);
    if (pairs === undefined) return null;
    const complete = [...pairs.entries()].filter(([, p]) => p.base !== undefined && p.candidate !== undefined).sort(([x], [y]) => x - y);
    if (complete.length === 0) return null;
    return { a: complete.map(([, p]) => p.base!), b: complete.map(([, p]) => p.candidate!) };
  };
  const measuring = toRound('measuring');
  if (measuring === null) throw new CannotMeasure(`${dir} holds no complete base/candidate pair`);
  return { measuring, confirming: toRound('confirming') };
}

/** Scenario names with a histogram in every stored report of the round. */
export function storedScenarios(round: StoredRound): string[] {
  const names = (r: BenchReport) => new Set(r.scenarios.filter((s) => s.histogram != null).map((s) => s.name));
  const all = [...round.a, ...round.b].map(names);
  return [...all[0]].filter((n) => all.every((s) => s.has(n)));
}
