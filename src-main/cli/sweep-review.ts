/**
 * What `cliplab sweep` says before it queues anything (issue 14): the grid, the cells that already
 * have a run (skipped unless --rerun), how long the new runs would take on this machine, and, for a
 * large queue at a terminal, a question that must be answered yes.
 */
import { createInterface } from 'node:readline/promises';
import { formatDuration, LARGE_SWEEP_HOURS, LARGE_SWEEP_RUNS, settingText, type SweepPlan } from '../contract';
import type { CliIo } from './command';
import { table } from './format';

/** The grid as a table: one row per cell, with the run that has it already. */
export function describeSweepPlan(plan: SweepPlan, skipExisting: boolean): string {
  const paths = Object.keys(plan.cells[0]?.values ?? {});
  const rows = plan.cells.map((c) => [
    ...paths.map((p) => settingText(p, c.values[p])),
    String(c.seed),
    c.existing ? `run ${c.existing.id} (${c.existing.status})${skipExisting ? ', skipped' : ''}` : 'new',
  ]);
  const lines = [table([...paths, 'seed', 'run'], rows)];
  const existing = plan.existing;
  if (existing > 0) {
    lines.push(
      skipExisting
        ? `${existing} cell(s) already have a run and are skipped (--rerun trains them again)`
        : `${existing} cell(s) already have a run and are trained again (--rerun)`,
    );
  }
  const e = plan.estimate;
  const time = e.wallSeconds === null ? 'time unknown' : `about ${formatDuration(e.wallSeconds)} here`;
  lines.push(`queues ${plan.toCreate} run(s), ${time}`);
  for (const b of e.basis) lines.push(`  ${b}`);
  return `${lines.join('\n')}\n`;
}

/** A queue of more than LARGE_SWEEP_RUNS runs or LARGE_SWEEP_HOURS hours is confirmed first. */
export function isLargeSweep(plan: SweepPlan): boolean {
  const hours = (plan.estimate.wallSeconds ?? 0) / 3600;
  return plan.toCreate > LARGE_SWEEP_RUNS || hours > LARGE_SWEEP_HOURS;
}

/** Asks on a terminal; without one (a script, CI) there is nobody to ask and the sweep goes ahead. */
export async function confirmLargeSweep(plan: SweepPlan, io: CliIo): Promise<boolean> {
  if (!io.stdin?.isTTY) return true;
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const time = plan.estimate.wallSeconds === null ? '' : ` (about ${formatDuration(plan.estimate.wallSeconds)})`;
    const answer = await rl.question(`Queue ${plan.toCreate} runs${time}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
