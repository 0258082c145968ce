/**
 * `cliplab submit --to ray://HOST:PORT --engine trl|verl`: one run as a Ray job with cliplab-probe
 * attached, followed until it ends (or `--detach`). `cliplab sweep --to ...` submits a grid the same
 * way (remoteSweep below).
 */
import { documentJson, type ApiArgs, type RunConfig, type RunRecord } from '../contract';
import { createLab, dispatch, type LabService } from '../lab';
import { finalMetrics } from '../lab/runner';
import { planSweep } from '../lab/runner/plans';
import type { CliIo, Command, ParsedArgs } from './command';
import { configFromArgs } from './config-args';
import { dbPathOf } from './lab';
import { flagOption, positionals, stringOption } from './options';
import { jobFromArgs, REMOTE_FLAGS, REMOTE_OPTIONS, REMOTE_USAGE } from './remote-args';
import { watchRemoteRuns } from './remote-watch';
import { runsTable } from './runs';

/** What `cliplab sweep` read from its options: the base config, the grid and the seeds. */
export interface SweepShape {
  config: RunConfig;
  grid: Record<string, unknown[]>;
  seeds: number;
}

const USAGE = `cliplab submit --to ray://HOST:PORT --engine trl|verl --model PATH --dataset PATH
               [--preset NAME] [--config FILE] [--set key=value]... [--name N] [--tag T]...
               [job options] [--json] [--db FILE]

Submits a run to a Ray cluster through its dashboard's Jobs API: the config (built as for \`cliplab
train\`) becomes the engine's settings, as \`cliplab export-config\` prints them, and the job runs the
trainer with cliplab-probe attached. The run shows in cliplab at once (Runs, its own view, Compare,
Diagnostics) as a remote run, and its clip metrics arrive while the job trains. This command follows
the job until it ends; Ctrl-C stops following only (the job keeps running; \`cliplab watch RUN\`
follows it again, \`cliplab cancel RUN\` stops it).

${REMOTE_USAGE}
  --name N               the run's name
  --tag T                a tag (repeat)
  --json                 print { "runs": [ { "run": {...}, "final": {...} } ] } on stdout
  --db FILE              database (default: the app's; CLIPLAB_DB overrides)`;

function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
}

/** Follows the runs to their end (unless --detach), then prints them. */
async function followAndReport(lab: LabService, ids: number[], args: ParsedArgs, io: CliIo): Promise<number> {
  const detach = flagOption(args, 'detach');
  const where = ids.length === 1 ? `run ${ids[0]}` : `runs ${ids.join(', ')}`;
  io.stderr.write(`submitted ${where}${detach ? '; `cliplab watch` follows them' : ''}\n`);
  let signalCode: number | null = null;
  if (!detach) {
    lab.remote.follow(ids);
    signalCode = (await watchRemoteRuns(lab, ids, io)).signalCode;
  }
  const runs: RunRecord[] = await Promise.all(ids.map((id) => dispatch(lab, 'runs.get', { id })));
  if (flagOption(args, 'json')) {
    const out = runs.map((run) => ({ run, final: finalMetrics(lab.context, run.id) }));
    io.stdout.write(`${documentJson({ runs: out }, 2)}\n`);
  } else io.stdout.write(`${runsTable(runs)}\n`);
  if (signalCode !== null) return signalCode;
  return detach || runs.every((r) => r.status === 'completed') ? 0 : 1;
}

function tagsOf(args: ParsedArgs): string[] | undefined {
  const t = args.options.tag;
  if (t === undefined || t === true || t === false) return undefined;
  return Array.isArray(t) ? t : [t];
}

async function submit(args: ParsedArgs, io: CliIo): Promise<number> {
  positionals(args, []);
  const config = configFromArgs(args);
  const job = jobFromArgs(args, io);
  const name = stringOption(args, 'name');
  const lab = createLab({ dbPath: dbPathOf(args, io), remote: { follow: [], env: io.env } });
  try {
    if (flagOption(args, 'dry-run')) {
      const plan = await dispatch(lab, 'remote.plan', { config, name, job });
      io.stdout.write(`${documentJson(plan, 2)}\n`);
      return 0;
    }
    const { run, warnings } = await dispatch(lab, 'remote.submit', { config, name, tags: tagsOf(args), job });
    printWarnings(io, warnings);
    return await followAndReport(lab, [run.id], args, io);
  } finally {
    await lab.close();
  }
}

/** `cliplab sweep --to ...`: one job per grid point and seed. */
export async function remoteSweep(args: ParsedArgs, io: CliIo, sweep: SweepShape): Promise<number> {
  const { config, grid, seeds } = sweep;
  const job = jobFromArgs(args, io);
  const name = stringOption(args, 'name') ?? stringOption(args, 'preset');
  const request: ApiArgs<'remote.sweep'> = { config, grid, seeds, name, tags: tagsOf(args), job };
  const lab = createLab({ dbPath: dbPathOf(args, io), remote: { follow: [], env: io.env } });
  try {
    if (flagOption(args, 'dry-run')) {
      // The same plan remote.sweep makes, one job per run, nothing sent.
      const plans = planSweep({ config, grid, seeds, control: false, name });
      const jobs = await Promise.all(
        plans.map((p) => dispatch(lab, 'remote.plan', { config: p.config, name: p.name, job })),
      );
      io.stdout.write(`${documentJson(jobs, 2)}\n`);
      return 0;
    }
    const { ids, warnings } = await dispatch(lab, 'remote.sweep', request);
    printWarnings(io, warnings);
    return await followAndReport(lab, ids, args, io);
  } finally {
    await lab.close();
  }
}

export const submitCommand: Command = {
  name: 'submit',
  summary: 'Run a config on a Ray cluster (TRL or verl with cliplab-probe) and follow it',
  usage: USAGE,
  flags: ['json', ...REMOTE_FLAGS],
  options: ['preset', 'config', 'set', 'name', 'tag', ...REMOTE_OPTIONS],
  run: submit,
};
