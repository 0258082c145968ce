/**
 * `files.openPath` outside the desktop app. The lab has no window to show an open dialog in, so web
 * mode and the CLI refuse the call with a reason; the Electron shell replaces this handler with the
 * native dialog (src-main/shell/open-dialog.ts).
 */
import { ApiError, type ApiHandlers } from '../contract';

export function openFileHandlers(): Pick<ApiHandlers, 'files.openPath'> {
  return {
    'files.openPath': () => {
      throw new ApiError(
        'unavailable',
        'files.openPath needs the desktop app, which owns the open dialog; in a browser, upload the file or type its path on the server',
      );
    },
  };
}
