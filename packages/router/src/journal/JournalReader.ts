import { openSync, readdirSync, readFileSync, closeSync, ftruncateSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from './Crc32c.js';
import { JournalError } from './JournalError.js';
import { FORMAT_VERSION, RECORD_HEADER_BYTES, recordBytes, SEGMENT_HEADER_BYTES, SEGMENT_MAGIC, SEGMENT_PATTERN, segmentName, MAX_PAYLOAD_BYTES } from './JournalFormat.js';

/** One record as read: its payload is a view into the segment's bytes, valid during the visit. */
export interface JournalRecordView {
  type: number;
  lane: number;
  timeNs: number;
  payload: Uint8Array;
  segment: number;
  offset: number;
}

/** Where a torn tail was cut off. */
export interface JournalCut {
  segment: number;
  /** Offset of the first byte not kept. */
  offset: number;
  /** Bytes after it that were written but not whole (dropped). */
  droppedBytes: number;
  reason: string;
}

export interface JournalReadResult {
  /** Segment indexes found, in order. */
  segments: number[];
  records: number;
  /** The torn tail that was cut (null: the journal ended cleanly). */
  cut: JournalCut | null;
  /** Where the next record goes: the last segment and the offset after its last whole record (-1 and 0 for an empty directory). */
  lastSegment: number;
  endOffset: number;
}

/** The segment files of `dir`, by index; a gap in the indexes is a missing segment (typed error). */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new JournalError('ERR_JOURNAL_IO', `cannot list the journal directory ${dir}`, { cause: error });
  }
  const indexes = names
    .map((n) => SEGMENT_PATTERN.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  indexes.forEach((index, i) => {
    if (index !== indexes[0] + i) throw new JournalError('ERR_JOURNAL_MISSING_SEGMENT', `segment ${segmentName(indexes[0] + i)} is missing from ${dir} (found ${segmentName(indexes[i - 1])} and ${segmentName(index)})`);
  });
  if (indexes.length > 0 && indexes[0] !== 0) throw new JournalError('ERR_JOURNAL_MISSING_SEGMENT', `the journal in ${dir} starts at ${segmentName(indexes[0])}: the segments before it are missing`);
  return indexes;
}

/** Check a segment's header; returns nothing or throws the typed error. */
function checkHeader(bytes: Uint8Array, view: DataView, dir: string, index: number): void {
  const name = join(dir, segmentName(index));
  if (bytes.length < SEGMENT_HEADER_BYTES) throw new JournalError('ERR_JOURNAL_CORRUPT', `${name}: shorter than a segment header (${bytes.length} bytes)`);
  if (view.getUint32(0, true) !== SEGMENT_MAGIC) throw new JournalError('ERR_JOURNAL_CORRUPT', `${name}: not a ringroute journal segment (bad magic)`);
  if (crc32c(bytes, 0, 24) !== view.getUint32(24, true)) throw new JournalError('ERR_JOURNAL_CORRUPT', `${name}: the segment header's checksum does not match`);
  const version = view.getUint32(4, true);
  if (version > FORMAT_VERSION) throw new JournalError('ERR_JOURNAL_NEWER_FORMAT', `${name}: written by format version ${version}; this ringroute reads up to version ${FORMAT_VERSION} (upgrade ringroute to read it)`);
  if (version < 1 || view.getFloat64(8, true) !== index) throw new JournalError('ERR_JOURNAL_CORRUPT', `${name}: the header names version ${version}, segment ${view.getFloat64(8, true)}`);
}

/** The record at `at` if whole and its checksum matches: its total size; else 0. */
function recordAt(bytes: Uint8Array, view: DataView, at: number): number {
  if (at + RECORD_HEADER_BYTES > bytes.length) return 0;
  const length = view.getUint32(at, true);
  const type = view.getUint16(at + 4, true);
  if (type === 0 || length > MAX_PAYLOAD_BYTES || at + RECORD_HEADER_BYTES + length > bytes.length) return 0;
  let crc = crc32c(bytes, at, at + 16);
  crc = crc32c(bytes, at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length, crc);
  return crc === view.getUint32(at + 16, true) ? recordBytes(length) : 0;
}

/**
 * Read every record of the journal in `dir`, in order, calling `visit` for each. A record
 * that is not whole at the end of the last segment is a torn write: it is reported in
 * `cut` (and, with `repair`, the file is truncated there so appending continues cleanly).
 * Anything else that does not read (a bad record followed by good ones, a bad record in
 * an earlier segment, a bad header, a missing segment, a newer format) throws a
 * JournalError: never a silently wrong history.
 */
export function readJournal(dir: string, visit?: (record: JournalRecordView) => void, options: { repair?: boolean } = {}): JournalReadResult {
  const segments = listSegments(dir);
  const result: JournalReadResult = { segments, records: 0, cut: null, lastSegment: segments.length > 0 ? segments[segments.length - 1] : -1, endOffset: 0 };
  const record: JournalRecordView = { type: 0, lane: 0, timeNs: 0, payload: new Uint8Array(0), segment: 0, offset: 0 };
  for (const index of segments) {
    const path = join(dir, segmentName(index));
    const bytes = new Uint8Array(readFileSync(path));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const last = index === result.lastSegment;
    if (last && bytes.length < SEGMENT_HEADER_BYTES) {
      // A segment whose header never reached the disk whole: nothing in it was kept.
      result.cut = { segment: index, offset: 0, droppedBytes: bytes.length, reason: 'the segment header is incomplete' };
      if (options.repair) truncate(path, 0);
      result.endOffset = 0;
      break;
    }
    checkHeader(bytes, view, dir, index);
    let at = SEGMENT_HEADER_BYTES;
    for (;;) {
      if (at + 8 <= bytes.length && view.getUint32(at, true) === 0 && view.getUint16(at + 4, true) === 0 && isZero(bytes, at)) break; // the written part ends
      if (at >= bytes.length) break;
      const size = recordAt(bytes, view, at);
      if (size === 0) {
        // Not a whole record. At the tail of the last segment with nothing readable after
        // it, a torn write; otherwise corruption.
        if (!last || laterRecordReads(bytes, view, at)) {
          throw new JournalError('ERR_JOURNAL_CORRUPT', `${path}: the record at offset ${at} does not read (bad length, type or checksum) and records follow it`);
        }
        result.cut = { segment: index, offset: at, droppedBytes: bytes.length - at, reason: 'an incomplete record at the end (a write the crash interrupted)' };
        if (options.repair) truncate(path, at);
        break;
      }
      record.type = view.getUint16(at + 4, true);
      record.lane = view.getUint16(at + 6, true);
      record.timeNs = view.getFloat64(at + 8, true);
      record.payload = bytes.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + view.getUint32(at, true));
      record.segment = index;
      record.offset = at;
      visit?.(record);
      result.records++;
      at += size;
    }
    // The next record goes at the next aligned offset (past the end of the file when only
    // a record's zero padding was lost: the write fills the hole with zeros).
    if (last) result.endOffset = result.cut?.offset ?? at;
  }
  return result;
}

function isZero(bytes: Uint8Array, at: number): boolean {
  for (let i = at; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Does any whole, checksummed record start after `at` (at an 8-byte boundary)? Then `at` is corruption, not a torn tail. */
function laterRecordReads(bytes: Uint8Array, view: DataView, at: number): boolean {
  for (let p = at + 8; p + RECORD_HEADER_BYTES <= bytes.length; p += 8) if (recordAt(bytes, view, p) > 0) return true;
  return false;
}

function truncate(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
