import { nanoTime, Side, TimeInForce } from '@ringroute/core';
import { BackoffIdleStrategy, type Router, type WakeSource } from '@ringroute/router';
import type { DemoStrategy } from './DemoStrategy.js';

const DONE = 0;
const GO_ON = 1;
const PROGRESS = 2;

/** Most quotes the market maker keeps working; the oldest is canceled past it. */
const MAX_QUOTES = 400;

/** The flow's venues, by id: the in-memory pair, and the exchange's two sessions (-1 when absent). */
export interface FlowVenues {
  memory: readonly [number, number];
  exchange: number;
  fix: number;
}

/**
 * The demo's order flow: a market maker (account 1, 70 % of orders: quotes 1 to 10 ticks
 * from a wandering mid, resting, the oldest canceled past 400) and a taker (account 2:
 * IOC orders through the nearest quotes), offered open loop at a fixed rate. Every 1,024th
 * order moves its symbol's mid a dollar and pulls the market maker's quotes there (they
 * would otherwise meet its new ones: self-trade prevention refuses those).
 *
 * It uses the router's fast path (claim, fill the draft, send): no object, string or
 * decimal parsing per order. Its state lives in fields and typed arrays, not in closures,
 * so the loop makes no garbage per order of its own (a double kept in a closure's context
 * is a fresh heap number on every store: the first version of this loop made a scavenge
 * every 57 ms, measured).
 *
 * Between orders it waits as a gateway does: a short spin after its last work (acks come
 * back within microseconds), then a park on its lane's doorbell until the next order is
 * due or a gateway rings. A strategy that spun through every gap would hold a core that
 * the gateway and exchange threads need on a small machine.
 */
export class OrderFlow implements WakeSource {
  sent = 0;
  refused = 0;
  readonly refusals = new Map<number, number>();
  private readonly router: Router;
  private readonly strategy: DemoStrategy;
  private readonly venues: FlowVenues;
  private readonly rate: number;
  private readonly intervalNs: number;
  private readonly symbolIds: Int32Array;
  private readonly mids: Float64Array;
  private readonly quotes: number[] = []; // the market maker's live quotes, oldest first
  private readonly seed = new Int32Array([12345]);
  private t0 = 0;
  private endNs = 0;
  private nextProgressNs = 0;
  private total = 0;
  /** Empty turns in a row (0: the last turn did work). */
  private quiet = 0;
  private idle: BackoffIdleStrategy | null = null;

  constructor(router: Router, strategy: DemoStrategy, venues: FlowVenues, rate: number) {
    this.router = router;
    this.strategy = strategy;
    this.venues = venues;
    this.rate = rate;
    this.intervalNs = 1e9 / rate;
    this.symbolIds = Int32Array.from(['BTC-USD', 'ETH-USD'], (symbol) => router.instruments.idOf(symbol));
    this.mids = Float64Array.from([6_500_000, 350_000]); // ticks of 0.01
  }

  /**
   * Offer orders for `warmupS + durationS` seconds; the strategy records latencies from
   * the end of the warm-up on. `progress` is called about four times a second.
   */
  run(warmupS: number, durationS: number, progress: (elapsedNs: number) => void): void {
    this.idle = new BackoffIdleStrategy(this.router.gatewayLane.doorbell, { maxSpins: 256, spinNs: 0, maxYields: 0, minParkNs: 20_000, maxParkNs: 1_000_000 });
    this.total = Math.round(this.rate * (warmupS + durationS));
    this.t0 = nanoTime();
    this.strategy.recordFromNs = this.t0 + warmupS * 1e9;
    this.endNs = this.t0 + (warmupS + durationS) * 1e9;
    this.nextProgressNs = this.t0;
    // The loop body is a method of its own, optimized like any hot function, rather than
    // one long loop V8 must compile on the stack (OSR) and may fall out of, back into the
    // interpreter, where every double is a new heap number (measured: 65 MB/s of garbage).
    for (let turn = this.turn(); turn !== DONE; turn = this.turn()) {
      if (turn === PROGRESS) progress(nanoTime() - this.t0);
    }
    this.idle.reset();
  }

  /** One turn: offer what is due, read events, wait. DONE at the end, PROGRESS when a report is due. */
  private turn(): number {
    // While nothing happens, read the clock (which allocates in Node 20) only every 64th
    // turn: an order falls due at most that many empty polls late (a few microseconds).
    if (this.quiet !== 0 && (++this.quiet & 63) !== 0) {
      const work = this.router.poll(this.strategy, 512);
      this.idle!.idle(work, this);
      if (work !== 0) this.quiet = 0;
      return GO_ON;
    }
    const now = nanoTime();
    if (now >= this.endNs) return DONE;
    let work = 0;
    // Every order whose time has come (open loop: a stall does not slow the schedule).
    while (this.t0 + this.sent * this.intervalNs <= now && this.sent < this.total) {
      this.offer(this.sent);
      this.sent++;
      work++;
    }
    work += this.router.poll(this.strategy, 512);
    this.idle!.idle(work, this);
    this.quiet = work === 0 ? 1 : 0;
    if (now < this.nextProgressNs) return GO_ON;
    this.nextProgressNs = now + 250e6;
    return PROGRESS;
  }

  /** WakeSource: park no longer than until the next order is due. */
  nextWakeNs(): number {
    return this.t0 + this.sent * this.intervalNs;
  }

  private offer(n: number): void {
    const router = this.router;
    const k = n & 1;
    if ((n & 1023) === 0) {
      this.mids[k] += this.random() < 0.5 ? 100 : -100;
      router.cancelAll({ symbol: k === 0 ? 'BTC-USD' : 'ETH-USD', account: 1 });
    }
    // An eighth of the flow goes over sockets to the exchange (half WebSocket, half FIX), the rest alternates alpha and beta.
    const v = this.venues;
    const venue = v.exchange >= 0 && (n & 15) === 7 ? v.exchange : v.fix >= 0 && (n & 15) === 15 ? v.fix : v.memory[(n >> 1) & 1];
    let id = router.claim();
    if (id >= 0) {
      const maker = this.random() < 0.7;
      const buy = this.random() < 0.5;
      const mid = this.mids[k];
      const draft = router.draft;
      draft.symbolId = this.symbolIds[k];
      draft.side = buy ? Side.BUY : Side.SELL;
      draft.venueId = venue;
      if (maker) {
        const offset = 1 + Math.floor(this.random() * 10);
        draft.priceTicks = buy ? mid - offset : mid + offset;
        draft.quantityLots = 1 + Math.floor(this.random() * 5);
        draft.accountId = 1;
      } else {
        draft.priceTicks = buy ? mid + 5 : mid - 5;
        draft.quantityLots = 1 + Math.floor(this.random() * 3);
        draft.tif = TimeInForce.IOC;
        draft.accountId = 2;
      }
      id = router.send();
      if (maker && id > 0) {
        this.quotes.push(id);
        if (this.quotes.length > MAX_QUOTES) router.cancel(this.quotes.shift()!);
      }
    }
    if (id < 0) {
      this.refused++;
      this.refusals.set(id, (this.refusals.get(id) ?? 0) + 1);
    }
  }

  /** xorshift32 in [0, 1), its state in a typed array (no heap number per step). */
  private random(): number {
    const s = this.seed;
    let x = s[0];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s[0] = x;
    return (x >>> 0) / 4294967296;
  }
}
