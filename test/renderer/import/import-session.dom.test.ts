/**
 * The Import dialog's workflow without its markup: the preview of the source as it is now (a late
 * answer about an earlier path is dropped), errors beside their field, and the import with its
 * progress events.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, type ImportPreview, type ImportResult } from '../../../src-main/contract';
import { ImportSession } from '../../../src-renderer/components/import/import-session.svelte';
import { localRun } from '../../support/run-records';
import { scriptedApi } from '../scripted-api';

function preview(file: string): ImportPreview {
  return {
    file,
    format: 'verl-jsonl',
    reason: 'JSON lines with "step" and verl keys',
    partial: false,
    trainer: 'verl',
    keys: ['actor/entropy'],
    steps: { count: 3, first: 1, last: 3 },
    aliases: { entropy: 'actor/entropy' },
    clipFractionCombined: false,
    coverage: [],
    params: {},
    warnings: [],
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

describe('ImportSession', () => {
  it('uploads in a browser and reads paths on the desktop', () => {
    const api = scriptedApi();
    expect(new ImportSession(api.client).mode).toBe('upload');
    const desktop = new ImportSession({ ...api.client, transport: 'bridge' });
    expect([desktop.desktop, desktop.mode]).toEqual([true, 'path']);
  });

  it('shows the preview of the path as typed now, dropping a late answer about an earlier one', async () => {
    const answers = new Map(['/logs/a.jsonl', '/logs/b.jsonl'].map((p) => [p, deferred<ImportPreview>()]));
    const api = scriptedApi({ 'imports.detect': ({ path }) => answers.get(path!)!.promise });
    const session = new ImportSession(api.client);
    session.setMode('path');
    session.setPath('/logs/a.jsonl');
    const first = session.runPreview();
    session.setPath('/logs/b.jsonl');
    const second = session.runPreview();
    answers.get('/logs/b.jsonl')!.resolve(preview('/logs/b.jsonl'));
    await second;
    answers.get('/logs/a.jsonl')!.resolve(preview('/logs/a.jsonl'));
    await first;
    expect(session.preview?.file).toBe('/logs/b.jsonl');
    expect([session.previewing, session.ready]).toEqual([false, true]);
  });

  it('puts an error beside the field it is about, and forgets it when the source changes', async () => {
    const api = scriptedApi({
      'imports.detect': () => {
        throw new ApiError('bad_request', 'cannot tell the format', [
          { path: 'format', message: 'choose the format: no line looks like a known logger' },
        ]);
      },
    });
    const session = new ImportSession(api.client);
    session.setMode('path');
    session.setPath('/logs/odd.txt');
    await session.runPreview();
    expect(session.errors).toEqual({
      format: 'choose the format: no line looks like a known logger',
      path: 'cannot tell the format',
    });
    expect(session.ready).toBe(false);
    session.setPath('/logs/other.txt');
    expect(session.errors).toEqual({});
  });

  it('follows a log that has no metrics yet once its format is chosen', async () => {
    const followed = localRun(5, { name: 'live' });
    const api = scriptedApi({ 'imports.follow': () => followed });
    const session = new ImportSession(api.client);
    session.setMode('path');
    session.setPath(' /logs/live.jsonl ');
    session.follow = true;
    expect(session.ready).toBe(false);
    session.format = 'verl-jsonl';
    expect([session.following, session.ready]).toEqual([true, true]);
    expect(await session.submit()).toEqual(followed);
    expect(api.callsOf('imports.follow')).toEqual([{ path: '/logs/live.jsonl', format: 'verl-jsonl' }]);
  });

  it('imports with progress about its own file only, and keeps the importer’s error', async () => {
    const done = deferred<ImportResult>();
    const api = scriptedApi({
      'imports.detect': ({ path }) => preview(path!),
      'imports.fromPath': () => done.promise,
    });
    const session = new ImportSession(api.client);
    session.setMode('path');
    session.setPath('/logs/train.jsonl');
    await session.runPreview();
    const importing = session.submit();
    expect(session.importing).toBe(true);
    const progress = { phase: 'reading' as const, bytesRead: 50, totalBytes: 200, points: 10, runId: null };
    api.emit({ name: 'import.progress', payload: { file: '/other/x.csv', ...progress } });
    expect(session.progress).toBeNull();
    api.emit({ name: 'import.progress', payload: { file: '/logs/train.jsonl', ...progress } });
    expect(session.fraction).toBe(0.25);
    done.resolve({
      run: localRun(6),
      runs: [localRun(6)],
      format: 'verl-jsonl',
      reason: 'verl keys',
      points: 30,
      keys: 10,
      coverage: [],
      warnings: [],
    });
    expect((await importing)?.id).toBe(6);
    expect([session.importing, api.listenerCount()]).toEqual([false, 0]);

    api.handlers['imports.fromPath'] = () => {
      throw new ApiError('bad_request', 'train.jsonl: line 2: expected a JSON object');
    };
    expect(await session.submit()).toBeNull();
    expect(session.errors).toEqual({ path: 'train.jsonl: line 2: expected a JSON object' });
  });
});
