import { afterEach, describe, expect, it } from 'vitest';
import type { OrderFlyweight } from '@ringroute/core';
import { SIM_VENUE_TASK, WS_GATEWAY_TASK, type ExchangeServer } from '@ringroute/gateways';
import { planGatewayThreads, Router, WorkerState, type OrderEventHandler, type RouterConfig } from '@ringroute/router';
import { exchange, KEY, SECRET } from '../support/exchange.js';

const POLL_THROWS_TASK = new URL('../dist/fixtures/pollThrowsTask.js', import.meta.url);
const INSTRUMENTS = [
  { symbol: 'AAA', tickSize: '1', lotSize: '1' },
  { symbol: 'BBB', tickSize: '1', lotSize: '1' },
];

/** The last thing each order heard, by client order id. */
class LastEvent implements OrderEventHandler {
  readonly last = new Map<number, string>();
  onAccepted(o: OrderFlyweight) {
    this.last.set(o.clientOrderId, 'accepted');
  }
  onFill(o: OrderFlyweight) {
    this.last.set(o.clientOrderId, o.leavesLots === 0 ? 'filled' : 'partial');
  }
  onRejected(o: OrderFlyweight) {
    this.last.set(o.clientOrderId, 'rejected');
  }
  onCanceled(o: OrderFlyweight) {
    this.last.set(o.clientOrderId, 'canceled');
  }
  onUnknown(o: OrderFlyweight) {
    this.last.set(o.clientOrderId, 'unknown');
  }
}

