/**
 * Command records the router sends to a gateway worker (ring record type = the command).
 * Payload, 8-byte aligned:
 *   NEW, CANCEL: int32 order handle, int32 reserved                        (8 bytes)
 *   REPLACE:     int32 order handle, int32 reserved, f64 new price ticks,
 *                f64 new quantity lots                                     (24 bytes)
 *   RECOVER:     int32 order handle, int32 reserved                        (8 bytes)
 *   RECONCILE:   int32 -1, int32 reserved, f64 venue sequence to replay from (16 bytes)
 * The order itself is never copied: the worker reads it from the shared order pool.
 *
 * RECOVER and RECONCILE are recovery's (after a restart on a journal): RECOVER hands the
 * gateway an order the journal says is live at its venue (the gateway maps its client
 * order id to the handle, as if it had sent it); RECONCILE, after the last RECOVER, asks
 * the gateway to settle them all against the venue from the given report sequence on.
 */
export const GatewayCommand = { NEW: 1, CANCEL: 2, REPLACE: 3, RECOVER: 4, RECONCILE: 5 } as const;
export type GatewayCommand = (typeof GatewayCommand)[keyof typeof GatewayCommand];

export const COMMAND_BYTES = 8;
export const REPLACE_COMMAND_BYTES = 24;
export const RECONCILE_COMMAND_BYTES = 16;

/** Ring record type of an execution event in an event ring (payload: one ExecutionEvent record, 64 bytes). */
export const EXECUTION_EVENT_RECORD = 2;

/**
 * Ring record type of a venue status change in an event ring (payload: int32 venue id,
 * int32 1 = up / 0 = down; 8 bytes). A gateway sends it when its session to the venue is
 * lost and when it is back (after reconciliation): the router holds the venue's breaker
 * open meanwhile.
 */
export const VENUE_STATUS_RECORD = 3;

/**
 * Ring record type of a venue checkpoint (payload: int32 venue id, int32 0, f64 sequence;
 * 16 bytes): every report of the venue up to this sequence number has been put in the
 * event ring before this record. The router journals it after the events before it, so a
 * journal holding a checkpoint holds every event up to it, and recovery replays the
 * venue from there.
 */
export const VENUE_CHECKPOINT_RECORD = 4;

/**
 * Ring record type of an order the venue reported during reconciliation that the gateway
 * was not given (payload: f64 client order id, f64 venue order id, f64 price ticks,
 * f64 quantity lots, int32 symbol id, int32 side, int32 venue id, int32 0; 48 bytes). Its later events come with
 * handle FOREIGN_HANDLE; the router decides whether it is one of its own orders that the
 * journal lost (it adopts it) or not.
 */
export const VENUE_FOREIGN_RECORD = 5;

/**
 * Ring record type of the end of a RECONCILE (payload: int32 venue id, int32 1 = every
 * recovered order was settled against the venue / 0 = the venue could not say; 8 bytes).
 */
export const VENUE_RECONCILED_RECORD = 6;

/** The handle of events about an order the venue reported and the router has not adopted yet (see VENUE_FOREIGN_RECORD). */
export const FOREIGN_HANDLE = -2;
