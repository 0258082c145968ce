import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src-main/contract';
import { createLab, createLocalRun } from '../../src-main/lab';
import { tempDbPath } from '../support/temp';

const bin = path.resolve(import.meta.dirname, '../../bin/cliplab.js');

describe('the cliplab binary', () => {
  it('runs as a process: show --json on a temporary database', async () => {
    const db = tempDbPath();
    const lab = createLab({ dbPath: db });
    const run = createLocalRun(lab.context, presetConfig('tabular-random-sym'), { name: 'spawned' });
    lab.context.store.appendMetrics(run.id, [{ key: 'entropy', step: 0, value: 4.1 }]);
    await lab.close();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'show', String(run.id), '--json', '--db', db],
      {
        env: { ...process.env, CLIPLAB_DB: '' },
      },
    );
    const doc = JSON.parse(stdout);
    expect(doc.run).toMatchObject({ id: run.id, name: 'spawned', status: 'queued' });
    expect(doc.metrics).toEqual({ entropy: [{ step: 0, value: 4.1 }] });
  });
});
