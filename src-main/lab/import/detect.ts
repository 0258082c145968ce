/**
 * Which format a file is in, decided from its content (the name only breaks no ties; a `.log` can be
 * anything). Every answer carries the reason, shown to the user before anything is imported.
 */
import { open } from 'node:fs/promises';
import { ImportError } from './errors';
import { DETECTION_ORDER, FORMATS, type Head } from './formats';
import type { FileFormatName, FormatName } from './types';

/** Enough to reach the first metrics line of a verl job log past its config dump and start-up noise. */
export const HEAD_BYTES = 4 * 1024 * 1024;

export interface Detection {
  format: FormatName;
  reason: string;
}

/** A detection of a format the byte-stream registry reads. */
export interface FileDetection extends Detection {
  format: FileFormatName;
}

export function headFromBuffer(bytes: Buffer, name: string, complete: boolean): Head {
  return { name, bytes, text: bytes.toString('utf8'), complete };
}

export async function readHead(path: string, name = path, maxBytes = HEAD_BYTES): Promise<Head> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new ImportError(name, `cannot open the file (${err.code ?? err.message})`);
  });
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await handle.read(bytes, 0, length, 0);
    return headFromBuffer(bytes.subarray(0, bytesRead), name, bytesRead === size);
  } finally {
    await handle.close();
  }
}

export function detectFormat(head: Head): FileDetection {
  if (head.bytes.length === 0) throw new ImportError(head.name, `the file is empty; expected ${expectedFormats()}`);
  for (const name of DETECTION_ORDER) {
    const reason = FORMATS[name].sniff(head);
    if (reason !== null) return { format: name, reason };
  }
  throw new ImportError(head.name, `unknown format (${describeStart(head)}); expected ${expectedFormats()}`);
}

function expectedFormats(): string {
  return (
    'a verl JSONL or console log, a TRL trainer_state.json or console log, a TensorBoard event file, ' +
    'a cliplab-probe stream, a W&B run file, an MLflow mlruns folder or mlflow.db, a Kaggle log or Jupyter ' +
    `notebook of one of these, or a CSV with a header row (--format ${DETECTION_ORDER.join('|')}|mlflow)`
  );
}

function describeStart(head: Head): string {
  const sample = head.bytes.subarray(0, 1024);
  if (sample.includes(0)) return 'binary content that is not a TensorBoard event file';
  const first = head.text.split('\n').find((l) => l.trim().length > 0) ?? '';
  const shown = first.length > 80 ? `${first.slice(0, 80)}...` : first;
  return `first line ${JSON.stringify(shown)}`;
}
