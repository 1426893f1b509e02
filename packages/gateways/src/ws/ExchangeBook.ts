import { ExecType, RejectReason } from '@ringroute/core';
import { MatchingEngine, type EngineOrder } from '../sim/MatchingEngine.js';
import type { MatchListener } from '../sim/MatchListener.js';
import { Msg } from './WsProtocol.js';

/** One execution report as sent (and kept in the account's log for replay). */
export interface Report {
  t: 6;
  seq: number;
  id: number;
  vid: number;
  ex: number;
  px: number;
  last: number;
  cum: number;
  leaves: number;
  reason: number;
}

/** Where an account's reports go while it has a session. */
export interface ReportSink {
  report(report: Report): void;
  top(sym: number, bp: number, bq: number, ap: number, aq: number): void;
  /** Another session logged in for this account: this one is ended (optional). */
  takenOver?(): void;
}

/**
 * An account's last reports, oldest overwritten first. Sequence numbers are gap-free per
 * account, so the report with sequence `n` sits at a computed position: no search, and
 * appending never moves anything.
 */
export class ReportLog {
  private readonly ring: (Report | undefined)[];
  private count = 0;
  private last = 0;

  constructor(capacity: number) {
    this.ring = new Array<Report | undefined>(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** Append the report with the next sequence number. */
  push(report: Report): void {
    this.ring[report.seq % this.ring.length] = report;
    this.last = report.seq;
    if (this.count < this.ring.length) this.count++;
  }

  /** Reports with a sequence number above `since` that are still kept, in order. */
  since(since: number): Report[] {
    const out: Report[] = [];
    for (let seq = Math.max(since + 1, this.last - this.count + 1); seq <= this.last; seq++) out.push(this.ring[seq % this.ring.length]!);
    return out;
  }
}

/** One account: its client order ids (idempotent), its report log and its session. */
export class Account {
  readonly account: number;
  /** Client order id -> engine order id, for every order ever accepted for processing. */
  readonly orders = new Map<number, number>();
  readonly log: ReportLog;
  seq = 0;
  sink: ReportSink | null = null;

  constructor(account: number, logCapacity: number) {
    this.account = account;
    this.log = new ReportLog(logCapacity);
  }
}

/**
 * The exchange's matching engine shared by every session, with the bookkeeping a network
 * venue needs on top: client order ids are per account and idempotent (a NEW with an id
 * the account already used is never executed twice, and gets no REPORT: a REJECT for
 * that id could not be told from the end of the order that has it; the session answers
 * with an ERROR frame, DUPLICATE_ID),
 * every report gets the account's next sequence number and is kept in its log so that a
 * client can replay what it missed (`reportsSince`), and `openOrders` answers the truth
 * for reconciliation.
 */
export class ExchangeBook implements MatchListener {
  readonly engine: MatchingEngine;
  private readonly accounts = new Map<number, Account>();
  /** Engine order id -> [account, client order id]. */
  private readonly owners = new Map<number, { account: Account; id: number }>();
  private nextEngineId = 1;
  private readonly logCapacity: number;
  private readonly scratch: EngineOrder;
  /** NEWs refused because their client order id was used before (a client resending). */
  duplicateNews = 0;

  constructor(options: { symbols: number; capacity?: number; logCapacity?: number }) {
    this.engine = new MatchingEngine({ symbols: options.symbols, capacity: options.capacity ?? 65_536 }, this);
    this.logCapacity = options.logCapacity ?? 100_000;
    this.scratch = this.engine.orderScratch;
  }

  account(id: number): Account {
    let a = this.accounts.get(id);
    if (a === undefined) this.accounts.set(id, (a = new Account(id, this.logCapacity)));
    return a;
  }

  /** Every connected account's sink, for market data. */
  *sinks(): Iterable<ReportSink> {
    for (const a of this.accounts.values()) if (a.sink !== null) yield a.sink;
  }

  /** Enter a NEW; false (and nothing else happens, no report) when the account already used `id`. */
  submit(a: Account, id: number, sym: number, side: number, type: number, tif: number, flags: number, px: number, stop: number, qty: number): boolean {
    if (a.orders.has(id)) {
      this.duplicateNews++;
      return false;
    }
    const engineId = this.nextEngineId++;
    a.orders.set(id, engineId);
    this.owners.set(engineId, { account: a, id });
    const o = this.scratch;
    o.clientOrderId = engineId;
    o.account = a.account;
    o.symbolId = sym;
    o.side = side;
    o.ordType = type;
    o.tif = tif;
    o.flags = flags;
    o.priceTicks = px;
    o.stopPriceTicks = stop;
    o.quantityLots = qty;
    this.engine.submit(o);
    return true;
  }

  cancel(a: Account, id: number): void {
    const engineId = a.orders.get(id);
    if (engineId === undefined) this.emit(a, id, 0, ExecType.CANCEL_REJECT, 0, 0, 0, 0, RejectReason.UNKNOWN_ORDER);
    else this.engine.cancel(engineId);
  }

  replace(a: Account, id: number, px: number, qty: number): void {
    const engineId = a.orders.get(id);
    if (engineId === undefined) this.emit(a, id, 0, ExecType.REPLACE_REJECT, 0, 0, 0, 0, RejectReason.UNKNOWN_ORDER);
    else this.engine.replace(engineId, px, qty);
  }

  /** Reports of `a` with a sequence number above `since` (those still in its log). */
  reportsSince(a: Account, since: number): Report[] {
    return a.log.since(since);
  }

  /** Open orders of `a`, flattened: id, vid, px, qty, cum, leaves per order. */
  openOrders(a: Account): number[] {
    const out: number[] = [];
    for (const o of this.engine.liveOrders()) {
      const owner = this.owners.get(o.clientOrderId);
      if (owner?.account !== a) continue;
      out.push(owner.id, o.venueOrderId, o.priceTicks, o.cumLots + o.leavesLots, o.cumLots, o.leavesLots);
    }
    return out;
  }

  /** A report for an order that never reached the engine (invalid, rate limited). */
  refuse(a: Account, id: number, ex: number, reason: number): void {
    this.emit(a, id, 0, ex, 0, 0, 0, 0, reason);
  }

  private emit(a: Account, id: number, vid: number, ex: number, px: number, last: number, cum: number, leaves: number, reason: number): void {
    const report: Report = { t: Msg.REPORT, seq: ++a.seq, id, vid, ex, px, last, cum, leaves, reason };
    a.log.push(report);
    a.sink?.report(report);
  }

  private owned(engineId: number, ex: number, vid: number, px: number, last: number, cum: number, leaves: number, reason: number): void {
    const owner = this.owners.get(engineId);
    if (owner !== undefined) this.emit(owner.account, owner.id, vid, ex, px, last, cum, leaves, reason);
  }

  // MatchListener: the engine's outcomes, reported to the owning account.
  onAck(engineId: number, vid: number, leaves: number): void {
    this.owned(engineId, ExecType.ACK, vid, 0, 0, 0, leaves, 0);
  }
  onFill(engineId: number, vid: number, px: number, last: number, cum: number, leaves: number): void {
    this.owned(engineId, ExecType.FILL, vid, px, last, cum, leaves, 0);
  }
  onReject(engineId: number, reason: number): void {
    this.owned(engineId, ExecType.REJECT, 0, 0, 0, 0, 0, reason);
  }
  onCanceled(engineId: number, vid: number, cum: number, reason: number): void {
    this.owned(engineId, ExecType.CANCELED, vid, 0, 0, cum, 0, reason);
  }
  onReplaced(engineId: number, vid: number, px: number, qty: number, cum: number, leaves: number): void {
    this.owned(engineId, ExecType.REPLACED, vid, px, qty, cum, leaves, 0);
  }
  onCancelReject(engineId: number, reason: number): void {
    this.owned(engineId, ExecType.CANCEL_REJECT, 0, 0, 0, 0, 0, reason);
  }
  onReplaceReject(engineId: number, reason: number): void {
    this.owned(engineId, ExecType.REPLACE_REJECT, 0, 0, 0, 0, 0, reason);
  }
  onTrade(): void {}
  onTopOfBook(sym: number, bp: number, bq: number, ap: number, aq: number): void {
    for (const sink of this.sinks()) sink.top(sym, bp, bq, ap, aq);
  }
}
