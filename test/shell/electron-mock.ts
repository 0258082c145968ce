/**
 * A stand-in for the parts of `electron` the shell uses (Electron cannot launch here). It records
 * what the shell asked for so tests can assert on it: window options, handlers, exposed globals.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export class FakeWebContents {
  listeners = new Map<string, Listener[]>();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  sent: [string, unknown][] = [];
  constructor(public url = '') {}
  on(name: string, listener: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  emit(name: string, ...args: unknown[]) {
    for (const l of this.listeners.get(name) ?? []) l(...args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return false;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  loadURL = vi.fn(async (url: string) => {
    this.url = url;
  });
}

export const electronState = {
  windows: [] as FakeBrowserWindow[],
  ipcHandlers: new Map<string, Listener>(),
  /** ipcMain.on listeners, by channel. */
  ipcListeners: new Map<string, Listener[]>(),
  exposed: new Map<string, unknown>(),
  rendererListeners: new Map<string, Listener[]>(),
};

export class FakeBrowserWindow {
  webContents = new FakeWebContents();
  loadFile = vi.fn(async (file: string) => {
    this.webContents.url = new URL(`file://${file}`).href;
  });
  once = vi.fn();
  focus = vi.fn();
  setBackgroundColor = vi.fn();
  isDestroyed() {
    return false;
  }
  constructor(public options: Record<string, unknown>) {
    electronState.windows.push(this);
  }
  static getAllWindows() {
    return electronState.windows;
  }
}

export function createElectronMock() {
  return {
    BrowserWindow: FakeBrowserWindow,
    shell: { openExternal: vi.fn(async () => undefined) },
    dialog: { showMessageBox: vi.fn(), showErrorBox: vi.fn() },
    nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
    ipcMain: {
      on: vi.fn((channel: string, l: Listener) => {
        electronState.ipcListeners.set(channel, [...(electronState.ipcListeners.get(channel) ?? []), l]);
      }),
      removeListener: vi.fn((channel: string, l: Listener) => {
        electronState.ipcListeners.set(
          channel,
          (electronState.ipcListeners.get(channel) ?? []).filter((x) => x !== l),
        );
      }),
      handle: vi.fn((channel: string, handler: Listener) => electronState.ipcHandlers.set(channel, handler)),
      removeHandler: vi.fn((channel: string) => electronState.ipcHandlers.delete(channel)),
    },
    ipcRenderer: {
      send: vi.fn(),
      invoke: vi.fn(async (...args: unknown[]) => ({ ok: true, value: args })),
      on: vi.fn((channel: string, l: Listener) => {
        electronState.rendererListeners.set(channel, [...(electronState.rendererListeners.get(channel) ?? []), l]);
      }),
      removeListener: vi.fn((channel: string, l: Listener) => {
        electronState.rendererListeners.set(
          channel,
          (electronState.rendererListeners.get(channel) ?? []).filter((x) => x !== l),
        );
      }),
    },
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, value: unknown) => electronState.exposed.set(key, value)),
    },
  };
}
