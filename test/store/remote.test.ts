/**
 * The remote-runs migration: a database written before it upgrades in place with its runs intact,
 * and the remote-job queries keep one follower per run and one row per job. The migration is found
 * by what it creates, not by its number (other migrations may be ordered before it).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openStore } from '../../src-main/store';
import { APPLICATION_ID, MIGRATIONS } from '../../src-main/store/schema';
import { tempDbPath } from '../support/temp';

/** The migration that adds remote runs, and the schema version just before it. */
const REMOTE_MIGRATION = MIGRATIONS.find((m) => /CREATE TABLE remote_jobs\b/.test(m.sql))!;
const BEFORE = REMOTE_MIGRATION.version - 1;

/** A file exactly as the schema before remote runs left it (migrations are never edited once shipped), with two runs. */
function makePreviousFile(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const m of MIGRATIONS.filter((m) => m.version <= BEFORE)) db.exec(m.sql);
  db.exec(`
    INSERT INTO runs (name, origin, status, config, group_key, seed, app_version, steps, created_at)
      VALUES ('local run', 'local', 'completed', '{"seed":1}', 'g1', 1, '0.1.0', 10, '2025-01-01T00:00:00.000Z');
    INSERT INTO runs (name, origin, status, source, group_key, app_version, created_at, worker_pid, heartbeat_at)
      VALUES ('followed log', 'imported', 'running', '{"format":"cliplab-probe","file":"/x.jsonl","params":{}}',
        'import:x', '0.1.0', '2025-01-01T00:00:00.000Z', 4242, '2025-01-01T00:00:00.000Z');
    INSERT OR IGNORE INTO metric_keys (key) VALUES ('clip/low_frac');
    INSERT INTO metrics VALUES (2, (SELECT id FROM metric_keys WHERE key = 'clip/low_frac'), 1, 0.25, 1.5);
    INSERT INTO run_metric_stats VALUES (2, (SELECT id FROM metric_keys WHERE key = 'clip/low_frac'), 1, 1, 1, 0.25);
  `);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${BEFORE}`);
  db.close();
}

const job = (runId: number, jobId = `cliplab-${runId}-00000000`) => ({
  runId,
  engine: 'trl',
  target: 'ray://127.0.0.1:8265',
  jobId,
  request: JSON.stringify({ entrypoint: 'python -m cliplab_probe.trl_entry', submission_id: jobId }),
  channel: 'logs',
  streamPath: null,
  gpus: 1,
  insecureOk: false,
});

describe('remote runs in the store', () => {
  it('upgrades a file from before remote runs: old runs intact, remote jobs recorded beside new runs', () => {
    expect(REMOTE_MIGRATION).toBeDefined();
    const file = tempDbPath();
    makePreviousFile(file);
    const store = openStore(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.getRun(1)).toMatchObject({ name: 'local run', origin: 'local', remote: null });
    expect(store.getRun(2, ['clip/low_frac'])).toMatchObject({
      origin: 'imported',
      status: 'running',
      workerPid: 4242,
      latest: { 'clip/low_frac': 0.25 },
      remote: null,
    });
    const id = store.transaction(() => {
      const runId = store.createRun({
        name: 'remote',
        origin: 'remote',
        status: 'queued',
        config: { seed: 1 },
        groupKey: 'remote:g',
        appVersion: '0.2.0',
      });
      store.createRemoteJob(job(runId));
      return runId;
    });
    expect(store.getRun(id)?.remote).toMatchObject({
      engine: 'trl',
      jobId: `cliplab-${id}-00000000`,
      submittedAt: null,
    });
    expect(store.check().problems).toEqual([]);
    store.close();
  });

  it('keeps one row per job, records what Ray says, and deletes it with its run', () => {
    const store = openStore(tempDbPath());
    const make = () =>
      store.createRun({ name: 'r', origin: 'remote', status: 'queued', groupKey: 'g', appVersion: '0', config: {} });
    const a = make();
    const b = make();
    store.createRemoteJob(job(a, 'same-id'));
    expect(() => store.createRemoteJob(job(b, 'same-id'))).toThrow(/UNIQUE/);
    store.markSubmitted(a, new Date('2025-01-01T00:00:00Z'));
    store.markSubmitted(a, new Date('2025-02-02T00:00:00Z')); // the first acceptance stays
    store.recordUnreachable(a, 'ray://127.0.0.1:8265: cannot reach');
    store.recordJobState(a, 'RUNNING', 'Job is currently running.', new Date('2025-01-01T00:01:00Z'));
    expect(store.remoteJob(a)).toMatchObject({
      submittedAt: '2025-01-01T00:00:00.000Z',
      jobStatus: 'RUNNING',
      message: 'Job is currently running.',
      checkedAt: '2025-01-01T00:01:00.000Z',
      unreachable: null,
    });
    store.deleteRuns([a]);
    expect(store.remoteJob(a)).toBeUndefined();
    store.close();
  });

  it('lets one process follow a run at a time, and the next one take over a gone follower', () => {
    const store = openStore(tempDbPath());
    const id = store.createRun({
      name: 'r',
      origin: 'remote',
      status: 'running',
      groupKey: 'g',
      appVersion: '0',
      config: {},
    });
    const alive = () => false;
    const gone = () => true;
    expect(store.claimRemoteRun(id, 100, alive)).toBe(true); // nobody held it
    expect(store.claimRemoteRun(id, 200, alive)).toBe(false);
    expect(store.claimRemoteRun(id, 100, alive)).toBe(true); // its own claim
    expect(store.claimRemoteRun(id, 200, gone)).toBe(true);
    store.releaseRemoteRun(id, 100); // not the holder: no effect
    expect(store.getRun(id)?.workerPid).toBe(200);
    store.releaseRemoteRun(id, 200);
    expect(store.getRun(id)).toMatchObject({ workerPid: null, heartbeatAt: null, status: 'running' });
    expect(store.openRemoteRuns()).toEqual([{ runId: id, status: 'running', pid: null, heartbeatAt: null }]);
    store.setRunStatus(id, 'completed');
    expect(store.openRemoteRuns()).toEqual([]);
    expect(store.claimRemoteRun(id, 300, gone)).toBe(false);
    store.close();
  });
});
