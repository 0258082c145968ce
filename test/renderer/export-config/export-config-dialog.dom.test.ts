/**
 * The Export config dialog: verl and TRL tabs show the lab's text for the run (fetched once per tab),
 * the arrow keys move between tabs, Copy uses the clipboard, and a failure is shown in the panel.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type LocalRun } from '../../../src-main/contract';
import { appContext } from '../../../src-renderer/lib/context';
import ExportConfigDialog from '../../../src-renderer/components/export-config/ExportConfigDialog.svelte';
import { configFileName, copyText } from '../../../src-renderer/components/export-config/export-config';
import { localRun } from '../../support/run-records';
import { scriptedApi } from '../scripted-api';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const run = localRun(3, { name: 'eps 0.2/0.28 seed 3' }) as LocalRun;
const TEXTS = {
  verl: 'python3 -m verl.trainer.main_ppo \\\n    actor_rollout_ref.actor.clip_ratio_low=0.2 \\\n',
  trl: 'config = GRPOConfig(\n    epsilon=0.2,\n)\n',
};

describe('Export config dialog', () => {
  it('shows the verl overrides, then the TRL config, each fetched once', async () => {
    const lab = scriptedApi({ 'runs.exportConfig': ({ to }) => TEXTS[to] });
    render(ExportConfigDialog, { props: { run, onclose: () => undefined }, context: appContext(lab.client) });
    expect(screen.getByRole('dialog', { name: 'Export config · eps 0.2/0.28 seed 3' })).toBeTruthy();
    const verl = screen.getByRole('tab', { name: 'verl' });
    expect(verl.getAttribute('aria-selected')).toBe('true');
    expect((await screen.findByText(/clip_ratio_low=0\.2/)).getAttribute('data-target')).toBe('verl');

    await fireEvent.keyDown(verl, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'TRL' }).getAttribute('aria-selected')).toBe('true');
    expect((await screen.findByText(/GRPOConfig\(/)).getAttribute('data-target')).toBe('trl');
    await fireEvent.click(screen.getByRole('tab', { name: 'verl' }));
    await screen.findByText(/clip_ratio_low/);
    expect(lab.callsOf('runs.exportConfig')).toEqual([
      { id: 3, to: 'verl' },
      { id: 3, to: 'trl' },
    ]);
  });

  it('copies the shown text to the clipboard', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const lab = scriptedApi({ 'runs.exportConfig': ({ to }) => TEXTS[to] });
    render(ExportConfigDialog, { props: { run, onclose: () => undefined }, context: appContext(lab.client) });
    await screen.findByText(/clip_ratio_low/);
    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText('Copied to the clipboard')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(TEXTS.verl);
  });

  it('shows why the lab could not export', async () => {
    const lab = scriptedApi({
      'runs.exportConfig': () => {
        throw new ApiError('bad_request', 'run 3 was imported from a csv file');
      },
    });
    render(ExportConfigDialog, { props: { run, onclose: () => undefined }, context: appContext(lab.client) });
    expect((await screen.findByRole('alert')).textContent).toBe('run 3 was imported from a csv file');
    expect((screen.getByRole('button', { name: 'Copy' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('export config helpers', () => {
  it('names the file after the run and the trainer', () => {
    expect(configFileName('eps 0.2/0.28 seed 3', 'verl')).toBe('eps-0.2-0.28-seed-3-verl.sh');
    expect(configFileName('  ', 'trl')).toBe('run-grpo_config.py');
  });

  it('reports a clipboard the page may not use', async () => {
    expect(await copyText('x', {} as Navigator)).toBe(false);
    const denied = { clipboard: { writeText: () => Promise.reject(new Error('denied')) } } as unknown as Navigator;
    expect(await copyText('x', denied)).toBe(false);
  });
});
