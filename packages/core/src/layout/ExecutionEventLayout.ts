import { defineLayout } from './RecordLayout.js';

/**
 * The execution-event record: what a gateway reports about one order (ack, fill,
 * reject, canceled, replaced, expired, unknown, cancel/replace rejects). 64 bytes, one
 * cache line, so an event ring slot and an event pool slot are both one line.
 *
 * Field meaning per type: a FILL carries `lastPriceTicks`/`lastQtyLots` of this fill and
 * the venue's `cumQtyLots`/`leavesLots` after it (which is what lets the router spot a
 * duplicate fill); a REPLACED carries the new price in `lastPriceTicks` and the new
 * quantity as `cumQtyLots + leavesLots`; rejects carry `rejectReason`.
 *
 * DIAGRAM-BEGIN
 * ExecutionEvent: 64 bytes, 1 cache line(s), 64 used
 *        0        1        2        3        4        5        6        7
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *     0 |                             clientOrderId                             |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *     8 |                             venueOrderId                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    16 |                            lastPriceTicks                             |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    24 |                              lastQtyLots                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    32 |                              cumQtyLots                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    40 |                              leavesLots                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    48 |                              eventTimeNs                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    56 |            orderHandle            |  rejectReason   |execType| flags  |
 *       +========+========+========+========+========+========+========+========+
 * DIAGRAM-END
 */
export const EXECUTION_EVENT_LAYOUT = defineLayout(
  'ExecutionEvent',
  [
    { name: 'clientOrderId', type: 'int53', doc: 'Client order id the event is about.' },
    { name: 'venueOrderId', type: 'int53', doc: "Venue's id for the order." },
    { name: 'lastPriceTicks', type: 'int53', doc: 'FILL: price of this fill; REPLACED: the new limit price.' },
    { name: 'lastQtyLots', type: 'int53', doc: 'FILL: quantity of this fill.' },
    { name: 'cumQtyLots', type: 'int53', doc: "Venue's cumulative filled quantity after this event." },
    { name: 'leavesLots', type: 'int53', doc: "Venue's open quantity after this event." },
    { name: 'eventTimeNs', type: 'int53', doc: 'When the gateway produced the event, nanoTime() ns (read once per gateway loop pass: exact to within the pass).' },
    { name: 'orderHandle', type: 'int32', doc: 'Handle of the order in the order pool (-1 if unknown to the gateway).' },
    { name: 'rejectReason', type: 'uint16', doc: 'RejectReason for REJECT, CANCEL_REJECT, REPLACE_REJECT.' },
    { name: 'execType', type: 'uint8', doc: 'ExecType.' },
    { name: 'flags', type: 'uint8', doc: 'Event flags (ExecFlags).' },
  ],
  64,
);

export const EXEC_RECORD_BYTES = EXECUTION_EVENT_LAYOUT.recordBytes;
export const EXEC_CLIENT_ORDER_ID_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('clientOrderId');
export const EXEC_VENUE_ORDER_ID_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('venueOrderId');
export const EXEC_LAST_PRICE_TICKS_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('lastPriceTicks');
export const EXEC_LAST_QTY_LOTS_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('lastQtyLots');
export const EXEC_CUM_QTY_LOTS_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('cumQtyLots');
export const EXEC_LEAVES_LOTS_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('leavesLots');
export const EXEC_EVENT_TIME_NS_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('eventTimeNs');
export const EXEC_ORDER_HANDLE_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('orderHandle');
export const EXEC_REJECT_REASON_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('rejectReason');
export const EXEC_TYPE_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('execType');
export const EXEC_FLAGS_OFFSET = EXECUTION_EVENT_LAYOUT.offsetOf('flags');
