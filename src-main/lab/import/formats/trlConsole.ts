/**
 * Console output of the Hugging Face Trainer (TRL's GRPOTrainer, Unsloth): at every logging step it
 * prints one Python dict, `{'loss': 0.0, 'grad_norm': nan, 'reward': -3.3, ...}` (newer transformers
 * print the floats as strings, `{'loss': '0.5687'}`), among banners,
 * sample dumps and tqdm bars. The dicts carry no step, so steps are counted (see steps.ts); eval
 * dicts (`eval_*`) attach to the step before them and the end summary (`train_runtime`) is skipped.
 */
import { ImportError } from '../errors';
import { consoleSegments } from '../lines';
import { parsePyDictEntries, type PyValue } from '../pyLiteral';
import { metricValue, numberFromText } from '../values';
import { headLines, lineDecoder, type DecodeContext, type Decoder, type Head, type ImportFormat } from './format';
import { ConsoleStepCounter, type LoggedDict } from './trlSteps';

/** Keys the Trainer puts in every training log dict; one of them marks a metrics line. */
const TRAINER_KEYS = ['loss', 'learning_rate', 'grad_norm', 'epoch', 'reward', 'train_runtime'];
/** A wrapped dict is given up after this many lines. */
const MAX_WRAPPED_LINES = 8;
/** `| 5/20 [04:24<13:02, 52.17s/it]` */
const PROGRESS = /\|\s*(\d+)\/(\d+) \[/;
/** Unsloth's start-up banner: `Num examples = 12,709 | Num Epochs = 1 | Total steps = 20`. */
const BANNER_PAIR = /([A-Z][A-Za-z ]*?) = ([\d,.]+)/g;

/** A one-line dict of scalars with at least one Trainer key, as its entries; or null. */
export function parseLogDict(segment: string): [string, PyValue][] | null {
  const text = segment.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  let entries: [string, PyValue][];
  try {
    entries = parsePyDictEntries(text);
  } catch {
    return null;
  }
  let trainerKey = false;
  for (const [key, value] of entries) {
    if (value !== null && typeof value === 'object') return null;
    trainerKey ||= TRAINER_KEYS.includes(key);
  }
  return trainerKey ? entries : null;
}

function sniff(head: Head): string | null {
  for (const line of headLines(head, 50_000)) {
    for (const segment of consoleSegments(line)) {
      const dict = parseLogDict(segment);
      if (dict) {
        const keys = dict
          .slice(0, 3)
          .map(([k]) => `'${k}'`)
          .join(', ');
        return `a Python dict line with Trainer keys {${keys}, ...} (TRL / Unsloth console)`;
      }
    }
  }
  return null;
}

function kindOf(dict: [string, PyValue][]): LoggedDict['kind'] {
  if (dict.some(([k]) => k === 'train_runtime')) return 'summary';
  const keys = dict.map(([k]) => k).filter((k) => k !== 'epoch');
  return keys.length > 0 && keys.every((k) => k.startsWith('eval_')) ? 'eval' : 'train';
}

/** Re-joins a dict that terminal wrapping broke over lines (the cut can fall anywhere, even in a key). */
class WrappedDict {
  private text: string | null = null;
  private lines = 0;

  /** Offers a segment: the completed dict, `null` when the segment was not consumed, or 'held'. */
  offer(segment: string): [string, PyValue][] | 'held' | null {
    if (this.text === null) {
      if (/^\s*\{'/.test(segment) && !segment.trimEnd().endsWith('}')) {
        this.text = segment.trim();
        this.lines = 1;
        return 'held';
      }
      return null;
    }
    const joined = this.text + segment.trimEnd();
    const dict = parseLogDict(joined);
    const keepGoing = dict === null && this.lines < MAX_WRAPPED_LINES && !segment.trimStart().startsWith('{');
    this.text = keepGoing ? joined : null;
    this.lines++;
    return dict ?? (keepGoing ? 'held' : null);
  }
}

/**
 * transformers' ProgressCallback and PrinterCallback print every float as `f"{v:.4g}"`, a string
 * (`{'loss': '0.5687', 'entropy': '3.758'}`, transformers 4.4x on): such a string is the number it
 * shows, 4 significant digits. Any other string (a sample, a name) is not a metric.
 */
function printedFloat(text: string): number | undefined {
  return numberFromText(text) ?? metricValue(text);
}

class TrlConsoleDecoder implements Decoder {
  private readonly lines: Decoder;
  private readonly textKeys = new Set<string>();
  private readonly wrapped = new WrappedDict();
  private readonly steps = new ConsoleStepCounter((dict, step) => this.emit(dict, step));

  constructor(private readonly ctx: DecodeContext) {
    this.lines = lineDecoder(
      (line) => consoleSegments(line).forEach((segment) => this.segment(segment)),
      () => this.finish(),
      ctx.out,
    );
  }

  push(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  end(): void {
    this.lines.end();
  }

  private segment(segment: string): void {
    const joined = this.wrapped.offer(segment);
    if (joined === 'held') return;
    const dict = joined ?? parseLogDict(segment);
    if (dict) return this.steps.dict({ kind: kindOf(dict), values: dict });
    const bar = PROGRESS.exec(segment);
    if (bar) this.steps.progress(Number(bar[1]), Number(bar[2]));
    if (segment.includes('Num examples') || segment.includes('Batch size per device')) this.banner(segment);
  }

  private emit(dict: LoggedDict, step: number): void {
    for (const [key, raw] of dict.values) {
      const value =
        typeof raw === 'boolean' ? undefined : typeof raw === 'string' ? printedFloat(raw) : metricValue(raw);
      if (value !== undefined) this.ctx.out.add(key, step, value);
      else if (!this.textKeys.has(key)) {
        this.textKeys.add(key);
        this.ctx.out.warn(`skipped "${key}": its values are not numbers (e.g. ${JSON.stringify(raw)})`);
      }
    }
  }

  private banner(segment: string): void {
    const params = this.ctx.out.params;
    for (const m of segment.matchAll(BANNER_PAIR)) {
      const key = `unsloth.${m[1].trim().toLowerCase().replace(/\s+/g, '_')}`;
      if (!(key in params)) params[key] = Number(m[2].replace(/,/g, ''));
    }
  }

  private finish(): void {
    this.steps.end();
    const { out, file } = this.ctx;
    if (this.steps.sessions > 1) {
      out.warn(`the log holds ${this.steps.sessions} training sessions; each later one continues the step count`);
    }
    if (out.points === 0) {
      throw new ImportError(file, "no Trainer log dicts found; expected lines like {'loss': 0.1, 'reward': 0.5, ...}");
    }
  }
}

export const trlConsole: ImportFormat = {
  name: 'trl-console',
  description: "TRL / Unsloth console output: one Python dict per logging step, {'loss': 0.1, 'reward': 0.5, ...}",
  kind: 'stream',
  sniff,
  decoder: (ctx) => new TrlConsoleDecoder(ctx),
};
