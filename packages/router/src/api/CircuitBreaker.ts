/** Circuit breaker states. */
export const BreakerState = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

export interface BreakerOptions {
  /** Consecutive failures (venue-unavailable rejects, ack timeouts) that open the breaker (default 5). */
  failures?: number;
  /** How long it stays open before letting one probe order through (default 1 s). */
  cooldownNs?: number;
}

/**
 * Venue health: CLOSED (orders flow) -> OPEN after `failures` consecutive failures (no
 * orders; smart routing fails over) -> HALF_OPEN after `cooldownNs` (one probe order may
 * go) -> CLOSED on its success, OPEN again on its failure. A gateway that died opens it
 * for good (`trip(true)`); a gateway whose venue session is down holds it open (`hold`)
 * until the session is back (`release`: one probe). Plain fields: one breaker per venue
 * per strategy thread.
 */
export class CircuitBreaker {
  state: BreakerState = BreakerState.CLOSED;
  private readonly threshold: number;
  private readonly cooldownNs: number;
  private consecutive = 0;
  private openedNs = 0;
  private permanent = false;
  private probeOut = false;
  /** The venue's gateway reported its session down: open until it reports it back. */
  private held = false;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.failures ?? 5;
    this.cooldownNs = options.cooldownNs ?? 1e9;
  }

  /** May an order go to this venue now? (Moves OPEN -> HALF_OPEN once the cooldown passed.) */
  allows(nowNs: number): boolean {
    if (this.state === BreakerState.CLOSED) return true;
    if (this.permanent || this.held) return false;
    if (this.state === BreakerState.OPEN && nowNs - this.openedNs >= this.cooldownNs) {
      this.state = BreakerState.HALF_OPEN;
      this.probeOut = false;
    }
    return this.state === BreakerState.HALF_OPEN && !this.probeOut;
  }

  /** An order was sent (in HALF_OPEN it is the probe). */
  onSent(): void {
    if (this.state === BreakerState.HALF_OPEN) this.probeOut = true;
  }

  /** The venue accepted an order. */
  onSuccess(): void {
    this.consecutive = 0;
    if (this.state === BreakerState.HALF_OPEN) this.state = BreakerState.CLOSED;
  }

  /** The venue failed an order (unavailable, timed out). */
  onFailure(nowNs: number): void {
    this.consecutive++;
    if (this.state === BreakerState.HALF_OPEN || this.consecutive >= this.threshold) this.open(nowNs);
  }

  /** Open now; `permanent` for a venue whose gateway is gone. */
  trip(permanent: boolean, nowNs = 0): void {
    this.permanent = this.permanent || permanent;
    this.open(nowNs);
  }

  /** The venue's session is down: open, and stay open (no probe) until `release`. */
  hold(nowNs: number): void {
    this.held = true;
    this.open(nowNs);
  }

  /** The venue's session is back: one probe order may go (HALF_OPEN), its outcome decides. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (!this.permanent && this.state === BreakerState.OPEN) {
      this.state = BreakerState.HALF_OPEN;
      this.probeOut = false;
    }
  }

  private open(nowNs: number): void {
    this.state = BreakerState.OPEN;
    this.openedNs = nowNs;
    this.probeOut = false;
  }
}
