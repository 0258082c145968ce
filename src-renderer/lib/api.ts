/**
 * The renderer's way to the lab, typed from the contract's API map. In Electron the preload bridge
 * (`window.cliplab`) carries calls over IPC; in a browser (`cliplab serve`) they go over HTTP with
 * the session cookie, and events arrive through an EventSource. Either way errors come back as
 * ApiError with their code and field list.
 */
import {
  API_METHODS,
  ApiError,
  BRIDGE_GLOBAL,
  type ApiClient,
  type ApiMethod,
  type ApiOutcome,
  type CliplabBridge,
} from '../../src-main/contract';
import { httpTransport } from './http-transport';
import type { LabClient, Transport } from './transport';

export type { EventListener, LabClient, StreamListener, StreamState, Transport } from './transport';

declare global {
  interface Window {
    [BRIDGE_GLOBAL]?: CliplabBridge;
  }
}

export function clientFrom(transport: Transport): LabClient {
  const api = Object.fromEntries(
    API_METHODS.map((method) => [method, (args: unknown) => transport.call(method, args ?? {})]),
  ) as ApiClient;
  return {
    transport: transport.kind,
    api,
    onEvent: (listener) => transport.onEvent(listener),
    onResync: (listener) => transport.onResync(listener),
    onStream: (listener) => {
      if (transport.onStream) return transport.onStream(listener);
      listener('live');
      return () => undefined;
    },
  };
}

export function bridgeTransport(bridge: CliplabBridge): Transport {
  return {
    kind: 'bridge',
    async call(method, args) {
      const call = bridge[method] as (args: unknown) => ReturnType<CliplabBridge[ApiMethod]>;
      // The main side answers every call with an outcome; a rejection means IPC itself failed.
      const outcome = await call(args).catch((err: unknown): ApiOutcome<unknown> => ({
        ok: false,
        error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
      }));
      if (outcome.ok) return outcome.value;
      throw ApiError.from(outcome.error);
    },
    onEvent: (listener) => bridge.onEvent(listener),
    // IPC delivers every event in order while the window lives: nothing to catch up on.
    onResync: () => () => undefined,
  };
}

/** The bridge when the preload put one on the page, HTTP against the page's own origin otherwise. */
export function createLabClient(win: Window = window): LabClient {
  const bridge = win[BRIDGE_GLOBAL];
  return clientFrom(bridge ? bridgeTransport(bridge) : httpTransport({ baseUrl: new URL('./', win.location.href) }));
}

/**
 * `cliplab serve` prints a URL with the token; the server has set the session cookie by the time
 * this runs, so the token leaves the address bar (and the history) at once.
 */
export function forgetUrlToken(win: Window = window): void {
  const url = new URL(win.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
}
