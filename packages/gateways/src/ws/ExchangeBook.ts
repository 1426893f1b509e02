import { ExecType, RejectReason, TimeInForce } from '@ringroute/core';
import { MatchingEngine, type EngineOrder } from '../sim/MatchingEngine.js';
import type { MatchListener } from '../sim/MatchListener.js';
import { Account, type Report, type ReportSink } from './ExchangeAccount.js';
import { OrderOwners } from './OrderOwners.js';
import { Msg } from './WsProtocol.js';

export { Account, ClientIds, ReportLog, type Report, type ReportSink } from './ExchangeAccount.js';
export { OrderOwners } from './OrderOwners.js';

export interface ExchangeBookOptions {
  symbols: number;
  /** Orders resting at once in the whole exchange (default 65,536). */
  capacity?: number;
  /** Reports kept per account for replay (default 100,000). */
  logCapacity?: number;
  /**
   * Orders one account may have live at once (default: `capacity`). Set it to
   * `capacity / accounts` or less and no account can take the whole book: a NEW beyond it
   * is rejected (RISK_LIMIT) and every other account keeps trading.
   */
  maxOpenPerAccount?: number;
  /** Ended orders whose client order ids stay refused as duplicates, per account (default 100,000). */
  idempotencyWindow?: number;
}

/** What `submit` did. */
export const SubmitOutcome = {
  /** Entered: the engine's reports follow. */
  ENTERED: 0,
  /** The account already has (or recently had) an order with this id: nothing happened, no report. */
  DUPLICATE: 1,
  /** The account has `maxOpenPerAccount` live orders: a REJECT (RISK_LIMIT) was reported. */
  OPEN_LIMIT: 2,
} as const;

/**
 * The exchange's matching engine shared by every session, with the bookkeeping a network
 * venue needs on top: client order ids are per account and idempotent (a NEW with an id
 * the account has live or ended recently is never executed twice, and gets no REPORT: a
 * REJECT for that id could not be told from the end of the order that has it; the session
 * answers with an ERROR frame, DUPLICATE_ID), every report gets the account's next
 * sequence number and is kept in its log so that a client can replay what it missed
 * (`reportsSince`), and `openOrders` answers the truth for reconciliation.
 *
 * Nothing per order is kept after the order ends except its id in the account's bounded
 * idempotency window, and no account can hold more than `maxOpenPerAccount` live orders:
 * memory is bounded by the options, not by how long the exchange runs.
 */
export class ExchangeBook implements MatchListener {
  readonly engine: MatchingEngine;
  private readonly accounts = new Map<number, Account>();
  /** Live orders: owner, client id, engine id, symbol, side and price, a slot each. */
  private readonly owners: OrderOwners;
  /** Engine order ids of live DAY orders (expired by `endTradingDay`). */
  private readonly dayOrders = new Set<number>();
  private expiring = false;
  private nextEngineId = 1;
  private readonly logCapacity: number;
  private readonly idWindow: number;
  readonly maxOpenPerAccount: number;
  private readonly scratch: EngineOrder;
  private readonly liveScratch = { venueOrderId: 0, priceTicks: 0, cumLots: 0, leavesLots: 0 };
  private readonly reportScratch: Report = { t: Msg.REPORT, seq: 0, id: 0, vid: 0, ex: 0, px: 0, last: 0, cum: 0, leaves: 0, reason: 0, sym: 0, side: 0 };
  /** NEWs refused because their client order id was used before (a client resending). */
  duplicateNews = 0;

  constructor(options: ExchangeBookOptions) {
    const capacity = options.capacity ?? 65_536;
    this.engine = new MatchingEngine({ symbols: options.symbols, capacity }, this);
    this.owners = new OrderOwners(capacity + 1); // + the order being entered while the engine is full (it rejects it)
    this.logCapacity = options.logCapacity ?? 100_000;
    this.idWindow = options.idempotencyWindow ?? 100_000;
    this.maxOpenPerAccount = Math.max(1, Math.min(capacity, options.maxOpenPerAccount ?? capacity));
    this.scratch = this.engine.orderScratch;
  }

