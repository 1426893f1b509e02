import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InstrumentTable, isTerminalState, nanoTime, OrderState, OrderType, RejectReason, Side } from '@ringroute/core';
import { FIX_GATEWAY_TASK, FixGateway } from '@ringroute/gateways';
import { Router, type OrderEventHandler } from '@ringroute/router';
import { field, freePort, quickfixExecutor, startExecutor, type Executor } from '../../support/quickfix.js';
import { RecordingEvents } from '../../support/RecordingEvents.js';
import { OrderBuilder } from '../../support/orders.js';
import { tempDirs } from '../../support/tempDirs.js';

const freshDir = tempDirs('rr-quickfix-');
const BTC = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' };
const binaryDir = mkdtempSync(join(tmpdir(), 'rr-quickfix-bin-'));
afterAll(() => rmSync(binaryDir, { recursive: true, force: true }));
const binary = quickfixExecutor(binaryDir);
// CI installs the packages (.ci/run): there a missing executor is a failure, not a skip.
if (binary.path === null && process.env.CI) throw new Error(`QuickFIX executor unavailable in CI: ${binary.why}`);
const suite = binary.path === null ? describe.skip : describe;

const running: Executor[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.kill();
});

async function executor(dir: string, port: number): Promise<Executor> {
  const e = await startExecutor(binary.path!, dir, port, 1);
  running.push(e);
  return e;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the kernel shows the process stopped (state T): a SIGSTOP is delivered asynchronously. */
async function stopped(pid: number): Promise<void> {
  const end = Date.now() + 5_000;
  while (Date.now() < end) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await sleep(1);
  }
  throw new Error(`process ${pid} did not stop`);
}

async function pollFor(router: Router, handler: OrderEventHandler, done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) if (router.poll(handler) === 0) await sleep(2);
  return done();
}

function gatewayOn(port: number, storeDir?: string): { gateway: FixGateway; events: RecordingEvents; builder: OrderBuilder } {
  const table = InstrumentTable.create(4);
  table.define(BTC);
  const gateway = new FixGateway({ port, senderCompId: 'RINGROUTE', targetCompId: 'EXEC', heartbeatSeconds: 1, storeDir, reconnectInitialMs: 50, reconnectMaxMs: 200 }, table);
  return { gateway, events: new RecordingEvents(), builder: new OrderBuilder() };
}

/** Turn the gateway's loop by hand (what the gateway worker does), for `ms`. */
async function run(gateway: FixGateway, ms: number, until: () => boolean = () => false): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !until()) {
    gateway.poll(nanoTime());
    await sleep(2);
  }
}

