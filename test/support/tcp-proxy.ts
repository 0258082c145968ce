/**
 * A TCP relay to a local port that a test can cut and restore: the stand-in for the SSH tunnel a
 * user reaches a cluster's dashboard through, so a test can take the cluster "offline" while the
 * real Ray head behind it keeps running.
 */
import net from 'node:net';
import { freePorts } from './ray-head';

export interface TcpProxy {
  port: number;
  /** Drops every connection and stops listening (connections are refused until restore). */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const [port] = await freePorts(1);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => sock.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  const stop = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise((resolve) => s.close(resolve));
  };
  await listen();
  return { port, cut: stop, restore: listen, close: stop };
}
