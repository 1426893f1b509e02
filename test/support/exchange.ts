import { OrderType, TimeInForce } from '@ringroute/core';
import WebSocket from 'ws';
import { createCodec, decodeFrame, Msg, startExchangeServer, WsGateway, type ExchangeServer, type ExchangeServerOptions, type WsGatewayOptions } from '@ringroute/gateways';

export const KEY = 'test-key';
export const SECRET = 'test-secret-never-logged';

/** A reference exchange on a free loopback port with one API key (account 1). */
export function exchange(options: Partial<ExchangeServerOptions> = {}): Promise<ExchangeServer> {
  return startExchangeServer({ keys: { [KEY]: { secret: SECRET, account: 1 } }, symbols: 4, ...options });
}

/** A WsGateway for `server` (not yet connected). */
export function gatewayFor(server: ExchangeServer, options: Partial<WsGatewayOptions> = {}): WsGateway {
  return new WsGateway({ url: server.url, apiKey: KEY, secret: SECRET, reconnectInitialMs: 10, reconnectMaxMs: 200, ...options });
}

let seedIds = 1;
/** Resting liquidity from another participant (account 99), entered at the exchange itself. */
export function seed(server: ExchangeServer, symbolId: number, side: number, priceTicks: number, quantityLots: number): void {
  server.book.submit(server.book.account(99), seedIds++, symbolId, side, OrderType.LIMIT, TimeInForce.GTC, 0, priceTicks, 0, quantityLots);
}

/** Wait until `done()` or fail after `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A raw protocol client: frames in, decoded messages and the close code out. */
export async function rawClient(server: { url: string }) {
  const codec = createCodec();
  const socket = new WebSocket(server.url);
  const received: Record<string, unknown>[] = [];
  let closeCode = 0;
  socket.on('message', (data: Buffer) => {
    const m = decodeFrame(codec, data);
    if (m !== null) received.push(m);
  });
  socket.on('close', (code) => (closeCode = code));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  return {
    socket,
    received,
    send: (m: object) => socket.send(codec.pack(m)),
    closed: () => closeCode,
    errors: () => received.filter((m) => m.t === Msg.ERROR).map((m) => m.code),
  };
}

