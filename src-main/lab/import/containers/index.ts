/**
 * Containers are unwrapped before detection: the text a Kaggle log or a notebook holds goes through
 * the same detection and decoders as a plain log, and an error inside it is reported at the record
 * or cell (and the line within it) where the offending text was printed.
 */
import { SeriesBuilder } from '../builder';
import { detectFormat, headFromBuffer, type Detection, type FileDetection } from '../detect';
import { ImportError } from '../errors';
import { FORMATS, type Head } from '../formats';
import type { DecodeOptions, FileFormatName, ParsedImport } from '../types';
import { kaggleLog } from './kaggle';
import { notebook } from './notebook';
import type { StreamText } from './streams';
import type { Container } from './types';

export const CONTAINERS: readonly Container[] = [kaggleLog, notebook];

export interface FoundContainer {
  container: Container;
  reason: string;
}

export function findContainer(head: Head): FoundContainer | null {
  for (const container of CONTAINERS) {
    const reason = container.sniff(head);
    if (reason !== null) return { container, reason };
  }
  return null;
}

export interface UnwrappedImport extends ParsedImport {
  detection: Detection;
  container: Container['name'];
}

/** `record 12`, or `cell 3, line 40` when the record or cell printed several lines. */
function placeOf(text: StreamText, line: number): string {
  const origin = text.originOf(line);
  if (origin === undefined) return `line ${line} of the unwrapped text`;
  let first = line;
  while (first > 1 && text.originOf(first - 1) === origin) first--;
  let last = line;
  while (text.originOf(last + 1) === origin) last++;
  return first === last ? origin : `${origin}, line ${line - first + 1}`;
}

function innerFormat(bytes: Buffer, file: string, description: string): FileDetection {
  try {
    return detectFormat(headFromBuffer(bytes, file, true));
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    throw new ImportError(file, `${description}, but its text is not a training log cliplab reads: ${err.problem}`);
  }
}

/**
 * Unwraps the container and decodes its text as `format` ('auto': detected from the text).
 * Decoding errors that name a line are re-placed at the record or cell that printed it.
 */
export function decodeContainer(
  bytes: Buffer,
  file: string,
  found: FoundContainer,
  format: FileFormatName | 'auto',
  options: DecodeOptions,
): UnwrappedImport {
  const out = new SeriesBuilder();
  const { text, description } = found.container.unwrap(bytes, file, (m) => out.warn(m));
  const inner = Buffer.from(text.text(), 'utf8');
  if (inner.length === 0) throw new ImportError(file, `${description} holds no printed text`);
  const detection: FileDetection =
    format === 'auto' ? innerFormat(inner, file, description) : { format, reason: 'chosen by the user' };
  try {
    const decoder = FORMATS[detection.format].decoder({ file, out, options });
    decoder.push(inner);
    decoder.end();
  } catch (err) {
    if (err instanceof ImportError && err.line !== null) {
      throw new ImportError(file, err.problem, { at: placeOf(text, err.line) });
    }
    throw err;
  }
  return {
    ...out.finish(detection.format),
    container: found.container.name,
    detection: { format: detection.format, reason: `${description} holding ${detection.reason}` },
  };
}

export type { Container } from './types';
