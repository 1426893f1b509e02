import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEMO = new URL('../../demo/dist/main.js', import.meta.url).pathname;

describe('the demo (the README main job)', () => {
  it('trades through two in-memory venues and, over WebSocket and over FIX, the reference exchange, and reports what happened with the floor beside it', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'rr-demo-')), 'demo.json');
    const { stdout, stderr } = await run(process.execPath, [DEMO, '--', '--duration', '1', '--warmup', '0.5', '--rate', '2000', '--json', json]);
    expect(stdout).toMatch(/orders sent\s+3,000/);
    // The layout it chose on this machine, and why.
    expect(stderr).toMatch(/gateway threads: \[.*alpha.*\] .*\((auto|dedicated).*\)/);
    // A thread hosting a socket gateway waits 'async' (its event loop turning).
    expect(stdout).toMatch(/exchange-fix\] \(async\)/);
    expect(stdout).toMatch(/demo\.submit-to-ack .* of floor\.sab\.spin/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual([
      'floor.sab.spin',
      'demo.submit-to-ack',
      'demo.submit-to-first-fill',
      'demo.submit-to-ack.memory',
      'floor.ws.echo',
      'demo.submit-to-ack.exchange',
      'demo.submit-to-ack.fix',
    ]);
    expect(report.demo.threads.threads.flat().sort()).toEqual(['alpha', 'beta', 'exchange', 'exchange-fix']);
    expect(stdout).toMatch(/exchange over WebSocket and exchange-fix over FIX 4.4 on loopback/);
    // The market maker's new quotes may meet its own older ones after the mid moves: the
    // router refuses those (self-trade prevention) and nothing else.
    expect(Object.keys(report.demo.refusals).filter((name) => name !== 'RISK_SELF_TRADE')).toEqual([]);
    expect(report.demo.stats.accepted + (report.demo.refusals.RISK_SELF_TRADE ?? 0)).toBeGreaterThan(2_850);
    expect(report.demo.stats.accepted).toBeGreaterThan(2_250);
    expect(report.demo.stats.unknown).toBe(0);
    // Latencies are recorded after the warm-up only: about two thirds of the orders.
    expect(report.scenarios[1].count).toBeLessThan(report.demo.stats.accepted);
    expect(report.scenarios[1].count).toBeGreaterThan(report.demo.stats.accepted / 2);
    // A sixteenth of the flow went over each socket and was acknowledged there.
    expect(report.scenarios[5].count).toBeGreaterThan(75);
    expect(report.scenarios[6].count).toBeGreaterThan(75);
    expect(report.scenarios[3].count + report.scenarios[5].count + report.scenarios[6].count).toBe(report.scenarios[1].count);
  });

  it('runs on the in-memory venues alone with --no-exchange', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'rr-demo-')), 'demo.json');
    const { stdout } = await run(process.execPath, [DEMO, '--', '--duration', '1', '--warmup', '0', '--rate', '1000', '--no-exchange', '--threads', 'dedicated', '--json', json]);
    expect(stdout).toMatch(/gateway threads \[alpha\] \(backoff\) \[beta\] \(backoff\)/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.scenarios.map((s: { name: string }) => s.name)).not.toContain('demo.submit-to-ack.exchange');
    expect(report.demo.stats.unknown).toBe(0);
  });

  it('refuses busy-spin on a host with fewer than 3 cores and explains why, and shows --help', async () => {
    const help = await run(process.execPath, [DEMO, '--help']);
    expect(help.stdout).toMatch(/Usage: pnpm demo/);
    await expect(run(process.execPath, [DEMO, '--bogus'])).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [DEMO, '--no-exchange', '--threads', 'alpha/gamma', '--duration', '1'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('gamma'),
    });
    if (availableParallelism() < 3) {
      await expect(run(process.execPath, [DEMO, '--spin', '--duration', '1'])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--spin needs at least 3 cores'),
      });
    }
  });
});
