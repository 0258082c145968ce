/**
 * Generic CSV/TSV: a header row of column names, then one row per logged step. The step comes from the
 * first column with a known step name (step, global_step, iteration, update, epoch, total timesteps,
 * ...) whose first value is an integer, or else from the row number. Every other column whose first
 * non-empty cell is a number is a metric; a later non-number in such a column is an error, a column
 * that starts with text is skipped. Empty cells are "not logged this row".
 */
import { ImportError } from '../errors';
import { numberFromText } from '../values';
import { CsvRowReader, detectDelimiter } from './csvRows';
import { headLines, lineDecoder, type DecodeContext, type Decoder, type Head, type ImportFormat } from './format';

/** Step column names, most specific first (compared lower-case with spaces and dashes as "_"). */
const STEP_NAMES = [
  'step',
  'global_step',
  'training/global_step',
  'train_step',
  'training_step',
  'iteration',
  'iter',
  'update',
  'updates',
  'n_updates',
  'train/n_updates',
  'epoch',
  'total_timesteps',
  'time/total_timesteps',
  'timesteps',
  'timestep',
];
/** Columns holding a clock: absolute (seconds since 1970) or relative (seconds since the start). */
const ABSOLUTE_TIME = ['wall_time', 'walltime', 'timestamp'];
const RELATIVE_TIME = ['total_time', 'time_elapsed', 'time/time_elapsed', 'elapsed'];

const normalise = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** The first `n` rows of the head, quotes and embedded line breaks respected. */
function headRows(head: Head, n: number): string[][] {
  const lines = headLines(head, 200);
  const delimiter = lines.length > 0 ? detectDelimiter(lines[0]) : null;
  if (delimiter === null) return [];
  const rows: string[][] = [];
  const reader = new CsvRowReader((fields) => rows.length < n && void rows.push(fields));
  reader.delimiter = delimiter;
  lines.forEach((line, i) => rows.length < n && reader.line(line, i + 1));
  return rows;
}

function sniff(head: Head): string | null {
  if (head.text.trimStart().startsWith('{')) return null;
  const [names, cells] = headRows(head, 2);
  if (names === undefined || cells === undefined) return null;
  if (names.length < 2 || cells.length !== names.length) return null;
  if (names.every((n) => numberFromText(n) !== undefined)) return null;
  const numeric = cells.filter((c) => numberFromText(c) !== undefined).length;
  if (numeric === 0) return null;
  return `a header of ${names.length} columns and a first row with ${numeric} numbers (CSV)`;
}

interface Column {
  name: string;
  kind: 'unknown' | 'number' | 'text';
}

/** Column names as given, blanks named by position and repeats numbered (`loss`, `loss#2`). */
function columnsOf(fields: string[]): Column[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    const name = f.trim() || `column_${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return { name: n > 1 ? `${name}#${n}` : name, kind: 'unknown' };
  });
}

class CsvDecoder implements Decoder {
  private readonly rows = new CsvRowReader((fields, line) => this.row(fields, line));
  private readonly lines: Decoder;
  private columns: Column[] | null = null;
  /** undefined: not chosen yet (the first data row decides); null: the row number is the step. */
  private stepIndex: number | null | undefined;
  private timeIndex: { index: number; absolute: boolean } | null = null;
  private timeOrigin: number | null = null;
  private rowNo = 0;

