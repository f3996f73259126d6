/**
 * OTLP/gRPC transport: LogsService/Export to any OpenTelemetry collector,
 * through a generic @grpc/grpc-js client (makeUnaryRequest with the
 * protobufjs types of protocol/protos.ts; no generated stubs).
 *
 * Endpoint: `host:port` (plaintext unless `tls`), `http://host:port`
 * (plaintext), `https://host:port` (TLS), or `unix:/path`. Port 4317 by default.
 * `tls` may carry a CA to trust instead of the system roots, a client certificate
 * and key (mutual TLS) and the name to check the server certificate against;
 * `token` is sent as `authorization: Bearer <token>` with every call.
 *
 * Status mapping (OTLP spec): CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED,
 * ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS are retryable (the pipeline
 * keeps the batch and retries with backoff); every other status is permanent
 * (the batch is dropped and counted). RESOURCE_EXHAUSTED for the message size
 * ("larger than max") is not load: the pipeline splits the batch instead of
 * retrying it unchanged. UNAUTHENTICATED and PERMISSION_DENIED are retried too
 * (with the pipeline's backoff): a token is fixed on the collector side without
 * restarting the service, and records are lost only by the buffer's bounds.
 * grpc-js reconnects the channel by itself;
 * its reconnect backoff is capped low so recovery follows the receiver closely.
 */
import * as grpc from '@grpc/grpc-js';
import { LOGS_SERVICE_EXPORT_PATH, OTLP, longToBigInt } from '../../protocol/protos';
import { encodeExportLogsRequest } from '../wire/otlp-encode';
import { ExportError, type ExportBatch, type ExportResult, type Transport } from '../transport';

export interface OtlpGrpcTransportOptions {
  /** Default 'localhost:4317'. */
  endpoint?: string;
  /** Request compression. Default 'none' (a sidecar on localhost gains nothing from gzip). */
  compression?: 'gzip' | 'none';
  /** Metadata sent with every export (e.g. authorization). */
  headers?: Record<string, string>;
  /**
   * TLS for a bare host:port endpoint (http:// / https:// decide by themselves). Default false.
   * An object turns TLS on with these settings.
   */
  tls?: boolean | TlsClientOptions;
  /** Bearer token, sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Deadline of one Export call. Default 10 s. */
  exportTimeoutMs?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: grpc.ChannelOptions;
}

/** Client TLS settings (PEM strings or Buffers). */
export interface TlsClientOptions {
  /** CA certificate(s) to trust instead of the system roots. */
  ca?: string | Buffer;
  /** Client certificate chain (mutual TLS), with `key`. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name the server certificate must carry (default: the endpoint's host). */
  servername?: string;
}

/** The TLS settings object of a `tls` option (undefined for false/true/absent). */
export function tlsClientOptionsOf(tls: boolean | TlsClientOptions | undefined): TlsClientOptions | undefined {
  return typeof tls === 'object' && tls !== null ? tls : undefined;
}

/** Metadata of `headers` plus `token` (lower-case keys; the token wins over an authorization header). */
export function requestMetadataOf(headers: Record<string, string> | undefined, token: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  if (token !== undefined && token !== '') out.authorization = `Bearer ${token}`;
  return out;
}

/** Checks `tls` and `token` options; throws naming the bad one. */
export function checkSecurityOptions(tls: unknown, token: unknown): void {
  if (token !== undefined && (typeof token !== 'string' || /[\r\n]/.test(token))) throw new Error('logfun: token must be a string without line breaks');
  if (tls === undefined || typeof tls === 'boolean') return;
  if (typeof tls !== 'object' || tls === null) throw new Error(`logfun: tls must be true, false or an object {ca, cert, key, servername} (got ${JSON.stringify(tls)})`);
  const t = tls as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!['ca', 'cert', 'key', 'servername'].includes(key)) throw new Error(`logfun: tls.${key} is not an option (valid: ca, cert, key, servername)`);
    const v = t[key];
    if (v !== undefined && typeof v !== 'string' && !Buffer.isBuffer(v)) throw new Error(`logfun: tls.${key} must be a string or a Buffer`);
  }
  if ((t.cert === undefined) !== (t.key === undefined)) throw new Error('logfun: tls.cert and tls.key must be given together');
}

function pem(v: string | Buffer | undefined): Buffer | null {
  return v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v);
}

const RETRYABLE = new Set<number>([
  grpc.status.CANCELLED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.ABORTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.UNAVAILABLE,
  grpc.status.DATA_LOSS,
  grpc.status.UNAUTHENTICATED,
  grpc.status.PERMISSION_DENIED,
]);

/** RESOURCE_EXHAUSTED because of the message size (grpc-js, grpc-go, otelcol wording), not load: retrying cannot help. */
const TOO_LARGE = /larger than max|message too large|too large|exceeds (the )?max/i;

