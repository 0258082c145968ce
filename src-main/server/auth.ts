/**
 * Who may talk to the web server: a random per-start token (like Jupyter's) proves the caller read
 * what `cliplab serve` printed, and Host/Origin checks stop a foreign page from reaching the server
 * through DNS rebinding or a cross-site request, even though it listens on 127.0.0.1 only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, URL-safe. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A caller-chosen token must carry at least ~128 bits: 22+ base64url characters. */
export function assertStrongToken(token: string): void {
  if (!/^[A-Za-z0-9_-]{22,512}$/.test(token)) {
    throw new Error('token: expected 22 to 512 characters from A-Z, a-z, 0-9, "-" and "_" (at least 128 bits)');
  }
}

/** Constant-time equality: both sides are hashed first so lengths match and timing reveals nothing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Cookies are shared across ports of one host, so the name carries the port: two servers never clash. */
export function tokenCookieName(port: number): string {
  return `cliplab_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match ? match[1] : null;
}

function cookieToken(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The query token is only read on GET/HEAD (first page load, EventSource), never on calls that change data. */
function queryToken(req: IncomingMessage, url: URL): string | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  return url.searchParams.get('token');
}

export type TokenSource = 'header' | 'query' | 'cookie';

/** Which presented credential matches the token, or null when none does (a stale cookie may sit beside a fresh URL). */
export function authenticate(req: IncomingMessage, url: URL, token: string, port: number): TokenSource | null {
  const presented: [TokenSource, string | null][] = [
    ['header', bearerToken(req)],
    ['query', queryToken(req, url)],
    ['cookie', cookieToken(req, tokenCookieName(port))],
  ];
  for (const [source, value] of presented) {
    if (value !== null && tokensEqual(value, token)) return source;
  }
  return null;
}

/** The Host header must name this server as 127.0.0.1 or localhost; a rebinding attacker's name fails. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  const h = (host ?? '').toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** When a browser sends Origin, it must be this server's own origin (as named in Host). */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${(host ?? '').toLowerCase()}`;
}
