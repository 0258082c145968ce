/**
 * Zoom, pan, reset and linked x of the Run view's charts with Chromium's real mouse and keyboard, in
 * web mode (`cliplab serve` on a temporary database). The run is a real verl console log (steps 101
 * to 435) imported through the API; every range is read back from the page's own readout, and the
 * charts of the run must always show the same one. A zoomed chart is saved under test/screenshots/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../src-main/contract';
import { inkedPixels, saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { apiCall } from '../support/http-client';

const LOG = path.resolve(import.meta.dirname, '..', 'fixtures', 'real-logs', 'dstack_verl_demo.log');
const [FIRST_STEP, LAST_STEP] = [101, 435];
const CHARTS = ['entropy', 'kl'];

let app: E2eApp;
let runId: number;

interface Range {
  min: number;
  max: number;
}

/** The x range a chart's readout shows ("Step 180.2 – 310"); null when it shows all of its data. */
async function rangeOf(page: Page, chart: string): Promise<Range | null> {
  const readout = page.locator(`[data-chart="${chart}"] .range`);
  if ((await readout.count()) === 0) return null;
  const text = (await readout.innerText()).replace(/,/g, '');
  const m = /(-?[\d.]+(?:e[+-]?\d+)?)\s*–\s*(-?[\d.]+(?:e[+-]?\d+)?)/.exec(text);
  if (!m) throw new Error(`unreadable range readout: ${text}`);
  return { min: Number(m[1]), max: Number(m[2]) };
}

const width = (r: Range) => r.max - r.min;

/** Every chart of the run shows `expected` (linked x); returns it. */
async function linkedRange(page: Page, expected: Range | null): Promise<Range | null> {
  for (const chart of CHARTS) await expect.poll(() => rangeOf(page, chart)).toEqual(expected);
  return expected;
}

/** The plot box of a chart, in page pixels. */
async function plotBox(page: Page, chart: string) {
  const box = await page.locator(`[data-chart="${chart}"] .plot`).boundingBox();
  if (!box) throw new Error(`chart ${chart} has no plot on the page`);
  return box;
}

