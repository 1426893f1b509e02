/** Why a journal could not be read or written. */
export type JournalErrorCode =
  /** A record or header that does not read, with readable data after it: never replayed. */
  | 'ERR_JOURNAL_CORRUPT'
  /** A segment index missing between the first and the last. */
  | 'ERR_JOURNAL_MISSING_SEGMENT'
  /** Written by a newer format version than this ringroute reads. */
  | 'ERR_JOURNAL_NEWER_FORMAT'
  /** The directory cannot be created, read or written (read-only, disk full, permissions). */
  | 'ERR_JOURNAL_IO'
  /** The journal thread stopped (a write failed); the router refuses new orders. */
  | 'ERR_JOURNAL_FAILED'
  /** The journal's orders or positions name instruments this configuration defines differently (symbol ids changed): recovering would move them to other symbols. */
  | 'ERR_JOURNAL_INSTRUMENTS';

/**
 * A typed journal failure. Reading never guesses: what does not read is either a torn
 * tail (reported as a cut, not an error) or one of these.
 */
export class JournalError extends Error {
  readonly code: JournalErrorCode;

  constructor(code: JournalErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}${options?.cause instanceof Error ? ` (${options.cause.message})` : ''}`, options);
    this.name = 'JournalError';
    this.code = code;
  }
}
