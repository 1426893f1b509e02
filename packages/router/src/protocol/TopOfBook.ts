import { ConfigurationError } from '@ringroute/core';

const MAGIC = 0x52524231; // 'RRB1'
const HEADER_BYTES = 128;
const SLOT_BYTES = 64; // one cache line per (venue, symbol)
// Within a slot (Int32 words / Float64 words from the slot start).
const W_SEQUENCE = 0;
const F_BID = 1;
const F_BID_LOTS = 2;
const F_ASK = 3;
const F_ASK_LOTS = 4;
const F_UPDATED_NS = 5;
const MAX_READ_ATTEMPTS = 64;
const FIELDS = 5; // bid, bid lots, ask, ask lots, updated ns: doubles 1..5 of the slot

/** A reusable quote for `TopOfBook.read` (fill one object per reader, not per read). */
export class Quote {
  bidTicks = NaN;
  bidLots = 0;
  askTicks = NaN;
  askLots = 0;
  updatedNs = 0;
  /** How many times the slot was published (0: never). */
  version = 0;
}

/**
 * Best bid and ask with sizes, per venue and symbol, in one SharedArrayBuffer: gateway
 * workers publish, the router (any thread) reads without a hop.
 *
 * Each (venue, symbol) slot is one cache line guarded by a sequence lock. The single
 * writer (the worker that owns the venue session) makes the sequence odd, writes the
 * fields, and makes it even again; a reader reads the sequence, the fields, and the
 * sequence again, and retries if it changed or was odd. Readers never block the writer
 * and never see a torn quote. NaN prices mean "no bid" / "no ask".
 *
 * Why every field goes through `Atomics` (JavaScript's memory model, not x86's): a plain
 * typed-array access is unordered. Nothing then stops a reader's plain field loads from
 * taking values the writer stores after the reader's second sequence load (on arm64 a
 * plain `ldr` may be satisfied after a later `ldar`), so the sequence check would pass on
 * a mixed quote; and a plain Float64 access may even tear (the spec makes only integer
 * element accesses tear-free). With the fields' stores and loads atomic (each double as
 * two Int32 halves), all of them sit in the one total order of atomic operations: a
 * reader that saw any value of a later write also sees that write's odd sequence, and
 * retries. The cost, measured beside plain accesses, is in `router.topofbook.*`.
 */
export class TopOfBook {
  readonly buffer: SharedArrayBuffer;
  readonly venues: number;
  readonly symbols: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  /** Thread-local scratch (not shared) to move a double to and from its two Int32 halves. */
  private readonly scratchF64 = new Float64Array(FIELDS);
  private readonly scratchI32 = new Int32Array(this.scratchF64.buffer);

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.venues = this.i32[1];
    this.symbols = this.i32[2];
  }

  static create(venues: number, symbols: number): TopOfBook {
    for (const [name, value] of [['venues', venues], ['symbols', symbols]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 65_536) {
        throw new ConfigurationError('ERR_INVALID_ARGUMENT', `${name} must be an integer from 1 to 65536`, value);
      }
    }
    const buffer = new SharedArrayBuffer(HEADER_BYTES + venues * symbols * SLOT_BYTES);
    const i32 = new Int32Array(buffer);
    i32[0] = MAGIC;
    i32[1] = venues;
    i32[2] = symbols;
    const f64 = new Float64Array(buffer);
    for (let slot = 0; slot < venues * symbols; slot++) {
      const base = (HEADER_BYTES + slot * SLOT_BYTES) >> 3;
      f64[base + F_BID] = NaN;
      f64[base + F_ASK] = NaN;
    }
    return new TopOfBook(buffer);
  }

  static attach(buffer: SharedArrayBuffer): TopOfBook {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES || new Int32Array(buffer)[0] !== MAGIC) {
      throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'not a ringroute top-of-book buffer', buffer);
    }
    const i32 = new Int32Array(buffer, 0, 4);
    if (buffer.byteLength !== HEADER_BYTES + i32[1] * i32[2] * SLOT_BYTES) {
      throw new ConfigurationError('ERR_BUFFER_SIZE', 'top-of-book buffer size does not match its venues x symbols', buffer);
    }
    return new TopOfBook(buffer);
  }

  /** Publish a venue's best bid/ask for a symbol. One writer per (venue, symbol). */
  publish(venueId: number, symbolId: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number, nowNs: number): void {
    const base = this.slotBase(venueId, symbolId);
    if (base < 0) return;
    const w = base >> 2;
    const i32 = this.i32;
    const sequence = i32[w + W_SEQUENCE]; // only this thread writes it
    Atomics.store(i32, w + W_SEQUENCE, sequence + 1); // odd: writing
    const f = this.scratchF64;
    f[0] = bidTicks;
    f[1] = bidLots;
    f[2] = askTicks;
    f[3] = askLots;
    f[4] = nowNs;
    const halves = this.scratchI32;
    const first = w + 2 * F_BID; // Int32 index of the slot's first field
    for (let k = 0; k < 2 * FIELDS; k++) Atomics.store(i32, first + k, halves[k]); // each half of a double (see the class comment)
    Atomics.store(i32, w + W_SEQUENCE, sequence + 2); // even: stable
  }

  /**
   * Read a consistent quote into `out`. Returns false if the ids are out of range or the
   * writer kept the slot busy for 64 attempts in a row (then `out` is unchanged).
   */
  read(venueId: number, symbolId: number, out: Quote): boolean {
    const base = this.slotBase(venueId, symbolId);
    if (base < 0) return false;
    const w = base >> 2;
    const i32 = this.i32;
    const halves = this.scratchI32;
    const first = w + 2 * F_BID;
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const before = Atomics.load(i32, w + W_SEQUENCE);
      if ((before & 1) !== 0) continue;
      for (let k = 0; k < 2 * FIELDS; k++) halves[k] = Atomics.load(i32, first + k);
      if (Atomics.load(i32, w + W_SEQUENCE) !== before) continue;
      const f = this.scratchF64;
      out.bidTicks = f[0];
      out.bidLots = f[1];
      out.askTicks = f[2];
      out.askLots = f[3];
      out.updatedNs = f[4];
      out.version = before >>> 1;
      return true;
    }
    return false;
  }

  private slotBase(venueId: number, symbolId: number): number {
    if (venueId < 0 || venueId >= this.venues || symbolId < 0 || symbolId >= this.symbols) return -1;
    return HEADER_BYTES + (venueId * this.symbols + symbolId) * SLOT_BYTES;
  }
}
