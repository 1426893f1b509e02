import type { GatewayThreads } from '@ringroute/router';

export const USAGE = `Usage: pnpm demo [--] [--duration <s>] [--warmup <s>] [--rate <orders/s>] [--threads <layout>] [--spin] [--no-exchange] [--json <file>]

Starts the reference exchange on loopback (its own thread, WebSocket with msgpackr frames
and FIX 4.4 on one book) and a router with four venues: two simulated venues in memory
("alpha" and "beta"), a WebSocket gateway to the exchange ("exchange", a sixteenth of the
flow) and a FIX gateway to it ("exchange-fix", another sixteenth), on gateway threads laid
out to fit the machine (printed at the start). Runs a small market maker (account 1,
quoting both venues around a wandering mid, pulling its quotes when the mid moves) and a
taker (account 2, IOC orders through the book) at a fixed offered rate, then prints what
happened (a quote that would meet the market maker's own not-yet-pulled quote is refused:
RISK_SELF_TRADE) and the latency from submit to ack and to first fill, beside the raw
SharedArrayBuffer ping-pong floor and a bare WebSocket echo measured in the same run.

  --duration <s>   how long to measure (default 10)
  --warmup <s>     how long to run first without recording latencies (default 1: the JIT's
                   first compilations, not the router's steady state)
  --rate <n>       orders offered per second, market maker and taker together (default 20000)
  --threads <l>    gateway thread layout: auto (default: fits the cores), dedicated (one per
                   venue), a count, or groups of venues, e.g. alpha,beta/exchange,exchange-fix
  --spin           busy-spin wait strategy on the in-memory venues' thread (needs 3+ cores; default: backoff)
  --no-exchange    only the two in-memory venues
  --json <file>    where to write the JSON result (default bench-results/demo.json)
`;

export interface DemoOptions {
  threads: GatewayThreads;
  warmupS: number;
  durationS: number;
  rate: number;
  spin: boolean;
  exchange: boolean;
  json: string;
}

/** Parse the command line; null for --help. Throws an Error naming a bad option. */
export function parseDemoOptions(argv: string[]): DemoOptions | null {
  const o: DemoOptions = { threads: 'auto', warmupS: 1, durationS: 10, rate: 20_000, spin: false, exchange: true, json: 'bench-results/demo.json' };
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => Number(args[++i]);
    if (a === '--duration') o.durationS = value();
    else if (a === '--rate') o.rate = value();
    else if (a === '--warmup') o.warmupS = value();
    else if (a === '--spin') o.spin = true;
    else if (a === '--threads') o.threads = parseThreads(args[++i] ?? '');
    else if (a === '--no-exchange') o.exchange = false;
    else if (a === '--json') o.json = args[++i] ?? o.json;
    else if (a === '--help' || a === '-h') return null;
    else throw new Error(`unknown option ${a}`);
  }
  if (!(o.durationS > 0 && o.durationS <= 3600)) throw new Error('--duration must be between 0 and 3600 seconds');
  if (!(o.warmupS >= 0 && o.warmupS <= 60)) throw new Error('--warmup must be between 0 and 60 seconds');
  if (!(o.rate >= 1 && o.rate <= 5_000_000)) throw new Error('--rate must be between 1 and 5,000,000 orders/s');
  return o;
}

/** `--threads`: 'auto', 'dedicated', a count, or groups of venue names ("a,b/c"). */
function parseThreads(text: string): GatewayThreads {
  if (text === 'auto' || text === 'dedicated') return text;
  if (/^[0-9]+$/.test(text)) return Number(text);
  if (text.length === 0 || text.startsWith('--')) throw new Error('--threads needs a layout: auto, dedicated, a count, or groups like alpha,beta/exchange');
  return text.split('/').map((group) => group.split(',').filter((name) => name.length > 0));
}
