/**
 * The plotted series as CSV or JSON: raw and smoothed values per run and per seed group, with the
 * group statistics and band edges, and the settings that made them (W&B #5699: smoothed data could
 * not be exported; Aim #2449: no data export at all). Numbers are written in JavaScript's shortest
 * round-trip form, so parsing a value gives back exactly the plotted double.
 */
import {
  canonicalJson,
  documentJson,
  figureFileStem,
  SUMMARY_DEFINITIONS,
  type SummaryStat,
  type DataFormat,
  type FigureData,
  type FigureSpec,
  type FigureTrace,
} from '../../contract';

export interface ExportedData {
  text: string;
  mime: string;
  filename: string;
}

const FORMATS: Record<DataFormat, { mime: string; write: (data: FigureData) => string }> = {
  csv: { mime: 'text/csv', write: figureDataCsv },
  json: { mime: 'application/json', write: figureDataJson },
};

export function exportFigureData(data: FigureData, format: DataFormat): ExportedData {
  const { mime, write } = FORMATS[format];
  return { text: write(data), mime, filename: `${figureFileStem(data.spec)}.${format}` };
}

const BAND_TEXT: Record<FigureSpec['band'], string> = {
  std: 'mean ± sample std',
  sem: 'mean ± standard error (std / sqrt(n))',
  minmax: 'min to max over seeds',
  none: 'none',
};

const SUMMARY_NOTE = `per run over the step range, from every logged point: start = ${SUMMARY_DEFINITIONS.start}, final = ${SUMMARY_DEFINITIONS.final}, peak = ${SUMMARY_DEFINITIONS.peak}, min = ${SUMMARY_DEFINITIONS.min}; groups: mean ± sample std over seeds`;

/** `start 2.6 (step 0), final 1.5 (step 199), ...` or, for a group, `final 1.48 ± 0.014 (n = 3)`. */
function summaryLine(trace: FigureTrace): string {
  const s = trace.summary;
  const stat = (name: string, v: SummaryStat | null) => {
    if (!v) return `${name} none`;
    const spread = v.std === null ? '' : ` ± ${csvNumber(v.std)}`;
    const where = v.step !== null ? ` (step ${v.step})` : ` (n = ${v.n})`;
    return `${name} ${csvNumber(v.mean)}${spread}${where}`;
  };
  return [stat('start', s.start), stat('final', s.final), stat('peak', s.peak), stat('min', s.min)].join(', ');
}

/** What every export says about how its numbers were made. */
export function exportMeta(data: FigureData) {
  const { spec } = data;
  return {
    generator: 'cliplab',
    format: 'cliplab-figure-data/1',
    smoothing: {
      method: 'debiased-ema',
      weight: spec.smoothing,
      note: 'EMA with zero-init bias correction, per run on all its points, before seed aggregation and before any decimation',
    },
    xAxis: { kind: data.x.kind, unit: data.x.kind === 'time' ? 'seconds since run start' : data.x.kind },
    groups: {
      alignment:
        "union of the seeds' steps; a seed counts at a step only where it logged a finite value (n); no interpolation",
      statistics: "std, sem, min and max over the seeds' smoothed values; std is the sample std (ddof=1)",
      band: BAND_TEXT[spec.band],
    },
    summary: SUMMARY_NOTE,
    spec,
  };
}

const CSV_COLUMNS = [
  'series',
  'kind',
  'label',
  'metric',
  'runs',
  'step',
  'x',
  'raw',
  'smoothed',
  'n',
  'raw_std',
  'std',
  'sem',
  'min',
  'max',
  'band_lower',
  'band_upper',
] as const;

/** CSV with a `#` comment header (pandas: `read_csv(f, comment='#')`), one row per series and step. */
export function figureDataCsv(data: FigureData): string {
  const meta = exportMeta(data);
  const header = [
    '# cliplab figure data (cliplab-figure-data/1)',
    `# smoothing: ${meta.smoothing.method}, weight ${meta.spec.smoothing}; ${meta.smoothing.note}`,
    `# x: ${meta.xAxis.unit}`,
    `# groups: ${meta.groups.alignment}; ${meta.groups.statistics}; band = ${meta.groups.band}`,
    `# spec: ${canonicalJson(meta.spec)}`,
    `# summary: ${SUMMARY_NOTE}`,
    ...data.traces.map((t) => `# summary ${t.id} ${t.metric}: ${summaryLine(t)}`),
  ];
  const lines = [...header, CSV_COLUMNS.join(',')];
  for (const trace of data.traces) lines.push(...traceRows(trace));
  return `${lines.join('\n')}\n`;
}

function traceRows(trace: FigureTrace): string[] {
  const fixed = [trace.id, trace.kind, trace.label, trace.metric, trace.runIds.join(';')].map(csvText);
  const g = trace.group;
  return trace.steps.map((step, i) =>
    [
      ...fixed,
      csvNumber(step),
      csvNumber(trace.x[i]),
      csvNumber(trace.raw[i]),
      csvNumber(trace.smoothed[i]),
      ...(g ? [g.n[i], g.rawStd[i], g.std[i], g.sem[i], g.min[i], g.max[i]] : [null, null, null, null, null, null]).map(
        csvNumber,
      ),
      csvNumber(trace.band?.lower[i] ?? null),
      csvNumber(trace.band?.upper[i] ?? null),
    ].join(','),
  );
}

/** Shortest round-trip decimal (`Number.prototype.toString`), keeping -0; empty for a missing value. */
export function csvNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  return Object.is(value, -0) ? '-0' : String(value);
}

/** A cell spreadsheets read as a number (`-0.5`, `+3`, `1e-5`): they never run it as a formula. */
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * A text cell a spreadsheet will not run: Excel, LibreOffice and Sheets take a cell starting with
 * = + - @ (or a tab or carriage return before one) as a formula, so a metric key or label from an
 * imported file like `=HYPERLINK(...)` gets a leading `'` (OWASP's advice). Numbers are written by
 * csvNumber and left alone, and so is a text cell that is itself a plain number, like `-0.5`.
 */
export function neutralizeFormula(text: string): string {
  if (PLAIN_NUMBER.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A text cell: neutralised, then RFC 4180 quoting where it needs it. */
export function csvText(raw: string): string {
  const text = neutralizeFormula(raw);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** JSON with a `meta` object; each series' arrays are kept on one line. */
export function figureDataJson(data: FigureData): string {
  const doc = {
    meta: exportMeta(data),
    series: data.traces.map((t) => ({
      id: t.id,
      kind: t.kind,
      label: t.label,
      metric: t.metric,
      runIds: t.runIds,
      steps: t.steps,
      x: t.x,
      raw: t.raw,
      smoothed: t.smoothed,
      group: t.group,
      band: t.band,
      summary: t.summary,
    })),
  };
  // ±Infinity as "Infinity" / "-Infinity", not null like NaN (contract/json.ts).
  const pretty = documentJson(doc, 2);
  // Arrays of numbers on one line: a 10,000-step series would otherwise take 10,000 lines.
  const number = '(?:-?[\\d.eE+-]+|null|"-?Infinity")';
  const array = new RegExp(`\\[\\s+(${number}(?:,\\s+${number})*)\\s+\\]`, 'g');
  return `${pretty.replace(array, (_m, inner: string) => `[${inner.replace(/,\s+/g, ',')}]`)}\n`;
}
