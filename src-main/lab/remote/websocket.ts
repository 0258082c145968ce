/**
 * The little of WebSocket (RFC 6455) that following a Ray job's log needs: open a connection, read
 * the server's text messages as they come, answer pings, and close. Ray's dashboard streams a job's
 * log over `GET /api/jobs/{id}/logs/tail` this way (the whole log first, then new lines; the server
 * closes once the job has ended and its log is read to the end).
 *
 * Written against node:http rather than a dependency: the client side of the protocol is small
 * (masked frames out, unmasked frames in), and Node 20 has no WebSocket without a flag.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
/** A frame larger than this is refused (Ray sends chunks of about 20 kB). */
const MAX_FRAME = 64 * 1024 * 1024;

export interface WebSocketOptions {
  headers: Record<string, string>;
  /** How long the opening handshake may take. */
  timeoutMs: number;
  /** Each text or binary message's payload, in order. */
  onMessage(data: Buffer): void;
}

export interface WebSocketSession {
  /** Settles when the connection has closed: resolves on a clean close, rejects on a failure. */
  readonly closed: Promise<void>;
  close(): void;
}

/** Why a WebSocket failed: `handshake` (HTTP refused the upgrade) or `protocol` (broken frames, reset). */
export class WebSocketError extends Error {
  constructor(
    readonly kind: 'handshake' | 'protocol' | 'network' | 'timeout',
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WebSocketError';
  }
}

/** One frame from the client: FIN set, masked as RFC 6455 section 5.3 requires of clients. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const long = payload.length > 125;
  const head = Buffer.alloc(long ? 4 : 2);
  head[0] = 0x80 | opcode;
  head[1] = 0x80 | (long ? 126 : payload.length); // control payloads are <= 125 bytes; 126 covers the rest
  if (long) head.writeUInt16BE(payload.length, 2);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([head, mask, body]);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took in the buffer. */
  size: number;
}

/** The first complete frame in `buf`, or null while it is still arriving. */
function readFrame(buf: Buffer): Frame | null {
  if (buf.length < 2) return null;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(MAX_FRAME)) throw new WebSocketError('protocol', `a frame of ${big} bytes is too large`);
    length = Number(big);
    offset = 10;
  }
  if (length > MAX_FRAME) throw new WebSocketError('protocol', `a frame of ${length} bytes is too large`);
  const maskBytes = masked ? 4 : 0;
  if (buf.length < offset + maskBytes + length) return null;
  let payload = buf.subarray(offset + maskBytes, offset + maskBytes + length);
  if (masked) {
    const mask = buf.subarray(offset, offset + 4);
    payload = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  }
  return { fin, opcode, payload, size: offset + maskBytes + length };
}

/** Reads frames off the socket, reassembling fragmented messages and answering control frames. */
class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private message: Buffer[] = [];
  closing = false;

  constructor(
    private readonly socket: Duplex,
    private readonly onMessage: (data: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (let frame = readFrame(this.pending); frame; frame = readFrame(this.pending)) {
      this.pending = this.pending.subarray(frame.size);
      this.handle(frame);
    }
  }

  private handle(frame: Frame): void {
    if (frame.opcode === OP.ping) this.socket.write(clientFrame(OP.pong, frame.payload));
    else if (frame.opcode === OP.close) {
      if (!this.closing) this.socket.write(clientFrame(OP.close, frame.payload.subarray(0, 2)));
      this.closing = true;
      this.socket.end();
    } else if ([OP.text, OP.binary, OP.continuation].includes(frame.opcode as 0 | 1 | 2)) {
      this.message.push(frame.payload);
      if (frame.fin) this.onMessage(Buffer.concat(this.message.splice(0)));
    } else if (frame.opcode !== OP.pong) {
      throw new WebSocketError('protocol', `unexpected frame type ${frame.opcode}`);
    }
  }
}

function upgradeRequest(url: URL, opts: WebSocketOptions, key: string): http.ClientRequest {
  const client = url.protocol === 'wss:' ? https : http;
  return client.request({
    protocol: url.protocol === 'wss:' ? 'https:' : 'http:',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: {
      ...opts.headers,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': key,
    },
    timeout: opts.timeoutMs,
  });
}

/** Opens a WebSocket to a `ws://` or `wss://` URL. The promise settles once the handshake is done. */
export function openWebSocket(url: URL, opts: WebSocketOptions): Promise<WebSocketSession> {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const req = upgradeRequest(url, opts, key);
    req.on('timeout', () => req.destroy(new WebSocketError('timeout', `no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(err instanceof WebSocketError ? err : new WebSocketError('network', err.message, undefined, err.code)),
    );
    req.on('response', (res) => {
      res.resume();
      reject(new WebSocketError('handshake', `HTTP ${res.statusCode} instead of a WebSocket`, res.statusCode));
    });
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== accept) {
        socket.destroy();
        reject(new WebSocketError('handshake', 'the server answered the upgrade with a wrong key'));
        return;
      }
      resolve(session(socket, head, opts));
    });
    req.end();
  });
}

function session(socket: Duplex, head: Buffer, opts: WebSocketOptions): WebSocketSession {
  (socket as Socket).setTimeout(0); // the handshake's timeout must not cut a quiet log
  (socket as Socket).setKeepAlive(true, 30_000);
  const reader = new FrameReader(socket, opts.onMessage);
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    socket.on('error', (err) =>
      reject(err instanceof WebSocketError ? err : new WebSocketError('network', err.message)),
    );
    socket.on('close', () =>
      reader.closing ? resolve() : reject(new WebSocketError('network', 'the connection was cut')),
    );
  });
  if (head.length > 0) {
    try {
      reader.push(head);
    } catch (err) {
      socket.destroy(err as Error);
    }
  }
  return {
    closed,
    close() {
      if (!reader.closing) {
        reader.closing = true;
        socket.write(clientFrame(OP.close, Buffer.from([0x03, 0xe8]))); // 1000: normal closure
      }
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    },
  };
}
