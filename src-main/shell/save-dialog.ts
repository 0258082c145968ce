/**
 * The desktop side of `files.saveAs`: the native save dialog, then an atomic write (temp file and
 * rename), so an exported figure a LaTeX build is watching is never seen half-written.
 */
import { dialog, type BrowserWindow, type SaveDialogOptions } from 'electron';
import type { ApiHandlers } from '../contract';
import { writeFileAtomic } from '../lab/export/atomic';
import type { Lab } from '../lab/types';

export function saveDialogHandlers(window: () => BrowserWindow | null): Pick<ApiHandlers, 'files.saveAs'> {
  return {
    'files.saveAs': async ({ filename, base64, filters }) => {
      const options: SaveDialogOptions = {
        defaultPath: filename,
        filters: [...filters, { name: 'All files', extensions: ['*'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const parent = window();
      const answer = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (answer.canceled || !answer.filePath) return { path: null };
      writeFileAtomic(answer.filePath, Buffer.from(base64, 'base64'));
      return { path: answer.filePath };
    },
  };
}

/** The lab as the app's window sees it: every lab call, plus the calls only the desktop can answer. */
export function withDesktopCalls(lab: Lab, window: () => BrowserWindow | null): Lab {
  return { ...lab, handlers: { ...lab.handlers, ...saveDialogHandlers(window) } };
}
