import { accessSync, closeSync, constants, fdatasyncSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32c } from './Crc32c.js';
import { copyWords } from './copyWords.js';
import { JournalError } from './JournalError.js';
import { FORMAT_VERSION, MAX_PAYLOAD_BYTES, RECORD_HEADER_BYTES, recordBytes, SEGMENT_HEADER_BYTES, SEGMENT_MAGIC, segmentName } from './JournalFormat.js';
import { readJournal, type JournalReadResult } from './JournalReader.js';

export interface JournalWriterOptions {
  /** Roll to a new segment past this many bytes (default 64 MiB). */
  segmentBytes?: number;
  /** Bytes gathered before a write (default 1 MiB); `flush()` writes what is gathered sooner. */
  batchBytes?: number;
}

/**
 * Appends records to the segment files of one journal directory (the journal thread's
 * half; single-threaded). Records are gathered into a batch buffer with their checksums
 * and written with one `write` per batch (`flush`); `sync` makes what was written durable
 * (fdatasync). Opening an existing journal reads it first: a torn tail is cut (reported in
 * `opened.cut`) and appending continues after the last whole record. Every failure is a
 * JournalError (ERR_JOURNAL_IO for a read-only directory or a full disk); what was
 * written before it stays readable.
 */
export class JournalWriter {
  readonly dir: string;
  /** What opening found (records, cut). */
  readonly opened: JournalReadResult;
  private readonly segmentBytes: number;
  private fd = -1;
  private segment: number;
  private position: number;
  private batch: Buffer;
  private view: DataView;
  /** The batch as int32 words (it starts on its own ArrayBuffer: aligned). */
  private words: Int32Array;
  private length = 0;
  private unsynced = false;

