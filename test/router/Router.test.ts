import { afterEach, describe, expect, it } from 'vitest';
import { INVALID_QUANTITY, NOTIONAL_BELOW_MIN, OrderState, PRICE_OFF_TICK, Side, UNKNOWN_SYMBOL, type OrderFlyweight } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { alphaBeta } from '../support/venues.js';
import { BreakerState, INVALID_REQUEST, NOT_WORKING, Quote, RING_CLOSED, ROUTER_STOPPED, Router, UNKNOWN_ORDER, UNKNOWN_VENUE, VENUE_UNHEALTHY, type OrderEventHandler } from '@ringroute/router';

class Events implements OrderEventHandler {
  log: string[] = [];
  onAccepted(o: OrderFlyweight) {
    this.log.push(`accepted ${o.clientOrderId} v${o.venueId}`);
  }
  onFill(o: OrderFlyweight, price: number, lots: number) {
    this.log.push(`fill ${o.clientOrderId} ${lots}@${price} filled=${o.filledLots} leaves=${o.leavesLots}`);
  }
  onRejected(o: OrderFlyweight, reason: number) {
    this.log.push(`rejected ${o.clientOrderId} ${reason}`);
  }
  onCanceled(o: OrderFlyweight) {
    this.log.push(`canceled ${o.clientOrderId} filled=${o.filledLots}`);
  }
  onReplaced(o: OrderFlyweight) {
    this.log.push(`replaced ${o.clientOrderId} ${o.quantityLots}@${o.priceTicks}`);
  }
  onUnknown(o: OrderFlyweight) {
    this.log.push(`unknown ${o.clientOrderId}`);
  }
}

async function pollUntil(router: Router, events: Events, count: number): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  while (events.log.length < count && Date.now() < deadline) {
    if (router.poll(events) === 0) await new Promise((r) => setTimeout(r, 1));
  }
  expect(events.log.length, events.log.join('\n')).toBe(count);
  return events.log.splice(0);
}

const BTC = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' };

