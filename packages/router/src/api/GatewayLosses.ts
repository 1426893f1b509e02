import type { RecordHandler } from '../ring/RecordHandler.js';
import type { GatewayLane } from '../workers/GatewayLane.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import type { LiveOrders } from './LiveOrders.js';

const HEALTHY = 0;
const FAILED = 1; // to settle at the next poll
const SETTLED = 2; // its orders were marked UNKNOWN

/**
 * What a router does when a gateway fails (its worker crashed, exited or hung, or an
 * inline adapter's loop threw): the venue's breaker opens at once; at the next poll, the
 * events the gateway published before it died are applied (an ack or a fill already in
 * its event ring is a fact, and would otherwise move an UNKNOWN order back to working),
 * and then every order still open there becomes UNKNOWN, delivered as `onUnknown`.
 * An attached router, which has no supervisor of its own, learns of failures from the
 * workers' control blocks (`check`).
 */
export class GatewayLosses {
  private readonly state: Uint8Array;
  private readonly lane: GatewayLane;
  private readonly breakers: readonly CircuitBreaker[];
  private readonly live: LiveOrders;
  /** Some venue failed and is not settled yet. */
  pending = false;

  constructor(lane: GatewayLane, breakers: readonly CircuitBreaker[], live: LiveOrders) {
    this.state = new Uint8Array(breakers.length);
    this.lane = lane;
    this.breakers = breakers;
    this.live = live;
  }

  /** Venue `venue`'s gateway failed: open its breaker now; its orders are settled at the next poll. */
  lose(venue: number): void {
    if (this.state[venue] !== HEALTHY) return;
    this.state[venue] = FAILED;
    this.breakers[venue].trip(true);
    this.pending = true;
  }

  /** Attached routers: lose every venue whose worker its supervisor declared failed. */
  check(): void {
    for (let venue = 0; venue < this.state.length; venue++) {
      if (this.state[venue] === HEALTHY && this.lane.workerFailed(venue)) this.lose(venue);
    }
  }

  /** Apply what failed gateways published (into `applier`), then queue their open orders as UNKNOWN. */
  settle(applier: RecordHandler): void {
    this.pending = false;
    for (let venue = 0; venue < this.state.length; venue++) {
      if (this.state[venue] !== FAILED) continue;
      this.state[venue] = SETTLED;
      this.lane.events[venue].read(applier, Number.MAX_SAFE_INTEGER);
      this.live.loseVenue(venue);
    }
  }
}
