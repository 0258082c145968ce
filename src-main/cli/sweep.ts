/**
 * `cliplab sweep`: a grid of configs x seeds, trained through the run queue in worker processes
 * (at most --parallel at once), with each run's progress on stderr and a table (or JSON) at the end.
 */
import {
  documentJson,
  FINISHED_STATUSES,
  LARGE_SWEEP_HOURS,
  LARGE_SWEEP_RUNS,
  type ApiArgs,
  type LabEvent,
  type RunRecord,
} from '../contract';
import { createLab, dispatch, readRun, type LabService } from '../lab';
import { finalMetrics } from '../lab/runner';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { configFromArgs, gridFromArgs } from './config-args';
import { dbPathOf } from './lab';
import { flagOption, positionals, stringOption } from './options';
import { baseLine, RateMeter, runLine } from './progress';
import { REMOTE_FLAGS, REMOTE_OPTIONS, REMOTE_USAGE } from './remote-args';
import { liveLines, onStopSignals, signalExitCode, type LiveLines, type StopSignal } from './terminal';
import { runsTable } from './runs';
import { remoteSweep } from './submit';
import { confirmLargeSweep, describeSweepPlan, isLargeSweep } from './sweep-review';

const USAGE = `cliplab sweep [--preset NAME] [--config FILE] [--set key=value]... --grid key=v1,v2 [--grid ...]
              [--seeds N] [--parallel N] [--control] [--rerun] [--yes] [--name N] [--json] [--db FILE]
cliplab sweep --to ray://HOST:PORT --engine trl|verl --model PATH --dataset PATH --grid ... [job options]

Trains a run for every combination of the grid's values and every seed, through the run queue: each
run in its own worker process, at most N at once. The base config is built as for \`cliplab train\`.
First it prints the grid, the cells that already have a run (same config and seed, not failed or
cancelled: skipped), and how long the new runs would take here, from step times measured on this
machine; at a terminal it asks before queueing more than ${LARGE_SWEEP_RUNS} runs or ${LARGE_SWEEP_HOURS} hours.
Ctrl-C stops the running ones after their step in flight (interrupted, resumable) and takes the
waiting ones out of the queue (interrupted; \`cliplab resume RUN\` starts them).

  --grid key=v1,v2   a config key by dotted path and its values (repeat for more keys), e.g.
                     --grid objective.clipLow=0.05,0.2,off --grid objective.clipHigh=0.2,off
                     ("off" switches that clip off: eps_low = 1, no upper clip)
  --seeds N          seeds per grid point: the base seed and the next N-1 (default 1)
  --parallel N       runs training at once (default: CLIPLAB_MAX_RUNS, else one per core)
  --control          also train each run's random-reward control (Bernoulli(0.5) rewards)
  --rerun            train cells that already have a run again
  --yes              queue a large sweep without asking
  --name N           prefix of the run names (default: the preset's name)
  --json             print { "runs": [ { "run": {...}, "final": {...} }, ... ] } on stdout
  --db FILE          database (default: the app's; CLIPLAB_DB overrides)

With --to, every grid point and seed becomes a Ray job on that cluster instead (as \`cliplab submit\`
makes one), all submitted at once for Ray to schedule, and followed until they end:

${REMOTE_USAGE}`;

const EXIT_INTERRUPTED = 130;

function countOption(args: ParsedArgs, name: string, max: number): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > max) {
    throw new UsageError(`--${name}: expected an integer from 1 to ${max}, got "${text}"`);
  }
  return n;
}

const isEnded = (r: RunRecord) => FINISHED_STATUSES.includes(r.status) || r.status === 'interrupted';

/** Live progress of the sweep's runs until each has ended; Ctrl-C stops them (resumable). */
class SweepWatch {
  private readonly line: LiveLines;
  private readonly active = new Map<number, string>();
  private readonly meters = new Map<number, RateMeter>();
  private readonly noted = new Set<number>();
  private stoppedBy: StopSignal | null = null;
  private finish: (() => void) | null = null;

  constructor(
    private readonly lab: LabService,
    private readonly ids: readonly number[],
    io: CliIo,
  ) {
    this.line = liveLines(io.stderr, io.env);
  }

  /** Resolves once every run has ended; `interrupted` after Ctrl-C, SIGTERM or SIGHUP. */
  run(): Promise<{ interrupted: boolean; exitCode: number | null }> {
    const unsubscribe = this.lab.subscribe((e) => this.onEvent(e));
    // Statuses are read from the database: runs may also be trained by another process's queue.
    const poll = setInterval(() => this.check(), 1000);
    const stopListening = onStopSignals((signal, count) => this.onStopSignal(signal, count));
    return new Promise((resolve) => {
      this.finish = () => {
        clearInterval(poll);
        unsubscribe();
        stopListening();
        this.line.done();
        resolve({ interrupted: this.stoppedBy !== null, exitCode: this.stoppedBy && signalExitCode(this.stoppedBy) });
      };
      this.check();
    });
  }

  private render(force = false): void {
    const head = `sweep ${this.noted.size}/${this.ids.length} ended`;
    // One line per run training now, under a head line.
    this.line.update([head, ...this.active.values()], force);
  }

