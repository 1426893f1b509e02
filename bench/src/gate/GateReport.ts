import { formatNs } from '../harness/Report.js';
import type { ScenarioDecision } from './Decision.js';

/** One hot path's instruction count, base against candidate. */
export interface InstructionDecision {
  path: string;
  base: number;
  candidate: number;
  ratio: number;
  verdict: 'pass' | 'regression' | 'accepted';
  reason: string | null;
}

export interface GateOutcome {
  mode: 'base' | 'baseline' | 'replay';
  base: string;
  candidate: string;
  pairs: number;
  percentile: number;
  threshold: number;
  warn: number;
  /** Significance a regression needs (signed-rank p-value of the per-pair ratios). */
  alpha: number;
  decisions: ScenarioDecision[];
  /** The confirming re-run's decisions for the scenarios that regressed first (empty: none needed or --no-confirm). */
  confirmations: ScenarioDecision[];
  /** The instruction-count tier (null: not asked for); `instructionsNote` says why a part was skipped. */
  instructions: InstructionDecision[] | null;
  instructionsThreshold: number;
  instructionsNote: string | null;
  exitCode: 0 | 1 | 2;
  error: string | null;
}

const r = (x: number) => `${x.toFixed(3)}×`;
const pv = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

function rows(o: GateOutcome): string[][] {
  const p = `p${o.percentile}`;
  const header = ['scenario', 'base p50', `base ${p}`, 'cand p50', `cand ${p}`, `${p} ratio (merged)`, `${p} ratio (median of pairs)`, 'pairs slower', 'p-value', 'p99.9 ratio', 'max ratio', 'verdict'];
  const body = o.decisions.map((d) => {
    const confirmation = o.confirmations.find((c) => c.scenario === d.scenario);
    let verdict: string = d.verdict;
    if (d.verdict === 'regression') verdict = confirmation === undefined ? 'REGRESSION' : confirmation.verdict === 'regression' ? `REGRESSION (confirmed: ${r(confirmation.mergedRatio)} / ${r(confirmation.medianPairRatio)})` : `not confirmed (re-run: ${r(confirmation.mergedRatio)} / ${r(confirmation.medianPairRatio)})`;
    if (d.verdict === 'warning' && d.mergedRatio > o.threshold && d.medianPairRatio > o.threshold) verdict = `warning (not significant: p = ${pv(d.pValue)} > ${o.alpha})`;
    if (d.verdict === 'accepted') verdict = `accepted by override (≤ ${d.override!.maxRatio}): ${d.override!.reason}`;
    return [
      d.scenario + (d.normalisedBy ? ` (÷ ${d.normalisedBy})` : ''),
      formatNs(d.base.p50),
      formatNs(d.base.pGated),
      formatNs(d.candidate.p50),
      formatNs(d.candidate.pGated),
      r(d.mergedRatio),
      r(d.medianPairRatio),
      `${d.pairRatios.filter((x) => x > 1).length}/${d.pairRatios.length}`,
      pv(d.pValue),
      r(d.p999Ratio),
      r(d.maxRatio),
      verdict,
    ];
  });
  return [header, ...body];
}

function describe(o: GateOutcome): string {
  if (o.decisions.length === 0 && o.instructions !== null) return `Instruction tier only (--instructions-only): no timed runs, base ${o.base} vs candidate ${o.candidate}.`;
  const how =
    o.mode === 'base'
      ? `${o.pairs} A/B pairs of fresh processes in A B B A order, base ${o.base} vs candidate ${o.candidate}`
      : o.mode === 'replay'
        ? `${o.pairs} A/B pairs replayed from the runs kept in ${o.base} (nothing measured now)`
        : `${o.pairs} fresh candidate processes against the stored result ${o.base}, each side divided by its floor reference from the same run`;
  return `${how}; regression when both p${o.percentile} ratios exceed ${o.threshold} and the pairs agree (one-sided Wilcoxon signed-rank p <= ${o.alpha}), confirmed by a re-run; warning above ${o.warn}; p99.9 and max are reported, not gated.`;
}

const VERDICT = (o: GateOutcome) => (o.exitCode === 0 ? 'PASS' : o.exitCode === 1 ? 'REGRESSION' : 'COULD NOT MEASURE');

function instructionRows(o: GateOutcome): string[][] {
  const header = ['hot path', 'base instr/op', 'cand instr/op', 'ratio', 'verdict'];
  return [
    header,
    ...(o.instructions ?? []).map((d) => [d.path, d.base.toFixed(1), d.candidate.toFixed(1), r(d.ratio), d.verdict === 'accepted' ? `accepted by override: ${d.reason}` : d.verdict === 'regression' ? 'REGRESSION' : 'pass']),
  ];
}

function textTable(table: string[][]): string[] {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)];
}

function instructionsText(o: GateOutcome): string[] {
  if (o.instructions === null) return [];
  const out = [''];
  if (o.instructions.length > 0) out.push(...textTable(instructionRows(o)), `Instruction counts under callgrind (deterministic): regression above ${o.instructionsThreshold}.`);
  if (o.instructionsNote !== null) out.push(o.instructionsNote);
  return out;
}

export function renderGateText(o: GateOutcome): string {
  if (o.error !== null) return `bench:gate: could not measure: ${o.error}\n`;
  return [...textTable(rows(o)), ...instructionsText(o), '', describe(o), `gate: ${VERDICT(o)} (exit ${o.exitCode})`, ''].join('\n');
}

export function renderGateMarkdown(o: GateOutcome): string {
  if (o.error !== null) return `### ringroute bench gate: could not measure\n\n${o.error}\n`;
  const table = rows(o);
  return [
    `### ringroute bench gate: ${VERDICT(o)}`,
    '',
    `| ${table[0].join(' | ')} |`,
    `|${table[0].map((_, i) => (i === 0 || i === table[0].length - 1 ? '---' : '---:')).join('|')}|`,
    ...table.slice(1).map((row) => `| \`${row[0]}\` | ${row.slice(1).join(' | ')} |`),
    '',
    ...(o.instructions !== null && o.instructions.length > 0
      ? ['| hot path | base instr/op | cand instr/op | ratio | verdict |', '|---|---:|---:|---:|---|', ...instructionRows(o).slice(1).map((row) => `| \`${row[0]}\` | ${row.slice(1).join(' | ')} |`), '']
      : []),
    ...(o.instructionsNote !== null ? [o.instructionsNote, ''] : []),
    describe(o),
    '',
  ].join('\n');
}
