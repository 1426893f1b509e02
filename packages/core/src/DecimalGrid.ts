import { InstrumentRuleError, InvalidArgumentError } from './RingrouteError.js';
import { INVALID_PRICE, INVALID_QUANTITY, OK, PRICE_OFF_TICK, QUANTITY_OFF_LOT } from './Status.js';

/** 10^0 ... 10^22: every power of ten exactly representable as a double. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Decimal places supported in a grid step or an input string. */
export const MAX_DECIMAL_SCALE = 15;
/** Number inputs are accepted up to this many grid steps; beyond it, pass a string. */
const MAX_NUMBER_UNITS = 2 ** 43;

/** A decimal as `mantissa / 10^scale` with an integer mantissa (|mantissa| <= 2^53 - 1). */
export interface ScaledDecimal {
  readonly mantissa: number;
  readonly scale: number;
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parse a decimal string exactly (no binary floating point involved): "101.25",
 * "-0.0005", "1e-8", "+3". Trailing fractional zeros are dropped ("0.50" is 5 / 10^1).
 * Throws `ERR_INVALID_DECIMAL` for anything else, `ERR_DECIMAL_RANGE` past 15 decimal
 * places or a mantissa above 2^53 - 1.
 */
export function parseDecimal(text: string): ScaledDecimal {
  const m = DECIMAL_RE.exec(text.trim());
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new InvalidArgumentError('ERR_INVALID_DECIMAL', 'not a decimal number', text);
  }
  const sign = m[1] === '-' ? -1 : 1;
  let digits = (m[2] + (m[3] ?? '')).replace(/^0+(?=\d)/, '');
  let scale = (m[3] ?? '').length - Number(m[4] ?? 0);
  // Normalise: drop trailing zeros while there is a fractional part.
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (/^0+$/.test(digits)) return { mantissa: 0, scale: 0 };
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  if (scale > MAX_DECIMAL_SCALE) {
    throw new InvalidArgumentError('ERR_DECIMAL_RANGE', `more than ${MAX_DECIMAL_SCALE} decimal places`, text);
  }
  const mantissa = Number(digits);
  if (!Number.isSafeInteger(mantissa)) {
    throw new InvalidArgumentError('ERR_DECIMAL_RANGE', 'more significant digits than fit exactly (2^53 - 1)', text);
  }
  return { mantissa: sign * mantissa, scale };
}

/**
 * A decimal grid: a tick size or a lot size. Converts decimal values to whole grid
 * units (ticks, lots) and back, exactly.
 *
 * - Strings are converted with integer arithmetic only: "0.3" at tick "0.1" is 3 ticks,
 *   "0.35" is off the grid. Exact for every value whose scaled mantissa stays below 2^53.
 * - Numbers are already binary approximations (0.1 + 0.2 is 0.30000000000000004), so a
 *   number is snapped to the nearest grid point and accepted when it lies within a few
 *   units in the last place of it; anything further is off the grid. Numbers are accepted
 *   up to 2^43 grid units, where that tolerance is still far below half a step; pass
 *   larger values as strings.
 */
export class DecimalGrid {
  /** The step, as given (normalised). */
  readonly step: ScaledDecimal;
  /** The step as a double, for notional estimates. */
  readonly stepValue: number;
  private readonly what: 'price' | 'quantity';
  /** Status of the last failed `tryToUnits` (valid when it returned NaN). */
  lastStatus: number;

  constructor(step: string | number, what: 'price' | 'quantity') {
    const parsed = typeof step === 'number' ? parseNumberExactly(step, `${what} step`) : parseDecimal(step);
    if (parsed.mantissa <= 0) {
      throw new InvalidArgumentError('ERR_INVALID_ARGUMENT', `${what} step must be positive`, step);
    }
    this.step = parsed;
    this.stepValue = parsed.mantissa / POW10[parsed.scale];
    this.what = what;
    this.lastStatus = OK;
  }

