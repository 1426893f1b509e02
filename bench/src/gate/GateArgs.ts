import { parseWarmupMs } from '../harness/Args.js';

/** Options of `pnpm bench:gate`. */
export interface GateArgs {
  /** Compare with this git revision, built in a worktree beside the candidate. */
  base: string | null;
  /** Or compare with a stored result (`pnpm bench` JSON), each scenario normalised by its floor reference. */
  baseline: string | null;
  /** Scenario names or patterns (as `pnpm bench --filter`); default: the round-trip scenarios. */
  filters: string[];
  /** A B B A pairs of fresh processes per side (default 20). */
  pairs: number;
  /** Regression when both the merged ratio and the median per-pair ratio exceed this (default 1.10; 1.25 with --baseline). */
  threshold: number;
  /** Warn above this (default 1.05; 1.15 with --baseline). */
  warn: number;
  /** The gated percentile (default 99); p99.9 and max are reported, not gated. */
  percentile: number;
  /** A regression also needs the pairs to agree: signed-rank p-value at or below this (default 0.01). */
  alpha: number;
  quick: boolean;
  /** Unrecorded warm-up per run, passed to each process's bench (default 250 ms). */
  warmupMs: number;
  /** Confirm a regression with one automatic re-run (default on). */
  confirm: boolean;
  /** Output folder for gate.json and gate.md (default bench-results/gate). */
  outDir: string;
  /** Intended slowdowns, committed with the change (default bench/gate-overrides.json). */
  overrides: string;
  /** Extra environment for the candidate's / base's processes (fixtures, experiments). */
  candidateEnv: Record<string, string>;
  baseEnv: Record<string, string>;
  /** Decide again from the runs an earlier gate kept in `<dir>/runs/`, measuring nothing. */
  replay: string | null;
  /** Use this already-built tree as the base instead of building `base` (experiments; A/A). */
  baseDir: string | null;
  /** Also count instructions of the single-threaded hot paths under callgrind (base mode). */
  instructions: boolean;
  /** Count instructions only: no timed runs (the deterministic tier alone). */
  instructionsOnly: boolean;
  /** Instruction-count regression above this ratio (default 1.02; counts are deterministic). */
  instructionsThreshold: number;
  /** Hot paths to count (default: all the candidate offers). */
  hotPaths: string[];
  help: boolean;
}

export class GateUsageError extends Error {}

export const GATE_USAGE = `Usage: pnpm bench:gate [--] (--base <git-ref> | --baseline <result.json>) [options]

Fails a build when p99 latency regresses, with statistics that hold on noisy machines.

  --base <ref>        build <ref> in a git worktree beside this tree, then run the scenarios
                      in fresh processes, alternating A B B A, and compare
  --base-dir <dir>    use an already built tree as the base (A/A experiments: this tree itself)
  --baseline <file>   compare with a stored \`pnpm bench\` result instead; every scenario is
                      normalised by its reference measured in the same run (its floor)
  --replay <dir>      decide again from the runs an earlier gate kept in <dir>/runs/ (every
                      process's result is kept there), with the thresholds given now:
                      calibrating a machine's gate from one recorded session
  --filter <p>        scenarios to gate (repeatable; default: the round trips
                      router.order.rtt.backoff, router.order.rtt.busy-spin,
                      router.ring.rtt.busy-spin and router.order.openloop.20k.shared)
  --pairs <n>         A B pairs of fresh processes (default 20)
  --threshold <r>     regression when the merged p99 ratio candidate/base AND the median of
                      the per-pair p99 ratios both exceed r (default 1.10; 1.25 with --baseline)
  --warn <r>          warning band above r (default 1.05; 1.15 with --baseline)
  --percentile <p>    the gated percentile (default 99)
  --alpha <a>         a regression also needs the pairs to agree: the one-sided Wilcoxon
                      signed-rank test of the per-pair ratios must give p <= a (default 0.01)
  --quick             fewer samples per process
  --warmup-ms <ms>    unrecorded warm-up of each run in each process (default 250)
  --no-confirm        do not re-run to confirm a regression
  --out <dir>         where gate.json and gate.md go (default bench-results/gate)
  --overrides <file>  intended slowdowns committed with the change (default bench/gate-overrides.json)
  --instructions      also count the instructions per operation of the single-threaded hot
                      paths (pool allocate and free, flyweight write, risk check, frame
                      encode) under valgrind's callgrind, base against candidate: a
                      deterministic tier that catches small regressions timing cannot
  --instructions-only the instruction tier alone, no timed runs (seconds instead of minutes;
                      what a laptop or a pre-commit hook can afford)
  --instructions-threshold <r>
                      instruction-count regression above r (default 1.02)
  --hot-path <name>   count only this hot path (repeatable)
  --candidate-env K=V, --base-env K=V
                      extra environment for one side's processes (experiments, fixtures)

Exit codes: 0 pass (warnings and accepted overrides included), 1 regression (confirmed),
2 could not measure (bad arguments, base does not build, a scenario missing or failing).
`;

