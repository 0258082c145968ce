/**
 * The database schema as an ordered list of migrations. `PRAGMA user_version` holds the number of
 * migrations applied; each runs in its own transaction (store/migrate.ts).
 *
 * A shipped migration is never edited: a change to the schema is a new entry at the end. The
 * migration test keeps a frozen copy of version 1 to catch edits.
 */

/** Marks a file as cliplab's (`PRAGMA application_id`), so a foreign SQLite file is refused. */
export const APPLICATION_ID = 0x636c6c62; // "cllb"

export interface Migration {
  /** The schema version after this migration. */
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, tags, interned metric keys, metrics, samples, checkpoints',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        origin TEXT NOT NULL,
        status TEXT NOT NULL,
        config TEXT,
        source TEXT,
        group_key TEXT NOT NULL,
        config_hash TEXT,
        seed INTEGER,
        backend TEXT,
        app_version TEXT NOT NULL,
        steps INTEGER,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT,
        notes TEXT NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX runs_group_key ON runs (group_key);

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE metric_keys (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE
      ) STRICT;

      -- One row per point. The primary key makes one run's series for one key a contiguous range,
      -- so a series, a step range and the last value are index seeks. value NULL = NaN.
      CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key_id INTEGER NOT NULL,
        step INTEGER NOT NULL,
        value REAL,
        time_s REAL,
        PRIMARY KEY (run_id, key_id, step)
      ) STRICT, WITHOUT ROWID;

      -- Per (run, key) summary kept by every metric write: the run list reads last steps and
      -- latest values here instead of scanning millions of points.
      CREATE TABLE run_metric_stats (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key_id INTEGER NOT NULL,
        count INTEGER NOT NULL,
        first_step INTEGER NOT NULL,
        last_step INTEGER NOT NULL,
        last_value REAL,
        PRIMARY KEY (run_id, key_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE samples (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
      ) STRICT;

      CREATE TABLE checkpoints (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (run_id, step)
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'worker liveness and backend detail on runs; base models; saved figures',
    sql: `
      ALTER TABLE runs ADD COLUMN backend_detail TEXT;
      ALTER TABLE runs ADD COLUMN worker_pid INTEGER;
      ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
      CREATE INDEX runs_status ON runs (status);

      CREATE TABLE base_models (
        key TEXT PRIMARY KEY,
        spec TEXT NOT NULL,
        weights BLOB NOT NULL,
        info TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE figures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: 'run queue order, stop requests, control twins, base models being built',
    sql: `
      -- The run a random-reward control twins (issue 4); diagnostics pair them through it.
      ALTER TABLE runs ADD COLUMN control_of INTEGER REFERENCES runs (id) ON DELETE SET NULL;

      -- Queued runs waiting for a worker, in the order they start; persisted so a restart keeps it.
      CREATE TABLE run_queue (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        resume INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      -- A request that a running run stop after its step in flight: cancelled (by a user) or
      -- interrupted (Ctrl-C, the app closing; resumable). Any process may set it; the worker polls it.
      CREATE TABLE stop_requests (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        reason TEXT NOT NULL CHECK (reason IN ('cancelled', 'interrupted')),
        requested_at TEXT NOT NULL
      ) STRICT;

      -- A base model one worker is training: others needing it wait instead of training it twice.
      CREATE TABLE base_model_builds (
        key TEXT PRIMARY KEY,
        run_id INTEGER,
        pid INTEGER NOT NULL,
        heartbeat_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'entropy attribution: earlier local runs keep their logit-space estimate under *_logit keys',
    sql: `
      -- Issue 13: until this version a local run logged the logit-space estimate of the entropy
      -- change under entropy/delta_pred, clip/low_drift and clip/high_drift, which now hold the exact
      -- first-order attribution. Runs whose config predates the \`attribution\` setting get their points
      -- moved to the estimate's own keys and their config told how they were attributed, so no view
      -- reads an estimate as exact. Runs made since (config with \`attribution\`) are left alone.
      -- CISPO's other weight clips (clip/low_pos_drift, clip/high_neg_drift) were estimated the same
      -- way and are now exact only: their estimates keep *_logit keys outside the canonical set.
      CREATE TEMP TABLE attribution_renames (old TEXT, new TEXT);
      INSERT INTO attribution_renames VALUES
        ('entropy/delta_pred', 'entropy/delta_pred_logit'),
        ('clip/low_drift', 'clip/low_drift_logit'),
        ('clip/high_drift', 'clip/high_drift_logit'),
        ('clip/low_pos_drift', 'clip/low_pos_drift_logit'),
        ('clip/high_neg_drift', 'clip/high_neg_drift_logit');
      INSERT OR IGNORE INTO metric_keys (key) SELECT new FROM attribution_renames;
      CREATE TEMP TABLE attribution_runs AS
        SELECT id FROM runs
        WHERE origin = 'local' AND config IS NOT NULL AND json_valid(config)
          AND json_type(config, '$.attribution') IS NULL;
      CREATE TEMP TABLE attribution_keys AS
        SELECT o.id AS old_id, n.id AS new_id
        FROM attribution_renames r
        JOIN metric_keys o ON o.key = r.old
        JOIN metric_keys n ON n.key = r.new;
      UPDATE metrics SET key_id = (SELECT new_id FROM attribution_keys WHERE old_id = metrics.key_id)
        WHERE key_id IN (SELECT old_id FROM attribution_keys) AND run_id IN (SELECT id FROM attribution_runs);
      UPDATE run_metric_stats SET key_id = (SELECT new_id FROM attribution_keys WHERE old_id = run_metric_stats.key_id)
        WHERE key_id IN (SELECT old_id FROM attribution_keys) AND run_id IN (SELECT id FROM attribution_runs);
      UPDATE runs SET config = json_set(config, '$.attribution', json('{"method":"logit","every":1}'))
        WHERE id IN (SELECT id FROM attribution_runs);
      DROP TABLE attribution_renames;
      DROP TABLE attribution_runs;
      DROP TABLE attribution_keys;
    `,
  },
  {
    version: 5,
    description: 'remote runs: the Ray job behind each one',
    sql: `
      -- The job <-> run mapping of runs with origin 'remote' (issue 17): where the job was submitted,
      -- its submission id (unique per dashboard, so a restart never submits a run twice), the request
      -- as sent (to submit it later when the cluster was unreachable), and what Ray last said.
      -- HTTP headers for the dashboard (auth proxies) are never stored here.
      CREATE TABLE remote_jobs (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        engine TEXT NOT NULL,
        target TEXT NOT NULL,
        job_id TEXT NOT NULL,
        request TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('logs', 'path')),
        stream_path TEXT,
        gpus REAL NOT NULL DEFAULT 0,
        insecure_ok INTEGER NOT NULL DEFAULT 0,
        job_status TEXT,
        message TEXT,
        submitted_at TEXT,
        stop_sent_at TEXT,
        checked_at TEXT,
        unreachable TEXT,
        UNIQUE (target, job_id)
      ) STRICT;
    `,
  },
  {
    version: 6,
    description: 'entropy attribution: runs made before attribution.rule record the first-order rule they used',
    sql: `
      -- Issue 13: the exact attribution's total became the trapezoid (second order) by default, set by
      -- attribution.rule. Every local run whose config asks for the exact method without naming a rule
      -- was attributed to first order: its config is told so ("tangent"), and its numbers are read
      -- that way. Runs with another method, with a rule already, and imports are left alone.
      UPDATE runs SET config = json_set(config, '$.attribution.rule', 'tangent')
        WHERE origin = 'local' AND config IS NOT NULL AND json_valid(config)
          AND json_extract(config, '$.attribution.method') = 'exact'
          AND json_type(config, '$.attribution.rule') IS NULL;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
