import { FixMessage, FixParseError } from './FixMessage.js';
import type { FixStore } from './FixStore.js';
import { MsgType, Tag } from './FixTags.js';
import type { FixWriter } from './FixWriter.js';

/** Header fields a resend writes anew (the rest of a stored message is copied as it was). */
const REWRITTEN = new Set<number>([Tag.BeginString, Tag.BodyLength, Tag.CheckSum, Tag.MsgType, Tag.SenderCompID, Tag.TargetCompID, Tag.MsgSeqNum, Tag.SendingTime, Tag.PossDupFlag, Tag.OrigSendingTime, Tag.PossResend]);

/** How the resender writes: the session's header and transport. */
export interface ResendOutput {
  /** Start a message with the session's header for sequence number `seq`, PossDupFlag set; OrigSendingTime when given (epoch ms). */
  header(writer: FixWriter, msgType: number, seq: number, origSendingMs: number): void;
  /** Put the closed message `writer.buf[start, end)` on the wire (not stored, sequence not advanced). */
  put(writer: FixWriter): void;
}

/**
 * Answers a ResendRequest (2) from the store: every application message still held is
 * sent again as it was, with PossDupFlag (43) = Y and OrigSendingTime (122) = its first
 * SendingTime; every run of numbers it does not hold (session messages, messages evicted
 * from the arena, numbers skipped after a crash) becomes one SequenceReset-GapFill (4,
 * 123 = Y) to the next number that follows. The loop walks the held messages, not the
 * requested range, so a request for 1 to 2^53 costs what the store holds.
 */
export class FixResender {
  /** Messages sent again and gap fills written, over the session's life. */
  resent = 0;
  gapFills = 0;
  private readonly stored = new FixMessage();

  constructor(private readonly store: FixStore, private readonly writer: FixWriter, private readonly out: ResendOutput) {}

  /** Resend `begin` to `end` (0: everything sent). False when the range is not one (the caller rejects the request). */
  answer(begin: number, end: number): boolean {
    const last = this.store.nextSenderSeq - 1;
    if (!(begin >= 1) || !(end >= 0) || (end !== 0 && end < begin)) return false;
    const to = end === 0 || end > last ? last : end;
    const messages = this.store.messages;
    let seq = begin;
    while (seq <= to) {
      const next = messages.nextAtOrAfter(seq);
      if (next > to) {
        this.gapFill(seq, to + 1);
        break;
      }
      if (next > seq) this.gapFill(seq, next);
      messages.find(next);
      if (!this.resend(next, messages.bytes, messages.from, messages.to)) this.gapFill(next, next + 1);
      seq = next + 1;
    }
    return true;
  }

  private resend(seq: number, buf: Uint8Array, from: number, to: number): boolean {
    const m = this.stored;
    if (m.parse(buf, from, to) !== FixParseError.OK || m.msgType < 0) return false;
    const w = this.writer;
    this.out.header(w, m.msgType, seq, m.timestamp(Tag.SendingTime));
    for (let i = 0; i < m.count; i++) {
      const tag = m.tags[i];
      if (!REWRITTEN.has(tag)) w.copy(tag, buf, m.from[i], m.to[i]);
    }
    if (w.close() < 0) return false;
    this.out.put(w);
    this.resent++;
    return true;
  }

  /** SequenceReset-GapFill sent as number `seq`, saying the next message is `next`. */
  private gapFill(seq: number, next: number): void {
    const w = this.writer;
    this.out.header(w, MsgType.SEQUENCE_RESET, seq, Number.NaN);
    w.bool(Tag.GapFillFlag, true).int(Tag.NewSeqNo, next);
    if (w.close() < 0) return;
    this.out.put(w);
    this.gapFills++;
  }
}
