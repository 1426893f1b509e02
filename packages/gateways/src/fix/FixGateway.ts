import { connect as netConnect, type Socket } from 'node:net';
import { ConfigurationError, nanoTime, OrderState, OrderType, RejectReason, Side, TimeInForce, type InstrumentSpec, type InstrumentTable, type OrderFlyweight } from '@ringroute/core';
import { FOREIGN_HANDLE } from '@ringroute/router/worker';
import { ALL_TIME_IN_FORCE, bit, type GatewayAdapter, type GatewayCapabilities, type GatewayEvents, type RateLimitRule, type VenueExecution, type VenueOrderState } from '../GatewayAdapter.js';
import { FixDecimal } from './FixDecimal.js';
import type { FixMessage } from './FixMessage.js';
import { FixOrders, Pending } from './FixOrders.js';
import { FixOutbound } from './FixOutbound.js';
import { FixReports } from './FixReports.js';
import { FixSession, type FixSessionOptions } from './FixSession.js';
import { MemoryFixStore, type FixStore } from './FixStore.js';
import { MsgType, Tag } from './FixTags.js';
import type { FixMessage as Message } from './FixMessage.js';
import { JournalFixStore, type FixStoreOpened } from './JournalFixStore.js';
import { FixOrderEncoder, fixInstrument, type FixInstrument } from './FixOrderEncoder.js';

export interface FixGatewayOptions {
  host?: string;
  port: number;
  senderCompId: string;
  targetCompId: string;
  name?: string;
  /** HeartBtInt, seconds (default 30). */
  heartbeatSeconds?: number;
  /**
   * The durable session store's directory: both sequence numbers and every application
   * message sent survive a restart, so the session continues where it was. Without it the
   * store is in memory and every logon resets the sequence (ResetSeqNumFlag).
   */
  storeDir?: string;
  /**
   * Send ResetSeqNumFlag on every Logon (true), on none (false), or by default on the
   * process's first Logon when there is no `storeDir` (its numbers died with the last
   * process; a reconnect in the same process keeps them, so nothing in flight is lost).
   */
  resetOnLogon?: boolean;
  /** Logon credentials (Username 553, Password 554), never logged. */
  username?: string;
  password?: string;
  /** Account (1) on every order, if the venue wants one. */
  account?: string;
  /** HandlInst (21) on every order: '1' automated private (default), or none (null). */
  handlInst?: string | null;
  /** Per symbol: the venue's Symbol (55) if it differs, or SecurityID (48) with SecurityIDSource (22). */
  symbols?: Record<string, { symbol?: string; securityId?: string; securityIdSource?: string }>;
  /** TimeInForce (59) codes per TimeInForce, where a venue differs from the standard (DAY 0, GTC 1, IOC 3, FOK 4, GTD 6). */
  timeInForceCodes?: Partial<Record<'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD', string>>;
  /** Reconnect backoff: first delay and cap, doubled per attempt, with jitter (defaults 100 ms, 5 s). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Bound on a connection attempt, TCP and Logon (default 5 s). */
  connectTimeoutMs?: number;
  /** Bound on a recovery's replay (`reconcile`): the venue's resend and the TestRequest after it (default 10 s). */
  reconcileTimeoutMs?: number;
  /**
   * After a reconnect, orders sent before it that the venue has still not reported on
   * (the resend answered what it holds) are reported UNKNOWN after this long (default 5 s),
   * for the router's reconciliation.
   */
  settleTimeoutMs?: number;
  session?: Pick<FixSessionOptions, 'logonTimeoutMs' | 'logoutTimeoutMs' | 'maxLatencyMs' | 'maxMessageBytes'>;
}

type State = 'down' | 'connecting' | 'up' | 'closed';

/**
 * The FIX 4.4 gateway: a GatewayAdapter over a FIX initiator session on TCP. Orders go out
 * as NewOrderSingle (D), cancels as OrderCancelRequest (F), replaces as
 * OrderCancelReplaceRequest (G), encoded from the order flyweight into a reused buffer;
 * ExecutionReports, OrderCancelRejects and rejects come back as gateway events (FixReports).
 *
 * Faults: a dropped connection reconnects with backoff and jitter (bounded per attempt);
 * the session then resends what the venue missed and asks for what it missed (the store
 * keeps both sides' numbers), so reports that arrived while down are delivered as
 * ordinary events. While down, orders and cancels are refused at once (VENUE_UNAVAILABLE).
 */
