/**
 * Figures of quantities the diagnostics derive (cumulative drifts, predicted vs measured change, the
 * fitted law), drawn by the same Chart.js configuration as metric charts: the lines are given as
 * FigureData traces directly instead of being read from stored series.
 */
import {
  figureSpecSchema,
  type FigureData,
  type FigureSpec,
  type FigureSpecInput,
  type FigureTrace,
} from '../../../src-main/contract';

export interface DerivedLine {
  label: string;
  x: readonly number[];
  y: readonly (number | null)[];
  /** Palette index; lines of one quantity share it across panels. */
  color: number;
  /** Dash pattern index (0 solid). @default 0 */
  dash?: number;
}

export interface DerivedPanel {
  yLabel: string;
  lines: DerivedLine[];
}

export interface DerivedFigure {
  spec: FigureSpec;
  data: FigureData;
}

/**
 * A figure of `panels` over one x axis. `runId` only satisfies the spec (a figure names its runs);
 * nothing is loaded for it.
 */
export function derivedFigure(
  runId: number,
  xLabel: string,
  panels: readonly DerivedPanel[],
  options: Partial<FigureSpecInput> = {},
): DerivedFigure {
  const spec = figureSpecSchema.parse({
    runs: [runId],
    metrics: panels.map((_, p) => `panel ${p + 1}`),
    smoothing: 0,
    showRaw: false,
    style: 'screen',
    legend: 'top',
    ...options,
  });
  const traces = panels.flatMap((panel, p) =>
    panel.lines.map((line): FigureTrace => {
      const steps = line.x.map((_, i) => i);
      const y = [...line.y];
      return {
        id: `run:${line.color + 1}`,
        kind: 'run',
        label: line.label,
        metric: spec.metrics[p],
        panel: p,
        colorIndex: line.color,
        dashIndex: line.dash ?? 0,
        runIds: [runId],
        steps,
        x: [...line.x],
        raw: y,
        smoothed: y,
        band: null,
        group: null,
        // A derived line (a threshold, a cumulative sum) is not a logged metric: no summary numbers.
        summary: { runs: [], start: null, final: null, peak: null, min: null },
      };
    }),
  );
  return {
    spec,
    data: {
      spec,
      x: { kind: 'step', label: xLabel, divisor: 1, compactTicks: false },
      panels: panels.map((panel, p) => ({ metrics: [spec.metrics[p]], yLabel: panel.yLabel })),
      traces,
    },
  };
}
