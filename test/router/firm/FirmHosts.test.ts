import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { ExecType, OrderType, Side, TimeInForce } from '@ringroute/core';
import { startExchangeServer, type ExchangeServer } from '@ringroute/gateways';
import { FirmLedger, RISK_FIRM_HALT, type FirmEvent, type FirmLimitState, type FirmStatus } from '@ringroute/router';
import { redisAvailable, startRedis, type RedisProcess } from '../../support/redis.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../../packages/router/dist/firm/firmCli.js', import.meta.url).pathname;
const TTL_MS = 1_500;
const LIMITS = { BTC: 500, ETH: 300, SOL: 2_000 };

interface Hammer {
  accepted: number;
  refused: Record<string, number>;
  filled: number;
  live: number;
}

/** A firm host in its own process (fixtures/firmHostChild). */
class Host {
  readonly events: FirmEvent[] = [];
  private readonly inbox: Record<string, unknown>[] = [];
  private waiter: (() => void) | null = null;
  constructor(
    readonly name: string,
    readonly account: number,
    readonly child: ChildProcess,
  ) {
    child.on('message', (m: Record<string, unknown>) => {
      if (m.event !== undefined) this.events.push(m.event as FirmEvent);
      else this.inbox.push(m);
      this.waiter?.();
    });
  }
  /** The next message carrying `key` (bounded: 20 s, or the child's exit, fails the test). */
  async next<T>(key: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const i = this.inbox.findIndex((m) => key in m);
      if (i >= 0) return this.inbox.splice(i, 1)[0][key] as T;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`${this.name}: no '${key}' message`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
  hammer(symbol: string, lots: number, ms: number, max?: number): Promise<Hammer> {
    this.child.send({ cmd: 'hammer', symbol, lots, ms, max });
    return this.next<Hammer>('hammer');
  }
  probe(symbol: string): Promise<number> {
    this.child.send({ cmd: 'probe', symbol });
    return this.next<number>('probe');
  }
  status(): Promise<FirmStatus & { kill: number }> {
    this.child.send({ cmd: 'status' });
    return this.next('status');
  }
  /** Wait for a firm event of this type (bounded). */
  async sawEvent(type: FirmEvent['type'], ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.events.some((e) => e.type === type)) {
      if (Date.now() > deadline) throw new Error(`${this.name}: no '${type}' firm event (saw ${this.events.map((e) => e.type).join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const cli = (...args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args]);

describe.skipIf(!redisAvailable())('three router processes under one firm limit, with a real redis-server and the reference exchange (issue 16)', () => {
  let redis: RedisProcess;
  let redisDir: string;
  let server: ExchangeServer;
  const hosts: Host[] = [];
  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'rr-firm-')); // for the whole file: Redis restarts on it
    redis = await startRedis({ dir: redisDir }); // append-only, fsync always: a restart keeps the ledger
    const keys: Record<string, { secret: string; account: number }> = {};
    for (let a = 1; a <= 3; a++) keys[`key-${a}`] = { secret: `secret-${a}`, account: a };
    server = await startExchangeServer({ keys, symbols: 4, limits: { ordersPerSecond: 1e6, orderBurst: 1e6 } });
    // Resting sells from another participant: every buy at 100.00 fills.
    for (let sym = 0; sym < 3; sym++) server.book.submit(server.book.account(99), sym + 1, sym, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 10_000, 0, 1_000_000);
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      const child = fork(new URL('../../dist/fixtures/firmHostChild.js', import.meta.url), [redis.url, server.url, `key-${i + 1}`, `secret-${i + 1}`, `host-${name}`, String(TTL_MS)], {
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      child.stderr!.on('data', () => undefined); // the agents' warnings (Redis lost, ...) are expected here
      hosts.push(new Host(`host-${name}`, i + 1, child));
    }
    for (const h of hosts) await h.next('ready');
  }, 60_000);
  afterAll(async () => {
    for (const h of hosts) h.child.kill('SIGKILL');
    await server?.close();
    await redis?.kill();
    rmSync(redisDir, { recursive: true, force: true });
  });

  /** What the exchange filled for an account on a symbol (its own record, not the router's). */
  const exchangeFills = (account: number, sym: number) =>
    server.book.reportsSince(server.book.account(account), 0, 1_000_000).reduce((sum, r) => sum + (r.ex === ExecType.FILL && r.sym === sym ? r.last : 0), 0);
  const ledger = async (limit: string): Promise<FirmLimitState> => {
    const l = await FirmLedger.connect({ redis: redis.url, host: 'test-reader' });
    try {
      return await l.read(limit);
    } finally {
      await l.close();
    }
  };

  /** The ledger of a position limit once the agents have published fills up to `position` (they publish every few ms; bounded). */
  const published = async (limit: string, position: number): Promise<FirmLimitState> => {
    const deadline = Date.now() + 3_000;
    let state = await ledger(limit);
    while (state.position !== position && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = await ledger(limit);
    }
    return state;
  };

  it('the firm limit is never exceeded by three hosts hammering it at once, counted by the routers and by the exchange; one host alone gets all of it when the others idle', async () => {
    const results = await Promise.all(hosts.map((h) => h.hammer('BTC-USD', 5, 800)));
    const accepted = results.reduce((s, r) => s + r.accepted, 0);
    expect(accepted).toBeLessThanOrEqual(LIMITS.BTC);
    expect(accepted).toBeGreaterThanOrEqual(LIMITS.BTC - 3 * 40); // at most each host's last lease in hand unused
    for (const [i, r] of results.entries()) {
      expect(r.live).toBe(0);
      expect(r.filled).toBe(r.accepted); // every accepted IOC filled against the resting sells
      expect(exchangeFills(hosts[i].account, 0)).toBe(r.filled);
      expect(Object.keys(r.refused)).toEqual(['RISK_FIRM_POSITION']);
      expect(r.accepted).toBeGreaterThan(0); // nobody starved
    }
    const sumFills = hosts.reduce((s, h) => s + exchangeFills(h.account, 0), 0);
    expect(sumFills).toBeLessThanOrEqual(LIMITS.BTC);
    const btc = await published('position:BTC-USD', sumFills);
    expect(btc.position).toBe(sumFills); // every fill published
    // Every host knows the firm's position, the others' fills included (read with its heartbeat).
    for (const h of hosts) {
      const deadline = Date.now() + 3_000;
      while ((await h.status()).positions['BTC-USD'] !== sumFills && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await h.status()).positions['BTC-USD']).toBe(sumFills);
    }
    // ETH: b and c have been idle for longer than idleReturnMs, so they gave back their
    // leases, and a alone takes the whole firm limit.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const alone = await hosts[0].hammer('ETH-USD', 5, 1_500);
    expect(alone.accepted).toBe(LIMITS.ETH);
    expect(exchangeFills(hosts[0].account, 1)).toBe(LIMITS.ETH);
  }, 30_000);

  it('a halt from the CLI or from one host stops new orders on every host; resume lets them trade again', async () => {
    for (const source of ['cli', 'host-a'] as const) {
      if (source === 'cli') await cli('halt', '--reason', 'operator test', '--redis', redis.url);
      else {
        hosts[0].child.send({ cmd: 'halt', reason: 'host test' });
        await hosts[0].next('halted');
      }
      for (const h of hosts) {
        const deadline = Date.now() + 3_000;
        let status = await h.probe('SOL-USD');
        while (status !== RISK_FIRM_HALT && Date.now() < deadline) status = await h.probe('SOL-USD');
        expect(status).toBe(RISK_FIRM_HALT);
      }
      const { stdout } = await cli('status', '--redis', redis.url);
      expect(stdout).toContain(`HALTED by ${source === 'cli' ? 'operator' : 'host-a'}`);
      await cli('resume', '--redis', redis.url);
      for (const h of hosts) {
        const deadline = Date.now() + 3_000;
        while ((await h.status()).kill !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        expect((await h.status()).kill).toBe(0);
      }
    }
    const delays = (await Promise.all(hosts.map((h) => h.status()))).flatMap((s) => s.haltDelayNs);
    expect(delays.length).toBeGreaterThanOrEqual(5); // every host saw the published halts (the halting host sets its own bit first)
  }, 30_000);

  it('Redis killed mid-flow: no host trades beyond the credit it held; restarted, leasing resumes; a SIGKILLed host\'s credit stays reserved until the operator releases it', async () => {
    for (const h of hosts) expect((await h.hammer('SOL-USD', 1, 300, 20)).accepted).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 100)); // top-ups settle
    const before = await ledger('position:SOL-USD');
    const fillsBefore = hosts.map((h) => exchangeFills(h.account, 2));
    await redis.kill();
    for (const h of hosts) await h.sawEvent('disconnected');
    const during = await Promise.all(hosts.map((h) => h.hammer('SOL-USD', 1, 400, 200)));
    for (const [i, h] of hosts.entries()) {
      // A host trades within what it held: its buying credit and nothing more.
      const held = before.hosts[h.name] ?? 0;
      expect(during[i].accepted).toBeLessThanOrEqual(held);
      expect(exchangeFills(h.account, 2) - fillsBefore[i]).toBe(during[i].filled);
      expect(Object.keys(during[i].refused)).toEqual(['RISK_FIRM_POSITION']);
    }
    expect(during.every((r) => r.accepted > 0)).toBe(true); // each kept trading on what it held
    redis = await startRedis({ dir: redisDir, port: redis.port });
    for (const h of hosts) await h.sawEvent('connected');
    const after = await Promise.all(hosts.map((h) => h.hammer('SOL-USD', 1, 1_000, 30)));
    for (const r of after) expect(r.accepted).toBe(30); // new leases: the credit in hand was used up while Redis was down
    const total = hosts.reduce((s, h) => s + exchangeFills(h.account, 2), 0);
    const sol = await published('position:SOL-USD', total);
    expect(sol.position).toBe(total); // the restarted ledger kept every lease and fill (append-only file)
    expect(sol.free + Object.values(sol.hosts).reduce((x, y) => x + y, 0) + sol.position!).toBe(LIMITS.SOL);

    // host-c dies without a word: its credit stays reserved; its heartbeat lapses.
    const c = hosts[2];
    const cHeld = (await ledger('position:SOL-USD')).hosts['host-c'] ?? 0;
    c.child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 300));
    const status = JSON.parse((await cli('status', '--json', '--redis', redis.url)).stdout) as { hosts: { host: string; aliveMs: number }[] };
    expect(status.hosts.find((h) => h.host === 'host-c')!.aliveMs).toBeLessThan(0);
    expect(status.hosts.find((h) => h.host === 'host-a')!.aliveMs).toBeGreaterThan(0);
    expect((await ledger('position:SOL-USD')).hosts['host-c'] ?? 0).toBe(cHeld);
    // The others go on.
    expect((await hosts[0].hammer('SOL-USD', 1, 1_000, 10)).accepted).toBe(10);
    // The operator may not release a live host's credit, and may release the dead one's.
    await expect(cli('release', 'host-a', '--redis', redis.url)).rejects.toMatchObject({ code: 1 });
    const freeBefore = (await ledger('position:SOL-USD')).free;
    await cli('release', 'host-c', '--redis', redis.url);
    const released = await ledger('position:SOL-USD');
    expect(released.hosts['host-c']).toBeUndefined();
    expect(released.free).toBeGreaterThanOrEqual(freeBefore + cHeld);
    expect(released.positions?.['host-c']).toBe(exchangeFills(c.account, 2)); // its position stays: it is real
  }, 60_000);
});
