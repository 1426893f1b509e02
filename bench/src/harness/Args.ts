/** Options of `pnpm bench`. */
export interface BenchArgs {
  /** Substrings or globs (`*`) matched against scenario names; empty = every scenario. */
  filters: string[];
  /** Also write the JSON result here (default: none; it is always in the output folder). */
  jsonPath: string | null;
  /** The output folder: result.json, .hgrm and encoded histograms, summary.md, plots, report.html (default bench-results/latest). */
  outDir: string;
  /** Exact scenario names only (no references added): the gate's child processes. */
  exact: boolean;
  /** Write only the JSON (`--json`), no report folder: the gate's child processes. */
  noReport: boolean;
  /** Fewer samples per run (same number of runs): for the demo and smoke tests. */
  quick: boolean;
  /** Runs per scenario; each run measures the scenario and its reference back to back. */
  runs: number;
  /** Least unrecorded warm-up per run of the round-trip and hot-path scenarios, in ms. */
  warmupMs: number;
  list: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: pnpm bench [--] [--filter <pattern>]... [--out <dir>] [--json <file>] [--quick] [--runs <n>] [--warmup-ms <ms>] [--list]

  --filter <p>  run scenarios whose name contains <p> (or matches it, with * as a wildcard);
                repeatable; references of the selected scenarios always run beside them
  --out <dir>   the output folder (default bench-results/latest): result.json, an .hgrm
                percentile distribution and the encoded histogram per scenario,
                summary.md (for CI job summaries), plots/*.svg and report.html
  --json <f>    also write the machine-readable result to <f>
  --exact       filters are exact names, and references are not added (the gate's runs)
  --no-report   write only the --json result, no report folder (the gate's runs)
  --quick       fewer samples per run, same number of runs (for smoke runs and the demo)
  --runs <n>    runs per scenario (default 3; medians are over runs, percentiles over the
                merged histograms of all runs)
  --warmup-ms <ms>
                least time each round-trip and hot-path scenario runs unrecorded before it
                samples (default 250; a fresh process is noisy for its first ~200 ms)
  --list        print the scenario names and exit
`;

/** `--warmup-ms` of `pnpm bench` and `pnpm bench:gate`: whole ms from 0 to 60 s, or null when malformed. */
export function parseWarmupMs(text: string): number | null {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 60_000 ? n : null;
}

/** Parse argv; a literal `--` (as pnpm may pass it through) is ignored anywhere. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { filters: [], jsonPath: null, outDir: 'bench-results/latest', exact: false, noReport: false, quick: false, runs: 3, warmupMs: 250, list: false, help: false };
  const rest = argv.filter((a) => a !== '--');
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--filter':
        args.filters.push(value());
        break;
      case '--json':
        args.jsonPath = value();
        break;
      case '--out':
        args.outDir = value();
        break;
      case '--exact':
        args.exact = true;
        break;
      case '--no-report':
        args.noReport = true;
        break;
      case '--quick':
        args.quick = true;
        break;
      case '--runs': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--runs takes a whole number from 1 to 100, got ${rest[i]}`);
        args.runs = n;
        break;
      }
      case '--warmup-ms': {
        const n = parseWarmupMs(value());
        if (n === null) throw new UsageError(`--warmup-ms takes whole milliseconds from 0 to 60000, got ${rest[i]}`);
        args.warmupMs = n;
        break;
      }
      case '--list':
        args.list = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return args;
}

/** True if `name` is selected by any filter (substring, or glob with `*`). */
export function matchesFilter(name: string, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => {
    if (!f.includes('*')) return name.includes(f);
    const re = new RegExp(`^${f.split('*').map(escapeRegExp).join('.*')}$`);
    return re.test(name);
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
