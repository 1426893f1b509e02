import { connect as tcpConnect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ExecType, RejectReason } from '@ringroute/core';
import { createCodec, decodeFrame, ErrorCode, ExchangeBook, loginMessage, Msg, SubmitOutcome } from '@ringroute/gateways';
import { exchange, KEY, rawClient, SECRET, until } from '../../support/exchange.js';

const OTHER_KEY = 'other-key';
const OTHER_SECRET = 'other-secret';
const twoAccounts = { [KEY]: { secret: SECRET, account: 1 }, [OTHER_KEY]: { secret: OTHER_SECRET, account: 2 } };
const newOrder = (id: number, fields: Record<string, number> = {}) => ({ t: Msg.NEW, id, sym: 1, side: 1, type: 1, tif: 1, flags: 0, px: 100, stop: 0, qty: 1, ...fields });
const reports = (c: { received: Record<string, unknown>[] }) => c.received.filter((m) => m.t === Msg.REPORT);

async function loggedIn(server: { url: string }, key = KEY, secret = SECRET) {
  const c = await rawClient(server);
  c.send(loginMessage(key, secret));
  await until(() => c.received.some((m) => m.t === Msg.LOGIN_OK));
  return c;
}

/** A frame that defines a msgpackr record (extension 0x72) at a negative slot, with `keys`, then its values. */
function recordDefinition(slot: number, keys: string[], values: unknown[]): Buffer {
  const codec = createCodec();
  return Buffer.concat([Buffer.from([0xd5, 0x72, 0x40 | (slot & 0x1f), slot >> 5]), codec.pack(keys), ...values.map((v) => codec.pack(v))]);
}

/** A TCP connection to the server that sends `bytes` (or nothing) and reads nothing back. */
async function rawTcp(port: number, bytes = ''): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = tcpConnect(port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  if (bytes !== '') socket.write(bytes);
  return { socket, closed: () => closed };
}

