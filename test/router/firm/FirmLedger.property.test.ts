import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FirmLedger, type FirmPool } from '@ringroute/router';
import { redisAvailable, startRedis, type RedisProcess } from '../../support/redis.js';

/**
 * The ledger's scripts against a reference model of the firm's books: random leases,
 * give-backs, fills and releases by three hosts on a count limit and a position limit,
 * with calls retried under the same sequence number (a lost reply). Every answer must be
 * the model's, a retry must change nothing, and the invariants must hold after each step.
 */

const HOSTS = ['a', 'b', 'c'] as const;
type Host = (typeof HOSTS)[number];

type Command =
  | { op: 'lease'; host: Host; limit: 'count' | 'position'; pool: FirmPool; amount: number }
  | { op: 'give'; host: Host; limit: 'count' | 'position'; pool: FirmPool; amount: number }
  | { op: 'fill'; host: Host; side: 'b' | 's'; amount: number }
  | { op: 'release'; host: Host; limit: 'count' | 'position' }
  | { op: 'retry'; host: Host };

/** The books as the scripts keep them (FirmScripts), in plain numbers. */
class Model {
  free: Record<string, number>;
  held: Record<string, Record<Host, number>>;
  pos = 0;
  positions: Record<Host, number> = { a: 0, b: 0, c: 0 };
  constructor(readonly countLimit: number, readonly positionLimit: number) {
    this.free = { count: countLimit, b: positionLimit, s: positionLimit };
    this.held = { count: { a: 0, b: 0, c: 0 }, b: { a: 0, b: 0, c: 0 }, s: { a: 0, b: 0, c: 0 } };
  }
  private key(limit: 'count' | 'position', pool: FirmPool): string {
    return limit === 'count' ? 'count' : pool;
  }
  lease(limit: 'count' | 'position', pool: FirmPool, host: Host, want: number): number {
    const k = this.key(limit, pool);
    const grant = Math.max(0, Math.min(want, this.free[k]));
    this.free[k] -= grant;
    this.held[k][host] += grant;
    return grant;
  }
  give(limit: 'count' | 'position', pool: FirmPool, host: Host, amount: number): number {
    const k = this.key(limit, pool);
    const give = Math.max(0, Math.min(amount, this.held[k][host]));
    this.held[k][host] -= give;
    this.free[k] += give;
    return give;
  }
  fill(side: 'b' | 's', host: Host, lots: number): number {
    const signed = side === 'b' ? lots : -lots;
    this.held[side][host] -= lots;
    this.free[side === 'b' ? 's' : 'b'] += lots;
    this.positions[host] += signed;
    this.pos += signed;
    return this.pos;
  }
  release(limit: 'count' | 'position', host: Host): number {
    let total = 0;
    for (const k of limit === 'count' ? ['count'] : ['b', 's']) {
      total += this.held[k][host];
      this.free[k] += this.held[k][host];
      this.held[k][host] = 0;
    }
    return total;
  }
}

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('lease' as const), host: fc.constantFrom(...HOSTS), limit: fc.constant('count' as const), pool: fc.constant('' as FirmPool), amount: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('lease' as const), host: fc.constantFrom(...HOSTS), limit: fc.constant('position' as const), pool: fc.constantFrom<FirmPool>('b', 's'), amount: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('give' as const), host: fc.constantFrom(...HOSTS), limit: fc.constant('count' as const), pool: fc.constant('' as FirmPool), amount: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ op: fc.constant('give' as const), host: fc.constantFrom(...HOSTS), limit: fc.constant('position' as const), pool: fc.constantFrom<FirmPool>('b', 's'), amount: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ op: fc.constant('fill' as const), host: fc.constantFrom(...HOSTS), side: fc.constantFrom<'b' | 's'>('b', 's'), amount: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ op: fc.constant('release' as const), host: fc.constantFrom(...HOSTS), limit: fc.constantFrom<'count' | 'position'>('count', 'position') }),
  fc.record({ op: fc.constant('retry' as const), host: fc.constantFrom(...HOSTS) }),
);

describe.skipIf(!redisAvailable())('FirmLedger scripts against a reference model (property, real redis-server)', () => {
  let redis: RedisProcess;
  const ledgers = new Map<Host, FirmLedger>();
  beforeAll(async () => {
    redis = await startRedis();
    for (const h of HOSTS) ledgers.set(h, await FirmLedger.connect({ redis: redis.url, host: h }));
  });
  afterAll(async () => {
    for (const l of ledgers.values()) await l.close();
    await redis?.kill();
  });

  let run = 0;
  it('every answer is the model\'s, a retried call (same sequence number) is applied once, and the invariants hold after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 80 }), fc.array(command, { minLength: 1, maxLength: 40 }), async (countLimit, positionLimit, commands) => {
        run++;
        const names = { count: `p${run}:count`, position: `p${run}:position` };
        const model = new Model(countLimit, positionLimit);
        for (const l of ledgers.values()) {
          await l.declare(names.count, countLimit, 'count');
          await l.declare(names.position, positionLimit, 'position');
        }
        // The last mutating call of each host on each limit (for retries), and its answer.
        const last = new Map<Host, { limit: string; seq: number; call: (seq: number) => Promise<number>; answer: number }>();
        for (const c of commands) {
          const ledger = ledgers.get(c.host)!;
          if (c.op === 'retry') {
            const previous = last.get(c.host);
            if (previous === undefined) continue;
            const before = [await ledger.read(names.count), await ledger.read(names.position)];
            expect(await previous.call(previous.seq)).toBe(previous.answer);
            expect([await ledger.read(names.count), await ledger.read(names.position)]).toEqual(before);
            continue;
          }
          if (c.op === 'release') {
            expect(await ledger.release(names[c.limit], c.host)).toBe(model.release(c.limit, c.host));
            continue;
          }
          const limit = c.op === 'fill' ? names.position : names[c.limit];
          const call =
            c.op === 'lease'
              ? (seq: number) => ledger.lease(limit, c.amount, { pool: c.pool, seq })
              : c.op === 'give'
                ? (seq: number) => ledger.giveBack(limit, c.amount, { pool: c.pool, seq })
                : (seq: number) => ledger.fill(limit, c.side, c.amount, seq);
          const expected = c.op === 'lease' ? model.lease(c.limit, c.pool, c.host, c.amount) : c.op === 'give' ? model.give(c.limit, c.pool, c.host, c.amount) : model.fill(c.side, c.host, c.amount);
          const seq = ledger.nextSeq(limit);
          const answer = await call(seq);
          expect(answer).toBe(expected);
          last.set(c.host, { limit, seq, call, answer });
        }
        // The books, field by field, and the invariants.
        const count = await ledger0().read(names.count);
        const position = await ledger0().read(names.position);
        const nonZero = (r: Record<Host, number>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== 0));
        expect(count.free).toBe(model.free.count);
        expect(count.hosts).toEqual(nonZero(model.held.count));
        expect(position.free).toBe(model.free.b);
        expect(position.freeSell).toBe(model.free.s);
        expect(position.position).toBe(model.pos);
        const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((x, y) => x + y, 0);
        expect(count.free + sum(count.hosts)).toBe(countLimit);
        expect(position.free + sum(position.hosts) + position.position!).toBe(positionLimit);
        expect(position.freeSell! + sum(position.sellHosts) - position.position!).toBe(positionLimit);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
  const ledger0 = () => ledgers.get('a')!;
});
