import { IdMap, OrderFlags, type OrderFlyweight, RejectReason } from '@ringroute/core';
import {
  ALL_ORDER_TYPES,
  ALL_TIME_IN_FORCE,
  type GatewayAdapter,
  type GatewayCapabilities,
  type GatewayEvents,
  type RateLimitRule,
  type VenueExecution,
  type VenueOrderState,
} from '../GatewayAdapter.js';
import type { MatchListener } from './MatchListener.js';
import { MatchingEngine, SelfMatch, type EngineOrder } from './MatchingEngine.js';
import { SeededRandom, type VenueModels } from './VenueModels.js';

/** A report waiting for delivery (only used when a latency or fault model is on). */
interface PendingReport {
  dueNs: number;
  kind: number;
  handle: number;
  id: number;
  venueOrderId: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

const R_ACK = 1;
const R_FILL = 2;
const R_REJECT = 3;
const R_CANCELED = 4;
const R_REPLACED = 5;
const R_CANCEL_REJECT = 6;
const R_REPLACE_REJECT = 7;

export interface SimulatedVenueOptions {
  name?: string;
  /** Symbol ids the venue lists: 0 .. symbols-1. */
  symbols: number;
  /** Resting orders at once (default 65,536). */
  capacity?: number;
  selfMatch?: SelfMatch;
  /** Fills kept for `executionsSince` (default 100,000; the oldest are forgotten). */
  executionLog?: number;
  /** Latency, reject and fault models (default: none, every report delivered at once). */
  models?: VenueModels;
}

/**
 * The simulated venue as a gateway adapter: a MatchingEngine per venue, its events turned
 * into gateway events for the order's handle. Runs on a gateway worker (through
 * `runGatewayHost`) or in-process on the strategy thread for backtests.
 *
 * Deterministic: same commands in (and the same seed), same events out.
 *
 * With no models, every report is delivered synchronously from submit/cancel/replace.
 * With models, reports are queued with a due time (a fixed delay plus seeded jitter) and
 * delivered by `poll(nowNs)`, which is where the fault-injecting mode works: duplicate
 * reports, a fill before its ack, reports out of order, bursts of rejects. `dropInFlight()`
 * loses every undelivered report, as a disconnect does; `openOrders()` then tells the truth
 * for reconciliation.
 */
export class SimulatedVenue implements GatewayAdapter, MatchListener {
  readonly name: string;
  readonly capabilities: GatewayCapabilities = { orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, amend: true, postOnly: true, reduceOnly: false };
  readonly rateLimits: readonly RateLimitRule[] = [];
  private readonly engine: MatchingEngine;
  private readonly handles: IdMap; // client order id -> order handle
  private readonly incoming: EngineOrder;
  private events: GatewayEvents | null = null;
  private readonly models: VenueModels | null;
  private readonly random: SeededRandom;
  private readonly pending: PendingReport[] = [];
  /** Orders handed over by recovery, until reconcile: handle, id, venue order id, filled lots. */
  private readonly recovered: number[] = [];
  private now = 0;
  private newOrders = 0;
  private readonly log: VenueExecution[] = [];
  private readonly logLimit: number;
  private sequence = 0;

  constructor(options: SimulatedVenueOptions) {
    this.name = options.name ?? 'sim';
    this.engine = new MatchingEngine({ symbols: options.symbols, capacity: options.capacity ?? 65_536, selfMatch: options.selfMatch }, this);
    this.handles = new IdMap(1024);
    this.incoming = this.engine.orderScratch;
    const m = options.models;
    const active = m !== undefined && ((m.reportDelayNs ?? 0) > 0 || (m.reportJitterNs ?? 0) > 0 || (m.rejectProbability ?? 0) > 0 || m.faults !== undefined);
    this.models = active ? m : null;
    this.random = new SeededRandom(m?.seed ?? 1);
    this.logLimit = options.executionLog ?? 100_000;
  }

  /** Reports not yet delivered (models on). */
  get pendingReports(): number {
    return this.pending.length;
  }

  /** Lose every undelivered report, as a dropped connection does. Returns how many. */
  dropInFlight(): number {
    const lost = this.pending.length;
    this.pending.length = 0;
    return lost;
  }

  /** The engine, for inspection in tests and backtests. */
  get matchingEngine(): MatchingEngine {
    return this.engine;
  }

