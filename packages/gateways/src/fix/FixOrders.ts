import { IdMap } from '@ringroute/core';
import type { FixMessage } from './FixMessage.js';

/** What an order has in flight at the venue. */
export const Pending = { NONE: 0, NEW: 1, CANCEL: 2, REPLACE: 3 } as const;

/** Bytes of a venue OrderID (37) kept per order; a longer one is not kept (cancels then go without it). */
const ORDER_ID_BYTES = 64;

/**
 * The FIX gateway's books: every order it sent and has not seen end, in slots of typed
 * arrays (no object per order), found by client order id through an IdMap.
 *
 * ClOrdID (11): FIX wants a new one per request. A NewOrderSingle goes with the router's
 * client order id ("4398046511105"); the n-th cancel or replace of it with "<id>-<n>", its
 * OrigClOrdID (41) being the ClOrdID of the order's current version (the last accepted
 * replace, or the id itself). Reports name the order by either, so the id before '-'
 * finds the slot with no string made.
 */
export class FixOrders {
  private readonly ids: IdMap;
  readonly handle: Int32Array;
  readonly clientId: Float64Array;
  /** The request number of the order's current ClOrdID (0: the id itself). */
  readonly version: Int32Array;
  /** The last request number used. */
  readonly requests: Int32Array;
  readonly pending: Uint8Array;
  /** The request number of the cancel or replace in flight. */
  readonly pendingRequest: Int32Array;
  readonly symbol: Int32Array;
  readonly quantity: Float64Array;
  /** The order's limit price as the venue last confirmed it (the NEW's, then each REPLACED's). */
  readonly price: Float64Array;
  readonly cum: Float64Array;
  /** The venue's OrderID as a number (numeric ids), or a number this gateway gave it. */
  readonly venueOrderId: Float64Array;
  /** MsgSeqNum of the NEW (for a session Reject naming it). */
  readonly sentSeq: Float64Array;
  /** The venue ended the order while a cancel or replace of it was in flight: closed once that is answered. */
  readonly ended: Uint8Array;
  readonly orderIds: Uint8Array;
  readonly orderIdLength: Uint8Array;
  private readonly free: Int32Array;
  private readonly endedIds: IdMap;
  private readonly endedRing: Float64Array;
  private endedNext = 0;
  private freeCount: number;
  private nextLocalId = 1;
  /** Parsed by `parseClOrdId`: the client order id and the request number (0: none). */
  parsedId = 0;
  parsedRequest = 0;

