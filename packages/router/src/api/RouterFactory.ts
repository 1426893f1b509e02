import { ConfigurationError, InstrumentTable, ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { TopOfBook } from '../protocol/TopOfBook.js';
import { GatewayLane } from '../workers/GatewayLane.js';
import { InlineGateways } from '../workers/InlineGateways.js';
import { WorkerPool } from '../workers/WorkerPool.js';
import { planGatewayThreads } from '../workers/ThreadLayout.js';
import { Journal } from '../journal/Journal.js';
import { JournalReplay } from '../recovery/JournalReplay.js';
import { JournalLane } from '../journal/JournalLane.js';
import { JournalRecordType } from '../journal/JournalFormat.js';
import { Router } from './Router.js';
import { Side } from '@ringroute/core';
import { planFirm, type FirmPlan } from '../firm/FirmConfig.js';
import { FirmClient } from '../firm/FirmClient.js';
import { FirmCredit } from '../firm/FirmCredit.js';
import type { RouterConfig, RouterLink, RouterOptions } from './RouterConfig.js';

/**
 * Start a router: the instrument table, the shared order pool and top of book, and the
 * venues' gateways on gateway threads laid out by `gatewayThreads` (each gateway with
 * `strategyThreads` lanes, so that routers on other strategy threads can share them
 * through `router.link(n)` and `Router.attach`).
 * Resolves once every gateway worker runs; rejects with a ConfigurationError otherwise.
 */
export async function startRouter(config: RouterConfig): Promise<Router> {
  if (config.venues.length === 0) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'a router needs at least one venue', config.venues);
  const names = new Set(config.venues.map((v) => v.name));
  if (names.size !== config.venues.length) throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'venue names must be unique', [...names]);
  const instruments = InstrumentTable.create(Math.max(16, config.instruments.length));
  for (const i of config.instruments) instruments.define(i);
  // A bad firm configuration is a typed error before any thread starts.
  const firm = config.firm === undefined ? null : planFirm(config.firm, symbolsOf(instruments));
  const orders = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: config.orderCapacity ?? 65_536, recordClass: RecordClass.ORDER });
  const topOfBook = TopOfBook.create(config.venues.length, instruments.capacity);
  // The journal opens first: its first block of client order ids is durable before any
  // gateway starts (a journal that cannot be written fails Router.create with its error).
  // A journal from an earlier run is replayed in the same pass that reads its id blocks:
  // its live orders go back into the pool before any gateway starts.
  const lanes = config.strategyThreads ?? 1;
  // Positions for every symbol id a record can name (u16), so a journal naming a symbol this configuration lacks is seen (checkInstruments).
  const replay = config.journal === undefined ? null : new JournalReplay(orders, 0x10000, config.venues.length, lanes);
  const replayStart = performance.now();
  const journal = config.journal === undefined ? null : await Journal.open(config.journal, lanes, (lane) => lane * 2 ** 40 + 1, undefined, (r) => replay!.visit(r));
  const replayMs = performance.now() - replayStart;
  try {
    if (journal !== null) {
      // The earlier run's orders and positions must mean the same symbols; then this run's table is journaled.
      replay!.checkInstruments((id) => instruments.spec(id)?.symbol);
      const names = Array.from({ length: instruments.size }, (_, id) => instruments.spec(id)?.symbol ?? '');
      journal.lanes[0].bytes(JournalRecordType.INSTRUMENTS, performance.now() * 1e6, new TextEncoder().encode(JSON.stringify(names)));
    }
    const router = await startWithJournal(config, instruments, orders, topOfBook, journal);
    if (journal !== null && replay !== null && journal.opened.records > 0) {
      try {
        await router.beginRecovery(replay, journal.opened, replayMs, config.recovery, lanes);
      } catch (error) {
        await router.stop().catch(() => undefined);
        throw error;
      }
    }
    if (firm !== null) {
      try {
        await startFirm(router, firm, journal !== null && journal.opened.records > 0, config.firm!.onEvent);
      } catch (error) {
        await router.stop().catch(() => undefined);
        throw error;
      }
    }
    return router;
  } catch (error) {
    await journal?.close();
    throw error;
  }
}

