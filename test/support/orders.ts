import { OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, SlabPool, TimeInForce } from '@ringroute/core';

/** Builds orders in a real order pool, as the router would, for in-process adapter tests. */
export class OrderBuilder {
  readonly pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 4096, recordClass: RecordClass.ORDER });
  readonly order = new OrderFlyweight(this.pool);
  private nextId = 1;

  /** Allocate and fill an order; returns its handle (the flyweight stays on it). */
  make(side: number, price: number, qty: number, fields: Partial<{ account: number; symbolId: number; ordType: number; tif: number; flags: number; stop: number; id: number }> = {}): number {
    const handle = this.pool.allocate();
    const o = this.order;
    o.wrap(handle);
    o.clear();
    o.clientOrderId = fields.id ?? this.nextId++;
    o.symbolId = fields.symbolId ?? 0;
    o.accountId = fields.account ?? 1;
    o.side = side;
    o.ordType = fields.ordType ?? OrderType.LIMIT;
    o.tif = fields.tif ?? TimeInForce.GTC;
    o.flags = fields.flags ?? 0;
    o.priceTicks = price;
    o.stopPriceTicks = fields.stop ?? 0;
    o.quantityLots = qty;
    o.leavesLots = qty;
    return handle;
  }

  /** Point the flyweight at `handle` (for cancel / replace calls). */
  at(handle: number): OrderFlyweight {
    this.order.wrap(handle);
    return this.order;
  }
}
