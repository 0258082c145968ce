/**
 * The lab service: every API call implemented over the store, plus events. Transports (Electron
 * shell, web server, CLI) call it through `dispatch`, which validates arguments first.
 */
import path from 'node:path';
import type { ApiHandlers } from '../contract';
import { openStore } from '../store';
import { configHandlers } from './config';
import { createEmitter, type LabContext } from './context';
import { diagnosticsHandlers } from './diagnostics/service';
import { figureHandlers } from './export/service';
import { exportConfigHandlers } from './export-config/service';
import { fileHandlers } from './files';
import { followHandlers, FollowService } from './import/follow-service';
import { importHandlers } from './import/service';
import { modelHandlers } from './models';
import { ensureDbFolder } from './paths';
import { remoteHandlers } from './remote/handlers';
import { RemoteService, type RemoteOptions } from './remote/service';
import { runHandlers } from './runs';
import { trainingHandlers } from './runner/handlers';
import { reapDeadWorkers } from './runner/liveness';
import { RunQueue, type TrainingOptions } from './runner/queue';
import type { Lab } from './types';

export interface LabOptions {
  /** The database file; created (with its folder) when absent. */
  dbPath: string;
  /** Called when an event subscriber throws (the event still reaches the others). */
  onListenerError?: (err: unknown) => void;
  /** Training runs in worker processes through the queue (issue 4); by default the queue does not run. */
  training?: TrainingOptions;
  /** Remote runs on Ray clusters (issue 17); by default none is followed (calls still work). */
  remote?: RemoteOptions;
}

/** The lab with its context, for features that add calls (training, imports) and for tests. */
export interface LabService extends Lab {
  readonly context: LabContext;
  /** The run queue (worker processes of this lab). */
  readonly queue: RunQueue;
  /** Remote runs: submitting, stopping and following Ray jobs. */
  readonly remote: RemoteService;
}

/**
 * Opens the database (migrating it if needed) and builds one handler per API call. Throws a
 * StoreError naming the file when it is not a usable cliplab database.
 */
export function createLab(opts: LabOptions): LabService {
  const dbPath = path.resolve(opts.dbPath);
  ensureDbFolder(dbPath);
  const store = openStore(dbPath);
  const events = createEmitter(opts.onListenerError);
  const context: LabContext = { store, dbPath, emit: events.emit };
  const runs = runHandlers(context);
  // Runs left `running` by a worker that is gone (crash, kill -9, power loss) are resumable.
  reapDeadWorkers(store);
  const queue = new RunQueue(context, opts.training);
  const follows = new FollowService(context);
  const remote = new RemoteService(context, opts.remote);
  const training = trainingHandlers(context, queue);
  const handlers: ApiHandlers = {
    ...runs,
    ...configHandlers(),
    // Diagnostics and figures read runs through the same handlers every client uses.
    ...diagnosticsHandlers(runs),
    ...figureHandlers(runs, store),
    ...importHandlers(context),
    ...followHandlers(follows),
    ...exportConfigHandlers(context),
    ...fileHandlers(),
    ...training,
    ...modelHandlers(),
    ...remoteHandlers(remote),
    // A remote run is stopped at its cluster; every other run through the queue.
    'runs.cancel': (a) =>
      context.store.getRun(a.id)?.origin === 'remote' ? remote.stop(a.id) : training['runs.cancel'](a),
  };
  let closed = false;
  queue.start();
  remote.start();
  return {
    handlers,
    dbPath,
    context,
    queue,
    remote,
    subscribe: events.subscribe,
    async close() {
      if (closed) return;
      closed = true;
      // Followed logs end as interrupted; workers checkpoint and stop (their runs become interrupted);
      // queued runs wait for the next start.
      await follows.close();
      await remote.close();
      await queue.close();
      store.close();
    },
  };
}

export { dispatch, toApiError } from './dispatch';
export { createEmitter, type LabContext } from './context';
export { HEADLINE_KEYS, UNREADABLE_FORMAT, readRun, toRunRecord, announceRun } from './records';
export { createLocalRun, createImportedRun, setRunStatus, describeConfig } from './create-run';
export type { RunLabels, NewImportedRun } from './create-run';
export { checkDatabase } from './maintenance';
export { resolveDbPath, defaultDbPath, userDataDir, DB_ENV } from './paths';
export { APP_VERSION } from './version';
export type { Lab, LabListener } from './types';
