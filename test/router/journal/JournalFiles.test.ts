import { chmodSync, readFileSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../support/tempDirs.js';
import { crc32c, JournalError, JournalWriter, readJournal, segmentName } from '@ringroute/router';

const freshDir = tempDirs();

/** Write `n` records whose payload is [i as f64, then i % 251 repeated (i % 40) times]. */
function writeRecords(dir: string, n: number, from = 0, segmentBytes?: number): void {
  const w = new JournalWriter(dir, { segmentBytes });
  for (let i = from; i < from + n; i++) {
    const payload = new Uint8Array(8 + (i % 40)).fill(i % 251);
    new DataView(payload.buffer).setFloat64(0, i, true);
    w.append(2 + (i % 5), i % 3, i * 10, payload, 0, payload.length);
  }
  w.close();
}

function readAll(dir: string, options?: { repair?: boolean }) {
  const seen: number[] = [];
  const result = readJournal(
    dir,
    (r) => {
      const i = new DataView(r.payload.buffer, r.payload.byteOffset, 8).getFloat64(0, true);
      expect([r.type, r.lane, r.timeNs, r.payload.length]).toEqual([2 + (i % 5), i % 3, i * 10, 8 + (i % 40)]);
      expect(r.payload.subarray(8).every((b) => b === i % 251)).toBe(true);
      seen.push(i);
    },
    options,
  );
  return { seen, result };
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('journal files: format, checksums, torn tails and typed errors (issue 13)', () => {
  it('CRC-32C has the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('records come back in order with their type, lane, time and bytes, across segment rolls and reopenings', () => {
    const dir = freshDir();
    writeRecords(dir, 3_000, 0, 16 << 10);
    writeRecords(dir, 1_000, 3_000, 16 << 10); // reopened: appends after the last record
    const { seen, result } = readAll(dir);
    expect(seen).toEqual(range(4_000));
    expect(result.cut).toBeNull();
    expect(result.segments.length).toBeGreaterThan(5);
  });

  it('records gathered from ring words (the path of the journal thread) read back byte for byte, a partial last word and stale bytes beyond it included', () => {
    const dir = freshDir();
    const writer = new JournalWriter(dir);
    const words = new Int32Array(8).fill(-1); // bytes past each payload's end are 0xff: they must not reach the file
    const bytes = new Uint8Array(words.buffer);
    for (let i = 0; i < 32; i++) bytes[i] = i + 1;
    for (const n of [0, 1, 4, 13, 24, 32]) writer.appendWords(64, 3, n, words, 0, n);
    writer.close();
    const seen: [number, number[]][] = [];
    const result = readJournal(dir, (r) => void seen.push([r.timeNs, [...r.payload]]));
    expect(result.cut).toBeNull();
    expect(seen).toEqual([0, 1, 4, 13, 24, 32].map((n) => [n, range(n, 1)]));
    // The padding after each payload is zero in the file (the segment's bytes, not only the payload view).
    const file = readFileSync(join(dir, segmentName(0)));
    expect([...file.subarray(81, 88)]).toEqual([0, 0, 0, 0, 0, 0, 0]); // the 1-byte record: header at 56, payload byte at 80, padding to 88
    expect(file[80]).toBe(1);
  });

  it('a torn last record is reported and cut, never replayed; appending then continues cleanly', () => {
    const dir = freshDir();
    writeRecords(dir, 100);
    const path = join(dir, segmentName(0));
    const size = statSync(path).size;
    truncateSync(path, size - 10); // the last record loses the end of its payload, as a crash mid-write leaves it
    const { seen, result } = readAll(dir, { repair: true });
    expect(seen).toEqual(range(99));
    expect(result.cut).toMatchObject({ segment: 0, droppedBytes: expect.any(Number) });
    expect(statSync(path).size).toBe(result.cut!.offset);
    writeRecords(dir, 10, 99);
    expect(readAll(dir).seen).toEqual(range(109));
    expect(readAll(dir).result.cut).toBeNull();
  });

  it('a corrupted byte in the middle is a typed error (ERR_JOURNAL_CORRUPT), not a cut and not wrong data', () => {
    const dir = freshDir();
    writeRecords(dir, 100);
    const path = join(dir, segmentName(0));
    const bytes = readFileSync(path);
    bytes[32 + 24 + 3] ^= 0x40; // inside the first record's payload
    writeFileSync(path, bytes);
    expect(() => readJournal(dir)).toThrow(expect.objectContaining({ code: 'ERR_JOURNAL_CORRUPT' }));
  });

  it('a missing segment and a newer format version are typed errors', () => {
    const dir = freshDir();
    writeRecords(dir, 3_000, 0, 16 << 10);
    unlinkSync(join(dir, segmentName(1)));
    expect(() => readJournal(dir)).toThrow(expect.objectContaining({ code: 'ERR_JOURNAL_MISSING_SEGMENT' }));

    const newer = freshDir();
    writeRecords(newer, 10);
    const path = join(newer, segmentName(0));
    const bytes = readFileSync(path);
    bytes.writeUInt32LE(2, 4);
    bytes.writeUInt32LE(crc32c(bytes, 0, 24), 24);
    writeFileSync(path, bytes);
    const error = (() => {
      try {
        readJournal(newer);
      } catch (e) {
        return e as JournalError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(JournalError);
    expect(error!.code).toBe('ERR_JOURNAL_NEWER_FORMAT');
    expect(error!.message).toMatch(/version 2/);
  });

  it('a directory that cannot be written is a clear error at open, and what it holds is untouched', () => {
    if (process.getuid?.() === 0) {
      // Root writes through permission bits: /proc/self is a directory no one can create files in.
      expect(() => new JournalWriter('/proc/self')).toThrow(expect.objectContaining({ code: 'ERR_JOURNAL_IO' }));
      return;
    }
    const dir = freshDir();
    writeRecords(dir, 10);
    chmodSync(dir, 0o555);
    try {
      expect(() => new JournalWriter(dir)).toThrow(expect.objectContaining({ code: 'ERR_JOURNAL_IO' }));
      expect(readAll(dir).seen).toEqual(range(10));
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('a full disk is a clear error, and every record written before it stays readable', () => {
    const dir = freshDir();
    const w = new JournalWriter(dir, { segmentBytes: 16 << 10 });
    // The next segment is a file on a full disk: /dev/full answers every write with ENOSPC.
    symlinkSync('/dev/full', join(dir, segmentName(1)));
    const payload = new Uint8Array(200);
    let written = 0;
    let failure: unknown = null;
    try {
      for (; written < 1_000; written++) {
        w.append(2, 0, written, payload, 0, payload.length);
        w.flush();
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'ERR_JOURNAL_IO', message: expect.stringMatching(/ENOSPC|no space/i) });
    unlinkSync(join(dir, segmentName(1)));
    let read = 0;
    readJournal(dir, () => void read++);
    expect(read).toBe(written);
    expect(written).toBeGreaterThan(50);
  });
});
