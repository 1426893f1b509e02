import type { Packr } from 'msgpackr';
import { createCodec, decodeFrame, Msg } from './WsProtocol.js';

/** How messages become WebSocket frames on one end of a connection. */
export interface FrameCodec {
  readonly name: 'msgpackr' | 'json';
  /** Binary frames (msgpackr) or text frames (JSON). */
  readonly binary: boolean;
  encode(message: object): Buffer | string;
  /** The message in a frame, or null when the frame is not one (wrong kind, bad bytes, not a message). */
  decode(data: Buffer, isBinary: boolean): Record<string, unknown> | null;
}

/** The protocol's codec: msgpackr records over the shared message shapes, binary frames. */
export class MsgpackrFrameCodec implements FrameCodec {
  readonly name = 'msgpackr' as const;
  readonly binary = true;
  private readonly packr: Packr = createCodec();

  encode(message: object): Buffer {
    return this.packr.pack(message);
  }

  decode(data: Buffer, isBinary: boolean): Record<string, unknown> | null {
    return isBinary ? decodeFrame(this.packr, data) : null;
  }
}

/**
 * The same messages as JSON text frames, as typical exchange APIs and ccxt-style clients
 * speak: field names in every frame, numbers as decimal text. Kept as the benchmark's
 * reference (`gateways.ws.rtt.json`) and for debugging with any WebSocket client.
 */
export class JsonFrameCodec implements FrameCodec {
  readonly name = 'json' as const;
  readonly binary = false;

  encode(message: object): string {
    return JSON.stringify(message);
  }

  decode(data: Buffer, isBinary: boolean): Record<string, unknown> | null {
    if (isBinary) return null;
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return null;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return null;
    const t = (message as { t?: unknown }).t;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < Msg.LOGIN || t > Msg.ERROR) return null;
    return message as Record<string, unknown>;
  }
}

export type FrameCodecName = FrameCodec['name'];

export function frameCodec(name: FrameCodecName = 'msgpackr'): FrameCodec {
  return name === 'json' ? new JsonFrameCodec() : new MsgpackrFrameCodec();
}
