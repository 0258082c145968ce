/** Web mode: `POST api/<method>` for calls, an EventSource on `api/events` for pushed events. */
import { ApiError, isApiErrorBody, type ApiMethod, type LabEvent } from '../../src-main/contract';
import type { EventListener, Transport } from './transport';

export interface HttpTransportOptions {
  /** The page's base URL; API paths are resolved against it. */
  baseUrl: URL;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

async function readError(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => undefined);
  if (isApiErrorBody(body)) return ApiError.from(body);
  return new ApiError(
    res.status >= 500 ? 'internal' : 'bad_request',
    `the server answered ${res.status} ${res.statusText}`,
  );
}

export function httpTransport(options: HttpTransportOptions): Transport {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const Source = options.EventSource ?? globalThis.EventSource;
  const listeners = new Set<EventListener>();
  const resyncs = new Set<() => void>();
  let source: EventSource | null = null;
  let lostConnection = false;

  function open(): void {
    if (source) return;
    source = new Source(new URL('api/events', options.baseUrl).href);
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as LabEvent;
      for (const l of listeners) l(event);
    };
    source.onerror = () => {
      lostConnection = true;
    };
    source.onopen = () => {
      if (!lostConnection) return;
      lostConnection = false;
      for (const l of resyncs) l();
    };
  }

  function closeWhenUnused(): void {
    if (listeners.size > 0 || resyncs.size > 0 || !source) return;
    source.close();
    source = null;
  }

  function subscribe<T>(set: Set<T>, listener: T): () => void {
    set.add(listener);
    open();
    return () => {
      set.delete(listener);
      closeWhenUnused();
    };
  }

  return {
    kind: 'http',
    async call(method: ApiMethod, args: unknown) {
      let res: Response;
      try {
        res = await doFetch(new URL(`api/${encodeURIComponent(method)}`, options.baseUrl).href, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
      } catch (err) {
        throw new ApiError(
          'unavailable',
          `cannot reach the cliplab server (${err instanceof Error ? err.message : err})`,
        );
      }
      if (!res.ok) throw await readError(res);
      return res.json();
    },
    onEvent: (listener) => subscribe(listeners, listener),
    onResync: (listener) => subscribe(resyncs, listener),
  };
}
