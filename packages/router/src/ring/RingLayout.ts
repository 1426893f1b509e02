import { ConfigurationError } from '@ringroute/core';

/**
 * Buffer layout shared by both ring kinds. Every position word sits on its own
 * 128-byte stretch (two cache lines, so the adjacent-line prefetcher cannot make two
 * threads share one), and the data region starts on a 128-byte boundary.
 *
 *   +------------------+ 0      magic, version, kind, capacity, maxPayload
 *   | config           |
 *   +------------------+ 128    tail: producer position (bytes, wrapping uint32)
 *   | tail             |
 *   +------------------+ 256    head: consumer position
 *   | head             |
 *   +------------------+ 384    head cache shared by many producers
 *   | head cache       |
 *   +------------------+ 512    closed reason (0 = open)
 *   | status           |
 *   +------------------+ 640    heartbeats: producer ns (f64), consumer ns (f64 at 768)
 *   | heartbeats       |
 *   +------------------+ 896    records: capacity bytes, a power of two
 *   | data             |
 *   +------------------+
 *
 * A record is an 8-byte header (int32 length including the header, int32 type id) and
 * its payload, padded to 8 bytes. A record that would straddle the end of the data
 * region is preceded by a padding record (type PADDING) that fills the rest of it.
 * Positions are byte counts modulo 2^32; with capacity <= 2^30 the difference
 * `tail - head` (as int32) is always the exact occupancy.
 */
export const RingKind = { ONE_TO_ONE: 1, MANY_TO_ONE: 2 } as const;
export type RingKind = (typeof RingKind)[keyof typeof RingKind];

export const HEADER_BYTES = 896;
export const RECORD_HEADER_BYTES = 8;
export const RECORD_ALIGNMENT = 8;
export const PADDING_TYPE = -1;
export const MIN_CAPACITY_BYTES = 64;
export const MAX_CAPACITY_BYTES = 1 << 30;

// Int32 word indices in the header.
export const W_MAGIC = 0;
export const W_VERSION = 1;
export const W_KIND = 2;
export const W_CAPACITY = 3;
export const W_MAX_PAYLOAD = 4;
export const W_TAIL = 128 >> 2;
export const W_HEAD = 256 >> 2;
export const W_HEAD_CACHE = 384 >> 2;
export const W_CLOSED = 512 >> 2;
// Float64 word indices.
export const F_PRODUCER_HEARTBEAT = 640 >> 3;
export const F_CONSUMER_HEARTBEAT = 768 >> 3;

export const MAGIC = 0x52524e31; // 'RRN1'
export const VERSION = 1;

export interface RingOptions {
  /** Data region size in bytes: a power of two from 64 to 2^30. */
  capacityBytes: number;
  /** Largest payload accepted; default and maximum capacity / 8. */
  maxPayloadBytes?: number;
}

export function alignRecord(length: number): number {
  return (length + RECORD_ALIGNMENT - 1) & ~(RECORD_ALIGNMENT - 1);
}

/** Validate options and return the data capacity and payload limit. */
export function checkRingOptions(options: RingOptions): { capacity: number; maxPayload: number } {
  const capacity = options.capacityBytes;
  if (
    !Number.isInteger(capacity) ||
    capacity < MIN_CAPACITY_BYTES ||
    capacity > MAX_CAPACITY_BYTES ||
    (capacity & (capacity - 1)) !== 0
  ) {
    throw new ConfigurationError(
      'ERR_INVALID_CAPACITY',
      `ring capacityBytes must be a power of two from ${MIN_CAPACITY_BYTES} to 2^30`,
      capacity,
    );
  }
  const limit = capacity / 8;
  const maxPayload = options.maxPayloadBytes ?? limit - RECORD_HEADER_BYTES;
  if (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload + RECORD_HEADER_BYTES > limit) {
    throw new ConfigurationError(
      'ERR_INVALID_ARGUMENT',
      `maxPayloadBytes must be from 0 to ${limit - RECORD_HEADER_BYTES} for a ${capacity}-byte ring (records up to capacity/8)`,
      options.maxPayloadBytes,
    );
  }
  return { capacity, maxPayload };
}

export function createRingBuffer(kind: RingKind, options: RingOptions): SharedArrayBuffer {
  const { capacity, maxPayload } = checkRingOptions(options);
  const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity);
  const i32 = new Int32Array(buffer);
  i32[W_MAGIC] = MAGIC;
  i32[W_VERSION] = VERSION;
  i32[W_KIND] = kind;
  i32[W_CAPACITY] = capacity;
  i32[W_MAX_PAYLOAD] = maxPayload;
  return buffer;
}

/** Check a buffer handed to `attach` and return its capacity and payload limit. */
export function checkRingBuffer(buffer: SharedArrayBuffer, kind: RingKind): { capacity: number; maxPayload: number } {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'a ring must be attached to a SharedArrayBuffer', buffer);
  }
  if (buffer.byteLength < HEADER_BYTES + MIN_CAPACITY_BYTES) {
    throw new ConfigurationError('ERR_BUFFER_SIZE', `a ring buffer is at least ${HEADER_BYTES + MIN_CAPACITY_BYTES} bytes`, buffer);
  }
  const i32 = new Int32Array(buffer, 0, HEADER_BYTES >> 2);
  if (i32[W_MAGIC] !== MAGIC || i32[W_VERSION] !== VERSION) {
    throw new ConfigurationError('ERR_BUFFER_LAYOUT', 'buffer does not start with a ringroute ring header', buffer);
  }
  if (i32[W_KIND] !== kind) {
    throw new ConfigurationError('ERR_BUFFER_LAYOUT', `ring kind ${i32[W_KIND]} attached as kind ${kind}`, i32[W_KIND]);
  }
  const capacity = i32[W_CAPACITY];
  const checked = checkRingOptions({ capacityBytes: capacity, maxPayloadBytes: i32[W_MAX_PAYLOAD] });
  if (buffer.byteLength !== HEADER_BYTES + capacity) {
    throw new ConfigurationError('ERR_BUFFER_SIZE', `a ${capacity}-byte ring needs exactly ${HEADER_BYTES + capacity} bytes`, buffer);
  }
  return checked;
}
