/**
 * OTLP/gRPC: serves opentelemetry.proto.collector.logs.v1.LogsService/Export.
 *
 * The service definition is hand-made with identity (de)serializers so the
 * handler decodes the request itself: a malformed message becomes
 * INVALID_ARGUMENT (grpc-js would answer INTERNAL for a throwing deserializer).
 * grpc-js handles `grpc-encoding: gzip|deflate` and enforces max_recv_msg_size
 * (RESOURCE_EXHAUSTED, also for messages that only decompress too large).
 *
 * Status mapping: downstream PermanentError -> INVALID_ARGUMENT (RESOURCE_EXHAUSTED
 * for too_large); RetryableError and unknown errors -> UNAVAILABLE (RESOURCE_EXHAUSTED
 * for reason "exhausted"), with a google.rpc.RetryInfo detail carrying the delay
 * when one is known (always for RESOURCE_EXHAUSTED: OTLP clients retry it only then).
 *
 * Security (config `tls`, `auth`): with tls the port speaks only TLS (with
 * client_ca_file, only to clients with a certificate from those CAs). With auth,
 * an interceptor checks `authorization: Bearer <token>` in the call metadata of
 * every method (Export and the compact stream) before any handler runs; a call
 * without it gets UNAUTHENTICATED and is counted (see auth.ts).
 *
 * Admission (admission.ts): past the token check, a call beyond
 * max_concurrent_streams (all connections together) ends with RESOURCE_EXHAUSTED
 * and a RetryInfo delay before any handler runs; an Export message that does not
 * fit the receiver's in-flight byte budget is refused the same way without being
 * decoded. Compact streams account their messages themselves (logfun-ingest.ts).
 */
import * as grpc from '@grpc/grpc-js';
import { constants as http2Constants, type Http2Stream, type SecureServerOptions } from 'http2';
import type { SecureContextOptions } from 'tls';
import { LOGS_SERVICE_EXPORT_PATH } from '../../../protocol/protos';
import type { LogBatch } from '../../pipeline/batch';
import { GrpcCode, grpcStatusFor, isPermanent, RetryableError } from '../../pipeline/errors';
import { decodeExportRequest } from '../../otlp/convert';
import type { OtlpRequestDecoder } from './receiver';
import { formatHostPort, parseHostPort } from '../../otlp/endpoint';
import { encodeRpcStatus, GRPC_STATUS_DETAILS_KEY } from '../../otlp/status';
import { grpcReadTimeoutMs, positiveSize, type GrpcProtocolConfig } from './config';
import { errorMessage, type ReceiverIngest } from './ingest';
import type { LogfunIngestService } from './logfun-ingest';
import type { ReceiverAuth } from './auth';
import { loadServerTls, type ServerTlsMaterial } from '../../security/server-tls';
import { ADMISSION_RETRY_MS, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_IN_FLIGHT_BYTES, ReceiverAdmission } from './admission';

const identity = (b: Buffer): Buffer => b;
/** ExportLogsServiceResponse with no partial_success: the empty message. */
const EMPTY_RESPONSE = Buffer.alloc(0);
/** Delay suggested with RESOURCE_EXHAUSTED when the refusing stage gave none. */
const DEFAULT_EXHAUSTED_RETRY_MS = 1000;

