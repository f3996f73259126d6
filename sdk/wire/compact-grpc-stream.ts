/**
 * One gRPC bidirectional-streaming call over Node's http2, for the compact
 * protocol's long-lived stream.
 *
 * Why not @grpc/grpc-js here: grpc-js refs the connection while any call is
 * active, so an always-open stream would keep every logging process alive after
 * its work is done (and `beforeExit` would never fire). This client unrefs its
 * session: the stream never holds the event loop open; the pipeline refs its
 * own timers while a flush at exit is running.
 *
 * Each stream has its own HTTP/2 session (one connection), so a reconnect never
 * reuses a connection a restarted server has forgotten. gRPC framing: 5-byte
 * prefix (compressed flag, big-endian length); `grpc-encoding: gzip` compresses
 * messages that get smaller; the final status comes from trailers (or a
 * trailers-only response, or the HTTP status as the gRPC spec maps it).
 */
import * as http2 from 'http2';
import * as net from 'net';
import * as zlib from 'zlib';
import { status as GrpcStatus } from '@grpc/grpc-js';

export interface GrpcStreamStatus {
  code: number;
  details: string;
}

export interface GrpcStreamHandlers {
  onMessage(message: Buffer): void;
  /** Called once, when the call ended for any reason. */
  onClose(status: GrpcStreamStatus): void;
}

export interface GrpcStreamOptions {
  /** host:port, [v6]:port, or unix:/path (parseGrpcEndpoint's target). */
  target: string;
  secure: boolean;
  /**
   * With `secure`: a CA to trust instead of the system roots, a client certificate
   * and key (mutual TLS), the name the server certificate must carry.
   */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; servername?: string };
  /** /package.Service/Method */
  path: string;
  /** Request metadata (lower-case keys). */
  metadata?: Record<string, string>;
  compression?: 'gzip' | 'none';
  /** Abandon a connection attempt after this long. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * HTTP/2 ping interval while open; a ping unanswered for as long closes the stream
   * (finds connections that died without a FIN/RST). Default 60000.
   */
  keepaliveMs?: number;
  userAgent?: string;
  /** Largest message accepted from the server. Default 16 MiB. */
  maxReceiveBytes?: number;
}

