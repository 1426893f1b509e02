import { ExecType, RejectReason, TimeInForce } from '@ringroute/core';
import type { WebSocket } from 'ws';
import { SubmitOutcome, type Account, type ExchangeBook, type Report, type ReportSink } from './ExchangeBook.js';
import type { LoginVerifier } from './LoginAuth.js';
import { ServerFrameWriter } from './ServerFrameWriter.js';
import type { FrameCodec } from './FrameCodec.js';
import { TokenBucket } from './TokenBucket.js';
import { ErrorCode, int, Msg } from './WsProtocol.js';

/** Switches the server flips for all its sessions (fault injection, maintenance). */
export interface ServerGate {
  /** False: every LOGIN is refused with UNAVAILABLE (the exchange is down for new sessions). */
  acceptingLogins: boolean;
  /** A session logged in (the server stops timing its connection). */
  loggedIn?(session: ExchangeSession): void;
}

export interface SessionLimits {
  /** New orders and replaces per second per connection (token bucket); beyond it an ERROR frame and a reject, never a disconnect. */
  ordersPerSecond: number;
  orderBurst: number;
  /**
   * Messages of any type per second per connection (token bucket, default 200,000, burst
   * 20,000): a message beyond it is not executed; it gets an ERROR (RATE_LIMITED) and, if it
   * concerns an order, the reject that settles the request.
   */
  messagesPerSecond: number;
  messageBurst: number;
  /** QUERYs per second per connection (default 20, burst 40): each replays up to `replayPage` reports and lists the open orders. */
  queriesPerSecond: number;
  queryBurst: number;
  /** Reports one QUERY replays at most (default 1,000); STATUS.seq beyond the last one tells the client to ask again. */
  replayPage: number;
  /**
   * Bytes waiting to be sent to a client that does not read (default 8 MiB): beyond it the
   * connection is dropped (SLOW_CONSUMER) instead of the exchange's memory growing.
   */
  maxBufferedBytes: number;
  /** A connection that sends this many undecodable frames is closed (TOO_MANY_MALFORMED). */
  maxMalformed: number;
  /** After the server closes a connection, how long it waits for the peer's close before destroying the socket (default 250 ms). */
  closeGraceMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  ordersPerSecond: 200_000,
  orderBurst: 20_000,
  messagesPerSecond: 200_000,
  messageBurst: 20_000,
  queriesPerSecond: 20,
  queryBurst: 40,
  replayPage: 1_000,
  maxBufferedBytes: 8 << 20,
  maxMalformed: 1_000,
  closeGraceMs: 250,
};

/** What the server counts (for tests and the demo). */
export interface ServerStats {
  connections: number;
  logins: number;
  loginFailures: number;
  malformedFrames: number;
  invalidMessages: number;
  rateLimited: number;
  orders: number;
  /** Clients dropped for not reading what was sent to them (SLOW_CONSUMER). */
  slowConsumers: number;
  /** TCP connections refused or closed before a login: over the slot limit, evicted, or timed out. */
  refusedSockets: number;
}

/**
 * One client connection: refuses everything but LOGIN until it succeeds, then turns
 * frames into exchange operations for its account. A frame that is not a message (bad
 * bytes, a map, an unknown type) gets an ERROR frame and is dropped; one whose fields are
 * wrong gets an ERROR frame and, if it names an order, a reject for it, so no order is
 * lost silently. Nothing a peer sends can throw out of here.
 */
export class ExchangeSession implements ReportSink {
  account: Account | null = null;
  private readonly socket: WebSocket;
  private readonly codec: FrameCodec;
  private readonly out = new ServerFrameWriter();
  private readonly book: ExchangeBook;
  private readonly auth: LoginVerifier;
  private readonly limits: SessionLimits;
  private readonly stats: ServerStats;
  private readonly gate: ServerGate;
  private readonly orderTokens: TokenBucket;
  private readonly messageTokens: TokenBucket;
  private readonly queryTokens: TokenBucket;
  private malformed = 0;
  /** A fatal error closed (is closing) the connection: frames still arriving are ignored. */
  private closing = false;
  private readonly errorScratch = { t: Msg.ERROR as number, code: 0, id: 0, msg: '' };
  private readonly topScratch = { t: Msg.TOP as number, sym: 0, bp: 0, bq: 0, ap: 0, aq: 0 };

  constructor(socket: WebSocket, codec: FrameCodec, book: ExchangeBook, auth: LoginVerifier, limits: SessionLimits, stats: ServerStats, gate: ServerGate) {
    this.socket = socket;
    this.out.attach(socket);
    this.codec = codec;
    this.book = book;
    this.auth = auth;
    this.limits = limits;
    this.stats = stats;
    this.gate = gate;
    this.orderTokens = new TokenBucket(limits.ordersPerSecond, limits.orderBurst);
    this.messageTokens = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.queryTokens = new TokenBucket(limits.queriesPerSecond, limits.queryBurst);
  }

  /** The session is ending (a fatal error, or the server dropping it): nothing more it sent is read. */
  get isClosing(): boolean {
    return this.closing;
  }

