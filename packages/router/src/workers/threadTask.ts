import { threadId } from 'node:worker_threads';
import { ConfigurationError } from '@ringroute/core';
import { Doorbell } from '../wait/Doorbell.js';
import { runGatewayThread, type HostedGateway } from './GatewayThread.js';
import { C_STATE, C_THREAD_ID, WorkerState, type ThreadStart, type WorkerStart, type WorkerSummary } from './protocol.js';

/**
 * The task module of every gateway thread WorkerPool starts (worker-only code). It loads
 * the task module of each gateway the thread hosts, lets each create its loop (the
 * task's `runWorkerLoop` sees `start.inline` and hands the loop over), then runs them all
 * on this thread (GatewayThread) until the supervisor stops them.
 *
 * A gateway that fails while the others go on is reported on `start.failures`, a
 * MessagePort (once per failure, never per order). A task module that cannot load, or
 * whose factory throws, fails the whole thread's start: the pool refuses to start.
 */
export default async function threadTask(start: ThreadStart): Promise<WorkerSummary[]> {
  const hosted: HostedGateway[] = [];
  for (const { task, gateway } of start.gateways) {
    Atomics.store(new Int32Array(gateway.control), C_THREAD_ID, threadId);
    const module = (await import(task)) as { default?: (start: WorkerStart) => unknown };
    if (typeof module.default !== 'function') throw new ConfigurationError('ERR_WORKER_START', 'a gateway task module must export a default function', task);
    gateway.inline = {};
    await module.default(gateway);
    const created = gateway.inline.hosted as HostedGateway | undefined;
    if (created === undefined) throw new ConfigurationError('ERR_WORKER_START', 'the task did not create its loop through runWorkerLoop', task);
    hosted.push(created);
  }
  const port = start.failures;
  const doorbell = Doorbell.attach(start.doorbell);
  for (const g of hosted) Atomics.store(g.control, C_STATE, WorkerState.RUNNING);
  hosted[0]?.laneDoorbells[0]?.wake();
  try {
    return await runGatewayThread(
      hosted,
      start.idle,
      doorbell,
      start.drainTimeoutMs,
      (index, error) => port.postMessage({ index, message: error.message }),
      start.spinNs,
    );
  } finally {
    port.close();
  }
}
