/**
 * Per-venue token buckets (a venue's published order and cancel rate limits), kept by the
 * router so it never sends what the venue would throttle or disconnect for. One per
 * strategy thread, plain arithmetic, no allocation. A venue with no rate set is unlimited.
 */
export class VenueThrottle {
  private readonly rate: Float64Array; // tokens per ns (0: unlimited)
  private readonly burst: Float64Array;
  private readonly tokens: Float64Array;
  private readonly lastNs: Float64Array; // NaN until the first use

  /** `limits[i]`: venue i's rate per second and burst (undefined rate: unlimited). */
  constructor(limits: readonly { perSecond?: number; burst?: number }[]) {
    const n = limits.length;
    this.rate = new Float64Array(n);
    this.burst = new Float64Array(n);
    this.tokens = new Float64Array(n);
    this.lastNs = new Float64Array(n).fill(NaN);
    for (let v = 0; v < n; v++) {
      const perSecond = limits[v].perSecond;
      if (perSecond === undefined) continue;
      this.rate[v] = perSecond / 1e9;
      this.burst[v] = limits[v].burst ?? Math.max(1, perSecond);
      this.tokens[v] = this.burst[v];
    }
  }

  /** Is a token available at `nowNs`? (Refills; takes nothing.) */
  allows(venue: number, nowNs: number): boolean {
    if (this.rate[venue] === 0) return true;
    const last = this.lastNs[venue];
    if (last === last && nowNs > last) this.tokens[venue] = Math.min(this.burst[venue], this.tokens[venue] + (nowNs - last) * this.rate[venue]);
    if (last !== last || nowNs > last) this.lastNs[venue] = nowNs;
    return this.tokens[venue] >= 1;
  }

  /** Take the token `allows` found (the request went out). */
  take(venue: number): void {
    if (this.rate[venue] !== 0) this.tokens[venue] -= 1;
  }
}
