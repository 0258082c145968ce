/**
 * The run configuration: one typed object, validated by a zod schema, stored as JSON with the run.
 * Defaults live here; presets (contract/presets.ts) are partial configs merged onto these defaults.
 * Every validation error names the field path (`objective.clipLow`) and what was expected.
 */
import { z } from 'zod';
import { requiredContext, sequenceTaskShape, type SequenceTaskKind } from './tasks';

/**
 * "off" is the one spelling of a switched-off setting (contract/settings-text.ts); "none", "inf"
 * and null stay accepted as input. `clipHigh: null` (stored) means no upper clip.
 */
const OFF_WORDS = new Set(['off', 'none', 'inf', 'infinity', 'null']);
const isOffWord = (v: unknown) => v === Infinity || (typeof v === 'string' && OFF_WORDS.has(v.trim().toLowerCase()));

const upperBound = z.preprocess(
  (v) => (isOffWord(v) ? null : v),
  z.number().gt(0, 'expected a number larger than 0, or off for no upper clip').nullable(),
);

/** eps_low = 1 puts the lower bound at ratio 0, which never binds: "off" (or null) is stored as 1. */
const lowerBound = z.preprocess(
  (v) => (v === null || isOffWord(v) ? 1 : v),
  z
    .number()
    .min(0, 'expected a number from 0 to 1, or off (= 1) for no lower clip')
    .max(1, 'expected a number from 0 to 1, or off (= 1) for no lower clip'),
);

const positiveInt = (max: number) => z.number().int().min(1).max(max);

const banditTask = z
  .object({
    kind: z.literal('bandit'),
    /** Prompts (states) of the bandit; the tabular policy has one softmax per prompt. @default 256 */
    prompts: positiveInt(100_000).default(256),
    /** Actions per prompt. @default 64 */
    actions: z.number().int().min(2).max(10_000).default(64),
    /** Correct actions per prompt, chosen by the task seed (used by the verifier reward). @default 1 */
    correct: z.number().int().min(1).default(1),
    /** Seed of the task's generator: fixes which actions are correct, shared across run seeds. @default 7 */
    seed: positiveInt(2 ** 31 - 1).default(7),
  })
  .strict()
  .refine((t) => t.correct < t.actions, {
    path: ['correct'],
    message: 'expected fewer correct actions than actions',
  });

const sequenceKinds = ['add', 'sort', 'reverse', 'mod', 'divisor'] as const satisfies readonly SequenceTaskKind[];

const sequenceTask = z
  .object({
    kind: z.enum(sequenceKinds),
    /** Digits per operand (add, mod, divisor) or list length (sort, reverse). @default 3 */
    size: z.number().int().min(1).max(12).default(3),
    /** Held-out prompts are drawn with this seed, so every run seed is evaluated on the same set. @default 7 */
    seed: positiveInt(2 ** 31 - 1).default(7),
  })
  .strict();

/** Default prompt text per dataset format (the instruction verl's GSM8K and MATH recipes append). */
export const DATASET_PROMPTS = {
  gsm8k: '{question} Let\'s think step by step and output the final answer after "####".',
  math: "{question} Let's think step by step and output the final answer within \\boxed{}.",
} as const;

const datasetTask = z
  .object({
    kind: z.literal('dataset'),
    /** A local JSONL or Parquet file of problems (GSM8K: question/answer; MATH: problem/solution). @default "" */
    path: z.string().default(''),
    /** Where the reference answer is: after "####" (gsm8k) or in the last \boxed{} (math). @default "gsm8k" */
    format: z.enum(['gsm8k', 'math']).default('gsm8k'),
    /** Held-out problems from their own file (e.g. GSM8K's test split); null holds out a share of `path`. @default null */
    evalPath: z.string().min(1).nullable().default(null),
    /** The prompt around each question, `{question}` marking where it goes; null is the format's default. @default null */
    promptFormat: z
      .string()
      .refine((s) => s.includes('{question}'), 'expected a text containing {question}')
      .nullable()
      .default(null),
    /** A system message before the question (chat models), or null for none. @default null */
    systemPrompt: z.string().nullable().default(null),
    /** Wrap prompts in the model's chat template (when its tokenizer has one). @default true */
    chatTemplate: z.boolean().default(true),
    /** Longest response in tokens, its end token included (TRL's max_completion_length). @default 256 */
    maxNewTokens: positiveInt(32_768).default(256),
    /** The held-out split (when no evalPath) is chosen with this seed, the same for every run seed. @default 7 */
    seed: positiveInt(2 ** 31 - 1).default(7),
  })
  .strict();

