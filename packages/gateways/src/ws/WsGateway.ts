import { bookPrice, InboundReport } from './InboundReport.js';
import { OrderTally } from './OrderTally.js';
import { ExecType, IdMap, OrderState, RejectReason, type OrderFlyweight } from '@ringroute/core';
import { FOREIGN_HANDLE } from '@ringroute/router/worker';
import WebSocket from 'ws';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, type GatewayAdapter, type GatewayCapabilities, type GatewayEvents, type RateLimitRule, type VenueExecution, type VenueOrderState } from '../GatewayAdapter.js';
import { loginMessage } from './LoginAuth.js';
import { CorkedSender } from './CorkedSender.js';
import { frameCodec, type FrameCodec, type FrameCodecName } from './FrameCodec.js';
import { ErrorCode, errorCodeName, int, Msg } from './WsProtocol.js';

export interface WsGatewayOptions {
  /** The exchange's WebSocket URL (ws://127.0.0.1:port). */
  url: string;
  apiKey: string;
  /** The key's secret: used to sign the login, never sent or logged. */
  secret: string;
  name?: string;
  /** Ping period; a connection whose pong is late by `deadAfterMs` is dropped (defaults 1,000 / 3,000 ms). */
  heartbeatMs?: number;
  deadAfterMs?: number;
  /** Reconnect backoff: first delay and cap, doubled per attempt, with jitter (defaults 50 ms, 2 s). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Give up on a connection attempt (open + login) after this long (default 5 s). */
  connectTimeoutMs?: number;
  /** How long a QUERY may wait for its STATUS (default 5,000 ms); after a reconnect, a late one drops the connection to try again. */
  queryTimeoutMs?: number;
  /** Frames: 'msgpackr' (the protocol; default) or 'json' (the exchange must speak it too). */
  codec?: FrameCodecName;
  /**
   * Largest frame accepted from the exchange (default 16 MiB: a STATUS listing 100,000
   * open orders fits); a bigger one drops the connection (1009) and the gateway
   * reconnects, instead of buffering what a broken exchange sends (ws's own default is 100 MiB).
   */
  maxFrameBytes?: number;
}

/** Reports one query collects at most (a replay page is far smaller; a hostile exchange streaming reports cannot grow it without bound). */
const MAX_COLLECTED = 65_536;

type State = 'down' | 'connecting' | 'reconciling' | 'up' | 'closed';

/**
 * The WebSocket gateway: a GatewayAdapter speaking the ringroute exchange protocol
 * (msgpackr records over binary frames) to an exchange such as `startExchangeServer`.
 *
 * - Sends: one reused codec and one reused message object per message type; an order
 *   costs one frame buffer (msgpackr's) and no other object.
 * - Receives: reports are deduplicated by sequence number and turned into gateway events
 *   for the order's handle; a gap triggers a replay.
 * - Faults: heartbeats detect a dead connection; it reconnects with exponential backoff
 *   and jitter, logs in again, and reconciles: it replays every report since the last
 *   sequence seen, then compares the exchange's open orders with its own in-flight ones. A
 *   NEW is never resent blindly (client order ids are idempotent at the exchange): an order
 *   the exchange never received is reported rejected (VENUE_UNAVAILABLE); one it knows is
 *   resumed; one whose fate the exchange's log no longer holds is reported UNKNOWN.
 *   While the connection is down, new orders and cancels are refused at once with
 *   VENUE_UNAVAILABLE, which opens the venue's circuit breaker in the router.
 */
