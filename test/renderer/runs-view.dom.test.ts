import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-main/contract';
import { appContext } from '../../src-renderer/lib/context';
import RunsView from '../../src-renderer/views/runs/RunsView.svelte';
import { localRun } from '../support/run-records';
import { scriptedLab } from './lab-client';

afterEach(() => cleanup());

function rowOf(id: number): HTMLElement {
  const row = document.querySelector<HTMLElement>(`tr[data-run-id="${id}"]`);
  if (!row) throw new Error(`no row for run ${id}`);
  return row;
}

describe('Runs view', () => {
  it('shows a loading state, then one row per run with its settings and latest metrics', async () => {
    const sym1 = localRun(1, { name: 'sym seed 1', tags: ['paper', 'fig2'] });
    const lab = scriptedLab([
      sym1,
      localRun(2, { name: 'low-only', latest: { entropy: 2.25, 'eval/acc': 0.5 } }, 'gpt-random-clip-low-only'),
    ]);
    render(RunsView, { context: appContext(lab.client) });
    expect(screen.getByRole('status').textContent).toContain('Loading runs');

    await screen.findByRole('table');
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-run-id'))).toEqual(['2', '1']);

    const sym = within(rowOf(1));
    expect(sym.getByText('sym seed 1')).toBeTruthy();
    expect(sym.getByText('completed')).toBeTruthy();
    expect(sym.getByText('bandit 256×64')).toBeTruthy();
    expect(sym.getByText('random, p = 0.5')).toBeTruthy();
    expect(sym.getByText('0.2 / 0.2')).toBeTruthy();
    expect(sym.getByText(`${sym1.steps} / ${sym1.steps}`)).toBeTruthy();
    // The final entropy, in the digits Compare and Diagnostics show it with.
    expect(sym.getByText('1.5')).toBeTruthy();
    expect(sym.getByText('25.0%')).toBeTruthy();
    expect(sym.getByText('paper')).toBeTruthy();

    const low = within(rowOf(2));
    expect(low.getByText('add, 3 digits')).toBeTruthy();
    expect(low.getByText('0.2 / off')).toBeTruthy();
    expect(low.getByText('2.25')).toBeTruthy();
    expect(low.getByText('50.0%')).toBeTruthy();
  });

  it('follows lab events without reloading', async () => {
    const lab = scriptedLab([localRun(1, { status: 'queued', step: null, latest: {} })]);
    render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    const callsAfterLoad = lab.calls.length;

    lab.emit({
      name: 'run.progress',
      payload: { id: 1, step: 40, steps: 300, status: 'running', latest: { entropy: 3.1 }, stepsPerSecond: 2 },
    });
    const row = within(rowOf(1));
    expect(await row.findByText('running')).toBeTruthy();
    expect(row.getByText('41 / 300')).toBeTruthy();
    expect(row.getByText('3.1')).toBeTruthy();
    expect(row.getByRole('progressbar')).toBeTruthy();

    lab.emit({ name: 'run.changed', payload: { run: localRun(7, { name: 'fresh', status: 'queued' }) } });
    expect(await screen.findByText('fresh')).toBeTruthy();
    expect(screen.getByText('2 runs, 2 queued or training')).toBeTruthy();

    lab.emit({ name: 'run.deleted', payload: { ids: [1] } });
    await expect.poll(() => document.querySelector('tr[data-run-id="1"]')).toBeNull();
    expect(lab.calls.length).toBe(callsAfterLoad);
  });

  it('refetches the list when the event stream asks for a resync', async () => {
    const lab = scriptedLab([localRun(1)]);
    render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    lab.runs.push(localRun(2, { name: 'made while offline' }));
    lab.resync();
    expect(await screen.findByText('made while offline')).toBeTruthy();
  });

  it('says how to start a run when there are none', async () => {
    const lab = scriptedLab([]);
    render(RunsView, { context: appContext(lab.client) });
    expect(await screen.findByText('No runs yet')).toBeTruthy();
    expect(screen.getByText(/^cliplab train --preset \S+$/)).toBeTruthy();
    const link = screen.getAllByRole('link', { name: 'New run' });
    expect(link.every((a) => a.getAttribute('href') === '#/new')).toBe(true);
  });

  it('shows the error with its fields, and recovers on retry', async () => {
    const lab = scriptedLab([localRun(3, { name: 'after retry' })]);
    lab.failWith = new ApiError('bad_request', 'invalid arguments to runs.list', [{ path: 'status', message: 'nope' }]);
    render(RunsView, { context: appContext(lab.client) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('invalid arguments to runs.list');
    expect(alert.textContent).toContain('status');

    lab.failWith = null;
    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('after retry')).toBeTruthy();
  });

  it('unsubscribes from events when it goes away', async () => {
    const lab = scriptedLab([localRun(1)]);
    const view = render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    expect(lab.listenerCount()).toBe(1);
    view.unmount();
    expect(lab.listenerCount()).toBe(0);
  });
});
