import { formatDecimal } from './DecimalGrid.js';
import { InstrumentSpec, type InstrumentConfig } from './InstrumentSpec.js';
import { ConfigurationError, InvalidArgumentError } from './RingrouteError.js';
import { UNKNOWN_SYMBOL } from './Status.js';
import {
  INSTRUMENT_FLAG_NEGATIVE_PRICES,
  INSTRUMENT_FLAGS_OFFSET,
  INSTRUMENT_LOT_MANTISSA_OFFSET,
  INSTRUMENT_LOT_SCALE_OFFSET,
  INSTRUMENT_MAX_LOTS_OFFSET,
  INSTRUMENT_MIN_LOTS_OFFSET,
  INSTRUMENT_MIN_NOTIONAL_MANTISSA_OFFSET,
  INSTRUMENT_MIN_NOTIONAL_SCALE_OFFSET,
  INSTRUMENT_NAME_LENGTH,
  INSTRUMENT_NAME_LENGTH_OFFSET,
  INSTRUMENT_NAME_OFFSET,
  INSTRUMENT_RECORD_BYTES,
  INSTRUMENT_STATE_OFFSET,
  INSTRUMENT_TICK_MANTISSA_OFFSET,
  INSTRUMENT_TICK_SCALE_OFFSET,
} from './layout/InstrumentLayout.js';

const MAGIC = 0x52525431; // 'RRT1'
const VERSION = 1;
const HEADER_BYTES = 128;
const H_MAGIC = 0;
const H_VERSION = 1;
const H_CAPACITY = 2;
const H_COUNT = 16; // own cache line: readers poll it
const H_LOCK = 24;
const EMPTY = 0;
const INTERNED = 1;
const DEFINED = 2;
const SYMBOL_RE = /^[\x21-\x7e]{1,64}$/;

/**
 * Symbol interning and instrument rules in one SharedArrayBuffer that every thread can
 * read: the strategy thread defines instruments at start-up, gateway workers attach and
 * resolve the same ids and specs.
 *
 * Writes (`intern`, `define`) are cold-path and serialised by a small lock word
 * (Atomics CAS, then `Atomics.wait` if contended). A record is written completely before
 * its state and the table count are published with `Atomics.store`, so a reader that
 * sees the count sees the record. Readers keep a per-thread Map from symbol to id,
 * extended lazily when the shared count grows: `idOf` is a Map lookup.
 * Ids are dense, from 0, and never reused; a defined spec never changes.
 */
