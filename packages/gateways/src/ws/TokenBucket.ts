/**
 * A token bucket: `rate` tokens per second, at most `burst` saved up. The exchange keeps
 * one per connection for each kind of request (every message, orders, queries), so a
 * client can spend its own budget and no more.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private readonly rate: number;
  private readonly burst: number;

  constructor(rate: number, burst: number) {
    this.rate = rate;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
  }

  /** Spend one token: false (and nothing spent) when there is none. */
  take(): boolean {
    if (this.tokens < 1) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1_000) * this.rate);
      this.last = now;
      if (this.tokens < 1) return false;
    }
    this.tokens -= 1;
    return true;
  }
}
