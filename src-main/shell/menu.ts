/** A minimal application menu: quit, editing keys (copy/paste in inputs needs them on macOS), view tools. */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuContext {
  platform: NodeJS.Platform;
  /** Unpackaged builds get Reload; users get nothing that drops the page's state by accident. */
  dev: boolean;
}

export function appMenuTemplate({ platform, dev }: MenuContext): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(dev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const] : []),
    { role: 'toggleDevTools' },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : [{ label: 'File', submenu: [{ role: 'quit' } as const] }]),
    { role: 'editMenu' },
    { label: 'View', submenu: view },
  ];
}
