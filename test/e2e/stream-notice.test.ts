/**
 * Web mode over a real server and Chromium: an infinite metric (a KL that blew up) reads as ∞, not
 * as a missing value, and the page says so when its event stream drops because the server went away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC } from '../../src-main/contract';
import { startE2eApp, type E2eApp } from '../support/e2e-app';
import { seedRun } from '../support/temp-lab';

let app: E2eApp;
let runId: number;

beforeAll(async () => {
  app = await startE2eApp({
    seed: (lab) => {
      runId = seedRun(lab, {
        name: 'entropy blew up',
        metrics: [
          { key: METRIC.entropy, step: 0, value: 2.5 },
          { key: METRIC.entropy, step: 1, value: Infinity },
        ],
      });
    },
  });
});

afterAll(() => app?.close());

describe('web mode’s live state', () => {
  it('shows ±Infinity from the API as such, and says when live updates stop', async () => {
    const page = await app.openApp('#/runs');
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await row.waitFor();
    expect(await row.locator('td').allInnerTexts()).toContain('∞');
    // Nothing to say while the stream is live.
    const notice = page.getByRole('status').filter({ hasText: 'Live updates' });
    expect(await notice.count()).toBe(0);

    await app.serve.stop();
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toMatch(/Live updates (paused|stopped)/);
    await page.close();
  });
});
