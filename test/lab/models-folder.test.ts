/**
 * The models folder (issue 21): `@models/NAME` paths of the smollm2 presets resolve to files of the
 * folder, a missing file is refused naming the field and the command that makes it, and nothing
 * outside the folder can be named. The word problems those presets train on are read by the
 * dataset task's GSM8K reader, and every worked answer's arithmetic is right. The fetch script's
 * verification refuses a file of the wrong size, digest or kind.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, PRESETS, SMOLLM2_GGUF, WORD_PROBLEMS, presetConfig, runConfigSchema } from '../../src-main/contract';
import { readProblems } from '../../src-main/engine/tasks/dataset/records';
import { wordProblems, wordProblemsJsonl } from '../../src-main/engine/tasks/dataset/word-problems';
import { MODELS_ENV, modelsDir, resolveModelsPath, resolveModelsPaths } from '../../src-main/lab/models-folder';
import { verify } from '../../scripts/fetch-smollm2';
import { tempDir } from '../support/temp';

const SMOLLM2 = ['sym', 'clip-high-only', 'clip-low-only', 'aggressive-low'].map((c) => `smollm2-gsm8k-random-${c}`);

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('models folder', () => {
  it('is CLIPLAB_MODELS when set, else models/ beside the database', () => {
    const dir = tempDir();
    expect(modelsDir({ [MODELS_ENV]: dir })).toBe(path.resolve(dir));
    expect(path.basename(modelsDir({ XDG_CONFIG_HOME: dir }))).toBe('models');
  });

  it('resolves @models/ paths to existing files and leaves other paths alone', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, SMOLLM2_GGUF), 'x');
    const env = { [MODELS_ENV]: dir };
    expect(resolveModelsPath(`@models/${SMOLLM2_GGUF}`, 'policy.path', env)).toBe(path.join(dir, SMOLLM2_GGUF));
    expect(resolveModelsPath('/some/model.gguf', 'policy.path', env)).toBe('/some/model.gguf');
  });

  it('refuses a missing file naming the field and `npm run fetch:smollm2`', () => {
    const env = { [MODELS_ENV]: tempDir() };
    const err = caught(() => resolveModelsPath(`@models/${SMOLLM2_GGUF}`, 'policy.path', env));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/^policy\.path: .*missing.*npm run fetch:smollm2/);
    expect(err.fields?.[0].path).toBe('policy.path');
  });

  it('refuses names that leave the folder or name nothing', () => {
    const env = { [MODELS_ENV]: tempDir() };
    for (const bad of ['@models/', '@models/../secret.gguf', '@models/a/../../b']) {
      expect(caught(() => resolveModelsPath(bad, 'task.path', env)).message).toMatch(/inside the models folder/);
    }
  });
});

describe('smollm2 presets', () => {
  it('are the four clip settings of the experiment, valid configs on the GGUF file with random rewards', () => {
    expect(PRESETS.map((p) => p.name).filter((n) => n.startsWith('smollm2-'))).toEqual(SMOLLM2);
    const clips = SMOLLM2.map((name) => {
      const config = runConfigSchema.parse(presetConfig(name));
      expect(config.policy).toMatchObject({ kind: 'hf', path: `@models/${SMOLLM2_GGUF}`, finetune: 'lora' });
      expect(config.task).toMatchObject({ kind: 'dataset', path: `@models/${WORD_PROBLEMS}`, format: 'gsm8k' });
      expect(config.reward).toEqual({ kind: 'bernoulli', p: 0.5 });
      return [config.objective.clipLow, config.objective.clipHigh];
    });
    expect(clips).toEqual([
      [0.2, 0.2],
      [1, 0.2],
      [0.2, null],
      [0.05, null],
    ]);
  });

  it('resolve both files of the models folder, or say what to run', () => {
    const dir = tempDir();
    const config = runConfigSchema.parse(presetConfig(SMOLLM2[0]));
    expect(() => resolveModelsPaths(config, { [MODELS_ENV]: dir })).toThrow(/npm run fetch:smollm2/);
    fs.writeFileSync(path.join(dir, SMOLLM2_GGUF), 'x');
    fs.writeFileSync(path.join(dir, WORD_PROBLEMS), 'x');
    const resolved = resolveModelsPaths(config, { [MODELS_ENV]: dir });
    expect(resolved.policy.kind === 'hf' && resolved.policy.path).toBe(path.join(dir, SMOLLM2_GGUF));
    expect(resolved.task.kind === 'dataset' && resolved.task.path).toBe(path.join(dir, WORD_PROBLEMS));
  });
});

describe('word problems', () => {
  it('are the same for a seed, differ across seeds, and every worked step is right', () => {
    expect(wordProblemsJsonl(50, 3)).toBe(wordProblemsJsonl(50, 3));
    expect(wordProblemsJsonl(50, 3)).not.toBe(wordProblemsJsonl(50, 4));
    for (const { answer } of wordProblems(400, 7)) {
      const steps = [...answer.matchAll(/<<([^=]+)=([^>]+)>>/g)];
      expect(steps.length).toBe(2);
      for (const [, expr, value] of steps) {
        const [a, op, b] = expr.split(/([-+*/])/).map((s, i) => (i === 1 ? s : Number(s)));
        const exact: number = { '+': +a + +b, '-': +a - +b, '*': +a * +b, '/': +a / +b }[op as string]!;
        expect(Number(value), expr).toBe(exact);
        expect(Number.isInteger(exact) && exact >= 0, expr).toBe(true);
      }
      expect(answer.endsWith(`#### ${steps[1][2]}`)).toBe(true);
    }
  });

  it('are read by the dataset task as GSM8K problems with their final numbers', async () => {
    const file = path.join(tempDir(), WORD_PROBLEMS);
    fs.writeFileSync(file, wordProblemsJsonl(16, 1));
    const problems = await readProblems(file, 'gsm8k', 'task.path');
    expect(problems.map((p) => p.answer)).toEqual(wordProblems(16, 1).map((p) => p.answer.split('#### ')[1]));
  });
});

describe('fetch:smollm2 verification', () => {
  const gguf = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(56, 7)]);
  const pin = { sha256: crypto.createHash('sha256').update(gguf).digest('hex'), bytes: gguf.length };

  it('accepts the pinned GGUF file and refuses another size, digest or kind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.gguf');
    fs.writeFileSync(file, gguf);
    expect(() => verify(file, pin, true)).not.toThrow();
    expect(() => verify(file, { ...pin, bytes: 1 }, true)).toThrow(/64 bytes, expected 1/);
    expect(() => verify(file, { ...pin, sha256: '0'.repeat(64) }, true)).toThrow(/sha256 .*expected 0{64}/);
    const notGguf = Buffer.from(gguf);
    notGguf.write('GGML', 0);
    fs.writeFileSync(file, notGguf);
    expect(() => verify(file, pin, true)).toThrow(/not a GGUF version 3 file/);
  });
});
