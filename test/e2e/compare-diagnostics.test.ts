/**
 * Compare, Diagnostics and the Export dialog end to end, on runs the trainer really made: `cliplab
 * serve` as a child process on a temporary database, a 2 x 2 clip sweep (eps_low 0.2 / 0.1 x eps_high
 * 0.2 / off, two seeds each) and a verifier-reward run started through the API, and Debian's Chromium
 * reading the views. Expected numbers are read back from the lab's API, never assumed. Every view
 * and dialog is saved as a screenshot under test/screenshots/ for review by eye.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  differingKeys,
  formatMeanStd,
  presetConfig,
  type ApiArgs,
  type ApiMethod,
  type ApiResult,
  type RunRecord,
} from '../../src-main/contract';
import { inkShare, saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { apiCall } from '../support/http-client';

const STEPS = 60;

let app: E2eApp;
let sweep: RunRecord[];
let verifierRun: RunRecord;

async function api<K extends ApiMethod>(method: K, args: ApiArgs<K>): Promise<ApiResult<K>> {
  const res = await apiCall(app.serve.port, app.serve.token, method, args);
  if (res.status !== 200) throw new Error(`${method} answered ${res.status}: ${res.text}`);
  return res.json() as ApiResult<K>;
}

/** Waits until every run has finished training; a failed run fails the test with its error. */
async function finished(ids: number[]): Promise<RunRecord[]> {
  for (let i = 0; i < 1200; i++) {
    const runs = (await api('runs.list', {})).filter((r) => ids.includes(r.id));
    const failed = runs.find((r) => ['failed', 'diverged', 'cancelled'].includes(r.status));
    if (failed) throw new Error(`run ${failed.id} ${failed.status}: ${failed.error}`);
    if (runs.length === ids.length && runs.every((r) => r.status === 'completed')) {
      return ids.map((id) => runs.find((r) => r.id === id)!);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`runs ${ids.join(', ')} did not finish`);
}

async function stored(id: number, key: string): Promise<number[]> {
  const [series] = await api('runs.series', { id, keys: [key] });
  return series.values.filter((v): v is number => v !== null);
}

const openApp = (route: string) => app.openApp(route, { acceptDownloads: true });

/** A modal dialog is shot as the window shows it; a view as its whole page. */
const screenshot = (page: Page, name: string, fullPage = true) => saveScreenshot(page, name, fullPage);

const cellOf = (low: number, high: number | null, seed: number) =>
  sweep.find(
    (r) =>
      r.origin === 'local' &&
      r.config.objective.clipLow === low &&
      r.config.objective.clipHigh === high &&
      r.config.seed === seed,
  )!;

beforeAll(async () => {
  app = await startE2eApp();
  const base = { ...presetConfig('tabular-random-sym'), steps: STEPS };
  const started = await api('sweeps.start', {
    config: base,
    grid: { 'objective.clipLow': [0.2, 0.1], 'objective.clipHigh': [0.2, null] },
    seeds: 2,
    name: 'e2e sweep',
  });
  // A seed no sweep run has: the sweep's Bernoulli runs would otherwise already be its control.
  const verifier = { ...base, seed: 7, reward: { kind: 'verifier' as const } };
  const { run } = await api('runs.start', { config: verifier, name: 'e2e verifier' });
  sweep = await finished(started.ids);
  [verifierRun] = await finished([run.id]);
}, 170_000);

afterAll(() => app?.close());

describe('Compare in Chromium', () => {
  it('draws two runs, diffs only the keys that differ, and summarises the stored series', async () => {
    const [a, b] = [cellOf(0.2, 0.2, 1), cellOf(0.1, null, 1)];
    const page = await openApp(`#/compare?runs=${a.id},${b.id}&metrics=entropy`);
    const canvas = '.chart-card canvas';
    await page.locator(canvas).waitFor();
    await expect.poll(() => inkShare(page, canvas), { timeout: 10_000 }).toBeGreaterThan(0.02);

    const expected = differingKeys([a.config, b.config], { ignore: ['name', 'log'] });
    expect(expected).toEqual(['objective.clipLow', 'objective.clipHigh']);
    const rows = page.locator('tr[data-key]');
    expect(await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-key')))).toEqual(expected);
    expect(await page.locator('tr[data-key="objective.clipHigh"] td').allInnerTexts()).toEqual(['0.2', 'off']);

    for (const run of [a, b]) {
      const values = await stored(run.id, 'entropy');
      expect(values).toHaveLength(STEPS);
      const cell = (stat: string) =>
        page.locator(`tr[data-series="run:${run.id}"] td[data-metric="entropy"][data-stat="${stat}"]`).innerText();
      expect(await cell('final')).toBe(formatMeanStd(values[values.length - 1], null));
      expect(await cell('peak')).toBe(formatMeanStd(Math.max(...values), null));
      expect(await cell('min')).toBe(formatMeanStd(Math.min(...values), null));
    }
    // The collapse column comes from the diagnostics of each run.
    const [diagnosis] = await api('diagnostics.run', { ids: [a.id] });
    const collapse = page.locator(`tr[data-series="run:${a.id}"] td[data-stat="collapse"]`);
    await expect.poll(() => collapse.innerText()).not.toBe('…');
    if (diagnosis.collapse.status === 'ok') {
      const step = diagnosis.collapse.collapseStep;
      expect(await collapse.innerText()).toBe(step === null ? `none (${diagnosis.collapse.verdict})` : `step ${step}`);
    }
    await screenshot(page, 'compare');
    await page.close();
  });

  it('follows a run while it trains, without reloading the page', async () => {
    // Long enough to be watched while it trains; the exact attribution only now and then (it is not under test here).
    const base = presetConfig('tabular-random-sym');
    const config = { ...base, steps: 400, seed: 11, attribution: { ...base.attribution, every: 100 } };
    const { run } = await api('runs.start', { config, name: 'e2e live' });
    const page = await openApp(`#/compare?runs=${run.id}&metrics=entropy`);
    await page.evaluate('window.__stillHere = true');
    const final = page.locator(`tr[data-series="run:${run.id}"] td[data-stat="final"]`);
    const stepOf = async () => Number((await final.getAttribute('title'))?.replace('step ', '') || -1);
    await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThanOrEqual(0);
    const first = await stepOf();
    await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThan(first);
    await finished([run.id]);
    await expect.poll(stepOf, { timeout: 20_000 }).toBe(config.steps - 1);
    const values = await stored(run.id, 'entropy');
    expect(await final.innerText()).toBe(formatMeanStd(values[values.length - 1], null));
    expect(await page.evaluate('window.__stillHere')).toBe(true);
    await page.close();
  });

  it('says what to do when nothing is selected', async () => {
    const page = await openApp('#/compare');
    await page.getByRole('heading', { name: 'Pick runs to compare' }).waitFor();
    await screenshot(page, 'compare-empty');
    await page.goto(`${app.serve.url}#/diagnostics`);
    await page.getByRole('heading', { name: 'Pick runs to diagnose' }).waitFor();
    await screenshot(page, 'diagnostics-empty');
    await page.close();
  });

  it('groups seeds into bands and shows the sweep heatmap with values and n', async () => {
    const ids = sweep.map((r) => r.id).join(',');
    const page = await openApp(`#/compare?runs=${ids}&metrics=entropy,clip/high_frac&group=1`);
    await page.locator('.chart-card canvas').waitFor();
    await expect.poll(() => page.locator('tr[data-series^="group:"]').count()).toBe(4);
    await expect.poll(() => page.locator('td.cell').count()).toBe(4);
    for (const [low, high, x, y] of [
      [0.2, 0.2, '0.2', '0.2'],
      [0.1, null, '0.1', 'off'],
    ] as const) {
      const finals = await Promise.all(
        [1, 2].map(async (seed) => (await stored(cellOf(low, high, seed).id, 'entropy')).at(-1)!),
      );
      const cell = page.locator(`td.cell[data-x="${x}"][data-y="${y}"]`);
      expect(await cell.locator('.value').innerText()).toBe(formatMeanStd((finals[0] + finals[1]) / 2, null));
      expect(await cell.locator('.n').innerText()).toBe('n = 2');
    }
    // The diff of groups leaves seeds out: only the swept keys.
    expect(await page.locator('tr[data-key]').evaluateAll((all) => all.map((r) => r.getAttribute('data-key')))).toEqual(
      ['objective.clipLow', 'objective.clipHigh'],
    );
    await screenshot(page, 'compare-groups');
    await page.close();
  });

  it('opens the Export dialog with a true-size preview, downloads a PDF and the data, and saves the figure', async () => {
    const [a, b] = [cellOf(0.2, 0.2, 1), cellOf(0.2, 0.2, 2)];
    const page = await openApp(`#/compare?runs=${a.id},${b.id}&metrics=entropy&group=1`);
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: /Export figure/ });
    await dialog.waitFor();
    const preview = 'dialog .page-area canvas';
    await page.locator(preview).waitFor();
    await expect.poll(() => inkShare(page, preview)).toBeGreaterThan(0.02);
    // Single column: 3.25 in = 312 CSS px at 96 px per inch.
    expect((await page.locator(preview).boundingBox())!.width).toBeCloseTo(312, 0);
    await dialog.getByLabel('Title').fill('Entropy, eps 0.2 / 0.2');
    await dialog.getByLabel(/^Legend name/).fill('eps 0.2 / 0.2, 2 seeds');
    await screenshot(page, 'export-dialog', false);

    const download = async (button: string) => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('button', { name: button }).click(),
      ]);
      return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
    };
    const pdf = await download('Save PDF');
    expect(pdf.name).toBe('entropy-eps-0-2-0-2.pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await download('Export CSV');
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.bytes.toString('utf8')).toContain('entropy');

    await dialog.getByLabel('Figure name').fill('entropy sym seeds');
    await dialog.getByRole('button', { name: 'Save figure' }).click();
    await dialog.getByText('entropy sym seeds', { exact: true }).waitFor();
    const saved = await api('figures.list', {});
    expect(saved.map((f) => [f.name, f.spec.title, f.spec.groupSeeds, Object.values(f.spec.labels)])).toEqual([
      ['entropy sym seeds', 'Entropy, eps 0.2 / 0.2', true, ['eps 0.2 / 0.2, 2 seeds']],
    ]);
    await page.close();
  });
});

