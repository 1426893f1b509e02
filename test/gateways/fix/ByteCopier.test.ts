import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteCopier } from '@ringroute/gateways';

describe('ByteCopier', () => {
  it('copies any range to any offset exactly as a byte loop would, and leaves every other byte alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.nat(), fc.nat(), fc.nat({ max: 64 }), (bytes, a, b, at) => {
        const from = a % bytes.length;
        const to = from + (b % (bytes.length - from + 1));
        const dst = new Uint8Array(700).fill(0xa5);
        const end = new ByteCopier(dst).copy(at, bytes, from, to);
        const expected = new Uint8Array(700).fill(0xa5);
        for (let i = from; i < to; i++) expected[at + i - from] = bytes[i];
        expect(end).toBe(at + to - from);
        expect(dst).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('an empty or reversed range (a negative length) copies nothing and returns the position it was given', () => {
    const dst = new Uint8Array(32).fill(7);
    const copier = new ByteCopier(dst);
    const src = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(copier.copy(10, src, 20, 4)).toBe(10);
    expect(copier.copy(10, src, 5, 5)).toBe(10);
    expect(dst.every((x) => x === 7)).toBe(true);
  });

  it('moves bit patterns of NaNs unchanged (words go as integers, never as doubles)', () => {
    const src = new Uint8Array(64);
    const f = new DataView(src.buffer);
    for (let i = 0; i < 8; i++) f.setUint32(i * 8, 0x7ff00000 | (i + 1), true), f.setUint32(i * 8 + 4, 0xfff80000 + i, true);
    const dst = new Uint8Array(80);
    const copier = new ByteCopier(dst);
    for (const at of [0, 1, 3, 8]) {
      dst.fill(0);
      copier.copy(at, src, 0, 64);
      expect(dst.subarray(at, at + 64)).toEqual(src);
    }
  });

  it('follows a change of source buffer, and views into a larger buffer at an offset', () => {
    const backing = new Uint8Array(256);
    const dst = backing.subarray(16, 200);
    const copier = new ByteCopier(dst);
    const one = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
    const two = new Uint8Array(new ArrayBuffer(128), 24, 40).map((_, i) => 200 - i);
    let at = copier.copy(0, one, 0, 40);
    at = copier.copy(at, two, 5, 40);
    at = copier.copy(at, one, 30, 40);
    expect([...dst.subarray(0, at)]).toEqual([...one, ...two.subarray(5), ...one.subarray(30)]);
    expect(backing.subarray(0, 16).every((x) => x === 0)).toBe(true);
  });
});
