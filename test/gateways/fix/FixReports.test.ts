import { describe, expect, it } from 'vitest';
import { FixDecimal, FixMessage, FixOrders, FixReports, Pending } from '@ringroute/gateways';
import { RecordingEvents } from '../../support/RecordingEvents.js';

const grids = { tick: new FixDecimal({ mantissa: 1, scale: 2 }), lot: new FixDecimal({ mantissa: 1, scale: 3 }) };

/** An ExecutionReport as parsed from the wire (checksum and length are the framer's; not needed here). */
function er(fields: string): FixMessage {
  const bytes = new Uint8Array(Buffer.from(`8=FIX.4.4\u00019=0\u000135=8\u000134=9\u0001${fields.replaceAll('|', '\u0001')}10=000\u0001`, 'latin1'));
  const m = new FixMessage();
  expect(m.parse(bytes, 0, bytes.length)).toBe(0);
  return m;
}

function setup(negative = false) {
  const orders = new FixOrders(16);
  const reports = new FixReports(orders, () => ({ ...grids, allowNegativePrices: negative }));
  const slot = orders.open(42, 7, 0, 1_000, 10_000); // 1.000 lots at 100.00
  orders.pending[slot] = Pending.NONE;
  return { orders, reports, events: new RecordingEvents() };
}

describe('FIX reports to gateway events (issue 14)', () => {
  it('a fill is applied once: a resend of it (cum not above what was reported) is dropped', () => {
    const { reports, events } = setup();
    const fill = '11=42|37=9|150=F|39=1|31=100.25|32=0.4|14=0.4|151=0.6|';
    reports.onMessage(er(fill), events);
    reports.onMessage(er(`${fill}43=Y|`), events);
    expect(events.take()).toEqual([{ kind: 'fill', handle: 7, id: 42, venueOrderId: 9, price: 10_025, last: 400, cum: 400, leaves: 600 }]);
    expect(reports.stats.duplicates).toBe(1);
  });

  it('hostile numbers are never applied: the order becomes UNKNOWN for reconciliation (negative or zero price, 64-bit and 2^53 quantities, cum and leaves past the order, a negative size)', () => {
    for (const fields of [
      '31=-1.00|32=0.1|14=0.1|151=0.9|',
      '31=0|32=0.1|14=0.1|151=0.9|',
      '31=100|32=0.1|14=18446744073709551.616|151=0|',
      '31=100|32=0.1|14=9007199254740.993|151=0|',
      '31=100|32=0.1|14=0.1|151=5|',
      '31=100|32=-0.1|14=0.1|151=0.9|',
      '31=100|32=0.1|14=0.1|151=-0.9|',
      '31=100.001|32=0.1|14=0.1|151=0.9|',
    ]) {
      const { reports, events } = setup();
      reports.onMessage(er(`11=42|37=9|150=F|39=1|${fields}`), events);
      expect(events.take(), fields).toEqual([{ kind: 'unknown', handle: 7, id: 42 }]);
    }
    // An instrument that trades at negative prices (a spread) takes one.
    const { reports, events } = setup(true);
    reports.onMessage(er('11=42|37=9|150=F|39=1|31=-1.00|32=0.1|14=0.1|151=0.9|'), events);
    expect(events.take()).toMatchObject([{ kind: 'fill', price: -100 }]);
  });

  it('a REPLACED with a quantity past the order limits or cum and leaves that do not add up is not believed', () => {
    for (const fields of ['38=2147483.648|44=101|14=0|151=2147483.648|', '38=2|44=101|14=0|151=3|', '38=2|44=-5|14=0|151=2|']) {
      const { reports, events } = setup();
      reports.onMessage(er(`11=42-1|41=42|37=9|150=5|39=0|${fields}`), events);
      expect(events.take(), fields).toEqual([{ kind: 'unknown', handle: 7, id: 42 }]);
    }
  });
});
