import { OrderType, RejectReason, TimeInForce, type OrderFlyweight } from '@ringroute/core';
import { bit, type GatewayAdapter, type GatewayEvents, type VenueExecution } from '@ringroute/gateways';

/**
 * A venue that fills on its own (a dealer, an internaliser): every limit order, GTC or
 * IOC, is acknowledged and filled in full at its limit price at once, in two fills when
 * it is over one lot. No amend, no post-only, nothing rests: a cancel is always too late
 * (or the order unknown). Written for the conformance kit's tests: an adapter of another
 * behaviour than a matching engine.
 */
export class InstantFillVenue implements GatewayAdapter {
  readonly name = 'instant-fill';
  readonly capabilities = { orderTypes: bit(OrderType.LIMIT), timeInForce: bit(TimeInForce.GTC) | bit(TimeInForce.IOC), amend: false, postOnly: false, reduceOnly: false };
  readonly rateLimits = [{ kind: 'all' as const, scope: 'symbol' as const, perSecond: 50, burst: 10 }];
  private events!: GatewayEvents;
  private nextVenueId = 1;
  private sequence = 0;
  private readonly filled = new Set<number>();
  private readonly log: VenueExecution[] = [];

  async connect(events: GatewayEvents): Promise<void> {
    this.events = events;
  }
  async disconnect(): Promise<void> {}
  submit(handle: number, order: OrderFlyweight): void {
    const id = order.clientOrderId;
    const qty = order.quantityLots;
    if (order.symbolId >= 16) return this.events.reject(handle, id, RejectReason.UNKNOWN_SYMBOL);
    if (!Number.isSafeInteger(qty) || qty <= 0) return this.events.reject(handle, id, RejectReason.INVALID_QUANTITY);
    if (order.ordType !== OrderType.LIMIT || (order.tif !== TimeInForce.GTC && order.tif !== TimeInForce.IOC) || order.flags !== 0) {
      return this.events.reject(handle, id, RejectReason.UNSUPPORTED);
    }
    const venueOrderId = this.nextVenueId++;
    this.events.ack(handle, id, venueOrderId);
    const first = qty > 1 ? Math.floor(qty / 2) : qty;
    for (const [last, cum] of first === qty ? [[qty, qty]] : [[first, first], [qty - first, qty]]) {
      this.log.push({ sequence: ++this.sequence, clientOrderId: id, venueOrderId, priceTicks: order.priceTicks, lastLots: last, cumLots: cum, leavesLots: qty - cum });
      this.events.fill(handle, id, venueOrderId, order.priceTicks, last, cum, qty - cum);
    }
    this.filled.add(id);
  }
  cancel(handle: number, order: OrderFlyweight): void {
    this.events.cancelReject(handle, order.clientOrderId, this.filled.has(order.clientOrderId) ? RejectReason.TOO_LATE_TO_CANCEL : RejectReason.UNKNOWN_ORDER);
  }
  replace(handle: number, order: OrderFlyweight): void {
    this.events.replaceReject(handle, order.clientOrderId, RejectReason.UNSUPPORTED);
  }
  poll(): number {
    return 0;
  }
  async openOrders() {
    return [];
  }
  async executionsSince(sequence: number) {
    return this.log.filter((e) => e.sequence > sequence);
  }
}
