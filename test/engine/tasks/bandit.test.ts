import { describe, expect, it } from 'vitest';
import { taskSchema } from '../../../src-main/contract';
import { createRng } from '../../../src-main/engine/rng';
import { createTask } from '../../../src-main/engine/tasks';
import type { BanditMeta } from '../../../src-main/engine/tasks/bandit';

const bandit = (over: object = {}) =>
  createTask(taskSchema.parse({ kind: 'bandit', prompts: 20, actions: 6, correct: 2, ...over }));

describe('bandit task', () => {
  it('draws the correct actions from the task seed only', () => {
    const correct = (seed: number) =>
      bandit({ seed })
        .evalPrompts(20)
        .map((p) => (p.meta as BanditMeta).correct);
    expect(correct(7)).toEqual(correct(7));
    expect(correct(7)).not.toEqual(correct(8));
    for (const c of correct(7)) {
      expect(new Set(c).size).toBe(2);
      for (const a of c) expect(a >= 0 && a < 6).toBe(true);
    }
  });

  it('has one-token prompts (the state index) and one-action answers without end token', () => {
    const task = bandit();
    expect([task.promptLen, task.maxAnswerLen, task.eosToken]).toEqual([1, 1, null]);
    expect(task.allowedTokens).toEqual([0, 1, 2, 3, 4, 5]);
    const [p] = task.evalPrompts(1);
    expect(p.tokens).toEqual([0]);
    expect(p.text).toBe('state 0');
    expect(task.decode([3])).toBe('a3');
  });

  it('verifies exactly the correct actions', () => {
    const task = bandit();
    const [p] = task.evalPrompts(1);
    const correct = (p.meta as BanditMeta).correct;
    for (let a = 0; a < 6; a++) expect(task.verify(p, [a])).toBe(correct.includes(a));
    expect(task.verify(p, [correct[0], correct[0]])).toBe(false);
    expect(task.verify(p, [])).toBe(false);
  });

  it('samples training prompts without replacement within a pass, from the given stream', () => {
    const task = bandit();
    const keys = task.sampleTrain(createRng(1, 'prompts'), 20).map((p) => p.key);
    expect(new Set(keys).size).toBe(20);
    const more = task.sampleTrain(createRng(1, 'prompts'), 30);
    expect(more.slice(0, 20).map((p) => p.key)).toEqual(keys);
    expect(new Set(more.map((p) => p.key)).size).toBe(20);
    expect(task.evalPrompts(1000)).toHaveLength(20);
  });
});
