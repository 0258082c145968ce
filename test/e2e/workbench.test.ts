/**
 * The workbench end to end in web mode: `cliplab serve` on a temporary database and Debian's
 * Chromium. A real run is configured and started from the New run view (a tiny tabular bandit on the
 * cpu backend), watched to completion in the Runs and Run views (charts drawn, samples shown); a sweep
 * is built and launched, and runs are cancelled, renamed, tagged and deleted through the UI.
 * Screenshots of every view go to test/screenshots/ (git-ignored) for review by eye.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkedPixels, saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';

const STEPS = 8;

let app: E2eApp;
let firstRunId: number;

const openApp = (hash = '') => app.openApp(hash);

/** The whole page, and what a 1280×800 window shows of its top. */
async function shoot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name, true);
  await page.evaluate('window.scrollTo(0, 0)');
  await saveScreenshot(page, `${name}-window`);
}

/** Types into a generated config field, found by its dotted path. */
async function setField(page: Page, dotted: string, value: string): Promise<void> {
  const input = page.locator(`#cfg-${dotted.replaceAll('.', '-')}`);
  if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
  else await input.fill(value);
}

/** A bandit small enough to train in seconds on the pure-JS backend. */
async function fillTinyConfig(page: Page, name: string, steps = STEPS): Promise<void> {
  await page.getByLabel('Preset', { exact: true }).selectOption('tabular-random-sym');
  for (const [key, value] of [
    ['name', name],
    ['steps', String(steps)],
    ['backend', 'cpu'],
    ['task.prompts', '16'],
    ['task.actions', '8'],
    ['rollout.prompts', '16'],
    ['rollout.groupSize', '4'],
    ['eval.every', '2'],
    ['eval.prompts', '16'],
    ['eval.k', '4'],
    ['log.samplesPerStep', '2'],
    ['log.checkpointEvery', '4'],
  ]) {
    await setField(page, key, value);
  }
}

beforeAll(async () => {
  app = await startE2eApp({ env: { CLIPLAB_MAX_RUNS: '1' } });
});

afterAll(() => app?.close());