  constructor(dir: string, options: JournalWriterOptions = {}) {
    this.dir = dir;
    this.segmentBytes = Math.max(4_096, options.segmentBytes ?? 64 << 20);
    const batchBytes = (Math.max(recordBytes(MAX_PAYLOAD_BYTES), options.batchBytes ?? 1 << 20) + 7) & ~7;
    this.batch = Buffer.from(new ArrayBuffer(batchBytes));
    this.view = new DataView(this.batch.buffer, 0, batchBytes);
    this.words = new Int32Array(this.batch.buffer, 0, batchBytes >> 2);
    try {
      makeDir(dir, 0);
      accessSync(dir, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw new JournalError('ERR_JOURNAL_IO', `the journal directory ${dir} cannot be created or written`, { cause: error });
    }
    this.opened = readJournal(dir, undefined, { repair: true });
    this.segment = Math.max(0, this.opened.lastSegment);
    this.position = this.opened.lastSegment < 0 ? 0 : this.opened.endOffset;
    this.openSegment();
  }

  /** Records gathered and not yet written. */
  get pending(): number {
    return this.length;
  }

  /** Gather one record; its payload is `payload[start, end)`. */
  append(type: number, lane: number, timeNs: number, payload: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const at = this.reserve(n);
    const b = this.batch;
    b.set(payload.subarray(start, end), at + RECORD_HEADER_BYTES);
    b.fill(0, at + RECORD_HEADER_BYTES + n, at + recordBytes(n));
    this.seal(at, type, lane, timeNs, n);
  }

  /**
   * Gather one record whose payload is `bytes` bytes starting at int32 word `fromWord` of
   * `source` (a ring's words: the journal thread's path). Copied word by word, with no view
   * created per record: a `subarray` per record cost the journal thread a third of its time.
   */
  appendWords(type: number, lane: number, timeNs: number, source: Int32Array, fromWord: number, bytes: number): void {
    const at = this.reserve(bytes);
    const w = this.words;
    const to = (at + RECORD_HEADER_BYTES) >> 2;
    const copy = (bytes + 3) >> 2;
    copyWords(w, to, source, fromWord, copy);
    const padded = (recordBytes(bytes) - RECORD_HEADER_BYTES) >> 2;
    for (let i = copy; i < padded; i++) w[to + i] = 0;
    if ((bytes & 3) !== 0) this.batch.fill(0, at + RECORD_HEADER_BYTES + bytes, at + RECORD_HEADER_BYTES + (copy << 2)); // a partial last word: its spare bytes are 0
    this.seal(at, type, lane, timeNs, bytes);
  }

  /** Room for a record of `n` payload bytes at the end of the batch (rolling or flushing first); returns its offset. */
  private reserve(n: number): number {
    if (n < 0 || n > MAX_PAYLOAD_BYTES) throw new JournalError('ERR_JOURNAL_IO', `a record payload of ${n} bytes is outside 0..${MAX_PAYLOAD_BYTES}`);
    const size = recordBytes(n);
    // Segments end at a record boundary: a record that would pass the size starts the next
    // (a record larger than a segment has one to itself).
    if (this.position + this.length + size > this.segmentBytes && this.position + this.length > SEGMENT_HEADER_BYTES) {
      this.flush();
      this.roll();
    } else if (this.length + size > this.batch.length) this.flush();
    return this.length;
  }

  /** Write the header of the record at `at` (its payload is in place) with its checksum, and take it into the batch. */
  private seal(at: number, type: number, lane: number, timeNs: number, n: number): void {
    const b = this.batch;
    const v = this.view;
    v.setUint32(at, n, true);
    v.setUint16(at + 4, type, true);
    v.setUint16(at + 6, lane, true);
    v.setFloat64(at + 8, timeNs, true);
    let crc = crc32c(b, at, at + 16);
    crc = crc32c(b, at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + n, crc);
    v.setUint32(at + 16, crc, true);
    v.setUint32(at + 20, 0, true);
    this.length = at + recordBytes(n);
  }

  /** Write what is gathered (one write). */
  flush(): void {
    if (this.length === 0) return;
    this.write(this.batch, this.length);
    this.length = 0;
  }

  /** Make everything gathered and written durable (fdatasync). */
  sync(): void {
    this.flush();
    this.datasync();
  }

  private datasync(): void {
    if (!this.unsynced) return;
    try {
      fdatasyncSync(this.fd);
    } catch (error) {
      throw new JournalError('ERR_JOURNAL_IO', `fdatasync of ${segmentName(this.segment)} failed`, { cause: error });
    }
    this.unsynced = false;
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.sync();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private write(bytes: Uint8Array, length: number): void {
    let done = 0;
    try {
      while (done < length) {
        const n = writeSync(this.fd, bytes, done, length - done, this.position);
        done += n;
        this.position += n;
      }
    } catch (error) {
      // What was written stays; a partial record at the end is cut when the journal is read.
      this.length = 0;
      throw new JournalError('ERR_JOURNAL_IO', `writing ${segmentName(this.segment)} in ${this.dir} failed after ${done} of ${length} bytes`, { cause: error });
    }
    this.unsynced = true;
  }

  private roll(): void {
    this.datasync();
    closeSync(this.fd);
    this.segment++;
    this.position = 0;
    this.openSegment();
  }

  /** Open the current segment for writing; a new (or emptied) one gets its header, durably, with the directory entry. */
  private openSegment(): void {
    const path = join(this.dir, segmentName(this.segment));
    try {
      this.fd = openSync(path, this.position === 0 ? 'w' : 'r+');
    } catch (error) {
      throw new JournalError('ERR_JOURNAL_IO', `cannot open ${path} for writing`, { cause: error });
    }
    if (this.position > 0) return;
    const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
    header.writeUInt32LE(SEGMENT_MAGIC, 0);
    header.writeUInt32LE(FORMAT_VERSION, 4);
    header.writeDoubleLE(this.segment, 8);
    header.writeDoubleLE(Date.now(), 16);
    header.writeUInt32LE(crc32c(header, 0, 24), 24);
    this.write(header, SEGMENT_HEADER_BYTES);
    this.sync();
    // The new file's name must survive a host crash too.
    try {
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch {
      // Some file systems cannot fsync a directory; the segment's data is synced regardless.
    }
  }
}

/**
 * mkdir -p, bounded: Node's `mkdirSync(dir, { recursive: true })` loops for ever when the
 * parent exists but the child can never be created (seen under /proc on Linux 6, Node 20).
 */
function makeDir(dir: string, depth: number): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || depth > 64) throw error;
    makeDir(parent, depth + 1);
    mkdirSync(dir); // once more; a second failure is final
  }
}
