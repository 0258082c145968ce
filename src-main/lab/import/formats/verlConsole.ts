/**
 * verl's `console` logger: one line per step, `step:12 - actor/entropy:0.612 - critic/score/mean:0.4 - ...`
 * (values printed with 3 decimals), buried among everything else the job prints. Under Ray every line
 * carries the printing actor, `(TaskRunner pid=N)`, and colour codes. The resolved config that verl
 * pretty-prints at start-up becomes the run's params.
 */
import { ImportError } from '../errors';
import { consoleSegments } from '../lines';
import { flattenParams, type PyValue } from '../pyLiteral';
import { numberFromText } from '../values';
import { DictDumpCollector } from './dictDump';
import { headLines, lineDecoder, type DecodeContext, type Decoder, type Head, type ImportFormat } from './format';

/** `(TaskRunner pid=14640)` or `(WorkerDict pid=1612, ip=172.26.135.50)` */
const RAY_PREFIX = /^\(([\w.-]+) pid=\d+(?:, ip=[\w.:]+)?\) ?/;
/** Ray's de-duplication note at the end of a line. */
const RAY_REPEATED = /\s*\[repeated \d+x across cluster\]\s*$/;
/** The step marker, at the start of the body or after a space (not inside words such as "substep:"). */
const STEP = /(?:^|\s)step:(\d+) - /;
/** Top-level sections of a verl config; a dict dump with one of these is the config. */
const CONFIG_SECTIONS = ['actor_rollout_ref', 'algorithm', 'trainer', 'critic', 'data'];

export interface ConsoleLine {
  prefix: string;
  body: string;
}

export function splitRayPrefix(line: string): ConsoleLine {
  const m = RAY_PREFIX.exec(line);
  const prefix = m ? m[0].trimEnd() : '';
  const body = (m ? line.slice(m[0].length) : line).replace(RAY_REPEATED, '');
  return { prefix, body };
}

/** The step and its `key:value` pairs, or null if the line is not a metrics line. */
export function parseStepLine(body: string): { step: number; pairs: [string, string][] } | null {
  const m = STEP.exec(body);
  if (!m) return null;
  const pairs: [string, string][] = [];
  for (const part of body
    .slice(m.index + m[0].length)
    .trimEnd()
    .split(' - ')) {
    // Keys never hold a colon in practice but values never do, so the last colon is the separator.
    const colon = part.lastIndexOf(':');
    if (colon > 0) pairs.push([part.slice(0, colon), part.slice(colon + 1)]);
  }
  return pairs.length > 0 ? { step: Number(m[1]), pairs } : null;
}

function sniff(head: Head): string | null {
  for (const line of headLines(head, 50_000)) {
    for (const segment of consoleSegments(line)) {
      const parsed = parseStepLine(splitRayPrefix(segment).body);
      if (parsed && parsed.pairs.length >= 2) {
        return `a console line "step:${parsed.step} - ${parsed.pairs[0][0]}:..." (verl console logger)`;
      }
    }
  }
  return null;
}

class VerlConsoleDecoder implements Decoder {
  private readonly lines: Decoder;
  private readonly textKeys = new Set<string>();
  private readonly dump = new DictDumpCollector((value, startLine, text) => this.config(value, startLine, text));
  private configFound = false;

  constructor(private readonly ctx: DecodeContext) {
    this.lines = lineDecoder(
      (line, lineNo) => consoleSegments(line).forEach((segment) => this.segment(segment, lineNo)),
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

  private segment(segment: string, lineNo: number): void {
    const { prefix, body } = splitRayPrefix(segment);
    const parsed = parseStepLine(body);
    if (parsed) {
      if (this.dump.active) this.dump.abort(`a metrics line (${lineNo}) came before its closing brace`);
      return this.step(parsed.step, parsed.pairs);
    }
    if (this.dump.active) this.dump.offer(prefix, body);
    else if (!this.configFound) this.dump.start(prefix, body, lineNo);
  }

  private step(step: number, pairs: [string, string][]): void {
    for (const [key, text] of pairs) {
      const value = numberFromText(text);
      if (value !== undefined) this.ctx.out.add(key, step, value);
      else if (!this.textKeys.has(key)) {
        this.textKeys.add(key);
        this.ctx.out.warn(`skipped "${key}": its values are not numbers (e.g. ${JSON.stringify(text)})`);
      }
    }
  }

  private config(value: PyValue | Error, startLine: number, text: string): void {
    if (value instanceof Error) {
      // Other dicts that fail to parse are just console noise; only a broken config is worth a word.
      if (CONFIG_SECTIONS.some((s) => text.includes(`'${s}'`))) {
        this.ctx.out.warn(`could not read the config printed at line ${startLine}: ${value.message}`);
      }
    } else if (isConfig(value)) {
      Object.assign(this.ctx.out.params, flattenParams(value));
      this.configFound = true;
    }
  }

  private finish(): void {
    if (this.ctx.out.points > 0) return;
    throw new ImportError(
      this.ctx.file,
      'no verl metrics lines found; expected lines like "step:1 - actor/entropy:0.61 - ..."',
    );
  }
}

function isConfig(value: PyValue): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return CONFIG_SECTIONS.some((section) => section in value);
}

export const verlConsole: ImportFormat = {
  name: 'verl-console',
  description:
    'verl console log: lines like "step:1 - actor/entropy:0.61 - critic/score/mean:0.4" (Ray prefixes and colours allowed)',
  kind: 'stream',
  sniff,
  decoder: (ctx) => new VerlConsoleDecoder(ctx),
};