suite('the FIX gateway against QuickFIX/C++ (issue 14)', () => {
  it('through the router: limit orders filled at their price and quantity, a market order refused by the executor, heartbeats both ways while idle, and a Logout at stop', async () => {
    const port = await freePort();
    const qf = await executor(freshDir(), port);
    const router = await Router.create({
      instruments: [BTC],
      venues: [{ name: 'quickfix', task: FIX_GATEWAY_TASK, adapter: { port, senderCompId: 'RINGROUTE', targetCompId: 'EXEC', heartbeatSeconds: 1, storeDir: freshDir() } }],
      idle: 'async',
      risk: { priceCollarBps: 10_000, maxOpenOrdersPerSymbol: 1_000 },
    });
    const fills = new Map<number, number[]>();
    const rejected = new Map<number, number>();
    const handler: OrderEventHandler = {
      onFill: (o) => void fills.set(o.clientOrderId, [...(fills.get(o.clientOrderId) ?? []), o.filledLots]),
      onRejected: (o, reason) => void rejected.set(o.clientOrderId, reason),
    };
    const ids: number[] = [];
    try {
      router.setReferencePrice('BTC-USD', '100');
      for (let i = 0; i < 50; i++) ids.push(router.submit({ symbol: 'BTC-USD', side: 'buy', price: (100 + i / 100).toFixed(2), quantity: '0.25' }));
      const market = router.submit({ symbol: 'BTC-USD', side: 'buy', type: 'market', quantity: '0.25' });
      expect([...ids, market].every((id) => id > 0)).toBe(true);
      expect(await pollFor(router, handler, () => fills.size === 50 && rejected.size === 1, 10_000)).toBe(true);
      for (const id of ids) {
        expect(fills.get(id)).toEqual([250]);
        expect(router.orderOf(id)?.state ?? OrderState.FILLED).toBe(OrderState.FILLED);
      }
      expect(rejected.get(market)).toBe(RejectReason.UNSUPPORTED);
      expect(router.risk.position(0)).toBe(50 * 250);
      // Idle for 2.5 heartbeat intervals: heartbeats both ways, no TestRequest needed.
      const before = qf.messages().length;
      await pollFor(router, handler, () => false, 2_500);
      const idle = qf.messages().slice(before);
      expect(idle.filter((m) => m.dir === 'in' && field(m.text, 35) === '0').length).toBeGreaterThanOrEqual(2);
      expect(idle.filter((m) => m.dir === 'out' && field(m.text, 35) === '0').length).toBeGreaterThanOrEqual(2);
    } finally {
      await router.stop(handler);
    }
    const log = qf.messages();
    // What the executor received: each order once, with its price and quantity as decimals.
    const news = log.filter((m) => m.dir === 'in' && field(m.text, 35) === 'D');
    expect(news.map((m) => Number(field(m.text, 11)))).toEqual([...ids, ids.at(-1)! + 1]);
    expect(news.slice(0, 50).map((m) => field(m.text, 44))).toEqual(ids.map((_, i) => (100 + i / 100).toFixed(2)));
    expect(new Set(news.map((m) => field(m.text, 38)))).toEqual(new Set(['0.250']));
    expect(log.filter((m) => field(m.text, 35) === '3' && field(m.text, 372) === 'D')).toHaveLength(1);
    expect(log.filter((m) => field(m.text, 35) === '5').map((m) => m.dir)).toEqual(['in', 'out']); // our Logout, its answer
    expect(qf.log()).not.toMatch(/MsgSeqNum too low|Invalid checksum|Incorrect BodyLength/);
  }, 30_000);

  it('cancel and replace go out as F and G with a fresh ClOrdID and the OrigClOrdID of the order, and the executor\'s BusinessMessageRejects come back as cancel and replace rejects', async () => {
    const port = await freePort();
    const qf = await executor(freshDir(), port);
    const { gateway, events, builder } = gatewayOn(port);
    await gateway.connect(events);
    try {
      const a = builder.make(Side.BUY, 10_000, 100, { id: 1_001 });
      gateway.submit(a, builder.at(a));
      gateway.cancel(a, builder.at(a));
      const b = builder.make(Side.SELL, 10_100, 200, { id: 1_002 });
      gateway.submit(b, builder.at(b));
      gateway.replace(b, builder.at(b), 10_200, 300);
      await run(gateway, 5_000, () => events.reports.length >= 4);
      const reports = events.take();
      expect(reports).toContainEqual(expect.objectContaining({ kind: 'fill', id: 1_001, price: 10_000, last: 100, cum: 100, leaves: 0 }));
      expect(reports).toContainEqual(expect.objectContaining({ kind: 'fill', id: 1_002, price: 10_100, last: 200, cum: 200, leaves: 0 }));
      expect(reports).toContainEqual({ kind: 'cancelReject', handle: a, id: 1_001, reason: RejectReason.UNSUPPORTED });
      expect(reports).toContainEqual({ kind: 'replaceReject', handle: b, id: 1_002, reason: RejectReason.UNSUPPORTED });
    } finally {
      await gateway.disconnect();
    }
    const received = qf.messages().filter((m) => m.dir === 'in');
    const f = received.find((m) => field(m.text, 35) === 'F')!;
    expect([field(f.text, 11), field(f.text, 41), field(f.text, 54), field(f.text, 38)]).toEqual(['1001-1', '1001', '1', '0.100']);
    const g = received.find((m) => field(m.text, 35) === 'G')!;
    expect([field(g.text, 11), field(g.text, 41), field(g.text, 44), field(g.text, 38), field(g.text, 40)]).toEqual(['1002-1', '1002', '102.00', '0.300', '2']);
    expect(qf.messages().filter((m) => m.dir === 'out' && field(m.text, 35) === 'j').map((m) => field(m.text, 372))).toEqual(['F', 'G']);
  }, 30_000);

  it('a peer that goes silent (SIGSTOP) gets a TestRequest, then the connection is dropped and orders are refused at once; once it answers again (SIGCONT) the gateway reconnects and orders flow', async () => {
    const port = await freePort();
    const qf = await executor(freshDir(), port);
    const { gateway, events, builder } = gatewayOn(port, freshDir());
    const status: boolean[] = [];
    (events as RecordingEvents & { venueStatus(up: boolean): void }).venueStatus = (up: boolean) => void status.push(up);
    await gateway.connect(events);
    try {
      qf.process.kill('SIGSTOP');
      await stopped(qf.process.pid!);
      const stoppedAt = Date.now();
      await run(gateway, 6_000, () => status.includes(false));
      expect(status).toEqual([true, false]); // up at the logon, then down
      expect(gateway.session.stats.testRequests).toBe(1);
      expect(gateway.session.lastCloseReason).toBe('the peer did not answer a TestRequest');
      expect(Date.now() - stoppedAt).toBeLessThan(4_000); // 1.2 intervals of silence, 1 more for the answer
      const refused = builder.make(Side.BUY, 10_000, 100, { id: 2_001 });
      gateway.submit(refused, builder.at(refused));
      expect(events.take()).toEqual([{ kind: 'reject', handle: refused, id: 2_001, reason: RejectReason.VENUE_UNAVAILABLE }]);
      qf.process.kill('SIGCONT');
      await run(gateway, 8_000, () => status.at(-1) === true);
      expect(status.at(-1)).toBe(true);
      const again = builder.make(Side.BUY, 10_000, 100, { id: 2_002 });
      gateway.submit(again, builder.at(again));
      await run(gateway, 5_000, () => events.reports.length > 0);
      expect(events.take()).toContainEqual(expect.objectContaining({ kind: 'fill', id: 2_002, cum: 100 }));
      expect(gateway.stats.reconnects).toBe(1);
    } finally {
      qf.process.kill('SIGCONT');
      await gateway.disconnect();
    }
  }, 30_000);

  it('the executor SIGKILLed and restarted on its store mid-flow: the session resumes without a reset, what either side missed is resent, and no order is lost or filled twice', async () => {
    const port = await freePort();
    const qfDir = freshDir();
    let qf = await executor(qfDir, port);
    const router = await Router.create({
      instruments: [BTC],
      venues: [{ name: 'quickfix', task: FIX_GATEWAY_TASK, adapter: { port, senderCompId: 'RINGROUTE', targetCompId: 'EXEC', heartbeatSeconds: 1, storeDir: freshDir(), reconnectInitialMs: 50, reconnectMaxMs: 200, settleTimeoutMs: 2_000 } }],
      idle: 'async',
      risk: { priceCollarBps: 10_000, maxOpenOrdersPerSymbol: 10_000, ordersPerSecond: 100_000 },
    });
    const fills = new Map<number, number>();
    const ended = new Map<number, string>();
    const handler: OrderEventHandler = {
      onFill: (o) => {
        fills.set(o.clientOrderId, (fills.get(o.clientOrderId) ?? 0) + 1);
        if (o.leavesLots === 0) ended.set(o.clientOrderId, 'filled');
      },
      onRejected: (o, reason) => void ended.set(o.clientOrderId, reason === RejectReason.VENUE_UNAVAILABLE ? 'refused' : `rejected ${reason}`),
      onUnknown: (o) => void ended.set(o.clientOrderId, 'unknown'),
    };
    const sent: number[] = [];
    let first: Executor | null = qf;
    try {
      router.setReferencePrice('BTC-USD', '100');
      const start = Date.now();
      let killed = false;
      let restarted = false;
      while (Date.now() - start < 4_000) {
        for (let k = 0; k < 4; k++) {
          const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100.00', quantity: '0.01' });
          if (id > 0) sent.push(id);
        }
        router.poll(handler);
        await sleep(3);
        if (!killed && Date.now() - start > 1_000) {
          killed = true;
          await qf.kill('SIGKILL');
        }
        if (killed && !restarted && Date.now() - start > 1_600) {
          restarted = true;
          first = qf;
          qf = await executor(qfDir, port);
        }
      }
      expect(await pollFor(router, handler, () => sent.every((id) => ended.has(id) && ended.get(id) !== 'unknown'), 15_000)).toBe(true);
    } finally {
      await router.stop(handler);
    }
    const outcomes = [...ended.values()];
    expect(outcomes.filter((o) => o === 'filled').length).toBeGreaterThan(200);
    expect(outcomes.filter((o) => o !== 'filled' && o !== 'refused')).toEqual([]);
    // Never filled twice: not by our count, not by the executor's (both its runs' logs).
    expect([...fills.values()].every((n) => n === 1)).toBe(true);
    const executions = [...first!.messages(), ...qf.messages()].filter((m) => m.dir === 'out' && field(m.text, 35) === '8');
    const perOrder = new Map<string, number>();
    for (const m of executions) if (field(m.text, 43) !== 'Y') perOrder.set(field(m.text, 11)!, (perOrder.get(field(m.text, 11)!) ?? 0) + 1);
    expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
    expect(perOrder.size).toBe(outcomes.filter((o) => o === 'filled').length);
    // The session resumed where it was: no reset, no MsgSeqNum too low, our Logon numbered on.
    const second = qf.messages();
    expect(second.some((m) => field(m.text, 141) === 'Y')).toBe(false);
    expect(qf.log()).not.toMatch(/MsgSeqNum too low/);
    expect(Number(field(second.find((m) => m.dir === 'in' && field(m.text, 35) === 'A')!.text, 34))).toBeGreaterThan(100);
  }, 60_000);

  it('orders the executor never read (SIGSTOP, then SIGKILL) are resent with PossDupFlag after its restart, at its ResendRequest, and filled once', async () => {
    const port = await freePort();
    const qfDir = freshDir();
    const first = await executor(qfDir, port);
    const { gateway, events, builder } = gatewayOn(port, freshDir());
    await gateway.connect(events);
    try {
      const warm = builder.make(Side.BUY, 10_000, 10, { id: 3_000 });
      gateway.submit(warm, builder.at(warm));
      await run(gateway, 5_000, () => events.reports.length === 1);
      expect(events.take()).toMatchObject([{ kind: 'fill', id: 3_000 }]);
      first.process.kill('SIGSTOP');
      await stopped(first.process.pid!);
      const ids = Array.from({ length: 10 }, (_, i) => 3_001 + i);
      for (const id of ids) {
        const h = builder.make(Side.BUY, 10_000 + id - 3_000, 10, { id });
        gateway.submit(h, builder.at(h));
      }
      await run(gateway, 100); // written to the socket, unread by the stopped executor
      await first.kill('SIGKILL');
      const second = await executor(qfDir, port);
      await run(gateway, 10_000, () => events.reports.filter((r) => r.kind === 'fill').length === 10);
      const reports = events.take();
      const log = second.messages();
      const story = `reports ${JSON.stringify(reports)}; gateway ${JSON.stringify(gateway.stats)} ${JSON.stringify(gateway.session.stats)} ${gateway.session.lastCloseReason}; executor ${log.map((m) => `${m.dir} ${m.text}`).join('\n')}`;
      expect(reports.filter((r) => r.kind === 'fill').map((r) => r.id).sort(), story).toEqual(ids);
      expect(reports.filter((r) => r.kind !== 'fill'), story).toEqual([]);
      const resendRequest = log.find((m) => m.dir === 'out' && field(m.text, 35) === '2')!;
      expect(resendRequest, story).toBeDefined();
      const resent = log.filter((m) => m.dir === 'in' && field(m.text, 35) === 'D');
      expect(resent.map((m) => Number(field(m.text, 11)))).toEqual(ids);
      for (const m of resent) {
        expect(field(m.text, 43)).toBe('Y');
        expect(field(m.text, 122)).toBeDefined();
        expect(Number(field(m.text, 34))).toBeGreaterThanOrEqual(Number(field(resendRequest.text, 7)));
      }
      expect(gateway.reports.stats.duplicates).toBe(0);
    } finally {
      await gateway.disconnect();
    }
  }, 30_000);

  it('our process SIGKILLed mid-flow and restarted on its journal and session store: the session continues without a reset (numbers skipped past what the store had written, gap-filled), recovery replays the venue from the checkpoint, no id is sent twice and the position matches the executor\'s fills', async () => {
    const port = await freePort();
    const qf = await executor(freshDir(), port);
    const journalDir = freshDir();
    const storeDir = freshDir();
    const child = (runMs: number) => fork(new URL('../../dist/fixtures/fixRouterChild.js', import.meta.url), [String(port), journalDir, storeDir, String(runMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const message = <T,>(c: ReturnType<typeof child>, key: string, ms: number): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the child did not report ${key} within ${ms} ms`)), ms);
        c.on('message', (m: Record<string, unknown>) => m[key] !== undefined && (clearTimeout(timer), resolve(m as T)));
      });
    const first = child(0);
    const firstExit = new Promise((resolve) => first.once('exit', resolve));
    await message(first, 'ready', 20_000);
    await sleep(200 + Math.floor(Math.random() * 300)); // mid-flow, at a moment of no choosing
    first.kill('SIGKILL');
    await firstExit;
    const lastSeqBefore = Math.max(...qf.messages().filter((m) => m.dir === 'in').map((m) => Number(field(m.text, 34))));

    const second = child(1_500);
    const done = await message<{ position: number; recovered: { live: number } | null; unknown: number[]; sent: number[] }>(second, 'done', 40_000);
    const log = qf.messages();
    const received = log.filter((m) => m.dir === 'in');
    // The session went on: no reset, nothing "too low"; our second Logon numbered past the first run.
    expect(log.some((m) => field(m.text, 141) === 'Y')).toBe(false);
    expect(qf.log()).not.toMatch(/MsgSeqNum too low/);
    const logons = received.filter((m) => field(m.text, 35) === 'A').map((m) => Number(field(m.text, 34)));
    expect(logons).toHaveLength(2);
    expect(logons[1]).toBeGreaterThan(lastSeqBefore);
    // The numbers skipped for safety reached the executor as a gap fill it asked for.
    expect(log.some((m) => m.dir === 'out' && field(m.text, 35) === '2')).toBe(true);
    expect(received.some((m) => field(m.text, 35) === '4' && field(m.text, 123) === 'Y')).toBe(true);
    // Recovery ran (the journal had the first run), and asked the venue for what it missed.
    expect(done.recovered).not.toBeNull();
    // No client order id was ever sent twice as a new order (resends carry PossDupFlag).
    const news = received.filter((m) => field(m.text, 35) === 'D' && field(m.text, 43) !== 'Y').map((m) => field(m.text, 11));
    expect(new Set(news).size).toBe(news.length);
    // The position is what the executor filled: one lot per order it filled, each once.
    const filled = new Set(log.filter((m) => m.dir === 'out' && field(m.text, 35) === '8' && field(m.text, 150) === 'F').map((m) => field(m.text, 11)));
    expect(done.position).toBe(filled.size);
    // An order left UNKNOWN is one the executor never received (its NEW died with the process).
    for (const id of done.unknown) expect(news).not.toContain(String(id));
  }, 90_000);
});
