/**
 * The renderer's one way to load data: the newest answer wins whatever order answers arrive in,
 * lab events that land while a read is in flight are replayed on its answer, and the app's one runs
 * store follows events once however many components show it, and reads the list once for all.
 */
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ApiError, type RunRecord } from '../../../src-main/contract';
import { LiveResult } from '../../../src-renderer/lib/live.svelte';
import { RunsStore } from '../../../src-renderer/lib/runs-store.svelte';
import { localRun } from '../../support/run-records';
import { scriptedLab } from '../lab-client';
import { scriptedApi } from '../scripted-api';
import LiveQueryProbe from './LiveQueryProbe.svelte';

/** A promise the test settles when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('LiveResult', () => {
  it('takes the newest answer, whatever order the answers arrive in', async () => {
    const result = new LiveResult<string>();
    const [older, newer] = [deferred<string>(), deferred<string>()];
    const first = result.load(() => older.promise);
    const second = result.load(() => newer.promise);
    newer.resolve('newer');
    expect(await second).toBe(true);
    older.resolve('older');
    expect(await first).toBe(false);
    expect(result.value).toBe('newer');
    expect(result.state).toBe('ready');
  });

  it('keeps the value while it reads again, and shows an error until a read succeeds', async () => {
    const result = new LiveResult<number>();
    expect(result.state).toBe('loading');
    await result.load(async () => 1);
    const again = deferred<number>();
    const reading = result.load(() => again.promise);
    expect([result.state, result.value]).toEqual(['ready', 1]);
    again.reject(new ApiError('unavailable', 'the lab is gone'));
    await reading;
    expect(result.state).toBe('error');
    expect(result.error?.message).toBe('the lab is gone');
    const retry = deferred<number>();
    const retrying = result.load(() => retry.promise);
    expect(result.state).toBe('loading');
    retry.resolve(2);
    await retrying;
    expect([result.state, result.value, result.error]).toEqual(['ready', 2, null]);
    await result.load(async () => {
      throw new Error('not an ApiError');
    });
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error?.code).toBe('internal');
  });

  it('replays changes made while a read is in flight on its answer', async () => {
    const result = new LiveResult<number[]>();
    const answer = deferred<number[]>();
    const reading = result.load(() => answer.promise);
    result.update((xs) => [...xs, 4]);
    answer.resolve([1, 2, 3]);
    await reading;
    expect(result.value).toEqual([1, 2, 3, 4]);
    result.update((xs) => xs.slice(1));
    expect(result.value).toEqual([2, 3, 4]);
  });

  it('drops answers in flight when dropped or reset, and its guard says so', async () => {
    const result = new LiveResult<string>();
    await result.load(async () => 'shown');
    const late = deferred<string>();
    const reading = result.load(() => late.promise);
    const current = result.guard();
    expect(current()).toBe(true);
    result.drop();
    expect(current()).toBe(false);
    late.resolve('too late');
    expect(await reading).toBe(false);
    expect(result.value).toBe('shown');
    result.reset(true);
    expect([result.state, result.value]).toEqual(['loading', 'shown']);
    result.reset();
    expect([result.state, result.value]).toEqual(['loading', null]);
  });
});

describe('liveQuery', () => {
  it('reads again when its arguments change, and a late answer to old ones is dropped', async () => {
    const answers = new Map([1, 2].map((n) => [n, deferred<string>()]));
    let result!: LiveResult<string>;
    const view = render(LiveQueryProbe, {
      props: { args: 1, read: (n: number) => answers.get(n)!.promise, onresult: (r) => (result = r) },
    });
    await view.rerender({ args: 2 });
    answers.get(2)!.resolve('for 2');
    await expect.poll(() => result.value).toBe('for 2');
    answers.get(1)!.resolve('for 1');
    await new Promise((r) => setTimeout(r, 0));
    expect(result.value).toBe('for 2');
    expect(view.container.querySelector('p')?.textContent).toBe('for 2');
  });

  it('forgets the old value at once with reset, and reads nothing for null arguments', async () => {
    const reads: number[] = [];
    let result!: LiveResult<string>;
    const view = render(LiveQueryProbe, {
      props: {
        args: 1,
        reset: true,
        read: async (n: number) => (reads.push(n), `for ${n}`),
        onresult: (r) => (result = r),
      },
    });
    await expect.poll(() => result.value).toBe('for 1');
    await view.rerender({ args: null });
    expect([result.state, result.value]).toEqual(['loading', null]);
    expect(reads).toEqual([1]);
  });
});

describe('RunsStore', () => {
  it('follows events once for every component that shows it, until the last one goes', async () => {
    const lab = scriptedLab([localRun(1)]);
    const store = new RunsStore(lab.client);
    const [a, b] = [store.connect(), store.connect()];
    expect(lab.listenerCount()).toBe(1);
    a();
    a();
    expect(lab.listenerCount()).toBe(1);
    b();
    expect(lab.listenerCount()).toBe(0);
  });

  it('reads the list once for a view and its charts, with events of the meantime replayed on it', async () => {
    const answer = deferred<RunRecord[]>();
    const api = scriptedApi({ 'runs.list': () => answer.promise });
    const store = new RunsStore(api.client);
    const disconnect = store.connect();
    const loading = store.load();
    const listed = store.list();
    api.emit({ name: 'run.changed', payload: { run: localRun(2, { name: 'new during the read' }) } });
    answer.resolve([localRun(1)]);
    await loading;
    expect((await listed).map((r) => r.name)).toEqual(['new during the read', 'run 1']);
    expect(api.callsOf('runs.list')).toHaveLength(1);
    // Followed, the list stays current by events: a chart asking now reads nothing.
    await store.list();
    expect(api.callsOf('runs.list')).toHaveLength(1);
    disconnect();
    // Nobody follows it: a later ask reads the list again.
    await store.list();
    expect(api.callsOf('runs.list')).toHaveLength(2);
  });

  it('throws the error of a failed read to whoever waits for the list', async () => {
    const api = scriptedApi({
      'runs.list': () => {
        throw new ApiError('unavailable', 'database locked');
      },
    });
    await expect(new RunsStore(api.client).list()).rejects.toThrow('database locked');
  });
});
