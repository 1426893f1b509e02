import type { InstrumentConfig } from '@ringroute/core';
import type { IdleStrategyName } from '../wait/IdleStrategy.js';
import type { WorkerFailure } from '../workers/WorkerPool.js';
import type { BreakerOptions } from './CircuitBreaker.js';
import type { RiskLimits } from './RiskEngine.js';

/** One venue: a gateway worker running `task` (a module whose default export runs `runGatewayHost`). */
export interface VenueConfig {
  name: string;
  task: URL | string;
  /** Passed to the adapter factory as `GatewayStartData.adapter`. */
  adapter?: unknown;
  /** The venue's order rate limit, honoured by the router (token bucket; default: none). */
  ordersPerSecond?: number;
  orderBurst?: number;
  /** The venue's cancel rate limit (default: none). */
  cancelsPerSecond?: number;
  cancelBurst?: number;
}

export interface RouterConfig {
  instruments: InstrumentConfig[];
  venues: VenueConfig[];
  /** Venue for orders that name none: one venue name, or per symbol. Default: the first venue. */
  defaultVenue?: string | Record<string, string>;
  /** Orders live at once (a power of two, default 65,536). */
  orderCapacity?: number;
  /** How gateway workers wait for commands (default 'backoff'). */
  idle?: IdleStrategyName | 'async';
  /** Written into every order (default 1). */
  strategyId?: number;
  accountId?: number;
  /** Pre-trade risk limits (default: none). */
  risk?: RiskLimits;
  /**
   * Share pre-trade risk counters (open orders per symbol, positions, working quantity,
   * the kill switch) with routers on other strategy threads: pass the first router's
   * `risk.buffer`. All routers sharing it must be created with the same instruments and
   * give each strategy its own `strategyId`.
   */
  riskBuffer?: SharedArrayBuffer;
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
  /** Called once per gateway failure, after its in-flight orders were marked UNKNOWN. */
  onGatewayFailure?: (failure: WorkerFailure) => void;
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
