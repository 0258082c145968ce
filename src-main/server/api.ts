/**
 * `POST /api/<method>`: a JSON body of arguments in, the dispatcher's result (or an ApiErrorBody) out,
 * both in the API's JSON (contract/json.ts), which keeps ±Infinity.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiParse } from '../contract';
import { dispatch, toApiError } from '../lab/dispatch';
import type { Lab } from '../lab/types';
import { STATUS_BY_CODE, sendError, sendJson } from './http';

class BodyTooLarge extends Error {}

/** Reads the whole body, refusing (without buffering) anything beyond `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isJsonContentType(value: string | undefined): boolean {
  return (value ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * Only JSON is accepted: a cross-site HTML form cannot send `application/json` without a CORS
 * preflight, which this server never grants, so this closes the classic CSRF route as well.
 */
export async function handleApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  lab: Lab,
  method: string,
  maxBodyBytes: number,
): Promise<void> {
  if (req.method !== 'POST') {
    sendError(res, 405, 'bad_request', `API calls use POST; got ${req.method}`, { Allow: 'POST' });
    return;
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    sendError(res, 415, 'bad_request', 'Content-Type: expected application/json');
    return;
  }
  let text: string;
  try {
    text = await readBody(req, maxBodyBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    // The rest of the body is never read: close the connection after answering.
    sendError(res, 413, 'bad_request', `request body: expected at most ${maxBodyBytes} bytes`, {
      Connection: 'close',
    });
    return;
  }
  let args: unknown;
  try {
    args = text.trim() === '' ? undefined : apiParse(text);
  } catch {
    sendError(res, 400, 'bad_request', 'request body: expected JSON arguments, e.g. {"id": 1}');
    return;
  }
  try {
    sendJson(res, 200, await dispatch(lab, method, args));
  } catch (err) {
    const error = toApiError(err);
    sendJson(res, STATUS_BY_CODE[error.code], error.toBody());
  }
}
