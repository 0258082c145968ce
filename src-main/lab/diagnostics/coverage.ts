/**
 * Which diagnostics a log can feed, from its key names alone (the import preview, issue 14): for each
 * diagnostic the sets of quantities that make it work, best first, so a user sees before importing
 * that a file has no entropy key, or only a combined clip fraction.
 */
import type { DiagnosticCoverage } from '../../contract/diagnostics';
import { metricLabel } from '../../contract/metrics';
import { QUANTITY_KEYS, type Quantity } from './keys';

interface CoverageRule {
  id: DiagnosticCoverage['id'];
  label: string;
  /** Sets of quantities that give the full diagnostic, best first. */
  full: Quantity[][];
  /** Sets that give part of it. */
  partial?: { quantities: Quantity[]; what: string }[];
}

export const COVERAGE_RULES: readonly CoverageRule[] = [
  { id: 'collapse', label: 'Entropy collapse', full: [['entropy']] },
  {
    id: 'signals',
    label: 'Leading signals (length collapse, reward saturation)',
    full: [['lenMean', 'groupZeroStdFrac']],
    partial: [
      { quantities: ['lenMean'], what: 'length collapse only' },
      { quantities: ['groupZeroStdFrac'], what: 'reward saturation only' },
    ],
  },
  {
    id: 'clip',
    label: 'Clip balance',
    full: [
      ['clipLowFrac', 'clipHighFrac'],
      ['clipLowDrift', 'clipHighDrift'],
    ],
    partial: [
      { quantities: ['clipCombinedFrac'], what: 'combined clip fraction only: the sides cannot be told apart' },
    ],
  },
  { id: 'theory', label: 'Theory check', full: [['entropyDelta', 'entropyDeltaPred']] },
  {
    id: 'law',
    label: 'Entropy–accuracy law',
    full: [
      ['evalAcc', 'evalEntropy'],
      ['evalAcc', 'entropy'],
    ],
  },
];

const canonical = (q: Quantity) => QUANTITY_KEYS[q][0] as string;

/** The log's key for a quantity (a canonical alias names the trainer key it came from), or null. */
function keyFor(
  q: Quantity,
  keys: readonly string[],
  aliases: Record<string, string>,
): { key: string; from: string } | null {
  // The import's alias decides a key whose meaning depends on the trainer or its settings (keys.ts).
  const aliased = aliases[canonical(q)];
  if (aliased !== undefined) return { key: canonical(q), from: aliased };
  for (const candidate of QUANTITY_KEYS[q] as readonly (string | RegExp)[]) {
    const hit = keys.find((k) => (typeof candidate === 'string' ? candidate === k : candidate.test(k)));
    if (hit !== undefined) return { key: canonical(q), from: aliases[hit] ?? hit };
  }
  return null;
}

function describe(
  rule: CoverageRule,
  status: DiagnosticCoverage['status'],
  missing: string[],
  partial?: string,
): string {
  const names = missing.map((k) => `${k} (${metricLabel(k)})`).join(', ');
  if (status === 'ready') return `${rule.label}: ready.`;
  if (status === 'partial') return `${rule.label}: ${partial}; a full diagnosis needs ${names}.`;
  return `${rule.label}: not possible, the log has no ${names}.`;
}

/** Coverage of every diagnostic for a log with these keys (`aliases`: canonical key -> the log's key). */
export function diagnosticCoverage(
  keys: readonly string[],
  aliases: Record<string, string> = {},
): DiagnosticCoverage[] {
  const all = [...new Set([...keys, ...Object.keys(aliases)])];
  return COVERAGE_RULES.map((rule) => {
    const present = (qs: Quantity[]) => qs.map((q) => keyFor(q, all, aliases));
    const fullSet = rule.full.find((qs) => present(qs).every(Boolean));
    const partial = fullSet ? undefined : rule.partial?.find((p) => present(p.quantities).every(Boolean));
    const used = fullSet ?? partial?.quantities ?? [];
    const found = present(used).filter((f): f is { key: string; from: string } => f !== null);
    const status: DiagnosticCoverage['status'] = fullSet ? 'ready' : partial ? 'partial' : 'missing';
    const missing = fullSet ? [] : rule.full[0].filter((q) => !keyFor(q, all, aliases)).map(canonical);
    return {
      id: rule.id,
      label: rule.label,
      status,
      found,
      missing,
      text: describe(rule, status, missing, partial?.what),
    };
  });
}