export class FixGateway implements GatewayAdapter {
  readonly name: string;
  readonly capabilities: GatewayCapabilities = { orderTypes: bit(OrderType.LIMIT) | bit(OrderType.MARKET) | bit(OrderType.STOP) | bit(OrderType.STOP_LIMIT), timeInForce: ALL_TIME_IN_FORCE, amend: true, postOnly: true, reduceOnly: false };
  readonly rateLimits: readonly RateLimitRule[] = [];
  readonly stats = { connects: 0, reconnects: 0, refusedWhileDown: 0, settledUnknown: 0, congested: 0, recovered: 0, foreign: 0, reconciledUnknown: 0 };
  session!: FixSession;
  store!: FixStore;
  storeOpened: FixStoreOpened | null = null;
  readonly orders = new FixOrders();
  readonly reports: FixReports;
  private readonly options: FixGatewayOptions;
  private readonly instruments: InstrumentTable | null;
  private readonly grids: (FixInstrument | null)[] = [];
  private readonly out = new FixOutbound();
  private readonly encoder: FixOrderEncoder;
  /** TransactTime and a GTD expiry for the encoder (epoch ms; see FixWriter.n on why an array). */
  private readonly times = new Float64Array(2);
  private events: GatewayEvents | null = null;
  private socket: Socket | null = null;
  private state: State = 'down';
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private loggedOn: (() => void) | null = null;
  private work = 0;
  private settleAtMs = 0;
  private settleBeforeSeq = 0;
  private checkpointed = 0;
  private readonly originMs = Date.now();
  private readonly originNs = nanoTime();

  constructor(options: FixGatewayOptions, instruments: InstrumentTable | null) {
    this.options = options;
    this.name = options.name ?? 'fix';
    this.instruments = instruments;
    try {
      this.encoder = new FixOrderEncoder(options);
    } catch (error) {
      // An account, HandlInst or TimeInForce code FIX cannot carry: refused at construction.
      // Only those fields go into the error: the options hold the password.
      const { account, handlInst, timeInForceCodes } = options;
      throw new ConfigurationError('ERR_INVALID_ARGUMENT', `${this.name}: ${(error as Error).message}`, { account, handlInst, timeInForceCodes });
    }
    this.reports = new FixReports(this.orders, (id) => this.gridsOf(id));
  }

  /** Open the store, connect and log on; resolves when orders can flow (rejects when the first attempt fails). */
  async connect(events: GatewayEvents): Promise<void> {
    this.events = events;
    const o = this.options;
    // Every instrument's FIX names prepared now: one FIX cannot carry (empty, not printable
    // ASCII) is refused here, at start, and never met on an order.
    for (let id = 0, n = this.instruments?.size ?? 0; id < n; id++) {
      const spec = this.instruments!.spec(id);
      if (spec === undefined || this.grids[id] !== undefined) continue;
      try {
        this.grids[id] = this.instrumentOf(spec);
      } catch (error) {
        throw new ConfigurationError('ERR_INVALID_ARGUMENT', `${this.name}: symbol ${spec.symbol}: ${(error as Error).message}`, spec.symbol);
      }
    }
    if (o.storeDir !== undefined) {
      const store = await JournalFixStore.open({ dir: o.storeDir });
      this.storeOpened = store.opened;
      this.store = store;
    } else this.store = new MemoryFixStore();
    this.session = new FixSession(
      { ...o.session, role: 'initiator', senderCompId: o.senderCompId, targetCompId: o.targetCompId, heartbeatSeconds: o.heartbeatSeconds, resetOnLogon: o.resetOnLogon, username: o.username, password: o.password },
      this.store,
      {
        write: (buf, from, to) => this.out.put(buf, from, to),
        close: (reason) => this.dropConnection(reason),
        onLogon: () => this.onLogon(),
        onApplication: (m, possDup) => this.onApplication(m, possDup),
        onSessionReject: (refSeq) => this.events !== null && this.reports.onSessionReject(refSeq, this.events),
      },
    );
    await this.open();
  }

