import { OK, ORDER_RECORD_BYTES, OrderEvent, OrderFlyweight, type OrderStateMachine, type SlabPool } from '@ringroute/core';
import { JournalRecordType } from '../journal/JournalFormat.js';
import type { JournalLane } from '../journal/JournalLane.js';
import { JOURNAL_BEHIND, JOURNAL_FAILED } from './RouterStatus.js';
import { GatewayCommand } from '../protocol/GatewayCommand.js';
import type { RingBuffer } from '../ring/RingBuffer.js';
import type { AckWatch } from './AckWatch.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import type { OrderReleaser, RouterStats } from './ExecutionApplier.js';
import type { LiveOrders } from './LiveOrders.js';
import type { OrderReservations } from './OrderReservations.js';
import type { ReplaceEmulation } from './ReplaceEmulation.js';
import type { RiskEngine } from './RiskEngine.js';
import type { SelfTradeGuard } from './SelfTradeGuard.js';
import type { SlotRecycler } from './SlotRecycler.js';
import { RATE_CANCEL, RATE_ORDER, type VenueRateLimits } from './VenueRateLimits.js';

/** What an OrderDesk works with: one router's state, shared with the Router that owns it. */
export interface OrderDeskParts {
  orders: SlabPool;
  commands: readonly RingBuffer[];
  live: LiveOrders;
  reservations: OrderReservations;
  recycler: SlotRecycler;
  emulation: ReplaceEmulation;
  machine: OrderStateMachine;
  risk: RiskEngine;
  stp: SelfTradeGuard | null;
  breakers: readonly CircuitBreaker[];
  ackWatch: AckWatch | null;
  rates: VenueRateLimits;
  stats: RouterStats;
  strategyId: number;
  /** This router's first client order id (its lane's block: lane x 2^40 + 1). */
  firstClientOrderId: number;
  /** The journal's lane (null: no journal): ids come from its durable blocks, every NEW is recorded. */
  journal: JournalLane | null;
}

/**
 * The router's order desk: what happens to an order once every check has passed, and
 * when it ends. It gives an order its client order id and sends it to its venue's gateway
 * (with the bookkeeping every send needs: live map, working reservation, self-trade
 * guard, breaker, ack watch, venue rate limits), releases an order that ended, and runs
 * both steps of a replace emulated as cancel-then-new for venues without amend (see
 * ReplaceEmulation). Internal to Router; it is the `OrderReleaser` the execution applier
 * calls back. Allocation-free.
 */
export class OrderDesk implements OrderReleaser {
  /** Set by Router.stop: an emulated replace sends no new order any more. */
  stopping = false;
  private readonly p: OrderDeskParts;
  private nextClientOrderId: number;
  /** Where an emulated replace's new order is written (never re-pointed by a handler). */
  private readonly successor: OrderFlyweight;
  /** The pool's words, for copying a stamped order into the journal. */
  private readonly poolWords: Int32Array;

  constructor(parts: OrderDeskParts) {
    this.p = parts;
    this.nextClientOrderId = parts.firstClientOrderId;
    this.successor = new OrderFlyweight(parts.orders);
    this.poolWords = new Int32Array(parts.orders.buffer);
  }

  /** Give a validated, risk-checked order its id and hand it to its venue's gateway. Returns the id or a ring status. */
  dispatch(handle: number, o: OrderFlyweight, venue: number, now: number): number {
    const p = this.p;
    const id = this.sendNew(handle, o, venue, now);
    if (id < 0) {
      p.risk.onDone(p.strategyId, o.symbolId, o.side, o.quantityLots);
      p.orders.free(handle); // never left: nothing to reconcile
      return id;
    }
    p.recycler.sent(handle, venue);
    p.live.add(id, handle, venue);
    p.reservations.open(p.orders.indexOf(handle), o.quantityLots | 0); // int32: see OrderReservations
    p.stp?.add(venue, o.symbolId, o.accountId, o.side, o.ordType, o.priceTicks);
    p.breakers[venue].onSent();
    p.ackWatch?.watch(handle, id, now);
    p.rates.take(venue, o.symbolId, RATE_ORDER);
    p.stats.submitted++;
    return id;
  }

  /** The replacement's client order id after an emulated replace (see ReplaceEmulation.successorOf). */
  replacedId(clientOrderId: number): number {
    return this.p.emulation.successorOf(clientOrderId);
  }

  /** Replace on a venue without amend, step 1: a cancel goes out; the order is PENDING_REPLACE. */
  emulateReplace(o: OrderFlyweight, handle: number, venue: number, ticks: number, lots: number, increase: number, now: number): number {
    const p = this.p;
    const status = p.commands[venue].offerPair(GatewayCommand.CANCEL, handle, 0);
    if (status !== OK) {
      p.risk.release(o.symbolId, o.side, increase);
      return status;
    }
    const index = p.orders.indexOf(handle);
    p.recycler.sent(handle, venue);
    p.reservations.increase(index, increase);
    p.rates.take(venue, o.symbolId, RATE_CANCEL);
    p.emulation.begin(index, ticks, lots);
    p.machine.apply(o, OrderEvent.REPLACE_REQUEST, now);
    return OK;
  }

