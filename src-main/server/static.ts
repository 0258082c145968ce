/** The built renderer (`out/renderer`) as static files: fixed content types, no way out of the folder. */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { SECURITY_HEADERS, sendError } from './http';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Vite names built assets `name-<hash>.ext`: such a file never changes, so it may be cached for good. */
export function cacheControlOf(relativePath: string): string {
  const hashed = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/i.test(relativePath);
  return hashed ? 'private, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The file a URL path names inside `root`, or null for anything that could leave it: encoded `..`,
 * backslashes, NUL bytes, and dot-files are refused before the path is resolved, and the resolved
 * path must still lie under `root`.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const full = path.resolve(root, relative);
  return full.startsWith(path.resolve(root) + path.sep) ? full : null;
}

async function regularFileUnder(root: string, file: string): Promise<{ size: number; real: string } | null> {
  try {
    // A symlink inside the folder must not lead out of it either.
    const [realRoot, real] = await Promise.all([realpath(root), realpath(file)]);
    if (!real.startsWith(realRoot + path.sep)) return null;
    const info = await stat(real);
    return info.isFile() ? { size: info.size, real } : null;
  } catch {
    return null;
  }
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, urlPath: string) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'bad_request', `static files are read with GET; got ${req.method}`, { Allow: 'GET, HEAD' });
    return;
  }
  const file = resolveStaticPath(root, urlPath);
  const found = file && (await regularFileUnder(root, file));
  if (!file || !found) {
    sendError(res, 404, 'not_found', `no such file: ${urlPath}`);
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': contentTypeOf(found.real),
    'Content-Length': String(found.size),
    'Cache-Control': cacheControlOf(path.relative(path.resolve(root), file).split(path.sep).join('/')),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.real)
    .on('error', () => res.destroy())
    .pipe(res);
}
