import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { tempDbPath } from '../support/temp';

const child = path.join(import.meta.dirname, 'writer-child.ts');

function exitOf(proc: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stderr })));
}

describe('two processes on one database', () => {
  it('write at the same time (WAL and the busy timeout), nothing lost', async () => {
    const file = tempDbPath();
    const store = openStore(file);
    const base = { origin: 'local', status: 'running', groupKey: 'g', appVersion: '0' } as const;
    const mine = store.createRun({ ...base, name: 'parent' });
    const theirs = store.createRun({ ...base, name: 'child' });
    const steps = 300;
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, String(theirs), String(steps)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const done = exitOf(proc);
    for (let step = 0; step < steps; step++) {
      store.appendMetrics(mine, [{ key: 'entropy', step, value: step }]);
      store.listRuns({ latestKeys: ['entropy'] });
      await new Promise((r) => setImmediate(r));
    }
    expect(await done).toEqual({ code: 0, stderr: '' });
    expect(store.metricKeys(theirs)).toEqual([
      { key: 'entropy', count: steps, firstStep: 0, lastStep: steps - 1 },
      { key: 'reward/mean', count: steps, firstStep: 0, lastStep: steps - 1 },
    ]);
    expect(store.metricKeys(mine)).toEqual([{ key: 'entropy', count: steps, firstStep: 0, lastStep: steps - 1 }]);
    expect(store.check().problems).toEqual([]);
    store.close();
  });
});
