import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import {
  FirmLedger,
  KILL_FIRM_HALT,
  RISK_FIRM_FENCED,
  RISK_FIRM_HALT,
  RISK_FIRM_OPEN_ORDERS,
  RISK_FIRM_POSITION,
  RISK_KILL_SWITCH,
  Router,
  type FirmConfig,
  type FirmStatus,
  type OrderEventHandler,
  type RouterConfig,
} from '@ringroute/router';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { readmeBlockContaining, writeExample } from '../../support/readme.js';
import { fixtureWorker, nextMessage } from '../../support/threads.js';
import { redisAvailable, startRedis, type RedisProcess } from '../../support/redis.js';

const INSTRUMENTS = [
  { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' },
  { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.01' },
];

/** Poll every router until `done` holds (bounded: fails the test after `ms`). */
async function until(routers: Router[], done: () => boolean, ms = 5_000, handler: OrderEventHandler = {}): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    for (const r of routers) r.poll(handler);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe.skipIf(!redisAvailable())('RouterConfig.firm: firm limits through a real redis-server (issue 16)', () => {
  // Each test has its own redis-server: the limits' names are the firm's, one set per server.
  let redis: RedisProcess;
  const routers: Router[] = [];
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const r of routers.splice(0)) await r.stop().catch(() => undefined);
    await redis?.kill();
  });
  let prefix = 0;
  const hostOf = (firm: Omit<FirmConfig, 'redis'>, extra: Partial<RouterConfig> = {}) =>
    Router.create({
      instruments: INSTRUMENTS,
      venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
      gateways: 'inline',
      ackTimeoutMs: 0,
      selfTradePrevention: false,
      firm: { redis: redis.url, ...firm },
      ...extra,
    }).then((r) => (routers.push(r), r));
  const resting = (r: Router, side: 'buy' | 'sell' = 'buy', quantity = '0.001', symbol = 'BTC-USD') =>
    r.submit({ symbol, side, price: side === 'buy' ? '100' : '900', quantity, venue: 'sim' });

  it('a firm open-order limit holds across two hosts: local credit first, refusals named, top-ups in the background, idle credit given back', async () => {
    const limits = { openOrders: 10 };
    // An idle host gives its credit back after 2 s: longer than creating the second host takes
    // on a loaded machine (150 ms was not, in CI), so the first still holds its lease here.
    const a = await hostOf({ host: `a${++prefix}`, limits, leaseSize: { openOrders: 4 }, idleReturnMs: 2_000 });
    const b = await hostOf({ host: `b${prefix}`, limits, leaseSize: { openOrders: 4 }, idleReturnMs: 2_000 });
    // Each host starts with its lease in hand: 4 orders go without any call to Redis.
    expect(a.firm!.credit.openInHand()).toBe(4);
    const taken = Array.from({ length: 4 }, () => resting(a));
    expect(taken.every((id) => id > 0)).toBe(true);
    // The agent tops up in the background; hammering both hosts never passes the firm's 10,
    // and what is refused is refused by name.
    let refused = 0;
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && taken.length < 10) {
      for (const r of [a, b]) {
        const id = resting(r);
        if (id > 0) taken.push(id);
        else {
          expect(id).toBe(RISK_FIRM_OPEN_ORDERS);
          refused++;
        }
        r.poll({});
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(refused).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) expect([resting(a), resting(b)].every((s) => s === RISK_FIRM_OPEN_ORDERS)).toBe(true);
    expect(taken.length).toBe(10);
    expect(a.risk.openOrders(0) + b.risk.openOrders(0)).toBe(10);
    const ledger = await FirmLedger.connect({ redis: redis.url, host: 'reader' });
    try {
      const state = await ledger.read('open-orders');
      expect(state.free).toBe(0);
      // a holds credit for its open orders; when it cancels them all and idles, the credit goes back and b can use it.
      const mine = taken.filter((id) => a.orderOf(id) !== null);
      for (const id of mine) a.cancel(id);
      await until([a, b], () => a.risk.openOrders(0) === 0);
      await until([a, b], () => resting(b) > 0, 6_000);
      const after = await ledger.read('open-orders');
      expect(after.free + Object.values(after.hosts).reduce((x, y) => x + y, 0)).toBe(10);
    } finally {
      await ledger.close();
    }
  });

  it('a firm position limit counts every host\'s working orders and fills on the side that grows it, and frees the other side', async () => {
    const limits = { positionLots: { 'BTC-USD': 6 } };
    const a = await hostOf({ host: `pa${++prefix}`, limits, leaseSize: { positionLots: 6 }, idleReturnMs: 60_000 });
    // ETH-USD has no firm position limit: not limited here.
    expect(a.submit({ symbol: 'ETH-USD', side: 'buy', price: '100', quantity: '5', venue: 'sim' })).toBeGreaterThan(0);
    expect(resting(a, 'buy', '0.004')).toBeGreaterThan(0);
    expect(resting(a, 'buy', '0.003')).toBe(RISK_FIRM_POSITION); // 4 + 3 > 6
    expect(resting(a, 'buy', '0.002')).toBeGreaterThan(0);
    // A sell crossing a resting buy of another account fills it: 4 lots of buying credit become firm position.
    const b = await hostOf({ host: `pb${prefix}`, limits, leaseSize: { positionLots: 6 } });
    expect(resting(b, 'buy', '0.001')).toBe(RISK_FIRM_POSITION); // a holds all 6 of the buying side
    const sell = a.submit({ symbol: 'BTC-USD', side: 'sell', price: '100', quantity: '0.004', venue: 'sim', account: 2 });
    expect(sell).toBeGreaterThan(0);
    let filled = 0;
    await until([a], () => filled === 8, 5_000, { onFill: (_o, _px, lots) => void (filled += lots) });
    const ledger = await FirmLedger.connect({ redis: redis.url, host: 'reader2' });
    try {
      // a's buy and its sell both filled 4: the firm's position nets to 0, and both sides'
      // credit became position (published by the agent in the background).
      const host = a.firm!.plan.host;
      // What Redis says a holds is exactly its credit in hand plus what its working orders
      // hold (the 2-lot buy), on each side, once the agent has published and topped up.
      const exact = async () => {
        const state = await ledger.read('position:BTC-USD');
        const buying = a.firm!.credit.lotsInHand(0, 1) + 2;
        const selling = a.firm!.credit.lotsInHand(0, 2);
        return { state, ok: state.positions?.[host] === 0 && state.hosts[host] === buying && (state.sellHosts?.[host] ?? 0) === selling };
      };
      const deadline = Date.now() + 3_000;
      let check = await exact();
      while (!check.ok && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        check = await exact();
      }
      expect(check.ok).toBe(true);
      const state = check.state;
      expect(state.position).toBe(0);
      // The invariants of the ledger (FirmScripts): buying free + held + position = limit; selling free + held - position = limit.
      const sum = (h: Record<string, number> | undefined) => Object.values(h ?? {}).reduce((x, y) => x + y, 0);
      expect(state.free + sum(state.hosts) + state.position!).toBe(6);
      expect(state.freeSell! + sum(state.sellHosts) - state.position!).toBe(6);
    } finally {
      await ledger.close();
    }
  });

  it('a firm halt from one host stops new orders on every host with a named status; cancels still go; resume clears it but not a host\'s own kill switch', async () => {
    const limits = { openOrders: 100 };
    const a = await hostOf({ host: `ha${++prefix}`, limits });
    const b = await hostOf({ host: `hb${prefix}`, limits });
    const working = resting(b);
    expect(working).toBeGreaterThan(0);
    await until([b], () => b.orderOf(working)?.state === 2); // acknowledged: working at the venue
    await a.firm!.halt('test: fat finger');
    expect(resting(a)).toBe(RISK_FIRM_HALT); // the halting host at once
    await until([a, b], () => b.risk.killed);
    expect(resting(b)).toBe(RISK_FIRM_HALT);
    expect(b.cancel(working)).toBeGreaterThanOrEqual(0);
    const status = await b.firm!.status();
    expect(status.halt?.reason).toBe('test: fat finger');
    expect(status.haltDelayNs.length).toBeGreaterThan(0);
    b.risk.kill(); // b's own switch is another bit: the firm's resume leaves it on
    await a.firm!.resume();
    await until([a, b], () => !a.risk.killed);
    expect(resting(a)).toBeGreaterThan(0);
    await until([a, b], () => b.risk.killState === 1);
    expect(resting(b)).toBe(RISK_KILL_SWITCH);
    b.risk.resume();
    expect(resting(b)).toBeGreaterThan(0);
  });

  it('a host that loses Redis trades only within the credit in hand, fences itself before its lease lapses, and trades again once Redis is back', async () => {
    await redis.kill();
    const dir = mkdtempSync(join(tmpdir(), 'rr-firm-fence-'));
    try {
      redis = await startRedis({ dir });
      const events: string[] = [];
      const a = await hostOf({ host: `f${++prefix}`, limits: { openOrders: 50 }, leaseSize: { openOrders: 6 }, idleReturnMs: 60_000, leaseTtlMs: 800, timeoutMs: 300, onEvent: (e) => events.push(e.type) });
      const first = resting(a);
      expect(first).toBeGreaterThan(0);
      await until([a], () => a.orderOf(first)?.state === 2);
      expect(a.firm!.credit.openInHand()).toBe(5); // above low water (3): no top-up
      const port = redis.port;
      await redis.kill();
      await until([a], () => !a.firm!.connected);
      // Redis is gone: exactly the 5 in hand, then refusals by name, never more.
      const statuses = Array.from({ length: 9 }, () => resting(a));
      expect(statuses.filter((s) => s > 0).length).toBe(5);
      expect(statuses.slice(5)).toEqual([RISK_FIRM_OPEN_ORDERS, RISK_FIRM_OPEN_ORDERS, RISK_FIRM_OPEN_ORDERS, RISK_FIRM_OPEN_ORDERS]);
      // Before its lease (800 ms) can lapse, the host stops new orders itself; cancels still go.
      await until([a], () => resting(a) === RISK_FIRM_FENCED, 3_000);
      await until([a], () => events.includes('fenced')); // the event follows the fence (it crosses threads by message)
      expect(a.cancel(first)).toBe(0);
      redis = await startRedis({ dir, port });
      await until([a], () => events.includes('unfenced'), 5_000);
      await until([a], () => resting(a) > 0, 3_000);
      expect(a.risk.killState).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the RouterConfig.firm example in docs/firm.md runs as written against a real server, and leaves the firm as its comments say', async () => {
    const code = readmeBlockContaining('firm: {');
    expect(code).toBeDefined();
    const file = writeExample('docs-firm-router.mjs', code!.replace('redis://127.0.0.1:6379', redis.url));
    const { stdout } = await promisify(execFile)(process.execPath, [file]);
    expect(stdout).toMatch(/^accepted\n/);
    const lines = JSON.parse(stdout.split('\n')[1]) as { limit: string; pool: string; held: number; inHand: number }[];
    expect(lines.map((l) => l.limit)).toEqual(['open-orders', 'position:BTC-USD', 'position:BTC-USD']);
    expect(lines[1].held - lines[1].inHand).toBe(10); // the working buy holds 10 lots of buying credit
    const ledger = await FirmLedger.connect({ redis: redis.url, host: 'docs-reader' });
    try {
      expect(await ledger.read('open-orders')).toEqual({ kind: 'count', limit: 2_000, free: 2_000, hosts: {} });
      const position = await ledger.read('position:BTC-USD');
      expect([position.free, position.freeSell, position.position]).toEqual([500, 500, 0]);
      expect(await ledger.halt()).toBeNull();
    } finally {
      await ledger.close();
    }
  });

  it('a host SIGKILLed with orders working keeps its credit reserved; restarted on its journal, it adopts that credit instead of being refused, and the books end exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-firm-journal-'));
    const child = (mode: string) => fork(new URL('../../dist/fixtures/firmJournalChild.js', import.meta.url), [redis.url, dir, mode], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    const message = <T>(c: ChildProcess) => new Promise<T>((resolve, reject) => (c.once('message', (m) => resolve(m as T)), c.once('exit', (code) => reject(new Error(`child exited (${code})`)))));
    const ledger = await FirmLedger.connect({ redis: redis.url, host: 'journal-reader' });
    try {
      const first = child('rest');
      const ready = await message<{ ids: number[]; status: FirmStatus }>(first);
      expect(ready.ids.every((id) => id > 0)).toBe(true);
      first.kill('SIGKILL');
      await once(first, 'exit');
      // Dead, it still holds its lease: three orders' worth in use, the rest in hand, all reserved.
      const held = (await ledger.read('open-orders')).hosts.journaled;
      expect(held).toBe(ready.status.lines[0].held);
      expect(held).toBeGreaterThanOrEqual(3);
      // Restarted on its journal: no ERR_FIRM_HOST_HOLDS_CREDIT; it adopts what it holds,
      // with its three recovered orders counted in use.
      const second = child('restart');
      const after = await message<{ afterCreate: FirmStatus; recovered: boolean; open: number; status: FirmStatus }>(second);
      expect(after.recovered).toBe(true);
      // (It held `held`, three of them in use; the start then tops the hand up to a lease.)
      expect(after.afterCreate.lines[0].held).toBeGreaterThanOrEqual(held);
      expect(after.afterCreate.lines[0].held - after.afterCreate.lines[0].inHand).toBe(3);
      // Whatever recovery made of the orders, the firm's books are exact after the stop:
      // the host holds what its still-open orders hold, and nothing else.
      const state = await ledger.read('open-orders');
      expect(state.hosts.journaled ?? 0).toBe(after.open);
      expect(state.free + (state.hosts.journaled ?? 0)).toBe(100);
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('one host name, one process: a second router with a live host\'s name is refused after waiting out one TTL; after a clean stop the name is free at once', async () => {
    const firm = { host: `solo${++prefix}`, limits: { openOrders: 20 }, leaseTtlMs: 600 };
    const first = await hostOf(firm);
    const t0 = Date.now();
    await expect(hostOf(firm)).rejects.toMatchObject({ code: 'ERR_FIRM_HOST_IN_USE' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600); // it waited for the heartbeat to lapse: a crashed process's would have
    expect(first.risk.killState).toBe(0); // the first is untouched
    await first.stop();
    routers.splice(routers.indexOf(first), 1);
    const t1 = Date.now();
    const again = await hostOf(firm);
    expect(Date.now() - t1).toBeLessThan(600);
    expect(again.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', venue: 'sim' })).toBeGreaterThan(0);
  });

  it('a Redis that comes back empty (no persistence) is noticed: the host leases nothing more and trades only within what it holds; nothing recreates the limit behind the other hosts\' backs', async () => {
    const events: string[] = [];
    const a = await hostOf({ host: `lost${++prefix}`, limits: { openOrders: 50 }, leaseSize: { openOrders: 6 }, idleReturnMs: 60_000, timeoutMs: 300, onEvent: (e) => events.push(e.type) });
    const port = redis.port;
    await redis.kill();
    redis = await startRedis({ port }); // empty: the ledger is gone
    await until([a], () => events.includes('ledger-lost'), 5_000);
    const statuses = Array.from({ length: 10 }, () => resting(a));
    expect(statuses.filter((s) => s > 0).length).toBe(6); // the lease it held
    expect(statuses.slice(6).every((s) => s === RISK_FIRM_OPEN_ORDERS)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ledger = await FirmLedger.connect({ redis: redis.url, host: 'lost-reader' });
    try {
      expect((await ledger.read('open-orders')).limit).toBe(0); // not silently declared again with all its credit free
      await expect(ledger.fill('position:X', 'b', 1, 1)).rejects.toThrow(/UNDECLARED/); // nor rebuilt by a fill
    } finally {
      await ledger.close();
    }
  });

  it('strategy threads attached to a firm router take from the same credit, on real threads: the firm limit holds across them and the firm halt stops them', async () => {
    const a = await Router.create({
      instruments: INSTRUMENTS,
      venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
      strategyThreads: 2,
      ackTimeoutMs: 0,
      firm: { redis: redis.url, host: `lanes${++prefix}`, limits: { openOrders: 30 }, leaseSize: { openOrders: 5 } },
    });
    routers.push(a);
    const worker = fixtureWorker('firmLaneStrategy', { link: a.link(1) });
    try {
      expect(await nextMessage(worker)).toBe('ready');
      const theirs = nextMessage<{ accepted: number; refused: Record<string, number> }>(worker);
      worker.postMessage({ go: 1_000 });
      let mine = 0;
      const end = Date.now() + 1_000;
      while (Date.now() < end) {
        const id = a.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.001', venue: 'sim' });
        if (id > 0) mine++;
        else expect(id).toBe(RISK_FIRM_OPEN_ORDERS);
        a.poll({});
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const other = await theirs;
      expect(Object.keys(other.refused)).toEqual(['RISK_FIRM_OPEN_ORDERS']);
      expect(mine + other.accepted).toBe(30); // the whole firm limit, and not one order more
      expect(mine).toBeGreaterThan(0);
      expect(other.accepted).toBeGreaterThan(0);
      await a.firm!.halt('lanes test');
      worker.postMessage({ probe: true });
      expect(await nextMessage(worker)).toEqual({ probe: RISK_FIRM_HALT });
      await a.firm!.resume();
      worker.postMessage({ stop: true });
      expect(await nextMessage(worker)).toEqual({ stopped: true });
    } finally {
      await worker.terminate();
    }
    await a.stop();
    routers.splice(routers.indexOf(a), 1);
    const ledger = await FirmLedger.connect({ redis: redis.url, host: 'lanes-reader' });
    try {
      expect(await ledger.read('open-orders')).toEqual({ kind: 'count', limit: 30, free: 30, hosts: {} }); // every order canceled, every unit back
    } finally {
      await ledger.close();
    }
  });

  it('a router restarted while its dead process\'s heartbeat still runs waits it out and starts, however short its command timeout', async () => {
    const host = `late${++prefix}`;
    const ghost = await FirmLedger.connect({ redis: redis.url, host });
    expect(await ghost.heartbeat(8_000, 'a-process-that-died')).toBe(true); // what a SIGKILLed process leaves behind
    await ghost.close();
    const t0 = Date.now();
    const a = await hostOf({ host, limits: { openOrders: 5 }, leaseTtlMs: 8_000, timeoutMs: 300 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(7_000);
    expect(a.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', venue: 'sim' })).toBeGreaterThan(0);
  }, 20_000);

  it('a halt asked for while Redis is down stops this host at once, keeps it stopped, and reaches the other hosts once Redis is back', async () => {
    await redis.kill();
    const dir = mkdtempSync(join(tmpdir(), 'rr-firm-halt-'));
    try {
      redis = await startRedis({ dir });
      const firm = { limits: { openOrders: 50 }, leaseTtlMs: 1_600, timeoutMs: 300 };
      const a = await hostOf({ host: `ha${++prefix}`, ...firm });
      const b = await hostOf({ host: `hb${prefix}`, ...firm });
      const port = redis.port;
      await redis.kill();
      await until([a, b], () => !a.firm!.connected);
      await expect(a.firm!.halt('while Redis is down')).rejects.toThrow();
      expect(resting(a)).toBe(RISK_FIRM_HALT);
      await new Promise((resolve) => setTimeout(resolve, 600)); // heartbeats come and go: the halt is not forgotten
      expect(resting(a)).toBe(RISK_FIRM_HALT);
      redis = await startRedis({ dir, port });
      await until([a, b], () => b.risk.killState === KILL_FIRM_HALT, 5_000); // sent again, and heard
      const ledger = await FirmLedger.connect({ redis: redis.url, host: 'halt-reader' });
      try {
        expect((await ledger.halt())?.reason).toBe('while Redis is down');
      } finally {
        await ledger.close();
      }
      await a.firm!.resume();
      await until([a, b], () => a.risk.killState === 0 && b.risk.killState === 0, 5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a lease doubles when orders find the line empty, never past a quarter of the limit; more than two leases in hand go back at once; idle, the lease returns to its size', async () => {
    const a = await hostOf({ host: `grow${++prefix}`, limits: { openOrders: 100 }, leaseSize: { openOrders: 2 }, idleReturnMs: 400 });
    const line = async () => (await a.firm!.status()).lines[0];
    expect((await line()).lease).toBe(2);
    // Demand far beyond 2 at a time: the line runs dry again and again, and the lease grows to 25 (100 / 4) and no further.
    const ids: number[] = [];
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && (await line()).lease < 25) {
      for (let i = 0; i < 10; i++) {
        const id = resting(a);
        if (id > 0) ids.push(id);
      }
      a.poll({});
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect((await line()).lease).toBe(25);
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 10; k++) if (resting(a) > 0) ids.push(1);
      a.poll({});
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect((await line()).lease).toBe(25);
    // Every order canceled: their credit comes back to hand, and what is beyond one lease goes back to the firm.
    a.cancelAll();
    await until([a], () => a.risk.openOrders(0) === 0);
    await until([a], () => a.firm!.credit.openInHand() <= 50, 3_000);
    // Idle: everything back, the lease at its size again.
    await until([a], () => a.firm!.credit.openInHand() === 0, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await line()).toMatchObject({ lease: 2, held: 0, inHand: 0 });
  });

  it('bad firm configuration is a typed error at create: unreachable Redis, refused password, limits that differ between hosts, bad values, credit held by an earlier run', async () => {
    const base = { limits: { openOrders: 5 } };
    const dead = await startRedis();
    const deadUrl = dead.url;
    await dead.kill();
    const create = (firm: Record<string, unknown>) =>
      Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'sim', task: SIM_VENUE_TASK }], gateways: 'inline', firm: firm as unknown as FirmConfig });
    const t0 = Date.now();
    await expect(create({ ...base, redis: deadUrl, host: 'x', timeoutMs: 500 })).rejects.toMatchObject({ code: 'ERR_FIRM_UNREACHABLE' });
    expect(Date.now() - t0).toBeLessThan(5_000);
    const locked = await startRedis({ password: 'secret' });
    try {
      await expect(create({ ...base, redis: `redis://:nope@127.0.0.1:${locked.port}`, host: 'x' })).rejects.toMatchObject({ code: 'ERR_FIRM_AUTH' });
    } finally {
      await locked.kill();
    }
    const one = await hostOf({ host: `m1${++prefix}`, limits: { openOrders: 7 } });
    expect(one.firm).not.toBeNull();
    await expect(create({ redis: redis.url, host: `m2${prefix}`, limits: { openOrders: 8 } })).rejects.toMatchObject({ code: 'ERR_FIRM_LIMIT_MISMATCH' });
    for (const bad of [
      { redis: redis.url, host: 'has space', limits: { openOrders: 1 } },
      { redis: redis.url, host: 'h', limits: {} },
      { redis: redis.url, host: 'h', limits: { openOrders: 1.5 } },
      { redis: redis.url, host: 'h', limits: { positionLots: { 'NOPE-USD': 3 } } },
      { redis: redis.url, host: 'h', limits: { openOrders: 5 }, leaseSize: { openOrders: 2 ** 31 } },
      { redis: redis.url, host: 'h', limits: { openOrders: 5 }, leaseTtlMs: 10 },
      { redis: 42, host: 'h', limits: { openOrders: 5 } },
    ]) {
      await expect(create(bad)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    }
    // A host whose earlier run still holds credit (for orders nobody has reconciled) may not start without its journal.
    const ledger = await FirmLedger.connect({ redis: redis.url, host: `ghost${prefix}` });
    await ledger.declare('open-orders', 7);
    expect(await ledger.lease('open-orders', 2)).toBeGreaterThan(0);
    await ledger.close();
    await expect(create({ redis: redis.url, host: `ghost${prefix}`, limits: { openOrders: 7 } })).rejects.toMatchObject({ code: 'ERR_FIRM_HOST_HOLDS_CREDIT' });
  });
});

describe('without RouterConfig.firm', () => {
  it('nothing of the firm layer loads: a router created and stopped without it never loads ioredis', async () => {
    // A fresh process: this one has loaded ioredis for the tests above.
    const script = `
      import { createRequire } from 'node:module';
      import { Router } from '@ringroute/router';
      import { SIM_VENUE_TASK } from '@ringroute/gateways';
      const router = await Router.create({ instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }], venues: [{ name: 'sim', task: SIM_VENUE_TASK }], gateways: 'inline' });
      router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001' });
      await router.stop();
      const require = createRequire(import.meta.url);
      console.log(JSON.stringify({ firm: router.firm, ioredis: Object.keys(require.cache).filter((k) => k.includes('ioredis')).length }));
    `;
    const file = writeExample('no-firm.mjs', script);
    const { stdout } = await promisify(execFile)(process.execPath, [file]);
    expect(JSON.parse(stdout)).toEqual({ firm: null, ioredis: 0 });
  });
});
