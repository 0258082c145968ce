/**
 * A cliplab run config as settings for the trainers users scale up to (issue 8): verl Hydra
 * overrides or a TRL GRPOConfig, each with a comment block listing what carries over only
 * approximately and what has no counterpart.
 */
import type { RunConfig } from '../../contract';
import { EXPORT_TARGETS, type ExportTarget } from '../../contract/api/imports';
import type { ExportPlan } from './plan';
import { addVerlProbe, trlProbeLines } from './probe';
import { renderTrl, trlPlan } from './trl';
import { renderVerl, verlPlan } from './verl';

export { EXPORT_TARGETS, type ExportTarget };

interface Exporter {
  plan(config: RunConfig): ExportPlan;
  render(config: RunConfig, plan: ExportPlan): string;
  /** Adds what attaches cliplab-probe (`--probe`). */
  probe(config: RunConfig, plan: ExportPlan, text: string): string;
}

const EXPORTERS: Record<ExportTarget, Exporter> = {
  verl: {
    plan: verlPlan,
    render: renderVerl,
    probe: (config, plan) => {
      addVerlProbe(config, plan);
      return renderVerl(config, plan);
    },
  },
  trl: { plan: trlPlan, render: renderTrl, probe: (_config, _plan, text) => text + trlProbeLines().join('\n') + '\n' },
};

export interface ExportOptions {
  /** Also attach cliplab-probe so the real run streams cliplab's clip diagnostics back. @default false */
  probe?: boolean;
}

/** `name` titles the output when the config itself has none (a run's name lives outside its config). */
export function exportConfig(config: RunConfig, to: ExportTarget, name?: string, options: ExportOptions = {}): string {
  const exporter = EXPORTERS[to];
  const named = config.name || !name ? config : { ...config, name };
  const plan = exporter.plan(named);
  const text = exporter.render(named, plan);
  return options.probe ? exporter.probe(named, plan, text) : text;
}

export { ExportPlan } from './plan';
