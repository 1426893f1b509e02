import type { JournalOptions } from '../journal/Journal.js';
import type { RecoveryOptions } from '../recovery/RecoveryReport.js';
import type { LaneRecovery } from '../recovery/RouterRecovery.js';
import type { JournalLaneLink } from '../journal/JournalLane.js';
import type { InstrumentConfig } from '@ringroute/core';
import type { IdleStrategyName } from '../wait/IdleStrategy.js';
import type { WorkerFailure } from '../workers/WorkerPool.js';
import type { LaneLink } from '../workers/GatewayLane.js';
import type { GatewayThreads } from '../workers/ThreadLayout.js';
import type { BreakerOptions } from './CircuitBreaker.js';
import type { RiskLimits } from './RiskEngine.js';
import type { FirmConfig } from '../firm/FirmConfig.js';
import type { FirmLinkPlan } from '../firm/FirmClient.js';

/** What every router using a venue knows of it: its name and its published rate limits. */
export interface VenueLimits {
  name: string;
  /** The venue's order rate limit, honoured by the router (token bucket; default: none). */
  ordersPerSecond?: number;
  orderBurst?: number;
  /** The venue's cancel rate limit (default: none). */
  cancelsPerSecond?: number;
  cancelBurst?: number;
}

/** One venue: a gateway running `task` (a module whose default export runs `runGatewayHost`) on a gateway thread. */
export interface VenueConfig extends VenueLimits {
  task: URL | string;
  /**
   * How this venue's gateway waits (default: `RouterConfig.idle`). A gateway whose adapter
   * works in socket callbacks (the WebSocket and FIX gateways) needs 'async'; a thread
   * hosting it and other venues then waits 'async' for all of them.
   */
  idle?: IdleStrategyName | 'async';
  /** Passed to the adapter factory as `GatewayStartData.adapter`. */
  adapter?: unknown;
}

/** A router's own settings: what a router attached on a strategy thread may choose for itself. */
export interface RouterOptions {
  /** Venue for orders that name none: one venue name, or per symbol. Default: the first venue. */
  defaultVenue?: string | Record<string, string>;
  /** Written into every order (default 1). Strategies sharing risk counters need distinct ids (0 to 63). */
  strategyId?: number;
  accountId?: number;
  /** Pre-trade risk limits (default: none; an attached router defaults to its creator's). */
  risk?: RiskLimits;
  /**
   * Refuse (RISK_SELF_TRADE) an order that would trade against a working limit order of
   * the same account on the same venue sent through this router (default true).
   */
  selfTradePrevention?: boolean;
  /**
   * An order a venue has not acknowledged within this many milliseconds counts as a
   * failure for the venue's circuit breaker (default 1,000; 0 turns the watch off). The
   * order itself stays pending: a late ack still lands.
   */
  ackTimeoutMs?: number;
  /** Venue circuit breakers (default: open after 5 consecutive failures: unavailable rejects or ack timeouts; 1 s cooldown). */
  breaker?: BreakerOptions;
}

