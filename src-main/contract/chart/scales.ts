/** Axes and legend placement of a figure's Chart.js configuration (see config.ts). */
import type { ChartOptions, FontSpec } from 'chart.js';
import type { FigureSpec, LegendPosition } from '../figure';
import type { FigureData } from './data';
import type { FigureStyle } from './palette';

export interface Fonts {
  text: Partial<FontSpec>;
  title: Partial<FontSpec>;
}

type Scales = NonNullable<ChartOptions<'line'>['scales']>;

/**
 * The shared x axis and one y axis per panel. Panels are y axes stacked in one column (Chart.js
 * `stack`), so every panel lines up on the same x axis and the figure keeps one legend and title.
 */
export function chartScales(
  spec: FigureSpec,
  data: Pick<FigureData, 'x' | 'panels'>,
  style: FigureStyle,
  fonts: Fonts,
): Scales {
  const stacked = data.panels.length > 1;
  const axis = axisLook(style, fonts);
  const scales: Scales = {
    x: {
      type: 'linear',
      position: 'bottom',
      min: spec.xMin ?? (data.x.kind === 'step' ? (spec.steps.from ?? undefined) : undefined),
      max: spec.xMax ?? (data.x.kind === 'step' ? (spec.steps.to ?? undefined) : undefined),
      ...axis,
      title: { display: true, text: data.x.label, color: style.textColor, font: fonts.text, padding: 2 },
      ticks: {
        ...axis.ticks,
        maxRotation: 0,
        format: data.x.compactTicks ? { notation: 'compact', maximumFractionDigits: 1 } : undefined,
      },
    },
  };
  // Chart.js stacks the first-defined axis at the bottom: define them last panel first, so panel 0 is on top.
  for (let p = data.panels.length - 1; p >= 0; p--) {
    scales[stacked ? `y${p}` : 'y'] = {
      type: spec.logY ? 'logarithmic' : 'linear',
      position: 'left',
      ...(stacked ? { stack: 'panels', stackWeight: 1, offset: true } : {}),
      min: spec.yMin ?? undefined,
      max: spec.yMax ?? undefined,
      ...axis,
      title: { display: true, text: data.panels[p].yLabel, color: style.textColor, font: fonts.text, padding: 2 },
      ticks: {
        ...axis.ticks,
        callback: (value) => (spec.logY ? logTickLabel(Number(value)) : linearTickLabel(Number(value))),
      },
    };
  }
  return scales;
}

const tickNumber = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Log-axis tick labels at 1, 2, 3 and 5 times a power of ten, without trailing zeros (0.03, not 0.030). */
export function logTickLabel(value: number): string {
  if (!(value > 0)) return '';
  const mantissa = Math.round(value / 10 ** Math.floor(Math.log10(value)));
  return [1, 2, 3, 5].includes(mantissa) ? tickNumber.format(value) : '';
}

const linearNumber = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/**
 * Linear-axis tick labels: plain numbers without float noise (0.3, not 0.30000000000000004), and
 * very small or large values as short exponents (2e-7, 1.5e-6), not Chart.js's "2.0000000E-7".
 */
export function linearTickLabel(value: number): string {
  if (!Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e-3 && abs < 1e6) return linearNumber.format(value);
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${mantissa.replace(/\.?0+$/, '')}e${Number(exponent)}`;
}

function axisLook(style: FigureStyle, fonts: Fonts) {
  return {
    grid: {
      color: style.gridColor,
      lineWidth: style.gridWidth,
      tickColor: style.axisColor,
      tickLength: style.tickLength,
      tickWidth: style.axisWidth,
    },
    border: { display: true, color: style.axisColor, width: style.axisWidth },
    ticks: { color: style.textColor, font: fonts.text, padding: 2 },
  };
}

/** Chart.js legend placement of each spec position; `inside` sits in the plot's top left corner. */
export function legendPosition(position: LegendPosition) {
  const placements = {
    top: { position: 'top', align: 'center' },
    bottom: { position: 'bottom', align: 'center' },
    right: { position: 'right', align: 'start' },
    inside: { position: 'chartArea', align: 'start' },
    none: { position: 'top', align: 'center' },
  } as const;
  return placements[position];
}