export const taskSchema = z.discriminatedUnion('kind', [banditTask, sequenceTask, datasetTask]);

const baseModel = z
  .object({
    /**
     * Supervised steps on the task (upper bound when `targetAcc` is set; the default GPT on 3-digit
     * addition reaches greedy accuracy 0.5 after ~1200). @default 3000
     */
    steps: z.number().int().min(0).max(1_000_000).default(3000),
    /** Share of training answers with one digit replaced at random, so the base keeps real entropy. @default 0.3 */
    labelNoise: z.number().min(0).max(1).default(0.3),
    /** Stop as soon as greedy held-out accuracy reaches this (null: run all steps). @default 0.5 */
    targetAcc: z.number().gt(0).max(1).nullable().default(0.5),
    /** @default 0.001 */
    lr: z.number().gt(0).max(1).default(1e-3),
    /** @default 256 */
    batchSize: positiveInt(65_536).default(256),
    /** Seed of the base model (initialisation and data), independent of the run seed. @default 1 */
    seed: positiveInt(2 ** 31 - 1).default(1),
  })
  .strict();

const tabularPolicy = z
  .object({
    kind: z.literal('tabular'),
    /** Initial logits ~ N(0, logitStd^2), drawn with the task seed so all run seeds share them. @default 2 */
    logitStd: z.number().min(0).max(100).default(2),
  })
  .strict();

const gptPolicy = z
  .object({
    kind: z.literal('gpt'),
    /** @default 64 */
    dModel: z.number().int().min(8).max(4096).default(64),
    /** @default 2 */
    layers: z.number().int().min(1).max(64).default(2),
    /** @default 4 */
    heads: z.number().int().min(1).max(64).default(4),
    /** Context length; null takes the task's need. @default null */
    context: z.number().int().min(2).max(4096).nullable().default(null),
    /** How the starting policy is made (supervised training on the task). */
    base: baseModel.prefault({}),
  })
  .strict()
  .refine((p) => p.dModel % p.heads === 0, {
    path: ['heads'],
    message: 'expected a divisor of policy.dModel',
  });

const loraSchema = z
  .object({
    /** Rank r of the low-rank update. @default 16 */
    rank: positiveInt(4096).default(16),
    /** Scale alpha (the update is multiplied by alpha / r). @default 32 */
    alpha: z.number().gt(0).default(32),
    /**
     * Hugging Face module names (PEFT's target_modules), comma-separated, e.g. "q_proj,v_proj";
     * "all-linear" (PEFT's name) is every linear layer. @default "all-linear"
     */
    targets: z
      .string()
      .regex(/^\s*[\w.-]+(\s*,\s*[\w.-]+)*\s*$/, 'expected module names separated by commas, or "all-linear"')
      .default('all-linear'),
  })
  .strict();

const hfPolicy = z
  .object({
    kind: z.literal('hf'),
    /** A local Hugging Face model folder: config.json, model.safetensors (or shards), tokenizer files. @default "" */
    path: z.string().default(''),
    /** Train LoRA adapters only, or every weight. @default "lora" */
    finetune: z.enum(['lora', 'full']).default('lora'),
    lora: loraSchema.prefault({}),
    /**
     * Extra stop tokens beside the model's end-of-sequence tokens: token texts separated by commas,
     * each one token of the vocabulary, e.g. "<|im_end|>,<|endoftext|>". @default ""
     */
    stop: z.string().default(''),
    /** Responses decoded together when sampling (KV-cache memory); null decodes the whole batch at once. @default null */
    sampleBatch: positiveInt(65_536).nullable().default(null),
  })
  .strict();

export const policySchema = z.discriminatedUnion('kind', [tabularPolicy, gptPolicy, hfPolicy]);