describe('Diagnostics in Chromium', () => {
  it('shows a run’s verdict with the numbers that decided it, and the clip balance', async () => {
    const a = cellOf(0.2, 0.2, 1);
    const [diagnosis] = await api('diagnostics.run', { ids: [a.id] });
    const page = await openApp(`#/diagnostics?runs=${a.id}`);
    await page.getByRole('heading', { name: 'Entropy collapse' }).waitFor({ timeout: 20_000 });
    if (diagnosis.collapse.status === 'ok') {
      expect((await page.locator('.verdict').first().innerText()).toLowerCase()).toBe(diagnosis.collapse.verdict);
      await page.getByText(diagnosis.collapse.decidedBy).waitFor();
    }
    await page.getByText(diagnosis.clip.summary).first().waitFor();
    // Both cards name the attribution and where it was computed, and tell one story: the theory
    // check's clipping share is the clip balance's net drift.
    expect(diagnosis.attribution.method).toBe('exact');
    expect(await page.getByText(diagnosis.attribution.note).count()).toBe(2);
    // A value as shown, without the hint read to screen readers after its comma.
    const shown = async (card: string, label: RegExp) => {
      const section = page.locator('section', { has: page.getByRole('heading', { name: card }) });
      const item = section.locator('.item', { has: page.locator('dt', { hasText: label }) });
      return (await item.locator('dd').innerText()).split(',')[0];
    };
    const net = await shown('Clip balance', /^Net clip drift$/);
    expect(await shown('Theory check: predicted vs measured', /^Net clip drift \(cum\.\)$/)).toBe(net);
    await screenshot(page, 'diagnostics-run');
    await page.close();
  });

  it('launches a random-reward control for a verifier run and then splits its entropy change', async () => {
    const page = await openApp(`#/diagnostics?runs=${verifierRun.id}`);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Random-reward control' }) });
    await card.waitFor({ timeout: 20_000 });
    await card.getByRole('button', { name: 'Launch random-reward control' }).click();
    await card.getByText(/Queued control/).waitFor();
    const control = (await api('runs.list', {})).find((r) => r.id > verifierRun.id && r.name !== verifierRun.name)!;
    await finished([control.id]);
    // The view re-reads the diagnosis once the control has finished: the split appears without a reload.
    await card.getByText('Reward-driven').waitFor({ timeout: 30_000 });
    await screenshot(page, 'diagnostics-control');
    await page.close();
  });

  it('aggregates seed groups and compares two of them', async () => {
    const a = [cellOf(0.2, 0.2, 1), cellOf(0.2, 0.2, 2)].map((r) => r.id);
    const b = [cellOf(0.1, null, 1), cellOf(0.1, null, 2)].map((r) => r.id);
    const page = await openApp(`#/diagnostics?runs=${[...a, ...b].join(',')}&tab=groups`);
    await page.getByRole('heading', { name: 'Compare two groups' }).waitFor({ timeout: 20_000 });
    const { comparison } = await api('diagnostics.compare', { a, b });
    const test = comparison.tests.find((t) => t.scalar === 'entropy.final')!;
    const row = page.locator('.comparison tr[data-scalar="entropy.final"] td');
    // The table re-renders while the groups' diagnoses arrive: read it until it settles.
    await expect
      .poll(async () => (await row.allInnerTexts()).slice(0, 2), { timeout: 20_000 })
      .toEqual([
        `${formatMeanStd(test.a.mean, test.a.std)} (${test.a.n})`,
        `${formatMeanStd(test.b.mean, test.b.std)} (${test.b.n})`,
      ]);
    expect(await page.getByText(comparison.warnings[0] ?? '').count()).toBeGreaterThan(0);
    await screenshot(page, 'diagnostics-groups');
    await page.close();
    expect(app.pageErrors).toEqual([]);
  });
});
