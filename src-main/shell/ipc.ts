/**
 * The Electron transport: one invoke channel for every API call and one channel for pushed events.
 * The dispatcher validates every argument; this layer only makes sure the caller is the app's own
 * top-level page and turns failures into ApiErrorBody outcomes that survive contextBridge.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { ApiOutcome } from '../contract';
import { dispatch, toApiError } from '../lab/dispatch';
import type { Lab } from '../lab/types';
import { API_CHANNEL, EVENT_CHANNEL } from './channels';

export async function handleApiInvoke(
  lab: Lab,
  isAppPage: (url: string) => boolean,
  event: IpcMainInvokeEvent,
  method: unknown,
  args: unknown,
): Promise<ApiOutcome<unknown>> {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isAppPage(frame.url)) {
    return {
      ok: false,
      error: { code: 'bad_request', message: 'API calls are accepted from the cliplab page only' },
    };
  }
  try {
    return { ok: true, value: await dispatch(lab, method, args) };
  } catch (err) {
    return { ok: false, error: toApiError(err).toBody() };
  }
}

/** Registers the API handler and forwards lab events to the app's windows; returns the undo. */
export function registerIpc(lab: Lab, isAppPage: (url: string) => boolean): () => void {
  ipcMain.handle(API_CHANNEL, (event, method: unknown, args: unknown) =>
    handleApiInvoke(lab, isAppPage, event, method, args),
  );
  const unsubscribe = lab.subscribe((labEvent) => {
    for (const win of BrowserWindow.getAllWindows()) {
      const contents = win.webContents;
      if (!contents.isDestroyed() && isAppPage(contents.getURL())) contents.send(EVENT_CHANNEL, labEvent);
    }
  });
  return () => {
    ipcMain.removeHandler(API_CHANNEL);
    unsubscribe();
  };
}
