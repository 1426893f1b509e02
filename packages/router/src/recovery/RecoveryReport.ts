import type { JournalCut } from '../journal/JournalReader.js';
import type { ReplayCounts } from './JournalReplay.js';

/** What to do with an order a venue holds that the journal never recorded (see docs/journal.md). */
export type ForeignOrderPolicy = 'cancel' | 'adopt';

/** `RouterConfig.recovery`: how a router restarted on a journal settles with its venues. */
export interface RecoveryOptions {
  /**
   * An order of this router's that a venue holds but the journal never recorded (it was
   * sent in the last moments before a crash, and its record was still in memory) is
   * always taken back into the router, so its fills count in the position. Then
   * `'cancel'` (default) cancels it as soon as reconciliation ends; `'adopt'` leaves it
   * working, managed like any other order.
   */
  foreignOrders?: ForeignOrderPolicy;
  /**
   * How long reconciliation may take, from `Router.create` (default 30,000 ms). A venue
   * that has not answered by then has its recovered orders reported UNKNOWN (a later
   * report from the venue still settles them).
   */
  reconcileTimeoutMs?: number;
}

/** One venue's part of a recovery. */
export interface VenueRecovery {
  venue: string;
  /** The venue report sequence replayed from: the journal's last checkpoint for it (0: from the start of what the venue keeps). */
  sinceSequence: number;
  /** Orders the journal held live at this venue, handed back to its gateway. */
  recovered: number;
  /**
   * `'pending'` until the gateway answers; `'settled'`: every recovered order was settled
   * against the venue (its changes delivered as events); `'unsettled'`: the adapter could
   * not say, failed, or the deadline passed: its recovered orders still live were reported
   * UNKNOWN.
   */
  outcome: 'pending' | 'settled' | 'unsettled';
  /** Orders of this router the venue reported and the journal had lost: taken back. */
  adopted: number;
  /** Orders the venue reported that were not this router's to take (another lane's ids, or ones the journal ended). */
  ignored: number;
  /** Cancels and replaces the journal had in flight that the venue never answered: reported as refused (VENUE_UNAVAILABLE). */
  requestsLost: number;
}

/**
 * What a router restarted on a journal replayed and reconciled: `router.recovery` right
 * after `Router.create`, updated as venues answer, and passed to the strategy's
 * `onRecovered` once every venue has (or the deadline passed).
 */
export interface RecoveryReport {
  /** The journal as read: records, segment files, and the torn tail that was cut (null: none). */
  journal: { records: number; segments: number; cut: JournalCut | null };
  /** What the replay rebuilt. */
  replayed: ReplayCounts;
  /** Position per symbol after the replay, in lots (buys positive), symbols with one only. */
  positions: { symbol: string; lots: number }[];
  venues: VenueRecovery[];
  /** True once every venue answered or the deadline passed. */
  complete: boolean;
  /** Orders reported UNKNOWN by reconciliation (an unsettled venue's, or the venue could not say). */
  unknown: number;
  /** Taken-back orders canceled at the end under the 'cancel' policy. */
  foreignCanceled: number;
  /** Milliseconds the replay took, and reconciliation (until `complete`). */
  replayMs: number;
  reconcileMs: number;
}
