import { ConfigurationError, nanoTime } from '@ringroute/core';
import type { Doorbell } from './Doorbell.js';

/**
 * Something with timers of its own (an adapter's report delay, a heartbeat, a resend
 * timer) that a parked loop must wake up for: the `nanoTime()` at which it next needs a
 * turn (Infinity: none; at or before `nowNs`: now). Asked only when the loop is about to
 * park, never on a busy turn.
 */
export interface WakeSource {
  nextWakeNs(nowNs: number): number;
}

/**
 * What a polling loop does when a poll found nothing: `idle(workCount, wake)` after every
 * poll. Strategies that sleep register on the loop's doorbell one poll before they first
 * park, so a producer's wakeup cannot be lost (see Doorbell), and never park past what
 * `wake` asks for.
 */
export interface IdleStrategy {
  readonly name: IdleStrategyName;
  /** How many times it has parked (slept) so far: a loop can tell that time passed unseen. */
  readonly parks: number;
  idle(workCount: number, wake?: WakeSource | null): void;
  /** Leave any backoff and unregister from the doorbell. */
  reset(): void;
}

/** Like IdleStrategy, for loops whose event loop must keep running (sockets). */
export interface AsyncIdleStrategy {
  readonly name: 'async';
  readonly parks: number;
  /** undefined when the loop should poll again at once; a promise to await otherwise. */
  idle(workCount: number, wake?: WakeSource | null): Promise<unknown> | undefined;
  reset(): void;
}

export type IdleStrategyName = 'busy-spin' | 'backoff' | 'blocking';

/**
 * Never sleeps: the lowest latency and a whole core per thread. Opt-in, for hosts with a
 * core pinned per spinning thread. Never run more spinning threads than cores.
 */
export class BusySpinIdleStrategy implements IdleStrategy {
  readonly name = 'busy-spin' as const;
  readonly parks = 0;
  idle(_workCount: number, _wake?: WakeSource | null): void {}
  reset(): void {}
}

/**
 * How long a park may last: `parkMs`, cut to the wake source's next deadline; -1 when the
 * deadline has come (poll again instead of parking). Reads the clock only when asked.
 */
function parkFor(parkMs: number, wake: WakeSource | null | undefined): number {
  if (wake === null || wake === undefined) return parkMs;
  const now = nanoTime();
  const at = wake.nextWakeNs(now);
  if (!(at > now)) return at === at ? -1 : parkMs; // NaN: no deadline
  return Math.min(parkMs, (at - now) / 1e6);
}

export interface BackoffOptions {
  /** Polls that return at once before yielding, at least (default 200). */
  maxSpins?: number;
  /**
   * Keep spinning until this long has passed since the last poll that found work
   * (default 200 µs, DEFAULT_SPIN_NS): a thread whose traffic arrives at shorter gaps never parks, so
   * no order pays a futex wake (docs/threads.md has the measured trade-off). 0: count spins only.
   */
  spinNs?: number;
  /** Zero-length waits before parking (default 20). JavaScript has no sched_yield: a
   * zero-timeout Atomics.wait is a system call, a point where the kernel may switch. */
  maxYields?: number;
  /** First park, doubling on every empty poll after (default 50 µs). */
  minParkNs?: number;
  /** Longest park (default 1 ms): also the longest a lost wakeup could cost. */
  maxParkNs?: number;
}

/** How long a backoff loop spins after its last work, by default (see BackoffOptions.spinNs). */
export const DEFAULT_SPIN_NS = 200_000;
/**
 * Empty polls between two clock reads while spinning: in Node 20 every clock read
 * (performance.now, hrtime, Date.now) allocates a heap number, and a spinning loop that
 * read it on every poll made a scavenge every few milliseconds (measured).
 */
const SPINS_PER_CLOCK_READ = 256;

/** Milliseconds on the monotonic clock (a double; no allocation once inlined). */
function nowMs(): number {
  return performance.now();
}

const SPINNING = 0;
const YIELDING = 1;
const PARKING = 2;

/**
 * Spin, then yield, then park with exponential backoff: microsecond latency while
 * traffic flows and a sleeping thread when it stops. The default, safe on a laptop.
 */
