import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@ringroute/core';
import {
  CloseReason,
  INVALID_LENGTH,
  INVALID_TYPE,
  ManyToOneRingBuffer,
  NOT_CLAIMED,
  OneToOneRingBuffer,
  RING_CLOSED,
  RING_FULL,
  type RecordHandler,
  type RingBuffer,
} from '@ringroute/router';

type Kind = { name: string; create: (capacityBytes: number, maxPayloadBytes?: number) => RingBuffer; attach: (b: SharedArrayBuffer) => RingBuffer };
const KINDS: Kind[] = [
  {
    name: 'OneToOneRingBuffer',
    create: (capacityBytes, maxPayloadBytes) => OneToOneRingBuffer.create({ capacityBytes, maxPayloadBytes }),
    attach: (b) => OneToOneRingBuffer.attach(b),
  },
  {
    name: 'ManyToOneRingBuffer',
    create: (capacityBytes, maxPayloadBytes) => ManyToOneRingBuffer.create({ capacityBytes, maxPayloadBytes }),
    attach: (b) => ManyToOneRingBuffer.attach(b),
  },
];

/** Collects records as [type, bytes]. */
class Collector implements RecordHandler {
  records: [number, number[]][] = [];
  onRecord(typeId: number, ring: RingBuffer, offset: number, length: number): void {
    expect(offset % 8).toBe(0);
    this.records.push([typeId, Array.from(ring.u8.subarray(offset, offset + length))]);
  }
}

function bytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 31 + i * 7) & 0xff;
  return out;
}

