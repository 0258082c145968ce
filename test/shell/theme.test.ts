/** The page's theme switch reaches Electron's own drawing, from the app's page only and with a known value. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import type { IpcMainEvent } from 'electron';
import { THEME_CHANNEL } from '../../src-main/shell/channels';
import { resolveAppPages } from '../../src-main/shell/pages';
import { registerTheme, WINDOW_BACKGROUND } from '../../src-main/shell/theme';
import { electronState, FakeBrowserWindow } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).createElectronMock());

const pages = resolveAppPages(path.resolve('/opt/cliplab'));
const pageUrl = `${pathToFileURL(pages.indexHtml).href}#/runs`;
const nativeTheme = electron.nativeTheme as { themeSource: string; shouldUseDarkColors: boolean };

function choose(frame: { url: string; parent: unknown } | null, source: unknown): void {
  for (const l of electronState.ipcListeners.get(THEME_CHANNEL) ?? [])
    l({ senderFrame: frame } as unknown as IpcMainEvent, source);
}

describe('theme choice from the page', () => {
  let unregister: () => void;
  beforeEach(() => {
    electronState.windows.length = 0;
    nativeTheme.themeSource = 'system';
    unregister = registerTheme(pages.isAppPage);
  });
  afterEach(() => unregister());

  it('sets nativeTheme and repaints every window’s background in the theme', () => {
    const win = new FakeBrowserWindow({});
    nativeTheme.shouldUseDarkColors = true;
    choose({ url: pageUrl, parent: null }, 'dark');
    expect(nativeTheme.themeSource).toBe('dark');
    expect(win.setBackgroundColor).toHaveBeenLastCalledWith(WINDOW_BACKGROUND.dark);
    nativeTheme.shouldUseDarkColors = false;
    choose({ url: pageUrl, parent: null }, 'system');
    expect(nativeTheme.themeSource).toBe('system');
    expect(win.setBackgroundColor).toHaveBeenLastCalledWith(WINDOW_BACKGROUND.light);
  });

  it('ignores other pages, frames and values', () => {
    choose({ url: 'https://example.com/', parent: null }, 'dark');
    choose({ url: pageUrl, parent: {} }, 'dark');
    choose(null, 'dark');
    choose({ url: pageUrl, parent: null }, 'purple');
    choose({ url: pageUrl, parent: null }, { toString: () => 'dark' });
    expect(nativeTheme.themeSource).toBe('system');
  });

  it('stops listening when unregistered', () => {
    unregister();
    choose({ url: pageUrl, parent: null }, 'light');
    expect(nativeTheme.themeSource).toBe('system');
    unregister = registerTheme(pages.isAppPage);
  });
});
