/**
 * A prepared `hf` run: the model source opened (architecture and tokenizer, no weights); once the
 * task exists the run's memory is planned and refused if it cannot fit, and only then are the
 * weights loaded, once, for the policy and its frozen reference together.
 */
import type { RunConfig } from '../../../contract';
import { createRng } from '../../rng';
import type { Task } from '../../types';
import { LoadedCheckpoint } from './checkpoint';
import { loraLayers } from './lora';
import { assertFits, planMemory, type MemoryPlan } from './memory';
import { LORA_MODULES, weightSlots } from './names';
import { HfPolicy, type HfConfig } from './policy';
import { loadModelSource } from './open';
import type { ModelSource } from './source';
import { TextTokenizer } from './tokenizer';

export class HfPrepared {
  readonly tokenizer: TextTokenizer;
  plan: MemoryPlan | null = null;
  private checkpoint: LoadedCheckpoint | null = null;
  private task: Task | null = null;

  constructor(
    readonly config: RunConfig & { policy: HfConfig },
    readonly source: ModelSource,
  ) {
    this.tokenizer = new TextTokenizer(source.tokenizer);
  }

  /** The linear layers LoRA trains ("all-linear": every linear layer of the family). */
  loraLayers(): string[] {
    const given = this.config.policy.lora.targets.split(',').map((t) => t.trim());
    const targets =
      given.length === 1 && given[0] === 'all-linear' ? Object.keys(LORA_MODULES[this.source.spec.family]) : given;
    return loraLayers(this.source.spec, targets);
  }

  /** LoRA's trained parameters, r * (in + out) per adapted layer; 0 for full fine-tuning. */
  loraParameterCount(): number {
    if (this.config.policy.finetune !== 'lora') return 0;
    const shapes = new Map(weightSlots(this.source.spec).map((slot) => [slot.name, slot.shape]));
    return this.loraLayers().reduce((n, layer) => {
      const [inDim, outDim] = shapes.get(`${layer}.w`)!;
      return n + this.config.policy.lora.rank * (inDim + outDim);
    }, 0);
  }

  /** Plans memory for the task's prompt and answer lengths, refuses a run that cannot fit, then loads the weights. */
  ready(task: Task, backend: string): void {
    this.plan = planMemory(this.source.spec, this.config, {
      promptLen: task.promptLen,
      responseLen: task.maxAnswerLen,
      loraParameters: this.loraParameterCount(),
    });
    assertFits(this.plan, this.config, backend);
    this.task = task;
    this.checkpoint = LoadedCheckpoint.fromSource(this.source, this.tokenizer).acquire();
  }

  /** Stop tokens: the model's end-of-sequence tokens and `policy.stop`, each one token. */
  private stopTokens(): Set<number> {
    const stops = new Set(this.tokenizer.stopTokens);
    const extra = this.config.policy.stop.split(',').map((t) => t.trim());
    for (const text of extra.filter((t) => t !== '')) {
      const ids = this.tokenizer.encode(text, { addSpecialTokens: false });
      if (ids.length !== 1) throw new Error(`policy.stop: "${text}" is ${ids.length} tokens, expected one token`);
      stops.add(ids[0]);
    }
    return stops;
  }

  create(role: 'policy' | 'reference'): HfPolicy {
    if (!this.checkpoint || !this.task) throw new Error('HF policy: ready(task) must run before policies are made');
    const p = this.config.policy;
    const trains = role === 'policy' ? p.finetune : 'frozen';
    return new HfPolicy(this.checkpoint, {
      role: trains,
      lora: trains === 'lora' ? { layers: this.loraLayers(), rank: p.lora.rank, alpha: p.lora.alpha } : null,
      loraRng: trains === 'lora' ? createRng(this.config.seed, 'hf/lora') : null,
      stopTokens: this.stopTokens(),
      maxNewTokens: this.task.maxAnswerLen,
      topP: this.config.rollout.topP,
      sampleBatch: p.sampleBatch,
    });
  }

  dispose(): void {
    this.checkpoint?.release();
    this.checkpoint = null;
  }
}

export async function prepareHf(config: RunConfig): Promise<HfPrepared> {
  if (config.policy.kind !== 'hf') throw new Error(`policy.kind: expected "hf", got "${config.policy.kind}"`);
  return new HfPrepared(config as RunConfig & { policy: HfConfig }, await loadModelSource(config.policy.path));
}
