/**
 * Web mode: the lab's API and event stream over HTTP, plus the built renderer, on 127.0.0.1 only and
 * behind a per-start token (see auth.ts for why each check exists).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_IMPORT_UPLOAD_BYTES } from '../contract';
import type { Lab } from '../lab/types';
import { handleApiCall } from './api';
import { assertStrongToken, authenticate, createToken, isAllowedHost, isAllowedOrigin, tokenCookie } from './auth';
import { openEventStream } from './events';
import { SECURITY_HEADERS, sendError } from './http';
import { openBrowser } from './open-browser';
import { serveStatic } from './static';

/** Base64 of the largest upload plus room for the JSON around it. */
const UPLOAD_BODY_BYTES = Math.ceil(MAX_IMPORT_UPLOAD_BYTES / 3) * 4 + 64 * 1024;
/** Calls that carry a file's bytes: the preview of an upload, and the upload itself. */
const UPLOAD_CALLS: ReadonlySet<string> = new Set(['imports.detect', 'imports.fromContent']);

export interface ServerOptions {
  lab: Lab;
  /** The built renderer, normally `out/renderer`. */
  rendererDir: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Loopback only: the token is a second lock, not the only one. @default '127.0.0.1' */
  host?: '127.0.0.1';
  /** A fixed token (at least 128 bits); a fresh random one otherwise. */
  token?: string;
  /** Open the system browser on the URL once listening. @default false */
  open?: boolean;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** Interval of keep-alive comments on the event stream. @default 15000 */
  heartbeatMs?: number;
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

interface Context {
  lab: Lab;
  rendererDir: string;
  token: string;
  port: number;
  maxBodyBytes: number;
  heartbeatMs: number;
  streams: Set<() => void>;
}

const API_PREFIX = '/api/';

/** A malformed escape is left as typed: the dispatcher then reports it as an unknown call. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** API clients get an ApiErrorBody; a person who opened a page gets a sentence. */
function deny(res: ServerResponse, url: URL, status: 401 | 403, message: string): void {
  if (url.pathname.startsWith(API_PREFIX)) {
    sendError(res, status, 'bad_request', message);
    return;
  }
  const text = `cliplab: ${message}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  // Only the path and query matter; a placeholder base also copes with absolute-form request targets.
  const url = new URL(req.url ?? '/', 'http://request.invalid');
  if (!isAllowedHost(req.headers.host, ctx.port) || !isAllowedOrigin(req.headers.origin, req.headers.host)) {
    deny(res, url, 403, `Host and Origin must be 127.0.0.1:${ctx.port} or localhost:${ctx.port}`);
    return;
  }
  const source = authenticate(req, url, ctx.token, ctx.port);
  if (!source) {
    deny(res, url, 401, 'missing or wrong token: open the address `cliplab serve` printed (it ends in ?token=…)');
    return;
  }
  // A token in the URL signs the browser in: later fetches and the EventSource carry the cookie.
  if (source === 'query') res.setHeader('Set-Cookie', tokenCookie(ctx.port, ctx.token));

  if (url.pathname === `${API_PREFIX}events`) {
    if (req.method !== 'GET') {
      sendError(res, 405, 'bad_request', 'the event stream is read with GET', { Allow: 'GET' });
      return;
    }
    const end = openEventStream(req, res, ctx.lab, ctx.heartbeatMs);
    ctx.streams.add(end);
    res.on('close', () => ctx.streams.delete(end));
    return;
  }
  if (url.pathname.startsWith(API_PREFIX)) {
    const method = safeDecode(url.pathname.slice(API_PREFIX.length));
    // File uploads (base64 JSON) may be up to MAX_IMPORT_UPLOAD_BYTES; every other call keeps the small limit.
    const limit = UPLOAD_CALLS.has(method) ? Math.max(ctx.maxBodyBytes, UPLOAD_BODY_BYTES) : ctx.maxBodyBytes;
    await handleApiCall(req, res, ctx.lab, method, limit);
    return;
  }
  await serveStatic(req, res, ctx.rendererDir, url.pathname);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`host: expected "127.0.0.1" (web mode listens on loopback only)`);
  if (options.token !== undefined) assertStrongToken(options.token);
  const ctx: Context = {
    lab: options.lab,
    rendererDir: options.rendererDir,
    token: options.token ?? createToken(),
    port: 0,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    streams: new Set(),
  };
  const server = createServer((req, res) => {
    route(req, res, ctx).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, 'internal', err instanceof Error ? err.message : String(err));
    });
  });
  ctx.port = await listen(server, options.port ?? 0, host);
  const url = `http://${host}:${ctx.port}/?token=${ctx.token}`;
  // The token reaches the browser through a private file, never an opener's public command line.
  const browser = options.open ? await openBrowser(url) : null;

  return {
    url,
    port: ctx.port,
    token: ctx.token,
    close: () =>
      new Promise<void>((resolve, reject) => {
        browser?.cleanup();
        for (const end of ctx.streams) end();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
