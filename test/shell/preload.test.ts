import { describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import { API_METHODS, BRIDGE_GLOBAL, type CliplabBridge, type LabEvent } from '../../src-main/contract';
import { API_CHANNEL, EVENT_CHANNEL, THEME_CHANNEL } from '../../src-main/shell/channels';
import { electronState } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).createElectronMock());

async function loadBridge(): Promise<CliplabBridge> {
  await import('../../src-main/shell/preload');
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  return electronState.exposed.get(BRIDGE_GLOBAL) as CliplabBridge;
}

describe('preload bridge', () => {
  it('exposes exactly one function per API method, plus onEvent and setTheme, and nothing else', async () => {
    const bridge = await loadBridge();
    expect([...electronState.exposed.keys()]).toEqual(['cliplab']);
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'onEvent', 'setTheme'].sort());
    for (const [key, value] of Object.entries(bridge)) expect(typeof value, key).toBe('function');
    expect(Object.values(bridge)).not.toContain(electron.ipcRenderer);
  });

  it('sends each call over the one API channel with its method name', async () => {
    const bridge = await loadBridge();
    await bridge['runs.get']({ id: 3 });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(API_CHANNEL, 'runs.get', { id: 3 });
    await bridge['presets.list']({});
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(API_CHANNEL, 'presets.list', {});
  });

  it('sends the page’s theme choice on the theme channel', async () => {
    const bridge = await loadBridge();
    bridge.setTheme('dark');
    expect(electron.ipcRenderer.send).toHaveBeenLastCalledWith(THEME_CHANNEL, 'dark');
  });

  it('passes events to listeners without the IPC event object, and unsubscribes', async () => {
    const bridge = await loadBridge();
    const received: unknown[][] = [];
    const stop = bridge.onEvent((...args: unknown[]) => received.push(args));
    const event: LabEvent = { name: 'run.deleted', payload: { ids: [4] } };
    const ipcEvent = { sender: electron.ipcRenderer };
    for (const l of electronState.rendererListeners.get(EVENT_CHANNEL)!) l(ipcEvent, event);
    expect(received).toEqual([[event]]);
    stop();
    expect(electronState.rendererListeners.get(EVENT_CHANNEL)).toHaveLength(0);
  });
});
