/**
 * The compact transport: one long-lived `logfun.v1.Ingest/Stream` per logger
 * pipeline (proto/logfun/v1/ingest.proto), carrying columnar record batches up
 * and acks and control rules down.
 *
 * Stream life: connect, Hello (resource, scope, SDK version, session id, highest
 * acked sequence) -> HelloAck. Before a batch is sent, every template it uses that
 * this stream has not seen is defined (templates first used long after connect
 * too; all of them again on a new stream), and so are the string dictionary
 * entries it refers to (see wire/compact-encode.ts, STREAM_ENCODING). The pipeline sends one batch at a
 * time and keeps it in its buffer until `export` resolves, which happens when the
 * collector's Ack for its sequence arrives (sent after the collector's pipeline
 * accepted the records). A stream that breaks rejects the pending export as
 * retryable; the pipeline retries the same batch (same sequence, same bytes), which
 * goes out on the next stream: at-least-once delivery, and the collector
 * acknowledges without storing again a sequence it already accepted for this
 * session. The stream reconnects by itself with backoff (timers unref'd, the
 * connection never keeps the process alive), so control rules keep arriving
 * while the process logs nothing.
 *
 * Ack statuses: UNAVAILABLE / RESOURCE_EXHAUSTED (and other retryable gRPC
 * codes) -> retry; others (INVALID_ARGUMENT) -> the batch is dropped and counted.
 * A stream refused with UNIMPLEMENTED means the endpoint is not a logfun
 * collector: AutoTransport falls back to OTLP; this transport alone reports a
 * permanent error.
 *
 * Security: `tls` (true, or {ca, cert, key, servername}) and `token` (sent as
 * `authorization: Bearer <token>` when the stream opens). A stream refused with
 * UNAUTHENTICATED or PERMISSION_DENIED is reported once through the logger's
 * diagnostics and retried with the reconnect backoff (growing to its maximum;
 * exports fail at once meanwhile, retryably, so the pipeline keeps the records
 * under its buffer bounds and backs off too): fixing the token on the collector
 * side recovers without a restart, and nothing reconnects in a hot loop.
 *
 * Control: a ControlUpdate's OFF rules mute the matching templates at once (see
 * wire/compact-control.ts).
 */
import { randomBytes } from 'crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ExportError, type ExportBatch, type ExportResult, type Transport, type TransportBatchDefaults, type TransportContext } from '../transport';
import { LOGFUN_SCOPE, type Resource } from '../resource';
import { defaultTemplateRegistry, type TemplateRegistry } from '../templates';
import { SDK_VERSION } from '../version';
import { LOGFUN_INGEST_STREAM_PATH } from '../../protocol/protos';
import {
  CompactBatch,
  CompactEncoder,
  encodeHello,
  encodeStringDefinitions,
  encodeTemplateDefinitions,
  MAX_DEFINITIONS_MESSAGE_BYTES,
  STREAM_ENCODING,
  type TemplateSlot,
} from '../wire/compact-encode';
import { GrpcClientStream, type GrpcStreamStatus } from '../wire/compact-grpc-stream';
import { decodeServerMessage, type ControlUpdateView } from '../wire/compact-messages';
import { muteRulesOf, setMuteRules } from '../wire/compact-control';
import {
  checkSecurityOptions,
  OtlpGrpcTransport,
  parseGrpcEndpoint,
  requestMetadataOf,
  tlsClientOptionsOf,
  type OtlpGrpcTransportOptions,
  type TlsClientOptions,
} from './otlp-grpc';

