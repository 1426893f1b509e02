import { OrderFlags, OrderType, Side, TimeInForce, type OrderFlyweight } from '@ringroute/core';
import { writeSplit, type FixDecimal } from './FixDecimal.js';
import type { FixOrders } from './FixOrders.js';
import { SOH, Tag } from './FixTags.js';
import { fixFields, putBytes, type FixWriter } from './FixWriter.js';

/** How a venue names an instrument, and its grids (made by `fixInstrument`). */
export interface FixInstrument {
  readonly tick: FixDecimal;
  readonly lot: FixDecimal;
  /** SecurityID (48), SecurityIDSource (22) and Symbol (55) as the venue names the instrument, written once as whole fields. */
  readonly fields: Uint8Array;
  /** Prices at or below zero are the instrument's (spreads); otherwise a report carrying one is not believed. */
  readonly allowNegativePrices: boolean;
}

/** How a venue names an instrument: Symbol (55), or SecurityID (48) with its SecurityIDSource (22), or both. */
export interface FixInstrumentNames {
  symbol?: string | null;
  securityId?: string | null;
  securityIdSource?: string | null;
}

/**
 * An instrument as the FIX encoder writes it: its grids, and its identifying fields
 * prepared once (so an order copies them in one go). RangeError when it has neither a
 * Symbol nor a SecurityID, or a name that is not printable ASCII.
 */
export function fixInstrument(tick: FixDecimal, lot: FixDecimal, names: FixInstrumentNames, allowNegativePrices = false): FixInstrument {
  const symbol = names.symbol ?? null;
  const securityId = names.securityId ?? null;
  if (symbol === null && securityId === null) throw new RangeError('a FIX instrument needs a Symbol or a SecurityID');
  if (securityId === null && (names.securityIdSource ?? null) !== null) throw new RangeError('SecurityIDSource without a SecurityID');
  const fields = fixFields([
    [Tag.SecurityID, securityId],
    [Tag.SecurityIDSource, names.securityIdSource ?? null],
    [Tag.Symbol, symbol],
  ]);
  return { tick, lot, fields, allowNegativePrices };
}

/** Per-venue field conventions (FixGatewayOptions), prepared once. */
export interface FixConventions {
  account?: string;
  /** HandlInst (21): default '1'; null for none. */
  handlInst?: string | null;
  timeInForceCodes?: Partial<Record<'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD', string>>;
}

/**
 * Room for a NewOrderSingle's body besides its prepared fields: each tag, '=' and SOH, an
 * id of 16 digits, two timestamps, and three decimals of up to 35 characters each.
 */
const NEW_ORDER_ROOM = 256;

const DEFAULT_TIF: Record<'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD', string> = { DAY: '0', GTC: '1', IOC: '3', FOK: '4', GTD: '6' };

/**
 * Writes the body of NewOrderSingle (D), OrderCancelRequest (F) and
 * OrderCancelReplaceRequest (G) straight from the order flyweight into the session's
 * writer (after its header): every value from the order's integers, prices and
 * quantities through the instrument's grid, strings prepared once. No allocation.
 */
export class FixOrderEncoder {
  /** Account (1) and HandlInst (21), as whole fields. */
  private readonly conventionFields: Uint8Array;
  /** TimeInForce (59) per TimeInForce code, as whole fields. */
  private readonly tif: Uint8Array[] = [];

  constructor(conventions: FixConventions = {}) {
    const handl = conventions.handlInst === undefined ? '1' : conventions.handlInst;
    this.conventionFields = fixFields([
      [Tag.Account, conventions.account ?? null],
      [Tag.HandlInst, handl],
    ]);
    const codes = { ...DEFAULT_TIF, ...conventions.timeInForceCodes };
    this.tif[TimeInForce.GTC] = fixFields([[Tag.TimeInForce, codes.GTC]]);
    this.tif[TimeInForce.IOC] = fixFields([[Tag.TimeInForce, codes.IOC]]);
    this.tif[TimeInForce.FOK] = fixFields([[Tag.TimeInForce, codes.FOK]]);
    this.tif[TimeInForce.DAY] = fixFields([[Tag.TimeInForce, codes.DAY]]);
    this.tif[TimeInForce.GTD] = fixFields([[Tag.TimeInForce, codes.GTD]]);
  }

