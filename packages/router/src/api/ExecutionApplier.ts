import {
  ExecType,
  EXEC_CLIENT_ORDER_ID_OFFSET,
  EXEC_CUM_QTY_LOTS_OFFSET,
  EXEC_LAST_PRICE_TICKS_OFFSET,
  EXEC_LEAVES_LOTS_OFFSET,
  EXEC_ORDER_HANDLE_OFFSET,
  EXEC_REJECT_REASON_OFFSET,
  EXEC_TYPE_OFFSET,
  EXEC_VENUE_ORDER_ID_OFFSET,
  EXEC_RECORD_BYTES,
  isTerminalState,
  nanoTime,
  OK,
  OrderEvent,
  OrderFlyweight,
  OrderState,
  RejectReason,
  type OrderStateMachine,
  type SlabPool,
} from '@ringroute/core';
import { EXECUTION_EVENT_RECORD, VENUE_CHECKPOINT_RECORD, VENUE_FOREIGN_RECORD, VENUE_RECONCILED_RECORD, VENUE_STATUS_RECORD } from '../protocol/GatewayCommand.js';
import type { LiveOrders } from './LiveOrders.js';
import type { RouterRecovery } from '../recovery/RouterRecovery.js';
import type { RecordHandler } from '../ring/RecordHandler.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import type { OrderEventHandler } from './OrderEventHandler.js';
import type { RiskEngine } from './RiskEngine.js';
import { JournalRecordType } from '../journal/JournalFormat.js';
import type { JournalLane } from '../journal/JournalLane.js';
import type { OrderReservations } from './OrderReservations.js';
import type { ReplaceEmulation } from './ReplaceEmulation.js';

/** The router's side of event application. */
export interface OrderReleaser {
  /** An order that became terminal, still wrapped by `order`. */
  release(order: OrderFlyweight, handle: number): void;
  /**
   * The venue canceled an order whose emulated replace was pending: send its replacement.
   * True if it went (the old order then ends silently), false to end it as a plain cancel.
   */
  replaceCanceled(order: OrderFlyweight, handle: number, nowNs: number): boolean;
}

/** Counts of everything a router has seen (for reports and the demo). */
export interface RouterStats {
  submitted: number;
  accepted: number;
  filled: number;
  canceled: number;
  rejected: number;
  unknown: number;
  duplicates: number;
  staleEvents: number;
  ackTimeouts: number;
  /** Execution events applied that the journal's full ring could not take (its thread far behind the disk). */
  journalOverruns: number;
}

/**
 * Turns execution events read from the gateways' event rings into order state: the state
 * machine (with the venue's cumulative quantity authoritative), positions and working
 * quantity in the risk engine, breaker health, counters, and the strategy's handler.
 * An order that became terminal goes back through `release`. Allocation-free.
 *
 * Re-entrancy: the handler may call the router back (a re-quote in `onFill` is the common
 * case: submit, cancel, replace, orderOf). The applier therefore owns its flyweight, which
 * no router method re-points, so after the handler returns it still judges and releases
 * the order the event was about. A handler calling `poll` from inside a poll gets 0 (the
 * router refuses to nest, see `Router.poll`).
 */
export class ExecutionApplier implements RecordHandler {
  /** The strategy's handler for the current poll. */
  handler: OrderEventHandler;
  /**
   * The poll's time: the caller's, or the clock read at the first event (undefined until
   * then). Deliberately not a plain double field: V8 would store it unboxed and allocate
   * a fresh heap number each time it is passed on; holding `undefined` at times keeps the
   * field tagged, so the caller's number is passed as is.
   */
  now: number | undefined;
  private readonly order: OrderFlyweight;
  private readonly pool: SlabPool;
  private readonly machine: OrderStateMachine;
  private readonly risk: RiskEngine;
  private readonly reservations: OrderReservations;
  private readonly emulation: ReplaceEmulation;
  private readonly breakers: readonly CircuitBreaker[];
  private readonly stats: RouterStats;
  private readonly owner: OrderReleaser;

  constructor(
    pool: SlabPool,
    machine: OrderStateMachine,
    risk: RiskEngine,
    reservations: OrderReservations,
    emulation: ReplaceEmulation,
    breakers: readonly CircuitBreaker[],
    stats: RouterStats,
    owner: OrderReleaser,
  ) {
    this.handler = {};
    this.now = undefined;
    this.order = new OrderFlyweight(pool);
    this.pool = pool;
    this.machine = machine;
    this.risk = risk;
    this.reservations = reservations;
    this.emulation = emulation;
    this.breakers = breakers;
    this.stats = stats;
    this.owner = owner;
  }

