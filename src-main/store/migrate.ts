/** Brings a database up to SCHEMA_VERSION, one migration per transaction. */
import type Database from 'better-sqlite3';
import { APPLICATION_ID, MIGRATIONS, type Migration } from './schema';

function apply(sql: Database.Database, m: Migration): void {
  // IMMEDIATE takes the write lock before reading the version, so two processes opening the same
  // new file cannot both run a migration; the loser waits (busy timeout) and finds it done.
  sql
    .transaction(() => {
      const current = sql.pragma('user_version', { simple: true }) as number;
      if (current >= m.version) return;
      if (current !== m.version - 1) {
        throw new Error(`cannot apply schema migration ${m.version} to a database at version ${current}`);
      }
      sql.exec(m.sql);
      if (m.version === 1) sql.pragma(`application_id = ${APPLICATION_ID}`);
      sql.pragma(`user_version = ${m.version}`);
    })
    .immediate();
}

/** Applies every migration the file lacks. Returns the versions applied. */
export function migrate(sql: Database.Database): number[] {
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    const before = sql.pragma('user_version', { simple: true }) as number;
    if (before >= m.version) continue;
    apply(sql, m);
    applied.push(m.version);
  }
  return applied;
}
