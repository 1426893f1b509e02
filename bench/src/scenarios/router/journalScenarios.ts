import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXEC_CLIENT_ORDER_ID_OFFSET, EXEC_CUM_QTY_LOTS_OFFSET, EXEC_LAST_PRICE_TICKS_OFFSET, EXEC_LEAVES_LOTS_OFFSET, EXEC_RECORD_BYTES, EXEC_TYPE_OFFSET, ExecType, nanoTime, ORDER_RECORD_BYTES, OrderEvent, OrderFlyweight, OrderStateMachine, RecordClass, Side, SlabPool } from '@ringroute/core';
import { Journal, JournalRecordType, JournalReplay, JournalWriter, readJournal, type JournalFlushPolicy } from '@ringroute/router';
import { newHistogram } from '../../harness/Histograms.js';
import { heapBytesPerOp } from '../../harness/measure.js';
import type { RunContext, RunSample, Scenario } from '../../harness/Scenario.js';

/** Records per timed batch (a clock read costs more than one append). */
const BATCH = 64;
/** An ORDER_NEW's payload: the order record. */
const RECORD_WORDS = ORDER_RECORD_BYTES >> 2;

/**
 * The journal's costs, each beside the floor it builds on:
 * - `journal.write.raw`: the disk's rate for the same bytes, written by this thread in
 *   1 MiB batches of 160-byte records with no framing, no checksum and no thread hop (the
 *   floor of any journal on this machine);
 * - `journal.append.<policy>`: ORDER_NEW records (the largest the router writes) appended
 *   through a lane, per flush policy: records per second from the first append until the
 *   journal thread has written them all, the strategy thread's cost per append
 *   (histogram, batches of 64), and its heap bytes per record;
 * - `journal.read.raw` and `journal.recover`: reading a journal of orders with their
 *   events (CRC checked), alone and with the replay that rebuilds the router's state.
 */
export function journalScenarios(): Scenario[] {
  return [
    rawWrite(),
    append('none', 'none', { metric: 'opsPerSec', op: '>=', value: 2e6, label: '>= 2M records/s appended and written (flush none)' }),
    append('every-100ms', { everyMs: 100 }),
    append('batch', 'batch'),
    readRaw(),
    recover(),
  ];
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rr-bench-journal-'));
}

function rawWrite(): Scenario {
  return {
    name: 'journal.write.raw',
    description: 'writeSync of 1 MiB buffers of 160-byte records to a file on the journal\'s disk (no framing, no CRC, one thread): the floor',
    opsPerSample: 6_553,
    run(ctx: RunContext): RunSample {
      const dir = tempDir();
      const fd = openSync(join(dir, 'raw'), 'w');
      const buffer = new Uint8Array(6_553 * 160).fill(7);
      const histogram = newHistogram();
      const writes = ctx.quick ? 100 : 400;
      const begin = nanoTime();
      try {
        for (let i = 0; i < writes; i++) {
          const t0 = nanoTime();
          writeSync(fd, buffer);
          histogram.recordValue(Math.max(1, Math.round((nanoTime() - t0) / 6_553)));
        }
      } finally {
        closeSync(fd);
        rmSync(dir, { recursive: true, force: true });
      }
      return { histogram, opsPerSec: (writes * 6_553) / ((nanoTime() - begin) / 1e9) };
    },
  };
}

function append(label: string, flush: JournalFlushPolicy, ...targets: NonNullable<Scenario['targets']>): Scenario {
  return {
    name: `journal.append.${label}`,
    reference: 'journal.write.raw',
    description: `ORDER_NEW records (136-byte payload) through a journal lane to the journal thread and disk, flush ${label}: records/s until written; append cost per record on the producer`,
    opsPerSample: BATCH,
    targets: [...targets, { metric: 'heapBytesPerOp', op: '<=', value: 0.5, label: '0 heap bytes per record on the strategy thread' }],
    async run(ctx: RunContext): Promise<RunSample> {
      const dir = tempDir();
      const journal = await Journal.open({ dir, flush, ringBytes: 8 << 20 }, 1, () => 1);
      const lane = journal.lanes[0];
      const source = new Int32Array(RECORD_WORDS).fill(0x01020304);
      const histogram = newHistogram();
      const total = ctx.quick ? 500_000 : 2_000_000;
      let fullSpins = 0;
      const times = new Float64Array(1);
      const appendBatch = (n: number): void => {
        const t = times[0];
        for (let i = 0; i < n; i++) {
          // A full ring is back-pressure: a router refuses the order (JOURNAL_FULL); here the producer waits for room.
          while (!lane.words(JournalRecordType.ORDER_NEW, t, source, 0, RECORD_WORDS)) fullSpins++;
        }
      };
      let opsPerSec = 0;
      let heap = NaN;
      try {
        const begin = nanoTime();
        for (let sent = 0; sent < total; sent += BATCH) {
          const t0 = nanoTime();
          times[0] = t0;
          appendBatch(BATCH);
          histogram.recordValue(Math.max(1, Math.round((nanoTime() - t0) / BATCH)));
        }
        await journal.drain(60_000);
        opsPerSec = total / ((nanoTime() - begin) / 1e9);
        heap = heapBytesPerOp((n) => appendBatch(n), 4_096, 8);
        await journal.drain(60_000);
      } finally {
        await journal.close();
        rmSync(dir, { recursive: true, force: true });
      }
      void fullSpins;
      return { histogram, opsPerSec, heapBytesPerOp: heap };
    },
  };
}

