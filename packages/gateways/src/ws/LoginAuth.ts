import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from './WsProtocol.js';

/** The string a LOGIN signs: key, timestamp (ms) and nonce, one per line. */
export function loginPayload(key: string, ts: number, nonce: string): string {
  return `${key}\n${ts}\n${nonce}`;
}

/** Hex HMAC-SHA256 of the login payload with the key's secret. */
export function signLogin(key: string, secret: string, ts: number, nonce: string): string {
  return createHmac('sha256', secret).update(loginPayload(key, ts, nonce)).digest('hex');
}

/** A fresh LOGIN message for `key` (a random 128-bit nonce, the current time). */
export function loginMessage(key: string, secret: string, nowMs = Date.now()): { t: 1; key: string; ts: number; nonce: string; sig: string } {
  const nonce = randomBytes(16).toString('hex');
  return { t: 1, key, ts: nowMs, nonce, sig: signLogin(key, secret, nowMs, nonce) };
}

/** A signature: HMAC-SHA256 in lowercase hex. */
const SIGNATURE = /^[0-9a-f]{64}$/;
/** The secret an unknown key is checked against (the work is the same; the answer always no). */
const UNKNOWN_KEY_SECRET = randomBytes(32).toString('hex');

export interface ApiKey {
  /** Shared secret for the HMAC (never logged, never sent). */
  secret: string;
  /** The account the key trades for. */
  account: number;
}

/**
 * Checks LOGIN messages: a timestamp within `windowMs` of the server's clock, a known key
 * and a signature (64 hex digits) that matches, compared in constant time, and a nonce not
 * seen before within the window, and (after a restart) a timestamp no earlier than
 * `notBeforeMs`, since the nonces seen before it are gone. Answers the account or an ErrorCode; an unknown key gets
 * the same code as a bad signature (AUTH_UNKNOWN_KEY is no longer sent). Secrets never
 * leave this object and never appear in an error.
 */
export class LoginVerifier {
  private readonly keys: ReadonlyMap<string, ApiKey>;
  private readonly windowMs: number;
  /** Nonces seen, per key, with their timestamp; swept as they leave the window. */
  private readonly nonces = new Map<string, Map<string, number>>();

  /** Logins signed before this time are refused as stale (the server's start: see ExchangeServer). */
  private readonly notBeforeMs: number;

  constructor(keys: Record<string, ApiKey>, windowMs = 5_000, notBeforeMs = -Infinity) {
    this.keys = new Map(Object.entries(keys));
    this.windowMs = windowMs;
    this.notBeforeMs = notBeforeMs;
  }

  /** The account for a valid login, or a negative ErrorCode. */
  verify(key: unknown, ts: unknown, nonce: unknown, sig: unknown, nowMs = Date.now()): number {
    if (typeof key !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string' || typeof ts !== 'number' || nonce.length > 128 || sig.length > 128) {
      return -ErrorCode.INVALID_MESSAGE;
    }
    if (!Number.isFinite(ts) || Math.abs(nowMs - ts) > this.windowMs || ts < this.notBeforeMs) return -ErrorCode.AUTH_STALE_TIMESTAMP;
    // Exactly 64 lowercase hex digits: Buffer.from(_, 'hex') would stop at the first
    // non-hex character or an odd length and let trailing garbage through.
    if (!SIGNATURE.test(sig)) return -ErrorCode.AUTH_BAD_SIGNATURE;
    // An unknown key is answered exactly as a bad signature, after the same HMAC work, so
    // the answer does not tell an attacker which keys exist.
    const entry = this.keys.get(key);
    const expected = Buffer.from(signLogin(key, entry?.secret ?? UNKNOWN_KEY_SECRET, ts, nonce), 'hex');
    const matches = timingSafeEqual(Buffer.from(sig, 'hex'), expected);
    if (entry === undefined || !matches) return -ErrorCode.AUTH_BAD_SIGNATURE;
    let seen = this.nonces.get(key);
    if (seen === undefined) this.nonces.set(key, (seen = new Map()));
    for (const [n, at] of seen) if (Math.abs(nowMs - at) > this.windowMs) seen.delete(n);
    if (seen.has(nonce)) return -ErrorCode.AUTH_NONCE_REUSED;
    seen.set(nonce, ts);
    return entry.account;
  }
}
