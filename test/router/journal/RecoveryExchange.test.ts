import { describe, expect, it } from 'vitest';
import { ExecType, ORDER_RECORD_BYTES, OrderFlyweight, OrderState, OrderType, RecordClass, RejectReason, Side, SlabPool, TimeInForce } from '@ringroute/core';
import { startExchangeServer, WS_GATEWAY_TASK } from '@ringroute/gateways';
import { JournalRecordType, JournalReplay, readJournal, Router, type OrderEventHandler, type RecoveryReport } from '@ringroute/router';
import { KEY, SECRET } from '../../support/exchange.js';
import { pollUntil } from '../../support/venues.js';
import { tempDirs } from '../../support/tempDirs.js';
import { JournalScript } from '../../support/journalScript.js';

const freshDir = tempDirs('rr-recovery-ws-');

describe('recovery against the reference exchange: each rule of docs/journal.md', () => {
  it('an order the router had marked UNKNOWN that the exchange holds is confirmed working; one the exchange never received is rejected; one the journal lost is taken back and canceled', async () => {
    const server = await startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } }, symbols: 4 });
    const dir = freshDir();
    // The exchange's side of the story: order 5 rests (report 1); order 7 arrived too, after the checkpoint (report 2).
    server.book.submit(server.book.account(1), 5, 0, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 0, 9_000, 0, 3);
    // The journal's: 5 sent, acknowledged, then UNKNOWN (the gateway lost track of it); 6 sent and never
    // acknowledged; checkpoint at report 1; 7's record never reached the disk.
    // Order 4 rests (report 2 is its ACK, before the checkpoint); the journal had its cancel, which never reached the exchange.
    server.book.submit(server.book.account(1), 4, 0, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 0, 8_900, 0, 5);
    new JournalScript(dir).idBlock(65).sent(4, Side.BUY, 8_900, 5).event(4, ExecType.ACK, 2).cancel(4).sent(5, Side.BUY, 9_000, 3).event(5, ExecType.ACK, 1).event(5, ExecType.UNKNOWN).sent(6, Side.SELL, 11_000, 2).checkpoint(0, 2).close();
    server.book.submit(server.book.account(1), 7, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 12_000, 0, 4);
    // Order 8's record was lost too, and the exchange canceled it before the restart: its CANCELED comes in the replay, before the router hands it back.
    server.book.submit(server.book.account(1), 8, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 12_100, 0, 2);
    server.book.cancel(server.book.account(1), 8);
    // Order 9 in the window, but for 2^31 lots: more than the risk counters hold, so not an order this router sent.
    server.book.submit(server.book.account(1), 9, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 12_200, 0, 2 ** 31);
    // An order with an id of this lane's range that the earlier run could not have used (past its last durable block): not ours.
    server.book.submit(server.book.account(1), 1_000, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 12_500, 0, 1);
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [{ name: 'x', task: WS_GATEWAY_TASK, adapter: { url: server.url, apiKey: KEY, secret: SECRET } }],
      idle: 'async',
      ackTimeoutMs: 0,
      journal: { dir },
    });
    const rejected: [number, number][] = [];
    const canceled: number[] = [];
    let report: RecoveryReport | null = null;
    const handler: OrderEventHandler = {
      onRejected: (o, reason) => void rejected.push([o.clientOrderId, reason]),
      onCanceled: (o) => void canceled.push(o.clientOrderId),
      onRecovered: (r) => void (report = r),
    };
    try {
      expect(router.recovery!.replayed.live).toBe(3);
      expect(router.orderOf(5)!.state).toBe(OrderState.UNKNOWN);
      await pollUntil(router, handler, () => report !== null && canceled.includes(7), 10_000);
      expect(report!.venues[0]).toMatchObject({ sinceSequence: 2, recovered: 3, outcome: 'settled', adopted: 2, ignored: 2, requestsLost: 1 });
      expect(canceled).toContain(8); // taken back, then ended by its own CANCELED from the replay
      expect(server.book.account(1).ids.liveSlot(1_000)).toBeGreaterThanOrEqual(0); // left alone
      expect(server.book.account(1).ids.liveSlot(9)).toBeGreaterThanOrEqual(0);
      expect(router.orderOf(9)).toBeNull();
      expect(report!.foreignCanceled).toBe(1);
      // 5: working again, as the exchange holds it.
      const five = router.orderOf(5)!;
      expect([five.state, five.quantityLots, five.filledLots]).toEqual([OrderState.ACCEPTED, 3, 0]);
      // 6: the exchange's log since the checkpoint is whole and never saw it: it never arrived.
      expect(rejected).toEqual([[6, RejectReason.VENUE_UNAVAILABLE]]);
      // 7: taken back from the exchange's reports (symbol, side, price, quantity), then canceled there.
      expect(server.book.account(1).ids.liveSlot(7)).toBe(-1);
      expect(router.liveOrderIds()).toEqual([4, 5]);
      expect(router.orderOf(4)!.state).toBe(OrderState.ACCEPTED); // its lost cancel refused: it works on
      expect(router.risk.openOrders(0)).toBe(2);
      expect(router.risk.working(0, Side.BUY)).toBe(8);
      // What this run decided is journaled: a replay now rebuilds exactly these orders (a crash now would recover them as they are).
      await router.journal!.drain();
      const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1_024, recordClass: RecordClass.ORDER });
      const replay = new JournalReplay(pool, 16, 1);
      readJournal(dir, (r) => replay.visit(r));
      const o = new OrderFlyweight(pool);
      const rebuilt = replay.liveHandles().map((h) => (o.wrap(h), [o.clientOrderId, o.state, o.quantityLots]));
      expect(rebuilt).toEqual([4, 5].map((id) => [id, router.orderOf(id)!.state, router.orderOf(id)!.quantityLots]));
      expect(router.risk.working(0, Side.SELL)).toBe(0);
      // New ids continue past every id the previous run had reserved.
      expect(router.submit({ symbol: 'BTC-USD', side: 'buy', price: '80', quantity: '0.001' })).toBeGreaterThanOrEqual(65);
    } finally {
      await router.stop();
      await server.close();
    }
  }, 30_000);

  it('an execution event the full journal ring cannot take is counted, and from then on no checkpoint is journaled (a recovery replays from the one before)', async () => {
    const server = await startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } }, symbols: 4 });
    const dir = freshDir();
    // A 4 KiB ring and an fsync after every batch: a burst of fills outruns the journal thread.
    const router = await Router.create({
      instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
      venues: [{ name: 'x', task: WS_GATEWAY_TASK, adapter: { url: server.url, apiKey: KEY, secret: SECRET } }],
      idle: 'async',
      ackTimeoutMs: 0,
      journal: { dir, ringBytes: 4_096, flush: 'batch' },
    });
    const checkpoints = async (): Promise<number> => {
      await router.journal!.drain();
      let n = 0;
      readJournal(dir, (r) => void (r.type === JournalRecordType.VENUE_CHECKPOINT && n++), { repair: false });
      return n;
    };
    const slowly = async (orders: number): Promise<void> => {
      for (let i = 0; i < orders; i++) {
        router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', tif: 'IOC' });
        const until = Date.now() + 15;
        while (Date.now() < until) if (router.poll({}) === 0) await new Promise((r) => setTimeout(r, 1));
      }
    };
    try {
      server.book.submit(server.book.account(99), 1, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 10_000, 0, 1_000_000);
      await slowly(5);
      const before = await checkpoints();
      expect(before).toBeGreaterThan(0); // with room in the ring, checkpoints are journaled
      expect(router.stats.journalOverruns).toBe(0);
      for (let round = 0; round < 20 && router.stats.journalOverruns === 0; round++) {
        for (let i = 0; i < 300; i++) router.submit({ symbol: 'BTC-USD', side: 'buy', price: '100', quantity: '0.001', tif: 'IOC' });
        await new Promise((r) => setTimeout(r, 20)); // the fills come back together
        while (router.poll({}, 4_096) > 0);
      }
      expect(router.stats.journalOverruns).toBeGreaterThan(0);
      const atOverrun = await checkpoints();
      await slowly(5);
      expect(await checkpoints()).toBe(atOverrun);
    } finally {
      await router.stop();
      await server.close();
    }
  }, 60_000);
});
