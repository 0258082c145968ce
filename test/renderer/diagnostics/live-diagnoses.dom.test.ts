/**
 * The Diagnostics view's live results: read again a few seconds after a shown run makes progress or
 * changes — a followed imported run announces its new points only with `run.changed`, never with
 * `run.progress` — once for a burst of events, and not for other runs that are still running.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabEvent, RunRecord } from '../../../src-main/contract';
import { LiveDiagnoses } from '../../../src-renderer/components/diagnostics/live-diagnoses.svelte';
import { localRun } from '../../support/run-records';
import { scriptedApi } from '../scripted-api';

const changed = (run: RunRecord): LabEvent => ({ name: 'run.changed', payload: { run } });

/** A run the lab follows from a verl log, as `run.changed` carries it. */
function importedRun(over: { id: number; status: RunRecord['status']; step: number }): RunRecord {
  const base = localRun(over.id, { backend: null, backendDetail: null });
  return {
    ...base,
    ...over,
    origin: 'imported',
    config: null,
    source: { format: 'verl-jsonl', file: 'train.jsonl', params: {} },
    steps: null,
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A LiveDiagnoses over runs 7 and 9 whose reads count themselves. */
async function liveOverRuns() {
  const api = scriptedApi();
  let reads = 0;
  const live = new LiveDiagnoses<number>(api.client, [7, 9], async () => ++reads);
  const disconnect = live.connect();
  await live.load();
  return { api, live, disconnect, reads: () => reads };
}

describe('LiveDiagnoses', () => {
  it('reads again after a followed run it shows changes, once for a burst of changes', async () => {
    const { api, live, disconnect, reads } = await liveOverRuns();
    expect(live.value).toBe(1);
    const followed = importedRun({ id: 7, status: 'running', step: 3 });
    api.emit(changed(followed));
    api.emit(changed({ ...followed, step: 4 }));
    api.emit(changed({ ...followed, step: 5 }));
    expect(reads()).toBe(1); // debounced: nothing yet
    await vi.runAllTimersAsync();
    expect(reads()).toBe(2);
    expect(live.value).toBe(2);
    disconnect();
  });

  it('ignores changes of runs it does not show while they run, but not one finishing', async () => {
    const { api, disconnect, reads } = await liveOverRuns();
    api.emit(changed(importedRun({ id: 8, status: 'running', step: 2 })));
    await vi.runAllTimersAsync();
    expect(reads()).toBe(1);
    // A finished run may be the random-reward control of a shown one.
    api.emit(changed(importedRun({ id: 8, status: 'completed', step: 2 })));
    await vi.runAllTimersAsync();
    expect(reads()).toBe(2);
    disconnect();
  });

  it('still follows progress of a shown training run, and stops listening when disconnected', async () => {
    const { api, disconnect, reads } = await liveOverRuns();
    const progress: LabEvent = {
      name: 'run.progress',
      payload: { id: 9, step: 4, steps: 10, status: 'running', latest: {}, stepsPerSecond: 2 },
    };
    api.emit(progress);
    await vi.runAllTimersAsync();
    expect(reads()).toBe(2);
    disconnect();
    expect(api.listenerCount()).toBe(0);
    api.emit(changed(importedRun({ id: 7, status: 'running', step: 9 })));
    await vi.runAllTimersAsync();
    expect(reads()).toBe(2);
  });
});
