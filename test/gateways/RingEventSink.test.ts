import { describe, expect, it } from 'vitest';
import {
  ExecType,
  nanoTime,
  RejectReason,
} from '@ringroute/core';
import { EXECUTION_EVENT_RECORD, FOREIGN_HANDLE, Quote, RingEventSink, TopOfBook, VENUE_CHECKPOINT_RECORD, VENUE_FOREIGN_RECORD, VENUE_RECONCILED_RECORD } from '@ringroute/gateways';
import { OneToOneRingBuffer } from '@ringroute/router';
import { Decoder } from '../support/Decoder.js';

describe('RingEventSink', () => {
  it('writes every report as one ExecutionEvent record the router decodes with core offsets', () => {
    const ring = OneToOneRingBuffer.create({ capacityBytes: 1 << 12 });
    const book = TopOfBook.create(3, 4);
    const sink = new RingEventSink(ring, 2, book);
    const before = nanoTime();
    sink.ack(7, 1001, 55);
    sink.fill(7, 1001, 55, 10_025, 3, 3, 7);
    sink.replaced(7, 1001, 55, 10_030, 10, 3, 7);
    sink.canceled(7, 1001, 55, 3, RejectReason.NONE);
    sink.reject(8, 1002, RejectReason.POST_ONLY_WOULD_CROSS);
    sink.cancelReject(9, 1003, RejectReason.TOO_LATE_TO_CANCEL);
    sink.replaceReject(9, 1003, RejectReason.UNKNOWN_ORDER);
    sink.expired(10, 1004, 56, 0);
    sink.unknown(11, 1005);
    sink.topOfBook(1, 100, 5, 101, 6);
    const decoder = new Decoder();
    expect(ring.read(decoder, 100)).toBe(9);
    const rows = decoder.events.map(({ timeNs, ...rest }) => {
      expect(timeNs).toBeGreaterThanOrEqual(before);
      return rest;
    });
    expect(rows).toEqual([
      { type: ExecType.ACK, handle: 7, clientOrderId: 1001, venueOrderId: 55, price: 0, last: 0, cum: 0, leaves: 0, reason: 0 },
      { type: ExecType.FILL, handle: 7, clientOrderId: 1001, venueOrderId: 55, price: 10_025, last: 3, cum: 3, leaves: 7, reason: 0 },
      { type: ExecType.REPLACED, handle: 7, clientOrderId: 1001, venueOrderId: 55, price: 10_030, last: 0, cum: 3, leaves: 7, reason: 0 },
      { type: ExecType.CANCELED, handle: 7, clientOrderId: 1001, venueOrderId: 55, price: 0, last: 0, cum: 3, leaves: 0, reason: 0 },
      { type: ExecType.REJECT, handle: 8, clientOrderId: 1002, venueOrderId: 0, price: 0, last: 0, cum: 0, leaves: 0, reason: RejectReason.POST_ONLY_WOULD_CROSS },
      { type: ExecType.CANCEL_REJECT, handle: 9, clientOrderId: 1003, venueOrderId: 0, price: 0, last: 0, cum: 0, leaves: 0, reason: RejectReason.TOO_LATE_TO_CANCEL },
      { type: ExecType.REPLACE_REJECT, handle: 9, clientOrderId: 1003, venueOrderId: 0, price: 0, last: 0, cum: 0, leaves: 0, reason: RejectReason.UNKNOWN_ORDER },
      { type: ExecType.EXPIRED, handle: 10, clientOrderId: 1004, venueOrderId: 56, price: 0, last: 0, cum: 0, leaves: 0, reason: 0 },
      { type: ExecType.UNKNOWN, handle: 11, clientOrderId: 1005, venueOrderId: 0, price: 0, last: 0, cum: 0, leaves: 0, reason: 0 },
    ]);
    const q = new Quote();
    expect(book.read(2, 1, q)).toBe(true);
    expect(q).toMatchObject({ bidTicks: 100, bidLots: 5, askTicks: 101, askLots: 6, version: 1 });
  });

  it("stamps events with one clock read per host loop pass, and outside a pass each event with its own", () => {
    const ring = OneToOneRingBuffer.create({ capacityBytes: 1 << 12 });
    const sink = new RingEventSink(ring, 0, null);
    const spin = (ms: number) => {
      const until = nanoTime() + ms * 1e6;
      while (nanoTime() < until);
    };
    sink.ack(1, 1, 1); // outside a pass
    spin(2);
    sink.ack(2, 2, 2);
    sink.beginPass();
    sink.ack(3, 3, 3);
    spin(2);
    sink.ack(4, 4, 4); // the same pass: the same time
    sink.endPass();
    spin(2);
    sink.ack(5, 5, 5); // a callback between passes: its own time
    sink.beginPass();
    spin(2);
    sink.ack(6, 6, 6); // a new pass: read at its first event, not at beginPass
    sink.endPass();
    const decoder = new Decoder();
    ring.read(decoder, 10);
    const t = decoder.events.map((e) => e.timeNs);
    expect(t[1] - t[0]).toBeGreaterThan(1.5e6);
    expect(t[2]).toBeGreaterThan(t[1]);
    expect(t[3]).toBe(t[2]);
    expect(t[4] - t[3]).toBeGreaterThan(3.5e6);
    expect(t[5] - t[4]).toBeGreaterThan(1.5e6);
  });

  it('keeps reason codes above 255 intact', () => {
    const ring = OneToOneRingBuffer.create({ capacityBytes: 1 << 10 });
    new RingEventSink(ring, 0, null).reject(1, 2, 0x1234);
    const decoder = new Decoder();
    ring.read(decoder, 1);
    expect(decoder.events[0].reason).toBe(0x1234);
  });

  it('counts an event as dropped, and does not throw, once the ring is closed (the router is gone)', () => {
    const ring = OneToOneRingBuffer.create({ capacityBytes: 1 << 10 });
    const sink = new RingEventSink(ring, 0, null);
    ring.close();
    expect(() => sink.ack(1, 2, 3)).not.toThrow();
    expect(sink.dropped).toBe(1);
  });

  it('recovery records: checkpoints and reconciliation ends reach every lane; a foreign order and its events go to the lane whose ids include it, even through full rings (spilled in order)', () => {
    const rings = [OneToOneRingBuffer.create({ capacityBytes: 1 << 12 }), OneToOneRingBuffer.create({ capacityBytes: 1 << 12 })];
    const sink = new RingEventSink(rings, 3, null, 16);
    const laneOne = 2 ** 40 + 9; // an id of lane 1
    // Fill lane 1's ring so what follows spills, then must come out in order.
    while (rings[1].offerPair(99, 0, 0) >= 0);
    sink.checkpoint(41);
    sink.foreignOrder(laneOne, 77, 2, 1, 10_000, 5);
    sink.fill(FOREIGN_HANDLE, laneOne, 77, 10_000, 2, 2, 3);
    sink.foreignOrder(12, 78, 2, 2, 10_100, 4); // lane 0's id
    sink.reconciled(true);
    const seen = (lane: number) => {
      const out: string[] = [];
      rings[lane].read({
        onRecord(type, ring, at) {
          if (type === VENUE_CHECKPOINT_RECORD) out.push(`checkpoint ${ring.i32[at >> 2]} ${ring.f64[(at >> 3) + 1]}`);
          else if (type === VENUE_FOREIGN_RECORD) out.push(`foreign ${ring.f64[at >> 3]} sym ${ring.i32[(at >> 2) + 8]} side ${ring.i32[(at >> 2) + 9]} venue ${ring.i32[(at >> 2) + 10]}`);
          else if (type === VENUE_RECONCILED_RECORD) out.push(`reconciled ${ring.i32[at >> 2]} ${ring.i32[(at >> 2) + 1]}`);
          else if (type === EXECUTION_EVENT_RECORD) out.push(`event ${ring.f64[at >> 3]}`);
        },
      }, 1_000);
      return out;
    };
    expect(seen(0)).toEqual(['checkpoint 3 41', 'foreign 12 sym 2 side 2 venue 3', 'reconciled 3 1']);
    expect(seen(1)).toEqual([]); // only the filler (read and dropped now): the rest waits in the spill
    const rest: string[] = [];
    for (let i = 0; i < 5 && rest.length < 4; i++) {
      sink.flush();
      rest.push(...seen(1));
    }
    expect(rest).toEqual(['checkpoint 3 41', `foreign ${laneOne} sym 2 side 1 venue 3`, `event ${laneOne}`, 'reconciled 3 1']);
  });
});
