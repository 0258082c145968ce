/**
 * Import, follow and export config end to end in web mode: `cliplab serve` on a temporary database
 * and Debian's Chromium. A real verl console log is uploaded through the Import dialog, previewed and
 * imported, and its run page charts its keys; a log on the server is followed while this test appends
 * to it, the new steps reach the page without a reload, and following is stopped; a local run's
 * config is exported as verl overrides and a TRL GRPOConfig. Screenshots go to test/screenshots/.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkedPixels, saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { seedRun } from '../support/temp-lab';

const realLog = (name: string) => path.resolve(import.meta.dirname, '..', 'fixtures', 'real-logs', name);

let app: E2eApp;
let localRunId: number;

const openApp = (hash = '') => app.openApp(hash);
const shoot = (page: Page, name: string) => saveScreenshot(page, name);

const jsonl = (step: number, entropy: number) =>
  `${JSON.stringify({ step, data: { 'actor/entropy': entropy, 'critic/score/mean': 1 - entropy } })}\n`;

beforeAll(async () => {
  app = await startE2eApp({
    seed: (lab) => {
      localRunId = seedRun(lab, { name: 'e2e dapo clip', preset: 'tabular-random-sym' });
    },
  });
});

afterAll(() => app?.close());

describe('import, follow and export config in Chromium', () => {
  it('uploads a real verl console log, previews it, imports it and charts its keys', async () => {
    const page = await openApp('#/runs');
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a training log' });
    await dialog.getByText(/up to 64\.0 MB/).waitFor();
    await dialog.getByLabel('File to upload').setInputFiles(realLog('dstack_verl_demo.log'));

    const preview = dialog.getByRole('region', { name: 'Preview of dstack_verl_demo.log' });
    await preview.waitFor({ timeout: 30_000 });
    const text = await preview.innerText();
    expect(text).toContain('verl console log');
    expect(text).toContain('335 steps, steps 101 to 435');
    expect(text).toContain('68 keys in the file');
    expect(text).toContain('Combined clip fraction only');
    expect(await preview.getByRole('row', { name: 'entropy actor/entropy_loss' }).count()).toBe(1);
    expect(await preview.getByRole('row', { name: 'clip/dual_frac actor/pg_clipfrac_lower' }).count()).toBe(1);
    await shoot(page, 'import-preview');

    await dialog.getByLabel('Run name').fill('dstack verl demo');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForURL(/#\/run\/\d+$/, { timeout: 60_000 });
    await page.getByRole('heading', { level: 1, name: 'dstack verl demo' }).waitFor();
    expect(await page.locator('.facts').innerText()).toContain('imported (verl-console)');
    for (const chart of ['entropy', 'reward', 'clip-fractions', 'kl']) {
      await expect.poll(() => inkedPixels(page, chart), { timeout: 20_000 }).toBeGreaterThan(500);
    }
    await shoot(page, 'import-run');
    await page.close();
  });

  it('names the file and line of a malformed upload and imports nothing', async () => {
    const bad = path.join(app.dir, 'bad.jsonl');
    writeFileSync(bad, jsonl(1, 0.9) + '{"step": "x", "data": {"actor/entropy": 0.8}}\n');
    const page = await openApp('#/runs');
    const rowsBefore = await page.locator('tbody tr[data-run-id]').count();
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a training log' });
    await dialog.getByLabel('File to upload').setInputFiles(bad);
    const error = dialog.locator('[data-error="file"]');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/^bad\.jsonl: line 2: /);
    expect(await dialog.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await shoot(page, 'import-error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('tbody tr[data-run-id]').count()).toBe(rowsBefore);
    await page.close();
    // The refused preview is the browser's one logged error here (a 400 answer); nothing else went wrong.
    // The console message can land after the page closed on a loaded machine: wait for it.
    await expect.poll(() => app.pageErrors.length).toBeGreaterThan(0);
    expect(app.pageErrors.splice(0)).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });

  it('follows a log the test keeps writing: new steps appear without a reload, then stops', async () => {
    const log = path.join(app.dir, 'job-17', 'train.jsonl');
    mkdirSync(path.dirname(log));
    writeFileSync(log, jsonl(1, 0.9) + jsonl(2, 0.8));

    const page = await openApp('#/runs');
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a training log' });
    await dialog.getByText('Path on the server').click();
    await dialog.getByLabel('File path').fill(log);
    await dialog.getByLabel('Keep following while the trainer writes').check();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByRole('region', { name: `Preview of ${log}` }).waitFor();
    expect(await dialog.getByRole('region').innerText()).toContain('2 steps, steps 1 to 2');
    await shoot(page, 'follow-dialog');
    await dialog.getByRole('button', { name: 'Follow', exact: true }).click();
    await page.waitForURL(/#\/run\/\d+$/);
    const runId = Number(/#\/run\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('heading', { level: 1, name: 'train', exact: true }).waitFor();

    const facts = page.locator('.facts');
    await expect.poll(() => facts.innerText()).toContain(`following ${log}`);
    expect(await facts.innerText()).toContain('running');
    // The final entropy, in the 4 significant digits every view shows it with.
    await expect.poll(() => page.locator('.latest dd').first().innerText()).toBe('0.8');

    // Written after following started: reaches the open page through events only, and the charts
    // fetch just the new steps (runs.series from the last step shown).
    let reloaded = false;
    page.on('framenavigated', () => (reloaded = true));
    const chartSteps: number[][] = [];
    page.on('response', (res) => {
      if (!res.url().endsWith('/api/runs.series')) return;
      const args = res.request().postDataJSON() as { id: number; keys: string[]; from?: number };
      if (args.id !== runId || args.from === undefined || !args.keys.includes('entropy')) return;
      void res.json().then((series: { key: string; steps: number[] }[]) => {
        chartSteps.push(series.find((s) => s.key === 'entropy')?.steps ?? []);
      });
    });
    appendFileSync(log, jsonl(3, 0.6) + jsonl(4, 0.45));
    await expect.poll(() => page.locator('.latest dd').first().innerText(), { timeout: 20_000 }).toBe('0.45');
    await expect.poll(() => chartSteps.flat(), { timeout: 20_000 }).toEqual(expect.arrayContaining([3, 4]));
    await expect.poll(() => inkedPixels(page, 'entropy'), { timeout: 20_000 }).toBeGreaterThan(500);
    expect(reloaded).toBe(false);
    // The charts publish new points at most every 400 ms; let the last publish land before the picture.
    await page.waitForTimeout(1000);
    await shoot(page, 'follow-live');

    await page.getByRole('button', { name: 'Stop following' }).click();
    await expect.poll(() => facts.innerText()).toContain('completed');
    expect(await facts.innerText()).not.toContain('following');
    appendFileSync(log, jsonl(5, 0.3));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('completed');
    expect(await row.innerText()).toMatch(/\b0\.45\b/);
    await shoot(page, 'follow-stopped-runs');
    await page.close();
  });

  it('exports a local run config as verl overrides and a TRL GRPOConfig', async () => {
    const page = await openApp(`#/run/${localRunId}`);
    await page.getByRole('button', { name: 'Export config…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export config · e2e dapo clip' });
    const verl = dialog.locator('pre[data-target="verl"]');
    await verl.waitFor();
    const overrides = await verl.innerText();
    expect(overrides).toContain('python3 -m verl.trainer.main_ppo');
    expect(overrides).toContain('actor_rollout_ref.actor.clip_ratio_low=0.2');
    expect(overrides).toContain('actor_rollout_ref.actor.clip_ratio_high=0.2');
    expect(overrides).toContain('# No counterpart in verl:');
    await shoot(page, 'export-config');
    await dialog.getByRole('tab', { name: 'TRL' }).click();
    expect(await dialog.locator('pre[data-target="trl"]').innerText()).toContain('config = GRPOConfig(');

    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('e2e-dapo-clip-grpo_config.py');
    await page.close();
    expect(app.pageErrors).toEqual([]);
  });
});
