/**
 * The figure worker: smoothing and seed-group statistics of the charts, off the page's thread, so a
 * smoothing slider or a live update never blocks input (issue 20). It keeps the series sets the page
 * sent (the page tells it which to drop) and answers each build with a packed figure.
 */
import { ApiError, type SummaryCache } from '../../../src-main/contract';
import { buildPackedFigure, type FromWorker, type PackedInput, type ToWorker } from './figure-protocol';

/** Each held set with the summaries computed from it (they do not change with smoothing). */
const held = new Map<number, { inputs: PackedInput[]; summaries: SummaryCache }>();

function answer(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  self.postMessage(message, { transfer });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.kind === 'inputs') held.set(message.key, { inputs: message.inputs, summaries: new Map() });
  else if (message.kind === 'drop') held.delete(message.key);
  else {
    const set = held.get(message.key);
    if (!set) {
      answer({ kind: 'failed', id: message.id, message: `figure worker: no series set ${message.key}` });
      return;
    }
    try {
      const { figure, transfer } = buildPackedFigure(message.spec, set.inputs, set.summaries);
      answer({ kind: 'built', id: message.id, figure }, transfer);
    } catch (err) {
      answer({ kind: 'failed', id: message.id, message: ApiError.of(err).message });
    }
  }
};
