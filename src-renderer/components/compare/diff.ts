/**
 * The config diff of the Compare view: one column per run (or per seed group), one row per config
 * key whose value is not the same everywhere (MLflow #7980 "show only differing params").
 */
import {
  differingKeys,
  flattenConfig,
  formatConfigValue,
  legendNames,
  type FigureRunInput,
  type RunRecord,
} from '../../../src-main/contract';

/** A run's config as compared: a local run's config, an import's hyperparameters, or null. */
export function configOf(run: Pick<RunRecord, 'config' | 'source'>): Record<string, unknown> | null {
  if (run.config) return run.config as unknown as Record<string, unknown>;
  if (run.source && Object.keys(run.source.params).length > 0) return run.source.params;
  return null;
}

export interface DiffColumn {
  /** `run:<id>` or `group:<key>`, as figure series are named. */
  id: string;
  /** The config values that set the column apart (as in the legend), else its name. */
  label: string;
  /** Which runs: `name #id`, or the seeds of a group. */
  detail: string;
  /** Runs behind the column (a group's seeds). */
  runIds: number[];
  config: Record<string, unknown> | null;
}

/**
 * Names of series by the config values in which they differ (`clipLow=0.1, clipHigh=off`), as the
 * chart legends name them; a series without a config, or without a differing key, keeps `fallback`.
 */
export function seriesLabels(
  configs: readonly (Record<string, unknown> | null)[],
  fallback: readonly string[],
): string[] {
  return legendNames(configs, { ignore: ['name', 'log', 'seed'], fallback });
}

const withoutSeed = (config: Record<string, unknown> | null) =>
  config && Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'seed'));

/** Columns of the diff: runs one by one, or one per seed group (the group's first run's config minus seed). */
export function diffColumns(inputs: readonly FigureRunInput[], grouped: boolean): DiffColumn[] {
  const columns = new Map<string, Omit<DiffColumn, 'label' | 'detail'> & { name: string }>();
  for (const { run } of inputs) {
    const id = grouped ? `group:${run.groupKey}` : `run:${run.id}`;
    const known = columns.get(id);
    if (known) known.runIds.push(run.id);
    else
      columns.set(id, {
        id,
        name: run.name,
        runIds: [run.id],
        config: grouped ? withoutSeed(configOf(run)) : configOf(run),
      });
  }
  const list = [...columns.values()];
  const labels = seriesLabels(
    list.map((c) => (c.config ? withoutSeed(c.config) : null)),
    list.map((c) => c.name),
  );
  return list.map(({ name, ...column }, i) => ({
    ...column,
    label: labels[i],
    detail: grouped
      ? `${column.runIds.length} seed${column.runIds.length > 1 ? 's' : ''}: ${column.runIds.map((r) => `#${r}`).join(', ')}`
      : `${name} #${column.runIds[0]}`,
  }));
}

export interface ConfigDiff {
  keys: string[];
  /** values[k][c]: key k in column c, formatted; "—" where the column's config lacks the key. */
  values: string[][];
  /** Columns without a config (imported runs that recorded no hyperparameters). */
  unknown: string[];
}

/** Keys that differ between the columns' configs (the name and log cadence aside), with their values. */
export function configDiff(columns: readonly DiffColumn[]): ConfigDiff {
  const keys = differingKeys(
    columns.map((c) => c.config),
    { ignore: ['name', 'log'] },
  );
  const flat = columns.map((c) => (c.config ? flattenConfig(c.config) : null));
  return {
    keys,
    values: keys.map((k) => flat.map((f) => (f && f.has(k) ? formatConfigValue(f.get(k), k) : '—'))),
    unknown: columns.filter((c) => c.config === null).map((c) => c.label),
  };
}
