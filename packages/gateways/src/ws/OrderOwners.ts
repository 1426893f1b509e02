import { IdMap } from '@ringroute/core';
import type { Account } from './ExchangeAccount.js';

/**
 * The reference exchange's live orders and who owns them (named apart from the router's
 * LiveOrders, which tracks a strategy's orders): for each order between its NEW
 * and its end, the account, the client's order id, the engine's order id, and the symbol,
 * side and price every report names. One slot an order on typed arrays, found by engine
 * id through an IdMap, and freed when the order ends.
 *
 * Why not a Map of objects: every order that rests kept an object and a Map entry alive,
 * which the collector copied at each scavenge and promoted, and the Maps' backing stores
 * were reallocated as the book grew. On the FIX round trip at 10,000 orders/s, where every
 * order rests, the acceptor's thread spent a fifth of its time per order in the collector
 * (one CPU profile), and Map entries were its largest allocation per order (a sampling
 * heap profile). Here nothing is allocated per order and nothing per order is traced.
 *
 * Slots are bounded: `capacity` live orders at once (the matching engine's capacity and one
 * more, for the order being entered while the engine is full). `add` returns -1 when none
 * is free rather than growing.
 */
export class OrderOwners {
  private readonly byEngineId: IdMap;
  private readonly accounts: (Account | null)[];
  private readonly clientIds: Float64Array;
  private readonly engineIds: Float64Array;
  private readonly prices: Float64Array;
  private readonly symbols: Int32Array;
  private readonly sides: Uint8Array;
  private readonly free: Int32Array;
  private freeCount: number;

  constructor(readonly capacity: number) {
    this.byEngineId = new IdMap(Math.min(capacity, 1 << 16));
    this.accounts = new Array<Account | null>(capacity).fill(null);
    this.clientIds = new Float64Array(capacity);
    this.engineIds = new Float64Array(capacity);
    this.prices = new Float64Array(capacity);
    this.symbols = new Int32Array(capacity);
    this.sides = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  /** Orders live now. */
  get size(): number {
    return this.capacity - this.freeCount;
  }

  /** Take a slot for a new order; -1 when every slot is taken (nothing changes). */
  add(account: Account, clientId: number, engineId: number, sym: number, side: number, px: number): number {
    if (this.freeCount === 0) return -1;
    const slot = this.free[--this.freeCount];
    this.accounts[slot] = account;
    this.clientIds[slot] = clientId;
    this.engineIds[slot] = engineId;
    this.symbols[slot] = sym;
    this.sides[slot] = side;
    this.prices[slot] = px;
    this.byEngineId.set(engineId, slot);
    return slot;
  }

  /** The slot of the live order with this engine id, or -1. */
  slotOf(engineId: number): number {
    return this.byEngineId.get(engineId);
  }

  /** The order in `slot` ended: the slot is free again. */
  remove(slot: number): void {
    this.byEngineId.delete(this.engineIds[slot]);
    this.accounts[slot] = null; // no reference kept to an account that may be gone
    this.free[this.freeCount++] = slot;
  }

  account(slot: number): Account {
    return this.accounts[slot]!;
  }

  clientId(slot: number): number {
    return this.clientIds[slot];
  }

  engineId(slot: number): number {
    return this.engineIds[slot];
  }

  symbol(slot: number): number {
    return this.symbols[slot];
  }

  side(slot: number): number {
    return this.sides[slot];
  }

  price(slot: number): number {
    return this.prices[slot];
  }
}
