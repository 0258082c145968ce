/**
 * `files.saveAs` outside the desktop app. The lab has no window to anchor a save dialog to, so web
 * mode and the CLI refuse the call with a reason; the Electron shell replaces this handler with one
 * that shows the dialog (src-main/shell/save-dialog.ts), and the browser downloads files instead.
 */
import { ApiError, type ApiHandlers } from '../contract';

export function fileHandlers(): Pick<ApiHandlers, 'files.saveAs'> {
  return {
    'files.saveAs': () => {
      throw new ApiError(
        'unavailable',
        'files.saveAs needs the desktop app, which owns the save dialog; in a browser the file is downloaded instead',
      );
    },
  };
}
