/**
 * New run with a real keyboard and mouse in Chromium (issue 14): every control of the form generated
 * from the schema, the clip editor and the sweep builder types, pastes, steps with arrow keys and
 * clears as a browser input does, and text that is not a number stays visible with a message that
 * says what to enter. userEvent drives Playwright's keyboard and mouse, so these are trusted input
 * events, not synthetic ones (the ε boxes passed synthetic-event tests while typing snapped them back).
 */
import { cleanup, render, screen, within } from '@testing-library/svelte';
import { page, userEvent } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import {
  groupKey,
  presetConfig,
  runConfigSchema,
  validateWith,
  type RunConfig,
  type SweepPlan,
} from '../../src-main/contract';
import { appContext } from '../../src-renderer/lib/context';
import NewRunView from '../../src-renderer/views/new-run/NewRunView.svelte';
import { localRun } from '../support/run-records';
import { scriptedApi, type Handlers } from './scripted-api';

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const box = (id: string) => document.getElementById(id) as HTMLInputElement;
const cfg = (path: string) => box(`cfg-${path.replaceAll('.', '-')}`);
const startButton = () => screen.getByRole('button', { name: /^(Start run|Review)/ }) as HTMLButtonElement;
const errorOf = (id: string) => document.getElementById(`${id}-error`)?.textContent ?? null;

/** Select everything in the focused box and type over it, as a person does. */
async function retype(input: HTMLElement, text: string): Promise<void> {
  await userEvent.click(input);
  await userEvent.keyboard('{Control>}a{/Control}');
  if (text === '') await userEvent.keyboard('{Delete}');
  else await userEvent.keyboard(text);
}

function lab(extra: Handlers = {}) {
  return scriptedApi({
    'config.validate': ({ config }) => {
      const v = validateWith(runConfigSchema, config);
      return v.ok ? { ok: true, config: v.value, hash: 'h', groupKey: groupKey(v.value) } : v;
    },
    'runs.start': ({ config }) => ({
      run: localRun(40, { name: (config as RunConfig).name || 'run', status: 'queued' }),
      control: null,
    }),
    ...extra,
  });
}

function renderNewRun(query: string, handlers: Handlers = {}) {
  const api = lab(handlers);
  render(NewRunView, { props: { query: new URLSearchParams(query) }, context: appContext(api.client) });
  return api;
}

describe('the clip editor with a keyboard', () => {
  it('keeps 0.05 typed into ε_low and 0.28 into ε_high, and starts with them', async () => {
    const api = renderNewRun('preset=gpt-true-sym');
    const low = box('clip-low');
    const high = box('clip-high');

    // Typing after the current value: 0.2 then 5 is 0.25, and it stays.
    await userEvent.click(low);
    await userEvent.keyboard('{End}5');
    expect(low.value).toBe('0.25');
    await userEvent.keyboard('{Backspace}');
    expect(low.value).toBe('0.2');

    // Select all and type a new value.
    await retype(low, '0.05');
    await retype(high, '0.28');
    expect(low.value).toBe('0.05');
    expect(high.value).toBe('0.28');
    // The rest of the editor follows what was typed: the probe table and the readout.
    expect(document.querySelector('[data-direction]')?.getAttribute('data-direction')).toBe('up');
    expect(document.querySelector('svg[data-sign="negative"] [data-region="clip-low"]')?.getAttribute('data-to')).toBe(
      '0.95',
    );

    await userEvent.click(startButton());
    await expect.poll(() => api.callsOf('runs.start').length).toBe(1);
    const [started] = api.callsOf('runs.start');
    expect((started.config as RunConfig).objective).toMatchObject({ clipLow: 0.05, clipHigh: 0.28 });
  });

  it('steps with ArrowUp/ArrowDown (Shift for ten), clears, pastes and keeps bad text with a message', async () => {
    renderNewRun('preset=gpt-true-sym');
    const low = box('clip-low');
    await userEvent.click(low);
    await userEvent.keyboard('{ArrowUp}');
    expect(low.value).toBe('0.21');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(low.value).toBe('0.19');
    await userEvent.keyboard('{Shift>}{ArrowUp}{/Shift}');
    expect(low.value).toBe('0.29');

    // Cleared: the box stays empty and says what to enter; nothing can start.
    await retype(low, '');
    expect(low.value).toBe('');
    expect(errorOf('clip-low')).toBe('Enter a number.');
    expect(startButton().disabled).toBe(true);

    // Not a number: the text stays as typed, with what to enter instead.
    await userEvent.keyboard('0.o5');
    expect(low.value).toBe('0.o5');
    expect(errorOf('clip-low')).toBe('“0.o5” is not a number: enter a number such as 0.05 or 3e-4');
    expect(low.getAttribute('aria-invalid')).toBe('true');
    expect(startButton().disabled).toBe(true);

    // Copy ε_high's text and paste it into ε_low.
    const high = box('clip-high');
    await retype(high, '0.28');
    await userEvent.keyboard('{Control>}a{/Control}');
    await userEvent.copy();
    await userEvent.click(low);
    await userEvent.keyboard('{Control>}a{/Control}');
    await userEvent.paste();
    expect(low.value).toBe('0.28');
    expect(errorOf('clip-low')).toBeNull();
    expect(startButton().disabled).toBe(false);

    // Out of range: the schema's message, in words. Typing passes through 1 (clip-low off) on the way to
    // 1.5, and the box must not lock there.
    await retype(low, '1.5');
    expect(low.value).toBe('1.5');
    await expect
      .poll(() => errorOf('clip-low'))
      .toBe('expected a number from 0 to 1, or off (= 1) for no lower clip, got 1.5');
    const off = within(low.closest('.control') as HTMLElement).getByRole('checkbox', { name: 'ε_low (clip-low) off' });
    await userEvent.click(off);
    expect(low.disabled).toBe(true);
    expect(low.closest('.control')?.textContent).toContain('clip-low off');
    await userEvent.click(off);
    expect(low.disabled).toBe(false);
    // Typing 1 is off too, and the box locks only once it loses focus.
    await retype(low, '1');
    expect(low.disabled).toBe(false);
    await userEvent.keyboard('{Tab}');
    expect(low.disabled).toBe(true);
    expect((within(low.closest('.control') as HTMLElement).getByRole('checkbox') as HTMLInputElement).checked).toBe(
      true,
    );
  });
});

