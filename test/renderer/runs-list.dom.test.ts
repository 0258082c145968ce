import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, type LabEvent } from '../../src-main/contract';
import { applyRunEvent, sortRuns } from '../../src-renderer/lib/runs';
import { clipLabel, rewardLabel, stepLabel, taskLabel } from '../../src-renderer/lib/run-labels';
import { routeFromHash } from '../../src-renderer/lib/router.svelte';
import { localRun } from '../support/run-records';

describe('run list events', () => {
  const runs = sortRuns([localRun(1), localRun(2), localRun(3)]);

  it('keeps newest first', () => {
    expect(runs.map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('replaces a changed run and inserts a new one in order', () => {
    const renamed = applyRunEvent(runs, { name: 'run.changed', payload: { run: { ...runs[1], name: 'x' } } });
    expect(renamed.map((r) => [r.id, r.name])).toEqual([
      [3, 'run 3'],
      [2, 'x'],
      [1, 'run 1'],
    ]);
    const added = applyRunEvent(runs, { name: 'run.changed', payload: { run: localRun(9) } });
    expect(added.map((r) => r.id)).toEqual([9, 3, 2, 1]);
  });

  it('removes deleted runs', () => {
    expect(applyRunEvent(runs, { name: 'run.deleted', payload: { ids: [1, 3] } }).map((r) => r.id)).toEqual([2]);
  });

  it('applies progress, keeping metrics the step did not report', () => {
    const [updated] = applyRunEvent([localRun(1, { latest: { entropy: 2, 'eval/acc': 0.5 } })], {
      name: 'run.progress',
      payload: {
        id: 1,
        step: 5,
        steps: 10,
        status: 'running',
        latest: { entropy: 1.5, 'eval/acc': null },
        stepsPerSecond: null,
      },
    });
    expect(updated).toMatchObject({ step: 5, steps: 10, status: 'running', latest: { entropy: 1.5, 'eval/acc': 0.5 } });
  });

  it('leaves the list alone for events about other things', () => {
    const other = { name: 'import.progress', payload: { lines: 10 } } as unknown as LabEvent;
    expect(applyRunEvent(runs, other)).toBe(runs);
  });

  it('ignores progress of a run it does not list', () => {
    const out = applyRunEvent(runs, {
      name: 'run.progress',
      payload: { id: 99, step: 1, steps: 2, status: 'running', latest: {}, stepsPerSecond: null },
    });
    expect(out).toEqual(runs);
  });
});

describe('run labels', () => {
  it('describe clip settings, with "off" for a side that never clips', () => {
    expect(clipLabel(localRun(1))).toBe('0.2 / 0.2');
    expect(clipLabel(localRun(1, {}, 'tabular-random-clip-high-only'))).toBe('off / 0.2');
    expect(clipLabel(localRun(1, {}, 'tabular-random-no-clip'))).toBe('off / off');
  });

  it('describe tasks, rewards, steps and numbers', () => {
    expect(taskLabel(localRun(1, {}, 'gpt-true-sym'))).toBe('add, 3 digits');
    expect(rewardLabel(localRun(1, {}, 'gpt-true-sym'))).toBe('verifier');
    expect(stepLabel(localRun(1, { step: null, steps: 50 }))).toBe('0 / 50');
    expect(stepLabel(localRun(1, { step: null, steps: null }))).toBe('—');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatPercent(0.3333)).toBe('33.3%');
  });

  it('mark what an imported run does not say', () => {
    const imported = {
      ...localRun(1),
      origin: 'imported' as const,
      config: null,
      source: { format: 'verl-jsonl', file: 'log.jsonl', params: {} },
    };
    expect([taskLabel(imported), rewardLabel(imported), clipLabel(imported)]).toEqual(['—', '—', '—']);
  });
});

describe('routes', () => {
  it('read the hash, falling back to Runs', () => {
    expect(routeFromHash('#/compare')).toBe('compare');
    expect(routeFromHash('#/new?preset=x')).toBe('new');
    expect(routeFromHash('')).toBe('runs');
    expect(routeFromHash('#/nowhere')).toBe('runs');
  });
});
