/**
 * Ring statuses (negative numbers, continuing the core status numbering so one
 * `statusName` covers both). A successful claim returns a payload offset (>= 0).
 */

/** Not enough free space now: back-pressure. Retry later; nothing was written. */
export const RING_FULL = -30;
/** The ring was closed (its consumer or producer died, or shutdown began). Final. */
export const RING_CLOSED = -31;
/** Payload length negative, not an integer, or above the ring's maximum. */
export const INVALID_LENGTH = -32;
/** Type ids are 1 to 2^31 - 1 (0 and negatives are reserved). */
export const INVALID_TYPE = -33;
/** The record was unblocked by the consumer after the claim timeout and is dropped. */
export const RECORD_ABORTED = -34;
/** `commit` / `abort` of an offset that is not an open claim. */
export const NOT_CLAIMED = -35;

const NAMES: Record<number, string> = {
  [RING_FULL]: 'RING_FULL',
  [RING_CLOSED]: 'RING_CLOSED',
  [INVALID_LENGTH]: 'INVALID_LENGTH',
  [INVALID_TYPE]: 'INVALID_TYPE',
  [RECORD_ABORTED]: 'RECORD_ABORTED',
  [NOT_CLAIMED]: 'NOT_CLAIMED',
};

/** Name of a ring status for logs. */
export function ringStatusName(status: number): string {
  return NAMES[status] ?? `STATUS(${status})`;
}

/** Why a ring was closed (stored in the ring so both sides can read it). */
export const CloseReason = {
  OPEN: 0,
  SHUTDOWN: 1,
  CONSUMER_DIED: 2,
  PRODUCER_DIED: 3,
  CONSUMER_HUNG: 4,
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];
