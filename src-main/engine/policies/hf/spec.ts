/**
 * A checkpoint's architecture as the model code needs it (`ModelSpec`), read from a Hugging Face
 * `config.json`. One reader per `model_type`, each naming the file and field of anything it cannot
 * run. Sources other than a HF folder (GGUF, issue 21) produce the same spec from their own metadata.
 */

/** The block families: Llama's (RMSNorm, RoPE, GQA, SwiGLU) and GPT-2's (LayerNorm, learned positions, GELU). */
export type Family = 'llama' | 'gpt2';

export type RopeType = 'default' | 'linear' | 'llama3' | 'yarn';

export interface RopeSpec {
  type: RopeType;
  theta: number;
  /** linear, llama3, yarn: the context extension factor. */
  factor: number;
  /** llama3, yarn: the context the base model was trained at. */
  originalMaxPositions: number;
  /** llama3 */
  lowFreqFactor: number;
  highFreqFactor: number;
  /** yarn */
  betaFast: number;
  betaSlow: number;
  /** yarn: scale of cos and sin (null: from mscale / mscale_all_dim, else 0.1 ln(factor) + 1). */
  attentionFactor: number | null;
  mscale: number | null;
  mscaleAllDim: number | null;
  /** yarn: round the correction range to whole dimensions. */
  truncate: boolean;
}

export interface ModelSpec {
  family: Family;
  /** config.json's model_type, e.g. "qwen2". */
  modelType: string;
  vocab: number;
  dModel: number;
  layers: number;
  heads: number;
  /** Key/value heads (grouped-query attention when fewer than heads). */
  kvHeads: number;
  headDim: number;
  /** Width of the MLP's hidden layer. */
  ffn: number;
  maxPositions: number;
  normEps: number;
  tiedEmbeddings: boolean;
  /** Biases on the q, k, v projections (Qwen2; Llama/Qwen3 with attention_bias). */
  qkvBias: boolean;
  /** Bias on the attention output projection. */
  outBias: boolean;
  mlpBias: boolean;
  /** Qwen3: RMSNorm over each head of q and k before RoPE. */
  qkNorm: boolean;
  activation: 'silu' | 'gelu_new' | 'gelu';
  rope: RopeSpec | null;
  /** Attention window (Mistral); null is full attention. */
  slidingWindow: number | null;
}

type Json = Record<string, unknown>;

/** Reads fields of one JSON file, each error naming the file and the field. */
export class ConfigFields {
  constructor(
    readonly raw: Json,
    readonly file: string,
  ) {}

  fail(field: string, expected: string): never {
    throw new Error(`${this.file}: field "${field}" ${expected} (got ${JSON.stringify(this.raw[field])})`);
  }

  int(field: string, fallback?: number): number {
    const v = this.raw[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) this.fail(field, 'must be a positive integer');
    return v;
  }

  num(field: string, fallback?: number): number {
    const v = this.raw[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'must be a number');
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.raw[field] ?? fallback;
    if (typeof v !== 'boolean') this.fail(field, 'must be true or false');
    return v;
  }

  str(field: string, fallback?: string): string {
    const v = this.raw[field] ?? fallback;
    if (typeof v !== 'string') this.fail(field, 'must be a string');
    return v;
  }
}

/**
 * RoPE settings from either layout: transformers 5's `rope_parameters` ({rope_type, rope_theta, ...})
 * or the older `rope_theta` plus `rope_scaling` ({rope_type | type, factor, ...}).
 */
export function readRope(c: ConfigFields, defaultTheta = 10_000): RopeSpec {
  const params = c.raw.rope_parameters ?? c.raw.rope_scaling ?? null;
  const field = c.raw.rope_parameters !== undefined ? 'rope_parameters' : 'rope_scaling';
  if (params !== null && (typeof params !== 'object' || Array.isArray(params))) c.fail(field, 'must be an object');
  const p = new ConfigFields((params ?? {}) as Json, `${c.file} ${field}`);
  const type = String(p.raw.rope_type ?? p.raw.type ?? 'default');
  if (!['default', 'linear', 'llama3', 'yarn'].includes(type)) {
    p.fail('rope_type', 'must be "default", "linear", "llama3" or "yarn" (other RoPE scalings are not supported)');
  }
  const theta = p.raw.rope_theta !== undefined ? p.num('rope_theta') : c.num('rope_theta', defaultTheta);
  const scaled = type !== 'default';
  return {
    type: type as RopeType,
    theta,
    factor: scaled ? p.num('factor') : 1,
    originalMaxPositions:
      type === 'llama3' || type === 'yarn'
        ? p.int('original_max_position_embeddings', c.raw.max_position_embeddings as number)
        : 0,
    lowFreqFactor: type === 'llama3' ? p.num('low_freq_factor') : 1,
    highFreqFactor: type === 'llama3' ? p.num('high_freq_factor') : 1,
    betaFast: type === 'yarn' ? p.num('beta_fast', 32) : 32,
    betaSlow: type === 'yarn' ? p.num('beta_slow', 1) : 1,
    attentionFactor: type === 'yarn' && p.raw.attention_factor != null ? p.num('attention_factor') : null,
    mscale: type === 'yarn' && p.raw.mscale != null ? p.num('mscale') : null,
    mscaleAllDim: type === 'yarn' && p.raw.mscale_all_dim != null ? p.num('mscale_all_dim') : null,
    truncate: type === 'yarn' ? p.bool('truncate', true) : true,
  };
}

