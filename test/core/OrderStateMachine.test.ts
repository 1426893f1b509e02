import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IGNORED_EVENT,
  ILLEGAL_TRANSITION,
  INVALID_QUANTITY,
  isTerminalState,
  ORDER_EVENT_COUNT,
  ORDER_RECORD_BYTES,
  ORDER_STATE_COUNT,
  OrderEvent,
  OrderFlyweight,
  OrderState,
  OrderStateMachine,
  OVERFILL,
  QUANTITY_BELOW_FILLED,
  SlabPool,
} from '@ringroute/core';

const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 16 });

function freshOrder(quantityLots: number): OrderFlyweight {
  const order = new OrderFlyweight(pool);
  const h = pool.allocate();
  if (h < 0) throw new Error('test pool exhausted');
  order.wrap(h);
  order.clear();
  order.quantityLots = quantityLots;
  order.leavesLots = quantityLots;
  return order;
}

function release(order: OrderFlyweight): void {
  pool.free(order.handle);
}

describe('OrderStateMachine', () => {
  it('walks the happy path: submit, ack, partial fill, fill', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(10);
    expect(sm.apply(o, OrderEvent.SUBMIT, 1)).toBe(OrderState.PENDING_NEW);
    expect(sm.apply(o, OrderEvent.ACK, 2)).toBe(OrderState.ACCEPTED);
    expect(sm.applyFill(o, 4, 100, 3)).toBe(OrderState.PARTIALLY_FILLED);
    expect(sm.applyFill(o, 6, 110, 4)).toBe(OrderState.FILLED);
    expect([o.filledLots, o.leavesLots, o.avgFillPriceTicks, o.lastUpdateNs]).toEqual([10, 0, 106, 4]);
    expect(sm.illegalCount).toBe(0);
    release(o);
  });

  it('refuses an illegal transition with a status, counts it, and leaves the state alone', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(5);
    expect(sm.apply(o, OrderEvent.ACK, 1)).toBe(ILLEGAL_TRANSITION); // ack before submit
    expect(o.state).toBe(OrderState.NEW);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    sm.apply(o, OrderEvent.REJECT, 2);
    expect(sm.apply(o, OrderEvent.CANCEL_REQUEST, 3)).toBe(ILLEGAL_TRANSITION);
    expect(sm.apply(o, OrderEvent.FILL_FULL, 3)).toBe(ILLEGAL_TRANSITION); // quantities go through applyFill
    expect(o.state).toBe(OrderState.REJECTED);
    expect(sm.illegalCount).toBe(3);
    release(o);
  });

  it('ignores late duplicates (an ack after a fill) without counting them as illegal', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(5);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    expect(sm.applyFill(o, 5, 10, 2)).toBe(OrderState.FILLED); // fill before ack
    expect(sm.apply(o, OrderEvent.ACK, 3)).toBe(IGNORED_EVENT);
    expect(sm.apply(o, OrderEvent.CANCEL_REJECT, 3)).toBe(IGNORED_EVENT);
    expect(sm.ignoredCount).toBe(2);
    expect(sm.illegalCount).toBe(0);
    release(o);
  });

  it('never lets filled exceed quantity', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(5);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    sm.apply(o, OrderEvent.ACK, 1);
    expect(sm.applyFill(o, 6, 10, 2)).toBe(OVERFILL);
    expect(sm.applyFill(o, 0, 10, 2)).toBe(INVALID_QUANTITY);
    expect(sm.applyFill(o, -1, 10, 2)).toBe(INVALID_QUANTITY);
    expect(sm.applyFill(o, 1.5, 10, 2)).toBe(INVALID_QUANTITY);
    expect([o.filledLots, o.leavesLots, o.state]).toEqual([0, 5, OrderState.ACCEPTED]);
    expect(sm.overfillCount).toBe(1);
    release(o);
  });

  it('a cancel reject restores the working state the quantities imply; a fill races a cancel', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(10);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    sm.apply(o, OrderEvent.ACK, 1);
    expect(sm.apply(o, OrderEvent.CANCEL_REQUEST, 2)).toBe(OrderState.PENDING_CANCEL);
    expect(sm.applyFill(o, 3, 50, 3)).toBe(OrderState.PENDING_CANCEL);
    expect(sm.apply(o, OrderEvent.CANCEL_REJECT, 4)).toBe(OrderState.PARTIALLY_FILLED);
    expect(sm.apply(o, OrderEvent.CANCEL_REQUEST, 5)).toBe(OrderState.PENDING_CANCEL);
    expect(sm.apply(o, OrderEvent.CANCELED, 6)).toBe(OrderState.CANCELED);
    expect([o.filledLots, o.leavesLots]).toEqual([3, 0]);
    release(o);
  });

  it('a replace confirmation sets the new terms; below the filled quantity it is refused', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(10);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    sm.apply(o, OrderEvent.ACK, 1);
    sm.applyFill(o, 4, 100, 2);
    sm.apply(o, OrderEvent.REPLACE_REQUEST, 3);
    expect(sm.applyReplaced(o, 3, 101, 4)).toBe(QUANTITY_BELOW_FILLED);
    expect(sm.applyReplaced(o, 6, 101, 4)).toBe(OrderState.PARTIALLY_FILLED);
    expect([o.quantityLots, o.leavesLots, o.priceTicks]).toEqual([6, 2, 101]);
    sm.apply(o, OrderEvent.REPLACE_REQUEST, 5);
    expect(sm.applyReplaced(o, 4, 101, 6)).toBe(OrderState.FILLED); // replaced down to what is filled
    release(o);
  });

  it('a cancel reject that overtakes the ack is ignored, not illegal', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(2);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    expect(sm.apply(o, OrderEvent.CANCEL_REJECT, 2)).toBe(IGNORED_EVENT);
    expect(sm.apply(o, OrderEvent.REPLACE_REJECT, 2)).toBe(IGNORED_EVENT);
    expect(o.state).toBe(OrderState.PENDING_NEW);
    expect(sm.illegalCount).toBe(0);
    release(o);
  });

  it('UNKNOWN is resolved by whatever reconciliation reports', () => {
    const sm = new OrderStateMachine();
    const o = freshOrder(4);
    sm.apply(o, OrderEvent.SUBMIT, 1);
    expect(sm.apply(o, OrderEvent.LOST, 2)).toBe(OrderState.UNKNOWN);
    expect(sm.apply(o, OrderEvent.ACK, 3)).toBe(OrderState.ACCEPTED);
    sm.apply(o, OrderEvent.LOST, 4);
    expect(sm.apply(o, OrderEvent.CANCELED, 5)).toBe(OrderState.CANCELED);
    release(o);
  });

  it('a late writer loses: once the state moved, the stale compare-and-set fails', () => {
    const o = freshOrder(1);
    o.initState(OrderState.ACCEPTED);
    const seenByLateThread = o.state;
    o.casState(OrderState.ACCEPTED, OrderState.FILLED); // another thread wins
    expect(o.casState(seenByLateThread, OrderState.PENDING_CANCEL)).toBe(false);
    expect(o.state).toBe(OrderState.FILLED);
    release(o);
  });

  it('every terminal state absorbs every event', () => {
    for (let s = 0; s < ORDER_STATE_COUNT; s++) {
      if (!isTerminalState(s)) continue;
      for (let e = 0; e < ORDER_EVENT_COUNT; e++) {
        expect(OrderStateMachine.next(s, e, OrderState.ACCEPTED)).toBeLessThan(0);
      }
    }
    expect(OrderStateMachine.next(99, 0, 0)).toBe(ILLEGAL_TRANSITION);
  });
});