  async connect(events: GatewayEvents): Promise<void> {
    this.events = events;
  }

  async disconnect(): Promise<void> {
    this.events = null;
  }

  /** Recovery: an order the router's journal says is live here. */
  recover(handle: number, order: OrderFlyweight): void {
    this.recovered.push(handle, order.clientOrderId, order.venueOrderId, order.filledLots);
  }

  /**
   * Recovery: this venue lives in the router's process, so its book ended with the
   * process that crashed. Every recovered order is reported canceled (VENUE_UNAVAILABLE)
   * with the quantity the journal had filled: no order of it rests here any more.
   * Synchronous (no I/O): every recovered order is settled.
   */
  reconcile(_sinceSequence: number): boolean {
    const r = this.recovered;
    for (let i = 0; i + 3 < r.length; i += 4) this.events?.canceled(r[i], r[i + 1], r[i + 2], r[i + 3], RejectReason.VENUE_UNAVAILABLE);
    r.length = 0;
    return true;
  }

  submit(handle: number, order: OrderFlyweight): void {
    const o = this.incoming;
    o.clientOrderId = order.clientOrderId;
    o.account = order.accountId;
    o.symbolId = order.symbolId;
    o.side = order.side;
    o.ordType = order.ordType;
    o.tif = order.tif;
    o.flags = order.flags & OrderFlags.POST_ONLY;
    o.priceTicks = order.priceTicks;
    o.stopPriceTicks = order.stopPriceTicks;
    o.quantityLots = order.quantityLots;
    if (this.handles.get(o.clientOrderId) < 0) this.handles.set(o.clientOrderId, handle);
    if (this.models !== null && this.refuseNew()) {
      this.onReject(o.clientOrderId, RejectReason.VENUE_UNAVAILABLE);
      return;
    }
    this.engine.submit(o);
  }

  cancel(_handle: number, order: OrderFlyweight): void {
    this.engine.cancel(order.clientOrderId);
  }

  replace(_handle: number, order: OrderFlyweight, newPriceTicks: number, newQuantityLots: number): void {
    this.engine.replace(order.clientOrderId, newPriceTicks, newQuantityLots);
  }

  /** Deliver the reports that are due (models on); returns how many. */
  /** The next delayed report's due time (models on), so a parked worker wakes for it. */
  nextWakeNs(_nowNs: number): number {
    return this.pending.length === 0 ? Infinity : this.pending[0].dueNs;
  }

  poll(nowNs: number): number {
    this.now = nowNs;
    if (this.pending.length === 0) return 0;
    const faults = this.models?.faults;
    let delivered = 0;
    while (this.pending.length > 0 && this.pending[0].dueNs <= nowNs) {
      if (faults?.reorderProbability && this.pending.length > 1 && this.random.next() < faults.reorderProbability) {
        const first = this.pending[0];
        this.pending[0] = this.pending[1];
        this.pending[1] = first;
      }
      const report = this.pending.shift()!;
      this.deliverPending(report);
      delivered++;
      if (faults?.duplicateProbability && (report.kind === R_FILL || report.kind === R_ACK) && this.random.next() < faults.duplicateProbability) {
        this.deliverPending(report);
        delivered++;
      }
    }
    return delivered;
  }

  /** Fills logged after `sequence` (the venue's own numbering, from 1), oldest first. */
  async executionsSince(sequence: number): Promise<VenueExecution[]> {
    return this.log.filter((e) => e.sequence > sequence);
  }

  /** Sequence number of the latest logged fill (0 if none). */
  get lastSequence(): number {
    return this.sequence;
  }

  /** What the venue holds open right now, for reconciliation after a reconnect. */
  async openOrders(): Promise<VenueOrderState[]> {
    return this.engine.liveOrders().map((o) => ({
      clientOrderId: o.clientOrderId,
      venueOrderId: o.venueOrderId,
      state: o.cumLots > 0 ? 3 : 2, // PARTIALLY_FILLED : ACCEPTED
      priceTicks: o.priceTicks,
      quantityLots: o.cumLots + o.leavesLots,
      cumLots: o.cumLots,
      leavesLots: o.leavesLots,
    }));
  }

