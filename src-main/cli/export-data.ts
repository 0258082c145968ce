/**
 * `cliplab export-data`: the series a figure plots (raw, smoothed, seed-group statistics) as CSV or
 * JSON, or runs as a TensorBoard log folder (export-tfevents.ts).
 */
import { DATA_FORMATS, type ApiResult } from '../contract';
import { dispatch } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { exportTfevents } from './export-tfevents';
import { runExport, SPEC_OPTIONS } from './figure-args';
import { stringOption } from './options';

const USAGE = `cliplab export-data --runs 1,2 [--metrics entropy,reward/mean] --out FILE [options]
cliplab export-data --runs 1,2 | --groups KEY --format tfevents --out DIR [--metrics ...]

Writes the plotted series, raw and smoothed, per run and per seed group (mean, n, std, sem, min, max
and the band edges), with the smoothing settings and the figure spec recorded in the file.

With --format tfevents it writes a TensorBoard log folder instead: one subfolder per run (a group's
seeds side by side), every metric (or --metrics) at its raw values as float32 scalars, and the run's
config as text; "tensorboard --logdir DIR" shows it. DIR must not exist yet (or be empty).

  --runs IDS            runs to export, e.g. 1,2,3
  --groups KEYS         seed groups (group keys), with all their current runs
  --group-seeds         aggregate the listed runs by seed group
  --metrics KEYS        metric keys (default: entropy; tfevents: every key)
  --x AXIS              step (default), tokens or time
  --smoothing W         debiased EMA weight from 0 to 0.999 (default 0.6)
  --band B              std (default), sem, minmax or none: the band columns
  --steps FROM:TO       step range (either end may be left open)
  --figure ID           the data of saved figure ID (other options override it)
  --spec FILE           the data of a figure spec JSON file (other options override it)
  --format F            csv, json (default: the extension of --out) or tfevents
  --out FILE            file to write (written whole or not at all)
  --json                print what was written as JSON
  --db FILE             database (default: the app's; CLIPLAB_DB overrides)`;

export const exportDataCommand: Command = {
  name: 'export-data',
  summary: 'Write the plotted series as CSV or JSON, or runs as a TensorBoard log folder',
  usage: USAGE,
  flags: ['group-seeds', 'json'],
  options: SPEC_OPTIONS,
  run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (stringOption(args, 'format') === 'tfevents') return exportTfevents(args, io);
    return runExport(
      args,
      io,
      DATA_FORMATS,
      async (lab, spec, format) => {
        const file = (await dispatch(lab, 'figures.data', { spec, format })) as ApiResult<'figures.data'>;
        const rows = file.text.split('\n').filter((l) => l && !l.startsWith('#')).length - 1;
        return {
          contents: file.text,
          json: { metrics: spec.metrics },
          detail: format === 'csv' ? `${rows} rows` : `${spec.metrics.length} metric(s)`,
        };
      },
      { metrics: ['entropy'] },
    );
  },
};