describe('Router with two simulated venues on gateway workers', () => {
  const routers: Router[] = [];
  const start = async (gatewayThreads?: 'dedicated') => {
    const router = await Router.create({
      instruments: [BTC],
      venues: alphaBeta(),
      defaultVenue: 'alpha',
      gatewayThreads,
    });
    routers.push(router);
    return { router, events: new Events() };
  };
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.stop()));
  });

  it('submits, matches and frees: accepted, fills, and slots released when filled', async () => {
    const { router, events } = await start();
    const sell = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65000.00', quantity: '0.005', account: 2 });
    const buy = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000.00', quantity: '0.005', account: 3 });
    expect(sell).toBeGreaterThan(0);
    expect(buy).toBe(sell + 1);
    const log = await pollUntil(router, events, 4);
    expect(log).toEqual([
      `accepted ${sell} v0`,
      `accepted ${buy} v0`,
      `fill ${sell} 5@6500000 filled=5 leaves=0`,
      `fill ${buy} 5@6500000 filled=5 leaves=0`,
    ]);
    expect(router.liveOrders).toBe(0);
    // A filled order's slot goes back once its worker has consumed its commands: on the
    // next poll that delivers nothing (or with 32 others).
    const deadline = Date.now() + 2_000;
    while (router.orders.freeCount() !== router.orders.capacity && Date.now() < deadline) {
      router.poll({});
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(router.orders.freeCount()).toBe(router.orders.capacity);
    expect(router.stats).toMatchObject({ submitted: 2, accepted: 2, filled: 2 });
  });

  it('fast path: claim, fill the draft in ticks and lots, send; bad drafts free their slot', async () => {
    const { router, events } = await start();
    const capacity = router.orders.capacity;
    expect(router.claim()).toBeGreaterThanOrEqual(0);
    const d = router.draft;
    d.symbolId = router.instruments.idOf('BTC-USD');
    d.side = Side.BUY;
    d.priceTicks = 6_400_000;
    d.quantityLots = 7;
    const id = router.send();
    expect(id).toBeGreaterThan(0);
    expect(await pollUntil(router, events, 1)).toEqual([`accepted ${id} v0`]);
    expect(router.orderOf(id)).toMatchObject({ quantityLots: 7, leavesLots: 7, priceTicks: 6_400_000 });

    router.claim();
    router.draft.symbolId = 0;
    router.draft.side = Side.SELL;
    router.draft.priceTicks = 6_500_000;
    router.draft.quantityLots = 0;
    expect(router.send()).toBe(INVALID_QUANTITY);
    router.claim(); // claimed and never sent ...
    router.claim(); // ... is given back by the next claim
    router.claim();
    router.draft.symbolId = 0;
    router.draft.side = 3;
    expect(router.send()).toBe(INVALID_REQUEST);
    expect(router.send()).toBe(UNKNOWN_ORDER); // nothing claimed
    expect(router.orders.freeCount()).toBe(capacity - 1); // only the working order holds a slot
  });

  it('refuses bad requests with statuses before anything reaches a venue', async () => {
    const { router } = await start();
    expect(router.submit({ symbol: 'NOPE', side: 'buy', price: 1, quantity: 1 })).toBe(UNKNOWN_SYMBOL);
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000.005', quantity: '1' })).toBe(PRICE_OFF_TICK);
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: NaN })).toBe(INVALID_QUANTITY);
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '0.01', quantity: '0.001' })).toBe(NOTIONAL_BELOW_MIN);
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '1', venue: 'gamma' })).toBe(UNKNOWN_VENUE);
    expect(router.cancel(123_456)).toBe(UNKNOWN_ORDER);
    expect(router.stats.submitted).toBe(0);
    expect(router.orders.freeCount()).toBe(router.orders.capacity);
  });

  it('cancel and replace a working order; a second cancel finds nothing', async () => {
    const { router, events } = await start();
    const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '64000', quantity: '0.010' });
    expect(router.replace(id, '64000', '0.010')).toBe(NOT_WORKING); // not acknowledged yet
    await pollUntil(router, events, 1);
    expect(router.replace(id, '64100.50', '0.020')).toBe(0);
    expect(await pollUntil(router, events, 1)).toEqual([`replaced ${id} 20@6410050`]);
    expect(router.cancel(id)).toBe(0);
    expect(await pollUntil(router, events, 1)).toEqual([`canceled ${id} filled=0`]);
    expect(router.cancel(id)).toBe(UNKNOWN_ORDER);
    expect(router.liveOrders).toBe(0);
  });

  it('routes to the named venue, and each venue publishes its own top of book', async () => {
    const { router, events } = await start();
    const id = router.submit({ symbol: 'BTC-USD', side: 'sell', price: '65010', quantity: '0.002', venue: 'beta' });
    expect(await pollUntil(router, events, 1)).toEqual([`accepted ${id} v1`]);
    const q = new Quote();
    const deadline = Date.now() + 5_000;
    while (!(router.topOfBook.read(router.venueId('beta'), 0, q) && q.version > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    expect([q.askTicks, q.askLots]).toEqual([6_501_000, 2]);
    expect(router.topOfBook.read(router.venueId('alpha'), 0, q) && q.version).toBe(0);
  });

  it('a gateway thread that dies turns its working orders into UNKNOWN events; the venue on another thread works on', async () => {
    const { router, events } = await start('dedicated');
    const resting = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.003', venue: 'beta' });
    await pollUntil(router, events, 1);
    await router.gateways.terminateWorker(router.venueId('beta'));
    expect(await pollUntil(router, events, 1)).toEqual([`unknown ${resting}`]);
    expect(router.orderOf(resting)?.state).toBe(OrderState.UNKNOWN);
    const other = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.003', venue: 'alpha' });
    expect(await pollUntil(router, events, 1)).toEqual([`accepted ${other} v0`]);
    // Its breaker is open for good: refused before the (closed) ring, and smart routing avoids it.
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.003', venue: 'beta' })).toBe(VENUE_UNHEALTHY);
    expect(router.breakers[router.venueId('beta')].state).toBe(BreakerState.OPEN);
    expect(router.gateways.workers[router.venueId('beta')].commands.offerPair(1, 0, 0)).toBe(RING_CLOSED);
  });
});

describe('Router graceful stop', () => {
  it('refuses new orders, cancels working ones, and reports each order terminal before the threads end', async () => {
    const router = await Router.create({
      instruments: [BTC],
      venues: alphaBeta(),
    });
    const events = new Events();
    const ids = [
      router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.001', venue: 'alpha' }),
      router.submit({ symbol: 'BTC-USD', side: 'sell', price: '70000', quantity: '0.002', venue: 'beta' }),
      router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60001', quantity: '0.003', venue: 'beta' }),
    ];
    expect(ids.every((id) => id > 0)).toBe(true);
    const stopping = router.stop(events); // some orders are not even acknowledged yet
    expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.001' })).toBe(ROUTER_STOPPED);
    expect(router.claim()).toBe(ROUTER_STOPPED);
    await stopping;
    for (const id of ids) expect(events.log).toContain(`canceled ${id} filled=0`);
    expect(router.liveOrders).toBe(0);
    expect(router.stats.unknown).toBe(0);
  });

  it('orders a venue never answers become UNKNOWN when the stop times out', async () => {
    const router = await Router.create({
      instruments: [BTC],
      venues: [{ name: 'slow', task: SIM_VENUE_TASK, adapter: { models: { reportDelayNs: 60e9 } } }], // reports take a minute
    });
    const events = new Events();
    const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '60000', quantity: '0.001' });
    await router.stop(events, { timeoutMs: 200 });
    expect(events.log).toEqual([`unknown ${id}`]);
    expect(router.stats.unknown).toBe(1);
  });
});
