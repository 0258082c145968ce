/**
 * A cliplab run config as settings for the trainers users scale up to (issue 8): verl Hydra
 * overrides or a TRL GRPOConfig, each with a comment block listing what carries over only
 * approximately and what has no counterpart.
 */
import type { RunConfig } from '../../contract';
import { EXPORT_TARGETS, type ExportTarget } from '../../contract/api/imports';
import type { ExportPlan } from './plan';
import { renderTrl, trlPlan } from './trl';
import { renderVerl, verlPlan } from './verl';

export { EXPORT_TARGETS, type ExportTarget };

interface Exporter {
  plan(config: RunConfig): ExportPlan;
  render(config: RunConfig, plan: ExportPlan): string;
}

const EXPORTERS: Record<ExportTarget, Exporter> = {
  verl: { plan: verlPlan, render: renderVerl },
  trl: { plan: trlPlan, render: renderTrl },
};

/** `name` titles the output when the config itself has none (a run's name lives outside its config). */
export function exportConfig(config: RunConfig, to: ExportTarget, name?: string): string {
  const exporter = EXPORTERS[to];
  const named = config.name || !name ? config : { ...config, name };
  return exporter.render(named, exporter.plan(named));
}

export { ExportPlan } from './plan';
