/**
 * The journal's on-disk format (version 1). A journal is a directory of segment files
 * named `<index, 8 decimal digits>.rrj`, indexes consecutive from 0. Little-endian.
 *
 * Segment header, 32 bytes:
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | magic 'RRJ1' (0x314A5252) |
 * | 4 | 4 | format version (1) |
 * | 8 | 8 | segment index (f64, an integer) |
 * | 16 | 8 | creation time, ms since epoch (f64) |
 * | 24 | 4 | CRC-32C of bytes 0..23 |
 * | 28 | 4 | reserved, 0 |
 *
 * Then records, each 8-byte aligned:
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | payload length in bytes |
 * | 4 | 2 | record type (JournalRecordType) |
 * | 6 | 2 | lane (the strategy thread that wrote it) |
 * | 8 | 8 | time, ns (the writer's monotonic clock, f64) |
 * | 16 | 4 | CRC-32C of bytes 0..15, then the payload |
 * | 20 | 4 | reserved, 0 |
 * | 24 | n | payload, then zero padding to a multiple of 8 |
 *
 * A length of 0 with type 0 is the end of the written part (files are never preallocated
 * with anything else). A record whose header or payload does not fit, or whose checksum
 * does not match, ends the readable journal there: at the tail of the last segment that is
 * a torn write (reported and cut); anywhere else it is corruption (a typed error).
 */
export const SEGMENT_MAGIC = 0x314a5252;
export const FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 32;
export const RECORD_HEADER_BYTES = 24;
/** Largest payload (a record must fit a ring record and a segment). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** What a record holds. Payload layouts are in JournalRecords. */
export const JournalRecordType = {
  /** Client order ids reserved: payload [f64 lane base, f64 block index, f64 block size]. Durable before any id in it is used. */
  ID_BLOCK: 1,
  /** An order sent: the order record's bytes as stamped (id, venue, every field), then f64 handle index. */
  ORDER_NEW: 2,
  /** A cancel sent: [f64 client order id, f64 handle index]. */
  CANCEL: 3,
  /** A replace sent: [f64 client order id, f64 price ticks, f64 quantity lots]. */
  REPLACE: 4,
  /** An execution event the router applied: the event record's bytes. */
  EXECUTION: 5,
  /** A reference price set: [f64 symbol id, f64 price ticks]. */
  REFERENCE_PRICE: 6,
  /** The kill switch: [f64 0 or 1]. */
  KILL_SWITCH: 7,
  /**
   * A venue's reports up to a sequence number are all in the journal before this record:
   * [f64 venue id, f64 the venue's report sequence]. Recovery replays the venue from the
   * last one (see VENUE_CHECKPOINT_RECORD).
   */
  VENUE_CHECKPOINT: 8,
  /**
   * The instrument table as the router that wrote what follows defined it: UTF-8 JSON, an
   * array of symbol names indexed by symbol id. Written when a router with a journal
   * starts; recovery refuses a configuration that gives a symbol id the journal's orders
   * or positions use to another symbol.
   */
  INSTRUMENTS: 9,
  /** Free for other users of the same storage (the FIX session store): opaque bytes. */
  APPLICATION: 64,
} as const;
export type JournalRecordType = (typeof JournalRecordType)[keyof typeof JournalRecordType];

export const journalRecordTypeName = (type: number): string => Object.entries(JournalRecordType).find(([, v]) => v === type)?.[0] ?? `TYPE_${type}`;

/** Bytes a record with `payload` bytes takes in a segment. */
export const recordBytes = (payload: number): number => (RECORD_HEADER_BYTES + payload + 7) & ~7;

export const segmentName = (index: number): string => `${String(index).padStart(8, '0')}.rrj`;
export const SEGMENT_PATTERN = /^(\d{8})\.rrj$/;
