/**
 * OTLP/HTTP: POST <logs_url_path> (default /v1/logs) with
 * Content-Type application/x-protobuf (also application/protobuf) or
 * application/json, optionally Content-Encoding gzip or deflate.
 *
 * Responses follow the OTLP/HTTP spec: 200 with an ExportLogsServiceResponse in
 * the request's encoding; errors carry a google.rpc.Status in the request's
 * encoding (JSON when the encoding is unknown): 400 invalid, 413 too large,
 * 415 unsupported Content-Type, 404 other paths, 405 other methods, and 429/503
 * with Retry-After (seconds) when the next consumer refused with a retryable error.
 *
 * Security (config `tls`, `auth`): with tls the server is HTTPS only (with
 * client_ca_file, clients must present a certificate from those CAs). With auth,
 * every request needs `Authorization: Bearer <token>`, checked before anything
 * else (path, body): 401 with WWW-Authenticate and a google.rpc.Status (code 16,
 * UNAUTHENTICATED) otherwise, counted (see auth.ts).
 *
 * Admission (admission.ts, counted in logfun_receiver_refused_requests_total):
 *   - max_request_body_size is checked against Content-Length before any of the
 *     body is read; what is read is never buffered past the limit;
 *   - the body's bytes (its declared length, or max_request_body_size when it
 *     has none, reserved before reading; then its decompressed size too) count
 *     against the receiver's max_in_flight_bytes until the next consumer
 *     answered: a request that does not fit gets 429 with Retry-After, unread,
 *     and its connection is closed (reason max_in_flight_bytes);
 *   - max_connections: a request on a connection opened beyond it gets 503 with
 *     Retry-After and the connection is closed (reason max_connections); past
 *     twice the cap new connections are not accepted at all;
 *   - read_header_timeout / read_timeout: a client that sends its headers or its
 *     whole request too slowly gets 408 and is disconnected (reason timeout).
 */
import * as http from 'http';
import * as https from 'https';
import * as zlib from 'zlib';
import type { LogBatch } from '../../pipeline/batch';
import { httpStatusFor, isPermanent, RetryableError } from '../../pipeline/errors';
import { decodeExportRequest, decodeExportRequestJson } from '../../otlp/convert';
import { parseHostPort } from '../../otlp/endpoint';
import { encodeRpcStatus, encodeRpcStatusJson } from '../../otlp/status';
import { positiveSize, type HttpProtocolConfig } from './config';
import { errorMessage, type ReceiverIngest } from './ingest';
import type { OtlpRequestDecoder } from './receiver';
import type { ReceiverAuth } from './auth';
import { loadServerTls, secureServerOptions } from '../../security/server-tls';
import { ADMISSION_RETRY_MS, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_MAX_CONCURRENT_STREAMS, ReceiverAdmission } from './admission';
import { httpServerLimitsOf } from './config';

type Encoding = 'protobuf' | 'json';

const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** gRPC code names in Status bodies, matching the HTTP status (as otelcol does). */
const RPC_CODE_FOR_HTTP: Record<number, number> = { 400: 3, 401: 16, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };

/** Retry-After when the refusing stage gave no delay. */
const DEFAULT_RETRY_AFTER_S = 1;

