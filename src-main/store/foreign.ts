/**
 * Reading another program's SQLite file (MLflow's `mlflow.db`) for an import: the bytes are loaded
 * into an in-memory database (better-sqlite3's deserialize), so the file on disk is never opened by
 * SQLite at all: no -wal/-shm files appear beside it, no lock is taken on a store another process
 * is writing, and an uploaded file needs no temporary copy. Read-only: what the importer needs is
 * a list of tables and columns and SELECTs with bound parameters.
 */
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { nativeBindingOption } from './native';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** File-format read/write version bytes (https://sqlite.org/fileformat.html#file_format_version_numbers). */
const WRITE_VERSION_AT = 18;
const READ_VERSION_AT = 19;
const WAL_VERSION = 2;
const LEGACY_VERSION = 1;

export interface ForeignDatabase {
  /** Names of the tables in the file. */
  tables(): string[];
  /** Column names of a table (empty for a table that does not exist). */
  columns(table: string): string[];
  /** Rows of a SELECT, parameters bound positionally. */
  all<R>(sql: string, ...params: unknown[]): R[];
  close(): void;
}

/** True if the bytes start with the SQLite file header. */
export function isSqliteFile(bytes: Uint8Array): boolean {
  return bytes.length >= SQLITE_MAGIC.length && Buffer.from(bytes.buffer, bytes.byteOffset, 16).equals(SQLITE_MAGIC);
}

/**
 * Opens a copy of an SQLite file's bytes. A database in WAL mode is marked as a rollback-journal one
 * in the copy (SQLite cannot open an in-memory WAL database); the pages are the same either way.
 * `name` is used in errors.
 */
export function openForeignDatabase(bytes: Buffer, name: string): ForeignDatabase {
  if (!isSqliteFile(bytes)) throw new StoreError('foreign', name, 'not an SQLite database (no SQLite header)');
  const copy = Buffer.from(bytes);
  if (copy.length > READ_VERSION_AT && copy[WRITE_VERSION_AT] === WAL_VERSION) {
    copy[WRITE_VERSION_AT] = LEGACY_VERSION;
    copy[READ_VERSION_AT] = LEGACY_VERSION;
  }
  let sql: Database.Database;
  try {
    sql = new Database(copy, { readonly: true, ...nativeBindingOption(name) });
    sql.pragma('schema_version'); // reads page 1: a damaged file fails here, not in the first query
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError('corrupt', name, `cannot read it as SQLite (${err instanceof Error ? err.message : err})`);
  }
  return {
    tables: () =>
      sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[],
    columns: (table) => (sql.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]) ?? [],
    all: <R>(text: string, ...params: unknown[]) => sql.prepare(text).all(...params) as R[],
    close: () => sql.close(),
  };
}
