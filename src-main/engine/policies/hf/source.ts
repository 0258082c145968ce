/**
 * Where a model comes from. A `ModelSource` yields what the model, tokenizer and chat-template
 * layers need, whatever the file format: the architecture (`ModelSpec`), the tokenizer's JSON, the
 * stop tokens, and the weights one at a time by our names in our layout. Today's source is a
 * Hugging Face folder; a GGUF file (issue 21) is one more entry in `SOURCES`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isIgnoredTensor, resolveName, weightSlots } from './names';
import { openSafetensors, type TensorReader } from './safetensors';
import { parameterCount, readModelSpec, type ModelSpec } from './spec';
import type { TokenizerSource } from './tokenizer';

export interface ModelSource {
  /** The path it was opened from. */
  readonly origin: string;
  readonly spec: ModelSpec;
  readonly tokenizer: TokenizerSource;
  /** Storage of the weights on disk, e.g. "BF16" or "F32, BF16". */
  readonly dtype: string;
  readonly parameters: number;
  /**
   * Calls `visit` once per weight in our layout (weightSlots' names and shapes). Each array is read
   * from disk just before its call and is the caller's to keep: nothing else holds it.
   */
  readWeights(visit: (name: string, shape: number[], data: Float32Array) => void): void;
}

type Json = Record<string, unknown>;

function readJson(file: string, required: boolean): Json | null {
  if (!fs.existsSync(file)) {
    if (required) throw new Error(`${file}: missing (a Hugging Face model folder needs it)`);
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${file}: not a JSON object`);
  return value as Json;
}

/** generation_config.json's eos_token_id: a number or a list of them. */
function eosIds(generation: Json | null, file: string): number[] {
  const v = generation?.eos_token_id;
  if (v == null) return [];
  const ids = Array.isArray(v) ? v : [v];
  if (!ids.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new Error(`${file}: field "eos_token_id" must be a token id or a list of them`);
  }
  return ids as number[];
}

/** rows x cols row-major -> cols x rows. */
function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const from = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[from + c];
  }
  return out;
}

/** Every checkpoint tensor is either a weight of the spec or a known extra; anything else is refused. */
function checkCoverage(reader: TensorReader, spec: ModelSpec, claimed: Set<string>, dir: string): void {
  for (const name of reader.entries.keys()) {
    if (!claimed.has(name) && !isIgnoredTensor(name, spec)) {
      throw new Error(`${dir}: tensor "${name}" is not part of a ${spec.modelType} model as cliplab reads it`);
    }
  }
}

function readFolderWeights(
  reader: TensorReader,
  spec: ModelSpec,
  dir: string,
  visit: Parameters<ModelSource['readWeights']>[0],
) {
  const has = (n: string) => reader.entries.has(n);
  const slots = weightSlots(spec).map((slot) => {
    const hf = resolveName(slot, has);
    if (hf === null)
      throw new Error(
        `${dir}: the checkpoint has no tensor "${slot.hf}" (config.json describes a ${spec.modelType} model)`,
      );
    return { slot, hf };
  });
  checkCoverage(reader, spec, new Set(slots.map((s) => s.hf)), dir);
  for (const { slot, hf } of slots) {
    const entry = reader.entries.get(hf)!;
    const stored = slot.transpose ? [...slot.shape].reverse() : slot.shape;
    if (entry.shape.join(',') !== stored.join(',')) {
      throw new Error(`${entry.file}: tensor "${hf}" has shape [${entry.shape}], config.json implies [${stored}]`);
    }
    const data = reader.read(hf);
    visit(slot.name, slot.shape, slot.transpose ? transpose2d(data, stored[0], stored[1]) : data);
  }
}

/** A Hugging Face model folder: config.json, weights, tokenizer.json, tokenizer_config.json, generation_config.json. */
export function openHfFolder(dir: string): ModelSource {
  const configFile = path.join(dir, 'config.json');
  const spec = readModelSpec(readJson(configFile, true), configFile);
  const reader = openSafetensors(dir);
  const generationFile = path.join(dir, 'generation_config.json');
  const templateFile = path.join(dir, 'chat_template.jinja');
  const tokenizer: TokenizerSource = {
    tokenizer: readJson(path.join(dir, 'tokenizer.json'), true)!,
    config: readJson(path.join(dir, 'tokenizer_config.json'), true)!,
    chatTemplate: fs.existsSync(templateFile) ? fs.readFileSync(templateFile, 'utf8') : null,
    eosTokenIds: eosIds(readJson(generationFile, false), generationFile),
    origin: dir,
  };
  const dtypes = [...new Set([...reader.entries.values()].map((e) => e.dtype))];
  return {
    origin: dir,
    spec,
    tokenizer,
    dtype: dtypes.join(', '),
    parameters: parameterCount(spec),
    readWeights: (visit) => readFolderWeights(reader, spec, dir, visit),
  };
}

/** Source kinds by what the path is; the first that claims it opens it. */
const SOURCES: { claims(p: string, stat: fs.Stats): boolean; open(p: string): ModelSource }[] = [
  { claims: (_p, stat) => stat.isDirectory(), open: openHfFolder },
];

/** Opens `policy.path`: what it is decides how it is read. */
export function openModelSource(p: string): ModelSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new Error(`policy.path: "${p}" does not exist`);
  }
  const source = SOURCES.find((s) => s.claims(p, stat));
  if (!source) throw new Error(`policy.path: "${p}" is not a Hugging Face model folder`);
  return source.open(p);
}