describe.each(KINDS)('$name', ({ create, attach }) => {
  it('delivers records in order with their type and exact bytes, across many wraps at odd sizes', () => {
    for (const capacity of [64, 128, 256, 1024, 4096]) {
      const producer = create(capacity);
      const consumer = attach(producer.buffer);
      const maxPayload = producer.maxPayload;
      const collector = new Collector();
      const sent: [number, number[]][] = [];
      let seed = capacity;
      for (let round = 0; round < 400; round++) {
        // Offer until full, with lengths from 0 to the maximum (most not multiples of 8).
        for (;;) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          const length = seed % (maxPayload + 1);
          const data = bytes(seed, length);
          const type = 1 + (seed % 1000);
          const status = producer.offer(type, data, 0, length);
          if (status === RING_FULL) break;
          expect(status).toBe(0);
          sent.push([type, Array.from(data)]);
        }
        consumer.read(collector, 1 + (round % 7)); // partial batches
      }
      while (consumer.read(collector, 100) > 0);
      expect(collector.records).toEqual(sent);
      expect(sent.length).toBeGreaterThan(400);
      expect(consumer.size()).toBe(0);
    }
  });

  it('a full ring refuses with RING_FULL and overwrites nothing; space comes back once released', () => {
    const ring = create(256);
    const collector = new Collector();
    let n = 0;
    while (ring.offerPair(1, n, -n) === 0) n++;
    expect(n).toBe(256 / 16); // 16-byte records (8 header + 8 payload)
    expect(ring.offerPair(1, 999, 999)).toBe(RING_FULL);
    expect(ring.read(collector, 1)).toBe(1);
    expect(ring.offerPair(1, 999, 999)).toBe(RING_FULL); // released lazily ...
    ring.releaseConsumed(); // ... or at once
    expect(ring.offerPair(1, n, -n)).toBe(0);
    expect(ring.offerPair(1, 999, 999)).toBe(RING_FULL);
    while (ring.read(collector, 100) > 0);
    const firsts = collector.records.map(([, b]) => new Int32Array(new Uint8Array(b).buffer)[0]);
    expect(firsts).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
  });

  it('an aborted claim is skipped and the next record is delivered', () => {
    const ring = create(1024);
    const a = ring.claim(5, 16);
    expect(a).toBeGreaterThan(0);
    expect(ring.abort(a)).toBe(0);
    expect(ring.offerPair(6, 42, 43)).toBe(0);
    const collector = new Collector();
    expect(ring.read(collector, 10)).toBe(1);
    expect(collector.records[0][0]).toBe(6);
    expect(ring.commit(a)).toBe(NOT_CLAIMED);
  });

  it('a handler that throws mid-batch loses no other record and does not jam the ring', () => {
    const ring = create(1024);
    for (let i = 0; i < 10; i++) ring.offerPair(1, i, 0);
    const seen: number[] = [];
    const handler: RecordHandler = {
      onRecord(_t, r, offset) {
        const v = r.i32[offset >> 2];
        seen.push(v);
        if (v === 3 || v === 7) throw new Error(`handler failed on ${v}`);
      },
    };
    expect(() => ring.read(handler, 100)).toThrow('handler failed on 3');
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(() => ring.read(handler, 100)).toThrow('handler failed on 7');
    expect(ring.read(handler, 100)).toBe(2);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // each exactly once
    expect(ring.read(handler, 100)).toBe(0); // releases what the last read consumed
    expect(ring.size()).toBe(0);
    expect(ring.offerPair(1, 10, 0)).toBe(0);
  });

  it('respects the batch limit and returns consumed space at the next read', () => {
    const ring = create(1024);
    for (let i = 0; i < 20; i++) ring.offerPair(1, i, 0);
    const collector = new Collector();
    expect(ring.read(collector, 8)).toBe(8);
    expect(ring.size()).toBe(20 * 16); // not released yet
    expect(ring.read(collector, 8)).toBe(8);
    expect(ring.size()).toBe(12 * 16); // the first batch was released when this read began
    expect(ring.read(collector, 8)).toBe(4);
    expect(ring.read(collector, 8)).toBe(0);
    expect(ring.size()).toBe(0);
  });

  it('releases at once when a quarter of the ring is waiting', () => {
    const ring = create(1024);
    for (let i = 0; i < 32; i++) ring.offerPair(1, i, 0); // 512 bytes
    expect(ring.read(new Collector(), 100)).toBe(32);
    expect(ring.size()).toBe(0);
  });

  it('refuses bad lengths and types with statuses, and is closed for claims after close()', () => {
    const ring = create(1024, 100);
    expect(ring.claim(1, 101)).toBe(INVALID_LENGTH);
    expect(ring.claim(1, -1)).toBe(INVALID_LENGTH);
    expect(ring.claim(1, 1.5)).toBe(INVALID_LENGTH);
    expect(ring.claim(0, 8)).toBe(INVALID_TYPE);
    expect(ring.claim(-1, 8)).toBe(INVALID_TYPE);
    expect(ring.offerPair(1, 1, 1)).toBe(0);
    ring.close(CloseReason.CONSUMER_DIED);
    expect(ring.isClosed).toBe(true);
    expect(ring.closeReason).toBe(CloseReason.CONSUMER_DIED);
    expect(ring.offerPair(1, 2, 2)).toBe(RING_CLOSED);
    expect(ring.read(new Collector(), 10)).toBe(1); // what was committed can still be drained
  });

  it('refuses bad configurations and foreign buffers with typed errors', () => {
    for (const capacityBytes of [0, 32, 100, 1000, 2 ** 31]) {
      expect(() => create(capacityBytes)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CAPACITY', value: capacityBytes }));
    }
    expect(() => create(1024, 1024)).toThrow(ConfigurationError); // a record must fit in capacity/8
    expect(() => create(1024, -1)).toThrow(/maxPayloadBytes/);
    expect(() => attach(new SharedArrayBuffer(100))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_SIZE' }));
    expect(() => attach(new SharedArrayBuffer(4096))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_LAYOUT' }));
    const other = KINDS.find((k) => k.attach !== attach)!;
    expect(() => attach(other.create(1024).buffer)).toThrow(/kind/);
    const ring = create(1024);
    const truncated = new SharedArrayBuffer(ring.buffer.byteLength - 64);
    new Uint8Array(truncated).set(new Uint8Array(ring.buffer, 0, truncated.byteLength));
    expect(() => attach(truncated)).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_SIZE' }));
  });
});

describe('ManyToOneRingBuffer claim timeout', () => {
  it('unblocks a claim its producer never committed, and the late commit reports RECORD_ABORTED', async () => {
    const ring = ManyToOneRingBuffer.create({ capacityBytes: 1024, claimTimeoutNs: 20_000_000 });
    const dead = ManyToOneRingBuffer.attach(ring.buffer);
    const stuck = dead.claim(9, 8); // the producer "dies" here
    expect(ring.offerPair(1, 1, 0)).toBe(0);
    const collector = new Collector();
    expect(ring.read(collector, 10)).toBe(0); // blocked behind the claim
    await new Promise((r) => setTimeout(r, 40));
    expect(ring.read(collector, 10)).toBe(1); // unblocked: the live record arrives
    expect(collector.records.map(([t]) => t)).toEqual([1]);
    expect((ring as ManyToOneRingBuffer).unblockedCount).toBe(1);
    expect(dead.commit(stuck)).toBe(-34); // RECORD_ABORTED
  });

  it('a producer can commit or abort only its own open claim: a stale or foreign offset is NOT_CLAIMED and hides nothing', () => {
    const ring = ManyToOneRingBuffer.create({ capacityBytes: 1024 });
    const a = ManyToOneRingBuffer.attach(ring.buffer);
    const b = ManyToOneRingBuffer.attach(ring.buffer);
    const first = a.claim(1, 8);
    expect(a.commit(first)).toBe(0);
    const theirs = b.claim(2, 8);
    expect(a.abort(theirs)).toBe(-35); // NOT_CLAIMED: b's record is not a's to hide
    expect(a.commit(theirs)).toBe(-35);
    expect(a.commit(first)).toBe(-35); // already published
    expect(b.commit(theirs)).toBe(0);
    const collector = new Collector();
    expect(ring.read(collector, 10)).toBe(2);
    expect(collector.records.map(([t]) => t)).toEqual([1, 2]);
    const open = a.claim(3, 8);
    a.claim(4, 8); // a new claim first aborts the open one: it never blocks the consumer
    expect(a.commit(open)).toBe(-35);
    expect(ring.read(collector, 10)).toBe(0); // 3 became padding, 4 is still open
  });

  it('keeps a revoked record\'s space until its producer answers, so late stores cannot reach reused space', async () => {
    const ring = ManyToOneRingBuffer.create({ capacityBytes: 256, claimTimeoutNs: 10_000_000 }) as ManyToOneRingBuffer;
    const slow = ManyToOneRingBuffer.attach(ring.buffer);
    const live = ManyToOneRingBuffer.attach(ring.buffer);
    const stuck = slow.claim(9, 8);
    const collector = new Collector();
    ring.read(collector, 10);
    await new Promise((r) => setTimeout(r, 20));
    ring.read(collector, 10); // revoked now
    expect(ring.revokedPending).toBe(1);
    let sent = 0;
    while (live.offerPair(1, sent, 0) === 0) {
      sent++;
      ring.read(collector, 100);
    }
    expect(sent).toBe(15); // 256 bytes = 16 records of 16 bytes; the revoked one's space is held
    expect(live.offerPair(1, sent, 0)).toBe(-30); // RING_FULL: back-pressure, not reuse
    expect(slow.commit(stuck)).toBe(-34); // the late producer learns it was dropped
    ring.read(collector, 100);
    expect(ring.revokedPending).toBe(0);
    expect(live.offerPair(1, sent, 0)).toBe(0); // its space is back
    expect(collector.records.filter(([t]) => t === 9)).toEqual([]);
  });
});
