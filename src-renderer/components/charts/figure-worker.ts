/**
 * The figure worker: smoothing and seed-group statistics of the charts, off the page's thread, so a
 * smoothing slider or a live update never blocks input (issue 20). It keeps the series sets the page
 * sent (the page tells it which to drop) and answers each build with a packed figure.
 */
import {
  ApiError,
  buildPackedSmoothed,
  smoothedBuffers,
  type FigureSpec,
  type SummaryCache,
} from '../../../src-main/contract';
import {
  buildPackedFigure,
  sameButSmoothing,
  type FromWorker,
  type PackedInput,
  type ToWorker,
} from './figure-protocol';

/**
 * Each held set with the summaries computed from it (they do not change with smoothing) and the spec
 * of the last figure the page received of it (a smoothing change sends only the smoothed arrays).
 */
const held = new Map<number, { inputs: PackedInput[]; summaries: SummaryCache; last: FigureSpec | null }>();

function answer(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  self.postMessage(message, { transfer });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.kind === 'inputs') held.set(message.key, { inputs: message.inputs, summaries: new Map(), last: null });
  else if (message.kind === 'drop') held.delete(message.key);
  else {
    const set = held.get(message.key);
    if (!set) {
      answer({ kind: 'failed', id: message.id, message: `figure worker: no series set ${message.key}` });
      return;
    }
    try {
      if (set.last && sameButSmoothing(set.last, message.spec)) {
        const smoothed = buildPackedSmoothed(message.spec, set.inputs, set.summaries);
        answer({ kind: 'smoothed', id: message.id, smoothed }, smoothedBuffers(smoothed));
      } else {
        const { figure, transfer } = buildPackedFigure(message.spec, set.inputs, set.summaries);
        answer({ kind: 'built', id: message.id, figure }, transfer);
      }
      set.last = message.spec;
    } catch (err) {
      answer({ kind: 'failed', id: message.id, message: ApiError.of(err).message });
    }
  }
};
