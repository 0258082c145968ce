/**
 * An auth proxy in front of a local Ray dashboard, as clusters behind one are reached: every request
 * and WebSocket upgrade must carry `Authorization: Bearer TOKEN` or is answered 401; the rest passes
 * through to the dashboard unchanged. It counts what it let through and what it refused, so a test
 * can tell that cliplab sent the header on every call, the log tail included.
 */
import http from 'node:http';
import net from 'node:net';
import { freePorts } from './ray-head';

export interface AuthProxy {
  port: number;
  /** Requests and upgrades let through / refused so far. */
  counts(): { passed: number; refused: number };
  close(): Promise<void>;
}

export async function startAuthProxy(targetPort: number, token: string): Promise<AuthProxy> {
  const [port] = await freePorts(1);
  const expected = `Bearer ${token}`;
  const counts = { passed: 0, refused: 0 };
  const upgraded = new Set<net.Socket>();
  const allowed = (req: http.IncomingMessage) => {
    const ok = req.headers.authorization === expected;
    counts[ok ? 'passed' : 'refused']++;
    return ok;
  };

  const server = http.createServer((req, res) => {
    if (!allowed(req)) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized: a bearer token is required');
      return;
    }
    const options = { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers };
    const upstream = http.request(options, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  // The log tail's WebSocket: the request head is replayed to the dashboard, then bytes flow both ways.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (!allowed(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    for (const s of [socket, upstream]) {
      upgraded.add(s);
      s.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
      s.on('close', () => upgraded.delete(s));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of upgraded) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
