import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { FirmLedger, RISK_FIRM_HALT, RISK_FIRM_OPEN_ORDERS, RISK_FIRM_POSITION, Router } from '@ringroute/router';
import { redisAvailable, startRedisCluster, type RedisCluster } from '../../support/redis.js';

describe.skipIf(!redisAvailable())('RouterConfig.firm on a real Redis Cluster of three masters (issue 16)', () => {
  let dir: string;
  let cluster: RedisCluster;
  const routers: Router[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rr-firm-cluster-'));
    cluster = await startRedisCluster(dir);
  }, 30_000);
  afterAll(async () => {
    for (const r of routers) await r.stop().catch(() => undefined);
    await cluster?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('limits spread over the nodes hold across two hosts, the halt reaches both, and every limit\'s ledger adds up', async () => {
    const create = (host: string) =>
      Router.create({
        instruments: [
          { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '1' },
          { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '1' },
        ],
        venues: [{ name: 'sim', task: SIM_VENUE_TASK }],
        gateways: 'inline',
        ackTimeoutMs: 0,
        firm: { redis: { cluster: cluster.nodes }, host, limits: { openOrders: 10, positionLots: { 'BTC-USD': 6, 'ETH-USD': 50 } }, leaseSize: { openOrders: 3, positionLots: 3 } },
      }).then((r) => (routers.push(r), r));
    const [a, b] = [await create('a'), await create('b')];
    const statuses: number[] = [];
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && statuses.filter((s) => s > 0).length < 6) {
      for (const r of [a, b]) {
        statuses.push(r.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: 1, venue: 'sim' }));
        r.poll({});
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (let i = 0; i < 20; i++) for (const r of [a, b]) statuses.push(r.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: 1, venue: 'sim' }));
    // The BTC position limit (6) binds before the open-order limit (10).
    expect(statuses.filter((s) => s > 0).length).toBe(6);
    expect(statuses.filter((s) => s < 0).every((s) => s === RISK_FIRM_POSITION || s === RISK_FIRM_OPEN_ORDERS)).toBe(true);
    await a.firm!.halt('cluster test');
    const until = Date.now() + 3_000;
    while (b.submit({ symbol: 'ETH-USD', side: 'buy', price: '100', quantity: 1, venue: 'sim' }) !== RISK_FIRM_HALT && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(b.submit({ symbol: 'ETH-USD', side: 'buy', price: '100', quantity: 1, venue: 'sim' })).toBe(RISK_FIRM_HALT);
    await a.firm!.resume();

    const ledger = await FirmLedger.connect({ redis: { cluster: cluster.nodes }, host: 'reader' });
    try {
      const sum = (h: Record<string, number> | undefined) => Object.values(h ?? {}).reduce((x, y) => x + y, 0);
      const open = await ledger.read('open-orders');
      expect(open.free + sum(open.hosts)).toBe(10);
      for (const [limit, value] of [['position:BTC-USD', 6], ['position:ETH-USD', 50]] as const) {
        const l = await ledger.read(limit);
        expect(l.free + sum(l.hosts) + l.position!).toBe(value);
        expect(l.freeSell! + sum(l.sellHosts) - l.position!).toBe(value);
      }
    } finally {
      await ledger.close();
    }
    // The limits really live on different nodes: each node holds only its slots' keys.
    const owners = cluster.nodes.map((n) => execFileSync('redis-cli', ['-p', String(n.port), '--scan', '--pattern', 'rr:firm:*']).toString().split('\n').filter((k) => k !== ''));
    expect(owners.filter((keys) => keys.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(owners.flat()).toEqual(expect.arrayContaining(['rr:firm:{open-orders}', 'rr:firm:{position:BTC-USD}', 'rr:firm:{position:ETH-USD}', 'rr:firm:{host:a}']));
  }, 30_000);
});
