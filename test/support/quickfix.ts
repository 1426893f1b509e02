import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

/**
 * QuickFIX/C++'s `executor` example (Debian's libquickfix-doc, run with libquickfix17): a
 * FIX 4.4 acceptor, written by nobody on this project, that fills every limit order at its
 * price and refuses the rest (Reject for another OrdType, BusinessMessageReject for a
 * message type it does not handle, such as a cancel). Its screen log (stdout) holds every
 * message it received and sent: the tests' evidence.
 */
const PACKAGED = process.env.RR_QUICKFIX_EXECUTOR_GZ ?? '/usr/share/doc/libquickfix-doc/examples/executor/C++/.libs/executor.gz';

/** The executor binary, unpacked into `dir`; null when the packages are not installed (a reason in `why`). */
export function quickfixExecutor(dir: string): { path: string | null; why: string } {
  if (!existsSync(PACKAGED)) return { path: null, why: `${PACKAGED} is missing: apt-get install libquickfix-doc libquickfix17` };
  const path = join(dir, 'executor');
  writeFileSync(path, gunzipSync(readFileSync(PACKAGED)), { mode: 0o755 });
  const probe = spawnSync('ldd', [path], { encoding: 'utf8' });
  if (/not found/.test(probe.stdout)) return { path: null, why: `the executor's libraries are missing (${probe.stdout.trim().split('\n').find((l) => l.includes('not found'))}): apt-get install libquickfix17` };
  return { path, why: '' };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Executor {
  process: ChildProcess;
  /** Everything it printed so far (its screen log), SOH shown as '|'. */
  log(): string;
  /** FIX messages it logged, in order, as "in"/"out" with the message text. */
  messages(): { dir: 'in' | 'out'; text: string }[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Start the executor on `port` with its file store in `dir` (kept across restarts: pass the same dir). */
export async function startExecutor(binary: string, dir: string, port: number, heartbeatSeconds = 30): Promise<Executor> {
  mkdirSync(join(dir, 'store'), { recursive: true });
  const cfg = join(dir, 'executor.cfg');
  writeFileSync(
    cfg,
    [
      '[DEFAULT]',
      'ConnectionType=acceptor',
      `SocketAcceptPort=${port}`,
      'SocketReuseAddress=Y',
      'StartTime=00:00:00',
      'EndTime=00:00:00',
      `FileStorePath=${join(dir, 'store')}`,
      'UseDataDictionary=N',
      '[SESSION]',
      'BeginString=FIX.4.4',
      'SenderCompID=EXEC',
      'TargetCompID=RINGROUTE',
      `HeartBtInt=${heartbeatSeconds}`,
      '',
    ].join('\n'),
  );
  const child = spawn(binary, [cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('latin1').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('latin1').on('data', (s: string) => (out += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Listening once a TCP connect succeeds (bounded).
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the QuickFIX executor did not start listening on ${port}: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    process: child,
    log: () => out.replaceAll('\u0001', '|'),
    messages: () => {
      const result: { dir: 'in' | 'out'; text: string }[] = [];
      const re = /, (incoming|outgoing)>\s*\n\s*\((8=FIX.*?\|10=\d{3}\|)\)/g;
      for (const m of out.replaceAll('\u0001', '|').matchAll(re)) result.push({ dir: m[1] === 'incoming' ? 'in' : 'out', text: m[2] });
      return result;
    },
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}

/** Field `tag` of a logged message ("|11=5|" -> "5"), or undefined. */
export function field(text: string, tag: number): string | undefined {
  return new RegExp(`\\|${tag}=([^|]*)\\|`).exec(`|${text}`)?.[1];
}
