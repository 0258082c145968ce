/**
 * Starting what the New run view describes: one run (`runs.start`), or the request of a sweep that
 * the sweep review (SweepReview.svelte) shows and queues, after the lab has checked the config
 * (`config.validate`). Errors come back keyed by config path.
 */
import { ApiError, type ApiArgs, type FieldError, type RunConfig } from '../../../src-main/contract';
import type { LabClient } from '../../lib/transport';
import type { SweepPlan } from '../../components/sweep/sweep';

export interface LaunchRequest {
  config: RunConfig;
  plan: SweepPlan;
  tags: string[];
  control: boolean;
  controlP: number;
}

export type SweepRequest = Omit<ApiArgs<'sweeps.start'>, 'skipExisting'>;

export type LaunchResult =
  | { kind: 'run'; id: number; controlId: number | null }
  | { kind: 'review'; request: SweepRequest }
  | { kind: 'invalid'; errors: FieldError[] };

/** A sweep when any key is swept or more than one seed is asked for; one run otherwise. */
export function isSweep(plan: Pick<SweepPlan, 'grid' | 'seeds'>): boolean {
  return Object.keys(plan.grid).length > 0 || plan.seeds > 1;
}

/** `a, b ,, c` -> ['a', 'b', 'c'] without repeats. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** Errors of `runs.start` name `config.objective.clipLow`; the form knows `objective.clipLow`. */
export function configFieldErrors(err: ApiError): FieldError[] {
  const fields = err.fields ?? [{ path: '', message: err.message }];
  return fields.map((f) => ({ ...f, path: f.path.replace(/^config\.?/, '') }));
}

/** One run is started; a sweep comes back as its request, for the review to show before queueing. */
export async function launch(client: LabClient, request: LaunchRequest): Promise<LaunchResult> {
  const check = await client.api['config.validate']({ config: request.config });
  if (!check.ok) return { kind: 'invalid', errors: check.errors };
  const common = {
    tags: request.tags.length > 0 ? request.tags : undefined,
    control: request.control,
    controlP: request.control ? request.controlP : undefined,
  };
  if (isSweep(request.plan)) {
    const sweep: SweepRequest = {
      config: check.config as unknown as Record<string, unknown>,
      grid: request.plan.grid,
      seeds: request.plan.seeds,
      name: check.config.name.trim() || undefined,
      ...common,
    };
    return { kind: 'review', request: sweep };
  }
  try {
    const started = await client.api['runs.start']({ config: check.config, ...common });
    return { kind: 'run', id: started.run.id, controlId: started.control?.id ?? null };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'bad_request' && err.fields?.length) {
      return { kind: 'invalid', errors: configFieldErrors(err) };
    }
    throw err;
  }
}
