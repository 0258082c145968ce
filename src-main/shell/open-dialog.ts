/**
 * The desktop side of `files.openPath`: the native open dialog for one existing file or folder. Only
 * the path comes back; the call that gets it (`imports.fromPath`, `imports.follow`, `models.inspect`)
 * reads and checks it.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { ApiHandlers } from '../contract';
import type { Lab } from '../lab/types';

export function openDialogHandlers(window: () => BrowserWindow | null): Pick<ApiHandlers, 'files.openPath'> {
  return {
    'files.openPath': async ({ title, filters, kind }) => {
      const options: OpenDialogOptions =
        kind === 'folder'
          ? { title: title ?? 'Open folder', properties: ['openDirectory'] }
          : {
              title: title ?? 'Open',
              filters: [...filters, { name: 'All files', extensions: ['*'] }],
              properties: ['openFile'],
            };
      const parent = window();
      const answer = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return { path: answer.canceled ? null : (answer.filePaths[0] ?? null) };
    },
  };
}

/** The lab with the open dialog answered by the desktop. */
export function withOpenDialog(lab: Lab, window: () => BrowserWindow | null): Lab {
  return { ...lab, handlers: { ...lab.handlers, ...openDialogHandlers(window) } };
}