  private onEvent(e: LabEvent): void {
    if (e.name === 'run.progress' && this.ids.includes(e.payload.id)) {
      const { id } = e.payload;
      const meter = this.meters.get(id) ?? new RateMeter();
      this.meters.set(id, meter);
      meter.observe(e.payload.step, Date.now(), e.payload.stepsPerSecond);
      this.active.set(id, runLine(`run ${id}`, { ...e.payload, type: 'progress', runId: id }, meter.rate));
      this.render();
    } else if (e.name === 'basemodel.progress' && this.ids.includes(e.payload.runId)) {
      this.active.set(e.payload.runId, baseLine(`run ${e.payload.runId}`, { ...e.payload, type: 'basemodel' }));
      this.render(e.payload.phase !== 'building');
    }
  }

  private check(): void {
    const runs = this.ids.map((id) => readRun(this.lab.context, id));
    for (const run of runs.filter((r) => isEnded(r) && !this.noted.has(r.id))) {
      this.noted.add(run.id);
      this.active.delete(run.id);
      this.line.note(`run ${run.id} ${run.status}: ${run.name}${run.error ? ` (${run.error})` : ''}`);
    }
    if (runs.every(isEnded) && this.finish) {
      this.finish();
      this.finish = null;
    }
  }

  /**
   * The first stop signal withdraws the waiting runs and lets the running ones stop after their step
   * in flight; another ends them at once (interrupted, resumable from their last checkpoint). This
   * process exits only after its workers have, so none keeps training on its own.
   */
  private onStopSignal(signal: StopSignal, count: number): void {
    this.stoppedBy ??= signal;
    if (count > 1) {
      this.line.note('ending the running runs now; they continue from their last checkpoint');
      void this.lab.queue.close(0).then(() => this.check());
      return;
    }
    const withdrawn = this.lab.queue.withdraw(this.ids);
    this.line.note(
      `${signal}: ${withdrawn.length} waiting run(s) withdrawn; running ones stop after their step in flight (again ends them at once)`,
    );
    void this.lab.queue.close().then(() => this.check());
  }
}

async function sweep(args: ParsedArgs, io: CliIo): Promise<number> {
  positionals(args, []);
  const config = configFromArgs(args);
  const grid = gridFromArgs(args, config);
  const seeds = countOption(args, 'seeds', 100) ?? 1;
  const parallel = countOption(args, 'parallel', 256);
  if (Object.keys(grid).length === 0 && seeds === 1) {
    throw new UsageError('--grid: expected at least one grid (or --seeds N with N > 1)');
  }
  if (stringOption(args, 'to') !== undefined) {
    if (flagOption(args, 'control'))
      throw new UsageError('--control: random-reward controls train locally; not with --to');
    if (parallel !== undefined) throw new UsageError('--parallel: Ray schedules the jobs of a sweep --to a cluster');
    if (flagOption(args, 'rerun'))
      throw new UsageError('--rerun: a sweep --to a cluster submits every cell as a new job');
    return remoteSweep(args, io, { config, grid, seeds });
  }
  const lab = createLab({ dbPath: dbPathOf(args, io), training: { runQueue: true, maxConcurrent: parallel } });
  try {
    const name = stringOption(args, 'name') ?? stringOption(args, 'preset');
    const control = flagOption(args, 'control');
    const skipExisting = !flagOption(args, 'rerun');
    const request: ApiArgs<'sweeps.start'> = { config, grid, seeds, control, name, skipExisting };
    const plan = await dispatch(lab, 'sweeps.plan', request);
    io.stderr.write(describeSweepPlan(plan, skipExisting));
    if (isLargeSweep(plan) && !flagOption(args, 'yes') && !(await confirmLargeSweep(plan, io))) {
      io.stderr.write('sweep: nothing queued\n');
      return 1;
    }
    const { ids, skipped } = await dispatch(lab, 'sweeps.start', request);
    io.stderr.write(
      `sweep: ${ids.length} runs (${ids.join(', ') || 'none new'}), at most ${lab.queue.maxConcurrent} at once\n`,
    );
    // The cells that existed are part of the sweep's result too: waited for, listed at the end.
    const all = [...skipped, ...ids];
    const { interrupted, exitCode } = await new SweepWatch(lab, all, io).run();
    const runs = all.map((id) => readRun(lab.context, id));
    if (flagOption(args, 'json')) {
      const out = runs.map((run) => ({ run, final: finalMetrics(lab.context, run.id) }));
      io.stdout.write(`${documentJson({ runs: out }, 2)}\n`);
    } else io.stdout.write(`${runsTable(runs)}\n`);
    if (interrupted) return exitCode ?? EXIT_INTERRUPTED;
    return runs.every((r) => r.status === 'completed') ? 0 : 1;
  } finally {
    await lab.close();
  }
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'Train a grid of configs x seeds through the run queue, in parallel worker processes',
  usage: USAGE,
  flags: ['json', 'control', 'rerun', 'yes', ...REMOTE_FLAGS],
  options: ['preset', 'config', 'set', 'grid', 'seeds', 'parallel', 'name', 'tag', ...REMOTE_OPTIONS],
  run: sweep,
};
