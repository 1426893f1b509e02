import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** Start a compiled benchmark worker (bench/dist/workers/<name>.js) and wait for its first message. */
export async function startWorker(name: string, workerData: unknown): Promise<Worker> {
  const worker = new Worker(new URL(`../../workers/${name}.js`, import.meta.url), { workerData });
  await once(worker, 'message');
  return worker;
}
