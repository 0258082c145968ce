/**
 * The dialogs' controls with a real keyboard and mouse in Chromium (issue 14): the Import dialog
 * (mode, path, format, name), the export-config tabs, the random-reward control's p, and the Export
 * dialog's number boxes. userEvent drives Playwright's keyboard and mouse: trusted input events.
 */
import { cleanup, render, screen, within } from '@testing-library/svelte';
import { page, userEvent } from 'vitest/browser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { figureSpecSchema, type ImportPreview, type LocalRun, type RunRecord } from '../../src-main/contract';
import { diagnosticCoverage } from '../../src-main/lab/diagnostics/coverage';
import ExportDialog from '../../src-renderer/components/export/ExportDialog.svelte';
import ExportConfigDialog from '../../src-renderer/components/export-config/ExportConfigDialog.svelte';
import ImportDialog from '../../src-renderer/components/import/ImportDialog.svelte';
import RunActionDialog from '../../src-renderer/components/runs/RunActionDialog.svelte';
import { appContext } from '../../src-renderer/lib/context';
import { localRun } from '../support/run-records';
import { scriptedApi } from './scripted-api';

afterEach(() => cleanup());

async function retype(input: HTMLElement, text: string): Promise<void> {
  await userEvent.click(input);
  await userEvent.keyboard('{Control>}a{/Control}');
  if (text === '') await userEvent.keyboard('{Delete}');
  else await userEvent.keyboard(text);
}

const trlPreview = (file: string): ImportPreview => ({
  file,
  format: 'trl-console',
  reason: 'a Python dict line with Trainer keys',
  partial: false,
  trainer: 'trl',
  keys: ['loss', 'reward', 'completions/mean_length'],
  steps: { count: 47, first: 1, last: 47 },
  aliases: { 'reward/mean': 'reward', 'len/mean': 'completions/mean_length' },
  clipFractionCombined: false,
  coverage: diagnosticCoverage(['loss', 'reward', 'completions/mean_length'], {
    'reward/mean': 'reward',
    'len/mean': 'completions/mean_length',
  }),
  params: {},
  warnings: [],
});

describe('Import dialog with a keyboard', () => {
  it('switches to a server path, previews on Enter, picks a format and names the run, then imports', async () => {
    const lab = scriptedApi({
      'imports.detect': (a) => trlPreview(('path' in a && a.path) || 'upload'),
      'imports.fromPath': () => {
        const run = { ...localRun(5), name: 'typed name' } as RunRecord;
        return {
          run,
          runs: [run],
          format: 'trl-console',
          reason: '',
          points: 94,
          keys: 3,
          coverage: [],
          warnings: [],
        };
      },
    });
    const onimported = vi.fn();
    // A desktop window: at the test frame's phone width the dialog's second column (Run name) and its
    // buttons sit outside the frame, where no click reaches them.
    await page.viewport(1280, 900);
    render(ImportDialog, { props: { onclose: () => undefined, onimported }, context: appContext(lab.client) });
    // The mode is a radio group drawn as a segmented control: its label takes the click, and the
    // arrow keys move between its options.
    await userEvent.click(screen.getByText('Upload a file'));
    await userEvent.keyboard('{ArrowRight}');
    expect((screen.getByRole('radio', { name: 'Path on the server' }) as HTMLInputElement).checked).toBe(true);
    await userEvent.click(screen.getByLabelText('File path'));
    await userEvent.keyboard('/data/runs/train.log{Enter}');
    const panel = await screen.findByRole('region', { name: 'Preview of /data/runs/train.log' });
    // Which diagnostics the log can feed: no entropy key, so no collapse diagnosis.
    const collapse = panel.querySelector('li[data-diagnostic="collapse"]')!;
    expect(collapse.getAttribute('data-status')).toBe('missing');
    expect(collapse.textContent).toMatch(/the file has no\s+entropy/);
    expect(panel.querySelector('li[data-diagnostic="signals"]')?.getAttribute('data-status')).toBe('partial');

    await userEvent.selectOptions(screen.getByLabelText('Format'), 'trl-console');
    await expect.poll(() => lab.callsOf('imports.detect').map((c) => c.format)).toEqual(['auto', 'trl-console']);
    await userEvent.click(screen.getByLabelText('Run name'));
    await userEvent.keyboard('typed name');
    // The new format is previewed again first; the button waits for it, as a person would.
    const importButton = screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement;
    await expect.poll(() => importButton.disabled).toBe(false);
    await userEvent.click(importButton);
    await expect.poll(() => lab.callsOf('imports.fromPath').length).toBe(1);
    expect(lab.callsOf('imports.fromPath')[0]).toMatchObject({
      path: '/data/runs/train.log',
      format: 'trl-console',
      name: 'typed name',
    });
  });
});

