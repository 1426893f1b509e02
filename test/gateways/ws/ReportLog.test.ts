import { describe, expect, it } from 'vitest';
import { ReportLog, type Report } from '@ringroute/gateways';

const report = (seq: number): Report => ({ t: 6, seq, id: seq, vid: 0, ex: 1, px: 0, last: 0, cum: 0, leaves: 1, reason: 0, sym: 3, side: 2 });

describe('ReportLog: an account\'s last reports for replay', () => {
  it('replays every report above a sequence number, in order, while they are kept', () => {
    const log = new ReportLog(5);
    for (let seq = 1; seq <= 3; seq++) log.push(report(seq));
    expect(log.since(0).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(log.since(2).map((r) => r.seq)).toEqual([3]);
    expect(log.since(3)).toEqual([]);
    expect(log.since(99)).toEqual([]);
  });

  it('forgets the oldest past its capacity: a replay then starts later than asked (the caller sees the gap)', () => {
    const log = new ReportLog(5);
    for (let seq = 1; seq <= 12; seq++) log.push(report(seq));
    expect(log.size).toBe(5);
    expect(log.since(0).map((r) => r.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(log.since(9).map((r) => r.seq)).toEqual([10, 11, 12]);
  });
});
