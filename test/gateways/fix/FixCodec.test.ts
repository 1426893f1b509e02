import { describe, expect, it } from 'vitest';
import { OrderFlags, OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, Side, SlabPool, TimeInForce } from '@ringroute/core';
import {
  asciiBytes,
  byteSum,
  FixDecimal,
  fixFields,
  FixFramer,
  fixInstrument,
  FixMessage,
  FixOrderEncoder,
  FixParseError,
  FixTimestampWriter,
  FixWriter,
  Framed,
  MsgType,
  readUtcTimestamp,
  SeededRandom,
  Tag,
} from '@ringroute/gateways';
import { fixFrame, fixStamp } from '../../support/fixText.js';

const SOHS = '\u0001';
const text = (b: Uint8Array, from = 0, to = b.length): string => Buffer.from(b.subarray(from, to)).toString('latin1');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replaceAll('|', SOHS), 'latin1'));

const frame = fixFrame;

function writeOrder(w: FixWriter, seq: number, price: number, grid: FixDecimal, ms: number): number {
  w.open(MsgType.NEW_ORDER_SINGLE).bytes(Tag.SenderCompID, asciiBytes('RINGROUTE', 'SenderCompID')).bytes(Tag.TargetCompID, asciiBytes('EXEC', 'TargetCompID')).int(Tag.MsgSeqNum, seq).timestamp(Tag.SendingTime, ms);
  w.int(Tag.ClOrdID, 4_398_046_511_105).char(Tag.Side, 0x31).decimal(Tag.Price, price, grid);
  return w.close();
}

