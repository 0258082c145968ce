/**
 * Tokenizers and chat templates through tokenizers.js and @huggingface/jinja against transformers:
 * three tokenizer styles (GPT-2 byte-level, Llama 3 regex split with a BOS post-processor, ChatML
 * with NFC and single digits) trained at test time; ids identical on a mixed corpus (numbers,
 * unicode, chat markup), decoding identical, chat templates rendered and tokenized identically.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelSource } from '../../../src-main/engine/policies/hf/source';
import { TextTokenizer } from '../../../src-main/engine/policies/hf/tokenizer';
import { python } from '../../support/python';
import { Reference, skipReason, tempDir, type Arch, START_TIMEOUT_MS } from './support';

const CORPUS = [
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
  'Numbers: 0 7 42 123 1234 98765 1234567 3.14159 -42 +17 1,234,567.89 $3.50 12% 1e-5 007',
  'unicode: café naïve Übermaß 日本語の数学 Ελληνικά 😀🚀 — … ½ € e\u0301 Å Ω',
  '<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>',
  '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>',
  '  leading spaces,   runs   of spaces,\n\n\ttabs\tand\r\nnewlines  ',
  "It's they're we've I'm you'll he'd DON'T",
  '\\boxed{\\frac{3}{4}} #### 72 x^2 + y_1 = (a+b)/c',
  'zyzzyva quux xylophone antidisestablishmentarianism',
  '',
];

const CHATS = [
  [{ role: 'user', content: 'Tom has 3 apples. How many?' }],
  [
    { role: 'system', content: 'Answer with a number.  ' },
    { role: 'user', content: 'What is 12 * 12?' },
    { role: 'assistant', content: '144' },
    { role: 'user', content: 'And 13 * 13?' },
  ],
];

interface Answer {
  ids: number[][];
  plain_ids: number[][];
  decoded: string[];
  chat_text: string[];
  chat_ids: number[][];
}

describe.skipIf(!python)(`tokenizers and chat templates match transformers${skipReason}`, () => {
  const tmp = tempDir();
  let ref: Reference;
  beforeAll(async () => {
    ref = await Reference.start();
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  const STYLES: { arch: Arch; style: string; template: boolean }[] = [
    { arch: 'gpt2', style: 'GPT-2 byte-level', template: false },
    { arch: 'llama', style: 'Llama 3 split + BOS, template in tokenizer_config.json', template: true },
    { arch: 'qwen2', style: 'ChatML, NFC + digits, chat_template.jinja', template: true },
  ];

  for (const { arch, style, template } of STYLES) {
    it(style, async () => {
      const dir = await ref.make(tmp.dir, arch);
      expect(fs.existsSync(path.join(dir, 'chat_template.jinja'))).toBe(arch === 'qwen2');
      const tok = new TextTokenizer(openModelSource(dir).tokenizer);
      const answer = await ref.request<Answer>('tokenize', { dir, texts: CORPUS, chats: CHATS });
      CORPUS.forEach((text, i) => {
        expect(tok.encode(text), JSON.stringify(text)).toEqual(answer.ids[i]);
        expect(tok.encode(text, { addSpecialTokens: false })).toEqual(answer.plain_ids[i]);
        expect(tok.decode(answer.ids[i], { skipSpecialTokens: true })).toBe(answer.decoded[i]);
      });
      expect(tok.chatTemplate !== null).toBe(template);
      CHATS.forEach((chat, i) => {
        const text = tok.chatPrompt(chat);
        if (!template) return expect(text).toBeNull();
        expect(text).toBe(answer.chat_text[i]);
        expect(tok.encode(text!, { addSpecialTokens: false })).toEqual(answer.chat_ids[i]);
      });
    });
  }
});