/** Fields every Llama-family config shares (LlamaConfig's names). */
function llamaCommon(c: ConfigFields, modelType: string): ModelSpec {
  const act = c.str('hidden_act', 'silu');
  if (act !== 'silu') c.fail('hidden_act', 'must be "silu" for a Llama-family model');
  const heads = c.int('num_attention_heads');
  const dModel = c.int('hidden_size');
  const kvHeads = c.int('num_key_value_heads', heads);
  if (heads % kvHeads !== 0) c.fail('num_key_value_heads', `must divide num_attention_heads (${heads})`);
  const headDim = c.raw.head_dim == null ? dModel / heads : c.int('head_dim');
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) c.fail('head_dim', 'must be an even integer');
  if (c.raw.partial_rotary_factor != null && c.raw.partial_rotary_factor !== 1) {
    c.fail('partial_rotary_factor', 'must be 1 (partial rotary embeddings are not supported)');
  }
  const attentionBias = c.bool('attention_bias', false);
  return {
    family: 'llama',
    modelType,
    vocab: c.int('vocab_size'),
    dModel,
    layers: c.int('num_hidden_layers'),
    heads,
    kvHeads,
    headDim,
    ffn: c.int('intermediate_size'),
    maxPositions: c.int('max_position_embeddings', 2048),
    normEps: c.num('rms_norm_eps', 1e-6),
    tiedEmbeddings: c.bool('tie_word_embeddings', false),
    qkvBias: attentionBias,
    outBias: attentionBias,
    mlpBias: c.bool('mlp_bias', false),
    qkNorm: false,
    activation: 'silu',
    rope: readRope(c),
    slidingWindow: null,
  };
}

/** Sliding-window attention, where the config switches it on. */
function slidingWindow(c: ConfigFields, enabled: boolean): number | null {
  return enabled && c.raw.sliding_window != null ? c.int('sliding_window') : null;
}

function gpt2Spec(c: ConfigFields): ModelSpec {
  const act = c.str('activation_function', 'gelu_new');
  if (act !== 'gelu_new' && act !== 'gelu') c.fail('activation_function', 'must be "gelu_new" or "gelu"');
  for (const field of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (c.raw[field] === true) c.fail(field, 'must be false (not supported)');
  }
  if (c.raw.scale_attn_weights === false) c.fail('scale_attn_weights', 'must be true (not supported otherwise)');
  const dModel = c.int('n_embd');
  const heads = c.int('n_head');
  if (dModel % heads !== 0) c.fail('n_head', `must divide n_embd (${dModel})`);
  return {
    family: 'gpt2',
    modelType: 'gpt2',
    vocab: c.int('vocab_size'),
    dModel,
    layers: c.int('n_layer'),
    heads,
    kvHeads: heads,
    headDim: dModel / heads,
    ffn: c.raw.n_inner == null ? 4 * dModel : c.int('n_inner'),
    maxPositions: c.int('n_positions'),
    normEps: c.num('layer_norm_epsilon', 1e-5),
    tiedEmbeddings: c.bool('tie_word_embeddings', true),
    qkvBias: true,
    outBias: true,
    mlpBias: true,
    qkNorm: false,
    activation: act,
    rope: null,
    slidingWindow: null,
  };
}

/** One reader per supported `model_type`; anything else is refused by name. */
const MODEL_TYPES: Record<string, (c: ConfigFields) => ModelSpec> = {
  llama: (c) => llamaCommon(c, 'llama'),
  // Mistral, Qwen2 and Qwen3 have no MLP biases; Mistral no attention biases either.
  mistral: (c) => ({
    ...llamaCommon(c, 'mistral'),
    ...{ qkvBias: false, outBias: false, mlpBias: false },
    slidingWindow: slidingWindow(c, true),
  }),
  // Qwen2 always has q/k/v biases and never an output bias.
  qwen2: (c) => ({
    ...llamaCommon(c, 'qwen2'),
    ...{ qkvBias: true, outBias: false, mlpBias: false },
    slidingWindow: slidingWindow(c, c.bool('use_sliding_window', false)),
  }),
  qwen3: (c) => ({
    ...llamaCommon(c, 'qwen3'),
    mlpBias: false,
    qkNorm: true,
    slidingWindow: slidingWindow(c, c.bool('use_sliding_window', false)),
  }),
  gpt2: gpt2Spec,
};

export const SUPPORTED_MODEL_TYPES = Object.keys(MODEL_TYPES);

/** The spec of a parsed config.json (`file` names it in errors). */
export function readModelSpec(raw: unknown, file: string): ModelSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: not a JSON object`);
  const c = new ConfigFields(raw as Json, file);
  const modelType = c.str('model_type');
  const read = MODEL_TYPES[modelType];
  if (!read) c.fail('model_type', `must be one of ${SUPPORTED_MODEL_TYPES.map((t) => `"${t}"`).join(', ')}`);
  return read(c);
}

/** Parameters of the model (embeddings once when tied). */
export function parameterCount(s: ModelSpec): number {
  const d = s.dModel;
  const qDim = s.heads * s.headDim;
  const kvDim = s.kvHeads * s.headDim;
  const attn = d * (qDim + 2 * kvDim) + qDim * d + (s.qkvBias ? qDim + 2 * kvDim : 0) + (s.outBias ? d : 0);
  const mlpMats = s.family === 'llama' ? 3 : 2;
  const mlp = mlpMats * d * s.ffn + (s.mlpBias ? (mlpMats - 1) * s.ffn + d : 0);
  const norms = s.family === 'llama' ? 2 * d + (s.qkNorm ? 2 * s.headDim : 0) : 4 * d;
  const embed = s.vocab * d * (s.tiedEmbeddings ? 1 : 2) + (s.family === 'gpt2' ? s.maxPositions * d : 0);
  return s.layers * (attn + mlp + norms) + embed + (s.family === 'llama' ? d : 2 * d);
}