  account(id: number): Account {
    let a = this.accounts.get(id);
    if (a === undefined) this.accounts.set(id, (a = new Account(id, this.logCapacity, this.idWindow)));
    return a;
  }

  /** Every connected account's sink, for market data. */
  *sinks(): Iterable<ReportSink> {
    for (const a of this.accounts.values()) if (a.sink !== null) yield a.sink;
  }

  /** Orders live in the exchange (all accounts). */
  get liveOrders(): number {
    return this.owners.size;
  }

  /** Enter a NEW (see SubmitOutcome). */
  submit(a: Account, id: number, sym: number, side: number, type: number, tif: number, flags: number, px: number, stop: number, qty: number): number {
    if (!Number.isSafeInteger(id) || id < 0) {
      // The sessions accept only such ids; a caller that skips them cannot make the id
      // maps keep a NaN (their empty mark) or a fraction: refused, reported.
      this.refuse(a, id, ExecType.REJECT, RejectReason.UNSUPPORTED);
      return SubmitOutcome.ENTERED;
    }
    if (a.ids.used(id)) {
      this.duplicateNews++;
      return SubmitOutcome.DUPLICATE;
    }
    if (a.openCount >= this.maxOpenPerAccount) {
      this.refuse(a, id, ExecType.REJECT, RejectReason.RISK_LIMIT);
      return SubmitOutcome.OPEN_LIMIT;
    }
    const engineId = this.nextEngineId++;
    const slot = this.owners.add(a, id, engineId, sym, side, px === px ? px : 0);
    if (slot < 0) {
      // Not reachable as the book sizes it (an order the engine rejects frees its slot before
      // its report goes out, so a re-entrant submit finds one): kept so that a miscount
      // refuses an order, as the engine does when full, instead of overwriting a live one.
      this.refuse(a, id, ExecType.REJECT, RejectReason.VENUE_UNAVAILABLE);
      return SubmitOutcome.ENTERED;
    }
    a.ids.enter(id, slot);
    if (tif === TimeInForce.DAY) this.dayOrders.add(engineId);
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
    return SubmitOutcome.ENTERED;
  }

  cancel(a: Account, id: number): void {
    const slot = a.ids.liveSlot(id);
    if (slot >= 0) return this.engine.cancel(this.owners.engineId(slot));
    this.emit(a, id, 0, ExecType.CANCEL_REJECT, 0, 0, 0, 0, a.ids.endedRecently(id) ? RejectReason.TOO_LATE_TO_CANCEL : RejectReason.UNKNOWN_ORDER, 0, 0);
  }

  replace(a: Account, id: number, px: number, qty: number): void {
    const slot = a.ids.liveSlot(id);
    if (slot >= 0) return this.engine.replace(this.owners.engineId(slot), px, qty);
    this.emit(a, id, 0, ExecType.REPLACE_REJECT, 0, 0, 0, 0, a.ids.endedRecently(id) ? RejectReason.TOO_LATE_TO_CANCEL : RejectReason.UNKNOWN_ORDER, 0, 0);
  }

  /**
   * The trading day ends: every live DAY order is removed with an EXPIRED report (as a
   * venue's session close does). Returns how many expired.
   */
  endTradingDay(): number {
    const ids = [...this.dayOrders];
    this.expiring = true;
    try {
      for (const engineId of ids) this.engine.cancel(engineId);
    } finally {
      this.expiring = false;
    }
    return ids.length;
  }

  /** Reports of `a` with a sequence number above `since` still in its log, at most `max`, oldest first. */
  reportsSince(a: Account, since: number, max?: number): Report[] {
    return a.log.since(since, max);
  }