export interface RouterConfig extends RouterOptions {
  instruments: InstrumentConfig[];
  venues: VenueConfig[];
  /** Orders live at once (a power of two, default 65,536). */
  orderCapacity?: number;
  /** How gateway workers wait for commands (default 'backoff'). */
  idle?: IdleStrategyName | 'async';
  /**
   * How long a 'backoff' gateway thread keeps spinning after its last work before it
   * parks (default 200 µs, `DEFAULT_SPIN_NS`). Traffic whose gaps are shorter never pays a
   * wake-up; a longer budget serves slower flows at microseconds for more CPU while they
   * last. The measured trade-off: docs/threads.md.
   */
  idleSpinNs?: number;
  /**
   * Where gateways run: 'workers' (default: on gateway threads, see `gatewayThreads`) or
   * 'inline' (on this thread, driven by `poll()`: same task modules, same rings, no
   * thread hop; for backtests, single-core hosts and the in-process benchmark).
   */
  gateways?: 'workers' | 'inline';
  /**
   * How many gateway threads run the venues, and which venues share one (see
   * docs/threads.md): 'auto' (default) fits the machine: the polling venues (in memory)
   * spread over as many threads as the cores left after `strategyThreads`, at least one,
   * and the venues that wait 'async' (sockets, event driven) together on one more;
   * 'dedicated' gives each venue its own thread; a number n spreads
   * the venues over n threads; groups of venue names say exactly (each group one thread).
   * Venues sharing a thread keep their own rings, breaker, rate limits and top-of-book
   * row; a venue whose adapter breaks fails alone, a thread that dies fails its venues.
   */
  gatewayThreads?: GatewayThreads;
  /**
   * Strategy threads that share these gateway workers, this one included (default 1, at
   * most 16). Each further strategy thread gets its own rings into every gateway worker:
   * pass `router.link(n)` (n = 1, 2, ...) to it and call `Router.attach` there.
   */
  strategyThreads?: number;
  /**
   * Share pre-trade risk counters (open orders per symbol, positions, working quantity,
   * the kill switch) with routers on other strategy threads: pass the first router's
   * `risk.buffer`. All routers sharing it must be created with the same instruments and
   * give each strategy its own `strategyId`.
   */
  riskBuffer?: SharedArrayBuffer;
  /**
   * A gateway worker whose loop makes no progress this long is declared hung and
   * terminated (default 5,000 ms). A worker whose strategy lane is slow is not hung: it
   * keeps looping and spills that lane's events (see `GatewayWorker.blockedLanes`).
   */
  heartbeatTimeoutMs?: number;
  /** Called once per gateway failure, after its in-flight orders were marked UNKNOWN. */
  onGatewayFailure?: (failure: WorkerFailure) => void;
  /**
   * A durable journal of every order sent, cancel, replace and execution event applied
   * (see docs/journal.md). Client order ids then come from blocks the journal made
   * durable, so a restarted router never reuses one. With several strategy threads, each
   * writes its own lane of the one journal (`router.link(n)` carries it). A router created
   * on a journal that holds a previous run recovers from it, every lane its own orders (see
   * `recovery`).
   */
  journal?: JournalOptions;
  /** How a router restarted on its journal settles with its venues (see docs/journal.md). */
  recovery?: RecoveryOptions;
  /**
   * Firm-wide limits and kill switch shared with the firm's other hosts through Redis
   * (docs/firm.md). The order path only consumes credit this host holds in local memory;
   * a background thread leases it. Without it nothing connects and nothing changes.
   */
  firm?: FirmConfig;
}

/** A convenience order request, with decimals (strings are exact, numbers snap to the grid). */
export interface OrderRequest {
  symbol: string;
  side: 'buy' | 'sell';
  type?: 'limit' | 'market' | 'stop' | 'stop-limit';
  price?: string | number;
  stopPrice?: string | number;
  quantity: string | number;
  tif?: 'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD';
  /** A venue name, or 'smart': the venue showing the best price this order can trade against (healthy venues only). */
  venue?: string;
  postOnly?: boolean;
  /** Account for this order (default: the router's `accountId`); venues prevent self-matches per account. */
  account?: number;
}

/**
 * What a strategy thread needs to attach a router to running gateway workers
 * (`router.link(n)` on the creating thread, `Router.attach(link)` on the strategy thread):
 * only SharedArrayBuffers and plain data, so it travels in `workerData` or one message.
 */
export interface RouterLink {
  /** This strategy thread's rings into every gateway worker. */
  lane: LaneLink;
  instruments: SharedArrayBuffer;
  orders: SharedArrayBuffer;
  topOfBook: SharedArrayBuffer;
  /** The creator's risk counters: every router on the link shares them. */
  riskBuffer: SharedArrayBuffer;
  venues: VenueLimits[];
  /** The creator's own options (defaults for the attached router). */
  defaults: RouterOptions;
  /** This strategy thread's lane of the creator's journal (absent: no journal). */
  journal?: JournalLaneLink;
  /** This lane's part of a recovery from the journal (absent: nothing to recover). */
  recovery?: LaneRecovery;
  recoveryOptions?: RecoveryOptions;
  /** The creator's firm credit (absent: no firm layer): attached routers take from it too. */
  firm?: { plan: FirmLinkPlan; credit: SharedArrayBuffer };
}
