/**
 * Compact binary form of checkpoints and base-model weights: a small container of Float32Arrays.
 *
 *   bytes 0-3   magic "CLPK"
 *   bytes 4-7   header length H (uint32, little-endian)
 *   bytes 8..   header: UTF-8 JSON { version, meta, tensors: [{ group, name, shape, offset, length }] }
 *   then        zero padding to a multiple of 4, then every tensor's float32 data (little-endian)
 *
 * JSON would be ~3x larger and slow to parse for a GPT's weights and Adam slots.
 */
import type { TensorMap, TrainerState } from '../../engine/types';

const MAGIC = 'CLPK';
const VERSION = 1;

interface TensorEntry {
  group: string;
  name: string;
  shape: number[];
  /** Offset in floats from the start of the data section. */
  offset: number;
  length: number;
}

interface Header {
  version: number;
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
}

/** Packs named tensor groups and a JSON-able meta object into one buffer. */
export function packTensors(groups: Record<string, TensorMap>, meta: Record<string, unknown>): Uint8Array {
  const tensors: TensorEntry[] = [];
  let floats = 0;
  for (const [group, map] of Object.entries(groups)) {
    for (const [name, t] of Object.entries(map)) {
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (size !== t.data.length) {
        throw new Error(`${group}/${name}: shape [${t.shape}] holds ${size} values, data has ${t.data.length}`);
      }
      tensors.push({ group, name, shape: t.shape, offset: floats, length: size });
      floats += size;
    }
  }
  const header = new TextEncoder().encode(JSON.stringify({ version: VERSION, meta, tensors } satisfies Header));
  const dataStart = Math.ceil((8 + header.length) / 4) * 4;
  const out = new Uint8Array(dataStart + floats * 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  for (const entry of tensors) {
    const data = groups[entry.group][entry.name].data;
    let at = dataStart + entry.offset * 4;
    for (let i = 0; i < data.length; i++, at += 4) view.setFloat32(at, data[i], true);
  }
  return out;
}

/** Reads a buffer made by packTensors. Throws naming what is wrong with a damaged one. */
export function unpackTensors(bytes: Uint8Array): { groups: Record<string, TensorMap>; meta: Record<string, unknown> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new Error('not a cliplab tensor pack (bad magic)');
  }
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new Error('tensor pack truncated in its header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header;
  if (header.version !== VERSION) throw new Error(`tensor pack version ${header.version}; expected ${VERSION}`);
  const dataStart = Math.ceil((8 + headerLength) / 4) * 4;
  const groups: Record<string, TensorMap> = {};
  for (const e of header.tensors) {
    const start = dataStart + e.offset * 4;
    if (start + e.length * 4 > bytes.length) throw new Error(`tensor pack truncated in ${e.group}/${e.name}`);
    const data = new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) data[i] = view.getFloat32(start + i * 4, true);
    (groups[e.group] ??= {})[e.name] = { shape: e.shape, data };
  }
  return { groups, meta: header.meta };
}

/** What a run's checkpoint holds besides the trainer's state. */
export interface CheckpointExtra {
  /** Training seconds before this checkpoint (time axis of a resumed run continues from it). */
  elapsed: number;
}

export function encodeCheckpoint(state: TrainerState, extra: CheckpointExtra): Uint8Array {
  const meta = {
    step: state.step,
    optimizerStep: state.optimizerStep,
    rng: state.rng,
    counters: state.counters,
    elapsed: extra.elapsed,
  };
  return packTensors({ weights: state.weights, optimizer: state.optimizer }, meta);
}

export function decodeCheckpoint(bytes: Uint8Array): { state: TrainerState; extra: CheckpointExtra } {
  const { groups, meta } = unpackTensors(bytes);
  const state: TrainerState = {
    step: meta.step as number,
    optimizerStep: meta.optimizerStep as number,
    rng: meta.rng as TrainerState['rng'],
    counters: meta.counters as TrainerState['counters'],
    weights: groups.weights ?? {},
    optimizer: groups.optimizer ?? {},
  };
  return { state, extra: { elapsed: typeof meta.elapsed === 'number' ? meta.elapsed : 0 } };
}

export function encodeWeights(weights: TensorMap): Uint8Array {
  return packTensors({ weights }, {});
}

export function decodeWeights(bytes: Uint8Array): TensorMap {
  return unpackTensors(bytes).groups.weights ?? {};
}
