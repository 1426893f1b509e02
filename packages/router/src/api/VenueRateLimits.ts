import type { VenueRateRule } from '../workers/VenueDeclaration.js';
import { VenueThrottle } from './VenueThrottle.js';

/** What a request counts against: a new order (or replace), or a cancel. */
export const RATE_ORDER = 1;
export const RATE_CANCEL = 2;

/**
 * Every rate limit the router keeps per venue: the ones in `VenueConfig`
 * (`ordersPerSecond`, `cancelsPerSecond`) and the ones the venue's gateway declares
 * (`GatewayAdapter.rateLimits`), each a token bucket, per venue or per symbol on it; a
 * rule of kind 'all' counts orders and cancels alike. A request goes only if every rule
 * that counts it has a token. One per strategy thread; plain arithmetic, no allocation.
 */
export class VenueRateLimits {
  private readonly buckets: VenueThrottle;
  private readonly symbols: number;
  /** Per rule: its first bucket, whether it is per symbol, what it counts (RATE_* bits). */
  private readonly ruleBucket: Int32Array;
  private readonly ruleBySymbol: Uint8Array;
  private readonly ruleCounts: Uint8Array;
  /** Rules of venue v: ruleFirst[v] ..< ruleFirst[v + 1]. */
  private readonly ruleFirst: Int32Array;

  /** `rules[v]`: venue v's rules. `symbols`: the instrument table's capacity (per-symbol buckets). */
  constructor(rules: readonly (readonly VenueRateRule[])[], symbols: number) {
    this.symbols = symbols;
    const all = rules.flat();
    this.ruleBucket = new Int32Array(all.length);
    this.ruleBySymbol = new Uint8Array(all.length);
    this.ruleCounts = new Uint8Array(all.length);
    this.ruleFirst = new Int32Array(rules.length + 1);
    const limits: { perSecond: number; burst: number }[] = [];
    let r = 0;
    rules.forEach((venueRules, v) => {
      this.ruleFirst[v] = r;
      for (const rule of venueRules) {
        this.ruleBucket[r] = limits.length;
        this.ruleBySymbol[r] = rule.scope === 'symbol' ? 1 : 0;
        this.ruleCounts[r] = rule.kind === 'orders' ? RATE_ORDER : rule.kind === 'cancels' ? RATE_CANCEL : RATE_ORDER | RATE_CANCEL;
        const copies = rule.scope === 'symbol' ? symbols : 1;
        for (let i = 0; i < copies; i++) limits.push({ perSecond: rule.perSecond, burst: rule.burst });
        r++;
      }
    });
    this.ruleFirst[rules.length] = r;
    this.buckets = new VenueThrottle(limits);
  }

  /** The rules `VenueConfig`'s fields describe (orders, cancels; per venue). */
  static configRules(v: { ordersPerSecond?: number; orderBurst?: number; cancelsPerSecond?: number; cancelBurst?: number }): VenueRateRule[] {
    const rules: VenueRateRule[] = [];
    if (v.ordersPerSecond !== undefined) rules.push({ kind: 'orders', scope: 'venue', perSecond: v.ordersPerSecond, burst: v.orderBurst ?? Math.max(1, v.ordersPerSecond) });
    if (v.cancelsPerSecond !== undefined) rules.push({ kind: 'cancels', scope: 'venue', perSecond: v.cancelsPerSecond, burst: v.cancelBurst ?? Math.max(1, v.cancelsPerSecond) });
    return rules;
  }

  /** Does every rule counting `what` (RATE_ORDER or RATE_CANCEL) on this venue and symbol have a token at `nowNs`? Takes nothing. */
  allows(venue: number, symbolId: number, what: number, nowNs: number): boolean {
    const end = this.ruleFirst[venue + 1];
    for (let r = this.ruleFirst[venue]; r < end; r++) {
      if ((this.ruleCounts[r] & what) === 0) continue;
      if (!this.buckets.allows(this.bucketOf(r, symbolId), nowNs)) return false;
    }
    return true;
  }

  /** Take one token from every rule counting `what` (the request went out). */
  take(venue: number, symbolId: number, what: number): void {
    const end = this.ruleFirst[venue + 1];
    for (let r = this.ruleFirst[venue]; r < end; r++) {
      if ((this.ruleCounts[r] & what) !== 0) this.buckets.take(this.bucketOf(r, symbolId));
    }
  }

  private bucketOf(rule: number, symbolId: number): number {
    return this.ruleBySymbol[rule] === 1 ? this.ruleBucket[rule] + (symbolId >= 0 && symbolId < this.symbols ? symbolId : 0) : this.ruleBucket[rule];
  }
}
