import { Packr } from 'msgpackr';
import { isMessageFrame } from './FrameShape.js';

/**
 * The ringroute exchange protocol: one msgpack message per binary WebSocket frame, each
 * a record whose first field `t` names its type. Every message shape is a shared msgpackr
 * structure known to both sides in advance (`MESSAGE_SHAPES`), so a frame carries a
 * one-byte structure id and the values, never the field names, and no structure is ever
 * defined by a peer: a frame holding a record definition, a map, an extension or more than
 * one message is refused before it is decoded (FrameShape).
 *
 * | t | message | fields |
 * |---|---|---|
 * | 1 | LOGIN (client) | key, ts (ms since epoch), nonce, sig = hex HMAC-SHA256(secret, `key\nts\nnonce`) |
 * | 2 | LOGIN_OK | account, seq (the account's latest report sequence) |
 * | 3 | NEW (client) | id (client order id, idempotent per account), sym, side, type, tif, flags, px, stop, qty |
 * | 4 | CANCEL (client) | id |
 * | 5 | REPLACE (client) | id, px, qty |
 * | 6 | REPORT | seq (per account, gap-free), id, vid, ex (ExecType), px (an ACK: the order's price), last, cum, leaves, reason, sym, side (the order's) |
 * | 7 | QUERY (client) | req, since: replay the REPORTs with seq > since (oldest first, at most one page, 1,000 by default), then STATUS |
 * | 8 | STATUS | req, seq (the account's latest: above the last replayed report, more remain; ask again from there), open: [id, vid, px, qty, cum, leaves] per open order, flattened |
 * | 9 | TOP | sym, bp, bq, ap, aq |
 * | 10 | HEARTBEAT | ts (either side; answered with a HEARTBEAT) |
 * | 11 | ERROR | code (ErrorCode), id (the order it concerns, or 0), msg |
 *
 * Prices are in ticks and quantities in lots of the instrument (integers exact to 2^53).
 */
export const Msg = {
  LOGIN: 1,
  LOGIN_OK: 2,
  NEW: 3,
  CANCEL: 4,
  REPLACE: 5,
  REPORT: 6,
  QUERY: 7,
  STATUS: 8,
  TOP: 9,
  HEARTBEAT: 10,
  ERROR: 11,
} as const;

/** Error codes of ERROR frames. Codes from 4000 up are also the close code when the server closes the connection. */
export const ErrorCode = {
  MALFORMED_FRAME: 4000,
  AUTH_UNKNOWN_KEY: 4001,
  AUTH_BAD_SIGNATURE: 4002,
  AUTH_STALE_TIMESTAMP: 4003,
  AUTH_NONCE_REUSED: 4004,
  NOT_LOGGED_IN: 4005,
  LOGIN_TIMEOUT: 4006,
  TOO_MANY_CONNECTIONS: 4007,
  TEXT_FRAME: 4008,
  TOO_MANY_MALFORMED: 4009,
  UNAVAILABLE: 4010,
  /** Another login for the same account took its reports over: this session is ended. */
  SESSION_TAKEN_OVER: 4011,
  /** The client did not read what was sent to it (more than maxBufferedBytes waiting): the connection was dropped without a close frame (counted in stats.slowConsumers). */
  SLOW_CONSUMER: 4012,
  INVALID_MESSAGE: 3001,
  RATE_LIMITED: 3002,
  UNKNOWN_MESSAGE: 3003,
  /** A NEW with a client order id the account already used: not executed; no REPORT (that order's own reports are its business). */
  DUPLICATE_ID: 3004,
  /** A NEW beyond the account's open-order limit: its REJECT (RISK_LIMIT) follows. */
  OPEN_ORDER_LIMIT: 3005,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorCodeName = (code: number): string => Object.entries(ErrorCode).find(([, v]) => v === code)?.[0] ?? `ERROR_${code}`;

/** Field order of each message type (index = t - 1): the shared msgpackr structures. */
export const MESSAGE_SHAPES: readonly (readonly string[])[] = [
  ['t', 'key', 'ts', 'nonce', 'sig'],
  ['t', 'account', 'seq'],
  ['t', 'id', 'sym', 'side', 'type', 'tif', 'flags', 'px', 'stop', 'qty'],
  ['t', 'id'],
  ['t', 'id', 'px', 'qty'],
  ['t', 'seq', 'id', 'vid', 'ex', 'px', 'last', 'cum', 'leaves', 'reason', 'sym', 'side'],
  ['t', 'req', 'since'],
  ['t', 'req', 'seq', 'open'],
  ['t', 'sym', 'bp', 'bq', 'ap', 'aq'],
  ['t', 'ts'],
  ['t', 'code', 'id', 'msg'],
];

/**
 * A packer/unpacker for one end of a connection: records over the shared shapes, no new
 * structures, maps stay `Map`s (so a peer cannot pass off an invented map as a message).
 * Both directions reuse this one instance; `pack` writes into its reused buffer.
 */
export function createCodec(): Packr {
  return new Packr({
    structures: MESSAGE_SHAPES.map((shape) => [...shape]),
    maxSharedStructures: MESSAGE_SHAPES.length,
    maxOwnStructures: 0,
    mapsAsObjects: false,
    useRecords: true,
    moreTypes: false,
  });
}

/** The decoded message, or null when the frame is not one of ours (bad bytes, a map, a scalar, an unknown type). */
export function decodeFrame(codec: Packr, data: Uint8Array): Record<string, unknown> | null {
  // Only frames with a message's shape reach msgpackr: a record definition, a map, an
  // extension or a second message in the frame is refused before it is decoded (see
  // isMessageFrame: the decoder would otherwise store what a peer defines).
  if (!isMessageFrame(data)) return null;
  let message: unknown;
  try {
    message = codec.unpack(data);
  } catch {
    return null;
  }
  if (message === null || typeof message !== 'object' || message instanceof Map || Array.isArray(message) || ArrayBuffer.isView(message)) return null;
  const t = (message as { t?: unknown }).t;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < Msg.LOGIN || t > Msg.ERROR) return null;
  return message as Record<string, unknown>;
}

/** An integer exact in a double (ids, ticks, lots, sequence numbers), or NaN. */
export function int(value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : NaN;
}
