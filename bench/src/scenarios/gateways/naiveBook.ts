/**
 * The reference for `gateways.sim.match`: a straightforward object-based limit order
 * book, the way a first JavaScript implementation looks (an object per order, arrays of
 * level objects kept sorted with splice, queues with shift, a Map from id to order for
 * cancels). Limit orders and cancels, price-time priority, same trade rules.
 */
interface NaiveOrder {
  id: number;
  side: number;
  price: number;
  leaves: number;
}
interface NaiveLevel {
  price: number;
  queue: NaiveOrder[];
}

export class NaiveBook {
  trades = 0;
  private readonly bids: NaiveLevel[] = []; // best first (descending)
  private readonly asks: NaiveLevel[] = []; // best first (ascending)
  private readonly byId = new Map<number, NaiveOrder>();

  cancel(id: number): void {
    const order = this.byId.get(id);
    if (order === undefined) return;
    this.byId.delete(id);
    const own = order.side === 1 ? this.bids : this.asks;
    const at = own.findIndex((l) => l.price === order.price);
    const queue = own[at].queue;
    queue.splice(queue.indexOf(order), 1);
    if (queue.length === 0) own.splice(at, 1);
  }

  submit(id: number, side: number, price: number, qty: number): void {
    const order: NaiveOrder = { id, side, price, leaves: qty };
    const opposite = side === 1 ? this.asks : this.bids;
    while (order.leaves > 0 && opposite.length > 0) {
      const best = opposite[0];
      if (side === 1 ? best.price > price : best.price < price) break;
      while (order.leaves > 0 && best.queue.length > 0) {
        const resting = best.queue[0];
        const lots = Math.min(order.leaves, resting.leaves);
        resting.leaves -= lots;
        order.leaves -= lots;
        this.trades++;
        if (resting.leaves === 0) {
          best.queue.shift();
          this.byId.delete(resting.id);
        }
      }
      if (best.queue.length === 0) opposite.shift();
    }
    if (order.leaves === 0) return;
    const own = side === 1 ? this.bids : this.asks;
    let i = 0;
    while (i < own.length && (side === 1 ? own[i].price > price : own[i].price < price)) i++;
    if (i < own.length && own[i].price === price) own[i].queue.push(order);
    else own.splice(i, 0, { price, queue: [order] });
    this.byId.set(id, order);
  }
}
