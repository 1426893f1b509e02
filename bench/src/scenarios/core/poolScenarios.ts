import { Worker } from 'node:worker_threads';
import { ORDER_RECORD_BYTES, RecordClass, SlabPool } from '@ringroute/core';
import { sink } from '../../harness/measure.js';
import type { Scenario } from '../../harness/Scenario.js';
import { microScenario } from '../micro.js';
import { newOrderObject } from './sampleOrder.js';

const CAPACITY = 16_384;

/** `core.pool.alloc-free` and its reference `core.object.alloc`. */
export function poolScenarios(): Scenario[] {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: CAPACITY, recordClass: RecordClass.ORDER });
  const objects: unknown[] = new Array(1024).fill(null);
  let sequence = 0;
  return [
    microScenario({
      name: 'core.pool.alloc-free',
      reference: 'core.object.alloc',
      description: 'allocate one 128-byte order slot from a SharedArrayBuffer slab pool and free it',
      targets: [
        { metric: 'p50', op: '<=', value: 25, label: 'alloc+free p50 <= 25 ns' },
        { metric: 'heapBytesPerOp', op: '<=', value: 1, label: 'under 1 heap byte per order' },
      ],
      batch(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += pool.free(pool.allocate());
        sink.value += acc;
      },
    }),
    microScenario({
      name: 'core.object.alloc',
      description: 'create a plain JavaScript order object with the same fields; the garbage collector frees it',
      batch(n) {
        for (let i = 0; i < n; i++) {
          const id = ++sequence;
          objects[id & 1023] = newOrderObject(id);
        }
      },
    }),
  ];
}

/** `core.pool.alloc-free.contended`: the same loop while a worker thread does it on the same pool. */
export function contendedPoolScenario(): Scenario {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: CAPACITY, recordClass: RecordClass.ORDER });
  const control = new Int32Array(new SharedArrayBuffer(8)); // [command, loops done]
  let worker: Worker | null = null;
  return microScenario({
    name: 'core.pool.alloc-free.contended',
    reference: 'core.pool.alloc-free',
    description: 'allocate and free on one pool from two threads at once (main thread measured)',
    async setup() {
      worker = new Worker(new URL('../../workers/poolContender.js', import.meta.url), {
        workerData: { pool: pool.buffer, control: control.buffer },
      });
      await new Promise<void>((resolve, reject) => {
        worker!.once('message', () => resolve());
        worker!.once('error', reject);
      });
    },
    async beforeRun() {
      const before = Atomics.load(control, 1);
      Atomics.store(control, 0, CMD_RUN);
      Atomics.notify(control, 0);
      while (Atomics.load(control, 1) === before) await new Promise((r) => setTimeout(r, 1)); // until it really churns
    },
    afterRun() {
      Atomics.store(control, 0, CMD_PARK);
    },
    async teardown() {
      Atomics.store(control, 0, CMD_EXIT);
      Atomics.notify(control, 0);
      await worker?.terminate();
    },
    batch(n) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += pool.free(pool.allocate());
      sink.value += acc;
    },
  });
}

export const CMD_PARK = 0;
export const CMD_RUN = 1;
export const CMD_EXIT = 2;
