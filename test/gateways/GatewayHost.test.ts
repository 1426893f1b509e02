import { afterEach, describe, expect, it } from 'vitest';
import { ExecType, OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, RejectReason, Side, SlabPool, TimeInForce } from '@ringroute/core';
import { GatewayCommand, Quote, TopOfBook } from '@ringroute/gateways';
import { WorkerPool, type GatewayWorker } from '@ringroute/router';
import { Decoder, type Decoded } from '../support/Decoder.js';

const SIM = new URL('../dist/fixtures/simVenueTask.js', import.meta.url);
const THROWING = new URL('../dist/fixtures/throwingAdapterTask.js', import.meta.url);

async function setup(task: URL) {
  const orders = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1024, recordClass: RecordClass.ORDER });
  const book = TopOfBook.create(1, 2);
  const pool = await WorkerPool.start({ workers: 1, task, data: () => ({ orders: orders.buffer, topOfBook: book.buffer, venueId: 0 }) });
  const order = new OrderFlyweight(orders);
  const decoder = new Decoder();
  let nextId = 1;
  const place = (side: number, price: number, qty: number, account: number, extra: Partial<Record<'ordType' | 'tif', number>> = {}) => {
    const handle = orders.allocate();
    order.wrap(handle);
    order.clear();
    order.clientOrderId = nextId++;
    order.symbolId = 1;
    order.accountId = account;
    order.side = side;
    order.ordType = extra.ordType ?? OrderType.LIMIT;
    order.tif = extra.tif ?? TimeInForce.GTC;
    order.priceTicks = price;
    order.quantityLots = qty;
    order.leavesLots = qty;
    expect(pool.workers[0].commands.offerPair(GatewayCommand.NEW, handle, 0)).toBe(0);
    return { handle, id: order.clientOrderId };
  };
  const waitFor = async (count: number): Promise<Decoded[]> => {
    const deadline = Date.now() + 5_000;
    while (decoder.events.length < count && Date.now() < deadline) {
      if (pool.poll(decoder, 64) === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(decoder.events.length).toBe(count);
    return decoder.events.splice(0);
  };
  /**
   * The venue publishes top-of-book after it writes the event that changed it (events and
   * the book are separate channels), so a reader that has the event may still see the
   * previous quote for a moment: wait (bounded) for the book to catch up.
   */
  const quoteWhen = async (venue: number, symbol: number, ok: (q: Quote) => boolean): Promise<Quote> => {
    const q = new Quote();
    const deadline = Date.now() + 5_000;
    while (!(book.read(venue, symbol, q) && ok(q)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    return q;
  };
  return { orders, book, pool, place, waitFor, quoteWhen, worker: pool.workers[0] as GatewayWorker };
}

describe('gateway host with the simulated venue, across threads', () => {
  const pools: WorkerPool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.stop()));
  });

  it('acks, matches and cancels through the rings, reading orders from the shared pool', async () => {
    const { pool, place, waitFor, quoteWhen, worker } = await setup(SIM);
    pools.push(pool);
    const sell = place(Side.SELL, 10_000, 10, 1);
    expect((await waitFor(1)).map((e) => [e.type, e.handle, e.clientOrderId])).toEqual([[ExecType.ACK, sell.handle, sell.id]]);
    const quote = await quoteWhen(0, 1, (q) => q.version >= 1);
    expect([quote.askTicks, quote.askLots]).toEqual([10_000, 10]);

    const buy = place(Side.BUY, 10_000, 4, 2);
    const trade = await waitFor(3);
    expect(trade.map((e) => [e.type, e.clientOrderId, e.price, e.last, e.cum, e.leaves])).toEqual([
      [ExecType.ACK, buy.id, 0, 0, 0, 0],
      [ExecType.FILL, sell.id, 10_000, 4, 4, 6],
      [ExecType.FILL, buy.id, 10_000, 4, 4, 0],
    ]);
    expect(trade[2].handle).toBe(buy.handle);

    expect(worker.commands.offerPair(GatewayCommand.CANCEL, sell.handle, 0)).toBe(0);
    expect((await waitFor(1)).map((e) => [e.type, e.clientOrderId, e.cum])).toEqual([[ExecType.CANCELED, sell.id, 4]]);
    expect((await quoteWhen(0, 1, (q) => q.askTicks !== q.askTicks)).askTicks).toBeNaN();
  });

  it('a stale handle and an unsupported command are refused with reasons, not exceptions', async () => {
    const { pool, place, waitFor, orders, worker } = await setup(SIM);
    pools.push(pool);
    const gone = place(Side.BUY, 9_000, 1, 1);
    await waitFor(1);
    worker.commands.offerPair(GatewayCommand.CANCEL, gone.handle, 0);
    await waitFor(1);
    orders.free(gone.handle);
    worker.commands.offerPair(GatewayCommand.NEW, gone.handle, 0);
    const live = place(Side.BUY, 9_000, 1, 1);
    worker.commands.offerPair(99, live.handle, 0);
    const events = await waitFor(3);
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      [ExecType.REJECT, RejectReason.STALE_HANDLE],
      [ExecType.ACK, 0],
      [ExecType.REJECT, RejectReason.UNSUPPORTED],
    ]);
  });

  it('an adapter that throws is caught: the order is rejected and the host keeps running', async () => {
    const { pool, place, waitFor, worker } = await setup(THROWING);
    pools.push(pool);
    const bad = place(Side.BUY, 666, 1, 1);
    const good = place(Side.BUY, 100, 1, 1);
    const events = await waitFor(2);
    expect(events.map((e) => [e.type, e.clientOrderId, e.reason])).toEqual([
      [ExecType.REJECT, bad.id, RejectReason.INTERNAL_ERROR],
      [ExecType.ACK, good.id, 0],
    ]);
    expect(worker.handlerErrors).toBe(1);
    expect(pool.failures).toEqual([]);
  });
});
