/** `cliplab show RUN`: one run with its config and metrics, readable or as one JSON document. */
import {
  ApiError,
  collapseCrossing,
  describeCrossing,
  documentJson,
  finitePoints,
  halfLifeCrossing,
  METRIC,
  MISSING,
  summarizeSeries,
  SUMMARY_DEFINITIONS,
  type MetricKeyInfo,
  type RemoteRun,
  type RunRecord,
  type SeriesSummary,
  type Series,
  type StepValue,
} from '../contract';
import { dispatch, type LabService } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { formatTime, formatValue, table } from './format';
import { withRun } from './lab';
import { flagOption, listOption, positionals } from './options';

const USAGE = `cliplab show RUN [--metrics KEY,...] [--json] [--db FILE]

Shows a run (by id, or by its exact name): status, config and a summary of each metric.

  --metrics KEY,...  only these metrics (repeatable), e.g. entropy,clip/high_frac
  --json             print { "run": {...}, "metrics": { "<key>": [{ "step": n, "value": v }] },
                     "summary": { "<key>": { "start", "final", "peak", "min" } } } (value null where
                     the run logged NaN)

Summary numbers (the same in every view of cliplab): start is ${SUMMARY_DEFINITIONS.start}, final
${SUMMARY_DEFINITIONS.final}, peak ${SUMMARY_DEFINITIONS.peak}, min ${SUMMARY_DEFINITIONS.min}
(values that are not numbers are skipped). Entropy also gets its collapse step,
${SUMMARY_DEFINITIONS.collapseStep}, and half-life, ${SUMMARY_DEFINITIONS.halfLife}.
  --db FILE          database (default: the app's; CLIPLAB_DB overrides)`;

/** `runs.series` accepts at most this many keys per call. */
const KEYS_PER_CALL = 200;

function chooseKeys(run: RunRecord, available: readonly MetricKeyInfo[], wanted: string[] | undefined): string[] {
  const have = available.map((k) => k.key);
  if (!wanted) return have;
  const missing = wanted.filter((k) => !have.includes(k));
  if (missing.length > 0) {
    const list = have.length > 0 ? `it has: ${have.join(', ')}` : 'it has no metrics yet';
    throw new ApiError('not_found', `run ${run.id} has no metric ${missing.map((k) => `"${k}"`).join(', ')}; ${list}`);
  }
  return [...new Set(wanted)];
}

async function readSeries(lab: LabService, id: number, keys: readonly string[]): Promise<Series[]> {
  const out: Series[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
    out.push(...(await dispatch(lab, 'runs.series', { id, keys: keys.slice(i, i + KEYS_PER_CALL) })));
  }
  return out;
}

function asJson(run: RunRecord, series: readonly Series[]): string {
  const metrics: Record<string, { step: number; value: number | null }[]> = {};
  const summary: Record<string, SeriesSummary> = {};
  for (const s of series) {
    metrics[s.key] = s.steps.map((step, i) => ({ step, value: s.values[i] }));
    summary[s.key] = summarizeSeries(s);
  }
  return documentJson({ run, metrics, summary }, 2);
}

