/**
 * The shapes of the renderer's way to the lab, in a leaf module: the client (lib/api.ts) and each
 * transport (the preload bridge there, HTTP in lib/http-transport.ts) import these, never each other.
 */
import type { ApiClient, ApiMethod, LabEvent } from '../../src-main/contract';

export type EventListener = (event: LabEvent) => void;

export interface LabClient {
  readonly transport: 'bridge' | 'http';
  /** One function per API call: `client.api['runs.list']({})`. */
  readonly api: ApiClient;
  /** Every event the lab pushes; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /** Called when events may have been missed (the stream reconnected): refetch what is shown. */
  onResync(listener: () => void): () => void;
}

/** What a transport has to provide; the typed client is derived from it. */
export interface Transport {
  readonly kind: LabClient['transport'];
  call(method: ApiMethod, args: unknown): Promise<unknown>;
  onEvent(listener: EventListener): () => void;
  onResync(listener: () => void): () => void;
}
