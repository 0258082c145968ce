import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions, Session } from 'electron';
import { isApiMethod } from '../../src-main/contract';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/csp';
import { VIEWS } from '../../src-main/contract/views';
import { appMenuTemplate } from '../../src-main/shell/menu';
import { resolveAppPages } from '../../src-main/shell/pages';
import { beforeQuit } from '../../src-main/shell/quit';
import { installSessionSecurity } from '../../src-main/shell/security';
import { createTempLab } from '../support/temp-lab';

vi.mock('electron', async () => (await import('./electron-mock')).createElectronMock());

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

function fakeSession() {
  const state: { headers?: HeadersListener; request?: (...a: unknown[]) => void; check?: () => boolean } = {};
  const session = {
    webRequest: { onHeadersReceived: (l: HeadersListener) => (state.headers = l) },
    setPermissionRequestHandler: (h: (...a: unknown[]) => void) => (state.request = h),
    setPermissionCheckHandler: (h: () => boolean) => (state.check = h),
  };
  return { session: session as unknown as Session, state };
}

describe('session security', () => {
  const pages = resolveAppPages(path.resolve('/opt/cliplab'));

  it('puts the strict CSP on the app page and its files only', () => {
    const { session, state } = fakeSession();
    installSessionSecurity(session, pages);
    const respond = (url: string) => {
      let out: { responseHeaders?: Record<string, string[]> } = {};
      state.headers!({ url, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r));
      return out.responseHeaders;
    };
    const page = respond(pathToFileURL(pages.indexHtml).href);
    expect(page?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(page?.['Content-Type']).toEqual(['text/html']);
    expect(respond('devtools://devtools/bundled/inspector.html')).toBeUndefined();
  });

  it('denies every permission request and check', () => {
    const { session, state } = fakeSession();
    installSessionSecurity(session, pages);
    const callback = vi.fn();
    state.request!({}, 'geolocation', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(state.check!()).toBe(false);
  });
});

describe('app menu', () => {
  const roles = (template: ReturnType<typeof appMenuTemplate>): string[] =>
    template.flatMap((item) => [
      ...(item.role ? [item.role] : []),
      ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
    ]);

  const noView = () => undefined;
  const items = (template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);

  it('offers quit, and Reload and DevTools only in development', () => {
    const user = roles(appMenuTemplate({ platform: 'linux', dev: false, openView: noView }));
    expect(user).toEqual(expect.arrayContaining(['quit', 'editMenu', 'zoomIn', 'togglefullscreen']));
    expect(user).not.toContain('reload');
    expect(user).not.toContain('toggleDevTools');
    const dev = roles(appMenuTemplate({ platform: 'linux', dev: true, openView: noView }));
    expect(dev).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    const mac = roles(appMenuTemplate({ platform: 'darwin', dev: false, openView: noView }));
    expect(mac).toContain('appMenu');
    expect(mac.filter((r) => r === 'quit')).toEqual([]); // macOS quits from the app menu
  });

  it('opens every view from the menu with its own shortcut', () => {
    const opened: string[] = [];
    const template = appMenuTemplate({ platform: 'linux', dev: false, openView: (id) => opened.push(id) });
    const withKeys = items(template).filter((item) => item.accelerator);
    const accelerators = withKeys.map((item) => item.accelerator);
    expect(new Set(accelerators).size).toBe(accelerators.length);
    for (const view of VIEWS) {
      const item = withKeys.find((i) => i.accelerator === `CmdOrCtrl+${view.key}`);
      expect(item?.label).toBe(view.label);
      (item!.click as () => void)();
      expect(opened.at(-1)).toBe(view.id);
    }
    (withKeys.find((i) => i.accelerator === 'CmdOrCtrl+N')!.click as () => void)();
    expect(opened.at(-1)).toBe('new');
  });
});

describe('quitting with runs in flight', () => {
  it('quits without asking when nothing is training', async () => {
    const ask = vi.fn();
    const temp = createTempLab([{ name: 'done', status: 'completed' }]);
    expect(await beforeQuit(temp.lab, ask)).toBe(true);
    expect(ask).not.toHaveBeenCalled();
    await temp.cleanup();
  });

  it('asks about queued and running runs, and honours the answer', async () => {
    const temp = createTempLab([
      { name: 'a', status: 'running' },
      { name: 'b', status: 'queued' },
      { name: 'c', status: 'failed' },
    ]);
    const lab = temp.lab;
    const ask = vi.fn(async (): Promise<'leave' | 'cancel'> => 'cancel');
    expect(await beforeQuit(lab, ask)).toBe(false);
    expect(ask).toHaveBeenCalledWith(
      [expect.objectContaining({ id: 1 }), expect.objectContaining({ id: 2 })],
      isApiMethod('runs.cancel'),
    );
    ask.mockImplementation(async () => 'leave');
    expect(await beforeQuit(lab, ask)).toBe(true);
    await temp.cleanup();
  });
});
