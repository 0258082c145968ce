/**
 * Following without a cluster: the database is untrusted, so a remote run whose stored job request
 * does not read back ends failed with the reason, and nothing is sent.
 */
import { describe, expect, it } from 'vitest';
import { createLab, readRun } from '../../../src-main/lab';
import { freePorts } from '../../support/ray-head';
import { tempDbPath } from '../../support/temp';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('following a remote run', () => {
  it('fails a run whose stored job request is not JSON, without sending it', async () => {
    const db = tempDbPath();
    // A port nothing listens on: were the request sent, the run would wait for the cluster instead.
    const [port] = await freePorts(1);
    const seed = createLab({ dbPath: db });
    const { store } = seed.context;
    const id = store.transaction(() => {
      const runId = store.createRun({
        name: 'edited by hand',
        origin: 'remote',
        status: 'queued',
        config: {},
        groupKey: 'remote:g',
        appVersion: '0',
      });
      store.createRemoteJob({
        runId,
        engine: 'trl',
        target: `ray://127.0.0.1:${port}`,
        jobId: `cliplab-${runId}-00000000`,
        request: '{"entrypoint": "python -m cliplab_probe.trl_entry", ',
        channel: 'logs',
        streamPath: null,
        gpus: 0,
        insecureOk: false,
      });
      return runId;
    });
    await seed.close();

    const lab = createLab({ dbPath: db, remote: { follow: true, pollMs: 50 } });
    try {
      const { store: stored } = lab.context;
      for (let i = 0; i < 100 && stored.getRun(id)?.status === 'queued'; i++) await sleep(50);
      expect(stored.getRun(id)).toMatchObject({
        status: 'failed',
        error: `run ${id}'s stored job request is not valid JSON; it was not submitted`,
        workerPid: null,
      });
      expect(stored.remoteJob(id)).toMatchObject({ submittedAt: null, unreachable: null });
      // Shown as a run that cannot be read, naming the field.
      expect(readRun(lab.context, id).error).toMatch(/remote job request is not valid JSON/);
    } finally {
      await lab.close();
    }
  });
});