describe('export-config tabs with a keyboard', () => {
  it('moves between verl and TRL with the arrow keys', async () => {
    const lab = scriptedApi({
      'runs.exportConfig': ({ to }) => `${to} settings`,
    });
    render(ExportConfigDialog, {
      props: { run: localRun(3) as LocalRun, onclose: () => undefined },
      context: appContext(lab.client),
    });
    const verl = screen.getByRole('tab', { name: 'verl' });
    await screen.findByText('verl settings');
    await userEvent.click(verl);
    await userEvent.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'TRL' }).getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByText('trl settings')).toBeTruthy();
  });
});

describe("the random-reward control's p with a keyboard", () => {
  it('types, steps, clears (the run’s mean reward) and refuses p outside 0 to 1', async () => {
    const run = localRun(8, {}, 'gpt-true-sym');
    const lab = scriptedApi({ 'runs.control': ({ id }) => localRun(id + 1) });
    render(RunActionDialog, {
      props: { action: { id: 'control', run }, onclose: () => undefined, ondone: () => undefined },
      context: appContext(lab.client),
    });
    const p = screen.getByRole('spinbutton', { name: /^p \(empty: the run’s mean reward/ }) as HTMLInputElement;
    const queue = screen.getByRole('button', { name: 'Queue control' }) as HTMLButtonElement;
    await retype(p, '1.5');
    expect(document.getElementById('control-dialog-p-error')?.textContent).toBe(
      'Enter a probability from 0 to 1, or leave it empty.',
    );
    expect(queue.disabled).toBe(true);
    await userEvent.keyboard('{ArrowDown}');
    expect(p.value).toBe('1');
    await retype(p, '');
    expect(document.getElementById('control-dialog-p-error')).toBeNull();
    expect(queue.disabled).toBe(false);
    await retype(p, '0.3');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => lab.callsOf('runs.control')).toEqual([{ id: 8, p: 0.3 }]);
  });
});

describe("the Export dialog's number boxes with a keyboard", () => {
  it('keeps typed widths, clears a font size back to the style’s, and names a size out of range', async () => {
    const run = localRun(2);
    const lab = scriptedApi({
      'runs.get': () => run,
      'runs.list': () => [run],
      'runs.series': ({ keys }) =>
        keys.map((key) => ({ key, steps: [0, 1, 2], values: [1, 0.8, 0.5], times: [0, 1, 2] })),
      'figures.list': () => [],
    });
    const spec = figureSpecSchema.parse({ runs: [2], metrics: ['entropy'] });
    render(ExportDialog, { props: { spec, onclose: () => undefined }, context: appContext(lab.client) });
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByLabelText('Custom'));
    const width = within(dialog).getByRole('spinbutton', { name: 'Width (in)' }) as HTMLInputElement;
    await retype(width, '3.25');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(width.value).toBe('3.35');
    await retype(width, '99');
    await expect
      .poll(() => document.getElementById('figure-width-error')?.textContent)
      .toMatch(/no larger than 40, got 99/);
    await retype(width, '3.5');
    const font = within(dialog).getByRole('spinbutton', { name: 'Font size (pt)' }) as HTMLInputElement;
    await retype(font, '8');
    await retype(font, '');
    expect(font.value).toBe('');
    expect(document.getElementById('figure-fontSize-error')).toBeNull();
  });
});