  /**
   * Open orders of `a`, flattened: id, vid, px, qty, cum, leaves per order, in the order
   * they were entered. Costs the account's own live orders (at most maxOpenPerAccount),
   * never a scan of the whole book: a QUERY is cheap whoever else has orders.
   */
  openOrders(a: Account): number[] {
    // Engine ids rise with entry: sorted (a typed array's own numeric sort, no comparator
    // called per pair: a client with 65,536 live orders may ask), they give entry order.
    const engineIds = new Float64Array(a.ids.liveCount);
    let n = 0;
    a.ids.forEachLive((_id, slot) => void (engineIds[n++] = this.owners.engineId(slot)));
    engineIds.sort();
    const out: number[] = [];
    const o = this.liveScratch;
    for (let i = 0; i < n; i++) {
      const engineId = engineIds[i];
      if (this.engine.liveOrder(engineId, o)) out.push(this.owners.clientId(this.owners.slotOf(engineId)), o.venueOrderId, o.priceTicks, o.cumLots + o.leavesLots, o.cumLots, o.leavesLots);
    }
    return out;
  }

  /** A report for an order that never reached the engine (invalid, rate limited). */
  refuse(a: Account, id: number, ex: number, reason: number): void {
    this.emit(a, id, 0, ex, 0, 0, 0, 0, reason, 0, 0);
  }

  private emit(a: Account, id: number, vid: number, ex: number, px: number, last: number, cum: number, leaves: number, reason: number, sym: number, side: number): void {
    // One reused object: the log copies its fields, the session encodes it at once.
    const report = this.reportScratch;
    report.seq = ++a.seq;
    report.id = id;
    report.vid = vid;
    report.ex = ex;
    report.px = px;
    report.last = last;
    report.cum = cum;
    report.leaves = leaves;
    report.reason = reason;
    report.sym = sym;
    report.side = side;
    a.log.push(report);
    a.sink?.report(report);
  }

  private owned(engineId: number, ex: number, vid: number, px: number, last: number, cum: number, leaves: number, reason: number, ends: boolean): void {
    const owners = this.owners;
    const slot = owners.slotOf(engineId);
    if (slot < 0) return;
    const account = owners.account(slot);
    const id = owners.clientId(slot);
    const sym = owners.symbol(slot);
    const side = owners.side(slot);
    if (ex === ExecType.ACK) px = owners.price(slot);
    if (ends) {
      // The order's end: nothing of it is kept but its id in the idempotency window.
      owners.remove(slot);
      if (this.dayOrders.size > 0) this.dayOrders.delete(engineId);
      account.ids.end(id);
    }
    // Every report names the order's symbol and side, and an ACK its price (as a FIX
    // ExecutionReport does): a client that lost its own record of an order (a crash
    // between sending it and journaling it) learns what the order is from its reports.
    this.emit(account, id, vid, ex, px, last, cum, leaves, reason, sym, side);
  }

  // MatchListener: the engine's outcomes, reported to the owning account.
  onAck(engineId: number, vid: number, leaves: number): void {
    this.owned(engineId, ExecType.ACK, vid, 0, 0, 0, leaves, 0, false);
  }
  onFill(engineId: number, vid: number, px: number, last: number, cum: number, leaves: number): void {
    this.owned(engineId, ExecType.FILL, vid, px, last, cum, leaves, 0, leaves === 0);
  }
  onReject(engineId: number, reason: number): void {
    this.owned(engineId, ExecType.REJECT, 0, 0, 0, 0, 0, reason, true);
  }
  onCanceled(engineId: number, vid: number, cum: number, reason: number): void {
    this.owned(engineId, this.expiring ? ExecType.EXPIRED : ExecType.CANCELED, vid, 0, 0, cum, 0, reason, true);
  }
  onReplaced(engineId: number, vid: number, px: number, qty: number, cum: number, leaves: number): void {
    this.owned(engineId, ExecType.REPLACED, vid, px, qty, cum, leaves, 0, false);
  }
  onCancelReject(engineId: number, reason: number): void {
    this.owned(engineId, ExecType.CANCEL_REJECT, 0, 0, 0, 0, 0, reason, false);
  }
  onReplaceReject(engineId: number, reason: number): void {
    this.owned(engineId, ExecType.REPLACE_REJECT, 0, 0, 0, 0, 0, reason, false);
  }
  onTrade(): void {}
  onTopOfBook(sym: number, bp: number, bq: number, ap: number, aq: number): void {
    for (const sink of this.sinks()) sink.top(sym, bp, bq, ap, aq);
  }
}
