import { nanoTime, type OrderFlyweight } from '@ringroute/core';
import type { OrderEventHandler } from '@ringroute/router';
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from '@ringroute/bench/harness/Histograms.js';

/** Records outcomes and latencies from the router's events (no allocation per event). */
export class DemoStrategy implements OrderEventHandler {
  readonly toAck: Histogram = newHistogram();
  /** Submit -> ack per venue kind: in memory (alpha, beta), over WebSocket and over FIX. */
  readonly toAckMemory: Histogram = newHistogram();
  readonly toAckExchange: Histogram = newHistogram();
  readonly toAckFix: Histogram = newHistogram();
  readonly toFill: Histogram = newHistogram();
  readonly rejects = new Map<number, number>();
  filledOrders = 0;
  /**
   * Latencies are recorded for orders created from this time on (`nanoTime()`): the flow
   * sets it when its warm-up ends, so the figures are the steady state's, not the JIT's
   * first compilations (which, measured, put 3 % of the first 200 ms' orders past 1 ms).
   */
  recordFromNs = Infinity;
  private readonly exchangeVenue: number;
  private readonly fixVenue: number;

  constructor(exchangeVenue: number, fixVenue: number) {
    this.exchangeVenue = exchangeVenue;
    this.fixVenue = fixVenue;
  }

  onAccepted(o: OrderFlyweight): void {
    if (o.createdNs < this.recordFromNs) return;
    const ns = Math.max(1, Math.round(o.ackNs - o.createdNs));
    this.toAck.recordValue(ns);
    (o.venueId === this.exchangeVenue ? this.toAckExchange : o.venueId === this.fixVenue ? this.toAckFix : this.toAckMemory).recordValue(ns);
  }

  onFill(o: OrderFlyweight, _price: number, lots: number): void {
    if (o.filledLots === lots && o.createdNs >= this.recordFromNs) this.toFill.recordValue(Math.max(1, Math.round(nanoTime() - o.createdNs))); // first fill
    if (o.leavesLots === 0) this.filledOrders++;
  }

  onRejected(_o: OrderFlyweight, reason: number): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + 1);
  }
}