beforeAll(async () => {
  app = await startE2eApp();
  const content = readFileSync(LOG).toString('base64');
  const res = await apiCall(app.serve.port, app.serve.token, 'imports.fromContent', {
    fileName: path.basename(LOG),
    contentBase64: content,
    name: 'verl zoom',
  });
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${res.text}`);
  runId = (res.json() as ImportResult).run.id;
});

afterAll(() => app?.close());

describe('zoomable charts with a real mouse and keyboard', () => {
  it('drag and Alt+wheel zoom, Shift+drag pans, linked across the run, and Reset shows all again', async () => {
    const page = await app.openApp(`#/run/${runId}`);
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.reload();
    for (const chart of CHARTS) {
      await expect.poll(() => inkedPixels(page, chart), { timeout: 30_000 }).toBeGreaterThan(500);
      expect(await rangeOf(page, chart)).toBeNull();
    }
    // The figures came from the figure worker (the built app's own file, admitted by the CSP).
    expect(warnings.filter((w) => w.includes('figure worker'))).toEqual([]);
    expect(
      await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /figure-worker/.test(e.name))),
    ).toBe(true);
    const box = await plotBox(page, 'entropy');
    await page.locator('[data-chart="entropy"]').scrollIntoViewIfNeeded();
    const y = box.y + box.height / 2;

    // A drag over the middle of the plot zooms x to what it covered.
    await page.mouse.move(box.x + box.width * 0.45, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => rangeOf(page, 'entropy')).not.toBeNull();
    const dragged = (await linkedRange(page, await rangeOf(page, 'entropy')))!;
    expect(dragged.min).toBeGreaterThan(FIRST_STEP);
    expect(dragged.max).toBeLessThan(LAST_STEP);
    expect(width(dragged)).toBeLessThan(0.5 * (LAST_STEP - FIRST_STEP));
    await saveScreenshot(page, 'chart-zoomed');

    // The wheel alone scrolls the page; with Alt held it zooms in about the pointer.
    await page.mouse.move(box.x + box.width * 0.6, y);
    await page.mouse.wheel(0, 120);
    await new Promise((r) => setTimeout(r, 300));
    expect(await rangeOf(page, 'entropy')).toEqual(dragged);
    const moved = await plotBox(page, 'entropy');
    await page.mouse.move(moved.x + moved.width * 0.6, moved.y + moved.height / 2);
    await page.keyboard.down('Alt');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Alt');
    await expect.poll(async () => width((await rangeOf(page, 'entropy'))!)).toBeLessThan(width(dragged));
    const wheeled = (await linkedRange(page, await rangeOf(page, 'entropy')))!;
    expect(wheeled.min).toBeGreaterThanOrEqual(dragged.min);
    expect(wheeled.max).toBeLessThanOrEqual(dragged.max);

    // Shift+drag to the left moves the view to later steps, keeping its width.
    const at = await plotBox(page, 'entropy');
    const mid = at.y + at.height / 2;
    await page.keyboard.down('Shift');
    await page.mouse.move(at.x + at.width * 0.6, mid);
    await page.mouse.down();
    await page.mouse.move(at.x + at.width * 0.4, mid, { steps: 6 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await rangeOf(page, 'entropy'))!.min).toBeGreaterThan(wheeled.min);
    const panned = (await linkedRange(page, await rangeOf(page, 'entropy')))!;
    expect(width(panned)).toBeCloseTo(width(wheeled), 0);

    // Reset on the other chart shows every chart whole again.
    await page.locator('[data-chart="kl"]').getByRole('button', { name: 'Reset zoom' }).click();
    await linkedRange(page, null);
    expect(app.pageErrors).toEqual([]);
    await page.close();
  });

  it('zooms, pans and resets from the keyboard on a focused chart, linked to the others', async () => {
    const page = await app.openApp(`#/run/${runId}`);
    for (const chart of CHARTS)
      await expect.poll(() => inkedPixels(page, chart), { timeout: 30_000 }).toBeGreaterThan(500);
    const plot = page.locator('[data-chart="kl"] [aria-roledescription="chart"]');
    await plot.focus();
    await page.keyboard.press('+');
    const zoomed = (await linkedRange(page, await rangeOf(page, 'kl')))!;
    expect(zoomed).not.toBeNull();
    // 1.5x about the middle of the whole run.
    expect(width(zoomed)).toBeCloseTo((LAST_STEP - FIRST_STEP) / 1.5, 0);
    expect((zoomed.min + zoomed.max) / 2).toBeCloseTo((FIRST_STEP + LAST_STEP) / 2, 0);

    await page.keyboard.press('ArrowRight');
    const right = (await linkedRange(page, await rangeOf(page, 'kl')))!;
    expect(right.min).toBeGreaterThan(zoomed.min);
    expect(width(right)).toBeCloseTo(width(zoomed), 0);
    // Panning stops at the data's end.
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await rangeOf(page, 'kl'))!.max).toBeCloseTo(LAST_STEP, 0);

    await page.keyboard.press('0');
    await linkedRange(page, null);

    // Zoomed again, the next Tab reaches the chart's Reset button, and Enter presses it.
    await plot.focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    expect(width((await linkedRange(page, await rangeOf(page, 'entropy')))!)).toBeLessThan(
      0.5 * (LAST_STEP - FIRST_STEP),
    );
    await page.keyboard.press('Tab');
    expect(
      await page
        .locator('[data-chart="kl"]')
        .getByRole('button', { name: 'Reset zoom' })
        .evaluate((b) => b === b.ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await linkedRange(page, null);
    // Zooming out past the whole run is all of it, not an empty margin.
    await plot.focus();
    await page.keyboard.press('-');
    await new Promise((r) => setTimeout(r, 200));
    expect(await rangeOf(page, 'kl')).toBeNull();
    expect(app.pageErrors).toEqual([]);
    await page.close();
  });
});
