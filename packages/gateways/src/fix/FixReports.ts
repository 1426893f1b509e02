import { RejectReason } from '@ringroute/core';
import type { GatewayEvents } from '../GatewayAdapter.js';
import type { FixDecimal } from './FixDecimal.js';
import type { FixMessage } from './FixMessage.js';
import { FixOrders, Pending } from './FixOrders.js';
import { ExecTypeCode, MsgType, OrdStatusCode, Tag } from './FixTags.js';

/** Grids of a symbol id: [tick, lot] (null: not an instrument of the router's). */
export type GridsOf = (symbolId: number) => { tick: FixDecimal; lot: FixDecimal; allowNegativePrices?: boolean } | null;

/** Lots an order may have (what the router's risk counters hold). */
const MAX_LOTS = 2 ** 31 - 1;

/** Fills kept for `executionsSince`. */
const FILL_LOG = 16_384;

/** What a request that went out as a given MsgSeqNum was, for a Reject (3) that names only the number. */
const SEQ_SLOTS = 16_384;

/**
 * Turns the venue's application messages into gateway events: ExecutionReport (8) by
 * ExecType, OrderCancelReject (9), BusinessMessageReject (j), and session Rejects (3) of
 * our requests. Prices and quantities are read straight to ticks and lots through the
 * instrument's grids. A report the books do not know is counted and dropped; one whose
 * numbers cannot be read makes the order UNKNOWN (a fill that cannot be read must not be
 * guessed); a fill at or below the cum already reported is a duplicate (a resend) and is
 * dropped.
 */
export class FixReports {
  readonly stats = { reports: 0, unknownOrders: 0, duplicates: 0, unreadable: 0, busts: 0, rejectsOfRequests: 0 };
  /** Fills received, for `executionsSince`: [MsgSeqNum, client id, venue id, px, last, cum, leaves] per fill, oldest overwritten. */
  private readonly fills = new Float64Array(FILL_LOG * 7);
  private fillCount = 0;
  private readonly refSeq = new Float64Array(SEQ_SLOTS);
  private readonly refClient = new Float64Array(SEQ_SLOTS);
  private readonly refKind = new Uint8Array(SEQ_SLOTS);
  private readonly refRequest = new Int32Array(SEQ_SLOTS);

  constructor(private readonly orders: FixOrders, private readonly grids: GridsOf) {}

  /** Fills received with a MsgSeqNum above `since`, oldest first (the last FILL_LOG kept). */
  fillsSince(since: number): { sequence: number; clientOrderId: number; venueOrderId: number; priceTicks: number; lastLots: number; cumLots: number; leavesLots: number }[] {
    const out = [];
    const first = Math.max(0, this.fillCount - FILL_LOG);
    for (let i = first; i < this.fillCount; i++) {
      const f = (i % FILL_LOG) * 7;
      const l = this.fills;
      if (l[f] > since) out.push({ sequence: l[f], clientOrderId: l[f + 1], venueOrderId: l[f + 2], priceTicks: l[f + 3], lastLots: l[f + 4], cumLots: l[f + 5], leavesLots: l[f + 6] });
    }
    return out;
  }

  /** A request went out as `seq` (kind: Pending.NEW / CANCEL / REPLACE). */
  sent(seq: number, slot: number, kind: number, request: number): void {
    const i = seq % SEQ_SLOTS;
    this.refSeq[i] = seq;
    this.refClient[i] = this.orders.clientId[slot];
    this.refKind[i] = kind;
    this.refRequest[i] = request;
  }

  /** An application message from the venue. */
  onMessage(m: FixMessage, events: GatewayEvents): void {
    this.stats.reports++;
    const type = m.msgType;
    if (type === MsgType.EXECUTION_REPORT) this.executionReport(m, events);
    else if (type === MsgType.ORDER_CANCEL_REJECT) this.cancelReject(m, events);
    else if (type === MsgType.BUSINESS_MESSAGE_REJECT) this.refused(m.int(Tag.RefSeqNum), events, RejectReason.UNSUPPORTED);
  }

  /** The venue refused our message `refSeq` at session level. */
  onSessionReject(refSeq: number, events: GatewayEvents): void {
    this.refused(refSeq, events, RejectReason.UNSUPPORTED);
  }

  /**
   * During a recovery: an order the venue reports that the books do not hold (its journal
   * record died with the process). Returns the slot it is now tracked in, or -1.
   */
  onForeign: ((m: FixMessage, clientOrderId: number, events: GatewayEvents) => number) | null = null;

