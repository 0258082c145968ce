/**
 * The shapes of the renderer's way to the lab, in a leaf module: the client (lib/api.ts) and each
 * transport (the preload bridge there, HTTP in lib/http-transport.ts) import these, never each other.
 */
import type { ApiClient, ApiMethod, LabEvent } from '../../src-main/contract';

export type EventListener = (event: LabEvent) => void;

/**
 * Where a stream of lab events stands: `idle` before it opens (and once no one listens), `live`
 * while events arrive, `reconnecting` after it dropped (it retries by itself), `refused` when the
 * server turned it away for good (a restarted server has a new token).
 */
export type StreamState = 'idle' | 'live' | 'reconnecting' | 'refused';
export type StreamListener = (state: StreamState) => void;

export interface LabClient {
  readonly transport: 'bridge' | 'http';
  /** One function per API call: `client.api['runs.list']({})`. */
  readonly api: ApiClient;
  /** Every event the lab pushes; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /** Called when events may have been missed (the stream reconnected): refetch what is shown. */
  onResync(listener: () => void): () => void;
  /**
   * Called with the event stream's state now and at every change; returns the unsubscribe function.
   * Only web mode's stream can drop: over the preload bridge it is always `live`.
   */
  onStream(listener: StreamListener): () => void;
}

/** What a transport has to provide; the typed client is derived from it. */
export interface Transport {
  readonly kind: LabClient['transport'];
  call(method: ApiMethod, args: unknown): Promise<unknown>;
  onEvent(listener: EventListener): () => void;
  onResync(listener: () => void): () => void;
  /** The stream's state (see LabClient.onStream); a transport without one is always live. */
  onStream?(listener: StreamListener): () => void;
}
