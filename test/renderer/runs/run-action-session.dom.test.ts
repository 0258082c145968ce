/**
 * A run-action dialog's workflow without its markup: what it is titled, which call it makes with
 * the fields as typed, and the lab's message when it refuses.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, type RunRecord } from '../../../src-main/contract';
import { RunActionSession, splitTags } from '../../../src-renderer/components/runs/run-action.svelte';
import { localRun } from '../../support/run-records';
import { scriptedApi } from '../scripted-api';

const run = localRun(3, { name: 'sym s3', tags: ['paper'], notes: 'baseline', latest: { 'reward/mean': 0.4375 } });

describe('RunActionSession', () => {
  it('starts from the run it opened with and sends what was typed', async () => {
    const api = scriptedApi({ 'runs.rename': ({ id, name }) => ({ ...run, id, name }) as RunRecord });
    const session = new RunActionSession(api.client, { id: 'rename', run });
    expect(session.title).toBe('Rename run · sym s3');
    expect(session.name).toBe('sym s3');
    session.name = 'sym, seed 3';
    expect(await session.submit()).toEqual({ changed: { ...run, name: 'sym, seed 3' } });
    expect(api.callsOf('runs.rename')).toEqual([{ id: 3, name: 'sym, seed 3' }]);
    expect([session.busy, session.error]).toEqual([false, null]);
  });

  it('splits tags and drops repeats', async () => {
    expect(splitTags(' fig2, paper,,fig2 , ')).toEqual(['fig2', 'paper']);
    const api = scriptedApi({ 'runs.setTags': ({ tags }) => ({ ...run, tags }) as RunRecord });
    const session = new RunActionSession(api.client, { id: 'tags', run });
    expect(session.tags).toBe('paper');
    session.tags = 'paper, fig2, paper';
    await session.submit();
    expect(api.callsOf('runs.setTags')).toEqual([{ id: 3, tags: ['paper', 'fig2'] }]);
  });

  it('checks the control’s p before sending it, and offers the run’s mean reward instead', async () => {
    const api = scriptedApi({ 'runs.control': () => localRun(9, { name: 'sym s3 control' }) });
    const session = new RunActionSession(api.client, { id: 'control', run });
    expect(session.meanReward).toBe(0.4375);
    session.p = 1.5;
    expect([session.pValid, session.canSubmit]).toEqual([false, false]);
    expect(await session.submit()).toBeNull();
    expect(api.calls).toEqual([]);
    session.p = null;
    expect((await session.submit())?.changed?.name).toBe('sym s3 control');
    expect(api.callsOf('runs.control')).toEqual([{ id: 3 }]);
  });

  it('keeps the lab’s refusal in the dialog and reports nothing done', async () => {
    const api = scriptedApi({
      'runs.delete': () => {
        throw new ApiError('conflict', 'run 3 is training; cancel it first');
      },
    });
    const session = new RunActionSession(api.client, { id: 'delete', runs: [run, localRun(4)] });
    expect(session.title).toBe('Delete 2 runs?');
    expect(await session.submit()).toBeNull();
    expect(session.error).toBe('run 3 is training; cancel it first');
    expect(session.busy).toBe(false);
  });

  it('reports the ids a delete removed', async () => {
    const api = scriptedApi({ 'runs.delete': ({ ids }) => ({ deleted: ids }) });
    const session = new RunActionSession(api.client, { id: 'delete', runs: [run] });
    expect(session.title).toBe('Delete run “sym s3”?');
    expect(await session.submit()).toEqual({ deleted: [3] });
  });
});
