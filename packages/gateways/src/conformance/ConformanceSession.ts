import { expect } from 'vitest';
import { enumName, OrderEvent, OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, SlabPool, TimeInForce } from '@ringroute/core';
import type { GatewayAdapter, GatewayCapabilities } from '../GatewayAdapter.js';
import { ConsistencyCheck } from './ConsistencyCheck.js';

/** What an adapter author provides to run the conformance suite against a venue. */
export interface ConformanceTarget {
  /** The adapter under test (not yet connected). */
  adapter: GatewayAdapter;
  /** A listed symbol and a price on its tick grid with room for ±10 ticks. */
  symbolId: number;
  priceTicks: number;
  /**
   * How the venue treats a limit order that nothing trades against: 'rests' (default: it
   * waits in a book until the kit seeds liquidity, as an exchange does) or 'fills' (the
   * venue fills it on its own, as a dealer or an internaliser does).
   */
  behaviour?: 'rests' | 'fills';
  /** Place resting liquidity from another account (the counterparty of the kit's orders). Cases that need it are skipped without it. */
  seed?(side: number, priceTicks: number, quantityLots: number): Promise<void> | void;
  /** Let reports arrive (poll, await sockets) until the adapter has nothing pending. */
  settle(): Promise<void>;
  /** Lose the connection with orders in flight, then reconnect. Cases that need it are skipped without it. */
  reconnect?(): Promise<void>;
  close(): Promise<void>;
}

export interface OrderRef {
  handle: number;
  id: number;
}

export interface OrderFields {
  ordType?: number;
  tif?: number;
  flags?: number;
  symbolId?: number;
}

let sessions = 0;

/**
 * One conformance case's connection to the venue: orders from a shared-memory pool (as
 * the router sends them), every report checked by a ConsistencyCheck, and assertions that
 * name states, reasons and reports in their failures.
 */
export class ConformanceSession {
  readonly check = new ConsistencyCheck();
  readonly p: number;
  readonly caps: GatewayCapabilities;
  private readonly pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1024, recordClass: RecordClass.ORDER });
  private readonly order = new OrderFlyweight(this.pool);
  private nextId = ++sessions * 1_000_000; // unique client order ids across sessions

  private constructor(readonly target: ConformanceTarget) {
    this.p = target.priceTicks;
    this.caps = target.adapter.capabilities;
  }

  static async open(factory: () => Promise<ConformanceTarget>): Promise<ConformanceSession> {
    const session = new ConformanceSession(await factory());
    await session.target.adapter.connect(session.check);
    return session;
  }

  get rests(): boolean {
    return (this.target.behaviour ?? 'rests') === 'rests';
  }

  supportsType(type: number): boolean {
    return ((this.caps.orderTypes >>> type) & 1) === 1;
  }

  supportsTif(tif: number): boolean {
    return ((this.caps.timeInForce >>> tif) & 1) === 1;
  }

  /** An order prepared in the pool but never sent to the venue. */
  unsent(side: number, priceTicks: number, quantityLots: number, fields: OrderFields = {}): OrderRef {
    const handle = this.pool.allocate();
    const o = this.order;
    o.wrap(handle);
    o.clear();
    o.clientOrderId = this.nextId++;
    o.symbolId = fields.symbolId ?? this.target.symbolId;
    o.accountId = 1;
    o.side = side;
    o.ordType = fields.ordType ?? OrderType.LIMIT;
    o.tif = fields.tif ?? TimeInForce.GTC;
    o.flags = fields.flags ?? 0;
    o.priceTicks = priceTicks;
    o.quantityLots = quantityLots;
    o.leavesLots = quantityLots;
    return { handle, id: o.clientOrderId };
  }

  send(side: number, priceTicks: number, quantityLots: number, fields: OrderFields = {}): OrderRef {
    const ref = this.unsent(side, priceTicks, quantityLots, fields);
    this.check.track(ref.id, quantityLots, priceTicks);
    this.target.adapter.submit(ref.handle, this.order);
    return ref;
  }

  cancel(ref: OrderRef): void {
    this.order.wrap(ref.handle);
    this.check.requested(ref.id, OrderEvent.CANCEL_REQUEST);
    this.target.adapter.cancel(ref.handle, this.order);
  }

  replace(ref: OrderRef, price: number, quantity: number): void {
    this.order.wrap(ref.handle);
    this.check.requested(ref.id, OrderEvent.REPLACE_REQUEST);
    this.target.adapter.replace(ref.handle, this.order, price, quantity);
  }

  async seed(side: number, priceTicks: number, quantityLots: number): Promise<void> {
    await this.target.seed!(side, priceTicks, quantityLots);
  }

  settle(): Promise<void> {
    return this.target.settle();
  }

  /** The reports of one order, for failure messages: `ack, fill 3/5 @10000, canceled (cum 3)`. */
  story(ref: OrderRef): string {
    const lines = this.check.of(ref.id).map((r) => {
      if (r.kind === 'fill') return `fill cum ${r.cum} leaves ${r.leaves} @${r.price}`;
      if (r.kind === 'reject' || r.kind === 'cancelReject' || r.kind === 'replaceReject') return `${r.kind} ${enumName('rejectReason', r.reason)}`;
      if (r.kind === 'canceled') return `canceled (cum ${r.cum})`;
      if (r.kind === 'replaced') return `replaced leaves ${r.leaves} @${r.price}`;
      return r.kind;
    });
    return lines.length === 0 ? 'no report' : lines.join(', ');
  }

  expectState(ref: OrderRef, ...allowed: number[]): void {
    const state = enumName('orderState', this.check.state(ref.id));
    expect(allowed.map((s) => enumName('orderState', s)), `order ${ref.id} is ${state} after: ${this.story(ref)}`).toContain(state);
  }

  /** The order's last report is `kind` (and, given, with `reason`). */
  expectLast(ref: OrderRef, kind: string, reason?: number): void {
    const last = this.check.of(ref.id).at(-1);
    const seen = last === undefined ? 'no report' : reason === undefined ? last.kind : `${last.kind} ${enumName('rejectReason', last.reason)}`;
    const want = reason === undefined ? kind : `${kind} ${enumName('rejectReason', reason)}`;
    expect(seen, `order ${ref.id}: ${this.story(ref)}`).toBe(want);
  }

  /** The order was refused (a reject with any reason): for features the venue does not declare. */
  expectRefused(ref: OrderRef, what: string): void {
    const last = this.check.of(ref.id).at(-1);
    expect(last?.kind, `${what} is not declared by the venue, so it must be refused with a reason; order ${ref.id} got: ${this.story(ref)}`).toBe('reject');
  }

  /** Every report consistent; close the target. */
  async done(): Promise<void> {
    await this.target.settle();
    expect(this.check.problems, 'inconsistent reports').toEqual([]);
    expect(this.check.illegal, 'reports the order state machine refuses').toBe(0);
    await this.target.close();
  }
}
