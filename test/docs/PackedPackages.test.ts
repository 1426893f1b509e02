import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeBlock, readmeBlockContaining } from '../support/readme.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const PACKAGES = ['core', 'router', 'gateways'];

/**
 * The packages as a user gets them: `pnpm pack`ed, installed with npm into a project
 * outside the monorepo, compiled with strict TypeScript and `skipLibCheck: false` (every
 * published .d.ts is checked, and must resolve with the packages' own dependencies), and
 * the README's examples run from there.
 */
describe('the packed packages, outside the monorepo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringroute-consumer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('carry README and LICENSE, no build info; compile with skipLibCheck false; run the README examples', async () => {
    const pnpm = ['-y', 'pnpm@10'];
    for (const name of PACKAGES) await run('npx', [...pnpm, 'pack', '--pack-destination', dir], { cwd: join(root, 'packages', name) });
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(3);
    const file = (name: string) => `file:./${tarballs.find((t) => t.includes(`-${name}-`))}`;
    for (const t of tarballs) {
      const { stdout } = await run('tar', ['-tzf', join(dir, t)]);
      const entries = stdout.split('\n');
      expect(entries, t).toContain('package/README.md');
      expect(entries, t).toContain('package/LICENSE');
      expect(entries.filter((e) => e.includes('tsbuildinfo')), t).toEqual([]);
    }
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { '@ringroute/core': file('core'), '@ringroute/router': file('router'), '@ringroute/gateways': file('gateways') },
        // The tarballs name each other by version: point those at the tarballs too.
        overrides: { '@ringroute/core': file('core'), '@ringroute/router': file('router') },
        devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0' },
      }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, outDir: 'dist', rootDir: 'src', types: ['node'] },
        include: ['src'],
      }),
    );
    mkdirSync(join(dir, 'src'));
    const block = (heading: string) => {
      const code = readmeBlock(heading);
      expect(code, heading).toBeDefined();
      return code!;
    };
    writeFileSync(join(dir, 'src', 'core.ts'), `${block('# @ringroute/core in five minutes')}\nconsole.log('core ok', orders.freeCount());\n`);
    writeFileSync(join(dir, 'src', 'transport.ts'), block('# @ringroute/router: the transport'));
    writeFileSync(join(dir, 'src', 'strategy.ts'), `${block('## The router a strategy embeds')}\nconsole.log('strategy ok', id > 0);\n`);
    writeFileSync(join(dir, 'src', 'EchoVenue.ts'), block('## Writing an adapter'));
    writeFileSync(join(dir, 'src', 'echoVenueTask.ts'), readmeBlockContaining('// echoVenueTask.ts') ?? 'missing');
    writeFileSync(
      join(dir, 'src', 'echoRouter.ts'),
      `import { Router } from '@ringroute/router';
const router = await Router.create({
  instruments: [{ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.001' }],
  venues: [{ name: 'echo', task: new URL('./echoVenueTask.js', import.meta.url) }],
});
const id = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '0.001' });
const ioc = router.submit({ symbol: 'BTC-USD', side: 'buy', price: '65000', quantity: '0.001', tif: 'IOC' });
let accepted = 0;
const deadline = Date.now() + 5_000;
while (accepted === 0 && Date.now() < deadline) {
  router.poll({ onAccepted: () => void accepted++ });
  await new Promise((r) => setTimeout(r, 1));
}
await router.stop();
console.log('echo ok', id > 0, accepted, ioc);
`,
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 300_000 });
    const tsc = await run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: dir }).catch((e: { stdout: string }) => e);
    expect(tsc.stdout, 'tsc with skipLibCheck: false').toBe('');
    const node = (file: string) => run(process.execPath, [join(dir, 'dist', file)], { cwd: dir, timeout: 30_000 }).then((r) => r.stdout.trim());
    expect(await node('core.js')).toBe('core ok 65536');
    expect(await node('transport.js')).toBe('0 42');
    expect(await node('strategy.js')).toBe('strategy ok true');
    // The echo venue takes limit GTC only: the router refuses the IOC before sending it (VENUE_UNSUPPORTED, -46).
    expect(await node('echoRouter.js')).toBe('echo ok true 1 -46');
  }, 400_000);
});
