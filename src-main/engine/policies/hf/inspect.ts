/**
 * A model and a planned run described without loading weights: what `cliplab train` prints before
 * an HF run and what the New run form shows (contract/api/models.ts).
 */
import type { MemoryEstimate, ModelInfo, RunConfig } from '../../../contract';
import { openTask } from '../../tasks';
import { HfPrepared } from './prepared';
import { memoryBudget, peakOn, planMemory } from './memory';
import { loadModelSource } from './open';
import type { ModelSource } from './source';
import type { HfConfig } from './policy';
import { TextTokenizer } from './tokenizer';

/** When the dataset cannot be read yet, prompts are assumed this long (tokens). */
const ASSUMED_PROMPT = 256;

export function modelInfo(source: ModelSource, hasChatTemplate: boolean): ModelInfo {
  const s = source.spec;
  return {
    path: source.origin,
    modelType: s.modelType,
    family: s.family,
    parameters: source.parameters,
    vocab: s.vocab,
    layers: s.layers,
    dModel: s.dModel,
    heads: s.heads,
    kvHeads: s.kvHeads,
    contextLength: s.maxPositions,
    dtype: source.dtype,
    tiedEmbeddings: s.tiedEmbeddings,
    hasChatTemplate,
  };
}

export async function inspectModel(path: string): Promise<ModelInfo> {
  const source = await loadModelSource(path);
  return modelInfo(source, new TextTokenizer(source.tokenizer).chatTemplate !== null);
}

/** The memory of an HF run on wasm and on the host's memory, from the dataset's prompts when readable. */
export async function estimateRun(
  config: RunConfig & { policy: HfConfig },
): Promise<{ model: ModelInfo; memory: MemoryEstimate }> {
  const source = await loadModelSource(config.policy.path);
  const prepared = new HfPrepared(config, source);
  let promptLen = ASSUMED_PROMPT;
  let promptFrom: MemoryEstimate['promptFrom'] = 'assumed';
  const task = config.task;
  if (task.kind === 'dataset' && task.path.trim() !== '') {
    try {
      promptLen = (await openTask(task, { codec: prepared.tokenizer })).promptLen;
      promptFrom = 'dataset';
    } catch {
      // Not readable yet (still being typed): the estimate keeps the assumed length.
    }
  }
  const responseLen = task.kind === 'dataset' ? task.maxNewTokens : ASSUMED_PROMPT;
  const plan = planMemory(source.spec, config, {
    promptLen,
    responseLen,
    loraParameters: prepared.loraParameterCount(),
  });
  // wasm addresses 4 GiB; the other backends are bounded by the machine's memory.
  const budgets = [
    { backend: 'wasm', bytes: memoryBudget('wasm') },
    { backend: 'cpu, tensorflow, webgpu', bytes: memoryBudget('cpu') },
  ].map((b) => ({ ...b, fits: peakOn(plan, b.backend) <= b.bytes }));
  return {
    model: modelInfo(source, prepared.tokenizer.chatTemplate !== null),
    memory: { ...plan, promptLen, promptFrom, budgets },
  };
}
