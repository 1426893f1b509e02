import { DecimalGrid, parseDecimal, type ScaledDecimal } from './DecimalGrid.js';
import { InstrumentRuleError, InvalidArgumentError } from './RingrouteError.js';
import {
  INVALID_PRICE,
  INVALID_QUANTITY,
  NOTIONAL_BELOW_MIN,
  OK,
  QUANTITY_ABOVE_MAX,
  QUANTITY_BELOW_MIN,
  statusName,
} from './Status.js';

/** How an instrument is configured; decimals as strings (exact) or numbers. */
export interface InstrumentConfig {
  /** Printable ASCII, 1 to 64 characters ("BTC-USD", "ESZ6"). */
  readonly symbol: string;
  /** Price increment ("0.01"). */
  readonly tickSize: string | number;
  /** Quantity increment ("0.001"). */
  readonly lotSize: string | number;
  /** Smallest order quantity; defaults to one lot. */
  readonly minQty?: string | number;
  /** Largest order quantity; defaults to 2^53 - 1 lots. */
  readonly maxQty?: string | number;
  /** Smallest price x quantity; defaults to 0. */
  readonly minNotional?: string | number;
  /**
   * Limit prices may be zero or negative (calendar spreads, some futures). Default false:
   * a price at or below zero is INVALID_PRICE.
   */
  readonly allowNegativePrices?: boolean;
}

const STATUS_TO_CODE = {
  [INVALID_PRICE]: 'ERR_INVALID_DECIMAL',
  [INVALID_QUANTITY]: 'ERR_INVALID_QUANTITY',
  [QUANTITY_BELOW_MIN]: 'ERR_QUANTITY_BELOW_MIN',
  [QUANTITY_ABOVE_MAX]: 'ERR_QUANTITY_ABOVE_MAX',
  [NOTIONAL_BELOW_MIN]: 'ERR_NOTIONAL_BELOW_MIN',
} as const;

/**
 * The trading rules of one instrument and exact conversions between decimals and the
 * integer ticks and lots stored in order records.
 *
 * Conversions (`priceToTicks`, `quantityToLots`) are cold-path and throw typed errors;
 * `checkOrder` is the hot-path rule check and returns a status.
 */
export class InstrumentSpec {
  readonly symbolId: number;
  readonly symbol: string;
  readonly tick: DecimalGrid;
  readonly lot: DecimalGrid;
  readonly minLots: number;
  readonly maxLots: number;
  /** Minimum notional as given, exact. */
  readonly minNotional: ScaledDecimal;
  /** Limit prices may be zero or negative (`InstrumentConfig.allowNegativePrices`). */
  readonly allowNegativePrices: boolean;
  private readonly minNotionalValue: number;
  private readonly notionalPerTickLot: number;

  constructor(symbolId: number, config: InstrumentConfig) {
    this.symbolId = symbolId;
    this.symbol = config.symbol;
    this.tick = new DecimalGrid(config.tickSize, 'price');
    this.lot = new DecimalGrid(config.lotSize, 'quantity');
    this.allowNegativePrices = config.allowNegativePrices === true;
    this.minLots = config.minQty === undefined ? 1 : this.lot.toUnits(config.minQty);
    this.maxLots = config.maxQty === undefined ? Number.MAX_SAFE_INTEGER : this.lot.toUnits(config.maxQty);
    if (this.minLots < 1 || this.maxLots < this.minLots) {
      throw new InvalidArgumentError('ERR_INVALID_ARGUMENT', `minQty must be >= one lot and <= maxQty for ${config.symbol}`, {
        minQty: config.minQty,
        maxQty: config.maxQty,
      });
    }
    const minNotional = config.minNotional ?? '0';
    this.minNotional = typeof minNotional === 'number' ? parseDecimal(String(minNotional)) : parseDecimal(minNotional);
    if (this.minNotional.mantissa < 0) {
      throw new InvalidArgumentError('ERR_INVALID_ARGUMENT', `minNotional must not be negative for ${config.symbol}`, minNotional);
    }
    this.minNotionalValue = this.minNotional.mantissa / 10 ** this.minNotional.scale;
    this.notionalPerTickLot = this.tick.stepValue * this.lot.stepValue;
  }

