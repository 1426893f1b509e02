import { Worker } from 'node:worker_threads';

/** A worker started from a compiled fixture in test/dist/fixtures. */
export function fixtureWorker(name: string, workerData: unknown): Worker {
  return new Worker(new URL(`../dist/fixtures/${name}.js`, import.meta.url), { workerData });
}

/** A worker started from the compiled benchmark workers (bench/dist/workers), shared with the tests. */
export function benchWorker(name: string, workerData: unknown): Worker {
  return new Worker(new URL(`../../bench/dist/workers/${name}.js`, import.meta.url), { workerData });
}

/** Resolve with the next message of a worker; reject if it errors or exits first. */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: T) => {
      cleanup();
      resolve(m);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before replying`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
