/**
 * What the workbench and the CLI show about a Hugging Face model before a run: its size, vocabulary
 * and architecture (read from config.json and the weight headers, no weights loaded) and the memory
 * the configured run would need on each backend.
 */
import { z } from 'zod';
import { defineCall } from './define';

export interface ModelInfo {
  path: string;
  /** config.json's model_type, e.g. "qwen2". */
  modelType: string;
  family: 'llama' | 'gpt2';
  parameters: number;
  vocab: number;
  layers: number;
  dModel: number;
  heads: number;
  kvHeads: number;
  contextLength: number;
  /** Storage of the weights on disk, e.g. "BF16". */
  dtype: string;
  tiedEmbeddings: boolean;
  hasChatTemplate: boolean;
}

/** Bytes of float32 memory by part, and the peak of a run. */
export interface MemoryEstimate {
  weights: number;
  trainable: number;
  gradients: number;
  optimizer: number;
  activations: number;
  sampling: number;
  /** wasm only: XNNPACK's packed copy of the weight matrices (budgets count it for wasm). */
  packed: number;
  peak: number;
  /** The prompt length the estimate assumed (the dataset's longest prompt when it could be read). */
  promptLen: number;
  /** Where promptLen came from. */
  promptFrom: 'dataset' | 'assumed';
  /** What each backend can hold, and whether the run fits there. */
  budgets: { backend: string; bytes: number; fits: boolean }[];
}

export interface ModelInspection {
  model: ModelInfo;
  /** Null when no run config was given or it is not an HF run. */
  memory: MemoryEstimate | null;
}

export const modelsApi = {
  /**
   * Reads a model folder where the lab runs (the desktop's folder dialog, or a path typed in web
   * mode) and, given a run config, estimates its memory. A path that is not a supported model folder
   * is a bad request naming the file and field.
   */
  'models.inspect': defineCall<ModelInspection>()(
    z
      .object({
        path: z.string().trim().min(1, 'expected the path of a model folder').max(4096),
        config: z.unknown().optional(),
      })
      .strict(),
  ),
};
