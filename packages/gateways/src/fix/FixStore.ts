import { SentMessages } from './SentMessages.js';

/**
 * A FIX session's memory: both sequence numbers and the application messages it sent
 * (for resend). `MemoryFixStore` keeps them in the process (an acceptor that restarts
 * clean, tests); `JournalFixStore` makes them durable on the journal's storage.
 */
export interface FixStore {
  /** The sequence number the next outbound message gets. */
  readonly nextSenderSeq: number;
  /** The sequence number expected of the next inbound message. */
  readonly nextTargetSeq: number;
  /** Messages sent, for resend (recent ones; older ones are gap-filled). */
  readonly messages: SentMessages;
  /**
   * False while the store cannot take another message without breaking its promise (a
   * durable store whose writer is too far behind): the session then refuses application
   * messages with a status instead of waiting.
   */
  readonly ready: boolean;
  /** An application message was sent with `seq`: `buf[from, to)`. */
  sent(seq: number, buf: Uint8Array, from: number, to: number): void;
  /** The sequence numbers now (an admin message sent, a message received). Cheap: kept and written once per `flush`. */
  setSequences(nextSender: number, nextTarget: number): void;
  /** Write what changed since the last flush (once per loop turn). */
  flush(nowNs: number): void;
  /** Start a new sequence (ResetSeqNumFlag): both numbers 1, no message kept. */
  reset(): void;
  /** Stop; `clean`: both numbers are exact for the next start. */
  close(clean: boolean): Promise<void>;
}

/** A store in memory only: a restart starts at sequence 1. */
export class MemoryFixStore implements FixStore {
  nextSenderSeq = 1;
  nextTargetSeq = 1;
  readonly messages: SentMessages;
  readonly ready = true;

  constructor(arenaBytes = 4 << 20) {
    this.messages = new SentMessages(arenaBytes);
  }

  sent(seq: number, buf: Uint8Array, from: number, to: number): void {
    this.messages.add(seq, buf, from, to);
    if (seq >= this.nextSenderSeq) this.nextSenderSeq = seq + 1;
  }

  setSequences(nextSender: number, nextTarget: number): void {
    this.nextSenderSeq = nextSender;
    this.nextTargetSeq = nextTarget;
  }

  flush(): void {}

  reset(): void {
    this.nextSenderSeq = 1;
    this.nextTargetSeq = 1;
    this.messages.clear();
  }

  async close(): Promise<void> {}
}
