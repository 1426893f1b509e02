import { availableParallelism } from 'node:os';
import { ConfigurationError } from '@ringroute/core';

/**
 * How the venues' gateways are spread over threads (`RouterConfig.gatewayThreads`):
 * - 'auto': fit the machine: as many gateway threads as the cores left after the
 *   strategy threads, at least one and at most one per venue. With a core or less to
 *   spare, one thread hosts every venue. With more, the venues that wait 'async' (socket
 *   gateways) share one thread and the polling ones (in memory) spread over the rest;
 * - 'dedicated': a thread per venue (the most isolation and the most threads);
 * - a number n: n threads, venue i on thread i mod n;
 * - groups of venue names: each group is one thread; every venue in exactly one group.
 */
export type GatewayThreads = 'auto' | 'dedicated' | number | readonly (readonly string[])[];

/** A chosen layout: for each thread, the indices of the venues it hosts. */
export interface ThreadLayout {
  readonly threads: readonly (readonly number[])[];
  /** Why this layout (printed by the demo): the rule and, for 'auto', the cores it counted. */
  readonly reason: string;
}

/**
 * Choose the gateway threads for `venues` (their names, in configuration order). Cold
 * path: throws ConfigurationError naming what is wrong with a layout.
 *
 * Why 'auto' counts the strategy threads: a gateway thread that is spinning while orders
 * flow and a strategy thread that spins in `poll()` both want a core; more of them than
 * cores and the kernel time-slices them, which costs milliseconds at the tail (measured:
 * docs/threads.md). The journal thread is not counted: it sleeps between writes.
 */
export function planGatewayThreads(
  venues: readonly string[],
  spec: GatewayThreads = 'auto',
  strategyThreads = 1,
  cores = availableParallelism(),
  waitsAsync: readonly boolean[] = [],
): ThreadLayout {
  const n = venues.length;
  if (spec === 'dedicated') return { threads: venues.map((_, i) => [i]), reason: 'dedicated: one thread per venue' };
  if (spec === 'auto') {
    // Every gateway thread spins while orders flow (the socket ones too, turning their
    // event loop), so the count is what the cores allow: more and they time-slice.
    const budget = Math.max(1, cores - strategyThreads);
    const polling = venues.map((_, i) => i).filter((i) => waitsAsync[i] !== true);
    const sockets = venues.map((_, i) => i).filter((i) => waitsAsync[i] === true);
    const plural = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
    const head = `auto: ${plural(cores, 'core')} - ${plural(strategyThreads, 'strategy thread')}`;
    if (sockets.length === 0 || polling.length === 0) {
      const count = Math.min(n, budget);
      return { threads: spread(n, count), reason: `${head} -> ${plural(count, 'gateway thread')}` };
    }
    if (budget === 1) return { threads: [venues.map((_, i) => i)], reason: `${head} -> 1 gateway thread for every venue` };
    const count = Math.min(polling.length, budget - 1);
    const threads = spread(polling.length, count).map((group) => group.map((k) => polling[k]));
    threads.push(sockets);
    return { threads, reason: `${head} -> ${plural(count, 'thread')} for the in-memory venues, 1 for the socket venues` };
  }
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1 || spec > n) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `gatewayThreads must be 'auto', 'dedicated', 1 to ${n} threads, or groups of venue names`, spec);
    return { threads: spread(n, spec), reason: `${spec} thread${spec === 1 ? '' : 's'}, venues in turn` };
  }
  if (!Array.isArray(spec)) throw new ConfigurationError('ERR_INVALID_ARGUMENT', "gatewayThreads must be 'auto', 'dedicated', a thread count, or groups of venue names", spec);
  const index = new Map(venues.map((name, i) => [name, i]));
  const placed = new Uint8Array(n);
  const threads = spec.map((group) => {
    if (!Array.isArray(group) || group.length === 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'every gateway thread hosts at least one venue', spec);
    return group.map((name) => {
      const i = index.get(name);
      if (i === undefined) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `gatewayThreads names a venue that is not configured: ${String(name)}`, name);
      if (placed[i] !== 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `venue ${name} is in more than one gateway thread`, spec);
      placed[i] = 1;
      return i;
    });
  });
  const missing = venues.filter((_, i) => placed[i] === 0);
  if (missing.length > 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `every venue needs a gateway thread; not placed: ${missing.join(', ')}`, spec);
  return { threads, reason: 'explicit groups' };
}

/** Describe a layout with venue names: "[a, b] [c]". */
export function describeThreads(layout: readonly (readonly number[])[], venues: readonly string[]): string {
  return layout.map((group) => `[${group.map((i) => venues[i]).join(', ')}]`).join(' ');
}

function spread(n: number, count: number): number[][] {
  const threads: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < n; i++) threads[i % count].push(i);
  return threads;
}
