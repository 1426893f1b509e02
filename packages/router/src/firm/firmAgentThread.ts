/**
 * The firm agent's thread (started by FirmClient): runs one FirmAgent and answers the
 * router's thread over the parent port. Messages are cold-path only (start, status,
 * halt, stop); the order path talks to the agent through shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigurationError } from '@ringroute/core';
import { FirmAgent, type FirmAdoption } from './FirmAgent.js';
import type { FirmPlan } from './FirmConfig.js';

interface StartData {
  plan: FirmPlan;
  credit: SharedArrayBuffer;
  risk: SharedArrayBuffer;
  adoption: FirmAdoption;
}

type Request = { id: number; type: 'status' } | { id: number; type: 'halt'; halted: boolean; reason: string } | { id: number; type: 'stop' };

const data = workerData as StartData;
const port = parentPort!;
const agent = new FirmAgent(data.plan, data.credit, data.risk, (event) => {
  console.warn(`ringroute firm [${event.host}] ${event.type}: ${event.detail}`);
  port.postMessage({ type: 'event', event });
});

// A rejection nobody awaited (a call cut off by a lost connection) is reported, never a
// crash: the agent's state is only changed by answers, so it stays consistent.
process.on('unhandledRejection', (reason) => console.warn(`ringroute firm [${data.plan.host}]: ${reason instanceof Error ? reason.message : String(reason)}`));

try {
  await agent.start(data.adoption);
  port.postMessage({ type: 'ready' });
} catch (error) {
  const typed = error instanceof ConfigurationError;
  port.postMessage({ type: 'failed', code: typed ? error.code : 'ERR_FIRM_UNREACHABLE', message: error instanceof Error ? error.message : String(error), value: typed ? String(error.value) : undefined });
  process.exit(0);
}

port.on('message', (request: Request) => {
  const answer = (result: unknown, error?: unknown) =>
    port.postMessage({ type: 'answer', id: request.id, result, error: error === undefined ? undefined : error instanceof Error ? error.message : String(error) });
  if (request.type === 'status') answer(agent.status());
  else if (request.type === 'halt') agent.setHalt(request.halted, request.reason).then((h) => answer(h), (e: unknown) => answer(undefined, e));
  else if (request.type === 'stop') agent.stop().then(() => answer(true), (e: unknown) => answer(undefined, e));
});
void agent.run();
