/**
 * The Runs table fits a 1280×800 window: with long names, many tags, a control twin, an imported run
 * and a run in progress, no column is pushed out of the table's box, so every row's actions button
 * is fully visible without scrolling sideways; long names are cut with an ellipsis and shown whole on
 * hover. In a narrower window the actions column stays pinned while the others scroll. `cliplab serve` on a temporary database and Debian's Chromium; the screenshot goes to
 * test/screenshots/runs-table-1280.png (and -960.png) for review by eye.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabService } from '../../src-main/lab';
import { saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { seedRun } from '../support/temp-lab';

const LONG_NAME = 'gpt reverse verifier sweep clipLow=0.05 clipHigh=0.28 entropyCoef=0.001 lr=3e-4 seed 12';

let app: E2eApp;

/** Runs whose cells are as wide as real ones get: long names and tags, big numbers, every origin. */
function seedWideRuns(lab: LabService): void {
  const metrics = (steps: number) =>
    Array.from({ length: steps }, (_, step) => [
      { key: 'entropy', step, value: 2.5 - step / 1000 },
      { key: 'eval/acc', step, value: 0.123 },
    ]).flat();
  for (let seed = 1; seed <= 3; seed++) {
    seedRun(lab, {
      name: `${LONG_NAME.replace(/seed \d+$/, '')}seed ${seed}`,
      preset: 'gpt-random-sym',
      seed,
      tags: ['paper', 'figure-2', 'eps-low-ablation', 'long-horizon'],
      backend: 'webgpu',
      metrics: metrics(40),
    });
  }
  const twinOf = seedRun(lab, { name: 'tabular verifier sym', seed: 1234, metrics: metrics(5) });
  const twin = seedRun(lab, {
    name: 'tabular verifier sym · control p=0.4375',
    status: 'running',
    metrics: metrics(3),
  });
  lab.context.store.setControlOf(twin, twinOf);
  // Owned by this live process, so the lab behind the page shows it training (with its progress bar).
  lab.context.store.setRunWorker(twin, process.pid);
  seedRun(lab, { name: 'queued run with a rather long name that goes on', status: 'queued' });
  lab.context.store.transaction(() => {
    const id = lab.context.store.createRun({
      name: 'hanlindu_verl_gsm8k_qwen2.5-7b-instruct_grpo_long_run_name',
      origin: 'imported',
      status: 'completed',
      source: { format: 'verl-console', file: '/logs/train.log', params: {} },
      groupKey: 'import:verl-console:/logs/train.log',
      appVersion: '0.1.0',
    });
    lab.context.store.appendMetrics(id, [{ key: 'entropy', step: 1500, value: 0.42 }]);
  });
}

beforeAll(async () => {
  app = await startE2eApp({ seed: seedWideRuns });
});

afterAll(() => app?.close());

/** The part of an element this file reads (Node's types have no DOM). */
interface BoxLike {
  scrollWidth: number;
  clientWidth: number;
}

/** How far each row's actions button reaches past the table's visible box or the window (0 when inside). */
async function actionsOverflow(page: Page): Promise<{ id: string | null; overflow: number }[]> {
  const frame = (await page.locator('.frame').boundingBox())!;
  const right = Math.min(frame.x + frame.width, page.viewportSize()!.width);
  const rows = await page.locator('tbody tr[data-run-id]').all();
  return Promise.all(
    rows.map(async (row) => {
      const button = (await row.locator('td.actions button').boundingBox())!;
      return { id: await row.getAttribute('data-run-id'), overflow: Math.max(0, button.x + button.width - right) };
    }),
  );
}

describe('the Runs table at 1280×800', () => {
  it('shows every row’s actions button without clipping or sideways scrolling', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${app.serve.url}#/runs`);
    await page.locator('tbody tr[data-run-id]').first().waitFor();
    await saveScreenshot(page, 'runs-table-1280');

    const overflow = await actionsOverflow(page);
    expect(overflow).toHaveLength(7);
    expect(overflow.filter((o) => o.overflow > 0)).toEqual([]);
    const frame = page.locator('.frame');
    const scroll = await frame.evaluate((el) => {
      const box = el as unknown as BoxLike;
      return { scroll: box.scrollWidth, client: box.clientWidth };
    });
    expect(scroll.scroll).toBeLessThanOrEqual(scroll.client);

    // A cut name is still readable whole: on hover, and by the run page it links to.
    const link = page.locator('tbody tr[data-run-id] th a', { hasText: 'hanlindu_verl' });
    expect(await link.getAttribute('title')).toBe('hanlindu_verl_gsm8k_qwen2.5-7b-instruct_grpo_long_run_name');
    // The link's parts (a shared start, the part that differs) each end in an ellipsis when cut.
    const cut = await link.evaluate((el) =>
      Array.from((el as unknown as { children: ArrayLike<BoxLike> }).children).some(
        (part) => part.scrollWidth > part.clientWidth,
      ),
    );
    expect(cut).toBe(true);

    // In a narrower window the columns scroll sideways under the actions, which stay pinned in view.
    await page.setViewportSize({ width: 960, height: 800 });
    expect((await actionsOverflow(page)).filter((o) => o.overflow > 0)).toEqual([]);
    await saveScreenshot(page, 'runs-table-960');

    // The menu opens from the last column and is usable.
    const row = page.locator('tbody tr[data-run-id]').first();
    await row.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).waitFor();
    await page.keyboard.press('Escape');
    await page.close();
  });
});
