import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** Instructions per operation of a hot path, counted by callgrind: deterministic, no timing. */
export interface InstructionCount {
  path: string;
  perOp: number;
  operations: number;
}

export function valgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Hot paths a tree offers, with their operation counts (`hotPaths.js --list` prints them as JSON). */
export function listHotPaths(module: string, env: Record<string, string>): Record<string, number> {
  return JSON.parse(execFileSync(process.execPath, [module, '--list'], { encoding: 'utf8', env: { ...process.env, ...env } })) as Record<string, number>;
}

/** The tree's hot-path module (`bench/dist/instructions/hotPaths.js`), or null if it has none (a base older than the tier). */
export function hotPathModule(root: string): string | null {
  const path = join(root, 'bench', 'dist', 'instructions', 'hotPaths.js');
  return existsSync(path) ? path : null;
}

/**
 * Bundle a tree's hot paths into one CommonJS file. Loaded synchronously, it leaves Node
 * no idle time while starting (ES modules load asynchronously, and V8 runs idle tasks
 * then), which is what makes two identical runs count the same: measured within a few
 * hundred instructions of 600 M, against 140 to 290 M apart unbundled.
 */
export function bundleHotPaths(module: string): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'rr-instr-')), 'hotPaths.cjs');
  // The packages name their worker task modules with `new URL(..., import.meta.url)`; a
  // CommonJS bundle has no import.meta, and the hot paths never start a worker.
  buildSync({ entryPoints: [module], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent', define: { 'import.meta.url': '"file:///ringroute-hot-paths.cjs"' } });
  return outfile;
}

/** Total instructions of one run under callgrind (`Collected : N` in its summary). */
function countRun(bundle: string, path: string, operations: number, env: Record<string, string>): Promise<number> {
  // --single-threaded, --predictable: no background compiler or GC threads, no randomness in V8.
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--predictable', bundle, path, String(operations)];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || m === null) reject(new Error(`callgrind on ${path} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(Number(m[1]));
    });
  });
}

/** Instructions per operation: (runs of 2N minus N operations) / N; start-up and warm-up cancel out. */
export async function instructionsPerOp(bundle: string, path: string, operations: number, env: Record<string, string> = {}): Promise<InstructionCount> {
  const once = await countRun(bundle, path, operations, env);
  const twice = await countRun(bundle, path, 2 * operations, env);
  return { path, perOp: (twice - once) / operations, operations };
}
