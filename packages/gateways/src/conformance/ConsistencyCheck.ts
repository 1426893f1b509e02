import {
  enumName,
  OrderEvent,
  statusName,
  OrderFlyweight,
  OrderStateMachine,
  ORDER_RECORD_BYTES,
  RecordClass,
  SlabPool,
} from '@ringroute/core';
import type { GatewayEvents } from '../GatewayAdapter.js';

/**
 * Replays an adapter's reports per order through core's OrderStateMachine, the way a
 * router consumes them, and records anything inconsistent. Fills are normalised by
 * cumulative quantity: a report whose cum is not above what is already known is a
 * duplicate (ignored), one that jumps ahead carries the missing quantity with it; so
 * duplicate and out-of-order reports must still yield a consistent order.
 *
 * It keeps its own copy of each order (quantity, price) in a private pool: the adapter's
 * reports are checked against what was sent, not against the adapter's own view.
 */
export class ConsistencyCheck implements GatewayEvents {
  readonly problems: string[] = [];
  /** Reports about orders the kit did not send (the target's counterparty orders). */
  foreign = 0;
  readonly reports: { kind: string; id: number; reason: number; cum: number; leaves: number; price: number; last: number }[] = [];
  private readonly pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 4096, recordClass: RecordClass.ORDER });
  private readonly order = new OrderFlyweight(this.pool);
  private readonly machine = new OrderStateMachine();
  private readonly byId = new Map<number, number>(); // client order id -> handle in our pool
  private readonly replacedIds = new Set<number>();

  /** Start tracking an order the kit is about to send (state PENDING_NEW). */
  track(clientOrderId: number, quantityLots: number, priceTicks: number): void {
    const h = this.pool.allocate();
    this.order.wrap(h);
    this.order.clear();
    this.order.clientOrderId = clientOrderId;
    this.order.quantityLots = quantityLots;
    this.order.leavesLots = quantityLots;
    this.order.priceTicks = priceTicks;
    this.machine.apply(this.order, OrderEvent.SUBMIT, 0);
    this.byId.set(clientOrderId, h);
  }

  /**
   * Note that the kit asked to cancel / replace (PENDING_CANCEL / PENDING_REPLACE), when
   * the order's state allows it. A request the state machine would refuse (the order is
   * not acknowledged yet, or already done) is the caller's choice, not a venue fault, so
   * it is not counted; the venue's answer is what gets checked.
   */
  requested(clientOrderId: number, event: number): void {
    if (!this.at(clientOrderId)) return;
    if (OrderStateMachine.next(this.order.state, event, this.order.state) >= 0) this.machine.apply(this.order, event, 0);
  }

  /** State of a tracked order (OrderState), or -1. */
  state(clientOrderId: number): number {
    return this.at(clientOrderId) ? this.order.state : -1;
  }

  filled(clientOrderId: number): number {
    return this.at(clientOrderId) ? this.order.filledLots : -1;
  }

  /** Illegal transitions seen (the state machine's own counter). */
  get illegal(): number {
    return this.machine.illegalCount;
  }

  ack(_h: number, id: number): void {
    this.note('ack', id, 0, 0, 0, 0, 0);
    if (this.at(id)) this.machine.apply(this.order, OrderEvent.ACK, 0);
  }
  fill(_h: number, id: number, _v: number, price: number, last: number, cum: number, leaves: number): void {
    this.note('fill', id, 0, cum, leaves, price, last);
    if (!this.at(id)) {
      this.foreign++;
      return;
    }
    const known = this.order.filledLots;
    if (cum <= known) return; // a duplicate or a late copy: already applied
    const status = this.machine.applyFill(this.order, cum - known, price, 0);
    if (status < 0) this.problem(`order ${id}: fill to cum ${cum} refused (${statusName(status)}, state ${enumName('orderState', this.order.state)})`);
    // Before any replace, the venue's leaves must be quantity - cum.
    if (!this.replacedIds.has(id) && cum + leaves !== this.order.quantityLots) {
      this.problem(`order ${id}: cum ${cum} + leaves ${leaves} != quantity ${this.order.quantityLots}`);
    }
  }
  reject(_h: number, id: number, reason: number): void {
    this.note('reject', id, reason, 0, 0, 0, 0);
    if (this.at(id)) this.machine.apply(this.order, OrderEvent.REJECT, 0);
  }
  canceled(_h: number, id: number, _v: number, cum: number, reason: number): void {
    this.note('canceled', id, reason, cum, 0, 0, 0);
    if (!this.at(id)) return;
    // The venue's cum is authoritative: fills it mentions that have not arrived yet
    // (delayed or reordered) are taken now; their own reports will then be duplicates.
    const known = this.order.filledLots;
    if (cum > known && this.machine.applyFill(this.order, cum - known, this.order.priceTicks, 0) < 0) {
      this.problem(`order ${id}: canceled with cum ${cum} that cannot be filled (quantity ${this.order.quantityLots})`);
    }
    this.machine.apply(this.order, OrderEvent.CANCELED, 0);
  }
  replaced(_h: number, id: number, _v: number, price: number, quantity: number, cum: number, leaves: number): void {
    this.note('replaced', id, 0, cum, leaves, price, 0);
    this.replacedIds.add(id);
    if (this.at(id) && this.machine.applyReplaced(this.order, quantity, price, 0) < 0) this.problem(`order ${id}: replace to ${quantity}@${price} refused`);
  }
  expired(_h: number, id: number): void {
    this.note('expired', id, 0, 0, 0, 0, 0);
    if (this.at(id)) this.machine.apply(this.order, OrderEvent.EXPIRE, 0);
  }
  cancelReject(_h: number, id: number, reason: number): void {
    this.note('cancelReject', id, reason, 0, 0, 0, 0);
    if (this.at(id)) this.machine.apply(this.order, OrderEvent.CANCEL_REJECT, 0);
  }
  replaceReject(_h: number, id: number, reason: number): void {
    this.note('replaceReject', id, reason, 0, 0, 0, 0);
    if (this.at(id)) this.machine.apply(this.order, OrderEvent.REPLACE_REJECT, 0);
  }
  unknown(_h: number, id: number): void {
    this.note('unknown', id, 0, 0, 0, 0, 0);
    if (this.at(id)) this.machine.apply(this.order, OrderEvent.LOST, 0);
  }
  topOfBook(): void {}

  /** Reports for one order, in arrival order. */
  of(clientOrderId: number) {
    return this.reports.filter((r) => r.id === clientOrderId);
  }

  private at(clientOrderId: number): boolean {
    const h = this.byId.get(clientOrderId);
    return h !== undefined && this.order.wrap(h) === 0;
  }

  private note(kind: string, id: number, reason: number, cum: number, leaves: number, price: number, last: number): void {
    this.reports.push({ kind, id, reason, cum, leaves, price, last });
  }

  private problem(message: string): void {
    this.problems.push(message);
  }
}
