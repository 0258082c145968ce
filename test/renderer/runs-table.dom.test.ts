import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRun, RunRecord } from '../../src-main/contract';
import { appContext } from '../../src-renderer/lib/context';
import { groupBySeed, sortRunsBy } from '../../src-renderer/views/runs/table-model';
import RunsView from '../../src-renderer/views/runs/RunsView.svelte';
import { localRun } from '../support/run-records';
import { scriptedApi } from './scripted-api';

afterEach(() => {
  cleanup();
  window.location.hash = '';
  // The table's columns and sort are remembered across sessions: each test starts from none.
  localStorage.clear();
});

/** Three seeds of one setting, one of another, in different states. */
function fixture(): RunRecord[] {
  const sym = (id: number, seed: number, entropy: number, extra: Partial<LocalRun> = {}) =>
    localRun(id, { name: `sym s${seed}`, seed, latest: { entropy, 'eval/acc': 0.5 }, ...extra });
  const low = localRun(
    4,
    { name: 'low-only', seed: 1, latest: { entropy: 2.5 }, tags: ['paper'] },
    'tabular-random-clip-low-only',
  );
  return [
    sym(1, 1, 1.2, { tags: ['paper'], notes: 'the baseline' }),
    sym(2, 2, 1.4, { status: 'running', step: 9, steps: 200 }),
    sym(3, 3, 1.0, { status: 'interrupted' }),
    { ...low, groupKey: 'ffffffffffffffff' },
  ];
}

function mutableLab(runs: RunRecord[]) {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const update = (id: number, patch: Partial<RunRecord>) => {
    const next = { ...byId.get(id)!, ...patch } as RunRecord;
    byId.set(id, next);
    return next;
  };
  return scriptedApi({
    'runs.list': () => [...byId.values()],
    'runs.rename': ({ id, name }) => update(id, { name }),
    'runs.setTags': ({ id, tags }) => update(id, { tags }),
    'runs.setNotes': ({ id, notes }) => update(id, { notes }),
    'runs.cancel': ({ id }) => update(id, { status: 'cancelled' }),
    'runs.resume': ({ id }) => update(id, { status: 'queued' }),
    'runs.control': ({ id }) => localRun(50, { name: `${byId.get(id)!.name} control`, status: 'queued' }),
    'runs.delete': ({ ids }) => {
      ids.forEach((id) => byId.delete(id));
      return { deleted: ids };
    },
  });
}

const ids = () =>
  [...document.querySelectorAll('tbody tr[data-run-id]')].map((r) => Number(r.getAttribute('data-run-id')));
const row = (id: number) => document.querySelector<HTMLElement>(`tr[data-run-id="${id}"]`)!;

async function openAction(id: number, label: string): Promise<void> {
  await fireEvent.click(within(row(id)).getByRole('button', { name: /^Actions for/ }));
  await fireEvent.click(screen.getByRole('menuitem', { name: label }));
}

describe('Runs table model', () => {
  it('sorts with missing values last either way and groups seeds with their mean entropy', () => {
    const runs = [...fixture(), localRun(9, { latest: {} })];
    expect(sortRunsBy(runs, { column: 'entropy', direction: 'asc' }).map((r) => r.id)).toEqual([3, 1, 2, 4, 9]);
    expect(sortRunsBy(runs, { column: 'entropy', direction: 'desc' }).map((r) => r.id)).toEqual([4, 2, 1, 3, 9]);
    const groups = groupBySeed(fixture());
    expect(groups.map((g) => [g.runs.length, g.meanEntropy])).toEqual([
      [3, expect.closeTo(1.2, 12)],
      [1, 2.5],
    ]);
  });
});

