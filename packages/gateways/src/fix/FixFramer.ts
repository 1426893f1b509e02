import { FixMessage, FixParseError } from './FixMessage.js';
import { SOH } from './FixTags.js';
import { byteSum } from './FixWriter.js';

/** What `FixFramer.next` found. */
export const Framed = {
  /** No complete message yet: push more bytes. */
  NONE: 0,
  /** A message, parsed into the `FixMessage` given. */
  MESSAGE: 1,
  /** A message whose framing and checksum are right but whose fields are not FIX (`FixMessage.parse`'s code in `lastError`): the session rejects it. */
  INVALID: 2,
} as const;

export interface FramerStats {
  messages: number;
  /** Dropped: CheckSum (10) does not match the bytes. */
  badChecksum: number;
  /** Dropped: BodyLength (9) does not lead to a CheckSum field, or another message starts inside the body. */
  badLength: number;
  /** Dropped: BodyLength above the session's maximum. */
  oversized: number;
  /** Bytes skipped looking for "8=FIX" (garbage between messages). */
  garbageBytes: number;
  invalid: number;
}

/**
 * Cuts a TCP byte stream into FIX messages: a message split across reads waits for the
 * rest, several in one read come out one by one. A message is taken only when its
 * BeginString, BodyLength and CheckSum agree; anything else is dropped and counted, and the
 * framer resynchronises on the next "8=FIX" (a garbled message is ignored, as the session
 * protocol says, and never ends the session). Bounded: nothing waits for more than
 * `maxMessageBytes`. No allocation after construction.
 */
export class FixFramer {
  readonly stats: FramerStats = { messages: 0, badChecksum: 0, badLength: 0, oversized: 0, garbageBytes: 0, invalid: 0 };
  /** The parse error of the last INVALID message. */
  lastError = 0;
  private readonly buf: Uint8Array;
  /** The same bytes four at a time, for the CheckSum (`byteSum`). */
  private readonly words: Int32Array;
  private head = 0;
  private tail = 0;
  private readonly maxMessage: number;

  constructor(maxMessageBytes = 65_536) {
    this.maxMessage = maxMessageBytes;
    this.buf = new Uint8Array(maxMessageBytes * 2);
    this.words = new Int32Array(this.buf.buffer, 0, this.buf.length >> 2);
  }

  /** Bytes received and not yet framed. */
  get pending(): number {
    return this.tail - this.head;
  }

  /**
   * Copy as much of `chunk[from, ...)` as there is room for; returns how many bytes were
   * taken. Call `next` until NONE, then push the rest.
   */
  push(chunk: Uint8Array, from = 0): number {
    if (this.head === this.tail) this.head = this.tail = 0;
    else if (this.head > 0 && this.tail + (chunk.length - from) > this.buf.length) {
      this.buf.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    const n = Math.min(chunk.length - from, this.buf.length - this.tail);
    this.buf.set(n === chunk.length - from && from === 0 ? chunk : chunk.subarray(from, from + n), this.tail);
    this.tail += n;
    return n;
  }

  /** The next message into `msg` (a `Framed` code). */
  next(msg: FixMessage): number {
    const b = this.buf;
    for (;;) {
      const head = this.head;
      const tail = this.tail;
      // BeginString: "8=" at the start, up to its SOH.
      if (tail - head < 2) return Framed.NONE;
      if (b[head] !== 56 || b[head + 1] !== 61) {
        this.skipTo(head + 1);
        continue;
      }
      let i = head + 2;
      while (i < tail && b[i] !== SOH && i - head < 32) i++;
      if (i >= tail) return Framed.NONE;
      if (b[i] !== SOH) {
        this.skipTo(head + 1);
        continue;
      }
      // BodyLength: "9=<digits>" right after it.
      i++;
      if (tail - i < 3) return Framed.NONE;
      if (b[i] !== 57 || b[i + 1] !== 61) {
        this.stats.badLength++;
        this.skipTo(head + 1);
        continue;
      }
      i += 2;
      let length = 0;
      const digitsAt = i;
      for (; i < tail && b[i] >= 48 && b[i] <= 57 && i - digitsAt < 8; i++) length = length * 10 + (b[i] - 48);
      if (i >= tail) return Framed.NONE;
      if (b[i] !== SOH || i === digitsAt) {
        this.stats.badLength++;
        this.skipTo(head + 1);
        continue;
      }
      const bodyStart = i + 1;
      const bodyEnd = bodyStart + length;
      const end = bodyEnd + 7; // "10=nnn" SOH
      if (end - head > this.maxMessage) {
        this.stats.oversized++;
        this.skipTo(head + 1);
        continue;
      }
      if (end > tail) {
        // Another message starting inside what BodyLength claims: the length is wrong.
        const other = this.findStart(bodyStart, tail, true);
        if (other >= 0) {
          this.stats.badLength++;
          this.skipTo(other);
          continue;
        }
        return Framed.NONE;
      }
      if (b[bodyEnd] !== 49 || b[bodyEnd + 1] !== 48 || b[bodyEnd + 2] !== 61 || b[end - 1] !== SOH || b[bodyEnd - 1] !== SOH) {
        this.stats.badLength++;
        this.skipTo(head + 1);
        continue;
      }
      const d0 = b[bodyEnd + 3] - 48;
      const d1 = b[bodyEnd + 4] - 48;
      const d2 = b[bodyEnd + 5] - 48;
      const sum = byteSum(b, this.words, head, bodyEnd);
      if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || d0 * 100 + d1 * 10 + d2 !== sum) {
        this.stats.badChecksum++;
        this.head = end; // framed consistently: the garbled message is skipped whole
        continue;
      }
      this.head = end;
      const error = msg.parse(b, head, end);
      if (error !== FixParseError.OK) {
        this.lastError = error;
        this.stats.invalid++;
        return Framed.INVALID;
      }
      this.stats.messages++;
      return Framed.MESSAGE;
    }
  }

  /** Drop bytes up to the next "8=FIX" at or after `from` (all of them when there is none). */
  private skipTo(from: number): void {
    const at = this.findStart(from, this.tail, false);
    const to = at < 0 ? Math.max(from, this.tail - 4) : at; // keep a possible prefix of "8=FIX"
    this.stats.garbageBytes += to - this.head;
    this.head = to;
  }

  /**
   * Position of the next "8=FIX" in `[from, to)`, -1 if none. `afterSoh`: only one that
   * follows an SOH (inside a body, where a value could hold those letters otherwise).
   */
  private findStart(from: number, to: number, afterSoh: boolean): number {
    const b = this.buf;
    for (let k = from; k + 5 <= to; k++) {
      if (b[k] === 56 && b[k + 1] === 61 && b[k + 2] === 70 && b[k + 3] === 73 && b[k + 4] === 88 && (!afterSoh || b[k - 1] === SOH)) return k;
    }
    return -1;
  }
}