/** `key=value` pairs of one config section, nested sections flattened (`base.steps=800`). */
function sectionText(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [`${prefix}=${JSON.stringify(value)}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? sectionText(v, `${prefix}${k}.`)
      : [`${prefix}${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`],
  );
}

function header(run: RunRecord): string[] {
  const step = run.step === null ? 'no steps yet' : `step ${run.step}${run.steps === null ? '' : ` of ${run.steps}`}`;
  const lines = [
    `run ${run.id}  ${run.name}`,
    `  status    ${run.status} (${step})`,
    `  origin    ${run.origin}${run.backend ? `, backend ${run.backendDetail ?? run.backend}` : ''}, cliplab ${run.appVersion}`,
    `  times     created ${formatTime(run.createdAt)}, started ${formatTime(run.startedAt)}, finished ${formatTime(run.finishedAt)}`,
    `  seed      ${run.seed ?? MISSING}   group ${run.groupKey}`,
  ];
  if (run.tags.length > 0) lines.push(`  tags      ${run.tags.join(', ')}`);
  if (run.notes) lines.push(`  notes     ${run.notes.replace(/\n/g, '\n            ')}`);
  if (run.error) lines.push(`  error     ${run.error}`);
  if (run.origin === 'remote') lines.push(...remoteLines(run));
  if (run.origin !== 'imported') {
    lines.push('  config');
    for (const [section, value] of Object.entries(run.config)) {
      lines.push(`    ${section.padEnd(10)}${sectionText(value).join(' ').replace(/^=/, '')}`);
    }
  } else {
    lines.push(`  source    ${run.source.format} ${run.source.file}`);
    const params = Object.keys(run.source.params);
    if (params.length > 0) lines.push(`  params    ${sectionText(run.source.params).join(' ')}`);
  }
  return lines;
}

/** Where a remote run's job runs and how cliplab hears from it. */
function remoteLines(run: RemoteRun): string[] {
  const r = run.remote;
  const how = r.channel === 'logs' ? "the job's logs" : `the stream file ${r.streamPath}`;
  const lines = [
    `  job       ${r.engine} job ${r.jobId} on ${r.target}: ${r.jobStatus ?? 'not yet accepted by Ray'}`,
    `  follows   ${how}${r.checkedAt ? `, cluster last answered ${formatTime(r.checkedAt)}` : ''}`,
    `  command   ${r.entrypoint}`,
  ];
  if (r.message) lines.push(`  ray says  ${r.message}`);
  if (r.unreachable) lines.push(`  offline   ${r.unreachable}`);
  return lines;
}

const valueAt = (p: StepValue | null) => (p ? `${formatValue(p.value)} @${p.step}` : MISSING);

function metricsTable(keys: readonly MetricKeyInfo[], series: readonly Series[]): string {
  const rows = series.map((s) => {
    const info = keys.find((k) => k.key === s.key)!;
    const sum = summarizeSeries(s);
    return [
      s.key,
      String(info.count),
      `${info.firstStep}-${info.lastStep}`,
      valueAt(sum.start),
      valueAt(sum.final),
      valueAt(sum.peak),
      valueAt(sum.min),
    ];
  });
  return table(['METRIC', 'POINTS', 'STEPS', 'START', 'FINAL', 'PEAK', 'MIN'], rows);
}

/** Collapse step and half-life of the entropy, as Diagnostics dates them. */
function entropyLine(series: readonly Series[]): string | null {
  const entropy = series.find((s) => s.key === METRIC.entropy);
  if (!entropy) return null;
  const points = finitePoints(entropy);
  if (points.steps.length === 0) return null;
  const collapse = describeCrossing(collapseCrossing(points), 'never');
  return `entropy   collapse step ${collapse}; half-life ${describeCrossing(halfLifeCrossing(points), 'never')}`;
}

export const showCommand: Command = {
  name: 'show',
  summary: 'Show one run: status, config and metrics',
  usage: USAGE,
  flags: ['json'],
  options: ['metrics'],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [ref] = positionals(args, ['RUN']);
    const wanted = listOption(args, 'metrics');
    return withRun(args, io, ref, async (lab, run) => {
      const available = await dispatch(lab, 'runs.keys', { id: run.id });
      const series = await readSeries(lab, run.id, chooseKeys(run, available, wanted));
      if (flagOption(args, 'json')) {
        io.stdout.write(`${asJson(run, series)}\n`);
        return 0;
      }
      const lines = header(run);
      lines.push('', series.length > 0 ? metricsTable(available, series) : 'no metrics logged yet');
      const entropy = entropyLine(series);
      if (entropy) lines.push('', entropy);
      io.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    });
  },
};
