/** `cliplab export-figure`: a figure of runs or seed groups as PDF, SVG or PNG, as the app exports it. */
import { FIGURE_FORMATS, formatNumber, type ApiResult } from '../contract';
import { dispatch } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { LOOK_OPTIONS, runExport, SPEC_OPTIONS } from './figure-args';

const USAGE = `cliplab export-figure --runs 1,2 --metric entropy --out FILE [options]

Draws runs (or seed groups) with the same chart as the app and writes a PDF, SVG or PNG. The figure
shows the runs' data as it is now.

  --runs IDS            runs to draw, e.g. 1,2,3
  --groups KEYS         seed groups (group keys) drawn as mean and band, with all their current runs
  --group-seeds         aggregate the listed runs by seed group
  --metric KEYS         metric(s) to plot, e.g. entropy or entropy,clip/high_frac (one panel each)
  --layout L            panels (default) or overlay (all metrics on one axis)
  --x AXIS              step (default), tokens or time
  --smoothing W         debiased EMA weight from 0 to 0.999 (default 0.6)
  --no-raw              do not draw the unsmoothed line behind the smoothed one
  --band B              std (default), sem, minmax or none
  --steps FROM:TO       step range (either end may be left open)
  --size S              single (3.25 in, default), double (6.75 in) or WxH in inches
  --style S             paper (default) or screen
  --font-size PT        text size in points
  --line-width PT       line width in points
  --title TEXT          figure title
  --legend P            top (default), bottom, right, inside or none
  --label S=TEXT        a series' legend label (repeatable): S is a run id, run:ID or group:KEY;
                        \`--label "1=ε_low = 0.05"\` draws ε with a subscript
  --x-range MIN:MAX     x axis range in its own units (either end may be left open)
  --y-range MIN:MAX     y axis range (either end may be left open)
  --palette P           okabe-ito (default), tol-bright, tol-vibrant or tol-muted
  --log-y               logarithmic y axis
  --dpi N               PNG resolution (default 300): pixels = inches x dpi
  --text-as-paths       SVG text drawn as outlines (for LaTeX pipelines without the font)
  --figure ID           start from saved figure ID (other options override it)
  --spec FILE           start from a figure spec JSON file (other options override it)
  --format F            pdf, svg or png (default: the extension of --out)
  --out FILE            file to write (written whole or not at all)
  --json                print what was written as JSON
  --db FILE             database (default: the app's; CLIPLAB_DB overrides)`;

export const exportFigureCommand: Command = {
  name: 'export-figure',
  summary: 'Write a figure of runs or seed groups as PDF, SVG or PNG',
  usage: USAGE,
  flags: ['group-seeds', 'no-raw', 'log-y', 'text-as-paths', 'json'],
  options: [...SPEC_OPTIONS, ...LOOK_OPTIONS],
  run(args: ParsedArgs, io: CliIo): Promise<number> {
    return runExport(args, io, FIGURE_FORMATS, async (lab, spec, format) => {
      const file = (await dispatch(lab, 'figures.render', { spec, format })) as ApiResult<'figures.render'>;
      const { widthIn, heightIn, pixels } = file;
      const px = pixels ? `, ${pixels.width} x ${pixels.height} px` : '';
      return {
        contents: Buffer.from(file.base64, 'base64'),
        json: { widthIn, heightIn, pixels },
        detail: `${formatNumber(widthIn)} x ${formatNumber(heightIn)} in${px}`,
      };
    });
  },
};