export const rewardSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('verifier') }).strict(),
  z
    .object({
      kind: z.literal('bernoulli'),
      /** Probability of reward 1, independent of the response (the paper's control). @default 0.5 */
      p: z.number().min(0).max(1).default(0.5),
    })
    .strict(),
  z
    .object({
      kind: z.literal('gaussian'),
      /** @default 0 */
      mean: z.number().default(0),
      /** @default 1 */
      std: z.number().gt(0).default(1),
    })
    .strict(),
]);

export const ADVANTAGE_ESTIMATORS = ['grpo', 'dr_grpo', 'rloo', 'reinforce_pp'] as const;
export const LOSSES = ['ppo', 'gspo', 'cispo', 'clip_cov', 'kl_cov'] as const;
export const AGGREGATIONS = [
  'token-mean',
  'seq-mean-token-mean',
  'seq-mean-token-sum',
  'seq-mean-token-sum-norm',
] as const;
export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
/** Most threads one run may ask for. */
export const MAX_THREADS = 256;

export const objectiveSchema = z
  .object({
    /** @default "ppo" */
    loss: z.enum(LOSSES).default('ppo'),
    /** eps_low: clip-low bound 1 - clipLow; 1 (input also "off") switches clip-low off. @default 0.2 */
    clipLow: lowerBound.default(0.2),
    /** eps_high: clip-high bound 1 + clipHigh; null switches clip-high off. @default 0.2 */
    clipHigh: upperBound.default(0.2),
    /** Dual clip c > 1 for negative advantages (arXiv 1912.09729); null (input also "off") is off. @default null */
    dualClip: z.preprocess((v) => (isOffWord(v) ? null : v), z.number().gt(1).nullable()).default(null),
    /** @default "token-mean" */
    aggregation: z.enum(AGGREGATIONS).default('token-mean'),
    /** Entropy bonus beta_H: loss = L_pg - beta_H * H. @default 0 */
    entropyCoef: z.number().min(0).default(0),
    /** KL penalty to the starting policy. @default 0 */
    klCoef: z.number().min(0).default(0),
    /** @default "k3" */
    klEstimator: z.enum(['k1', 'k3']).default('k3'),
    /** Clip-Cov / KL-Cov (Cui et al.): share of tokens selected by covariance. @default 0.0002 */
    covRatio: z.number().gt(0).max(1).default(2e-4),
    /** Clip-Cov covariance window [covLow, covHigh]. @default 1 */
    covLow: z.number().default(1),
    /** @default 5 */
    covHigh: z.number().default(5),
    /** KL-Cov coefficient on |log r|. @default 1 */
    klCovCoef: z.number().min(0).default(1),
  })
  .strict()
  .refine((o) => o.covLow < o.covHigh, { path: ['covHigh'], message: 'expected covHigh > covLow' });

export const optimSchema = z
  .object({
    /** @default "adam" */
    optimizer: z.enum(['adam', 'sgd']).default('adam'),
    /** @default 0.0003 */
    lr: z.number().gt(0).max(10_000).default(3e-4),
    /** Passes over each rollout. @default 2 */
    epochs: positiveInt(1000).default(2),
    /** Optimizer steps per epoch; clipping only acts once the policy has moved. @default 4 */
    minibatches: positiveInt(4096).default(4),
    /** Global gradient-norm clip; null (input also "off") is off. @default 1 */
    gradClip: z.preprocess((v) => (isOffWord(v) ? null : v), z.number().gt(0).nullable()).default(1),
    /** @default 0.9 */
    beta1: z.number().min(0).lt(1).default(0.9),
    /** @default 0.999 */
    beta2: z.number().min(0).lt(1).default(0.999),
    /**
     * Rows per forward/backward pass: each minibatch's gradient is accumulated over micro-batches of
     * this many responses (memory); null runs each minibatch whole. @default null
     */
    microBatch: positiveInt(65_536).nullable().default(null),
  })
  .strict();

export const ATTRIBUTION_METHODS = ['exact', 'logit', 'off'] as const;

/**
 * How the exact method totals an update theta_k -> theta_{k+1} (engine/rl/attribution.ts):
 * "trapezoid" dots the step with the mean of grad Hbar at both ends (exact to second order),
 * "tangent" with grad Hbar(theta_k) only (first order), "simpson" with Simpson's weighting of grad
 * Hbar at both ends and the midpoint (exact to fourth order).
 */
export const ATTRIBUTION_RULES = ['trapezoid', 'tangent', 'simpson'] as const;