export class BackoffIdleStrategy implements IdleStrategy {
  readonly name = 'backoff' as const;
  parks = 0;
  private readonly doorbell: Doorbell | null;
  private readonly maxSpins: number;
  private readonly spinMs: number;
  private readonly maxYields: number;
  private readonly minParkMs: number;
  private readonly maxParkMs: number;
  private readonly scratch: Int32Array;
  private state: number;
  private spins: number;
  /** When the current run of empty polls began (ms), read on the first one. */
  private idleSinceMs: number;
  private yields: number;
  private parkMs: number;
  private seen: number;

  constructor(doorbell: Doorbell | null, options: BackoffOptions = {}) {
    this.doorbell = doorbell;
    this.maxSpins = nonNegative('maxSpins', options.maxSpins ?? 200);
    this.spinMs = nonNegative('spinNs', options.spinNs ?? DEFAULT_SPIN_NS) / 1e6;
    this.maxYields = nonNegative('maxYields', options.maxYields ?? 20);
    this.minParkMs = nonNegative('minParkNs', options.minParkNs ?? 50_000) / 1e6;
    this.maxParkMs = Math.max(this.minParkMs, nonNegative('maxParkNs', options.maxParkNs ?? 1_000_000) / 1e6);
    this.scratch = new Int32Array(new SharedArrayBuffer(4));
    this.state = SPINNING;
    this.spins = 0;
    this.idleSinceMs = 0;
    this.yields = 0;
    this.parkMs = this.minParkMs;
    this.seen = 0;
  }

  idle(workCount: number, wake?: WakeSource | null): void {
    if (workCount > 0) {
      if (this.state !== SPINNING || this.spins !== 0) this.reset();
      return;
    }
    if (this.state === SPINNING) {
      const spins = ++this.spins;
      if (spins === 1 && this.spinMs > 0) this.idleSinceMs = nowMs();
      if (spins <= this.maxSpins) return;
      if (this.spinMs > 0 && ((spins & (SPINS_PER_CLOCK_READ - 1)) !== 0 || nowMs() - this.idleSinceMs < this.spinMs)) return;
      this.state = YIELDING;
    }
    if (this.state === YIELDING) {
      if (++this.yields <= this.maxYields) {
        Atomics.wait(this.scratch, 0, 0, 0);
        return;
      }
      this.state = PARKING;
      this.parkMs = this.minParkMs;
      if (this.doorbell !== null) {
        this.doorbell.register();
        this.seen = this.doorbell.sequence();
      }
      return; // poll once more, registered, before the first park
    }
    const ms = parkFor(this.parkMs, wake);
    if (ms < 0) return; // a timer is due: poll now
    this.parks++;
    if (this.doorbell !== null) {
      this.doorbell.park(this.seen, ms);
      this.seen = this.doorbell.sequence();
    } else {
      Atomics.wait(this.scratch, 0, 0, ms);
    }
    this.parkMs = Math.min(this.parkMs * 2, this.maxParkMs);
  }

  reset(): void {
    if (this.state === PARKING && this.doorbell !== null) this.doorbell.unregister();
    this.state = SPINNING;
    this.spins = 0;
    this.yields = 0;
  }
}

/**
 * Parks on the doorbell as soon as a poll finds nothing (after one registered re-poll)
 * and sleeps until a producer rings: no CPU while idle, a futex wake (~10-70 µs here) per
 * hop. `maxParkMs` bounds every sleep so a stop flag is seen even without a ring.
 */
export class BlockingIdleStrategy implements IdleStrategy {
  readonly name = 'blocking' as const;
  parks = 0;
  private readonly doorbell: Doorbell;
  private readonly maxParkMs: number;
  private registered: boolean;
  private seen: number;

  constructor(doorbell: Doorbell, options: { maxParkMs?: number } = {}) {
    this.doorbell = doorbell;
    this.maxParkMs = nonNegative('maxParkMs', options.maxParkMs ?? 100);
    this.registered = false;
    this.seen = 0;
  }

  idle(workCount: number, wake?: WakeSource | null): void {
    if (workCount > 0) {
      if (this.registered) this.reset();
      return;
    }
    if (!this.registered) {
      this.doorbell.register();
      this.registered = true;
      this.seen = this.doorbell.sequence();
      return; // poll once more, registered
    }
    const ms = parkFor(this.maxParkMs, wake);
    if (ms < 0) return; // a timer is due: poll now
    this.parks++;
    this.doorbell.park(this.seen, ms);
    this.seen = this.doorbell.sequence();
  }

  reset(): void {
    if (this.registered) this.doorbell.unregister();
    this.registered = false;
  }
}