/** Target and whether to use TLS for an endpoint string. */
export function parseGrpcEndpoint(endpoint: string, tls: boolean | TlsClientOptions = false): { target: string; secure: boolean } {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith('unix:')) return { target: trimmed, secure: false };
  let secure = tls !== false && tls !== undefined && tls !== null;
  let rest = trimmed;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name === 'https' || name === 'grpcs') secure = true;
    else if (name === 'http' || name === 'grpc') secure = false;
    else throw new Error(`logfun: unsupported endpoint scheme ${JSON.stringify(scheme[1])} in ${JSON.stringify(endpoint)}`);
    rest = trimmed.slice(scheme[0].length);
  }
  rest = rest.replace(/\/.*$/, '');
  if (rest === '') throw new Error(`logfun: endpoint ${JSON.stringify(endpoint)} has no host`);
  const hasPort = rest.startsWith('[') ? /\]:\d+$/.test(rest) : /:\d+$/.test(rest);
  return { target: hasPort ? rest : `${rest}:4317`, secure };
}

export class OtlpGrpcTransport implements Transport {
  readonly name = 'otlp';
  readonly endpoint: string;
  private readonly client: grpc.Client;
  private readonly metadata: grpc.Metadata;
  private readonly exportTimeoutMs: number;
  private closed = false;
  /** Calls waiting for their answer (cancelled by shutdown). */
  private readonly inFlight = new Set<grpc.ClientUnaryCall>();

  constructor(options: OtlpGrpcTransportOptions = {}) {
    checkSecurityOptions(options.tls, options.token);
    const { target, secure } = parseGrpcEndpoint(options.endpoint ?? 'localhost:4317', options.tls);
    this.endpoint = target;
    const tls = tlsClientOptionsOf(options.tls);
    const credentials = secure ? grpc.credentials.createSsl(pem(tls?.ca), pem(tls?.key), pem(tls?.cert)) : grpc.credentials.createInsecure();
    const channelOptions: grpc.ChannelOptions = {
      ...(secure && tls?.servername ? { 'grpc.ssl_target_name_override': tls.servername, 'grpc.default_authority': tls.servername } : {}),
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
      'grpc.max_send_message_length': -1,
      ...(options.compression === 'gzip' ? { 'grpc.default_compression_algorithm': 2 /* gzip */ } : {}),
      ...(options.channelOptions ?? {}),
    };
    this.client = new grpc.Client(target, credentials, channelOptions);
    this.metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(requestMetadataOf(options.headers, options.token))) this.metadata.set(k, v);
    this.exportTimeoutMs = options.exportTimeoutMs ?? 10_000;
  }

  export(batch: ExportBatch): Promise<ExportResult> {
    if (this.closed) return Promise.reject(new ExportError('OTLP transport is shut down', false, 'CANCELLED'));
    // Encoded once per batch: a retry resends the same bytes.
    let bytes = batch.encoded as Buffer | undefined;
    if (bytes === undefined) {
      const encoded = encodeExportLogsRequest(batch);
      bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
      batch.encoded = bytes;
    }
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest<Buffer, Record<string, unknown>>(
        LOGS_SERVICE_EXPORT_PATH,
        (request) => request,
        (response) => OTLP.ExportLogsServiceResponse.toObject(OTLP.ExportLogsServiceResponse.decode(response)),
        bytes!,
        this.metadata,
        { deadline: Date.now() + this.exportTimeoutMs },
        (err, response) => {
          this.inFlight.delete(call);
          if (err) {
            const code = err.code ?? grpc.status.UNKNOWN;
            const details = err.details || err.message;
            const tooLarge = code === grpc.status.RESOURCE_EXHAUSTED && TOO_LARGE.test(details);
            reject(new ExportError(`${grpc.status[code] ?? code}: ${details}`, RETRYABLE.has(code), String(grpc.status[code] ?? code), undefined, tooLarge));
            return;
          }
          const partial = response?.partialSuccess as { rejectedLogRecords?: unknown; errorMessage?: string } | undefined;
          const rejected = partial ? Number(longToBigInt(partial.rejectedLogRecords, false)) : 0;
          resolve({ rejected, message: partial?.errorMessage || undefined });
        },
      );
      this.inFlight.add(call);
    });
  }

  /**
   * Closes the channel. The pipeline calls this after its last export: a call still in
   * flight belongs to a batch it already gave up on (counted as dropped), so it is
   * cancelled; a call to a receiver that stopped answering would otherwise hold the
   * channel, and the process, until its deadline (exportTimeoutMs).
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.inFlight) call.cancel();
    this.inFlight.clear();
    this.client.close();
  }
}
