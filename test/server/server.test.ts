import { mkdirSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ApiErrorBody, type LabEvent, type RunRecord } from '../../src-main/contract';
import type { LabService } from '../../src-main/lab';
import { startServer, type RunningServer } from '../../src-main/server';
import { apiCall, rawRequest } from '../support/http-client';
import { makeTempDir, removeDir } from '../support/temp';
import { createTempLab, type TempLab } from '../support/temp-lab';

let dir: string;
let temp: TempLab;
let lab: LabService;
let server: RunningServer;

beforeAll(async () => {
  dir = makeTempDir();
  const renderer = path.join(dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>cliplab</title>');
  writeFileSync(path.join(renderer, 'assets', 'index-Bq3xZ9aK.js'), 'export {};');
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve me');
  temp = createTempLab([{ name: 'first' }, { name: 'second', status: 'running' }]);
  lab = temp.lab;
  server = await startServer({ lab, rendererDir: renderer, heartbeatMs: 50 });
});

afterAll(async () => {
  await server.close();
  await temp.cleanup();
  removeDir(dir);
});

const bearer = () => ({ Authorization: `Bearer ${server.token}` });

describe('web server access control', () => {
  it('prints a loopback URL carrying a token of at least 128 bits', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('answers 401 without a token', async () => {
    expect((await rawRequest(server.port, { path: '/' })).status).toBe(401);
    const api = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/runs.list',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(401);
    expect(api.text).not.toContain('first');
  });

  it('answers 401 to a wrong token in any place it may be presented', async () => {
    const wrong = 'A'.repeat(43);
    expect((await apiCall(server.port, wrong, 'runs.list', {})).status).toBe(401);
    expect((await rawRequest(server.port, { path: `/?token=${wrong}` })).status).toBe(401);
    const cookie = { Cookie: `cliplab_token_${server.port}=${wrong}` };
    expect((await rawRequest(server.port, { path: '/', headers: cookie })).status).toBe(401);
  });

  it('answers 403 to a Host that is not this server, even with the right token', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      const res = await rawRequest(server.port, { path: '/', headers: { ...bearer(), Host: host } });
      expect(res.status, host).toBe(403);
    }
    const local = await rawRequest(server.port, {
      path: '/',
      headers: { ...bearer(), Host: `localhost:${server.port}` },
    });
    expect(local.status).toBe(200);
  });

  it('answers 403 to a foreign Origin, even with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', `http://localhost:${server.port}`, 'https://127.0.0.1']) {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/api/runs.list',
        headers: { ...bearer(), Origin: origin, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status, origin).toBe(403);
    }
  });

  it('serves data to the right token and signs a browser in from the URL with a strict cookie', async () => {
    const page = await rawRequest(server.port, { path: `/?token=${server.token}` });
    expect(page.status).toBe(200);
    const setCookie = String(page.headers['set-cookie']);
    expect(setCookie).toContain(`cliplab_token_${server.port}=${server.token}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);

    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/runs.list',
      headers: {
        Cookie: `cliplab_token_${server.port}=${server.token}`,
        Origin: `http://127.0.0.1:${server.port}`,
        'Content-Type': 'application/json',
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect((res.json() as RunRecord[]).map((r) => r.name)).toEqual(['first', 'second']);
  });

  it('does not take a token from the query string of a call that changes data', async () => {
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: `/api/runs.rename?token=${server.token}`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 1, name: 'renamed' }),
    });
    expect(res.status).toBe(401);
    expect((await lab.handlers['runs.get']({ id: 1 })).name).toBe('first');
  });

  it('listens on 127.0.0.1 only', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal)
      .map((i) => i!.address);
    for (const address of ['::1', ...others]) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address, port: server.port });
        socket.once('connect', () => resolve(true));
        socket.once('error', () => resolve(false));
      }).finally(() => undefined);
      expect(reached, address).toBe(false);
    }
  });
});

