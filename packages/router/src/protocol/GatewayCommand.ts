/**
 * Command records the router sends to a gateway worker (ring record type = the command).
 * Payload, 8-byte aligned:
 *   NEW, CANCEL: int32 order handle, int32 reserved                        (8 bytes)
 *   REPLACE:     int32 order handle, int32 reserved, f64 new price ticks,
 *                f64 new quantity lots                                     (24 bytes)
 * The order itself is never copied: the worker reads it from the shared order pool.
 */
export const GatewayCommand = { NEW: 1, CANCEL: 2, REPLACE: 3 } as const;
export type GatewayCommand = (typeof GatewayCommand)[keyof typeof GatewayCommand];

export const COMMAND_BYTES = 8;
export const REPLACE_COMMAND_BYTES = 24;

/** Ring record type of an execution event in an event ring (payload: one ExecutionEvent record, 64 bytes). */
export const EXECUTION_EVENT_RECORD = 2;

/**
 * Ring record type of a venue status change in an event ring (payload: int32 venue id,
 * int32 1 = up / 0 = down; 8 bytes). A gateway sends it when its session to the venue is
 * lost and when it is back (after reconciliation): the router holds the venue's breaker
 * open meanwhile.
 */
export const VENUE_STATUS_RECORD = 3;
