import { fork, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ExecType, OrderState, OrderType, Side, TimeInForce } from '@ringroute/core';
import { startExchangeServer, type ExchangeServer } from '@ringroute/gateways';
import { JournalRecordDecoder, readJournal, type RecoveryReport } from '@ringroute/router';
import { KEY, SECRET } from '../../support/exchange.js';
import { tempDirs } from '../../support/tempDirs.js';

const tempDir = tempDirs('rr-recovery-');

const CHILD = new URL('../../dist/fixtures/recoveryChild.js', import.meta.url);
const KILLS = Number(process.env.RECOVERY_KILLS ?? 20);

interface ChildState {
  live: number[][];
  position: number;
  recovery: RecoveryReport | null;
  unknownEvents: number;
  journalOverruns: number;
}

/** Start the trading child and wait (bounded) for its state after recovery. */
function startChild(server: ExchangeServer, dir: string, seed: number, policy: string): Promise<{ child: ChildProcess; state: ChildState }> {
  const child = fork(CHILD, [server.url, dir, String(seed), policy], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('the child did not report its state within 30 s'))), 30_000);
    child.once('message', (m: { state: ChildState }) => (clearTimeout(timer), resolve({ child, state: m.state })));
    child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`the child exited (${code ?? signal}) before reporting its state`))));
  });
}

/** The exchange's reports and the journal's records about one order (a failure's explanation). */
function history(server: ExchangeServer, dir: string, id: number): string {
  const reports = server.book.account(1).log.since(0).filter((r) => r.id === id).map((r) => `#${r.seq} ex ${r.ex} px ${r.px} last ${r.last} cum ${r.cum} leaves ${r.leaves}`);
  const decoder = new JournalRecordDecoder();
  const records: string[] = [];
  let checkpoints = 0;
  readJournal(dir, (r) => {
    const d = decoder.decode(r);
    if (d.clientOrderId === id) records.push(`${JSON.stringify(d)} (after ${checkpoints} checkpoints)`);
    if (d.type === 'VENUE_CHECKPOINT') {
      checkpoints++;
      if (records.length > 0 && !records[records.length - 1].startsWith('checkpoint')) records.push(`checkpoint ${d.sequence}`);
    }
  });
  return `order ${id}\nexchange:\n${reports.join('\n')}\njournal:\n${records.join('\n')}`;
}

/** The exchange's view of account 1: open orders (id -> [quantity, cum]) and the position its fills made. */
function exchangeView(server: ExchangeServer): { open: Map<number, [number, number]>; position: number } {
  const account = server.book.account(1);
  const flat = server.book.openOrders(account);
  const open = new Map<number, [number, number]>();
  for (let i = 0; i < flat.length; i += 6) open.set(flat[i], [flat[i + 3], flat[i + 4]]);
  let position = 0;
  const log = account.log.since(0);
  expect(log.length).toBe(account.seq); // the log still holds every report: the position below is complete
  for (const r of log) if (r.ex === ExecType.FILL) position += r.side === Side.BUY ? r.last : -r.last;
  return { open, position };
}

describe('crash recovery: a router SIGKILLed mid-flow restarts on its journal and agrees with the exchange', () => {
  it(`${KILLS} kills in a row at random moments: after each restart every open order, quantity and the position match the exchange, no client order id was sent twice, nothing is left in doubt`, async () => {
    const server = await startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } }, symbols: 4, reportLog: 400_000 });
    const dir = tempDir();
    // Liquidity from another participant (account 99) for the child's marketable orders.
    let seedId = 1;
    const liquidity = setInterval(() => {
      server.book.submit(server.book.account(99), seedId++, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 0, 10_050, 0, 40);
      server.book.submit(server.book.account(99), seedId++, 0, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 0, 10_020, 0, 40);
    }, 50);
    let random = 12_345;
    const next = () => ((random = (random * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    const totals = { adopted: 0, recovered: 0, foreignCanceled: 0, requestsLost: 0 };
    let current: ChildProcess | null = null;
    try {
      for (let round = 0; round <= KILLS; round++) {
        const policy = round % 2 === 0 ? 'cancel' : 'adopt';
        const started = await startChild(server, dir, round + 1, policy);
        const child = started.child;
        current = child;
        const state = started.state;
        const view = exchangeView(server);
        const context = `round ${round} (${policy})`;
        // Nothing in doubt once reconciliation ended.
        if (round > 0) {
          expect(state.recovery, context).not.toBeNull();
          expect(state.recovery!.complete, context).toBe(true);
          expect(state.recovery!.venues[0].outcome, context).toBe('settled');
          expect(state.recovery!.unknown, context).toBe(0);
          // Replayed from the journal's last checkpoint, not from the start of the exchange's log.
          expect(state.recovery!.venues[0].sinceSequence, context).toBeGreaterThan(0);
          totals.adopted += state.recovery!.venues[0].adopted;
          totals.recovered += state.recovery!.venues[0].recovered;
          totals.foreignCanceled += state.recovery!.foreignCanceled;
          totals.requestsLost += state.recovery!.venues[0].requestsLost;
        }
        expect(state.unknownEvents, context).toBe(0);
        expect(state.journalOverruns, context).toBe(0);
        // Every order the exchange holds is known to the router, working, with the same quantity and cum; and nothing else is.
        const mine = new Map(state.live.map(([id, s, qty, cum]) => [id, [s, qty, cum]]));
        const extra = [...mine.keys()].filter((id) => !view.open.has(id)).concat([...view.open.keys()].filter((id) => !mine.has(id)));
        for (const id of extra.slice(0, 3)) console.log(`${context}: ${mine.has(id) ? `router has it (state ${mine.get(id)![0]})` : 'exchange has it'}\n${history(server, dir, id)}`);
        expect([...mine.keys()].sort((a, b) => a - b), context).toEqual([...view.open.keys()].sort((a, b) => a - b));
        for (const [id, [qty, cum]] of view.open) {
          const [s, myQty, myCum] = mine.get(id)!;
          if (myQty !== qty || myCum !== cum) console.log(history(server, dir, id)); // what each side saw of it, to tell why
          expect([myQty, myCum], `${context}: order ${id}`).toEqual([qty, cum]);
          expect([OrderState.ACCEPTED, OrderState.PARTIALLY_FILLED], `${context}: order ${id}`).toContain(s);
        }
        // The position is exactly what the exchange filled for the account.
        expect(state.position, context).toBe(view.position);
        // No client order id reached the exchange twice (ids come from durable blocks).
        expect(server.book.duplicateNews, context).toBe(0);
        if (round === KILLS) {
          child.kill('SIGKILL');
          break;
        }
        child.send({ go: true });
        await new Promise((resolve) => setTimeout(resolve, 150 + next() * 550));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      console.log(`recovery crash test: ${KILLS} kills; orders recovered ${totals.recovered}, taken back from the exchange ${totals.adopted} (canceled ${totals.foreignCanceled}), lost requests refused ${totals.requestsLost}; account reports ${server.book.account(1).seq}`);
      // The flow really went through the crashes: orders were live at kill time and some were taken back.
      expect(totals.recovered).toBeGreaterThan(0);
      expect(server.book.account(1).seq).toBeGreaterThan(1_000);
    } finally {
      current?.kill('SIGKILL'); // a failed round leaves no process behind
      clearInterval(liquidity);
      await server.close();
    }
  }, 300_000);
});
