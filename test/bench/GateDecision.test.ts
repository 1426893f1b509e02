import { beforeAll, describe, expect, it } from 'vitest';
import { decide, decideAgainstBaseline } from '../../bench/dist/gate/Decision.js';
import { parseGateArgs } from '../../bench/dist/gate/GateArgs.js';
import { encodeHistogram, initHistograms, newHistogram } from '../../bench/dist/harness/Histograms.js';

/** A latency distribution: 98% around `p50`, a 2% tail out to 4x, all scaled by `factor`. */
type Histogram = ReturnType<typeof newHistogram>;

function run(factor: number, seed: number, p50 = 10_000): Histogram {
  const h = newHistogram();
  let x = seed;
  const random = () => ((x = (Math.imul(x, 1_103_515_245) + 12_345) | 0) >>> 0) / 2 ** 32;
  for (let i = 0; i < 5_000; i++) {
    const base = random() < 0.98 ? p50 * (0.9 + 0.2 * random()) : p50 * (1 + 3 * random());
    h.recordValue(Math.round(base * factor));
  }
  return h;
}
const runs = (factor: number, from: number) => Array.from({ length: 10 }, (_, i) => run(factor, from + i));
const T = { threshold: 1.1, warn: 1.05, percentile: 99, alpha: 0.01 };

describe('gate decision', () => {
  beforeAll(() => initHistograms());

  it('passes identical code (A/A) and flags a 15% slowdown, a 7% one only as a warning', () => {
    expect(decide('s', runs(1, 1), runs(1, 100), T, null).verdict).toBe('pass');
    const slow = decide('s', runs(1, 1), runs(1.15, 100), T, null);
    expect(slow.verdict).toBe('regression');
    expect(slow.mergedRatio).toBeGreaterThan(1.1);
    expect(slow.medianPairRatio).toBeGreaterThan(1.1);
    expect(slow.pairRatios).toHaveLength(10);
    expect(decide('s', runs(1, 1), runs(1.07, 100), T, null).verdict).toBe('warning');
  });

  it('needs both the merged ratio and the median of the pairs: one wild pair is a warning, not a regression', () => {
    const candidate = runs(1, 100);
    const wild = newHistogram();
    for (let i = 0; i < 5_000; i++) wild.recordValue(i < 4_500 ? 10_000 : 500_000); // 10% at 50x: one bad process
    candidate[3] = wild;
    const d = decide('s', runs(1, 1), candidate, T, null);
    expect(d.mergedRatio).toBeGreaterThan(1.1);
    expect(d.medianPairRatio).toBeLessThan(1.1);
    expect(d.verdict).toBe('warning');
  });

  it('ratios above the threshold that the pairs do not agree on are a warning: seven pairs 40% slower, three 25% faster', () => {
    const base = runs(1, 1);
    const candidate = Array.from({ length: 10 }, (_, i) => run(i < 7 ? 1.4 : 0.75, 100 + i));
    const d = decide('s', base, candidate, T, null);
    expect(d.mergedRatio).toBeGreaterThan(1.1);
    expect(d.medianPairRatio).toBeGreaterThan(1.1);
    expect(d.pValue).toBeGreaterThan(0.01);
    expect(d.verdict).toBe('warning');
    // The same pairs all slower: p = 1/1024, a regression.
    const all = decide('s', base, Array.from({ length: 10 }, (_, i) => run(1.3, 100 + i)), T, null);
    expect(all.pValue).toBeCloseTo(1 / 1024, 10);
    expect(all.verdict).toBe('regression');
  });

  it('an override committed with the change accepts a slowdown up to its ratio, and no more', () => {
    const override = { scenario: 's', maxRatio: 1.3, reason: 'adds a check on the hot path' };
    expect(decide('s', runs(1, 1), runs(1.15, 100), T, override).verdict).toBe('accepted');
    expect(decide('s', runs(1, 1), runs(1.6, 100), T, override).verdict).toBe('regression');
  });

  it('against a stored baseline, normalises by the floor reference from the same run: a slower machine is not a regression', () => {
    const stored = {
      tool: 'ringroute-bench',
      scenarios: [
        { name: 's', histogram: encodeHistogram(run(1, 1)) },
        { name: 'floor', histogram: encodeHistogram(run(1, 2, 1_000)) },
      ],
    } as never;
    const slowerMachine = decideAgainstBaseline('s', 'floor', stored, runs(2, 100), Array.from({ length: 10 }, (_, i) => run(2, 200 + i, 1_000)), { ...T, threshold: 1.25, warn: 1.15 }, null);
    expect(slowerMachine.normalisedBy).toBe('floor');
    expect(slowerMachine.verdict).toBe('pass');
    const slowerCode = decideAgainstBaseline('s', 'floor', stored, runs(1.5, 100), Array.from({ length: 10 }, (_, i) => run(1, 200 + i, 1_000)), { ...T, threshold: 1.25, warn: 1.15 }, null);
    expect(slowerCode.verdict).toBe('regression');
  });
});

describe('gate arguments', () => {
  it('defaults: the round-trip scenarios, 20 pairs, alpha 0.01, 1.10 against a base and 1.25 against a stored baseline', () => {
    expect(parseGateArgs(['--base', 'HEAD~1'])).toMatchObject({
      base: 'HEAD~1',
      pairs: 20,
      threshold: 1.1,
      warn: 1.05,
      percentile: 99,
      alpha: 0.01,
      warmupMs: 250,
      filters: ['router.order.rtt.backoff', 'router.order.rtt.busy-spin', 'router.ring.rtt.busy-spin', 'router.order.openloop.20k.shared'],
    });
    expect(parseGateArgs(['--replay', 'bench-results/gate'])).toMatchObject({ replay: 'bench-results/gate', filters: [] });
    expect(parseGateArgs(['--', '--baseline', 'b.json'])).toMatchObject({ threshold: 1.25, warn: 1.15 });
    expect(parseGateArgs(['--base', 'x', '--candidate-env', 'A=1=2', '--threshold', '1.2'])).toMatchObject({ candidateEnv: { A: '1=2' }, threshold: 1.2 });
  });

  it('refuses contradictions and bad values', () => {
    expect(() => parseGateArgs([])).toThrow(/exactly one of --base/);
    expect(() => parseGateArgs(['--base', 'a', '--baseline', 'b'])).toThrow(/exactly one of --base/);
    expect(() => parseGateArgs(['--base', 'a', '--threshold', '0.9'])).toThrow(/ratio above 1/);
    expect(() => parseGateArgs(['--base', 'a', '--warn', '1.3', '--threshold', '1.2'])).toThrow(/--warn/);
    expect(() => parseGateArgs(['--base', 'a', '--pairs', '0'])).toThrow(/--pairs/);
    expect(() => parseGateArgs(['--base', 'a', '--candidate-env', 'NOEQUALS'])).toThrow(/KEY=VALUE/);
    expect(() => parseGateArgs(['--base', 'a', '--replay', 'dir'])).toThrow(/exactly one of/);
    expect(() => parseGateArgs(['--replay', 'dir', '--instructions'])).toThrow(/--instructions/);
    expect(() => parseGateArgs(['--base', 'a', '--alpha', '0'])).toThrow(/--alpha/);
    expect(() => parseGateArgs(['--base', 'a', '--alpha', '1.5'])).toThrow(/--alpha/);
    expect(() => parseGateArgs(['--base', 'a', '--warmup-ms', '-5'])).toThrow(/--warmup-ms/);
  });
});
