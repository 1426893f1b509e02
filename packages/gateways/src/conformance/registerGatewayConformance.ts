import { describe, expect, it, type TestContext } from 'vitest';
import { OrderFlags, OrderState, OrderType, RejectReason, Side, TimeInForce } from '@ringroute/core';
import { checkVenueDeclaration } from '@ringroute/router/worker';
import { ConformanceSession, type ConformanceTarget, type OrderRef } from './ConformanceSession.js';

const TERMINAL = [OrderState.FILLED, OrderState.CANCELED, OrderState.REJECTED, OrderState.EXPIRED];

/**
 * Register the conformance suite for one adapter. Every case gets a fresh target from
 * `factory`, sends real orders from a shared-memory order pool (as the router does), and
 * checks the reports both for their content and for consistency as the router consumes
 * them (see ConsistencyCheck).
 *
 * The suite checks what the venue declares: a feature it declares (IOC, FOK, post-only,
 * amend, an order type) must work; one it does not must be refused with a reason, never
 * taken as something else. It fits venues whose orders rest until liquidity arrives
 * (`behaviour: 'rests'`, the default) and venues that fill on their own ('fills'). A case
 * that cannot apply (no `seed`, no `reconnect`, a venue that never rests) is reported as
 * skipped, with the reason, never as passed. Failures name states, reasons and the
 * order's reports.
 */