async function startWithJournal(config: RouterConfig, instruments: InstrumentTable, orders: SlabPool, topOfBook: TopOfBook, journal: Journal | null): Promise<Router> {
  // The adapter's options pass through untouched; the instruments travel as the table's
  // SharedArrayBuffer (the gateway attaches it: GatewayEnvironment.instruments).
  const data = (i: number) => ({
    orders: orders.buffer,
    topOfBook: topOfBook.buffer,
    instruments: instruments.buffer,
    venueId: i,
    venueName: config.venues[i].name,
    adapter: config.venues[i].adapter,
  });
  if (config.gateways === 'inline') {
    if ((config.strategyThreads ?? 1) !== 1) throw new ConfigurationError('ERR_INVALID_ARGUMENT', "inline gateways serve one strategy thread: strategyThreads must be 1", config.strategyThreads);
    let inlineRouter: Router | null = null;
    const inline = await InlineGateways.start(
      config.venues.map((v) => v.task),
      data,
      (failure) => {
        inlineRouter?.markVenueUnknown(failure.index);
        config.onGatewayFailure?.(failure);
      },
    );
    try {
      inlineRouter = new Router(config, instruments, orders, topOfBook, inline.lane, null, inline, journal);
    } catch (error) {
      await inline.stop();
      throw error;
    }
    return inlineRouter;
  }
  let router: Router | null = null;
  if (config.idleSpinNs !== undefined && !(Number.isFinite(config.idleSpinNs) && config.idleSpinNs >= 0 && config.idleSpinNs <= 1e9)) {
    throw new ConfigurationError('ERR_INVALID_ARGUMENT', 'idleSpinNs must be a number of nanoseconds from 0 to 1e9', config.idleSpinNs);
  }
  const layout = planGatewayThreads(
    config.venues.map((v) => v.name),
    config.gatewayThreads,
    config.strategyThreads ?? 1,
    undefined,
    config.venues.map((v) => (v.idle ?? config.idle) === 'async'),
  );
  const pool = await WorkerPool.start({
    workers: config.venues.length,
    threads: layout.threads,
    layoutReason: layout.reason,
    spinNs: config.idleSpinNs,
    lanes: config.strategyThreads ?? 1,
    task: config.venues[0].task,
    tasks: config.venues.map((v) => v.task),
    idle: config.idle ?? 'backoff',
    idles: config.venues.map((v) => v.idle ?? config.idle ?? 'backoff'),
    data,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    onFailure: (failure) => {
      router?.markVenueUnknown(failure.index);
      config.onGatewayFailure?.(failure);
    },
  });
  try {
    router = new Router(config, instruments, orders, topOfBook, pool.mainLane, pool, null, journal);
  } catch (error) {
    await pool.stop({ timeoutMs: 1_000 }).catch(() => undefined); // a configuration error must not leave gateway threads running
    throw error;
  }
  return router;
}

/** A router on this thread sharing another thread's gateway workers (see `Router.attach`). */
export function attachRouter(link: RouterLink, options: RouterOptions = {}): Router {
  const instruments = InstrumentTable.attach(link.instruments);
  const orders = SlabPool.attach(link.orders, RecordClass.ORDER);
  const settings = { ...link.defaults, ...options, venues: link.venues, riskBuffer: link.riskBuffer };
  const journalLane = link.journal === undefined ? null : JournalLane.attach(link.journal);
  const router = new Router(settings, instruments, orders, TopOfBook.attach(link.topOfBook), GatewayLane.attach(link.lane), null, null, null, journalLane);
  if (link.firm !== undefined) router.risk.firm = new FirmCredit(link.firm.plan, link.firm.credit);
  if (link.recovery !== undefined && journalLane !== null) router.followRecovery(link.recovery, link.recoveryOptions);
  return router;
}

/** The symbols of a table by id ('' for an id not defined). */
function symbolsOf(instruments: InstrumentTable): string[] {
  return Array.from({ length: instruments.size }, (_, id) => instruments.spec(id)?.symbol ?? '');
}

/**
 * Start the firm agent and put its credit under the router's risk checks. What the
 * router holds now (recovered from its journal) is in use: the agent adopts the credit
 * this host's earlier run left in Redis for it, or refuses to start when nothing was
 * recovered and some is held (ERR_FIRM_HOST_HOLDS_CREDIT).
 */
async function startFirm(router: Router, plan: FirmPlan, recovered: boolean, onEvent: FirmConfigEvent): Promise<void> {
  const risk = router.risk;
  let openInUse = 0;
  const working: [number, number, number][] = [];
  for (let s = 0; s < plan.symbols.length; s++) {
    openInUse += risk.openOrders(s);
    working.push([risk.working(s, Side.BUY), risk.working(s, Side.SELL), risk.position(s)]);
  }
  const client = await FirmClient.start(plan, risk, { recovered, openInUse, working }, onEvent);
  router.firm = client;
  risk.firm = client.credit;
}
type FirmConfigEvent = NonNullable<RouterConfig['firm']>['onEvent'];

/** Start a router (the same as `Router.create`). */
export const createRouter = startRouter;
