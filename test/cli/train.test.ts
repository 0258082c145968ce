/**
 * `cliplab train`, `sweep`, `resume`, `cancel` and `control` as a user runs them: the real command
 * (bin/cliplab.js, built or from source) on a temporary database, workers in child processes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVAL_METRICS, METRIC, STEP_METRICS, type RunRecord } from '../../src-main/contract';
import { openStore } from '../../src-main/store';
import { waitFor } from '../lab/runner/helpers';
import { tempDir } from '../support/temp';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'cliplab.js');

/** A tiny tabular run on the cpu backend: a second or two per command. */
const TINY = [
  '--preset',
  'tabular-random-sym',
  '--set',
  'task.prompts=16',
  '--set',
  'rollout.prompts=8',
  '--set',
  'eval.prompts=16',
  '--set',
  'eval.every=2',
  '--set',
  'backend=cpu',
];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliplab(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

function json<T>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

type Trained = { run: RunRecord; final: Record<string, number | null> };

describe('cliplab train', () => {
  it('trains a run and prints it with the final value of every metric', async () => {
    const db = path.join(tempDir(), 'lab.db');
    const r = await cliplab(['train', ...TINY, '--set', 'steps=4', '--name', 'cli run', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { run, final } = json<Trained>(r);
    expect(run).toMatchObject({ name: 'cli run', status: 'completed', step: 3, steps: 4, backend: 'cpu' });
    const optional = new Set<string>([METRIC.clipLowGap, METRIC.clipHighGap]);
    for (const key of [...STEP_METRICS, ...EVAL_METRICS].filter((k) => !optional.has(k))) {
      expect(Number.isFinite(final[key]), key).toBe(true);
    }
    expect(r.stderr).toMatch(/run 1 \[#+\] 4\/4/); // the progress bar, as plain lines off a terminal
  });

  it('names the option, the key and what was expected when --set is wrong', async () => {
    const db = path.join(tempDir(), 'lab.db');
    const cases: [string[], RegExp][] = [
      [
        ['--set', 'objective.clipLow=5'],
        /--set objective\.clipLow=5: objective\.clipLow: expected a number from 0 to 1, or off \(= 1\) for no lower clip, got 5/,
      ],
      [
        ['--set', 'objective.clipHihg=inf'],
        /objective\.clipHihg: unknown key; expected one of loss, clipLow, clipHigh/,
      ],
      [['--set', 'task.size=3'], /task\.size: unknown key for task\.kind "bandit"; expected one of kind, prompts/],
      [['--set', 'steps'], /--set steps: expected key=value/],
      [['--config', path.join(db, 'missing.json')], /--config .*missing\.json: cannot read the file \(ENOENT\)/],
    ];
    for (const [args, message] of cases) {
      const r = await cliplab(['train', ...TINY, ...args, '--db', db]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(fs.existsSync(db)).toBe(false); // nothing was opened, let alone trained
  });

  it('Ctrl-C stops after the step in flight; resume finishes the run', async () => {
    const db = path.join(tempDir(), 'lab.db');
    const stopped = await cliplab(['train', ...TINY, '--set', 'steps=40', '--db', db], (child) => {
      void waitFor('the first stored step', () => {
        if (!fs.existsSync(db)) return undefined;
        const store = openStore(db);
        try {
          return (store.lastStep(1) ?? -1) >= 0 ? true : undefined;
        } finally {
          store.close();
        }
      }).then(() => child.kill('SIGINT'));
    });
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/stopping run 1 after the step in flight/);
    expect(stopped.stderr).toMatch(/cliplab resume 1/);
    expect(stopped.stdout).toMatch(/^run 1 interrupted: \d+\/40 steps/);
    const resumed = await cliplab(['resume', '1', '--db', db, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json<Trained>(resumed).run).toMatchObject({ status: 'completed', step: 39 });
  });
});

describe('cliplab sweep, control and cancel', () => {
  it('trains a grid through worker processes and prints every run', async () => {
    const db = path.join(tempDir(), 'lab.db');
    const args = ['sweep', ...TINY, '--set', 'steps=3', '--grid', 'objective.clipHigh=0.2,inf', '--parallel', '2'];
    const r = await cliplab([...args, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { runs } = json<{ runs: Trained[] }>(r);
    expect(runs.map((t) => [t.run.name, t.run.status])).toEqual([
      ['tabular-random-sym clipHigh=0.2 seed 1', 'completed'],
      ['tabular-random-sym clipHigh=off seed 1', 'completed'],
    ]);
    expect(runs[1].run.origin === 'local' && runs[1].run.config.objective.clipHigh).toBeNull();
    expect(r.stderr).toMatch(/objective\.clipHigh +seed +run\n0\.2 +1 +new\noff +1 +new\n/);
    expect(r.stderr).toMatch(/queues 2 run\(s\), time unknown/);
    expect(r.stderr).toMatch(/sweep: 2 runs \(1, 2\), at most 2 at once/);
    // The same grid again: both cells have a run, nothing is trained twice, and both are listed.
    const again = await cliplab([...args, '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0\.2 +1 +run 1 \(completed\), skipped/);
    expect(again.stderr).toMatch(/2 cell\(s\) already have a run and are skipped \(--rerun trains them again\)/);
    expect(again.stderr).toMatch(/queues 0 run\(s\)/);
    expect(json<{ runs: Trained[] }>(again).runs.map((t) => t.run.id)).toEqual([1, 2]);
    expect((await cliplab(['sweep', ...TINY, '--db', db])).stderr).toMatch(/--grid: expected at least one/);
  });

  it("trains a run's random-reward control, and cancels a run", async () => {
    const db = path.join(tempDir(), 'lab.db');
    const base = await cliplab(['train', ...TINY, '--set', 'steps=2', '--set', 'reward.kind=verifier', '--db', db]);
    expect(base.code, base.stderr).toBe(0);
    const r = await cliplab(['control', '1', '--p', '0.25', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { run } = json<Trained>(r);
    expect(run).toMatchObject({ id: 2, controlOf: 1, status: 'completed', seed: 1 });
    expect(run.origin === 'local' && run.config.reward).toEqual({ kind: 'bernoulli', p: 0.25 });
    expect((await cliplab(['control', '1', '--p', '2', '--db', db])).stderr).toMatch(/--p: expected a probability/);
    const done = await cliplab(['cancel', '1', '--db', db]);
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/run 1 is completed; only queued, running or interrupted runs can be cancelled/);
  });
});
