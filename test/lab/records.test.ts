import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src-main/contract';
import { createLab, createLocalRun, dispatch, UNREADABLE_FORMAT } from '../../src-main/lab';
import { tempDbPath } from '../support/temp';

describe('run records from damaged rows', () => {
  it('lists a run whose stored JSON or status cannot be read as failed, with the reason', async () => {
    const dbPath = tempDbPath();
    const lab = createLab({ dbPath });
    const good = createLocalRun(lab.context, presetConfig('tabular-random-sym'));
    const badJson = createLocalRun(lab.context, presetConfig('tabular-random-sym'));
    const badStatus = createLocalRun(lab.context, presetConfig('tabular-random-sym'));
    const badOrigin = createLocalRun(lab.context, presetConfig('tabular-random-sym'));
    const foreignConfig = createLocalRun(lab.context, presetConfig('tabular-random-sym'));
    await lab.close();

    const raw = new Database(dbPath);
    raw.prepare('UPDATE runs SET config = ? WHERE id = ?').run('{"seed": 1,', badJson.id);
    raw.prepare("UPDATE runs SET status = 'sleeping' WHERE id = ?").run(badStatus.id);
    raw.prepare("UPDATE runs SET origin = 'cloud' WHERE id = ?").run(badOrigin.id);
    raw.prepare('UPDATE runs SET config = ? WHERE id = ?').run('{"steps": -5, "colour": "red"}', foreignConfig.id);
    raw.close();

    const again = createLab({ dbPath });
    try {
      const runs = await dispatch(again, 'runs.list', {});
      expect(runs.map((r) => r.id)).toEqual([good.id, badJson.id, badStatus.id, badOrigin.id, foreignConfig.id]);
      expect(runs[0]).toMatchObject({ status: 'queued', error: null, config: presetConfig('tabular-random-sym') });
      for (const run of runs.slice(1)) {
        expect(run).toMatchObject({ status: 'failed', config: null, source: { format: UNREADABLE_FORMAT } });
      }
      expect(runs[1].error).toMatch(new RegExp(`run ${badJson.id} could not be read.*config is not valid JSON`));
      expect(runs[2].error).toMatch(/unknown status "sleeping"/);
      expect(runs[3].error).toMatch(/unknown origin "cloud"/);
      expect(runs[4].error).toMatch(/config does not match this cliplab's schema \(.*unknown key "colour"/);
      expect(runs[4].error).toMatch(/steps: /);
      expect((await dispatch(again, 'runs.get', { id: badJson.id })).status).toBe('failed');
    } finally {
      await again.close();
    }
  });
});
