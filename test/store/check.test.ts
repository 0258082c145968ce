import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { tempDbPath } from '../support/temp';
import { bareRun } from '../support/temp-store';

describe('store check', () => {
  it('passes a healthy database and counts its rows', () => {
    const file = tempDbPath();
    const store = openStore(file);
    const id = bareRun(store);
    store.appendMetrics(id, [{ key: 'entropy', step: 0, value: 1 }]);
    const report = store.check();
    expect(report).toMatchObject({
      ok: true,
      file,
      problems: [],
      counts: { runs: 1, metricPoints: 1, checkpoints: 0 },
    });
    store.close();
  });

  it('reports a schema that drifted from the migrations', () => {
    const file = tempDbPath();
    openStore(file).close();
    const raw = new Database(file);
    raw.exec('DROP INDEX runs_status; CREATE TABLE scratch (x); ALTER TABLE figures ADD COLUMN color TEXT');
    raw.close();
    const store = openStore(file);
    const { ok, problems } = store.check();
    expect(ok).toBe(false);
    expect(problems).toContain('missing index runs_status');
    expect(problems).toContain('unexpected table scratch');
    expect(problems.some((p) => p.startsWith('table figures: unexpected: column color'))).toBe(true);
    store.close();
  });

  it('reports damaged pages that opening does not touch', () => {
    const file = tempDbPath();
    const store = openStore(file);
    const id = bareRun(store);
    const steps = Array.from({ length: 5000 }, (_, i) => i);
    store.bulkInsertSeries(id, [{ key: 'entropy', steps, values: steps.map((s) => s / 7) }]);
    store.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x5a, pageSize * 8, pageSize * 10); // two pages in the middle of the metrics tree
    fs.writeFileSync(file, bytes);
    const damaged = openStore(file);
    const report = damaged.check();
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.startsWith('integrity:'))).toBe(true);
    damaged.close();
  });
});