describe('the workbench in Chromium', () => {
  it('configures a run in New run: generated form, clip editor and its bias readout', async () => {
    const page = await openApp('#/new');
    await page.getByRole('heading', { level: 1, name: 'New run' }).waitFor();
    await fillTinyConfig(page, 'e2e tiny bandit');
    // The clip editor's plot follows its presets: DAPO moves the clip-high region to r > 1.28.
    await page.getByRole('button', { name: 'DAPO 0.2 / 0.28' }).click();
    const highRegion = page.locator('svg[data-sign="positive"] [data-region="clip-high"]');
    expect(await highRegion.getAttribute('data-from')).toBe('1.28');
    await page.getByRole('button', { name: 'PPO 0.2 / 0.2' }).click();
    expect(await highRegion.getAttribute('data-from')).toBe('1.2');
    expect(await page.locator('[data-direction]').getAttribute('data-direction')).toBe('down');
    // An invalid value is named next to its field and blocks the start.
    await setField(page, 'rollout.groupSize', '1');
    await expect
      .poll(() => page.locator('[data-path="rollout.groupSize"] .number-error').textContent())
      .toContain('at least 2 responses');
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await setField(page, 'rollout.groupSize', '4');
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(false);
    await shoot(page, 'new-run');

    // The GPT presets have a nested base-model group and a different task sub-form.
    await page.getByLabel('Preset', { exact: true }).selectOption('gpt-true-dapo');
    expect(await page.locator('#cfg-policy-kind').inputValue()).toBe('gpt');
    expect(await page.locator('fieldset[data-path="policy.base"] legend').innerText()).toBe('Base model');
    expect(await page.locator('#cfg-task-actions').count()).toBe(0);
    expect(await highRegion.getAttribute('data-from')).toBe('1.28');
    await shoot(page, 'new-run-gpt');
    await page.close();
  });

  it('starts a real run and watches it train to completed in the Runs view', async () => {
    const page = await openApp('#/new');
    await fillTinyConfig(page, 'e2e tiny bandit');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/run\/\d+$/);
    firstRunId = Number(/#\/run\/(\d+)$/.exec(page.url())![1]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    const row = page.locator(`tr[data-run-id="${firstRunId}"]`);
    await row.waitFor();
    expect(await row.locator('th').innerText()).toContain('e2e tiny bandit');
    await row.getByText('completed').waitFor({ timeout: 120_000 });
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells).toEqual(expect.arrayContaining(['bandit 16×8', '0.2 / 0.2', `${STEPS} / ${STEPS}`]));
    await shoot(page, 'runs');
    await page.close();
  });

  it('shows the finished run: header, live charts, config and sample browser', async () => {
    const page = await openApp('#/runs');
    await page.locator(`tr[data-run-id="${firstRunId}"] a`).click();
    await page.getByRole('heading', { level: 1, name: 'e2e tiny bandit' }).waitFor();
    expect(await page.locator('.facts').innerText()).toContain('backend cpu');
    for (const chart of ['entropy', 'reward', 'clip-fractions', 'clip-drift', 'entropy-change', 'kl']) {
      await expect.poll(() => inkedPixels(page, chart), { timeout: 20_000 }).toBeGreaterThan(500);
    }
    expect(await page.locator('details.panel').innerText()).toContain('Group size G');

    // The samples of the last logged step: 2 prompts with G = 4 responses, tokens coloured by entropy.
    await page.locator('tr[data-response]').first().waitFor();
    expect(await page.locator('article.prompt').count()).toBe(2);
    expect(await page.locator('tr[data-response]').count()).toBe(8);
    expect(await page.locator('.step-label').innerText()).toContain(`step ${STEPS - 1}`);
    const tokenColor = await page
      .locator('.token')
      .first()
      .evaluate((el) => (el as unknown as { style: { backgroundColor: string } }).style.backgroundColor);
    expect(tokenColor).toMatch(/^rgb/);
    await page.getByRole('button', { name: 'Previous logged step' }).click();
    await expect.poll(() => page.locator('.step-label').innerText()).toContain(`step ${STEPS - 2}`);
    await shoot(page, 'run');
    await page.close();
  });

  it('builds a sweep, shows how many runs it queues, and launches it', async () => {
    const page = await openApp('#/new');
    await fillTinyConfig(page, 'e2e sweep', 400);
    await page.getByRole('button', { name: 'Add a swept key' }).click();
    await page.getByLabel('Swept key 1', { exact: true }).selectOption('objective.clipLow');
    await page.getByLabel('Values of swept key 1', { exact: true }).fill('0.1, 0.2');
    await page.getByLabel('Seeds per setting').fill('2');
    const count = page.locator('[data-total]');
    await expect.poll(() => count.getAttribute('data-total')).toBe('4');
    expect(await count.innerText()).toContain('2 values × 2 seeds = 4 runs');
    // Random rewards are their own control; with the verifier a control doubles the count.
    expect(await page.getByRole('checkbox', { name: 'Also run a random-reward control' }).isDisabled()).toBe(true);
    await setField(page, 'reward.kind', 'verifier');
    await page.getByRole('checkbox', { name: 'Also run a random-reward control' }).check();
    await expect.poll(() => count.getAttribute('data-total')).toBe('8');
    await page.getByRole('checkbox', { name: 'Also run a random-reward control' }).uncheck();
    await shoot(page, 'new-run-sweep');
    // Nothing is queued before the review of the grid.
    await page.getByRole('button', { name: 'Review 4 runs…' }).click();
    const review = page.getByRole('dialog', { name: 'Review the sweep' });
    await review.getByText('4 runs to queue').waitFor();
    await review.getByRole('button', { name: 'Queue 4 runs' }).click();
    await page.waitForURL(/#\/runs$/);
    await expect.poll(() => page.locator('tbody tr[data-run-id]').count()).toBe(5);

    // Grouped by seed group: two groups of the sweep with two seeds each, plus the first run.
    await page.getByRole('checkbox', { name: 'Group by seed group' }).check();
    await expect.poll(() => page.locator('tr.group-row').count()).toBe(3);
    expect(await page.locator('tr.group-row', { hasText: 'n = 2' }).count()).toBe(2);
    await shoot(page, 'runs-grouped');
    await page.getByRole('checkbox', { name: 'Group by seed group' }).uncheck();

    // Stop the sweep from the UI: queued runs are cancelled at once, the training one after its step.
    for (const row of await page.locator('tbody tr[data-run-id]').all()) {
      if (!(await row.innerText()).includes('e2e sweep')) continue;
      await row.getByRole('button', { name: /^Actions for/ }).click();
      const cancel = page.getByRole('menuitem', { name: 'Cancel run' });
      if (await cancel.count()) await cancel.click();
      else await page.keyboard.press('Escape');
    }
    await expect
      .poll(() => page.locator('tbody tr[data-run-id]', { hasText: 'cancelled' }).count(), { timeout: 60_000 })
      .toBe(4);
    await page.close();
  });

  it('renames, tags and deletes runs through keyboard-accessible dialogs', async () => {
    const page = await openApp('#/runs');
    const row = page.locator(`tr[data-run-id="${firstRunId}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill('e2e renamed');
    await shoot(page, 'runs-dialog');
    await page.keyboard.press('Enter');
    await row.locator('th').getByText('e2e renamed').waitFor();

    // Keyboard only: focus the menu button, open with ArrowDown, pick Tags…, type, Enter.
    await row.getByRole('button', { name: /^Actions for/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('menuitem', { name: 'Tags…' }).press('Enter');
    await page.keyboard.type('paper, e2e');
    await page.keyboard.press('Enter');
    await row.getByText('paper').waitFor();

    // Escape closes a dialog without deleting.
    const sweepRows = page.locator('tbody tr[data-run-id]', { hasText: 'e2e sweep' });
    const victim = sweepRows.first();
    const victimId = await victim.getAttribute('data-run-id');
    await victim.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator(`tr[data-run-id="${victimId}"]`).count()).toBe(1);

    await victim.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator(`tr[data-run-id="${victimId}"]`).waitFor({ state: 'detached' });
    expect(await sweepRows.count()).toBe(3);
    await page.close();
    expect(app.pageErrors).toEqual([]);
  });
});