/**
 * The round trips gated by default: the order path with the default (backoff) wait
 * strategy and with busy-spin, and the bare ring with busy-spin (two spinning threads on
 * a 2-core host: as many as it has, never more).
 */
export const DEFAULT_GATE_SCENARIOS = ['router.order.rtt.backoff', 'router.order.rtt.busy-spin', 'router.ring.rtt.busy-spin', 'router.order.openloop.20k.shared'];

export function parseGateArgs(argv: readonly string[]): GateArgs {
  const args: GateArgs = {
    base: null,
    baseline: null,
    filters: [],
    pairs: 20,
    threshold: NaN,
    warn: NaN,
    percentile: 99,
    alpha: 0.01,
    quick: false,
    warmupMs: 250,
    confirm: true,
    outDir: 'bench-results/gate',
    overrides: 'bench/gate-overrides.json',
    candidateEnv: {},
    baseEnv: {},
    baseDir: null,
    replay: null,
    instructions: false,
    instructionsOnly: false,
    instructionsThreshold: 1.02,
    hotPaths: [],
    help: false,
  };
  const rest = argv.filter((a) => a !== '--');
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--candidate-env') && !arg.startsWith('--base-env') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new GateUsageError(`${flag} needs a value`);
      return v;
    };
    const ratio = (name: string): number => {
      const n = Number(value());
      if (!(n > 1 && n < 100)) throw new GateUsageError(`${name} takes a ratio above 1, such as 1.10`);
      return n;
    };
    const env = (into: Record<string, string>) => {
      const v = value();
      const at = v.indexOf('=');
      if (at <= 0) throw new GateUsageError(`${flag} takes KEY=VALUE, got ${v}`);
      into[v.slice(0, at)] = v.slice(at + 1);
    };
    switch (flag) {
      case '--base': args.base = value(); break;
      case '--baseline': args.baseline = value(); break;
      case '--base-dir': args.baseDir = value(); break;
      case '--replay': args.replay = value(); break;
      case '--filter': args.filters.push(value()); break;
      case '--pairs': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 200) throw new GateUsageError('--pairs takes a whole number from 1 to 200');
        args.pairs = n;
        break;
      }
      case '--threshold': args.threshold = ratio('--threshold'); break;
      case '--warn': args.warn = ratio('--warn'); break;
      case '--percentile': {
        const p = Number(value());
        if (!(p > 0 && p < 100)) throw new GateUsageError('--percentile takes a number between 0 and 100, such as 99');
        args.percentile = p;
        break;
      }
      case '--alpha': {
        const a = Number(value());
        if (!(a > 0 && a <= 1)) throw new GateUsageError('--alpha takes a probability above 0 and at most 1, such as 0.01');
        args.alpha = a;
        break;
      }
      case '--quick': args.quick = true; break;
      case '--warmup-ms': {
        const n = parseWarmupMs(value());
        if (n === null) throw new GateUsageError('--warmup-ms takes whole milliseconds from 0 to 60000');
        args.warmupMs = n;
        break;
      }
      case '--instructions': args.instructions = true; break;
      case '--instructions-only': args.instructions = true; args.instructionsOnly = true; break;
      case '--instructions-threshold': args.instructionsThreshold = ratio('--instructions-threshold'); break;
      case '--hot-path': args.hotPaths.push(value()); break;
      case '--no-confirm': args.confirm = false; break;
      case '--out': args.outDir = value(); break;
      case '--overrides': args.overrides = value(); break;
      case '--candidate-env': env(args.candidateEnv); break;
      case '--base-env': env(args.baseEnv); break;
      case '--help': case '-h': args.help = true; break;
      default: throw new GateUsageError(`unknown option ${arg}`);
    }
  }
  if (args.help) return args;
  const sources = [args.base ?? args.baseDir, args.baseline, args.replay].filter((x) => x !== null).length;
  if (sources !== 1) throw new GateUsageError('give exactly one of --base <git-ref>, --baseline <file> and --replay <dir>');
  const stored = args.baseline !== null;
  if (Number.isNaN(args.threshold)) args.threshold = stored ? 1.25 : 1.1;
  if (Number.isNaN(args.warn)) args.warn = Math.min(args.threshold, stored ? 1.15 : 1.05);
  if (args.warn > args.threshold) throw new GateUsageError('--warn must not be above --threshold');
  if (args.filters.length === 0 && args.replay === null) args.filters = [...DEFAULT_GATE_SCENARIOS]; // a replay: every scenario stored
  if (args.instructions && (args.baseline !== null || args.replay !== null)) throw new GateUsageError('--instructions compares two builds: use it with --base');
  return args;
}
