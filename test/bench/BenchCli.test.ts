import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { matchesFilter, parseArgs, UsageError } from '../../bench/dist/harness/Args.js';
import { decodeHistogram, encodeHistogram, initHistograms, mergeHistograms, newHistogram, percentilesOf } from '../../bench/dist/harness/Histograms.js';
import { median, warmUp } from '../../bench/dist/harness/measure.js';

const run = promisify(execFile);
const CLI = new URL('../../bench/dist/cli.js', import.meta.url).pathname;
const REPORT = new URL('../../bench/dist/reportCli.js', import.meta.url).pathname;

describe('bench arguments', () => {
  it('accepts options with or without a literal -- in front', () => {
    const expected = { filters: ['core.pool'], jsonPath: 'out.json', outDir: 'o', exact: false, noReport: false, quick: true, runs: 5, warmupMs: 250, list: false, help: false };
    expect(parseArgs(['--filter', 'core.pool', '--json', 'out.json', '--out', 'o', '--quick', '--runs', '5'])).toEqual(expected);
    expect(parseArgs(['--', '--filter', 'core.pool', '--json=out.json', '--out=o', '--quick', '--runs=5'])).toEqual(expected);
    expect(parseArgs([])).toMatchObject({ jsonPath: null, outDir: 'bench-results/latest' });
  });

  it('refuses unknown options, missing values and bad run counts', () => {
    expect(() => parseArgs(['--fast'])).toThrow(UsageError);
    expect(() => parseArgs(['--filter'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--runs', '0'])).toThrow(/--runs/);
    expect(() => parseArgs(['--runs', 'x'])).toThrow(/--runs/);
    expect(parseArgs(['--warmup-ms', '0']).warmupMs).toBe(0);
    expect(() => parseArgs(['--warmup-ms', '-1'])).toThrow(/--warmup-ms/);
    expect(() => parseArgs(['--warmup-ms', '1.5'])).toThrow(/--warmup-ms/);
  });

  it('filters by substring or glob', () => {
    expect(matchesFilter('core.pool.alloc-free', [])).toBe(true);
    expect(matchesFilter('core.pool.alloc-free', ['pool'])).toBe(true);
    expect(matchesFilter('core.pool.alloc-free', ['core.*.alloc-free'])).toBe(true);
    expect(matchesFilter('core.pool.alloc-free', ['core.order*'])).toBe(false);
  });
});

describe('bench warm-up', () => {
  it('runs the operation for the time asked even when the count is reached at once', () => {
    const seen: number[] = [];
    const begin = performance.now();
    const n = warmUp(30, 5, (i: number) => seen.push(i));
    expect(performance.now() - begin).toBeGreaterThanOrEqual(30);
    expect(n).toBe(seen.length);
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]); // consecutive indexes from 0
  });

  it('runs at least the count asked even with no time, and nothing when both are zero', () => {
    let calls = 0;
    expect(warmUp(0, 1_000, () => calls++)).toBe(1_000);
    expect(calls).toBe(1_000);
    expect(warmUp(0, 0, () => calls++)).toBe(0);
  });
});

describe('bench histograms', () => {
  it('merges histograms instead of averaging percentiles, and round-trips the encoding', async () => {
    await initHistograms();
    const fast = newHistogram();
    const slow = newHistogram();
    for (let i = 0; i < 900; i++) fast.recordValue(100);
    for (let i = 0; i < 100; i++) slow.recordValue(10_000);
    const merged = mergeHistograms([fast, slow]);
    const p = percentilesOf(merged);
    expect(p.count).toBe(1000);
    expect(p.p50).toBe(100);
    expect(p.p99).toBeGreaterThan(9_900); // an average of the two p99s would say ~5,000
    // Decoding keeps counts and percentiles; `max` comes back as its bucket's highest
    // equivalent value, so it is equal only to the histogram's 3 significant digits.
    const { max, ...rest } = percentilesOf(decodeHistogram(encodeHistogram(merged)));
    const { max: originalMax, ...originalRest } = p;
    expect(rest).toEqual(originalRest);
    expect(Math.abs(max - originalMax) / originalMax).toBeLessThan(0.001);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('bench command', () => {
  it('runs a filtered scenario with its reference and writes the report folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-bench-'));
    const json = join(dir, 'result.json');
    const { stdout } = await run(process.execPath, ['--expose-gc', CLI, '--', '--filter', 'core.layout.int64-pair', '--quick', '--runs', '2', '--out', dir]);
    expect(stdout).toMatch(/core\.layout\.int64-pair .* of core\.layout\.int53-f64/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ tool: 'ringroute-bench', version: 1, node: process.version });
    expect(report.cpus).toBeGreaterThan(0);
    expect(Date.parse(report.startedAt)).not.toBeNaN();
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(['core.layout.int53-f64', 'core.layout.int64-pair']);
    for (const s of report.scenarios) {
      for (const key of ['name', 'unit', 'runs', 'count', 'p50', 'p90', 'p99', 'p999', 'max', 'mean', 'opsPerSec', 'reference', 'heapBytesPerOp', 'histogram']) {
        expect(s, key).toHaveProperty(key);
      }
      expect(s.unit).toBe('ns');
      expect(s.runs).toBe(2);
      expect(s.p50).toBeLessThanOrEqual(s.p90);
      expect(s.p90).toBeLessThanOrEqual(s.p99);
      expect(s.p99).toBeLessThanOrEqual(s.max);
      expect(s.histogram).toMatch(/^HISTFAAA/);
      expect(s.perRun).toHaveLength(2);
    }
    expect(report.scenarios[1].reference).toBe('core.layout.int53-f64');
    // The rest of the folder: distributions, encoded histograms, plots, Markdown, HTML.
    for (const name of ['core.layout.int53-f64', 'core.layout.int64-pair']) {
      const hgrm = readFileSync(join(dir, 'histograms', `${name}.hgrm`), 'utf8');
      expect(hgrm).toMatch(/Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
      expect(hgrm).toMatch(/#\[Max\s*=/);
      expect(readFileSync(join(dir, 'histograms', `${name}.hdr`), 'utf8').trim()).toBe(report.scenarios.find((s: { name: string }) => s.name === name).histogram);
    }
    const plot = readFileSync(join(dir, 'plots', 'core.layout.int64-pair.svg'), 'utf8');
    expect(plot).toMatch(/^<svg/);
    expect(plot).toContain('99.9%'); // the log 1/(1-p) axis is labelled in nines
    expect(plot).toContain('core.layout.int53-f64'); // the reference is drawn beside it
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| `core\.layout\.int64-pair` \|.*of `core\.layout\.int53-f64` \|/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(3); // a percentile plot per scenario, and the throughput bars
    expect(html).toContain('How to read the plots');
  });

  it('renders a stored result again (bench:report), and refuses a file that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-report-'));
    const source = new URL('../../bench/results/gateways-issue-6.json', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, [REPORT, source, '--out', dir]);
    expect(stdout).toMatch(/files in/);
    expect(readFileSync(join(dir, 'plots', 'gateways.ws.rtt.msgpackr.svg'), 'utf8')).toContain('gateways.ws.rtt.json');
    expect(readFileSync(join(dir, 'plots', 'throughput.svg'), 'utf8')).toContain('gateways.ws.throughput.msgpackr');
    await expect(run(process.execPath, [REPORT, new URL('../../package.json', import.meta.url).pathname])).rejects.toMatchObject({ code: 2 });
  });

  it('exits 2 with the usage on a bad option or a filter that matches nothing', async () => {
    await expect(run(process.execPath, [CLI, '--bogus'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage') });
    await expect(run(process.execPath, [CLI, '--filter', 'no.such.scenario'])).rejects.toMatchObject({ code: 2 });
  });
});
