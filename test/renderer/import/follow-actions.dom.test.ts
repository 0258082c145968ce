/**
 * A followed import (imported and running) offers "Stop following" instead of "Cancel run", in the
 * Runs view's row menu and in the run's header; the Runs view opens the Import dialog; the header
 * offers Export config for local runs only.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportedRun, RunRecord } from '../../../src-main/contract';
import { actionsFor } from '../../../src-renderer/components/runs/actions';
import { appContext } from '../../../src-renderer/lib/context';
import { stepLabel } from '../../../src-renderer/lib/run-labels';
import RunHeader from '../../../src-renderer/views/run/RunHeader.svelte';
import RunsView from '../../../src-renderer/views/runs/RunsView.svelte';
import { localRun } from '../../support/run-records';
import { scriptedApi } from '../scripted-api';

afterEach(() => cleanup());

function followedRun(id: number, status: RunRecord['status'] = 'running'): ImportedRun {
  const base = localRun(id, { name: 'cluster job' });
  return {
    ...base,
    origin: 'imported',
    config: null,
    source: { format: 'verl-console', file: '/jobs/17/train.log', params: {} },
    backend: null,
    seed: null,
    steps: null,
    step: 40,
    status,
  } as ImportedRun;
}

describe('followed runs', () => {
  it('are stopped, not cancelled, and only while they are followed', () => {
    expect(actionsFor(followedRun(1)).map((a) => a.id)).toContain('stopFollow');
    expect(actionsFor(followedRun(1)).map((a) => a.id)).not.toContain('cancel');
    expect(actionsFor(followedRun(1, 'completed')).map((a) => a.id)).not.toContain('stopFollow');
    expect(actionsFor(localRun(2, { status: 'running' })).map((a) => a.id)).toEqual(expect.arrayContaining(['cancel']));
    expect(actionsFor(localRun(2, { status: 'running' })).map((a) => a.id)).not.toContain('stopFollow');
  });

  it('show the last step the trainer logged, not a count against an unknown plan', () => {
    expect(stepLabel(followedRun(1))).toBe('40');
    expect(stepLabel({ ...followedRun(1), step: null })).toBe('—');
  });

  it('stop following from the Runs view row menu', async () => {
    const lab = scriptedApi({
      'runs.list': () => [followedRun(5)],
      'imports.stopFollow': ({ id }) => followedRun(id, 'completed'),
    });
    render(RunsView, { context: appContext(lab.client) });
    const row = await screen.findByRole('row', { name: /cluster job/ });
    expect(within(row).getByText('running')).toBeTruthy();
    await fireEvent.click(within(row).getByRole('button', { name: 'Actions for cluster job' }));
    const menu = screen.getByRole('menu');
    expect(within(menu).queryByRole('menuitem', { name: 'Cancel run' })).toBeNull();
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Stop following' }));
    expect(await within(row).findByText('completed')).toBeTruthy();
    expect(lab.callsOf('imports.stopFollow')).toEqual([{ id: 5 }]);
  });

  it('say what they follow in the run header, with a Stop following button', async () => {
    const onaction = vi.fn();
    render(RunHeader, { props: { run: followedRun(5), stepsPerSecond: null, onaction } });
    expect(screen.getByText('/jobs/17/train.log')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Export config…' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Stop following' }));
    expect(onaction).toHaveBeenCalledWith('stopFollow', expect.objectContaining({ id: 5 }));
  });
});

describe('entry points', () => {
  it('the Runs view opens the Import dialog', async () => {
    const lab = scriptedApi({ 'runs.list': () => [] });
    render(RunsView, { context: appContext(lab.client) });
    await fireEvent.click(screen.getByRole('button', { name: 'Import…' }));
    expect(screen.getByRole('dialog', { name: 'Import a training log' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('the header of a local run offers Export config', async () => {
    const onexportconfig = vi.fn();
    render(RunHeader, {
      props: { run: localRun(2), stepsPerSecond: null, onaction: () => undefined, onexportconfig },
    });
    expect(screen.queryByRole('button', { name: 'Stop following' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Export config…' }));
    expect(onexportconfig).toHaveBeenCalled();
  });
});
