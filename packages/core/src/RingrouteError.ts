/**
 * Cold-path errors: configuration, attach, parsing of user input.
 *
 * Every error carries a stable machine-readable `code` (never reworded, safe to switch
 * on) and the offending `value`; the message names the value too, so a log line alone
 * is enough to find the bad input.
 */
export type RingrouteErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INVALID_CAPACITY'
  | 'ERR_BUFFER_SIZE'
  | 'ERR_BUFFER_LAYOUT'
  | 'ERR_INVALID_DECIMAL'
  | 'ERR_DECIMAL_RANGE'
  | 'ERR_PRICE_OFF_TICK'
  | 'ERR_QUANTITY_OFF_LOT'
  | 'ERR_INVALID_QUANTITY'
  | 'ERR_QUANTITY_BELOW_MIN'
  | 'ERR_QUANTITY_ABOVE_MAX'
  | 'ERR_NOTIONAL_BELOW_MIN'
  | 'ERR_UNKNOWN_SYMBOL'
  | 'ERR_SYMBOL_TABLE_FULL'
  | 'ERR_INVALID_SYMBOL'
  | 'ERR_LAYOUT'
  | 'ERR_WORKER_START'
  | 'ERR_WORKER_STOP'
  | 'ERR_STRATEGY_ID_IN_USE'
  | 'ERR_FIRM_UNREACHABLE'
  | 'ERR_FIRM_AUTH'
  | 'ERR_FIRM_LIMIT_MISMATCH'
  | 'ERR_FIRM_AMOUNT'
  | 'ERR_FIRM_HOST_HOLDS_CREDIT'
  | 'ERR_FIRM_HOST_IN_USE';

/** Base class of every error ringroute throws. */
export class RingrouteError extends Error {
  /** Stable identifier of the failure, for example `ERR_PRICE_OFF_TICK`. */
  readonly code: RingrouteErrorCode;
  /** The value that was refused (as given by the caller). */
  readonly value: unknown;

  constructor(code: RingrouteErrorCode, message: string, value: unknown) {
    super(`${code}: ${message} (got ${describe(value)})`);
    this.name = new.target.name;
    this.code = code;
    this.value = value;
  }
}

/** A caller passed a value that can never be valid (NaN, negative size, bad decimal). */
export class InvalidArgumentError extends RingrouteError {}

/** A configuration or a shared buffer does not fit what the component needs. */
export class ConfigurationError extends RingrouteError {}

/** A price or quantity that is well formed but breaks an instrument rule. */
export class InstrumentRuleError extends RingrouteError {}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof SharedArrayBuffer || value instanceof ArrayBuffer) {
    return `${value.constructor.name}(${value.byteLength} bytes)`;
  }
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
