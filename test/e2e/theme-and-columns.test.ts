/**
 * Dark mode and the Runs table's columns with a real keyboard and mouse: `cliplab serve` on a
 * temporary database and Debian's Chromium. The theme follows the system's colour scheme until the
 * switch overrides it (remembered across reloads); a chart on a dark page draws light text. The
 * table's columns resize by drag and by keys, are chosen from a menu, its sort is announced, names
 * keep the part that tells them apart in view at 1280 px, and the page's filter, sort and selection
 * are as one left them after opening a run. Screenshots go to test/screenshots/ for review by eye.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabService } from '../../src-main/lab';
import { saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { lowContrastText } from '../support/page-contrast';
import { seedRun } from '../support/temp-lab';

const SHARED = 'gsm8k qwen2.5-0.5b grpo clipLow=0.2 clipHigh=0.28 entropyCoef=0 lr=1e-6';

let app: E2eApp;
const ids: number[] = [];

function seedRuns(lab: LabService): void {
  const metrics = Array.from({ length: 30 }, (_, step) => [
    { key: 'entropy', step, value: 1.2 - step / 60 },
    { key: 'eval/acc', step, value: 0.2 + step / 100 },
  ]).flat();
  for (const seed of [1, 2, 13]) {
    ids.push(seedRun(lab, { name: `${SHARED} seed ${seed}`, seed, backend: 'webgpu', metrics, tags: ['paper'] }));
  }
  ids.push(seedRun(lab, { name: 'tabular symmetric', seed: 7, metrics }));
}

beforeAll(async () => {
  app = await startE2eApp({ seed: seedRuns });
});

afterAll(() => app?.close());

const rootTheme = (page: Page) => page.locator('html').getAttribute('data-theme');
const bodyBackground = (page: Page) =>
  page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');

/** Pixels of the chart's canvas drawn in a light colour (text and axes on a dark page). */
function lightInk(page: Page, chart: string): Promise<number> {
  return page.locator(`[data-chart="${chart}"] canvas`).evaluate((element) => {
    const canvas = element as unknown as {
      width: number;
      height: number;
      getContext(k: '2d'): { getImageData(...a: number[]): { data: ArrayLike<number> } };
    };
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && data[i] > 180 && data[i + 1] > 180 && data[i + 2] > 180) light++;
    }
    return light;
  });
}

describe('dark mode', () => {
  it('follows the system until the switch overrides it, and remembers the choice', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await page.goto(`${app.serve.url}#/runs`);
    await page.locator('tbody tr[data-run-id]').first().waitFor();
    expect(await rootTheme(page)).toBe('dark');
    expect(await bodyBackground(page)).toBe('rgb(15, 18, 23)');
    expect(await page.getByRole('radio', { name: 'Auto' }).isChecked()).toBe(true);
    await saveScreenshot(page, 'runs-dark');

    // A chart on the dark page: its text and axes are light, so they read on the dark card.
    await page.goto(`${app.serve.url}#/run/${ids[0]}`);
    await expect.poll(() => lightInk(page, 'entropy'), { timeout: 20_000 }).toBeGreaterThan(100);
    await saveScreenshot(page, 'run-dark');

    // The system turns light: Auto follows at once.
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => rootTheme(page)).toBe('light');
    await expect.poll(() => lightInk(page, 'entropy')).toBeLessThan(100);

    // The arrow keys move through the switch as through any radio group.
    await page.getByRole('radio', { name: 'Auto' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await rootTheme(page)).toBe('dark');

    // Picked by mouse and kept over a reload, whatever the system says.
    await page.getByRole('radio', { name: 'Dark' }).click();
    await page.reload();
    await page.locator('[data-chart="entropy"] canvas').waitFor();
    expect(await rootTheme(page)).toBe('dark');
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'Light' }).click();
    expect(await rootTheme(page)).toBe('light');
    expect(await bodyBackground(page)).toBe('rgb(245, 246, 248)');
    await saveScreenshot(page, 'run-light');
    await page.close();
  });
});

describe('every view in both themes', () => {
  it('draws its text with at least 4.5:1 contrast on its background', async () => {
    const views = [
      '#/runs',
      `#/run/${ids[0]}`,
      '#/new',
      `#/compare?runs=${ids.slice(0, 3).join(',')}`,
      '#/diagnostics',
    ];
    for (const scheme of ['light', 'dark'] as const) {
      const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      for (const view of views) {
        await page.goto(`${app.serve.url}${view}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const name = view.replace(/[#/?=,]+/g, '-').replace(/^-|-$/g, '');
        await saveScreenshot(page, `theme-${scheme}-${name}`, true);
        expect(await lowContrastText(page, 4.5), `${scheme} ${view}`).toEqual([]);
      }
      // The dialogs: a chart's Export (its preview on paper whatever the theme) and Import.
      const dialogs = [
        {
          view: `#/run/${ids[0]}`,
          open: page.locator('[data-chart="entropy"]').getByRole('button', { name: 'Export…' }),
        },
        { view: '#/runs', open: page.getByRole('button', { name: 'Import…' }) },
      ];
      for (const { view, open } of dialogs) {
        await page.goto(`${app.serve.url}${view}`);
        await open.click();
        await page.getByRole('dialog').waitFor();
        await page.waitForLoadState('networkidle');
        const name = view.includes('run/') ? 'export' : 'import';
        await saveScreenshot(page, `theme-${scheme}-${name}-dialog`);
        expect(await lowContrastText(page, 4.5), `${scheme} ${name} dialog`).toEqual([]);
        await page.keyboard.press('Escape');
      }
      // The check sees what it is for: a line in the light theme's text colour on this page.
      // (Coloured through the CSSOM: the page's CSP refuses inline style attributes.)
      await page.evaluate(`{
        const probe = document.createElement('p');
        probe.textContent = 'probe';
        probe.style.color = '#1b1f24';
        document.querySelector('main').append(probe);
      }`);
      expect((await lowContrastText(page, 4.5)).length).toBe(scheme === 'dark' ? 1 : 0);
      await page.close();
    }
  });
});

