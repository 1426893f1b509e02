import { execFileSync, spawnSync } from 'node:child_process';
import { symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminalState } from '@ringroute/core';
import { JOURNAL_BEHIND, JOURNAL_FAILED, JOURNAL_FULL, JournalRecordDecoder, readJournal, Router, segmentName, type DecodedRecord, type OrderEventHandler } from '@ringroute/router';
import { alphaBeta } from '../../support/venues.js';
import { tempDirs } from '../../support/tempDirs.js';

const freshDir = tempDirs();
const BTC = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001', minNotional: '1' };
const CLI = new URL('../../../packages/router/dist/journal/journalCli.js', import.meta.url);

function decoded(dir: string): DecodedRecord[] {
  const decoder = new JournalRecordDecoder();
  const out: DecodedRecord[] = [];
  readJournal(dir, (r) => void out.push(decoder.decode(r)));
  return out;
}

describe('the router with a journal (issue 13)', () => {
  it('journals every order it sends with its fields, every cancel, and every execution event it applies; a restart never reuses an id', async () => {
    const dir = freshDir();
    const router = await Router.create({ instruments: [BTC], venues: alphaBeta(), defaultVenue: 'alpha', journal: { dir, flush: 'batch' } });
    const ended = new Set<number>();
    const handler: OrderEventHandler = { onFill: (o) => void (o.leavesLots === 0 && ended.add(o.clientOrderId)), onCanceled: (o) => void ended.add(o.clientOrderId), onRejected: (o) => void ended.add(o.clientOrderId) };
    const ids: number[] = [];
    let cancels = 0;
    try {
      for (let i = 0; i < 100; i++) {
        const id = router.submit({ symbol: 'BTC-USD', side: i % 2 === 0 ? 'buy' : 'sell', price: i % 2 === 0 ? '90' : '110', quantity: '0.05', venue: i % 3 === 0 ? 'beta' : 'alpha' });
        expect(id).toBeGreaterThan(0);
        ids.push(id);
      }
      // Every order acknowledged (resting), then all canceled.
      const deadline = Date.now() + 10_000;
      while (ids.some((id) => router.orderOf(id)?.state === 1) && Date.now() < deadline) if (router.poll(handler) === 0) await new Promise((r) => setTimeout(r, 1));
      for (const id of ids) if (router.cancel(id) === 0) cancels++;
      while (ended.size < ids.length && Date.now() < deadline) if (router.poll(handler) === 0) await new Promise((r) => setTimeout(r, 1));
      expect(ended.size).toBe(ids.length);
      expect(ids.every((id) => router.orderOf(id) === null || isTerminalState(router.orderOf(id)!.state))).toBe(true);
    } finally {
      await router.stop(handler);
    }
    expect(router.stats.journalOverruns).toBe(0);
    const records = decoded(dir);
    const news = records.filter((r) => r.type === 'ORDER_NEW');
    expect(news.map((r) => r.clientOrderId)).toEqual(ids);
    expect(news[0]).toMatchObject({ symbolId: 0, side: 'BUY', ordType: 'LIMIT', priceTicks: 9_000, quantityLots: 50, venue: 1 });
    expect(records.filter((r) => r.type === 'CANCEL').map((r) => r.clientOrderId)).toHaveLength(cancels);
    const executions = records.filter((r) => r.type === 'EXECUTION');
    for (const id of ids) {
      const mine = executions.filter((r) => r.clientOrderId === id).map((r) => r.execType);
      expect(mine[0]).toBe('ACK');
      expect(mine.at(-1)).toBe('CANCELED');
    }

    // A second run on the same directory starts past every id the first could have used.
    const again = await Router.create({ instruments: [BTC], venues: alphaBeta(), defaultVenue: 'alpha', journal: { dir } });
    try {
      const id = again.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.05' });
      expect(id).toBeGreaterThan(Math.max(...ids) + 1);
      const blocks = records.filter((r) => r.type === 'ID_BLOCK').map((r) => r.idsBefore as number);
      expect(id).toBeGreaterThanOrEqual(Math.max(...blocks));
    } finally {
      await again.stop();
    }

    // The audit trail from the command line.
    const lines = execFileSync(process.execPath, [CLI.pathname, 'dump', dir, '--json'], { encoding: 'utf8' }).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l)).filter((r) => r.type === 'ORDER_NEW').length).toBe(101);
    const text = execFileSync(process.execPath, [CLI.pathname, 'dump', dir], { encoding: 'utf8' });
    expect(text).toMatch(/ORDER_NEW\s+clientOrderId=1 venue=1 symbolId=0 side=BUY ordType=LIMIT tif=GTC priceTicks=9000 quantityLots=50/);
    expect(spawnSync(process.execPath, [CLI.pathname, 'dump'], { encoding: 'utf8' }).status).toBe(2);
  }, 60_000);

  it('a journal directory that cannot be written fails Router.create with the journal error, before any gateway starts', async () => {
    await expect(Router.create({ instruments: [BTC], venues: alphaBeta(), journal: { dir: '/proc/self/no-journal-here' } })).rejects.toMatchObject({ code: 'ERR_JOURNAL_IO' });
  });

  it('refuses orders instead of sending them unjournaled: JOURNAL_BEHIND while the next id block is not durable, JOURNAL_FAILED once the disk is full', async () => {
    const dir = freshDir();
    const router = await Router.create({ instruments: [BTC], venues: alphaBeta(), defaultVenue: 'alpha', journal: { dir, idBlock: 4, segmentBytes: 4_096, flush: 'none' } });
    // The second segment lives on a full disk: /dev/full answers every write with ENOSPC.
    symlinkSync('/dev/full', join(dir, segmentName(1)));
    try {
      const results: number[] = [];
      const deadline = Date.now() + 10_000;
      while (!results.includes(JOURNAL_FAILED) && Date.now() < deadline) {
        for (let i = 0; i < 10; i++) results.push(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.05', tif: 'IOC' }));
        router.poll({});
        await new Promise((r) => setTimeout(r, 2));
      }
      // Blocks of 4 ids, each fsynced before use: a burst of 10 outruns them.
      expect(results).toContain(JOURNAL_BEHIND);
      expect(results).toContain(JOURNAL_FAILED);
      const sent = results.filter((r) => r > 0);
      expect(new Set(sent).size).toBe(sent.length);
      expect(router.journal!.failure).toMatch(/ENOSPC|no space/i);
      // From then on, every order is refused.
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.05' })).toBe(JOURNAL_FAILED);
      // The journal holds only orders that were sent (a refused order's claimed record was
      // aborted), and all of them but those in the one batch whose write failed (at most
      // one burst of 10 here; docs/journal.md).
      unlinkSync(join(dir, segmentName(1)));
      const journaled = decoded(dir).filter((r) => r.type === 'ORDER_NEW').map((r) => r.clientOrderId as number);
      expect(journaled.every((id) => sent.includes(id))).toBe(true);
      expect(sent.length - journaled.length).toBeLessThanOrEqual(10);
      expect(journaled.length).toBeGreaterThan(0);
    } finally {
      await router.stop();
    }
  }, 30_000);

  it('a burst beyond the journal ring is refused with JOURNAL_FULL, and every order sent is journaled whole (id blocks reserved mid-burst included)', async () => {
    const dir = freshDir();
    // A 4 KiB ring holds about 25 orders, and an fsync after every batch keeps the journal thread behind; blocks of 1,024 ids are reserved mid-burst.
    const router = await Router.create({ instruments: [BTC], venues: alphaBeta(), defaultVenue: 'alpha', journal: { dir, ringBytes: 4_096, idBlock: 1_024, flush: 'batch' } });
    const results: number[] = [];
    try {
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 200; i++) results.push(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.05', tif: 'IOC' }));
        router.poll({});
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(results).toContain(JOURNAL_FULL);
    } finally {
      await router.stop();
    }
    const sent = new Set(results.filter((r) => r > 0));
    expect(sent.size).toBeGreaterThan(100);
    // Every order that went is in the journal, with its own id (a record published before it was filled would read as id 0).
    const journaled = decoded(dir).filter((r) => r.type === 'ORDER_NEW').map((r) => r.clientOrderId as number);
    expect(new Set(journaled)).toEqual(sent);
  }, 30_000);

  it('holds the order path\'s records off the round trip, and hands them to the journal thread within its stated bounds: 64 held, a poll that delivers nothing, the hand-over timer for a thread that awaits', async () => {
    const dir = freshDir();
    const router = await Router.create({ instruments: [BTC], venues: alphaBeta(), defaultVenue: 'alpha', journal: { dir, flush: 'none' } });
    const journal = router.journal!;
    const send = (): number => router.submit({ symbol: 'BTC-USD', side: 'buy', price: '90', quantity: '0.05' });
    // Synchronous waits: the event loop does not turn, so the hand-over timer cannot fire.
    const spinUntil = (done: () => boolean, ms: number): boolean => {
      const end = Date.now() + ms;
      while (!done()) if (Date.now() > end) return false;
      return true;
    };
    try {
      await journal.drain();
      let base = journal.written;
      // Held: 63 orders sent, none published (the journal thread writes nothing in 20 ms) ...
      for (let i = 0; i < 63; i++) expect(send()).toBeGreaterThan(0);
      expect(spinUntil(() => journal.written > base, 20)).toBe(false);
      // ... until the 64th: all 64 at once.
      expect(send()).toBeGreaterThan(0);
      expect(spinUntil(() => journal.written >= base + 64, 5_000)).toBe(true);
      expect(journal.written).toBe(base + 64);
      base = journal.written;

      // A poll that delivers events keeps them held; the first that delivers nothing hands them over.
      spinUntil(() => false, 100); // the gateway worker acknowledges the 64 meanwhile
      expect(router.poll({}, 1_000)).toBe(64); // (64 staged: published at the limit)
      expect(router.poll({})).toBe(0);
      expect(spinUntil(() => journal.written >= base + 64, 5_000)).toBe(true);
      base = journal.written;
      for (let i = 0; i < 5; i++) send();
      spinUntil(() => false, 100);
      expect(router.poll({}, 1_000)).toBe(5);
      expect(spinUntil(() => journal.written > base, 20)).toBe(false);
      expect(router.poll({})).toBe(0);
      expect(spinUntil(() => journal.written >= base + 10, 5_000)).toBe(true); // 5 orders and their 5 acks
      expect(journal.written).toBe(base + 10);

      // A strategy that sends and then awaits, never polling: the hand-over timer publishes.
      base = journal.written;
      for (let i = 0; i < 3; i++) send();
      expect(spinUntil(() => journal.written > base, 20)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(spinUntil(() => journal.written >= base + 3, 5_000)).toBe(true);
    } finally {
      await router.stop();
    }
    // And nothing held is lost at stop: every order journaled, each with its ack and its cancel.
    const records = decoded(dir);
    expect(records.filter((r) => r.type === 'ORDER_NEW')).toHaveLength(72);
    expect(records.filter((r) => r.type === 'EXECUTION' && r.execType === 'CANCELED')).toHaveLength(72);
  });
});
