/** `GET /api/events`: the lab's events as a Server-Sent Events stream, one JSON `LabEvent` per message. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiJson, type LabEvent } from '../contract';
import type { Lab } from '../lab/types';
import { SECURITY_HEADERS } from './http';

/** A client that stops reading is cut off once this much is queued; EventSource reconnects and resyncs. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function formatEvent(event: LabEvent): string {
  // In the API's JSON, so ±Infinity survives; it never emits raw newlines, so one `data:` line per
  // event is always well formed.
  return `data: ${apiJson(event)}\n\n`;
}

/** Opens a stream on `res`; returns a function that ends it (used when the server shuts down). */
export function openEventStream(req: IncomingMessage, res: ServerResponse, lab: Lab, heartbeatMs: number): () => void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Reverse proxies (nginx) would otherwise hold events back.
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n\n');

  let open = true;
  const send = (chunk: string) => {
    if (!open) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      end();
      return;
    }
    res.write(chunk);
  };
  const unsubscribe = lab.subscribe((event) => send(formatEvent(event)));
  // Comments keep idle connections (and any proxy in between) from timing out.
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref();

  function end(): void {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  }
  req.on('close', end);
  res.on('close', end);
  return end;
}
