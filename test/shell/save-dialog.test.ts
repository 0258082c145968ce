/**
 * The desktop side of `files.saveAs`: the native save dialog (faked, Electron cannot launch here),
 * then the bytes written whole; a cancelled dialog writes nothing. Outside the desktop the lab
 * refuses the call with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { dispatch } from '../../src-main/lab';
import { withDesktopCalls } from '../../src-main/shell/save-dialog';
import { tempDir } from '../support/temp';
import { createTempLab, type TempLab } from '../support/temp-lab';

const showSaveDialog = vi.fn();
vi.mock('electron', () => ({ dialog: { showSaveDialog: (...args: unknown[]) => showSaveDialog(...args) } }));

let temp: TempLab;
let dir: string;
beforeEach(() => {
  temp = createTempLab();
  dir = tempDir();
  showSaveDialog.mockReset();
});
afterEach(() => temp.cleanup());

const pdf = Buffer.from('%PDF-1.4 figure bytes');
const window = {} as BrowserWindow;

describe('files.saveAs', () => {
  it('asks where to save, offering the file type, and writes the bytes there', async () => {
    const target = path.join(dir, 'entropy.pdf');
    showSaveDialog.mockResolvedValue({ canceled: false, filePath: target });
    const desktop = withDesktopCalls(temp.lab, () => window);
    const saved = await dispatch(desktop, 'files.saveAs', {
      filename: 'entropy.pdf',
      base64: pdf.toString('base64'),
      filters: [{ name: 'PDF figure', extensions: ['pdf'] }],
    });
    expect(saved).toEqual({ path: target });
    expect(fs.readFileSync(target)).toEqual(pdf);
    expect(fs.readdirSync(dir)).toEqual(['entropy.pdf']);
    const [parent, options] = showSaveDialog.mock.calls[0];
    expect(parent).toBe(window);
    expect(options).toMatchObject({
      defaultPath: 'entropy.pdf',
      filters: [
        { name: 'PDF figure', extensions: ['pdf'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
  });

  it('writes nothing when the user cancels', async () => {
    showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    const desktop = withDesktopCalls(temp.lab, () => null);
    expect(await dispatch(desktop, 'files.saveAs', { filename: 'a.csv', base64: '' })).toEqual({ path: null });
    expect(showSaveDialog.mock.calls[0]).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses file names with folders, and is unavailable outside the desktop app', async () => {
    const desktop = withDesktopCalls(temp.lab, () => null);
    await expect(dispatch(desktop, 'files.saveAs', { filename: '../x.pdf', base64: '' })).rejects.toThrow(
      /filename: expected a file name without folders/,
    );
    await expect(dispatch(temp.lab, 'files.saveAs', { filename: 'x.pdf', base64: '' })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('in a browser the file is downloaded instead'),
    });
    expect(showSaveDialog).not.toHaveBeenCalled();
  });
});
