import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdMap } from '@ringroute/gateways';

describe('IdMap', () => {
  it('behaves like a Map under random set/delete/get churn, including keys up to 2^53', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1));
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('get' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const map = new IdMap(4); // tiny: forces growth and long probe runs
        const oracle = new Map<number, number>();
        for (const o of ops) {
          if (o.op === 'set') {
            map.set(o.key, o.value);
            oracle.set(o.key, o.value);
          } else if (o.op === 'delete') {
            expect(map.delete(o.key)).toBe(oracle.get(o.key) ?? -1);
            oracle.delete(o.key);
          } else {
            expect(map.get(o.key)).toBe(oracle.get(o.key) ?? -1);
          }
          expect(map.size).toBe(oracle.size);
        }
        for (const [k, v] of oracle) expect(map.get(k)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays correct through heavy churn of sequential ids (the engine pattern)', () => {
    const map = new IdMap(16);
    const live: number[] = [];
    for (let id = 1; id <= 200_000; id++) {
      map.set(id, id & 0xffff);
      live.push(id);
      if (live.length > 5_000) {
        const gone = live.splice((id * 7919) % live.length, 1)[0];
        expect(map.delete(gone)).toBe(gone & 0xffff);
        expect(map.get(gone)).toBe(-1);
      }
    }
    expect(map.size).toBe(live.length);
    for (const id of live) expect(map.get(id)).toBe(id & 0xffff);
  });
});