describe('web server API', () => {
  it('passes arguments to the dispatcher and returns its result', async () => {
    const res = await apiCall(server.port, server.token, 'runs.list', { status: ['running'] });
    expect(res.status).toBe(200);
    expect((res.json() as RunRecord[]).map((r) => r.id)).toEqual([2]);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('treats an empty body as no arguments', async () => {
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/runs.list',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toHaveLength(2);
  });

  it('answers 400 naming the bad fields', async () => {
    const res = await apiCall(server.port, server.token, 'runs.get', { id: 'seven', extra: 1 });
    expect(res.status).toBe(400);
    const body = res.json() as ApiErrorBody;
    expect(body.code).toBe('bad_request');
    expect(body.fields?.map((f) => f.path)).toEqual(expect.arrayContaining(['id']));
    expect(body.message).toContain('runs.get');
  });

  it('answers 400 to an unknown method', async () => {
    const res = await apiCall(server.port, server.token, 'runs.launchMissiles', {});
    expect(res.status).toBe(400);
    expect((res.json() as ApiErrorBody).message).toContain('runs.launchMissiles');
  });

  it('maps lab errors to fitting statuses', async () => {
    const missing = await apiCall(server.port, server.token, 'runs.get', { id: 999 });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ code: 'not_found', message: 'run 999 not found' });

    // Codes the lab's present handlers do not produce yet, through a lab whose handler throws them.
    const failing = (error: Error): LabService => ({
      ...lab,
      handlers: {
        ...lab.handlers,
        'runs.groups': () => {
          throw error;
        },
      },
    });
    for (const [error, status] of [
      [new ApiError('conflict', 'run 1 is running'), 409],
      [new ApiError('unavailable', 'busy'), 503],
      [new Error('disk on fire'), 500],
    ] as const) {
      const other = await startServer({ lab: failing(error), rendererDir: dir });
      const res = await apiCall(other.port, other.token, 'runs.groups', {});
      await other.close();
      expect(res.status, error.message).toBe(status);
      expect((res.json() as ApiErrorBody).message).toBe(error.message);
    }
  });

  it('refuses bodies that are not JSON, not declared as JSON, or too large', async () => {
    const post = (body: string, type = 'application/json') =>
      rawRequest(server.port, {
        method: 'POST',
        path: '/api/runs.list',
        headers: { ...bearer(), 'Content-Type': type },
        body,
      });
    expect((await post('{not json')).status).toBe(400);
    expect((await post('{}', 'text/plain')).status).toBe(415);
    const huge = await post(JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((huge.json() as ApiErrorBody).message).toContain('at most');
  });

  it('answers 405 to an API call that is not a POST', async () => {
    const res = await rawRequest(server.port, { path: '/api/runs.list', headers: bearer() });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });
});

/** Opens the event stream and collects its messages until `until` holds. */
function readEvents(
  until: (events: LabEvent[], raw: string) => boolean,
): Promise<{ events: LabEvent[]; raw: string; res: IncomingMessage; stop(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/events',
        headers: { ...bearer(), Host: `127.0.0.1:${server.port}` },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          raw += chunk;
          const events = raw
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => JSON.parse(line.slice(6)) as LabEvent);
          if (until(events, raw)) resolve({ events, raw, res, stop: () => req.destroy() });
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('web server event stream', () => {
  it('delivers lab events and heartbeats, and unsubscribes when the client leaves', async () => {
    const before = temp.listenerCount();
    const stream = readEvents((_events, raw) => raw.includes('retry:'));
    const opened = await stream;
    expect(opened.res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(temp.listenerCount()).toBe(before + 1);

    const got = readEvents((events) => events.some((e) => e.name === 'run.changed'));
    await new Promise((r) => setTimeout(r, 20));
    await apiCall(server.port, server.token, 'runs.rename', { id: 2, name: 'renamed live' });
    const received = await got;
    const changed = received.events.find((e) => e.name === 'run.changed');
    expect(changed?.name === 'run.changed' && changed.payload.run.name).toBe('renamed live');

    const beat = await readEvents((_events, raw) => raw.includes(': heartbeat'));
    beat.stop();
    received.stop();
    opened.stop();
    await expect.poll(() => temp.listenerCount()).toBe(before);
  });
});

describe('web server static files', () => {
  it('serves the renderer with content types, a strict CSP and cache headers', async () => {
    const page = await rawRequest(server.port, { path: '/', headers: bearer() });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    const asset = await rawRequest(server.port, { path: '/assets/index-Bq3xZ9aK.js', headers: bearer() });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('refuses paths that lead out of the renderer folder', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%00.js',
      '/.%2e/secret.txt',
    ]) {
      const res = await rawRequest(server.port, { path: p, headers: bearer() });
      expect(res.status, p).toBe(404);
      expect(res.text, p).not.toContain('do not serve me');
    }
  });

  it('answers 404 to files that do not exist and 405 to writes', async () => {
    expect((await rawRequest(server.port, { path: '/nope.js', headers: bearer() })).status).toBe(404);
    expect((await rawRequest(server.port, { path: '/assets', headers: bearer() })).status).toBe(404);
    const put = await rawRequest(server.port, { method: 'PUT', path: '/index.html', headers: bearer() });
    expect(put.status).toBe(405);
  });
});

describe('startServer options', () => {
  it('refuses weak tokens and non-loopback hosts', async () => {
    const base = { lab, rendererDir: dir };
    await expect(startServer({ ...base, token: 'short' })).rejects.toThrow(/token: expected/);
    await expect(startServer({ ...base, host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/host: expected/);
  });

  it('closes while an event stream is open', async () => {
    const other = await startServer({ lab, rendererDir: dir });
    const req = request({
      host: '127.0.0.1',
      port: other.port,
      path: `/api/events?token=${other.token}`,
      headers: { Host: `127.0.0.1:${other.port}` },
    });
    const ended = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('close', resolve);
      });
    });
    req.end();
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    await ended;
  });
});