  async disconnect(): Promise<void> {
    const wasUp = this.state === 'up';
    this.state = 'closed';
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (wasUp) {
      this.session.logout();
      this.out.flush();
      const deadline = Date.now() + (this.options.session?.logoutTimeoutMs ?? 2_000);
      while (this.session.state !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const clean = wasUp && this.session.lastCloseReason === 'Logout';
    this.socket?.destroy();
    await this.store?.close(clean);
  }

  submit(handle: number, order: OrderFlyweight): void {
    const events = this.events!;
    const id = order.clientOrderId;
    if (this.state !== 'up') {
      this.stats.refusedWhileDown++;
      return events.reject(handle, id, RejectReason.VENUE_UNAVAILABLE);
    }
    const g = this.gridsOf(order.symbolId);
    if (g === null) return events.reject(handle, id, RejectReason.UNKNOWN_SYMBOL);
    const slot = this.orders.open(id, handle, order.symbolId, order.quantityLots, order.priceTicks);
    if (slot < 0) return events.reject(handle, id, this.orders.slotOf(id) >= 0 ? RejectReason.DUPLICATE_ORDER_ID : RejectReason.RISK_LIMIT);
    const w = this.session.begin(MsgType.NEW_ORDER_SINGLE);
    if (w === null) {
      this.orders.close(slot);
      return events.reject(handle, id, RejectReason.VENUE_UNAVAILABLE);
    }
    const times = this.times;
    times[0] = this.session.clockMs;
    if (order.tif === TimeInForce.GTD) times[1] = this.epochMs(order.expireAtNs);
    const ok = this.encoder.newOrder(w, order, g, times);
    const seq = ok ? this.session.commit() : -1;
    if (seq < 0) {
      this.orders.close(slot);
      return events.reject(handle, id, ok ? RejectReason.INTERNAL_ERROR : RejectReason.INVALID_PRICE);
    }
    this.orders.sentSeq[slot] = seq;
    this.reports.sent(seq, slot, Pending.NEW, 0);
  }

  cancel(handle: number, order: OrderFlyweight): void {
    const slot = this.request(handle, order, Pending.CANCEL);
    if (slot < 0) return;
    const w = this.session.begin(MsgType.ORDER_CANCEL_REQUEST)!;
    this.times[0] = this.session.clockMs;
    this.encoder.cancel(w, order, this.gridsOf(order.symbolId)!, this.orders, slot, ++this.orders.requests[slot], this.times);
    this.commitRequest(handle, order.clientOrderId, slot, Pending.CANCEL);
  }

  replace(handle: number, order: OrderFlyweight, newPriceTicks: number, newQuantityLots: number): void {
    const slot = this.request(handle, order, Pending.REPLACE);
    if (slot < 0) return;
    const w = this.session.begin(MsgType.ORDER_CANCEL_REPLACE_REQUEST)!;
    this.times[0] = this.session.clockMs;
    if (!this.encoder.replace(w, order, this.gridsOf(order.symbolId)!, this.orders, slot, ++this.orders.requests[slot], newPriceTicks, newQuantityLots, this.times)) {
      this.events!.replaceReject(handle, order.clientOrderId, RejectReason.INVALID_PRICE);
      return;
    }
    this.commitRequest(handle, order.clientOrderId, slot, Pending.REPLACE);
  }

  poll(nowNs: number): number {
    if (this.state === 'up' || this.state === 'connecting') {
      const nowMs = this.epochMs(nowNs);
      this.session.tick(nowMs);
      if (this.state === 'up' && this.settleAtMs !== 0 && nowMs >= this.settleAtMs) this.settle();
      if (this.out.congested) {
        this.stats.congested++;
        this.dropConnection('the venue does not read what is sent (send backlog over its bound)');
      }
    }
    this.store?.flush(nowNs);
    this.out.flush();
    if (this.state === 'up' && this.store !== undefined) {
      const seq = this.store.nextTargetSeq - 1;
      if (seq !== this.checkpointed) {
        this.checkpointed = seq;
        this.events?.checkpoint?.(seq);
      }
    }
    const work = this.work;
    this.work = 0;
    return work;
  }

  nextWakeNs(nowNs: number): number {
    if (this.session === undefined) return Infinity;
    let at = this.session.nextTimerMs();
    if (this.settleAtMs !== 0 && this.settleAtMs < at) at = this.settleAtMs;
    return at === Infinity ? Infinity : nowNs + Math.max(0, at - this.epochMs(nowNs)) * 1e6;
  }

  /**
   * Recovery after a restart on the router's journal: an order the journal says is live
   * here, tracked from now on with the journal's quantities (its reports are then
   * matched by client order id, and a fill at or below its cum is a duplicate).
   */
  recover(handle: number, order: OrderFlyweight): void {
    const o = this.orders;
    const id = order.clientOrderId;
    const known = o.slotOf(id);
    if (known >= 0) {
      o.handle[known] = handle; // taken back from the venue's reports: the router hands it over
      return;
    }
    const slot = o.open(id, handle, order.symbolId, order.quantityLots);
    if (slot < 0) return;
    this.stats.recovered++;
    o.cum[slot] = order.filledLots;
    o.venueOrderId[slot] = order.venueOrderId;
    o.pending[slot] = order.state === OrderState.PENDING_NEW ? Pending.NEW : Pending.NONE;
  }

  /**
   * Recovery: ask the venue to send again everything after the journal's checkpoint
   * (`sinceSequence`, the last inbound MsgSeqNum the journal holds), then a TestRequest
   * whose Heartbeat marks the end of the resend. Resent reports are delivered as ordinary
   * events (a fill at or below the journal's cum dropped as a duplicate); an ACK or a
   * fill of a client order id the books do not hold is reported as a foreign order (its
   * journal record died with the process). A recovered order whose NEW the venue still
   * has said nothing about is reported UNKNOWN. False when the venue could not be asked
   * (not logged on in time, or no end of the resend within `reconcileTimeoutMs`).
   */
  async reconcile(sinceSequence: number): Promise<boolean> {
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const up = Date.now() + (this.options.connectTimeoutMs ?? 5_000);
    while (this.state !== 'up' && Date.now() < up) await sleep(5);
    if (this.state !== 'up') return false;
    this.reports.onForeign = this.foreign;
    try {
      const marker = this.session.replay(sinceSequence + 1);
      if (marker < 0) return false;
      this.out.flush();
      const end = Date.now() + (this.options.reconcileTimeoutMs ?? 10_000);
      while (!this.session.answered(marker) && this.state === 'up' && Date.now() < end) await sleep(2);
      if (!this.session.answered(marker)) return false;
      const o = this.orders;
      o.forEach((slot) => {
        if (o.pending[slot] !== Pending.NEW) return;
        this.stats.reconciledUnknown++;
        this.events?.unknown(o.handle[slot], o.clientId[slot]);
      });
      return true;
    } finally {
      this.reports.onForeign = null;
      this.session.replayFrom = Infinity;
    }
  }

  /** A report of an order the books do not hold, during `reconcile`: reported to the router, then tracked under FOREIGN_HANDLE. */
  private readonly foreign = (m: Message, id: number, events: GatewayEvents): number => {
    const symbolId = this.symbolIdOf(m.text(Tag.Symbol));
    const side = m.char(Tag.Side) === 0x31 ? Side.BUY : m.char(Tag.Side) === 0x32 ? Side.SELL : 0;
    const g = symbolId < 0 ? null : this.gridsOf(symbolId);
    if (g === null || side === 0) return -1;
    const qty = m.units(Tag.OrderQty, g.lot);
    const px = m.has(Tag.Price) ? m.units(Tag.Price, g.tick) : m.has(Tag.LastPx) ? m.units(Tag.LastPx, g.tick) : m.units(Tag.AvgPx, g.tick);
    if (!(qty > 0) || qty > 2 ** 31 - 1 || Number.isNaN(px) || (px <= 0 && !g.allowNegativePrices)) return -1;
    const slot = this.orders.open(id, FOREIGN_HANDLE, symbolId, qty);
    if (slot < 0) return -1;
    this.orders.keepOrderId(slot, m, Tag.OrderID);
    this.stats.foreign++;
    events.foreignOrder?.(id, this.orders.venueOrderId[slot], symbolId, side, px, qty);
    return slot;
  };

  /** The router's symbol id of a venue Symbol (cold: recovery only). */
  private symbolIdOf(symbol: string | undefined): number {
    if (symbol === undefined || this.instruments === null) return -1;
    for (let id = 0; id < this.instruments.capacity; id++) {
      const spec = this.instruments.spec(id);
      if (spec === undefined) break;
      if ((this.options.symbols?.[spec.symbol]?.symbol ?? spec.symbol) === symbol) return id;
    }
    return -1;
  }

  /**
   * The open orders as the venue last reported them. FIX has no query for that here (the
   * QuickFIX executor answers no OrderMassStatusRequest); the session layer instead
   * delivers every report the venue sent, resending what a disconnect lost, so once the
   * session has caught up (a TestRequest sent now is answered: everything the venue sent
   * before it has arrived, bounded by `connectTimeoutMs`) the gateway's books are the
   * venue's word. Orders whose NEW has no answer yet are left out.
   */
  async openOrders(): Promise<VenueOrderState[]> {
    await this.caughtUp();
    const out: VenueOrderState[] = [];
    const o = this.orders;
    o.forEach((slot) => {
      if (o.pending[slot] === Pending.NEW || o.handle[slot] === FOREIGN_HANDLE || o.ended[slot] === 1) return;
      const cum = o.cum[slot];
      out.push({ clientOrderId: o.clientId[slot], venueOrderId: o.venueOrderId[slot], state: cum > 0 ? OrderState.PARTIALLY_FILLED : OrderState.ACCEPTED, priceTicks: o.price[slot], quantityLots: o.quantity[slot], cumLots: cum, leavesLots: o.quantity[slot] - cum });
    });
    return out;
  }

  /** Fills received after inbound MsgSeqNum `sequence` (the session caught up first, as for `openOrders`). */
  async executionsSince(sequence: number): Promise<VenueExecution[]> {
    await this.caughtUp();
    return this.reports.fillsSince(sequence);
  }

  /** Until a TestRequest sent now is answered, or `connectTimeoutMs` (false then). */
  private async caughtUp(): Promise<boolean> {
    const end = Date.now() + (this.options.connectTimeoutMs ?? 5_000);
    while (this.state !== 'up' && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
    const id = this.session?.ping() ?? -1;
    if (id < 0) return false;
    this.out.flush();
    while (!this.session.answered(id) && this.state === 'up' && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 2));
    return this.session.answered(id);
  }

  /** Drop the connection as a network fault would (tests); the gateway reconnects by itself. */
  dropForTest(): void {
    this.socket?.destroy();
  }

  /** The order's slot when a cancel or replace of it can go out now; otherwise it is refused here and -1. */
  private request(handle: number, order: OrderFlyweight, kind: number): number {
    const id = order.clientOrderId;
    const slot = this.orders.slotOf(id);
    let reason: number = RejectReason.NONE;
    if (slot < 0) reason = this.orders.endedRecently(id) ? RejectReason.TOO_LATE_TO_CANCEL : RejectReason.UNKNOWN_ORDER;
    else if (this.state !== 'up' || !this.session.canSend) {
      this.stats.refusedWhileDown++;
      reason = RejectReason.VENUE_UNAVAILABLE;
    } else if (this.gridsOf(order.symbolId) === null) reason = RejectReason.UNKNOWN_SYMBOL;
    if (reason === RejectReason.NONE) return slot;
    if (kind === Pending.CANCEL) this.events!.cancelReject(handle, id, reason);
    else this.events!.replaceReject(handle, id, reason);
    return -1;
  }

  private commitRequest(handle: number, id: number, slot: number, kind: number): void {
    const seq = this.session.commit();
    if (seq < 0) {
      if (kind === Pending.CANCEL) this.events!.cancelReject(handle, id, RejectReason.INTERNAL_ERROR);
      else this.events!.replaceReject(handle, id, RejectReason.INTERNAL_ERROR);
      return;
    }
    const o = this.orders;
    o.pending[slot] = kind;
    o.pendingRequest[slot] = o.requests[slot];
    this.reports.sent(seq, slot, kind, o.requests[slot]);
  }

  private gridsOf(symbolId: number): FixInstrument | null {
    const known = this.grids[symbolId];
    if (known !== undefined) return known;
    const spec = this.instruments?.spec(symbolId);
    if (spec === undefined) return null;
    let entry: FixInstrument | null = null;
    try {
      entry = this.instrumentOf(spec);
    } catch {
      // A name FIX cannot carry, on an instrument defined after connect (connect refuses the
      // others): its orders are rejected (UNKNOWN_SYMBOL), never thrown on.
    }
    this.grids[symbolId] = entry; // cold: once per symbol
    return entry;
  }

  /** The instrument's grids and FIX names, as this venue names it; RangeError when FIX cannot carry a name. */
  private instrumentOf(spec: InstrumentSpec): FixInstrument {
    const venue = this.options.symbols?.[spec.symbol];
    const named = venue?.securityId !== undefined && venue.symbol === undefined;
    return fixInstrument(
      new FixDecimal(spec.tick.step),
      new FixDecimal(spec.lot.step),
      { symbol: named ? null : venue?.symbol ?? spec.symbol, securityId: venue?.securityId, securityIdSource: venue?.securityIdSource },
      spec.allowNegativePrices,
    );
  }

  private onApplication(m: FixMessage, _possDup: boolean): void {
    if (this.events === null) return;
    this.work++;
    this.reports.onMessage(m, this.events);
  }

  private onLogon(): void {
    const first = this.state === 'connecting' && this.stats.connects === 0;
    this.state = 'up';
    this.stats.connects++;
    if (!first) {
      this.stats.reconnects++;
      // What was sent before this connection and is still unanswered once the resends are in.
      this.settleBeforeSeq = this.store.nextSenderSeq;
      this.settleAtMs = this.epochMs(nanoTime()) + (this.options.settleTimeoutMs ?? 5_000);
    }
    this.attempts = 0;
    this.events?.venueStatus?.(true);
    this.loggedOn?.();
  }

  /** Orders still waiting for their NEW's answer after a reconnect's settle time: UNKNOWN. */
  private settle(): void {
    this.settleAtMs = 0;
    const o = this.orders;
    o.forEach((slot) => {
      if (o.pending[slot] === Pending.NEW && o.sentSeq[slot] < this.settleBeforeSeq) {
        this.stats.settledUnknown++;
        this.events?.unknown(o.handle[slot], o.clientId[slot]);
      }
    });
  }

  private open(): Promise<void> {
    this.state = 'connecting';
    const timeoutMs = this.options.connectTimeoutMs ?? 5_000;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.loggedOn = null;
        if (error === null) resolve();
        else reject(error);
      };
      const timer = setTimeout(() => {
        finish(new Error(`${this.name}: no FIX Logon within ${timeoutMs} ms`));
        this.dropConnection('connect timeout');
      }, timeoutMs);
      this.loggedOn = () => finish(null);
      const socket = netConnect({ host: this.options.host ?? '127.0.0.1', port: this.options.port, noDelay: true });
      this.socket = socket;
      socket.on('connect', () => {
        this.out.attach(socket);
        // Without a durable store, the first Logon of the process resets (the numbers died with
        // the last process); a reconnect keeps them, so the session resends what was lost.
        this.session.connected(this.epochMs(nanoTime()), this.options.resetOnLogon ?? (this.options.storeDir === undefined && this.stats.connects === 0));
        this.out.flush();
      });
      socket.on('data', (chunk: Buffer) => {
        this.out.hold(); // what handlers send in answer goes out in one write at the end
        try {
          this.session.receive(chunk, this.epochMs(nanoTime()));
        } finally {
          this.out.release();
        }
      });
      socket.on('error', () => {}); // 'close' follows
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.socket = null;
        this.out.attach(null);
        this.session.disconnected('connection closed');
        finish(new Error(`${this.name}: the connection closed before the Logon (${this.session.lastCloseReason})`));
        this.lost();
      });
    });
  }

  private dropConnection(reason: string): void {
    this.session.disconnected(reason);
    this.socket?.destroy();
  }

  /** The connection is gone: tell the router, and try again later unless closing. */
  private lost(): void {
    if (this.state === 'closed') return;
    const wasUp = this.state === 'up';
    this.state = 'down';
    if (wasUp) this.events?.venueStatus?.(false);
    if (this.stats.connects === 0) return; // the first attempt failed: connect() rejects
    const initial = this.options.reconnectInitialMs ?? 100;
    const max = this.options.reconnectMaxMs ?? 5_000;
    const delay = Math.min(max, initial * 2 ** Math.min(this.attempts++, 16)) * (0.5 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state === 'closed') return;
      this.open().catch(() => {}); // a failed attempt ends in 'close', which schedules the next
    }, delay);
  }

  private epochMs(nowNs: number): number {
    return this.originMs + (nowNs - this.originNs) / 1e6;
  }
}

