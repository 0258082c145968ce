/**
 * The Compare view's settings as the hash query (`#/compare?runs=1,2&metrics=entropy&x=step&…`), so
 * a comparison is a link: the Runs view opens it, the browser's back button returns to it.
 */
import { BAND_KINDS, MAX_SMOOTHING, X_AXIS_KINDS, type BandKind, type XAxisKind } from '../../../src-main/contract';

export interface CompareSettings {
  runs: number[];
  metrics: string[];
  xAxis: XAxisKind;
  /** Debiased EMA weight. */
  smoothing: number;
  logY: boolean;
  groupSeeds: boolean;
  band: BandKind;
  /** Metric of the sweep heatmap; null picks entropy or the first metric. */
  heat: string | null;
}

export const DEFAULT_SETTINGS: CompareSettings = {
  runs: [],
  metrics: [],
  xAxis: 'step',
  smoothing: 0.6,
  logY: false,
  groupSeeds: false,
  band: 'std',
  heat: null,
};

const ids = (text: string | null) =>
  [...new Set((text ?? '').split(',').map((s) => Number(s.trim())))].filter((n) => Number.isInteger(n) && n > 0);

const oneOf = <T extends string>(options: readonly T[], text: string | null, fallback: T): T =>
  options.includes(text as T) ? (text as T) : fallback;

/** Settings from the query; anything missing or malformed takes its default. */
export function settingsFromQuery(query: URLSearchParams): CompareSettings {
  const smoothing = Number(query.get('smooth'));
  return {
    runs: ids(query.get('runs')),
    metrics: (query.get('metrics') ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== ''),
    xAxis: oneOf(X_AXIS_KINDS, query.get('x'), DEFAULT_SETTINGS.xAxis),
    smoothing:
      query.has('smooth') && Number.isFinite(smoothing)
        ? Math.min(MAX_SMOOTHING, Math.max(0, smoothing))
        : DEFAULT_SETTINGS.smoothing,
    logY: query.get('log') === '1',
    groupSeeds: query.get('group') === '1',
    band: oneOf(BAND_KINDS, query.get('band'), DEFAULT_SETTINGS.band),
    heat: query.get('heat') || null,
  };
}

/** The hash of the view with these settings; defaults are left out to keep links short. */
export function compareHash(settings: CompareSettings): string {
  const query = new URLSearchParams();
  if (settings.runs.length) query.set('runs', settings.runs.join(','));
  if (settings.metrics.length) query.set('metrics', settings.metrics.join(','));
  if (settings.xAxis !== DEFAULT_SETTINGS.xAxis) query.set('x', settings.xAxis);
  if (settings.smoothing !== DEFAULT_SETTINGS.smoothing) query.set('smooth', String(settings.smoothing));
  if (settings.logY) query.set('log', '1');
  if (settings.groupSeeds) query.set('group', '1');
  if (settings.band !== DEFAULT_SETTINGS.band) query.set('band', settings.band);
  if (settings.heat) query.set('heat', settings.heat);
  const text = query.toString().replace(/%2C/g, ',').replace(/%2F/g, '/');
  return text ? `#/compare?${text}` : '#/compare';
}

/** The last comparison shown, so the bare nav link (`#/compare`) returns to it while the app is open. */
let remembered: CompareSettings | null = null;

export function rememberSettings(settings: CompareSettings): void {
  remembered = settings;
}

/** Settings of a hash query; an empty query reopens the last comparison. */
export function settingsForQuery(query: URLSearchParams): CompareSettings {
  if (query.size === 0 && remembered) return remembered;
  return settingsFromQuery(query);
}