export class WsGateway implements GatewayAdapter {
  readonly name: string;
  readonly capabilities: GatewayCapabilities = { orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, amend: true, postOnly: true, reduceOnly: false };
  readonly rateLimits: readonly RateLimitRule[] = [];
  /** Counters for tests and reports. */
  readonly stats = { connects: 0, reconnects: 0, duplicates: 0, gaps: 0, errors: 0, malformed: 0, inconsistent: 0, reconciledRejected: 0, reconciledUnknown: 0, foreignReports: 0, duplicateIds: 0, takenOver: 0 };
  private readonly options: WsGatewayOptions;
  private readonly codec: FrameCodec;
  /** Frames of one turn of the event loop (a drained command ring) go out in one write. */
  private readonly out = new CorkedSender();
  private socket: WebSocket | null = null;
  private events: GatewayEvents | null = null;
  private state: State = 'down';
  /** Client order id -> handle of every order not yet terminal. */
  private readonly handles = new IdMap(1024);
  /** Client order id -> handle of orders with a cancel or replace in flight (its answer may come after the order ended). */
  private readonly requests = new IdMap(256);
  private lastSeq = 0;
  /** The last sequence reported through `events.checkpoint`. */
  private checkpointed = 0;
  /** A RECONCILE (recovery after a restart) is replaying: an ACK for an untracked id is reported as a foreign order. */
  private recovering = false;
  private work = 0;
  private attempts = 0;
  private nextReq = 1;
  private gapQueryOpen = false;
  private gapQueryAtMs = 0;
  /** lastSeq when the open gap query was sent: its STATUS asks for the next page only if this one advanced. */
  private gapQueryFrom = 0;
  /** Every inbound REPORT is checked here before any field of it is used. */
  private readonly report = new InboundReport();
  /** Quantity and cum of every order in flight, to tell a report that ends an order from one that only claims to. */
  private readonly tally = new OrderTally();
  private retrying = false;
  private get queryTimeoutMs(): number {
    return this.options.queryTimeoutMs ?? 5_000;
  }
  private readonly queries = new Map<number, { resolve: (status: { seq: number; open: number[]; reports: Record<string, unknown>[] }) => void; reports: Record<string, unknown>[] }>();
  private ready: Promise<void> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | null = null;
  private lastPong = 0;
  private readonly newMsg = { t: Msg.NEW as number, id: 0, sym: 0, side: 0, type: 0, tif: 0, flags: 0, px: 0, stop: 0, qty: 0 };
  private readonly cancelMsg = { t: Msg.CANCEL as number, id: 0 };
  private readonly replaceMsg = { t: Msg.REPLACE as number, id: 0, px: 0, qty: 0 };

  constructor(options: WsGatewayOptions) {
    this.options = options;
    this.name = options.name ?? 'ws';
    this.codec = frameCodec(options.codec);
  }

  /** Connect and log in; resolves when orders can flow (rejects if the first login fails). */
  async connect(events: GatewayEvents): Promise<void> {
    this.events = events;
    await this.open(false);
  }

  /** Resolves when the gateway is up again (after a reconnect and its reconciliation). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  get connected(): boolean {
    return this.state === 'up';
  }

  /** Drop the connection as a network fault would (the gateway reconnects by itself). */
  dropConnection(): void {
    this.socket?.terminate();
  }

