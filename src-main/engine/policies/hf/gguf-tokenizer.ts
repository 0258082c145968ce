/**
 * A GGUF file's tokenizer rebuilt as the tokenizer.json and tokenizer_config.json a Hugging Face
 * folder would hold, so it loads through the same library (tokenizers.js, tokenizer.ts) as a
 * folder's. GGUF keeps the vocabulary, merges, token types and special ids under
 * `tokenizer.ggml.*`, and names in `tokenizer.ggml.pre` the pre-tokenizer llama.cpp's convert script
 * recognised in the original tokenizer.json; PRE_TOKENIZERS gives that JSON back for the names
 * cliplab knows. Only byte-level BPE vocabularies (`tokenizer.ggml.model` "gpt2") are read.
 */
import type { GgufFields } from './gguf-meta';
import type { TokenizerSource } from './tokenizer';

type Json = Record<string, unknown>;

/** GPT-2's byte-level pre-tokenizer with its own split pattern (use_regex). */
const BYTE_LEVEL: Json = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

/** Llama 3's split pattern (a published fact of its tokenizer.json). */
const LLAMA3_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*" +
  '|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+';

/**
 * tokenizer.json's `pre_tokenizer` for each `tokenizer.ggml.pre` value (llama.cpp's names):
 * "smollm" is SmolLM2's single digits then GPT-2's split; "llama-bpe" Llama 3's split.
 */
const PRE_TOKENIZERS: Record<string, Json> = {
  default: BYTE_LEVEL,
  'gpt-2': BYTE_LEVEL,
  smollm: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, BYTE_LEVEL] },
  'llama-bpe': {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: LLAMA3_SPLIT }, behavior: 'Isolated', invert: false },
      { ...BYTE_LEVEL, use_regex: false },
    ],
  },
};

/** llama.cpp's token types (`llama_token_type`): control tokens are special, user-defined ones added. */
const TOKEN_TYPE = { control: 3, userDefined: 4 } as const;

/** tokenizer_config.json's special-token fields and the GGUF keys of their ids. */
const SPECIAL_IDS: Record<string, string> = {
  bos_token: 'tokenizer.ggml.bos_token_id',
  eos_token: 'tokenizer.ggml.eos_token_id',
  unk_token: 'tokenizer.ggml.unknown_token_id',
  pad_token: 'tokenizer.ggml.padding_token_id',
};

function mergePairs(m: GgufFields, key: string): [string, string][] {
  return m.strings(key).map((merge, i) => {
    const parts = merge.split(' ');
    if (parts.length !== 2) m.fail(key, `must hold "left right" pairs (entry ${i} is ${JSON.stringify(merge)})`);
    return parts as [string, string];
  });
}

/** Control and user-defined tokens, which the tokenizer must match whole before splitting text. */
function addedTokens(tokens: string[], types: number[]): Json[] {
  const added: Json[] = [];
  types.forEach((type, id) => {
    if (type !== TOKEN_TYPE.control && type !== TOKEN_TYPE.userDefined) return;
    const special = type === TOKEN_TYPE.control;
    added.push({
      id,
      content: tokens[id],
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special,
    });
  });
  return added;
}

/** A prefix of the BOS token on each encoded text, when the file says to add it (TemplateProcessing). */
function bosPostProcessor(bos: string, bosId: number): Json {
  const seq = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const special = { SpecialToken: { id: bos, type_id: 0 } };
  return {
    type: 'TemplateProcessing',
    single: [special, seq('A', 0)],
    pair: [special, seq('A', 0), special, seq('B', 1)],
    special_tokens: { [bos]: { id: bos, ids: [bosId], tokens: [bos] } },
  };
}

/** The special tokens' texts by tokenizer_config.json field. */
function specialTexts(m: GgufFields, tokens: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, key] of Object.entries(SPECIAL_IDS)) {
    const id = m.tokenId(key);
    if (id === null) continue;
    if (id >= tokens.length) m.fail(key, `must be below the vocabulary size ${tokens.length}`);
    out[field] = tokens[id];
  }
  return out;
}

/** The tokenizer of a GGUF file's metadata, in the form every model source gives (tokenizer.ts). */
export function ggufTokenizer(m: GgufFields): TokenizerSource {
  const model = m.str('tokenizer.ggml.model');
  if (model !== 'gpt2') {
    m.fail('tokenizer.ggml.model', 'must be "gpt2" (byte-level BPE; SentencePiece vocabularies are not supported)');
  }
  const pre = m.str('tokenizer.ggml.pre', 'default');
  const preTokenizer = PRE_TOKENIZERS[pre];
  if (!preTokenizer) m.fail('tokenizer.ggml.pre', `must be one of ${Object.keys(PRE_TOKENIZERS).map((p) => `"${p}"`)}`);
  const tokens = m.strings('tokenizer.ggml.tokens');
  const types = m.has('tokenizer.ggml.token_type') ? m.ints('tokenizer.ggml.token_type') : [];
  if (types.length !== 0 && types.length !== tokens.length) {
    m.fail('tokenizer.ggml.token_type', `must have one entry per token (${tokens.length})`);
  }
  const specials = specialTexts(m, tokens);
  const addBos = m.bool('tokenizer.ggml.add_bos_token', false);
  if (addBos && specials.bos_token === undefined) {
    m.fail('tokenizer.ggml.bos_token_id', 'must be set when tokenizer.ggml.add_bos_token is true');
  }
  const tokenizer: Json = {
    version: '1.0',
    added_tokens: addedTokens(tokens, types),
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: addBos ? bosPostProcessor(specials.bos_token, m.tokenId(SPECIAL_IDS.bos_token)!) : null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(tokens.map((t, id) => [t, id])),
      merges: mergePairs(m, 'tokenizer.ggml.merges'),
    },
  };
  const eot = m.tokenId('tokenizer.ggml.eot_token_id');
  return {
    tokenizer,
    config: { ...specials, add_bos_token: addBos, clean_up_tokenization_spaces: false },
    chatTemplate: m.has('tokenizer.chat_template') ? m.str('tokenizer.chat_template') : null,
    // llama.cpp also ends generation at the end-of-turn token when the file names one.
    eosTokenIds: eot === null ? [] : [eot],
    origin: m.file,
  };
}
