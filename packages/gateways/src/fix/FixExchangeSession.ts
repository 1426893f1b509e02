import type { Socket } from 'node:net';
import { ExecType, OrderType, RejectReason, Side, TimeInForce } from '@ringroute/core';
import type { Account, Report, ReportSink } from '../ws/ExchangeAccount.js';
import type { ExchangeBook } from '../ws/ExchangeBook.js';
import { TokenBucket } from '../ws/TokenBucket.js';
import type { FixDecimal } from './FixDecimal.js';
import type { FixMessage } from './FixMessage.js';
import { FixOutbound } from './FixOutbound.js';
import { FixSession, SessionState } from './FixSession.js';
import type { FixStore } from './FixStore.js';
import { ExecTypeCode, MsgType, OrdStatusCode, Tag } from './FixTags.js';
import { asciiBytes, type FixWriter } from './FixWriter.js';

/** What the acceptor knows of its symbols: name bytes and grids, by the book's symbol id. */
export interface FixExchangeSymbols {
  ids: Map<string, number>;
  names: Uint8Array[];
  tick: FixDecimal[];
  lot: FixDecimal[];
}

export interface FixExchangeStats {
  logons: number;
  orders: number;
  rejectedMessages: number;
  rateLimited: number;
  garbled: number;
}

/**
 * One client connection to the reference exchange's FIX acceptor: a FixSession (acceptor)
 * in front of the shared ExchangeBook. NewOrderSingle, OrderCancelRequest and
 * OrderCancelReplaceRequest go to the book for the account the client's SenderCompID
 * names; the book's reports come back as ExecutionReports (and OrderCancelRejects), with
 * ClOrdID and OrigClOrdID as the client's requests named them. Reports made while the
 * client was away are sent after its next Logon (as new messages: they were never sent).
 *
 * ClOrdIDs must be numeric ("<id>", or "<id>-<n>" for a cancel or replace): the book keeps
 * ids per account as numbers. Anything else is refused with an ExecutionReport (Rejected,
 * OrdRejReason 99).
 */
