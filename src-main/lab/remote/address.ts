/**
 * A Ray dashboard address as users write it: `ray://HOST:PORT` (the dashboard over plain HTTP, as
 * Ray's own `ray job submit --address` takes it, usually reached through an SSH tunnel), or an
 * `http://` / `https://` URL, possibly with a path prefix behind a proxy.
 *
 * Ray's dashboard has no authentication of its own: anyone who reaches it runs commands on the
 * cluster. So plain HTTP to anything but this machine needs the user's explicit consent
 * (`--insecure-http`), and credentials never ride in the URL (they would end up in messages and in
 * the database); headers for an auth proxy come from the targets configuration (targets.ts).
 */
import { isIP } from 'node:net';
import { ApiError } from '../../contract';

export interface RayAddress {
  /** How cliplab names it: `ray://host:port` for plain HTTP, else the URL (no trailing slash). */
  readonly display: string;
  /** Base URL of the dashboard's HTTP API, without a trailing slash. */
  readonly baseUrl: string;
  readonly https: boolean;
  /** The host is this machine (127.0.0.0/8, ::1, localhost): an SSH tunnel or a local head. */
  readonly loopback: boolean;
}

/** Ray's default dashboard port, for `ray://HOST` without one. */
export const DEFAULT_DASHBOARD_PORT = 8265;

const WARNING =
  "Ray's dashboard has no authentication: whoever reaches it can run commands on the cluster, and " +
  'plain HTTP sends job settings unencrypted';

function refuse(field: string, message: string): ApiError {
  return new ApiError('bad_request', message, [{ path: field, message }]);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

/** Parses and normalises a dashboard address; a bad_request names `field` and what was expected. */
export function parseRayAddress(input: string, field = 'target'): RayAddress {
  const text = input.trim();
  const expected = 'expected ray://HOST:PORT (the Ray dashboard, e.g. ray://127.0.0.1:8265) or an http(s):// URL';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'ray' && scheme !== 'http' && scheme !== 'https') {
    throw refuse(field, `"${text}": ${expected}`);
  }
  let url: URL;
  try {
    url = new URL(scheme === 'ray' ? `http://${text.slice('ray://'.length)}` : text);
  } catch {
    throw refuse(field, `"${text}": ${expected}`);
  }
  if (url.username || url.password) {
    throw refuse(
      field,
      `${scheme}://...: credentials in the address would be shown and stored; give them as headers (CLIPLAB_RAY_HEADERS or the targets file)`,
    );
  }
  if (url.search || url.hash) throw refuse(field, `"${text}": no query or fragment expected; ${expected}`);
  if (scheme === 'ray' && url.pathname !== '/') throw refuse(field, `"${text}": ray:// takes HOST:PORT only`);
  const https = url.protocol === 'https:';
  const port = url.port || (scheme === 'ray' ? String(DEFAULT_DASHBOARD_PORT) : '');
  const hostPort = port ? `${url.hostname}:${port}` : url.hostname;
  const path = url.pathname.replace(/\/+$/, '');
  const baseUrl = `${url.protocol}//${hostPort}${path}`;
  const display = https || path ? baseUrl : `ray://${hostPort}`;
  return { display, baseUrl, https, loopback: isLoopbackHost(url.hostname) };
}

/**
 * Whether an address may be used, and the warning to show when it is allowed only by consent.
 * Throws a bad_request naming `field` when plain HTTP leaves this machine without `allowInsecure`.
 */
export function checkTransport(address: RayAddress, allowInsecure: boolean, field = 'allowInsecureHttp'): string[] {
  if (address.https || address.loopback) return [];
  if (!allowInsecure) {
    throw refuse(
      field,
      `${address.display} is plain HTTP to another machine. ${WARNING}. Reach it through an SSH tunnel ` +
        `(ssh -L 8265:127.0.0.1:8265 HEAD, then ray://127.0.0.1:8265), use https://, or allow it explicitly ` +
        '(--insecure-http)',
    );
  }
  return [`${address.display}: plain HTTP to another machine, allowed by --insecure-http. ${WARNING}.`];
}
