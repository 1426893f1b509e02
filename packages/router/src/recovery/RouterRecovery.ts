import {
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_ORDER_HANDLE_OFFSET,
  EXEC_RECORD_BYTES,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  ExecType,
  type InstrumentTable,
  isTerminalState,
  nanoTime,
  OK,
  ORDER_RECORD_BYTES,
  OrderEvent,
  OrderFlyweight,
  OrderState,
  OrderType,
  RejectReason,
  Side,
  type OrderStateMachine,
  type SlabPool,
  TimeInForce,
} from '@ringroute/core';
import { GatewayCommand } from '../protocol/GatewayCommand.js';
import { RING_FULL } from '../ring/RingStatus.js';
import { UNKNOWN_ORDER } from '../api/RouterStatus.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import { JournalRecordType } from '../journal/JournalFormat.js';
import type { JournalLane } from '../journal/JournalLane.js';
import type { JournalOpened } from '../journal/Journal.js';
import type { OrderEventHandler } from '../api/OrderEventHandler.js';
import type { LiveOrders } from '../api/LiveOrders.js';
import type { OrderReservations } from '../api/OrderReservations.js';
import { MAX_COUNTER_LOTS, type RiskEngine } from '../api/RiskEngine.js';
import type { SelfTradeGuard } from '../api/SelfTradeGuard.js';
import type { SlotRecycler } from '../api/SlotRecycler.js';
import type { JournalReplay } from './JournalReplay.js';
import type { RecoveryOptions, RecoveryReport } from './RecoveryReport.js';

/** What recovery works with: one router's state, shared with the Router that owns it. */
export interface RecoveryParts {
  orders: SlabPool;
  instruments: InstrumentTable;
  commands: readonly RingBuffer[];
  live: LiveOrders;
  reservations: OrderReservations;
  risk: RiskEngine;
  stp: SelfTradeGuard | null;
  recycler: SlotRecycler;
  machine: OrderStateMachine;
  journal: JournalLane;
  venueNames: readonly string[];
  strategyId: number;
  accountId: number;
  /** This router's lane; its client order ids are [first, first + 2^40). */
  lane: number;
  firstClientOrderId: number;
  /** Router.cancel (journaled, rate-limited, like any cancel). */
  cancel: (clientOrderId: number) => number;
  /** Per venue: 1 while the applier may journal the venue's checkpoints (0 during its reconciliation). */
  checkpointing: Uint8Array;
  /** Gateways on this thread (`gateways: 'inline'`): run them so a full command ring drains. */
  pump: (() => void) | null;
}

/** What one lane recovers (`RouterRecovery.laneInput`): plain data, so it travels in `router.link(n)`. */
export interface LaneRecovery {
  lane: number;
  /** The lane's live orders' handles in the shared order pool. */
  handles: number[];
  /** The highest client order id the lane's journal recorded an order with. */
  maxOrderId: number;
  /**
   * The first id the earlier run could not have used: the end of the lane's last durable
   * id block. A venue's order with an id at or above it was never this lane's.
   */
  idLimit: number;
  /** Per venue, the report sequence the reconciliation replays from. */
  sinceByVenue: number[];
  journal: RecoveryReport['journal'];
  replayed: RecoveryReport['replayed'];
  positions: RecoveryReport['positions'];
  replayMs: number;
}

/** Client order ids one lane owns. */
const LANE_ID_SPAN = 2 ** 40;

/**
 * A router restarted on its journal. `begin` (from `Router.create`) puts the replayed
 * state back: the live orders into the router's books (live map, working reservations,
 * open-order counts, self-trade guard), positions, reference prices and the kill switch
 * into the risk counters; then hands each venue's gateway its live orders (RECOVER) and
 * asks it to reconcile from the journal's last checkpoint (RECONCILE). What the venues
 * report comes back as ordinary events through `poll`. The rules:
 * - an order the venue reports that the journal never recorded, with one of this lane's
 *   ids above every id the journal has (sent just before the crash, its record lost), is
 *   taken back (its fills count), then canceled or kept per `foreignOrders`;
 * - a cancel or replace the journal had in flight that the venue never answered is
 *   reported refused (VENUE_UNAVAILABLE) once the venue has settled;
 * - a venue that cannot settle (no `reconcile`, a failure, the deadline) has its
 *   recovered orders that are still live reported UNKNOWN.
 * When every venue is done the strategy gets `onRecovered(report)`. Cold path.
 */
