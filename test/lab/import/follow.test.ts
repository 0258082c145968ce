/** Following logs that are still being written: partial lines, truncation, whole-file rewrites, errors. */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/lab/import/errors';
import { followLog, type FollowBatch, type LogFollower } from '../../../src-main/lab/import/follow';
import { tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let follower: LogFollower | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  follower?.stop();
  tmp.remove();
});

const line = (step: number, entropy: number) => `${JSON.stringify({ step, data: { 'actor/entropy': entropy } })}\n`;

function reader(f: LogFollower) {
  const it = f[Symbol.asyncIterator]();
  return async (): Promise<FollowBatch> => {
    const next = await it.next();
    if (next.done) throw new Error('the follower ended');
    return next.value;
  };
}

const stepsOf = (b: FollowBatch, key: string) => b.series.get(key)?.steps ?? [];

describe('followLog', () => {
  it('hands out complete lines as they appear and waits for a half-written one', async () => {
    const file = tmp.file('run.jsonl');
    follower = followLog(file, { intervalMs: 20 });
    const next = reader(follower);
    fs.writeFileSync(file, line(1, 0.9) + line(2, 0.8) + '{"step": 3, "data": {"actor/en');
    const first = await next();
    expect(first.format).toBe('verl-jsonl');
    expect(stepsOf(first, 'actor/entropy')).toEqual([1, 2]);
    fs.appendFileSync(file, 'tropy": 0.7}}\n');
    const second = await next();
    expect(second.series.get('actor/entropy')).toEqual({ steps: [3], values: [0.7], times: null });
  });

  it('reads a truncated or replaced file from the start without repeating handed-out steps', async () => {
    const file = tmp.file('run.jsonl', line(1, 0.9) + line(2, 0.8));
    follower = followLog(file, { intervalMs: 20, watch: false });
    const next = reader(follower);
    expect(stepsOf(await next(), 'actor/entropy')).toEqual([1, 2]);
    fs.writeFileSync(file, line(1, 0.5));
    const restarted = await next();
    expect(restarted.restarted).toBe(true);
    expect(stepsOf(restarted, 'actor/entropy')).toEqual([]);
    fs.appendFileSync(file, line(2, 0.4) + line(3, 0.3));
    expect(stepsOf(await next(), 'actor/entropy')).toEqual([3]);
  });

  it('re-reads a trainer_state.json on change, skipping a read caught mid-save', async () => {
    const state = (n: number) =>
      JSON.stringify({ log_history: Array.from({ length: n }, (_, i) => ({ step: (i + 1) * 5, reward: i / 10 })) });
    const file = tmp.file('trainer_state.json', state(2));
    follower = followLog(file, { intervalMs: 20, watch: false });
    const next = reader(follower);
    const first = await next();
    expect(first.format).toBe('trl-state');
    expect(stepsOf(first, 'reward')).toEqual([5, 10]);
    fs.writeFileSync(file, state(3).slice(0, 40));
    await new Promise((r) => setTimeout(r, 100));
    fs.writeFileSync(file, state(4));
    expect(stepsOf(await next(), 'reward')).toEqual([15, 20]);
  });

  it('waits for a file that does not exist yet, and stops cleanly', async () => {
    const file = tmp.file('later.csv');
    follower = followLog(file, { intervalMs: 20 });
    const next = reader(follower);
    setTimeout(() => fs.writeFileSync(file, 'step,loss\n1,0.5\n2,0.25\n'), 60);
    const batch = await next();
    expect(batch.series.get('loss')).toEqual({ steps: [1, 2], values: [0.5, 0.25], times: null });
    const it = follower[Symbol.asyncIterator]();
    follower.stop();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('ends with the ImportError of a malformed line', async () => {
    const file = tmp.file('bad.jsonl', line(1, 0.9) + '{"step": "x", "data": {}}\n');
    follower = followLog(file, { intervalMs: 20, format: 'verl-jsonl' });
    const err = await reader(follower)().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).line).toBe(2);
  });
});
