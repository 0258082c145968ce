/**
 * Web mode end to end: a run put in a temporary database through the real store, `cliplab serve` as
 * a child process, and Debian's Chromium (through playwright-core) reading the Runs view from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC, presetConfig } from '../../src-main/contract';
import { saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { apiCall } from '../support/http-client';
import { seedRun } from '../support/temp-lab';

let app: E2eApp;
let runId: number;
const runConfig = { ...presetConfig('tabular-random-sym'), name: 'e2e symmetric clip', seed: 3 };

const openApp = () => app.openApp('', { viewport: { width: 1366, height: 800 } });
const post = async (method: string, args: unknown) =>
  (await apiCall(app.serve.port, app.serve.token, method, args)).status;

beforeAll(async () => {
  app = await startE2eApp({
    // A finished run with a few logged steps, put in through the real lab as training would.
    seed: (lab) => {
      runId = seedRun(lab, {
        name: runConfig.name,
        seed: runConfig.seed,
        tags: ['e2e'],
        backend: 'wasm',
        metrics: [
          { key: METRIC.entropy, step: 0, value: 4.1 },
          { key: METRIC.entropy, step: 1, value: 3.875 },
          { key: METRIC.evalAcc, step: 1, value: 0.625 },
        ],
      });
    },
  });
});

afterAll(() => app?.close());

describe('cliplab serve in Chromium', () => {
  it('prints a loopback address with a token', () => {
    expect(app.serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(app.serve.output().stdout).toContain('lab.db');
  });

  it('shows the stored run in the Runs view, with its settings and latest metrics', async () => {
    const page = await openApp();
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor();
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells[0]).toContain('e2e symmetric clip');
    expect(cells).toEqual(
      expect.arrayContaining(['completed', 'local', 'bandit 256×64', 'random, p = 0.5', '0.2 / 0.2', '3']),
    );
    // The backend is a column one chooses (Columns menu); shown by default are those above and these.
    expect(cells).not.toContain('wasm');
    // Steps 0 and 1 were logged: two steps done.
    expect(cells).toEqual(expect.arrayContaining([`2 / ${runConfig.steps}`, '3.875', '62.5%', 'e2e']));
    // The token left the address bar once the cookie was set.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);

    await saveScreenshot(page, 'runs', true);
    await page.close();
  });

  it('updates the view live when the lab changes a run', async () => {
    const page = await openApp();
    await page.locator(`tr[data-run-id="${runId}"]`).waitFor();
    const name = page.locator(`tr[data-run-id="${runId}"] th`).getByText('renamed while watching');
    // The page's event stream may connect just after its first fetch: rename until an event lands.
    // Nothing but an event can change the row, since the page never refetches while connected.
    await expect
      .poll(
        async () => {
          expect(await post('runs.rename', { id: runId, name: 'renamed while watching' })).toBe(200);
          return name.isVisible();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);
    await page.close();
  });

  it('navigates between the views and keeps the page free of errors (CSP included)', async () => {
    const page = await openApp();
    await page.locator(`tr[data-run-id="${runId}"]`).waitFor();
    for (const [label, heading] of [
      ['New run', 'New run'],
      ['Compare', 'Compare'],
      ['Diagnostics', 'Diagnostics'],
      ['Runs', 'Runs'],
    ]) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    await page.close();
    expect(app.pageErrors).toEqual([]);
  });

  it('refuses a browser without the token', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`http://127.0.0.1:${app.serve.port}/`);
    expect(response?.status()).toBe(401);
    await context.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await app.serve.stop()).toBe(0);
    expect(app.serve.output().stderr).toContain('SIGTERM');
  });
});
