/**
 * The clipped-RLVR trainer: rollout -> rewards -> advantages -> `optim.epochs` passes of
 * `optim.minibatches` updates -> metrics (and evaluation when due). It reports through its return
 * values only: no storage, IPC or UI. Tensor reads use `await data()` throughout.
 */
import { parseOrThrow, runConfigSchema, type RunConfig } from '../../contract';
import { backendOptionsFor, selectBackend, type BackendInfo } from '../backend';
import { createOptimizer, type Optimizer } from '../optim';
import { createPolicy, preparePolicy, type PreparedPolicy } from '../policies';
import { createReward } from '../rewards';
import { zeroStdFraction } from '../rl/advantages';
import { disposeGradientCache } from '../rl/attribution';
import { createRngStreams, restoreRngStreams, rngStreamStates } from '../rng';
import { openTask } from '../tasks';
import { maskedMean, distinctPerGroup, selectRows } from './batch';
import { evaluatePolicy, isEvalStep } from './evaluate';
import { assertFinite, assertFiniteWeights } from './guards';
import { evalMetrics, rolloutMetrics, timingMetrics, updateMetrics } from './metrics';
import { collectSamples } from './samples';
import { makeMinibatch, prepareStep, readTokenStats, trainStatChunks, type StepContext, type StepData } from './step';
import { runUpdate, type AttributionBatch, type UpdateRecord } from './update';
import type { StepResult, TensorMap, Trainer, TrainerState } from '../types';
import { eventLoopTurn } from '../turn';

export { DivergedError } from './guards';

export interface TrainerOptions {
  /** Starting weights of a network policy (required for `policy.kind: "gpt"`). */
  baseWeights?: TensorMap;
  /** State from `Trainer.state()`: the run continues exactly where it stopped. */
  resume?: TrainerState;
  /** A backend already made current; otherwise `config.backend` is selected. */
  backend?: BackendInfo;
}

class RlTrainer implements Trainer {
  private stepIndex: number;
  private tokens: number;

  constructor(
    readonly config: RunConfig,
    readonly backend: string,
    private readonly ctx: StepContext,
    private readonly optimizer: Optimizer,
    private readonly prepared: PreparedPolicy,
    resume?: TrainerState,
  ) {
    this.stepIndex = resume?.step ?? 0;
    this.tokens = resume?.counters.tokens ?? 0;
  }

  get step(): number {
    return this.stepIndex;
  }

  async runStep(): Promise<StepResult> {
    const step = this.stepIndex;
    if (step >= this.config.steps) throw new Error(`trainer: all ${this.config.steps} steps have run`);
    const started = performance.now();
    const { policy, task, rngs } = this.ctx;
    const data = await prepareStep(this.ctx);
    const records = await this.runUpdates(data, step);
    await assertFiniteWeights(policy, step);
    const chunks = trainStatChunks(data.splits, this.config);
    const after = await readTokenStats(policy, data.rollout.batch, chunks, this.config.rollout.temperature);
    const stepTokens = data.lengths.reduce((a, b) => a + b, 0);
    this.tokens += stepTokens;
    const metrics = {
      ...this.rolloutMetrics(data, after.entropy),
      ...updateMetrics(records, this.config.attribution),
      ...timingMetrics((performance.now() - started) / 1000, stepTokens, this.tokens),
    };
    if (isEvalStep(this.config, step)) {
      Object.assign(metrics, evalMetrics(await evaluatePolicy(policy, task, this.config, rngs.eval)));
    }
    const G = this.config.rollout.groupSize;
    const samples = collectSamples(
      task,
      { ...data, entropy: data.oldEntropy, groupSize: G },
      this.config.log.samplesPerStep,
    );
    this.stepIndex = step + 1;
    return { step, metrics, samples };
  }

  /**
   * On an attributed step (config `attribution`) every update is attributed against the step's
   * batch; under the trapezoid and Simpson's rule its updates share one grad Hbar cache (disposed by
   * runUpdates).
   */
  private attributionBatch(data: StepData, step: number): AttributionBatch | undefined {
    const { method, every, rule } = this.config.attribution;
    if (method !== 'exact' || step % every !== 0) return undefined;
    const chunks = trainStatChunks(data.splits, this.config);
    return {
      chunks: chunks.map((rows) => selectRows(data.rollout.batch, rows)),
      rule,
      cache: rule === 'tangent' ? undefined : { gradient: null },
    };
  }

