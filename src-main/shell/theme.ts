/**
 * The page's theme switch reaches what Electron draws itself: `nativeTheme.themeSource` sets the
 * title bar, menus and scroll bars (and the page's `prefers-color-scheme`), and the window's
 * background, seen while a resize repaints, follows. Only the app's own top-level page may ask.
 */
import { BrowserWindow, ipcMain, nativeTheme, type IpcMainEvent } from 'electron';
import { THEME_SOURCES, type ThemeSource } from '../contract';
import { THEME_CHANNEL } from './channels';

/** The page's --bg in each theme (styles/app.css). */
export const WINDOW_BACKGROUND = { light: '#f5f6f8', dark: '#0f1217' } as const;

export function windowBackground(): string {
  return nativeTheme.shouldUseDarkColors ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

const isThemeSource = (value: unknown): value is ThemeSource => THEME_SOURCES.includes(value as ThemeSource);

export function handleThemeChoice(isAppPage: (url: string) => boolean, event: IpcMainEvent, source: unknown): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isAppPage(frame.url) || !isThemeSource(source)) return;
  nativeTheme.themeSource = source;
  for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.setBackgroundColor(windowBackground());
}

/** Listens for the page's theme choice; returns the undo. */
export function registerTheme(isAppPage: (url: string) => boolean): () => void {
  const listener = (event: IpcMainEvent, source: unknown) => handleThemeChoice(isAppPage, event, source);
  ipcMain.on(THEME_CHANNEL, listener);
  return () => {
    ipcMain.removeListener(THEME_CHANNEL, listener);
  };
}
