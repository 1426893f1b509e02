import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEMO = new URL('../../bench/dist/demo.js', import.meta.url).pathname;

describe('the demo (the README main job)', () => {
  it('trades through two in-memory venues and, over WebSocket and over FIX, the reference exchange, and reports what happened with the floor beside it', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'rr-demo-')), 'demo.json');
    const { stdout } = await run(process.execPath, [DEMO, '--', '--duration', '1', '--rate', '2000', '--json', json]);
    expect(stdout).toMatch(/orders sent\s+2,000/);
    expect(stdout).toMatch(/demo\.submit-to-ack .* of floor\.sab\.spin/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual([
      'floor.sab.spin',
      'demo.submit-to-ack',
      'demo.submit-to-first-fill',
      'demo.submit-to-ack.memory',
      'demo.submit-to-ack.exchange',
      'demo.submit-to-ack.fix',
    ]);
    expect(stdout).toMatch(/exchange over WebSocket and exchange-fix over FIX 4.4 on loopback/);
    // The market maker's new quotes may meet its own older ones after the mid moves: the
    // router refuses those (self-trade prevention) and nothing else.
    expect(Object.keys(report.demo.refusals).filter((name) => name !== 'RISK_SELF_TRADE')).toEqual([]);
    expect(report.demo.stats.accepted + (report.demo.refusals.RISK_SELF_TRADE ?? 0)).toBeGreaterThan(1_900);
    expect(report.demo.stats.accepted).toBeGreaterThan(1_500);
    expect(report.demo.stats.unknown).toBe(0);
    expect(report.scenarios[1].count).toBe(report.demo.stats.accepted);
    // A sixteenth of the flow went over each socket and was acknowledged there.
    expect(report.scenarios[4].count).toBeGreaterThan(75);
    expect(report.scenarios[5].count).toBeGreaterThan(75);
    expect(report.scenarios[3].count + report.scenarios[4].count + report.scenarios[5].count).toBe(report.demo.stats.accepted);
  });

  it('runs on the in-memory venues alone with --no-exchange', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'rr-demo-')), 'demo.json');
    const { stdout } = await run(process.execPath, [DEMO, '--', '--duration', '1', '--rate', '1000', '--no-exchange', '--json', json]);
    expect(stdout).toMatch(/2 gateway workers/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.scenarios.map((s: { name: string }) => s.name)).not.toContain('demo.submit-to-ack.exchange');
    expect(report.demo.stats.unknown).toBe(0);
  });

  it('refuses busy-spin on a host with fewer than 3 cores and explains why, and shows --help', async () => {
    const help = await run(process.execPath, [DEMO, '--help']);
    expect(help.stdout).toMatch(/Usage: pnpm demo/);
    await expect(run(process.execPath, [DEMO, '--bogus'])).rejects.toMatchObject({ code: 2 });
    if (availableParallelism() < 3) {
      await expect(run(process.execPath, [DEMO, '--spin', '--duration', '1'])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--spin needs at least 3 cores'),
      });
    }
  });
});