/** One turn of the event loop (its I/O poll included), then resolve. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Busy passes between two event-loop turns of an async loop with work every pass. */
const BUSY_PASSES_PER_TURN = 64;

/**
 * For loops that must keep their event loop turning (sockets, timers): after its last
 * work it keeps polling for `spinNs`, giving the event loop one turn per poll (a
 * `setImmediate`: the sockets are read in it, without any wake-up), then parks with
 * `Atomics.waitAsync` on the doorbell with a growing timeout. A loop that has work on
 * every pass still yields a turn every 64 passes, so its sockets are never starved.
 * `spinNs: 0` parks after `maxSpins` synchronous re-polls (the behaviour before spinNs).
 */
export class AsyncBackoffIdleStrategy implements AsyncIdleStrategy {
  readonly name = 'async' as const;
  parks = 0;
  private readonly doorbell: Doorbell;
  private readonly maxSpins: number;
  private readonly spinMs: number;
  private readonly minParkMs: number;
  private readonly maxParkMs: number;
  private spins: number;
  private busy: number;
  private idleSinceMs: number;
  private registered: boolean;
  private parkMs: number;
  private seen: number;

  constructor(doorbell: Doorbell, options: { maxSpins?: number; spinNs?: number; minParkNs?: number; maxParkNs?: number } = {}) {
    this.doorbell = doorbell;
    this.maxSpins = nonNegative('maxSpins', options.maxSpins ?? 20);
    this.spinMs = nonNegative('spinNs', options.spinNs ?? DEFAULT_SPIN_NS) / 1e6;
    this.minParkMs = nonNegative('minParkNs', options.minParkNs ?? 50_000) / 1e6;
    this.maxParkMs = Math.max(this.minParkMs, nonNegative('maxParkNs', options.maxParkNs ?? 1_000_000) / 1e6);
    this.spins = 0;
    this.busy = 0;
    this.idleSinceMs = 0;
    this.registered = false;
    this.parkMs = this.minParkMs;
    this.seen = 0;
  }

  idle(workCount: number, wake?: WakeSource | null): Promise<unknown> | undefined {
    if (workCount > 0) {
      if (this.registered || this.spins !== 0) this.reset();
      if (++this.busy < BUSY_PASSES_PER_TURN) return undefined;
      this.busy = 0;
      return nextTurn();
    }
    this.busy = 0;
    const spins = ++this.spins;
    if (spins <= this.maxSpins) return undefined;
    if (this.spinMs > 0 && !this.registered) {
      // Spinning with the event loop turning: every poll sees new commands at once, and
      // every turn reads the sockets. The clock every 16 turns (each read allocates).
      if (spins === this.maxSpins + 1) this.idleSinceMs = nowMs();
      if ((spins & 15) !== 0 || nowMs() - this.idleSinceMs < this.spinMs) return nextTurn();
    }
    if (!this.registered) {
      this.doorbell.register();
      this.registered = true;
      this.parkMs = this.minParkMs;
      this.seen = this.doorbell.sequence();
      return undefined;
    }
    const ms = parkFor(this.parkMs, wake);
    if (ms < 0) return undefined; // a timer is due: poll now
    const parked = this.doorbell.parkAsync(this.seen, ms);
    if (parked !== undefined) this.parks++;
    this.parkMs = Math.min(this.parkMs * 2, this.maxParkMs);
    if (parked === undefined) {
      this.seen = this.doorbell.sequence();
      return undefined;
    }
    return parked.then(this.afterPark);
  }

  reset(): void {
    if (this.registered) this.doorbell.unregister();
    this.registered = false;
    this.spins = 0;
  }

  private readonly afterPark = (): void => {
    this.seen = this.doorbell.sequence();
  };
}

/** Build a named strategy for a loop whose doorbell is `doorbell` (`backoff` takes `options`: its spin budget and parks). */
export function createIdleStrategy(name: IdleStrategyName, doorbell: Doorbell, options: BackoffOptions = {}): IdleStrategy {
  switch (name) {
    case 'busy-spin':
      return new BusySpinIdleStrategy();
    case 'backoff':
      return new BackoffIdleStrategy(doorbell, options);
    case 'blocking':
      return new BlockingIdleStrategy(doorbell);
    default:
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'idle strategy is busy-spin, backoff or blocking', name);
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `${name} must be >= 0`, value);
  return value;
}