export class InstrumentTable {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly u8: Uint8Array;
  private readonly ids = new Map<string, number>();
  private readonly specs: (InstrumentSpec | undefined)[] = [];
  private knownCount = 0;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.capacity = this.i32[H_CAPACITY];
  }

  /** A new table for up to `capacity` symbols. */
  static create(capacity = 1024): InstrumentTable {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 20) {
      throw new ConfigurationError('ERR_INVALID_CAPACITY', 'instrument table capacity must be from 1 to 2^20', capacity);
    }
    const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity * INSTRUMENT_RECORD_BYTES);
    const header = new Int32Array(buffer);
    header[H_MAGIC] = MAGIC;
    header[H_VERSION] = VERSION;
    header[H_CAPACITY] = capacity;
    return new InstrumentTable(buffer);
  }

  /** Attach to a table created on another thread. */
  static attach(buffer: SharedArrayBuffer): InstrumentTable {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES) {
      throw new ConfigurationError('ERR_BUFFER_SIZE', 'an instrument table buffer has a 128-byte header', buffer);
    }
    const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    if (header[H_MAGIC] !== MAGIC || header[H_VERSION] !== VERSION) {
      throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'buffer is not a ringroute instrument table', buffer);
    }
    const expected = HEADER_BYTES + header[H_CAPACITY] * INSTRUMENT_RECORD_BYTES;
    if (buffer.byteLength !== expected) {
      throw new ConfigurationError('ERR_BUFFER_SIZE', `instrument table of ${header[H_CAPACITY]} needs ${expected} bytes`, buffer);
    }
    return new InstrumentTable(buffer);
  }

  /** Number of interned symbols. */
  get size(): number {
    return Atomics.load(this.i32, H_COUNT);
  }

  /** Id of `symbol`, interning it if new. Throws ERR_INVALID_SYMBOL, ERR_SYMBOL_TABLE_FULL. */
  intern(symbol: string): number {
    checkSymbol(symbol);
    const known = this.idOf(symbol);
    if (known >= 0) return known;
    return this.locked(() => this.internLocked(symbol));
  }

  /**
   * Define an instrument (interning its symbol). Defining the same symbol again with the
   * same rules returns the existing spec; with different rules it throws
   * ERR_INVALID_ARGUMENT, since other threads may already trade on the first definition.
   */
  define(config: InstrumentConfig): InstrumentSpec {
    checkSymbol(config.symbol);
    return this.locked(() => {
      const id = this.internLocked(config.symbol);
      const spec = new InstrumentSpec(id, config); // validates before anything is written
      const existing = this.spec(id);
      if (existing !== undefined) {
        if (JSON.stringify(existing.toConfig()) !== JSON.stringify(spec.toConfig())) {
          throw new InvalidArgumentError('ERR_INVALID_ARGUMENT', `instrument ${config.symbol} is already defined differently`, config);
        }
        return existing;
      }
      const b = this.recordBase(id);
      this.f64[(b + INSTRUMENT_TICK_MANTISSA_OFFSET) >> 3] = spec.tick.step.mantissa;
      this.f64[(b + INSTRUMENT_LOT_MANTISSA_OFFSET) >> 3] = spec.lot.step.mantissa;
      this.f64[(b + INSTRUMENT_MIN_LOTS_OFFSET) >> 3] = spec.minLots;
      this.f64[(b + INSTRUMENT_MAX_LOTS_OFFSET) >> 3] = spec.maxLots;
      this.f64[(b + INSTRUMENT_MIN_NOTIONAL_MANTISSA_OFFSET) >> 3] = spec.minNotional.mantissa;
      this.i32[(b + INSTRUMENT_TICK_SCALE_OFFSET) >> 2] = spec.tick.step.scale;
      this.i32[(b + INSTRUMENT_LOT_SCALE_OFFSET) >> 2] = spec.lot.step.scale;
      this.i32[(b + INSTRUMENT_MIN_NOTIONAL_SCALE_OFFSET) >> 2] = spec.minNotional.scale;
      this.u8[b + INSTRUMENT_FLAGS_OFFSET] = spec.allowNegativePrices ? INSTRUMENT_FLAG_NEGATIVE_PRICES : 0;
      Atomics.store(this.i32, (b + INSTRUMENT_STATE_OFFSET) >> 2, DEFINED); // publish
      this.specs[id] = spec;
      return spec;
    });
  }

  /** Id of `symbol`, or UNKNOWN_SYMBOL (a status, never throws). */
  idOf(symbol: string): number {
    const id = this.ids.get(symbol);
    if (id !== undefined) return id;
    if (this.refresh()) return this.ids.get(symbol) ?? UNKNOWN_SYMBOL;
    return UNKNOWN_SYMBOL;
  }

  /** Symbol of an id; throws ERR_UNKNOWN_SYMBOL. */
  symbolOf(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new InvalidArgumentError('ERR_UNKNOWN_SYMBOL', 'no symbol has this id', id);
    }
    const b = this.recordBase(id);
    const length = this.u8[b + INSTRUMENT_NAME_LENGTH_OFFSET];
    return String.fromCharCode(...this.u8.subarray(b + INSTRUMENT_NAME_OFFSET, b + INSTRUMENT_NAME_OFFSET + length));
  }

  /** The spec of an id, or undefined if the id is unknown or only interned. */
  spec(id: number): InstrumentSpec | undefined {
    const cached = this.specs[id];
    if (cached !== undefined) return cached;
    if (!Number.isInteger(id) || id < 0 || id >= this.size) return undefined;
    const b = this.recordBase(id);
    if (Atomics.load(this.i32, (b + INSTRUMENT_STATE_OFFSET) >> 2) !== DEFINED) return undefined;
    const tick = decimal(this.f64[(b + INSTRUMENT_TICK_MANTISSA_OFFSET) >> 3], this.i32[(b + INSTRUMENT_TICK_SCALE_OFFSET) >> 2]);
    const lot = decimal(this.f64[(b + INSTRUMENT_LOT_MANTISSA_OFFSET) >> 3], this.i32[(b + INSTRUMENT_LOT_SCALE_OFFSET) >> 2]);
    const lotScale = this.i32[(b + INSTRUMENT_LOT_SCALE_OFFSET) >> 2];
    const lotMantissa = this.f64[(b + INSTRUMENT_LOT_MANTISSA_OFFSET) >> 3];
    const spec = new InstrumentSpec(id, {
      symbol: this.symbolOf(id),
      tickSize: tick,
      lotSize: lot,
      minQty: decimal(this.f64[(b + INSTRUMENT_MIN_LOTS_OFFSET) >> 3] * lotMantissa, lotScale),
      maxQty: decimal(this.f64[(b + INSTRUMENT_MAX_LOTS_OFFSET) >> 3] * lotMantissa, lotScale),
      minNotional: decimal(
        this.f64[(b + INSTRUMENT_MIN_NOTIONAL_MANTISSA_OFFSET) >> 3],
        this.i32[(b + INSTRUMENT_MIN_NOTIONAL_SCALE_OFFSET) >> 2],
      ),
      allowNegativePrices: (this.u8[b + INSTRUMENT_FLAGS_OFFSET] & INSTRUMENT_FLAG_NEGATIVE_PRICES) !== 0,
    });
    this.specs[id] = spec;
    return spec;
  }

  /** The spec of a symbol; throws ERR_UNKNOWN_SYMBOL if it is not defined. */
  get(symbol: string): InstrumentSpec {
    const id = this.idOf(symbol);
    const spec = id >= 0 ? this.spec(id) : undefined;
    if (spec === undefined) throw new InvalidArgumentError('ERR_UNKNOWN_SYMBOL', 'no instrument is defined for this symbol', symbol);
    return spec;
  }

  private internLocked(symbol: string): number {
    this.refresh();
    const known = this.ids.get(symbol);
    if (known !== undefined) return known;
    const id = Atomics.load(this.i32, H_COUNT);
    if (id >= this.capacity) {
      throw new ConfigurationError('ERR_SYMBOL_TABLE_FULL', `instrument table is full (${this.capacity} symbols)`, symbol);
    }
    const b = this.recordBase(id);
    for (let i = 0; i < symbol.length; i++) this.u8[b + INSTRUMENT_NAME_OFFSET + i] = symbol.charCodeAt(i);
    this.u8[b + INSTRUMENT_NAME_LENGTH_OFFSET] = symbol.length;
    Atomics.store(this.i32, (b + INSTRUMENT_STATE_OFFSET) >> 2, INTERNED);
    Atomics.store(this.i32, H_COUNT, id + 1); // publish: readers trust records below count
    this.ids.set(symbol, id);
    this.knownCount = id + 1;
    return id;
  }

  /** Learn symbols other threads added. Returns true if any were new. */
  private refresh(): boolean {
    const count = Atomics.load(this.i32, H_COUNT);
    if (count === this.knownCount) return false;
    for (let id = this.knownCount; id < count; id++) this.ids.set(this.symbolOf(id), id);
    this.knownCount = count;
    return true;
  }

  private locked<T>(body: () => T): T {
    while (Atomics.compareExchange(this.i32, H_LOCK, 0, 1) !== 0) {
      Atomics.wait(this.i32, H_LOCK, 1, 1); // cold path: sleep briefly instead of spinning
    }
    try {
      return body();
    } finally {
      Atomics.store(this.i32, H_LOCK, 0);
      Atomics.notify(this.i32, H_LOCK, 1);
    }
  }

  private recordBase(id: number): number {
    return HEADER_BYTES + id * INSTRUMENT_RECORD_BYTES;
  }
}

function checkSymbol(symbol: string): void {
  if (typeof symbol !== 'string' || !SYMBOL_RE.test(symbol)) {
    throw new InvalidArgumentError('ERR_INVALID_SYMBOL', 'a symbol is 1 to 64 printable ASCII characters', symbol);
  }
  if (symbol.length > INSTRUMENT_NAME_LENGTH) {
    throw new InvalidArgumentError('ERR_INVALID_SYMBOL', `a symbol has at most ${INSTRUMENT_NAME_LENGTH} characters`, symbol);
  }
}

function decimal(mantissa: number, scale: number): string {
  return formatDecimal({ mantissa, scale });
}
