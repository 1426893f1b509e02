import { ConfigurationError } from './RingrouteError.js';
import { CONTENDED, IGNORED_EVENT, ILLEGAL_TRANSITION, INVALID_QUANTITY, OVERFILL, QUANTITY_BELOW_FILLED } from './Status.js';
import { ORDER_STATE_COUNT, OrderState } from './OrderEnums.js';
import type { OrderFlyweight } from './OrderFlyweight.js';

/** What can happen to an order. Quantity-carrying events go through `applyFill` / `applyReplaced`. */
export const OrderEvent = {
  SUBMIT: 0,
  ACK: 1,
  REJECT: 2,
  FILL_PARTIAL: 3,
  FILL_FULL: 4,
  CANCEL_REQUEST: 5,
  CANCELED: 6,
  CANCEL_REJECT: 7,
  REPLACE_REQUEST: 8,
  REPLACED: 9,
  REPLACE_REJECT: 10,
  EXPIRE: 11,
  LOST: 12,
} as const;
export type OrderEvent = (typeof OrderEvent)[keyof typeof OrderEvent];
export const ORDER_EVENT_COUNT = 13;

// Table cell values besides a target state.
const X = -1; // illegal: refused and counted
const G = -2; // ignored: a late or duplicate report, harmless, counted separately
const R = -3; // restore: back to the working state implied by the quantities

const {
  NEW,
  PENDING_NEW: PNEW,
  ACCEPTED: ACC,
  PARTIALLY_FILLED: PF,
  FILLED,
  PENDING_CANCEL: PCXL,
  CANCELED: CXL,
  PENDING_REPLACE: PRPL,
  REJECTED: REJ,
  EXPIRED: EXP,
  UNKNOWN: UNK,
} = OrderState;

/*
 * Rows: current state. Columns, in OrderEvent order:
 *              SUBMIT ACK  REJECT FILL_P FILL_F CXL_REQ CXLD  CXL_REJ RPL_REQ RPLD RPL_REJ EXPIRE LOST
 * Fills may arrive before the ack (PENDING_NEW) or while a cancel or replace is pending.
 * A cancel or replace reject never changes an order's state; one that overtakes the ack
 * (PENDING_NEW) is a late report like any other (found by the gateway conformance kit
 * with reordered reports).
 * A cancel or replace outcome sends a working order back to ACCEPTED, PARTIALLY_FILLED
 * or FILLED according to its quantities (R). UNKNOWN is not terminal: reconciliation
 * resolves it with whatever the venue reports. Terminal states accept only harmless
 * late reports (G); anything that contradicts them is illegal.
 */
// prettier-ignore
const TABLE_ROWS: readonly (readonly number[])[] = [
  /* NEW      */ [PNEW, X, REJ, X,    X,      X,    X,   X, X,    X, X, X,   X],
  /* PEND_NEW */ [X,    ACC, REJ, PF, FILLED, X,    CXL, G, X,    X, G, EXP, UNK],
  /* ACCEPTED */ [X,    G, X,   PF,   FILLED, PCXL, CXL, G, PRPL, X, G, EXP, UNK],
  /* PART_FILL*/ [X,    G, X,   PF,   FILLED, PCXL, CXL, G, PRPL, X, G, EXP, UNK],
  /* FILLED   */ [X,    G, X,   X,    X,      X,    X,   G, X,    X, G, X,   G],
  /* PEND_CXL */ [X,    G, X,   PCXL, FILLED, G,    CXL, R, X,    X, G, EXP, UNK],
  /* CANCELED */ [X,    G, X,   X,    X,      G,    G,   G, X,    X, G, G,   G],
  /* PEND_RPL */ [X,    G, X,   PRPL, FILLED, X,    CXL, G, X,    R, R, EXP, UNK],
  /* REJECTED */ [X,    X, G,   X,    X,      X,    X,   G, X,    X, G, X,   G],
  /* EXPIRED  */ [X,    X, X,   X,    X,      G,    G,   G, X,    X, G, G,   G],
  /* UNKNOWN  */ [X,    R, REJ, PF,   FILLED, PCXL, CXL, R, X,    R, R, EXP, G],
];

const TABLE = new Int8Array(ORDER_STATE_COUNT * ORDER_EVENT_COUNT);
if (TABLE_ROWS.length !== ORDER_STATE_COUNT || TABLE_ROWS.some((row) => row.length !== ORDER_EVENT_COUNT)) {
  throw new ConfigurationError('ERR_LAYOUT', 'order transition table shape is wrong', TABLE_ROWS.length);
}
TABLE_ROWS.forEach((row, s) => row.forEach((cell, e) => (TABLE[s * ORDER_EVENT_COUNT + e] = cell)));

/** Counter slots in the shared counters buffer. */
const C_ILLEGAL = 0;
const C_IGNORED = 16; // each counter on its own 64-byte line: threads bump them independently
const C_OVERFILL = 32;
const COUNTER_WORDS = 48;
const MAX_CAS_ATTEMPTS = 64;

/**
 * Applies events to orders through the transition table, with a compare-and-set on the
 * state word, so a late thread cannot overwrite a newer state: if the state changed
 * between read and write, the event is re-judged against the new state.
 *
 * Quantities (filled, leaves, average price) are written by the single thread that
 * processes the order's venue reports, after its state CAS succeeded; other threads
 * only move the state (a cancel request) and re-read quantities after a ring hand-off.
 *
 * Counters live in a SharedArrayBuffer so every thread's illegal and ignored events add
 * up in one place: pass `counters` from one instance to the others.
 */
