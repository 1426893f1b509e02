import type { RingBuffer } from './RingBuffer.js';

/**
 * Receives records from `RingBuffer.read`. One object for the life of a consumer, so
 * no closure is created per record. The payload is read in place through the ring's
 * typed-array views: `ring.i32[offset >> 2]`, `ring.f64[offset >> 3]`, `ring.u8[offset]`
 * (`offset` is 8-byte aligned); it is valid only during the call.
 */
export interface RecordHandler {
  onRecord(typeId: number, ring: RingBuffer, offset: number, length: number): void;
}
