import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertStrongToken,
  createToken,
  isAllowedHost,
  isAllowedOrigin,
  tokenCookie,
  tokensEqual,
} from '../../src-main/server/auth';
import { formatEvent } from '../../src-main/server/events';
import { cacheControlOf, contentTypeOf, resolveStaticPath } from '../../src-main/server/static';

describe('tokens', () => {
  it('are fresh, URL-safe and carry 256 bits', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(a);
    expect(() => assertStrongToken(a)).not.toThrow();
  });

  it('compare equal only when identical, whatever their lengths', () => {
    const t = createToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(t.slice(0, -1), t)).toBe(false);
    expect(tokensEqual(`${t}x`, t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
  });

  it('refuses caller-chosen tokens under 128 bits or with odd characters', () => {
    expect(() => assertStrongToken('abc')).toThrow(/token: expected/);
    expect(() => assertStrongToken(`${'a'.repeat(30)};`)).toThrow(/token: expected/);
  });

  it('sign the browser in with an HttpOnly, SameSite=Strict cookie named for the port', () => {
    expect(tokenCookie(8471, 'T')).toBe('cliplab_token_8471=T; Path=/; HttpOnly; SameSite=Strict');
  });
});

describe('Host and Origin', () => {
  it('accept only this server by loopback address or localhost', () => {
    expect(isAllowedHost('127.0.0.1:8471', 8471)).toBe(true);
    expect(isAllowedHost('LOCALHOST:8471', 8471)).toBe(true);
    for (const host of [undefined, '', '127.0.0.1', '127.0.0.1:8472', 'attacker.example:8471', '[::1]:8471']) {
      expect(isAllowedHost(host, 8471), String(host)).toBe(false);
    }
  });

  it('accept a missing Origin or one equal to the Host', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:1')).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:1', '127.0.0.1:1')).toBe(true);
    expect(isAllowedOrigin('http://localhost:1', '127.0.0.1:1')).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:1')).toBe(false);
  });
});

describe('static paths', () => {
  const root = path.resolve('/srv/renderer');

  it('map URL paths to files under the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc12345.js')).toBe(path.join(root, 'assets', 'index-abc12345.js'));
    expect(resolveStaticPath(root, '/a%20b.css')).toBe(path.join(root, 'a b.css'));
  });

  it('refuse anything that could leave the root or reach hidden files', () => {
    for (const p of [
      '/..',
      '/../x',
      '/a/../../x',
      '/%2e%2e/x',
      '/..%2fx',
      '/..%5cx',
      '/x%00.js',
      '/.env',
      '/%E0%A4%A',
    ]) {
      expect(resolveStaticPath(root, p), p).toBeNull();
    }
  });

  it('name content types and let only hashed assets be cached for good', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a.unknown')).toBe('application/octet-stream');
    expect(cacheControlOf('assets/index-Bq3xZ9aK.js')).toContain('immutable');
    expect(cacheControlOf('index.html')).toBe('no-cache');
    expect(cacheControlOf('favicon.svg')).toBe('no-cache');
  });
});

describe('event stream format', () => {
  it('puts one JSON event on one data line', () => {
    const text = formatEvent({ name: 'run.deleted', payload: { ids: [1, 2] } });
    expect(text).toBe('data: {"name":"run.deleted","payload":{"ids":[1,2]}}\n\n');
  });
});
