import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InstrumentTable, nanoTime, OrderType, RejectReason, Side, TimeInForce } from '@ringroute/core';
import { FixFramer, FixGateway, FixMessage, Framed, MsgType, startFixExchange, Tag, type FixExchangeServer, type FixGatewayOptions, SeededRandom } from '@ringroute/gateways';
import { registerGatewayConformance } from '@ringroute/gateways/conformance';
import { RecordingEvents } from '../../support/RecordingEvents.js';
import { OrderBuilder } from '../../support/orders.js';
import { tempDirs } from '../../support/tempDirs.js';
import { until } from '../../support/exchange.js';
import { fixFrame, fixStamp } from '../../support/fixText.js';

const freshDir = tempDirs('rr-fix-exchange-');
const SYMBOLS = [
  { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.001' },
  { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' },
];
let seedIds = 1;

function instruments(): InstrumentTable {
  const table = InstrumentTable.create(4);
  for (const s of SYMBOLS) table.define(s);
  return table;
}

function gatewayFor(server: FixExchangeServer, options: Partial<FixGatewayOptions> = {}): FixGateway {
  return new FixGateway({ port: server.port, senderCompId: 'CLIENT', targetCompId: 'RREX', heartbeatSeconds: 1, reconnectInitialMs: 20, reconnectMaxMs: 100, ...options }, instruments());
}

/** Everything the venue sent before now has arrived: a TestRequest's answer comes after it. */
async function settle(gateway: FixGateway): Promise<void> {
  const id = gateway.session.ping();
  await until(() => {
    gateway.poll(nanoTime());
    return id < 0 || gateway.session.answered(id);
  });
}

const opts = { clients: { CLIENT: { account: 1 }, OTHER: { account: 2 } }, symbols: SYMBOLS };

registerGatewayConformance("FixGateway over loopback to the reference exchange's FIX acceptor", async () => {
  const server = await startFixExchange(opts);
  const gateway = gatewayFor(server);
  return {
    adapter: gateway,
    symbolId: 1,
    priceTicks: 10_000,
    seed: (side, priceTicks, quantityLots) => void server.book.submit(server.book.account(99), seedIds++, 1, side, OrderType.LIMIT, TimeInForce.GTC, 0, priceTicks, 0, quantityLots),
    settle: () => settle(gateway),
    async reconnect() {
      const before = gateway.stats.reconnects;
      gateway.dropForTest();
      await until(() => gateway.stats.reconnects > before && gateway.session.isActive);
    },
    async close() {
      await gateway.disconnect();
      await server.close();
    },
  };
});

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closing.splice(0).reverse()) await c();
});

