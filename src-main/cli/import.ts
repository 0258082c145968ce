/**
 * `cliplab import FILE`: imports a run that verl, TRL/Unsloth, TensorBoard or a CSV logger wrote.
 * With --follow this process follows the log through the lab's follow service (lab/import/follow-service.ts),
 * appending to one run it owns until Ctrl-C.
 */
import {
  IMPORT_FORMATS,
  MISSING,
  type ImportFormatName,
  type ImportProgressEvent,
  type ImportResult,
  type RunRecord,
  documentJson,
} from '../contract';
import { dispatch, type LabService } from '../lab';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { withLab } from './lab';
import { flagOption, positionals, stringOption } from './options';

const USAGE = `cliplab import PATH [--format auto|${IMPORT_FORMATS.join('|')}] [--name N] [--follow] [--json] [--db FILE]

Imports a training log as a run. The format is detected from the content (and the reason printed):
verl file-logger JSONL or console log, TRL trainer_state.json or TRL/Unsloth console output,
TensorBoard event file or log folder, a W&B run file or folder (wandb/offline-run-*), an MLflow
store (mlruns folder, one experiment or run in it, or mlflow.db), a cliplab-probe stream (TRL or
verl with the probe attached), or CSV with a header row; a Kaggle kernel log or Jupyter notebook is
unwrapped first and the text inside it detected. A folder or store with several runs imports each
as a run. The run keeps the file's metric keys and also gets cliplab's canonical keys where they
mean the same (verl actor/entropy -> entropy, ...). A malformed file is rejected with the line,
record or cell at fault and nothing is written; a last line without its line end (a log cut
mid-write) is left out and noted.

  --format F         skip detection and read FILE as F
  --name N           run name (default: from the file name)
  --step-column C    CSV only: the column holding the step
  --follow           keep reading the file into one run as the trainer writes it (a log with no
                     metrics yet needs --format); Ctrl-C stops and completes the run, a second
                     Ctrl-C exits at once (the next cliplab to open the database marks it interrupted)
  --interval MS      --follow: how often to look for new lines, 50 to 60000 (default 1000)
  --json             print the imported run as JSON
  --db FILE          database (default: the app's; CLIPLAB_DB overrides)`;

/** The bounds `imports.follow` accepts for its polling interval (contract/api/follows.ts). */
const MIN_INTERVAL_MS = 50;
const MAX_INTERVAL_MS = 60_000;
/** Exit code of a follow ended by a second Ctrl-C (128 + SIGINT), as shells expect. */
const EXIT_INTERRUPTED = 130;

