import { OrderType, TimeInForce, type OrderFlyweight } from '@ringroute/core';

/** Bit for an OrderType or TimeInForce value in a capability mask: `bit(OrderType.LIMIT)`. */
export function bit(value: number): number {
  return 1 << value;
}

/** Masks for the common cases. */
export const ALL_ORDER_TYPES = bit(OrderType.LIMIT) | bit(OrderType.MARKET) | bit(OrderType.STOP) | bit(OrderType.STOP_LIMIT);
export const ALL_TIME_IN_FORCE = bit(TimeInForce.GTC) | bit(TimeInForce.IOC) | bit(TimeInForce.FOK) | bit(TimeInForce.DAY) | bit(TimeInForce.GTD);

/** What a venue accepts; the router refuses anything else before it reaches the adapter. */
export interface GatewayCapabilities {
  /** Mask of `bit(OrderType.*)`. */
  readonly orderTypes: number;
  /** Mask of `bit(TimeInForce.*)`. */
  readonly timeInForce: number;
  /** Native replace (amend); without it the router cancels and resubmits. */
  readonly amend: boolean;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
}

/** A rate limit the router honours for this venue (token bucket). */
export interface RateLimitRule {
  /** What the rule counts. */
  readonly kind: 'orders' | 'cancels' | 'all';
  /** Per venue session, or per symbol on it. */
  readonly scope: 'venue' | 'symbol';
  /** Sustained rate. */
  readonly perSecond: number;
  /** Bucket size: how many may go at once after a quiet spell. */
  readonly burst: number;
}

/**
 * How an adapter reports. Every method takes the order's pool handle (as received with the
 * command; -1 if the venue reports an order the adapter cannot map) and its client order
 * id, and only primitives, so implementations write straight into the event ring.
 * Quantities are lots, prices ticks, reasons `RejectReason` values.
 */
export interface GatewayEvents {
  ack(handle: number, clientOrderId: number, venueOrderId: number): void;
  fill(handle: number, clientOrderId: number, venueOrderId: number, priceTicks: number, lastLots: number, cumLots: number, leavesLots: number): void;
  reject(handle: number, clientOrderId: number, reason: number): void;
  canceled(handle: number, clientOrderId: number, venueOrderId: number, cumLots: number, reason: number): void;
  replaced(handle: number, clientOrderId: number, venueOrderId: number, priceTicks: number, quantityLots: number, cumLots: number, leavesLots: number): void;
  expired(handle: number, clientOrderId: number, venueOrderId: number, cumLots: number): void;
  cancelReject(handle: number, clientOrderId: number, reason: number): void;
  replaceReject(handle: number, clientOrderId: number, reason: number): void;
  /** The adapter lost track of an order (a disconnect with the order in flight). */
  unknown(handle: number, clientOrderId: number): void;
  /** Best bid and ask for a symbol (NaN price: that side is empty). */
  topOfBook(symbolId: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number): void;
  /**
   * The session to the venue was lost (`up` false) or is back and reconciled (`up` true).
   * The router holds the venue's circuit breaker open while it is down. Optional: an
   * adapter without a session (a simulated venue) never calls it.
   */
  venueStatus?(up: boolean): void;
  /**
   * Every report of the venue up to `sequence` (the venue's own report numbering: the
   * exchange's per-account sequence, FIX's MsgSeqNum) has been reported through these
   * events. Optional; an adapter that calls it lets a router with a journal replay the
   * venue from there after a restart (`reconcile(sinceSequence)`). Call it at most once
   * per loop turn (from `poll`), not per report.
   */
  checkpoint?(sequence: number): void;
  /**
   * During `reconcile`: the venue reported an order the adapter was not given (an ACK for
   * a client order id it does not track). The router decides whether it is one of its own
   * orders whose journal record a crash lost; the adapter reports that order's later
   * events with handle `FOREIGN_HANDLE` until the router hands it over with `recover`.
   */
  foreignOrder?(clientOrderId: number, venueOrderId: number, symbolId: number, side: number, priceTicks: number, quantityLots: number): void;
}

