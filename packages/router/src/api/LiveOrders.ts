import { IdMap, isTerminalState, nanoTime, OrderEvent, OrderState, type OrderFlyweight, type OrderStateMachine, type SlabPool } from '@ringroute/core';
import type { RouterStats } from './ExecutionApplier.js';
import type { OrderEventHandler } from './OrderEventHandler.js';

/**
 * The orders one router has sent and not yet seen end: client order id → handle, the
 * venue of each slot, and the UNKNOWNs a gateway failure left to report. Lookups and
 * updates are O(1) and allocation-free; the scans (cancel-all, stop, a failed venue) walk
 * the slots and belong to cold paths.
 */
export class LiveOrders {
  /** Venue of each order slot this router uses, -1 when the slot is not one of its live orders. */
  readonly venueOfSlot: Int32Array;
  private readonly byId = new IdMap(1024);
  private readonly pool: SlabPool;
  private readonly order: OrderFlyweight;
  private readonly machine: OrderStateMachine;
  private readonly stats: RouterStats;
  /** Orders whose gateway failed: onUnknown is delivered on the next poll. */
  private readonly unknownQueue: number[] = [];

  constructor(pool: SlabPool, order: OrderFlyweight, machine: OrderStateMachine, stats: RouterStats) {
    this.pool = pool;
    this.order = order;
    this.machine = machine;
    this.stats = stats;
    this.venueOfSlot = new Int32Array(pool.capacity).fill(-1);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Client order ids of every live order, ascending (UNKNOWN ones included). Cold path: allocates. */
  ids(): number[] {
    const out: number[] = [];
    this.byId.forEach((id) => out.push(id));
    return out.sort((a, b) => a - b);
  }

  /** Handle of a live order, or -1. */
  handleOf(clientOrderId: number): number {
    return this.byId.get(clientOrderId);
  }

  venueOf(handle: number): number {
    return this.venueOfSlot[this.pool.indexOf(handle)];
  }

  add(clientOrderId: number, handle: number, venue: number): void {
    this.byId.set(clientOrderId, handle);
    this.venueOfSlot[this.pool.indexOf(handle)] = venue;
  }

  /** Forget an order that ended; returns the venue it was on. */
  remove(clientOrderId: number, handle: number): number {
    this.byId.delete(clientOrderId);
    const index = this.pool.indexOf(handle);
    const venue = this.venueOfSlot[index];
    this.venueOfSlot[index] = -1;
    return venue;
  }

  /** Client order ids of live orders matching every filter given (-1 / undefined: any), UNKNOWN ones left out. */
  matching(venue: number, symbolId: number, account: number | undefined): number[] {
    const o = this.order;
    const ids: number[] = [];
    const slots = this.venueOfSlot;
    for (let index = 0; index < slots.length; index++) {
      if (slots[index] < 0 || (venue >= 0 && slots[index] !== venue)) continue;
      o.wrapIndex(index);
      if (o.state === OrderState.UNKNOWN) continue; // its fate is for reconciliation, not a sweep
      if (symbolId >= 0 && o.symbolId !== symbolId) continue;
      if (account !== undefined && o.accountId !== account) continue;
      ids.push(o.clientOrderId);
    }
    return ids;
  }

  /** Live orders that are not already UNKNOWN (those wait for reconciliation, not for a venue). */
  working(): number {
    let n = 0;
    const o = this.order;
    const slots = this.venueOfSlot;
    for (let index = 0; index < slots.length; index++) {
      if (slots[index] >= 0 && o.wrapIndex(index).state !== OrderState.UNKNOWN) n++;
    }
    return n;
  }

  /** A venue's gateway failed: every order on it that had not ended is now UNKNOWN (queued for the next poll). */
  loseVenue(venue: number): void {
    const o = this.order;
    const slots = this.venueOfSlot;
    for (let index = 0; index < slots.length; index++) {
      if (slots[index] !== venue) continue;
      o.wrapIndex(index);
      if (!isTerminalState(o.state) && this.machine.apply(o, OrderEvent.LOST, nanoTime()) >= 0) {
        this.stats.unknown++;
        this.unknownQueue.push(this.byId.get(o.clientOrderId));
      }
    }
  }

  /** One order's fate is unknown (recovery could not settle it): queued for the next poll's onUnknown. Returns whether it changed. */
  loseOrder(handle: number): boolean {
    const o = this.order;
    if (o.wrap(handle) !== 0 || isTerminalState(o.state) || o.state === OrderState.UNKNOWN) return false;
    if (this.machine.apply(o, OrderEvent.LOST, nanoTime()) < 0) return false;
    this.stats.unknown++;
    this.unknownQueue.push(handle);
    return true;
  }

  /** Stop: every order still working has an unknown fate; each gets onUnknown now. */
  loseAll(handler: OrderEventHandler): void {
    const o = this.order;
    const slots = this.venueOfSlot;
    for (let index = 0; index < slots.length; index++) {
      if (slots[index] < 0) continue;
      o.wrapIndex(index);
      if (!isTerminalState(o.state) && o.state !== OrderState.UNKNOWN && this.machine.apply(o, OrderEvent.LOST, nanoTime()) >= 0) {
        this.stats.unknown++;
        handler.onUnknown?.(o);
      }
    }
  }

  get hasQueuedUnknown(): boolean {
    return this.unknownQueue.length > 0;
  }

  /** Deliver the UNKNOWNs queued by a gateway failure. Returns how many were delivered. */
  flushUnknown(handler: OrderEventHandler): number {
    let delivered = 0;
    const o = this.order;
    while (this.unknownQueue.length > 0) {
      const handle = this.unknownQueue.shift()!;
      if (o.wrap(handle) === 0 && o.state === OrderState.UNKNOWN) {
        handler.onUnknown?.(o);
        delivered++;
      }
    }
    return delivered;
  }
}
