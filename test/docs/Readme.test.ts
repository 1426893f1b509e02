import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readme, writeExample } from '../support/readme.js';

const run = promisify(execFile);

describe('README', () => {
  it('the @ringroute/core example runs as written and does what its comments say', async () => {
    const code = /# @ringroute\/core in five minutes\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    // Run it as a module inside the test package, where `@ringroute/core` resolves.
    const probe = `${code!.replace('if (handle >= 0) {', 'let rule;\nif (handle >= 0) {').replace('  const rule = ', '  rule = ')}
console.log(JSON.stringify({ handle, rule, state: order.toJSON().state, filled: order.filledLots, leaves: order.leavesLots, px: order.priceTicks, free: orders.freeCount() }));
`;
    const { stdout } = await run(process.execPath, [writeExample('readme-example.mjs', probe)]);
    expect(JSON.parse(stdout)).toEqual({
      handle: expect.any(Number),
      rule: 0,
      state: 'PARTIALLY_FILLED',
      filled: 2000,
      leaves: 3000,
      px: 6_500_025,
      free: 65_536,
    });
  });

  it('the thread layout example (docs/threads.md) runs as written and prints what its comment says', async () => {
    const code = /# Threads and layouts[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const { stdout } = await run(process.execPath, [writeExample('docs-threads.mjs', code!)]);
    const printed = /\/\/ (\{.*\})/.exec(code!)?.[1];
    expect(stdout.trim()).toBe(printed);
  });

  it('the @ringroute/router example runs as written and prints what its comment says', async () => {
    const code = /# @ringroute\/router: the transport\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const { stdout } = await run(process.execPath, [writeExample('readme-router.mjs', code!)]);
    expect(stdout.trim()).toBe('0 42');
  });

  it('the adapter example in the README compiles, runs, and reports through its events', async () => {
    const code = /## Writing an adapter[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const probe = `${code}
const reports = [];
const events = new Proxy({}, { get: (_t, name) => (...args) => reports.push([name, ...args]) });
const venue = new EchoVenue();
await venue.connect(events);
const { OrderFlyweight, SlabPool, ORDER_RECORD_BYTES } = await import('@ringroute/core');
const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 4 });
const order = new OrderFlyweight(pool);
const h = pool.allocate(); order.wrap(h); order.clear(); order.clientOrderId = 7; order.quantityLots = 2; order.ordType = 1; order.tif = 1;
venue.submit(h, order);
order.quantityLots = 0; venue.submit(h, order);
console.log(JSON.stringify(reports));
`;
    const { stdout } = await run(process.execPath, [writeExample('readme-adapter.mjs', probe)]);
    expect(JSON.parse(stdout)).toEqual([
      ['ack', expect.any(Number), 7, 1],
      ['reject', expect.any(Number), 7, 4],
    ]);
  });

  it('the router example compiles against the packages and runs', async () => {
    const code = /## The router a strategy embeds\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const { stdout, stderr } = await run(process.execPath, [writeExample('readme-strategy.mjs', `${code}\nconsole.log('ok', id > 0);\n`)]);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('ok true');
  });

  it('gives exactly two quick-start commands, and .ci/run runs the same test command', () => {
    const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = quick.split('\n').filter((l) => l.trim() !== '').map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npx -y pnpm@10 demo', 'npx -y pnpm@10 test']);
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci.split('\n').map((l) => l.trim())).toContain('npx -y pnpm@10 test');
  });
});