type Step =
  | { kind: 'event'; event: number }
  | { kind: 'fill'; qty: number; px: number }
  | { kind: 'replace'; qty: number; px: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('event' as const), event: fc.integer({ min: 0, max: ORDER_EVENT_COUNT - 1 }) }),
  fc.record({ kind: fc.constant('fill' as const), qty: fc.integer({ min: -2, max: 60 }), px: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('replace' as const), qty: fc.integer({ min: -2, max: 120 }), px: fc.integer({ min: 1, max: 1000 }) }),
);

describe('OrderStateMachine properties', () => {
  it('random event sequences keep the state legal and the quantities consistent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(stepArb, { maxLength: 40 }), (quantity, steps) => {
        const sm = new OrderStateMachine();
        const o = freshOrder(quantity);
        try {
          let terminalState = -1;
          let fillsSum = 0;
          for (const step of steps) {
            const before = o.state;
            const filledBefore = o.filledLots;
            const result =
              step.kind === 'event'
                ? sm.apply(o, step.event, 1)
                : step.kind === 'fill'
                  ? sm.applyFill(o, step.qty, step.px, 1)
                  : sm.applyReplaced(o, step.qty, step.px, 1);
            const state = o.state;
            if (result < 0) {
              expect(state).toBe(before); // a refused event changes nothing
              expect(o.filledLots).toBe(filledBefore);
            } else {
              expect(state).toBe(result);
              if (step.kind === 'fill') fillsSum += step.qty;
            }
            // The state is always one of the declared states.
            expect(state >= 0 && state < ORDER_STATE_COUNT).toBe(true);
            // Terminal states are absorbing.
            if (terminalState >= 0) expect(state).toBe(terminalState);
            if (isTerminalState(state)) terminalState = state;
            // Quantities.
            expect(o.filledLots).toBe(fillsSum);
            expect(o.filledLots).toBeGreaterThanOrEqual(0);
            expect(o.filledLots).toBeLessThanOrEqual(o.quantityLots);
            if (state === OrderState.CANCELED || state === OrderState.REJECTED || state === OrderState.EXPIRED) {
              expect(o.leavesLots).toBe(0);
            } else {
              expect(o.leavesLots).toBe(o.quantityLots - o.filledLots);
            }
            if (state === OrderState.FILLED) expect(o.leavesLots).toBe(0);
            if (state === OrderState.PARTIALLY_FILLED) expect(o.filledLots > 0 && o.leavesLots > 0).toBe(true);
            if (state === OrderState.ACCEPTED) expect(o.filledLots).toBe(0);
          }
        } finally {
          release(o);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
