import { parentPort, workerData } from 'node:worker_threads';

/**
 * The other end of the reference ping-pongs. `control` words: [0] ping (main writes),
 * [1] pong (this thread writes), [2] stop.
 * - spin: both threads busy-wait on the words (the physical floor of a thread hop);
 * - wait: both sleep in Atomics.wait and wake each other with Atomics.notify;
 * - postmessage: echo every message back;
 * - counter: echo the highest count published in [0] into [1] (the open-loop floor).
 */
const { mode, control } = workerData as { mode: 'spin' | 'wait' | 'postmessage' | 'counter'; control: SharedArrayBuffer };
const c = new Int32Array(control);

if (mode === 'postmessage') {
  parentPort!.on('message', (m: unknown) => parentPort!.postMessage(m));
  parentPort!.postMessage('ready');
} else if (mode === 'counter') {
  parentPort!.postMessage('ready');
  let last = 0;
  while (Atomics.load(c, 2) === 0) {
    const published = Atomics.load(c, 0);
    if (published !== last) {
      last = published;
      Atomics.store(c, 1, published);
    }
  }
  parentPort!.postMessage('stopped');
} else {
  // Read the starting ping before saying ready: the main thread pings as soon as it hears
  // "ready", and a ping read as the starting value would never be answered.
  let seen = Atomics.load(c, 0);
  parentPort!.postMessage('ready');
  for (;;) {
    let ping = Atomics.load(c, 0);
    if (mode === 'spin') {
      while (ping === seen) ping = Atomics.load(c, 0);
    } else {
      while (ping === seen) {
        Atomics.wait(c, 0, seen);
        ping = Atomics.load(c, 0);
      }
    }
    if (Atomics.load(c, 2) !== 0) break;
    seen = ping;
    Atomics.store(c, 1, ping);
    if (mode === 'wait') Atomics.notify(c, 1);
  }
  parentPort!.postMessage('stopped');
}
