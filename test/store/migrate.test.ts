import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openStore } from '../../src-main/store';
import { APPLICATION_ID, MIGRATIONS } from '../../src-main/store/schema';
import { tempDbPath } from '../support/temp';

/**
 * Schema version 1 exactly as the first cliplab release wrote it. Frozen here on purpose: if
 * migration 1 in schema.ts is ever edited, files made by that release would no longer match it.
 */
const V1_DDL = `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, origin TEXT NOT NULL, status TEXT NOT NULL,
    config TEXT, source TEXT, group_key TEXT NOT NULL, config_hash TEXT, seed INTEGER, backend TEXT,
    app_version TEXT NOT NULL, steps INTEGER, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
    error TEXT, notes TEXT NOT NULL DEFAULT ''
  ) STRICT;
  CREATE INDEX runs_group_key ON runs (group_key);
  CREATE TABLE run_tags (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (run_id, tag)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE metric_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE) STRICT;
  CREATE TABLE metrics (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, key_id INTEGER NOT NULL,
    step INTEGER NOT NULL, value REAL, time_s REAL, PRIMARY KEY (run_id, key_id, step)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE run_metric_stats (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, key_id INTEGER NOT NULL,
    count INTEGER NOT NULL, first_step INTEGER NOT NULL, last_step INTEGER NOT NULL, last_value REAL,
    PRIMARY KEY (run_id, key_id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE samples (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, step INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
  ) STRICT;
  CREATE TABLE checkpoints (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, step INTEGER NOT NULL,
    created_at TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run_id, step)
  ) STRICT;
`;

/** A version-1 file with one run holding tags, metrics, samples and a checkpoint. */
function makeV1File(file: string, extraSql = ''): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(V1_DDL);
  db.exec(`
    INSERT INTO runs (name, origin, status, config, group_key, config_hash, seed, backend, app_version, steps,
      created_at, notes)
      VALUES ('old run', 'local', 'completed', '{"seed":3}', 'gk', 'h', 3, 'wasm', '0.0.1', 2,
        '2024-01-01T00:00:00.000Z', 'kept');
    INSERT INTO run_tags VALUES (1, 'paper');
    INSERT INTO metric_keys (id, key) VALUES (1, 'entropy'), (2, 'reward/mean');
    INSERT INTO metrics VALUES (1, 1, 0, 2.5, 0.1), (1, 1, 1, 2.25, 0.2), (1, 2, 0, 0.5, 0.1), (1, 2, 1, NULL, 0.2);
    INSERT INTO run_metric_stats VALUES (1, 1, 2, 0, 1, 2.25), (1, 2, 2, 0, 1, NULL);
    INSERT INTO samples VALUES (1, 0, '[]');
    INSERT INTO checkpoints VALUES (1, 1, '2024-01-01T00:00:01.000Z', x'0102');
  `);
  db.exec(extraSql);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.close();
}

