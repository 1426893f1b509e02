import { describe, expect, it } from 'vitest';
import {
  ExecFlags,
  ExecType,
  EXEC_RECORD_BYTES,
  ExecutionEventFlyweight,
  INVALID_HANDLE,
  OK,
  OrderFlags,
  OrderFlyweight,
  OrderState,
  OrderType,
  ORDER_RECORD_BYTES,
  RejectReason,
  Side,
  SlabPool,
  STALE_HANDLE,
  TimeInForce,
} from '@ringroute/core';

const MAX = Number.MAX_SAFE_INTEGER;

describe('OrderFlyweight', () => {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 8 });

  it('round-trips every field exactly, including 2^53 - 1 and negative values', () => {
    const order = new OrderFlyweight(pool);
    const h = pool.allocate();
    expect(order.wrap(h)).toBe(OK);
    order.clear();
    expect(order.state).toBe(OrderState.NEW);
    const int53 = {
      clientOrderId: MAX,
      venueOrderId: MAX - 1,
      priceTicks: -(2 ** 53 - 1),
      stopPriceTicks: 2 ** 40 + 3,
      quantityLots: 2 ** 52 + 1,
      filledLots: 12345678901234,
      leavesLots: 2 ** 52 + 1 - 12345678901234,
      expireAtNs: 9007199254740000,
      createdNs: 1,
      sentNs: 2 ** 50,
      ackNs: 2 ** 50 + 7,
      lastUpdateNs: MAX,
    } as const;
    Object.assign(order, int53);
    order.avgFillPriceTicks = 10025.125;
    order.symbolId = 2 ** 31 - 1;
    order.strategyId = -5;
    order.accountId = 77;
    order.venueId = 65535;
    order.rejectReason = RejectReason.SELF_TRADE;
    order.side = Side.SELL;
    order.ordType = OrderType.STOP_LIMIT;
    order.tif = TimeInForce.GTD;
    order.flags = OrderFlags.POST_ONLY | OrderFlags.REDUCE_ONLY;
    order.initState(OrderState.PENDING_NEW);

    const reader = new OrderFlyweight(SlabPool.attach(pool.buffer)); // as another thread would
    expect(reader.wrap(h)).toBe(OK);
    for (const [k, v] of Object.entries(int53)) expect(reader[k as keyof typeof int53], k).toBe(v);
    expect(reader.avgFillPriceTicks).toBe(10025.125);
    expect([reader.symbolId, reader.strategyId, reader.accountId, reader.venueId]).toEqual([2 ** 31 - 1, -5, 77, 65535]);
    expect([reader.side, reader.ordType, reader.tif, reader.flags]).toEqual([Side.SELL, OrderType.STOP_LIMIT, TimeInForce.GTD, 3]);
    expect(reader.state).toBe(OrderState.PENDING_NEW);
    expect(reader.toJSON()).toMatchObject({
      side: 'SELL',
      ordType: 'STOP_LIMIT',
      tif: 'GTD',
      state: 'PENDING_NEW',
      rejectReason: 'SELF_TRADE',
      clientOrderId: MAX,
    });
    pool.free(h);
  });

  it('does not leak into the neighbouring record', () => {
    const a = pool.allocate();
    const b = pool.allocate();
    const fa = new OrderFlyweight(pool);
    const fb = new OrderFlyweight(pool);
    fa.wrap(a);
    fb.wrap(b);
    fb.clear();
    fa.clear();
    fa.clientOrderId = MAX;
    fa.flags = 255;
    fa.lastUpdateNs = MAX;
    expect(Object.values(fb.toJSON()).filter((v) => v === MAX || v === 255)).toEqual([]);
    pool.free(a);
    pool.free(b);
  });

  it('refuses a stale or invalid handle and stays on its previous record', () => {
    const order = new OrderFlyweight(pool);
    const live = pool.allocate();
    order.wrap(live);
    order.clear();
    order.clientOrderId = 7;
    const gone = pool.allocate();
    pool.free(gone);
    expect(order.wrap(gone)).toBe(STALE_HANDLE);
    expect(order.wrap(-3)).toBe(INVALID_HANDLE);
    expect(order.clientOrderId).toBe(7);
    expect(order.handle).toBe(live);
    expect(order.generation).toBe(pool.generationOf(pool.indexOf(live)));
    pool.free(live);
  });

  it('casState only moves from the expected state', () => {
    const order = new OrderFlyweight(pool);
    const h = pool.allocate();
    order.wrap(h);
    order.clear();
    expect(order.casState(OrderState.NEW, OrderState.PENDING_NEW)).toBe(true);
    expect(order.casState(OrderState.NEW, OrderState.REJECTED)).toBe(false);
    expect(order.state).toBe(OrderState.PENDING_NEW);
    pool.free(h);
  });
});

describe('ExecutionEventFlyweight', () => {
  it('round-trips an event in a 64-byte slot', () => {
    const pool = SlabPool.create({ slotBytes: EXEC_RECORD_BYTES, capacity: 4 });
    const ev = new ExecutionEventFlyweight(pool);
    const h = pool.allocate();
    expect(ev.wrap(h)).toBe(OK);
    ev.clear();
    ev.execType = ExecType.FILL;
    ev.orderHandle = 123456;
    ev.clientOrderId = MAX;
    ev.venueOrderId = 99;
    ev.lastPriceTicks = -250;
    ev.lastQtyLots = 3;
    ev.cumQtyLots = 10;
    ev.leavesLots = 0;
    ev.eventTimeNs = 2 ** 52;
    ev.rejectReason = RejectReason.NONE;
    ev.flags = ExecFlags.POSSIBLE_DUPLICATE;
    expect(ev.toJSON()).toEqual({
      execType: 'FILL',
      orderHandle: 123456,
      clientOrderId: MAX,
      venueOrderId: 99,
      lastPriceTicks: -250,
      lastQtyLots: 3,
      cumQtyLots: 10,
      leavesLots: 0,
      rejectReason: 'NONE',
      flags: 1,
      eventTimeNs: 2 ** 52,
    });
  });
});