describe('the Runs table’s columns', () => {
  const header = (page: Page, column: string) => page.locator(`thead th[data-column="${column}"]`);
  const resizer = (page: Page, label: string) => page.getByRole('separator', { name: `Resize ${label}` });
  const widthOf = async (page: Page, label: string) => Number(await resizer(page, label).getAttribute('aria-valuenow'));

  it('keeps names apart at 1280 px, resizes, chooses, announces the sort and keeps the page', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${app.serve.url}#/runs`);
    await page.locator('tbody tr[data-run-id]').first().waitFor();

    // The seeds' names share a long start: the part that differs is in view, uncut.
    for (const seed of [1, 2, 13]) {
      const tail = page.locator('tbody th a .tail', { hasText: new RegExp(`^seed ${seed}$`) });
      const box = await tail.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(box.scroll).toBeLessThanOrEqual(box.client);
      expect((await tail.boundingBox())!.width).toBeGreaterThan(20);
    }

    // Sorting from the header's button, by mouse then by keyboard, is announced.
    // A number sorts highest first.
    await header(page, 'entropy').getByRole('button').click();
    expect(await header(page, 'entropy').getAttribute('aria-sort')).toBe('descending');
    const announced = () => page.getByRole('status').filter({ hasText: 'Sorted by' }).textContent();
    await expect.poll(announced).toContain('Sorted by Entropy, descending');
    await page.keyboard.press('Enter');
    expect(await header(page, 'entropy').getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(announced).toContain('Sorted by Entropy, ascending');

    // Drag a column's edge: it widens by as much as the pointer moved.
    const before = await widthOf(page, 'Status');
    const edge = (await resizer(page, 'Status').boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 + 60, edge.y + edge.height / 2, { steps: 6 });
    await page.mouse.up();
    expect(await widthOf(page, 'Status')).toBe(before + 60);
    expect(Math.round((await header(page, 'status').boundingBox())!.width)).toBe(before + 60);
    // By keys: arrows step, Home gives the width back.
    await resizer(page, 'Status').focus();
    await page.keyboard.press('ArrowLeft');
    expect(await widthOf(page, 'Status')).toBe(before + 52);
    await page.keyboard.press('Home');
    expect(await widthOf(page, 'Status')).toBe(before);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await widthOf(page, 'Status')).toBe(before + 40);

    // Backend is hidden until chosen; the menu works from the keyboard and Escape gives focus back.
    expect(await header(page, 'backend').count()).toBe(0);
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Backend' }).focus();
    await page.keyboard.press('Space');
    await header(page, 'backend').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: 'Columns' }).evaluate((el) => el.matches(':focus'))).toBe(true);

    // The filter reads every shown column: the backend now.
    await page.getByRole('searchbox', { name: 'Filter runs' }).fill('webgpu');
    await expect.poll(() => page.locator('tbody tr[data-run-id]').count()).toBe(3);
    const first = page.locator('tbody tr[data-run-id]').first();
    const firstId = await first.getAttribute('data-run-id');
    await first.focus();
    await page.keyboard.press('Space');
    expect(await first.getByRole('checkbox').isChecked()).toBe(true);
    await saveScreenshot(page, 'runs-table-columns');

    // Open a run and come back: filter, sort and selection are as left.
    await first.getByRole('link').click();
    await page.locator('[data-chart="entropy"]').waitFor();
    await page.goBack();
    await page.locator('tbody tr[data-run-id]').first().waitFor();
    expect(await page.getByRole('searchbox', { name: 'Filter runs' }).inputValue()).toBe('webgpu');
    expect(await page.locator('tbody tr[data-run-id]').count()).toBe(3);
    expect(await header(page, 'entropy').getAttribute('aria-sort')).toBe('ascending');
    expect(await page.locator(`tr[data-run-id="${firstId}"]`).getByRole('checkbox').isChecked()).toBe(true);

    // Columns, widths and sort outlive the session.
    await page.reload();
    await page.locator('tbody tr[data-run-id]').first().waitFor();
    expect(await widthOf(page, 'Status')).toBe(before + 40);
    expect(await header(page, 'backend').count()).toBe(1);
    expect(await header(page, 'entropy').getAttribute('aria-sort')).toBe('ascending');
    expect(app.pageErrors).toEqual([]);
    await page.close();
  });
});