/** An order as the venue knows it, for reconciliation after a reconnect. */
export interface VenueOrderState {
  clientOrderId: number;
  venueOrderId: number;
  /** OrderState as the venue sees it (ACCEPTED, PARTIALLY_FILLED, FILLED, CANCELED, ...). */
  state: number;
  priceTicks: number;
  quantityLots: number;
  cumLots: number;
  leavesLots: number;
}

/** One execution (fill) as the venue logged it, with the venue's sequence number. */
export interface VenueExecution {
  sequence: number;
  clientOrderId: number;
  venueOrderId: number;
  priceTicks: number;
  lastLots: number;
  cumLots: number;
  leavesLots: number;
}

/**
 * An exchange adapter. It runs on a gateway worker thread, inside the gateway host loop:
 * - `connect(events)` once; every report goes to `events`, which writes execution events
 *   into the worker's event ring (and top-of-book into shared memory);
 * - `submit` / `cancel` / `replace` get the order as a flyweight over the shared order
 *   pool, already wrapped at the order's slot: read what you need, do not keep it;
 * - `poll(nowNs)` is called on every loop turn that handled a command, after every park,
 *   and at least every 256th idle turn (microseconds apart while the loop spins; a
 *   parked loop wakes for `nextWakeNs`): adapters with timers or in-process venues do
 *   their work there and return how much they did (0 lets the host idle);
 * - `openOrders()` answers what the venue believes is open, and `executionsSince(seq)`
 *   the fills it logged after a sequence number, so the router can reconcile orders whose
 *   fate is unknown after a reconnect (fills missed while disconnected included).
 * Methods must not throw for bad orders: report `reject` with a reason. If one throws
 * anyway, the host catches it and reports the order as rejected or UNKNOWN.
 */
export interface GatewayAdapter {
  readonly name: string;
  readonly capabilities: GatewayCapabilities;
  readonly rateLimits: readonly RateLimitRule[];
  connect(events: GatewayEvents): Promise<void>;
  disconnect(): Promise<void>;
  submit(handle: number, order: OrderFlyweight): void;
  cancel(handle: number, order: OrderFlyweight): void;
  replace(handle: number, order: OrderFlyweight, newPriceTicks: number, newQuantityLots: number): void;
  poll(nowNs: number): number;
  /**
   * Optional: when the adapter next needs `poll` whatever else happens (`nanoTime()` of a
   * report delay, a heartbeat, a resend timer; Infinity for none). The gateway worker never
   * parks past it, whatever its wait strategy, so timers fire on time without spinning a
   * core. Called only when the worker is about to park.
   */
  nextWakeNs?(nowNs: number): number;
  openOrders(): Promise<VenueOrderState[]>;
  executionsSince(sequence: number): Promise<VenueExecution[]>;
  /**
   * Optional, for recovery after a restart on a journal: the router hands over an order
   * the journal says is live at this venue, wrapped as for `submit` (client order id,
   * venue order id, quantities and state as the journal last knew them). Track it as if
   * it had been sent by this adapter; report nothing yet.
   */
  recover?(handle: number, order: OrderFlyweight): void;
  /**
   * Optional, for recovery: after the last `recover`, settle every recovered order against
   * the venue and report what happened to each while the router was down as ordinary
   * events (fills, cancels, expiries, replaces), replaying the venue's reports after
   * `sinceSequence` (the last `checkpoint` the journal holds; 0 for none). An order the
   * venue does not know is reported per the adapter's documented rule (rejected when the
   * venue's record proves it never arrived, UNKNOWN otherwise). Resolves true when every
   * recovered order was settled, false when the venue could not say (those orders are
   * reported UNKNOWN); must settle within a bounded time. An adapter that needs no I/O
   * (an in-process venue) returns the boolean directly: a worker parked synchronously
   * does not run promise callbacks. Without it, the router reports
   * every order recovered for this venue as UNKNOWN.
   */
  reconcile?(sinceSequence: number): boolean | Promise<boolean>;
}
