/**
 * `cliplab db check`: SQLite's integrity check, foreign keys, and the schema compared with the one
 * this build's migrations produce on an empty database.
 */
import Database from 'better-sqlite3';
import type { Db } from './db';
import { migrate } from './migrate';
import { nativeBindingOption } from './native';

export interface CheckReport {
  ok: boolean;
  file: string;
  schemaVersion: number;
  /** One line per problem found; empty when ok. */
  problems: string[];
  /** Rows in the main tables (null where a table cannot be read). */
  counts: { runs: number | null; metricPoints: number | null; checkpoints: number | null };
}

interface SchemaObject {
  type: string;
  name: string;
  /** What defines the object, one fact per line (columns, keys, options), independent of SQL spelling. */
  facts: string[];
}

type Row = Record<string, unknown>;

function tableFacts(sql: Database.Database, name: string): string[] {
  const q = `"${name.replace(/"/g, '""')}"`;
  const columns = (sql.pragma(`table_xinfo(${q})`) as Row[]).map(
    (c) =>
      `column ${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` PK${c.pk}` : ''}` +
      (c.dflt_value === null ? '' : ` DEFAULT ${c.dflt_value}`),
  );
  const keys = (sql.pragma(`foreign_key_list(${q})`) as Row[]).map(
    (f) => `foreign key ${f.from} -> ${f.table}(${f.to}) ON DELETE ${f.on_delete}`,
  );
  const options = (sql.pragma(`table_list(${q})`) as Row[]).map((t) => `strict ${t.strict}, without rowid ${t.wr}`);
  return [...columns, ...keys, ...options];
}

function indexFacts(sql: Database.Database, name: string, table: string): string[] {
  const q = `"${name.replace(/"/g, '""')}"`;
  const cols = (sql.pragma(`index_info(${q})`) as Row[]).map((c) => c.name).join(', ');
  const unique = (sql.pragma(`index_list("${table.replace(/"/g, '""')}")`) as Row[]).find(
    (i) => i.name === name,
  )?.unique;
  return [`on ${table} (${cols})${unique ? ' unique' : ''}`];
}

function describeSchema(sql: Database.Database): Map<string, SchemaObject> {
  const rows = sql
    .prepare<[], { type: string; name: string; table: string }>(
      "SELECT type, name, tbl_name AS 'table' FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
    )
    .all();
  const out = new Map<string, SchemaObject>();
  for (const r of rows) {
    const facts =
      r.type === 'table' ? tableFacts(sql, r.name) : r.type === 'index' ? indexFacts(sql, r.name, r.table) : [];
    out.set(`${r.type} ${r.name}`, { type: r.type, name: r.name, facts });
  }
  return out;
}

/** The schema a fully migrated empty database has. */
function expectedSchema(): Map<string, SchemaObject> {
  const mem = new Database(':memory:', nativeBindingOption(':memory:'));
  try {
    migrate(mem);
    return describeSchema(mem);
  } finally {
    mem.close();
  }
}

function compareSchema(actual: Map<string, SchemaObject>, expected: Map<string, SchemaObject>): string[] {
  const problems: string[] = [];
  for (const [id, want] of expected) {
    const have = actual.get(id);
    if (!have) {
      problems.push(`missing ${id}`);
      continue;
    }
    const missing = want.facts.filter((c) => !have.facts.includes(c));
    const extra = have.facts.filter((c) => !want.facts.includes(c));
    if (missing.length > 0) problems.push(`${id}: missing or changed: ${missing.join('; ')}`);
    if (extra.length > 0) problems.push(`${id}: unexpected: ${extra.join('; ')}`);
  }
  for (const id of actual.keys()) if (!expected.has(id)) problems.push(`unexpected ${id}`);
  return problems;
}

function count(db: Db, table: string): number | null {
  try {
    return db.prepare<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  } catch {
    return null;
  }
}

/** Runs one part of the check; a part that cannot even run (damaged pages) is itself a problem. */
function part(problems: string[], label: string, fn: () => string[]): void {
  try {
    problems.push(...fn());
  } catch (err) {
    problems.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function checkDb(db: Db): CheckReport {
  const problems: string[] = [];
  part(problems, 'integrity', () =>
    (db.sql.pragma('integrity_check') as { integrity_check: string }[])
      .filter((r) => r.integrity_check !== 'ok')
      .map((r) => `integrity: ${r.integrity_check}`),
  );
  part(problems, 'foreign keys', () =>
    (db.sql.pragma('foreign_key_check') as { table: string; parent: string }[]).map(
      (r) => `foreign key: a row of ${r.table} refers to a missing ${r.parent} row`,
    ),
  );
  part(problems, 'schema', () => compareSchema(describeSchema(db.sql), expectedSchema()));
  return {
    ok: problems.length === 0,
    file: db.file,
    schemaVersion: db.sql.pragma('user_version', { simple: true }) as number,
    problems,
    counts: { runs: count(db, 'runs'), metricPoints: count(db, 'metrics'), checkpoints: count(db, 'checkpoints') },
  };
}
