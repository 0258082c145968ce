/**
 * Linked x axes (issue 19): charts given the same XLink show the same x range, so zooming or
 * panning one chart of a view zooms its siblings (stacked panels of one chart share x already).
 */
import type { XRange } from './zoom';

export class XLink {
  /** The range every linked chart shows; null: each shows all of its data. */
  range: XRange | null = $state.raw(null);
}
