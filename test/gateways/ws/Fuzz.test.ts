import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ExecType, OrderFlyweight, ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { createCodec, decodeFrame, loginMessage, Msg, SeededRandom, type GatewayEvents } from '@ringroute/gateways';
import { exchange, gatewayFor, KEY, SECRET, until } from '../../support/exchange.js';

const FRAMES = 100_000;
const codec = createCodec();
const newMessage = (id: number): Record<string, unknown> => ({ t: Msg.NEW, id, sym: 1, side: 1, type: 1, tif: 1, flags: 0, px: 100, stop: 0, qty: 1 });
const reportMessage = (seq: number, id: number): Record<string, unknown> => ({ t: Msg.REPORT, seq, id, vid: id, ex: ExecType.ACK, px: 0, last: 0, cum: 0, leaves: 1, reason: 0, sym: 0, side: 1 });
const validReport = (seq: number, id: number) => codec.pack(reportMessage(seq, id));
/** Values in range for the field's type but hostile: 64-bit integers (BigInts on decode), extremes, a date (an extension). */
const HOSTILE_VALUES: unknown[] = [5n, 2n ** 63n - 1n, -(2n ** 63n), 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -0, 0xffff_ffff, new Date(0)];
const WEIRD: unknown[] = ['x', -1, 1.5, 2 ** 60, null, true, [1, 2], { a: 1 }, NaN, -(2 ** 53), ''];

/**
 * One hostile frame: random bytes, a truncated or corrupted valid frame, wrong-typed fields,
 * unknown types, maps, scalars; and, aware of the protocol's structure, a valid message with
 * one field made a 64-bit integer or an extreme, an inline record definition, and two
 * messages in one frame.
 */
function hostile(random: SeededRandom, validMessage: (id: number) => Record<string, unknown>): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random.next() * xs.length)];
  const valid = (id: number) => codec.pack(validMessage(id));
  const kind = Math.floor(random.next() * 10);
  const id = 1 + Math.floor(random.next() * 1e6);
  switch (kind) {
    case 0:
      return Buffer.from(Array.from({ length: Math.floor(random.next() * 48) }, () => Math.floor(random.next() * 256)));
    case 1: {
      const v = valid(id);
      return Buffer.from(v.subarray(0, Math.floor(random.next() * v.length)));
    }
    case 2: {
      const v = Buffer.from(valid(id));
      v[Math.floor(random.next() * v.length)] ^= 1 + Math.floor(random.next() * 255);
      return v;
    }
    case 3: // a NEW, CANCEL or REPLACE with a wrong-typed field
      return codec.pack(pick([
        { t: Msg.NEW, id: pick(WEIRD), sym: 1, side: 1, type: 1, tif: 1, flags: 0, px: 100, stop: 0, qty: 1 },
        { t: Msg.NEW, id, sym: pick(WEIRD), side: pick(WEIRD), type: 1, tif: 1, flags: 0, px: pick(WEIRD), stop: 0, qty: pick(WEIRD) },
        { t: Msg.CANCEL, id: pick(WEIRD) },
        { t: Msg.REPLACE, id, px: pick(WEIRD), qty: pick(WEIRD) },
        { t: Msg.QUERY, req: pick(WEIRD), since: pick(WEIRD) },
        { t: Msg.REPORT, seq: pick(WEIRD), id: pick(WEIRD), vid: 0, ex: pick(WEIRD), px: 0, last: 0, cum: 0, leaves: 0, reason: 0, sym: 0, side: 1 },
        { t: Msg.STATUS, req: pick(WEIRD), seq: pick(WEIRD), open: pick(WEIRD) },
      ]));
    case 4:
      return codec.pack({ t: pick([0, 12, 99, -1, 'NEW', Msg.LOGIN_OK, Msg.TOP]), id });
    case 5:
      return codec.pack(pick([new Map([['t', Msg.NEW], ['id', id]]), [Msg.NEW, id], 42, 'text', null, { __proto__: { t: 3 }, id }]));
    case 6:
      return Buffer.from([0xc1, 0xd4, 0x72, 0xff, 0x80 | Math.floor(random.next() * 15)].slice(0, 1 + Math.floor(random.next() * 5)));
    case 7: {
      // Every field of a valid message in turn: a 64-bit integer, an extreme, an extension.
      const m = validMessage(id);
      const field = pick(Object.keys(m).filter((k) => k !== 't'));
      return codec.pack({ ...m, [field]: pick(HOSTILE_VALUES) });
    }
    case 8: {
      // A record definition (extension 0x72) at a random slot, spelling a valid message.
      const m = validMessage(id);
      const slot = Math.floor(random.next() * 8_192);
      const keys = Object.keys(m);
      return Buffer.concat([Buffer.from([0xd5, 0x72, 0x40 | (slot & 0x1f), slot >> 5]), codec.pack(keys), ...keys.map((k) => codec.pack(m[k]))]);
    }
    default:
      // Two valid messages pipelined in one frame: not a message.
      return Buffer.concat([valid(id), valid(id + 1)]);
  }
}

