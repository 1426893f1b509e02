import { Flyweight } from './Flyweight.js';
import type { SlabPool } from './SlabPool.js';
import { enumName } from './OrderEnums.js';
import { EXEC_RECORD_BYTES } from './layout/ExecutionEventLayout.js';

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
  /** A flyweight over the event records of `pool` (bound for life). */
  constructor(pool: SlabPool) {
    super(EXEC_RECORD_BYTES, pool);
  }

  // GENERATED-BEGIN accessors (pnpm layouts; see renderFlyweightAccessors)
  /** Client order id the event is about. (int53 at byte 0) */
  get clientOrderId(): number {
    return this.f64[this.base8];
  }
  set clientOrderId(value: number) {
    this.f64[this.base8] = value;
  }

  /** Venue's id for the order. (int53 at byte 8) */
  get venueOrderId(): number {
    return this.f64[this.base8 + 1];
  }
  set venueOrderId(value: number) {
    this.f64[this.base8 + 1] = value;
  }

  /** FILL: price of this fill; REPLACED: the new limit price. (int53 at byte 16) */
  get lastPriceTicks(): number {
    return this.f64[this.base8 + 2];
  }
  set lastPriceTicks(value: number) {
    this.f64[this.base8 + 2] = value;
  }

  /** FILL: quantity of this fill. (int53 at byte 24) */
  get lastQtyLots(): number {
    return this.f64[this.base8 + 3];
  }
  set lastQtyLots(value: number) {
    this.f64[this.base8 + 3] = value;
  }

  /** Venue's cumulative filled quantity after this event. (int53 at byte 32) */
  get cumQtyLots(): number {
    return this.f64[this.base8 + 4];
  }
  set cumQtyLots(value: number) {
    this.f64[this.base8 + 4] = value;
  }

  /** Venue's open quantity after this event. (int53 at byte 40) */
  get leavesLots(): number {
    return this.f64[this.base8 + 5];
  }
  set leavesLots(value: number) {
    this.f64[this.base8 + 5] = value;
  }

  /** When the gateway produced the event, nanoTime() ns (read once per gateway loop pass: exact to within the pass). (int53 at byte 48) */
  get eventTimeNs(): number {
    return this.f64[this.base8 + 6];
  }
  set eventTimeNs(value: number) {
    this.f64[this.base8 + 6] = value;
  }

  /** Handle of the order in the order pool (-1 if unknown to the gateway). (int32 at byte 56) */
  get orderHandle(): number {
    return this.i32[this.base4 + 14];
  }
  set orderHandle(value: number) {
    this.i32[this.base4 + 14] = value;
  }

  /** RejectReason for REJECT, CANCEL_REJECT, REPLACE_REJECT. (uint16 at byte 60) */
  get rejectReason(): number {
    return this.u16[this.base2 + 30];
  }
  set rejectReason(value: number) {
    this.u16[this.base2 + 30] = value;
  }

  /** ExecType. (uint8 at byte 62) */
  get execType(): number {
    return this.u8[this.base1 + 62];
  }
  set execType(value: number) {
    this.u8[this.base1 + 62] = value;
  }

  /** Event flags (ExecFlags). (uint8 at byte 63) */
  get flags(): number {
    return this.u8[this.base1 + 63];
  }
  set flags(value: number) {
    this.u8[this.base1 + 63] = value;
  }
  // GENERATED-END accessors

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
