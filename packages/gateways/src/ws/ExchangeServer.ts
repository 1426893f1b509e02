import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ExchangeBook } from './ExchangeBook.js';
import { DEFAULT_SESSION_LIMITS, ExchangeSession, type ServerGate, type ServerStats, type SessionLimits } from './ExchangeSession.js';
import { LoginVerifier, type ApiKey } from './LoginAuth.js';
import { frameCodec, type FrameCodecName } from './FrameCodec.js';
import { ErrorCode, Msg } from './WsProtocol.js';

export interface ExchangeServerOptions {
  /** Port on 127.0.0.1 (default 0: any free port; read `server.port`). */
  port?: number;
  host?: string;
  /** API keys: key -> { secret, account }. */
  keys: Record<string, ApiKey>;
  /** Symbols listed: ids 0 .. symbols-1 (default 16). */
  symbols?: number;
  /** Largest frame accepted, bytes (default 4 KiB); a bigger one closes the connection (1009). */
  maxFrameBytes?: number;
  /** WebSocket sessions at once, logged in or not (default 64); one more is told TOO_MANY_CONNECTIONS and closed. */
  maxConnections?: number;
  /**
   * TCP connections not yet logged in, counted from their first byte (an HTTP upgrade in
   * progress counts; default: 16, or maxConnections if smaller). When they are all taken,
   * a new connection takes the place of the oldest one, which is dropped: clients that
   * connect and never log in cannot keep a real client out for longer than it takes to
   * log in, and cannot hold more than this many file descriptors.
   */
  maxPendingConnections?: number;
  /** Login must succeed within this long of the connection's first byte (default 5 s). */
  loginTimeoutMs?: number;
  /** Accepted clock difference for login timestamps (default 5 s). */
  authWindowMs?: number;
  /** Ping period; a peer that has not answered the previous ping is dropped (default 5 s). */
  heartbeatMs?: number;
  limits?: Partial<SessionLimits>;
  /**
   * Reports kept per account for replay (default: 100,000, or 2,000,000 shared among the
   * accounts the keys name if that is less: 64 bytes each, so the logs of all accounts
   * together stay within ~128 MB however many accounts there are).
   */
  reportLog?: number;
  /** Ended orders whose ids stay refused as duplicates, per account (default: 100,000, or 1,000,000 shared among the accounts if less). */
  idempotencyWindow?: number;
  /** Orders resting in the exchange at once (default 65,536; see ExchangeBookOptions.capacity). */
  capacity?: number;
  /**
   * Live orders per account (default: capacity / the number of accounts the keys name, so
   * no account can fill the book for the others).
   */
  maxOpenPerAccount?: number;
  /**
   * When DAY orders expire: "HH:MM" UTC, every day (default "00:00"); null: only when
   * `endTradingDay()` is called.
   */
  tradingDayEndUtc?: string | null;
  /** Frames: 'msgpackr' (binary, the protocol; default) or 'json' (text, the same messages; a reference for benchmarks). */
  codec?: FrameCodecName;
  /**
   * The exchange's state to serve (default: a new, empty one). Pass a stopped server's
   * `book` to restart it as a real exchange restarts: its orders, client order ids and
   * report logs intact.
   */
  book?: ExchangeBook;
}

/**
 * The reference exchange: a WebSocket server (ws) on loopback speaking the ringroute
 * exchange protocol (see WsProtocol), backed by the simulated venue's matching engine.
 * One engine for all connections; client order ids are idempotent per account; reports
 * carry per-account sequence numbers and can be replayed after a reconnect.
 */
export class ExchangeServer {
  readonly book: ExchangeBook;
  readonly stats: ServerStats = { connections: 0, logins: 0, loginFailures: 0, malformedFrames: 0, invalidMessages: 0, rateLimited: 0, orders: 0, slowConsumers: 0, refusedSockets: 0 };
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocket, ExchangeSession>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly gate: ServerGate = { acceptingLogins: true };
  private readonly frozen = new WeakSet<WebSocket>();
  /** TCP connections not logged in yet, oldest first, each with its WebSocket session once upgraded. */
  private readonly pending = new Map<Socket, ExchangeSession | null>();
  private readonly sockets = new Set<Socket>();
  private dayTimer: NodeJS.Timeout | null = null;