describe('the generated form with a keyboard', () => {
  it('treats "2O" typed in Steps as an error that stays, never as 2', async () => {
    renderNewRun('preset=tabular-random-sym');
    const steps = cfg('steps');
    await retype(steps, '2O');
    expect(steps.value).toBe('2O');
    expect(errorOf('cfg-steps')).toBe('“2O” is not a number: enter a whole number such as 200');
    // The launch panel lists it too, by field, in words.
    await expect
      .poll(() => document.querySelector('.problems')?.textContent ?? '')
      .toContain('steps expected a number, got "2O"');
    expect(startButton().disabled).toBe(true);

    await userEvent.keyboard('{Backspace}0');
    expect(steps.value).toBe('20');
    expect(errorOf('cfg-steps')).toBeNull();
    await userEvent.keyboard('{ArrowUp}');
    expect(steps.value).toBe('21');

    await retype(steps, '0');
    await expect.poll(() => errorOf('cfg-steps')).toBe('expected a number no smaller than 1, got 0');
    await retype(steps, '200');
    expect(startButton().disabled).toBe(false);
  });

  it('steps a small float by its own digits and keeps a half-typed exponent', async () => {
    renderNewRun('preset=gpt-true-sym');
    const lr = cfg('optim.lr');
    const start = presetConfig('gpt-true-sym').optim.lr;
    await userEvent.click(lr);
    await userEvent.keyboard('{ArrowUp}');
    expect(Number(lr.value)).toBeCloseTo(start + 10 ** (Math.floor(Math.log10(start)) - 1), 12);
    await retype(lr, '3e-');
    expect(lr.value).toBe('3e-');
    expect(errorOf('cfg-optim-lr')).toContain('is not a number');
    await userEvent.keyboard('4');
    expect(lr.value).toBe('3e-4');
    expect(errorOf('cfg-optim-lr')).toBeNull();
  });

  it('drives selects, switches, text and nullable numbers with keyboard and mouse', async () => {
    renderNewRun('preset=gpt-true-sym');
    // A kind select by keyboard: the sub-form follows.
    await userEvent.click(cfg('task.kind'));
    await userEvent.selectOptions(cfg('task.kind'), 'sort');
    expect(cfg('task.kind').value).toBe('sort');
    // Text.
    await userEvent.click(cfg('name'));
    await userEvent.keyboard('keyboard run');
    expect(cfg('name').value).toBe('keyboard run');
    // A nullable number: its switch by mouse, then the box by keyboard.
    const context = document.querySelector('[data-path="policy.context"]') as HTMLElement;
    const auto = within(context).getByRole('checkbox', { name: "task's need" });
    await userEvent.click(auto);
    expect(cfg('policy.context').disabled).toBe(false);
    await retype(cfg('policy.context'), '3');
    await expect.poll(() => errorOf('cfg-policy-context')).toMatch(/^expected at least \d+ tokens/);
    await retype(cfg('policy.context'), '64');
    expect(errorOf('cfg-policy-context')).toBeNull();
    await userEvent.click(auto);
    expect(cfg('policy.context').disabled).toBe(true);
  });
});

