/**
 * The words the strategy threads and the journal thread share (one Int32Array over a
 * SharedArrayBuffer; every access is an Atomics operation, since each word is written by
 * one thread and read by others, and the ordering must hold on arm64 as on x86).
 */
export const C_STATE = 0;
/** Set to 1 to ask the journal thread to drain, sync, close and exit. */
export const C_STOP = 16;
/** Ring records written to the files so far (for tests and stats). */
export const C_WRITTEN = 32;
/** Per lane (C_BLOCKS + lane): client order id blocks durably reserved in this run. */
export const C_BLOCKS = 48;
/** An error message (UTF-8, NUL-terminated) when the state is FAILED: bytes from word C_ERROR on. */
export const C_ERROR = 128;
export const CONTROL_BYTES = 1_024;
export const MAX_JOURNAL_LANES = 64;

export const STATE_STARTING = 0;
export const STATE_RUNNING = 1;
export const STATE_FAILED = 2;
export const STATE_STOPPED = 3;

/** How often the journal makes what it wrote durable (see Journal). */
export type JournalFlushPolicy = 'none' | 'batch' | { everyMs: number };

export interface JournalThreadData {
  dir: string;
  rings: SharedArrayBuffer[];
  control: SharedArrayBuffer;
  flush: JournalFlushPolicy;
  segmentBytes?: number;
}
