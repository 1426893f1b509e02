import { describe, expect, it } from 'vitest';
import { OrderFlags, OrderState, OrderType, RejectReason, Side, TimeInForce, type OrderFlyweight } from '@ringroute/core';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, bit } from '@ringroute/gateways';
import { StubAdapter } from '../support/StubAdapter.js';
import { ConformanceSession } from '@ringroute/gateways/conformance';

/** An adapter whose declaration lies: it says no post-only and GTC only, then acks anything (the README's old EchoVenue did). */
class AcksEverything extends StubAdapter {
  readonly name = 'acks-everything';
  override readonly capabilities = { orderTypes: bit(OrderType.LIMIT), timeInForce: bit(TimeInForce.GTC), amend: false, postOnly: false, reduceOnly: false };
  submit(handle: number, order: OrderFlyweight) {
    if (order.quantityLots <= 0) this.events.reject(handle, order.clientOrderId, RejectReason.INVALID_QUANTITY);
    else this.events.ack(handle, order.clientOrderId, 1);
  }
}

describe('the conformance kit fails what it must, and says why in names', () => {
  const open = () => ConformanceSession.open(async () => ({ adapter: new AcksEverything(), symbolId: 1, priceTicks: 100, settle: async () => {}, close: async () => {} }));

  it('an undeclared feature that is accepted fails, naming the feature and the reports', async () => {
    const s = await open();
    const post = s.send(Side.BUY, 99, 1, { flags: OrderFlags.POST_ONLY });
    const ioc = s.send(Side.BUY, 99, 1, { tif: TimeInForce.IOC });
    await s.settle();
    expect(() => s.expectRefused(post, 'post-only')).toThrow(/post-only is not declared by the venue, so it must be refused with a reason; order \d+ got: ack/);
    expect(() => s.expectRefused(ioc, 'this time in force')).toThrow(/this time in force is not declared/);
  });

  it('a wrong state or reason is reported by name, not by number', async () => {
    const s = await open();
    const o = s.send(Side.BUY, 99, 2);
    const zero = s.send(Side.BUY, 99, 0);
    await s.settle();
    expect(() => s.expectState(o, OrderState.FILLED)).toThrow(/order \d+ is ACCEPTED after: ack/);
    expect(() => s.expectState(o, OrderState.FILLED)).toThrow(/FILLED/);
    expect(() => s.expectLast(zero, 'reject', RejectReason.UNKNOWN_SYMBOL)).toThrow(/reject INVALID_QUANTITY/);
    expect(() => s.expectLast(zero, 'reject', RejectReason.INVALID_QUANTITY)).not.toThrow();
  });

  it('declarations the router could not enforce are caught', async () => {
    const { checkVenueDeclaration } = await import('@ringroute/router/worker');
    expect(() => checkVenueDeclaration({ orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, amend: true, postOnly: true, reduceOnly: false, rateLimits: [{ kind: 'orders', scope: 'venue', perSecond: 0, burst: 5 }] })).toThrow(/perSecond > 0/);
    expect(() => checkVenueDeclaration({ orderTypes: -1, timeInForce: 2, amend: true, postOnly: true, reduceOnly: false, rateLimits: [] })).toThrow(/bit mask/);
  });
});
