import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ExecType, OrderFlyweight, ORDER_RECORD_BYTES, RecordClass, RejectReason, SlabPool } from '@ringroute/core';
import { createCodec, ErrorCode, Msg, type GatewayEvents, type WsGateway } from '@ringroute/gateways';
import { gatewayFor, until } from '../../support/exchange.js';

const codec = createCodec();

/**
 * An exchange that logs the gateway in and then sends whatever the test says. A QUERY is
 * answered by `onQuery` when the test sets one (never, otherwise).
 */
async function hostileExchange() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  let peer: WebSocket | null = null;
  const exchange = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    loginSeq: 0,
    logins: 0,
    onQuery: null as ((req: number, since: number, send: (m: Record<string, unknown>) => void) => void) | null,
    send: (m: Record<string, unknown>) => peer!.send(codec.pack(m)),
    drop: () => peer!.terminate(),
    close: () => new Promise((resolve) => wss.close(resolve)),
  };
  wss.on('connection', (socket) => {
    peer = socket;
    socket.on('message', (data: Buffer) => {
      const m = codec.unpack(data) as Record<string, unknown>;
      if (m.t === Msg.LOGIN) {
        exchange.logins++;
        socket.send(codec.pack({ t: Msg.LOGIN_OK, account: 1, seq: exchange.loginSeq }));
      } else if (m.t === Msg.QUERY) exchange.onQuery?.(m.req as number, m.since as number, (x) => socket.send(codec.pack(x)));
    });
  });
  return exchange;
}

/** Every call the gateway makes on its events, as [name, client order id, ...numbers]. */
function recorder() {
  const calls: unknown[][] = [];
  const events = new Proxy({}, { get: (_t, name) => (...args: unknown[]) => void calls.push([name, ...args.slice(1)]) }) as GatewayEvents;
  return { calls, events };
}

const report = (seq: number, id: number, fields: Record<string, unknown> = {}) => ({ t: Msg.REPORT, seq, id, vid: 7, ex: ExecType.ACK, px: 0, last: 0, cum: 0, leaves: 5, reason: 0, sym: 0, side: 1, ...fields });