/** A body this many times the limit is no longer drained for a polite 413; the connection is cut. */
const DRAIN_LIMIT_FACTOR = 4;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export class OtlpHttpServer {
  private server: http.Server | https.Server | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  port: number | undefined;
  private maxBodySize = 0;
  /** Sockets opened while max_connections were open: their requests get 503. */
  private readonly overCap = new WeakSet<object>();
  private connections = 0;
  readonly admission: ReceiverAdmission;

  constructor(
    private readonly config: HttpProtocolConfig,
    private readonly ingest: ReceiverIngest,
    /** Applies the receiver's content limits; without it the default limits apply, uncounted. */
    private readonly decoder?: OtlpRequestDecoder,
    /** Bearer-token check of every request; none = no auth. */
    private readonly auth?: ReceiverAuth,
    /** The receiver's admission limits (shared with gRPC); default: the default byte budget, uncounted. */
    admission?: ReceiverAdmission,
  ) {
    this.admission = admission ?? new ReceiverAdmission({ maxInFlightBytes: DEFAULT_MAX_IN_FLIGHT_BYTES, maxConcurrentStreams: DEFAULT_MAX_CONCURRENT_STREAMS });
  }

  async start(): Promise<number> {
    const { host, port } = parseHostPort(this.config.endpoint, 'protocols.http.endpoint');
    this.maxBodySize = positiveSize(this.config.max_request_body_size, 'protocols.http.max_request_body_size');
    const limits = httpServerLimitsOf(this.config);
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const done = this.handle(req, res).catch((err: unknown) => {
        // Only a bug gets here; answer rather than leave the sender hanging.
        if (!res.headersSent) this.respondError(res, 'json', 500, `internal error: ${errorMessage(err)}`);
        else res.destroy();
      });
      this.inFlight.add(done);
      void done.finally(() => this.inFlight.delete(done));
    };
    const tls = this.config.tls ? loadServerTls(this.config.tls, 'protocols.http.tls') : undefined;
    const timeouts: http.ServerOptions = {
      headersTimeout: limits.readHeaderTimeoutMs,
      requestTimeout: limits.readTimeoutMs,
      // Node checks both timeouts on this period (default 30 s, which would stretch a 10 s timeout to 40 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.readHeaderTimeoutMs / 4))),
    };
    const server = tls ? https.createServer({ ...secureServerOptions(tls), ...timeouts }, onRequest) : http.createServer(timeouts, onRequest);
    // Connections: past max_connections a socket is marked (its requests get 503); past twice that, not accepted.
    server.maxConnections = limits.maxConnections * 2;
    server.on(tls ? 'secureConnection' : 'connection', (socket: import('net').Socket) => {
      this.connections++;
      if (this.connections > limits.maxConnections) this.overCap.add(socket);
      socket.once('close', () => this.connections--);
    });
    server.on('drop', () => this.admission.refused('http', 'max_connections', `connection not accepted: more than twice max_connections (${limits.maxConnections}) open`));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: import('stream').Duplex) => this.onClientError(err, socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`otlp receiver: cannot listen for HTTP on ${this.config.endpoint}: ${err.message}`));
      server.once('error', onError);
      server.listen(port, host || undefined, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then cuts connections. */
  async shutdown(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
  }

  /** Node's default clientError answer (408 for a timeout, 431 for huge headers, else 400), counting timeouts. */
  private onClientError(err: NodeJS.ErrnoException, socket: import('stream').Duplex): void {
    let status = '400 Bad Request';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = '408 Request Timeout';
      this.admission.refused('http', 'timeout', 'the request (headers or body) did not arrive within read_header_timeout / read_timeout');
    } else if (err.code === 'HPE_HEADER_OVERFLOW') status = '431 Request Header Fields Too Large';
    if (socket.writable && err.code !== 'ECONNRESET') socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  /** 429/503 for an admission refusal: retryable, with Retry-After; the body is not read, so the connection closes. */
  private refuseAdmission(req: http.IncomingMessage, res: http.ServerResponse, status: 429 | 503, message: string): void {
    res.setHeader('Retry-After', String(Math.ceil(ADMISSION_RETRY_MS / 1000)));
    res.setHeader('Connection', 'close');
    this.respondError(res, requestEncoding(req.headers['content-type']) ?? 'json', status, message);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.overCap.has(req.socket)) {
      this.admission.refused('http', 'max_connections', `a request on a connection beyond max_connections`);
      this.refuseAdmission(req, res, 503, 'too many open connections to this receiver (max_connections); retry later');
      return;
    }
    if (this.auth) {
      const refusal = this.auth.check(req.headers.authorization, req.socket.remoteAddress);
      if (refusal !== undefined) {
        // The body is not read: the connection is not reused.
        res.setHeader('WWW-Authenticate', 'Bearer realm="logfun"');
        res.setHeader('Connection', 'close');
        this.respondError(res, requestEncoding(req.headers['content-type']) ?? 'json', 401, refusal);
        return;
      }
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.config.logs_url_path) {
      this.ingest.badRequest('http', 'not_found', `${req.method} ${path}`);
      this.respondError(res, 'json', 404, `${path} not found (logs are accepted at POST ${this.config.logs_url_path})`);
      return;
    }
    if (req.method !== 'POST') {
      this.ingest.badRequest('http', 'method_not_allowed', `${req.method} ${path}`);
      res.setHeader('Allow', 'POST');
      this.respondError(res, 'json', 405, `method ${req.method} not allowed, use POST`);
      return;
    }
    const encoding = requestEncoding(req.headers['content-type']);
    if (!encoding) {
      const message = `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}, use application/x-protobuf or application/json`;
      this.ingest.badRequest('http', 'unsupported_media_type', message);
      this.respondError(res, 'json', 415, message);
      return;
    }

    // Reserve the body's bytes before reading any of them (an oversized declared length is answered by readBody).
    const declared = Number(req.headers['content-length']);
    let reserved = Number.isFinite(declared) && declared >= 0 && declared <= this.maxBodySize ? declared : this.maxBodySize;
    if (!this.admission.reserve('http', reserved)) {
      this.refuseAdmission(req, res, 429, `the receiver holds its most request bytes (max_in_flight_bytes ${this.admission.limits.maxInFlightBytes}); retry later`);
      return;
    }
    try {
      await this.handleBody(req, res, encoding, (bytes) => {
        // Adjusts the reservation to `bytes`; false when a larger one does not fit.
        if (bytes > reserved && !this.admission.reserve('http', bytes - reserved)) return false;
        if (bytes < reserved) this.admission.release(reserved - bytes);
        reserved = bytes;
        return true;
      });
    } finally {
      this.admission.release(reserved);
    }
  }

  /** Reads, decodes and delivers the body; `hold(bytes)` resizes the request's in-flight reservation. */
  private async handleBody(req: http.IncomingMessage, res: http.ServerResponse, encoding: Encoding, hold: (bytes: number) => boolean): Promise<void> {
    let batch: LogBatch;
    try {
      const body = await this.readBody(req);
      hold(body.length);
      const raw = await decompress(body, req.headers['content-encoding'], this.maxBodySize);
      if (raw !== body && !hold(body.length + raw.length)) {
        this.refuseAdmission(req, res, 429, `the receiver holds its most request bytes (max_in_flight_bytes ${this.admission.limits.maxInFlightBytes}); retry later`);
        return;
      }
      try {
        const decoder = this.decoder;
        if (encoding === 'protobuf') batch = decoder ? decoder.protobuf('http', raw) : decodeExportRequest(raw);
        else batch = decoder ? decoder.json('http', raw) : decodeExportRequestJson(raw.toString('utf8'));
      } catch (err) {
        // Too many records is "too large" (413, as for max_request_body_size); all else is malformed.
        if (isPermanent(err) && err.reason === 'too_large') throw new HttpFailure(413, errorMessage(err), 'too_large');
        throw new HttpFailure(400, errorMessage(err), 'malformed');
      }
    } catch (err) {
      const failure = err instanceof HttpFailure ? err : new HttpFailure(400, errorMessage(err), 'malformed');
      this.ingest.badRequest('http', failure.reason, failure.message);
      // A body cut off mid-way leaves the connection unusable.
      if (!req.readableEnded) res.setHeader('Connection', 'close');
      this.respondError(res, encoding, failure.status, failure.message);
      return;
    }

    try {
      await this.ingest.consume('http', batch);
    } catch (err) {
      const status = httpStatusFor(err);
      if (status === 429 || status === 503) {
        const ms = err instanceof RetryableError ? err.retryAfterMs : undefined;
        res.setHeader('Retry-After', String(ms === undefined ? DEFAULT_RETRY_AFTER_S : Math.max(1, Math.ceil(ms / 1000))));
      }
      this.respondError(res, encoding, status, errorMessage(err));
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', CONTENT_TYPE[encoding]);
    // ExportLogsServiceResponse without partial_success: empty in protobuf, {} in JSON.
    res.end(encoding === 'protobuf' ? Buffer.alloc(0) : '{}');
  }

  /**
   * Reads the body up to max_request_body_size. Beyond it the rest is drained (so
   * the sender reads the 413 instead of a reset) up to a hard cap, then cut; a
   * Content-Length beyond that cap is answered at once, before any body is read.
   */
  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    const limit = this.maxBodySize;
    const declared = Number(req.headers['content-length']);
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = Number.isFinite(declared) && declared > limit;
      const fail = () => reject(new HttpFailure(413, `request body larger than max_request_body_size (${limit} bytes)`, 'too_large'));
      // Declared far beyond what would be drained: answer now, read nothing (the connection is closed after the 413).
      if (Number.isFinite(declared) && declared > limit * DRAIN_LIMIT_FACTOR) {
        req.pause();
        fail();
        return;
      }
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) tooLarge = true;
        if (!tooLarge) chunks.push(chunk);
        else if (size > limit * DRAIN_LIMIT_FACTOR) {
          req.removeAllListeners('data');
          req.removeAllListeners('end');
          req.pause();
          fail();
        }
      });
      req.on('end', () => (tooLarge ? fail() : resolve(Buffer.concat(chunks, size))));
      req.on('error', (err) => reject(new HttpFailure(400, `error reading request body: ${err.message}`, 'read_error')));
    });
  }

  private respondError(res: http.ServerResponse, encoding: Encoding, status: number, message: string): void {
    if (res.headersSent) return;
    const code = RPC_CODE_FOR_HTTP[status] ?? 2;
    res.statusCode = status;
    res.setHeader('Content-Type', CONTENT_TYPE[encoding]);
    res.end(encoding === 'protobuf' ? Buffer.from(encodeRpcStatus({ code, message })) : encodeRpcStatusJson({ code, message }));
  }
}

function requestEncoding(contentType: string | undefined): Encoding | undefined {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

/** Decodes Content-Encoding; the decompressed size is bounded by the same limit as the body. */
async function decompress(body: Buffer, contentEncoding: string | undefined, limit: number): Promise<Buffer> {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  let inflate: (buf: Buffer, opts: zlib.ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void;
  if (enc === 'gzip' || enc === 'x-gzip') inflate = zlib.gunzip;
  else if (enc === 'deflate') inflate = zlib.inflate;
  else throw new HttpFailure(400, `unsupported Content-Encoding "${contentEncoding}" (use gzip, deflate or none)`, 'unsupported_encoding');
  return new Promise<Buffer>((resolve, reject) => {
    inflate(body, { maxOutputLength: limit }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        reject(new HttpFailure(413, `request body decompresses to more than max_request_body_size (${limit} bytes)`, 'too_large'));
      } else reject(new HttpFailure(400, `cannot decompress ${enc} request body: ${err.message}`, 'bad_compression'));
    });
  });
}