function formatOf(args: ParsedArgs): ImportFormatName | 'auto' {
  const format = stringOption(args, 'format') ?? 'auto';
  if (format !== 'auto' && !(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: expected auto or one of ${IMPORT_FORMATS.join(', ')}, got "${format}"`);
  }
  return format as ImportFormatName | 'auto';
}

/** The file and how to read it, as a one-off import and a follow both take them. */
function sourceOf(file: string, args: ParsedArgs) {
  return {
    path: file,
    format: formatOf(args),
    name: stringOption(args, 'name'),
    stepColumn: stringOption(args, 'step-column'),
  };
}

function intervalOf(args: ParsedArgs): number {
  const text = stringOption(args, 'interval') ?? '1000';
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new UsageError(
      `--interval: expected whole milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}, got "${text}"`,
    );
  }
  return ms;
}

function progressLine(io: CliIo): (p: ImportProgressEvent) => void {
  return (p) => {
    if (p.phase !== 'reading' || p.totalBytes === 0) return;
    const pct = Math.floor((100 * p.bytesRead) / p.totalBytes);
    io.stderr.write(`\rreading ${pct}% (${p.points} points)`);
    if (p.bytesRead >= p.totalBytes) io.stderr.write('\n');
  };
}

export function describeImport(result: ImportResult): string {
  const run = result.run;
  const runs = result.runs;
  const lines =
    runs.length > 1
      ? [
          `imported ${runs.length} runs: ${result.format} (${result.reason})`,
          ...runs.map((r) => `  run ${r.id} "${r.name}", last step ${r.step ?? MISSING}`),
          `  first run: ${result.keys} keys; ${result.points} points in all`,
        ]
      : [
          `imported run ${run.id} "${run.name}": ${result.format} (${result.reason})`,
          `  ${result.keys} keys, ${result.points} points, last step ${run.step ?? MISSING}`,
        ];
  if (run.origin === 'imported') {
    const aliases = Object.entries(run.source.aliases ?? {}).filter(([c, k]) => c !== k);
    if (aliases.length > 0) lines.push(`  aliases   ${aliases.map(([c, k]) => `${c} <- ${k}`).join(', ')}`);
    if (run.source.clipFractionCombined) lines.push('  clipping  logged as one fraction of both sides (combined only)');
  }
  for (const c of result.coverage.filter((c) => c.status !== 'ready')) lines.push(`  diagnose  ${c.text}`);
  for (const w of result.warnings) lines.push(`  note      ${w}`);
  return `${lines.join('\n')}\n`;
}

async function importOnce(lab: LabService, file: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const json = flagOption(args, 'json');
  const unsubscribe = lab.subscribe((e) => {
    if (e.name === 'import.progress' && !json) progressLine(io)(e.payload);
  });
  try {
    const result = await dispatch(lab, 'imports.fromPath', sourceOf(file, args));
    io.stdout.write(json ? `${documentJson(result, 2)}\n` : describeImport(result));
    return 0;
  } finally {
    unsubscribe();
  }
}

/** Progress on stderr as the follow stores points: the step reached and the points stored so far. */
function followProgress(lab: LabService, runId: number, io: CliIo): () => Promise<void> {
  let shown = 0;
  return async () => {
    const followed = (await dispatch(lab, 'imports.following', {})).find((f) => f.runId === runId);
    if (!followed || followed.points === shown) return;
    io.stderr.write(
      `step ${followed.lastStep ?? MISSING}: +${followed.points - shown} points (${followed.points} in all)\n`,
    );
    shown = followed.points;
  };
}

/**
 * Follows FILE into one imported run through the lab's follow service until `stop` aborts (Ctrl-C
 * in the command: the run is `completed`) or the follow ends by itself (a malformed line fails it,
 * another client may stop it). The run is claimed by this process (pid and heartbeat), so if the
 * process dies, the next lab to open the database marks the run `interrupted`. Returns the run as it ended.
 */
export async function followFile(
  lab: LabService,
  file: string,
  args: ParsedArgs,
  io: CliIo,
  stop: AbortSignal,
): Promise<RunRecord> {
  let runId: number | null = null;
  let report = async () => {};
  let settle: (run: RunRecord) => void = () => {};
  const ended = new Promise<RunRecord>((resolve) => (settle = resolve));
  // Subscribed before the follow starts so no batch goes unreported; events name the run once known.
  const unsubscribe = lab.subscribe((e) => {
    if (e.name !== 'run.changed' || e.payload.run.id !== runId) return;
    if (e.payload.run.status === 'running') void report();
    else settle(e.payload.run);
  });
  const onAbort = () => {
    if (runId !== null) void dispatch(lab, 'imports.stopFollow', { id: runId }).then(settle, () => {});
  };
  try {
    const run = await dispatch(lab, 'imports.follow', { ...sourceOf(file, args), intervalMs: intervalOf(args) });
    runId = run.id;
    report = followProgress(lab, run.id, io);
    const format = run.origin === 'imported' ? run.source.format : 'auto';
    io.stderr.write(`following ${file} (${format}) into run ${run.id} "${run.name}"; Ctrl-C stops\n`);
    stop.addEventListener('abort', onAbort, { once: true });
    if (stop.aborted) onAbort();
    const final = await ended;
    io.stdout.write(
      flagOption(args, 'json')
        ? `${documentJson(final, 2)}\n`
        : `run ${final.id} "${final.name}": ${final.status}, last step ${final.step ?? MISSING}\n`,
    );
    return final;
  } finally {
    stop.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}

/**
 * Runs `followFile` with Ctrl-C (or SIGTERM) stopping the follow; a second one exits at once, leaving
 * the run to be marked interrupted by the next lab. Exit code 0 when the run completed.
 */
async function followCommand(lab: LabService, file: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (signals++ > 0) process.exit(EXIT_INTERRUPTED);
    io.stderr.write('stopping; Ctrl-C again exits at once\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const run = await followFile(lab, file, args, io, controller.signal);
    if (run.status === 'completed') return 0;
    io.stderr.write(`run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a verl, TRL, W&B, MLflow, TensorBoard or CSV log (or a notebook of one) as runs',
  usage: USAGE,
  flags: ['follow', 'json'],
  options: ['format', 'name', 'step-column', 'interval'],
  async run(args, io) {
    const [file] = positionals(args, ['PATH']);
    formatOf(args);
    if (!flagOption(args, 'follow')) return withLab(args, io, (lab) => importOnce(lab, file, args, io));
    intervalOf(args);
    return withLab(args, io, (lab) => followCommand(lab, file, args, io));
  },
};
