/**
 * The Import dialog over a scripted lab: an upload is previewed (format and why, keys, steps, the
 * aliases it adds, "combined clip fraction only"), the format can be overridden, the import shows
 * progress and hands over the new run; errors land next to their field; a path can be followed.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  MAX_IMPORT_UPLOAD_BYTES,
  type ImportPreview,
  type ImportResult,
  type RunRecord,
} from '../../../src-main/contract';
import { appContext } from '../../../src-renderer/lib/context';
import ImportDialog from '../../../src-renderer/components/import/ImportDialog.svelte';
import { errorsByField, importRequest } from '../../../src-renderer/components/import/import-model';
import { diagnosticCoverage } from '../../../src-main/lab/diagnostics/coverage';
import { localRun } from '../../support/run-records';
import { scriptedApi, type ScriptedApi } from '../scripted-api';

afterEach(() => cleanup());

const LOG = 'step:1 - actor/entropy_loss:0.5 - actor/pg_clipfrac:0.1\n';

function preview(overrides: Partial<ImportPreview> = {}): ImportPreview {
  return {
    file: 'train.log',
    format: 'verl-console',
    reason: 'a console line "step:1 - actor/entropy_loss:..." (verl console logger)',
    partial: false,
    trainer: 'verl',
    keys: ['actor/entropy_loss', 'actor/pg_clipfrac'],
    steps: { count: 335, first: 101, last: 435 },
    aliases: { entropy: 'actor/entropy_loss' },
    clipFractionCombined: true,
    coverage: diagnosticCoverage(['actor/entropy_loss', 'actor/pg_clipfrac'], { entropy: 'actor/entropy_loss' }),
    params: { 'actor_rollout_ref.actor.clip_ratio_c': 3 },
    warnings: ['skipped "resize/mode": its values are not numbers'],
    ...overrides,
  };
}

function importedRun(id: number, name: string): RunRecord {
  return {
    ...localRun(id, { name }),
    origin: 'imported',
    config: null,
    source: { format: 'verl-console', file: 'train.log', params: {} },
    seed: null,
    backend: null,
    steps: null,
    step: 435,
  } as RunRecord;
}

function open(lab: ScriptedApi, client = lab.client) {
  const onimported = vi.fn();
  const onclose = vi.fn();
  render(ImportDialog, { props: { onclose, onimported }, context: appContext(client) });
  return { onimported, onclose };
}

async function upload(content: string, name = 'train.log'): Promise<File> {
  const file = new File([content], name, { type: 'text/plain' });
  const input = screen.getByLabelText('File to upload') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await fireEvent.change(input);
  return file;
}

const findPreview = () => screen.findByRole('region', { name: /^Preview of / });

const importButton = () => screen.getByRole('button', { name: /^(Import|Follow)$/ }) as HTMLButtonElement;

describe('Import dialog', () => {
  it('previews an uploaded file: format and why, keys, steps, added aliases and the clip caveat', async () => {
    const lab = scriptedApi({ 'imports.detect': () => preview() });
    open(lab);
    expect(importButton().disabled).toBe(true);
    expect(screen.getByText(/up to 64\.0 MB; a larger file imports by its path/)).toBeTruthy();
    await upload(LOG);

    const panel = await screen.findByRole('region', { name: 'Preview of train.log' });
    expect(lab.callsOf('imports.detect')).toEqual([
      { fileName: 'train.log', contentBase64: btoa(LOG), format: 'auto' },
    ]);
    const view = within(panel);
    expect(view.getByText('verl console log')).toBeTruthy();
    expect(view.getByText(/^Detected: a console line "step:1/)).toBeTruthy();
    expect(view.getByText('335 steps, steps 101 to 435')).toBeTruthy();
    expect(view.getByText('2 keys in the file')).toBeTruthy();
    expect(view.getByText('actor/pg_clipfrac')).toBeTruthy();
    const alias = view.getByRole('row', { name: 'entropy actor/entropy_loss' });
    expect(alias).toBeTruthy();
    expect(view.getByRole('note').textContent).toContain('Combined clip fraction only');
    expect(view.getByText(/skipped "resize\/mode"/)).toBeTruthy();
    expect(importButton().disabled).toBe(false);
  });

  it('previews again with a format the user chooses', async () => {
    const lab = scriptedApi({
      'imports.detect': (a) =>
        a.format === 'csv'
          ? preview({ format: 'csv', reason: 'chosen by the user', trainer: 'generic', aliases: {} })
          : preview(),
    });
    open(lab);
    await upload(LOG);
    await findPreview();
    await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'csv' } });
    expect(within(await findPreview()).getByText('CSV with a header row')).toBeTruthy();
    expect(screen.getByText('as you chose')).toBeTruthy();
    expect(screen.getByText(/None: no key of this file means the same/)).toBeTruthy();
    expect(lab.callsOf('imports.detect').map((a) => a.format)).toEqual(['auto', 'csv']);
  });

  it('imports with progress and hands over the new run', async () => {
    let finish: (r: ImportResult) => void = () => undefined;
    const lab = scriptedApi({
      'imports.detect': () => preview(),
      'imports.fromContent': () => new Promise<ImportResult>((resolve) => (finish = resolve)),
    });
    const { onimported, onclose } = open(lab);
    await upload(LOG);
    await findPreview();
    await fireEvent.input(screen.getByLabelText('Run name'), { target: { value: 'job 17' } });
    await fireEvent.click(importButton());

    expect(await screen.findByText(/Uploading 0\.1 KB…|Uploading \d+ B…/)).toBeTruthy();
    lab.emit({
      name: 'import.progress',
      payload: { file: 'train.log', phase: 'reading', bytesRead: 30, totalBytes: 60, points: 12, runId: null },
    });
    expect(await screen.findByText('Reading 50% · 12 points')).toBeTruthy();
    lab.emit({
      name: 'import.progress',
      payload: { file: 'other.log', phase: 'writing', bytesRead: 9, totalBytes: 9, points: 0, runId: null },
    });
    expect(screen.getByText('Reading 50% · 12 points')).toBeTruthy();

    const run = importedRun(7, 'job 17');
    finish({ run, runs: [run], format: 'verl-console', reason: '', points: 24, keys: 2, coverage: [], warnings: [] });
    await vi.waitFor(() => expect(onimported).toHaveBeenCalledWith(run));
    expect(onclose).toHaveBeenCalled();
    expect(lab.callsOf('imports.fromContent')).toEqual([
      { fileName: 'train.log', contentBase64: btoa(LOG), format: 'auto', name: 'job 17' },
    ]);
  });

  it('shows each error next to its field: the path, the file at a line, the name', async () => {
    const lab = scriptedApi({
      'imports.detect': ({ path }) => {
        if (path === '/nope.log') {
          throw new ApiError('bad_request', 'no file at /nope.log', [
            { path: 'path', message: 'no file at /nope.log' },
          ]);
        }
        return preview({ file: path! });
      },
      'imports.fromPath': ({ name }) => {
        if (name) throw new ApiError('bad_request', 'invalid', [{ path: 'name', message: 'expected at most 200' }]);
        throw new ApiError('bad_request', '/runs/train.log: line 12: expected a number after "actor/pg_loss:"');
      },
    });
    open(lab);
    await fireEvent.click(screen.getByLabelText('Path on the server'));
    const pathInput = screen.getByLabelText('File path');
    await fireEvent.input(pathInput, { target: { value: '/nope.log' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const pathError = await screen.findByText('no file at /nope.log');
    expect(pathError.getAttribute('data-error')).toBe('path');
    expect(pathInput.getAttribute('aria-invalid')).toBe('true');

    await fireEvent.input(pathInput, { target: { value: '/runs/train.log' } });
    expect(screen.queryByText('no file at /nope.log')).toBeNull();
    await fireEvent.keyDown(pathInput, { key: 'Enter' });
    await findPreview();
    await fireEvent.click(importButton());
    const lineError = await screen.findByText(/line 12: expected a number/);
    expect(lineError.getAttribute('data-error')).toBe('path');

    await fireEvent.input(screen.getByLabelText('Run name'), { target: { value: 'x'.repeat(10) } });
    await fireEvent.click(importButton());
    expect((await screen.findByText('expected at most 200')).getAttribute('data-error')).toBe('name');
    expect(screen.queryByText(/line 12/)).toBeNull();
  });

  it('follows a path once its format is chosen, even before the log has metrics', async () => {
    const run = { ...importedRun(9, 'live'), status: 'running' as const };
    const lab = scriptedApi({
      'imports.detect': ({ format }) => {
        if (format === 'auto') {
          throw new ApiError('bad_request', '/jobs/live.log: unknown format (first line "Ray started")', [
            { path: 'format', message: 'choose the format of /jobs/live.log' },
          ]);
        }
        return preview({ keys: [], steps: { count: 0, first: null, last: null }, aliases: {} });
      },
      'imports.follow': () => run,
    });
    const { onimported } = open(lab);
    await fireEvent.click(screen.getByLabelText('Path on the server'));
    await fireEvent.input(screen.getByLabelText('File path'), { target: { value: '/jobs/live.log' } });
    await fireEvent.click(screen.getByLabelText('Keep following while the trainer writes'));
    await fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByText('choose the format of /jobs/live.log')).getAttribute('data-error')).toBe('format');
    expect(screen.getByText(/unknown format/).getAttribute('data-error')).toBe('path');
    expect(importButton().textContent?.trim()).toBe('Follow');
    expect(importButton().disabled).toBe(true);

    await fireEvent.change(screen.getByLabelText('Format'), { target: { value: 'verl-console' } });
    expect(await screen.findByText('no steps with metrics yet')).toBeTruthy();
    await fireEvent.click(importButton());
    await vi.waitFor(() => expect(onimported).toHaveBeenCalledWith(run));
    expect(lab.callsOf('imports.follow')).toEqual([{ path: '/jobs/live.log', format: 'verl-console' }]);
  });

  it('refuses a file over the upload limit before reading it', async () => {
    const lab = scriptedApi({});
    open(lab);
    const file = new File(['x'], 'huge.log');
    Object.defineProperty(file, 'size', { value: MAX_IMPORT_UPLOAD_BYTES + 1 });
    const input = screen.getByLabelText('File to upload') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file] });
    await fireEvent.change(input);
    expect(
      screen.getByText(/huge\.log is 64\.0 MB; uploads are limited to 64\.0 MB, so import it by its path/),
    ).toBeTruthy();
    expect(lab.calls).toEqual([]);
  });

  it('in the desktop app, opens on a path and fills it from the open dialog', async () => {
    const lab = scriptedApi({
      'files.openPath': () => ({ path: '/home/me/trainer_state.json' }),
      'imports.detect': ({ path }) => preview({ file: path!, format: 'trl-state', trainer: 'trl' }),
    });
    open(lab, { ...lab.client, transport: 'bridge' });
    await fireEvent.click(screen.getByRole('button', { name: 'Choose…' }));
    expect(within(await findPreview()).getByText('TRL trainer_state.json')).toBeTruthy();
    expect((screen.getByLabelText('File path') as HTMLInputElement).value).toBe('/home/me/trainer_state.json');
    expect(lab.callsOf('imports.detect')).toEqual([{ path: '/home/me/trainer_state.json', format: 'auto' }]);
  });
});

describe('import requests and errors', () => {
  it('picks the call by source and leaves an empty name to the lab', () => {
    const upload = { kind: 'upload' as const, upload: { fileName: 'a.csv', size: 3, base64: 'YWJj' } };
    expect(importRequest(upload, { format: 'auto', name: ' ', follow: true })).toEqual({
      call: 'imports.fromContent',
      args: { fileName: 'a.csv', contentBase64: 'YWJj', format: 'auto', name: undefined },
    });
    const path = { kind: 'path' as const, path: ' /x.csv ' };
    expect(importRequest(path, { format: 'csv', name: 'n', follow: false }).call).toBe('imports.fromPath');
    expect(importRequest(path, { format: 'csv', name: 'n', follow: true })).toEqual({
      call: 'imports.follow',
      args: { path: '/x.csv', format: 'csv', name: 'n' },
    });
  });

  it('files a field-less importer error under the file, a contentBase64 error under the upload', () => {
    expect(errorsByField(new ApiError('bad_request', 'x.log: record 3: bad CRC'), 'upload')).toEqual({
      file: 'x.log: record 3: bad CRC',
    });
    const tooBig = new ApiError('bad_request', 'invalid', [{ path: 'contentBase64', message: 'expected at most' }]);
    expect(errorsByField(tooBig, 'upload')).toEqual({ file: 'expected at most' });
  });
});
