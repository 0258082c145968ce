import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import {
  groupKey,
  presetConfig,
  runConfigSchema,
  validateWith,
  type RunConfig,
  type RunRecord,
} from '../../src-main/contract';
import { appContext } from '../../src-renderer/lib/context';
import { describeObject } from '../../src-renderer/components/config-form/schema-fields';
import NewRunView from '../../src-renderer/views/new-run/NewRunView.svelte';
import { localRun } from '../support/run-records';
import { scriptedApi, type Handlers } from './scripted-api';

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const field = (path: string) => document.querySelector<HTMLElement>(`[data-path="${path}"]`);
const input = (path: string) => document.getElementById(`cfg-${path.replaceAll('.', '-')}`) as HTMLInputElement | null;
/** The message a field shows: its number box's, or the field's own for selects and text. */
const fieldError = (path: string) => field(path)?.querySelector('.number-error, .error')?.textContent ?? null;

/** A lab that accepts every valid config, as the real `config.validate` and `runs.start` do. */
function acceptingLab(extra: Handlers = {}) {
  let nextId = 40;
  const record = (config: RunConfig): RunRecord =>
    localRun(nextId++, { status: 'queued', name: config.name || 'run', seed: config.seed });
  return scriptedApi({
    'config.validate': ({ config }) => {
      const v = validateWith(runConfigSchema, config);
      return v.ok ? { ok: true, config: v.value, hash: 'h', groupKey: groupKey(v.value) } : v;
    },
    'runs.start': ({ config, control }) => ({
      run: record(config as RunConfig),
      control: control ? record(config as RunConfig) : null,
    }),
    'sweeps.plan': ({ grid, seeds, control }) => {
      const cells = Object.values(grid ?? {}).reduce((n, v) => n * v.length, 1) * (seeds ?? 1);
      return {
        cells: [],
        toCreate: cells * (control ? 2 : 1),
        existing: 0,
        estimate: {
          totalSeconds: null,
          wallSeconds: null,
          parallel: 2,
          estimated: 0,
          unknown: cells,
          baseModels: 0,
          basis: [],
        },
      };
    },
    'sweeps.start': ({ seeds }) => ({
      ids: Array.from({ length: seeds ?? 1 }, (_, i) => 100 + i),
      runs: [],
      skipped: [],
    }),
    ...extra,
  });
}

function renderNewRun(query = '', handlers: Handlers = {}) {
  const lab = acceptingLab(handlers);
  render(NewRunView, { props: { query: new URLSearchParams(query) }, context: appContext(lab.client) });
  return lab;
}

