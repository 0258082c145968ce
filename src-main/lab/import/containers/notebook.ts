/**
 * Jupyter notebooks (`.ipynb`, nbformat 4, and the older worksheets of nbformat 3): the stream
 * outputs (stdout, stderr) and `text/plain` results of every code cell, in cell order. A cell's
 * stream text may be split over several outputs at any point and stored as a list of lines; both
 * are joined back. Rich outputs (HTML tables, images) and tracebacks are not text a trainer logged.
 */
import { ImportError } from '../errors';
import type { Head } from '../formats';
import { parseRelaxedJson } from '../values';
import { StreamText } from './streams';
import type { Container, Unwrapped } from './types';

type Json = Record<string, unknown>;

function sniff(head: Head): string | null {
  if (!head.text.trimStart().startsWith('{')) return null;
  const start = head.text.slice(0, 64 * 1024);
  if (!/"cells"\s*:\s*\[/.test(start) && !/"worksheets"\s*:\s*\[/.test(start)) return null;
  if (!/"cell_type"\s*:/.test(start) && !/\.ipynb$/i.test(head.name)) return null;
  return 'a Jupyter notebook (JSON with "cells")';
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** nbformat stores multi-line strings as a string or a list of strings (lines with their newlines). */
function multiline(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return null;
}

/** (stream, text) of an output that holds printed text, or null for rich and error outputs. */
function outputText(output: Json): [string, string] | null {
  switch (output.output_type) {
    case 'stream': {
      const text = multiline(output.text);
      const name = typeof output.name === 'string' ? output.name : output.stream; // v4 name, v3 stream
      return text === null ? null : [typeof name === 'string' ? name : 'stdout', text];
    }
    case 'execute_result':
    case 'display_data':
    case 'pyout': {
      const text = multiline(isObject(output.data) ? output.data['text/plain'] : output.text);
      // A result is printed whole: it ends its line.
      return text === null ? null : ['result', text.endsWith('\n') ? text : `${text}\n`];
    }
    default:
      return null;
  }
}

function cellsOf(doc: Json, file: string): unknown[] {
  if (Array.isArray(doc.cells)) return doc.cells;
  const sheets = doc.worksheets;
  if (Array.isArray(sheets)) return sheets.flatMap((s) => (isObject(s) && Array.isArray(s.cells) ? s.cells : []));
  throw new ImportError(file, 'expected a Jupyter notebook: a JSON object with a "cells" list');
}

function unwrap(bytes: Buffer, file: string): Unwrapped {
  let doc: unknown;
  try {
    doc = parseRelaxedJson(bytes.toString('utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ImportError(file, `invalid JSON (${why}); expected a Jupyter notebook`);
  }
  if (!isObject(doc)) throw new ImportError(file, 'expected a Jupyter notebook: a JSON object with a "cells" list');
  const cells = cellsOf(doc, file);
  const out = new StreamText();
  cells.forEach((cell, c) => {
    const at = `cell ${c + 1}`;
    if (!isObject(cell)) throw new ImportError(file, 'expected a cell object', { at });
    if (cell.cell_type !== 'code') return;
    const outputs = cell.outputs ?? [];
    if (!Array.isArray(outputs)) throw new ImportError(file, '"outputs" is not a list', { at });
    outputs.forEach((output, o) => {
      if (!isObject(output)) throw new ImportError(file, `output ${o + 1} is not an object`, { at });
      const printed = outputText(output);
      if (printed) out.write(printed[0], printed[1], at);
    });
    out.flush(); // a cell's unfinished line ends with the cell
  });
  return { text: out, description: `a Jupyter notebook (${cells.length} cells)` };
}

export const notebook: Container = { name: 'notebook', sniff, unwrap };
