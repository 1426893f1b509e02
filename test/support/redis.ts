import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** redis-server is a Debian package; .ci/run installs it, and CI must have it (a developer machine may not). */
export function redisAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('redis-server is missing: .ci/run installs it with apt-get');
    return false;
  }
}

/** A free loopback port (bound, then released: the next listener takes it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** End it (SIGKILL: no save, no grace). */
  kill(): Promise<void>;
}

/**
 * A real redis-server on a loopback port (a free one unless `port` is given, to restart a
 * killed one where its clients look for it); resolves once it accepts connections (within
 * 10 s). Without persistence, unless `dir` is given: then an append-only file there,
 * fsynced on every write, as docs/firm.md asks of production (a restart keeps the ledger).
 */
export async function startRedis(options: { password?: string; port?: number; dir?: string; cluster?: boolean; replicaOf?: number } = {}): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--loglevel', 'notice', '--repl-diskless-sync-delay', '0'];
  if (options.replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(options.replicaOf));
  if (options.cluster === true) args.push('--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000');
  if (options.dir === undefined) args.push('--appendonly', 'no');
  else args.push('--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.dir);
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await printed(child, 'Ready to accept connections', 'redis-server');
  return handle(port, options.password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${options.password}@127.0.0.1:${port}`, child);
}

/** Resolve once `child` prints `marker` (within 10 s); reject with its output if it ends first. */
function printed(child: ChildProcess, marker: string, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 10 s`)), 10_000);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    // 'close', not 'exit': the output a failing server printed is all read by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${out.slice(-800)}`));
    });
  });
}

function handle(port: number, url: string, child: ChildProcess): RedisProcess {
  return {
    port,
    url,
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return; // already ended (a signal leaves exitCode null)
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface RedisCluster {
  readonly nodes: { host: string; port: number }[];
  kill(): Promise<void>;
}

/**
 * A real Redis Cluster of `size` masters on loopback (no replicas), created with
 * `redis-cli --cluster create` (redis-tools, a dependency of redis-server); resolves once
 * every node reports cluster_state:ok (within 15 s).
 */
export async function startRedisCluster(dir: string, size = 3): Promise<RedisCluster> {
  const servers: RedisProcess[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const own = join(dir, `node-${i}`); // each node its own files (append-only file, nodes.conf)
      mkdirSync(own, { recursive: true });
      servers.push(await startRedis({ dir: own, cluster: true }));
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore', timeout: 15_000 });
    const deadline = Date.now() + 15_000;
    for (const s of servers) {
      while (!execFileSync('redis-cli', ['-p', String(s.port), 'cluster', 'info'], { timeout: 5_000 }).toString().includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error('the Redis Cluster did not reach cluster_state:ok in 15 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    for (const s of servers) await s.kill();
    throw error;
  }
  return {
    nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    async kill() {
      for (const s of servers) await s.kill();
    },
  };
}

/**
 * A Redis Sentinel (redis-server in sentinel mode: the Debian redis-sentinel package is
 * only a wrapper) watching `master` on loopback as `name`, quorum 1, declaring it down
 * after 1 s; resolves once it accepts connections.
 */
export async function startSentinel(dir: string, masterPort: number, name = 'mymaster'): Promise<RedisProcess> {
  const port = await freePort();
  const conf = join(dir, `sentinel-${port}.conf`);
  writeFileSync(
    conf,
    [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`, `sentinel down-after-milliseconds ${name} 1000`, `sentinel failover-timeout ${name} 5000`, ''].join('\n'),
  );
  const child = spawn('redis-server', [conf, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await printed(child, '+monitor master', 'redis sentinel');
  return handle(port, `redis://127.0.0.1:${port}`, child);
}
