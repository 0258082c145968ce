/**
 * `cliplab import FILE`: imports a run that verl, TRL/Unsloth, TensorBoard or a CSV logger wrote.
 * With --follow it keeps reading the log as the trainer writes it, appending to one run until Ctrl-C.
 */
import { IMPORT_FORMATS, type ImportFormatName, type ImportProgressEvent, type ImportResult } from '../contract';
import { dispatch, type LabService } from '../lab';
import { followIntoStore } from '../lab/import/live';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { withLab } from './lab';
import { flagOption, positionals, stringOption } from './options';

const USAGE = `cliplab import FILE [--format auto|${IMPORT_FORMATS.join('|')}] [--name N] [--follow] [--json] [--db FILE]

Imports a training log as a run. The format is detected from the content (and the reason printed):
verl file-logger JSONL or console log, TRL trainer_state.json or TRL/Unsloth console output,
TensorBoard event file, or CSV with a header row. The run keeps the file's metric keys and also gets
cliplab's canonical keys where they mean the same (verl actor/entropy -> entropy, ...). A malformed
file is rejected with the line or record at fault and nothing is written.

  --format F         skip detection and read FILE as F
  --name N           run name (default: from the file name)
  --step-column C    CSV only: the column holding the step
  --follow           keep reading the file as the trainer writes it; Ctrl-C stops
  --interval MS      --follow: how often to look for new lines (default 1000)
  --json             print the imported run as JSON
  --db FILE          database (default: the app's; CLIPLAB_DB overrides)`;

function formatOf(args: ParsedArgs): ImportFormatName | 'auto' {
  const format = stringOption(args, 'format') ?? 'auto';
  if (format !== 'auto' && !(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: expected auto or one of ${IMPORT_FORMATS.join(', ')}, got "${format}"`);
  }
  return format as ImportFormatName | 'auto';
}

function intervalOf(args: ParsedArgs): number {
  const text = stringOption(args, 'interval') ?? '1000';
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 10)
    throw new UsageError(`--interval: expected milliseconds (10 or more), got "${text}"`);
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
  const lines = [`imported run ${run.id} "${run.name}": ${result.format} (${result.reason})`];
  lines.push(`  ${result.keys} keys, ${result.points} points, last step ${run.step ?? '-'}`);
  if (run.origin === 'imported') {
    const aliases = Object.entries(run.source.aliases ?? {}).filter(([c, k]) => c !== k);
    if (aliases.length > 0) lines.push(`  aliases   ${aliases.map(([c, k]) => `${c} <- ${k}`).join(', ')}`);
    if (run.source.clipFractionCombined) lines.push('  clipping  logged as one fraction of both sides (combined only)');
  }
  for (const w of result.warnings) lines.push(`  note      ${w}`);
  return `${lines.join('\n')}\n`;
}

async function importOnce(lab: LabService, file: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const json = flagOption(args, 'json');
  const unsubscribe = lab.subscribe((e) => {
    if (e.name === 'import.progress' && !json) progressLine(io)(e.payload);
  });
  try {
    const result = await dispatch(lab, 'imports.fromPath', {
      path: file,
      format: formatOf(args),
      name: stringOption(args, 'name'),
      stepColumn: stringOption(args, 'step-column'),
    });
    io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : describeImport(result));
    return 0;
  } finally {
    unsubscribe();
  }
}

/** Follows FILE into one run until `stop` aborts (Ctrl-C in the command); returns the run id. */
export async function followFile(lab: LabService, file: string, args: ParsedArgs, io: CliIo, stop: AbortSignal) {
  const live = followIntoStore(lab.context.store, file, {
    format: formatOf(args),
    name: stringOption(args, 'name'),
    options: { stepColumn: stringOption(args, 'step-column') },
    intervalMs: intervalOf(args),
    onBatch: (b) => {
      if (b.created) io.stderr.write(`following ${file} into run ${b.runId}; Ctrl-C stops\n`);
      io.stderr.write(`step ${b.lastStep ?? '-'}: +${b.points} points\n`);
    },
  });
  const onAbort = () => void live.stop();
  stop.addEventListener('abort', onAbort, { once: true });
  try {
    const runId = await live.done;
    if (runId === null) {
      io.stderr.write(`stopped before ${file} held any metrics; no run was created\n`);
      return null;
    }
    const run = await dispatch(lab, 'runs.get', { id: runId });
    io.stdout.write(
      flagOption(args, 'json')
        ? `${JSON.stringify(run, null, 2)}\n`
        : `run ${run.id} "${run.name}": ${run.status}, last step ${run.step ?? '-'}\n`,
    );
    return runId;
  } finally {
    stop.removeEventListener('abort', onAbort);
  }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a verl, TRL, TensorBoard or CSV log as a run (--follow for a live one)',
  usage: USAGE,
  flags: ['follow', 'json'],
  options: ['format', 'name', 'step-column', 'interval'],
  async run(args, io) {
    const [file] = positionals(args, ['FILE']);
    formatOf(args);
    if (!flagOption(args, 'follow')) return withLab(args, io, (lab) => importOnce(lab, file, args, io));
    return withLab(args, io, async (lab) => {
      const controller = new AbortController();
      const abort = () => controller.abort();
      process.once('SIGINT', abort);
      process.once('SIGTERM', abort);
      try {
        await followFile(lab, file, args, io, controller.signal);
        return 0;
      } finally {
        process.off('SIGINT', abort);
        process.off('SIGTERM', abort);
      }
    });
  },
};
