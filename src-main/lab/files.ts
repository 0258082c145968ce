/**
 * `files.saveAs` and `files.openPath` outside the desktop app. The lab has no window to anchor a
 * dialog to, so web mode and the CLI refuse both calls with a reason; the Electron shell replaces
 * these handlers with the native dialogs (src-main/shell/save-dialog.ts, open-dialog.ts). A browser
 * downloads files instead of saving them, and uploads a file (or names a path on the server) instead
 * of opening one.
 */
import { ApiError, type ApiHandlers } from '../contract';

export function fileHandlers(): Pick<ApiHandlers, 'files.saveAs' | 'files.openPath'> {
  return {
    'files.saveAs': () => {
      throw new ApiError(
        'unavailable',
        'files.saveAs needs the desktop app, which owns the save dialog; in a browser the file is downloaded instead',
      );
    },
    'files.openPath': () => {
      throw new ApiError(
        'unavailable',
        'files.openPath needs the desktop app, which owns the open dialog; in a browser, upload the file or type its path on the server',
      );
    },
  };
}
