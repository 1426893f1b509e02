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
  /** The same bytes four at a time, for the CheckSum (the buffer is its own, so aligned). */
  private readonly words: Int32Array;
  /** The last closed message: `buf[start, end)`. */
  start = 0;
  end = 0;
  private pos = HEAD_ROOM;
  private overflow = false;
  private readonly beginString: Uint8Array;
  private readonly limit: number;
  /** Writes UTCTimestamps (an encoder writing in place stamps through it: see `reserve`). */
  readonly clock = new FixTimestampWriter();
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
    this.words = new Int32Array(this.buf.buffer, 0, capacity >> 2);
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

  /**
   * Start a message with the standard header written in place: MsgType, the CompIDs
   * prepared once (`fixFields`), MsgSeqNum from `n[0]` and SendingTime (epoch ms) from
   * `n[1]`. What `open(type).fields(compIds).intN(34).timestampN(52)` writes, with one
   * room check and no call per field (see FixOrderEncoder.newOrder on why that matters).
   */
  openHeader(msgType: number, compIds: Uint8Array): this {
    this.overflow = false;
    const b = this.buf;
    let at = HEAD_ROOM;
    if (at + compIds.length + 64 > this.limit) {
      this.pos = at;
      this.overflow = true;
      return this;
    }
    b[at] = 51; // "35="
    b[at + 1] = 53;
    b[at + 2] = 61;
    b[at + 3] = msgType;
    b[at + 4] = SOH;
    at += 5;
    at = putBytes(b, at, compIds);
    const seq = this.n[0]; // a MsgSeqNum: a positive integer below 2^31 in practice, below 2^53 always
    const high = Math.floor(seq / 100_000_000);
    b[at] = 51; // "34="
    b[at + 1] = 52;
    b[at + 2] = 61;
    at = writeSplit(b, at + 3, high | 0, (seq - high * 100_000_000) | 0);
    b[at] = SOH;
    b[at + 1] = 53; // "52="
    b[at + 2] = 50;
    b[at + 3] = 61;
    this.clock.n[0] = this.n[1];
    at = this.clock.writeFrom(b, at + 4);
    b[at] = SOH;
    this.pos = at + 1;
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

  /**
   * Whole fields prepared once (`fixFields`): "49=SENDER|56=TARGET|", an account and a
   * symbol. One copy instead of a tag, a value and a SOH per field.
   */
  fields(prepared: Uint8Array): this {
    if (!this.room(prepared.length)) return this;
    this.pos = putBytes(this.buf, this.pos, prepared);
    return this;
  }

  /**
   * For an encoder that writes a whole run of fields in place (FixOrderEncoder.newOrder):
   * the position to write at, with `bytes` of room after it, or -1 when the message would
   * not fit (it is then marked, and `close` returns -1). Finish with `advance`.
   */
  reserve(bytes: number): number {
    return this.room(bytes) ? this.pos : -1;
  }

  /** The in-place writer wrote up to `to` (at most the room `reserve` gave). */
  advance(to: number): void {
    this.pos = to;
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
    const sum = byteSum(b, this.words, at, this.pos);
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
 * The sum of `b[from, to)` modulo 256 (FIX's CheckSum), summed a 32-bit word at a time:
 * four bytes per load, two 16-bit lanes per mask. A byte at a time cost a nanosecond a
 * byte (170 ns for a NewOrderSingle); this is a quarter of that. The sum of a word's bytes
 * does not depend on their order, so the platform's endianness does not matter. `words`
 * views the same memory as `b` from offset 0.
 */
export function byteSum(b: Uint8Array, words: Int32Array, from: number, to: number): number {
  let sum = 0;
  let i = from;
  while ((i & 3) !== 0 && i < to) sum += b[i++];
  const lastWord = (to >> 2) << 2;
  while (i < lastWord) {
    // Each lane gains at most 255 a word: in a chunk of 128 words no lane carries into the
    // next, and the upper lane stays below 2^31 (the sums stay small integers for V8).
    const chunkEnd = Math.min(lastWord, i + 512);
    let even = 0;
    let odd = 0;
    for (let w = i >> 2, end = chunkEnd >> 2; w < end; w++) {
      const x = words[w];
      even = (even + (x & 0x00ff00ff)) | 0;
      odd = (odd + ((x >> 8) & 0x00ff00ff)) | 0;
    }
    sum += (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16);
    i = chunkEnd;
  }
  while (i < to) sum += b[i++];
  return sum & 255;
}

/**
 * Copy `src` into `b` at `at`; the position after it. Measured on this VM: a byte loop
 * costs about 1 ns a byte, `TypedArray.prototype.set` a flat 12 ns, so the loop for what
 * is shorter than 12 bytes and `set` for the rest.
 */
export function putBytes(b: Uint8Array, at: number, src: Uint8Array): number {
  const length = src.length;
  if (length < 12) {
    for (let i = 0; i < length; i++) b[at + i] = src[i];
  } else b.set(src, at);
  return at + length;
}

/**
 * Fields prepared once from configuration, as the bytes `FixWriter.fields` copies:
 * `[[49, 'SENDER'], [56, 'TARGET']]` is "49=SENDER|56=TARGET|". Pairs whose value is null
 * are left out. Values are checked as `asciiBytes` checks them, and may not be empty; tags
 * must be positive integers.
 */
export function fixFields(pairs: readonly (readonly [number, string | null])[]): Uint8Array {
  let text = '';
  for (const [tag, value] of pairs) {
    if (value === null) continue;
    if (!Number.isSafeInteger(tag) || tag <= 0) throw new RangeError(`FIX tag ${tag} is not a positive integer`);
    if (value.length === 0) throw new RangeError(`FIX tag ${tag}: an empty value cannot be sent`);
    asciiBytes(value, `tag ${tag}`);
    text += `${tag}=${value}\u0001`;
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
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