describe('the launch panel and sweep builder with a keyboard', () => {
  const plan: SweepPlan = {
    cells: [0.2, 0.28, null].flatMap((high) =>
      [1, 2].map((seed) => ({
        values: { 'objective.clipHigh': high },
        seed,
        name: `sweep clipHigh=${high ?? 'off'} seed ${seed}`,
        steps: 200,
        existing: high === 0.2 && seed === 1 ? { id: 9, status: 'completed' as const } : null,
      })),
    ),
    toCreate: 60,
    existing: 1,
    estimate: {
      totalSeconds: 36_000,
      wallSeconds: 18_000,
      parallel: 2,
      estimated: 60,
      unknown: 0,
      baseModels: 0,
      basis: ['60 of 60 runs estimated from 3 run(s) timed on this machine'],
    },
  };

  it('types value lists, seeds and p; reviews the grid and asks before a large queue', async () => {
    // A desktop window: at the test frame's phone width the review dialog's buttons sit outside it.
    await page.viewport(1280, 900);
    const api = renderNewRun('preset=gpt-true-sym', {
      'sweeps.plan': () => plan,
      'sweeps.start': () => ({ ids: [10, 11], runs: [], skipped: [9] }),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Add a swept key' }));
    await userEvent.selectOptions(screen.getByLabelText('Swept key 1'), 'objective.clipHigh');
    const values = screen.getByLabelText('Values of swept key 1') as HTMLInputElement;
    await userEvent.click(values);
    await userEvent.keyboard('0.2, x');
    expect(values.value).toBe('0.2, x');
    expect(document.querySelector('[data-sweep-row="0"] .error')?.textContent).toContain('"x" is not a number');
    await userEvent.keyboard('{Backspace}0.28, off');
    expect(document.querySelector('[data-sweep-row="0"] .values')?.textContent).toBe('0.2, 0.28, off');

    const seeds = box('sweep-seeds');
    await retype(seeds, 'two');
    expect(errorOf('sweep-seeds')).toBe('“two” is not a number: enter a whole number such as 200');
    await retype(seeds, '2');
    await userEvent.keyboard('{ArrowUp}{ArrowDown}');
    expect(seeds.value).toBe('2');

    await userEvent.click(screen.getByRole('checkbox', { name: 'Also run a random-reward control' }));
    const p = box('control-p');
    await retype(p, '1.2');
    expect(errorOf('control-p')).toBe('Enter a probability from 0 to 1.');
    await userEvent.keyboard('{ArrowDown}');
    expect(p.value).toBe('1');
    await retype(p, '0.4');

    await userEvent.click(screen.getByRole('button', { name: 'Review 12 runs…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Review the sweep' });
    expect(api.callsOf('sweeps.start')).toHaveLength(0);
    expect(dialog.textContent).toContain('60 runs to queue');
    expect(dialog.textContent).toContain('about 5.0 h on this machine');
    expect(within(dialog).getByText(/#9/).closest('tr')?.textContent).toContain('completed, skipped');
    // A large queue needs an explicit yes, by mouse.
    const queue = within(dialog).getByRole('button', { name: 'Queue 60 runs' }) as HTMLButtonElement;
    expect(queue.disabled).toBe(true);
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Yes, queue 60 runs/ }));
    expect(queue.disabled).toBe(false);
    await userEvent.click(queue);
    await expect.poll(() => api.callsOf('sweeps.start').length).toBe(1);
    expect(api.callsOf('sweeps.start')[0]).toMatchObject({
      grid: { 'objective.clipHigh': [0.2, 0.28, null] },
      seeds: 2,
      control: true,
      controlP: 0.4,
      skipExisting: true,
    });
  });
});