export const LOGS_SERVICE_DEFINITION: grpc.ServiceDefinition = {
  Export: {
    path: LOGS_SERVICE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** Statuses grpc-js itself sends before our handler runs, as bad-request reasons. */
function transportRejectionReason(code: number): string | undefined {
  switch (code) {
    case grpc.status.RESOURCE_EXHAUSTED:
      return 'too_large';
    case grpc.status.UNIMPLEMENTED:
      return 'unsupported_encoding';
    case grpc.status.INTERNAL:
      return 'bad_compression';
    default:
      return undefined;
  }
}

export class OtlpGrpcServer {
  private server: grpc.Server | undefined;
  /** The bound port (the real one when the endpoint asked for port 0). */
  port: number | undefined;

  constructor(
    private readonly config: GrpcProtocolConfig,
    private readonly ingest: ReceiverIngest,
    /** The compact protocol (logfun.v1.Ingest), served on the same port when given. */
    private readonly compact?: LogfunIngestService,
    /** Applies the receiver's content limits; without it the default limits apply, uncounted. */
    private readonly decoder?: OtlpRequestDecoder,
    /** Bearer-token check of every call; none = no auth. */
    private readonly auth?: ReceiverAuth,
    /** The receiver's admission limits (shared with HTTP); default: this config's max_concurrent_streams and the default byte budget, uncounted. */
    admission?: ReceiverAdmission,
  ) {
    this.admission =
      admission ??
      new ReceiverAdmission({ maxInFlightBytes: DEFAULT_MAX_IN_FLIGHT_BYTES, maxConcurrentStreams: config.max_concurrent_streams ?? DEFAULT_MAX_CONCURRENT_STREAMS });
    if (compact) compact.admission ??= this.admission;
  }

  readonly admission: ReceiverAdmission;

  async start(): Promise<number> {
    const { host, port } = parseHostPort(this.config.endpoint, 'protocols.grpc.endpoint');
    const maxRecv = positiveSize(this.config.max_recv_msg_size, 'protocols.grpc.max_recv_msg_size');
    const credentials = this.config.tls ? new TlsServerCredentials(loadServerTls(this.config.tls, 'protocols.grpc.tls')) : grpc.ServerCredentials.createInsecure();
    // The first interceptor is the innermost (grpc-js wraps them in order around its base call):
    // countTransportRejections must see the base call's own statuses, and the token is checked
    // before a call takes a max_concurrent_streams slot.
    // limitReadTime is outermost: the status it sends on a slow call passes admitCall, which gives the slot back.
    this.readTimeoutMs = grpcReadTimeoutMs(this.config);
    const interceptors = this.auth
      ? [this.countTransportRejections, this.checkBearerToken, this.admitCall, this.limitReadTime]
      : [this.countTransportRejections, this.admitCall, this.limitReadTime];
    const server = new grpc.Server({
      'grpc.max_receive_message_length': maxRecv,
      interceptors,
    });
    server.addService(LOGS_SERVICE_DEFINITION, { Export: this.handleExport });
    if (this.compact) server.addService(this.compact.definition, { Stream: this.compact.handler });
    const target = formatHostPort(host || '0.0.0.0', port);
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(target, credentials, (err, bound) => {
        if (err) reject(new Error(`otlp receiver: cannot listen for gRPC on ${target}: ${err.message}`));
        else resolve(bound);
      });
    });
    this.server = server;
    return this.port;
  }

  /** Stops accepting calls, lets in-flight ones finish for up to `graceMs`, then cancels them. */
  async shutdown(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Compact streams never end by themselves: finish their batches, then end them.
    const deadline = Date.now() + graceMs;
    await this.compact?.drain(graceMs);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, Math.max(0, deadline - Date.now()));
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private readonly handleExport: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    const bytes = call.request.length;
    if (!this.admission.reserve('grpc', bytes)) {
      callback(exhausted(`the receiver holds its most request bytes (max_in_flight_bytes ${this.admission.limits.maxInFlightBytes}); retry later`));
      return;
    }
    let released = false;
    const release = () => {
      if (!released) this.admission.release(bytes);
      released = true;
    };
    let batch: LogBatch;
    try {
      batch = this.decoder ? this.decoder.protobuf('grpc', call.request) : decodeExportRequest(call.request);
    } catch (err) {
      const message = errorMessage(err);
      // Too many records is "too large" (RESOURCE_EXHAUSTED, as for max_recv_msg_size); all else is malformed.
      const tooLarge = isPermanent(err) && err.reason === 'too_large';
      this.ingest.badRequest('grpc', tooLarge ? 'too_large' : 'malformed', message);
      release();
      callback({ code: tooLarge ? grpc.status.RESOURCE_EXHAUSTED : grpc.status.INVALID_ARGUMENT, details: message });
      return;
    }
    this.ingest.consume('grpc', batch).then(
      () => {
        release();
        callback(null, EMPTY_RESPONSE);
      },
      (err: unknown) => {
        release();
        callback(statusForRefusal(err));
      },
    );
  };

  /**
   * Takes one of max_concurrent_streams' slots when a call's metadata arrives,
   * or ends the call with RESOURCE_EXHAUSTED (before any handler runs). The slot
   * is given back once, when the call ends: its status is sent (by the handler,
   * an inner interceptor or grpc-js) or it is cancelled (the client went away).
   */
  private readonly admitCall: grpc.ServerInterceptor = (_method, call) => {
    let admitted = false;
    const close = () => {
      if (!admitted) return;
      admitted = false;
      this.admission.closeCall();
    };
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, passOn) => {
            if (!this.admission.openCall()) {
              const refusal = exhausted(`more than max_concurrent_streams (${this.admission.limits.maxConcurrentStreams}) gRPC calls in progress; retry later`);
              call.sendStatus({ code: refusal.code!, details: refusal.details!, metadata: refusal.metadata! });
              return;
            }
            admitted = true;
            passOn(metadata);
          },
          onCancel: close,
        }),
      sendStatus: (status, next) => {
        close();
        next(status);
      },
    });
  };

  /** protocols.grpc.read_timeout, resolved by start(). */
  private readTimeoutMs = 0;

  /**
   * Ends an Export call whose request message has not arrived read_timeout after its
   * metadata, with DEADLINE_EXCEEDED, counted as refused (reason timeout). grpc-js holds a
   * message's bytes until the whole message is in and only then calls the handler, so a
   * client sending all but the last byte of max_recv_msg_size held them (outside
   * max_in_flight_bytes, which counts messages handed over) for as long as it kept the
   * stream open: 64 such calls of 4 MiB, 259 MB. Compact streams are long by design and
   * keep their own limits (logfun-ingest.ts).
   */
  private readonly limitReadTime: grpc.ServerInterceptor = (method, call) => {
    if (method.path !== LOGS_SERVICE_EXPORT_PATH) return new grpc.ServerInterceptingCall(call);
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const expire = () => {
      timer = undefined;
      const details = `the request message did not arrive within read_timeout (${this.readTimeoutMs} ms)`;
      this.admission.refused('grpc', 'timeout', details);
      call.sendStatus({ code: grpc.status.DEADLINE_EXCEEDED, details, metadata: new grpc.Metadata() });
      // The status alone leaves the stream open while the client keeps its side open, and grpc-js
      // holds the partial message as long as the stream lives: reset it.
      resetStreamOf(call);
    };
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, passOn) => {
            timer = setTimeout(expire, this.readTimeoutMs);
            timer.unref();
            passOn(metadata);
          },
          onReceiveMessage: (message, passOn) => {
            stop();
            passOn(message);
          },
          onCancel: stop,
        }),
      sendStatus: (status, next) => {
        stop();
        next(status);
      },
    });
  };

  /**
   * Refuses a call whose metadata lacks the bearer token with UNAUTHENTICATED,
   * before its handler starts (the metadata is not passed on, so neither the
   * Export handler nor the compact stream ever sees the call).
   */
  private readonly checkBearerToken: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, passOn) => {
            const value = metadata.get('authorization')[0];
            const refusal = this.auth!.check(typeof value === 'string' ? value : undefined, call.getPeer());
            if (refusal === undefined) return passOn(metadata);
            call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: refusal, metadata: new grpc.Metadata() });
          },
        }),
    });

  /**
   * grpc-js answers oversized or undecompressable messages itself, without calling
   * the handler; this interceptor sees those statuses so they are counted too.
   * It wraps the base call's sendStatus (which grpc-js calls for its own
   * rejections) and tells them apart from the handler's statuses, which pass
   * through the intercepting call's responder first.
   */
  private readonly countTransportRejections: grpc.ServerInterceptor = (method, call) => {
    if (method.path !== LOGS_SERVICE_EXPORT_PATH) return new grpc.ServerInterceptingCall(call);
    let fromHandler = false;
    const sendStatus = call.sendStatus.bind(call);
    call.sendStatus = (status) => {
      if (!fromHandler) {
        const reason = transportRejectionReason(status.code ?? grpc.status.OK);
        if (reason) this.ingest.badRequest('grpc', reason, status.details ?? '');
      }
      sendStatus(status);
    };
    return new grpc.ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        fromHandler = true;
        next(status);
      },
    });
  };
}