  constructor(private readonly ctx: DecodeContext) {
    this.lines = lineDecoder(
      (text, lineNo) => this.line(text, lineNo),
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

  private fail(problem: string, line?: number): never {
    throw new ImportError(this.ctx.file, problem, line === undefined ? {} : { line });
  }

  private line(text: string, lineNo: number): void {
    const inRow = this.rows.unfinished() !== null;
    if (!inRow && text.trim().length === 0) return;
    if (this.columns === null && !inRow) this.rows.delimiter = detectDelimiter(text) ?? ',';
    this.rows.line(text, lineNo);
  }

  private row(fields: string[], line: number): void {
    if (this.columns === null) return this.header(fields, line);
    const columns = this.columns;
    if (fields.length !== columns.length) {
      this.fail(`expected ${columns.length} fields as in the header, found ${fields.length}`, line);
    }
    this.rowNo++;
    if (this.stepIndex === undefined) this.stepIndex = this.chooseStep(columns, fields);
    const stepIndex = this.stepIndex;
    const step = stepIndex === null ? this.rowNo : this.stepOf(fields[stepIndex], columns[stepIndex].name, line);
    const time = this.timeOf(fields);
    fields.forEach((cell, i) => {
      if (i !== stepIndex) this.cell(columns[i], cell, step, time, line);
    });
  }

  private header(fields: string[], line: number): void {
    if (fields.every((f) => numberFromText(f) !== undefined)) {
      this.fail('expected a header row of column names; the first row is all numbers', line);
    }
    this.columns = columnsOf(fields);
    const names = this.columns.map((c) => normalise(c.name));
    const t = names.findIndex((n) => ABSOLUTE_TIME.includes(n) || RELATIVE_TIME.includes(n));
    if (t >= 0) this.timeIndex = { index: t, absolute: ABSOLUTE_TIME.includes(names[t]) };
  }

  private chooseStep(columns: Column[], first: string[]): number | null {
    const wanted = this.ctx.options.stepColumn;
    if (wanted !== undefined) {
      const i = columns.findIndex((c) => c.name === wanted);
      if (i < 0) this.fail(`no column "${wanted}"; columns are ${columns.map((c) => c.name).join(', ')}`);
      return i;
    }
    for (const name of STEP_NAMES) {
      const i = columns.findIndex((c) => normalise(c.name) === name);
      const v = i >= 0 ? numberFromText(first[i]) : undefined;
      if (v !== undefined && Number.isInteger(v) && v >= 0) return i;
    }
    this.ctx.out.warn('no step column found (step, global_step, iteration, update, epoch, ...); used the row number');
    return null;
  }

  private stepOf(cell: string, name: string, line: number): number {
    const v = numberFromText(cell);
    if (v === undefined || !Number.isInteger(v) || v < 0) {
      this.fail(`step column "${name}" holds ${JSON.stringify(cell)}; expected a non-negative integer`, line);
    }
    return v;
  }

  private timeOf(fields: string[]): number {
    if (this.timeIndex === null) return NaN;
    const v = numberFromText(fields[this.timeIndex.index]);
    if (v === undefined || !this.timeIndex.absolute) return v ?? NaN;
    this.timeOrigin ??= v;
    return v - this.timeOrigin;
  }

  private cell(col: Column, cell: string, step: number, time: number, line: number): void {
    if (col.kind === 'text' || cell.trim().length === 0) return;
    const value = numberFromText(cell);
    if (value === undefined) {
      if (col.kind === 'number')
        this.fail(`column "${col.name}" holds ${JSON.stringify(cell)}; expected a number`, line);
      col.kind = 'text';
      this.ctx.out.warn(`skipped column "${col.name}": it holds text (e.g. ${JSON.stringify(cell)})`);
      return;
    }
    col.kind = 'number';
    this.ctx.out.add(col.name, step, value, time);
  }

  private finish(): void {
    const open = this.rows.unfinished();
    if (open !== null) this.fail('a quoted field is never closed', open);
    if (this.columns === null) this.fail('the file is empty; expected a CSV header row and data rows');
    if (this.rowNo === 0) this.fail('no data rows after the header');
    if (this.ctx.out.points === 0) this.fail('no numeric columns; expected at least one column of numbers');
  }
}

export const csv: ImportFormat = {
  name: 'csv',
  description:
    'CSV or TSV with a header row: a step column (step, global_step, iteration, update, epoch, ...) and numeric metric columns',
  kind: 'stream',
  sniff,
  decoder: (ctx) => new CsvDecoder(ctx),
};