/**
 * How the entropy change is attributed (issue 13; metric keys in contract/metrics.ts).
 * It never changes training: an attributed run's weights and metrics equal an unattributed one's.
 */
export const attributionSchema = z
  .object({
    /**
     * "exact": the exact attribution by autodiff (entropy/delta_pred, clip/*_drift; `rule`) on
     * attributed steps, plus the logit-space estimate (*_logit) every step; "logit": only the
     * estimate, which is exact for the tabular policy under SGD and a rough model otherwise; "off":
     * neither. @default "exact"
     */
    method: z.enum(ATTRIBUTION_METHODS).default('exact'),
    /**
     * Attribute every N-th training step (steps 0, N, 2N, ...), each with all of its updates, so the
     * prediction always covers the same updates as the measured entropy/delta. The exact method costs
     * optim.minibatches + 3 extra backward passes per update of an attributed step, the trapezoid
     * one grad Hbar more per step and Simpson's rule one more per update besides (an attributed step
     * of the default GPT takes ~5x as long under the tangent, ~5.5x under the trapezoid and ~7x under
     * Simpson's rule, 1.26x the trapezoid; one of the tabular presets ~3.5x; bench/attribution.ts),
     * so the default keeps a run within ~1.6x. @default 10
     */
    every: positiveInt(1_000_000).default(10),
    /**
     * The exact method's rule: each update's total is <gbar, d theta>, and every part (sides,
     * momentum) is split along the same gbar, with g(s) = grad Hbar at theta_k + s d theta on the
     * update's straight line. "simpson": gbar = (g(0) + 4 g(1/2) + g(1)) / 6, exact to fourth order,
     * for one grad Hbar more per update than the trapezoid (at the midpoint; the weights are then
     * restored bit for bit); on the full gpt-random-sym preset it is the rule that tracks the
     * measured change under Adam as well as SGD (docs/results.md). "trapezoid": gbar = (g(0) + g(1)) / 2,
     * exact to second order, one grad Hbar more per attributed step than the tangent (the next
     * update reuses the one after). Under both the first-order total is logged beside as
     * entropy/delta_pred_tangent. "tangent": the first-order <g(0), d theta>, which on a network
     * misses the second-order change that dominates a step whose updates cancel. Runs recorded
     * before the rule existed are read as "tangent". @default "simpson"
     */
    rule: z.enum(ATTRIBUTION_RULES).default('simpson'),
  })
  .strict();

export type AttributionConfig = z.output<typeof attributionSchema>;

