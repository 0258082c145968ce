/** A real lab on a temporary database, with runs put in through the lab itself, for transport tests. */
import path from 'node:path';
import { presetConfig, type RunStatus } from '../../src-main/contract';
import { createLab, createLocalRun, setRunStatus, type LabService } from '../../src-main/lab';
import type { MetricPoint } from '../../src-main/store';
import { makeTempDir, removeDir } from './temp';

export interface SeedRun {
  name: string;
  /** @default 'tabular-random-sym' */
  preset?: string;
  seed?: number;
  /** @default 'completed' */
  status?: RunStatus;
  tags?: string[];
  /** @default 'wasm' */
  backend?: string;
  metrics?: MetricPoint[];
}

/** Creates the run as training would: queued, then running on a backend with metrics, then `status`. */
export function seedRun(lab: LabService, run: SeedRun): number {
  const config = { ...presetConfig(run.preset ?? 'tabular-random-sym'), name: run.name, seed: run.seed ?? 1 };
  const { id } = createLocalRun(lab.context, config, { tags: run.tags });
  const status = run.status ?? 'completed';
  if (status === 'queued') return id;
  setRunStatus(lab.context, id, 'running', { backend: run.backend ?? 'wasm' });
  if (run.metrics) lab.context.store.appendMetrics(id, run.metrics);
  if (status !== 'running') setRunStatus(lab.context, id, status);
  return id;
}

export interface TempLab {
  /** The lab, with `subscribe` counted so tests can see subscriptions end. */
  lab: LabService;
  dbPath: string;
  listenerCount(): number;
  cleanup(): Promise<void>;
}

export function createTempLab(runs: SeedRun[] = []): TempLab {
  const dir = makeTempDir();
  const dbPath = path.join(dir, 'lab.db');
  const real = createLab({ dbPath });
  for (const run of runs) seedRun(real, run);
  let listeners = 0;
  const lab: LabService = {
    ...real,
    subscribe(listener) {
      listeners++;
      const off = real.subscribe(listener);
      let active = true;
      return () => {
        if (active) listeners--;
        active = false;
        off();
      };
    },
  };
  return {
    lab,
    dbPath,
    listenerCount: () => listeners,
    async cleanup() {
      await real.close();
      removeDir(dir);
    },
  };
}
