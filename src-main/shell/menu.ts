/**
 * The application menu: the workbench's views with shortcuts (Ctrl/⌘+1…4, Ctrl/⌘+N for a new run),
 * editing keys (copy/paste in inputs need them on macOS), zoom and full screen. Reload and DevTools
 * exist in development only: users get nothing that drops the page's state or opens a console.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { VIEWS, type ViewId } from '../contract/views';

export interface MenuContext {
  platform: NodeJS.Platform;
  /** An unpackaged build (`npm start`): adds Reload and DevTools. */
  dev: boolean;
  /** Shows a view in the app's window. */
  openView: (id: ViewId) => void;
}

function viewItems(openView: MenuContext['openView']): MenuItemConstructorOptions[] {
  return VIEWS.map((view) => ({
    label: view.label,
    accelerator: `CmdOrCtrl+${view.key}`,
    click: () => openView(view.id),
  }));
}

export function appMenuTemplate({ platform, dev, openView }: MenuContext): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const newRun: MenuItemConstructorOptions = {
    label: 'New run…',
    accelerator: 'CmdOrCtrl+N',
    click: () => openView('new'),
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [newRun, ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const])],
  };
  const developer: MenuItemConstructorOptions[] = dev
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  const view: MenuItemConstructorOptions[] = [
    ...viewItems(openView),
    { type: 'separator' },
    ...developer,
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    file,
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
