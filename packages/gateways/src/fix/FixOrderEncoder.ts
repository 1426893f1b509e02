import { OrderFlags, OrderType, Side, TimeInForce, type OrderFlyweight } from '@ringroute/core';
import type { FixDecimal } from './FixDecimal.js';
import type { FixOrders } from './FixOrders.js';
import { Tag } from './FixTags.js';
import { asciiBytes, type FixWriter } from './FixWriter.js';

/** How a venue names an instrument, and its grids. */
export interface FixInstrument {
  tick: FixDecimal;
  lot: FixDecimal;
  /** Symbol (55), or null when the venue takes SecurityID alone. */
  symbol: Uint8Array | null;
  securityId: Uint8Array | null;
  securityIdSource: Uint8Array | null;
  /** Prices at or below zero are the instrument's (spreads); otherwise a report carrying one is not believed. */
  allowNegativePrices?: boolean;
}

/** Per-venue field conventions (FixGatewayOptions), prepared once. */
export interface FixConventions {
  account?: string;
  /** HandlInst (21): default '1'; null for none. */
  handlInst?: string | null;
  timeInForceCodes?: Partial<Record<'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD', string>>;
}

const DEFAULT_TIF: Record<'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD', string> = { DAY: '0', GTC: '1', IOC: '3', FOK: '4', GTD: '6' };

/**
 * Writes the body of NewOrderSingle (D), OrderCancelRequest (F) and
 * OrderCancelReplaceRequest (G) straight from the order flyweight into the session's
 * writer (after its header): every value from the order's integers, prices and
 * quantities through the instrument's grid, strings prepared once. No allocation.
 */
export class FixOrderEncoder {
  private readonly account: Uint8Array | null;
  private readonly handlInst: Uint8Array | null;
  private readonly tif: Uint8Array[] = [];

  constructor(conventions: FixConventions = {}) {
    this.account = conventions.account === undefined ? null : asciiBytes(conventions.account, 'Account');
    const handl = conventions.handlInst === undefined ? '1' : conventions.handlInst;
    this.handlInst = handl === null ? null : asciiBytes(handl, 'HandlInst');
    const codes = { ...DEFAULT_TIF, ...conventions.timeInForceCodes };
    this.tif[TimeInForce.GTC] = asciiBytes(codes.GTC, 'TimeInForce');
    this.tif[TimeInForce.IOC] = asciiBytes(codes.IOC, 'TimeInForce');
    this.tif[TimeInForce.FOK] = asciiBytes(codes.FOK, 'TimeInForce');
    this.tif[TimeInForce.DAY] = asciiBytes(codes.DAY, 'TimeInForce');
    this.tif[TimeInForce.GTD] = asciiBytes(codes.GTD, 'TimeInForce');
  }

  /**
   * NewOrderSingle. `times`: [TransactTime, the GTD expiry], epoch ms (in an array: a double
   * argument may be boxed, see FixWriter.n). False when a price or quantity cannot be
   * written (past 2^53 on the grid): nothing may be sent.
   */
  newOrder(w: FixWriter, order: OrderFlyweight, g: FixInstrument, times: Float64Array): boolean {
    // Doubles go to the writer through w.n, never as arguments (see FixWriter.n).
    const n = w.n;
    n[0] = order.clientOrderId;
    w.intN(Tag.ClOrdID);
    if (this.account !== null) w.bytes(Tag.Account, this.account);
    if (this.handlInst !== null) w.bytes(Tag.HandlInst, this.handlInst);
    instrument(w, g);
    w.char(Tag.Side, order.side === Side.BUY ? 0x31 : 0x32);
    n[1] = times[0];
    w.timestampN(Tag.TransactTime);
    n[0] = order.quantityLots;
    let ok = w.decimalN(Tag.OrderQty, g.lot);
    const type = order.ordType;
    w.char(Tag.OrdType, type === OrderType.MARKET ? 0x31 : type === OrderType.LIMIT ? 0x32 : type === OrderType.STOP ? 0x33 : 0x34);
    if (type === OrderType.LIMIT || type === OrderType.STOP_LIMIT) {
      n[0] = order.priceTicks;
      ok = w.decimalN(Tag.Price, g.tick) && ok;
    }
    if (type === OrderType.STOP || type === OrderType.STOP_LIMIT) {
      n[0] = order.stopPriceTicks;
      ok = w.decimalN(Tag.StopPx, g.tick) && ok;
    }
    const tif = this.tif[order.tif];
    if (tif !== undefined) w.bytes(Tag.TimeInForce, tif);
    if (order.tif === TimeInForce.GTD) {
      n[1] = times[1];
      w.timestampN(Tag.ExpireTime);
    }
    if ((order.flags & OrderFlags.POST_ONLY) !== 0) w.char(Tag.ExecInst, 0x36); // '6': participate, don't initiate
    return ok;
  }

  /** OrderCancelRequest for the order in `slot`, as request number `request`. */
  cancel(w: FixWriter, order: OrderFlyweight, g: FixInstrument, orders: FixOrders, slot: number, request: number, times: Float64Array): void {
    identify(w, orders, slot, request);
    instrument(w, g);
    w.char(Tag.Side, order.side === Side.BUY ? 0x31 : 0x32);
    w.n[1] = times[0];
    w.timestampN(Tag.TransactTime);
    w.n[0] = orders.quantity[slot];
    w.decimalN(Tag.OrderQty, g.lot);
  }

  /** OrderCancelReplaceRequest to a new price and quantity. False when they cannot be written. */
  replace(w: FixWriter, order: OrderFlyweight, g: FixInstrument, orders: FixOrders, slot: number, request: number, priceTicks: number, quantityLots: number, times: Float64Array): boolean {
    identify(w, orders, slot, request);
    if (this.account !== null) w.bytes(Tag.Account, this.account);
    if (this.handlInst !== null) w.bytes(Tag.HandlInst, this.handlInst);
    instrument(w, g);
    w.char(Tag.Side, order.side === Side.BUY ? 0x31 : 0x32);
    const n = w.n;
    n[1] = times[0];
    w.timestampN(Tag.TransactTime);
    n[0] = quantityLots;
    let ok = w.decimalN(Tag.OrderQty, g.lot);
    w.char(Tag.OrdType, order.ordType === OrderType.STOP_LIMIT ? 0x34 : 0x32);
    n[0] = priceTicks;
    ok = w.decimalN(Tag.Price, g.tick) && ok;
    const tif = this.tif[order.tif];
    if (tif !== undefined) w.bytes(Tag.TimeInForce, tif);
    return ok;
  }
}

/** ClOrdID "<id>-<request>", OrigClOrdID the order's current version, and the venue's OrderID when kept. */
function identify(w: FixWriter, orders: FixOrders, slot: number, request: number): void {
  w.n[0] = orders.clientId[slot];
  w.idWithSuffixN(Tag.ClOrdID, request);
  const version = orders.version[slot];
  w.n[0] = orders.clientId[slot];
  if (version === 0) w.intN(Tag.OrigClOrdID);
  else w.idWithSuffixN(Tag.OrigClOrdID, version);
  const n = orders.orderIdLength[slot];
  if (n > 0) w.copy(Tag.OrderID, orders.orderIds, orders.orderIdAt(slot), orders.orderIdAt(slot) + n);
}

function instrument(w: FixWriter, g: FixInstrument): void {
  if (g.securityId !== null) {
    w.bytes(Tag.SecurityID, g.securityId);
    if (g.securityIdSource !== null) w.bytes(Tag.SecurityIDSource, g.securityIdSource);
  }
  if (g.symbol !== null) w.bytes(Tag.Symbol, g.symbol);
}