  onFrame(data: Buffer, isBinary: boolean): void {
    // Once the session decided to close, nothing more it was sent executes: frames that
    // arrived in the same read as the fatal one (a LOGIN after a NEW before login, an order
    // after that) would otherwise still log in and trade.
    if (this.closing) return;
    if (isBinary !== this.codec.binary) {
      this.fatal(ErrorCode.TEXT_FRAME, this.codec.binary ? 'text frames are not part of the protocol' : 'this server speaks JSON text frames');
      return;
    }
    const m = this.codec.decode(data, isBinary);
    if (m === null) {
      this.stats.malformedFrames++;
      this.error(ErrorCode.MALFORMED_FRAME, 0, 'not a protocol message');
      if (++this.malformed >= this.limits.maxMalformed) this.fatal(ErrorCode.TOO_MANY_MALFORMED, 'too many malformed frames');
      return;
    }
    const a = this.account;
    if (a === null) {
      if (m.t === Msg.LOGIN) this.login(m);
      else this.fatal(ErrorCode.NOT_LOGGED_IN, 'log in first');
      return;
    }
    // Every message counts against the connection's budget, whatever its type: CANCELs of
    // unknown ids or HEARTBEATs cost the exchange work and log space as NEWs do.
    if (!this.messageTokens.take()) return this.overBudget(a, m);
    switch (m.t) {
      case Msg.NEW:
        return this.onNew(a, m);
      case Msg.CANCEL: {
        const id = int(m.id, 1);
        if (id !== id) return this.invalid(0, 'CANCEL needs an integer id');
        return this.book.cancel(a, id);
      }
      case Msg.REPLACE: {
        const id = int(m.id, 1);
        const px = int(m.px, -Number.MAX_SAFE_INTEGER);
        const qty = int(m.qty, -Number.MAX_SAFE_INTEGER);
        if (id !== id) return this.invalid(0, 'REPLACE needs an integer id');
        if (px !== px || qty !== qty) {
          this.invalid(id, 'REPLACE needs integer px and qty');
          return this.book.refuse(a, id, ExecType.REPLACE_REJECT, RejectReason.INVALID_PRICE);
        }
        if (!this.orderTokens.take()) return this.limited(a, id, ExecType.REPLACE_REJECT);
        return this.book.replace(a, id, px, qty);
      }
      case Msg.QUERY: {
        const req = int(m.req);
        const since = int(m.since);
        if (req !== req || since !== since) return this.invalid(0, 'QUERY needs integer req and since');
        if (!this.queryTokens.take()) {
          // Refused whole (no partial replay): the client's query times out and is asked again.
          this.stats.rateLimited++;
          return this.error(ErrorCode.RATE_LIMITED, 0, 'query rate limit');
        }
        // One page of the replay (a QUERY costs the exchange at most replayPage reports of
        // work and output); STATUS.seq above the last report sent means "ask again from it".
        for (const r of this.book.reportsSince(a, since, this.limits.replayPage)) {
          this.report(r);
          if (this.closing) return; // dropped as a slow consumer mid-replay
        }
        this.send({ t: Msg.STATUS, req, seq: a.seq, open: this.book.openOrders(a) });
        return;
      }
      case Msg.HEARTBEAT:
        this.send({ t: Msg.HEARTBEAT, ts: Date.now() });
        return;
      default:
        this.stats.invalidMessages++;
        this.error(ErrorCode.UNKNOWN_MESSAGE, 0, `message type ${m.t} is not accepted from clients`);
    }
  }

  private onNew(a: Account, m: Record<string, unknown>): void {
    const id = int(m.id, 1);
    if (id !== id) return this.invalid(0, 'NEW needs an integer id');
    const sym = int(m.sym, 0, 0xffff);
    const side = int(m.side, 0, 255);
    const type = int(m.type, 0, 255);
    const tif = int(m.tif, 0, 255);
    const flags = int(m.flags, 0, 0xffff);
    const px = int(m.px, -Number.MAX_SAFE_INTEGER);
    const stop = int(m.stop, -Number.MAX_SAFE_INTEGER);
    const qty = int(m.qty, -Number.MAX_SAFE_INTEGER); // the engine refuses a bad quantity with its reason
    if (sym !== sym || side !== side || type !== type || tif !== tif || flags !== flags || px !== px || stop !== stop || qty !== qty) {
      this.invalid(id, 'NEW fields must be integers in range');
      if (!a.ids.used(id)) this.book.refuse(a, id, ExecType.REJECT, RejectReason.UNSUPPORTED);
      return;
    }
    // A time in force the protocol does not have is refused, never taken as GTC.
    if (tif < TimeInForce.GTC || tif > TimeInForce.GTD) {
      this.invalid(id, `time in force ${tif} is not one of GTC, IOC, FOK, DAY, GTD`);
      if (!a.ids.used(id)) this.book.refuse(a, id, ExecType.REJECT, RejectReason.UNSUPPORTED);
      return;
    }
    if (!this.orderTokens.take()) return this.limited(a, id, ExecType.REJECT);
    this.stats.orders++;
    const outcome = this.book.submit(a, id, sym, side, type, tif, flags, px, stop, qty);
    if (outcome === SubmitOutcome.DUPLICATE) {
      // The id is the account's already: a REJECT for it would read as that order's end.
      this.stats.invalidMessages++;
      this.error(ErrorCode.DUPLICATE_ID, id, 'client order id already used by this account');
    } else if (outcome === SubmitOutcome.OPEN_LIMIT) {
      this.error(ErrorCode.OPEN_ORDER_LIMIT, id, 'the account has as many open orders as it may');
    }
  }