export function registerGatewayConformance(name: string, factory: () => Promise<ConformanceTarget>): void {
  /** Open a session, or close it and skip the case (with `why`) when `applies` says no. */
  const open = async (ctx: TestContext, applies?: (s: ConformanceSession) => string | null): Promise<ConformanceSession> => {
    const s = await ConformanceSession.open(factory);
    const why = applies?.(s) ?? null;
    if (why !== null) {
      await s.target.close();
      ctx.skip(why);
    }
    return s;
  };
  const resting = (s: ConformanceSession) => (s.rests ? null : "the venue fills orders on its own (behaviour: 'fills'): no order rests");
  const seeded = (s: ConformanceSession) => resting(s) ?? (s.target.seed === undefined ? 'the target supplies no seed() for counterparty liquidity' : null);

  describe(`gateway conformance: ${name}`, () => {
    it('declares capabilities and rate limits the router can enforce', async (ctx) => {
      const s = await open(ctx);
      const a = s.target.adapter;
      expect(() => checkVenueDeclaration({ ...a.capabilities, rateLimits: a.rateLimits })).not.toThrow();
      expect(s.supportsType(OrderType.LIMIT), 'every venue takes limit orders').toBe(true);
      expect(s.supportsTif(TimeInForce.GTC) || s.supportsTif(TimeInForce.IOC), 'a venue takes GTC or IOC').toBe(true);
      await s.done();
    });

    it('submit: the order is acknowledged, then rests (or, on a venue that fills on its own, fills at its price or better)', async (ctx) => {
      const s = await open(ctx);
      const o = s.send(Side.BUY, s.p - 5, 3);
      await s.settle();
      expect(s.check.of(o.id)[0]?.kind, `order ${o.id}: ${s.story(o)}`).toBe('ack');
      if (s.rests) {
        s.expectState(o, OrderState.ACCEPTED);
      } else {
        s.expectState(o, OrderState.FILLED, OrderState.PARTIALLY_FILLED);
        for (const r of s.check.of(o.id).filter((r) => r.kind === 'fill')) expect(r.price, `a buy at ${s.p - 5} filled at ${r.price}`).toBeLessThanOrEqual(s.p - 5);
      }
      await s.done();
    });

    it('partial then full fill, at the resting price', async (ctx) => {
      const s = await open(ctx, seeded);
      const o = s.send(Side.BUY, s.p, 5);
      await s.settle();
      await s.seed(Side.SELL, s.p, 3);
      await s.settle();
      s.expectState(o, OrderState.PARTIALLY_FILLED);
      await s.seed(Side.SELL, s.p, 2);
      await s.settle();
      s.expectState(o, OrderState.FILLED);
      expect(s.check.filled(o.id)).toBe(5);
      expect(s.check.of(o.id).filter((r) => r.kind === 'fill').every((r) => r.price === s.p), s.story(o)).toBe(true);
      await s.done();
    });

    it('cancel: a resting order is canceled with nothing filled', async (ctx) => {
      const s = await open(ctx, resting);
      const o = s.send(Side.SELL, s.p + 5, 2);
      await s.settle();
      s.cancel(o);
      await s.settle();
      s.expectState(o, OrderState.CANCELED);
      expect(s.check.of(o.id).at(-1), s.story(o)).toMatchObject({ kind: 'canceled', cum: 0 });
      await s.done();
    });

    it('cancel of an unknown or already filled order is refused with a reason', async (ctx) => {
      const s = await open(ctx, (t) => (t.rests ? seeded(t) : null));
      const o = s.send(Side.BUY, s.p, 1);
      await s.settle();
      if (s.rests) await s.seed(Side.SELL, s.p, 1);
      await s.settle();
      s.expectState(o, OrderState.FILLED);
      s.cancel(o);
      await s.settle();
      s.expectLast(o, 'cancelReject', RejectReason.TOO_LATE_TO_CANCEL);
      s.expectState(o, OrderState.FILLED);
      const never = s.unsent(Side.BUY, s.p, 1); // an order the venue never saw
      s.cancel(never);
      await s.settle();
      s.expectLast(never, 'cancelReject', RejectReason.UNKNOWN_ORDER);
      await s.done();
    });

    it('replace: price and quantity change and the new terms apply (amend declared), or it is refused (not declared)', async (ctx) => {
      const s = await open(ctx, resting);
      const o = s.send(Side.BUY, s.p - 3, 4);
      await s.settle();
      s.replace(o, s.p - 2, 6);
      await s.settle();
      if (!s.caps.amend) {
        s.expectLast(o, 'replaceReject');
        s.expectState(o, OrderState.ACCEPTED);
        await s.done();
        return;
      }
      expect(s.check.of(o.id).at(-1), s.story(o)).toMatchObject({ kind: 'replaced', price: s.p - 2, leaves: 6 });
      s.expectState(o, OrderState.ACCEPTED);
      if (s.target.seed !== undefined) {
        await s.seed(Side.SELL, s.p - 2, 6);
        await s.settle();
        s.expectState(o, OrderState.FILLED);
      }
      await s.done();
    });

    it('rejects carry reasons: unknown symbol, bad quantity', async (ctx) => {
      const s = await open(ctx);
      const unknown = s.send(Side.BUY, s.p, 1, { symbolId: 60_000 });
      const zero = s.send(Side.BUY, s.p, 0);
      await s.settle();
      s.expectLast(unknown, 'reject', RejectReason.UNKNOWN_SYMBOL);
      s.expectLast(zero, 'reject', RejectReason.INVALID_QUANTITY);
      for (const o of [unknown, zero]) s.expectState(o, OrderState.REJECTED);
      await s.done();
    });

    it('post-only: refused when it would trade (declared), refused outright (not declared)', async (ctx) => {
      const s = await open(ctx, (t) => (t.caps.postOnly ? seeded(t) : null));
      if (!s.caps.postOnly) {
        const o = s.send(Side.BUY, s.p - 8, 1, { flags: OrderFlags.POST_ONLY });
        await s.settle();
        s.expectRefused(o, 'post-only');
        await s.done();
        return;
      }
      await s.seed(Side.SELL, s.p, 1);
      await s.settle();
      const post = s.send(Side.BUY, s.p, 1, { flags: OrderFlags.POST_ONLY });
      const passive = s.send(Side.BUY, s.p - 1, 1, { flags: OrderFlags.POST_ONLY });
      await s.settle();
      s.expectLast(post, 'reject', RejectReason.POST_ONLY_WOULD_CROSS);
      s.expectState(passive, OrderState.ACCEPTED);
      await s.done();
    });

    it('time in force: IOC cancels its remainder and FOK trades all or nothing (declared); undeclared ones are refused', async (ctx) => {
      const s = await open(ctx);
      const undeclared: OrderRef[] = [];
      for (const tif of [TimeInForce.IOC, TimeInForce.FOK, TimeInForce.DAY, TimeInForce.GTD]) {
        if (!s.supportsTif(tif)) undeclared.push(s.send(Side.BUY, s.p - 9, 1, { tif }));
      }
      await s.settle();
      for (const o of undeclared) s.expectRefused(o, 'this time in force');
      if (s.rests && s.target.seed !== undefined) {
        await s.seed(Side.SELL, s.p, 2);
        await s.settle();
        if (s.supportsTif(TimeInForce.FOK)) {
          const fok = s.send(Side.BUY, s.p, 5, { tif: TimeInForce.FOK });
          await s.settle();
          s.expectState(fok, OrderState.CANCELED);
          expect(s.check.filled(fok.id), s.story(fok)).toBe(0);
        }
        if (s.supportsTif(TimeInForce.IOC)) {
          const ioc = s.send(Side.BUY, s.p, 5, { tif: TimeInForce.IOC });
          await s.settle();
          expect(s.check.filled(ioc.id), s.story(ioc)).toBe(2);
          s.expectState(ioc, OrderState.CANCELED);
        }
      } else if (s.supportsTif(TimeInForce.IOC)) {
        // A venue that fills on its own: an IOC ends at once, filled or canceled.
        const ioc = s.send(Side.BUY, s.p, 2, { tif: TimeInForce.IOC });
        await s.settle();
        s.expectState(ioc, OrderState.FILLED, OrderState.CANCELED);
      }
      await s.done();
    });

    it('order types the venue does not declare are refused with a reason', async (ctx) => {
      const s = await open(ctx, (t) => ([OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT].every((type) => t.supportsType(type)) ? 'the venue declares every order type' : null));
      const sent: OrderRef[] = [];
      for (const type of [OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT]) {
        if (!s.supportsType(type)) sent.push(s.send(Side.BUY, s.p - 9, 1, { ordType: type }));
      }
      await s.settle();
      for (const o of sent) s.expectRefused(o, 'this order type');
      await s.done();
    });

    it('a stream of orders stays consistent: every order ends where the venue says', async (ctx) => {
      const s = await open(ctx);
      const sent: OrderRef[] = [];
      for (let i = 0; i < 40; i++) {
        sent.push(s.send(i % 2 === 0 ? Side.BUY : Side.SELL, s.p + (i % 5) - 2, 1 + (i % 3)));
        if (i % 7 === 6) s.cancel(sent[i - 3]);
      }
      await s.settle();
      const open_ = new Map((await s.target.adapter.openOrders()).map((o) => [o.clientOrderId, o]));
      for (const o of sent) {
        const venue = open_.get(o.id);
        if (venue === undefined) {
          s.expectState(o, ...TERMINAL);
        } else {
          s.expectState(o, OrderState.ACCEPTED, OrderState.PARTIALLY_FILLED);
          expect(s.check.filled(o.id), `order ${o.id}: the venue says cum ${venue.cumLots}; ${s.story(o)}`).toBe(venue.cumLots);
        }
      }
      await s.done();
    });

    it('after a lost connection, reconciliation finds every open order and every missed fill', async (ctx) => {
      const s = await open(ctx, (t) => (t.target.reconnect === undefined ? 'the target supplies no reconnect()' : seeded(t)));
      await s.settle();
      const mark = (await s.target.adapter.executionsSince(0)).reduce((m, e) => Math.max(m, e.sequence), 0);
      const a = s.send(Side.BUY, s.p - 4, 2);
      const b = s.send(Side.BUY, s.p - 5, 3);
      await s.seed(Side.SELL, s.p - 4, 1); // a fills 1 lot while the reports are in flight
      await s.target.reconnect!(); // ... and the reports are lost
      const open_ = await s.target.adapter.openOrders();
      expect(open_.map((o) => o.clientOrderId).sort()).toEqual([a.id, b.id].sort());
      expect(open_.find((o) => o.clientOrderId === a.id)).toMatchObject({ cumLots: 1, leavesLots: 1 });
      expect(open_.find((o) => o.clientOrderId === b.id)).toMatchObject({ cumLots: 0, leavesLots: 3 });
      // The missed fill is recoverable from the venue's execution log.
      const missed = (await s.target.adapter.executionsSince(mark)).filter((e) => e.clientOrderId === a.id);
      expect(missed).toEqual([expect.objectContaining({ priceTicks: s.p - 4, lastLots: 1, cumLots: 1, leavesLots: 1 })]);
      await s.target.close();
    });
  });
}

export type { ConformanceTarget } from './ConformanceSession.js';
