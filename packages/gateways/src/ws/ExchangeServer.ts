import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ExchangeBook } from './ExchangeBook.js';
import { ExchangeSession, type ServerGate, type ServerStats, type SessionLimits } from './ExchangeSession.js';
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
  /** Connections at once (default 64); one more is told TOO_MANY_CONNECTIONS and closed. */
  maxConnections?: number;
  /** Login must succeed within this long (default 5 s). */
  loginTimeoutMs?: number;
  /** Accepted clock difference for login timestamps (default 5 s). */
  authWindowMs?: number;
  /** Ping period; a peer that has not answered the previous ping is dropped (default 5 s). */
  heartbeatMs?: number;
  limits?: Partial<SessionLimits>;
  /** Reports kept per account for replay (default 100,000). */
  reportLog?: number;
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
  readonly stats: ServerStats = { connections: 0, logins: 0, loginFailures: 0, malformedFrames: 0, invalidMessages: 0, rateLimited: 0, orders: 0 };
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocket, ExchangeSession>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly gate: ServerGate = { acceptingLogins: true };
  private readonly frozen = new WeakSet<WebSocket>();

  private constructor(wss: WebSocketServer, book: ExchangeBook, options: ExchangeServerOptions) {
    this.wss = wss;
    this.book = book;
    const auth = new LoginVerifier(options.keys, options.authWindowMs ?? 5_000);
    const limits: SessionLimits = { ordersPerSecond: 200_000, orderBurst: 20_000, maxMalformed: 1_000, ...options.limits };
    const maxConnections = options.maxConnections ?? 64;
    const loginTimeoutMs = options.loginTimeoutMs ?? 5_000;
    wss.on('connection', (socket) => {
      const codec = frameCodec(options.codec);
      if (this.sessions.size >= maxConnections) {
        socket.send(codec.encode({ t: Msg.ERROR, code: ErrorCode.TOO_MANY_CONNECTIONS, id: 0, msg: 'too many connections' }));
        socket.close(ErrorCode.TOO_MANY_CONNECTIONS, 'too many connections');
        return;
      }
      this.stats.connections++;
      const session = new ExchangeSession(socket, codec, book, auth, limits, this.stats, this.gate);
      this.sessions.set(socket, session);
      this.alive.add(socket);
      const timer = setTimeout(() => {
        if (session.account === null) socket.close(ErrorCode.LOGIN_TIMEOUT, 'login timeout');
      }, loginTimeoutMs);
      timer.unref();
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
        clearTimeout(timer);
        session.detach();
        this.sessions.delete(socket);
      });
    });
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
  }

  /** Start listening; resolves once the port is bound. */
  static start(options: ExchangeServerOptions): Promise<ExchangeServer> {
    const book = options.book ?? new ExchangeBook({ symbols: options.symbols ?? 16, logCapacity: options.reportLog });
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, maxPayload: options.maxFrameBytes ?? 4_096, perMessageDeflate: false });
      wss.once('error', reject);
      wss.once('listening', () => resolve(new ExchangeServer(wss, book, options)));
    });
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
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

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.dropConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** Start the reference exchange server (see ExchangeServer). */
export function startExchangeServer(options: ExchangeServerOptions): Promise<ExchangeServer> {
  return ExchangeServer.start(options);
}
