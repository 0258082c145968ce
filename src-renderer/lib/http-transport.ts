/**
 * Web mode: `POST api/<method>` for calls, an EventSource on `api/events` for pushed events. Both
 * directions speak the API's JSON (contract/json.ts), which keeps ±Infinity as Electron's IPC does
 * (a KL that blew up must not read back as a missing value). The stream's state is reported, so the
 * page can say when live updates stop and when they are back.
 */
import { ApiError, apiJson, apiParse, isApiErrorBody, type ApiMethod, type LabEvent } from '../../src-main/contract';
import type { EventListener, StreamListener, StreamState, Transport } from './transport';

/** EventSource.CLOSED: the stream gave up and will not retry. */
const CLOSED = 2;

export interface HttpTransportOptions {
  /** The page's base URL; API paths are resolved against it. */
  baseUrl: URL;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

async function readError(res: Response): Promise<ApiError> {
  const body: unknown = await res
    .text()
    .then(apiParse)
    .catch(() => undefined);
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
  const watchers = new Set<StreamListener>();
  let source: EventSource | null = null;
  let state: StreamState = 'idle';

  function setState(next: StreamState): void {
    if (next === state) return;
    const lost = state === 'reconnecting' || state === 'refused';
    state = next;
    for (const w of watchers) w(next);
    // Events sent while the stream was down are gone: whoever shows data reads it again.
    if (next === 'live' && lost) for (const l of resyncs) l();
  }

  function open(): void {
    if (source) return;
    const opened = new Source(new URL('api/events', options.baseUrl).href);
    source = opened;
    opened.onmessage = (message: MessageEvent<string>) => {
      const event = apiParse(message.data) as LabEvent;
      for (const l of listeners) l(event);
    };
    // EventSource retries a dropped connection by itself, but gives up on a refusal (401, 403).
    opened.onerror = () => setState(opened.readyState === CLOSED ? 'refused' : 'reconnecting');
    opened.onopen = () => setState('live');
  }

  function closeWhenUnused(): void {
    if (listeners.size > 0 || resyncs.size > 0 || !source) return;
    source.close();
    source = null;
    setState('idle');
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
          body: apiJson(args),
          credentials: 'same-origin',
        });
      } catch (err) {
        throw new ApiError(
          'unavailable',
          `cannot reach the cliplab server (${err instanceof Error ? err.message : err})`,
        );
      }
      if (!res.ok) throw await readError(res);
      return apiParse(await res.text());
    },
    onEvent: (listener) => subscribe(listeners, listener),
    onResync: (listener) => subscribe(resyncs, listener),
    // Watching the stream does not open it: there is nothing to report until someone listens.
    onStream(listener) {
      watchers.add(listener);
      listener(state);
      return () => watchers.delete(listener);
    },
  };
}
