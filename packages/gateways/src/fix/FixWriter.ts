import { FixDecimal, writeSplit } from './FixDecimal.js';
import { SOH, Tag } from './FixTags.js';
import { FixTimestampWriter, UTC_TIMESTAMP_BYTES } from './FixTime.js';

/** Room before the body for "8=FIX.4.4|9=<length>|", written once the body's length is known. */
const HEAD_ROOM = 48;

/**
 * Encodes one FIX message at a time into a buffer it reuses, with no allocation: the body
 * (from MsgType on) is written first, at a fixed offset; `close` then knows BodyLength (9)
 * and writes BeginString and BodyLength right-aligned before the body, and CheckSum (10)
 * after it, summed in the same pass. The message is `buf[start, end)` until the next `open`.
 *
 * Values are written as given: strings must come from configuration checked once
 * (`asciiBytes` refuses SOH and non-ASCII), numbers from the order's integers.
 */
export class FixWriter {
  readonly buf: Uint8Array;
  /** The last closed message: `buf[start, end)`. */
  start = 0;
  end = 0;
  private pos = HEAD_ROOM;
  private overflow = false;
  private readonly beginString: Uint8Array;
  private readonly limit: number;
  private readonly clock = new FixTimestampWriter();
  /**
   * Where a hot path puts the number it writes (`n[0]`; `n[1]` for a timestamp) before
   * calling `intN`, `decimalN`, `idWithSuffixN` or `timestampN`. A double passed as an
   * argument to a function V8 does not inline is boxed, a 16-byte HeapNumber per call
   * (measured: the order id from the flyweight cost 16 B per message through `int`); a
   * double stored in a Float64Array never is. `int`, `decimal`, `timestamp` take the
   * number directly, for paths where that does not matter.
   */
  readonly n = new Float64Array(2);

  constructor(beginString = 'FIX.4.4', capacity = 16_384) {
    this.beginString = asciiBytes(`8=${beginString}\u0001`, 'BeginString');
    this.buf = new Uint8Array(capacity);
    this.limit = capacity - 16; // room for "10=xxx|"
  }

  /** Start a message of a one-character MsgType (a `MsgType` code). */
  open(msgType: number): this {
    this.pos = HEAD_ROOM;
    this.overflow = false;
    this.tag(Tag.MsgType);
    this.buf[this.pos++] = msgType;
    this.buf[this.pos++] = SOH;
    return this;
  }

  int(tag: number, value: number): this {
    this.n[0] = value;
    return this.intN(tag);
  }

  /** An integer field whose value is in `n[0]` (a safe integer). */
  intN(tag: number): this {
    let value = this.n[0];
    if (!Number.isSafeInteger(value)) throw new RangeError(`FIX tag ${tag}: ${value} is not a safe integer`);
    if (!this.room(24)) return this;
    this.tag(tag);
    let at = this.pos;
    if (value < 0) {
      this.buf[at++] = 45;
      value = -value;
    }
    const high = Math.floor(value / 100_000_000); // int32 halves: no double crosses a call
    at = writeSplit(this.buf, at, high | 0, (value - high * 100_000_000) | 0);
    this.buf[at] = SOH;
    this.pos = at + 1;
    return this;
  }

  /** "<id>-<suffix>" (a ClOrdID of a cancel or replace), both non-negative safe integers. */
  idWithSuffix(tag: number, id: number, suffix: number): this {
    this.n[0] = id;
    return this.idWithSuffixN(tag, suffix);
  }

  /** `idWithSuffix` with the id in `n[0]`. */
  idWithSuffixN(tag: number, suffix: number): this {
    if (!this.room(40)) return this;
    this.tag(tag);
    const id = this.n[0];
    const high = Math.floor(id / 100_000_000);
    let at = writeSplit(this.buf, this.pos, high | 0, (id - high * 100_000_000) | 0);
    this.buf[at++] = 45; // '-'
    at = writeSplit(this.buf, at, 0, suffix | 0);
    this.buf[at] = SOH;
    this.pos = at + 1;
    return this;
  }

  char(tag: number, code: number): this {
    if (!this.room(12)) return this;
    this.tag(tag);
    this.buf[this.pos++] = code;
    this.buf[this.pos++] = SOH;
    return this;
  }

