import { ConfigurationError } from '@ringroute/core';
import type { FirmEvent } from './FirmAgent.js';
import type { FirmRedis } from './FirmLedger.js';

/** Firm-wide limits (shared by every host through Redis). Absent: no firm limit of that kind. */
export interface FirmLimits {
  /** Orders open at once across the firm (every host, every symbol). */
  openOrders?: number;
  /**
   * Largest absolute firm position per symbol in lots, counting every host's working
   * orders on the side that would grow it: one number for every symbol, or per symbol
   * (symbols not named have no firm position limit).
   */
  positionLots?: number | Record<string, number>;
}

/**
 * The firm layer (docs/firm.md): firm-wide limits and kill switch shared with the firm's
 * other hosts through Redis. The order path only touches local memory: a background
 * thread leases credit from Redis before it is needed and gives it back when idle.
 */
export interface FirmConfig {
  /**
   * A redis:// URL; ioredis options (one server, or Sentinel: `sentinels`, `name`); or a
   * Cluster, `{ cluster: [{ host, port }, ...], options? }`. Plain data only: it travels to
   * the agent's thread.
   */
  redis: FirmRedis;
  /** This host's name, unique in the firm (1 to 64 letters, digits, `.`, `-`, `_`). */
  host: string;
  limits: FirmLimits;
  /**
   * Credit a host keeps in hand for each limit, per limit kind (default: 1/8 of the limit,
   * at least 1). The background thread tops up to the lease when half is used. When orders
   * find a line empty, the lease doubles, up to a quarter of the limit. A line holding more
   * than two leases gives the excess back at once. After `idleReturnMs` without use, it
   * gives everything back and its lease returns to this size.
   */
  leaseSize?: { openOrders?: number; positionLots?: number };
  /** Give back all unused credit of a limit after this long without an order using it (default 1,000 ms). */
  idleReturnMs?: number;
  /**
   * This host's lease on its credit lasts this long after its last contact with Redis
   * (default 10,000 ms). A host that cannot renew it stops new orders before it ends
   * (RISK_FIRM_FENCED), so an operator may release the credit of a host whose heartbeat has
   * expired knowing it sends no new orders; it trades again once Redis is back.
   */
  leaseTtlMs?: number;
  /** A connect or a command that has no answer in this long counts as failed (default 2,000 ms). */
  timeoutMs?: number;
  /**
   * Called on this router's thread (when its event loop turns) when the firm layer's state
   * changes: Redis lost or back, fenced, halted, resumed. The agent also logs each to stderr.
   */
  onEvent?: (event: FirmEvent) => void;
}

/** What `FirmConfig` resolves to (all defaults applied, symbols mapped to lines). */
export interface FirmPlan {
  redis: FirmRedis;
  host: string;
  openOrders: number; // 0: no firm open-order limit
  openLease: number;
  /** Per symbol id: the position limit in lots (0: none). */
  positionLots: number[];
  positionLease: number[];
  symbols: string[];
  idleReturnMs: number;
  leaseTtlMs: number;
  timeoutMs: number;
}

/** The local credit counters are 32-bit: a lease larger than this is refused at create. */
export const MAX_LEASE = 0x3fffffff;

/** Check a FirmConfig against the router's symbols; typed errors for every bad value (cold path, at create). */
export function planFirm(config: FirmConfig, symbols: readonly string[]): FirmPlan {
  const bad = (what: string, value: unknown): never => {
    throw new ConfigurationError('ERR_INVALID_ARGUMENT', `firm: ${what}`, value);
  };
  if (typeof config !== 'object' || config === null) bad('RouterConfig.firm must be an object', config);
  if (typeof config.redis !== 'string' && (typeof config.redis !== 'object' || config.redis === null)) bad('redis is a redis:// URL or ioredis options', config.redis);
  if (typeof config.host !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(config.host)) bad('host is 1 to 64 letters, digits, dots, dashes or underscores', config.host);
  const limits = config.limits ?? bad('limits are required (openOrders, positionLots)', config.limits);
  const whole = (value: unknown, what: string): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) bad(`${what} is a positive integer`, value);
    return value as number;
  };
  const ms = (value: number | undefined, fallback: number, what: string): number => (value === undefined ? fallback : whole(value, what));
  const openOrders = limits.openOrders === undefined ? 0 : whole(limits.openOrders, 'limits.openOrders');
  const positionLots = symbols.map(() => 0);
  if (typeof limits.positionLots === 'number') positionLots.fill(whole(limits.positionLots, 'limits.positionLots'));
  else if (limits.positionLots !== undefined) {
    for (const [symbol, value] of Object.entries(limits.positionLots)) {
      const id = symbols.indexOf(symbol);
      if (id < 0) bad(`limits.positionLots names ${symbol}, which is not an instrument of this router`, symbol);
      positionLots[id] = whole(value, `limits.positionLots.${symbol}`);
    }
  }
  if (openOrders === 0 && positionLots.every((l) => l === 0)) bad('no firm limit configured (limits.openOrders or limits.positionLots)', limits);
  const names = new Map<string, string>();
  positionLots.forEach((lots, s) => {
    if (lots === 0) return;
    const name = positionLimitName(symbols[s]);
    const other = names.get(name);
    if (other !== undefined) bad(`symbols ${other} and ${symbols[s]} would share the firm limit ${name}`, symbols[s]);
    names.set(name, symbols[s]);
  });
  const lease = (size: number | undefined, limit: number, what: string): number => {
    const value = size === undefined ? Math.max(1, Math.floor(limit / 8)) : whole(size, what);
    if (value > MAX_LEASE) bad(`${what} is at most ${MAX_LEASE} (local credit is a 32-bit counter)`, value);
    return Math.min(value, limit);
  };
  const leaseTtlMs = ms(config.leaseTtlMs, 10_000, 'leaseTtlMs');
  if (leaseTtlMs < 300) bad('leaseTtlMs is at least 300 (the heartbeat renews it every third of it)', leaseTtlMs);
  return {
    redis: config.redis,
    host: config.host,
    openOrders,
    openLease: openOrders === 0 ? 0 : lease(config.leaseSize?.openOrders, openOrders, 'leaseSize.openOrders'),
    positionLots,
    positionLease: positionLots.map((l) => (l === 0 ? 0 : lease(config.leaseSize?.positionLots, l, 'leaseSize.positionLots'))),
    symbols: [...symbols],
    idleReturnMs: ms(config.idleReturnMs, 1_000, 'idleReturnMs'),
    leaseTtlMs,
    timeoutMs: ms(config.timeoutMs, 2_000, 'timeoutMs'),
  };
}

/** The Redis limit name of a plan's open-order limit, and of a symbol's position limit. */
export const OPEN_ORDERS_LIMIT = 'open-orders';
export function positionLimitName(symbol: string): string {
  return `position:${symbol.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
