/**
 * A worker that lost its run while it was still loading its backend (another process marked the
 * worker dead and the run interrupted, or resumed it elsewhere) must not mark the run running again.
 */
import { describe, expect, it, vi } from 'vitest';
import { configHash, groupKey } from '../../../src-main/contract';
import type * as Backend from '../../../src-main/engine/backend';
import type { WorkerMessage } from '../../../src-main/lab/runner/protocol';
import { runWorker } from '../../../src-main/lab/runner/run-worker';
import { openStore } from '../../../src-main/store';
import { tempDbPath } from '../../support/temp';
import { tinyTabular } from './helpers';

const duringBackendLoad = vi.hoisted(() => ({ act: (): void => undefined }));

vi.mock('../../../src-main/engine/backend', async (importOriginal) => {
  const original = await importOriginal<typeof Backend>();
  return {
    ...original,
    selectBackend: async (...args: Parameters<typeof original.selectBackend>) => {
      const info = await original.selectBackend(...args);
      duringBackendLoad.act();
      return info;
    },
  };
});

describe('run worker ownership', () => {
  it('leaves a run it lost while loading its backend as the other process left it', async () => {
    const dbPath = tempDbPath();
    const store = openStore(dbPath);
    try {
      const config = tinyTabular();
      const runId = store.createRun({
        name: 'lost',
        origin: 'local',
        status: 'queued',
        config,
        configHash: configHash(config),
        groupKey: groupKey(config),
        seed: config.seed,
        appVersion: '0',
      });
      expect(store.claimRun(runId, process.pid, ['queued'])).toBe(true);
      duringBackendLoad.act = () => {
        store.setRunStatus(runId, 'interrupted'); // what a lab that found the worker dead does
      };
      const messages: WorkerMessage[] = [];
      const outcome = await runWorker(
        { dbPath, runId, resume: false, claimedBy: process.pid },
        { report: (m) => messages.push(m) },
      );
      expect(outcome.status).toBe('interrupted');
      expect(outcome.error).toMatch(/no longer owned/);
      expect(store.getRun(runId)!.status).toBe('interrupted');
      expect(messages.filter((m) => m.type === 'status')).toEqual([]);
      expect(store.metricKeys(runId)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
