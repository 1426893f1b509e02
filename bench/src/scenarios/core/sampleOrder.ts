import type { OrderFlyweight } from '@ringroute/core';

/**
 * The order every core scenario creates, written through a flyweight. One function so
 * each scenario measures the same work; every accessor it calls is small enough for V8
 * to inline, and the function itself is one call per order.
 */
export function writeSampleOrder(o: OrderFlyweight, id: number): void {
  o.clientOrderId = id;
  o.venueOrderId = 0;
  o.symbolId = 7;
  o.venueId = 1;
  o.strategyId = 3;
  o.accountId = 11;
  o.side = 1;
  o.ordType = 1;
  o.tif = 1;
  o.flags = 0;
  o.priceTicks = 10_025 + (id & 15);
  o.stopPriceTicks = 0;
  o.quantityLots = 100;
  o.filledLots = 0;
  o.leavesLots = 100;
  o.avgFillPriceTicks = 0;
  o.initState(0);
  o.rejectReason = 0;
  o.expireAtNs = 0;
  o.createdNs = id;
  o.sentNs = 0;
  o.ackNs = 0;
  o.lastUpdateNs = id;
}

/** Read every field back (summed, so the reads cannot be optimised away). */
export function readSampleOrder(o: OrderFlyweight): number {
  return (
    o.clientOrderId + o.venueOrderId + o.priceTicks + o.stopPriceTicks + o.quantityLots + o.filledLots + o.leavesLots +
    o.avgFillPriceTicks + o.expireAtNs + o.createdNs + o.sentNs + o.ackNs + o.lastUpdateNs + o.state + o.symbolId +
    o.strategyId + o.accountId + o.venueId + o.rejectReason + o.side + o.ordType + o.tif + o.flags
  );
}

/** The same order as a plain object, as a typical JavaScript router would hold it. */
export function newOrderObject(id: number) {
  return {
    clientOrderId: id,
    venueOrderId: 0,
    symbolId: 7,
    venueId: 1,
    strategyId: 3,
    accountId: 11,
    side: 1,
    ordType: 1,
    tif: 1,
    flags: 0,
    priceTicks: 10_025 + (id & 15),
    stopPriceTicks: 0,
    quantityLots: 100,
    filledLots: 0,
    leavesLots: 100,
    avgFillPriceTicks: 0,
    state: 0,
    rejectReason: 0,
    expireAtNs: 0,
    createdNs: id,
    sentNs: 0,
    ackNs: 0,
    lastUpdateNs: id,
  };
}