describe('FIX codec (issue 14)', () => {
  it('writes a message whose BodyLength and CheckSum match an independent computation, field for field', () => {
    const w = new FixWriter();
    const grid = new FixDecimal({ mantissa: 1, scale: 2 });
    const n = writeOrder(w, 7, 6_400_012, grid, Date.UTC(2026, 11, 2, 9, 5, 3, 42));
    const got = text(w.buf, w.start, w.end);
    expect(n).toBe(got.length);
    expect(got).toBe(frame('35=D|49=RINGROUTE|56=EXEC|34=7|52=20261202-09:05:03.042|11=4398046511105|54=1|44=64000.12|'));
  });

  it('sums a CheckSum a word at a time exactly as a byte at a time does: any start, any end, any byte values, messages long enough to fill a lane', () => {
    const rnd = new SeededRandom(14);
    const w = new FixWriter();
    const words = new Int32Array(w.buf.buffer, 0, w.buf.length >> 2);
    for (let round = 0; round < 2_000; round++) {
      // Mostly 0xFF bytes: the largest a lane can gain per word.
      for (let i = 0; i < 9_000; i++) w.buf[i] = rnd.next() < 0.7 ? 255 : Math.floor(rnd.next() * 256);
      const from = Math.floor(rnd.next() * 40);
      const to = from + Math.floor(rnd.next() * (round % 10 === 0 ? 8_900 : 600));
      let naive = 0;
      for (let i = from; i < to; i++) naive += w.buf[i];
      expect(byteSum(w.buf, words, from, to), `[${from}, ${to})`).toBe(naive & 255);
    }
    // Through the writer: bodies of every length from 1 to 3,000 bytes, framed independently.
    for (let length = 1; length <= 3_000; length += 7) {
      const value = '~'.repeat(length);
      w.open(MsgType.HEARTBEAT).bytes(Tag.TestReqID, asciiBytes(value, 'TestReqID'));
      w.close();
      expect(text(w.buf, w.start, w.end)).toBe(frame(`35=0|112=${value}|`));
    }
  });

  it('encodes orders from the flyweight with fields prepared once: a Symbol, or a SecurityID and its source, the account, the venue\'s TimeInForce codes', () => {
    const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 2, recordClass: RecordClass.ORDER });
    const o = new OrderFlyweight(pool);
    o.wrap(pool.allocate());
    o.clear();
    o.clientOrderId = 77;
    o.side = Side.SELL;
    o.ordType = OrderType.LIMIT;
    o.tif = TimeInForce.IOC;
    o.priceTicks = 10_050;
    o.quantityLots = 3;
    const tick = new FixDecimal({ mantissa: 1, scale: 2 });
    const lot = new FixDecimal({ mantissa: 1, scale: 0 });
    const ms = Date.UTC(2026, 11, 2, 9, 5, 3, 42);
    const times = new Float64Array([ms, 0]);
    const encode = (encoder: FixOrderEncoder, names: Parameters<typeof fixInstrument>[2]): string => {
      const w = new FixWriter();
      w.open(MsgType.NEW_ORDER_SINGLE).fields(fixFields([[Tag.SenderCompID, 'A'], [Tag.TargetCompID, 'B']]));
      expect(encoder.newOrder(w, o, fixInstrument(tick, lot, names), times)).toBe(true);
      w.close();
      return text(w.buf, w.start, w.end);
    };
    const stamp = '20261202-09:05:03.042';
    expect(encode(new FixOrderEncoder(), { symbol: 'BTC-USD' })).toBe(frame(`35=D|49=A|56=B|11=77|21=1|55=BTC-USD|54=2|60=${stamp}|38=3|40=2|44=100.50|59=3|`));
    expect(encode(new FixOrderEncoder({ account: 'ACC-9', handlInst: null, timeInForceCodes: { IOC: 'I' } }), { securityId: 'US0378331005', securityIdSource: '4' })).toBe(
      frame(`35=D|49=A|56=B|11=77|1=ACC-9|48=US0378331005|22=4|54=2|60=${stamp}|38=3|40=2|44=100.50|59=I|`),
    );
    expect(encode(new FixOrderEncoder({ handlInst: '2' }), { symbol: 'AAPL', securityId: '037833100' })).toBe(frame(`35=D|49=A|56=B|11=77|21=2|48=037833100|55=AAPL|54=2|60=${stamp}|38=3|40=2|44=100.50|59=3|`));
    // Configuration that cannot be sent is refused when prepared, never on an order.
    expect(() => fixInstrument(tick, lot, {})).toThrow(/Symbol or a SecurityID/);
    expect(() => fixInstrument(tick, lot, { symbol: 'X', securityIdSource: '4' })).toThrow(/SecurityIDSource without/);
    expect(() => fixInstrument(tick, lot, { symbol: 'BTC\u0001USD' })).toThrow(RangeError);
    expect(() => new FixOrderEncoder({ account: '' })).toThrow(/empty/);
    expect(() => new FixOrderEncoder({ account: 'caf\u00e9' })).toThrow(/printable ASCII/);
    expect(() => fixFields([[0, 'x']])).toThrow(/positive/);
  });

  it('a NewOrderSingle written in place equals one built independently, for 5,000 random orders (every type, side, TimeInForce, flag, 53-bit ids and prices of either sign); one that does not fit is refused whole', () => {
    const rnd = new SeededRandom(1414);
    const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 2, recordClass: RecordClass.ORDER });
    const o = new OrderFlyweight(pool);
    o.wrap(pool.allocate());
    const decimal = (units: number, scale: number): string => {
      const digits = (units < 0 ? -BigInt(units) : BigInt(units)).toString().padStart(scale + 1, '0');
      return `${units < 0 ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
    };
    const tick = new FixDecimal({ mantissa: 1, scale: 4 });
    const lot = new FixDecimal({ mantissa: 1, scale: 0 });
    const g = fixInstrument(tick, lot, { symbol: 'ES', securityId: 'ESZ6', securityIdSource: '8' });
    const encoder = new FixOrderEncoder({ account: 'A1' });
    const compIds = fixFields([[Tag.SenderCompID, 'S'], [Tag.TargetCompID, 'T']]);
    const w = new FixWriter();
    const big = (): number => Math.floor(rnd.next() * 2 ** 21) * 2 ** 32 + Math.floor(rnd.next() * 2 ** 32); // up to 2^53
    for (let round = 0; round < 5_000; round++) {
      o.clear();
      o.clientOrderId = rnd.next() < 0.5 ? big() : Math.floor(rnd.next() * 1_000);
      o.side = rnd.next() < 0.5 ? Side.BUY : Side.SELL;
      o.ordType = [OrderType.LIMIT, OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT][Math.floor(rnd.next() * 4)];
      o.tif = [TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.DAY, TimeInForce.GTD][Math.floor(rnd.next() * 5)];
      o.flags = rnd.next() < 0.3 ? OrderFlags.POST_ONLY : 0;
      o.priceTicks = (rnd.next() < 0.2 ? -1 : 1) * (rnd.next() < 0.3 ? big() : Math.floor(rnd.next() * 10_000_000));
      o.stopPriceTicks = Math.floor(rnd.next() * 10_000_000);
      o.quantityLots = 1 + Math.floor(rnd.next() * 2 ** 31);
      const seq = 1 + Math.floor(rnd.next() * 2 ** 31);
      const times = new Float64Array([Date.UTC(2026, 0, 1) + Math.floor(rnd.next() * 4e10), Date.UTC(2027, 0, 1) + Math.floor(rnd.next() * 4e10)]);
      w.n[0] = seq;
      w.n[1] = times[0];
      w.openHeader(MsgType.NEW_ORDER_SINGLE, compIds);
      expect(encoder.newOrder(w, o, g, times)).toBe(true);
      w.close();
      const type = o.ordType;
      let body = `35=D|49=S|56=T|34=${seq}|52=${fixStamp(times[0])}|11=${o.clientOrderId}|1=A1|21=1|48=ESZ6|22=8|55=ES|54=${o.side === Side.BUY ? 1 : 2}|60=${fixStamp(times[0])}|38=${o.quantityLots}|`;
      body += `40=${type === OrderType.MARKET ? 1 : type === OrderType.LIMIT ? 2 : type === OrderType.STOP ? 3 : 4}|`;
      if (type === OrderType.LIMIT || type === OrderType.STOP_LIMIT) body += `44=${decimal(o.priceTicks, 4)}|`;
      if (type === OrderType.STOP || type === OrderType.STOP_LIMIT) body += `99=${decimal(o.stopPriceTicks, 4)}|`;
      body += `59=${({ [TimeInForce.GTC]: 1, [TimeInForce.IOC]: 3, [TimeInForce.FOK]: 4, [TimeInForce.DAY]: 0, [TimeInForce.GTD]: 6 } as Record<number, number>)[o.tif]}|`;
      if (o.tif === TimeInForce.GTD) body += `126=${fixStamp(times[1])}|`;
      if (o.flags === OrderFlags.POST_ONLY) body += '18=6|';
      expect(text(w.buf, w.start, w.end), `round ${round}`).toBe(frame(body));
    }
    // A price past 2^53 on its grid cannot be written: false, and nothing is to be sent.
    o.ordType = OrderType.LIMIT;
    o.priceTicks = 2 ** 53 - 1;
    const coarse = fixInstrument(new FixDecimal({ mantissa: 5, scale: 0 }), lot, { symbol: 'X' });
    w.n[0] = 1;
    w.openHeader(MsgType.NEW_ORDER_SINGLE, compIds);
    expect(encoder.newOrder(w, o, coarse, new Float64Array([0, 0]))).toBe(false);
    // Nor an order id FIX cannot carry (the router's are positive; a hostile flyweight's need not be).
    o.priceTicks = 100;
    for (const bad of [-1, 2 ** 53, Number.NaN]) {
      o.clientOrderId = bad;
      w.n[0] = 1;
      w.openHeader(MsgType.NEW_ORDER_SINGLE, compIds);
      expect(encoder.newOrder(w, o, g, new Float64Array([0, 0])), String(bad)).toBe(false);
    }
    o.clientOrderId = 7;
    // A writer too small for the order: the message is refused whole (close is -1), never cut short.
    const small = new FixWriter('FIX.4.4', 160);
    small.n[0] = 1;
    small.n[1] = 0;
    small.openHeader(MsgType.NEW_ORDER_SINGLE, compIds);
    expect(encoder.newOrder(small, o, g, new Float64Array([0, 0]))).toBe(true);
    expect(small.close()).toBe(-1);
    const tiny = new FixWriter('FIX.4.4', 64);
    tiny.n[0] = 1;
    expect(tiny.openHeader(MsgType.HEARTBEAT, compIds).close()).toBe(-1);
  });

  it('writes prices and quantities exactly from units on any grid, and reads them back only when on the grid', () => {
    const cases: [number, number, number, string][] = [
      [1, 2, 10_050, '100.50'],
      [1, 2, -5, '-0.05'],
      [5, 1, 3, '1.5'],
      [25, 0, 4, '100'],
      [1, 8, 1, '0.00000001'],
      [1, 0, 0, '0'],
      [1, 3, 123_456_789_012, '123456789.012'],
    ];
    for (const [mantissa, scale, units, expected] of cases) {
      const grid = new FixDecimal({ mantissa, scale });
      const buf = new Uint8Array(64);
      const end = grid.write(buf, 3, units);
      expect(text(buf, 3, end)).toBe(expected);
      expect(grid.read(buf, 3, end)).toBe(units);
    }
    const cents = new FixDecimal({ mantissa: 1, scale: 2 });
    const read = (s: string): number => cents.read(bytes(s), 0, s.length);
    expect(read('100.5')).toBe(10_050);
    expect(read('00100.500000000000000000000000000')).toBe(10_050); // trailing zeros cost nothing
    expect(read('-0')).toBe(0);
    expect(read(`${'0'.repeat(400)}1.25`)).toBe(125); // leading zeros cost nothing either
    expect(read('1'.repeat(400))).toBeNaN(); // past 2^53 (and past a double's range)
    expect(read('-.5')).toBe(-50);
    for (const bad of ['100.505', '1e5', '', '-', '.', '1.2.3', '+5', '12a', ' 12', '18446744073709551616', '9007199254740993', '0.000000000000000000000001']) {
      expect(read(bad), bad).toBeNaN();
    }
    // Past 2^53 when scaled: refused, nothing written.
    expect(cents.write(new Uint8Array(64), 0, 2 ** 53)).toBe(-1);
    const w = new FixWriter();
    w.open(MsgType.NEW_ORDER_SINGLE);
    expect(w.decimal(Tag.Price, 2 ** 60, cents)).toBe(false);
    expect(w.close()).toBeGreaterThan(0);
    expect(text(w.buf, w.start, w.end)).toBe(frame('35=D|'));
  });

  it('writes and reads UTCTimestamps with no Date, for any instant from 1970 to 2200 (checked against Date)', () => {
    const writer = new FixTimestampWriter();
    const random = new SeededRandom(14);
    const buf = new Uint8Array(32);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(random.next() * Date.UTC(2200, 0, 1));
      const end = writer.write(buf, 0, ms);
      const iso = new Date(ms).toISOString(); // 2026-12-02T09:05:03.042Z
      expect(text(buf, 0, end)).toBe(`${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`);
      expect(readUtcTimestamp(buf, 0, end)).toBe(ms);
    }
    const read = (s: string): number => readUtcTimestamp(bytes(s), 0, s.length);
    expect(read('20261202-09:05:03')).toBe(Date.UTC(2026, 11, 2, 9, 5, 3));
    expect(read('20261202-09:05:03.123456789')).toBe(Date.UTC(2026, 11, 2, 9, 5, 3, 123));
    for (const bad of ['20261302-09:05:03', '20261202-24:00:00', '20261202-09:60:00', '20261202 09:05:03', '20261202-09:05:03.', '2026120-09:05:03', 'x0261202-09:05:03', '20261202-09:05:03.1234567890']) {
      expect(read(bad), bad).toBeNaN();
    }
  });

  it('reads integers straight from the bytes: 64-bit and out-of-range values are NaN, never a rounded number', () => {
    const m = new FixMessage();
    const msg = bytes(frame('35=8|34=12|14=18446744073709551615|151=9007199254740991|32=-3|38=|31=12a|'));
    expect(m.parse(msg, 0, msg.length)).toBe(FixParseError.OK);
    expect(m.msgType).toBe(MsgType.EXECUTION_REPORT);
    expect(m.seqNum).toBe(12);
    expect(m.int(14)).toBeNaN();
    expect(m.int(151)).toBe(2 ** 53 - 1);
    expect(m.int(32)).toBe(-3);
    expect(m.int(38)).toBeNaN();
    expect(m.int(31)).toBeNaN();
    expect(m.int(999)).toBeNaN();
    for (const [body, code] of [
      ['35=8|34=0|', FixParseError.BAD_SEQ_NUM],
      ['35=8|34=99999999999999999999|', FixParseError.BAD_SEQ_NUM],
      ['35=8|', FixParseError.BAD_SEQ_NUM],
      ['49=X|34=1|', FixParseError.NO_MSG_TYPE],
      ['35=8|34=1|novalue|', FixParseError.MALFORMED_FIELD],
      ['35=8|34=1|=5|', FixParseError.MALFORMED_FIELD],
      ['35=8|34=1|99999999999=5|', FixParseError.MALFORMED_FIELD],
      ['35=8|34=1|1000000000=5|', FixParseError.MALFORMED_FIELD], // 10 digits
      ['35=8|34=1|0123=5|', FixParseError.MALFORMED_FIELD],
      ['35=8|34=1|12a=5|', FixParseError.MALFORMED_FIELD],
      ['35=8|34=1|58|', FixParseError.MALFORMED_FIELD],
      ['35=8|34=1|999999999=5|', FixParseError.OK], // 9 digits: a tag
      [`35=8|34=1|${'58=x|'.repeat(600)}`, FixParseError.TOO_MANY_FIELDS],
    ] as const) {
      const b = bytes(frame(body));
      expect(m.parse(b, 0, b.length), body.slice(0, 30)).toBe(code);
    }
  });

  it('frames a stream: a message split across reads at every byte, several in one read, garbage between them', () => {
    const messages = [frame('35=0|34=1|'), frame('35=8|34=2|11=5|39=0|150=0|'), frame('35=1|34=3|112=TEST|')];
    const stream = bytes(`${messages[0]}garbage${messages[1]}${messages[2]}`);
    for (let cut = 1; cut < stream.length; cut++) {
      const f = new FixFramer();
      const m = new FixMessage();
      const seqs: number[] = [];
      for (const piece of [stream.subarray(0, cut), stream.subarray(cut)]) {
        let from = 0;
        while (from < piece.length) {
          from += f.push(piece, from);
          while (f.next(m) === Framed.MESSAGE) seqs.push(m.seqNum);
        }
      }
      expect(seqs, `cut at ${cut}`).toEqual([1, 2, 3]);
      expect(f.stats.garbageBytes).toBe(7);
    }
    // Byte by byte.
    const f = new FixFramer();
    const m = new FixMessage();
    const seqs: number[] = [];
    for (let i = 0; i < stream.length; i++) {
      f.push(stream.subarray(i, i + 1));
      while (f.next(m) === Framed.MESSAGE) seqs.push(m.seqNum);
    }
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('drops and counts a bad checksum, a wrong body length (short and long) and an oversized one, and resumes on the next message', () => {
    const good = (seq: number): string => frame(`35=0|34=${seq}|`);
    const badSum = good(2).replace(/10=\d{3}/, (t) => `10=${String((Number(t.slice(3)) + 1) % 256).padStart(3, '0')}`);
    const shortLength = good(3).replace('9=10', '9=5');
    const longLength = good(4).replace('9=10', '9=40');
    const oversized = good(5).replace('9=10', '9=9999999');
    const stream = bytes(good(1) + badSum + shortLength + longLength + oversized + good(6) + frame('35=0|34=7|x=1|') + good(8));
    const f = new FixFramer(4_096);
    const m = new FixMessage();
    const out: string[] = [];
    f.push(stream);
    for (let r = f.next(m); r !== Framed.NONE; r = f.next(m)) out.push(r === Framed.MESSAGE ? `m${m.seqNum}` : `invalid${f.lastError}`);
    expect(out).toEqual(['m1', 'm6', `invalid${FixParseError.MALFORMED_FIELD}`, 'm8']);
    expect(f.stats).toMatchObject({ messages: 3, badChecksum: 1, oversized: 1, invalid: 1 });
    expect(f.stats.badLength).toBeGreaterThanOrEqual(2);
  });

  it('hostile input: 100,000 mutated, truncated, oversized and wrong-valued messages in random chunks never throw, never yield a message the bytes do not prove, and the stream recovers', () => {
    const seeded = new SeededRandom(4_404);
    const random = { nextInt: (n: number): number => Math.floor(seeded.next() * n) };
    const f = new FixFramer(8_192);
    const m = new FixMessage();
    const cents = new FixDecimal({ mantissa: 1, scale: 2 });
    const templates = [
      '35=8|34=1|49=EXEC|56=RR|52=20261202-09:05:03.042|11=17|37=O1|17=E1|150=F|39=2|54=1|55=BTC-USD|38=1.5|44=100.25|31=100.25|32=1.5|14=1.5|151=0|6=100.25|',
      '35=A|34=1|49=EXEC|56=RR|98=0|108=30|141=Y|',
      '35=2|34=9|7=1|16=0|',
      '35=4|34=3|123=Y|36=10|',
      '35=9|34=4|11=17-c1|41=17|37=O1|39=0|434=1|102=1|',
    ];
    const mutate = (s: string): Uint8Array => {
      const b = Buffer.from(s.replaceAll('|', SOHS), 'latin1');
      const out = Array.from(b);
      const kind = random.nextInt(8);
      if (kind === 0) out[random.nextInt(out.length)] = random.nextInt(256); // a flipped byte
      else if (kind === 1) out.length = random.nextInt(out.length); // truncated
      else if (kind === 2) out.splice(random.nextInt(out.length), 0, ...Buffer.from(`${random.nextInt(1000)}=${'9'.repeat(1 + random.nextInt(30))}\u0001`)); // a hostile number
      else if (kind === 3) out.splice(random.nextInt(out.length), 0, 1, 1); // empty fields
      else if (kind === 4) out.splice(random.nextInt(out.length), 0, ...Buffer.from('8=FIX.4.4\u00019=')); // a second header
      else if (kind === 5) for (let k = 0; k < 3; k++) out[random.nextInt(out.length)] = 48 + random.nextInt(10);
      else if (kind === 6) out.push(...new Array(random.nextInt(3_000)).fill(65)); // a long tail
      return new Uint8Array(out);
    };
    let yielded = 0;
    const verify = (): void => {
      // Every message returned is proved by its own bytes: re-checked independently.
      const s = text(m.buf, m.start, m.end);
      // (BeginString is the session's to check: the framer takes any.)
      expect(frame(s.slice(s.indexOf(SOHS, s.indexOf('9=')) + 1, s.lastIndexOf('10=')).replaceAll(SOHS, '|'), s.slice(2, s.indexOf(SOHS)))).toBe(s);
      m.int(Tag.MsgSeqNum);
      m.units(Tag.Price, cents);
      m.timestamp(Tag.SendingTime);
      yielded++;
    };
    for (let i = 0; i < 100_000; i++) {
      const t = templates[random.nextInt(templates.length)];
      // Mutate either the framed bytes or the body before framing (a valid frame, wrong values).
      const input = random.nextInt(2) === 0 ? mutate(frame(t)) : bytes(frame(text(mutate(t)).replaceAll(SOHS, '|')));
      let from = 0;
      while (from < input.length) {
        const chunk = input.subarray(from, from + 1 + random.nextInt(400));
        let taken = 0;
        while (taken < chunk.length) {
          taken += f.push(chunk, taken);
          for (let r = f.next(m); r !== Framed.NONE; r = f.next(m)) if (r === Framed.MESSAGE) verify();
        }
        from += chunk.length;
      }
      expect(f.pending).toBeLessThanOrEqual(16_384);
    }
    expect(yielded).toBeGreaterThan(10_000);
    // After any of it, valid traffic comes through again within a bounded number of bytes.
    let seen = 0;
    for (let k = 0; k < 1_000; k++) {
      f.push(bytes(frame(`35=0|34=${k + 1}|`)));
      for (let r = f.next(m); r !== Framed.NONE; r = f.next(m)) if (r === Framed.MESSAGE && m.msgType === MsgType.HEARTBEAT) seen = m.seqNum;
    }
    expect(seen).toBe(1_000);
  });
});
