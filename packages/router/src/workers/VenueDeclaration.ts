import { ConfigurationError } from '@ringroute/core';
import { CONTROL_BYTES } from './protocol.js';

/** A rate limit a venue publishes: a token bucket the router keeps for it. */
export interface VenueRateRule {
  /** What the rule counts: new orders and replaces, cancels, or both. */
  readonly kind: 'orders' | 'cancels' | 'all';
  /** One bucket per venue session, or one per symbol on it. */
  readonly scope: 'venue' | 'symbol';
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * What a gateway declares about its venue, read by the router before it enqueues
 * anything: order types and times in force (masks of `1 << OrderType.*` and
 * `1 << TimeInForce.*`), native amend, post-only and reduce-only, and rate limits.
 * (The gateways package's `GatewayCapabilities` and `RateLimitRule` have this shape.)
 */
export interface VenueDeclaration {
  readonly orderTypes: number;
  readonly timeInForce: number;
  readonly amend: boolean;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly rateLimits: readonly VenueRateRule[];
}

/** Most rate rules one venue may declare. */
export const MAX_RATE_RULES = 4;

// Words of the worker's control block (see protocol.ts for the others), written once by
// the worker before it reports RUNNING (the RUNNING store publishes them).
const C_DECLARED = 36; // 1 once a declaration is written
const C_ORDER_TYPES = 37;
const C_TIME_IN_FORCE = 38;
const C_FLAGS = 39; // bit 0 amend, bit 1 post-only, bit 2 reduce-only
const C_RULES = 40; // rule count
const C_RULE_SHAPE = 41; // .. 44: kind (1 orders, 2 cancels, 3 all) | scope (1 venue, 2 symbol) << 8
const F_RULE_RATES = 24; // Float64 index: rule r's perSecond at 24 + 2r, burst at 25 + 2r (bytes 192..255, words 48..63)
const KINDS = { orders: 1, cancels: 2, all: 3 } as const;
const SCOPES = { venue: 1, symbol: 2 } as const;

/** Check a declaration (cold path, in the worker): throws ConfigurationError naming what is wrong. */
export function checkVenueDeclaration(d: VenueDeclaration): void {
  for (const [name, mask] of [['orderTypes', d.orderTypes], ['timeInForce', d.timeInForce]] as const) {
    if (!Number.isInteger(mask) || mask < 0 || mask > 0xff) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `capabilities.${name} must be a bit mask of 1 << value`, mask);
  }
  if (d.rateLimits.length > MAX_RATE_RULES) throw new ConfigurationError('ERR_INVALID_ARGUMENT', `a venue declares at most ${MAX_RATE_RULES} rate limits`, d.rateLimits.length);
  for (const rule of d.rateLimits) {
    if (KINDS[rule.kind] === undefined || SCOPES[rule.scope] === undefined) throw new ConfigurationError('ERR_INVALID_ARGUMENT', "a rate limit's kind is orders, cancels or all, its scope venue or symbol", rule);
    if (!(rule.perSecond > 0) || !Number.isFinite(rule.perSecond) || !(rule.burst >= 1) || !Number.isFinite(rule.burst)) {
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'a rate limit needs perSecond > 0 and burst >= 1, both finite', rule);
    }
  }
}

/** Worker side: write the declaration into the control block. */
export function writeVenueDeclaration(control: SharedArrayBuffer, d: VenueDeclaration): void {
  checkVenueDeclaration(d);
  const i32 = new Int32Array(control, 0, CONTROL_BYTES >> 2);
  const f64 = new Float64Array(control, 0, CONTROL_BYTES >> 3);
  Atomics.store(i32, C_ORDER_TYPES, d.orderTypes);
  Atomics.store(i32, C_TIME_IN_FORCE, d.timeInForce);
  Atomics.store(i32, C_FLAGS, (d.amend ? 1 : 0) | (d.postOnly ? 2 : 0) | (d.reduceOnly ? 4 : 0));
  d.rateLimits.forEach((rule, r) => {
    Atomics.store(i32, C_RULE_SHAPE + r, KINDS[rule.kind] | (SCOPES[rule.scope] << 8));
    f64[F_RULE_RATES + 2 * r] = rule.perSecond;
    f64[F_RULE_RATES + 2 * r + 1] = rule.burst;
  });
  Atomics.store(i32, C_RULES, d.rateLimits.length);
  Atomics.store(i32, C_DECLARED, 1); // last: a reader that sees it sees the rest
}

/** Router side: the declaration a gateway wrote, or null if its task declared nothing (every order allowed). */
export function readVenueDeclaration(control: SharedArrayBuffer): VenueDeclaration | null {
  const i32 = new Int32Array(control, 0, CONTROL_BYTES >> 2);
  if (Atomics.load(i32, C_DECLARED) !== 1) return null;
  const f64 = new Float64Array(control, 0, CONTROL_BYTES >> 3);
  const flags = Atomics.load(i32, C_FLAGS);
  const rules: VenueRateRule[] = [];
  const count = Math.min(MAX_RATE_RULES, Atomics.load(i32, C_RULES));
  for (let r = 0; r < count; r++) {
    const shape = Atomics.load(i32, C_RULE_SHAPE + r);
    rules.push({
      kind: (shape & 0xff) === 1 ? 'orders' : (shape & 0xff) === 2 ? 'cancels' : 'all',
      scope: shape >> 8 === 2 ? 'symbol' : 'venue',
      perSecond: f64[F_RULE_RATES + 2 * r],
      burst: f64[F_RULE_RATES + 2 * r + 1],
    });
  }
  return {
    orderTypes: Atomics.load(i32, C_ORDER_TYPES),
    timeInForce: Atomics.load(i32, C_TIME_IN_FORCE),
    amend: (flags & 1) !== 0,
    postOnly: (flags & 2) !== 0,
    reduceOnly: (flags & 4) !== 0,
    rateLimits: rules,
  };
}