export interface LogfunStreamTransportOptions {
  /** host:port, http://host:port, https://host:port or unix:/path. Default 'localhost:4317'. */
  endpoint?: string;
  /** Per-message compression. Default 'none'. */
  compression?: 'gzip' | 'none';
  /** Metadata sent when the stream opens (e.g. authorization). */
  headers?: Record<string, string>;
  /** TLS for a bare host:port endpoint (true, or an object with CA / client certificate / server name). Default false. */
  tls?: boolean | TlsClientOptions;
  /** Bearer token, sent as `authorization: Bearer <token>` when the stream opens. */
  token?: string;
  /** Longest one export waits for its stream and its ack before failing (retryably). Default 10 s. */
  exportTimeoutMs?: number;
  /** Reconnect backoff (exponential with jitter). Defaults 200 ms .. 5000 ms. */
  reconnect?: { initialBackoffMs?: number; maxBackoffMs?: number };
  /** Abandon a connection attempt after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** HTTP/2 keepalive ping interval. Default 60000 ms. */
  keepaliveMs?: number;
}

/** gRPC codes worth retrying (the OTLP spec's list). */
const RETRYABLE = new Set<number>([
  GrpcStatus.CANCELLED,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/** RESOURCE_EXHAUSTED because of the message size, not load (see otlp-grpc.ts). */
const TOO_LARGE = /larger than max|message too large|too large|exceeds (the )?max/i;

function codeName(code: number): string {
  return GrpcStatus[code] ?? String(code);
}

/** The endpoint does not serve logfun.v1.Ingest (it answered UNIMPLEMENTED). */
export class IngestUnimplementedError extends ExportError {
  constructor(readonly endpoint: string, details: string) {
    super(`UNIMPLEMENTED: ${endpoint} does not serve the logfun compact protocol (${LOGFUN_INGEST_STREAM_PATH}): ${details}`, false, 'UNIMPLEMENTED');
    this.name = 'IngestUnimplementedError';
  }
}

interface Answer {
  promise: Promise<ExportResult>;
  resolve(result: ExportResult): void;
  reject(err: Error): void;
}

function newAnswer(): Answer {
  let resolve!: (r: ExportResult) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<ExportResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A retry after a timeout may never await it again: never an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** One connection's stream and what it knows. */
class StreamSession {
  ready = false;
  closed = false;
  lastAckedAtHello = 0;
  maxTemplates = 0;
  collectorId = '';
  readonly openedAt = Date.now();
  /** Template indexes defined on this stream. */
  readonly defined = new Set<number>();
  /** Dictionary entries 1..definedStrings are defined on this stream. */
  definedStrings = 0;
  /** Sent batches waiting for their Ack, by sequence. */
  readonly answers = new Map<number, Answer>();
  stream!: GrpcClientStream;
  /** Resolves when the stream has closed (the transport's onClose ran for it). */
  readonly whenClosed: Promise<void>;
  markClosed!: () => void;

  constructor() {
    this.whenClosed = new Promise<void>((resolve) => {
      this.markClosed = () => {
        this.closed = true;
        resolve();
      };
    });
  }
}

interface ReadyWaiter {
  resolve(s: StreamSession): void;
  reject(err: Error): void;
}

export type ControlListener = (update: ControlUpdateView) => void;

/**
 * Larger batches than OTLP's 512: per-batch costs (stream frame, ack, timers) dominate a
 * compact record's few bytes; at 4096 the SDK's CPU per record halves (bench/sdk-cost).
 * The byte bound and delay still cap a batch's size and a record's wait.
 */
const COMPACT_BATCH_DEFAULTS: TransportBatchDefaults = { maxRecords: 4096 };

/** How long shutdown() waits for the collector to end a half-closed stream before cutting it. */
const STREAM_CLOSE_GRACE_MS = 500;

export class LogfunStreamTransport implements Transport {
  readonly name: string = 'logfun';
  readonly batchDefaults: TransportBatchDefaults = COMPACT_BATCH_DEFAULTS;
  /** RecordBatch.muted_counts carries the SDK's muted counts (sdk/mute-counts.ts). */
  readonly carriesMutedCounts = true;
  readonly endpoint: string;
  private readonly secure: boolean;
  private readonly options: LogfunStreamTransportOptions;
  private readonly exportTimeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly encoder = new CompactEncoder(STREAM_ENCODING);
  private readonly sessionId = randomBytes(16);
  private readonly metadata: Record<string, string>;
  /** The last stream refusal for credentials (UNAUTHENTICATED / PERMISSION_DENIED); cleared by the next accepted stream. */
  private authRefusal: ExportError | undefined;
  private diagnostics: (message: string) => void = () => undefined;

  private resource: Resource | undefined;
  private registry: TemplateRegistry = defaultTemplateRegistry;
  /** Where this transport's rules decide its logger's records one by one (see setMuteRules). */
  private setRecordMutes: TransportContext['setRecordMutes'];
  private session: StreamSession | undefined;
  private waiters: ReadyWaiter[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private highestAcked = 0;
  private closed = false;
  private unimplemented: IngestUnimplementedError | undefined;
  private readonly controlListeners = new Set<ControlListener>();
  private readonly unimplementedListeners = new Set<(err: IngestUnimplementedError) => void>();
  /** Control updates applied so far. */
  controlUpdates = 0;
  /** The last control update received (undefined before the first). */
  lastControl: ControlUpdateView | undefined;
  /** Streams opened (connection attempts). */
  connects = 0;

  constructor(options: LogfunStreamTransportOptions = {}) {
    checkSecurityOptions(options.tls, options.token);
    const { target, secure } = parseGrpcEndpoint(options.endpoint ?? 'localhost:4317', options.tls);
    this.endpoint = target;
    this.secure = secure;
    this.options = options;
    this.exportTimeoutMs = options.exportTimeoutMs ?? 10_000;
    this.initialBackoffMs = Math.max(1, options.reconnect?.initialBackoffMs ?? 200);
    this.maxBackoffMs = Math.max(this.initialBackoffMs, options.reconnect?.maxBackoffMs ?? 5000);
    this.backoffMs = this.initialBackoffMs;
    this.metadata = requestMetadataOf(options.headers, options.token);
  }

  /** Called by createLogger: the resource for the Hello, the registry control rules act on; opens the stream. */
  attach(context: TransportContext): void {
    this.resource = context.resource;
    this.registry = context.templates;
    this.diagnostics = context.diagnostics;
    this.setRecordMutes = context.setRecordMutes;
    this.connectNow();
  }

  /** True once a stream was accepted (HelloAck received) and not refused since. */
  get connected(): boolean {
    return this.session?.ready === true;
  }

  /** Called with every control update, after it was applied. */
  onControl(listener: ControlListener): () => void {
    this.controlListeners.add(listener);
    return () => this.controlListeners.delete(listener);
  }

  /** Called once when the endpoint answers UNIMPLEMENTED (it is not a logfun collector). */
  onUnimplemented(listener: (err: IngestUnimplementedError) => void): void {
    if (this.unimplemented) listener(this.unimplemented);
    else this.unimplementedListeners.add(listener);
  }

  async export(batch: ExportBatch): Promise<ExportResult> {
    if (this.closed) throw new ExportError('logfun transport is shut down', false, 'CANCELLED');
    if (this.unimplemented) throw this.unimplemented;
    this.resource ??= batch.resource;
    let encoded = batch.encoded;
    if (!(encoded instanceof CompactBatch)) {
      encoded = this.encoder.encodeBatch(batch);
      batch.encoded = encoded;
    }
    const compact = encoded as CompactBatch;
    if (compact.sequence <= this.highestAcked) return { rejected: 0 };
    const deadline = Date.now() + this.exportTimeoutMs;
    const session = await this.waitReady(this.exportTimeoutMs);
    if (compact.sequence <= session.lastAckedAtHello) {
      // The collector accepted it before the reconnect; only its Ack was lost.
      this.noteAcked(compact.sequence);
      return { rejected: 0 };
    }
    if (session.closed) throw new ExportError(`UNAVAILABLE: logfun stream to ${this.endpoint} closed`, true, 'UNAVAILABLE');
    let answer = session.answers.get(compact.sequence);
    if (answer === undefined) {
      answer = newAnswer();
      session.answers.set(compact.sequence, answer);
      this.defineTemplates(session, compact.templates);
      this.defineStrings(session, compact.dictionarySize);
      session.stream.send(compact.message);
    }
    return this.withTimeout(answer.promise, deadline - Date.now(), `no ack for batch ${compact.sequence} within ${this.exportTimeoutMs} ms`);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const err = new ExportError('logfun transport is shut down', false, 'CANCELLED');
    for (const w of this.waiters.splice(0)) w.reject(err);
    const s = this.session;
    this.session = undefined;
    if (s && !s.closed) {
      // Half-close so the collector ends the call cleanly; cut it if it does not within
      // STREAM_CLOSE_GRACE_MS. The timer is ref'd: the session is not,
      // and a caller awaiting this must not see the process end before it resolves.
      s.stream.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        s.whenClosed,
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            s.stream.close('logfun transport shut down');
            resolve();
          }, STREAM_CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    setMuteRules(this.registry, this, undefined);
  }

  // ---- connection ----

  private connectNow(): void {
    if (this.closed || this.unimplemented || this.session !== undefined) return;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    const resource = this.resource;
    if (resource === undefined) return;
    const session = new StreamSession();
    this.session = session;
    this.connects++;
    session.stream = new GrpcClientStream(
      {
        target: this.endpoint,
        secure: this.secure,
        tls: tlsClientOptionsOf(this.options.tls),
        path: LOGFUN_INGEST_STREAM_PATH,
        metadata: this.metadata,
        compression: this.options.compression,
        connectTimeoutMs: this.options.connectTimeoutMs,
        keepaliveMs: this.options.keepaliveMs,
        userAgent: `logfun-sdk/${SDK_VERSION}`,
      },
      {
        onMessage: (m) => this.onMessage(session, m),
        onClose: (status) => this.onClose(session, status),
      },
    );
    session.stream.send(
      encodeHello({ resource, scope: LOGFUN_SCOPE, sdkVersion: SDK_VERSION, lastAckedSequence: this.highestAcked, sessionId: this.sessionId }),
    );
  }

  private waitReady(timeoutMs: number): Promise<StreamSession> {
    if (this.unimplemented) return Promise.reject(this.unimplemented);
    const s = this.session;
    if (s?.ready && !s.closed) return Promise.resolve(s);
    // Refused for credentials: wait for the backed-off reconnect, never retry at once.
    if (this.authRefusal && this.reconnectTimer !== undefined) return Promise.reject(this.authRefusal);
    // An export waiting is a reason to try now rather than after the reconnect backoff.
    this.connectNow();
    return new Promise<StreamSession>((resolve, reject) => {
      const waiter: ReadyWaiter = {
        resolve: (session) => {
          clearTimeout(timer);
          resolve(session);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ExportError(`DEADLINE_EXCEEDED: no logfun stream to ${this.endpoint} within ${timeoutMs} ms`, true, 'DEADLINE_EXCEEDED'));
      }, Math.max(0, timeoutMs));
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  private onMessage(session: StreamSession, bytes: Buffer): void {
    let message: ReturnType<typeof decodeServerMessage>;
    try {
      message = decodeServerMessage(bytes);
    } catch (err) {
      session.stream.close(`malformed message from the collector: ${(err as Error).message}`);
      return;
    }
    switch (message.kind) {
      case 'helloAck': {
        session.ready = true;
        session.lastAckedAtHello = message.lastAckedSequence;
        session.maxTemplates = message.maxTemplates;
        session.collectorId = message.collectorId;
        this.backoffMs = this.initialBackoffMs;
        if (this.authRefusal) {
          this.authRefusal = undefined;
          this.diagnostics(`logfun: the collector at ${this.endpoint} accepts the logfun stream again`);
        }
        for (const w of this.waiters.splice(0)) w.resolve(session);
        return;
      }
      case 'ack': {
        const answer = session.answers.get(message.sequence);
        session.answers.delete(message.sequence);
        if (message.statusCode === GrpcStatus.OK) {
          this.noteAcked(message.sequence);
          answer?.resolve({ rejected: 0 });
          return;
        }
        const code = message.statusCode;
        const tooLarge = code === GrpcStatus.RESOURCE_EXHAUSTED && TOO_LARGE.test(message.message);
        answer?.reject(
          new ExportError(
            `${codeName(code)}: ${message.message}`,
            RETRYABLE.has(code),
            codeName(code),
            message.retryAfterMs > 0 ? message.retryAfterMs : undefined,
            tooLarge,
          ),
        );
        return;
      }
      case 'control':
        this.applyControl(message.update);
        return;
      default:
        return;
    }
  }

  private onClose(session: StreamSession, status: GrpcStreamStatus): void {
    session.markClosed();
    if (this.session === session) this.session = undefined;
    const tooLarge = status.code === GrpcStatus.RESOURCE_EXHAUSTED && TOO_LARGE.test(status.details);
    const broken = new ExportError(
      `${codeName(status.code)}: logfun stream to ${this.endpoint} closed: ${status.details || 'no details'}`,
      true,
      codeName(status.code),
      undefined,
      tooLarge,
    );
    for (const answer of session.answers.values()) answer.reject(broken);
    session.answers.clear();
    if (this.closed) return;
    if (status.code === GrpcStatus.UNIMPLEMENTED && !session.ready) {
      this.unimplemented = new IngestUnimplementedError(this.endpoint, status.details);
      for (const w of this.waiters.splice(0)) w.reject(this.unimplemented);
      for (const l of this.unimplementedListeners) l(this.unimplemented);
      this.unimplementedListeners.clear();
      return;
    }
    if (!session.ready) {
      // This attempt failed: exports waiting for it fail now (the pipeline retries with its backoff).
      const failed = new ExportError(
        `${codeName(status.code)}: cannot open the logfun stream to ${this.endpoint}: ${status.details || 'no details'}`,
        true,
        codeName(status.code),
      );
      if (status.code === GrpcStatus.UNAUTHENTICATED || status.code === GrpcStatus.PERMISSION_DENIED) {
        if (!this.authRefusal) this.diagnostics(`logfun: ${failed.message} (check the token option); retrying with backoff`);
        this.authRefusal = failed;
      }
      for (const w of this.waiters.splice(0)) w.reject(failed);
    } else if (Date.now() - session.openedAt > 10_000) {
      this.backoffMs = this.initialBackoffMs;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    const delay = this.backoffMs * (0.5 + Math.random() * 0.5);
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectNow();
    }, delay);
    this.reconnectTimer.unref();
  }

  private noteAcked(sequence: number): void {
    if (sequence > this.highestAcked) this.highestAcked = sequence;
  }

  /** Defines on the stream the templates a batch uses that it has not seen (all of them again after a reset). */
  private defineTemplates(session: StreamSession, templates: readonly TemplateSlot[]): void {
    let missing = templates.filter((t) => !session.defined.has(t.index));
    if (missing.length === 0) return;
    let reset = false;
    if (session.maxTemplates > 0 && session.defined.size + missing.length > session.maxTemplates) {
      reset = true;
      session.defined.clear();
      missing = templates.slice();
    }
    // In messages of bounded size (see MAX_DEFINITIONS_MESSAGE_BYTES); only the first resets.
    let group: TemplateSlot[] = [];
    let bytes = 0;
    for (const t of missing) {
      if (group.length > 0 && bytes + t.definition.length > MAX_DEFINITIONS_MESSAGE_BYTES) {
        session.stream.send(encodeTemplateDefinitions(group, reset));
        reset = false;
        group = [];
        bytes = 0;
      }
      group.push(t);
      bytes += t.definition.length + 4;
      session.defined.add(t.index);
    }
    session.stream.send(encodeTemplateDefinitions(group, reset));
  }

  /** Defines on the stream the dictionary entries a batch may refer to. */
  private defineStrings(session: StreamSession, needed: number): void {
    if (needed <= session.definedStrings) return;
    for (const m of encodeStringDefinitions(session.definedStrings + 1, this.encoder.dictionaryEntries(session.definedStrings + 1, needed))) session.stream.send(m);
    session.definedStrings = needed;
  }

  private applyControl(update: ControlUpdateView): void {
    const resource = this.resource;
    const service = resource?.serviceName ?? '';
    let instance = '';
    if (resource) {
      const at = resource.attributes.keys.indexOf('service.instance.id');
      if (at >= 0) instance = String(resource.attributes.values[at]);
    }
    setMuteRules(this.registry, this, muteRulesOf(update, service, instance), this.setRecordMutes);
    this.controlUpdates++;
    this.lastControl = update;
    for (const l of this.controlListeners) {
      try {
        l(update);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ExportError(`DEADLINE_EXCEEDED: ${message}`, true, 'DEADLINE_EXCEEDED')), Math.max(0, ms));
      timer.unref();
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}

/**
 * The default transport: the compact stream when the endpoint is a logfun
 * collector, plain OTLP/gRPC otherwise. It tries the Ingest stream; when the
 * endpoint answers UNIMPLEMENTED (any other OTLP receiver), it switches to OTLP for
 * good and says so once through the diagnostics callback. Exports wait for the
 * answer, so nothing is lost or counted as failed while it is pending. Its name
 * (in diagnostics) is the protocol it speaks: 'logfun' until it fell back (before
 * the answer it is trying the compact stream), 'otlp' after.
 */
export class AutoTransport implements Transport {
  readonly batchDefaults: TransportBatchDefaults = COMPACT_BATCH_DEFAULTS;
  private readonly compact: LogfunStreamTransport;
  private otlp: OtlpGrpcTransport | undefined;
  private diagnostics: (message: string) => void = (m) => console.warn(m);
  private closed = false;

  constructor(private readonly options: LogfunStreamTransportOptions & Pick<OtlpGrpcTransportOptions, 'channelOptions'> = {}) {
    this.compact = new LogfunStreamTransport(options);
    this.compact.onUnimplemented((err) => this.fallBack(err));
  }

  get name(): string {
    return this.otlp === undefined ? 'logfun' : 'otlp';
  }

  /** 'logfun' (compact stream), 'otlp' (fell back), or 'undecided' (no answer from the endpoint yet). */
  get mode(): 'logfun' | 'otlp' | 'undecided' {
    if (this.otlp) return 'otlp';
    return this.compact.connected ? 'logfun' : 'undecided';
  }

  get compactTransport(): LogfunStreamTransport {
    return this.compact;
  }

  /** Muted counts go up the compact stream; plain OTLP has no place for them. */
  get carriesMutedCounts(): boolean {
    return this.otlp === undefined;
  }

  attach(context: TransportContext): void {
    this.diagnostics = context.diagnostics;
    this.compact.attach(context);
  }

  async export(batch: ExportBatch): Promise<ExportResult | void> {
    if (this.otlp === undefined) {
      try {
        return await this.compact.export(batch);
      } catch (err) {
        if (!(err instanceof IngestUnimplementedError)) throw err;
        this.fallBack(err);
      }
    }
    // The compact encoding cached on the batch is not OTLP.
    if (batch.encoded instanceof CompactBatch) batch.encoded = undefined;
    return this.otlp!.export(batch);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.compact.shutdown(), this.otlp?.shutdown()]);
  }

  private fallBack(err: IngestUnimplementedError): void {
    if (this.otlp !== undefined || this.closed) return;
    this.otlp = new OtlpGrpcTransport({
      endpoint: this.options.endpoint,
      compression: this.options.compression,
      headers: this.options.headers,
      token: this.options.token,
      tls: this.options.tls,
      exportTimeoutMs: this.options.exportTimeoutMs,
      channelOptions: this.options.channelOptions,
    });
    this.diagnostics(`logfun: ${err.endpoint} does not serve the logfun compact protocol (UNIMPLEMENTED); sending plain OTLP/gRPC instead`);
    void this.compact.shutdown();
  }
}
