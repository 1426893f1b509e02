import { parentPort, workerData } from 'node:worker_threads';
import { SlabPool } from '@ringroute/core';

// Contends on a shared pool while the main thread measures. Parks (Atomics.wait)
// whenever it is not asked to run, so it never burns a core between runs.
const { pool: buffer, control: controlBuffer } = workerData as { pool: SharedArrayBuffer; control: SharedArrayBuffer };
const pool = SlabPool.attach(buffer);
const control = new Int32Array(controlBuffer);
const PARK = 0;
const EXIT = 2;
parentPort!.postMessage('ready');
let acc = 0;
for (;;) {
  const command = Atomics.load(control, 0);
  if (command === EXIT) break;
  if (command === PARK) {
    Atomics.wait(control, 0, PARK);
    continue;
  }
  for (let i = 0; i < 1024; i++) acc += pool.free(pool.allocate());
  Atomics.add(control, 1, 1);
}
parentPort!.postMessage(acc);
