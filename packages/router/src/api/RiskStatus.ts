/** Pre-trade risk refusals (negative statuses; each names the rule that refused). */
export const RISK_ORDER_QUANTITY = -50;
export const RISK_ORDER_NOTIONAL = -51;
export const RISK_PRICE_COLLAR = -52;
export const RISK_OPEN_ORDERS = -53;
export const RISK_POSITION = -54;
export const RISK_ORDER_RATE = -55;
export const RISK_CANCEL_RATE = -56;
export const RISK_KILL_SWITCH = -57;
/** The order would trade against a working order of the same account on the same venue. */
export const RISK_SELF_TRADE = -58;
/** The venue's order rate limit (`VenueConfig.ordersPerSecond`) has no token now: retry later. */
export const RISK_VENUE_ORDER_RATE = -59;
/** The venue's cancel rate limit (`VenueConfig.cancelsPerSecond`) has no token now. */
export const RISK_VENUE_CANCEL_RATE = -60;
/**
 * A price collar or a notional limit is configured, and the check needs the symbol's
 * reference price (`Router.setReferencePrice`), which was never set. A configured limit
 * never passes an order it cannot judge.
 */
export const RISK_NO_REFERENCE_PRICE = -61;
/**
 * The position check could not get a stable view of the shared counters after many
 * attempts (other threads kept changing them). Nothing was reserved; retry.
 */
export const RISK_CONTENDED = -62;
/**
 * Firm layer (`RouterConfig.firm`): this host holds no credit of the firm's open-order
 * limit now. Nothing waited for Redis; the background thread is leasing more (or the firm
 * limit is used up). Retry.
 */
export const RISK_FIRM_OPEN_ORDERS = -63;
/** Firm layer: this host holds too little credit of the symbol's firm position limit on that side now. Retry. */
export const RISK_FIRM_POSITION = -64;
/** Firm layer: the firm kill switch is on (set by a host or `pnpm firm -- halt`). Cancels still go. */
export const RISK_FIRM_HALT = -65;
/**
 * Firm layer: this host has not reached Redis for nearly its lease TTL, so it stops new
 * orders before its lease ends (an operator may then release its credit). Trading resumes
 * when Redis answers again.
 */
export const RISK_FIRM_FENCED = -66;

const NAMES: Record<number, string> = {
  [RISK_ORDER_QUANTITY]: 'RISK_ORDER_QUANTITY',
  [RISK_ORDER_NOTIONAL]: 'RISK_ORDER_NOTIONAL',
  [RISK_PRICE_COLLAR]: 'RISK_PRICE_COLLAR',
  [RISK_OPEN_ORDERS]: 'RISK_OPEN_ORDERS',
  [RISK_POSITION]: 'RISK_POSITION',
  [RISK_ORDER_RATE]: 'RISK_ORDER_RATE',
  [RISK_CANCEL_RATE]: 'RISK_CANCEL_RATE',
  [RISK_KILL_SWITCH]: 'RISK_KILL_SWITCH',
  [RISK_SELF_TRADE]: 'RISK_SELF_TRADE',
  [RISK_VENUE_ORDER_RATE]: 'RISK_VENUE_ORDER_RATE',
  [RISK_VENUE_CANCEL_RATE]: 'RISK_VENUE_CANCEL_RATE',
  [RISK_NO_REFERENCE_PRICE]: 'RISK_NO_REFERENCE_PRICE',
  [RISK_CONTENDED]: 'RISK_CONTENDED',
  [RISK_FIRM_OPEN_ORDERS]: 'RISK_FIRM_OPEN_ORDERS',
  [RISK_FIRM_POSITION]: 'RISK_FIRM_POSITION',
  [RISK_FIRM_HALT]: 'RISK_FIRM_HALT',
  [RISK_FIRM_FENCED]: 'RISK_FIRM_FENCED',
};

export function riskStatusName(status: number): string {
  return NAMES[status] ?? `STATUS(${status})`;
}