  /**
   * Convert a decimal to whole grid units, throwing a typed error: `ERR_INVALID_DECIMAL`
   * (NaN, Infinity, garbage), `ERR_DECIMAL_RANGE`, or `ERR_PRICE_OFF_TICK` /
   * `ERR_QUANTITY_OFF_LOT`.
   */
  toUnits(value: string | number): number {
    const units = this.tryToUnits(value);
    if (Number.isNaN(units)) {
      if (this.lastStatus === this.invalidStatus()) {
        if (typeof value === 'number' && Number.isFinite(value)) {
          throw new InvalidArgumentError('ERR_DECIMAL_RANGE', `${this.what} beyond 2^43 steps: pass it as a string`, value);
        }
        if (typeof value === 'string') {
          parseDecimal(value); // throws the precise parse error for malformed text
          throw new InvalidArgumentError('ERR_DECIMAL_RANGE', `${this.what} is beyond 2^53 steps of ${formatDecimal(this.step)}`, value);
        }
        throw new InvalidArgumentError('ERR_INVALID_DECIMAL', `${this.what} must be a finite decimal`, value);
      }
      const off = this.what === 'price' ? 'ERR_PRICE_OFF_TICK' : 'ERR_QUANTITY_OFF_LOT';
      throw new InstrumentRuleError(off, `${this.what} is not a multiple of ${formatDecimal(this.step)}`, value);
    }
    return units;
  }

  /**
   * Like `toUnits` but never throws: returns NaN and sets `lastStatus` to
   * INVALID_PRICE / INVALID_QUANTITY (not a usable decimal) or PRICE_OFF_TICK /
   * QUANTITY_OFF_LOT (a decimal between two grid points).
   */
  tryToUnits(value: string | number): number {
    if (typeof value === 'number') return this.numberToUnits(value);
    let parsed: ScaledDecimal;
    try {
      parsed = parseDecimal(value);
    } catch {
      this.lastStatus = this.invalidStatus();
      return NaN;
    }
    const scale = Math.max(parsed.scale, this.step.scale);
    const v = parsed.mantissa * POW10[scale - parsed.scale];
    const s = this.step.mantissa * POW10[scale - this.step.scale];
    if (!Number.isSafeInteger(v) || !Number.isSafeInteger(s)) {
      this.lastStatus = this.invalidStatus();
      return NaN;
    }
    if (v % s !== 0) {
      this.lastStatus = this.offGridStatus();
      return NaN;
    }
    return v / s;
  }

  /** Exact decimal string of `units` grid steps ("101.25"), with the step's decimal places. */
  fromUnits(units: number): string {
    if (!Number.isSafeInteger(units)) {
      throw new InvalidArgumentError('ERR_DECIMAL_RANGE', `${this.what} units must be a safe integer`, units);
    }
    const scaled = units * this.step.mantissa;
    if (!Number.isSafeInteger(scaled)) {
      throw new InvalidArgumentError('ERR_DECIMAL_RANGE', `${this.what} of ${units} steps exceeds 2^53 at this scale`, units);
    }
    return formatDecimal({ mantissa: scaled, scale: this.step.scale });
  }

  /** Units as a double (`units * step`): for estimates such as notional, not for storage. */
  unitsToNumber(units: number): number {
    return (units * this.step.mantissa) / POW10[this.step.scale];
  }

  private numberToUnits(value: number): number {
    if (!Number.isFinite(value)) {
      this.lastStatus = this.invalidStatus();
      return NaN;
    }
    const exact = (value * POW10[this.step.scale]) / this.step.mantissa;
    if (Math.abs(exact) > MAX_NUMBER_UNITS) {
      this.lastStatus = this.invalidStatus();
      return NaN;
    }
    const units = Math.round(exact);
    // A few ulps of the value, plus a tiny absolute slack for values near zero.
    if (Math.abs(exact - units) > Math.abs(exact) * 8 * Number.EPSILON + 1e-9) {
      this.lastStatus = this.offGridStatus();
      return NaN;
    }
    return units === 0 ? 0 : units; // no -0
  }

  private offGridStatus(): number {
    return this.what === 'price' ? PRICE_OFF_TICK : QUANTITY_OFF_LOT;
  }

  private invalidStatus(): number {
    return this.what === 'price' ? INVALID_PRICE : INVALID_QUANTITY;
  }

}

/** Exact decimal text of `mantissa / 10^scale` ("-0.05"), with `scale` decimal places. */
export function formatDecimal(d: ScaledDecimal): string {
  const negative = d.mantissa < 0;
  const digits = String(Math.abs(d.mantissa)).padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const frac = d.scale > 0 ? `.${digits.slice(digits.length - d.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/** A number given as a step: use its shortest round-trip decimal text ("0.01", "1e-8"). */
function parseNumberExactly(value: number, what: string): ScaledDecimal {
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError('ERR_INVALID_DECIMAL', `${what} must be finite`, value);
  }
  return parseDecimal(String(value));
}