export class OrderStateMachine {
  /** Shared counters (illegal transitions, ignored events, overfills). */
  readonly counters: SharedArrayBuffer;
  private readonly c: Int32Array;

  constructor(counters?: SharedArrayBuffer) {
    this.counters = counters ?? new SharedArrayBuffer(COUNTER_WORDS * 4);
    if (this.counters.byteLength !== COUNTER_WORDS * 4) {
      throw new ConfigurationError('ERR_BUFFER_SIZE', `state machine counters need ${COUNTER_WORDS * 4} bytes`, this.counters);
    }
    this.c = new Int32Array(this.counters);
  }

  /**
   * Pure table lookup: the state `event` leads to from `state`, or ILLEGAL_TRANSITION /
   * IGNORED_EVENT. `restoreTo` is the working state used where the table says "restore".
   */
  static next(state: number, event: number, restoreTo: number): number {
    if (state < 0 || state >= ORDER_STATE_COUNT || event < 0 || event >= ORDER_EVENT_COUNT) return ILLEGAL_TRANSITION;
    const cell = TABLE[state * ORDER_EVENT_COUNT + event];
    if (cell >= 0) return cell;
    if (cell === R) return restoreTo;
    return cell === G ? IGNORED_EVENT : ILLEGAL_TRANSITION;
  }

  /**
   * Apply an event that carries no quantity (SUBMIT, ACK, REJECT, CANCEL_REQUEST,
   * CANCELED, CANCEL_REJECT, REPLACE_REQUEST, REPLACE_REJECT, EXPIRE, LOST).
   * Returns the new state, or ILLEGAL_TRANSITION, IGNORED_EVENT, CONTENDED.
   */
  apply(order: OrderFlyweight, event: number, nowNs: number): number {
    if (event === OrderEvent.FILL_PARTIAL || event === OrderEvent.FILL_FULL || event === OrderEvent.REPLACED) {
      return this.illegal(); // these need quantities: applyFill / applyReplaced
    }
    return this.transition(order, event, restoreState(order.filledLots, order.leavesLots), nowNs);
  }

  /**
   * Apply a fill of `lastQtyLots` at `lastPriceTicks`. Returns the new state, or
   * INVALID_QUANTITY, OVERFILL (more than the leaves: nothing applied), or a table status.
   */
  applyFill(order: OrderFlyweight, lastQtyLots: number, lastPriceTicks: number, nowNs: number): number {
    if (!Number.isSafeInteger(lastQtyLots) || lastQtyLots <= 0) return INVALID_QUANTITY;
    const leaves = order.leavesLots;
    if (lastQtyLots > leaves) {
      Atomics.add(this.c, C_OVERFILL, 1);
      return OVERFILL;
    }
    const event = lastQtyLots === leaves ? OrderEvent.FILL_FULL : OrderEvent.FILL_PARTIAL;
    const result = this.transition(order, event, 0, nowNs);
    if (result < 0) return result;
    const filled = order.filledLots;
    const newFilled = filled + lastQtyLots;
    order.avgFillPriceTicks = (order.avgFillPriceTicks * filled + lastPriceTicks * lastQtyLots) / newFilled;
    order.filledLots = newFilled;
    order.leavesLots = leaves - lastQtyLots;
    return result;
  }

  /**
   * Apply the venue's confirmation of a replace: new total quantity and price. Returns the
   * new state, QUANTITY_BELOW_FILLED (nothing applied), INVALID_QUANTITY or a table status.
   */
  applyReplaced(order: OrderFlyweight, newQuantityLots: number, newPriceTicks: number, nowNs: number): number {
    if (!Number.isSafeInteger(newQuantityLots) || newQuantityLots <= 0) return INVALID_QUANTITY;
    const filled = order.filledLots;
    if (newQuantityLots < filled) return QUANTITY_BELOW_FILLED;
    const leaves = newQuantityLots - filled;
    const result = this.transition(order, OrderEvent.REPLACED, restoreState(filled, leaves), nowNs);
    if (result < 0) return result;
    order.quantityLots = newQuantityLots;
    order.leavesLots = leaves;
    order.priceTicks = newPriceTicks;
    return result;
  }

  /** Illegal transitions seen by every thread sharing these counters. */
  get illegalCount(): number {
    return Atomics.load(this.c, C_ILLEGAL);
  }

  /** Ignored (late or duplicate) events. */
  get ignoredCount(): number {
    return Atomics.load(this.c, C_IGNORED);
  }

  /** Fills refused because they exceeded the leaves quantity. */
  get overfillCount(): number {
    return Atomics.load(this.c, C_OVERFILL);
  }

  private transition(order: OrderFlyweight, event: number, restoreTo: number, nowNs: number): number {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const state = order.state;
      const next = OrderStateMachine.next(state, event, restoreTo);
      if (next < 0) {
        Atomics.add(this.c, next === IGNORED_EVENT ? C_IGNORED : C_ILLEGAL, 1);
        return next;
      }
      if (order.casState(state, next)) {
        order.lastUpdateNs = nowNs;
        if (next === OrderState.CANCELED || next === OrderState.EXPIRED || next === OrderState.REJECTED) {
          order.leavesLots = 0;
        }
        return next;
      }
    }
    return CONTENDED;
  }

  private illegal(): number {
    Atomics.add(this.c, C_ILLEGAL, 1);
    return ILLEGAL_TRANSITION;
  }
}

/** The working state an order's quantities imply. */
function restoreState(filledLots: number, leavesLots: number): number {
  if (leavesLots === 0 && filledLots > 0) return OrderState.FILLED;
  return filledLots > 0 ? OrderState.PARTIALLY_FILLED : OrderState.ACCEPTED;
}