  async disconnect(): Promise<void> {
    this.state = 'closed';
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    const socket = this.socket;
    this.socket = null;
    if (socket !== null && socket.readyState <= WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'bye');
        setTimeout(() => (socket.terminate(), resolve()), 500).unref();
      });
    }
  }

  submit(handle: number, order: OrderFlyweight): void {
    const id = order.clientOrderId;
    if (this.state !== 'up') {
      this.events!.reject(handle, id, RejectReason.VENUE_UNAVAILABLE);
      return;
    }
    this.handles.set(id, handle);
    this.tally.open(id, order.quantityLots);
    const m = this.newMsg;
    m.id = id;
    m.sym = order.symbolId;
    m.side = order.side;
    m.type = order.ordType;
    m.tif = order.tif;
    m.flags = order.flags;
    m.px = order.priceTicks;
    m.stop = order.stopPriceTicks;
    m.qty = order.quantityLots;
    this.out.send(this.codec.encode(m));
  }

  cancel(handle: number, order: OrderFlyweight): void {
    if (this.state !== 'up') {
      this.events!.cancelReject(handle, order.clientOrderId, RejectReason.VENUE_UNAVAILABLE);
      return;
    }
    this.requests.set(order.clientOrderId, handle);
    this.cancelMsg.id = order.clientOrderId;
    this.out.send(this.codec.encode(this.cancelMsg));
  }

  replace(handle: number, order: OrderFlyweight, newPriceTicks: number, newQuantityLots: number): void {
    if (this.state !== 'up') {
      this.events!.replaceReject(handle, order.clientOrderId, RejectReason.VENUE_UNAVAILABLE);
      return;
    }
    this.requests.set(order.clientOrderId, handle);
    const m = this.replaceMsg;
    m.id = order.clientOrderId;
    m.px = newPriceTicks;
    m.qty = newQuantityLots;
    this.out.send(this.codec.encode(m));
  }

  /**
   * Reports arrive in socket callbacks; this returns how many were handled since the last
   * poll, and tells the router how far they go (`checkpoint`, once per turn, and only
   * while up: during a replay the sequence is not yet gap-free behind it).
   */
  poll(): number {
    this.out.flush(); // the orders of this drain of the command ring go out in one write
    if (this.lastSeq !== this.checkpointed && this.state === 'up') {
      this.checkpointed = this.lastSeq;
      this.events?.checkpoint?.(this.lastSeq);
    }
    const work = this.work;
    this.work = 0;
    return work;
  }

  /** Recovery: an order the router's journal says is live here; tracked as if this gateway had sent it. */
  recover(handle: number, order: OrderFlyweight): void {
    const id = order.clientOrderId;
    const tracked = this.handles.get(id) === FOREIGN_HANDLE; // taken back by the router: the tally already follows its reports
    this.handles.set(id, handle);
    if (tracked) return;
    this.tally.open(id, order.quantityLots);
    if (order.filledLots > 0) this.tally.filled(id, order.filledLots);
  }

  /**
   * Recovery: replay the account's reports after `sinceSequence` (the journal's last
   * checkpoint) and settle every recovered order, exactly as after a reconnect (see
   * `catchUp`): reports the router already has are duplicates to it (a fill's cum, an
   * order's state), the rest are what happened while it was down. An ACK for an id this
   * gateway does not track is reported as a foreign order (`foreignOrder`), and its later
   * reports carry FOREIGN_HANDLE until the router adopts it. Resolves true when the
   * exchange still had every report after `sinceSequence` (each recovered order it does
   * not hold was then never received: rejected), false when it did not (those are UNKNOWN)
   * or the replay failed (the connection is dropped and tried again; the router's deadline
   * settles the orders). Bounded: every query has the query timeout.
   */
  async reconcile(sinceSequence: number): Promise<boolean> {
    if (this.state !== 'up') {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.options.connectTimeoutMs ?? 5_000).unref());
      await Promise.race([this.ready, timeout]);
      if ((this.state as State) !== 'up') return false;
    }
    this.state = 'reconciling';
    this.lastSeq = sinceSequence;
    this.recovering = true;
    try {
      return await this.catchUp();
    } catch {
      this.socket?.terminate();
      return false;
    } finally {
      this.recovering = false;
    }
  }

  async openOrders(): Promise<VenueOrderState[]> {
    const status = await this.query(Number.MAX_SAFE_INTEGER);
    const out: VenueOrderState[] = [];
    for (let i = 0; i + 5 < status.open.length; i += 6) {
      const [id, vid, px, qty, cum, leaves] = status.open.slice(i, i + 6);
      out.push({ clientOrderId: id, venueOrderId: vid, state: cum > 0 ? OrderState.PARTIALLY_FILLED : OrderState.ACCEPTED, priceTicks: px, quantityLots: qty, cumLots: cum, leavesLots: leaves });
    }
    return out;
  }

  async executionsSince(sequence: number): Promise<VenueExecution[]> {
    // The exchange replays in pages: ask again from the last report of each page until its
    // STATUS's sequence is reached (each page must advance, or the answer is what we have).
    const reports = new Map<number, Record<string, unknown>>();
    let since = sequence;
    for (;;) {
      const status = await this.query(since);
      let last = since;
      for (const r of status.reports) {
        const seq = r.seq as number;
        if (seq > sequence && !reports.has(seq)) reports.set(seq, r);
        if (seq > last) last = seq;
      }
      if (last <= since || last >= status.seq) break;
      since = last;
    }
    return [...reports.values()]
      .sort((a, b) => (a.seq as number) - (b.seq as number))
      .filter((r) => r.ex === ExecType.FILL)
      .map((r) => ({ sequence: r.seq as number, clientOrderId: r.id as number, venueOrderId: r.vid as number, priceTicks: r.px as number, lastLots: r.last as number, cumLots: r.cum as number, leavesLots: r.leaves as number }));
  }

  /** Ask for reports since `since` (collected, and applied if new) and the open orders. */
  private query(since: number): Promise<{ seq: number; open: number[]; reports: Record<string, unknown>[] }> {
    if (this.socket === null || this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`${this.name}: not connected`));
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      // Every wait on the exchange has a bound: a STATUS that never comes fails the query
      // (after a reconnect, the connection is dropped and tried again).
      const timer = setTimeout(() => {
        if (this.queries.delete(req)) reject(new Error(`${this.name}: no STATUS for query ${req} in ${this.queryTimeoutMs} ms`));
      }, this.queryTimeoutMs);
      timer.unref();
      this.queries.set(req, {
        resolve: (status) => {
          clearTimeout(timer);
          resolve(status);
        },
        reports: [],
      });
      this.socket!.send(this.codec.encode({ t: Msg.QUERY, req, since }));
    });
  }

  private open(reconnecting: boolean): Promise<void> {
    this.state = 'connecting';
    const attempt = new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.options.url, { perMessageDeflate: false, handshakeTimeout: this.options.connectTimeoutMs ?? 5_000, maxPayload: this.options.maxFrameBytes ?? 16 << 20 });
      socket.binaryType = 'nodebuffer';
      this.socket = socket;
      this.out.attach(null);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const timer = setTimeout(() => (fail(new Error(`${this.name}: connect timeout`)), socket.terminate()), this.options.connectTimeoutMs ?? 5_000);
      timer.unref();
      socket.on('open', () => (this.out.attach(socket), socket.send(this.codec.encode(loginMessage(this.options.apiKey, this.options.secret)))));
      socket.on('pong', () => (this.lastPong = Date.now()));
      socket.on('error', (error) => fail(error));
      socket.on('close', (code) => {
        clearTimeout(timer);
        // Another login for this API key took the session over: reconnecting at once would
        // take it back and the two would alternate; wait the longest backoff instead.
        if (code === ErrorCode.SESSION_TAKEN_OVER) {
          this.stats.takenOver++;
          this.attempts = 20;
        }
        fail(new Error(`${this.name}: connection closed (${code} ${errorCodeName(code)})`));
        if (this.socket === socket) this.onLost();
      });
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        const m = this.codec.decode(data, isBinary);
        if (m === null) {
          this.stats.malformed++; // never trusted, never fatal
          return;
        }
        if (m.t === Msg.LOGIN_OK) {
          if (this.state !== 'connecting' || socket !== this.socket) {
            this.stats.malformed++; // only the answer to our LOGIN counts
            return;
          }
          clearTimeout(timer);
          this.stats.connects++;
          this.attempts = 0;
          this.startHeartbeat(socket);
          if (!reconnecting) {
            this.lastSeq = int(m.seq) || 0;
            this.state = 'up';
            settled = true;
            resolve();
          } else {
            this.state = 'reconciling';
            void this.catchUp().then(
              () => {
                settled = true;
                resolve();
              },
              (error: Error) => {
                fail(error);
                socket.terminate(); // reconciliation could not finish: drop it and try again
              },
            );
          }
          return;
        }
        this.onMessage(m);
      });
    });
    return attempt;
  }

  private startHeartbeat(socket: WebSocket): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    const every = this.options.heartbeatMs ?? 1_000;
    const dead = this.options.deadAfterMs ?? 3_000;
    this.lastPong = Date.now();
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastPong > dead) socket.terminate(); // dead peer: reconnect
      else if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, every);
    this.heartbeat.unref();
  }

  /** The connection is gone: refuse new work, keep in-flight orders, reconnect with backoff. */
  private onLost(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const q of this.queries.values()) q.resolve({ seq: this.lastSeq, open: [], reports: q.reports });
    this.queries.clear();
    this.gapQueryOpen = false;
    if (this.state === 'closed') return;
    const wasUp = this.state === 'up' || this.state === 'reconciling';
    this.state = 'down';
    if (wasUp) this.events?.venueStatus?.(false); // the router holds the venue's breaker open
    // One reconnect loop at a time (a failed attempt's close lands here too), and none
    // before the first login succeeded: then `connect` rejects and the caller decides.
    if (this.retrying || this.stats.connects === 0) return;
    this.retrying = true;
    const retry = async (): Promise<void> => {
      try {
        while ((this.state as State) !== 'closed') {
          const cap = this.options.reconnectMaxMs ?? 2_000;
          const base = Math.min(cap, (this.options.reconnectInitialMs ?? 50) * 2 ** Math.min(this.attempts++, 20));
          await new Promise((resolve) => setTimeout(resolve, base * (0.5 + Math.random() * 0.5)));
          if ((this.state as State) === 'closed') return;
          try {
            this.stats.reconnects++;
            await this.open(true);
            return;
          } catch {
            // try again after a longer pause
          }
        }
      } finally {
        this.retrying = false;
      }
    };
    this.ready = retry();
  }

  /**
   * After a reconnect (and for recovery): replay what was missed, then settle every
   * in-flight order. Returns whether the exchange still had every report missed.
   */
  private async catchUp(): Promise<boolean> {
    const since = this.lastSeq;
    let status = await this.query(since);
    const replayStart = status.reports.length > 0 ? (status.reports[0].seq as number) : status.seq + 1;
    // The exchange still had every report we missed, and its sequence did not go back (an
    // exchange that restarted without its state cannot say what became of our orders).
    const complete = replayStart <= since + 1 && status.seq >= since;
    // A new exchange session numbers its reports from its own start: follow it.
    if (status.seq < since) this.lastSeq = status.seq;
    else if (!complete && status.reports.length > 0 && replayStart <= status.seq && this.lastSeq < replayStart - 1) {
      // The exchange no longer had the first reports we missed: what it replayed is a
      // contiguous tail up to its STATUS. Apply that tail in order (it arrived as a gap and
      // was held back, never believed out of sequence); what came before is lost, and the
      // orders it concerned are settled as UNKNOWN below.
      this.lastSeq = replayStart - 1;
      for (const m of status.reports) this.onReport(m);
    }
    // The replay comes in pages (the exchange bounds what one QUERY costs it): ask again
    // from the last report applied until the STATUS's sequence is reached. Each page must
    // advance; one that does not fails the reconciliation (the connection is dropped and
    // tried again), and each waits at most the query timeout.
    while (this.lastSeq < status.seq) {
      const before = this.lastSeq;
      status = await this.query(before);
      if (this.lastSeq === before && this.lastSeq < status.seq) throw new Error(`${this.name}: the replay after ${before} made no progress`);
    }
    // The open orders as the last page's STATUS tells them: what was not open and not ended
    // by a replayed report is settled.
    const open = new Set<number>();
    for (let i = 0; i + 5 < status.open.length; i += 6) open.add(status.open[i]);
    const settle: [number, number][] = [];
    this.handles.forEach((id, handle) => {
      if (!open.has(id)) settle.push([id, handle]);
    });
    for (const [id, handle] of settle) {
      this.handles.delete(id);
      this.tally.close(id);
      if (complete) {
        this.stats.reconciledRejected++;
        this.events!.reject(handle, id, RejectReason.VENUE_UNAVAILABLE); // never reached the exchange
      } else {
        this.stats.reconciledUnknown++;
        this.events!.unknown(handle, id);
      }
      this.work++;
    }
    if (this.recovering) this.confirmOpen(status.open, complete);
    this.state = 'up';
    this.events?.venueStatus?.(true);
    return complete;
  }

  /**
   * Recovery: every recovered order the exchange lists as open is confirmed with an ACK (a
   * no-op for an order the router has working; it settles one the router had marked
   * UNKNOWN before the crash). When the exchange no longer had every report since the
   * checkpoint, an order it shows filled beyond what was reported to the router is
   * UNKNOWN instead: the fills' prices are gone with the reports.
   */
  private confirmOpen(open: number[], complete: boolean): void {
    for (let i = 0; i + 5 < open.length; i += 6) {
      const id = open[i];
      const handle = this.handles.get(id);
      if (handle === -1) continue;
      this.work++;
      if (!complete && open[i + 4] > this.tally.cumOf(id)) this.events!.unknown(handle, id);
      else this.events!.ack(handle, id, open[i + 1]);
    }
  }

  private onMessage(m: Record<string, unknown>): void {
    switch (m.t) {
      case Msg.REPORT:
        return this.onReport(m);
      case Msg.STATUS: {
        const req = int(m.req);
        const q = this.queries.get(req);
        if (q === undefined) {
          // A gap query's answer (one page). Behind the exchange still, and this page moved
          // us on: ask for the next page now rather than wait for the next gap.
          this.gapQueryOpen = false;
          const seq = int(m.seq);
          if (this.state === 'up' && this.socket !== null && seq > this.lastSeq && this.lastSeq > this.gapQueryFrom) this.askGap();
          return;
        }
        this.queries.delete(req);
        const open = Array.isArray(m.open) ? (m.open as unknown[]).map((v) => int(v)) : [];
        q.resolve({ seq: int(m.seq) || 0, open: open.some((v) => v !== v) ? [] : open, reports: q.reports });
        return;
      }
      case Msg.TOP: {
        // Prices exact integers in ticks (NaN: that side is empty), sizes non-negative exact
        // integers: anything else is a protocol error, never published to the shared book.
        const sym = int(m.sym, 0, 0xffff);
        const bp = bookPrice(m.bp);
        const ap = bookPrice(m.ap);
        const bq = int(m.bq);
        const aq = int(m.aq);
        if (sym !== sym || bp === Infinity || ap === Infinity || bq !== bq || aq !== aq) {
          this.stats.malformed++;
          return;
        }
        this.events?.topOfBook(sym, bp, bq, ap, aq);
        this.work++;
        return;
      }
      case Msg.ERROR: {
        this.stats.errors++;
        // A NEW the exchange did not execute because the account already has (or recently
        // had) an order with its id: no REPORT will come for it, and any that carries the id
        // is the other order's. Our order is rejected and forgotten here.
        if (m.code === ErrorCode.DUPLICATE_ID) {
          const id = int(m.id, 1);
          const handle = id === id ? this.handles.get(id) : -1;
          if (handle >= 0 && this.tally.cumOf(id) === 0) {
            this.stats.duplicateIds++;
            this.forget(id);
            this.work++;
            this.events!.reject(handle, id, RejectReason.DUPLICATE_ORDER_ID);
          }
        }
        return; // any other error that concerns an order comes with the report that carries its outcome
      }
      default:
        return;
    }
  }

  private onReport(m: Record<string, unknown>): void {
    const r = this.report;
    if (!r.checkHeader(m)) {
      this.stats.malformed++;
      return;
    }
    const seq = r.seq;
    const id = r.id;
    // A replay being collected (rare: a query in flight); no iterator per report otherwise.
    if (this.queries.size > 0) for (const q of this.queries.values()) if (q.reports.length < MAX_COLLECTED) q.reports.push(m);
    if (seq <= this.lastSeq) {
      this.stats.duplicates++;
      return;
    }
    if (seq > this.lastSeq + 1) {
      // A gap, in any state (a replay comes in order: a jump during reconciliation is not
      // believed either, or one report numbered 2^53 - 1 would make every later one look
      // like a duplicate). Live, ask for a replay from the last report seen; this one comes
      // again with it. An unanswered gap query is asked again after the query timeout.
      this.stats.gaps++;
      if (this.state === 'up' && this.socket !== null && (!this.gapQueryOpen || Date.now() - this.gapQueryAtMs > this.queryTimeoutMs)) this.askGap();
      return;
    }
    this.lastSeq = seq;
    const ex = m.ex;
    let handle = this.handles.get(id);
    if (ex === ExecType.CANCEL_REJECT || ex === ExecType.REPLACE_REJECT || ex === ExecType.CANCELED || ex === ExecType.REPLACED) {
      const requested = this.requests.delete(id);
      if (handle === -1) handle = requested; // not FOREIGN_HANDLE: an order taken back by the router keeps its route
    }
    if (handle === -1 && this.recovering && m.ex === ExecType.ACK && r.checkBody(m)) {
      // Recovery's replay: an order this gateway was not given. Perhaps the router's own,
      // sent just before a crash that lost its journal record: the router decides.
      handle = FOREIGN_HANDLE;
      this.handles.set(id, handle);
      this.tally.open(id, r.leaves);
      this.events!.foreignOrder?.(id, r.vid, r.sym, r.side, r.px, r.leaves);
    }
    if (handle === -1) {
      this.stats.foreignReports++; // an order of an earlier session, or already settled
      return;
    }
    const events = this.events!;
    this.work++;
    if (!r.checkBody(m)) {
      // In sequence, about our order, and not believable (a 64-bit integer, a price of
      // -1e300, a negative size, an unknown type): never applied, never fatal. The order's
      // fate is now unknown; reconciliation settles it, and a later valid report for it
      // still arrives (the gateway keeps the order).
      this.stats.malformed++;
      return events.unknown(handle, id);
    }
    const vid = r.vid;
    const cum = r.cum;
    const leaves = r.leaves;
    const reason = r.reason;
    // What the gateway knows of the order: a report that would end it must agree with it
    // (else the gateway would forget an order the router does not consider ended, and the
    // exchange's correct report would be ignored as foreign).
    const tally = this.tally;
    const quantity = tally.quantityOf(id);
    const known = tally.cumOf(id);
    const tracked = quantity === quantity;
    switch (r.ex) {
      case ExecType.ACK:
        return events.ack(handle, id, vid);
      case ExecType.FILL:
        if (tracked && (cum > quantity || cum + leaves !== quantity)) return this.inconsistent(handle, id);
        tally.filled(id, cum);
        if (leaves === 0) this.forget(id);
        return events.fill(handle, id, vid, r.px, r.last, cum, leaves);
      case ExecType.REJECT:
        if (tracked && known > 0) return this.inconsistent(handle, id); // an order that traded cannot be rejected
        this.forget(id);
        return events.reject(handle, id, reason);
      case ExecType.CANCELED:
        if (tracked && (cum < known || cum > quantity)) return this.inconsistent(handle, id);
        this.forget(id);
        return events.canceled(handle, id, vid, cum, reason);
      case ExecType.EXPIRED:
        if (tracked && (cum < known || cum > quantity)) return this.inconsistent(handle, id);
        this.forget(id);
        return events.expired(handle, id, vid, cum);
      case ExecType.REPLACED:
        if (tracked && cum < known) return this.inconsistent(handle, id);
        tally.replaced(id, cum + leaves);
        return events.replaced(handle, id, vid, r.px, r.last, cum, leaves);
      case ExecType.CANCEL_REJECT:
        return events.cancelReject(handle, id, reason);
      case ExecType.REPLACE_REJECT:
        return events.replaceReject(handle, id, reason);
      default:
        this.stats.malformed++;
        return events.unknown(handle, id);
    }
  }

  /** Ask for a replay from the last report applied (a gap query: req 0). */
  private askGap(): void {
    this.gapQueryOpen = true;
    this.gapQueryAtMs = Date.now();
    this.gapQueryFrom = this.lastSeq;
    this.socket!.send(this.codec.encode({ t: Msg.QUERY, req: 0, since: this.lastSeq }));
  }

  /** A report that contradicts what the gateway knows of the order: UNKNOWN, and the order is kept for the report that settles it. */
  private inconsistent(handle: number, id: number): void {
    this.stats.inconsistent++;
    this.events!.unknown(handle, id);
  }

  /** The order ended consistently: the gateway forgets it. */
  private forget(id: number): void {
    this.handles.delete(id);
    this.tally.close(id);
  }
}
