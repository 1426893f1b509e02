import { defineLayout } from './RecordLayout.js';

/**
 * The order record.
 *
 * 128 bytes (two cache lines) rather than 64: the fields that must round-trip exactly up
 * to 2^53 (ids, prices in ticks, quantities in lots, nanosecond timestamps) are 13 eight-
 * byte fields, 104 bytes on their own. Squeezing them into 64 bytes would mean 32-bit
 * quantities or dropping timestamps, both of which a router needs. The record is 128-byte
 * aligned in its pool, so an order owns its two lines and never shares one with another
 * order; the fields touched on every event (quantities, prices, ids) fill line 0.
 *
 * The slot generation is not stored here: it lives in the pool's per-slot control word,
 * the single source of truth that `free()` bumps (see SlabPool), and `OrderFlyweight`
 * exposes it.
 *
 * DIAGRAM-BEGIN
 * Order: 128 bytes, 2 cache line(s), 128 used
 *        0        1        2        3        4        5        6        7
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *     0 |                             clientOrderId                             |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *     8 |                             venueOrderId                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    16 |                              priceTicks                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    24 |                            stopPriceTicks                             |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    32 |                             quantityLots                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    40 |                              filledLots                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    48 |                              leavesLots                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    56 |                           avgFillPriceTicks                           |
 *       +========+========+========+========+========+========+========+========+
 *    64 |                              expireAtNs                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    72 |                               createdNs                               |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    80 |                                sentNs                                 |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    88 |                                 ackNs                                 |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    96 |                             lastUpdateNs                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *   104 |               state               |             symbolId              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *   112 |            strategyId             |             accountId             |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *   120 |     venueId     |  rejectReason   |  side  |ordType |  tif   | flags  |
 *       +========+========+========+========+========+========+========+========+
 * DIAGRAM-END
 */
export const ORDER_LAYOUT = defineLayout(
  'Order',
  [
    { name: 'clientOrderId', type: 'int53', doc: 'Client order id, unique per router; exact to 2^53.' },
    { name: 'venueOrderId', type: 'int53', doc: 'Id the venue assigned (0 until acknowledged).' },
    { name: 'priceTicks', type: 'int53', doc: 'Limit price in ticks of the instrument (may be negative for spreads).' },
    { name: 'stopPriceTicks', type: 'int53', doc: 'Trigger price in ticks for STOP and STOP_LIMIT.' },
    { name: 'quantityLots', type: 'int53', doc: 'Order quantity in lots.' },
    { name: 'filledLots', type: 'int53', doc: 'Cumulative filled quantity in lots.' },
    { name: 'leavesLots', type: 'int53', doc: 'Open quantity in lots: quantityLots - filledLots while working, 0 once done (FIX LeavesQty).' },
    { name: 'avgFillPriceTicks', type: 'float64', doc: 'Volume-weighted average fill price in ticks (fractional).' },
    { name: 'expireAtNs', type: 'int53', doc: 'Expiry for GTD orders, on the nanoTime() clock.' },
    { name: 'createdNs', type: 'int53', doc: 'When the order was created, nanoTime() ns.' },
    { name: 'sentNs', type: 'int53', doc: 'When the order was handed to a gateway, nanoTime() ns.' },
    { name: 'ackNs', type: 'int53', doc: 'When the venue acknowledged it, nanoTime() ns.' },
    { name: 'lastUpdateNs', type: 'int53', doc: 'When the state last changed, nanoTime() ns.' },
    { name: 'state', type: 'int32', doc: 'OrderState. A plain load, exact on the owning thread; other threads use loadState(). Changed only through casState/initState.' },
    { name: 'symbolId', type: 'int32', doc: 'Instrument id from the InstrumentTable.' },
    { name: 'strategyId', type: 'int32', doc: 'Strategy that owns the order.' },
    { name: 'accountId', type: 'int32', doc: 'Account, for self-match prevention and positions.' },
    { name: 'venueId', type: 'uint16', doc: 'Venue the order was routed to.' },
    { name: 'rejectReason', type: 'uint16', doc: 'RejectReason of the last reject (0 if none).' },
    { name: 'side', type: 'uint8', doc: 'Side.BUY or Side.SELL.' },
    { name: 'ordType', type: 'uint8', doc: 'OrderType.' },
    { name: 'tif', type: 'uint8', doc: 'TimeInForce.' },
    { name: 'flags', type: 'uint8', doc: 'OrderFlags bit set (POST_ONLY, REDUCE_ONLY).' },
  ],
  128,
);

export const ORDER_RECORD_BYTES = ORDER_LAYOUT.recordBytes;
export const ORDER_CLIENT_ORDER_ID_OFFSET = ORDER_LAYOUT.offsetOf('clientOrderId');
export const ORDER_VENUE_ORDER_ID_OFFSET = ORDER_LAYOUT.offsetOf('venueOrderId');
export const ORDER_PRICE_TICKS_OFFSET = ORDER_LAYOUT.offsetOf('priceTicks');
export const ORDER_STOP_PRICE_TICKS_OFFSET = ORDER_LAYOUT.offsetOf('stopPriceTicks');
export const ORDER_QUANTITY_LOTS_OFFSET = ORDER_LAYOUT.offsetOf('quantityLots');
export const ORDER_FILLED_LOTS_OFFSET = ORDER_LAYOUT.offsetOf('filledLots');
export const ORDER_LEAVES_LOTS_OFFSET = ORDER_LAYOUT.offsetOf('leavesLots');
export const ORDER_AVG_FILL_PRICE_TICKS_OFFSET = ORDER_LAYOUT.offsetOf('avgFillPriceTicks');
export const ORDER_EXPIRE_AT_NS_OFFSET = ORDER_LAYOUT.offsetOf('expireAtNs');
export const ORDER_CREATED_NS_OFFSET = ORDER_LAYOUT.offsetOf('createdNs');
export const ORDER_SENT_NS_OFFSET = ORDER_LAYOUT.offsetOf('sentNs');
export const ORDER_ACK_NS_OFFSET = ORDER_LAYOUT.offsetOf('ackNs');
export const ORDER_LAST_UPDATE_NS_OFFSET = ORDER_LAYOUT.offsetOf('lastUpdateNs');
export const ORDER_STATE_OFFSET = ORDER_LAYOUT.offsetOf('state');
export const ORDER_SYMBOL_ID_OFFSET = ORDER_LAYOUT.offsetOf('symbolId');
export const ORDER_STRATEGY_ID_OFFSET = ORDER_LAYOUT.offsetOf('strategyId');
export const ORDER_ACCOUNT_ID_OFFSET = ORDER_LAYOUT.offsetOf('accountId');
export const ORDER_VENUE_ID_OFFSET = ORDER_LAYOUT.offsetOf('venueId');
export const ORDER_REJECT_REASON_OFFSET = ORDER_LAYOUT.offsetOf('rejectReason');
export const ORDER_SIDE_OFFSET = ORDER_LAYOUT.offsetOf('side');
export const ORDER_ORD_TYPE_OFFSET = ORDER_LAYOUT.offsetOf('ordType');
export const ORDER_TIF_OFFSET = ORDER_LAYOUT.offsetOf('tif');
export const ORDER_FLAGS_OFFSET = ORDER_LAYOUT.offsetOf('flags');
