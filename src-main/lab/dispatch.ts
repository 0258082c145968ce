/**
 * The one dispatcher behind every transport: checks the method name, validates the arguments with
 * the contract's schema, runs the handler, and turns failures into ApiErrors.
 */
import {
  ApiError,
  api,
  isApiMethod,
  toFieldErrors,
  ValidationError,
  type ApiArgs,
  type ApiMethod,
  type ApiResult,
} from '../contract';
import type { Lab } from './types';

/** A typed call (CLI, tests): the result type follows the method. */
export async function dispatch<K extends ApiMethod>(lab: Lab, method: K, rawArgs: ApiArgs<K>): Promise<ApiResult<K>>;
/** An untrusted call (IPC, HTTP): any name and arguments, checked here. */
export async function dispatch(lab: Lab, method: unknown, rawArgs: unknown): Promise<ApiResult<ApiMethod>>;
export async function dispatch(lab: Lab, method: unknown, rawArgs: unknown): Promise<ApiResult<ApiMethod>> {
  if (!isApiMethod(method)) {
    throw new ApiError('bad_request', `unknown API call ${JSON.stringify(method)}`);
  }
  const parsed = api[method].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const fields = toFieldErrors(parsed.error, rawArgs ?? {});
    const detail = fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join('; ');
    throw new ApiError('bad_request', `invalid arguments to ${method}: ${detail}`, fields);
  }
  const handler = lab.handlers[method] as (args: unknown) => Promise<ApiResult<ApiMethod>> | ApiResult<ApiMethod>;
  try {
    return await handler(parsed.data);
  } catch (err) {
    throw toApiError(err);
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ValidationError) return new ApiError('bad_request', err.message, err.errors);
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', message);
}