  private constructor(http: Server, wss: WebSocketServer, book: ExchangeBook, options: ExchangeServerOptions) {
    this.http = http;
    this.wss = wss;
    this.book = book;
    // A login must be signed after this server started: a LOGIN captured before a restart
    // cannot be replayed to it (the nonces seen before lived in the old process's memory).
    const auth = new LoginVerifier(options.keys, options.authWindowMs ?? 5_000, Date.now());
    const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
    const maxConnections = options.maxConnections ?? 64;
    const maxPending = Math.max(1, options.maxPendingConnections ?? Math.min(16, maxConnections));
    const loginTimeoutMs = options.loginTimeoutMs ?? 5_000;
    // Every socket is counted and timed from its first byte, before any HTTP is parsed.
    http.on('connection', (tcp: Socket) => {
      if (this.pending.size >= maxPending) {
        const [oldest, session] = this.pending.entries().next().value as [Socket, ExchangeSession | null];
        this.stats.refusedSockets++;
        this.pending.delete(oldest);
        if (session !== null) session.fatal(ErrorCode.LOGIN_TIMEOUT, 'login slot needed by a newer connection');
        else oldest.destroy();
      }
      this.pending.set(tcp, null);
      this.sockets.add(tcp);
      const deadline = setTimeout(() => {
        if (!this.pending.has(tcp)) return;
        const session = this.pending.get(tcp)!;
        this.pending.delete(tcp);
        this.stats.refusedSockets++;
        if (session !== null) session.fatal(ErrorCode.LOGIN_TIMEOUT, 'login timeout');
        else tcp.destroy();
      }, loginTimeoutMs);
      deadline.unref();
      tcp.once('close', () => {
        clearTimeout(deadline);
        this.pending.delete(tcp);
        this.sockets.delete(tcp);
      });
    });
    // Plain HTTP requests are not part of the protocol.
    http.on('request', (_req, res) => res.writeHead(426, { connection: 'close' }).end());
    http.on('upgrade', (req, tcp: Socket, head: Buffer) => {
      if (!this.pending.has(tcp)) return void tcp.destroy(); // evicted or timed out meanwhile
      wss.handleUpgrade(req, tcp, head, (socket) => this.onSocket(socket, tcp, maxConnections, auth, limits, options.codec));
    });
    this.gate.loggedIn = (session) => {
      for (const [tcp, s] of this.pending) if (s === session) this.pending.delete(tcp);
    };
    this.heartbeat = setInterval(() => {
      for (const socket of this.sessions.keys()) {
        if (this.frozen.has(socket)) continue;
        if (!this.alive.has(socket)) {
          socket.terminate(); // dead peer: no pong since the last ping
          continue;
        }
        this.alive.delete(socket);
        socket.ping();
      }
    }, options.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
    if (options.tradingDayEndUtc !== null) this.scheduleDayEnd(options.tradingDayEndUtc ?? '00:00');
  }

  private onSocket(socket: WebSocket, tcp: Socket, maxConnections: number, auth: LoginVerifier, limits: SessionLimits, codecName: FrameCodecName | undefined): void {
    const codec = frameCodec(codecName);
    if (this.sessions.size >= maxConnections) {
      this.pending.delete(tcp);
      socket.send(codec.encode({ t: Msg.ERROR, code: ErrorCode.TOO_MANY_CONNECTIONS, id: 0, msg: 'too many connections' }));
      socket.close(ErrorCode.TOO_MANY_CONNECTIONS, 'too many connections');
      setTimeout(() => socket.terminate(), limits.closeGraceMs).unref();
      return;
    }
    this.stats.connections++;
    const session = new ExchangeSession(socket, codec, this.book, auth, limits, this.stats, this.gate);
    this.sessions.set(socket, session);
    if (this.pending.has(tcp)) this.pending.set(tcp, session);
    this.alive.add(socket);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      try {
        session.onFrame(data, isBinary);
      } catch {
        // A bug of ours must not take the server down; the peer is told and dropped.
        socket.close(1011, 'internal error');
      }
    });
    socket.on('pong', () => this.alive.add(socket));
    socket.on('error', () => socket.terminate()); // oversized frames, protocol errors: ws closes with its code
    socket.on('close', () => {
      session.detach();
      this.sessions.delete(socket);
    });
  }

  /** Expire every live DAY order now (EXPIRED reports), as the trading day's end does. Returns how many. */
  endTradingDay(): number {
    return this.book.endTradingDay();
  }

  private scheduleDayEnd(hhmm: string): void {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
    if (match === null) throw new RangeError(`tradingDayEndUtc must be "HH:MM" (UTC), not ${JSON.stringify(hhmm)}`);
    const now = new Date();
    let next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(match[1]), Number(match[2]));
    if (next <= now.getTime()) next += 86_400_000;
    this.dayTimer = setTimeout(() => {
      this.endTradingDay();
      this.scheduleDayEnd(hhmm);
    }, next - now.getTime());
    this.dayTimer.unref();
  }

  /** Start listening; resolves once the port is bound. */
  static start(options: ExchangeServerOptions): Promise<ExchangeServer> {
    const capacity = options.capacity ?? 65_536;
    const accounts = new Set(Object.values(options.keys).map((k) => k.account)).size;
    // Per-account bounds from whole-exchange budgets: the memory an exchange holds is set by
    // its options and its keys, never by how long it runs or what clients send.
    const share = (total: number) => Math.max(1, Math.floor(total / Math.max(1, accounts)));
    const book =
      options.book ??
      new ExchangeBook({
        symbols: options.symbols ?? 16,
        capacity,
        logCapacity: options.reportLog ?? Math.min(100_000, share(2_000_000)),
        idempotencyWindow: options.idempotencyWindow ?? Math.min(100_000, share(1_000_000)),
        maxOpenPerAccount: options.maxOpenPerAccount ?? share(capacity),
      });
    return new Promise((resolve, reject) => {
      const http = createServer();
      // Bounds on the HTTP phase too (the login deadline ends it sooner).
      http.headersTimeout = options.loginTimeoutMs ?? 5_000;
      http.requestTimeout = options.loginTimeoutMs ?? 5_000;
      const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 4_096, perMessageDeflate: false });
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(new ExchangeServer(http, wss, book, options)));
    });
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /**
   * Fault injection: every open connection goes silent without closing, as a hung
   * exchange or a network partition looks from the client: nothing is read (so pings go
   * unanswered), nothing is sent (reports wait in the account logs for replay), no FIN.
   */
  freezeConnections(): void {
    for (const [socket, session] of this.sessions) {
      this.frozen.add(socket);
      session.detach();
      (socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
    }
  }

  /** Refuse (false) or accept (true) new logins: UNAVAILABLE, then the connection is closed. */
  acceptLogins(accept: boolean): void {
    this.gate.acceptingLogins = accept;
  }

  /** Drop every connection at once (as a crash would; the book survives in this object). */
  dropConnections(): void {
    for (const socket of this.sessions.keys()) socket.terminate();
  }

  /** TCP connections open (logged in, logging in, or still upgrading). */
  get socketCount(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.dayTimer !== null) clearTimeout(this.dayTimer);
    this.dropConnections();
    for (const tcp of this.sockets) tcp.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Start the reference exchange server (see ExchangeServer). */
export function startExchangeServer(options: ExchangeServerOptions): Promise<ExchangeServer> {
  return ExchangeServer.start(options);
}