describe('WsGateway against a hostile exchange: any field of any message', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function connected(options = {}) {
    const server = await hostileExchange();
    const gateway: WsGateway = gatewayFor({ url: server.url } as never, options);
    const { calls, events } = recorder();
    await gateway.connect(events);
    closers.push(() => gateway.disconnect(), () => server.close()); // the gateway first: ws's server close waits for its connections
    const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 64, recordClass: RecordClass.ORDER });
    const order = new OrderFlyweight(pool);
    const send = (id: number) => {
      const handle = pool.allocate();
      order.wrap(handle);
      order.clear();
      order.clientOrderId = id;
      order.quantityLots = 5;
      gateway.submit(handle, order);
    };
    return { server, gateway, calls, send };
  }

  it('a 64-bit integer (msgpack uint64, decoded as a BigInt) in any report field is a protocol error and an UNKNOWN, never a crash; later valid reports still apply', async () => {
    const { server, gateway, calls, send } = await connected();
    const fields = ['vid', 'px', 'last', 'cum', 'leaves', 'reason', 'ex'];
    fields.forEach((_, i) => send(i + 1));
    let seq = 0;
    fields.forEach((field, i) => server.send(report(++seq, i + 1, { [field]: 5n })));
    // The same orders, then honest reports: they must still arrive.
    fields.forEach((_, i) => server.send(report(++seq, i + 1)));
    await until(() => calls.filter((c) => c[0] === 'ack').length === fields.length);
    expect(calls.filter((c) => c[0] === 'unknown').map((c) => c[1])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(gateway.stats.malformed).toBe(fields.length);
    expect(gateway.connected).toBe(true);
  });

  it('a fill at -1e300, a fill of 0 lots, a negative leaves, a fraction: never applied; the order becomes UNKNOWN', async () => {
    const { server, gateway, calls, send } = await connected();
    for (let id = 1; id <= 4; id++) send(id);
    server.send(report(1, 1, { ex: ExecType.FILL, px: -1e300, last: 1, cum: 1, leaves: 4 }));
    server.send(report(2, 2, { ex: ExecType.FILL, px: 100, last: 0, cum: 0, leaves: 5 }));
    server.send(report(3, 3, { ex: ExecType.FILL, px: 100, last: 1, cum: 1, leaves: -4 }));
    server.send(report(4, 4, { ex: ExecType.FILL, px: 100.5, last: 1, cum: 1, leaves: 4 }));
    server.send(report(5, 1, { ex: ExecType.FILL, px: 100, last: 1, cum: 1, leaves: 4 })); // an honest one after
    await until(() => calls.some((c) => c[0] === 'fill'));
    expect(calls.filter((c) => c[0] === 'unknown').map((c) => c[1])).toEqual([1, 2, 3, 4]);
    expect(calls.filter((c) => c[0] === 'fill')).toEqual([['fill', 1, 7, 100, 1, 1, 4]]);
    expect(gateway.stats.malformed).toBe(4);
  });

  it('a top of book with a 64-bit integer, a negative size or a fractional price is never published', async () => {
    const { server, gateway, calls } = await connected();
    server.send({ t: Msg.TOP, sym: 1, bp: 5n, bq: 1, ap: 101, aq: 1 });
    server.send({ t: Msg.TOP, sym: 1, bp: 100, bq: -3, ap: 101, aq: 1 });
    server.send({ t: Msg.TOP, sym: 1, bp: 100.25, bq: 1, ap: 101, aq: 1 });
    server.send({ t: Msg.TOP, sym: 1, bp: 100, bq: 2, ap: 101, aq: 3 });
    await until(() => calls.some((c) => c[0] === 'topOfBook'));
    expect(calls.filter((c) => c[0] === 'topOfBook')).toEqual([['topOfBook', 100, 2, 101, 3]]);
    expect(gateway.stats.malformed).toBe(3);
  });

  it('a report numbered 2^53 - 1 is a gap, not a new high-water mark: the reports after it still apply', async () => {
    const { server, gateway, calls, send } = await connected();
    send(1);
    send(2);
    server.send(report(Number.MAX_SAFE_INTEGER, 1));
    server.send(report(1, 1));
    server.send(report(2, 2));
    await until(() => calls.filter((c) => c[0] === 'ack').length === 2);
    expect(gateway.stats.gaps).toBe(1);
  });

  it('during reconciliation too: a replayed report numbered 2^53 - 1 is not believed, and the replay and the live reports after it apply', async () => {
    const { server, gateway, calls, send } = await connected();
    send(1);
    server.send(report(1, 1));
    await until(() => calls.some((c) => c[0] === 'ack'));
    // The connection drops; on reconnect the exchange replays a poisoned report, then the real one.
    server.loginSeq = 2;
    server.onQuery = (req, since, reply) => {
      expect(since).toBe(1);
      reply(report(Number.MAX_SAFE_INTEGER, 1));
      reply(report(2, 1, { ex: ExecType.FILL, px: 100, last: 1, cum: 1, leaves: 4 }));
      reply({ t: Msg.STATUS, req, seq: 2, open: [1, 7, 100, 5, 1, 4] });
    };
    server.drop();
    await until(() => server.logins === 2 && gateway.connected);
    server.send(report(3, 1, { ex: ExecType.FILL, px: 100, last: 4, cum: 5, leaves: 0 }));
    await until(() => calls.filter((c) => c[0] === 'fill').length === 2);
    expect(calls.filter((c) => c[0] === 'fill')).toEqual([
      ['fill', 1, 7, 100, 1, 1, 4],
      ['fill', 1, 7, 100, 4, 5, 0],
    ]);
  });

  it('a report that would end an order but contradicts it (an overfill, leaves 0 short of the quantity, a REJECT after a fill) is UNKNOWN, and the correct report still settles the order', async () => {
    const { server, gateway, calls, send } = await connected();
    send(1); // 5 lots each
    send(2);
    send(3);
    server.send(report(1, 1, { ex: ExecType.FILL, px: 100, last: 6, cum: 6, leaves: 0 })); // overfill
    server.send(report(2, 2, { ex: ExecType.FILL, px: 100, last: 3, cum: 3, leaves: 0 })); // "done" at 3 of 5
    server.send(report(3, 3, { ex: ExecType.FILL, px: 100, last: 2, cum: 2, leaves: 3 }));
    server.send(report(4, 3, { ex: ExecType.REJECT, reason: 4 })); // a reject after a fill
    // The exchange's correct reports: each must still reach the order.
    server.send(report(5, 1, { ex: ExecType.FILL, px: 100, last: 5, cum: 5, leaves: 0 }));
    server.send(report(6, 2, { ex: ExecType.FILL, px: 100, last: 5, cum: 5, leaves: 0 }));
    server.send(report(7, 3, { ex: ExecType.CANCELED, cum: 2, leaves: 0 }));
    await until(() => calls.some((c) => c[0] === 'canceled'));
    expect(calls.filter((c) => c[0] === 'unknown').map((c) => c[1])).toEqual([1, 2, 3]);
    expect(calls.filter((c) => c[0] === 'fill').map((c) => [c[1], c[5], c[6]])).toEqual([
      [3, 2, 3],
      [1, 5, 0],
      [2, 5, 0],
    ]);
    expect(gateway.stats.inconsistent).toBe(3);
    expect(gateway.stats.foreignReports).toBe(0);
  });

  it('a STATUS that never comes fails the query after its timeout instead of waiting for ever', async () => {
    const { gateway } = await connected({ queryTimeoutMs: 100 });
    const started = Date.now();
    await expect(gateway.openOrders()).rejects.toThrow(/no STATUS for query/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  /** The exchange answers QUERYs as the reference one does: one page of `log` after `since`, then STATUS at the log's end. */
  const paged = (log: Record<string, unknown>[], page: number, open: number[] = []) => (req: number, since: number, reply: (m: Record<string, unknown>) => void) => {
    for (const r of log.filter((x) => (x.seq as number) > since).slice(0, page)) reply(r);
    reply({ t: Msg.STATUS, req, seq: log.at(-1)!.seq, open });
  };

  it('a replay that comes in pages is followed to its end before reconciliation settles anything: an order filled in a later page is filled, not rejected', async () => {
    const { server, gateway, calls, send } = await connected();
    for (let id = 1; id <= 3; id++) send(id);
    for (let id = 1; id <= 3; id++) server.send(report(id, id));
    await until(() => calls.filter((c) => c[0] === 'ack').length === 3);
    const log = [1, 2, 3].map((id) => report(3 + id, id, { ex: ExecType.FILL, px: 100, last: 5, cum: 5, leaves: 0 }));
    server.loginSeq = 6;
    server.onQuery = paged(log, 2); // reports 4 and 5, then 6
    server.drop();
    await until(() => server.logins === 2 && gateway.connected);
    expect(calls.filter((c) => c[0] === 'fill').map((c) => c[1])).toEqual([1, 2, 3]);
    expect(calls.filter((c) => c[0] === 'reject' || c[0] === 'unknown')).toEqual([]);
    expect(gateway.stats.reconciledRejected + gateway.stats.reconciledUnknown).toBe(0);
  });

  it('live, a gap query answered in pages asks for the next page until it has caught up', async () => {
    const { server, calls, send } = await connected();
    for (let id = 1; id <= 5; id++) send(id);
    const log = [1, 2, 3, 4, 5].map((id) => report(id, id));
    server.onQuery = paged(log, 2);
    server.send(log[4]); // seq 5 first: a gap after 0
    await until(() => calls.filter((c) => c[0] === 'ack').length === 5);
    expect(calls.filter((c) => c[0] === 'ack').map((c) => c[1])).toEqual([1, 2, 3, 4, 5]);
  });

  it('an ERROR DUPLICATE_ID about one of its orders rejects that order (the exchange did not execute it; reports with that id are the other order\'s)', async () => {
    const { server, gateway, calls, send } = await connected();
    send(1);
    server.send({ t: Msg.ERROR, code: ErrorCode.DUPLICATE_ID, id: 1, msg: 'client order id already used by this account' });
    await until(() => calls.some((c) => c[0] === 'reject'));
    expect(calls.filter((c) => c[0] === 'reject')).toEqual([['reject', 1, RejectReason.DUPLICATE_ORDER_ID]]);
    server.send(report(1, 1)); // the earlier order's ACK: not ours any more
    await until(() => gateway.stats.foreignReports === 1);
    expect(gateway.stats.duplicateIds).toBe(1);
  });

  it('a frame bigger than maxFrameBytes drops the connection (1009) and the gateway reconnects and reconciles, instead of buffering it', async () => {
    const { server, gateway, calls, send } = await connected({ maxFrameBytes: 1 << 20 });
    send(1);
    server.send(report(1, 1));
    await until(() => calls.some((c) => c[0] === 'ack'));
    server.loginSeq = 1;
    server.onQuery = (req, _since, reply) => reply({ t: Msg.STATUS, req, seq: 1, open: [1, 7, 100, 5, 0, 5] });
    server.send({ t: Msg.HEARTBEAT, ts: 'x'.repeat(2 << 20) });
    await until(() => server.logins === 2 && gateway.connected);
    expect(gateway.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(calls.filter((c) => c[0] === 'unknown' || c[0] === 'reject')).toEqual([]); // the order is still working
  });
});
