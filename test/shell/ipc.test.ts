import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import type { ApiOutcome, RunRecord } from '../../src-main/contract';
import { API_CHANNEL, EVENT_CHANNEL } from '../../src-main/shell/channels';
import { registerIpc } from '../../src-main/shell/ipc';
import { resolveAppPages } from '../../src-main/shell/pages';
import { createTempLab, type TempLab } from '../support/temp-lab';
import { electronState, FakeBrowserWindow } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).createElectronMock());

const pages = resolveAppPages(path.resolve('/opt/cliplab'));
const pageUrl = `${pathToFileURL(pages.indexHtml).href}#/runs`;

function invoke(frame: { url: string; parent: unknown } | null, method: unknown, args: unknown) {
  const handler = electronState.ipcHandlers.get(API_CHANNEL)!;
  return handler({ senderFrame: frame } as unknown as IpcMainInvokeEvent, method, args) as Promise<ApiOutcome<unknown>>;
}

describe('IPC transport', () => {
  let temp: TempLab;
  let unregister: () => void;
  beforeEach(() => {
    electronState.windows.length = 0;
    temp = createTempLab([{ name: 'alpha' }, { name: 'beta', status: 'running' }]);
    unregister = registerIpc(temp.lab, pages.isAppPage);
  });
  afterEach(async () => {
    unregister();
    await temp.cleanup();
  });

  it('dispatches calls from the app page to the lab', async () => {
    const outcome = await invoke({ url: pageUrl, parent: null }, 'runs.list', { status: ['running'] });
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && (outcome.value as RunRecord[]).map((r) => r.name)).toEqual(['beta']);
  });

  it('refuses calls from any other frame without reaching the lab', async () => {
    const spy = vi.spyOn(temp.lab.handlers, 'runs.rename');
    const senders = [
      null,
      { url: 'https://evil.example/', parent: null },
      { url: pageUrl, parent: { url: pageUrl } },
      { url: pathToFileURL('/tmp/index.html').href, parent: null },
    ];
    for (const frame of senders) {
      const outcome = await invoke(frame, 'runs.rename', { id: 1, name: 'pwned' });
      expect(outcome).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(spy).not.toHaveBeenCalled();
    expect((await temp.lab.handlers['runs.get']({ id: 1 })).name).toBe('alpha');
  });

  it('returns validation errors with field names, and lab errors with their code', async () => {
    const bad = await invoke({ url: pageUrl, parent: null }, 'runs.get', { id: -1 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.fields?.map((f) => f.path)).toEqual(['id']);
    const unknown = await invoke({ url: pageUrl, parent: null }, 'nope', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const missing = await invoke({ url: pageUrl, parent: null }, 'runs.get', { id: 42 });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: 'run 42 not found' } });
  });

  it('forwards lab events to app windows only', async () => {
    const app = new FakeBrowserWindow({});
    app.webContents.url = pageUrl;
    const foreign = new FakeBrowserWindow({});
    foreign.webContents.url = 'https://example.com/';
    await invoke({ url: pageUrl, parent: null }, 'runs.rename', { id: 2, name: 'renamed' });
    expect(app.webContents.sent).toHaveLength(1);
    const [channel, event] = app.webContents.sent[0];
    expect(channel).toBe(EVENT_CHANNEL);
    expect(event).toMatchObject({ name: 'run.changed', payload: { run: { id: 2, name: 'renamed' } } });
    expect(foreign.webContents.sent).toHaveLength(0);
  });

  it('removes the handler and the subscription when unregistered', () => {
    expect(temp.listenerCount()).toBe(1);
    unregister();
    expect(electronState.ipcHandlers.has(API_CHANNEL)).toBe(false);
    expect(temp.listenerCount()).toBe(0);
    unregister = () => undefined;
  });
});
