/** Response helpers shared by the server's routes: security headers on everything, JSON bodies, errors. */
import type { ServerResponse } from 'node:http';
import { apiJson, type ApiErrorBody, type ApiErrorCode } from '../contract';
import { CONTENT_SECURITY_POLICY } from './csp';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The first page load carries the token in its URL: never hand it to anyone as a referrer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const STATUS_BY_CODE: Readonly<Record<ApiErrorCode, number>> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/** A JSON response in the API's JSON: ±Infinity survives (contract/json.ts), NaN is null. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = apiJson(body ?? null);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** An error as the API's clients expect it: an ApiErrorBody with an HTTP status that fits. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body: ApiErrorBody = { code, message };
  sendJson(res, status, body, headers);
}