  /** Price decimal to ticks; throws ERR_INVALID_DECIMAL, ERR_DECIMAL_RANGE, ERR_PRICE_OFF_TICK. */
  priceToTicks(price: string | number): number {
    return this.tick.toUnits(price);
  }

  /** Ticks to an exact decimal string with the tick's decimal places. */
  ticksToPrice(ticks: number): string {
    return this.tick.fromUnits(ticks);
  }

  /**
   * Quantity decimal to lots; throws ERR_INVALID_DECIMAL, ERR_QUANTITY_OFF_LOT and
   * ERR_INVALID_QUANTITY (zero or negative).
   */
  quantityToLots(quantity: string | number): number {
    const lots = this.lot.toUnits(quantity);
    if (lots <= 0) {
      throw new InvalidArgumentError('ERR_INVALID_QUANTITY', `quantity must be positive for ${this.symbol}`, quantity);
    }
    return lots;
  }

  /** Lots to an exact decimal string. */
  lotsToQuantity(lots: number): string {
    return this.lot.fromUnits(lots);
  }

  /**
   * Hot-path rule check of an order already in ticks and lots. Returns OK or
   * INVALID_QUANTITY, QUANTITY_BELOW_MIN, QUANTITY_ABOVE_MAX, INVALID_PRICE,
   * NOTIONAL_BELOW_MIN. Pass `priceTicks = NaN` for orders without a price (market
   * orders): price and notional checks are then skipped (the router checks notional
   * against a reference price). Notional is compared in doubles, relative error ~1e-15.
   */
  checkOrder(priceTicks: number, quantityLots: number): number {
    if (!Number.isSafeInteger(quantityLots) || quantityLots <= 0) return INVALID_QUANTITY;
    if (quantityLots < this.minLots) return QUANTITY_BELOW_MIN;
    if (quantityLots > this.maxLots) return QUANTITY_ABOVE_MAX;
    if (priceTicks !== priceTicks) return OK; // NaN: no price to check
    if (!Number.isSafeInteger(priceTicks)) return INVALID_PRICE;
    if (priceTicks <= 0 && !this.allowNegativePrices) return INVALID_PRICE;
    const notional = Math.abs(priceTicks) * quantityLots * this.notionalPerTickLot;
    if (notional < this.minNotionalValue * (1 - 1e-12)) return NOTIONAL_BELOW_MIN;
    return OK;
  }

  /**
   * Cold-path check of decimal inputs: converts, checks every rule, and throws a typed
   * error naming the bad value. Returns the order in ticks and lots.
   */
  assertOrder(price: string | number | undefined, quantity: string | number): { priceTicks: number; quantityLots: number } {
    const quantityLots = this.quantityToLots(quantity);
    const priceTicks = price === undefined ? NaN : this.priceToTicks(price);
    const status = this.checkOrder(priceTicks, quantityLots);
    if (status !== OK) {
      const code = STATUS_TO_CODE[status as keyof typeof STATUS_TO_CODE] ?? 'ERR_INVALID_ARGUMENT';
      throw new InstrumentRuleError(code, `${statusName(status)} for ${this.symbol}`, { price, quantity });
    }
    return { priceTicks, quantityLots };
  }

  /** The configuration this spec was built from, normalised (for logs and tables). */
  toConfig(): InstrumentConfig {
    return {
      symbol: this.symbol,
      tickSize: this.tick.fromUnits(1),
      lotSize: this.lot.fromUnits(1),
      minQty: this.lot.fromUnits(this.minLots),
      maxQty: this.lot.fromUnits(this.maxLots),
      minNotional: `${this.minNotional.mantissa / 10 ** this.minNotional.scale}`,
      ...(this.allowNegativePrices ? { allowNegativePrices: true } : {}),
    };
  }
}