const runConfigObject = z
  .object({
    /** @default "" */
    name: z.string().max(200).default(''),
    /** Every random draw of the run comes from this seed. @default 1 */
    seed: positiveInt(2 ** 31 - 1).default(1),
    /** Training steps (rollout + updates). @default 200 */
    steps: positiveInt(10_000_000).default(200),
    task: taskSchema.prefault({ kind: 'add' }),
    policy: policySchema.prefault({ kind: 'gpt' }),
    reward: rewardSchema.prefault({ kind: 'verifier' }),
    rollout: z
      .object({
        /** Prompts per step. @default 64 */
        prompts: positiveInt(65_536).default(64),
        /** Responses per prompt (G). @default 8 */
        groupSize: positiveInt(1024).default(8),
        /** @default 1 */
        temperature: z.number().gt(0).max(100).default(1),
        /** Nucleus sampling: draw from the smallest set of tokens holding this much probability. @default 1 */
        topP: z.number().gt(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    advantage: z
      .object({
        /** @default "grpo" */
        estimator: z.enum(ADVANTAGE_ESTIMATORS).default('grpo'),
      })
      .strict()
      .prefault({}),
    objective: objectiveSchema.prefault({}),
    optim: optimSchema.prefault({}),
    eval: z
      .object({
        /** Evaluate every N steps (and at the last step); 0 is never. @default 10 */
        every: z.number().int().min(0).default(10),
        /** Held-out prompts. @default 128 */
        prompts: positiveInt(100_000).default(128),
        /** k of pass@k. @default 8 */
        k: positiveInt(1024).default(8),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        /** Prompts whose responses are kept as samples each step. @default 2 */
        samplesPerStep: z.number().int().min(0).max(64).default(2),
        /** Checkpoint every N steps (and at the end); 0 only at the end. @default 20 */
        checkpointEvery: z.number().int().min(0).default(20),
      })
      .strict()
      .prefault({}),
    attribution: attributionSchema.prefault({}),
    /** @default "auto" */
    backend: z.enum(BACKENDS).default('auto'),
    /**
     * Threads one run computes with (wasm: our GEMM, LayerNorm and attention kernels split their
     * rows over them; the HF policy gives them to XNNPACK's matmuls); null takes the cores that the
     * other runs of the queue leave free. Results do not depend on it. @default null
     */
    threads: z.number().int().min(1).max(MAX_THREADS).nullable().default(null),
  })
  .strict();

export const runConfigSchema = runConfigObject.superRefine((cfg, ctx) => checkCombination(cfg, ctx, true));

/**
 * A config that may still lack the file paths a preset leaves to the user (`policy.path`,
 * `task.path`): what the New run form starts from. Every other rule applies.
 */
export const runConfigDraftSchema = runConfigObject.superRefine((cfg, ctx) => checkCombination(cfg, ctx, false));

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type TaskConfig = RunConfig['task'];
export type PolicyConfig = RunConfig['policy'];
export type ObjectiveConfig = RunConfig['objective'];
export type OptimConfig = RunConfig['optim'];
export type Backend = RunConfig['backend'];

type ConfigObject = z.output<typeof runConfigObject>;

/** The policy each task kind trains: the bandit's table, the GPT on sequence tasks, a HF model on datasets. */
function policyForTask(kind: ConfigObject['task']['kind']): ConfigObject['policy']['kind'] {
  return kind === 'bandit' ? 'tabular' : kind === 'dataset' ? 'hf' : 'gpt';
}

/** Cross-field rules: each names the field a user has to change. */
function checkCombination(cfg: ConfigObject, ctx: z.RefinementCtx, needPaths: boolean): void {
  const expected = policyForTask(cfg.task.kind);
  if (cfg.policy.kind !== expected) {
    ctx.addIssue({
      code: 'custom',
      path: ['policy', 'kind'],
      message:
        cfg.task.kind === 'bandit' || cfg.task.kind === 'dataset'
          ? `expected "${expected}" for the ${cfg.task.kind} task`
          : `expected "gpt" for the sequence task "${cfg.task.kind}"`,
    });
  }
  checkHf(cfg, ctx, needPaths);
  const needsGroup = cfg.advantage.estimator === 'grpo' || cfg.advantage.estimator === 'rloo';
  if (needsGroup && cfg.rollout.groupSize < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['rollout', 'groupSize'],
      message: `expected at least 2 responses per prompt for the ${cfg.advantage.estimator} estimator`,
    });
  }
  const batch = cfg.rollout.prompts * cfg.rollout.groupSize;
  if (cfg.optim.minibatches > batch) {
    ctx.addIssue({
      code: 'custom',
      path: ['optim', 'minibatches'],
      message: `expected at most ${batch} minibatches (rollout.prompts x rollout.groupSize responses)`,
    });
  }
  if (cfg.policy.kind === 'gpt' && cfg.task.kind !== 'bandit' && cfg.task.kind !== 'dataset') {
    const need = requiredContext(sequenceTaskShape(cfg.task));
    if (cfg.policy.context !== null && cfg.policy.context < need) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy', 'context'],
        message: `expected at least ${need} tokens for task ${cfg.task.kind} of size ${cfg.task.size}`,
      });
    }
  }
}

/** Rules of the Hugging Face policy and dataset tasks. */
function checkHf(cfg: ConfigObject, ctx: z.RefinementCtx, needPaths: boolean): void {
  const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (needPaths && cfg.policy.kind === 'hf' && cfg.policy.path.trim() === '') {
    issue(['policy', 'path'], 'expected the path of a Hugging Face model folder');
  }
  if (needPaths && cfg.task.kind === 'dataset' && cfg.task.path.trim() === '') {
    issue(['task', 'path'], 'expected the path of a JSONL or Parquet file');
  }
  if (cfg.rollout.topP < 1 && cfg.policy.kind !== 'hf') {
    issue(
      ['rollout', 'topP'],
      `expected 1 for the ${cfg.policy.kind} policy (nucleus sampling is for policy.kind "hf")`,
    );
  }
}