  private executionReport(m: FixMessage, events: GatewayEvents): void {
    const o = this.orders;
    if (!o.parseClOrdId(m, Tag.ClOrdID)) return void this.stats.unknownOrders++;
    let slot = o.slotOf(o.parsedId);
    if (slot < 0 && this.onForeign !== null && o.parsedRequest === 0) {
      slot = this.onForeign(m, o.parsedId, events);
      o.parseClOrdId(m, Tag.ClOrdID);
    }
    if (slot < 0) return void this.stats.unknownOrders++;
    const request = o.parsedRequest;
    const handle = o.handle[slot];
    const id = o.clientId[slot];
    o.keepOrderId(slot, m, Tag.OrderID);
    const vid = o.venueOrderId[slot];
    const grids = this.grids(o.symbol[slot]);
    if (grids === null) return this.unreadable(slot, events);
    const execType = m.char(Tag.ExecType);
    switch (execType) {
      case ExecTypeCode.NEW:
        if (o.pending[slot] === Pending.NEW) o.pending[slot] = Pending.NONE;
        return events.ack(handle, id, vid);
      case ExecTypeCode.PENDING_NEW:
      case ExecTypeCode.PENDING_CANCEL:
      case ExecTypeCode.PENDING_REPLACE:
        return;
      case ExecTypeCode.TRADE:
      case ExecTypeCode.PARTIAL_FILL_42:
      case ExecTypeCode.FILL_42: {
        const last = m.units(Tag.LastQty, grids.lot);
        const px = m.units(Tag.LastPx, grids.tick);
        const cum = m.units(Tag.CumQty, grids.lot);
        const leaves = m.units(Tag.LeavesQty, grids.lot);
        // Numbers the order cannot have: never applied (a position built on them would be wrong).
        if (!(last > 0) || Number.isNaN(px) || (px <= 0 && grids.allowNegativePrices !== true) || !(cum >= last) || !(leaves >= 0) || cum + leaves > o.quantity[slot]) return this.unreadable(slot, events);
        if (cum <= o.cum[slot]) return void this.stats.duplicates++;
        if (o.pending[slot] === Pending.NEW) o.pending[slot] = Pending.NONE;
        o.cum[slot] = cum;
        const f = (this.fillCount++ % FILL_LOG) * 7;
        const log = this.fills;
        log[f] = m.seqNum;
        log[f + 1] = id;
        log[f + 2] = vid;
        log[f + 3] = px;
        log[f + 4] = last;
        log[f + 5] = cum;
        log[f + 6] = leaves;
        events.fill(handle, id, vid, px, last, cum, leaves);
        if (leaves === 0 && m.char(Tag.OrdStatus) === OrdStatusCode.FILLED) o.finish(slot);
        return;
      }
      case ExecTypeCode.CANCELED:
      case ExecTypeCode.EXPIRED:
      case ExecTypeCode.DONE_FOR_DAY: {
        const cum = m.units(Tag.CumQty, grids.lot);
        if (!(cum >= 0)) return this.unreadable(slot, events);
        const ours = o.pending[slot] === Pending.CANCEL && request === o.pendingRequest[slot];
        if (execType === ExecTypeCode.CANCELED) events.canceled(handle, id, vid, cum, ours ? RejectReason.NONE : (namedReason(m) ?? RejectReason.NONE));
        else events.expired(handle, id, vid, cum);
        if (ours) o.answered(slot);
        o.finish(slot);
        return;
      }
      case ExecTypeCode.REPLACED: {
        const qty = m.units(Tag.OrderQty, grids.lot);
        const px = m.has(Tag.Price) ? m.units(Tag.Price, grids.tick) : 0;
        const cum = m.units(Tag.CumQty, grids.lot);
        const leaves = m.units(Tag.LeavesQty, grids.lot);
        if (!(qty > 0) || qty > MAX_LOTS || Number.isNaN(px) || (m.has(Tag.Price) && px <= 0 && grids.allowNegativePrices !== true) || !(cum >= 0) || !(leaves >= 0) || cum + leaves > qty) return this.unreadable(slot, events);
        if (request > 0) o.version[slot] = request;
        o.price[slot] = px;
        if (o.pending[slot] === Pending.REPLACE && request === o.pendingRequest[slot]) o.answered(slot);
        o.quantity[slot] = qty;
        events.replaced(handle, id, vid, px, qty, cum, leaves);
        return;
      }
      case ExecTypeCode.REJECTED:
        if (request === 0 || o.pending[slot] === Pending.NEW) {
          events.reject(handle, id, namedReason(m) ?? ordRejReason(m.int(Tag.OrdRejReason)));
          o.close(slot);
        }
        return;
      case ExecTypeCode.TRADE_CANCEL:
      case ExecTypeCode.TRADE_CORRECT:
        // A busted or corrected trade changes the position behind the router's back.
        this.stats.busts++;
        return events.unknown(handle, id);
      default:
        return; // ORDER_STATUS and RESTATED carry nothing the events above have not said
    }
  }

