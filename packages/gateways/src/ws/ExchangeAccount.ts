import { IdMap } from '@ringroute/core';

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
  /** The order's symbol id and side (0 and 0 in a report about an order the exchange never entered). */
  sym: number;
  side: number;
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
 * appending never moves anything. Kept as numbers in one typed array (80 bytes a report,
 * outside the JavaScript heap, nothing for the garbage collector to trace), not as
 * objects: an exchange with many accounts keeps millions of them.
 */
export class ReportLog {
  private readonly fields: Float64Array;
  private readonly capacity: number;
  private count = 0;
  private last = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.fields = new Float64Array(this.capacity * 10);
  }

  get size(): number {
    return this.count;
  }

  /** Append the report with the next sequence number (its fields are copied). */
  push(report: Report): void {
    const f = this.fields;
    const at = (report.seq % this.capacity) * 10;
    f[at] = report.id;
    f[at + 1] = report.vid;
    f[at + 2] = report.ex;
    f[at + 3] = report.px;
    f[at + 4] = report.last;
    f[at + 5] = report.cum;
    f[at + 6] = report.leaves;
    f[at + 7] = report.reason;
    f[at + 8] = report.sym;
    f[at + 9] = report.side;
    this.last = report.seq;
    if (this.count < this.capacity) this.count++;
  }

  /**
   * Reports with a sequence number above `since` that are still kept, in order, at most
   * `max` of them (the oldest first: a replay is paged, the client asks again from the
   * last one it got). New objects, one per report returned.
   */
  since(since: number, max = Number.MAX_SAFE_INTEGER): Report[] {
    const out: Report[] = [];
    const f = this.fields;
    const first = Math.max(since + 1, this.last - this.count + 1);
    const last = Math.min(this.last, first + max - 1);
    for (let seq = first; seq <= last; seq++) {
      const at = (seq % this.capacity) * 10;
      out.push({ t: 6, seq, id: f[at], vid: f[at + 1], ex: f[at + 2], px: f[at + 3], last: f[at + 4], cum: f[at + 5], leaves: f[at + 6], reason: f[at + 7], sym: f[at + 8], side: f[at + 9] });
    }
    return out;
  }
}

/**
 * The client order ids of one account the exchange still answers for: every live order
 * (id -> the book's slot for it, see OrderOwners) and the last `window` ended ones. A NEW
 * reusing any of them is a duplicate; an id that ended longer ago than the window may be
 * used again (real venues scope idempotency the same way, to a trading session or a time
 * window: remembering every id for ever would grow without bound). Both sets are on typed
 * arrays (IdMap): an exchange with many accounts keeps millions of ids, and an entry per
 * order must not be an object for the collector to trace. The client picks the ids, so
 * both maps mix them with a seed (`keysFromPeers`): ids picked to share a slot do not.
 */
export class ClientIds {
  /** Client order id -> the book's slot, for orders entered and not yet ended (at most the account's open-order limit). */
  private readonly live = new IdMap(64, { keysFromPeers: true }); // the ids are the client's choice
  private readonly ended: IdMap;
  private readonly endedRing: Float64Array;
  private endedNext = 0;

  constructor(window: number) {
    this.endedRing = new Float64Array(Math.max(1, window)).fill(NaN);
    this.ended = new IdMap(Math.min(1_024, Math.max(1, window)), { keysFromPeers: true });
  }

  /** The id is an order's (live or recently ended). */
  used(id: number): boolean {
    return this.live.has(id) || this.ended.has(id);
  }

  /** The id's order ended recently (it is remembered, no longer live). */
  endedRecently(id: number): boolean {
    return this.ended.has(id);
  }

  /** The order with `id` was entered, its book slot `slot` (>= 0). */
  enter(id: number, slot: number): void {
    this.live.set(id, slot);
  }

  /** The book's slot of the live order with `id`, or -1. */
  liveSlot(id: number): number {
    return this.live.get(id);
  }

  /** Orders entered and not yet ended. */
  get liveCount(): number {
    return this.live.size;
  }

  /** Every live order's id and slot (cold path: in no particular order). */
  forEachLive(fn: (id: number, slot: number) => void): void {
    this.live.forEach(fn);
  }

  /** The order with `id` ended: it leaves the live set and joins the window, whose oldest id is forgotten. */
  end(id: number): void {
    if (this.live.delete(id) < 0) return;
    const ring = this.endedRing;
    const forgotten = ring[this.endedNext];
    if (forgotten === forgotten) this.ended.delete(forgotten);
    ring[this.endedNext] = id;
    this.endedNext = this.endedNext + 1 === ring.length ? 0 : this.endedNext + 1;
    this.ended.set(id, 1);
  }

  /** The longest probe in either id map (`IdMap.longestProbe`), for tests and stats. */
  longestProbe(): number {
    return Math.max(this.live.longestProbe(), this.ended.longestProbe());
  }

  /** Ids remembered (live + ended), for tests and stats. */
  get size(): number {
    return this.live.size + this.ended.size;
  }
}

/** One account: its client order ids, its report log and its session. */
export class Account {
  readonly account: number;
  readonly ids: ClientIds;
  readonly log: ReportLog;
  seq = 0;
  sink: ReportSink | null = null;

  constructor(account: number, logCapacity: number, idWindow: number) {
    this.account = account;
    this.log = new ReportLog(logCapacity);
    this.ids = new ClientIds(idWindow);
  }

  /** Orders of the account entered and not yet ended. */
  get openCount(): number {
    return this.ids.liveCount;
  }
}