export class RouterRecovery {
  readonly report: RecoveryReport;
  private readonly p: RecoveryParts;
  private readonly input: LaneRecovery;
  private readonly policy: 'cancel' | 'adopt';
  private readonly deadlineNs: number;
  private readonly startedMs = Date.now();
  /** Handles recovered (replayed or taken back) per venue. */
  private readonly byVenue: number[][];
  private readonly adoptedIds: number[] = [];
  /** Taken-back orders the 'cancel' policy has yet to cancel. */
  private readonly toCancel: number[] = [];
  private readonly order: OrderFlyweight;
  private readonly poolWords: Int32Array;
  private pending: number;
  private delivered = false;

  constructor(parts: RecoveryParts, input: LaneRecovery, options: RecoveryOptions = {}) {
    this.p = parts;
    this.input = input;
    this.policy = options.foreignOrders ?? 'cancel';
    this.deadlineNs = nanoTime() + (options.reconcileTimeoutMs ?? 30_000) * 1e6;
    this.order = new OrderFlyweight(parts.orders);
    this.poolWords = new Int32Array(parts.orders.buffer);
    this.byVenue = parts.venueNames.map(() => []);
    this.pending = parts.venueNames.length;
    this.report = {
      journal: { ...input.journal },
      replayed: { ...input.replayed },
      positions: input.positions.map((p) => ({ ...p })),
      venues: parts.venueNames.map((venue, v) => ({ venue, sinceSequence: input.sinceByVenue[v] ?? 0, recovered: 0, outcome: 'pending', adopted: 0, ignored: 0, requestsLost: 0 })),
      complete: false,
      unknown: 0,
      foreignCanceled: 0,
      replayMs: input.replayMs,
      reconcileMs: 0,
    };
  }

  /**
   * What one lane needs to recover, as plain data (it travels to an attached strategy
   * thread in `router.link(n)`): its live orders' handles, its highest journaled id, where
   * each venue is replayed from, and the report's shared part.
   */
  static laneInput(replay: JournalReplay, lane: number, opened: JournalOpened, replayMs: number, instruments: InstrumentTable, venues: number): LaneRecovery {
    const positions: { symbol: string; lots: number }[] = [];
    replay.positions.forEach((lots, symbolId) => {
      if (lots !== 0) positions.push({ symbol: instruments.spec(symbolId)?.symbol ?? `#${symbolId}`, lots });
    });
    return {
      lane,
      handles: replay.liveHandles(lane),
      maxOrderId: replay.maxOrderIdOf(lane),
      idLimit: opened.nextIds[lane] > 0 ? opened.nextIds[lane] : replay.maxOrderIdOf(lane) + 1,
      sinceByVenue: Array.from({ length: venues }, (_, v) => replay.replayFrom(v)),
      journal: { records: opened.records, segments: opened.segments, cut: opened.cut },
      replayed: { ...replay.counts, live: replay.liveHandles(lane).length },
      positions,
      replayMs,
    };
  }

  /**
   * The state every lane shares, from the whole journal, set once by the router that
   * created the gateways: positions (every lane's fills), reference prices, the kill switch.
   */
  static restoreShared(replay: JournalReplay, risk: RiskEngine, symbols: number): void {
    // Count each fill as working first, then fill it, so the exposure words stay exact (see RiskEngine).
    replay.positions.forEach((lots, symbolId) => {
      if (lots === 0) return;
      const side = lots > 0 ? Side.BUY : Side.SELL;
      risk.forceReserve(symbolId, side, Math.abs(lots));
      risk.onFill(symbolId, side, Math.abs(lots));
    });
    for (const [symbolId, ticks] of replay.referencePrices) if (symbolId < symbols) risk.setReferencePrice(symbolId, ticks); // an instrument since removed has no price to keep
    if (replay.killed === true) risk.kill();
  }

