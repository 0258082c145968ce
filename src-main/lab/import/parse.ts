/**
 * Reading a whole file into a ParsedImport: detect (or take the forced) format, stream the bytes
 * through its decoder in chunks with progress, and collect the series. Nothing here touches the
 * database; importing is parse, then alias, then one write (index.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SeriesBuilder } from './builder';
import { detectFormat, headFromBuffer, readHead, type Detection } from './detect';
import { ImportError } from './errors';
import { FORMATS } from './formats';
import type { DecodeOptions, FormatName, ParsedImport, ProgressCallback } from './types';

export interface ParseRequest {
  /** Name used in messages (defaults to the path). */
  name?: string;
  /** A format name, or 'auto' / undefined to detect it. */
  format?: FormatName | 'auto';
  options?: DecodeOptions;
  onProgress?: ProgressCallback;
}

export interface ParseResult extends ParsedImport {
  detection: Detection;
}

const CHUNK = 1024 * 1024;

function forced(format: FormatName): Detection {
  return { format, reason: 'chosen by the user' };
}

async function decodeChunks(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  totalBytes: number,
  name: string,
  detection: Detection,
  req: ParseRequest,
): Promise<ParseResult> {
  const out = new SeriesBuilder();
  const decoder = FORMATS[detection.format].decoder({ file: name, out, options: req.options ?? {} });
  let bytesRead = 0;
  for await (const chunk of chunks) {
    decoder.push(chunk);
    bytesRead += chunk.length;
    req.onProgress?.({ bytesRead, totalBytes, points: out.points });
  }
  decoder.end();
  return { ...out.finish(detection.format), detection };
}

export async function parseFile(path: string, req: ParseRequest = {}): Promise<ParseResult> {
  const name = req.name ?? path;
  const size = await stat(path).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      throw new ImportError(name, `cannot read the file (${err.code ?? err.message})`);
    },
  );
  if (size === 0) throw new ImportError(name, 'the file is empty');
  const detection = req.format && req.format !== 'auto' ? forced(req.format) : detectFormat(await readHead(path, name));
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  return decodeChunks(stream as AsyncIterable<Buffer>, size, name, detection, req);
}

export async function parseBuffer(bytes: Buffer, name: string, req: ParseRequest = {}): Promise<ParseResult> {
  if (bytes.length === 0) throw new ImportError(name, 'the file is empty');
  const detection =
    req.format && req.format !== 'auto' ? forced(req.format) : detectFormat(headFromBuffer(bytes, name, true));
  return decodeChunks(slices(bytes), bytes.length, name, detection, req);
}

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}

/**
 * Parses only the given start of a file, for a preview: complete lines and records are decoded, a cut
 * last one is ignored (end() is not called), and whatever the decoder found so far is returned.
 */
export function parseHeadBytes(
  bytes: Buffer,
  name: string,
  detection: Detection,
  options: DecodeOptions = {},
): ParseResult {
  const out = new SeriesBuilder();
  const decoder = FORMATS[detection.format].decoder({ file: name, out, options });
  decoder.push(bytes);
  return { ...out.finish(detection.format), detection };
}
