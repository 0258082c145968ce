/**
 * Issue 14 end to end, in web mode: `cliplab serve` on a temporary database and Debian's Chromium,
 * driven with Playwright's keyboard and mouse (trusted input events). The clip editor's ε boxes take
 * typing and start a run with what was typed; a sweep reviews its grid, skips the cell that exists and
 * estimates its time from the step times measured here; the Import dialog says which diagnostics a
 * log can feed; the Export dialog's number boxes type, clear and step; and one run's summary numbers
 * read the same in Runs, Run, Compare and Diagnostics.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatNumber,
  METRIC,
  presetConfig,
  type ApiArgs,
  type ApiMethod,
  type ApiResult,
  type RunConfig,
} from '../../src-main/contract';
import { createLocalRun, setRunStatus } from '../../src-main/lab';
import { saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { apiCall } from '../support/http-client';

const realLog = (name: string) => path.resolve(import.meta.dirname, '..', 'fixtures', 'real-logs', name);
/** A real TRL 1.16 GRPOTrainer console log, entropy logged every 10 steps (test/fixtures/trl-sparse). */
const sparseTrlLog = path.resolve(import.meta.dirname, '..', 'fixtures', 'trl-sparse', 'grpo_console.log');

/** A bandit small enough to train in seconds on the pure-JS backend. */
const tiny: RunConfig = {
  ...presetConfig('tabular-random-sym'),
  name: 'e2e timed',
  steps: 6,
  backend: 'cpu',
  task: { kind: 'bandit', prompts: 16, actions: 8, correct: 1, seed: 7 },
  rollout: { ...presetConfig('tabular-random-sym').rollout, prompts: 16, groupSize: 4 },
  eval: { every: 0, prompts: 16, k: 4 },
  log: { samplesPerStep: 1, checkpointEvery: 0 },
};

let app: E2eApp;
let timedId: number;
let summaryId: number;

async function api<K extends ApiMethod>(method: K, args: ApiArgs<K>): Promise<ApiResult<K>> {
  const res = await apiCall(app.serve.port, app.serve.token, method, args);
  if (res.status !== 200) throw new Error(`${method} answered ${res.status}: ${res.text}`);
  return res.json() as ApiResult<K>;
}

/** Clicks into a box, selects all and types over it with the keyboard (nothing typed: Delete). */
async function retype(page: Page, box: Locator, text: string): Promise<void> {
  await box.click();
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.type(text);
}

beforeAll(async () => {
  app = await startE2eApp({
    env: { CLIPLAB_MAX_RUNS: '1' },
    seed: (lab) => {
      // A finished run of the tiny config whose steps took 0.25 s: the sweep's cost basis and one cell.
      timedId = createLocalRun(lab.context, tiny).id;
      setRunStatus(lab.context, timedId, 'running', { backend: 'cpu' });
      const times = Array.from({ length: tiny.steps }, (_, step) => ({ key: METRIC.timeStep, step, value: 0.25 }));
      lab.context.store.appendMetrics(timedId, times);
      setRunStatus(lab.context, timedId, 'completed');
      // A run with a sparse entropy log ending in NaN, for the summary numbers.
      summaryId = createLocalRun(lab.context, { ...tiny, name: 'e2e summary', seed: 9 }).id;
      setRunStatus(lab.context, summaryId, 'running', { backend: 'cpu' });
      const steps = [0, 10, 20, 35, 40, 50, 60, 61];
      lab.context.store.bulkInsertSeries(summaryId, [
        { key: METRIC.entropy, steps, values: [2.1, 1.4, 0.9, 0.5, 0.15, 0.12, 0.1234567, null] },
      ]);
      setRunStatus(lab.context, summaryId, 'completed');
    },
  });
});

afterAll(() => app?.close());