  /**
   * Replace on a venue without amend, step 2 (from the applier): the venue canceled the
   * old order. Send the new one for the new price and what is left to fill, hand it the old
   * order's share of the counters, and return true; false leaves it a plain cancel.
   */
  replaceCanceled(o: OrderFlyweight, oldHandle: number, now: number): boolean {
    const p = this.p;
    const oldIndex = p.orders.indexOf(oldHandle);
    const price = p.emulation.pendingPrice(oldIndex);
    const remaining = p.emulation.pendingLots(oldIndex) - o.filledLots;
    p.emulation.end(oldIndex);
    if (remaining <= 0 || this.stopping) return false;
    const handle = p.orders.allocate();
    if (handle < 0) return false;
    const venue = p.live.venueOf(oldHandle);
    const n = this.successor;
    n.wrapIndex(p.orders.indexOf(handle));
    n.clear();
    n.symbolId = o.symbolId;
    n.accountId = o.accountId;
    n.side = o.side;
    n.ordType = o.ordType;
    n.tif = o.tif;
    n.flags = o.flags;
    n.stopPriceTicks = o.stopPriceTicks;
    n.priceTicks = price;
    n.quantityLots = remaining;
    const id = this.sendNew(handle, n, venue, now);
    if (id < 0) {
      p.orders.free(handle); // never left: the old order ends as a plain cancel
      return false;
    }
    const index = p.orders.indexOf(handle);
    p.recycler.sent(handle, venue);
    p.live.add(id, handle, venue);
    // The old order's share of the counters passes to the new one: its open-order place
    // (released when the old one is released) and exactly `remaining` working lots.
    p.risk.addOpen(p.strategyId, n.symbolId);
    p.reservations.open(index, p.reservations.close(oldIndex));
    p.reservations.settle(index, n.symbolId, n.side, remaining | 0);
    p.stp?.add(venue, n.symbolId, n.accountId, n.side, n.ordType, n.priceTicks);
    p.breakers[venue].onSent();
    p.ackWatch?.watch(handle, id, now);
    p.emulation.replaced(index, o.clientOrderId, id);
    return true;
  }

  /** An order ended: `o` is wrapped at it (the applier's or LiveOrders' flyweight, never the router's own). */
  release(o: OrderFlyweight, handle: number): void {
    const p = this.p;
    const index = p.orders.indexOf(handle);
    p.emulation.release(index);
    p.risk.onDone(p.strategyId, o.symbolId, o.side, p.reservations.close(index));
    const venue = p.live.remove(o.clientOrderId, handle);
    p.stp?.remove(venue, o.symbolId, o.accountId, o.side, o.ordType);
    p.recycler.free(handle, venue); // once the venue's worker consumed its commands
  }

  /**
   * Stamp the order at `handle` and put it on its venue's command ring, journaled when there
   * is a journal: the journal record is claimed first (a full or failed journal refuses the
   * order before anything happens), filled once the order is stamped, and committed only if
   * the command ring took the order. Returns the id, or a negative status with nothing sent
   * and nothing journaled (the caller frees the slot and undoes its counters).
   */
  private sendNew(handle: number, o: OrderFlyweight, venue: number, now: number): number {
    const p = this.p;
    const j = p.journal;
    if (j !== null && j.failed) return JOURNAL_FAILED;
    // The id first: taking one may journal the next ID_BLOCK (a claim and a commit), which
    // must not happen while this order's record is claimed: the lane's ring publishes
    // every claimed record on a commit, and this one is not filled yet.
    const id = j === null ? this.nextClientOrderId++ : j.takeId();
    if (id < 0) return JOURNAL_BEHIND;
    const at = j === null ? 0 : j.claim(JournalRecordType.ORDER_NEW, ORDER_RECORD_BYTES, now);
    if (at < 0) return at; // the id is not used again (ids need not be dense)
    this.stamp(o, id, venue, now);
    const status = p.commands[venue].offerPair(GatewayCommand.NEW, handle, 0);
    if (status !== OK) {
      if (j !== null) j.abort(at);
      return status;
    }
    if (j !== null) {
      j.copyInto(at, this.poolWords, p.orders.offsetOf(p.orders.indexOf(handle)) >> 2, ORDER_RECORD_BYTES >> 2);
      j.hold(at);
    }
    return id;
  }

  /** Give an order about to be sent its id, venue, strategy, leaves and times, and make it PENDING_NEW. */
  private stamp(o: OrderFlyweight, id: number, venue: number, now: number): void {
    o.clientOrderId = id;
    o.venueId = venue;
    o.strategyId = this.p.strategyId;
    o.leavesLots = o.quantityLots;
    o.createdNs = now;
    o.sentNs = now;
    this.p.machine.apply(o, OrderEvent.SUBMIT, now);
  }
}
