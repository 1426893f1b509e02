import { Flyweight } from './Flyweight.js';
import { enumName } from './OrderEnums.js';
import {
  EXEC_RECORD_BYTES,
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
  EXEC_LAST_PRICE_TICKS_OFFSET,
  EXEC_LAST_QTY_LOTS_OFFSET,
  EXEC_CUM_QTY_LOTS_OFFSET,
  EXEC_LEAVES_LOTS_OFFSET,
  EXEC_EVENT_TIME_NS_OFFSET,
  EXEC_ORDER_HANDLE_OFFSET,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  EXEC_FLAGS_OFFSET,
} from './layout/ExecutionEventLayout.js';

/** Bits of an execution event's `flags` byte. */
export const ExecFlags = {
  NONE: 0,
  /** The gateway saw this report more than once (the router must not apply it twice). */
  POSSIBLE_DUPLICATE: 1,
  /** Produced by reconciliation after a reconnect rather than live. */
  RECONCILED: 2,
} as const;

/**
 * Flyweight over an execution-event record (see ExecutionEventLayout). Gateways fill one
 * per report, either in an event pool slot or directly in an event ring slot.
 */
export class ExecutionEventFlyweight extends Flyweight {
  constructor() {
    super(EXEC_RECORD_BYTES);
  }

  /** Client order id the event is about. */
  get clientOrderId(): number {
    return this.f64[this.base8 + (EXEC_CLIENT_ORDER_ID_OFFSET >> 3)];
  }
  set clientOrderId(value: number) {
    this.f64[this.base8 + (EXEC_CLIENT_ORDER_ID_OFFSET >> 3)] = value;
  }

  /** Venue's id for the order. */
  get venueOrderId(): number {
    return this.f64[this.base8 + (EXEC_VENUE_ORDER_ID_OFFSET >> 3)];
  }
  set venueOrderId(value: number) {
    this.f64[this.base8 + (EXEC_VENUE_ORDER_ID_OFFSET >> 3)] = value;
  }

  /** FILL: price of this fill; REPLACED: the new limit price. */
  get lastPriceTicks(): number {
    return this.f64[this.base8 + (EXEC_LAST_PRICE_TICKS_OFFSET >> 3)];
  }
  set lastPriceTicks(value: number) {
    this.f64[this.base8 + (EXEC_LAST_PRICE_TICKS_OFFSET >> 3)] = value;
  }

  /** FILL: quantity of this fill. */
  get lastQtyLots(): number {
    return this.f64[this.base8 + (EXEC_LAST_QTY_LOTS_OFFSET >> 3)];
  }
  set lastQtyLots(value: number) {
    this.f64[this.base8 + (EXEC_LAST_QTY_LOTS_OFFSET >> 3)] = value;
  }

  /** Venue's cumulative filled quantity after this event. */
  get cumQtyLots(): number {
    return this.f64[this.base8 + (EXEC_CUM_QTY_LOTS_OFFSET >> 3)];
  }
  set cumQtyLots(value: number) {
    this.f64[this.base8 + (EXEC_CUM_QTY_LOTS_OFFSET >> 3)] = value;
  }

  /** Venue's open quantity after this event. */
  get leavesLots(): number {
    return this.f64[this.base8 + (EXEC_LEAVES_LOTS_OFFSET >> 3)];
  }
  set leavesLots(value: number) {
    this.f64[this.base8 + (EXEC_LEAVES_LOTS_OFFSET >> 3)] = value;
  }

  /** When the gateway produced the event, `nanoTime()` ns. */
  get eventTimeNs(): number {
    return this.f64[this.base8 + (EXEC_EVENT_TIME_NS_OFFSET >> 3)];
  }
  set eventTimeNs(value: number) {
    this.f64[this.base8 + (EXEC_EVENT_TIME_NS_OFFSET >> 3)] = value;
  }

  /** Handle of the order in the order pool (-1 if unknown to the gateway). */
  get orderHandle(): number {
    return this.i32[this.base4 + (EXEC_ORDER_HANDLE_OFFSET >> 2)];
  }
  set orderHandle(value: number) {
    this.i32[this.base4 + (EXEC_ORDER_HANDLE_OFFSET >> 2)] = value;
  }

  /** RejectReason for REJECT, CANCEL_REJECT, REPLACE_REJECT. */
  get rejectReason(): number {
    return this.u16[this.base2 + (EXEC_REJECT_REASON_OFFSET >> 1)];
  }
  set rejectReason(value: number) {
    this.u16[this.base2 + (EXEC_REJECT_REASON_OFFSET >> 1)] = value;
  }

  /** ExecType. */
  get execType(): number {
    return this.u8[this.base1 + EXEC_TYPE_OFFSET];
  }
  set execType(value: number) {
    this.u8[this.base1 + EXEC_TYPE_OFFSET] = value;
  }

  /** Event flags (ExecFlags). */
  get flags(): number {
    return this.u8[this.base1 + EXEC_FLAGS_OFFSET];
  }
  set flags(value: number) {
    this.u8[this.base1 + EXEC_FLAGS_OFFSET] = value;
  }
  /** A plain object of every field with enum names, for logs and debugging (allocates). */
  toJSON(): Record<string, number | string> {
    return {
      execType: enumName('execType', this.execType),
      orderHandle: this.orderHandle,
      clientOrderId: this.clientOrderId,
      venueOrderId: this.venueOrderId,
      lastPriceTicks: this.lastPriceTicks,
      lastQtyLots: this.lastQtyLots,
      cumQtyLots: this.cumQtyLots,
      leavesLots: this.leavesLots,
      rejectReason: enumName('rejectReason', this.rejectReason),
      flags: this.flags,
      eventTimeNs: this.eventTimeNs,
    };
  }
}