describe("the reference exchange's FIX acceptor (issue 14)", () => {
  it('restarted on its session store (the book kept, as an exchange restarts): the gateway reconnects and the session continues without a reset; restarted without one, a gateway that resets on Logon carries on', async () => {
    const storeDir = freshDir();
    let server = await startFixExchange({ ...opts, storeDir });
    const book = server.book;
    const gateway = gatewayFor(server, { storeDir: freshDir() });
    const events = new RecordingEvents();
    const b = new OrderBuilder();
    await gateway.connect(events);
    closing.push(() => gateway.disconnect());
    const a = b.make(Side.BUY, 10_000, 5, { symbolId: 1 });
    gateway.submit(a, b.at(a));
    await settle(gateway);
    expect(events.take().map((r) => r.kind)).toEqual(['ack']);
    const seqBefore = gateway.store.nextSenderSeq;
    const port = server.port;
    await server.close();
    server = await startFixExchange({ ...opts, storeDir, book, port });
    closing.push(() => server.close());
    await until(() => gateway.stats.reconnects === 1 && gateway.session.isActive, 10_000);
    expect(gateway.store.nextSenderSeq).toBeGreaterThan(seqBefore); // numbered on, no reset
    // The order rests on: a fill against it reaches the gateway on the new connection.
    book.submit(book.account(99), seedIds++, 1, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 10_000, 0, 5);
    await settle(gateway);
    expect(events.take()).toMatchObject([{ kind: 'fill', id: b.at(a).clientOrderId, cum: 5, leaves: 0 }]);
    expect(server.stats.logons).toBe(1);

    // Without a store on either side: the gateway resets on Logon, and trades on.
    const plain = await startFixExchange(opts);
    closing.push(() => plain.close());
    const resetting = gatewayFor(plain, { resetOnLogon: true });
    await resetting.connect(new RecordingEvents());
    closing.push(() => resetting.disconnect());
    const plainPort = plain.port;
    await plain.close();
    const again = await startFixExchange({ ...opts, port: plainPort });
    closing.push(() => again.close());
    await until(() => resetting.stats.reconnects === 1 && resetting.session.isActive, 10_000);
    expect(resetting.store.nextSenderSeq).toBeLessThan(5);
  }, 30_000);

  it('an account, HandlInst or TimeInForce code FIX cannot carry is refused at construction, a venue name at connect, each with a typed error; one for an instrument defined later rejects that instrument\'s orders (UNKNOWN_SYMBOL) and nothing is thrown on the order path', async () => {
    const server = await startFixExchange(opts);
    closing.push(() => server.close());
    for (const bad of [{ account: '' }, { account: 'caf\u00e9' }, { handlInst: '1\u0001' }, { timeInForceCodes: { IOC: '' } }]) {
      let error: unknown = null;
      try {
        gatewayFor(server, { ...bad, password: 'hunter2' });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad)).toMatchObject({ name: 'ConfigurationError', code: 'ERR_INVALID_ARGUMENT' });
      expect(JSON.stringify((error as { value: unknown }).value) + (error as Error).message).not.toContain('hunter2'); // credentials never in an error
    }
    const empty = gatewayFor(server, { symbols: { 'BTC-USD': { symbol: '' } } });
    await expect(empty.connect(new RecordingEvents())).rejects.toMatchObject({ name: 'ConfigurationError', code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/BTC-USD.*empty/) });
    expect(server.stats.logons).toBe(0); // refused before it connected

    const table = instruments();
    const later = new FixGateway({ port: server.port, senderCompId: 'CLIENT', targetCompId: 'RREX', heartbeatSeconds: 1, symbols: { 'SOL-USD': { symbol: 'SOL\u00e9' } } }, table);
    const events = new RecordingEvents();
    await later.connect(events);
    closing.push(() => later.disconnect());
    const sol = table.define({ symbol: 'SOL-USD', tickSize: '0.01', lotSize: '0.001' }).symbolId;
    const b = new OrderBuilder();
    const bad = b.make(Side.BUY, 10_000, 5, { symbolId: sol });
    later.submit(bad, b.at(bad));
    const good = b.make(Side.BUY, 10_000, 5, { symbolId: 1 });
    later.submit(good, b.at(good));
    await settle(later);
    expect(events.take().map((r) => [r.kind, r.id, (r as { reason?: number }).reason ?? 0])).toEqual([
      ['reject', b.at(bad).clientOrderId, RejectReason.UNKNOWN_SYMBOL],
      ['ack', b.at(good).clientOrderId, 0],
    ]);
  });

  it('hostile input: 100,000 malformed, truncated, oversized and wrong-valued messages on other connections never crash the acceptor, never starve a trading session, and lose none of its orders', async () => {
    const server = await startFixExchange({ ...opts, ordersPerSecond: 1_000_000 });
    closing.push(() => server.close());
    const gateway = gatewayFor(server);
    const events = new RecordingEvents();
    const b = new OrderBuilder();
    await gateway.connect(events);
    closing.push(() => gateway.disconnect());
    const random = new SeededRandom(99);
    const int = (n: number): number => Math.floor(random.next() * n);
    const frame = fixFrame;
    const logon = (seq: number) => frame(`35=A\u000149=OTHER\u000156=RREX\u000134=${seq}\u000152=${fixStamp()}\u000198=0\u0001108=30\u0001`);
    const templates = [
      '35=D\u000111=1\u000155=BTC-USD\u000154=1\u000138=0.001\u000140=2\u000144=100.00\u000159=1\u0001',
      '35=F\u000111=1-1\u000141=1\u000155=BTC-USD\u000154=1\u0001',
      '35=G\u000111=1-2\u000141=1\u000155=BTC-USD\u000154=1\u000138=0.002\u000140=2\u000144=99.99\u0001',
      '35=2\u00017=1\u000116=0\u0001',
      '35=4\u0001123=Y\u000136=9\u0001',
    ];
    const hostile = (seq: number): Buffer => {
      let body = `34=${seq}\u000149=OTHER\u000156=RREX\u000152=20261202-09:00:00.000\u0001${templates[int(templates.length)]}`;
      const kind = int(6);
      if (kind === 0) body = body.replace(/=([0-9.]+)\u0001/, `=${'9'.repeat(20 + int(20))}\u0001`); // a 64-bit and beyond value
      if (kind === 1) body = body.replace(/\u0001[0-9]+=/, '\u0001=');
      let text = frame(`35=${body.slice(body.indexOf('35=') + 3)}`.replace(/^35=([^\u0001]*)\u0001/, (m) => m));
      if (kind === 2) text = text.slice(0, int(text.length));
      if (kind === 3) text = text.replace(/9=\d+/, `9=${int(99_999_999)}`);
      if (kind === 4) text = text.replace(/10=\d{3}/, '10=000');
      return Buffer.from(text, 'latin1');
    };
    let sockets: Socket[] = [];
    const send = async (count: number): Promise<void> => {
      const s = connect({ host: '127.0.0.1', port: server.port });
      sockets.push(s);
      s.on('error', () => {});
      await new Promise((resolve) => s.once('connect', resolve));
      const parts: Buffer[] = [Buffer.from(logon(1), 'latin1')];
      for (let i = 0; i < count; i++) parts.push(hostile(2 + i));
      s.write(Buffer.concat(parts));
    };
    const ids: number[] = [];
    let sent = 0;
    for (let round = 0; round < 20; round++) {
      await send(5_000); // 100,000 in all, 5,000 per connection
      for (let k = 0; k < 5; k++) {
        const h = b.make(Side.BUY, 9_000 + (sent % 50), 1, { symbolId: 1 });
        gateway.submit(h, b.at(h));
        ids.push(b.at(h).clientOrderId);
        sent++;
      }
      gateway.poll(nanoTime());
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (sockets.length > 8) {
        for (const s of sockets) s.destroy();
        sockets = [];
      }
    }
    for (const s of sockets) s.destroy();
    await settle(gateway);
    const acks = events.take().filter((r) => r.kind === 'ack').map((r) => r.id);
    expect(acks.sort((x, y) => x - y)).toEqual(ids.sort((x, y) => x - y)); // every order of the trading session answered
    expect(server.book.openOrders(server.book.account(1)).length / 6).toBe(100);
    expect(server.stats.garbled + server.stats.rejectedMessages).toBeGreaterThan(1_000);
    expect(gateway.session.isActive).toBe(true);
  }, 60_000);

  it('the acceptor reads ClOrdIDs and Symbols from the bytes: ids it cannot take (leading zeros, a zero or missing suffix, past 16 or 9 digits, not digits) and symbols that are only a prefix are rejected; the rest are acknowledged', async () => {
    const server = await startFixExchange(opts);
    closing.push(() => server.close());
    const frame = fixFrame;
    const stamp = fixStamp();
    let seq = 1;
    const header = (type: string): string => `35=${type}|49=OTHER|56=RREX|34=${seq++}|52=${stamp}|`;
    const orders: [string, string, string][] = [
      ['42', 'BTC-USD', '0'],
      ['9007199254740991', 'ETH-USD', '0'], // 2^53 - 1: the largest id
      ['007', 'BTC-USD', '8'],
      ['0', 'BTC-USD', '8'],
      ['12-0', 'BTC-USD', '8'],
      ['12-', 'BTC-USD', '8'],
      ['13-5', 'BTC-USD', '8'], // a suffix on a new order
      ['-5', 'BTC-USD', '8'],
      ['12345678901234567', 'BTC-USD', '8'], // 17 digits
      ['9007199254740993', 'BTC-USD', '8'], // past 2^53
      ['1.5', 'BTC-USD', '8'],
      ['43', 'BTC', '8'], // a prefix of a symbol
      ['44', 'BTC-USDX', '8'],
      ['45', '', '8'],
    ];
    const socket = connect({ host: '127.0.0.1', port: server.port });
    closing.push(async () => void socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    const framer = new FixFramer();
    const m = new FixMessage();
    const reports = new Map<string, string>();
    socket.on('data', (chunk: Buffer) => {
      for (let from = 0; from < chunk.length; ) {
        from += framer.push(chunk, from);
        while (framer.next(m) === Framed.MESSAGE) if (m.msgType === MsgType.EXECUTION_REPORT) reports.set(m.text(Tag.ClOrdID) ?? '', m.text(Tag.ExecType) ?? '');
      }
    });
    let out = frame(`${header('A')}98=0|108=30|`);
    for (const [id, symbol] of orders) out += frame(`${header('D')}11=${id}|55=${symbol}|54=1|38=0.001|40=2|44=100.00|59=1|`);
    socket.write(Buffer.from(out, 'latin1'));
    await until(() => reports.size === orders.length, 5_000);
    expect(orders.map(([id]) => [id, reports.get(id)])).toEqual(orders.map(([id, , exec]) => [id, exec]));
  });

  it('one session per client: a second connection for a CompID that is logged on is closed and the first trades on; a Logon with HeartBtInt 0 keeps its session (the exchange keeps its own interval to find a silent peer)', async () => {
    const server = await startFixExchange(opts);
    closing.push(() => server.close());
    const first = gatewayFor(server);
    const events = new RecordingEvents();
    await first.connect(events);
    closing.push(() => first.disconnect());
    const second = gatewayFor(server, { connectTimeoutMs: 1_000 });
    await expect(second.connect(new RecordingEvents())).rejects.toThrow(/closed before the Logon|no FIX Logon/);
    await second.disconnect();
    const b = new OrderBuilder();
    const h = b.make(Side.BUY, 10_000, 1, { symbolId: 1 });
    first.submit(h, b.at(h));
    await settle(first);
    expect(events.take().map((r) => r.kind)).toEqual(['ack']);

    const raw = connect({ host: '127.0.0.1', port: server.port });
    let received = '';
    let closed = false;
    raw.on('data', (d) => (received += d.toString('latin1')));
    raw.on('close', () => (closed = true));
    raw.on('error', () => {});
    await new Promise((resolve) => raw.once('connect', resolve));
    raw.write(Buffer.from(fixFrame(`35=A|49=OTHER|56=RREX|34=1|52=${fixStamp()}|98=0|108=0|`), 'latin1'));
    await until(() => received.includes('\u000135=A\u0001'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(closed).toBe(false);
    raw.destroy();
  });
});