  /**
   * The lane's live orders back into this router's books. Every lane's router does this
   * for its own orders; the creating router then also sends the commands (`begin`).
   */
  adopt(): void {
    const p = this.p;
    const o = this.order;
    const unplaceable: number[] = [];
    for (const handle of this.input.handles) {
      o.wrap(handle);
      const venue = o.venueId;
      if (venue >= this.byVenue.length) {
        unplaceable.push(handle); // a venue no longer configured
        this.register(handle, 0);
        continue;
      }
      this.register(handle, venue);
      this.byVenue[venue].push(handle);
    }
    for (const handle of unplaceable) {
      if (!p.live.loseOrder(handle)) continue;
      this.report.unknown++;
      this.journalOutcome(o.wrap(handle) === OK ? o.clientOrderId : 0, ExecType.UNKNOWN);
    }
    for (let venue = 0; venue < this.byVenue.length; venue++) {
      p.checkpointing[venue] = 0; // until the venue's reconciliation ended
      this.report.venues[venue].recovered = this.byVenue[venue].length;
    }
  }

  /**
   * The creating router: hand every lane's live orders to their venues' gateways (RECOVER,
   * naming the lane that owns each, so its events go to that lane), then ask each venue to
   * reconcile (RECONCILE, from the lowest last checkpoint of the lanes). Waits, bounded by
   * the deadline, while a command ring is full.
   */
  async begin(lanes: readonly LaneRecovery[]): Promise<void> {
    const o = this.order;
    for (let venue = 0; venue < this.byVenue.length; venue++) {
      for (const lane of lanes) {
        for (const handle of lane.handles) {
          if (o.wrap(handle) !== OK || o.venueId !== venue) continue;
          await this.offer(venue, GatewayCommand.RECOVER, handle, lane.lane === this.p.lane ? 0 : lane.lane + 1);
        }
      }
      await this.offer(venue, GatewayCommand.RECONCILE, -1, this.input.sinceByVenue[venue] ?? 0);
    }
  }

  /** The applier read a VENUE_FOREIGN record: take the order back if it is this router's own and the journal lost it. */
  onForeign(venue: number, clientOrderId: number, venueOrderId: number, priceTicks: number, quantityLots: number, symbolId: number, side: number): void {
    const p = this.p;
    const v = this.report.venues[venue];
    if (v === undefined) return;
    const ours = clientOrderId >= p.firstClientOrderId && clientOrderId < p.firstClientOrderId + LANE_ID_SPAN;
    const spec = symbolId < p.instruments.capacity ? p.instruments.spec(symbolId) : undefined;
    // A quantity the risk counters cannot hold (2^31 lots and up) is not an order this
    // router could have sent: refused like any other that is not ours.
    // Ours only between the journal's highest id and the end of the ids the earlier run had
    // made durable: a venue cannot make the router take back an order it never could have sent.
    if (!ours || clientOrderId <= this.input.maxOrderId || clientOrderId >= this.input.idLimit || p.live.handleOf(clientOrderId) >= 0 || spec === undefined || (side !== Side.BUY && side !== Side.SELL) || !Number.isSafeInteger(quantityLots) || quantityLots < 1 || quantityLots > MAX_COUNTER_LOTS || !Number.isSafeInteger(priceTicks)) {
      v.ignored++;
      return;
    }
    const handle = p.orders.allocate();
    if (handle < 0) {
      v.ignored++; // no slot: its events stay unapplied (counted stale); the report says so
      return;
    }
    const o = this.order;
    o.wrapIndex(p.orders.indexOf(handle));
    o.clear();
    const now = nanoTime();
    o.clientOrderId = clientOrderId;
    o.venueOrderId = venueOrderId;
    o.venueId = venue;
    o.symbolId = symbolId;
    o.side = side;
    o.ordType = OrderType.LIMIT;
    o.tif = TimeInForce.GTC;
    o.priceTicks = priceTicks;
    o.quantityLots = quantityLots;
    o.leavesLots = quantityLots;
    o.accountId = p.accountId;
    o.strategyId = p.strategyId;
    o.createdNs = now;
    o.sentNs = now;
    p.machine.apply(o, OrderEvent.SUBMIT, now);
    // Journaled now, so a crash during this recovery finds it in the next one.
    p.journal.words(JournalRecordType.ORDER_NEW, now, this.poolWords, p.orders.offsetOf(p.orders.indexOf(handle)) >> 2, ORDER_RECORD_BYTES >> 2);
    this.register(handle, venue);
    this.byVenue[venue].push(handle);
    this.adoptedIds.push(clientOrderId);
    v.adopted++;
    // Best effort: until the gateway has the handle, it reports the order with FOREIGN_HANDLE and the applier finds it by id.
    if (p.commands[venue].offerPair(GatewayCommand.RECOVER, handle, 0) === OK) p.recycler.sent(handle, venue);
  }

