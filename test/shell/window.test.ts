import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import type { WebContents } from 'electron';
import { resolveAppPages } from '../../src-main/shell/pages';
import { createMainWindow, guardContents, showView } from '../../src-main/shell/window';
import { electronState, type FakeBrowserWindow, type FakeWebContents } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).createElectronMock());

const appPath = path.resolve('/opt/cliplab');
const pages = resolveAppPages(appPath);
const pageUrl = pathToFileURL(pages.indexHtml).href;

function navigate(contents: FakeWebContents, url: string) {
  const event = { url, preventDefault: vi.fn() };
  contents.emit('will-navigate', event);
  return event.preventDefault;
}

describe('main window', () => {
  let win: FakeBrowserWindow;
  beforeEach(() => {
    electronState.windows.length = 0;
    vi.mocked(electron.shell.openExternal).mockClear();
    win = createMainWindow(pages) as unknown as FakeBrowserWindow;
  });

  it('turns on every web security option and loads the built renderer with the CommonJS preload', () => {
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: path.join(appPath, 'out', 'preload', 'index.cjs'),
    });
    expect(win.loadFile).toHaveBeenCalledWith(path.join(appPath, 'out', 'renderer', 'index.html'));
  });

  it('opens DevTools only in development, and shows views by changing the hash of the app page', () => {
    const dev = createMainWindow(pages, { dev: true }) as unknown as FakeBrowserWindow;
    expect(dev.options.webPreferences).toMatchObject({ devTools: true });
    showView(win as unknown as electron.BrowserWindow, pages, 'compare');
    expect(win.webContents.loadURL).toHaveBeenCalledWith(`${pageUrl}#/compare`);
    expect(pages.isAppPage(win.webContents.url)).toBe(true);
  });

  it('blocks navigation away from the app page and hands safe links to the system browser', () => {
    const contents = win.webContents;
    expect(navigate(contents, `${pageUrl}#/runs`)).not.toHaveBeenCalled();
    expect(navigate(contents, 'https://arxiv.org/abs/2509.26114')).toHaveBeenCalled();
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/2509.26114');
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
      'smb://host/share',
    ]) {
      expect(navigate(contents, bad), bad).toHaveBeenCalled();
    }
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('blocks redirects away from the app page', () => {
    const event = { url: 'https://example.com/', preventDefault: vi.fn() };
    win.webContents.emit('will-redirect', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('denies every new window, opening only safe http(s) links outside', () => {
    const handler = win.webContents.windowOpenHandler!;
    expect(handler({ url: 'https://example.com/paper.pdf' })).toEqual({ action: 'deny' });
    expect(handler({ url: pageUrl })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/paper.pdf');
  });

  it('guards each contents once, so one click opens one browser tab', () => {
    guardContents(win.webContents as unknown as WebContents, pages);
    navigate(win.webContents, 'https://example.com/');
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses webviews', () => {
    const event = { preventDefault: vi.fn() };
    win.webContents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('app pages', () => {
  it('recognises the app page and its files, and nothing else', () => {
    expect(pages.isAppPage(pageUrl)).toBe(true);
    expect(pages.isAppPage(`${pageUrl}?x=1#/compare`)).toBe(true);
    expect(pages.isAppPage(pathToFileURL(path.join(appPath, 'out', 'renderer', 'other.html')).href)).toBe(false);
    expect(pages.isAppPage('https://example.com/index.html')).toBe(false);
    expect(pages.isAppPage('file://evil-host' + new URL(pageUrl).pathname)).toBe(false);
    const asset = pathToFileURL(path.join(appPath, 'out', 'renderer', 'assets', 'index-abc12345.js')).href;
    expect(pages.isAppResource(asset)).toBe(true);
    expect(pages.isAppResource(pathToFileURL(path.join(appPath, 'package.json')).href)).toBe(false);
    expect(pages.isAppResource('devtools://devtools/bundled/inspector.html')).toBe(false);
  });
});
