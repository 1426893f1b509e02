import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FixOutbound } from '@ringroute/gateways';

// FixOutbound on a real loopback socket, its writes counted: one write per burst, whether
// the burst ends with a microtask or with the `release` of a read's handler.

let server: Server | null = null;
let client: Socket | null = null;
afterEach(async () => {
  client?.destroy();
  await new Promise((resolve) => (server === null ? resolve(null) : server.close(resolve)));
  server = null;
});

async function connected(): Promise<{ socket: Socket; writes: Buffer[]; received: () => Buffer }> {
  let got = Buffer.alloc(0);
  server = createServer((s) => s.on('data', (d: Buffer) => (got = Buffer.concat([got, d]))));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const socket = connect(port, '127.0.0.1');
  client = socket;
  await new Promise((resolve) => socket.once('connect', resolve));
  const writes: Buffer[] = [];
  const write = socket.write.bind(socket) as (b: Buffer) => boolean;
  (socket as unknown as { write: (b: Buffer) => boolean }).write = (b: Buffer) => (writes.push(Buffer.from(b)), write(b));
  return { socket, writes, received: () => got };
}

const bytes = (text: string) => Buffer.from(text, 'latin1');
const microtasks = () => new Promise((resolve) => setImmediate(resolve));

describe('FixOutbound', () => {
  it('a burst put in one synchronous run goes out in one write, by a microtask', async () => {
    const { socket, writes } = await connected();
    const out = new FixOutbound(1_024);
    out.attach(socket);
    out.put(bytes('xxA|yy'), 2, 4);
    out.put(bytes('B|'), 0, 2);
    expect(writes).toHaveLength(0);
    await microtasks();
    expect(writes.map((w) => w.toString('latin1'))).toEqual(['A|B|']);
  });

  it('while held, nothing is flushed by a microtask; the last release writes everything put, once; re-entrant holds nest', async () => {
    const { socket, writes, received } = await connected();
    const out = new FixOutbound(1_024);
    out.attach(socket);
    out.hold();
    out.put(bytes('one|'), 0, 4);
    out.hold(); // a handler that holds again from inside the first
    out.put(bytes('two|'), 0, 4);
    out.release();
    await microtasks();
    expect(writes).toHaveLength(0);
    out.put(bytes('three|'), 0, 6);
    out.release();
    expect(writes.map((w) => w.toString('latin1'))).toEqual(['one|two|three|']);
    await microtasks();
    expect(writes).toHaveLength(1); // no second, empty write from a microtask
    // After the hold, puts are flushed by a microtask again.
    out.put(bytes('four|'), 0, 5);
    await microtasks();
    expect(writes.map((w) => w.toString('latin1'))).toEqual(['one|two|three|', 'four|']);
    const deadline = Date.now() + 5_000;
    while (received().length < 19 && Date.now() < deadline) await microtasks();
    expect(received().toString('latin1')).toBe('one|two|three|four|');
  });

  it('more than the buffer holds is flushed as it fills, held or not, and nothing is lost', async () => {
    const { socket, writes } = await connected();
    const out = new FixOutbound(64);
    out.attach(socket);
    out.hold();
    const message = bytes('0123456789abcdefghijklmnopqrstuvwxyz|');
    for (let i = 0; i < 5; i++) out.put(message, 0, message.length);
    out.release();
    expect(Buffer.concat(writes).toString('latin1')).toBe(message.toString('latin1').repeat(5));
  });
});