  /** The applier read a VENUE_RECONCILED record: every event of the venue's reconciliation is applied. */
  onReconciled(venue: number, settled: boolean): void {
    const v = this.report.venues[venue];
    if (v === undefined || v.outcome !== 'pending') return;
    this.settleVenue(venue, settled);
  }

  /** From Router.poll while recovering: the deadline, then `onRecovered` once, then the policy's cancels until each went. Returns events delivered. */
  poll(handler: OrderEventHandler): number {
    if (this.delivered) return this.cancelForeign();
    if (this.pending > 0 && nanoTime() > this.deadlineNs) {
      for (let venue = 0; venue < this.report.venues.length; venue++) if (this.report.venues[venue].outcome === 'pending') this.settleVenue(venue, false);
    }
    if (this.pending > 0) return 0;
    this.delivered = true;
    this.report.complete = true;
    this.report.reconcileMs = Date.now() - this.startedMs;
    if (this.policy === 'cancel') this.toCancel.push(...this.adoptedIds);
    this.cancelForeign();
    handler.onRecovered?.(this.report);
    return 1;
  }

  /** Recovery has nothing more to do: reported, and every cancel the policy asked for sent. */
  get done(): boolean {
    return this.delivered && this.toCancel.length === 0;
  }

  /**
   * The 'cancel' policy's cancels: one that could not go yet (a full ring, a cancel rate
   * limit, an order not yet acknowledged) is tried again at the next poll; one whose order
   * ended is dropped. Returns 0 (the cancels' outcomes arrive as events).
   */
  private cancelForeign(): number {
    const ids = this.toCancel;
    for (let i = ids.length - 1; i >= 0; i--) {
      const status = this.p.cancel(ids[i]);
      if (status === OK) this.report.foreignCanceled++;
      if (status === OK || status === UNKNOWN_ORDER) ids.splice(i, 1);
    }
    return 0;
  }

  private settleVenue(venue: number, settled: boolean): void {
    const p = this.p;
    const v = this.report.venues[venue];
    v.outcome = settled ? 'settled' : 'unsettled';
    this.pending--;
    p.checkpointing[venue] = 1;
    const o = this.order;
    for (const handle of this.byVenue[venue]) {
      if (o.wrap(handle) !== OK || isTerminalState(o.state)) continue;
      if (!settled) {
        if (p.live.loseOrder(handle)) {
          this.report.unknown++;
          this.journalOutcome(o.clientOrderId, ExecType.UNKNOWN);
        }
        continue;
      }
      // Settled: every report the venue had is applied. A cancel or replace still pending
      // never reached it (the crash took it): it is refused, and the order works on.
      const state = o.state;
      if (state !== OrderState.PENDING_CANCEL && state !== OrderState.PENDING_REPLACE) continue;
      const event = state === OrderState.PENDING_CANCEL ? OrderEvent.CANCEL_REJECT : OrderEvent.REPLACE_REJECT;
      if (p.machine.apply(o, event, nanoTime()) >= 0) {
        v.requestsLost++;
        if (event === OrderEvent.REPLACE_REJECT) p.reservations.settle(p.orders.indexOf(handle), o.symbolId, o.side, o.leavesLots | 0);
        this.lostRequests.push(handle);
        this.journalOutcome(o.clientOrderId, event === OrderEvent.CANCEL_REJECT ? ExecType.CANCEL_REJECT : ExecType.REPLACE_REJECT);
      }
    }
  }

