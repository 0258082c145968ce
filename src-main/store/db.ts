/**
 * Opening a database file safely: a read-only look first (so a corrupt, foreign or newer file is
 * refused without a single byte changed), then the real connection with WAL, foreign keys, a busy
 * timeout, and migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { migrate } from './migrate';
import { nativeBindingOption, nativeLoadError } from './native';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema';

/** A connection with a cache of prepared statements (one per SQL text). */
export interface Db {
  readonly sql: Database.Database;
  readonly file: string;
  readonly readonly: boolean;
  /** The cached prepared statement for this SQL text. */
  prepare<R = unknown>(sql: string): Database.Statement<unknown[], R>;
  /** Runs fn in one transaction (a savepoint when nested); any throw rolls everything back. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface OpenOptions {
  /** Open without writing anything; the file must exist at the current schema version. */
  readonly?: boolean;
  /** How long a write waits for another process's write to finish, in ms. @default 5000 */
  busyTimeoutMs?: number;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

function readHead(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(bytes);
    const n = fs.readSync(fd, head, 0, bytes, 0);
    return head.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

interface Identity {
  applicationId: number;
  userVersion: number;
  /** Whether the schema table holds any object (table, index...). */
  hasObjects: boolean;
}

/**
 * Reads who wrote the file straight from the SQLite file header (https://sqlite.org/fileformat.html):
 * opening it with SQLite, even read-only, would create -wal/-shm files beside a WAL database.
 */
function readIdentity(file: string): Identity | null {
  const head = readHead(file, HEADER_BYTES + 8);
  if (head.length < HEADER_BYTES + 8 || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return null;
  // Page 1 is the root of sqlite_schema: a leaf (0x0d) with its cell count, or an interior page (0x05).
  const pageType = head[HEADER_BYTES];
  if (pageType !== 0x0d && pageType !== 0x05) return null;
  return {
    userVersion: head.readInt32BE(60),
    applicationId: head.readUInt32BE(68),
    hasObjects: pageType === 0x05 || head.readUInt16BE(HEADER_BYTES + 3) > 0,
  };
}

/** Throws a StoreError unless the file is absent, empty, or looks like a cliplab database this build can open. */
function checkExisting(file: string, readonly: boolean): void {
  if (!fs.existsSync(file)) {
    if (readonly) throw new StoreError('missing', file, 'no such file');
    return;
  }
  if (!fs.statSync(file).isFile()) throw new StoreError('corrupt', file, 'expected a file, found a directory');
  if (fs.statSync(file).size === 0) return;
  const id = readIdentity(file);
  if (!id) {
    throw new StoreError(
      'corrupt',
      file,
      'not an SQLite database (the file header is wrong); the file was not changed',
    );
  }
  checkIdentity(file, id);
}

function checkIdentity(file: string, id: Identity): void {
  const foreignApp = id.applicationId !== 0 && id.applicationId !== APPLICATION_ID;
  const foreignSchema = id.userVersion === 0 ? id.hasObjects : id.applicationId !== APPLICATION_ID;
  if (foreignApp || foreignSchema) {
    throw new StoreError(
      'foreign',
      file,
      'an SQLite database of some other program, not a cliplab database; it was not changed',
    );
  }
  if (id.userVersion > SCHEMA_VERSION) {
    throw new StoreError(
      'newer',
      file,
      `written by a newer cliplab (schema version ${id.userVersion}; this cliplab knows up to ${SCHEMA_VERSION}). ` +
        'Update cliplab to open it; the file was not changed',
    );
  }
}

function writable(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a database this user cannot write, before SQLite touches it. SQLite opens a write-protected
 * file read-only without a word, and a WAL database then gets a -shm index created beside it with the
 * file's own (read-only) permissions; once the file is writable again, that -shm makes every write
 * fail ("attempt to write a readonly database") until someone deletes it. Even a read needs the
 * -shm, so this applies to read-only opens too.
 */
function checkAccess(file: string): void {
  const folder = path.dirname(file);
  if (fs.existsSync(file) && !writable(file)) {
    throw new StoreError(
      'readonly',
      file,
      'this user cannot write the file (cliplab writes to it, and its -wal and -shm beside it); make it writable or copy it somewhere writable',
    );
  }
  for (const companion of [`${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(companion) && !writable(companion)) {
      throw new StoreError(
        'readonly',
        file,
        `${companion} is read-only (left by an earlier open of a read-only file?): delete ${path.basename(companion)} while no cliplab uses the database`,
      );
    }
  }
  if (!writable(folder)) {
    throw new StoreError(
      'readonly',
      file,
      `this user cannot create files in ${folder} (the database's -wal and -shm go there)`,
    );
  }
}

function connect(file: string, opts: OpenOptions): Database.Database {
  try {
    return new Database(file, {
      readonly: opts.readonly ?? false,
      fileMustExist: opts.readonly ?? false,
      timeout: opts.busyTimeoutMs ?? 5000,
      ...nativeBindingOption(file),
    });
  } catch (err) {
    throw nativeLoadError(file, err) ?? err;
  }
}

/**
 * First reads through SQLite, before anything is written: a damaged schema page, or a newer
 * version whose commit still sat in the WAL (the header check could not see it), stops here.
 */
function probe(sql: Database.Database, file: string): number {
  let version: number;
  try {
    sql.prepare('SELECT count(*) FROM sqlite_schema').get();
    version = sql.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(sqliteCode(err))) {
      throw new StoreError('corrupt', file, `the file is damaged (${(err as Error).message}); it was not changed`);
    }
    throw err;
  }
  checkIdentity(file, {
    userVersion: version,
    applicationId: sql.pragma('application_id', { simple: true }) as number,
    hasObjects: false,
  });
  return version;
}

function configure(sql: Database.Database, readonly: boolean): void {
  sql.pragma('foreign_keys = ON');
  if (readonly) return;
  // WAL: run workers write while the UI reads; NORMAL is durable at each checkpoint and cannot
  // corrupt the file on power loss (it may lose the last commits, which resume re-runs).
  sql.pragma('journal_mode = WAL');
  sql.pragma('synchronous = NORMAL');
}

/** Opens (creating if absent, unless read-only) and migrates a cliplab database. */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  const readonly = opts.readonly ?? false;
  checkExisting(file, readonly);
  checkAccess(file);
  const sql = connect(file, opts);
  try {
    const version = probe(sql, file);
    configure(sql, readonly);
    if (readonly && version < SCHEMA_VERSION) {
      throw new StoreError(
        'outdated',
        file,
        `schema version ${version} needs upgrading to ${SCHEMA_VERSION}; open it once without read-only mode`,
      );
    }
    if (!readonly) migrate(sql);
  } catch (err) {
    sql.close();
    throw err;
  }
  return wrap(sql, file, readonly);
}

function wrap(sql: Database.Database, file: string, readonly: boolean): Db {
  const cache = new Map<string, Database.Statement>();
  return {
    sql,
    file,
    readonly,
    prepare<R>(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = sql.prepare(text);
        cache.set(text, stmt);
      }
      return stmt as Database.Statement<unknown[], R>;
    },
    transaction<T>(fn: () => T): T {
      // IMMEDIATE takes the write lock up front. A deferred transaction that reads and then writes
      // fails at once with SQLITE_BUSY (no waiting) if another process wrote in between, a WAL rule.
      const tx = sql.transaction(fn);
      return readonly ? tx() : tx.immediate();
    },
    close() {
      cache.clear();
      if (sql.open) sql.close();
    },
  };
}
