import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, ApiError, apiJson, type CliplabBridge, type LabEvent } from '../../src-main/contract';
import { bridgeTransport, clientFrom, createLabClient, forgetUrlToken } from '../../src-renderer/lib/api';
import { httpTransport } from '../../src-renderer/lib/http-transport';

const base = new URL('http://127.0.0.1:4321/');

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onmessage: ((m: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  onopen: (() => void) | null = null;
  /** EventSource's CONNECTING (0), OPEN (1) or CLOSED (2). */
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  close() {
    this.closed = true;
  }
}

describe('HTTP client', () => {
  it('posts JSON arguments to api/<method> and returns the result', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, [{ id: 1 }]));
    const client = clientFrom(httpTransport({ baseUrl: base, fetch }));
    expect(client.transport).toBe('http');
    expect(Object.keys(client.api).sort()).toEqual([...API_METHODS].sort());
    expect(await client.api['runs.list']({ status: ['running'] })).toEqual([{ id: 1 }]);
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:4321/api/runs.list', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"status":["running"]}',
      credentials: 'same-origin',
    });
  });

  it('rethrows error bodies as ApiError with code and fields', async () => {
    const body = {
      code: 'bad_request',
      message: 'invalid arguments',
      fields: [{ path: 'id', message: 'expected number' }],
    };
    const client = clientFrom(httpTransport({ baseUrl: base, fetch: async () => jsonResponse(400, body) }));
    const error = await client.api['runs.get']({ id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'bad_request', message: 'invalid arguments', fields: body.fields });
  });

  it('reports an unreachable server and non-JSON failures as ApiErrors', async () => {
    const down = clientFrom(
      httpTransport({
        baseUrl: base,
        fetch: async () => {
          throw new TypeError('Failed to fetch');
        },
      }),
    );
    await expect(down.api['runs.list']({})).rejects.toMatchObject({ code: 'unavailable' });
    const broken = clientFrom(
      httpTransport({
        baseUrl: base,
        fetch: async () => new Response('oops', { status: 502, statusText: 'Bad Gateway' }),
      }),
    );
    await expect(broken.api['runs.list']({})).rejects.toMatchObject({ code: 'internal', message: /502/ });
  });

  it('streams events from api/events, asks for a resync after a reconnect, and closes when unused', () => {
    const transport = httpTransport({
      baseUrl: base,
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const events: LabEvent[] = [];
    const resync = vi.fn();
    const offEvent = transport.onEvent((e) => events.push(e));
    const offResync = transport.onResync(resync);
    const source = FakeEventSource.last!;
    expect(source.url).toBe('http://127.0.0.1:4321/api/events');

    const event: LabEvent = { name: 'run.deleted', payload: { ids: [3] } };
    source.onmessage!({ data: JSON.stringify(event) } as MessageEvent<string>);
    expect(events).toEqual([event]);

    source.onopen!();
    expect(resync).not.toHaveBeenCalled();
    source.onerror!();
    source.onopen!();
    expect(resync).toHaveBeenCalledTimes(1);

    offEvent();
    expect(source.closed).toBe(false);
    offResync();
    expect(source.closed).toBe(true);
  });

  it('reports the stream’s state: live, reconnecting after a drop, refused when it gave up', () => {
    const transport = httpTransport({
      baseUrl: base,
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const states: string[] = [];
    const stopWatching = transport.onStream!((s) => states.push(s));
    expect(states).toEqual(['idle']);
    const stop = transport.onEvent(() => undefined);
    const source = FakeEventSource.last!;
    source.onopen!();
    source.onerror!();
    source.onopen!();
    source.readyState = 2;
    source.onerror!();
    expect(states).toEqual(['idle', 'live', 'reconnecting', 'live', 'refused']);
    stop();
    expect(states.at(-1)).toBe('idle');
    stopWatching();
  });

  it('keeps ±Infinity in results and events, as Electron’s IPC does', async () => {
    const fetch = vi.fn(async () => new Response(apiJson({ kl: Infinity, low: -Infinity, gap: NaN })));
    const client = clientFrom(
      httpTransport({ baseUrl: base, fetch, EventSource: FakeEventSource as unknown as typeof EventSource }),
    );
    expect(await client.api['runs.list']({})).toEqual({ kl: Infinity, low: -Infinity, gap: null });
    const events: unknown[] = [];
    client.onEvent((e) => events.push(e));
    FakeEventSource.last!.onmessage!({
      data: apiJson({ name: 'x', payload: { v: -Infinity } }),
    } as MessageEvent<string>);
    expect(events).toEqual([{ name: 'x', payload: { v: -Infinity } }]);
  });

  it('says the bridge is always live', () => {
    const states: string[] = [];
    clientFrom({ ...httpTransport({ baseUrl: base, fetch: vi.fn() }), onStream: undefined }).onStream((s) =>
      states.push(s),
    );
    expect(states).toEqual(['live']);
  });
});

describe('bridge client', () => {
  function fakeBridge(outcome: unknown): CliplabBridge {
    const calls = Object.fromEntries(API_METHODS.map((m) => [m, vi.fn(async () => outcome)]));
    return { ...calls, onEvent: vi.fn(() => () => undefined) } as unknown as CliplabBridge;
  }

  it('is chosen when the preload exposed window.cliplab, and unwraps outcomes', async () => {
    const bridge = fakeBridge({ ok: true, value: ['a preset'] });
    const client = createLabClient({ cliplab: bridge, location: window.location } as unknown as Window);
    expect(client.transport).toBe('bridge');
    expect(await client.api['presets.list']({})).toEqual(['a preset']);
    expect(bridge['presets.list']).toHaveBeenCalledWith({});
  });

  it('turns error outcomes back into ApiErrors', async () => {
    const client = clientFrom(
      bridgeTransport(fakeBridge({ ok: false, error: { code: 'not_found', message: 'no run 9' } })),
    );
    await expect(client.api['runs.get']({ id: 9 })).rejects.toMatchObject({ code: 'not_found', message: 'no run 9' });
  });

  it('reports a failed IPC call as an internal ApiError', async () => {
    const bridge = fakeBridge(undefined);
    vi.mocked(bridge['runs.list']).mockRejectedValueOnce(new Error('object could not be cloned'));
    const client = clientFrom(bridgeTransport(bridge));
    const error = await client.api['runs.list']({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'internal', message: 'object could not be cloned' });
  });

  it('falls back to HTTP without a bridge', () => {
    expect(createLabClient(window).transport).toBe('http');
  });
});

describe('forgetUrlToken', () => {
  it('removes the token from the address bar and keeps the rest', () => {
    window.history.replaceState(null, '', '/?token=abc&x=1#/runs');
    forgetUrlToken(window);
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/?x=1#/runs');
  });
});
