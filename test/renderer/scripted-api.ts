/**
 * A LabClient whose calls are answered by handlers the test gives, recording every call with its
 * arguments: the real client plumbing over a scripted lab, for views that call more than runs.list.
 */
import { ApiError, type ApiArgs, type ApiMethod, type ApiResult, type LabEvent } from '../../src-main/contract';
import { clientFrom, type LabClient } from '../../src-renderer/lib/api';

export type Handlers = { [K in ApiMethod]?: (args: ApiArgs<K>) => ApiResult<K> | Promise<ApiResult<K>> };

export interface ScriptedApi {
  client: LabClient;
  handlers: Handlers;
  calls: { method: ApiMethod; args: unknown }[];
  callsOf<K extends ApiMethod>(method: K): ApiArgs<K>[];
  emit(event: LabEvent): void;
  listenerCount(): number;
}

export function scriptedApi(handlers: Handlers = {}): ScriptedApi {
  const listeners = new Set<(e: LabEvent) => void>();
  const scripted: ScriptedApi = {
    handlers,
    calls: [],
    callsOf: <K extends ApiMethod>(method: K) =>
      scripted.calls.filter((c) => c.method === method).map((c) => c.args as ApiArgs<K>),
    emit: (event) => listeners.forEach((l) => l(event)),
    listenerCount: () => listeners.size,
    client: clientFrom({
      kind: 'http',
      async call(method, args) {
        scripted.calls.push({ method, args: structuredClone(args) });
        const handler = scripted.handlers[method] as ((a: unknown) => unknown) | undefined;
        if (!handler) throw new ApiError('unavailable', `${method} is not scripted`);
        return structuredClone(await handler(args));
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onResync: () => () => undefined,
    }),
  };
  return scripted;
}
