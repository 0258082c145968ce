/**
 * Entry of a run worker process, built as `out/main/worker.js`: Electron's `utilityProcess` starts it
 * in the app, `child_process.fork` under Node. It trains one run and exits (non-zero on failure).
 */
import { workerMain } from './runner/worker-main';

process.exit(await workerMain());