  bool(tag: number, value: boolean): this {
    return this.char(tag, value ? 89 : 78); // 'Y' / 'N'
  }

  /** A value prepared once (`asciiBytes`): a CompID, an account, a symbol. */
  bytes(tag: number, value: Uint8Array): this {
    return this.copy(tag, value, 0, value.length);
  }

  /** A value copied from another buffer (an OrderID echoed from a report). */
  copy(tag: number, src: Uint8Array, from: number, to: number): this {
    if (!this.room(12 + to - from)) return this;
    this.tag(tag);
    const b = this.buf;
    let at = this.pos;
    for (let i = from; i < to; i++) b[at++] = src[i];
    b[at] = SOH;
    this.pos = at + 1;
    return this;
  }

  /** `units` of an instrument's grid as an exact decimal; false (and nothing written) when it cannot be one. */
  decimal(tag: number, units: number, grid: FixDecimal): boolean {
    this.n[0] = units;
    return this.decimalN(tag, grid);
  }

  /** `decimal` with the units in `n[0]`. */
  decimalN(tag: number, grid: FixDecimal): boolean {
    if (!this.room(40)) return false;
    const mark = this.pos;
    this.tag(tag);
    grid.n[0] = this.n[0];
    const at = grid.writeFrom(this.buf, this.pos);
    if (at < 0) {
      this.pos = mark;
      return false;
    }
    this.buf[at] = SOH;
    this.pos = at + 1;
    return true;
  }

  /** A UTCTimestamp with milliseconds, from epoch ms. */
  timestamp(tag: number, epochMs: number): this {
    this.n[1] = epochMs;
    return this.timestampN(tag);
  }

  /** `timestamp` with the instant (epoch ms) in `n[1]`. */
  timestampN(tag: number): this {
    if (!this.room(12 + UTC_TIMESTAMP_BYTES)) return this;
    this.tag(tag);
    this.clock.n[0] = this.n[1];
    const at = this.clock.writeFrom(this.buf, this.pos);
    this.buf[at] = SOH;
    this.pos = at + 1;
    return this;
  }

  /**
   * Finish the message: BeginString and BodyLength before the body, CheckSum after it.
   * Returns its length, or -1 when it did not fit the buffer (nothing may be sent).
   */
  close(): number {
    if (this.overflow) return -1;
    const b = this.buf;
    const bodyLength = this.pos - HEAD_ROOM;
    // "9=<n>|" right-aligned against the body, then BeginString before it.
    let digits = 1;
    for (let v = bodyLength; v >= 10; v = Math.floor(v / 10)) digits++;
    let at = HEAD_ROOM - 1;
    b[at] = SOH;
    let v = bodyLength;
    for (let i = 0; i < digits; i++) {
      b[--at] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    b[--at] = 61; // '='
    b[--at] = 57; // '9'
    const begin = this.beginString;
    at -= begin.length;
    b.set(begin, at);
    let sum = 0;
    for (let i = at; i < this.pos; i++) sum += b[i];
    sum &= 255;
    let end = this.pos;
    b[end++] = 49; // '1'
    b[end++] = 48; // '0'
    b[end++] = 61;
    b[end++] = 48 + Math.floor(sum / 100);
    b[end++] = 48 + (Math.floor(sum / 10) % 10);
    b[end++] = 48 + (sum % 10);
    b[end++] = SOH;
    this.start = at;
    this.end = end;
    return end - at;
  }

  private tag(tag: number): void {
    const at = writeSplit(this.buf, this.pos, 0, tag); // tags are below 10^8
    this.buf[at] = 61; // '='
    this.pos = at + 1;
  }

  private room(bytes: number): boolean {
    if (this.pos + bytes <= this.limit) return true;
    this.overflow = true;
    return false;
  }
}

/**
 * A configured string as the bytes of a FIX value, checked once: printable ASCII only (no
 * SOH, which would end the field; '=' is allowed inside a value).
 */
export function asciiBytes(text: string, what: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 || c > 126) && !(c === 1 && what === 'BeginString' && i === text.length - 1)) throw new RangeError(`${what}: ${JSON.stringify(text)} is not printable ASCII`);
    out[i] = c;
  }
  return out;
}
