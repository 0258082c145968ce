/**
 * `cliplab diagnose RUN...`: the entropy-collapse diagnosis of each run (issue 5) — verdict first,
 * then clip balance, theory check, random-reward control, entropy–accuracy law and advice — or one
 * JSON document `{ "runs": [RunDiagnosis, ...] }` with --json.
 */
import { documentJson } from '../contract';
import type { DiagnosisOptionsInput } from '../contract';
import { dispatch } from '../lab';
import { formatRunReport } from '../lab/diagnostics';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { findRun, readLab } from './lab';
import { flagOption, stringOption } from './options';

const USAGE = `cliplab diagnose RUN... [--json] [--collapse-fraction F] [--window N] [--control RUN] [--db FILE]

Diagnoses entropy collapse for each run (by id, or by its exact name): the collapse verdict, how
hard clip-low and clip-high pushed entropy, predicted against measured entropy change, the split
against a random-reward control (found automatically: same config and seed, Bernoulli rewards),
the entropy–accuracy law fit, and advice citing the numbers. Imported runs are diagnosed from the
keys their trainer logged.

  --collapse-fraction F  collapsed = entropy stays below F x its start (0 < F < 1; default 0.1)
  --window N             trailing points for the slope and recent means (N >= 3; default: a
                         quarter of the run, at least 20)
  --control RUN          use this run as the random-reward control (with a single RUN)
  --json                 print one JSON document { "runs": [ ... ] }
  --db FILE              database (default: the app's; CLIPLAB_DB overrides)`;

function numberOption(args: ParsedArgs, name: string, check: (n: number) => boolean, expected: string) {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`--${name}: expected ${expected}, got "${raw}"`);
  }
  return n;
}

function diagnosisOptions(args: ParsedArgs): DiagnosisOptionsInput {
  const options: DiagnosisOptionsInput = {};
  const fraction = numberOption(args, 'collapse-fraction', (n) => n > 0 && n < 1, 'a number between 0 and 1');
  const window = numberOption(args, 'window', (n) => Number.isInteger(n) && n >= 3, 'an integer of at least 3');
  if (fraction !== undefined) options.collapseFraction = fraction;
  if (window !== undefined) options.window = window;
  return options;
}

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'Diagnose entropy collapse: verdict, clip balance, theory check, control, law, advice',
  usage: USAGE,
  flags: ['json'],
  options: ['collapse-fraction', 'window', 'control'],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (args.positionals.length === 0) throw new UsageError('missing RUN');
    const options = diagnosisOptions(args);
    const controlRef = stringOption(args, 'control');
    if (controlRef !== undefined && args.positionals.length > 1) {
      throw new UsageError('--control: give a single RUN to pair with a control');
    }
    return readLab(args, io, async (lab) => {
      const runs = [];
      for (const ref of args.positionals) runs.push(await findRun(lab, ref));
      const control = controlRef === undefined ? undefined : await findRun(lab, controlRef);
      const ids = [...new Set(runs.map((r) => r.id))];
      const controls = control ? [{ run: ids[0], control: control.id }] : undefined;
      const diagnoses = await dispatch(lab, 'diagnostics.run', { ids, options, controls });
      if (flagOption(args, 'json')) {
        io.stdout.write(`${documentJson({ runs: diagnoses }, 2)}\n`);
      } else {
        io.stdout.write(`${diagnoses.map(formatRunReport).join('\n\n')}\n`);
      }
      return 0;
    });
  },
};
