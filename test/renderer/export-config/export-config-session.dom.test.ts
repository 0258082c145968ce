/**
 * The Export config dialog's workflow without its markup: each trainer tab's text is read once,
 * copied or saved with what happened said, and a refusal is kept per tab.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, type LocalRun } from '../../../src-main/contract';
import { ExportConfigSession } from '../../../src-renderer/components/export-config/export-config-session.svelte';
import { localRun } from '../../support/run-records';
import { scriptedApi } from '../scripted-api';

const run = localRun(3, { name: 'eps 0.2/0.28 seed 3' }) as LocalRun;

describe('ExportConfigSession', () => {
  it('reads a tab’s text the first time it is shown, and never again', async () => {
    const api = scriptedApi({ 'runs.exportConfig': ({ to }) => `${to} settings` });
    const session = new ExportConfigSession(api.client, run);
    await expect.poll(() => session.text).toBe('verl settings');
    session.select('trl');
    expect(session.text).toBeUndefined();
    await expect.poll(() => session.text).toBe('trl settings');
    session.select('verl');
    expect(session.text).toBe('verl settings');
    expect(api.callsOf('runs.exportConfig')).toEqual([
      { id: 3, to: 'verl' },
      { id: 3, to: 'trl' },
    ]);
  });

  it('copies and saves the shown text, saying what happened', async () => {
    const api = scriptedApi({
      'runs.exportConfig': () => 'python3 -m verl.trainer.main_ppo\n',
      'files.saveAs': ({ filename }) => ({ path: `/home/me/${filename}` }),
    });
    const session = new ExportConfigSession({ ...api.client, transport: 'bridge' }, run);
    await expect.poll(() => session.text).toBeDefined();
    const copied: string[] = [];
    await session.copy({ clipboard: { writeText: async (t: string) => void copied.push(t) } } as unknown as Navigator);
    expect([copied, session.message]).toEqual([
      ['python3 -m verl.trainer.main_ppo\n'],
      { text: 'Copied to the clipboard', error: false },
    ]);
    await session.copy({} as Navigator);
    expect(session.message?.error).toBe(true);
    await session.save();
    expect(session.message).toEqual({ text: 'Saved /home/me/eps-0.2-0.28-seed-3-verl.sh', error: false });
    expect(session.desktop).toBe(true);
  });

  it('keeps the lab’s refusal on its tab', async () => {
    const api = scriptedApi({
      'runs.exportConfig': ({ to }) => {
        if (to === 'trl') throw new ApiError('bad_request', 'TRL has no counterpart for this loss');
        return 'verl settings';
      },
    });
    const session = new ExportConfigSession(api.client, run);
    session.select('trl');
    await expect.poll(() => session.failure).toBe('TRL has no counterpart for this loss');
    session.select('verl');
    expect(session.failure).toBeUndefined();
  });
});
