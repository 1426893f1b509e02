import { OK, OrderFlags, OrderType, Side, TimeInForce, UNKNOWN_SYMBOL, type InstrumentTable } from '@ringroute/core';
import type { OrderRequest } from './RouterConfig.js';
import { INVALID_REQUEST } from './RouterStatus.js';

const TYPES: Record<string, number> = { limit: OrderType.LIMIT, market: OrderType.MARKET, stop: OrderType.STOP, 'stop-limit': OrderType.STOP_LIMIT };
const TIFS: Record<string, number> = { GTC: TimeInForce.GTC, IOC: TimeInForce.IOC, FOK: TimeInForce.FOK, DAY: TimeInForce.DAY, GTD: TimeInForce.GTD };

/**
 * The convenience path's front end: turns an `OrderRequest` (names and decimals) into
 * the order's fields in integer units, checked against the instrument's rules. The
 * result is left in this object's fields (reused: nothing is allocated per request).
 */
export class OrderRequestParser {
  symbolId = -1;
  side = 0;
  ordType = 0;
  tif = 0;
  flags = 0;
  /** Limit price in ticks (NaN for orders without one). */
  priceTicks = NaN;
  stopPriceTicks = 0;
  quantityLots = 0;
  private readonly instruments: InstrumentTable;

  constructor(instruments: InstrumentTable) {
    this.instruments = instruments;
  }

  /** Parse and check `request`: OK, or the status naming what is wrong with it. */
  parse(request: OrderRequest): number {
    // Requests never throw: a missing or malformed request is a status like any other.
    if (request === null || typeof request !== 'object' || Array.isArray(request)) return INVALID_REQUEST;
    if (typeof request.symbol !== 'string') return UNKNOWN_SYMBOL;
    const symbolId = this.instruments.idOf(request.symbol);
    const spec = symbolId >= 0 ? this.instruments.spec(symbolId) : undefined;
    if (spec === undefined) return UNKNOWN_SYMBOL;
    const side = request.side === 'buy' ? Side.BUY : request.side === 'sell' ? Side.SELL : 0;
    const type = TYPES[request.type ?? 'limit'];
    const tif = TIFS[request.tif ?? 'GTC'];
    if (side === 0 || type === undefined || tif === undefined) return INVALID_REQUEST;
    const lots = spec.lot.tryToUnits(request.quantity);
    if (lots !== lots) return spec.lot.lastStatus;
    const needsPrice = type === OrderType.LIMIT || type === OrderType.STOP_LIMIT;
    const ticks = needsPrice ? spec.tick.tryToUnits(request.price ?? NaN) : NaN;
    if (needsPrice && ticks !== ticks) return spec.tick.lastStatus;
    const needsStop = type === OrderType.STOP || type === OrderType.STOP_LIMIT;
    const stopTicks = needsStop ? spec.tick.tryToUnits(request.stopPrice ?? NaN) : 0;
    if (needsStop && stopTicks !== stopTicks) return spec.tick.lastStatus;
    const rule = spec.checkOrder(ticks, lots);
    if (rule !== OK) return rule;
    this.symbolId = symbolId;
    this.side = side;
    this.ordType = type;
    this.tif = tif;
    if (request.account !== undefined && !(Number.isInteger(request.account) && request.account >= 0 && request.account <= 0x7fffffff)) return INVALID_REQUEST;
    this.flags = request.postOnly === true ? OrderFlags.POST_ONLY : 0;
    this.priceTicks = ticks;
    this.stopPriceTicks = stopTicks;
    this.quantityLots = lots;
    return OK;
  }
}
