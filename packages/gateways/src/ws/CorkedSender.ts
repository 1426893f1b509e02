import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Sends frames on a WebSocket, coalescing every frame sent within one turn of the event
 * loop into one write: the TCP socket is corked at the first frame and uncorked on the
 * next tick. A burst of orders (a gateway draining its command ring) or of reports (an
 * exchange answering the frames of one TCP read) then costs one `writev` system call
 * instead of one per frame, and adds no delay: the tick ends right after the burst.
 */
export class CorkedSender {
  private socket: WebSocket | null = null;
  private raw: Socket | null = null;
  private corked = false;
  private readonly uncork = (): void => {
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

  send(data: Buffer | string): void {
    const socket = this.socket;
    if (socket === null || socket.readyState !== 1) return;
    if (!this.corked && this.raw !== null) {
      this.raw.cork();
      this.corked = true;
      process.nextTick(this.uncork);
    }
    socket.send(data);
  }
}
