import { defineLayout } from './RecordLayout.js';

/**
 * One instrument in the shared InstrumentTable: its symbol and its trading rules, so a
 * worker thread can rebuild the same InstrumentSpec the strategy thread uses.
 * Decimals are stored as mantissa and scale (value = mantissa / 10^scale).
 *
 * DIAGRAM-BEGIN
 * Instrument: 128 bytes, 2 cache line(s), 122 used
 *        0        1        2        3        4        5        6        7
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *     0 |                             tickMantissa                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *     8 |                              lotMantissa                              |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    16 |                                minLots                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    24 |                                maxLots                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    32 |                          minNotionalMantissa                          |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    40 |               state               |             tickScale             |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    48 |             lotScale              |         minNotionalScale          |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    56 |nameLeng| flags  |                      name[64]                       |
 *       +========+========+========+========+========+========+========+========+
 *    64 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    72 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    80 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    88 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *    96 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *   104 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *   112 |                               name[64]                                |
 *       +--------+--------+--------+--------+--------+--------+--------+--------+
 *   120 |    name[64]     |                         pad                         |
 *       +========+========+========+========+========+========+========+========+
 * DIAGRAM-END
 */
export const INSTRUMENT_LAYOUT = defineLayout(
  'Instrument',
  [
    { name: 'tickMantissa', type: 'int53' },
    { name: 'lotMantissa', type: 'int53' },
    { name: 'minLots', type: 'int53' },
    { name: 'maxLots', type: 'int53' },
    { name: 'minNotionalMantissa', type: 'int53' },
    { name: 'state', type: 'int32' },
    { name: 'tickScale', type: 'int32' },
    { name: 'lotScale', type: 'int32' },
    { name: 'minNotionalScale', type: 'int32' },
    { name: 'nameLength', type: 'uint8' },
    { name: 'name', type: 'bytes', length: 64 },
    { name: 'flags', type: 'uint8' },
  ],
  128,
);

export const INSTRUMENT_RECORD_BYTES = INSTRUMENT_LAYOUT.recordBytes;
export const INSTRUMENT_TICK_MANTISSA_OFFSET = INSTRUMENT_LAYOUT.offsetOf('tickMantissa');
export const INSTRUMENT_LOT_MANTISSA_OFFSET = INSTRUMENT_LAYOUT.offsetOf('lotMantissa');
export const INSTRUMENT_MIN_LOTS_OFFSET = INSTRUMENT_LAYOUT.offsetOf('minLots');
export const INSTRUMENT_MAX_LOTS_OFFSET = INSTRUMENT_LAYOUT.offsetOf('maxLots');
export const INSTRUMENT_MIN_NOTIONAL_MANTISSA_OFFSET = INSTRUMENT_LAYOUT.offsetOf('minNotionalMantissa');
export const INSTRUMENT_STATE_OFFSET = INSTRUMENT_LAYOUT.offsetOf('state');
export const INSTRUMENT_TICK_SCALE_OFFSET = INSTRUMENT_LAYOUT.offsetOf('tickScale');
export const INSTRUMENT_LOT_SCALE_OFFSET = INSTRUMENT_LAYOUT.offsetOf('lotScale');
export const INSTRUMENT_MIN_NOTIONAL_SCALE_OFFSET = INSTRUMENT_LAYOUT.offsetOf('minNotionalScale');
export const INSTRUMENT_NAME_LENGTH_OFFSET = INSTRUMENT_LAYOUT.offsetOf('nameLength');
export const INSTRUMENT_NAME_OFFSET = INSTRUMENT_LAYOUT.offsetOf('name');
export const INSTRUMENT_NAME_LENGTH = INSTRUMENT_LAYOUT.field('name').length;
export const INSTRUMENT_FLAGS_OFFSET = INSTRUMENT_LAYOUT.offsetOf('flags');
/** Instrument flag: limit prices may be zero or negative (spreads, some futures). */
export const INSTRUMENT_FLAG_NEGATIVE_PRICES = 1;
