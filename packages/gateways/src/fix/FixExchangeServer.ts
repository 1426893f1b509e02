import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { DecimalGrid, nanoTime } from '@ringroute/core';
import { ExchangeBook } from '../ws/ExchangeBook.js';
import type { Account } from '../ws/ExchangeAccount.js';
import { FixDecimal } from './FixDecimal.js';
import { FixExchangeSession, type FixExchangeStats, type FixExchangeSymbols } from './FixExchangeSession.js';
import { FixSession } from './FixSession.js';
import { MemoryFixStore, type FixStore } from './FixStore.js';
import { JournalFixStore } from './JournalFixStore.js';
import { asciiBytes } from './FixWriter.js';

export interface FixExchangeOptions {
  /** The book to trade on: share the WebSocket exchange's (`ExchangeServer.book`) so both protocols meet in one market. */
  book?: ExchangeBook;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The exchange's CompID (its SenderCompID; clients' TargetCompID). Default 'RREX'. */
  compId?: string;
  /** Client SenderCompIDs the exchange takes, each trading for an account; with a password to check, if given. */
  clients: Record<string, { account: number; password?: string }>;
  /** Symbol ids of the book, by index: their FIX Symbol and grids. */
  symbols: readonly { symbol: string; tickSize: string | number; lotSize: string | number }[];
  /** Session stores per client: a directory (durable, one journal per client) or memory (default). */
  storeDir?: string;
  /** Messages one session may send per second, a burst of as many (default 5,000). */
  ordersPerSecond?: number;
  maxMessageBytes?: number;
  /** Connections at once (default 64); one more is closed at once. */
  maxConnections?: number;
}

/**
 * The reference exchange's FIX 4.4 acceptor: FIX clients (the FIX gateway, QuickFIX
 * initiators, anything that speaks FIX 4.4) trade on the same ExchangeBook as the
 * WebSocket protocol, each SenderCompID for its account. Its session code is FixSession
 * (role 'acceptor'), shared with the gateway where the protocol is the same; what differs
 * (the first message picks the client; the book's reports become ExecutionReports) is in
 * FixExchangeSession. A session store per client keeps sequence numbers and sent messages
 * across the exchange's restarts when `storeDir` is given.
 */
export class FixExchangeServer {
  readonly book: ExchangeBook;
  readonly stats: FixExchangeStats = { logons: 0, orders: 0, rejectedMessages: 0, rateLimited: 0, garbled: 0 };
  private readonly sessions = new Set<FixExchangeSession>();
  private readonly stores = new Map<string, FixStore>();
  private readonly sentUpTo = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly symbols: FixExchangeSymbols;

  private constructor(private readonly server: Server, private readonly options: FixExchangeOptions, book: ExchangeBook) {
    this.book = book;
    const names: Uint8Array[] = [];
    const ids = new Map<string, number>();
    const tick: FixDecimal[] = [];
    const lot: FixDecimal[] = [];
    options.symbols.forEach((s, i) => {
      ids.set(s.symbol, i);
      names[i] = asciiBytes(s.symbol, 'Symbol');
      tick[i] = new FixDecimal(new DecimalGrid(s.tickSize, 'price').step);
      lot[i] = new FixDecimal(new DecimalGrid(s.lotSize, 'quantity').step);
    });
    this.symbols = { ids, names, tick, lot };
    server.on('connection', (socket) => this.accept(socket));
    // Session timers: heartbeats, silent clients, logon and logout bounds.
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const s of this.sessions) s.tick(now);
      const ns = nanoTime();
      for (const store of this.stores.values()) store.flush(ns); // the sequence numbers, once a tick
    }, 100);
    this.timer.unref();
  }

  static async start(options: FixExchangeOptions): Promise<FixExchangeServer> {
    const book = options.book ?? new ExchangeBook({ symbols: Math.max(1, options.symbols.length) });
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return new FixExchangeServer(server, options, book);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const s of this.sessions) s.close('the exchange is closing');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const store of this.stores.values()) await store.close(true);
  }

  private accept(socket: Socket): void {
    if (this.sessions.size >= (this.options.maxConnections ?? 64)) {
      socket.destroy();
      return;
    }
    const session: FixExchangeSession = new FixExchangeSession(socket, this.book, this.symbols, this.stats, (compId, handler) => this.sessionFor(compId, handler), this.sentUpTo, this.options.ordersPerSecond ?? 5_000);
    this.sessions.add(session);
    socket.once('close', () => this.sessions.delete(session));
    // A connection that never says who it is ends (bounded: the session's logon timeout takes over once it does).
    setTimeout(() => session.session === null && session.close('no Logon'), 5_000).unref();
  }

  private sessionFor(compId: string, handler: FixExchangeSession): { session: FixSession; account: Account } | null {
    const client = this.options.clients[compId];
    if (client === undefined) return null;
    const store = this.stores.get(compId);
    if (store === undefined) return null; // opened at start for every client (see start)
    // One session per client at a time, as FIX engines do: two would share one store's
    // numbers. A connection whose peer vanished is found out by its heartbeats and freed.
    for (const other of this.sessions) if (other !== handler && other.compId === compId && other.session !== null && other.session.state !== 0) return null;
    const session = new FixSession(
      { role: 'acceptor', senderCompId: this.options.compId ?? 'RREX', targetCompId: compId, maxMessageBytes: this.options.maxMessageBytes, authenticate: client.password === undefined ? undefined : (_user, password) => password === client.password },
      store,
      handler,
    );
    handler.compId = compId;
    return { session, account: this.book.account(client.account) };
  }

  /** @internal Open every client's store (async for durable ones) before the first connection. */
  async openStores(): Promise<void> {
    for (const compId of Object.keys(this.options.clients)) {
      if (this.stores.has(compId)) continue;
      const dir = this.options.storeDir;
      this.stores.set(compId, dir === undefined ? new MemoryFixStore() : await JournalFixStore.open({ dir: join(dir, compId.replace(/[^A-Za-z0-9_-]/g, '_')) }));
    }
  }
}

/** Start the reference exchange's FIX acceptor (stores opened, port bound). */
export async function startFixExchange(options: FixExchangeOptions): Promise<FixExchangeServer> {
  const server = await FixExchangeServer.start(options);
  await server.openStores();
  return server;
}