describe('migrations', () => {
  it('migration 1 still creates the frozen version-1 schema', () => {
    const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
    const objects = (ddl: string) => {
      const db = new Database(':memory:');
      db.exec(ddl);
      const rows = db.prepare('SELECT name, sql FROM sqlite_schema ORDER BY name').all() as { sql: string | null }[];
      db.close();
      return rows.map((r) => ({ ...r, sql: r.sql && norm(r.sql) }));
    };
    expect(objects(MIGRATIONS[0].sql)).toEqual(objects(V1_DDL));
  });

  it('upgrades a version-1 file to the current version and keeps its data', () => {
    const file = tempDbPath();
    makeV1File(file);
    const store = openStore(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    const run = store.getRun(1, ['entropy', 'reward/mean'])!;
    expect(run).toMatchObject({ name: 'old run', status: 'completed', notes: 'kept', seed: 3, tags: ['paper'] });
    expect(run.backendDetail).toBeNull();
    expect(run.workerPid).toBeNull();
    expect(run.lastStep).toBe(1);
    // The final value is the last logged one that is a number: reward/mean's step 1 is NaN.
    expect(run.latest).toEqual({ entropy: 2.25, 'reward/mean': 0.5 });
    expect(store.series(1, ['entropy'])[0].values).toEqual([2.5, 2.25]);
    expect(store.latestCheckpoint(1)?.data).toEqual(Buffer.from([1, 2]));
    // Tables and columns added by version 2 work.
    expect(store.setRunStatus(1, 'running', { backend: 'cpu', backendDetail: 'cpu (pure JavaScript)' })).toBe(true);
    expect(store.getRun(1)!.backendDetail).toBe('cpu (pure JavaScript)');
    expect(store.createFigure('f', { a: 1 })).toBe(1);
    expect(store.check().problems).toEqual([]);
    store.close();
  });

  it('moves the logit-space estimate of runs made before exact attribution to its own keys (version 4)', () => {
    const file = tempDbPath();
    // Run 1: a local run from before the `attribution` setting; run 2: a local run made since (exact);
    // run 3: an import whose keys are the trainer's own.
    makeV1File(
      file,
      `INSERT INTO runs (name, origin, status, config, group_key, app_version, created_at) VALUES
         ('exact', 'local', 'completed', '{"seed":4,"attribution":{"method":"exact","every":1}}', 'gk', '0.1', '2024'),
         ('import', 'imported', 'completed', NULL, 'gk2', '0.1', '2024');
       INSERT INTO metric_keys (id, key) VALUES (3, 'entropy/delta_pred'), (4, 'clip/low_drift'), (5, 'clip/high_drift');
       INSERT INTO metrics VALUES (1, 3, 0, -0.5, 0.1), (1, 3, 1, -0.25, 0.2), (1, 4, 0, 0.1, 0.1), (1, 5, 0, -0.2, 0.1),
         (2, 3, 0, -7, 0.1), (3, 3, 0, -9, 0.1);
       INSERT INTO run_metric_stats VALUES (1, 3, 2, 0, 1, -0.25), (1, 4, 1, 0, 0, 0.1), (1, 5, 1, 0, 0, -0.2),
         (2, 3, 1, 0, 0, -7), (3, 3, 1, 0, 0, -9);`,
    );
    const store = openStore(file);
    const keys = ['entropy/delta_pred', 'entropy/delta_pred_logit', 'clip/low_drift_logit', 'clip/high_drift_logit'];
    const values = (id: number) =>
      Object.fromEntries(
        store
          .series(id, keys)
          .filter((s) => s.values.length > 0)
          .map((s) => [s.key, s.values]),
      );
    expect(values(1)).toEqual({
      'entropy/delta_pred_logit': [-0.5, -0.25],
      'clip/low_drift_logit': [0.1],
      'clip/high_drift_logit': [-0.2],
    });
    expect(store.getRun(1, keys)!.latest).toEqual({
      'entropy/delta_pred_logit': -0.25,
      'clip/low_drift_logit': 0.1,
      'clip/high_drift_logit': -0.2,
    });
    expect(JSON.parse(store.getRun(1)!.config!)).toEqual({ seed: 3, attribution: { method: 'logit', every: 1 } });
    expect(values(2)).toEqual({ 'entropy/delta_pred': [-7] });
    // Version 6: an exact run made before attribution.rule was attributed to first order.
    expect(JSON.parse(store.getRun(2)!.config!).attribution).toEqual({ method: 'exact', every: 1, rule: 'tangent' });
    expect(values(3)).toEqual({ 'entropy/delta_pred': [-9] });
    expect(store.check().problems).toEqual([]);
    store.close();
  });

  it('records the first-order rule in exact runs made before attribution.rule (version 6)', () => {
    const file = tempDbPath();
    // A file as the previous schema (version 5) left it: exact runs with no rule, a logit run, a run
    // already naming its rule, an import.
    const db = new Database(file);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    for (const m of MIGRATIONS.filter((x) => x.version <= 5)) db.exec(m.sql);
    db.pragma('user_version = 5');
    const configs = [
      { seed: 1, attribution: { method: 'exact', every: 10 } },
      { seed: 2, attribution: { method: 'exact', every: 1 }, name: 'x' },
      { seed: 3, attribution: { method: 'logit', every: 1 } },
      { seed: 4, attribution: { method: 'exact', every: 1, rule: 'trapezoid' } },
    ];
    const insert = db.prepare(
      `INSERT INTO runs (name, origin, status, config, group_key, app_version, created_at)
       VALUES (?, 'local', 'completed', ?, 'gk', '0.1', '2026')`,
    );
    for (const c of configs) insert.run(`run ${c.seed}`, JSON.stringify(c));
    db.prepare(
      `INSERT INTO runs (name, origin, status, config, group_key, app_version, created_at)
       VALUES ('import', 'imported', 'completed', NULL, 'gk2', '0.1', '2026')`,
    ).run();
    db.close();
    const store = openStore(file);
    const attribution = (id: number) => JSON.parse(store.getRun(id)!.config!).attribution;
    expect(attribution(1)).toEqual({ method: 'exact', every: 10, rule: 'tangent' });
    expect(JSON.parse(store.getRun(2)!.config!)).toEqual({
      seed: 2,
      attribution: { method: 'exact', every: 1, rule: 'tangent' },
      name: 'x',
    });
    expect(attribution(3)).toEqual({ method: 'logit', every: 1 });
    expect(attribution(4)).toEqual({ method: 'exact', every: 1, rule: 'trapezoid' });
    expect(store.getRun(5)!.config).toBeNull();
    expect(store.check().problems).toEqual([]);
    store.close();
  });

  it('rolls a failing migration back completely, leaving the file at its old version', () => {
    const file = tempDbPath();
    // A stray table with the name migration 2 creates makes that migration fail half-way.
    makeV1File(file, 'CREATE TABLE figures (x INTEGER)');
    expect(() => openStore(file)).toThrow(/figures already exists/);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const columns = (db.pragma('table_info(runs)') as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('backend_detail');
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'base_models'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('reads a version-1 file read-only only after it was upgraded', () => {
    const file = tempDbPath();
    makeV1File(file);
    expect(() => openStore(file, { readonly: true })).toThrow(/schema version 1 needs upgrading/);
  });
});
