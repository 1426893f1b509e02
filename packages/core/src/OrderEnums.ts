/**
 * Integer enums stored in records. Plain `const` objects (not TS `enum`) so they erase to
 * numbers, switch compiles to jump tables, and each has a name table for logs.
 * Values are wire-stable: never renumber, only append.
 */

export const Side = { BUY: 1, SELL: 2 } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const OrderType = { LIMIT: 1, MARKET: 2, STOP: 3, STOP_LIMIT: 4 } as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export const TimeInForce = { GTC: 1, IOC: 2, FOK: 3, DAY: 4, GTD: 5 } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/** Bit set stored in the order's `flags` byte. */
export const OrderFlags = { NONE: 0, POST_ONLY: 1, REDUCE_ONLY: 2 } as const;

/** Order states. NEW is 0 so a zeroed record is a fresh order. */
export const OrderState = {
  NEW: 0,
  PENDING_NEW: 1,
  ACCEPTED: 2,
  PARTIALLY_FILLED: 3,
  FILLED: 4,
  PENDING_CANCEL: 5,
  CANCELED: 6,
  PENDING_REPLACE: 7,
  REJECTED: 8,
  EXPIRED: 9,
  UNKNOWN: 10,
} as const;
export type OrderState = (typeof OrderState)[keyof typeof OrderState];
export const ORDER_STATE_COUNT = 11;

/** Execution event kinds carried by execution-event records. */
export const ExecType = {
  ACK: 1,
  FILL: 2,
  REJECT: 3,
  CANCELED: 4,
  REPLACED: 5,
  EXPIRED: 6,
  UNKNOWN: 7,
  CANCEL_REJECT: 8,
  REPLACE_REJECT: 9,
} as const;
export type ExecType = (typeof ExecType)[keyof typeof ExecType];

/** Why an order or a request was refused (stored as uint16 in records). */
export const RejectReason = {
  NONE: 0,
  UNKNOWN_SYMBOL: 1,
  INVALID_PRICE: 2,
  PRICE_OFF_TICK: 3,
  INVALID_QUANTITY: 4,
  QUANTITY_OFF_LOT: 5,
  QUANTITY_BELOW_MIN: 6,
  QUANTITY_ABOVE_MAX: 7,
  NOTIONAL_BELOW_MIN: 8,
  UNKNOWN_ORDER: 9,
  TOO_LATE_TO_CANCEL: 10,
  POST_ONLY_WOULD_CROSS: 11,
  FOK_NOT_FILLABLE: 12,
  NO_LIQUIDITY: 13,
  RATE_LIMITED: 14,
  RISK_LIMIT: 15,
  DUPLICATE_ORDER_ID: 16,
  SELF_TRADE: 17,
  KILL_SWITCH: 18,
  VENUE_UNAVAILABLE: 19,
  STALE_HANDLE: 20,
  UNSUPPORTED: 21,
  INTERNAL_ERROR: 22,
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

function namesOf(table: Record<string, number>): readonly string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(table)) names[value] = name;
  return names;
}

const NAME_TABLES = {
  side: namesOf(Side),
  orderType: namesOf(OrderType),
  timeInForce: namesOf(TimeInForce),
  orderState: namesOf(OrderState),
  execType: namesOf(ExecType),
  rejectReason: namesOf(RejectReason),
};

/** Name of an enum value for logs; `?<n>` for a value outside the table. Cold path. */
export function enumName(kind: keyof typeof NAME_TABLES, value: number): string {
  return NAME_TABLES[kind][value] ?? `?${value}`;
}

/** True for FILLED, CANCELED, REJECTED and EXPIRED: no event may move the order again. */
export function isTerminalState(state: number): boolean {
  return state === OrderState.FILLED || state === OrderState.CANCELED || state === OrderState.REJECTED || state === OrderState.EXPIRED;
}
