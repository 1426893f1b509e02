#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { matchesFilter } from './harness/Args.js';
import { initHistograms } from './harness/Histograms.js';
import type { BenchReport } from './harness/Report.js';
import { decide, decideAgainstBaseline, histogramsOf, type Override, type ScenarioDecision, type Thresholds } from './gate/Decision.js';
import { GATE_USAGE, GateUsageError, parseGateArgs, type GateArgs } from './gate/GateArgs.js';
import { renderGateMarkdown, renderGateText, type GateOutcome, type InstructionDecision } from './gate/GateReport.js';
import { bundleHotPaths, hotPathModule, instructionsPerOp, listHotPaths, valgrindAvailable } from './instructions/InstructionCounts.js';
import { loadStoredRuns, runFileName, storedScenarios, type StoredRound } from './gate/Replay.js';
import { CannotMeasure, listScenarios, measureOnce, prepareBase, supportsGateRuns, type GateSide, type Side } from './gate/Sides.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function loadOverrides(path: string): Override[] {
  if (!existsSync(path)) return [];
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { overrides?: Override[] };
  const list = parsed.overrides ?? [];
  for (const o of list) {
    if (typeof o.scenario !== 'string' || !(o.maxRatio > 1) || typeof o.reason !== 'string' || o.reason.trim() === '') {
      throw new CannotMeasure(`${path}: every override needs a scenario, a maxRatio above 1 and a reason`);
    }
  }
  return list;
}

/** Names selected by the filters (exact names first, else patterns as in `pnpm bench`). */
function select(available: Map<string, string | null>, filters: readonly string[]): string[] {
  const chosen = new Set<string>();
  for (const f of filters) {
    if (available.has(f)) chosen.add(f);
    else for (const name of available.keys()) if (matchesFilter(name, [f])) chosen.add(name);
  }
  if (chosen.size === 0) throw new CannotMeasure(`no scenario matches ${filters.join(', ')}`);
  return [...chosen];
}

/**
 * Every process's own result goes to `<out>/runs/` (its histograms are what the verdict
 * was computed from): the audit trail of a verdict, and the input of `--replay`.
 */
function runsDir(args: GateArgs): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), args.outDir, 'runs');
}

function keepRun(args: GateArgs, round: 'measuring' | 'confirming', pair: number, side: 'base' | 'candidate', report: BenchReport): void {
  mkdirSync(runsDir(args), { recursive: true });
  writeFileSync(join(runsDir(args), runFileName(round, pair, side)), JSON.stringify(report));
}

/** Base and candidate in A B B A order: pair i is (base run i, candidate run i). */
async function measurePairs(base: GateSide, candidate: GateSide, scenarios: string[], args: GateArgs, label: 'measuring' | 'confirming') {
  const a: BenchReport[] = [];
  const b: BenchReport[] = [];
  for (let i = 0; i < args.pairs; i++) {
    const order = i % 2 === 0 ? (['base', 'candidate'] as const) : (['candidate', 'base'] as const);
    for (const side of order) {
      log(`${label} pair ${i + 1}/${args.pairs}: ${side}`);
      const report = await measureOnce(side === 'base' ? base : candidate, scenarios, args.quick, args.warmupMs);
      // A throughput-only scenario has no latency histogram: say so after its first run,
      // not after every pair has been measured.
      for (const name of scenarios) {
        if (report.scenarios.find((x) => x.name === name)?.histogram == null) {
          throw new CannotMeasure(`${name} records no latency histogram (a throughput scenario?): the gate compares percentiles; compare throughput with \`pnpm bench\` runs of both trees`);
        }
      }
      keepRun(args, label, i + 1, side, report);
      (side === 'base' ? a : b).push(report);
    }
  }
  return { a, b };
}

/** An outcome with nothing measured yet. */
function emptyOutcome(args: GateArgs, candidate: string): GateOutcome {
  return {
    mode: args.replay !== null ? 'replay' : args.baseline !== null ? 'baseline' : 'base',
    base: args.baseline ?? args.base ?? args.baseDir ?? args.replay ?? '',
    candidate,
    pairs: args.pairs,
    percentile: args.percentile,
    threshold: args.threshold,
    warn: args.warn,
    alpha: args.alpha,
    decisions: [],
    confirmations: [],
    instructions: null,
    instructionsThreshold: args.instructionsThreshold,
    instructionsNote: null,
    exitCode: 0,
    error: null,
  };
}