describe('issue 14 in Chromium, with keyboard and mouse', () => {
  // First, while the seeded run is the only one timed on this machine.
  it('reviews a sweep: its grid, the cell that exists (skipped), the time measured here, then queues the rest', async () => {
    const before = (await api('runs.list', {})).length;
    const page = await app.openApp(`#/new?from=${timedId}`);
    await page.getByText(/Starting from the config of run/).waitFor();
    await page.getByRole('button', { name: 'Add a swept key' }).click();
    await page.getByLabel('Swept key 1', { exact: true }).focus();
    await page.getByLabel('Swept key 1', { exact: true }).selectOption('objective.clipLow');
    await page.getByLabel('Values of swept key 1', { exact: true }).click();
    await page.keyboard.type('0.2, 0.1');
    await page.getByRole('button', { name: 'Review 2 runs…' }).click();

    const review = page.getByRole('dialog', { name: 'Review the sweep' });
    await review.getByText('1 run to queue').waitFor();
    const text = await review.innerText();
    // By hand: one new run of 6 steps at the 0.25 s per step the seeded run measured: 1.5 s.
    expect(text).toContain('about 2 s on this machine');
    expect(text).toContain('median 0.25 s per training step');
    expect(await review.locator(`tr[data-existing="${timedId}"]`).innerText()).toContain('completed, skipped');
    await saveScreenshot(page, 'issue14-sweep-review');
    await review.getByRole('button', { name: 'Queue 1 run' }).click();
    await page.waitForURL(/#\/runs$/);
    const after = await api('runs.list', {});
    expect(after.length).toBe(before + 1);
    const created = after.find((r) => !r.name.startsWith('e2e') && r.origin === 'local')!;
    expect(created.origin === 'local' && created.config.objective.clipLow).toBe(0.1);
    await page.close();
  });

  it('keeps 0.05 typed into ε_low and 0.28 into ε_high, and starts the run with them', async () => {
    const page = await app.openApp(`#/new?from=${timedId}`);
    await page.getByText(/Starting from the config of run/).waitFor();
    const low = page.getByRole('spinbutton', { name: 'ε_low (clip-low)' });
    const high = page.getByRole('spinbutton', { name: 'ε_high (clip-high)' });
    await low.click();
    await page.keyboard.press('End');
    await page.keyboard.type('5');
    expect(await low.inputValue()).toBe('0.25');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('ArrowUp');
    expect(await low.inputValue()).toBe('0.21');
    await retype(page, low, '0.05');
    await retype(page, high, '0.28');
    await page.keyboard.press('Tab');
    expect([await low.inputValue(), await high.inputValue()]).toEqual(['0.05', '0.28']);
    expect(await page.locator('[data-direction]').getAttribute('data-direction')).toBe('up');

    await retype(page, page.locator('#cfg-name'), 'e2e typed eps');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/run\/\d+$/);
    const id = Number(/#\/run\/(\d+)$/.exec(page.url())![1]);
    const run = await api('runs.get', { id });
    expect(run.origin === 'local' && run.config.objective).toMatchObject({ clipLow: 0.05, clipHigh: 0.28 });
    await page.close();
  });

  it('says what to enter for "2O" in Steps, and keeps the text until it is fixed', async () => {
    const page = await app.openApp(`#/new?from=${timedId}`);
    await page.getByText(/Starting from the config of run/).waitFor();
    const steps = page.locator('#cfg-steps');
    await retype(page, steps, '2O');
    expect(await steps.inputValue()).toBe('2O');
    expect(await page.locator('#cfg-steps-error').innerText()).toBe(
      '“2O” is not a number: enter a whole number such as 200',
    );
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await retype(page, steps, '');
    expect(await page.locator('#cfg-steps-error').innerText()).toBe('Enter a whole number.');
    await page.keyboard.type('6');
    await expect.poll(() => page.locator('#cfg-steps-error').count()).toBe(0);
    await saveScreenshot(page, 'issue14-new-run-typed');
    await page.close();
  });

  it('previews what a log can feed: no entropy key in a verl file means no collapse diagnosis', async () => {
    const page = await app.openApp('#/runs');
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a training log' });
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      dialog.getByLabel('File to upload').click(),
    ]);
    await chooser.setFiles(realLog('hanlindu_verl_gsm8k.jsonl'));
    const preview = dialog.getByRole('region', { name: 'Preview of hanlindu_verl_gsm8k.jsonl' });
    await preview.waitFor({ timeout: 30_000 });
    const collapse = preview.locator('li[data-diagnostic="collapse"]');
    expect(await collapse.getAttribute('data-status')).toBe('missing');
    expect(await collapse.innerText()).toContain('the file has no entropy (Entropy (nats))');
    expect(await preview.locator('li[data-diagnostic="clip"]').getAttribute('data-status')).toBe('partial');
    await dialog.getByLabel('Run name').click();
    await page.keyboard.type('gsm8k by keyboard');
    await saveScreenshot(page, 'issue14-import-coverage');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForURL(/#\/run\/\d+$/, { timeout: 60_000 });
    await page.getByRole('heading', { level: 1, name: 'gsm8k by keyboard' }).waitFor();
    // Its "Clipped tokens" chart names metric and run, and draws verl's combined fraction by meaning.
    // (the file's pg_clipfrac 0.468 at step 3 is clip/frac; its pg_clipfrac_lower 0.012 the dual clip).
    const chart = page.locator('[data-chart="clip-fractions"]');
    await chart.waitFor();
    expect(await chart.getAttribute('data-metrics')).toBe('clip/frac clip/dual_frac');
    expect(await chart.getByRole('application').getAttribute('aria-label')).toMatch(
      /^Clipped tokens of run \d+: Clip fraction \(both sides\), Dual-clip fraction$/,
    );
    await page.close();
  });

  it("types, clears and steps the Export dialog's number boxes", async () => {
    const page = await app.openApp(`#/compare?runs=${summaryId}&metrics=entropy`);
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: /Export figure/ });
    await dialog.waitFor();
    await dialog.getByLabel('Custom').click();
    const width = dialog.getByRole('spinbutton', { name: 'Width (in)' });
    await retype(page, width, 'wide');
    expect(await width.inputValue()).toBe('wide');
    expect(await dialog.locator('#figure-width-error').innerText()).toContain('“wide” is not a number');
    expect(await dialog.getByRole('button', { name: 'Save PDF' }).isDisabled()).toBe(true);
    await retype(page, width, '3.5');
    await page.keyboard.press('ArrowUp');
    expect(await width.inputValue()).toBe('3.55');
    const font = dialog.getByRole('spinbutton', { name: 'Font size (pt)' });
    await retype(page, font, '');
    expect(await dialog.locator('#figure-fontSize-error').count()).toBe(0);
    await retype(page, font, '100');
    await expect.poll(() => dialog.locator('#figure-fontSize-error').innerText()).toMatch(/no larger than 48, got 100/);
    await retype(page, font, '9');
    expect(await dialog.getByRole('button', { name: 'Save PDF' }).isDisabled()).toBe(false);
    await saveScreenshot(page, 'issue14-export-numbers', false);
    await page.keyboard.press('Escape');
    await page.close();
  });

  it("reads one run's summary numbers the same in Runs, Run, Compare and Diagnostics", async () => {
    // By hand: the last logged entropy that is a number is step 60's 0.1234567 (step 61 is NaN); the
    // first is 2.1; below 0.21 to stay from step 40 (0.15), after step 35.
    const final = formatNumber(0.1234567);
    const runs = await app.openApp('#/runs');
    const row = runs.locator(`tr[data-run-id="${summaryId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(final);
    await runs.close();

    const run = await app.openApp(`#/run/${summaryId}`);
    expect(await run.locator('dl.latest dd').first().innerText()).toBe(final);
    await run.close();

    const compare = await app.openApp(`#/compare?runs=${summaryId}&metrics=entropy`);
    const cell = (stat: string) =>
      compare.locator(`tr[data-series="run:${summaryId}"] td[data-metric="entropy"][data-stat="${stat}"]`);
    await cell('final').waitFor();
    expect([await cell('start').innerText(), await cell('final').innerText()]).toEqual([formatNumber(2.1), final]);
    await expect.poll(() => compare.locator('td[data-stat="collapse"]').innerText()).toBe('step 40');
    await compare.close();

    const diagnostics = await app.openApp(`#/diagnostics?runs=${summaryId}`);
    const numbers = diagnostics.locator('dl[aria-label="Collapse numbers"]');
    await numbers.waitFor();
    const text = await numbers.innerText();
    expect(text).toContain(`Start entropy\n${formatNumber(2.1)}`);
    expect(text).toContain(`Final entropy\n${final}`);
    expect(text).toContain('Collapse step\nstep 40 (between steps 35 and 40)');
    // A collapsed run shows no trailing-trend statistic beside its red badge.
    expect(text).not.toContain('Δ ln H');
    await saveScreenshot(diagnostics, 'issue14-diagnostics-collapse', true);
    await diagnostics.close();
  });

  it('dates a real sparse TRL log where its entropy falls below a tenth of its first value', async () => {
    const { run } = await api('imports.fromPath', { path: sparseTrlLog, name: 'trl sparse' });
    const page = await app.openApp(`#/diagnostics?runs=${run.id}`);
    const numbers = page.locator('dl[aria-label="Collapse numbers"]');
    await numbers.waitFor();
    const text = await numbers.innerText();
    // By hand (test/lab/diagnostics/sparse-logs.test.ts reads the file): 3.758 at step 10, a tenth is
    // 0.3758; step 50 logged 0.5786 and step 60 0.1456, with every later point lower.
    expect(text).toContain(`Start entropy\n${formatNumber(3.758)}`);
    expect(text).toContain('Collapse step\nstep 60 (between steps 50 and 60)');
    const length = page.locator('li[data-signal="length-collapse"]');
    expect(await length.innerText()).toContain('20 steps before entropy collapsed');
    expect(await length.innerText()).toContain('key completions/mean_length');
    expect(await page.locator('li[data-signal="reward-saturation"]').count()).toBe(1);
    await page.close();
  });
});
