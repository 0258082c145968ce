/**
 * Kaggle kernel logs (the "Logs" download, `kaggle kernels output`): one JSON array holding a record
 * per write the kernel made, `{"stream_name": "stdout"|"stderr", "time": 12.3, "data": "..."}`,
 * written one record per line (`[{...}` then `,{...}` lines, then `]`). Older downloads are plain
 * JSON lines. Records are read line by line, so a bad one is named by its number and a download
 * cut in its last record loses only that record.
 */
import { ImportError } from '../errors';
import type { Head } from '../formats';
import { parseRelaxedJson } from '../values';
import { StreamText } from './streams';
import type { Container, Unwrapped } from './types';

const EXPECTED = 'a Kaggle log record {"stream_name": "stdout" or "stderr", "time": seconds, "data": text}';
const START = /^\s*\[?\s*\{\s*"stream_name"\s*:/;

function sniff(head: Head): string | null {
  return START.test(head.text.slice(0, 256)) ? 'a JSON array of {"stream_name", "time", "data"} records' : null;
}

interface KaggleRecord {
  stream_name: string;
  data: string;
}

function isRecord(value: unknown): value is KaggleRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return typeof r.stream_name === 'string' && typeof r.data === 'string';
}

/** The record on one line of the file, with the array's `[`, `,` and `]` around it removed. */
function recordText(line: string): string {
  let text = line.trim();
  if (text.startsWith('[')) text = text.slice(1).trimStart();
  if (text.startsWith(',')) text = text.slice(1).trimStart();
  if (text.endsWith(']')) {
    const inner = text.slice(0, -1).trimEnd();
    if (inner === '' || inner.endsWith('}')) text = inner;
  }
  if (text.endsWith(',')) text = text.slice(0, -1).trimEnd();
  return text;
}

/** The records, one per line; null when the file is not laid out that way (then it is parsed whole). */
function recordsByLine(text: string, file: string, warn: (m: string) => void): unknown[] | null {
  const lines = text.split('\n');
  const records: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const body = recordText(lines[i]);
    if (body.length === 0) continue;
    if (!body.startsWith('{')) return null;
    try {
      records.push(parseRelaxedJson(body));
    } catch (err) {
      const last = lines.slice(i + 1).every((l) => recordText(l).length === 0);
      if (last && !text.trimEnd().endsWith(']')) {
        warn(`left out record ${records.length + 1}: the log ends inside it (the download was cut)`);
        break;
      }
      if (!body.endsWith('}')) return null; // a record spread over lines: not this layout
      const why = err instanceof Error ? err.message : String(err);
      throw new ImportError(file, `invalid JSON (${why}); expected ${EXPECTED}`, { record: records.length + 1 });
    }
  }
  return records;
}

function parseWhole(text: string, file: string): unknown[] {
  let doc: unknown;
  try {
    doc = parseRelaxedJson(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ImportError(file, `invalid JSON (${why}); expected a JSON array of Kaggle log records`);
  }
  if (!Array.isArray(doc)) throw new ImportError(file, 'expected a JSON array of Kaggle log records');
  return doc;
}

function unwrap(bytes: Buffer, file: string, warn: (m: string) => void): Unwrapped {
  const text = bytes.toString('utf8');
  const records = recordsByLine(text, file, warn) ?? parseWhole(text, file);
  const out = new StreamText();
  records.forEach((record, i) => {
    if (!isRecord(record)) throw new ImportError(file, `expected ${EXPECTED}`, { record: i + 1 });
    out.write(record.stream_name, record.data, `record ${i + 1}`);
  });
  out.flush();
  return { text: out, description: `a Kaggle kernel log (${records.length} stream records)` };
}

export const kaggleLog: Container = { name: 'kaggle-log', sniff, unwrap };