/** Exit code 1 when a regression stands: confirmed by the re-run, or with no re-run to ask. */
function settle(outcome: GateOutcome, confirm: boolean): void {
  const instructionRegression = outcome.instructions?.some((d) => d.verdict === 'regression') ?? false;
  const stands = (d: ScenarioDecision) => {
    const c = outcome.confirmations.find((x) => x.scenario === d.scenario);
    return !confirm || c === undefined ? true : c.verdict === 'regression';
  };
  outcome.exitCode = instructionRegression || outcome.decisions.some((d) => d.verdict === 'regression' && stands(d)) ? 1 : 0;
}

/** `--replay`: the decisions again, from the runs an earlier gate kept, with today's thresholds. */
function replay(args: GateArgs, cwd: string, t: Thresholds, overrideOf: (s: string) => Override | null): GateOutcome {
  const dir = resolve(cwd, args.replay!);
  const stored = loadStoredRuns(dir);
  const available = new Map(storedScenarios(stored.measuring).map((s) => [s, null]));
  const gated = args.filters.length > 0 ? select(available, args.filters) : [...available.keys()];
  const outcome = { ...emptyOutcome(args, ''), base: dir, pairs: stored.measuring.a.length };
  const decideAll = (m: StoredRound, names: string[]) => names.map((s) => decide(s, histogramsOf(m.a, s), histogramsOf(m.b, s), t, overrideOf(s)));
  outcome.decisions = decideAll(stored.measuring, gated);
  const regressed = outcome.decisions.filter((d) => d.verdict === 'regression').map((d) => d.scenario);
  const confirming = stored.confirming;
  if (args.confirm && confirming !== null) {
    const again = new Set(storedScenarios(confirming));
    outcome.confirmations = decideAll(confirming, regressed.filter((s) => again.has(s)));
  }
  settle(outcome, args.confirm);
  return outcome;
}

async function run(args: GateArgs, cwd: string): Promise<GateOutcome> {
  const t: Thresholds = { threshold: args.threshold, warn: args.warn, percentile: args.percentile, alpha: args.alpha };
  if (args.replay !== null) {
    const overrides = existsSync(resolve(cwd, args.overrides)) ? loadOverrides(resolve(cwd, args.overrides)) : [];
    return replay(args, cwd, t, (s) => overrides.find((o) => o.scenario === s) ?? null);
  }
  const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' }).trim();
  const overrides = loadOverrides(resolve(repoRoot, args.overrides));
  rmSync(runsDir(args), { recursive: true, force: true }); // an earlier gate's runs must not mix into this one's
  const overrideOf = (s: string) => overrides.find((o) => o.scenario === s) ?? null;
  const candidate: GateSide = { label: 'candidate', root: repoRoot, env: args.candidateEnv, modern: true, warmupOption: true };
  const candidateList = listScenarios(candidate);
  const gated = select(candidateList, args.filters);
  const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
  const outcome = emptyOutcome(args, execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim() + (dirty ? ' + working tree' : ''));

  if (args.baseline !== null) {
    const stored = JSON.parse(readFileSync(resolve(cwd, args.baseline), 'utf8')) as BenchReport;
    if (stored.tool !== 'ringroute-bench') throw new CannotMeasure(`${args.baseline} is not a ringroute bench result`);
    for (const s of gated) if (!stored.scenarios.some((x) => x.name === s)) throw new CannotMeasure(`the baseline has no ${s}`);
    const refs = gated.map((s) => candidateList.get(s) ?? null);
    const toRun = [...new Set([...gated, ...refs.filter((r): r is string => r !== null)])];
    const measure = async (label: 'measuring' | 'confirming') => {
      const reports: BenchReport[] = [];
      for (let i = 0; i < args.pairs; i++) {
        log(`${label} run ${i + 1}/${args.pairs}`);
        const report = await measureOnce(candidate, toRun, args.quick, args.warmupMs);
        keepRun(args, label, i + 1, 'candidate', report);
        reports.push(report);
      }
      return gated.map((s, i) => decideAgainstBaseline(s, refs[i], stored, histogramsOf(reports, s), refs[i] === null ? null : histogramsOf(reports, refs[i]!), t, overrideOf(s)));
    };
    outcome.decisions = await measure('measuring');
    const regressed = outcome.decisions.filter((d) => d.verdict === 'regression');
    if (regressed.length > 0 && args.confirm) outcome.confirmations = (await measure('confirming')).filter((d) => regressed.some((r) => r.scenario === d.scenario));
  } else {
    const baseRoot = args.baseDir !== null ? resolve(cwd, args.baseDir) : prepareBase(repoRoot, args.base!, log).root;
    const baseTree: Side = { label: 'base', root: baseRoot, env: args.baseEnv };
    const base: GateSide = { ...baseTree, ...supportsGateRuns(baseTree) };
    const baseList = listScenarios(base);
    if (!args.instructionsOnly) {
      for (const s of gated) if (!baseList.has(s)) throw new CannotMeasure(`the base has no scenario ${s} (new in this change?); gate it from the next change on`);
      const decideAll = (m: { a: BenchReport[]; b: BenchReport[] }, names: string[]): ScenarioDecision[] =>
        names.map((s) => decide(s, histogramsOf(m.a, s), histogramsOf(m.b, s), t, overrideOf(s)));
      outcome.decisions = decideAll(await measurePairs(base, candidate, gated, args, 'measuring'), gated);
      const regressed = outcome.decisions.filter((d) => d.verdict === 'regression').map((d) => d.scenario);
      if (regressed.length > 0 && args.confirm) outcome.confirmations = decideAll(await measurePairs(base, candidate, regressed, args, 'confirming'), regressed);
    }
    if (args.instructions) await countInstructions(outcome, base, candidate, args, overrides);
  }
  settle(outcome, args.confirm);
  return outcome;
}

