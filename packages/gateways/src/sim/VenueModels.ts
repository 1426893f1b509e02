/**
 * Optional behaviour of a SimulatedVenue beyond perfect matching. All randomness comes
 * from one seeded generator, so a run with the same seed and the same commands produces
 * the same reports in the same order.
 */
export interface VenueModels {
  /** Seed of the venue's random generator (default 1). */
  seed?: number;
  /** Delay before each report is delivered, ns (default 0: at once). */
  reportDelayNs?: number;
  /** Extra uniform random delay, 0..jitterNs. */
  reportJitterNs?: number;
  /** Probability that a new order is rejected (VENUE_UNAVAILABLE) instead of entering the book. */
  rejectProbability?: number;
  /** Faults for testing a router's resilience (off by default). */
  faults?: VenueFaults;
}

export interface VenueFaults {
  /** Probability that a report is delivered twice (the copy has the same cum quantity). */
  duplicateProbability?: number;
  /** Deliver an order's first fill before its ack when both are pending. */
  fillBeforeAck?: boolean;
  /** Probability that a pending report swaps places with the one after it. */
  reorderProbability?: number;
  /** Every `every` new orders, reject the next `length` with VENUE_UNAVAILABLE. */
  rejectBurst?: { every: number; length: number };
}

/** xorshift32: small, fast, deterministic. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0 || 1;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) / 4294967296;
  }
}