  private cancelReject(m: FixMessage, events: GatewayEvents): void {
    const o = this.orders;
    if (!o.parseClOrdId(m, Tag.ClOrdID)) return void this.stats.unknownOrders++;
    const slot = o.slotOf(o.parsedId);
    if (slot < 0) return void this.stats.unknownOrders++;
    const replace = m.char(Tag.CxlRejResponseTo) === 0x32; // '2': to a replace
    const reason = namedReason(m) ?? cxlRejReason(m.int(Tag.CxlRejReason), m.char(Tag.OrdStatus));
    if (replace) events.replaceReject(o.handle[slot], o.clientId[slot], reason);
    else events.cancelReject(o.handle[slot], o.clientId[slot], reason);
    if (o.pendingRequest[slot] === o.parsedRequest) o.answered(slot);
  }

  /** A request refused by a Reject (3) or BusinessMessageReject (j) naming its MsgSeqNum. */
  private refused(refSeq: number, events: GatewayEvents, reason: number): void {
    const i = refSeq % SEQ_SLOTS;
    if (!(refSeq > 0) || this.refSeq[i] !== refSeq) return void this.stats.unknownOrders++;
    const o = this.orders;
    const slot = o.slotOf(this.refClient[i]);
    if (slot < 0) return void this.stats.unknownOrders++;
    this.stats.rejectsOfRequests++;
    const kind = this.refKind[i];
    if (kind === Pending.NEW) {
      if (o.pending[slot] !== Pending.NEW) return; // acknowledged since: the reject is stale
      events.reject(o.handle[slot], o.clientId[slot], reason);
      o.close(slot);
      return;
    }
    if (kind === Pending.CANCEL) events.cancelReject(o.handle[slot], o.clientId[slot], reason);
    else events.replaceReject(o.handle[slot], o.clientId[slot], reason);
    if (o.pendingRequest[slot] === this.refRequest[i]) o.answered(slot);
  }

  private unreadable(slot: number, events: GatewayEvents): void {
    this.stats.unreadable++;
    events.unknown(this.orders.handle[slot], this.orders.clientId[slot]);
  }
}

/**
 * A RejectReason named in Text (58) by its name ("POST_ONLY_WOULD_CROSS"), as the
 * reference exchange sends it: FIX 4.4's codes have no post-only, FOK or self-trade
 * reason. Undefined when Text is absent or names none (then the FIX codes decide). Reads a
 * string: rejects only, never a fill.
 */
export function namedReason(m: FixMessage): number | undefined {
  const text = m.text(Tag.Text);
  if (text === undefined || !/^[A-Z_]{4,32}$/.test(text)) return undefined;
  const reason = (RejectReason as Record<string, number>)[text];
  return reason === undefined || reason === RejectReason.NONE ? undefined : reason;
}

/** OrdRejReason (103) to the router's RejectReason. */
export function ordRejReason(code: number): number {
  switch (code) {
    case 1:
      return RejectReason.UNKNOWN_SYMBOL;
    case 2: // exchange closed
    case 4: // too late to enter
    case 8: // stale order
      return RejectReason.VENUE_UNAVAILABLE;
    case 0: // broker / exchange option
    case 3: // order exceeds limit
    case 15: // unknown account
      return RejectReason.RISK_LIMIT;
    case 5:
      return RejectReason.UNKNOWN_ORDER;
    case 6:
    case 7:
      return RejectReason.DUPLICATE_ORDER_ID;
    case 13:
      return RejectReason.INVALID_QUANTITY;
    case 16:
      return RejectReason.INVALID_PRICE;
    case 18:
      return RejectReason.PRICE_OFF_TICK;
    default:
      return RejectReason.UNSUPPORTED;
  }
}

/** CxlRejReason (102) to the router's RejectReason; an order the venue shows done is too late. */
export function cxlRejReason(code: number, ordStatus: number): number {
  if (code === 0 || ordStatus === OrdStatusCode.FILLED || ordStatus === OrdStatusCode.CANCELED || ordStatus === OrdStatusCode.EXPIRED) return RejectReason.TOO_LATE_TO_CANCEL;
  if (code === 1) return RejectReason.UNKNOWN_ORDER;
  if (code === 2) return RejectReason.RISK_LIMIT;
  if (code === 6) return RejectReason.DUPLICATE_ORDER_ID;
  return RejectReason.UNSUPPORTED;
}