  /**
   * NewOrderSingle. `times`: [TransactTime, the GTD expiry], epoch ms (in an array: a double
   * argument may be boxed, see FixWriter.n). False when a price or quantity cannot be
   * written (past 2^53 on the grid), or the order id is not a non-negative safe integer:
   * nothing may be sent.
   *
   * Written in place, one room check for the whole body and every tag a literal: the
   * order path's most frequent message costs no call per field, so its speed does not
   * depend on how much of the writer V8 inlines into the caller (measured: with the
   * writer's methods, the same message took 25 % longer when the caller itself was
   * inlined into its loop and the inlining budget ran out; docs/fix.md).
   */
  newOrder(w: FixWriter, order: OrderFlyweight, g: FixInstrument, times: Float64Array): boolean {
    const conventions = this.conventionFields;
    const ids = g.fields;
    // ClOrdID (11): the order id, split into int32 halves below (no double crosses a call).
    const id = order.clientOrderId;
    if (!(id >= 0 && id <= Number.MAX_SAFE_INTEGER)) return false; // no id FIX can carry: nothing to send
    const tif = this.tif[order.tif];
    let at = w.reserve(NEW_ORDER_ROOM + conventions.length + ids.length + (tif === undefined ? 0 : tif.length));
    if (at < 0) return true; // too big for the writer: close() says so
    const b = w.buf;
    const high = Math.floor(id / 100_000_000);
    b[at] = 49;
    b[at + 1] = 49;
    b[at + 2] = 61;
    at = writeSplit(b, at + 3, high | 0, (id - high * 100_000_000) | 0);
    b[at++] = SOH;
    at = putBytes(b, at, conventions);
    at = putBytes(b, at, ids);
    // Side (54)
    b[at] = 53;
    b[at + 1] = 52;
    b[at + 2] = 61;
    b[at + 3] = order.side === Side.BUY ? 0x31 : 0x32;
    b[at + 4] = SOH;
    // TransactTime (60)
    b[at + 5] = 54;
    b[at + 6] = 48;
    b[at + 7] = 61;
    const clock = w.clock;
    clock.n[0] = times[0];
    at = clock.writeFrom(b, at + 8);
    b[at++] = SOH;
    // OrderQty (38)
    g.lot.n[0] = order.quantityLots;
    let next = decimalField(b, at, 51, 56, g.lot);
    let ok = next >= 0;
    if (ok) at = next;
    // OrdType (40)
    const type = order.ordType;
    b[at] = 52;
    b[at + 1] = 48;
    b[at + 2] = 61;
    b[at + 3] = type === OrderType.MARKET ? 0x31 : type === OrderType.LIMIT ? 0x32 : type === OrderType.STOP ? 0x33 : 0x34;
    b[at + 4] = SOH;
    at += 5;
    const tick = g.tick;
    if (type === OrderType.LIMIT || type === OrderType.STOP_LIMIT) {
      tick.n[0] = order.priceTicks;
      next = decimalField(b, at, 52, 52, tick); // Price (44)
      if (next < 0) ok = false;
      else at = next;
    }
    if (type === OrderType.STOP || type === OrderType.STOP_LIMIT) {
      tick.n[0] = order.stopPriceTicks;
      next = decimalField(b, at, 57, 57, tick); // StopPx (99)
      if (next < 0) ok = false;
      else at = next;
    }
    if (tif !== undefined) at = putBytes(b, at, tif);
    if (order.tif === TimeInForce.GTD) {
      // ExpireTime (126)
      b[at] = 49;
      b[at + 1] = 50;
      b[at + 2] = 54;
      b[at + 3] = 61;
      clock.n[0] = times[1];
      at = clock.writeFrom(b, at + 4);
      b[at++] = SOH;
    }
    if ((order.flags & OrderFlags.POST_ONLY) !== 0) {
      // ExecInst (18) '6': participate, don't initiate
      b[at] = 49;
      b[at + 1] = 56;
      b[at + 2] = 61;
      b[at + 3] = 0x36;
      b[at + 4] = SOH;
      at += 5;
    }
    w.advance(at);
    return ok;
  }

  /** OrderCancelRequest for the order in `slot`, as request number `request`. */
  cancel(w: FixWriter, order: OrderFlyweight, g: FixInstrument, orders: FixOrders, slot: number, request: number, times: Float64Array): void {
    identify(w, orders, slot, request);
    w.fields(g.fields);
    w.char(Tag.Side, order.side === Side.BUY ? 0x31 : 0x32);
    w.n[1] = times[0];
    w.timestampN(Tag.TransactTime);
    w.n[0] = orders.quantity[slot];
    w.decimalN(Tag.OrderQty, g.lot);
  }

  /** OrderCancelReplaceRequest to a new price and quantity. False when they cannot be written. */
  replace(w: FixWriter, order: OrderFlyweight, g: FixInstrument, orders: FixOrders, slot: number, request: number, priceTicks: number, quantityLots: number, times: Float64Array): boolean {
    identify(w, orders, slot, request);
    w.fields(this.conventionFields);
    w.fields(g.fields);
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
    if (tif !== undefined) w.fields(tif);
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

/**
 * A two-digit tag's field "<d0><d1>=<decimal>|" with the units in `grid.n[0]`: the position
 * after it, or -1 when the value cannot be written (past 2^53 on the grid).
 */
function decimalField(b: Uint8Array, at: number, d0: number, d1: number, grid: FixDecimal): number {
  b[at] = d0;
  b[at + 1] = d1;
  b[at + 2] = 61;
  const end = grid.writeFrom(b, at + 3);
  if (end < 0) return -1;
  b[end] = SOH;
  return end + 1;
}
