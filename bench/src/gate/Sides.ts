import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from '../harness/Report.js';

/** Something the gate could not measure (exit code 2). */
export class CannotMeasure extends Error {}

/** A built tree whose benchmarks the gate runs: the candidate (this tree) or the base (a worktree). */
export interface Side {
  label: 'base' | 'candidate';
  /** Root of the tree; its benchmarks are `bench/dist/cli.js`. */
  root: string;
  env: Record<string, string>;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new CannotMeasure(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

/**
 * Check out `ref` in a git worktree beside this tree (in the temp folder, reused while it
 * holds the same commit) and build it: install from the lockfile (offline when the store
 * has everything) and `tsc -b`. Throws CannotMeasure when the ref is unknown or the build fails.
 */
export function prepareBase(repoRoot: string, ref: string, log: (line: string) => void): { root: string; commit: string } {
  const commit = git(repoRoot, ['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = join(tmpdir(), `ringroute-gate-${commit.slice(0, 12)}`);
  const marker = join(dir, '.gate-built');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === commit) {
    log(`base ${ref} (${commit.slice(0, 12)}) already built in ${dir}`);
    return { root: dir, commit };
  }
  if (existsSync(dir)) {
    try {
      git(repoRoot, ['worktree', 'remove', '--force', dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  git(repoRoot, ['worktree', 'prune']);
  log(`checking out ${ref} (${commit.slice(0, 12)}) in ${dir}`);
  git(repoRoot, ['worktree', 'add', '--detach', dir, commit]);
  const run = (command: string, args: string[]) => {
    try {
      execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    } catch (e) {
      const out = `${(e as { stdout?: Buffer }).stdout ?? ''}${(e as { stderr?: Buffer }).stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
      throw new CannotMeasure(`building the base (${command} ${args.join(' ')}) failed:\n${out}`);
    }
  };
  log('installing the base from its lockfile ...');
  run('npx', ['-y', 'pnpm@10', 'install', '--frozen-lockfile', '--prefer-offline']);
  log('building the base ...');
  run(join(dir, 'node_modules', '.bin', 'tsc'), ['-b']);
  writeFileSync(marker, commit);
  return { root: dir, commit };
}

/** A side as the gate runs it: which options its bench takes (see `supportsGateRuns`). */
export type GateSide = Side & { modern: boolean; warmupOption: boolean };

/** Scenario names and references a built tree offers (`pnpm bench --list`). */
export function listScenarios(side: Side): Map<string, string | null> {
  const out = execFileSync(process.execPath, [join(side.root, 'bench', 'dist', 'cli.js'), '--list'], { encoding: 'utf8', env: { ...process.env, ...side.env } });
  const scenarios = new Map<string, string | null>();
  for (const line of out.split('\n')) {
    const m = /^(\S+)(?:\s+\(reference: (\S+)\))?$/.exec(line.trim());
    if (m) scenarios.set(m[1], m[2] ?? null);
  }
  return scenarios;
}

/**
 * Does this tree's bench take `--exact` and `--no-report`? A base older than the gate does
 * not: it is then run with substring filters (its references come along by themselves)
 * and its report folder goes to a scratch directory. A base older than `--warmup-ms` warms
 * up by count only (its runs are then noisier than the candidate's: compare from the next
 * change on).
 */
export function supportsGateRuns(side: Side): { modern: boolean; warmupOption: boolean } {
  const help = execFileSync(process.execPath, [join(side.root, 'bench', 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
  return { modern: help.includes('--exact') && help.includes('--no-report'), warmupOption: help.includes('--warmup-ms') };
}

/** Run `scenarios` once in a fresh process of `side`; resolves with its result. */
export function measureOnce(side: GateSide, scenarios: readonly string[], quick: boolean, warmupMs: number): Promise<BenchReport> {
  const out = mkdtempSync(join(tmpdir(), `rr-gate-${side.label}-`));
  const cli = join(side.root, 'bench', 'dist', 'cli.js');
  const filters = scenarios.flatMap((s) => ['--filter', s]);
  const args = side.modern
    ? ['--expose-gc', cli, '--exact', ...filters, '--runs', '1', '--json', join(out, 'result.json'), '--no-report']
    : ['--expose-gc', cli, ...filters, '--runs', '1', '--json', join(out, 'result.json')];
  if (quick) args.push('--quick');
  if (side.warmupOption) args.push('--warmup-ms', String(warmupMs));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: side.root, env: { ...process.env, ...side.env, INIT_CWD: side.root }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
    child.on('error', (e) => reject(new CannotMeasure(`${side.label}: ${e.message}`)));
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new CannotMeasure(`${side.label} benchmark process exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      try {
        const report = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as BenchReport;
        rmSync(out, { recursive: true, force: true });
        resolve(report);
      } catch (e) {
        reject(new CannotMeasure(`${side.label}: no result (${(e as Error).message})`));
      }
    });
  });
}