async function pollUntil(router: Router, events: LastEvent, done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify([...events.last])}`);
    if (router.poll(events) === 0) await new Promise((r) => setTimeout(r, 1));
  }
}

describe('planGatewayThreads: the layout fits the machine or follows the configuration', () => {
  const venues = ['a', 'b', 'c'];
  it("'auto' leaves a core per strategy thread, keeps at least one gateway thread and at most one per venue", () => {
    expect(planGatewayThreads(venues, 'auto', 1, 2).threads).toEqual([[0, 1, 2]]);
    expect(planGatewayThreads(venues, 'auto', 2, 2).threads).toEqual([[0, 1, 2]]);
    expect(planGatewayThreads(venues, 'auto', 1, 1).threads).toEqual([[0, 1, 2]]);
    expect(planGatewayThreads(venues, 'auto', 1, 3).threads).toEqual([[0, 2], [1]]);
    expect(planGatewayThreads(venues, 'auto', 1, 64).threads).toEqual([[0], [1], [2]]);
    expect(planGatewayThreads(venues, 'auto', 1, 2).reason).toContain('2 cores');
  });

  it("'auto' never runs more gateway threads than spare cores: with one, every venue shares it; with more, the socket venues get one", () => {
    const four = ['alpha', 'beta', 'ws', 'fix'];
    const sockets = [false, false, true, true];
    expect(planGatewayThreads(four, 'auto', 1, 2, sockets).threads).toEqual([[0, 1, 2, 3]]);
    expect(planGatewayThreads(four, 'auto', 1, 3, sockets).threads).toEqual([[0, 1], [2, 3]]);
    expect(planGatewayThreads(four, 'auto', 1, 8, sockets).threads).toEqual([[0], [1], [2, 3]]);
    expect(planGatewayThreads(four, 'auto', 2, 4, sockets).threads).toEqual([[0, 1], [2, 3]]);
    expect(planGatewayThreads(['ws', 'fix'], 'auto', 1, 8, [true, true]).threads).toEqual([[0], [1]]);
  });

  it("'dedicated', a count and explicit groups", () => {
    expect(planGatewayThreads(venues, 'dedicated').threads).toEqual([[0], [1], [2]]);
    expect(planGatewayThreads(venues, 2).threads).toEqual([[0, 2], [1]]);
    expect(planGatewayThreads(venues, [['c'], ['a', 'b']]).threads).toEqual([[2], [0, 1]]);
  });

  it.each([
    ['no threads', 0],
    ['more threads than venues', 4],
    ['a fractional count', 1.5],
    ['a venue nobody configured', [['a', 'b'], ['x']]],
    ['a venue in two threads', [['a', 'b'], ['b', 'c']]],
    ['a venue left out', [['a', 'b']]],
    ['an empty group', [['a', 'b', 'c'], []]],
    ['a word it does not know', 'shared'],
  ])('refuses %s with a typed error', (_what, spec) => {
    expect(() => planGatewayThreads(venues, spec as never, 1, 2)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('Router.create refuses a bad layout before it starts any thread', async () => {
    await expect(
      Router.create({ instruments: INSTRUMENTS, venues: [{ name: 'a', task: SIM_VENUE_TASK }], gatewayThreads: [['a'], ['b']] }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('b') });
  });
});

describe('venues sharing gateway threads (real threads)', () => {
  const routers: Router[] = [];
  const servers: ExchangeServer[] = [];
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.stop()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (config: Omit<RouterConfig, 'instruments'>) => {
    const router = await Router.create({ instruments: INSTRUMENTS, ackTimeoutMs: 0, ...config });
    routers.push(router);
    return router;
  };

  it('three in-memory venues on one thread: one thread id, every venue matches its own orders', async () => {
    const router = await start({ venues: ['a', 'b', 'c'].map((name) => ({ name, task: SIM_VENUE_TASK })), gatewayThreads: 1 });
    expect(router.threadLayout.threads).toEqual([['a', 'b', 'c']]);
    expect(new Set(router.gateways.workers.map((w) => w.threadId)).size).toBe(1);
    expect(router.gateways.workers.map((w) => w.thread)).toEqual([0, 0, 0]);
    const events = new LastEvent();
    const buys: number[] = [];
    for (const venue of ['a', 'b', 'c']) {
      for (let i = 0; i < 100; i++) {
        expect(router.submit({ symbol: 'AAA', side: 'sell', price: 100 + i, quantity: 2, venue, account: 2 })).toBeGreaterThan(0);
        buys.push(router.submit({ symbol: 'AAA', side: 'buy', price: 100 + i, quantity: 2, venue, account: 3 }));
      }
    }
    await pollUntil(router, events, () => buys.every((id) => events.last.get(id) === 'filled'));
    expect(router.stats.unknown).toBe(0);
  });

  it("a venue whose adapter breaks fails alone: its orders become UNKNOWN, the venue beside it on the same thread trades on", async () => {
    const router = await start({
      venues: [
        { name: 'bad', task: POLL_THROWS_TASK },
        { name: 'good', task: SIM_VENUE_TASK },
      ],
      gatewayThreads: [['bad', 'good']],
    });
    const events = new LastEvent();
    const restingBad = router.submit({ symbol: 'AAA', side: 'buy', price: 50, quantity: 1, venue: 'bad' });
    const restingGood = router.submit({ symbol: 'AAA', side: 'buy', price: 50, quantity: 1, venue: 'good' });
    await pollUntil(router, events, () => events.last.get(restingBad) === 'accepted' && events.last.get(restingGood) === 'accepted');
    const trigger = router.submit({ symbol: 'AAA', side: 'buy', price: 777, quantity: 1, venue: 'bad' }); // its poll throws from now on
    await pollUntil(router, events, () => events.last.get(restingBad) === 'unknown' && events.last.get(trigger) === 'unknown');
    expect(router.gateways.failures.map((f) => [f.index, f.kind])).toEqual([[0, 'crashed']]);
    expect(router.gateways.failures[0].error?.message).toContain('adapter poll bug');
    const [bad, good] = router.gateways.workers;
    expect(bad.state).toBe(WorkerState.FAILED);
    expect(good.state).toBe(WorkerState.RUNNING);
    expect(good.threadId).toBe(bad.threadId);
    // The neighbour's order is untouched and it still matches.
    expect(events.last.get(restingGood)).toBe('accepted');
    const sell = router.submit({ symbol: 'AAA', side: 'sell', price: 50, quantity: 1, venue: 'good', account: 2 });
    await pollUntil(router, events, () => events.last.get(restingGood) === 'filled' && events.last.get(sell) === 'filled');
    expect(router.stats.unknown).toBe(2);
  });

  it('a thread that dies fails every venue it hosts, and only those', async () => {
    const router = await start({
      venues: ['a', 'b', 'c'].map((name) => ({ name, task: SIM_VENUE_TASK })),
      gatewayThreads: [['a', 'b'], ['c']],
    });
    expect(router.threadLayout).toEqual({ threads: [['a', 'b'], ['c']], reason: 'explicit groups' });
    const events = new LastEvent();
    const ids = ['a', 'b', 'c'].map((venue) => router.submit({ symbol: 'BBB', side: 'sell', price: 200, quantity: 1, venue }));
    await pollUntil(router, events, () => ids.every((id) => events.last.get(id) === 'accepted'));
    await router.gateways.terminateWorker(router.venueId('b'));
    await pollUntil(router, events, () => events.last.get(ids[0]) === 'unknown' && events.last.get(ids[1]) === 'unknown');
    expect(router.gateways.failures.map((f) => f.index).sort()).toEqual([0, 1]);
    expect(events.last.get(ids[2])).toBe('accepted');
    const buy = router.submit({ symbol: 'BBB', side: 'buy', price: 200, quantity: 1, venue: 'c', account: 3 });
    await pollUntil(router, events, () => events.last.get(buy) === 'filled');
    expect(router.gateways.workers[2].state).toBe(WorkerState.RUNNING);
  });

  it('idleSpinNs sets how long an idle gateway thread spins before it parks on its doorbell', async () => {
    const venues = [{ name: 'a', task: SIM_VENUE_TASK }];
    await expect(Router.create({ instruments: INSTRUMENTS, venues, idleSpinNs: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    const parked = (router: Router) => router.gateways.workers[0].doorbell.waiters === 1;
    const quick = await start({ venues, idleSpinNs: 0 });
    const slow = await start({ venues: [{ name: 'b', task: SIM_VENUE_TASK }], idleSpinNs: 400e6 });
    const t0 = Date.now();
    while (!parked(quick) && Date.now() - t0 < 2_000) await new Promise((r) => setTimeout(r, 5));
    expect(parked(quick)).toBe(true);
    expect(parked(slow)).toBe(Date.now() - t0 > 400); // still spinning through its 400 ms budget
    while (!parked(slow) && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(parked(slow)).toBe(true);
  });

  it('a WebSocket venue and an in-memory venue share one thread: the socket is served and the in-memory venue gets its turns', async () => {
    const server = await exchange();
    servers.push(server);
    const router = await start({
      venues: [
        { name: 'ws', task: WS_GATEWAY_TASK, idle: 'async', adapter: { url: server.url, apiKey: KEY, secret: SECRET, reconnectInitialMs: 20, reconnectMaxMs: 200 } },
        { name: 'sim', task: SIM_VENUE_TASK },
      ],
      gatewayThreads: 1,
    });
    expect(new Set(router.gateways.workers.map((w) => w.threadId)).size).toBe(1);
    const events = new LastEvent();
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      ids.push(router.submit({ symbol: 'AAA', side: 'buy', price: 10 + i, quantity: 1, venue: i % 2 === 0 ? 'ws' : 'sim' }));
    }
    expect(ids.every((id) => id > 0)).toBe(true);
    await pollUntil(router, events, () => ids.every((id) => events.last.get(id) === 'accepted'), 10_000);
    // Idle for a while (the thread parks in waitAsync), then both still answer.
    await new Promise((r) => setTimeout(r, 100));
    const late = [router.submit({ symbol: 'BBB', side: 'buy', price: 5, quantity: 1, venue: 'ws' }), router.submit({ symbol: 'BBB', side: 'buy', price: 5, quantity: 1, venue: 'sim' })];
    await pollUntil(router, events, () => late.every((id) => events.last.get(id) === 'accepted'));
  });
});
