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

export interface ApiKey {
  /** Shared secret for the HMAC (never logged, never sent). */
  secret: string;
  /** The account the key trades for. */
  account: number;
}

/**
 * Checks LOGIN messages: a known key, a timestamp within `windowMs` of the server's
 * clock, a nonce not seen before within the window, and a signature that matches
 * (compared in constant time). Answers the account or an ErrorCode; secrets never leave
 * this object and never appear in an error.
 */
export class LoginVerifier {
  private readonly keys: ReadonlyMap<string, ApiKey>;
  private readonly windowMs: number;
  /** Nonces seen, per key, with their timestamp; swept as they leave the window. */
  private readonly nonces = new Map<string, Map<string, number>>();

  constructor(keys: Record<string, ApiKey>, windowMs = 5_000) {
    this.keys = new Map(Object.entries(keys));
    this.windowMs = windowMs;
  }

  /** The account for a valid login, or a negative ErrorCode. */
  verify(key: unknown, ts: unknown, nonce: unknown, sig: unknown, nowMs = Date.now()): number {
    if (typeof key !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string' || typeof ts !== 'number' || nonce.length > 128 || sig.length > 128) {
      return -ErrorCode.INVALID_MESSAGE;
    }
    const entry = this.keys.get(key);
    if (entry === undefined) return -ErrorCode.AUTH_UNKNOWN_KEY;
    if (!Number.isFinite(ts) || Math.abs(nowMs - ts) > this.windowMs) return -ErrorCode.AUTH_STALE_TIMESTAMP;
    const expected = Buffer.from(signLogin(key, entry.secret, ts, nonce), 'hex');
    const given = Buffer.from(sig, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return -ErrorCode.AUTH_BAD_SIGNATURE;
    let seen = this.nonces.get(key);
    if (seen === undefined) this.nonces.set(key, (seen = new Map()));
    for (const [n, at] of seen) if (Math.abs(nowMs - at) > this.windowMs) seen.delete(n);
    if (seen.has(nonce)) return -ErrorCode.AUTH_NONCE_REUSED;
    seen.set(nonce, ts);
    return entry.account;
  }
}
