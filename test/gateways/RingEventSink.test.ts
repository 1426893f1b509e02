import { describe, expect, it } from 'vitest';
import {
  ExecType,
  nanoTime,
  RejectReason,
} from '@ringroute/core';
import { Quote, RingEventSink, TopOfBook } from '@ringroute/gateways';
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
});