  constructor(readonly capacity = 65_536) {
    this.ids = new IdMap(capacity);
    this.handle = new Int32Array(capacity);
    this.clientId = new Float64Array(capacity);
    this.version = new Int32Array(capacity);
    this.requests = new Int32Array(capacity);
    this.pending = new Uint8Array(capacity);
    this.pendingRequest = new Int32Array(capacity);
    this.symbol = new Int32Array(capacity);
    this.quantity = new Float64Array(capacity);
    this.price = new Float64Array(capacity);
    this.cum = new Float64Array(capacity);
    this.venueOrderId = new Float64Array(capacity);
    this.sentSeq = new Float64Array(capacity);
    this.ended = new Uint8Array(capacity);
    this.orderIds = new Uint8Array(capacity * ORDER_ID_BYTES);
    this.orderIdLength = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    this.endedIds = new IdMap(1_024);
    this.endedRing = new Float64Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get size(): number {
    return this.capacity - this.freeCount;
  }

  /** Track a new order; its slot, or -1 when every slot is taken or the id is already tracked. */
  open(clientOrderId: number, handle: number, symbolId: number, quantityLots: number, priceTicks = 0): number {
    if (this.freeCount === 0 || this.ids.get(clientOrderId) >= 0) return -1;
    const slot = this.free[--this.freeCount];
    this.ids.set(clientOrderId, slot);
    this.handle[slot] = handle;
    this.clientId[slot] = clientOrderId;
    this.version[slot] = 0;
    this.requests[slot] = 0;
    this.pending[slot] = Pending.NEW;
    this.pendingRequest[slot] = 0;
    this.symbol[slot] = symbolId;
    this.quantity[slot] = quantityLots;
    this.price[slot] = priceTicks;
    this.cum[slot] = 0;
    this.venueOrderId[slot] = 0;
    this.sentSeq[slot] = 0;
    this.orderIdLength[slot] = 0;
    this.ended[slot] = 0;
    return slot;
  }

  slotOf(clientOrderId: number): number {
    return this.ids.get(clientOrderId);
  }

  /**
   * The venue ended the order: stop tracking it, unless a cancel or replace of it is still
   * unanswered (its answer must still reach the router; closed when it comes).
   */
  finish(slot: number): void {
    if (this.pending[slot] === Pending.CANCEL || this.pending[slot] === Pending.REPLACE) this.ended[slot] = 1;
    else this.close(slot);
  }

  /** A cancel or replace of `slot` was answered. */
  answered(slot: number): void {
    this.pending[slot] = Pending.NONE;
    if (this.ended[slot] === 1) this.close(slot);
  }

  /** Stop tracking; the id is remembered as ended (a cancel of it is then too late, not unknown). */
  close(slot: number): void {
    const id = this.clientId[slot];
    if (this.ids.delete(id) < 0) return;
    this.free[this.freeCount++] = slot;
    const forgotten = this.endedRing[this.endedNext];
    if (forgotten > 0) this.endedIds.delete(forgotten);
    this.endedRing[this.endedNext] = id;
    this.endedNext = (this.endedNext + 1) % this.endedRing.length;
    this.endedIds.set(id, 1);
  }

  /** The order with this id ended recently (the last `capacity` ended orders are remembered). */
  endedRecently(clientOrderId: number): boolean {
    return this.endedIds.get(clientOrderId) >= 0;
  }

  /** Every tracked slot (cold path: a disconnect, a status sweep). */
  forEach(fn: (slot: number) => void): void {
    const slots: number[] = [];
    this.ids.forEach((_, slot) => void slots.push(slot));
    for (const slot of slots) fn(slot);
  }

  /**
   * Read a ClOrdID / OrigClOrdID field of `msg` as "<id>" or "<id>-<n>" into `parsedId`
   * and `parsedRequest`. False when absent or another shape (not one of ours).
   */
  parseClOrdId(msg: FixMessage, tag: number): boolean {
    const f = msg.find(tag);
    if (f < 0) return false;
    const b = msg.buf;
    const end = msg.to[f];
    let i = msg.from[f];
    let id = 0;
    const start = i;
    for (; i < end && b[i] !== 45; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9 || i - start >= 16) return false;
      id = id * 10 + d;
    }
    if (i === start || !Number.isSafeInteger(id)) return false;
    let request = 0;
    if (i < end) {
      const suffix = ++i;
      for (; i < end; i++) {
        const d = b[i] - 48;
        if (d < 0 || d > 9 || i - suffix >= 9) return false;
        request = request * 10 + d;
      }
      if (i === suffix || request === 0) return false;
    }
    this.parsedId = id;
    this.parsedRequest = request;
    return true;
  }

  /** Keep the venue's OrderID (37) of `msg` for `slot`, and give the order a numeric venue id. */
  keepOrderId(slot: number, msg: FixMessage, tag: number): void {
    const f = msg.find(tag);
    if (f < 0) return;
    const n = msg.to[f] - msg.from[f];
    if (n === 0) return;
    if (this.orderIdLength[slot] === 0 || this.venueOrderId[slot] === 0) {
      const numeric = msg.int(tag);
      this.venueOrderId[slot] = numeric > 0 ? numeric : this.nextLocalId++;
    }
    if (n > ORDER_ID_BYTES) return;
    const at = slot * ORDER_ID_BYTES;
    for (let i = 0; i < n; i++) this.orderIds[at + i] = msg.buf[msg.from[f] + i];
    this.orderIdLength[slot] = n;
  }

  /** Where the kept OrderID of `slot` lies in `orderIds` (length 0: none kept). */
  orderIdAt(slot: number): number {
    return slot * ORDER_ID_BYTES;
  }
}
