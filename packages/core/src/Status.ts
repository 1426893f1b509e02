/**
 * Hot-path status codes.
 *
 * Every hot-path operation returns a number: a non-negative value is success (a handle,
 * an index, a new state), a negative value is one of the codes below. Nothing on the hot
 * path throws, so a strategy loop can branch on `result < 0` without a try/catch.
 *
 * The numeric values are part of the public contract (they cross threads in rings and
 * appear in logs): never renumber, only append.
 */

/** Success with no payload. */
export const OK = 0;

// --- pools and handles -------------------------------------------------------------
/** The pool has no free slot. Back off, free terminal orders, or size the pool larger. */
export const POOL_EXHAUSTED = -1;
/** The handle's generation no longer matches its slot: the slot was freed (and maybe reused). */
export const STALE_HANDLE = -2;
/** The slot was already freed with this same handle. */
export const DOUBLE_FREE = -3;
/** Not a handle at all: negative, non-integer, or its index is outside the pool. */
export const INVALID_HANDLE = -4;

// --- order state machine -----------------------------------------------------------
/** The event is not allowed in the order's current state; the state is unchanged. */
export const ILLEGAL_TRANSITION = -5;
/** A late or duplicate event that is harmless in the current state (an ack after a fill). */
export const IGNORED_EVENT = -6;
/** A fill larger than the order's leaves quantity; nothing was applied. */
export const OVERFILL = -7;
/** Another thread changed the state so often that the compare-and-set gave up. */
export const CONTENDED = -8;

// --- instrument rules (pre-trade validation) ----------------------------------------
/** Price is NaN, infinite, or outside the exactly representable range. */
export const INVALID_PRICE = -9;
/** Quantity is NaN, infinite, zero, negative or not a whole number of lots. */
export const INVALID_QUANTITY = -10;
/** Price is not a whole number of ticks. */
export const PRICE_OFF_TICK = -11;
/** Quantity is not a whole number of lots. */
export const QUANTITY_OFF_LOT = -12;
/** Quantity is below the instrument's minimum. */
export const QUANTITY_BELOW_MIN = -13;
/** Quantity is above the instrument's maximum. */
export const QUANTITY_ABOVE_MAX = -14;
/** Price times quantity is below the instrument's minimum notional. */
export const NOTIONAL_BELOW_MIN = -15;
/** The symbol (or symbol id) is not in the table. */
export const UNKNOWN_SYMBOL = -16;
/** A replace asked for a quantity below what is already filled. */
export const QUANTITY_BELOW_FILLED = -17;

const NAMES: readonly string[] = [
  'OK',
  'POOL_EXHAUSTED',
  'STALE_HANDLE',
  'DOUBLE_FREE',
  'INVALID_HANDLE',
  'ILLEGAL_TRANSITION',
  'IGNORED_EVENT',
  'OVERFILL',
  'CONTENDED',
  'INVALID_PRICE',
  'INVALID_QUANTITY',
  'PRICE_OFF_TICK',
  'QUANTITY_OFF_LOT',
  'QUANTITY_BELOW_MIN',
  'QUANTITY_ABOVE_MAX',
  'NOTIONAL_BELOW_MIN',
  'UNKNOWN_SYMBOL',
  'QUANTITY_BELOW_FILLED',
];

/** Name of a status code for logs (`statusName(-1) === 'POOL_EXHAUSTED'`). Cold path. */
export function statusName(status: number): string {
  if (status >= 0) return 'OK';
  return NAMES[-status] ?? `STATUS(${status})`;
}
