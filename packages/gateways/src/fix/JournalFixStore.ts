import { Journal, type JournalFlushPolicy, type JournalRecordView } from '@ringroute/router';
import type { FixStore } from './FixStore.js';
import { SentMessages } from './SentMessages.js';

/** The store's record types, in the journal's range for other users (JournalRecordType.APPLICATION on). */
export const FixStoreRecord = {
  /** An application message sent: [f64 MsgSeqNum][the message's bytes]. */
  SENT: 64,
  /** Both sequence numbers: [f64 next sender][f64 next target]. */
  SEQUENCES: 65,
  /** A clean stop: [f64 next sender][f64 next target], exact for the next start. */
  CLOSED: 66,
  /** A new sequence (ResetSeqNumFlag): what came before is not resent. */
  RESET: 67,
} as const;

export interface JournalFixStoreOptions {
  /** The store's directory (its own journal: not the router's). */
  dir: string;
  /** When written records are fdatasync'ed (the journal's policies; default every 100 ms). */
  flush?: JournalFlushPolicy;
  /**
   * How far the sequence may have run ahead of the disk after a crash. The store's writes
   * go through the journal's ring and thread, off the gateway's thread, so a process killed
   * mid-flow may have sent messages whose records were not written. A restart after
   * anything but a clean close therefore starts `margin` past the last number written:
   * never below one the venue saw (which it would take as "MsgSeqNum too low" and end the
   * session), and the venue's ResendRequest for the numbers skipped is answered with a
   * gap fill. The session refuses application messages while more than `margin / 2`
   * records are not written yet, so the margin always covers them. Default 10,000.
   */
  margin?: number;
  /** Bytes of recent sent messages kept for resend (default 8 MiB; older ones are gap-filled). */
  arenaBytes?: number;
  startTimeoutMs?: number;
}

/** What opening the store found. */
export interface FixStoreOpened {
  /** The last run ended with a clean close (the numbers are exact). */
  clean: boolean;
  /** Sequence numbers skipped for safety (0 after a clean close). */
  skipped: number;
  /** Messages loaded for resend. */
  messages: number;
}

/**
 * A FIX session store on the journal's storage: the same segment files, checksums, torn
 * tail cut and flush policies as the order journal (issue 13), with records of its own.
 * Every write is a copy into the journal's ring; the journal thread does the file I/O.
 */
export class JournalFixStore implements FixStore {
  nextSenderSeq: number;
  nextTargetSeq: number;
  readonly messages: SentMessages;
  readonly opened: FixStoreOpened;
  private readonly journal: Journal;
  private readonly margin: number;
  private dirty = true;
  private nowNs = 0;
  private closed = false;

  private constructor(journal: Journal, messages: SentMessages, sender: number, target: number, margin: number, opened: FixStoreOpened) {
    this.journal = journal;
    this.messages = messages;
    this.nextSenderSeq = sender;
    this.nextTargetSeq = target;
    this.margin = margin;
    this.opened = opened;
  }

  static async open(options: JournalFixStoreOptions): Promise<JournalFixStore> {
    const margin = options.margin ?? 10_000;
    const messages = new SentMessages(options.arenaBytes ?? 8 << 20);
    let sender = 1;
    let target = 1;
    let clean = true;
    const visit = (r: JournalRecordView): void => {
      if (r.type < FixStoreRecord.SENT || r.type > FixStoreRecord.RESET) return; // the journal's own (id blocks)
      const p = r.payload;
      const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
      if (r.type === FixStoreRecord.RESET) {
        messages.clear();
        sender = 1;
        target = 1;
        clean = false;
        return;
      }
      const a = p.byteLength >= 8 ? view.getFloat64(0, true) : Number.NaN;
      if (!Number.isSafeInteger(a) || a < 1) return;
      if (r.type === FixStoreRecord.SENT) {
        messages.add(a, p, 8, p.byteLength);
        sender = Math.max(sender, a + 1);
        clean = false;
        return;
      }
      const b = p.byteLength >= 16 ? view.getFloat64(8, true) : Number.NaN;
      if (!Number.isSafeInteger(b) || b < 1) return;
      sender = r.type === FixStoreRecord.CLOSED ? a : Math.max(sender, a);
      target = b;
      clean = r.type === FixStoreRecord.CLOSED;
    };
    const journal = await Journal.open({ dir: options.dir, flush: options.flush, ringBytes: 4 << 20 }, 1, () => 1, options.startTimeoutMs ?? 10_000, visit);
    const skipped = clean ? 0 : margin;
    const store = new JournalFixStore(journal, messages, sender + skipped, target, margin, { clean, skipped, messages: messages.size });
    store.flush(0); // the numbers with the margin, before anything is sent
    return store;
  }

  /** False while more than margin / 2 records wait for the journal thread, or once it failed. */
  get ready(): boolean {
    const lane = this.journal.lanes[0];
    return !this.closed && !lane.failed && lane.committed - this.journal.written < this.margin / 2;
  }

  sent(seq: number, buf: Uint8Array, from: number, to: number): void {
    this.messages.add(seq, buf, from, to);
    if (seq >= this.nextSenderSeq) this.nextSenderSeq = seq + 1;
    const lane = this.journal.lanes[0];
    const n = to - from;
    const at = lane.claim(FixStoreRecord.SENT, 8 + n, this.nowNs);
    if (at < 0) return; // full or failed: `ready` is false from here on, and no more is sent
    const p = lane.payloadAt(at);
    lane.f64[p >> 3] = seq;
    const u8 = lane.u8;
    for (let i = 0; i < n; i++) u8[p + 8 + i] = buf[from + i];
    lane.commit(at);
  }

  setSequences(nextSender: number, nextTarget: number): void {
    if (nextSender === this.nextSenderSeq && nextTarget === this.nextTargetSeq) return;
    this.nextSenderSeq = nextSender;
    this.nextTargetSeq = nextTarget;
    this.dirty = true;
  }

  flush(nowNs: number): void {
    this.nowNs = nowNs;
    if (!this.dirty) return;
    if (this.journal.lanes[0].numbers(FixStoreRecord.SEQUENCES, nowNs, this.nextSenderSeq, this.nextTargetSeq, 0, 2)) this.dirty = false;
  }

  reset(): void {
    this.messages.clear();
    this.nextSenderSeq = 1;
    this.nextTargetSeq = 1;
    this.journal.lanes[0].numbers(FixStoreRecord.RESET, this.nowNs, 0, 0, 0, 1);
    this.dirty = true;
  }

  async close(clean: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const lane = this.journal.lanes[0];
    if (clean) lane.numbers(FixStoreRecord.CLOSED, this.nowNs, this.nextSenderSeq, this.nextTargetSeq, 0, 2);
    else this.flush(this.nowNs);
    await this.journal.close();
  }

  /** Records written to the files so far (tests, stats). */
  get written(): number {
    return this.journal.written;
  }
}
