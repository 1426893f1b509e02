import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const GATE = new URL('../../bench/dist/gateCli.js', import.meta.url).pathname;
const BENCH = new URL('../../bench/dist/cli.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = { ...process.env, RINGROUTE_BENCH_FIXTURES: '1' };

/** valgrind is a Debian package; .ci/run installs it, and CI must have it (a developer machine may not). */
function valgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('valgrind is missing: .ci/run installs it with apt-get');
    return false;
  }
}

/** Run the gate; resolves with its exit code, stdout and the gate.json it wrote. */
async function gate(args: string[], env: NodeJS.ProcessEnv = process.env, out = mkdtempSync(join(tmpdir(), 'rr-gate-test-'))) {
  const result = await run(process.execPath, [GATE, ...args, '--out', out], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  const json = JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8'));
  const markdown = readFileSync(join(out, 'gate.md'), 'utf8');
  return { ...result, json, markdown, out };
}

describe('bench:gate (real processes)', () => {
  it('exits 2 with the usage on bad arguments, and 2 with the reason when the base cannot be built', async () => {
    await expect(run(process.execPath, [GATE, '--pairs', '3'], { cwd: ROOT })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: pnpm bench:gate') });
    const unknown = await gate(['--base', 'no-such-ref-anywhere', '--pairs', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/could not measure: git rev-parse/);
    expect(unknown.markdown).toMatch(/could not measure/);
  });

  it('an A/A comparison of the same build passes and reports every ratio', async () => {
    const r = await gate(['--base-dir', '.', '--filter', 'fixture.gate.work-rtt', '--pairs', '3', '--quick', '--warmup-ms', '20', '--threshold', '3', '--warn', '3'], FIXTURES);
    expect(r.code).toBe(0);
    const [d] = r.json.decisions;
    expect(d.scenario).toBe('fixture.gate.work-rtt');
    expect(d.pairRatios).toHaveLength(3);
    expect(d.verdict).toBe('pass');
    expect(r.stdout).toMatch(/gate: PASS \(exit 0\)/);
    expect(r.markdown).toMatch(/\| `fixture\.gate\.work-rtt` \|/);
    // Every process's result is kept; a second gate into the same folder replaces them.
    expect(readdirSync(join(r.out, 'runs')).sort()).toEqual(['measuring-01-base.json', 'measuring-01-candidate.json', 'measuring-02-base.json', 'measuring-02-candidate.json', 'measuring-03-base.json', 'measuring-03-candidate.json']);
    const again = await gate(['--base-dir', '.', '--filter', 'fixture.gate.work-rtt', '--pairs', '1', '--quick', '--warmup-ms', '20', '--threshold', '3', '--warn', '3'], FIXTURES, r.out);
    expect(again.code).toBe(0);
    expect(readdirSync(join(r.out, 'runs')).sort()).toEqual(['measuring-01-base.json', 'measuring-01-candidate.json']);
  }, 120_000);

  it('fails a candidate whose hot path is three times slower (confirmed by a re-run), unless an override committed with it accepts that', async () => {
    // Gated at p50: this test is about the gate's mechanics (confirmation, overrides, exit
    // codes), and on a shared VM a p99 of 300 samples is the machine's, not the code's.
    // The default warm-up stays: three pairs must all agree, and a fresh process's first
    // ~200 ms are noisy enough to flip one (seen in CI with a 20 ms warm-up).
    // Four pairs all slower give a signed-rank p of 1/16, and 2/16 when one process was
    // slowed by the machine (seen: a base process at 3x its usual p50 for its whole life):
    // significant only with alpha raised, either way.
    const slow = ['--base-dir', '.', '--filter', 'fixture.gate.work-rtt', '--pairs', '4', '--quick', '--percentile', '50', '--alpha', '0.2', '--candidate-env', 'RINGROUTE_GATE_SLOWDOWN=2'];
    const r = await gate(slow, FIXTURES);
    expect(r.code).toBe(1);
    expect(r.json.decisions[0].verdict).toBe('regression');
    expect(r.json.decisions[0].pValue).toBeLessThanOrEqual(0.125);
    expect(r.json.confirmations[0].verdict).toBe('regression');
    expect(r.stdout).toMatch(/REGRESSION \(confirmed/);
    // The kept runs, replayed: the same ratios; at the default alpha four pairs are not enough.
    const replayed = await gate(['--replay', r.out, '--percentile', '50']);
    expect(replayed.json.mode).toBe('replay');
    expect(replayed.json.decisions[0].pairRatios).toEqual(r.json.decisions[0].pairRatios);
    expect(replayed.json.decisions[0].verdict).toBe('warning');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/not significant: p = 0\.(063|125) > 0\.01/);
    const again = await gate(['--replay', r.out, '--percentile', '50', '--alpha', '0.2']);
    expect(again.code).toBe(1);
    expect(again.json.confirmations[0].verdict).toBe('regression');
    const overrides = join(mkdtempSync(join(tmpdir(), 'rr-gate-ovr-')), 'overrides.json');
    writeFileSync(overrides, JSON.stringify({ overrides: [{ scenario: 'fixture.gate.work-rtt', maxRatio: 10, reason: 'three times the work, on purpose' }] }));
    // The override is read by a replay as by a measuring run: no new processes needed.
    const accepted = await gate(['--replay', r.out, '--percentile', '50', '--alpha', '0.2', '--overrides', overrides]);
    expect(accepted.code).toBe(0);
    expect(accepted.json.decisions[0].verdict).toBe('accepted');
    expect(accepted.stdout).toMatch(/accepted by override \(≤ 10\): three times the work, on purpose/);
  }, 180_000);

  it('compares with a stored result, each side divided by its floor reference from the same run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-gate-base-'));
    const stored = join(dir, 'stored.json');
    await run(process.execPath, ['--expose-gc', BENCH, '--filter', 'fixture.gate.work-rtt', '--runs', '1', '--quick', '--json', stored, '--no-report'], { cwd: ROOT, env: FIXTURES });
    const r = await gate(['--baseline', stored, '--filter', 'fixture.gate.work-rtt', '--pairs', '2', '--quick', '--warmup-ms', '20', '--threshold', '3', '--warn', '3'], FIXTURES);
    expect(r.code).toBe(0);
    expect(r.json.mode).toBe('baseline');
    expect(r.json.decisions[0].normalisedBy).toBe('floor.sab.wait');
  }, 120_000);

  it.skipIf(!valgrind())('the instruction tier alone (no timed runs) counts a hot path precisely: a 15% longer hot path fails at 1.15', async () => {
    // One gate, base against a candidate doing 15% more work per operation. The ratio is
    // pinned to 1.15 within about 1%: a count that varied between runs could not be (the
    // A/A spread measured when the tier was built was 0.03%).
    const r = await gate(['--base-dir', '.', '--instructions-only', '--hot-path', 'fixture.work', '--candidate-env', 'RINGROUTE_GATE_SLOWDOWN=0.15'], FIXTURES);
    expect(r.code).toBe(1);
    expect(r.json.decisions).toEqual([]); // nothing timed
    const [d] = r.json.instructions;
    expect(d.path).toBe('fixture.work');
    expect(d.verdict).toBe('regression');
    expect(d.ratio).toBeGreaterThan(1.13);
    expect(d.ratio).toBeLessThan(1.16);
    expect(r.stdout).toMatch(/fixture\.work\s+[\d.]+\s+[\d.]+\s+1\.1\d+×\s+REGRESSION/);
  }, 240_000);
});
