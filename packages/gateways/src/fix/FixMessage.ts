import type { FixDecimal } from './FixDecimal.js';
import { SOH, Tag } from './FixTags.js';
import { readUtcTimestamp } from './FixTime.js';

/** Why `FixMessage.parse` refused a message (a framed message whose fields are not FIX). */
export const FixParseError = {
  OK: 0,
  /** A field without '=', an empty or non-numeric tag, or a tag of more than 9 digits (int32 holds every 9-digit tag; FIX's are at most 5). */
  MALFORMED_FIELD: 1,
  /** More fields than `MAX_FIELDS`. */
  TOO_MANY_FIELDS: 2,
  /** The third field is not MsgType (35). */
  NO_MSG_TYPE: 3,
  /** MsgSeqNum (34) missing, or not a positive integer. */
  BAD_SEQ_NUM: 4,
} as const;

export const MAX_FIELDS = 512;
/** Tags below this are found through a direct index; others by a scan. */
const INDEXED_TAGS = 1_024;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * One received FIX message, parsed in place: for each field, its tag and where its value
 * lies in the receive buffer (no string per field). Values are read on demand, straight
 * from the bytes: integers, characters, decimals to an instrument's units, timestamps.
 * Valid until the buffer is reused (the next message from the framer).
 */
export class FixMessage {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** MsgType's character code for one-character types; -1 for longer ones. */
  msgType = 0;
  seqNum = 0;
  count = 0;
  readonly tags = new Int32Array(MAX_FIELDS);
  readonly from = new Int32Array(MAX_FIELDS);
  readonly to = new Int32Array(MAX_FIELDS);
  // First field of each tag below INDEXED_TAGS, valid when its stamp is this message's.
  private readonly slot = new Int32Array(INDEXED_TAGS);
  private readonly stamp = new Int32Array(INDEXED_TAGS);
  private generation = 0;

  /** Parse the framed message `buf[start, end)` (checksum already checked). A FixParseError code. */
  parse(buf: Uint8Array, start: number, end: number): number {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.count = 0;
    this.msgType = 0;
    this.seqNum = 0;
    const generation = (this.generation = (this.generation + 1) | 0 || 1);
    // The last byte must be an SOH: every scan below then stops at one without a bound check.
    if (end <= start || buf[end - 1] !== SOH) return FixParseError.MALFORMED_FIELD;
    const tags = this.tags;
    const from = this.from;
    const to = this.to;
    const slot = this.slot;
    const stamp = this.stamp;
    let i = start;
    let n = 0;
    while (i < end) {
      let tag = buf[i] - 48;
      if (tag < 1 || tag > 9) return FixParseError.MALFORMED_FIELD; // empty, or a leading zero
      const tagStart = i;
      let d = buf[++i] - 48;
      // One unsigned comparison per digit ('=' and SOH are below '0': negative, so huge).
      while (d >>> 0 <= 9) {
        tag = tag * 10 + d;
        d = buf[++i] - 48;
      }
      // Not '=' (an SOH: a field without one, or a letter), or a tag of more than 9 digits
      // (past 2^31 once it has 10; none is that long).
      if (d !== 13 || i - tagStart > 9) return FixParseError.MALFORMED_FIELD;
      const valueStart = ++i;
      while (buf[i] !== SOH) i++;
      if (n === MAX_FIELDS) return FixParseError.TOO_MANY_FIELDS;
      tags[n] = tag;
      from[n] = valueStart;
      to[n] = i;
      if (tag < INDEXED_TAGS && stamp[tag] !== generation) {
        stamp[tag] = generation;
        slot[tag] = n;
      }
      n++;
      i++;
    }
    this.count = n;
    if (n < 3 || this.tags[2] !== Tag.MsgType || this.to[2] === this.from[2]) return FixParseError.NO_MSG_TYPE;
    this.msgType = this.to[2] - this.from[2] === 1 ? buf[this.from[2]] : -1;
    const seq = this.int(Tag.MsgSeqNum);
    if (!(seq > 0)) return FixParseError.BAD_SEQ_NUM;
    this.seqNum = seq;
    return FixParseError.OK;
  }

  /** Index of the first field with `tag`, or -1. */
  find(tag: number): number {
    if (tag < INDEXED_TAGS) return this.stamp[tag] === this.generation ? this.slot[tag] : -1;
    const tags = this.tags;
    for (let i = 0; i < this.count; i++) if (tags[i] === tag) return i;
    return -1;
  }

  has(tag: number): boolean {
    return this.find(tag) >= 0;
  }

  /** An integer field: NaN when absent, empty, not digits (an optional leading '-'), or past 2^53. */
  int(tag: number): number {
    const f = this.find(tag);
    if (f < 0) return Number.NaN;
    const buf = this.buf;
    let i = this.from[f];
    const end = this.to[f];
    let negative = false;
    if (i < end && buf[i] === 45) {
      negative = true;
      i++;
    }
    if (i === end) return Number.NaN;
    let v = 0;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) return Number.NaN;
      v = v * 10 + d;
      if (v > MAX_SAFE) return Number.NaN;
    }
    return negative ? -v : v;
  }

  /** The first character of a field (a char or a one-letter enum), or -1 when absent or empty. */
  char(tag: number): number {
    const f = this.find(tag);
    return f < 0 || this.to[f] === this.from[f] ? -1 : this.buf[this.from[f]];
  }

  /** A Boolean field: true only for "Y". */
  flag(tag: number): boolean {
    const f = this.find(tag);
    return f >= 0 && this.to[f] - this.from[f] === 1 && this.buf[this.from[f]] === 89;
  }

  /** A price or quantity in units of `grid`: NaN when absent, malformed, past 2^53 or off the grid. */
  units(tag: number, grid: FixDecimal): number {
    const f = this.find(tag);
    return f < 0 ? Number.NaN : grid.read(this.buf, this.from[f], this.to[f]);
  }

  /** A UTCTimestamp as epoch ms, NaN when absent or malformed. */
  timestamp(tag: number): number {
    const f = this.find(tag);
    return f < 0 ? Number.NaN : readUtcTimestamp(this.buf, this.from[f], this.to[f]);
  }

  /** Whether a field's value is exactly `value`'s bytes. */
  equals(tag: number, value: Uint8Array): boolean {
    const f = this.find(tag);
    if (f < 0 || this.to[f] - this.from[f] !== value.length) return false;
    const b = this.buf;
    const at = this.from[f];
    for (let i = 0; i < value.length; i++) if (b[at + i] !== value[i]) return false;
    return true;
  }

  /** A field's value as a string (allocates: logs, errors and tests, not the order path). */
  text(tag: number): string | undefined {
    const f = this.find(tag);
    if (f < 0) return undefined;
    let s = '';
    for (let i = this.from[f]; i < this.to[f]; i++) s += String.fromCharCode(this.buf[i]);
    return s;
  }

  /** The whole message with SOH shown as '|' (allocates: logs and tests). */
  toString(): string {
    let s = '';
    for (let i = this.start; i < this.end; i++) s += this.buf[i] === SOH ? '|' : String.fromCharCode(this.buf[i]);
    return s;
  }
}
