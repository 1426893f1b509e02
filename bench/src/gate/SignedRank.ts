/**
 * The one-sided Wilcoxon signed-rank test, exact, for the gate's paired runs.
 *
 * Each A/B pair gives one difference d = ln(candidate / base) of the gated percentile. If
 * the candidate is no slower, base and candidate are exchangeable within a pair (the A B
 * B A order balances drift), so each |d| is as likely to carry a plus as a minus sign. The
 * statistic W+ is the sum of the ranks of |d| over the positive d; the p-value is the
 * chance of a W+ at least as large when every sign is a fair coin, counted exactly over the
 * 2^n sign patterns (by dynamic programming over rank sums, not by enumeration).
 *
 * Why a test on top of the ratio thresholds: on a shared VM the per-process p99 of a
 * cross-thread round trip moves by ±30% with the placement of the two vCPUs, so a ratio
 * above 1.10 on 10 pairs happens by chance. The test asks whether the pairs agree, not
 * only whether their middle is high: ten pairs all slower give p = 1/1024, a mix of
 * slower and faster pairs gives a large p, and the gate then does not cry regression.
 */

/** Zero differences (identical percentiles, common with HDR's 3-digit buckets) carry no sign and are dropped. */
const ZERO = 1e-12;

export interface SignedRankResult {
  /** Pairs with a non-zero difference. */
  n: number;
  /** Sum of the ranks (ties averaged) of the positive differences. */
  wPlus: number;
  /** P(W+ >= observed) when the candidate is no slower; 1 when n is 0. */
  pValue: number;
}

/**
 * Exact one-sided p-value that the differences lean positive (candidate slower). Ties in
 * |d| get their average rank; ranks are doubled so that half ranks stay integers in the
 * dynamic programme.
 */
export function signedRankTest(differences: readonly number[]): SignedRankResult {
  const d = differences.filter((x) => Number.isFinite(x) && Math.abs(x) > ZERO);
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, pValue: 1 };
  const order = d.map((x, i) => ({ abs: Math.abs(x), positive: x > 0, i })).sort((a, b) => a.abs - b.abs);
  const doubledRank = new Array<number>(n);
  for (let lo = 0; lo < n; ) {
    let hi = lo;
    while (hi + 1 < n && order[hi + 1].abs - order[lo].abs <= ZERO) hi++;
    const doubled = lo + 1 + (hi + 1); // 2 x the average of ranks lo+1 .. hi+1
    for (let k = lo; k <= hi; k++) doubledRank[k] = doubled;
    lo = hi + 1;
  }
  let observed = 0;
  for (let k = 0; k < n; k++) if (order[k].positive) observed += doubledRank[k];
  const total = doubledRank.reduce((a, b) => a + b, 0);
  // ways[s]: sign patterns whose doubled positive-rank sum is s. Counts reach 2^n: exact in
  // a double up to n = 53, and to double precision beyond (the ratio is what matters).
  let ways = new Float64Array(total + 1);
  ways[0] = 1;
  for (const r of doubledRank) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= total; s++) {
      if (ways[s] === 0) continue;
      next[s] += ways[s];
      next[s + r] += ways[s];
    }
    ways = next;
  }
  let atLeast = 0;
  for (let s = observed; s <= total; s++) atLeast += ways[s];
  return { n, wPlus: observed / 2, pValue: atLeast / 2 ** n };
}