describe('config form generated from the schema', () => {
  it('walks the schema: groups, kind selects, bounds and nullable switches', () => {
    const fields = describeObject(runConfigSchema);
    const objective = fields.find((f) => f.path === 'objective');
    expect(objective?.type).toBe('object');
    const task = fields.find((f) => f.path === 'task');
    expect(task?.type === 'union' && task.kinds).toEqual([
      'bandit',
      'add',
      'sort',
      'reverse',
      'mod',
      'divisor',
      'dataset',
    ]);
    const clipHigh = objective?.type === 'object' ? objective.fields.find((f) => f.key === 'clipHigh') : undefined;
    expect(clipHigh).toMatchObject({ type: 'number', nullable: true, min: { value: 0, inclusive: false } });
  });

  it('shows the fields of the chosen preset and kinds, filled with its values', () => {
    renderNewRun('preset=gpt-random-sym');
    const config = presetConfig('gpt-random-sym');
    expect((screen.getByLabelText('Preset') as HTMLSelectElement).value).toBe('gpt-random-sym');
    expect(input('task.kind')?.value).toBe('add');
    expect(input('task.size')?.value).toBe(String(config.task.kind === 'add' && config.task.size));
    expect(input('policy.kind')?.value).toBe('gpt');
    expect(input('policy.dModel')?.value).toBe('64');
    expect(input('policy.base.labelNoise')?.value).toBe('0.3');
    expect(input('reward.kind')?.value).toBe('bernoulli');
    expect(input('reward.p')?.value).toBe('0.5');
    expect(input('optim.lr')?.value).toBe(String(config.optim.lr));
    expect(input('backend')?.value).toBe(config.backend);
    // Bandit-only fields are absent; the clip keys live in the clip editor, not the form.
    expect(input('task.actions')).toBeNull();
    expect(input('objective.clipLow')).toBeNull();
    expect(screen.getByLabelText('ε_low (clip-low)')).toHaveProperty('value', '0.2');
    // A nullable number has its switch, checked when the value is null.
    const context = within(field('policy.context')!);
    expect(context.getByRole('checkbox', { name: "task's need" })).toHaveProperty('checked', true);
    // Bounds from the schema's checks become the box's limits and help.
    expect(input('reward.p')?.getAttribute('aria-valuemax')).toBe('1');
    expect(field('reward.p')?.textContent).toContain('0 – 1');
  });

  it('shows the schema message next to the field that is wrong, and clears it when fixed', async () => {
    renderNewRun('preset=gpt-random-sym');
    await fireEvent.input(input('reward.p')!, { target: { value: '1.5' } });
    const bad = { ...presetConfig('gpt-random-sym'), reward: { kind: 'bernoulli', p: 1.5 } };
    const expected = validateWith(runConfigSchema, bad);
    if (expected.ok) throw new Error('p = 1.5 should be invalid');
    const message = expected.errors.find((e) => e.path === 'reward.p')!.message;
    expect(fieldError('reward.p')).toBe(message);
    expect(message).toBe('expected a number no larger than 1, got 1.5');
    expect(input('reward.p')?.getAttribute('aria-invalid')).toBe('true');
    expect(document.querySelectorAll('.field .number-error, .field .error')).toHaveLength(1);
    expect((screen.getByRole('button', { name: /Start run/ }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.input(input('reward.p')!, { target: { value: '0.25' } });
    expect(fieldError('reward.p')).toBeNull();
    expect((screen.getByRole('button', { name: /Start run/ }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('swaps the sub-form when a kind changes, and says which other field must follow', async () => {
    renderNewRun('preset=gpt-random-sym');
    await fireEvent.change(input('task.kind')!, { target: { value: 'bandit' } });
    expect(input('task.size')).toBeNull();
    expect(input('task.actions')?.value).toBe('64');
    expect(input('task.prompts')?.value).toBe('256');
    // The bandit needs the tabular policy: the error sits at the policy's kind select.
    expect(fieldError('policy.kind')).toBe('expected "tabular" for the bandit task');

    await fireEvent.change(input('policy.kind')!, { target: { value: 'tabular' } });
    expect(input('policy.dModel')).toBeNull();
    expect(input('policy.logitStd')?.value).toBe('2');
    expect(fieldError('policy.kind')).toBeNull();

    // Within one variant only the kind changes: sort keeps add's size.
    await fireEvent.change(input('task.kind')!, { target: { value: 'sort' } });
    await fireEvent.change(input('policy.kind')!, { target: { value: 'gpt' } });
    await fireEvent.input(input('task.size')!, { target: { value: '5' } });
    await fireEvent.change(input('task.kind')!, { target: { value: 'reverse' } });
    expect(input('task.size')?.value).toBe('5');
    expect(input('reward.p')?.value).toBe('0.5');
  });

  it('fills the form from a preset pick, and the clip editor writes objective keys', async () => {
    renderNewRun();
    await fireEvent.change(screen.getByLabelText('Preset'), { target: { value: 'tabular-random-dapo' } });
    expect(input('task.kind')?.value).toBe('bandit');
    expect(screen.getByLabelText('ε_high (clip-high)')).toHaveProperty('value', '0.28');
    await fireEvent.click(screen.getByRole('button', { name: 'Log-balanced' }));
    expect(screen.getByLabelText('ε_low (clip-low)')).toHaveProperty('value', '0.2188');
  });
});

describe('prefilling New run from a link', () => {
  it('starts from a stored run’s config, with the name left for the new run', async () => {
    const source = localRun(5, { name: 'good gpt run' }, 'gpt-true-dapo');
    renderNewRun('from=5', { 'runs.get': () => source });
    expect(await screen.findByText(/Starting from the config of run #5 \(good gpt run\)/)).toBeTruthy();
    expect(input('policy.kind')?.value).toBe('gpt');
    expect(input('name')?.value).toBe('');
    expect(screen.getByLabelText('ε_high (clip-high)')).toHaveProperty('value', '0.28');
    expect(input('seed')?.value).toBe('5');
  });

  it('says so when the run has no config to start from', async () => {
    const imported = {
      ...localRun(6),
      origin: 'imported' as const,
      config: null,
      source: { format: 'csv', file: 'a.csv', params: {} },
    };
    renderNewRun('from=6', { 'runs.get': () => imported });
    expect(await screen.findByText('Run #6 is imported: it has no config to start from.')).toBeTruthy();
  });
});

describe('launching from New run', () => {
  it('offers no control for a config whose rewards are random already', () => {
    renderNewRun('preset=tabular-random-sym');
    const box = screen.getByRole('checkbox', { name: 'Also run a random-reward control' });
    expect(box).toHaveProperty('disabled', true);
    expect(screen.getByText(/the run is its own random-reward control/)).toBeTruthy();
  });

  it('validates on the lab, then starts one run with its control and opens it', async () => {
    const lab = renderNewRun('preset=gpt-true-sym');
    await fireEvent.input(input('name')!, { target: { value: 'from the form' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Also run a random-reward control' }));
    await fireEvent.input(screen.getByLabelText('Tags'), { target: { value: 'paper, fig2, paper' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start run + control' }));
    await expect.poll(() => window.location.hash).toBe('#/run/40');
    expect(lab.calls.map((c) => c.method)).toEqual(['config.validate', 'runs.start']);
    const [start] = lab.callsOf('runs.start');
    expect(start.config.name).toBe('from the form');
    expect(start).toMatchObject({ control: true, controlP: 0.5, tags: ['paper', 'fig2'] });
  });

  it('counts the runs a sweep queues and starts it as one sweep', async () => {
    const lab = renderNewRun('preset=gpt-true-sym&seeds=3&grid.objective.clipLow=0.1,0.2');
    expect(screen.getByText(/2 values × 3 seeds =/).textContent).toContain('6 runs');
    await fireEvent.click(screen.getByRole('button', { name: 'Add a swept key' }));
    await fireEvent.change(screen.getByLabelText('Swept key 2'), { target: { value: 'objective.clipHigh' } });
    await fireEvent.input(screen.getByLabelText('Values of swept key 2'), { target: { value: '0.2, 0.28, off' } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Also run a random-reward control' }));
    const count = document.querySelector('[data-total]') as HTMLElement;
    expect(count.dataset.total).toBe('36');
    expect(count.textContent).toContain('2 values × 3 values × 3 seeds = 18 runs');
    // Nothing is queued before the review: the grid, the existing cells and the estimate first.
    await fireEvent.click(screen.getByRole('button', { name: 'Review 36 runs…' }));
    expect(lab.callsOf('sweeps.start')).toHaveLength(0);
    const queue = await screen.findByRole('button', { name: 'Queue 36 runs' });
    expect(lab.callsOf('sweeps.plan')[0]).toMatchObject({ skipExisting: true, seeds: 3, control: true });
    await fireEvent.click(queue);
    await expect.poll(() => window.location.hash).toBe('#/runs');
    const [sweep] = lab.callsOf('sweeps.start');
    expect(sweep).toMatchObject({
      grid: { 'objective.clipLow': [0.1, 0.2], 'objective.clipHigh': [0.2, 0.28, null] },
      seeds: 3,
      control: true,
    });
  });

  it('blocks a sweep whose combination the schema rejects, and parses ranges', async () => {
    renderNewRun('preset=tabular-random-sym&grid.objective.clipLow=0.5:1.5:0.5');
    // eps_low = 1 is clip-low switched off, and reads so.
    expect(document.querySelector('.values')?.textContent).toBe('0.5, off, 1.5');
    expect(await screen.findByText(/Invalid combination: objective.clipLow = 1.5/)).toBeTruthy();
    expect((screen.getByRole('button', { name: /Review 3 runs/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the errors the lab reports next to their fields', async () => {
    renderNewRun('preset=tabular-random-sym', {
      'config.validate': () => ({ ok: false, errors: [{ path: 'optim.lr', message: 'expected a smaller step' }] }),
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Start run' }));
    await expect.poll(() => fieldError('optim.lr')).toBe('expected a smaller step');
    expect(window.location.hash).toBe('');
  });
});
