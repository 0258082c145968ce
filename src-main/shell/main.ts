/**
 * Electron main process: one instance, one window, the lab in this process (runs train in their own
 * worker processes), IPC as the transport. Quitting asks what to do with runs still training.
 */
import path from 'node:path';
import { app, dialog, Menu, session, type BrowserWindow } from 'electron';
import type { ViewId } from '../contract/views';
import { createLab } from '../lab';
import { DB_ENV, DB_FILE } from '../lab/paths';
import type { Lab } from '../lab/types';
import { registerIpc } from './ipc';
import { appMenuTemplate } from './menu';
import { withOpenDialog } from './open-dialog';
import { resolveAppPages, type AppPages } from './pages';
import { beforeQuit } from './quit';
import { quitDialog } from './quit-dialog';
import { withDesktopCalls } from './save-dialog';
import { installSessionSecurity } from './security';
import { registerTheme } from './theme';
import { createMainWindow, guardContents, showView } from './window';
import { utilityWorkerSpawner } from './worker-spawner';

app.setName('cliplab');

interface Running {
  pages: AppPages;
  lab: Lab;
  unregisterIpc: () => void;
  window: BrowserWindow | null;
}

let running: Running | null = null;
/** `before-quit` runs the runs dialog once; the second pass (after the lab closed) lets the quit through. */
let quitState: 'open' | 'asking' | 'closed' = 'open';

function showWindow(): void {
  if (!running) return;
  if (!running.window || running.window.isDestroyed()) {
    running.window = createMainWindow(running.pages, { dev: !app.isPackaged });
    return;
  }
  if (running.window.isMinimized()) running.window.restore();
  running.window.focus();
}

function start(): void {
  const pages = resolveAppPages(app.getAppPath());
  installSessionSecurity(session.defaultSession, pages);
  app.on('web-contents-created', (_event, contents) => guardContents(contents, pages));
  const openView = (id: ViewId) => {
    showWindow();
    if (running?.window) showView(running.window, pages, id);
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenuTemplate({ platform: process.platform, dev: !app.isPackaged, openView })),
  );
  // userData is the folder lab/paths.ts mirrors for the CLI and web mode, so all three share one file.
  const lab = createLab({
    dbPath: process.env[DB_ENV] || path.join(app.getPath('userData'), DB_FILE),
    // Queued runs (also those left from the last session) train in utility processes.
    training: { runQueue: true, spawnWorker: utilityWorkerSpawner(app.getAppPath()) },
    // Remote runs on Ray clusters are followed while the app is open, and caught up when it opens.
    remote: { follow: true },
  });
  // The window's API adds the calls only the desktop answers (the save and open dialogs).
  const appWindow = () => running?.window ?? null;
  const served = withOpenDialog(withDesktopCalls(lab, appWindow), appWindow);
  const unregisterApi = registerIpc(served, pages.isAppPage);
  const unregisterTheme = registerTheme(pages.isAppPage);
  const unregisterIpc = () => {
    unregisterApi();
    unregisterTheme();
  };
  running = { pages, lab, unregisterIpc, window: null };
  showWindow();
}

async function closeLab(): Promise<void> {
  const current = running;
  running = null;
  if (!current) return;
  current.unregisterIpc();
  await current.lab.close();
}

function onBeforeQuit(event: Electron.Event): void {
  if (quitState === 'closed') return;
  event.preventDefault();
  if (quitState === 'asking') return;
  quitState = 'asking';
  const lab = running?.lab;
  const proceed = lab
    ? beforeQuit(
        lab,
        quitDialog(() => running?.window ?? null),
      )
    : Promise.resolve(true);
  proceed
    .catch((err: unknown) => {
      console.error('cliplab: could not check for active runs:', err);
      return true;
    })
    .then(async (quit) => {
      if (!quit) {
        quitState = 'open';
        return;
      }
      await closeLab().catch((err: unknown) => console.error('cliplab: closing the lab failed:', err));
      quitState = 'closed';
      app.quit();
    });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', onBeforeQuit);
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // Typically the database: a corrupt file or one from a newer cliplab (the message says which).
      dialog.showErrorBox('cliplab could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}
