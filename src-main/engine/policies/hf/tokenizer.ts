/**
 * A model's tokenizer and chat template, through the maintained libraries: tokenizers.js
 * (`@huggingface/tokenizers`, the tokenizer of transformers.js) reads `tokenizer.json` and
 * `tokenizer_config.json`; `@huggingface/jinja` renders the chat template with the variables
 * transformers' `apply_chat_template` passes. Takes the parsed JSON, not files, so any source that
 * can produce a tokenizer.json (a HF folder; GGUF metadata, issue 21) plugs in here.
 */
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import type { ChatMessage, TextCodec } from '../../types';

export interface TokenizerSource {
  /** tokenizer.json, parsed. */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json, parsed (special tokens, chat template). */
  config: Record<string, unknown>;
  /** A chat template given apart from the config (chat_template.jinja), or null. */
  chatTemplate: string | null;
  /** Extra end-of-sequence ids (generation_config.json's eos_token_id). */
  eosTokenIds: readonly number[];
  /** Where these came from, for error messages. */
  origin: string;
}

const SPECIAL_KEYS = ['bos_token', 'eos_token', 'unk_token', 'pad_token', 'sep_token', 'cls_token', 'mask_token'];

/** A special token's text: tokenizer_config.json holds a string or an AddedToken object ({content}). */
function tokenText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return null;
}

/** The default template of tokenizer_config.json's `chat_template` (a string or a list of named ones). */
function configTemplate(config: Record<string, unknown>, origin: string): string | null {
  const t = config.chat_template;
  if (t == null) return null;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.find((x) => x && typeof x === 'object' && (x as { name?: unknown }).name === 'default');
    const template = (named as { template?: unknown } | undefined)?.template;
    if (typeof template === 'string') return template;
  }
  throw new Error(`${origin}: field "chat_template" must be a string or a list with a "default" template`);
}

export class TextTokenizer implements TextCodec {
  readonly vocab: number;
  readonly eosToken: number;
  readonly stopTokens: readonly number[];
  readonly chatTemplate: string | null;
  private readonly tokenizer: Tokenizer;
  private readonly template: Template | null;
  private readonly specials: Record<string, string>;

  constructor(source: TokenizerSource) {
    try {
      this.tokenizer = new Tokenizer(source.tokenizer, source.config);
    } catch (err) {
      throw new Error(`${source.origin}: the tokenizer cannot be built (${(err as Error).message})`, { cause: err });
    }
    this.specials = {};
    for (const key of SPECIAL_KEYS) {
      const text = tokenText(source.config[key]);
      if (text !== null) this.specials[key] = text;
    }
    const vocab = this.tokenizer.get_vocab(true);
    this.vocab = Math.max(...vocab.values()) + 1;
    const eosText = this.specials.eos_token;
    const eosFromConfig = eosText === undefined ? undefined : this.tokenizer.token_to_id(eosText);
    const stops = [...source.eosTokenIds, ...(eosFromConfig === undefined ? [] : [eosFromConfig])];
    if (stops.length === 0) {
      throw new Error(`${source.origin}: no end-of-sequence token (eos_token or generation_config eos_token_id)`);
    }
    this.stopTokens = [...new Set(stops)];
    this.eosToken = eosFromConfig ?? stops[0];
    this.chatTemplate = source.chatTemplate ?? configTemplate(source.config, source.origin);
    try {
      this.template = this.chatTemplate === null ? null : new Template(this.chatTemplate);
    } catch (err) {
      throw new Error(`${source.origin}: the chat template does not parse (${(err as Error).message})`, { cause: err });
    }
  }

  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: opts.addSpecialTokens ?? true }).ids;
  }

  decode(tokens: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    if (tokens.length === 0) return ''; // tokenizers.js refuses an empty list
    return this.tokenizer.decode([...tokens], { skip_special_tokens: opts.skipSpecialTokens ?? false });
  }

  /** The token's own text (for per-token views): its decoded form. */
  tokenText(token: number): string {
    return this.tokenizer.decode([token], { skip_special_tokens: false });
  }

  /**
   * The chat template rendered as `apply_chat_template(messages, tokenize=False,
   * add_generation_prompt=True)` renders it; null when the tokenizer has no template.
   */
  chatPrompt(messages: readonly ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string | null {
    if (!this.template) return null;
    return this.template.render({
      ...this.specials,
      messages: messages.map((m) => ({ ...m })),
      add_generation_prompt: opts.addGenerationPrompt ?? true,
    }); // the library supplies raise_exception and strftime_now, as transformers does
  }
}
