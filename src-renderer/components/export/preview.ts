/** Sizes of the Export dialog's true-size preview. */
import { figureSizePoints, type FigureSpec } from '../../../src-main/contract';

/** CSS pixels per point: a CSS inch is 96 px, a point 1/72 in. */
export const CSS_PX_PER_POINT = 96 / 72;

/** The figure's page in whole points, as the PDF renderer rounds it (a canvas has whole-unit sizes too). */
export function previewPage(spec: Pick<FigureSpec, 'size' | 'layout' | 'metrics'>): { width: number; height: number } {
  const { width, height } = figureSizePoints(spec);
  return { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
}
