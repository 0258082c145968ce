/**
 * One run's full diagnosis (issue 5, item 8): collapse, clip balance, theory check, random-reward
 * control split, entropy–accuracy law and advice, computed from the run's stored series by key so
 * that imported runs with a trainer's own key names are diagnosed too.
 */
import type { RunConfig } from '../../contract/config';
import {
  diagnosisOptionsSchema,
  type ClipSettingsInfo,
  type DiagnosisOptionsInput,
  type GroupDiagnosis,
  type RunDiagnosis,
} from '../../contract/diagnostics';
import { parseOrThrow } from '../../contract/validate';
import type { RunRecord } from '../../contract/runs';
import { adviseRun } from './advice';
import { attributionCoverage, ruleOf } from './attribution';
import { diagnoseClipBalance } from './clip-balance';
import { diagnoseCollapse } from './collapse';
import { splitByControl, type ControlSide } from './control';
import { diagnoseGroupOf } from './groups';
import { KeyResolver, type SeriesByKey } from './keys';
import { fitEntropyAccuracyLaw } from './law';
import { scalarsOf } from './scalars';
import { findSignals } from './signals';
import { diagnoseTheory } from './theory';
import { clipSettingsFromConfig, clipSettingsFromParams, unknownClipSettings } from './settings';

/** What a diagnosis needs to know about a run besides its series. */
export interface RunInputMeta {
  id: number | null;
  name: string;
  origin: 'local' | 'imported' | 'remote';
  seed?: number | null;
  groupKey?: string | null;
  /** A local or remote run's config. */
  config?: RunConfig | null;
  /** An imported run's hyperparameters, by the trainer's names. */
  params?: Record<string, unknown> | null;
  /** An imported run's canonical aliases: canonical key -> the trainer key it shares points with. */
  aliases?: Record<string, string> | null;
  /** The importer found clipping logged only as one fraction of both sides. */
  clipFractionCombined?: boolean;
}

export interface RunInput {
  series: SeriesByKey;
  meta: RunInputMeta;
}

export interface DiagnoseRunExtras {
  options?: DiagnosisOptionsInput;
  /** The run's random-reward twin (same config and seed, Bernoulli rewards). */
  control?: RunInput | null;
  /** Seeds of this run's config known to the store. */
  seedsInGroup?: number | null;
}

export function runInputMeta(run: RunRecord): RunInputMeta {
  return {
    id: run.id,
    name: run.name,
    origin: run.origin,
    seed: run.seed,
    groupKey: run.groupKey,
    config: run.origin === 'imported' ? null : run.config,
    params: run.origin === 'imported' ? run.source.params : null,
    aliases: run.origin === 'imported' ? (run.source.aliases ?? null) : null,
    clipFractionCombined: run.origin === 'imported' && run.source.clipFractionCombined === true,
  };
}

function clipSettingsOf(meta: RunInputMeta): ClipSettingsInfo {
  if (meta.config) return clipSettingsFromConfig(meta.config);
  if (meta.params) return clipSettingsFromParams(meta.params);
  return unknownClipSettings();
}

function controlSide(control: RunInput): ControlSide {
  return {
    id: control.meta.id,
    name: control.meta.name,
    entropy: new KeyResolver(control.series).get('entropy'),
    config: control.meta.config ?? null,
  };
}

export function diagnoseRun(series: SeriesByKey, meta: RunInputMeta, extras: DiagnoseRunExtras = {}): RunDiagnosis {
  const options = parseOrThrow(diagnosisOptionsSchema, extras.options ?? {}, 'diagnosis options');
  const keys = new KeyResolver(series, meta.aliases ?? {});
  const settings = clipSettingsOf(meta);
  const attribution = attributionCoverage(keys, meta.config ?? null);
  const collapse = diagnoseCollapse(keys.get('entropy'), options);
  const signals = findSignals(keys, collapse);
  const rule = ruleOf(meta.config ?? null);
  const clip = diagnoseClipBalance(keys, settings, options, meta.clipFractionCombined === true, rule);
  const theory = diagnoseTheory(keys, rule);
  const control = splitByControl(
    { id: meta.id, name: meta.name, entropy: keys.get('entropy'), config: meta.config ?? null },
    extras.control ? controlSide(extras.control) : null,
  );
  const law = fitEntropyAccuracyLaw(keys);
  const sections = { settings, collapse, signals, clip, theory, control, law };
  const advice = adviseRun({
    runId: meta.id,
    origin: meta.origin,
    ...sections,
    seedsInGroup: extras.seedsInGroup ?? null,
    klPpo: keys.get('klPpo'),
  });
  return {
    run: {
      id: meta.id,
      name: meta.name,
      origin: meta.origin,
      seed: meta.seed ?? null,
      groupKey: meta.groupKey ?? null,
    },
    options,
    keys: keys.uses(),
    attribution,
    ...sections,
    advice,
    scalars: scalarsOf(sections, keys),
  };
}

export interface GroupRunInput extends RunInput {
  control?: RunInput | null;
}

/** Diagnoses every seed of a group and aggregates the scalars (mean ± std, n). */
export function diagnoseGroup(
  runs: readonly GroupRunInput[],
  options?: DiagnosisOptionsInput,
  label?: string,
): GroupDiagnosis {
  const diagnoses = runs.map((r) =>
    diagnoseRun(r.series, r.meta, { options, control: r.control ?? null, seedsInGroup: runs.length }),
  );
  return diagnoseGroupOf(diagnoses, label);
}