/**
 * Resets the HTTP/2 stream under a server call (RST_STREAM CANCEL), which makes grpc-js let
 * go of what it buffered for the call. grpc-js has no API for it: the stream is its base
 * call's, at the end of the intercepting calls' `nextCall` chain (grpc-js 1.14); when that
 * shape is not there, nothing is done.
 */
function resetStreamOf(call: grpc.ServerInterceptingCallInterface): void {
  let inner: unknown = call;
  for (let depth = 0; depth < 16 && inner !== null && typeof inner === 'object' && 'nextCall' in inner; depth++) inner = (inner as { nextCall: unknown }).nextCall;
  const stream = inner !== null && typeof inner === 'object' ? (inner as { stream?: Partial<Http2Stream> }).stream : undefined;
  if (stream !== undefined && typeof stream.close === 'function' && stream.destroyed === false) stream.close(http2Constants.NGHTTP2_CANCEL);
}

/**
 * grpc-js's createSsl cannot set a minimum TLS version; these credentials pass
 * Node's TLS server options through as they are (grpc-js hands its credentials'
 * constructor and context options to http2.createSecureServer).
 */
class TlsServerCredentials extends grpc.ServerCredentials {
  constructor(material: ServerTlsMaterial) {
    const serverOptions: SecureServerOptions = {
      minVersion: material.minVersion,
      requestCert: material.requireClientCert,
      rejectUnauthorized: material.requireClientCert,
    };
    const contextOptions: SecureContextOptions = {
      cert: material.cert,
      key: material.key,
      minVersion: material.minVersion,
      ...(material.ca ? { ca: material.ca } : {}),
    };
    super(serverOptions, contextOptions);
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

/** RESOURCE_EXHAUSTED with a RetryInfo delay: an admission refusal, retryable. */
function exhausted(details: string): Partial<grpc.StatusObject> {
  const code = grpc.status.RESOURCE_EXHAUSTED;
  const metadata = new grpc.Metadata();
  metadata.set(GRPC_STATUS_DETAILS_KEY, Buffer.from(encodeRpcStatus({ code, message: details, retryDelayMs: ADMISSION_RETRY_MS })));
  return { code, details, metadata };
}

function statusForRefusal(err: unknown): Partial<grpc.StatusObject> {
  const code = grpcStatusFor(err);
  const details = errorMessage(err);
  let retryDelayMs: number | undefined;
  if (err instanceof RetryableError && err.retryAfterMs !== undefined) retryDelayMs = err.retryAfterMs;
  else if (code === GrpcCode.RESOURCE_EXHAUSTED && !isPermanent(err)) retryDelayMs = DEFAULT_EXHAUSTED_RETRY_MS;
  if (retryDelayMs === undefined) return { code, details };
  const metadata = new grpc.Metadata();
  metadata.set(GRPC_STATUS_DETAILS_KEY, Buffer.from(encodeRpcStatus({ code, message: details, retryDelayMs })));
  return { code, details, metadata };
}