  /** A message beyond the connection's message budget: not executed; a request about an order still gets its answer. */
  private overBudget(a: Account, m: Record<string, unknown>): void {
    const id = int(m.id, 1);
    if (id !== id || m.t === Msg.QUERY || m.t === Msg.HEARTBEAT) {
      this.stats.rateLimited++;
      return this.error(ErrorCode.RATE_LIMITED, 0, 'message rate limit');
    }
    this.limited(a, id, m.t === Msg.NEW ? ExecType.REJECT : m.t === Msg.CANCEL ? ExecType.CANCEL_REJECT : ExecType.REPLACE_REJECT);
  }

  private login(m: Record<string, unknown>): void {
    if (!this.gate.acceptingLogins) {
      this.fatal(ErrorCode.UNAVAILABLE, 'not accepting logins');
      return;
    }
    const result = this.auth.verify(m.key, m.ts, m.nonce, m.sig);
    if (result < 0) {
      this.stats.loginFailures++;
      this.fatal(-result, 'login refused');
      return;
    }
    this.stats.logins++;
    const a = this.book.account(result);
    // One session per account: a new login takes the reports over, and the older session
    // is ended with a reason (it was left open, its requests executing and their reports
    // going to the new session without a word).
    const previous = a.sink;
    a.sink = this;
    if (previous !== null && previous !== this) previous.takenOver?.();
    this.account = a;
    this.gate.loggedIn?.(this);
    this.send({ t: Msg.LOGIN_OK, account: result, seq: a.seq });
  }

  /** Another login for this account took over: end this session with the reason. */
  takenOver(): void {
    if (this.account !== null && this.account.sink !== this) this.account = null;
    this.fatal(ErrorCode.SESSION_TAKEN_OVER, 'another login for this account took over');
  }

  /** The connection closed: the account keeps its orders and its log. */
  detach(): void {
    if (this.account !== null && this.account.sink === this) this.account.sink = null;
  }

  report(r: Report): void {
    this.send(r);
  }

  top(sym: number, bp: number, bq: number, ap: number, aq: number): void {
    const m = this.topScratch;
    m.sym = sym;
    m.bp = bp;
    m.bq = bq;
    m.ap = ap;
    m.aq = aq;
    this.send(m);
  }

  private limited(a: Account, id: number, ex: number): void {
    this.stats.rateLimited++;
    this.error(ErrorCode.RATE_LIMITED, id, 'order rate limit');
    // A NEW refused for its rate gets a REJECT only for an id the account has not used: a
    // REJECT carrying a live order's id would read as that order's end. (A refused replace
    // is a REPLACE_REJECT, which ends nothing.)
    if (ex !== ExecType.REJECT || !a.ids.used(id)) this.book.refuse(a, id, ex, RejectReason.RATE_LIMITED);
  }

  private invalid(id: number, msg: string): void {
    this.stats.invalidMessages++;
    this.error(ErrorCode.INVALID_MESSAGE, id, msg);
  }

  private error(code: number, id: number, msg: string): void {
    const e = this.errorScratch;
    e.code = code;
    e.id = id;
    e.msg = msg;
    this.send(e);
  }

  /**
   * Tell the peer why, then close the connection with the error code. No later frame of it
   * is read: the TCP socket stops being read at once (what the peer keeps sending waits in
   * the kernel, then pushes back on the peer), and it is destroyed after `closeGraceMs`
   * whether or not the peer answers the close (ws would otherwise wait 30 s for it).
   */
  fatal(code: number, msg: string): void {
    if (this.closing) return;
    this.closing = true;
    this.error(code, 0, msg);
    this.out.flush();
    this.socket.close(code, msg);
    const raw = (this.socket as unknown as { _socket?: { pause(): void } })._socket;
    raw?.pause();
    setTimeout(() => this.socket.terminate(), this.limits.closeGraceMs).unref();
  }

  private send(message: object): void {
    // Nothing after the close frame (ws marks the socket CLOSING when it writes one).
    if (this.socket.readyState !== 1) return;
    this.out.send(this.codec.encode(message));
    // A client that does not read: what waits for it is bounded (bytes the kernel has not
    // taken yet, in a few large buffers: see ServerFrameWriter).
    if (this.out.buffered > this.limits.maxBufferedBytes && !this.closing) {
      this.stats.slowConsumers++;
      this.closing = true;
      this.detach();
      this.socket.terminate(); // a close frame would queue behind what it does not read
    }
  }
}
