import type { GatewayEvents } from '@ringroute/gateways';

export interface Report {
  kind: 'ack' | 'fill' | 'reject' | 'canceled' | 'replaced' | 'expired' | 'cancelReject' | 'replaceReject' | 'unknown';
  handle: number;
  id: number;
  venueOrderId?: number;
  price?: number;
  last?: number;
  cum?: number;
  leaves?: number;
  reason?: number;
}

/** GatewayEvents that records every report in order (top-of-book separately). */
export class RecordingEvents implements GatewayEvents {
  reports: Report[] = [];
  tops: [number, number, number, number, number][] = [];
  take(): Report[] {
    const out = this.reports;
    this.reports = [];
    return out;
  }
  ack(handle: number, id: number, venueOrderId: number): void {
    this.reports.push({ kind: 'ack', handle, id, venueOrderId });
  }
  fill(handle: number, id: number, venueOrderId: number, price: number, last: number, cum: number, leaves: number): void {
    this.reports.push({ kind: 'fill', handle, id, venueOrderId, price, last, cum, leaves });
  }
  reject(handle: number, id: number, reason: number): void {
    this.reports.push({ kind: 'reject', handle, id, reason });
  }
  canceled(handle: number, id: number, venueOrderId: number, cum: number, reason: number): void {
    this.reports.push({ kind: 'canceled', handle, id, venueOrderId, cum, reason });
  }
  replaced(handle: number, id: number, venueOrderId: number, price: number, _qty: number, cum: number, leaves: number): void {
    this.reports.push({ kind: 'replaced', handle, id, venueOrderId, price, cum, leaves });
  }
  expired(handle: number, id: number, venueOrderId: number, cum: number): void {
    this.reports.push({ kind: 'expired', handle, id, venueOrderId, cum });
  }
  cancelReject(handle: number, id: number, reason: number): void {
    this.reports.push({ kind: 'cancelReject', handle, id, reason });
  }
  replaceReject(handle: number, id: number, reason: number): void {
    this.reports.push({ kind: 'replaceReject', handle, id, reason });
  }
  unknown(handle: number, id: number): void {
    this.reports.push({ kind: 'unknown', handle, id });
  }
  topOfBook(symbolId: number, bid: number, bidLots: number, ask: number, askLots: number): void {
    this.tops.push([symbolId, bid, bidLots, ask, askLots]);
  }
}
