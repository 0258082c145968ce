/** Errors as they cross a transport: a code a client can act on, a message, and the bad fields. */
import type { FieldError } from '../validate';

export type ApiErrorCode = 'bad_request' | 'not_found' | 'conflict' | 'unavailable' | 'internal';

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  fields?: FieldError[];
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }

  static from(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.fields);
  }

  /** Any thrown value as an ApiError: itself when it is one, else an internal error with its message. */
  static of(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    return new ApiError('internal', err instanceof Error ? err.message : String(err));
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorBody).code === 'string' &&
    typeof (value as ApiErrorBody).message === 'string'
  );
}
