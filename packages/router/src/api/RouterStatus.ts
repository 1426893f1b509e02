import { statusName } from '@ringroute/core';
import { ringStatusName } from '../ring/RingStatus.js';
import { riskStatusName } from './RiskStatus.js';

/** Router statuses (negative, after the ring statuses). */

/** The request names a venue the router does not know. */
export const UNKNOWN_VENUE = -40;
/** No live order has this client order id. */
export const UNKNOWN_ORDER = -41;
/** The order cannot take this request in its current state (not yet acknowledged, or done). */
export const NOT_WORKING = -42;
/** The side, type or time in force is not one the router knows. */
export const INVALID_REQUEST = -43;
/** The venue's circuit breaker is open (consecutive failures or a dead gateway); try another venue or later. */
export const VENUE_UNHEALTHY = -44;
/** The router is stopping or stopped: no new orders. */
export const ROUTER_STOPPED = -45;
/** The venue does not accept this order type, time in force or flag (its gateway's declared capabilities). */
export const VENUE_UNSUPPORTED = -46;

/** The journal's ring is full (its thread is behind the disk): the request was not sent. */
export const JOURNAL_FULL = -47;
/** The journal has not yet made the next block of client order ids durable: the order was not sent; retry shortly. */
export const JOURNAL_BEHIND = -48;
/** The journal thread stopped on an error (disk full, I/O error): no order is sent unjournaled. */
export const JOURNAL_FAILED = -49;

const NAMES: Record<number, string> = {
  [JOURNAL_FULL]: 'JOURNAL_FULL',
  [JOURNAL_BEHIND]: 'JOURNAL_BEHIND',
  [JOURNAL_FAILED]: 'JOURNAL_FAILED',
  [UNKNOWN_VENUE]: 'UNKNOWN_VENUE',
  [UNKNOWN_ORDER]: 'UNKNOWN_ORDER',
  [NOT_WORKING]: 'NOT_WORKING',
  [INVALID_REQUEST]: 'INVALID_REQUEST',
  [VENUE_UNHEALTHY]: 'VENUE_UNHEALTHY',
  [ROUTER_STOPPED]: 'ROUTER_STOPPED',
  [VENUE_UNSUPPORTED]: 'VENUE_UNSUPPORTED',
};

/**
 * Name of any status a router call returns (core, ring, router and risk statuses share
 * one negative numbering), for logs and reports.
 */
export function routerStatusName(status: number): string {
  const unnamed = `STATUS(${status})`;
  for (const name of [NAMES[status], riskStatusName(status), ringStatusName(status), statusName(status)]) {
    if (name !== undefined && name !== unnamed) return name;
  }
  return unnamed;
}
