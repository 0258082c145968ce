/** The main window and the rules every web page in the app lives by: no navigation, no new windows. */
import { BrowserWindow, shell, type WebContents } from 'electron';
import { viewHash, type ViewId } from '../contract/views';
import { isSafeExternalUrl, type AppPages } from './pages';
import { windowBackground } from './theme';

/** External links go to the system browser; everything else is simply refused. */
function openOutside(url: string): void {
  if (isSafeExternalUrl(url)) void shell.openExternal(url);
}

const guarded = new WeakSet<WebContents>();

/**
 * Applied to every WebContents the app creates (main.ts hooks `web-contents-created`) and to the
 * main window directly; once per contents, so a link never opens twice.
 */
export function guardContents(contents: WebContents, pages: AppPages): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.on('will-navigate', (event) => {
    if (pages.isAppPage(event.url)) return;
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!pages.isAppPage(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface WindowOptions {
  /** An unpackaged build: DevTools may open. Packaged apps have none (no console to paste into). */
  dev: boolean;
}

export function createMainWindow(pages: AppPages, { dev }: WindowOptions = { dev: false }): BrowserWindow {
  const win = new BrowserWindow({
    title: 'cliplab',
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 560,
    show: false,
    // The page's --bg in the theme in effect, seen while a resize repaints.
    backgroundColor: windowBackground(),
    webPreferences: {
      preload: pages.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: dev,
    },
  });
  guardContents(win.webContents, pages);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(pages.indexHtml);
  return win;
}

/**
 * Shows a view (the menu's shortcuts): only the URL's fragment changes, which Chromium handles as a
 * same-document navigation, so the page keeps its state and its router follows `hashchange`.
 */
export function showView(win: BrowserWindow, pages: AppPages, id: ViewId): void {
  if (win.isDestroyed()) return;
  void win.webContents.loadURL(`${pages.indexUrl}${viewHash(id)}`);
  win.focus();
}
