import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../support/tempDirs.js';
import { Journal, JournalRecordType, JournalWriter, readJournal } from '@ringroute/router';

const freshDir = tempDirs();

/** The numbers of the APPLICATION records, in order, and how many had a wrong second field. */
function applicationRecords(dir: string): number[] & { bad?: number } {
  const out: number[] & { bad?: number } = [];
  out.bad = 0;
  readJournal(dir, (r) => {
    if (r.type !== JournalRecordType.APPLICATION) return;
    const v = new DataView(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength);
    if (v.getFloat64(8, true) !== 2 * v.getFloat64(0, true)) out.bad!++;
    out.push(v.getFloat64(0, true));
  });
  return out;
}

/** Where `xs` first differs from from, from + 1, ... (-1: nowhere). */
function firstGap(xs: number[], from: number, start = 0): number {
  for (let i = start; i < xs.length; i++) if (xs[i] !== from + i - start) return i;
  return -1;
}

describe('the journal thread (issue 13)', () => {
  it('writes what the lanes commit, in each lane\'s order, and hands out only durably reserved ids, never the same one after a restart', async () => {
    const dir = freshDir();
    const base = (lane: number) => lane * 2 ** 40 + 1;
    const first = await Journal.open({ dir, idBlock: 1_000, flush: 'batch' }, 2, base);
    const ids: number[] = [];
    for (let i = 0; i < 1_500; i++) {
      let id = first.lanes[0].takeId();
      while (id < 0) {
        await new Promise((resolve) => setTimeout(resolve, 1)); // the next block is being made durable
        id = first.lanes[0].takeId();
      }
      ids.push(id);
      expect(first.lanes[i % 2].numbers(JournalRecordType.APPLICATION, i, i, 2 * i, 0, 2)).toBe(true);
    }
    expect(ids).toEqual(Array.from({ length: 1_500 }, (_, i) => 1 + i));
    await first.drain();
    await first.close();
    expect(applicationRecords(dir)).toHaveLength(1_500);
    // Lane 0 reserved two blocks (1..2,000) and maybe a third ahead; lane 1 one block.
    const second = await Journal.open({ dir, idBlock: 1_000 }, 2, base);
    try {
      const next0 = second.lanes[0].takeId();
      expect(next0).toBeGreaterThanOrEqual(2_001);
      expect(second.opened.nextIds[1]).toBe(base(1) + 1_000);
      expect(second.lanes[1].takeId()).toBe(base(1) + 1_000);
    } finally {
      await second.close();
    }
  });

  it('a process killed with SIGKILL while journaling loses nothing the journal thread wrote; the torn tail is cut and the next run continues after it (5 kills)', async () => {
    const dir = freshDir();
    let expectedFrom = 0;
    for (let round = 0; round < 5; round++) {
      const child = fork(new URL('../../dist/fixtures/journalChild.js', import.meta.url), [dir, round % 2 === 0 ? 'none' : 'batch', String(expectedFrom)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let written = 0;
      let firstId = 0;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the child did not start')), 15_000);
        child.on('message', (m: { ready?: boolean; written?: number; firstId?: number }) => {
          if (m.ready) {
            clearTimeout(timer);
            firstId = m.firstId!;
            resolve();
          }
          if (m.written !== undefined) written = Math.max(written, m.written);
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const records = applicationRecords(dir);
      // Every run appended after the records the previous runs left: one gap-free sequence, every field intact.
      expect(records.bad).toBe(0);
      expect(firstGap(records, 0)).toBe(-1);
      // At least what the journal thread had reported written (an ID_BLOCK record is among them).
      expect(records.length - expectedFrom).toBeGreaterThanOrEqual(written - 2);
      expect(firstId).toBeGreaterThan(0);
      expectedFrom = records.length;
    }
    expect(expectedFrom).toBeGreaterThan(1_000);
  }, 120_000);

  it('an ID_BLOCK record that reads (its checksum matches) but is not what the format writes is refused, not trusted for the id sequence', async () => {
    for (const payload of [new Uint8Array(4), new Uint8Array(new Float64Array([2 ** 60]).buffer), new Uint8Array(new Float64Array([-5]).buffer)]) {
      const dir = freshDir();
      const w = new JournalWriter(dir);
      w.append(JournalRecordType.ID_BLOCK, 0, 0, payload, 0, payload.length);
      w.close();
      await expect(Journal.open({ dir }, 1, () => 1)).rejects.toMatchObject({ code: 'ERR_JOURNAL_CORRUPT' });
    }
  });
});
