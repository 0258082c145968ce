/** Every event the lab pushes to its clients (Electron IPC or the web event stream). */
import type { RunRecord, RunStatus } from '../runs';
import { defineEvent } from './define';
import { importEvents } from './imports';
import { trainingEvents } from './training';

export const labEvents = {
  /** A run was created, changed status, was renamed, tagged or annotated. */
  'run.changed': defineEvent<{ run: RunRecord }>(),
  'run.deleted': defineEvent<{ ids: number[] }>(),
  /** Light progress from a training run, at most a few per second. */
  'run.progress': defineEvent<{
    id: number;
    step: number;
    steps: number;
    status: RunStatus;
    /** Latest value of headline metrics. */
    latest: Record<string, number | null>;
    stepsPerSecond: number | null;
  }>(),
  ...importEvents,
  ...trainingEvents,
};

export type LabEvents = typeof labEvents;
export type LabEventName = keyof LabEvents;
export type LabEvent = { [K in LabEventName]: { name: K; payload: LabEvents[K] } }[LabEventName];
