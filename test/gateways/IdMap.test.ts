import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdMap } from '@ringroute/gateways';

describe('IdMap', () => {
  it.each([false, true])('behaves like a Map under random set/delete/get churn, including keys up to 2^53 (keysFromPeers: %s)', (keysFromPeers) => {
    const key = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1));
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('get' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const map = new IdMap(4, { keysFromPeers }); // tiny: forces growth and long probe runs
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

  it('keys a peer picks to share a slot (multiples of 2^20; high words chosen against the low) make every probe walk the whole map, unless it mixes them with its seed (keysFromPeers)', () => {
    const multiples = Array.from({ length: 4_000 }, (_, j) => (j + 1) * 2 ** 20);
    // Keys whose low word cancels the default home's mix of the high word: one home for all.
    const cancelling = Array.from({ length: 4_000 }, (_, j) => (j + 1) * 2 ** 32 + ((0x1234 ^ Math.imul(j + 1, 0x9e3779b1)) >>> 0));
    for (const keys of [multiples, cancelling]) {
      const plain = new IdMap(64);
      const mixed = new IdMap(64, { keysFromPeers: true });
      for (const k of keys) {
        plain.set(k, 1);
        mixed.set(k, 1);
      }
      expect(plain.longestProbe()).toBeGreaterThan(keys.length / 2); // the attack works on the default homes
      expect(mixed.longestProbe()).toBeLessThan(64); // and not on mixed ones (random keys: ~15 here)
      for (const k of keys) expect(mixed.get(k)).toBe(1);
      for (const k of keys.slice(0, 2_000)) expect(mixed.delete(k)).toBe(1);
      expect(mixed.size).toBe(keys.length - 2_000);
      expect(mixed.longestProbe()).toBeLessThan(64);
    }
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