export class FixExchangeSession implements ReportSink {
  session: FixSession | null = null;
  /** The client's SenderCompID, once its first message named it. */
  compId = '';
  private account: Account | null = null;
  private readonly out = new FixOutbound(256 * 1024, 4 << 20);
  private readonly bucket: TokenBucket;
  /**
   * Per order (client id): the request number of its current version (only once replaced:
   * none is 0, so a NEW costs no entry) and of its pending cancel or replace.
   */
  private readonly version = new Map<number, number>();
  private readonly pending = new Map<number, number>();
  // The ClOrdID and OrigClOrdID of the message being handled (reused: see clOrdId).
  private readonly id: ClOrdId = { base: -1, request: 0 };
  private readonly orig: ClOrdId = { base: -1, request: 0 };
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly book: ExchangeBook,
    private readonly symbols: FixExchangeSymbols,
    private readonly stats: FixExchangeStats,
    private readonly makeSession: (senderCompId: string, handler: FixExchangeSession) => { session: FixSession; account: Account } | null,
    private readonly sentUpTo: Map<number, number>,
    ordersPerSecond: number,
  ) {
    this.bucket = new TokenBucket(ordersPerSecond, ordersPerSecond);
    this.out.attach(socket);
    socket.setNoDelay(true);
    let pending: Buffer | null = null;
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      if (this.session === null) {
        // Before the Logon: the client's SenderCompID picks the account and the session.
        pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
        const compId = /\x0149=([^\x01]{1,64})\x01/.exec(pending.toString('latin1', 0, Math.min(pending.length, 512)))?.[1];
        if (compId === undefined) {
          if (pending.length > 512) this.close('no SenderCompID in the first 512 bytes');
          return;
        }
        const made = this.makeSession(compId, this);
        if (made === null) return this.close(`SenderCompID ${compId} is not a client, or has a session already`);
        this.session = made.session;
        this.account = made.account;
        this.session.connected(Date.now());
        chunk = pending;
        pending = null;
      }
      const before = this.session.framer.stats.badChecksum + this.session.framer.stats.badLength + this.session.framer.stats.oversized;
      this.out.hold(); // the answers to this read go out in one write at the end
      try {
        this.session.receive(chunk, Date.now());
      } finally {
        this.out.release();
      }
      this.stats.garbled += this.session.framer.stats.badChecksum + this.session.framer.stats.badLength + this.session.framer.stats.oversized - before;
    });
    socket.on('error', () => {});
    socket.on('close', () => this.detach());
  }

  /** Timers (heartbeats, a silent client, logon and logout bounds). */
  tick(nowMs: number): void {
    if (this.session === null || this.closed) return;
    this.session.tick(nowMs);
    this.out.flush();
    if (this.out.congested) this.close('the client does not read what is sent');
  }

  // FixSessionHandler (through FixExchangeServer.makeSession)
  write(buf: Uint8Array, from: number, to: number): void {
    this.out.put(buf, from, to);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.session?.disconnected(reason);
    this.out.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 200).unref();
    this.detach();
  }

  onLogon(): void {
    const a = this.account!;
    if (a.sink !== null && a.sink !== this) a.sink.takenOver?.();
    a.sink = this;
    this.stats.logons++;
    // What the book reported for the account while no session had it.
    const since = this.sentUpTo.get(a.account) ?? a.seq;
    for (const r of this.book.reportsSince(a, since)) this.report(r);
    this.out.flush();
  }

  takenOver(): void {
    this.session?.logout('another session logged on for this account');
  }

  onSessionReject(): void {}

  /** The symbol id of the message's Symbol (55), compared in place with each symbol's bytes; undefined when none matches. */
  private symbolOf(m: FixMessage): number | undefined {
    const names = this.symbols.names;
    for (let i = 0; i < names.length; i++) if (m.equals(Tag.Symbol, names[i])) return i;
    return undefined;
  }

  onApplication(m: FixMessage, possDup: boolean): void {
    const a = this.account!;
    const type = m.msgType;
    if (type !== MsgType.NEW_ORDER_SINGLE && type !== MsgType.ORDER_CANCEL_REQUEST && type !== MsgType.ORDER_CANCEL_REPLACE_REQUEST) {
      this.businessReject(m, 3, 'unsupported message type');
      return;
    }
    if (!this.bucket.take()) {
      this.stats.rateLimited++;
      this.businessReject(m, 0, 'rate limited');
      return;
    }
    const id = clOrdId(m, Tag.ClOrdID, this.id);
    if (id.base < 0) return this.refuseNew(m, 'ClOrdID must be <digits> or <digits>-<digits>');
    if (type === MsgType.NEW_ORDER_SINGLE) {
      if (id.request !== 0) return this.refuseNew(m, 'a new order\'s ClOrdID has no suffix');
      if (possDup && a.ids.used(id.base)) return; // a resend of what the book has: already answered
      const sym = this.symbolOf(m);
      const side = m.char(Tag.Side) === 0x31 ? Side.BUY : m.char(Tag.Side) === 0x32 ? Side.SELL : 0;
      const ordType = ordTypeOf(m.char(Tag.OrdType));
      const tif = tifOf(m.char(Tag.TimeInForce));
      if (sym === undefined) return this.refuseNew(m, 'UNKNOWN_SYMBOL', 1);
      if (side === 0 || ordType === 0 || tif === 0) return this.refuseNew(m, 'UNSUPPORTED', 11);
      const qty = m.units(Tag.OrderQty, this.symbols.lot[sym]);
      const px = ordType === OrderType.LIMIT || ordType === OrderType.STOP_LIMIT ? m.units(Tag.Price, this.symbols.tick[sym]) : 0;
      const stop = ordType === OrderType.STOP || ordType === OrderType.STOP_LIMIT ? m.units(Tag.StopPx, this.symbols.tick[sym]) : 0;
      if (!(qty > 0) || qty > 2 ** 31 - 1) return this.refuseNew(m, 'INVALID_QUANTITY', 13);
      // The exchange's symbols take positive prices only.
      if (Number.isNaN(px) || Number.isNaN(stop) || ((ordType === OrderType.LIMIT || ordType === OrderType.STOP_LIMIT) && px <= 0) || ((ordType === OrderType.STOP || ordType === OrderType.STOP_LIMIT) && stop <= 0)) return this.refuseNew(m, 'INVALID_PRICE', 16);
      this.stats.orders++;
      const flags = m.char(Tag.ExecInst) === 0x36 ? 1 : 0; // '6': post-only
      this.book.submit(a, id.base, sym, side, ordType, tif, flags, px, stop, qty);
      return;
    }
    const orig = clOrdId(m, Tag.OrigClOrdID, this.orig);
    if (orig.base !== id.base || id.request === 0) return this.businessReject(m, 5, 'OrigClOrdID and ClOrdID must name the same order');
    this.pending.set(id.base, id.request);
    if (type === MsgType.ORDER_CANCEL_REQUEST) return this.book.cancel(a, id.base);
    const sym = this.symbolOf(m);
    const qty = sym === undefined ? Number.NaN : m.units(Tag.OrderQty, this.symbols.lot[sym]);
    const px = sym === undefined ? Number.NaN : m.units(Tag.Price, this.symbols.tick[sym]);
    if (!(qty > 0) || qty > 2 ** 31 - 1 || !(px > 0)) return this.book.refuse(a, id.base, ExecType.REPLACE_REJECT, RejectReason.INVALID_PRICE);
    this.book.replace(a, id.base, px, qty);
  }

  /** ReportSink: one of the book's reports for this account, as an ExecutionReport or OrderCancelReject. */
  report(r: Report): void {
    const s = this.session;
    const a = this.account;
    if (s === null || a === null || s.state !== SessionState.ACTIVE) return;
    this.sentUpTo.set(a.account, r.seq);
    const request = this.pending.get(r.id) ?? 0;
    if (r.ex === ExecType.CANCEL_REJECT || r.ex === ExecType.REPLACE_REJECT) {
      this.pending.delete(r.id);
      const w = s.begin(MsgType.ORDER_CANCEL_REJECT);
      if (w === null) return;
      this.ids(w, r.id, request);
      w.int(Tag.OrderID, r.vid).char(Tag.OrdStatus, r.reason === RejectReason.TOO_LATE_TO_CANCEL ? OrdStatusCode.FILLED : OrdStatusCode.REJECTED);
      w.char(Tag.CxlRejResponseTo, r.ex === ExecType.CANCEL_REJECT ? 0x31 : 0x32).int(Tag.CxlRejReason, r.reason === RejectReason.TOO_LATE_TO_CANCEL ? 0 : r.reason === RejectReason.UNKNOWN_ORDER ? 1 : 99);
      reasonText(w, r.reason);
      s.commit();
      return;
    }
    const w = s.begin(MsgType.EXECUTION_REPORT);
    if (w === null) return;
    const answers = r.ex === ExecType.CANCELED || r.ex === ExecType.REPLACED ? request : 0;
    if (answers !== 0) this.pending.delete(r.id);
    const current = this.version.get(r.id) ?? 0;
    if (answers !== 0) this.ids(w, r.id, answers, current);
    else this.ids(w, r.id, current);
    if (r.ex === ExecType.REPLACED) this.version.set(r.id, answers);
    w.int(Tag.OrderID, r.vid).int(Tag.ExecID, r.seq);
    const sym = r.sym;
    const known = this.symbols.names[sym] !== undefined && r.ex !== ExecType.REJECT;
    if (known) w.bytes(Tag.Symbol, this.symbols.names[sym]).char(Tag.Side, r.side === Side.BUY ? 0x31 : 0x32);
    const ended = r.ex === ExecType.CANCELED || r.ex === ExecType.EXPIRED || r.ex === ExecType.REJECT || (r.ex === ExecType.FILL && r.leaves === 0);
    switch (r.ex) {
      case ExecType.ACK:
        w.char(Tag.ExecType, ExecTypeCode.NEW).char(Tag.OrdStatus, OrdStatusCode.NEW);
        break;
      case ExecType.FILL:
        w.char(Tag.ExecType, ExecTypeCode.TRADE).char(Tag.OrdStatus, r.leaves === 0 ? OrdStatusCode.FILLED : OrdStatusCode.PARTIALLY_FILLED);
        if (known) {
          w.decimal(Tag.LastPx, r.px, this.symbols.tick[sym]);
          w.decimal(Tag.LastQty, r.last, this.symbols.lot[sym]);
        }
        break;
      case ExecType.CANCELED:
        w.char(Tag.ExecType, ExecTypeCode.CANCELED).char(Tag.OrdStatus, OrdStatusCode.CANCELED);
        break;
      case ExecType.EXPIRED:
        w.char(Tag.ExecType, ExecTypeCode.EXPIRED).char(Tag.OrdStatus, OrdStatusCode.EXPIRED);
        break;
      case ExecType.REPLACED:
        w.char(Tag.ExecType, ExecTypeCode.REPLACED).char(Tag.OrdStatus, r.cum > 0 ? OrdStatusCode.PARTIALLY_FILLED : OrdStatusCode.NEW);
        if (known) w.decimal(Tag.Price, r.px, this.symbols.tick[sym]);
        break;
      default:
        w.char(Tag.ExecType, ExecTypeCode.REJECTED).char(Tag.OrdStatus, OrdStatusCode.REJECTED).int(Tag.OrdRejReason, ordRejReasonOf(r.reason));
    }
    if (known) {
      w.decimal(Tag.CumQty, r.cum, this.symbols.lot[sym]);
      w.decimal(Tag.LeavesQty, r.leaves, this.symbols.lot[sym]);
      w.decimal(Tag.OrderQty, r.cum + r.leaves, this.symbols.lot[sym]);
    } else w.int(Tag.CumQty, 0).int(Tag.LeavesQty, 0);
    if (r.ex === ExecType.REJECT || r.ex === ExecType.CANCELED) reasonText(w, r.reason);
    s.commit();
    if (ended) {
      this.version.delete(r.id);
      this.pending.delete(r.id);
    }
  }

  top(): void {}

  private ids(w: FixWriter, id: number, request: number, orig = -1): void {
    if (request === 0) w.int(Tag.ClOrdID, id);
    else w.idWithSuffix(Tag.ClOrdID, id, request);
    if (orig < 0) return;
    if (orig === 0) w.int(Tag.OrigClOrdID, id);
    else w.idWithSuffix(Tag.OrigClOrdID, id, orig);
  }

  private refuseNew(m: FixMessage, text: string, ordRejReason = 99): void {
    this.stats.rejectedMessages++;
    const s = this.session!;
    const w = s.begin(MsgType.EXECUTION_REPORT);
    if (w === null) return;
    const f = m.find(Tag.ClOrdID);
    if (f >= 0) w.copy(Tag.ClOrdID, m.buf, m.from[f], m.to[f]);
    w.int(Tag.OrderID, 0).int(Tag.ExecID, 0).char(Tag.ExecType, ExecTypeCode.REJECTED).char(Tag.OrdStatus, OrdStatusCode.REJECTED).int(Tag.OrdRejReason, ordRejReason);
    w.int(Tag.CumQty, 0).int(Tag.LeavesQty, 0).bytes(Tag.Text, asciiBytes(text, 'Text'));
    s.commit();
  }

  private businessReject(m: FixMessage, reason: number, text: string): void {
    this.stats.rejectedMessages++;
    const s = this.session!;
    const w = s.begin(MsgType.BUSINESS_MESSAGE_REJECT);
    if (w === null) return;
    w.int(Tag.RefSeqNum, m.seqNum);
    const t = m.find(Tag.MsgType);
    w.copy(372, m.buf, m.from[t], m.to[t]);
    w.int(Tag.BusinessRejectReason, reason).bytes(Tag.Text, asciiBytes(text, 'Text'));
    s.commit();
  }

  private detach(): void {
    this.closed = true;
    this.session?.disconnected('connection closed');
    if (this.account !== null && this.account.sink === this) this.account.sink = null;
  }
}

