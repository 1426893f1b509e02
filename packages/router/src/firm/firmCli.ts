#!/usr/bin/env node
/**
 * `pnpm firm -- <command> [--redis <url>] [--json]`: the firm layer's operator tool.
 *
 *   status                   the firm halt, every host (alive or not), every limit's ledger
 *   halt [--reason <text>]   halt the firm: every host stops new orders (cancels still go)
 *   resume                   clear the firm halt
 *   release <host> [--force] return everything a host holds to the firm, once its orders are
 *                            reconciled; refused while its heartbeat is alive, unless --force
 *
 * The Redis URL comes from --redis, else RINGROUTE_FIRM_REDIS, else redis://127.0.0.1:6379.
 * Exit status: 0 done, 1 refused or failed (with the reason), 2 usage.
 */
import { RingrouteError } from '@ringroute/core';
import { FirmLedger, type FirmLimitState } from './FirmLedger.js';

const USAGE = 'Usage: pnpm firm -- status | halt [--reason <text>] | resume | release <host> [--force]   [--redis <url>] [--json]';

interface Args {
  command: string;
  positional: string[];
  redis: string;
  reason: string;
  force: boolean;
  json: boolean;
}

function parse(argv: string[]): Args | null {
  const args: Args = { command: '', positional: [], redis: process.env.RINGROUTE_FIRM_REDIS ?? 'redis://127.0.0.1:6379', reason: 'operator halt (pnpm firm)', force: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--redis' || a === '--reason') {
      const value = argv[++i];
      if (value === undefined) return null;
      if (a === '--redis') args.redis = value;
      else args.reason = value;
    } else if (a === '--force') args.force = true;
    else if (a === '--json') args.json = true;
    else if (a.startsWith('--')) return null;
    else if (args.command === '') args.command = a;
    else args.positional.push(a);
  }
  const arity: Record<string, number> = { status: 0, halt: 0, resume: 0, release: 1 };
  return arity[args.command] === args.positional.length ? args : null;
}

function describeLimit(name: string, l: FirmLimitState): string {
  const hosts = (h: Record<string, number> | undefined) => Object.entries(h ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
  if (l.kind === 'count') return `  ${name}: limit ${l.limit}, free ${l.free}, held ${hosts(l.hosts)}`;
  return `  ${name}: limit ${l.limit} lots, firm position ${l.position}; buying free ${l.free}, held ${hosts(l.hosts)}; selling free ${l.freeSell}, held ${hosts(l.sellHosts)}; positions ${hosts(l.positions)}`;
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === null) {
    console.error(USAGE);
    return 2;
  }
  const ledger = await FirmLedger.connect({ redis: args.redis, host: 'operator', connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 });
  try {
    const out = (human: string, json: unknown) => console.log(args.json ? JSON.stringify(json) : human);
    if (args.command === 'halt' || args.command === 'resume') {
      const halt = await ledger.setHalt(args.command === 'halt', args.reason);
      out(args.command === 'halt' ? `firm halted: ${halt.reason} (at ${halt.at})` : `firm halt cleared (at ${halt.at})`, halt);
      return 0;
    }
    if (args.command === 'release') {
      const host = args.positional[0];
      const alive = (await ledger.hosts()).find((h) => h.host === host);
      if (alive !== undefined && alive.aliveMs > 0 && !args.force) {
        console.error(`firm: host ${host} is alive (its heartbeat has ${alive.aliveMs} ms left): it may still trade on its credit. Stop it, or wait for its lease to lapse, or pass --force`);
        return 1;
      }
      const released: Record<string, number> = {};
      for (const limit of await ledger.limits()) released[limit] = await ledger.release(limit, host);
      out(`released ${host}: ${Object.entries(released).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing held'}`, { host, released });
      return 0;
    }
    const halt = await ledger.halt();
    const hosts = await ledger.hosts();
    const limits: Record<string, FirmLimitState> = {};
    for (const limit of await ledger.limits()) limits[limit] = await ledger.read(limit);
    const lines = [
      halt === null ? 'firm: trading (no halt)' : `firm: HALTED by ${halt.by} at ${halt.at}: ${halt.reason}`,
      'hosts:',
      ...hosts.map((h) => `  ${h.host}: ${h.aliveMs > 0 ? `alive (heartbeat ${h.aliveMs} ms left)` : 'no heartbeat (stopped, dead or cut off: its credit stays reserved until it restarts with its journal or is released)'}`),
      'limits:',
      ...Object.entries(limits).map(([name, l]) => describeLimit(name, l)),
    ];
    out(lines.join('\n'), { halt, hosts, limits });
    return 0;
  } finally {
    await ledger.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`firm: ${error instanceof RingrouteError ? error.message : error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
