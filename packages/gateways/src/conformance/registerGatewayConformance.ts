import { describe, expect, it } from 'vitest';
import {
  OrderEvent,
  OrderFlags,
  OrderFlyweight,
  OrderState,
  OrderType,
  ORDER_RECORD_BYTES,
  RecordClass,
  RejectReason,
  Side,
  SlabPool,
  TimeInForce,
} from '@ringroute/core';
import type { GatewayAdapter } from '../GatewayAdapter.js';
import { ConsistencyCheck } from './ConsistencyCheck.js';

/** What an adapter author provides to run the conformance suite against a venue. */
export interface ConformanceTarget {
  /** The adapter under test (not yet connected). */
  adapter: GatewayAdapter;
  /** A listed symbol and a price on its tick grid with room for ±10 ticks. */
  symbolId: number;
  priceTicks: number;
  /** Place resting liquidity from another account (the counterparty of the kit's orders). */
  seed(side: number, priceTicks: number, quantityLots: number): Promise<void> | void;
  /** Let reports arrive (poll, await sockets) until the adapter has nothing pending. */
  settle(): Promise<void>;
  /** Lose the connection with orders in flight, then reconnect. Cases that need it are skipped without it. */
  reconnect?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Register the conformance suite for one adapter. Every case gets a fresh target from
 * `factory`, sends real orders from a shared-memory order pool (as the router does), and
 * checks the reports both for their content and for consistency as the router consumes
 * them (see ConsistencyCheck).
 */
let sessions = 0;

export function registerGatewayConformance(name: string, factory: () => Promise<ConformanceTarget>): void {
  describe(`gateway conformance: ${name}`, () => {
    const session = async () => {
      const target = await factory();
      const check = new ConsistencyCheck();
      await target.adapter.connect(check);
      const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1024, recordClass: RecordClass.ORDER });
      const order = new OrderFlyweight(pool);
      let nextId = ++sessions * 1_000_000; // unique client order ids across sessions
      /** Fill a new order in the pool (not sent yet). */
      const prepare = (side: number, priceTicks: number, quantityLots: number, fields: { ordType?: number; tif?: number; flags?: number; symbolId?: number } = {}) => {
        const handle = pool.allocate();
        order.wrap(handle);
        order.clear();
        order.clientOrderId = nextId++;
        order.symbolId = fields.symbolId ?? target.symbolId;
        order.accountId = 1;
        order.side = side;
        order.ordType = fields.ordType ?? OrderType.LIMIT;
        order.tif = fields.tif ?? TimeInForce.GTC;
        order.flags = fields.flags ?? 0;
        order.priceTicks = priceTicks;
        order.quantityLots = quantityLots;
        order.leavesLots = quantityLots;
        return { handle, id: order.clientOrderId };
      };
      /** An order prepared in the pool but never sent to the venue. */
      const unsent = (side: number, priceTicks: number, quantityLots: number) => prepare(side, priceTicks, quantityLots);
      const send = (side: number, priceTicks: number, quantityLots: number, fields: { ordType?: number; tif?: number; flags?: number; symbolId?: number } = {}) => {
        const o = prepare(side, priceTicks, quantityLots, fields);
        check.track(o.id, quantityLots, priceTicks);
        target.adapter.submit(o.handle, order);
        return o;
      };
      const cancel = (o: { handle: number; id: number }) => {
        order.wrap(o.handle);
        check.requested(o.id, OrderEvent.CANCEL_REQUEST);
        target.adapter.cancel(o.handle, order);
      };
      const replace = (o: { handle: number; id: number }, price: number, quantity: number) => {
        order.wrap(o.handle);
        check.requested(o.id, OrderEvent.REPLACE_REQUEST);
        target.adapter.replace(o.handle, order, price, quantity);
      };
      const done = async () => {
        await target.settle();
        expect(check.problems).toEqual([]);
        expect(check.illegal).toBe(0);
        await target.close();
      };
      return { target, check, send, unsent, cancel, replace, done, p: target.priceTicks };
    };

    it('submit: the order is acknowledged and rests', async () => {
      const s = await session();
      const o = s.send(Side.BUY, s.p - 5, 3);
      await s.target.settle();
      expect(s.check.of(o.id).map((r) => r.kind)).toEqual(['ack']);
      expect(s.check.state(o.id)).toBe(OrderState.ACCEPTED);
      await s.done();
    });

    it('partial then full fill, at the resting price', async () => {
      const s = await session();
      const o = s.send(Side.BUY, s.p, 5);
      await s.target.settle();
      await s.target.seed(Side.SELL, s.p, 3);
      await s.target.settle();
      expect(s.check.state(o.id)).toBe(OrderState.PARTIALLY_FILLED);
      await s.target.seed(Side.SELL, s.p, 2);
      await s.target.settle();
      expect(s.check.state(o.id)).toBe(OrderState.FILLED);
      expect(s.check.filled(o.id)).toBe(5);
      expect(s.check.of(o.id).filter((r) => r.kind === 'fill').every((r) => r.price === s.p)).toBe(true);
      await s.done();
    });

    it('cancel: a resting order is canceled with nothing filled', async () => {
      const s = await session();
      const o = s.send(Side.SELL, s.p + 5, 2);
      await s.target.settle();
      s.cancel(o);
      await s.target.settle();
      expect(s.check.state(o.id)).toBe(OrderState.CANCELED);
      expect(s.check.of(o.id).at(-1)).toMatchObject({ kind: 'canceled', cum: 0 });
      await s.done();
    });

    it('cancel of an unknown or already filled order is refused with a reason', async () => {
      const s = await session();
      const o = s.send(Side.BUY, s.p, 1);
      await s.target.settle();
      await s.target.seed(Side.SELL, s.p, 1);
      await s.target.settle();
      expect(s.check.state(o.id)).toBe(OrderState.FILLED);
      s.cancel(o);
      await s.target.settle();
      expect(s.check.of(o.id).at(-1)).toMatchObject({ kind: 'cancelReject', reason: RejectReason.TOO_LATE_TO_CANCEL });
      expect(s.check.state(o.id)).toBe(OrderState.FILLED);
      const never = s.unsent(Side.BUY, s.p, 1); // an order the venue never saw
      s.cancel(never);
      await s.target.settle();
      expect(s.check.of(never.id).at(-1)).toMatchObject({ kind: 'cancelReject', reason: RejectReason.UNKNOWN_ORDER });
      await s.done();
    });

    it('replace: price and quantity change, and the new terms apply', async () => {
      const s = await session();
      const o = s.send(Side.BUY, s.p - 3, 4);
      await s.target.settle();
      s.replace(o, s.p - 2, 6);
      await s.target.settle();
      expect(s.check.of(o.id).at(-1)).toMatchObject({ kind: 'replaced', price: s.p - 2, leaves: 6 });
      expect(s.check.state(o.id)).toBe(OrderState.ACCEPTED);
      await s.target.seed(Side.SELL, s.p - 2, 6);
      await s.target.settle();
      expect(s.check.state(o.id)).toBe(OrderState.FILLED);
      await s.done();
    });

    it('rejects carry reasons: unknown symbol, bad quantity, post-only that would trade', async () => {
      const s = await session();
      const unknown = s.send(Side.BUY, s.p, 1, { symbolId: 60_000 });
      const zero = s.send(Side.BUY, s.p, 0);
      await s.target.seed(Side.SELL, s.p, 1);
      await s.target.settle();
      const post = s.send(Side.BUY, s.p, 1, { flags: OrderFlags.POST_ONLY });
      await s.target.settle();
      expect(s.check.of(unknown.id).at(-1)).toMatchObject({ kind: 'reject', reason: RejectReason.UNKNOWN_SYMBOL });
      expect(s.check.of(zero.id).at(-1)).toMatchObject({ kind: 'reject', reason: RejectReason.INVALID_QUANTITY });
      expect(s.check.of(post.id).at(-1)).toMatchObject({ kind: 'reject', reason: RejectReason.POST_ONLY_WOULD_CROSS });
      for (const o of [unknown, zero, post]) expect(s.check.state(o.id)).toBe(OrderState.REJECTED);
      await s.done();
    });

    it('time in force: IOC cancels its remainder, FOK trades all or nothing', async () => {
      const s = await session();
      await s.target.seed(Side.SELL, s.p, 2);
      await s.target.settle();
      const fok = s.send(Side.BUY, s.p, 5, { tif: TimeInForce.FOK });
      await s.target.settle();
      expect(s.check.state(fok.id)).toBe(OrderState.CANCELED);
      expect(s.check.filled(fok.id)).toBe(0);
      const ioc = s.send(Side.BUY, s.p, 5, { tif: TimeInForce.IOC });
      await s.target.settle();
      expect(s.check.filled(ioc.id)).toBe(2);
      expect(s.check.state(ioc.id)).toBe(OrderState.CANCELED);
      await s.done();
    });

    it('a stream of orders stays consistent: every order ends where the venue says', async () => {
      const s = await session();
      const sent: { handle: number; id: number }[] = [];
      for (let i = 0; i < 40; i++) {
        sent.push(s.send(i % 2 === 0 ? Side.BUY : Side.SELL, s.p + (i % 5) - 2, 1 + (i % 3)));
        if (i % 7 === 6) s.cancel(sent[i - 3]);
      }
      await s.target.settle();
      const open = new Map((await s.target.adapter.openOrders()).map((o) => [o.clientOrderId, o]));
      for (const o of sent) {
        const state = s.check.state(o.id);
        const venue = open.get(o.id);
        if (venue === undefined) {
          expect([OrderState.FILLED, OrderState.CANCELED, OrderState.REJECTED, OrderState.EXPIRED], `order ${o.id}`).toContain(state);
        } else {
          expect([OrderState.ACCEPTED, OrderState.PARTIALLY_FILLED], `order ${o.id}`).toContain(state);
          expect(s.check.filled(o.id)).toBe(venue.cumLots);
        }
      }
      await s.done();
    });

    it('after a lost connection, reconciliation finds every open order and every missed fill', async () => {
      const s = await session();
      if (s.target.reconnect === undefined) {
        await s.target.close();
        return; // the target cannot drop its connection: nothing to check
      }
      await s.target.settle();
      const mark = (await s.target.adapter.executionsSince(0)).reduce((m, e) => Math.max(m, e.sequence), 0);
      const a = s.send(Side.BUY, s.p - 4, 2);
      const b = s.send(Side.BUY, s.p - 5, 3);
      await s.target.seed(Side.SELL, s.p - 4, 1); // a fills 1 lot while the reports are in flight
      await s.target.reconnect(); // ... and the reports are lost
      const open = await s.target.adapter.openOrders();
      expect(open.map((o) => o.clientOrderId).sort()).toEqual([a.id, b.id].sort());
      expect(open.find((o) => o.clientOrderId === a.id)).toMatchObject({ cumLots: 1, leavesLots: 1 });
      expect(open.find((o) => o.clientOrderId === b.id)).toMatchObject({ cumLots: 0, leavesLots: 3 });
      // The missed fill is recoverable from the venue's execution log.
      const missed = (await s.target.adapter.executionsSince(mark)).filter((e) => e.clientOrderId === a.id);
      expect(missed).toEqual([expect.objectContaining({ priceTicks: s.p - 4, lastLots: 1, cumLots: 1, leavesLots: 1 })]);
      await s.target.close();
    });
  });
}
