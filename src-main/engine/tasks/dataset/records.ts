/**
 * Problems from a local file: JSONL (one JSON object per line) or Parquet (through hyparquet with
 * its compressors: snappy, gzip, brotli, zstd, lz4), each record reduced to the question and its
 * reference answer. GSM8K records have `question` and `answer` (the final number after "####");
 * MATH records `problem` and `solution` (the final answer in the last \boxed{}), or an `answer`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gsm8kReference, lastBoxed } from './answers';

export type DatasetFormat = 'gsm8k' | 'math';

export interface Problem {
  /** Position in its file (0-based), the stable part of the prompt key. */
  index: number;
  question: string;
  /** The reference final answer, as text ("72", "\\frac{3}{4}"). */
  answer: string;
}

type Row = Record<string, unknown>;

function readJsonl(file: string): Row[] {
  const rows: Row[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new Error(`${file} line ${i + 1}: not valid JSON (${(err as Error).message})`, { cause: err });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new Error(`${file} line ${i + 1}: expected a JSON object`);
      }
      rows.push(value as Row);
    });
  return rows;
}

async function readParquet(file: string): Promise<Row[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  try {
    return (await parquetReadObjects({ file: buffer, compressors })) as Row[];
  } catch (err) {
    throw new Error(`${file}: not a readable Parquet file (${(err as Error).message})`, { cause: err });
  }
}

const READERS: Record<string, (file: string) => Row[] | Promise<Row[]>> = {
  '.jsonl': readJsonl,
  '.json': readJsonl,
  '.parquet': readParquet,
};

/** The first of `fields` that the row holds as a non-empty string. */
function textField(row: Row, fields: readonly string[]): string | null {
  for (const f of fields) {
    const v = row[f];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return null;
}

/** Reads each row's question and reference answer for the format; errors name the file, row and field. */
function toProblem(row: Row, index: number, format: DatasetFormat, file: string): Problem {
  const where = `${file} record ${index + 1}`;
  const question = textField(row, format === 'gsm8k' ? ['question'] : ['problem', 'question']);
  if (question === null) {
    throw new Error(`${where}: expected a text field "${format === 'gsm8k' ? 'question' : 'problem'}"`);
  }
  if (format === 'gsm8k') {
    const solution = textField(row, ['answer']);
    const answer = solution === null ? null : gsm8kReference(solution);
    if (answer === null) throw new Error(`${where}: field "answer" has no final answer after "####"`);
    return { index, question, answer };
  }
  const given = textField(row, ['answer']);
  const solution = textField(row, ['solution']);
  const answer = given ?? (solution === null ? null : lastBoxed(solution));
  if (answer === null) throw new Error(`${where}: expected a field "answer", or a "solution" with a \\boxed{} answer`);
  return { index, question, answer: answer.trim() };
}

export async function readProblems(file: string, format: DatasetFormat, field: string): Promise<Problem[]> {
  if (!fs.existsSync(file)) throw new Error(`${field}: "${file}" does not exist`);
  const reader = READERS[path.extname(file).toLowerCase()];
  if (!reader) throw new Error(`${field}: "${file}" is not a .jsonl or .parquet file`);
  const rows = await reader(file);
  if (rows.length === 0) throw new Error(`${field}: "${file}" holds no problems`);
  return rows.map((row, i) => toProblem(row, i, format, file));
}
