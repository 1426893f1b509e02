import { describe, expect, it } from 'vitest';
import { RejectReason, Side } from '@ringroute/core';
import { SimulatedVenue, type VenueModels } from '@ringroute/gateways';
import { OrderBuilder } from '../support/orders.js';
import { RecordingEvents } from '../support/RecordingEvents.js';

async function venue(models?: VenueModels) {
  const sim = new SimulatedVenue({ symbols: 1, models });
  const events = new RecordingEvents();
  await sim.connect(events);
  return { sim, events, orders: new OrderBuilder() };
}

/** Submit a crossing pair: a resting sell, then a buy that fills it. */
function cross(sim: SimulatedVenue, orders: OrderBuilder) {
  const sell = orders.make(Side.SELL, 100, 5, { account: 1 });
  sim.submit(sell, orders.order);
  const buy = orders.make(Side.BUY, 100, 5, { account: 2 });
  sim.submit(buy, orders.order);
  return { sell, buy };
}

describe('SimulatedVenue models', () => {
  it('without models, reports are delivered at once', async () => {
    const { sim, events, orders } = await venue();
    cross(sim, orders);
    expect(events.take().map((r) => r.kind)).toEqual(['ack', 'ack', 'fill', 'fill']);
    expect(sim.pendingReports).toBe(0);
  });

  it('a report delay holds reports until poll reaches their due time', async () => {
    const { sim, events, orders } = await venue({ reportDelayNs: 1_000 });
    sim.poll(10_000);
    cross(sim, orders);
    expect(events.take()).toEqual([]);
    expect(sim.poll(10_999)).toBe(0);
    expect(sim.poll(11_000)).toBe(4);
    expect(events.take().map((r) => r.kind)).toEqual(['ack', 'ack', 'fill', 'fill']);
  });

  it('is deterministic for a seed, and the seed matters', async () => {
    const run = async (seed: number) => {
      const { sim, events, orders } = await venue({ seed, reportJitterNs: 1_000, faults: { reorderProbability: 0.3, duplicateProbability: 0.3 } });
      for (let i = 0; i < 20; i++) cross(sim, orders);
      sim.poll(1e9);
      return JSON.stringify(events.take());
    };
    expect(await run(7)).toBe(await run(7));
    expect(await run(7)).not.toBe(await run(8));
  });

  it('fillBeforeAck delivers an order first fill before its ack', async () => {
    const { sim, events, orders } = await venue({ reportDelayNs: 10, faults: { fillBeforeAck: true } });
    const { buy } = cross(sim, orders);
    sim.poll(1e6);
    const forBuy = events.take().filter((r) => r.handle === buy).map((r) => r.kind);
    expect(forBuy).toEqual(['fill', 'ack']);
  });

  it('duplicate reports repeat a fill with the same cumulative quantity', async () => {
    const { sim, events, orders } = await venue({ seed: 3, reportDelayNs: 1, faults: { duplicateProbability: 1 } });
    cross(sim, orders);
    sim.poll(1e6);
    const fills = events.take().filter((r) => r.kind === 'fill');
    expect(fills).toHaveLength(4);
    expect(fills[0]).toEqual(fills[1]);
    expect(fills[2]).toEqual(fills[3]);
  });

  it('a reject burst refuses a run of new orders with VENUE_UNAVAILABLE', async () => {
    const { sim, events, orders } = await venue({ reportDelayNs: 1, faults: { rejectBurst: { every: 5, length: 2 } } });
    for (let i = 0; i < 12; i++) sim.submit(orders.make(Side.BUY, 90 - i, 1), orders.order);
    sim.poll(1e6);
    const rejected = events.take().filter((r) => r.kind === 'reject');
    expect(rejected.map((r) => r.reason)).toEqual(new Array(4).fill(RejectReason.VENUE_UNAVAILABLE));
    expect(rejected.map((r) => r.id)).toEqual([6, 7, 11, 12]);
  });

  it('a random reject probability rejects about that share of new orders', async () => {
    const { sim, events, orders } = await venue({ seed: 11, reportDelayNs: 1, rejectProbability: 0.25 });
    for (let i = 0; i < 2_000; i++) sim.submit(orders.make(Side.BUY, 50, 1, { id: i + 1, account: i }), orders.order);
    sim.poll(1e9);
    const rejects = events.take().filter((r) => r.kind === 'reject').length;
    expect(rejects).toBeGreaterThan(400);
    expect(rejects).toBeLessThan(600);
  });

  it('losing the connection drops undelivered reports; openOrders tells the truth for reconciliation', async () => {
    const { sim, events, orders } = await venue({ reportDelayNs: 1_000 });
    const resting = orders.make(Side.BUY, 95, 3, { id: 501 });
    sim.submit(resting, orders.order);
    cross(sim, orders); // fully filled pair
    const partial = orders.make(Side.SELL, 95, 1, { id: 502, account: 9 });
    sim.submit(partial, orders.order); // fills 1 of the resting buy
    expect(sim.dropInFlight()).toBeGreaterThan(0);
    sim.poll(1e9);
    expect(events.take()).toEqual([]); // nothing arrived
    expect(await sim.openOrders()).toEqual([
      { clientOrderId: 501, venueOrderId: expect.any(Number), state: 3, priceTicks: 95, quantityLots: 3, cumLots: 1, leavesLots: 2 },
    ]);
  });
});
