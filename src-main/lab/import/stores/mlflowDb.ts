/**
 * MLflow's SQLite backend (`mlflow.db`, the default since MLflow 3.7 and verl's default MLflow
 * target): tables `experiments`, `runs` (run_uuid, name, status, start_time, lifecycle_stage,
 * experiment_id), `metrics` (key, value, timestamp, step, is_nan, run_uuid), `params` and `tags`.
 * The file is read through the store layer's read-only reader (store/foreign.ts); every run that is
 * not in the trash becomes a cliplab run.
 */
import { isSqliteFile, openForeignDatabase, StoreError, type ForeignDatabase } from '../../../store';
import { ImportError } from '../errors';
import type { Head } from '../formats';
import { parsedMlflowRun, type MlflowPoint, type StoreRun } from './mlflowRun';

const REQUIRED_TABLES = ['experiments', 'runs', 'metrics', 'params'];

/** The reason the head looks like an MLflow database, or null. */
export function sniffMlflowDb(head: Head): string | null {
  if (!isSqliteFile(head.bytes)) return null;
  // sqlite_master (page 1 onwards) holds each table's CREATE statement as text.
  const schema = head.bytes.toString('latin1');
  if (!/CREATE TABLE (")?metrics/.test(schema) || !schema.includes('run_uuid')) return null;
  return 'an SQLite database with MLflow tracking tables (mlflow.db)';
}

interface RunRow {
  run_uuid: string;
  name: string | null;
  status: string | null;
  start_time: number | null;
  lifecycle_stage: string | null;
  experiment_id: number | string;
}

function open(bytes: Buffer, file: string): ForeignDatabase {
  try {
    return openForeignDatabase(bytes, file);
  } catch (err) {
    if (err instanceof StoreError) throw new ImportError(file, err.message.replace(`database ${file}: `, ''));
    throw err;
  }
}

function points(db: ForeignDatabase, runId: string): MlflowPoint[] {
  const cols = new Set(db.columns('metrics'));
  const step = cols.has('step') ? 'step' : '0';
  const isNan = cols.has('is_nan') ? 'is_nan' : '0';
  const rows = db.all<{ key: string; value: number; timestamp: number; step: number; is_nan: number }>(
    `SELECT key, value, timestamp, ${step} AS step, ${isNan} AS is_nan FROM metrics
     WHERE run_uuid = ? ORDER BY key, step, timestamp`,
    runId,
  );
  // MLflow stores NaN as value 0 with is_nan = 1 (SQL has no NaN).
  return rows.map((r) => ({ key: r.key, step: r.step, timestamp: r.timestamp, value: r.is_nan ? NaN : r.value }));
}

function pairs(db: ForeignDatabase, table: string, runId: string): [string, string][] {
  if (!db.tables().includes(table)) return [];
  return db
    .all<{ key: string; value: string | null }>(
      `SELECT key, value FROM ${table} WHERE run_uuid = ? ORDER BY key`,
      runId,
    )
    .map((r) => [r.key, r.value ?? '']);
}

/** Every run in the database that is not in the trash, oldest first. */
export function readMlflowDb(bytes: Buffer, file: string): StoreRun[] {
  const db = open(bytes, file);
  try {
    const tables = db.tables();
    const missing = REQUIRED_TABLES.filter((t) => !tables.includes(t));
    if (missing.length > 0) {
      throw new ImportError(
        file,
        `an SQLite database without MLflow's ${missing.join(', ')} tables; expected mlflow.db`,
      );
    }
    const experiments = new Map(
      db
        .all<{ experiment_id: number | string; name: string }>('SELECT experiment_id, name FROM experiments')
        .map((e) => [String(e.experiment_id), e.name]),
    );
    const runs = db.all<RunRow>(
      `SELECT run_uuid, name, status, start_time, lifecycle_stage, experiment_id FROM runs
       ORDER BY start_time, run_uuid`,
    );
    return runs
      .filter((r) => r.lifecycle_stage !== 'deleted')
      .map((r) => ({
        file,
        parsed: parsedMlflowRun({
          runId: r.run_uuid,
          name: r.name,
          experimentId: String(r.experiment_id),
          experimentName: experiments.get(String(r.experiment_id)) ?? null,
          status: r.status,
          startTime: r.start_time,
          points: points(db, r.run_uuid),
          params: pairs(db, 'params', r.run_uuid),
          tags: pairs(db, 'tags', r.run_uuid),
        }),
      }));
  } finally {
    db.close();
  }
}