describe('fuzz: malformed, truncated, oversized and wrong-typed frames', () => {
  it(`the exchange survives ${FRAMES.toLocaleString('en')} hostile frames; a well-behaved session beside them loses no order`, async () => {
    const server = await exchange({
      keys: { [KEY]: { secret: SECRET, account: 1 }, good: { secret: 'good-secret', account: 2 } },
      maxFrameBytes: 512,
      limits: { maxMalformed: 5_000, ordersPerSecond: 1e9, orderBurst: 1e9 },
    });
    const random = new SeededRandom(7);
    const good = new WebSocket(server.url);
    const goodReports: number[] = [];
    good.on('message', (data: Buffer) => {
      const m = decodeFrame(codec, data);
      if (m?.t === Msg.REPORT) goodReports.push(m.id as number);
    });
    await new Promise((resolve) => good.once('open', resolve));
    good.send(createCodec().pack(loginMessage('good', 'good-secret')));
    let closes = 0;
    const connect = async () => {
      const s = new WebSocket(server.url);
      s.on('error', () => {});
      s.on('close', () => closes++);
      await new Promise((resolve, reject) => (s.once('open', resolve), s.once('error', reject)));
      s.send(codec.pack(loginMessage(KEY, SECRET)));
      return s;
    };
    try {
      let bad = await connect();
      let goodId = 0;
      for (let sent = 0; sent < FRAMES; ) {
        if (bad.readyState !== WebSocket.OPEN) bad = await connect();
        // A batch, then a round trip so the server keeps up; now and then a frame too big, or a text frame.
        for (let i = 0; i < 500 && bad.readyState === WebSocket.OPEN; i++, sent++) {
          const r = random.next();
          if (r < 0.0005) bad.send(Buffer.alloc(1_024, 0x91));
          else if (r < 0.001) bad.send('{"t":3}');
          else bad.send(hostile(random, newMessage));
        }
        good.send(codec.pack({ t: Msg.NEW, id: ++goodId, sym: 2, side: 1 + (goodId % 2), type: 1, tif: 1, flags: 0, px: 100 + (goodId % 7), stop: 0, qty: 1 }));
        await new Promise((resolve) => setImmediate(resolve));
        await until(() => goodReports.filter((id) => id === goodId).length >= 1, 10_000);
      }
      // Every order of the good session got its outcome; none twice for the same reason.
      expect(new Set(goodReports).size).toBe(goodId);
      expect(server.stats.malformedFrames + server.stats.invalidMessages).toBeGreaterThan(FRAMES / 3);
      expect(good.readyState).toBe(WebSocket.OPEN);
      expect(closes).toBeGreaterThan(0); // oversized, text and too-many-malformed frames closed the offender
    } finally {
      good.terminate();
      await server.close();
    }
  }, 120_000);

  it(`the gateway survives ${FRAMES.toLocaleString('en')} hostile frames from an exchange and still delivers the valid reports`, async () => {
    // A hostile exchange: logs the gateway in, then mixes garbage with the real reports.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const port = (wss.address() as { port: number }).port;
    const random = new SeededRandom(11);
    let peer: WebSocket | null = null;
    wss.on('connection', (socket) => {
      peer = socket;
      socket.once('message', () => socket.send(codec.pack({ t: Msg.LOGIN_OK, account: 1, seq: 0 })));
    });
    const gateway = gatewayFor({ url: `ws://127.0.0.1:${port}` } as never);
    const acked: number[] = [];
    const events = new Proxy({}, { get: (_t, name) => (name === 'ack' ? (_h: number, id: number) => acked.push(id) : () => {}) }) as GatewayEvents;
    const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1024, recordClass: RecordClass.ORDER });
    const order = new OrderFlyweight(pool);
    try {
      await gateway.connect(events);
      const ids = 200;
      for (let id = 1; id <= ids; id++) {
        const handle = pool.allocate();
        order.wrap(handle);
        order.clear();
        order.clientOrderId = id;
        order.quantityLots = 1;
        gateway.submit(handle, order);
      }
      let seq = 0;
      for (let sent = 0; sent < FRAMES; sent += 500) {
        for (let i = 0; i < 500; i++) peer!.send(hostile(random, (id) => reportMessage(1_000_000 + id, id)));
        if (seq < ids) peer!.send(validReport(++seq, seq));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await until(() => acked.length === ids, 10_000);
      expect(acked).toEqual(Array.from({ length: ids }, (_, i) => i + 1));
      expect(gateway.stats.malformed).toBeGreaterThan(FRAMES / 4);
      expect(gateway.stats.connects).toBe(1); // a stray LOGIN_OK never resets the session
      expect(gateway.connected).toBe(true);
    } finally {
      await gateway.disconnect();
      await new Promise((resolve) => wss.close(resolve));
    }
  }, 120_000);
});
