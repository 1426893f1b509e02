import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { RISK_FIRM_OPEN_ORDERS, Router, type FirmEvent } from '@ringroute/router';
import { redisAvailable, startRedis, startSentinel, type RedisProcess } from '../../support/redis.js';

describe.skipIf(!redisAvailable())('RouterConfig.firm through Redis Sentinel, across a failover (issue 16)', () => {
  let dir: string;
  const processes: RedisProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rr-firm-sentinel-'));
  });
  afterAll(async () => {
    for (const p of processes) await p.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a host finds the master through Sentinel, trades within its credit while the master is down, and leases again from the promoted replica', async () => {
    const own = (name: string) => {
      const d = join(dir, name);
      mkdirSync(d);
      return d;
    };
    const master = await startRedis({ dir: own('master') });
    processes.push(master);
    const replica = await startRedis({ dir: own('replica'), replicaOf: master.port });
    processes.push(replica);
    const sentinel = await startSentinel(dir, master.port);
    // What the replica has applied, and what the master has written (INFO replication).
    const info = (port: number, field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(execFileSync('redis-cli', ['-p', String(port), 'info', 'replication']).toString())?.[1] ?? -1);
    const caughtUp = async () => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const written = info(master.port, 'master_repl_offset');
        if (written > 0 && info(replica.port, 'slave_repl_offset') === written) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the replica did not catch up in 15 s');
    };
    processes.push(sentinel);
    const events: FirmEvent[] = [];
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '1' }],
      venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
      gateways: 'inline',
      ackTimeoutMs: 0,
      firm: { redis: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'mymaster' }, host: 'watched', limits: { openOrders: 1_000 }, leaseSize: { openOrders: 5 }, idleReturnMs: 60_000, leaseTtlMs: 20_000, timeoutMs: 500, onEvent: (e) => events.push(e) },
    });
    try {
      const submit = () => router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: 1, venue: 'sim' });
      const pollFor = async (done: () => boolean, ms: number) => {
        const deadline = Date.now() + ms;
        while (!done() && Date.now() < deadline) {
          router.poll({});
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return done();
      };
      expect(submit()).toBeGreaterThan(0);
      // Replication is asynchronous: the master is lost only once the replica has the lease.
      // (Lost before, the promoted replica would not know the limit: the host then says
      // ledger-lost and leases nothing more; docs/firm.md.)
      await caughtUp();
      await master.kill();
      expect(await pollFor(() => events.some((e) => e.type === 'disconnected'), 5_000)).toBe(true);
      const during: number[] = [];
      for (let i = 0; i < 10; i++) during.push(submit());
      expect(during.filter((s) => s > 0).length).toBeLessThanOrEqual(4); // only what it held: 5 leased, 1 used
      expect(during.filter((s) => s < 0).every((s) => s === RISK_FIRM_OPEN_ORDERS)).toBe(true);
      // Sentinel promotes the replica (down after 1 s); the host reconnects to it and leases again.
      expect(await pollFor(() => events.some((e) => e.type === 'connected'), 20_000)).toBe(true);
      expect(await pollFor(() => submit() > 0, 5_000)).toBe(true);
      expect((await router.firm!.status()).connected).toBe(true);
    } finally {
      await router.stop();
    }
  }, 60_000);
});
