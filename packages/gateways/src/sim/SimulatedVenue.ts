import { OrderFlags, RejectReason, type OrderFlyweight } from '@ringroute/core';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, type GatewayAdapter, type GatewayCapabilities, type GatewayEvents, type RateLimitRule, type VenueOrderState } from '../GatewayAdapter.js';
import { IdMap } from './IdMap.js';
import type { MatchListener } from './MatchListener.js';
import { MatchingEngine, SelfMatch, type EngineOrder } from './MatchingEngine.js';

export interface SimulatedVenueOptions {
  name?: string;
  /** Symbol ids the venue lists: 0 .. symbols-1. */
  symbols: number;
  /** Resting orders at once (default 65,536). */
  capacity?: number;
  selfMatch?: SelfMatch;
}

/**
 * The simulated venue as a gateway adapter: a MatchingEngine per venue, its events turned
 * into gateway events for the order's handle. Runs on a gateway worker (through
 * `runGatewayHost`) or in-process on the strategy thread for backtests.
 *
 * Deterministic: same commands in, same events out. (Latency and fill models and the
 * fault-injecting mode are still to come; see the gateways issue.)
 */
export class SimulatedVenue implements GatewayAdapter, MatchListener {
  readonly name: string;
  readonly capabilities: GatewayCapabilities = { orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, amend: true, postOnly: true, reduceOnly: false };
  readonly rateLimits: readonly RateLimitRule[] = [];
  private readonly engine: MatchingEngine;
  private readonly handles: IdMap; // client order id -> order handle
  private readonly incoming: EngineOrder;
  private events: GatewayEvents | null = null;

  constructor(options: SimulatedVenueOptions) {
    this.name = options.name ?? 'sim';
    this.engine = new MatchingEngine({ symbols: options.symbols, capacity: options.capacity ?? 65_536, selfMatch: options.selfMatch }, this);
    this.handles = new IdMap(1024);
    this.incoming = this.engine.orderScratch;
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
    this.engine.submit(o);
  }

  cancel(_handle: number, order: OrderFlyweight): void {
    this.engine.cancel(order.clientOrderId);
  }

  replace(_handle: number, order: OrderFlyweight, newPriceTicks: number, newQuantityLots: number): void {
    this.engine.replace(order.clientOrderId, newPriceTicks, newQuantityLots);
  }

  poll(): number {
    return 0;
  }

  async openOrders(): Promise<VenueOrderState[]> {
    return []; // reconciliation arrives with the fault-injecting mode
  }

  // MatchListener: engine events -> gateway events for the order's handle.
  onAck(id: number, venueOrderId: number): void {
    this.events?.ack(this.handleOf(id), id, venueOrderId);
  }
  onFill(id: number, venueOrderId: number, price: number, last: number, cum: number, leaves: number): void {
    this.events?.fill(this.handleOf(id), id, venueOrderId, price, last, cum, leaves);
    if (leaves === 0) this.handles.delete(id);
  }
  onReject(id: number, reason: number): void {
    this.events?.reject(this.handleOf(id), id, reason);
    if (reason !== RejectReason.DUPLICATE_ORDER_ID) this.handles.delete(id);
  }
  onCanceled(id: number, venueOrderId: number, cum: number, reason: number): void {
    this.events?.canceled(this.handleOf(id), id, venueOrderId, cum, reason);
    this.handles.delete(id);
  }
  onReplaced(id: number, venueOrderId: number, price: number, qty: number, cum: number, leaves: number): void {
    this.events?.replaced(this.handleOf(id), id, venueOrderId, price, qty, cum, leaves);
  }
  onCancelReject(id: number, reason: number): void {
    this.events?.cancelReject(this.handleOf(id), id, reason);
  }
  onReplaceReject(id: number, reason: number): void {
    this.events?.replaceReject(this.handleOf(id), id, reason);
  }
  onTrade(): void {}
  onTopOfBook(symbolId: number, bid: number, bidLots: number, ask: number, askLots: number): void {
    this.events?.topOfBook(symbolId, bid, bidLots, ask, askLots);
  }

  private handleOf(clientOrderId: number): number {
    return this.handles.get(clientOrderId);
  }
}
