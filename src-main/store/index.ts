/**
 * The SQLite store: the only code that touches better-sqlite3. `openStore` gives one object with
 * every query, grouped by feature in the files beside this one.
 */
import { baseModelQueries } from './base-models';
import { checkDb, type CheckReport } from './check';
import { checkpointQueries } from './checkpoints';
import { openDb, type OpenOptions } from './db';
import { figureQueries } from './figures';
import { metricQueries } from './metrics';
import { remoteQueries } from './remote';
import { runQueries } from './runs';
import { sampleQueries } from './samples';
import { SCHEMA_VERSION } from './schema';
import { trainingQueries } from './training';

function storeOver(db: ReturnType<typeof openDb>) {
  return {
    file: db.file,
    readonly: db.readonly,
    ...runQueries(db),
    ...metricQueries(db),
    ...sampleQueries(db),
    ...checkpointQueries(db),
    ...baseModelQueries(db),
    ...figureQueries(db),
    ...trainingQueries(db),
    ...remoteQueries(db),
    /** Runs fn in one transaction (nested calls become savepoints); a throw rolls all of it back. */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn);
    },
    /** Integrity, foreign keys and schema (`cliplab db check`). */
    check(): CheckReport {
      return checkDb(db);
    },
    /** The connection's settings, as SQLite reports them. */
    settings(): { journalMode: string; synchronous: string; foreignKeys: boolean; busyTimeoutMs: number } {
      const sync = db.sql.pragma('synchronous', { simple: true }) as number;
      return {
        journalMode: db.sql.pragma('journal_mode', { simple: true }) as string,
        synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync] ?? String(sync),
        foreignKeys: db.sql.pragma('foreign_keys', { simple: true }) === 1,
        busyTimeoutMs: db.sql.pragma('busy_timeout', { simple: true }) as number,
      };
    },
    schemaVersion(): number {
      return db.sql.pragma('user_version', { simple: true }) as number;
    },
    close(): void {
      db.close();
    },
  };
}

export type Store = ReturnType<typeof storeOver>;

/**
 * Opens a cliplab database, creating and migrating it as needed. A file that is not a cliplab
 * database, is damaged, or comes from a newer cliplab is refused with a StoreError naming it, and is
 * left byte-for-byte as it was.
 */
export function openStore(file: string, opts: OpenOptions = {}): Store {
  return storeOver(openDb(file, opts));
}

export { SCHEMA_VERSION };
export { StoreError, type StoreErrorKind } from './errors';
export type { CheckReport } from './check';
export type { OpenOptions } from './db';
export type { StoredRun, NewRun, ListRunsOptions, StatusExtra } from './runs';
export type { MetricPoint, SeriesInput, StepRange } from './metrics';
export type { Checkpoint, SaveCheckpointOptions } from './checkpoints';
export type { BaseModelRow, BaseModelInfoRow, NewBaseModel } from './base-models';
export type { FigureRow } from './figures';
export type { StoredRemoteJob, NewRemoteJob, OpenRemoteRun } from './remote';
export type { QueueEntry, RunningWorker, BaseModelBuild, BuildClaim, StopKind } from './training';
export { openForeignDatabase, isSqliteFile, type ForeignDatabase } from './foreign';
