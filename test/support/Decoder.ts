import { expect } from 'vitest';
import {
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_CUM_QTY_LOTS_OFFSET,
  EXEC_EVENT_TIME_NS_OFFSET,
  EXEC_LAST_PRICE_TICKS_OFFSET,
  EXEC_LAST_QTY_LOTS_OFFSET,
  EXEC_LEAVES_LOTS_OFFSET,
  EXEC_ORDER_HANDLE_OFFSET,
  EXEC_RECORD_BYTES,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
} from '@ringroute/core';
import { EXECUTION_EVENT_RECORD } from '@ringroute/gateways';
import type { RecordHandler, RingBuffer } from '@ringroute/router';

/** Decodes execution-event records from an event ring with core's offsets (as the router will). */
export interface Decoded {
  type: number;
  handle: number;
  clientOrderId: number;
  venueOrderId: number;
  price: number;
  last: number;
  cum: number;
  leaves: number;
  reason: number;
  timeNs: number;
}

export class Decoder implements RecordHandler {
  events: Decoded[] = [];
  onRecord(typeId: number, ring: RingBuffer, at: number, length: number): void {
    expect(typeId).toBe(EXECUTION_EVENT_RECORD);
    expect(length).toBe(EXEC_RECORD_BYTES);
    this.events.push({
      type: ring.u8[at + EXEC_TYPE_OFFSET],
      handle: ring.i32[(at + EXEC_ORDER_HANDLE_OFFSET) >> 2],
      clientOrderId: ring.f64[(at + EXEC_CLIENT_ORDER_ID_OFFSET) >> 3],
      venueOrderId: ring.f64[(at + EXEC_VENUE_ORDER_ID_OFFSET) >> 3],
      price: ring.f64[(at + EXEC_LAST_PRICE_TICKS_OFFSET) >> 3],
      last: ring.f64[(at + EXEC_LAST_QTY_LOTS_OFFSET) >> 3],
      cum: ring.f64[(at + EXEC_CUM_QTY_LOTS_OFFSET) >> 3],
      leaves: ring.f64[(at + EXEC_LEAVES_LOTS_OFFSET) >> 3],
      reason: ring.u8[at + EXEC_REJECT_REASON_OFFSET] | (ring.u8[at + EXEC_REJECT_REASON_OFFSET + 1] << 8),
      timeNs: ring.f64[(at + EXEC_EVENT_TIME_NS_OFFSET) >> 3],
    });
  }
}

