import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../../src-main/contract';
import { createImportedRun, createLab, createLocalRun } from '../../src-main/lab';
import { cliOn } from '../support/cli';
import { fileTempDir } from '../support/temp';

const db = path.join(fileTempDir(), 'diagnose.db');
const cli = cliOn(db);

const steps = Array.from({ length: 101 }, (_, i) => i);

beforeAll(async () => {
  const lab = createLab({ dbPath: db });
  try {
    const run = createLocalRun(lab.context, { ...presetConfig('tabular-random-sym'), seed: 4 }, { name: 'sym' });
    lab.context.store.bulkInsertSeries(run.id, [
      { key: 'entropy', steps, values: steps.map((s) => 2 * Math.exp(-s / 20)) },
      { key: 'clip/low_drift', steps, values: steps.map(() => 0.01) },
      { key: 'clip/high_drift', steps, values: steps.map(() => -0.041) },
    ]);
    const imported = createImportedRun(lab.context, {
      name: 'verl',
      source: { format: 'verl-jsonl', file: 'x.jsonl', params: {} },
    });
    lab.context.store.bulkInsertSeries(imported.id, [
      { key: 'actor/entropy', steps, values: steps.map(() => 1) },
      { key: 'actor/pg_clipfrac', steps, values: steps.map(() => 0.01) },
    ]);
  } finally {
    await lab.close();
  }
});

describe('cliplab diagnose', () => {
  it('prints the verdict first, then clip balance, theory check, law and advice', async () => {
    const r = await cli('diagnose', '1');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Diagnosis of run 1 "sym" (local, seed 4)');
    expect(lines[1]).toMatch(/^Entropy: COLLAPSED — entropy fell below 10% of its first logged value/);
    const order = ['Clip balance:', 'Theory check', 'Entropy–accuracy law', 'Advice:'].map((h) => r.stdout.indexOf(h));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(r.stdout).toContain('clip-high drift is 4.1× clip-low drift over steps 0–100');
    expect(r.stdout).toContain('objective.clipLow = 0.2, 0.167, 0.1, 0.05; objective.clipHigh = 0.2, off; 3 seeds');
  });

  it('prints one JSON document with --json, honouring the options, for several runs by id or name', async () => {
    const r = await cli('diagnose', '1', 'verl', '--json', '--collapse-fraction', '0.01', '--window', '10');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.runs).toHaveLength(2);
    expect(doc.runs[0].options).toMatchObject({ collapseFraction: 0.01, window: 10 });
    expect(doc.runs[0].collapse.windowPoints).toBe(10);
    expect(doc.runs[1].clip.summary).toMatch(/^combined only; cannot attribute/);
  });

  it('rejects bad options naming the option and what it expects', async () => {
    const r = await cli('diagnose', '1', '--collapse-fraction', '1.5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--collapse-fraction: expected a number between 0 and 1, got "1.5"');
    const w = await cli('diagnose', '1', '--window', '2.5');
    expect(w.stderr).toContain('--window: expected an integer of at least 3');
    const none = await cli('diagnose');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing RUN');
    const missing = await cli('diagnose', '77');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('77');
  });
});