  // MatchListener: engine events -> gateway events for the order's handle.
  onAck(id: number, venueOrderId: number): void {
    this.emit(R_ACK, id, venueOrderId, 0, 0, 0, 0);
  }
  onFill(id: number, venueOrderId: number, price: number, last: number, cum: number, leaves: number): void {
    // The venue's own record, kept whether or not the report reaches the client.
    this.log.push({ sequence: ++this.sequence, clientOrderId: id, venueOrderId, priceTicks: price, lastLots: last, cumLots: cum, leavesLots: leaves });
    if (this.log.length > this.logLimit) this.log.shift();
    this.emit(R_FILL, id, venueOrderId, price, last, cum, leaves);
  }
  onReject(id: number, reason: number): void {
    this.emit(R_REJECT, id, 0, reason, 0, 0, 0);
  }
  onCanceled(id: number, venueOrderId: number, cum: number, reason: number): void {
    this.emit(R_CANCELED, id, venueOrderId, cum, reason, 0, 0);
  }
  onReplaced(id: number, venueOrderId: number, price: number, qty: number, cum: number, leaves: number): void {
    this.emit(R_REPLACED, id, venueOrderId, price, qty, cum, leaves);
  }
  onCancelReject(id: number, reason: number): void {
    this.emit(R_CANCEL_REJECT, id, 0, reason, 0, 0, 0);
  }
  onReplaceReject(id: number, reason: number): void {
    this.emit(R_REPLACE_REJECT, id, 0, reason, 0, 0, 0);
  }
  onTrade(): void {}
  onTopOfBook(symbolId: number, bid: number, bidLots: number, ask: number, askLots: number): void {
    this.events?.topOfBook(symbolId, bid, bidLots, ask, askLots);
  }

  private handleOf(clientOrderId: number): number {
    return this.handles.get(clientOrderId);
  }

  /** Deliver now (no models) or queue with a due time. */
  private emit(kind: number, id: number, venueOrderId: number, a: number, b: number, c: number, d: number): void {
    const handle = this.handleOf(id);
    const terminal =
      (kind === R_FILL && d === 0) || kind === R_CANCELED || (kind === R_REJECT && a !== RejectReason.DUPLICATE_ORDER_ID);
    if (terminal) this.handles.delete(id);
    if (this.models === null) {
      this.deliver(kind, handle, id, venueOrderId, a, b, c, d); // no allocation on this path
      return;
    }
    const m = this.models;
    const dueNs = this.now + (m.reportDelayNs ?? 0) + Math.floor(this.random.next() * (m.reportJitterNs ?? 0));
    const report: PendingReport = { dueNs, kind, handle, id, venueOrderId, a, b, c, d };
    // Keep the queue ordered by due time (stable for equal times).
    let at = this.pending.length;
    while (at > 0 && this.pending[at - 1].dueNs > report.dueNs) at--;
    if (m.faults?.fillBeforeAck && kind === R_FILL) {
      const ack = this.pending.findIndex((p) => p.kind === R_ACK && p.id === id);
      if (ack >= 0 && ack < at) at = ack; // the fill overtakes its order's ack
    }
    this.pending.splice(at, 0, report);
  }

  private deliverPending(r: PendingReport): void {
    this.deliver(r.kind, r.handle, r.id, r.venueOrderId, r.a, r.b, r.c, r.d);
  }

  private deliver(kind: number, handle: number, id: number, venueOrderId: number, a: number, b: number, c: number, d: number): void {
    const events = this.events;
    if (events === null) return;
    switch (kind) {
      case R_ACK:
        return events.ack(handle, id, venueOrderId);
      case R_FILL:
        return events.fill(handle, id, venueOrderId, a, b, c, d);
      case R_REJECT:
        return events.reject(handle, id, a);
      case R_CANCELED:
        return events.canceled(handle, id, venueOrderId, a, b);
      case R_REPLACED:
        return events.replaced(handle, id, venueOrderId, a, b, c, d);
      case R_CANCEL_REJECT:
        return events.cancelReject(handle, id, a);
      case R_REPLACE_REJECT:
        return events.replaceReject(handle, id, a);
    }
  }

  /** Seeded reject model and reject bursts for a new order. */
  private refuseNew(): boolean {
    const m = this.models!;
    const n = this.newOrders++;
    const burst = m.faults?.rejectBurst;
    if (burst !== undefined && burst.every > 0 && n % burst.every < burst.length && n >= burst.every) return true;
    return (m.rejectProbability ?? 0) > 0 && this.random.next() < m.rejectProbability!;
  }
}
