import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signedRankTest } from '../../bench/dist/gate/SignedRank.js';

/** P(W+ >= observed) by enumerating all 2^n sign patterns (average ranks for ties). */
function bruteForce(d: number[]): number {
  const nz = d.filter((x) => x !== 0);
  const n = nz.length;
  if (n === 0) return 1;
  const abs = nz.map(Math.abs);
  const rank = abs.map((a) => {
    const below = abs.filter((b) => b < a).length;
    const equal = abs.filter((b) => b === a).length;
    return below + (equal + 1) / 2;
  });
  const observed = rank.reduce((s, r, i) => s + (nz[i] > 0 ? r : 0), 0);
  let atLeast = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let w = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) w += rank[i];
    if (w >= observed - 1e-9) atLeast++;
  }
  return atLeast / 2 ** n;
}

describe('signed-rank test', () => {
  it('gives the textbook tails: all ten positive 1/1024, all negative 1, none 1', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => x / 100);
    expect(signedRankTest(ten)).toEqual({ n: 10, wPlus: 55, pValue: 1 / 1024 });
    expect(signedRankTest(ten.map((x) => -x)).pValue).toBe(1);
    expect(signedRankTest([]).pValue).toBe(1);
    expect(signedRankTest([0, 0, 0]).n).toBe(0);
    // two negatives, at ranks 2 and 5: W+ = 55 - 7
    const mixed = [0.01, -0.02, 0.03, 0.04, -0.05, 0.06, 0.07, 0.08, 0.09, 0.1];
    expect(signedRankTest(mixed).wPlus).toBe(48);
  });

  it('matches enumeration of every sign pattern, ties and zeros included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 0, maxLength: 12 }), (ints) => {
        const d = ints.map((x) => x / 10); // few distinct magnitudes: plenty of ties and zeros
        expect(signedRankTest(d).pValue).toBeCloseTo(bruteForce(d), 12);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores values that are not finite instead of failing', () => {
    expect(signedRankTest([Number.NaN, Infinity, 0.1]).n).toBe(1);
  });
});
