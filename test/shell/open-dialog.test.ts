/**
 * The desktop side of `files.openPath`: the native open dialog (faked, Electron cannot launch here)
 * answers with the chosen path or null; outside the desktop the lab refuses the call with the reason.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { dispatch } from '../../src-main/lab';
import { withOpenDialog } from '../../src-main/shell/open-dialog';
import { createTempLab, type TempLab } from '../support/temp-lab';

const showOpenDialog = vi.fn();
vi.mock('electron', () => ({ dialog: { showOpenDialog: (...args: unknown[]) => showOpenDialog(...args) } }));

let temp: TempLab;
beforeEach(() => {
  temp = createTempLab();
  showOpenDialog.mockReset();
});
afterEach(() => temp.cleanup());

const window = {} as BrowserWindow;

describe('files.openPath', () => {
  it('shows the open dialog over the window, offering the file types, and answers with the path', async () => {
    showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/runs/job-17/train.log'] });
    const desktop = withOpenDialog(temp.lab, () => window);
    const opened = await dispatch(desktop, 'files.openPath', {
      title: 'Import a training log',
      filters: [{ name: 'Training logs', extensions: ['log', 'jsonl'] }],
    });
    expect(opened).toEqual({ path: '/runs/job-17/train.log' });
    const [parent, options] = showOpenDialog.mock.calls[0];
    expect(parent).toBe(window);
    expect(options).toEqual({
      title: 'Import a training log',
      filters: [
        { name: 'Training logs', extensions: ['log', 'jsonl'] },
        { name: 'All files', extensions: ['*'] },
      ],
      properties: ['openFile'],
    });
  });

  it('chooses a folder (a model folder) with the folder dialog', async () => {
    showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/models/SmolLM2-135M-Instruct'] });
    const desktop = withOpenDialog(temp.lab, () => window);
    const opened = await dispatch(desktop, 'files.openPath', { title: 'Choose a model folder', kind: 'folder' });
    expect(opened).toEqual({ path: '/models/SmolLM2-135M-Instruct' });
    expect(showOpenDialog.mock.calls[0][1]).toEqual({ title: 'Choose a model folder', properties: ['openDirectory'] });
    await expect(dispatch(desktop, 'files.openPath', { kind: 'drive' })).rejects.toThrow(
      /kind: expected one of "file", "folder"/,
    );
  });

  it('answers null when the user cancels, without a window too', async () => {
    showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    const desktop = withOpenDialog(temp.lab, () => null);
    expect(await dispatch(desktop, 'files.openPath', {})).toEqual({ path: null });
    expect(showOpenDialog.mock.calls[0]).toHaveLength(1);
    expect(showOpenDialog.mock.calls[0][0]).toMatchObject({ title: 'Open' });
  });

  it('checks its arguments, and is unavailable outside the desktop app', async () => {
    const desktop = withOpenDialog(temp.lab, () => null);
    await expect(
      dispatch(desktop, 'files.openPath', { filters: [{ name: 'Logs', extensions: ['.log'] }] }),
    ).rejects.toThrow(/filters\[0\]\.extensions\[0\]: expected an extension without the dot/);
    await expect(dispatch(temp.lab, 'files.openPath', {})).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('in a browser, upload the file or type its path on the server'),
    });
    expect(showOpenDialog).not.toHaveBeenCalled();
  });
});
