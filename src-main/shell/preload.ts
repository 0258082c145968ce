/**
 * The bridge between the sandboxed page and the main process (built as CommonJS: a sandboxed preload
 * cannot load ES modules). The page gets one function per API call, derived from the contract's map,
 * and `onEvent`; `ipcRenderer` itself, and the IPC event objects that would reach it, never cross.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, type LabEvent } from '../contract/api';
import { BRIDGE_GLOBAL, type ApiOutcome, type CliplabBridge, type ThemeSource } from '../contract/api/bridge';
import { API_CHANNEL, EVENT_CHANNEL, THEME_CHANNEL } from './channels';

export function createBridge(): CliplabBridge {
  const calls = Object.fromEntries(
    API_METHODS.map((method) => [
      method,
      (args: unknown) => ipcRenderer.invoke(API_CHANNEL, method, args) as Promise<ApiOutcome<unknown>>,
    ]),
  );
  const onEvent = (listener: (event: LabEvent) => void) => {
    const forward = (_event: IpcRendererEvent, labEvent: LabEvent) => listener(labEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  };
  const setTheme = (source: ThemeSource) => ipcRenderer.send(THEME_CHANNEL, source);
  return { ...calls, onEvent, setTheme } as CliplabBridge;
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge());
