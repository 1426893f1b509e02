import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Sends frames on a WebSocket, coalescing the frames of one synchronous burst into one
 * write: the TCP socket is corked at the first frame and uncorked by `flush()` (the
 * gateway calls it from `poll`, right after draining its command ring) or, at the
 * latest, by a microtask queued at the first frame, which runs as soon as the current
 * synchronous code returns. A burst of orders or of reports (an exchange answering the
 * frames of one TCP read) then costs one `writev` system call instead of one per frame,
 * and waits for nothing: no timer, no turn of the event loop.
 */
export class CorkedSender {
  private socket: WebSocket | null = null;
  private raw: Socket | null = null;
  private corked = false;
  private readonly uncork = (): void => {
    if (!this.corked) return; // flushed already
    this.corked = false;
    this.raw?.uncork();
  };

  /** The connection to send on (null: none). */
  attach(socket: WebSocket | null): void {
    if (this.corked) this.uncork();
    this.socket = socket;
    // ws keeps its net.Socket in `_socket` (stable across ws 8); without it, frames go out one by one.
    this.raw = socket === null ? null : ((socket as unknown as { _socket?: Socket })._socket ?? null);
  }

  /** Write out what the current burst corked. */
  flush(): void {
    if (this.corked) this.uncork();
  }

  send(data: Buffer | string): void {
    const socket = this.socket;
    if (socket === null || socket.readyState !== 1) return;
    if (!this.corked && this.raw !== null) {
      this.raw.cork();
      this.corked = true;
      queueMicrotask(this.uncork);
    }
    socket.send(data);
  }
}
