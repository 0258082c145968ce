/**
 * Per-cluster settings that must not live in the database or in commands: extra HTTP headers for a
 * dashboard behind an auth proxy (a bearer token, a cookie), and consent to plain HTTP.
 *
 *   CLIPLAB_RAY_HEADERS='{"Authorization": "Bearer ..."}'     headers for every dashboard
 *   <app data>/remote-targets.json (CLIPLAB_REMOTE_TARGETS names another file):
 *     { "ray://10.0.0.5:8265": { "headers": { "X-Token": "..." }, "allowInsecureHttp": true } }
 *
 * Read on every use, so an edited file applies without a restart. Header values are secrets: no
 * message, log line, record or error ever contains one (only header names).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../contract';
import { userDataDir } from '../paths';
import { parseRayAddress, type RayAddress } from './address';

export const HEADERS_ENV = 'CLIPLAB_RAY_HEADERS';
export const TARGETS_FILE_ENV = 'CLIPLAB_REMOTE_TARGETS';
export const TARGETS_FILE = 'remote-targets.json';

export interface TargetSettings {
  headers: Record<string, string>;
  allowInsecureHttp: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the HTTP client sets itself; taking them from a config would break the request. */
const RESERVED = new Set(['host', 'content-length', 'content-type', 'connection', 'upgrade', 'transfer-encoding']);

function invalid(where: string, message: string): ApiError {
  return new ApiError('bad_request', `${where}: ${message}`);
}

/** Checks a headers object; errors name the header, never its value. */
function readHeaders(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, 'expected an object of header names to string values');
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!TOKEN.test(name)) throw invalid(where, `"${name}" is not a valid HTTP header name`);
    if (RESERVED.has(name.toLowerCase())) throw invalid(where, `header "${name}" is set by cliplab itself`);
    if (typeof v !== 'string' || /[\r\n\0]/.test(v)) {
      throw invalid(where, `the value of header "${name}" must be one line of text`);
    }
    out[name] = v;
  }
  return out;
}

export function targetsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env[TARGETS_FILE_ENV] || path.join(userDataDir({ env }), TARGETS_FILE);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // JSON.parse's message quotes the text around the error: it could quote a secret.
    throw invalid(where, `not valid JSON${err instanceof SyntaxError ? '' : ` (${String(err)})`}`);
  }
}

/** The file's entry for this address (keys are compared after normalising them as addresses). */
function fileEntry(address: RayAddress, file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw invalid(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const all = parseJson(text, file);
  if (typeof all !== 'object' || all === null || Array.isArray(all)) {
    throw invalid(file, 'expected an object keyed by dashboard address (e.g. "ray://127.0.0.1:8265")');
  }
  for (const [key, entry] of Object.entries(all)) {
    if (parseRayAddress(key, `${file}: "${key}"`).display !== address.display) continue;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalid(file, `"${key}": expected { "headers": {...}, "allowInsecureHttp": true|false }`);
    }
    return entry as Record<string, unknown>;
  }
  return null;
}

/** Headers and consent for one dashboard: CLIPLAB_RAY_HEADERS, then the targets file's entry over it. */
export function targetSettings(address: RayAddress, env: NodeJS.ProcessEnv = process.env): TargetSettings {
  const fromEnv = env[HEADERS_ENV]?.trim() ? readHeaders(parseJson(env[HEADERS_ENV]!, HEADERS_ENV), HEADERS_ENV) : {};
  const file = targetsFile(env);
  const entry = fileEntry(address, file);
  const where = `${file}: "${address.display}"`;
  const headers = entry?.headers === undefined ? {} : readHeaders(entry.headers, `${where}.headers`);
  const insecure = entry?.allowInsecureHttp;
  if (insecure !== undefined && typeof insecure !== 'boolean') {
    throw invalid(`${where}.allowInsecureHttp`, 'expected true or false');
  }
  return { headers: { ...fromEnv, ...headers }, allowInsecureHttp: insecure === true };
}