describe('reference exchange: nothing a peer sends is stored or executed beyond its budget (issue 12)', () => {
  it('a frame that defines a record structure is refused before it is decoded: the decoder stores nothing, the message does not execute', async () => {
    const codec = createCodec();
    const table = () => Object.keys((codec as unknown as { structures: object }).structures).length;
    const before = table();
    const keys = Array.from({ length: 2_000 }, (_, i) => `k${i}`);
    for (let slot = 32; slot < 8_192; slot += 97) expect(decodeFrame(codec, recordDefinition(slot, ['t', ...keys], [10, ...keys.map(() => 0)]))).toBeNull();
    expect(table()).toBe(before);

    const server = await exchange();
    try {
      const c = await loggedIn(server);
      // A valid HEARTBEAT spelled as an inline record definition: before, it was answered.
      c.socket.send(recordDefinition(33, ['t', 'ts'], [Msg.HEARTBEAT, 1]));
      c.send({ t: Msg.HEARTBEAT, ts: 2 });
      await until(() => c.received.some((m) => m.t === Msg.HEARTBEAT));
      expect(c.errors()).toEqual([ErrorCode.MALFORMED_FRAME]);
      expect(c.received.filter((m) => m.t === Msg.HEARTBEAT)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a peer that ignores the close frame is cut off after the grace period, not 30 s later, and nothing it sent after is read', async () => {
    const server = await exchange({ limits: { closeGraceMs: 100 } });
    try {
      const c = await rawClient(server);
      // Stop reading: the client's ws never sees the close frame, so never answers it.
      (c.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      c.send(newOrder(1)); // before login: fatal
      c.send(loginMessage(KEY, SECRET));
      const started = Date.now();
      await until(() => server.socketCount === 0, 3_000);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(server.stats.logins).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('sockets are counted and timed from their first byte: unfinished upgrades cannot hold descriptors or keep a real client out', async () => {
    const server = await exchange({ maxPendingConnections: 4, loginTimeoutMs: 300 });
    try {
      // Twenty connections: ten that never send a byte, ten stuck halfway through the HTTP upgrade.
      const held: { socket: Socket; closed: () => boolean }[] = [];
      for (let i = 0; i < 20; i++) held.push(await rawTcp(server.port, i % 2 === 0 ? '' : 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n'));
      await until(() => held.filter((h) => h.closed()).length >= 16, 3_000);
      expect(server.socketCount).toBeLessThanOrEqual(4);
      // A real client still gets in and logs in while they hold their four slots.
      const c = await loggedIn(server);
      expect(c.closed()).toBe(0);
      // And the four left are dropped at the login deadline, counted from their first byte.
      await until(() => held.every((h) => h.closed()), 3_000);
      expect(server.stats.refusedSockets).toBeGreaterThanOrEqual(20);
      expect(server.socketCount).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('QUERY is rate-limited and each replays one page; the STATUS says more remain', async () => {
    const server = await exchange({ limits: { queriesPerSecond: 1, queryBurst: 3, replayPage: 100 } });
    try {
      const c = await loggedIn(server);
      for (let id = 1; id <= 250; id++) c.send({ t: Msg.CANCEL, id }); // 250 CANCEL_REJECTs in the log
      await until(() => reports(c).length === 250);
      c.received.length = 0;
      for (let i = 0; i < 10; i++) c.send({ t: Msg.QUERY, req: i + 1, since: 0 });
      await until(() => c.received.filter((m) => m.t === Msg.STATUS).length + c.errors().length >= 10);
      const statuses = c.received.filter((m) => m.t === Msg.STATUS);
      expect(statuses).toHaveLength(3);
      expect(c.errors()).toEqual(Array(7).fill(ErrorCode.RATE_LIMITED));
      expect(statuses.every((s) => s.seq === 250)).toBe(true);
      expect(reports(c)).toHaveLength(300); // 100 per answered QUERY, oldest first
      expect(reports(c).slice(0, 100).map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    } finally {
      await server.close();
    }
  });

  it('every message type counts against the connection budget: a CANCEL flood beyond it is answered with rate-limit rejects, not executed', async () => {
    const server = await exchange({ limits: { messagesPerSecond: 10, messageBurst: 50 } });
    try {
      const c = await loggedIn(server);
      for (let id = 1; id <= 200; id++) c.send({ t: Msg.CANCEL, id });
      await until(() => reports(c).length === 200);
      const reasons = reports(c).map((r) => r.reason);
      expect(reasons.filter((r) => r === RejectReason.UNKNOWN_ORDER).length).toBeLessThanOrEqual(52);
      expect(reasons.filter((r) => r === RejectReason.RATE_LIMITED).length).toBeGreaterThanOrEqual(148);
      expect(reports(c).every((r) => r.ex === ExecType.CANCEL_REJECT)).toBe(true); // every request still answered
    } finally {
      await server.close();
    }
  });

  it('a client that stops reading is dropped once what waits for it passes the bound; another session trades on', async () => {
    const server = await exchange({ keys: twoAccounts, limits: { maxBufferedBytes: 256 << 10, replayPage: 1_000, queryBurst: 2_000, queriesPerSecond: 2_000 } });
    try {
      const reader = await loggedIn(server, OTHER_KEY, OTHER_SECRET);
      const slow = await loggedIn(server);
      for (let id = 1; id <= 1_000; id++) slow.send({ t: Msg.CANCEL, id });
      await until(() => reports(slow).length === 1_000);
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      // ~35 KB of replay each, 35 MB in all: more than the kernel's socket buffers take on loopback.
      for (let i = 0; i < 1_000; i++) slow.send({ t: Msg.QUERY, req: i + 1, since: 0 });
      await until(() => server.stats.slowConsumers === 1, 5_000);
      reader.send(newOrder(1));
      await until(() => reports(reader).length === 1);
      expect(reports(reader)[0].ex).toBe(ExecType.ACK);
    } finally {
      await server.close();
    }
  });
});

describe('reference exchange: per-account bounds (issue 12)', () => {
  it('one account cannot take the whole book: beyond its open-order limit its NEWs are rejected and the other account trades on', async () => {
    const server = await exchange({ keys: twoAccounts, capacity: 64 }); // two accounts: 32 live orders each by default
    try {
      const greedy = await loggedIn(server);
      for (let id = 1; id <= 40; id++) greedy.send(newOrder(id, { px: 90 - (id % 5) }));
      await until(() => reports(greedy).length === 40);
      const refused = reports(greedy).filter((r) => r.ex === ExecType.REJECT);
      expect(refused.map((r) => r.reason)).toEqual(Array(8).fill(RejectReason.RISK_LIMIT));
      expect(greedy.errors().filter((c) => c === ErrorCode.OPEN_ORDER_LIMIT)).toHaveLength(8);
      const other = await loggedIn(server, OTHER_KEY, OTHER_SECRET);
      for (let id = 1; id <= 32; id++) other.send(newOrder(id, { side: 2, px: 200 }));
      await until(() => reports(other).length === 32);
      expect(reports(other).every((r) => r.ex === ExecType.ACK)).toBe(true);
      // An order of the greedy account ends: it may enter one more.
      greedy.send({ t: Msg.CANCEL, id: 1 });
      greedy.send(newOrder(41));
      await until(() => reports(greedy).length === 42);
      expect(reports(greedy).slice(40).map((r) => r.ex)).toEqual([ExecType.CANCELED, ExecType.ACK]);
    } finally {
      await server.close();
    }
  });

  it('nothing of a finished order is kept but its id, for a bounded window: ids inside it are duplicates, older ones may be used again', () => {
    const book = new ExchangeBook({ symbols: 2, idempotencyWindow: 100 });
    const a = book.account(1);
    const ioc = (id: number) => book.submit(a, id, 1, 1, 1, 2, 0, 100, 0, 1); // IOC on an empty book: ends at once
    for (let id = 1; id <= 5_000; id++) expect(ioc(id)).toBe(SubmitOutcome.ENTERED);
    expect(book.liveOrders).toBe(0);
    expect(a.ids.size).toBe(100);
    expect(ioc(4_990)).toBe(SubmitOutcome.DUPLICATE); // in the window: nothing happens
    expect(ioc(10)).toBe(SubmitOutcome.ENTERED); // long gone: a new order
    // A late cancel of a remembered id is TOO_LATE_TO_CANCEL; of a forgotten one, UNKNOWN_ORDER.
    const before = a.seq;
    book.cancel(a, 4_999);
    book.cancel(a, 20);
    const [late, unknown] = a.log.since(before);
    expect([late.ex, late.reason, unknown.reason]).toEqual([ExecType.CANCEL_REJECT, RejectReason.TOO_LATE_TO_CANCEL, RejectReason.UNKNOWN_ORDER]);
  });
});
