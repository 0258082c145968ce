/**
 * The one map of every API call. Add a feature's calls in its own file and spread them here;
 * handlers (lab), the Electron bridge (shell/preload), the HTTP server and the renderer's client are
 * all typed from this map. The bridge's types derive from it, so contract/index.ts exports the bridge
 * (this file importing it back would make a cycle).
 */
import type { z } from 'zod';
import { configApi } from './config';
import { diagnosticsApi } from './diagnostics';
import { figuresApi } from './figures';
import { filesApi } from './files';
import { followsApi } from './follows';
import { importsApi } from './imports';
import { modelsApi } from './models';
import { remoteApi } from './remote';
import { runsApi } from './runs';
import { trainingApi } from './training';

export const api = {
  ...runsApi,
  ...configApi,
  ...diagnosticsApi,
  ...figuresApi,
  ...filesApi,
  ...importsApi,
  ...followsApi,
  ...trainingApi,
  ...modelsApi,
  ...remoteApi,
};

export type Api = typeof api;
export type ApiMethod = keyof Api;
/** Arguments as a caller writes them (defaults optional). */
export type ApiArgs<K extends ApiMethod> = z.input<Api[K]['args']>;
/** Arguments as a handler receives them (validated, defaults filled). */
export type ApiParsedArgs<K extends ApiMethod> = z.output<Api[K]['args']>;
export type ApiResult<K extends ApiMethod> = Api[K]['result'];

/** What the lab implements: one handler per call. */
export type ApiHandlers = { [K in ApiMethod]: (args: ApiParsedArgs<K>) => Promise<ApiResult<K>> | ApiResult<K> };

/** What a client offers: one async function per call. */
export type ApiClient = { [K in ApiMethod]: (args: ApiArgs<K>) => Promise<ApiResult<K>> };

export const API_METHODS = Object.keys(api) as ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}

export * from './errors';
export * from './events';
export * from './imports';
export * from './follows';
export * from './files';
export * from './training';
export * from './models';
export * from './remote';
export { defineCall, defineEvent, type CallSpec } from './define';