/** A journal of `orders` orders as a router writes it: each sent, acknowledged and filled; one in 100 left working. */
function writeOrderJournal(dir: string, orders: number): void {
  const writer = new JournalWriter(dir, { segmentBytes: 64 << 20 });
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 1, recordClass: RecordClass.ORDER });
  const order = new OrderFlyweight(pool);
  const machine = new OrderStateMachine();
  order.wrap(pool.allocate());
  const orderBytes = new Uint8Array(pool.buffer, pool.offsetOf(0), ORDER_RECORD_BYTES);
  const exec = new ArrayBuffer(EXEC_RECORD_BYTES);
  const f64 = new Float64Array(exec);
  const u8 = new Uint8Array(exec);
  const event = (type: number, id: number, cum: number, leaves: number): void => {
    f64[EXEC_CLIENT_ORDER_ID_OFFSET >> 3] = id;
    f64[EXEC_LAST_PRICE_TICKS_OFFSET >> 3] = 6_400_000;
    f64[EXEC_CUM_QTY_LOTS_OFFSET >> 3] = cum;
    f64[EXEC_LEAVES_LOTS_OFFSET >> 3] = leaves;
    u8[EXEC_TYPE_OFFSET] = type;
    writer.append(JournalRecordType.EXECUTION, 0, id, u8, 0, EXEC_RECORD_BYTES);
  };
  for (let id = 1; id <= orders; id++) {
    order.clear();
    order.clientOrderId = id;
    order.symbolId = 0;
    order.side = id % 2 === 0 ? Side.BUY : Side.SELL;
    order.priceTicks = 6_400_000;
    order.quantityLots = 10;
    order.leavesLots = 10;
    machine.apply(order, OrderEvent.SUBMIT, 0); // PENDING_NEW, as sent
    writer.append(JournalRecordType.ORDER_NEW, 0, id, orderBytes, 0, ORDER_RECORD_BYTES);
    event(ExecType.ACK, id, 0, 10);
    if (id % 100 !== 0) event(ExecType.FILL, id, 10, 0);
  }
  writer.close();
}

/** One journal per process, shared by `journal.read.raw` and `journal.recover`. */
let journalDir: string | null = null;
let journalOrders = 0;
function orderJournal(quick: boolean): { dir: string; orders: number } {
  const orders = quick ? 200_000 : 1_000_000;
  if (journalDir === null || journalOrders !== orders) {
    if (journalDir !== null) rmSync(journalDir, { recursive: true, force: true });
    journalDir = tempDir();
    journalOrders = orders;
    writeOrderJournal(journalDir, orders);
    process.once('exit', () => journalDir !== null && rmSync(journalDir, { recursive: true, force: true }));
  }
  return { dir: journalDir, orders };
}

function readRaw(): Scenario {
  return {
    name: 'journal.read.raw',
    description: 'read a journal of orders (sent, acked, filled; 3 records each), every record\'s CRC-32C checked, nothing done with them: per order',
    opsPerSample: 1_000,
    run(ctx: RunContext): RunSample {
      const { dir, orders } = orderJournal(ctx.quick);
      const histogram = newHistogram();
      let seen = 0;
      let t0 = nanoTime();
      const begin = t0;
      readJournal(dir, (r) => {
        if (r.type !== JournalRecordType.ORDER_NEW || ++seen % 1_000 !== 0) return;
        const t1 = nanoTime();
        histogram.recordValue(Math.max(1, Math.round((t1 - t0) / 1_000)));
        t0 = t1;
      });
      return { histogram, opsPerSec: orders / ((nanoTime() - begin) / 1e9) };
    },
  };
}

function recover(): Scenario {
  return {
    name: 'journal.recover',
    reference: 'journal.read.raw',
    description: 'replay a journal of orders (sent, acked, filled; one in 100 left working) into an order pool, positions and live orders, as Router.create does: per order (quick: 200,000 orders; full: 1,000,000)',
    opsPerSample: 1_000,
    targets: [{ metric: 'opsPerSec', op: '>=', value: 500_000, label: '1,000,000 orders replayed in under 2 s (>= 500k orders/s)' }],
    run(ctx: RunContext): RunSample {
      const { dir, orders } = orderJournal(ctx.quick);
      const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 65_536, recordClass: RecordClass.ORDER });
      const histogram = newHistogram();
      const begin = nanoTime();
      const replay = new JournalReplay(pool, 16, 1);
      let seen = 0;
      let t0 = begin;
      readJournal(dir, (r) => {
        replay.visit(r);
        if (r.type !== JournalRecordType.ORDER_NEW || ++seen % 1_000 !== 0) return;
        const t1 = nanoTime();
        histogram.recordValue(Math.max(1, Math.round((t1 - t0) / 1_000)));
        t0 = t1;
      });
      const elapsed = nanoTime() - begin;
      if (replay.counts.live !== orders / 100) throw new Error(`replayed ${replay.counts.live} live orders, expected ${orders / 100}`);
      return { histogram, opsPerSec: orders / (elapsed / 1e9) };
    },
  };
}
