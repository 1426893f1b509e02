import { ConfigurationError } from '@ringroute/core';

// Int32 words; each on its own 64-byte line inside one 256-byte buffer.
const W_SEQUENCE = 0;
const W_WAITERS = 16;
const W_CLOSED = 32;
const W_MAGIC = 48;
const BYTES = 256;
const MAGIC = 0x52524431; // 'RRD1'

interface WaitAsyncResult {
  async: boolean;
  value: Promise<string> | string;
}
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t?: number): WaitAsyncResult }).waitAsync;

/**
 * Where a consumer thread sleeps and producers wake it: a sequence counter and a waiter
 * count in a SharedArrayBuffer. One doorbell per consuming thread, shared by every ring
 * that feeds it.
 *
 * A futex wake costs ~10 µs of the waker's time, so producers only bump the sequence and
 * call `Atomics.notify` when the waiter count says someone may be asleep (`ring()`).
 * No wakeup can be lost: a consumer registers as a waiter, reads the sequence, polls its
 * rings once more, and only then sleeps on that sequence; a producer publishes (a
 * sequentially consistent store) before it reads the waiter count. Either the consumer's
 * last poll sees the record, or the producer sees the waiter and moves the sequence, so
 * the wait returns at once. Idle strategies implement that order; parks also time out.
 */
export class Doorbell {
  readonly buffer: SharedArrayBuffer;
  private readonly i32: Int32Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
  }

  static create(): Doorbell {
    const buffer = new SharedArrayBuffer(BYTES);
    new Int32Array(buffer)[W_MAGIC] = MAGIC;
    return new Doorbell(buffer);
  }

  static attach(buffer: SharedArrayBuffer): Doorbell {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== BYTES || new Int32Array(buffer)[W_MAGIC] !== MAGIC) {
      throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'not a ringroute doorbell buffer', buffer);
    }
    return new Doorbell(buffer);
  }

  /** Producer side, after publishing: wake the consumer if it may be parked. */
  ring(): void {
    // An atomic load, not a plain one: this is a store-then-load handshake (Dekker) with
    // the consumer's register-then-poll, and only sequentially consistent operations on
    // both sides forbid the outcome where each misses the other (the lost wakeup). A plain
    // load is unordered in JavaScript's memory model; on arm64 V8 emits the publishing
    // store as `stlr` and a plain load as `ldr`, which may be satisfied before the store
    // is visible. `Atomics.load` (`ldar`) may not. Cost in router.ring.rtt.* (same run).
    if (Atomics.load(this.i32, W_WAITERS) !== 0) {
      Atomics.add(this.i32, W_SEQUENCE, 1);
      Atomics.notify(this.i32, W_SEQUENCE);
    }
  }

  /** Wake every waiter unconditionally (shutdown, close, a new command). */
  wake(): void {
    Atomics.add(this.i32, W_SEQUENCE, 1);
    Atomics.notify(this.i32, W_SEQUENCE);
  }

  /** The current sequence; park on it after one more poll. */
  sequence(): number {
    return Atomics.load(this.i32, W_SEQUENCE);
  }

  register(): void {
    Atomics.add(this.i32, W_WAITERS, 1);
  }

  unregister(): void {
    Atomics.sub(this.i32, W_WAITERS, 1);
  }

  /** Threads registered as possibly sleeping. */
  get waiters(): number {
    return Atomics.load(this.i32, W_WAITERS);
  }

  /**
   * Sleep until the sequence moves away from `seen`, or `timeoutMs` passes, or the
   * doorbell is closed. Blocks the thread (and its event loop).
   */
  park(seen: number, timeoutMs: number): void {
    if (Atomics.load(this.i32, W_CLOSED) !== 0) return;
    Atomics.wait(this.i32, W_SEQUENCE, seen, timeoutMs);
  }

  /**
   * Like `park`, but the event loop keeps running (sockets, timers). Returns undefined if
   * the sequence already moved (no promise allocated), else a promise that settles on
   * wake or timeout.
   */
  parkAsync(seen: number, timeoutMs: number): Promise<unknown> | undefined {
    if (Atomics.load(this.i32, W_CLOSED) !== 0) return undefined;
    const result = waitAsync(this.i32, W_SEQUENCE, seen, timeoutMs);
    return result.async ? (result.value as Promise<string>) : undefined;
  }

  /** Close: every current and future park returns at once. */
  close(): void {
    Atomics.store(this.i32, W_CLOSED, 1);
    this.wake();
  }

  get isClosed(): boolean {
    return this.i32[W_CLOSED] !== 0;
  }
}