  /** The journal's lane (null: no journal). */
  journal: JournalLane | null = null;
  /**
   * Per venue: 1 while its checkpoints may be journaled. Recovery holds a venue's at 0
   * until its reconciliation ended; an execution the journal could not take (an overrun)
   * stops them all for good, since a checkpoint after it would claim the lost event is in
   * the journal (recovery then replays from the checkpoint before, which is only slower).
   */
  checkpointing: Uint8Array = new Uint8Array(0);
  /** The router's live orders: events about an order the gateway has no handle for (FOREIGN_HANDLE) are found by id. */
  live: LiveOrders | null = null;
  /** The recovery in progress (null: none). */
  recovery: RouterRecovery | null = null;
  /** An execution event could not be journaled (see `checkpointing`). */
  private overrun = false;

  /** RecordHandler: one execution event from a gateway. */
  onRecord(typeId: number, ring: RingBuffer, at: number): void {
    if (typeId !== EXECUTION_EVENT_RECORD) return this.onControl(typeId, ring, at);
    let handle = ring.i32[(at + EXEC_ORDER_HANDLE_OFFSET) >> 2];
    if (handle < 0 && this.live !== null) handle = this.live.handleOf(ring.f64[(at + EXEC_CLIENT_ORDER_ID_OFFSET) >> 3]);
    const o = this.order;
    if (o.wrap(handle) !== OK || o.clientOrderId !== ring.f64[(at + EXEC_CLIENT_ORDER_ID_OFFSET) >> 3]) {
      this.stats.staleEvents++; // a late copy about an order already finished
      return;
    }
    if (this.now === undefined) this.now = nanoTime();
    const now = this.now;
    // The journal records every event the router applies, before it is applied.
    // Staged: the router publishes the poll's records at its end (Router.poll).
    if (this.journal !== null && !this.journal.stage(JournalRecordType.EXECUTION, now, ring.i32, at >> 2, EXEC_RECORD_BYTES >> 2)) {
      this.stats.journalOverruns++;
      this.checkpointing.fill(0);
      this.overrun = true;
    }
    const h = this.handler;
    const reason = ring.u8[at + EXEC_REJECT_REASON_OFFSET] | (ring.u8[at + EXEC_REJECT_REASON_OFFSET + 1] << 8);
    switch (ring.u8[at + EXEC_TYPE_OFFSET]) {
      case ExecType.ACK:
        this.breakers[o.venueId]?.onSuccess();
        if (this.machine.apply(o, OrderEvent.ACK, now) >= 0) {
          o.venueOrderId = ring.f64[(at + EXEC_VENUE_ORDER_ID_OFFSET) >> 3];
          o.ackNs = now;
          this.stats.accepted++;
          // The replacement of an emulated replace: to the strategy, its replace is done.
          if (this.emulation.takeReplacementAck(this.pool.indexOf(handle))) h.onReplaced?.(o);
          else h.onAccepted?.(o);
        }
        break;
      case ExecType.FILL: {
        // The venue's cum is authoritative: a report not above what we have is a duplicate.
        const cum = ring.f64[(at + EXEC_CUM_QTY_LOTS_OFFSET) >> 3];
        const known = o.filledLots;
        if (cum <= known) {
          this.stats.duplicates++;
          break;
        }
        const price = ring.f64[(at + EXEC_LAST_PRICE_TICKS_OFFSET) >> 3];
        if (this.machine.applyFill(o, cum - known, price, now) >= 0) {
          this.filled(o, handle, cum - known);
          if (o.state === OrderState.FILLED) this.stats.filled++;
          h.onFill?.(o, price, cum - known);
        }
        break;
      }
      case ExecType.REJECT:
        o.rejectReason = reason;
        if (reason === RejectReason.VENUE_UNAVAILABLE) this.breakers[o.venueId]?.onFailure(now);
        if (this.machine.apply(o, OrderEvent.REJECT, now) >= 0) {
          this.stats.rejected++;
          this.risk.onReject(now);
          h.onRejected?.(o, reason);
        }
        break;
      case ExecType.CANCELED: {
        const cum = ring.f64[(at + EXEC_CUM_QTY_LOTS_OFFSET) >> 3];
        if (cum > o.filledLots) {
          const missed = cum - o.filledLots;
          if (this.machine.applyFill(o, missed, o.priceTicks, now) >= 0) this.filled(o, handle, missed);
        }
        if (this.emulation.pending(this.pool.indexOf(handle)) && o.state === OrderState.PENDING_REPLACE && this.owner.replaceCanceled(o, handle, now)) {
          this.machine.apply(o, OrderEvent.CANCELED, now); // ends silently: its replacement carries on
          break;
        }
        if (this.machine.apply(o, OrderEvent.CANCELED, now) >= 0) {
          this.stats.canceled++;
          h.onCanceled?.(o, reason);
        }
        break;
      }
      case ExecType.REPLACED: {
        // A replace the router did not ask for (the venue restated the order, or the
        // request was sent just before a crash that took its journal record): the venue's
        // word on its own book stands.
        if (o.state === OrderState.ACCEPTED || o.state === OrderState.PARTIALLY_FILLED) this.machine.apply(o, OrderEvent.REPLACE_REQUEST, now);
        const cum = ring.f64[(at + EXEC_CUM_QTY_LOTS_OFFSET) >> 3];
        const leaves = ring.f64[(at + EXEC_LEAVES_LOTS_OFFSET) >> 3];
        if (this.machine.applyReplaced(o, cum + leaves, ring.f64[(at + EXEC_LAST_PRICE_TICKS_OFFSET) >> 3], now) >= 0) {
          // The reservation becomes the new leaves: a decrease is released only now.
          this.reservations.settle(this.pool.indexOf(handle), o.symbolId, o.side, o.leavesLots | 0);
          h.onReplaced?.(o);
        }
        break;
      }
      case ExecType.EXPIRED:
        if (this.machine.apply(o, OrderEvent.EXPIRE, now) >= 0) h.onExpired?.(o);
        break;
      case ExecType.CANCEL_REJECT:
      case ExecType.REPLACE_REJECT: {
        let event = ring.u8[at + EXEC_TYPE_OFFSET] === ExecType.CANCEL_REJECT ? OrderEvent.CANCEL_REJECT : OrderEvent.REPLACE_REJECT;
        const index = this.pool.indexOf(handle);
        if (this.emulation.pending(index)) {
          // The cancel of an emulated replace was refused: the replace was.
          this.emulation.end(index);
          event = OrderEvent.REPLACE_REJECT;
        }
        if (this.machine.apply(o, event, now) >= 0) {
          // A refused replace gives back the increase it had reserved.
          if (event === OrderEvent.REPLACE_REJECT) this.reservations.settle(this.pool.indexOf(handle), o.symbolId, o.side, o.leavesLots | 0);
          h.onRequestRejected?.(o, reason);
        }
        break;
      }
      case ExecType.UNKNOWN:
        if (this.machine.apply(o, OrderEvent.LOST, now) >= 0) {
          this.stats.unknown++;
          h.onUnknown?.(o);
        }
        break;
    }
    // `o` is this applier's own flyweight: the handler cannot have re-pointed it.
    if (isTerminalState(o.state)) this.owner.release(o, handle);
  }

