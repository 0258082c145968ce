/**
 * A Hugging Face run from the workbench in web mode (issue 16): the hf-gsm8k preset asks for the
 * model and data paths; a path typed on the server is read by the lab, which shows the model's size,
 * vocabulary and the run's memory estimate (a wrong path names what is wrong); the run trains a tiny
 * Qwen2 checkpoint made by transformers and its samples show decoded text.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGsm8k } from '../engine/hf/fixtures';
import { Reference, skipReason, tempDir, START_TIMEOUT_MS } from '../engine/hf/support';
import { saveScreenshot, startE2eApp, type E2eApp } from '../support/e2e-app';
import { python } from '../support/python';

async function setField(page: Page, dotted: string, value: string): Promise<void> {
  const input = page.locator(`#cfg-${dotted.replaceAll('.', '-')}`);
  if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
  else await input.fill(value);
}

describe.skipIf(!python)(`a Hugging Face run in the workbench${skipReason}`, () => {
  const tmp = tempDir();
  let app: E2eApp;
  let model: string;
  let data: string;
  beforeAll(async () => {
    const ref = await Reference.start();
    try {
      model = await ref.make(tmp.dir, 'qwen2');
    } finally {
      ref.close();
    }
    data = writeGsm8k(tmp.dir);
    app = await startE2eApp({ env: { CLIPLAB_MAX_RUNS: '1' } });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
    tmp.remove();
  });

  it('reads the model folder, estimates memory, trains and shows decoded samples', async () => {
    const page = await app.openApp('#/new');
    await page.getByLabel('Preset', { exact: true }).selectOption('hf-gsm8k-random-sym');
    const panel = page.getByRole('region', { name: 'Model and data' });
    await panel.getByText('expected the path of a Hugging Face model folder').waitFor();
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);

    await panel.locator('input[name="policy.path"]').fill(`${model}-missing`);
    await panel
      .getByRole('alert')
      .getByText(/does not exist/)
      .waitFor();
    await panel.locator('input[name="policy.path"]').fill(model);
    const facts = panel.getByRole('definition');
    await panel.getByText(/qwen2, [\d.]+k parameters \(F32 on disk\)/).waitFor();
    expect(await facts.allTextContents()).toContain('392 tokens');
    await panel.locator('input[name="task.path"]').fill(data);
    await panel
      .getByText(/tokens$/)
      .first()
      .waitFor();
    await panel.getByText(/^4\.0 GiB: fits$/).waitFor();
    await saveScreenshot(page, 'new-run-hf', true);

    for (const [key, value] of [
      ['name', 'e2e hf'],
      ['steps', '2'],
      ['backend', 'wasm'],
      ['task.maxNewTokens', '4'],
      ['rollout.prompts', '2'],
      ['rollout.groupSize', '2'],
      ['optim.microBatch', '2'],
      ['eval.every', '0'],
      ['log.samplesPerStep', '1'],
    ]) {
      await setField(page, key, value);
    }
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/run\/\d+$/);
    await page.getByText('completed').first().waitFor({ timeout: 170_000 });
    await page.reload();
    await page.locator('tr[data-response]').first().waitFor();
    await page
      .getByText(/Tom has \d+ apples/)
      .first()
      .waitFor();
    await saveScreenshot(page, 'run-hf', true);
    // The one failed request is the wrong path above, answered 400 with its reason.
    expect(app.pageErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  }, 240_000);
});
