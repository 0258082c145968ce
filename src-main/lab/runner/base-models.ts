/**
 * Base models on demand (issue 4, item 3): a GPT run's starting weights come from the store under
 * `baseModelKey(config)`; when absent, the first worker that needs them claims the build, trains
 * them with progress, and stores them; any other worker needing the same model waits and polls
 * instead of training it a second time. A builder that died leaves a stale claim the next one takes.
 */
import type { RunConfig } from '../../contract';
import type { BackendInfo } from '../../engine/backend';
import { baseModelKey, baseModelSpec, trainBaseModel, type BaseModelProgress } from '../../engine/base-model';
import type { TensorMap } from '../../engine/types';
import type { Store } from '../../store';
import { decodeWeights, encodeWeights } from './codec';
import { HEARTBEAT_MS, isOwnerGone } from './liveness';
import type { WorkerMessage } from './protocol';

/** How often a waiting worker looks for the base model another one is training. */
const POLL_MS = 1000;
/** At most this many progress messages per second. */
const REPORT_EVERY_MS = 250;

export interface BaseModelNeeds {
  store: Store;
  runId: number;
  pid: number;
  backend: BackendInfo;
  report(msg: WorkerMessage): void;
  /** Polled while training or waiting; true ends the wait (the result is then null). */
  shouldStop(): boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function baseSteps(config: RunConfig): number {
  return config.policy.kind === 'gpt' ? config.policy.base.steps : 0;
}

/** The run's base weights, stored or freshly trained; null when the run was asked to stop first. */
export async function obtainBaseModel(config: RunConfig, needs: BaseModelNeeds): Promise<TensorMap | null> {
  const key = baseModelKey(config);
  const { store, runId, pid } = needs;
  for (;;) {
    const stored = store.getBaseModel(key);
    if (stored) return decodeWeights(stored.weights);
    const claim = store.claimBaseModelBuild(key, { pid, runId }, (b) => isOwnerGone(b.pid, b.heartbeatAt));
    if (claim.state === 'claimed') return buildBaseModel(config, key, needs);
    if (claim.state === 'built') continue;
    needs.report({
      type: 'basemodel',
      key,
      runId,
      phase: 'waiting',
      step: 0,
      steps: baseSteps(config),
      loss: null,
      evalAcc: null,
    });
    if (needs.shouldStop()) return null;
    store.heartbeat(runId);
    await sleep(POLL_MS);
  }
}

async function buildBaseModel(config: RunConfig, key: string, needs: BaseModelNeeds): Promise<TensorMap | null> {
  const { store, runId, pid } = needs;
  let lastReport = 0;
  let lastBeat = Date.now();
  const onProgress = (p: BaseModelProgress) => {
    const now = Date.now();
    if (now - lastBeat > HEARTBEAT_MS / 2) {
      store.touchBaseModelBuild(key, pid);
      store.heartbeat(runId);
      lastBeat = now;
    }
    if (now - lastReport < REPORT_EVERY_MS && p.step < p.steps && p.evalAcc === undefined) return;
    lastReport = now;
    const evalAcc = p.evalAcc ?? null;
    needs.report({
      type: 'basemodel',
      key,
      runId,
      phase: 'building',
      step: p.step,
      steps: p.steps,
      loss: p.loss,
      evalAcc,
    });
  };
  try {
    const { weights, info } = await trainBaseModel(config, {
      backend: needs.backend,
      onProgress,
      shouldStop: needs.shouldStop,
    });
    if (info.stoppedBy === 'cancelled') return null; // partial weights are never stored
    store.transaction(() => {
      store.putBaseModel({ key, spec: baseModelSpec(config), weights: encodeWeights(weights), info });
      store.releaseBaseModelBuild(key, pid);
    });
    const loss = info.finalLoss;
    needs.report({
      type: 'basemodel',
      key,
      runId,
      phase: 'done',
      step: info.steps,
      steps: baseSteps(config),
      loss,
      evalAcc: info.evalAcc,
    });
    return weights;
  } finally {
    store.releaseBaseModelBuild(key, pid);
  }
}
