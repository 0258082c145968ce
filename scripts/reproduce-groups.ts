/**
 * The tables of `npm run reproduce` for seed groups already in a database, when the whole
 * reproduction cannot be run (issue 13): each random-reward group's summary and exact attribution,
 * the logit-space estimate's side balance from the same runs beside it, and regime rows.
 *
 *   npx tsx scripts/reproduce-groups.ts --db FILE --group "LABEL=ID,ID,..."... [--regime "CELL=ID,ID,..."]...
 *                                       [--regime-control "CELL=ID,ID,..."]...
 *
 * LABEL names a row (e.g. "PPO symmetric 0.2 / 0.2"); CELL is an id of scripts/reproduce/regime.ts.
 * --regime-control gives a cell's runs with clipping off (gpt-random-no-clip, same overrides), the
 * control its 0.2/0.2 runs are tested against.
 * Prints markdown on stdout; nothing is trained or written.
 */
import { parseArgs } from 'node:util';
import { type RunConfig } from '../src-main/contract';
import { createLab, dispatch, readRun, type LabService } from '../src-main/lab';
import { groupAttribution, runAttribution } from './reproduce/attribution';
import { regimeLines, regimeRuns, type RegimeRow } from './reproduce/regime';
import { attributionLines, sectionLines, type Section } from './reproduce/report';
import { groupAttributionInputs, groupSeries, labelledRunIds, unfinished, type Group } from './reproduce/runs';
import { fmt, stat, summarize } from './reproduce/summary';

/** |Σ clip-high| / |Σ clip-low| of the logit-space estimate (*_logit keys) per run, over the seeds. */
async function logitBalance(lab: LabService, ids: readonly number[]): Promise<string> {
  const ratios: number[] = [];
  for (const id of ids) {
    const [low, high] = await dispatch(lab, 'runs.series', {
      id,
      keys: ['clip/low_drift_logit', 'clip/high_drift_logit'],
    });
    const total = (xs: (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
    if (total(low.values) !== 0) ratios.push(Math.abs(total(high.values)) / Math.abs(total(low.values)));
  }
  return fmt(stat(ratios), 2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      group: { type: 'string', multiple: true, default: [] },
      regime: { type: 'string', multiple: true, default: [] },
      'regime-control': { type: 'string', multiple: true, default: [] },
    },
  });
  if (!values.db) throw new Error('--db: expected the database holding the runs');
  const lab = createLab({ dbPath: values.db, training: { runQueue: false, maxConcurrent: 1 } });
  try {
    const out: string[] = [];
    const groups = values.group.map((g) => labelledRunIds(g, 'group', 'LABEL'));
    const rows: Section['rows'] = [];
    const logit: string[] = [];
    for (const { label, ids } of groups) {
      const group: Group = { preset: label, label, ids };
      const summary = summarize(label, label, await groupSeries(lab, group));
      const attribution = groupAttribution((await groupAttributionInputs(lab, group)).map(runAttribution));
      const verdicts = Object.entries((await dispatch(lab, 'diagnostics.group', { ids })).verdicts)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${v} ${n}`)
        .join(', ');
      rows.push({ summary, verdicts: verdicts || 'n/a', attribution });
      logit.push(`| ${label} | ${await logitBalance(lab, ids)} | ${fmt(attribution?.highToLow ?? stat([]), 2)} |`);
    }
    if (groups.length > 0) {
      const config = readRun(lab.context, groups[0].ids[0]).config as RunConfig;
      const section: Section = { title: 'Seed groups', config, rows };
      out.push(...sectionLines(section), ...attributionLines(section));
      out.push(
        '| eps_low / eps_high | high/low, logit-space estimate | high/low, exact |',
        '|---|---|---|',
        ...logit,
        '',
      );
    }
    const cells = regimeRuns(values.regime, values['regime-control']);
    const regime: RegimeRow[] = [];
    for (const { cell, ids, controlIds } of cells) {
      const group: Group = { preset: cell.id, label: cell.label, ids };
      const summary = summarize(cell.id, cell.label, await groupSeries(lab, group));
      const control = controlIds
        ? summarize(cell.id, cell.label, await groupSeries(lab, { ...group, ids: controlIds }))
        : null;
      regime.push({
        cell,
        summary,
        attribution: groupAttribution((await groupAttributionInputs(lab, group)).map(runAttribution)),
        control,
      });
    }
    out.push(...regimeLines(regime, null, null));
    const ids = [...groups.map((g) => g.ids), ...cells.flatMap((c) => [c.ids, c.controlIds ?? []])].flat();
    const missing = unfinished(lab, ids);
    if (missing.length) out.push(`Runs that did not complete: ${missing.join('; ')}.`, '');
    process.stdout.write(out.join('\n'));
  } finally {
    await lab.close();
  }
}

main().catch((err) => {
  process.stderr.write(`reproduce-groups: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