  /**
   * Recovery's own verdict on an order, journaled as the execution event it amounts to, so
   * that a replay after the next crash reaches the state this run is in (without it a
   * refused cancel would replay as still pending, and the venue's later reports about the
   * working order would not apply).
   */
  private journalOutcome(clientOrderId: number, execType: number): void {
    const e = this.outcome;
    e.fill(0);
    new Float64Array(e.buffer)[EXEC_CLIENT_ORDER_ID_OFFSET >> 3] = clientOrderId;
    const u8 = new Uint8Array(e.buffer);
    u8[EXEC_TYPE_OFFSET] = execType;
    u8[EXEC_REJECT_REASON_OFFSET] = RejectReason.VENUE_UNAVAILABLE;
    e[EXEC_ORDER_HANDLE_OFFSET >> 2] = -1;
    this.p.journal.words(JournalRecordType.EXECUTION, nanoTime(), e, 0, EXEC_RECORD_BYTES >> 2);
  }

  /** Scratch for journalOutcome: one execution-event record. */
  private readonly outcome = new Int32Array(EXEC_RECORD_BYTES >> 2);

  /** Orders whose lost request is reported at the next poll (onRequestRejected, VENUE_UNAVAILABLE). */
  readonly lostRequests: number[] = [];

  /** Deliver the refused requests found by settleVenue. */
  flushLostRequests(handler: OrderEventHandler): number {
    let n = 0;
    const o = this.order;
    while (this.lostRequests.length > 0) {
      const handle = this.lostRequests.shift()!;
      if (o.wrap(handle) !== OK) continue;
      handler.onRequestRejected?.(o, RejectReason.VENUE_UNAVAILABLE);
      n++;
    }
    return n;
  }

  /** A live order back in the router's books, as if it had just been sent (its leaves reserved). */
  private register(handle: number, venue: number): void {
    const p = this.p;
    const o = this.order;
    o.wrap(handle);
    const leaves = o.leavesLots | 0;
    p.live.add(o.clientOrderId, handle, venue);
    p.reservations.open(p.orders.indexOf(handle), leaves);
    p.risk.addOpen(o.strategyId, o.symbolId);
    p.risk.forceReserve(o.symbolId, o.side, leaves);
    p.stp?.add(venue, o.symbolId, o.accountId, o.side, o.ordType, o.priceTicks);
  }

  /** One command to a venue's gateway, waiting (bounded by the deadline) while its ring is full. */
  private async offer(venue: number, command: number, handle: number, value: number): Promise<void> {
    const ring = this.p.commands[venue];
    for (;;) {
      let status: number;
      if (command === GatewayCommand.RECONCILE) {
        const at = ring.claim(GatewayCommand.RECONCILE, 16);
        status = at;
        if (at >= 0) {
          ring.i32[at >> 2] = -1;
          ring.i32[(at >> 2) + 1] = 0;
          ring.f64[(at >> 3) + 1] = value;
          status = ring.commit(at);
        }
      } else status = ring.offerPair(command, handle, value);
      if (status >= 0) {
        if (handle >= 0 && value === 0) this.p.recycler.sent(handle, venue); // this router's own order (another lane's recycles on its own ring)
        return;
      }
      if (status !== RING_FULL || nanoTime() > this.deadlineNs) return; // a closed ring (the gateway is gone) or out of time: the deadline settles it
      this.p.pump?.(); // inline gateways read their commands only when run
      await new Promise((resolve) => setTimeout(resolve, this.p.pump === null ? 1 : 0));
    }
  }
}