/** The book's reason by its RejectReason name in Text (58): FIX 4.4's codes have none for post-only, FOK or self-trade. */
function reasonText(w: FixWriter, reason: number): void {
  const name = reasonNames[reason];
  if (name !== undefined && reason !== RejectReason.NONE) w.bytes(Tag.Text, name);
}
const reasonNames: Uint8Array[] = [];
for (const [name, value] of Object.entries(RejectReason)) reasonNames[value] = asciiBytes(name, 'Text');

/** A ClOrdID read by `clOrdId` (one per field read on a message: no allocation per order). */
interface ClOrdId {
  base: number;
  request: number;
}

/**
 * "<digits>" or "<digits>-<digits>" (no leading zeros; at most 16 and 9 digits): the order's
 * id and the request number (0 for none) into `into`; base -1 for anything else. Read from
 * the bytes, with no string.
 */
function clOrdId(m: FixMessage, tag: number, into: ClOrdId): ClOrdId {
  into.base = -1;
  into.request = 0;
  const f = m.find(tag);
  if (f < 0) return into;
  const b = m.buf;
  const end = m.to[f];
  const start = m.from[f];
  let i = start;
  if (i === end || b[i] === 48) return into; // empty, or a leading zero
  let base = 0;
  for (; i < end && b[i] !== 45; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9 || i - start >= 16) return into;
    base = base * 10 + d;
  }
  if (!Number.isSafeInteger(base)) return into;
  let request = 0;
  if (i < end) {
    const suffix = ++i;
    if (suffix === end || b[suffix] === 48) return into;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9 || i - suffix >= 9) return into;
      request = request * 10 + d;
    }
  }
  into.base = base;
  into.request = request;
  return into;
}

function ordTypeOf(c: number): number {
  return c === 0x31 ? OrderType.MARKET : c === 0x32 ? OrderType.LIMIT : c === 0x33 ? OrderType.STOP : c === 0x34 ? OrderType.STOP_LIMIT : 0;
}

function tifOf(c: number): number {
  if (c === -1 || c === 0x30) return TimeInForce.DAY;
  return c === 0x31 ? TimeInForce.GTC : c === 0x33 ? TimeInForce.IOC : c === 0x34 ? TimeInForce.FOK : c === 0x36 ? TimeInForce.GTD : 0;
}

/** The book's RejectReason as an OrdRejReason (103). */
function ordRejReasonOf(reason: number): number {
  switch (reason) {
    case RejectReason.UNKNOWN_SYMBOL:
      return 1;
    case RejectReason.RISK_LIMIT:
      return 3;
    case RejectReason.DUPLICATE_ORDER_ID:
      return 6;
    case RejectReason.INVALID_QUANTITY:
      return 13;
    case RejectReason.INVALID_PRICE:
      return 16;
    case RejectReason.PRICE_OFF_TICK:
      return 18;
    default:
      return 99;
  }
}
