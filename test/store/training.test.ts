import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, SCHEMA_VERSION, type BaseModelBuild } from '../../src-main/store';
import { APPLICATION_ID, MIGRATIONS } from '../../src-main/store/schema';
import { tempDbPath } from '../support/temp';

function newRun(store: ReturnType<typeof openStore>, name = 'r') {
  return store.createRun({ name, origin: 'local', status: 'queued', config: {}, groupKey: 'g', appVersion: '0' });
}

describe('schema 3: training', () => {
  it('upgrades a version-2 file and keeps its runs (control_of empty)', () => {
    const file = tempDbPath();
    const db = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) db.exec(m.sql);
    db.exec(`INSERT INTO runs (name, origin, status, group_key, app_version, created_at)
      VALUES ('old', 'local', 'interrupted', 'g', '0.0.1', '2024-01-01T00:00:00.000Z')`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 2');
    db.close();
    const store = openStore(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.getRun(1)).toMatchObject({ name: 'old', status: 'interrupted', controlOf: null });
    expect(store.queueEntries()).toEqual([]);
    expect(store.check().problems).toEqual([]);
    store.close();
  });

  it('keeps the queue order, moves entries, and forgets deleted runs', () => {
    const store = openStore(tempDbPath());
    const [a, b, c] = [newRun(store), newRun(store), newRun(store)];
    for (const id of [a, b, c]) store.enqueueRun(id);
    expect(store.moveQueued(c, 0)).toBe(true);
    expect(store.queueEntries().map((e) => e.runId)).toEqual([c, a, b]);
    expect(store.moveQueued(c, 99)).toBe(true);
    expect(store.queueEntries().map((e) => e.runId)).toEqual([a, b, c]);
    store.deleteRuns([b]);
    expect(store.queueEntries().map((e) => e.runId)).toEqual([a, c]);
    expect(store.moveQueued(b, 0)).toBe(false);
    store.close();
  });

  it('lets one process claim a queued run, and only its owner end it', () => {
    const store = openStore(tempDbPath());
    const id = newRun(store);
    store.enqueueRun(id);
    store.requestStop(id, 'interrupted');
    expect(store.claimRun(id, 100, ['queued'])).toBe(true);
    expect(store.claimRun(id, 200, ['queued'])).toBe(false);
    expect(store.queueEntries()).toEqual([]);
    expect(store.stopRequest(id)).toBeNull(); // a new start forgets an old request
    expect(store.takeOverRun(id, 999, 300)).toBe(false);
    expect(store.takeOverRun(id, 100, 300)).toBe(true);
    expect(store.ownsRun(id, 300)).toBe(true);
    store.requestStop(id, 'cancelled');
    store.requestStop(id, 'interrupted');
    expect(store.stopRequest(id)).toBe('cancelled'); // a cancel outranks an interruption
    expect(store.endRun(id, 100, 'completed')).toBe(false);
    expect(store.endRun(id, 300, 'cancelled')).toBe(true);
    expect(store.getRun(id)).toMatchObject({ status: 'cancelled', workerPid: null });
    expect(store.stopRequest(id)).toBeNull();
    store.close();
  });

  it('marks a run interrupted only while the recorded worker still holds it', () => {
    const store = openStore(tempDbPath());
    const id = newRun(store);
    store.claimRun(id, 100, ['queued']);
    expect(store.markInterrupted(id, 101, 'gone')).toBe(false);
    expect(store.markInterrupted(id, 100, 'gone')).toBe(true);
    expect(store.getRun(id)).toMatchObject({ status: 'interrupted', error: 'gone' });
    expect(store.runningWorkers()).toEqual([]);
    store.close();
  });

  it('links a control to its run and clears a run that starts over', () => {
    const store = openStore(tempDbPath());
    const [run, twin] = [newRun(store), newRun(store)];
    store.setControlOf(twin, run);
    expect(store.controlOf(twin)).toBe(run);
    expect(store.controlsOf([run])).toEqual(new Map([[twin, run]]));
    store.appendMetrics(run, [{ key: 'entropy', step: 0, value: 1 }]);
    store.putSamples(run, 0, []);
    store.saveCheckpoint(run, 0, new Uint8Array([1]));
    store.clearRunData(run);
    expect(store.lastStep(run)).toBeNull();
    expect(store.sampleSteps(run)).toEqual([]);
    expect(store.checkpointSteps(run)).toEqual([]);
    store.deleteRuns([run]);
    expect(store.controlOf(twin)).toBeNull();
    store.close();
  });

  it('hands a base-model build to one process at a time', () => {
    const store = openStore(tempDbPath());
    const never = () => false;
    expect(store.claimBaseModelBuild('k', { pid: 1, runId: null }, never)).toEqual({ state: 'claimed' });
    const busy = store.claimBaseModelBuild('k', { pid: 2, runId: null }, never);
    expect(busy).toMatchObject({ state: 'busy', build: { key: 'k', pid: 1 } });
    const stale = (b: BaseModelBuild) => b.pid === 1;
    expect(store.claimBaseModelBuild('k', { pid: 2, runId: null }, stale)).toEqual({ state: 'claimed' });
    store.putBaseModel({ key: 'k', spec: {}, weights: new Uint8Array([0]), info: {} });
    store.releaseBaseModelBuild('k', 2);
    expect(store.claimBaseModelBuild('k', { pid: 3, runId: null }, never)).toEqual({ state: 'built' });
    store.close();
  });
});