  private async runUpdates(data: StepData, step: number): Promise<UpdateRecord[]> {
    const records: UpdateRecord[] = [];
    const attribution = this.attributionBatch(data, step);
    try {
      for (const epoch of data.splits) {
        for (const rows of epoch) {
          await eventLoopTurn();
          const minibatch = makeMinibatch(data, rows, this.ctx);
          const record = await runUpdate(this.ctx.policy, this.optimizer, this.config, minibatch, attribution);
          assertFinite(record.loss, 'loss', step);
          assertFinite(record.gradNorm, 'gradient norm', step);
          records.push(record);
        }
      }
    } finally {
      if (attribution?.cache) disposeGradientCache(attribution.cache);
    }
    return records;
  }

  private rolloutMetrics(data: StepData, entropyAfter: Float32Array): Record<string, number> {
    const { mask } = data.rollout.batch;
    const G = this.config.rollout.groupSize;
    const k3 = data.refLogp.map((ref, i) =>
      mask[i] > 0 ? Math.expm1(ref - data.oldLogp[i]) - (ref - data.oldLogp[i]) : 0,
    );
    return rolloutMetrics({
      entropy: maskedMean(data.oldEntropy, mask),
      entropyAfter: maskedMean(entropyAfter, mask),
      rewardMean: data.rewards.reduce((a, b) => a + b, 0) / data.rewards.length,
      accTrain: data.correct.reduce((a, b) => a + b, 0) / data.correct.length,
      klRef: maskedMean(k3, mask),
      lenMean: data.lengths.reduce((a, b) => a + b, 0) / data.lengths.length,
      groupDistinct: distinctPerGroup(data.rollout.batch, G),
      groupZeroStdFrac: zeroStdFraction(data.rewards, G),
    });
  }

  async state(): Promise<TrainerState> {
    return {
      step: this.stepIndex,
      weights: await this.ctx.policy.getWeights(),
      optimizer: await this.optimizer.state(),
      optimizerStep: this.optimizer.step,
      rng: rngStreamStates(this.ctx.rngs),
      counters: { tokens: this.tokens },
    };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.ctx.policy.dispose();
    this.ctx.reference.dispose();
    this.prepared.dispose();
  }
}

/**
 * Builds a trainer: backend, task, policy (from `baseWeights` for a network policy), a frozen copy
 * of the starting policy (for kl/ref and the KL penalty), optimizer and random streams; with
 * `resume`, weights, optimizer slots, streams and counters are restored.
 */
export async function createTrainer(input: RunConfig, opts: TrainerOptions = {}): Promise<Trainer> {
  const config = parseOrThrow(runConfigSchema, input, 'run config');
  const backend = opts.backend ?? (await selectBackend(config.backend, backendOptionsFor(config, config.threads ?? 1)));
  if (config.policy.kind === 'gpt' && !opts.baseWeights) {
    throw new Error('policy.kind "gpt": the trainer needs the base model weights (opts.baseWeights)');
  }
  const prepared = await preparePolicy(config);
  const made: { dispose(): void }[] = [prepared];
  try {
    const task = await openTask(config.task, { codec: prepared.codec });
    prepared.ready(task, backend.name);
    const shared = { baseWeights: opts.baseWeights, prepared };
    const reference = createPolicy(config, task, { ...shared, role: 'reference' });
    made.push(reference);
    const policy = createPolicy(config, task, { ...shared, role: 'policy' });
    made.push(policy);
    const optimizer = createOptimizer(config.optim, policy.variables);
    made.push(optimizer);
    const rngs = opts.resume ? restoreRngStreams(opts.resume.rng) : createRngStreams(config.seed);
    if (opts.resume) restoreState(opts.resume, config, policy, optimizer);
    const ctx: StepContext = { config, task, policy, reference, rngs, reward: createReward(config.reward) };
    return new RlTrainer(config, backend.name, ctx, optimizer, prepared, opts.resume);
  } catch (err) {
    for (const m of made.reverse()) m.dispose();
    throw err;
  }
}

function restoreState(
  state: TrainerState,
  config: RunConfig,
  policy: ReturnType<typeof createPolicy>,
  optimizer: Optimizer,
): void {
  if (!Number.isInteger(state.step) || state.step < 0 || state.step > config.steps) {
    throw new Error(`resume state: expected a step in [0, ${config.steps}], got ${state.step}`);
  }
  policy.setWeights(state.weights);
  optimizer.restore(state.optimizer, state.optimizerStep);
}
