import { ExecType, RejectReason, TimeInForce } from '@ringroute/core';
import type { WebSocket } from 'ws';
import type { Account, ExchangeBook, Report, ReportSink } from './ExchangeBook.js';
import type { LoginVerifier } from './LoginAuth.js';
import { CorkedSender } from './CorkedSender.js';
import type { FrameCodec } from './FrameCodec.js';
import { ErrorCode, int, Msg } from './WsProtocol.js';

/** Switches the server flips for all its sessions (fault injection, maintenance). */
export interface ServerGate {
  /** False: every LOGIN is refused with UNAVAILABLE (the exchange is down for new sessions). */
  acceptingLogins: boolean;
}

export interface SessionLimits {
  /** New orders and replaces per second per connection (token bucket); beyond it an ERROR frame and a reject, never a disconnect. */
  ordersPerSecond: number;
  orderBurst: number;
  /** A connection that sends this many undecodable frames is closed (TOO_MANY_MALFORMED). */
  maxMalformed: number;
}

/** What the server counts (for tests and the demo). */
export interface ServerStats {
  connections: number;
  logins: number;
  loginFailures: number;
  malformedFrames: number;
  invalidMessages: number;
  rateLimited: number;
  orders: number;
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
  private readonly out = new CorkedSender();
  private readonly book: ExchangeBook;
  private readonly auth: LoginVerifier;
  private readonly limits: SessionLimits;
  private readonly stats: ServerStats;
  private readonly gate: ServerGate;
  private tokens: number;
  private lastRefill = performance.now();
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
    this.tokens = limits.orderBurst;
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
        if (!this.take()) return this.limited(a, id, ExecType.REPLACE_REJECT);
        return this.book.replace(a, id, px, qty);
      }
      case Msg.QUERY: {
        const req = int(m.req);
        const since = int(m.since);
        if (req !== req || since !== since) return this.invalid(0, 'QUERY needs integer req and since');
        for (const r of this.book.reportsSince(a, since)) this.report(r);
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
      if (!a.orders.has(id)) this.book.refuse(a, id, ExecType.REJECT, RejectReason.UNSUPPORTED);
      return;
    }
    // A time in force the protocol does not have is refused, never taken as GTC.
    if (tif < TimeInForce.GTC || tif > TimeInForce.GTD) {
      this.invalid(id, `time in force ${tif} is not one of GTC, IOC, FOK, DAY, GTD`);
      if (!a.orders.has(id)) this.book.refuse(a, id, ExecType.REJECT, RejectReason.UNSUPPORTED);
      return;
    }
    if (!this.take()) return this.limited(a, id, ExecType.REJECT);
    this.stats.orders++;
    if (!this.book.submit(a, id, sym, side, type, tif, flags, px, stop, qty)) {
      // The id is the account's already: a REJECT for it would read as that order's end.
      this.stats.invalidMessages++;
      this.error(ErrorCode.DUPLICATE_ID, id, 'client order id already used by this account');
    }
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

  private take(): boolean {
    const now = performance.now();
    const l = this.limits;
    this.tokens = Math.min(l.orderBurst, this.tokens + ((now - this.lastRefill) / 1_000) * l.ordersPerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private limited(a: Account, id: number, ex: number): void {
    this.stats.rateLimited++;
    this.error(ErrorCode.RATE_LIMITED, id, 'order rate limit');
    // A NEW refused for its rate gets a REJECT only for an id the account has not used: a
    // REJECT carrying a live order's id would read as that order's end. (A refused replace
    // is a REPLACE_REJECT, which ends nothing.)
    if (ex !== ExecType.REJECT || !a.orders.has(id)) this.book.refuse(a, id, ex, RejectReason.RATE_LIMITED);
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

  /** Tell the peer why, then close the connection with the error code; no later frame of it is read. */
  private fatal(code: number, msg: string): void {
    this.closing = true;
    this.error(code, 0, msg);
    this.socket.close(code, msg);
  }

  private send(message: object): void {
    this.out.send(this.codec.encode(message));
  }
}
