/**
 * Reading a whole file into a ParsedImport: detect (or take the forced) format, stream the bytes
 * through its decoder in chunks with progress, and collect the series. Nothing here touches the
 * database; importing is parse, then alias, then one write (index.ts).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ImportContainerName } from '../../contract';
import { SeriesBuilder } from './builder';
import { decodeContainer, findContainer, type FoundContainer } from './containers';
import { detectFormat, headFromBuffer, readHead, type Detection, type FileDetection } from './detect';
import { ImportError } from './errors';
import { FORMATS } from './formats';
import type { DecodeOptions, FileFormatName, ParsedImport, ProgressCallback } from './types';

export interface ParseRequest {
  /** Name used in messages (defaults to the path). */
  name?: string;
  /** A format name, or 'auto' / undefined to detect it. */
  format?: FileFormatName | 'auto';
  options?: DecodeOptions;
  onProgress?: ProgressCallback;
}

export interface ParseResult extends ParsedImport {
  detection: Detection;
  /** The Kaggle log or notebook the log was unwrapped from. */
  container?: ImportContainerName;
}

const CHUNK = 1024 * 1024;

function forced(format: FileFormatName): FileDetection {
  return { format, reason: 'chosen by the user' };
}

/** A container is read whole, unwrapped, and its text detected (or read as the forced format). */
function parseContainer(bytes: Buffer, name: string, found: FoundContainer, req: ParseRequest): ParseResult {
  req.onProgress?.({ bytesRead: bytes.length, totalBytes: bytes.length, points: 0 });
  return decodeContainer(bytes, name, found, req.format ?? 'auto', req.options ?? {});
}

async function decodeChunks(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  totalBytes: number,
  name: string,
  detection: FileDetection,
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
  const head = await readHead(path, name);
  const container = findContainer(head);
  if (container) return parseContainer(await readFile(path), name, container, req);
  const detection = req.format && req.format !== 'auto' ? forced(req.format) : detectFormat(head);
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  return decodeChunks(stream as AsyncIterable<Buffer>, size, name, detection, req);
}

export async function parseBuffer(bytes: Buffer, name: string, req: ParseRequest = {}): Promise<ParseResult> {
  if (bytes.length === 0) throw new ImportError(name, 'the file is empty');
  const head = headFromBuffer(bytes, name, true);
  const container = findContainer(head);
  if (container) return parseContainer(bytes, name, container, req);
  const detection = req.format && req.format !== 'auto' ? forced(req.format) : detectFormat(head);
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
  detection: FileDetection,
  options: DecodeOptions = {},
): ParseResult {
  const out = new SeriesBuilder();
  const decoder = FORMATS[detection.format].decoder({ file: name, out, options });
  decoder.push(bytes);
  return { ...out.finish(detection.format), detection };
}