  /** A gateway's record other than an execution event: venue status, checkpoint, and recovery's. */
  private onControl(typeId: number, ring: RingBuffer, at: number): void {
    const i32 = ring.i32;
    switch (typeId) {
      case VENUE_STATUS_RECORD: {
        const breaker = this.breakers[i32[at >> 2]];
        if (i32[(at >> 2) + 1] === 1) breaker?.release();
        else breaker?.hold(this.now !== undefined ? this.now : (this.now = nanoTime()));
        return;
      }
      case VENUE_CHECKPOINT_RECORD: {
        // After the events before it (same ring, same order into the journal's lane).
        const venue = i32[at >> 2];
        if (this.journal !== null && !this.overrun && this.checkpointing[venue] === 1) {
          this.journal.numbers(JournalRecordType.VENUE_CHECKPOINT, this.now !== undefined ? this.now : (this.now = nanoTime()), venue, ring.f64[(at >> 3) + 1], 0, 2);
        }
        return;
      }
      case VENUE_FOREIGN_RECORD: {
        const f64 = ring.f64;
        const w = at >> 3;
        this.recovery?.onForeign(i32[(at >> 2) + 10], f64[w], f64[w + 1], f64[w + 2], f64[w + 3], i32[(at >> 2) + 8], i32[(at >> 2) + 9]);
        return;
      }
      case VENUE_RECONCILED_RECORD:
        this.recovery?.onReconciled(i32[at >> 2], i32[(at >> 2) + 1] === 1);
        return;
      default:
        return;
    }
  }

  private filled(o: OrderFlyweight, handle: number, lots: number): void {
    // Fills are within an order's quantity, which the risk check kept under 2^31 lots:
    // as an int32 the value crosses calls unboxed.
    const whole = lots | 0;
    this.reservations.fill(this.pool.indexOf(handle), o.symbolId, o.side, whole);
    this.risk.onFill(o.symbolId, o.side, whole);
  }
}
