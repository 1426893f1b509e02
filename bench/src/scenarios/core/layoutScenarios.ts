import { sink } from '../../harness/measure.js';
import type { Scenario } from '../../harness/Scenario.js';
import { microScenario } from '../micro.js';

/**
 * How to store integers wider than 32 bits in a shared record: the evidence behind the
 * `int53` field type (a double holding an integer). Each scenario writes a value above
 * 2^40 into a 64-bit slot and reads it back.
 */
export function layoutScenarios(): Scenario[] {
  const buffer = new SharedArrayBuffer(64 * 8);
  const f64 = new Float64Array(buffer);
  const i32 = new Int32Array(buffer);
  const b64 = new BigInt64Array(buffer);
  const base = 2 ** 40 + 12_345;
  return [
    microScenario({
      name: 'core.layout.int53-f64',
      description: 'write and read a 64-bit integer field stored as a Float64 (exact to 2^53)',
      batch(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          const slot = i & 63;
          f64[slot] = base + i;
          acc += f64[slot];
        }
        sink.value += acc;
      },
    }),
    microScenario({
      name: 'core.layout.int64-pair',
      reference: 'core.layout.int53-f64',
      description: 'the same field as a little-endian int64 in two Int32 halves (lo >>> 0, hi * 2^32)',
      batch(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          const w = (i & 63) << 1;
          const v = base + i;
          i32[w] = v >>> 0;
          i32[w + 1] = Math.floor(v / 4294967296);
          acc += i32[w + 1] * 4294967296 + (i32[w] >>> 0);
        }
        sink.value += acc;
      },
    }),
    microScenario({
      name: 'core.layout.bigint64',
      reference: 'core.layout.int53-f64',
      description: 'the same field in a BigInt64Array (a BigInt is allocated per write and per read)',
      batch(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          const slot = i & 63;
          b64[slot] = BigInt(base + i);
          acc += Number(b64[slot]);
        }
        sink.value += acc;
      },
    }),
  ];
}