describe('Runs view', () => {
  it('sorts by any column from its header', async () => {
    render(RunsView, { context: appContext(mutableLab(fixture()).client) });
    await screen.findByRole('table');
    expect(ids()).toEqual([4, 3, 2, 1]);
    const entropy = screen.getByRole('button', { name: /^Entropy/ });
    await fireEvent.click(entropy);
    expect(ids()).toEqual([4, 2, 1, 3]);
    expect(entropy.closest('th')?.getAttribute('aria-sort')).toBe('descending');
    await fireEvent.click(entropy);
    expect(ids()).toEqual([3, 1, 2, 4]);
    await fireEvent.click(screen.getByRole('button', { name: /^Name/ }));
    expect(ids()).toEqual([4, 1, 2, 3]);
    // The file's first render also pays for transforming the view's components: over 5 s on a busy machine.
  }, 15_000);

  it('filters by text, status and tag', async () => {
    render(RunsView, { context: appContext(mutableLab(fixture()).client) });
    await screen.findByRole('table');
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter runs' }), { target: { value: 'baseline' } });
    expect(ids()).toEqual([1]);
    expect(screen.getByText('1 of 4 shown')).toBeTruthy();
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter runs' }), { target: { value: '' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'active' } });
    expect(ids()).toEqual([2]);
    await fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'all' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Tag' }), { target: { value: 'paper' } });
    expect(ids()).toEqual([4, 1]);
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Filter runs' }), {
      target: { value: 'nothing like it' },
    });
    expect(screen.getByText(/No run matches/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Show all runs' }));
    expect(ids()).toHaveLength(4);
  });

  it('groups seeds under collapsible rows with n and mean final entropy', async () => {
    render(RunsView, { context: appContext(mutableLab(fixture()).client) });
    await screen.findByRole('table');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Group by seed group' }));
    const groupRows = [...document.querySelectorAll<HTMLElement>('tr.group-row')];
    expect(groupRows).toHaveLength(2);
    const sym = groupRows.find((g) => g.textContent?.includes('n = 3'))!;
    // Mean ± std of the seeds' final entropies, as Compare and Diagnostics give them.
    expect(sym.textContent).toMatch(/final entropy 1\.2 ± 0\.2\b/);
    const toggle = within(sym).getByRole('button', { expanded: true });
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(ids()).toEqual([4]);
    // Selecting a group selects its seeds for Compare.
    await fireEvent.click(within(sym).getByRole('checkbox'));
    expect(screen.getByRole('link', { name: 'Compare' }).getAttribute('href')).toBe('#/compare?runs=1,2,3');
  });

  it('selects runs for Compare, by checkbox or Space on a focused row', async () => {
    render(RunsView, { context: appContext(mutableLab(fixture()).client) });
    await screen.findByRole('table');
    await fireEvent.click(within(row(3)).getByRole('checkbox'));
    row(1).focus();
    await fireEvent.keyDown(row(1), { key: ' ' });
    expect(screen.getByText('2 selected')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Compare' }).getAttribute('href')).toBe('#/compare?runs=1,3');
    await fireEvent.keyDown(row(1), { key: 'ArrowUp' });
    expect(document.activeElement).toBe(row(2));
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(window.location.hash).toBe('#/run/2');
  });

  it('renames through a dialog that traps focus and closes on Escape', async () => {
    const lab = mutableLab(fixture());
    render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    const trigger = within(row(1)).getByRole('button', { name: /^Actions for/ });
    await openAction(1, 'Rename…');
    const dialog = screen.getByRole('dialog');
    const name = within(dialog).getByRole('textbox');
    expect(document.activeElement).toBe(name);
    const save = within(dialog).getByRole('button', { name: 'Save' });
    save.focus();
    await fireEvent.keyDown(save, { key: 'Tab' });
    expect(document.activeElement).toBe(name);
    await fireEvent.keyDown(name, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(save);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(trigger);

    await openAction(1, 'Rename…');
    await fireEvent.input(screen.getByRole('textbox'), { target: { value: 'baseline, seed 1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await within(row(1)).findByText('baseline, seed 1')).toBeTruthy();
    expect(lab.callsOf('runs.rename')).toEqual([{ id: 1, name: 'baseline, seed 1' }]);
  });

  it('tags, annotates, cancels, resumes and launches a control', async () => {
    const runs = fixture();
    const first = runs[0] as LocalRun;
    runs[0] = { ...first, config: { ...first.config, reward: { kind: 'verifier' } } };
    const lab = mutableLab(runs);
    render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    await openAction(3, 'Tags…');
    await fireEvent.input(screen.getByRole('textbox'), { target: { value: 'fig2, paper, fig2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await within(row(3)).findByText('fig2')).toBeTruthy();
    expect(lab.callsOf('runs.setTags')).toEqual([{ id: 3, tags: ['fig2', 'paper'] }]);

    await openAction(3, 'Notes…');
    await fireEvent.input(screen.getByRole('textbox'), { target: { value: 'killed at step 120' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await expect.poll(() => lab.callsOf('runs.setNotes')).toEqual([{ id: 3, notes: 'killed at step 120' }]);

    await openAction(3, 'Resume');
    expect(await within(row(3)).findByText('queued')).toBeTruthy();
    await openAction(2, 'Cancel run');
    expect(await within(row(2)).findByText('cancelled')).toBeTruthy();
    // Only runs that can still change are cancellable; finished ones offer no cancel.
    await fireEvent.click(within(row(1)).getByRole('button', { name: /^Actions for/ }));
    expect(screen.queryByRole('menuitem', { name: 'Cancel run' })).toBeNull();
    expect(screen.queryByRole('menuitem', { name: 'Resume' })).toBeNull();
    await fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    // A run with random rewards is a control already: it offers none.
    await fireEvent.click(within(row(4)).getByRole('button', { name: /^Actions for/ }));
    expect(screen.queryByRole('menuitem', { name: 'Random-reward control…' })).toBeNull();
    await fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });

    await openAction(1, 'Random-reward control…');
    await fireEvent.input(screen.getByRole('spinbutton'), { target: { value: '0.3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Queue control' }));
    // Its name shares a start with its twin's, so the link shows it in two parts: found by its name.
    expect(await screen.findByRole('link', { name: 'sym s1 control' })).toBeTruthy();
    expect(lab.callsOf('runs.control')).toEqual([{ id: 1, p: 0.3 }]);
    // Five dialogs one after the other: near jsdom's 5 s default on a busy machine.
  }, 15_000);

  it('deletes only after confirmation', async () => {
    const lab = mutableLab(fixture());
    render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    await openAction(4, 'Delete…');
    expect(screen.getByRole('dialog').textContent).toContain('Delete run “low-only”?');
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(lab.callsOf('runs.delete')).toEqual([]);
    await openAction(4, 'Delete…');
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await expect.poll(() => ids()).toEqual([3, 2, 1]);
    expect(lab.callsOf('runs.delete')).toEqual([{ ids: [4] }]);
  });

  it('deletes a selection of finished runs after listing them', async () => {
    const lab = mutableLab(fixture());
    render(RunsView, { context: appContext(lab.client) });
    await screen.findByRole('table');
    await fireEvent.click(within(row(1)).getByRole('checkbox'));
    await fireEvent.click(within(row(4)).getByRole('checkbox'));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Delete 2 runs?');
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['low-only #4', 'sym s1 #1']);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await expect.poll(() => ids()).toEqual([3, 2]);
    expect(lab.callsOf('runs.delete')).toEqual([{ ids: [4, 1] }]);
    expect(screen.queryByText(/selected/)).toBeNull();
  });

  it('refuses to delete a selection that is still training, naming the run', async () => {
    render(RunsView, { context: appContext(mutableLab(fixture()).client) });
    await screen.findByRole('table');
    await fireEvent.click(within(row(2)).getByRole('checkbox'));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    expect(screen.getByRole('alert').textContent).toContain('Cancel “sym s2” before deleting');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
