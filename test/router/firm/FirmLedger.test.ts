import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirmLedger } from '@ringroute/router';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readmeBlockContaining, writeExample } from '../../support/readme.js';
import { redisAvailable, startRedis, type RedisProcess } from '../../support/redis.js';

describe.skipIf(!redisAvailable())('FirmLedger: firm credit in a real redis-server (issue 16)', () => {
  let redis: RedisProcess;
  const ledgers: FirmLedger[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(ledgers.splice(0).map((l) => l.close()));
    await redis?.kill();
  });
  const host = async (name: string) => {
    const ledger = await FirmLedger.connect({ redis: redis.url, host: name });
    ledgers.push(ledger);
    return ledger;
  };

  it('three hosts leasing at once on their own connections never lease more than the limit, and the ledger always adds up', async () => {
    const hosts = await Promise.all(['a', 'b', 'c'].map(host));
    await Promise.all(hosts.map((h) => h.declare('gross-notional', 10_000)));
    // 3 x 300 concurrent requests of 1 to 97 each: about 4.5x the limit asked for.
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 97) + 1;
    const asks = hosts.flatMap((h) => Array.from({ length: 300 }, () => ({ h, want: next() })));
    const grants = await Promise.all(asks.map(({ h, want }) => h.lease('gross-notional', want).then((got) => ({ want, got }))));
    for (const { want, got } of grants) {
      expect(got).toBeGreaterThanOrEqual(0);
      expect(got).toBeLessThanOrEqual(want);
    }
    const granted = grants.reduce((sum, g) => sum + g.got, 0);
    expect(granted).toBe(10_000); // all of it, and not one unit more
    const ledger = await hosts[0].read('gross-notional');
    expect(ledger.free).toBe(0);
    const held = (l: { hosts: Record<string, number> }) => Object.values(l.hosts).reduce((a, b) => a + b, 0);
    expect(held(ledger)).toBe(10_000);
    // Giving back and leasing again, concurrently: the sum never passes the limit.
    await Promise.all([hosts[0].giveBack('gross-notional', 500), hosts[1].lease('gross-notional', 800), hosts[2].giveBack('gross-notional', 50)]);
    const after = await hosts[0].read('gross-notional');
    expect(after.free + held(after)).toBe(10_000);
  });

  it('a host gives back at most what it holds, and an operator release returns all of a dead host\'s credit', async () => {
    const [x, y] = await Promise.all([host('x'), host('y')]);
    await x.declare('open-orders', 100);
    expect(await x.lease('open-orders', 30)).toBe(30);
    expect(await y.lease('open-orders', 200)).toBe(70);
    expect(await x.giveBack('open-orders', 1_000)).toBe(30); // not a unit minted
    expect(await y.lease('open-orders', 1)).toBe(1);
    expect(await x.release('open-orders', 'y')).toBe(71);
    expect(await x.read('open-orders')).toEqual({ kind: 'count', limit: 100, free: 100, hosts: {} });
  });

  it('hosts that disagree on a firm limit get a typed error; bad amounts are refused on both sides', async () => {
    const [p, q] = await Promise.all([host('p'), host('q')]);
    await p.declare('position:BTC-USD', 500);
    await q.declare('position:BTC-USD', 500);
    await expect(q.declare('position:BTC-USD', 600)).rejects.toMatchObject({ code: 'ERR_FIRM_LIMIT_MISMATCH' });
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Infinity]) {
      await expect(p.lease('position:BTC-USD', bad)).rejects.toMatchObject({ code: 'ERR_FIRM_AMOUNT' });
    }
    await expect(p.lease('no spaces allowed', 1)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    // The largest amount there is stays exact all the way through Redis and back.
    const max = Number.MAX_SAFE_INTEGER;
    await p.declare('huge', max);
    expect(await p.lease('huge', max - 1)).toBe(max - 1);
    expect(await q.lease('huge', max)).toBe(1);
    expect(await p.giveBack('huge', 2 ** 52)).toBe(2 ** 52);
    expect(await q.read('huge')).toEqual({ kind: 'count', limit: max, free: 2 ** 52, hosts: { p: max - 1 - 2 ** 52, q: 1 } });
    await q.declare('huge', max);
    // The scripts check too: a caller going around this class cannot mint credit.
    expect((await p.read('position:BTC-USD')).free).toBe(500);
  });

  it('an unreachable Redis or a wrong password is a typed error at connect, within its timeout', async () => {
    const dead = await startRedis();
    const url = dead.url;
    await dead.kill();
    const t0 = Date.now();
    await expect(FirmLedger.connect({ redis: url, host: 'h', connectTimeoutMs: 500 })).rejects.toMatchObject({ code: 'ERR_FIRM_UNREACHABLE' });
    expect(Date.now() - t0).toBeLessThan(3_000);
    const locked = await startRedis({ password: 'right-password' });
    try {
      await expect(FirmLedger.connect({ redis: `redis://:wrong@127.0.0.1:${locked.port}`, host: 'h' })).rejects.toMatchObject({ code: 'ERR_FIRM_AUTH' });
      const ok = await FirmLedger.connect({ redis: locked.url, host: 'h' });
      await ok.close();
    } finally {
      await locked.kill();
    }
  });

  it('the example in docs/firm.md runs as written against a real server and leaves what its comments say', async () => {
    const code = readmeBlockContaining('FirmLedger.connect');
    expect(code).toBeDefined();
    const own = await startRedis();
    try {
      const file = writeExample('docs-firm.mjs', code!.replace('redis://127.0.0.1:6379', own.url));
      await promisify(execFile)(process.execPath, [file]);
      const reader = await FirmLedger.connect({ redis: own.url, host: 'reader' });
      expect(await reader.read('gross-notional')).toEqual({ kind: 'count', limit: 5_000_000, free: 4_850_000, hosts: { 'host-a': 150_000 } });
      await reader.close();
    } finally {
      await own.kill();
    }
  });
});