/** gRPC code for an HTTP status without grpc-status (gRPC spec, http-grpc-status-mapping). */
function codeForHttpStatus(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

function decodeGrpcMessage(v: unknown): string {
  if (typeof v !== 'string') return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

const COMPRESS_MIN_BYTES = 64;

export class GrpcClientStream {
  private readonly session: http2.ClientHttp2Session;
  private readonly request: http2.ClientHttp2Stream;
  private status: GrpcStreamStatus | undefined;
  private lastError: Error | undefined;
  private closed = false;
  private connected = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private responseEncoding = 'identity';
  private readonly gzip: boolean;
  private readonly maxReceiveBytes: number;
  /** Bytes handed to the connection (after compression, with framing). */
  bytesSent = 0;

  constructor(
    options: GrpcStreamOptions,
    private readonly handlers: GrpcStreamHandlers,
  ) {
    this.gzip = options.compression === 'gzip';
    this.maxReceiveBytes = options.maxReceiveBytes ?? 16 * 1024 * 1024;
    const target = options.target;
    let authority: string;
    const connectOptions: http2.SecureClientSessionOptions = {};
    if (target.startsWith('unix:')) {
      const socketPath = target.replace(/^unix:(\/\/)?/, '');
      authority = 'http://localhost';
      connectOptions.createConnection = () => net.connect(socketPath);
    } else {
      authority = `${options.secure ? 'https' : 'http'}://${target}`;
      const tls = options.secure ? options.tls : undefined;
      if (tls?.ca !== undefined) connectOptions.ca = tls.ca;
      if (tls?.cert !== undefined) connectOptions.cert = tls.cert;
      if (tls?.key !== undefined) connectOptions.key = tls.key;
      if (tls?.servername !== undefined) connectOptions.servername = tls.servername;
    }
    this.session = http2.connect(authority, connectOptions);
    // Never keep the process alive for the stream (see the module comment).
    this.session.unref();
    this.session.on('error', (err) => (this.lastError = err));
    this.session.on('close', () => this.finish());
    this.session.once('connect', () => {
      this.connected = true;
      this.session.unref();
    });
    const connectTimer = setTimeout(() => {
      if (!this.connected) this.fail(`could not connect to ${target} within ${options.connectTimeoutMs ?? 5000} ms`);
    }, options.connectTimeoutMs ?? 5000);
    connectTimer.unref();
    this.timers.push(connectTimer);
    const keepaliveMs = options.keepaliveMs ?? 60_000;
    if (keepaliveMs > 0) {
      const ping = setInterval(() => this.ping(keepaliveMs), keepaliveMs);
      ping.unref();
      this.timers.push(ping);
    }

    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': options.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-accept-encoding': 'identity,gzip,deflate',
      ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
      ...(this.gzip ? { 'grpc-encoding': 'gzip' } : {}),
      ...(options.metadata ?? {}),
    };
    this.request = this.session.request(headers, { endStream: false });
    this.request.on('response', (h) => this.onHeaders(h, true));
    this.request.on('trailers', (h) => this.onHeaders(h, false));
    this.request.on('data', (chunk: Buffer) => this.onData(chunk));
    this.request.on('error', (err) => (this.lastError = err));
    // The server's status ends the call even though our side is still open (HTTP/2
    // would keep the stream half-closed until we end it too).
    this.request.on('end', () => setImmediate(() => this.finish()));
    this.request.on('close', () => this.finish());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one message (framed; gzip-compressed when configured and smaller). */
  send(message: Buffer): void {
    if (this.closed) return;
    let payload = message;
    let flag = 0;
    if (this.gzip && message.length >= COMPRESS_MIN_BYTES) {
      const compressed = zlib.gzipSync(message);
      if (compressed.length < message.length) {
        payload = compressed;
        flag = 1;
      }
    }
    const frame = Buffer.allocUnsafe(5 + payload.length);
    frame[0] = flag;
    frame.writeUInt32BE(payload.length, 1);
    payload.copy(frame, 5);
    this.bytesSent += frame.length;
    this.request.write(frame);
  }

  /** Half-closes: no more messages; the server ends the call. */
  end(): void {
    if (!this.closed && !this.request.writableEnded) this.request.end();
  }

  /** Cancels the call and drops the connection. */
  close(details = 'cancelled by the client'): void {
    if (this.closed) return;
    this.status ??= { code: GrpcStatus.CANCELLED, details };
    this.fail(details);
  }

  private fail(details: string): void {
    this.lastError ??= new Error(details);
    if (!this.request.destroyed) this.request.close(http2.constants.NGHTTP2_CANCEL);
    this.session.destroy();
    this.finish();
  }

  private ping(timeoutMs: number): void {
    if (this.closed || !this.connected) return;
    let answered = false;
    const timer = setTimeout(() => {
      if (!answered) this.fail(`no answer to an HTTP/2 ping within ${timeoutMs} ms`);
    }, timeoutMs);
    timer.unref();
    try {
      this.session.ping((err) => {
        answered = true;
        clearTimeout(timer);
        if (err && !this.closed) this.fail(`HTTP/2 ping failed: ${err.message}`);
      });
    } catch {
      clearTimeout(timer);
    }
  }

  private onHeaders(h: http2.IncomingHttpHeaders, initial: boolean): void {
    if (initial) {
      const httpStatus = Number(h[':status']);
      const encoding = h['grpc-encoding'];
      if (typeof encoding === 'string') this.responseEncoding = encoding;
      if (httpStatus !== 200 && h['grpc-status'] === undefined) {
        this.status = { code: codeForHttpStatus(httpStatus), details: `HTTP status ${httpStatus}` };
        return;
      }
    }
    if (h['grpc-status'] !== undefined) {
      this.status = { code: Number(h['grpc-status']), details: decodeGrpcMessage(h['grpc-message']) };
      // Trailers(-only): the call is over.
      setImmediate(() => this.finish());
    }
  }

  private onData(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= 5) {
      const head = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [head];
      const length = head.readUInt32BE(1);
      if (length > this.maxReceiveBytes) {
        this.status = { code: GrpcStatus.RESOURCE_EXHAUSTED, details: `server message of ${length} bytes exceeds ${this.maxReceiveBytes}` };
        this.fail(this.status.details);
        return;
      }
      if (this.pendingBytes < 5 + length) return;
      const compressed = head[0] & 1;
      let message = head.subarray(5, 5 + length);
      const rest = head.subarray(5 + length);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
      if (compressed) {
        try {
          message = this.responseEncoding === 'deflate' ? zlib.inflateSync(message) : zlib.gunzipSync(message);
        } catch (err) {
          this.status = { code: GrpcStatus.INTERNAL, details: `cannot decompress a server message: ${(err as Error).message}` };
          this.fail(this.status.details);
          return;
        }
      }
      if (this.closed) return;
      this.handlers.onMessage(Buffer.from(message));
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (!this.request.destroyed) this.request.close(http2.constants.NGHTTP2_NO_ERROR);
    if (!this.session.destroyed) this.session.destroy();
    const status = this.status ?? {
      code: GrpcStatus.UNAVAILABLE,
      details: this.lastError ? this.lastError.message : `stream closed (HTTP/2 code ${this.request.rstCode ?? 'none'})`,
    };
    this.handlers.onClose(status);
  }
}