/**
 * The deterministic tier: instructions per operation of each single-threaded hot path,
 * base against candidate, under callgrind. One count per side suffices (two identical runs
 * agree within 0.03%). A base without the hot-path module (older than the tier) is noted
 * and skipped; so is a hot path the base does not have.
 */
async function countInstructions(outcome: GateOutcome, base: Side, candidate: Side, args: GateArgs, overrides: Override[]): Promise<void> {
  if (!valgrindAvailable()) throw new CannotMeasure('--instructions needs valgrind (Debian: apt-get install valgrind)');
  outcome.instructions = [];
  const candidateModule = hotPathModule(candidate.root);
  const baseModule = hotPathModule(base.root);
  if (candidateModule === null) throw new CannotMeasure('this tree has no bench/dist/instructions/hotPaths.js (build it first)');
  if (baseModule === null) {
    outcome.instructionsNote = 'The base predates the instruction-count tier: not counted.';
    return;
  }
  const candidatePaths = listHotPaths(candidateModule, candidate.env);
  const basePaths = listHotPaths(baseModule, base.env);
  const wanted = args.hotPaths.length > 0 ? args.hotPaths : Object.keys(candidatePaths);
  const baseBundle = bundleHotPaths(baseModule);
  const candidateBundle = bundleHotPaths(candidateModule);
  const skipped: string[] = [];
  for (const path of wanted) {
    if (candidatePaths[path] === undefined) throw new CannotMeasure(`no hot path ${path} (have: ${Object.keys(candidatePaths).join(', ')})`);
    if (basePaths[path] === undefined) {
      skipped.push(path);
      continue;
    }
    log(`counting instructions: ${path} (base, candidate)`);
    // Both sides at once: a count is the guest's instructions, the same however the host
    // schedules the two valgrind processes, and the tier takes half the wall time.
    const [a, b] = await Promise.all([
      instructionsPerOp(baseBundle, path, candidatePaths[path], base.env),
      instructionsPerOp(candidateBundle, path, candidatePaths[path], candidate.env),
    ]);
    const ratio = b.perOp / a.perOp;
    const override = overrides.find((o) => o.scenario === `instructions:${path}`) ?? null;
    let verdict: InstructionDecision['verdict'] = ratio > args.instructionsThreshold ? 'regression' : 'pass';
    if (verdict === 'regression' && override !== null && ratio <= override.maxRatio) verdict = 'accepted';
    outcome.instructions.push({ path, base: a.perOp, candidate: b.perOp, ratio, verdict, reason: verdict === 'accepted' ? override!.reason : null });
  }
  if (skipped.length > 0) outcome.instructionsNote = `New hot paths not in the base, not compared: ${skipped.join(', ')}.`;
}

async function main(argv: string[]): Promise<number> {
  let args: GateArgs;
  try {
    args = parseGateArgs(argv);
  } catch (e) {
    if (e instanceof GateUsageError) {
      process.stderr.write(`${e.message}\n\n${GATE_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    process.stdout.write(GATE_USAGE);
    return 0;
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  await initHistograms();
  let outcome: GateOutcome;
  try {
    outcome = await run(args, cwd);
  } catch (e) {
    if (!(e instanceof CannotMeasure)) throw e;
    outcome = { ...emptyOutcome(args, ''), exitCode: 2, error: e.message };
  }
  const outDir = resolve(cwd, args.outDir);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'gate.json'), `${JSON.stringify(outcome, null, 2)}\n`);
  const markdown = renderGateMarkdown(outcome);
  writeFileSync(join(outDir, 'gate.md'), markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  process.stdout.write(renderGateText(outcome));
  return outcome.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:gate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
