import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ORDER_RECORD_BYTES, OrderFlyweight, OrderState, RecordClass, RejectReason, Side, SlabPool } from '@ringroute/core';
import { SIM_VENUE_TASK } from '@ringroute/gateways';
import { JournalRecordType, JournalReplay, JournalWriter, readJournal, Router, type OrderEventHandler, type RecoveryReport } from '@ringroute/router';
import { pollUntil } from '../../support/venues.js';
import { tempDirs } from '../../support/tempDirs.js';
import { JournalScript } from '../../support/journalScript.js';

const freshDir = tempDirs('rr-recovery-');
const BTC = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' };

/** A seeded flow on two simulated venues: orders that rest and cross (two accounts), cancels, replaces. */
async function randomFlow(router: Router, seed: number, steps: number): Promise<void> {
  let s = seed >>> 0;
  const random = () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
  const ids: number[] = [];
  for (let step = 0; step < steps; step++) {
    const r = random();
    if (r < 0.6 || ids.length === 0) {
      const side = random() < 0.5 ? 'buy' : 'sell';
      const id = router.submit({ symbol: 'BTC-USD', side, price: 99 + Math.floor(random() * 3), quantity: ((1 + Math.floor(random() * 4)) / 1000).toFixed(3), venue: random() < 0.5 ? 'alpha' : 'beta', account: side === 'buy' ? 1 : 2 });
      if (id > 0) ids.push(id);
    } else if (r < 0.8) router.cancel(ids[Math.floor(random() * ids.length)]);
    else {
      const id = ids[Math.floor(random() * ids.length)];
      const o = router.orderOf(id);
      if (o !== null) router.replace(id, 98 + Math.floor(random() * 4), ((o.filledLots + 1 + Math.floor(random() * 3)) / 1000).toFixed(3));
    }
    if (step % 16 === 0) {
      router.poll({});
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  await pollUntil(router, {}, () => router.liveOrderIds().every((id) => { const st = router.orderOf(id)!.state; return st !== OrderState.PENDING_NEW && st !== OrderState.PENDING_CANCEL && st !== OrderState.PENDING_REPLACE; }));
}

/** Live orders as [id, state, quantity, filled, leaves, price, venue]. */
function snapshot(ids: number[], at: (id: number) => OrderFlyweight | null): number[][] {
  return ids.map((id) => {
    const o = at(id)!;
    return [id, o.state, o.quantityLots, o.filledLots, o.leavesLots, o.priceTicks, o.venueId];
  });
}

/** Run a fixture process until it reports (its first IPC message), then SIGKILL it; returns the report. */
async function runThenKill<T>(fixture: string, args: string[]): Promise<T> {
  const child = fork(new URL(`../../dist/fixtures/${fixture}.js`, import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${fixture} did not report within 30 s`)), 30_000);
      child.once('message', (m: T) => (clearTimeout(timer), resolve(m)));
    });
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

describe('recovery from the journal (issue 13)', () => {
  it('property: replaying the journal rebuilds exactly the live orders (state, quantities, price, venue) the router holds, over seeded random flows', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const dir = freshDir();
      const router = await Router.create({ instruments: [BTC], venues: [{ name: 'alpha', task: SIM_VENUE_TASK }, { name: 'beta', task: SIM_VENUE_TASK }], selfTradePrevention: false, ackTimeoutMs: 0, journal: { dir, flush: 'none', idBlock: 64 } });
      try {
        await randomFlow(router, seed, 600);
        await router.journal!.drain();
        const expected = snapshot(router.liveOrderIds(), (id) => router.orderOf(id));
        const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 65_536, recordClass: RecordClass.ORDER });
        const replay = new JournalReplay(pool, 16, 2);
        readJournal(dir, (r) => replay.visit(r));
        const o = new OrderFlyweight(pool);
        const byId = new Map(replay.liveHandles().map((h) => [o.wrap(h) === 0 ? o.clientOrderId : -1, h]));
        const rebuilt = snapshot([...byId.keys()].sort((a, b) => a - b), (id) => (o.wrap(byId.get(id)!) === 0 ? o : null));
        expect(rebuilt, `seed ${seed}`).toEqual(expected);
        expect(replay.counts.live, `seed ${seed}`).toBe(expected.length);
        expect(expected.length, `seed ${seed}: the flow leaves orders working`).toBeGreaterThan(0);
        expect(replay.counts.executions, `seed ${seed}: and trades`).toBeGreaterThan(expected.length);
        expect(replay.positions[0], `seed ${seed}`).toBe(router.risk.position(0));
      } finally {
        await router.stop();
      }
    }
  }, 60_000);

  it.each([
    ['gateway workers', 'workers', 0],
    ['inline gateways, with more recovered orders than a command ring holds', 'inline', 5_000],
  ] as const)('a router SIGKILLed with orders working restarts on its journal (%s): the simulated venue cancels what its process lost, a venue that cannot reconcile leaves UNKNOWN, and ids, reference price and kill switch carry over', async (_label, gateways, extra) => {
    const dir = freshDir();
    const before = await runThenKill<{ ids: number[]; extraIds: number[]; live: number[] }>('simRouterChild', [dir, String(extra)]);
    expect(before.live).toHaveLength(9 + extra); // 5 bids on alpha, 3 offers on ackonly, the partly filled sell on alpha (and the extra bids)

    const router = await Router.create({
      instruments: [BTC],
      venues: [{ name: 'alpha', task: SIM_VENUE_TASK }, { name: 'ackonly', task: new URL('../../dist/fixtures/ackOnlyVenueTask.js', import.meta.url) }],
      selfTradePrevention: false,
      ackTimeoutMs: 0,
      journal: { dir },
      gateways,
      orderCapacity: 16_384,
      risk: { maxOpenOrdersPerSymbol: 20_000 },
    });
    const canceled: [number, number, number][] = [];
    const unknown: number[] = [];
    let recovered: RecoveryReport | null = null;
    const handler: OrderEventHandler = {
      onCanceled: (o, reason) => void canceled.push([o.clientOrderId, reason, o.filledLots]),
      onUnknown: (o) => void unknown.push(o.clientOrderId),
      onRecovered: (report) => void (recovered = report),
    };
    try {
      // Right after create: what the replay put back, before any venue answered.
      expect(router.recovery).not.toBeNull();
      expect(router.recovery!.replayed.live).toBe(9 + extra);
      expect(router.liveOrderIds()).toEqual(before.live);
      expect(router.risk.killed).toBe(true);
      expect(router.risk.referencePrice(0)).toBe(10_150);
      expect(router.risk.openOrders(0)).toBe(9 + extra);
      await pollUntil(router, handler, () => recovered !== null, 20_000);
      const report = recovered!;
      expect(report.complete).toBe(true);
      expect(report.venues.map((v) => [v.venue, v.recovered, v.outcome])).toEqual([
        ['alpha', 6 + extra, 'settled'],
        ['ackonly', 3, 'unsettled'],
      ]);
      // The simulated venue's book died with the process: its orders end canceled, the sell with the 3 lots it had filled.
      expect(canceled.map(([id]) => id).sort((a, b) => a - b)).toEqual([...before.ids.slice(0, 5), before.ids[8], ...before.extraIds].sort((a, b) => a - b));
      expect(canceled.every(([, reason]) => reason === RejectReason.VENUE_UNAVAILABLE)).toBe(true);
      expect(canceled.find(([id]) => id === before.ids[8])![2]).toBe(3);
      // The venue that cannot reconcile: its orders are UNKNOWN, and still the router's to resolve.
      expect(unknown.sort((a, b) => a - b)).toEqual(before.ids.slice(5, 8));
      expect(report.unknown).toBe(3);
      expect(router.liveOrderIds()).toEqual(before.ids.slice(5, 8));
      expect(router.risk.openOrders(0)).toBe(3);
      // New orders continue the id sequence (past every id ever reserved) once the kill switch is lifted.
      router.risk.resume();
      const next = router.submit({ symbol: 'BTC-USD', side: 'buy', price: 90, quantity: '0.001', venue: 'alpha' });
      expect(next).toBeGreaterThan(Math.max(...before.ids));
    } finally {
      await router.stop();
    }
  }, 60_000);

  it('a venue whose reconciliation never ends is settled by reconcileTimeoutMs: its recovered orders UNKNOWN, the others settled, onRecovered once (a handler polling again from it gets 0)', async () => {
    const dir = freshDir();
    const before = await runThenKill<{ ids: number[] }>('simRouterChild', [dir, '0']);
    const router = await Router.create({
      instruments: [BTC],
      venues: [{ name: 'alpha', task: SIM_VENUE_TASK }, { name: 'ackonly', task: new URL('../../dist/fixtures/hangingReconcileVenueTask.js', import.meta.url) }],
      selfTradePrevention: false,
      ackTimeoutMs: 0,
      journal: { dir },
      recovery: { reconcileTimeoutMs: 300 },
    });
    const unknown: number[] = [];
    const reports: RecoveryReport[] = [];
    const nested: number[] = [];
    const handler: OrderEventHandler = {
      onUnknown: (o) => void unknown.push(o.clientOrderId),
      onRecovered: (report) => {
        reports.push(report);
        nested.push(router.poll(handler)); // re-entrant: the outer poll is still delivering
      },
    };
    const started = Date.now();
    try {
      await pollUntil(router, handler, () => reports.length > 0, 10_000);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(5_000);
      expect(reports[0].venues.map((v) => v.outcome)).toEqual(['settled', 'unsettled']);
      expect(unknown.sort((a, b) => a - b)).toEqual(before.ids.slice(5, 8));
      expect(reports[0].unknown).toBe(3);
      expect(nested).toEqual([0]);
      for (let i = 0; i < 20; i++) router.poll(handler);
      expect(reports).toHaveLength(1);
    } finally {
      await router.stop();
    }
  }, 60_000);

  it('two strategy threads on one journal: after a SIGKILL, each lane recovers exactly its own orders and its own ids, and hears its own onRecovered', async () => {
    const dir = freshDir();
    const before = await runThenKill<{ lane0: number[]; lane1: number[] }>('laneJournalChild', [dir]);
    expect(before.lane1.every((id) => id > 2 ** 40)).toBe(true);

    const router = await Router.create({
      instruments: [BTC],
      venues: [{ name: 'alpha', task: SIM_VENUE_TASK }, { name: 'ackonly', task: new URL('../../dist/fixtures/ackOnlyVenueTask.js', import.meta.url) }],
      strategyThreads: 2,
      selfTradePrevention: false,
      ackTimeoutMs: 0,
      journal: { dir },
    });
    const canceled: number[] = [];
    const unknown: number[] = [];
    let recovered: RecoveryReport | null = null;
    const handler: OrderEventHandler = {
      onCanceled: (o) => void canceled.push(o.clientOrderId),
      onUnknown: (o) => void unknown.push(o.clientOrderId),
      onRecovered: (report) => void (recovered = report),
    };
    const worker = new Worker(new URL('../../dist/fixtures/laneJournalStrategy.js', import.meta.url), { workerData: { link: router.link(1), mode: 'recover' } });
    try {
      // Lane 0 holds its own orders only; lane 1's wait for the thread that owns them.
      expect(router.liveOrderIds()).toEqual(before.lane0);
      expect(router.recovery!.venues.map((v) => v.recovered)).toEqual([2, 1]);
      const lane1 = await new Promise<{ liveAtAttach: number[]; canceled: number[]; unknown: number[]; report: RecoveryReport; live: number[]; next: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await pollUntil(router, handler, () => recovered !== null, 10_000);
      // Each lane: its simulated-venue orders canceled, its ackonly order(s) UNKNOWN, its own report.
      expect(canceled.sort((a, b) => a - b)).toEqual(before.lane0.slice(0, 2));
      expect(unknown).toEqual(before.lane0.slice(2));
      expect(lane1.liveAtAttach).toEqual(before.lane1);
      expect(lane1.canceled.sort((a, b) => a - b)).toEqual(before.lane1.slice(0, 3));
      expect(lane1.unknown.sort((a, b) => a - b)).toEqual(before.lane1.slice(3));
      expect(lane1.report.venues.map((v) => [v.recovered, v.outcome])).toEqual([[3, 'settled'], [2, 'unsettled']]);
      expect(lane1.live).toEqual([...before.lane1.slice(3), lane1.next]); // its UNKNOWNs, and the order it sent since
      // The shared counters: every lane's UNKNOWN orders still open, and lane 1's new order; each lane's ids continue its own sequence.
      expect(router.risk.openOrders(0)).toBe(3 + 1);
      expect(lane1.next).toBeGreaterThan(Math.max(...before.lane1));
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: 70, quantity: '0.001', venue: 'alpha' })).toBeGreaterThan(Math.max(...before.lane0));
    } finally {
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await worker.terminate();
      await router.stop();
    }
  }, 60_000);

  it('a configuration that gives a symbol id of the journal\'s orders or positions to another symbol fails Router.create (ERR_JOURNAL_INSTRUMENTS); instruments added at the end are fine', async () => {
    const dir = freshDir();
    new JournalScript(dir).idBlock(65).instruments(['BTC-USD', 'ETH-USD']).sent(3, Side.BUY, 150_000, 2, 1).close();
    const eth = { symbol: 'ETH-USD', tickSize: '0.01', lotSize: '0.001' };
    const sol = { symbol: 'SOL-USD', tickSize: '0.01', lotSize: '0.001' };
    const venues = [{ name: 'alpha', task: SIM_VENUE_TASK }];
    await expect(Router.create({ instruments: [eth, BTC], venues, journal: { dir } })).rejects.toMatchObject({ code: 'ERR_JOURNAL_INSTRUMENTS' });
    await expect(Router.create({ instruments: [BTC], venues, journal: { dir } })).rejects.toMatchObject({ code: 'ERR_JOURNAL_INSTRUMENTS' });
    const router = await Router.create({ instruments: [BTC, eth, sol], venues, journal: { dir } });
    try {
      expect(router.orderOf(3)?.symbolId).toBe(1);
      expect(router.instruments.spec(1)?.symbol).toBe('ETH-USD');
    } finally {
      await router.stop();
    }
  }, 30_000);

  it('a journal whose ORDER_NEW record passes its checksum but is too short or names an id twice, or whose checkpoint or reference price is not a number the router writes, fails Router.create with ERR_JOURNAL_CORRUPT instead of guessing', async () => {
    for (const payload of [new Uint8Array(16), null]) {
      const dir = freshDir();
      const writer = new JournalWriter(dir);
      const record = new Uint8Array(ORDER_RECORD_BYTES);
      new Float64Array(record.buffer)[0] = 7; // client order id 7
      if (payload !== null) writer.append(JournalRecordType.ORDER_NEW, 0, 1, payload, 0, payload.length);
      else for (let i = 0; i < 2; i++) writer.append(JournalRecordType.ORDER_NEW, 0, 1, record, 0, record.length);
      writer.close();
      await expect(Router.create({ instruments: [BTC], venues: [{ name: 'alpha', task: SIM_VENUE_TASK }], journal: { dir } })).rejects.toMatchObject({ code: 'ERR_JOURNAL_CORRUPT' });
    }
    // Checkpoints and reference prices that pass their checksum but cannot be the router's: a NaN, 2^53, a negative sequence, a symbol id past 16 bits.
    const hostile: ((j: JournalScript) => JournalScript)[] = [(j) => j.checkpoint(0, NaN), (j) => j.checkpoint(0, 2 ** 53), (j) => j.checkpoint(0, -1), (j) => j.checkpoint(-1, 5), (j) => j.referencePrice(1e9, 100), (j) => j.referencePrice(0, 0.5)];
    for (const write of hostile) {
      const dir = freshDir();
      write(new JournalScript(dir).idBlock(65)).close();
      await expect(Router.create({ instruments: [BTC], venues: [{ name: 'alpha', task: SIM_VENUE_TASK }], journal: { dir } })).rejects.toMatchObject({ code: 'ERR_JOURNAL_CORRUPT' });
    }
  }, 30_000);
});

