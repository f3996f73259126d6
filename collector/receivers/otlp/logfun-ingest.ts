/**
 * `logfun.v1.Ingest/Stream` on the otlp receiver's gRPC server: the compact
 * protocol's collector side (proto/logfun/v1/ingest.proto).
 *
 * Per stream: the Hello (answered with HelloAck and then the current
 * ControlUpdate of its service: the control source's when one is set, see
 * collector/control/sdk-push.ts, else the last setControl one, if any), template definitions (added to the stream's decoder),
 * string dictionary entries, and record batches,
 * handled one at a time in arrival order: decoded (collector/compact), handed to
 * the next consumer through ReceiverIngest, and answered with an Ack once the
 * consumer accepted them — or an Ack carrying the refusal's gRPC code
 * (UNAVAILABLE / RESOURCE_EXHAUSTED with a retry delay, INVALID_ARGUMENT), the
 * stream staying open. A batch whose sequence was already accepted for the same
 * (service.instance.id, session) is acknowledged without being consumed again
 * (collector/compact/sessions.ts).
 *
 * Sender scope (collector/pipeline/sender-scope.ts): each stream has one, fixed at
 * its Hello (service.instance.id, else its session, else the stream itself), put on
 * the resource of every batch it decodes (ResourceInfo.senderScope) so the spam
 * balancer scopes its decisions to the sender, and used to address control updates:
 * setControl's selector may name an instance (a scope), and the control source is
 * asked per (service, scope), so an automatic mute caused by one sender reaches
 * that sender's streams only.
 *
 * Muted counts (RecordBatch.muted_counts: records the SDK dropped at the call site
 * because a rule muted them) become report records in the same LogBatch
 * (processors/spam/sdk-report.ts, one per entry, event logfun.sdk.muted), so they
 * follow the batch's accept / refuse / retry: the spam processor credits them to its
 * AUTO mute once the next stage accepted the batch, and a resent batch the session
 * table recognises is not consumed again, so no count is credited twice. A batch
 * may carry counts and no records.
 *
 * Bad input (a batch before the Hello, an unknown template index, a wrong
 * argument count, a truncated message...) ends that stream with
 * INVALID_ARGUMENT and a clear message, and is counted; other streams go on.
 *
 * Memory per stream is bounded: what the stream keeps for its life by the
 * decoder's bounds (collector/compact/decoder.ts: dictionary strings, template
 * text), and what it holds in flight by flow control (at most MAX_QUEUED_MESSAGES
 * messages or MAX_QUEUED_BYTES read ahead, then the call is paused) and by the
 * receiver's byte budget (admission.ts): each message reserves its size from
 * arrival until it was handled; a RecordBatch that does not fit is not decoded
 * but answered with an Ack carrying RESOURCE_EXHAUSTED and a retry delay (the
 * SDK resends it), the stream staying open.
 *
 * Template state a client can make the collector keep is bounded
 * (collector/templates/limits.ts, service.templates):
 *   - a definition with text over max_text_length ends the stream with
 *     INVALID_ARGUMENT before it is hashed or kept (our SDK sends such records
 *     untemplated instead, so only a broken or hostile client gets here);
 *   - more than max_definitions_per_stream definitions over a stream's life (resets
 *     do not renew it), or definitions holding more text than max_text_per_stream
 *     (or max_text_all_streams over every open stream of this receiver), or open
 *     streams whose definitions and dictionary strings hold more than
 *     max_bytes_all_streams (CompactStreamDecoder.heldBytes), end the
 *     stream with RESOURCE_EXHAUSTED, retryable: an SDK reconnects and defines
 *     only what its next batch uses;
 *   - a template enters the collector-wide dictionary when a batch first uses it
 *     (not when defined: definitions no record uses cost nothing beyond the stream),
 *     subject to the dictionary's admission budget per claimed service, which a new
 *     stream does not renew. Records of a template the dictionary does not admit are
 *     passed on untemplated (templateId 0, Body as rendered), counted in
 *     logfun_templates_untemplated_records_total, never dropped. A template evicted
 *     from the dictionary is admitted again by its next use.
 *
 * Metrics (label receiver=<component id>), besides ReceiverIngest's
 * (accepted/refused records, requests with protocol="grpc", bad requests with
 * reason "logfun_malformed", or "logfun_limit" for the template limits above):
 *   logfun_ingest_streams_total, logfun_ingest_streams_active
 *   logfun_ingest_stream_errors_total{reason}          malformed | protocol | limit
 *   logfun_ingest_batches_total{outcome}               accepted | duplicate | refused
 *   logfun_ingest_templates_defined_total
 *   logfun_ingest_sdk_dropped_records_total{service}   drops the SDKs reported
 *   logfun_ingest_sdk_muted_records_total{service,reason}  records the SDKs muted (accepted batches)
 *   logfun_ingest_control_updates_sent_total
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'crypto';
import { LOGFUN_INGEST_STREAM_PATH } from '../../../protocol/protos';
import { bodyOf } from '../../pipeline/batch';
import type { CreateSettings, Host } from '../../pipeline/component';
import { grpcStatusFor, isPermanent, GrpcCode, RetryableError } from '../../pipeline/errors';
import type { Counter } from '../../telemetry/metrics';
import { CompactStreamDecoder, TemplateTooLong, type DecodedBatch } from '../../compact/decoder';
import { DEFAULT_TEMPLATE_LIMITS, type TemplateLimits } from '../../templates/limits';
import type { TemplateDictionary } from '../../templates/dictionary';
import { decodeClientMessage, encodeAck, encodeControlUpdate, encodeHelloAck, type ControlUpdateInput } from '../../compact/messages';
import { Malformed } from '../../protobuf/reader';
import { sessionTableFor, type SessionState, type SessionTable } from '../../compact/sessions';
import { errorMessage, type ReceiverIngest } from './ingest';
import { appendMutedReport } from '../../../processors/spam/sdk-report';
import { ADMISSION_RETRY_MS, type ReceiverAdmission } from './admission';
import { muteReasonName } from '../../../protocol/mute-reasons';
import { streamSenderScope } from '../../pipeline/sender-scope';

const identity = (b: Buffer): Buffer => b;

export const INGEST_SERVICE_DEFINITION: grpc.ServiceDefinition = {
  Stream: {
    path: LOGFUN_INGEST_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** Delay suggested with a RESOURCE_EXHAUSTED refusal when the refusing stage gave none. */
const DEFAULT_EXHAUSTED_RETRY_MS = 1000;
/** Bound on the per-scope control updates kept for new streams (scopes that left are forgotten past it). */
const MAX_REMEMBERED_CONTROLS = 10_000;
/** Messages read ahead of the one being handled before the stream is paused (flow control). */
const MAX_QUEUED_MESSAGES = 8;
/** Bytes read ahead of the one being handled before the stream is paused (one max-size message still gets through). */
const MAX_QUEUED_BYTES = 1024 * 1024;

export interface LogfunIngestOptions {
  /** Templates a stream may define at once (announced in HelloAck). Default 16384. */
  maxTemplatesPerStream?: number;
  /** Sent in HelloAck. Default: a random UUID per receiver. */
  collectorId?: string;
  /** Duplicate detection table. Default: the process-wide one of the receiver id. */
  sessions?: SessionTable;
}

/**
 * Which SDKs a control update is for: every one, those of a service, or those of
 * one sender scope (`instance`: a stream's scope, see sender-scope.ts) of a service.
 */
export interface ControlSelector {
  service?: string;
  instance?: string;
}

/** One (service, sender scope) with an open stream; `local`: the scope is not a claimed service.instance.id. */
export interface StreamScope {
  service: string;
  instance: string;
  local: boolean;
}

/**
 * The current control update of the SDKs of a service (of one sender scope when
 * `instance` is given; `local` as in StreamScope), asked at each new stream's Hello
 * (collector/control/sdk-push.ts); undefined falls back to setControl's.
 */
export type ControlSource = (service: string, instance?: string, local?: boolean) => ControlUpdateInput | undefined;

export class LogfunIngestService {
  readonly definition = INGEST_SERVICE_DEFINITION;
  private host: Host | undefined;
  private readonly streams = new Set<IngestStream>();
  private readonly controls = new Map<string, Buffer>();
  private controlSource: ControlSource | undefined;
  private closing = false;
  /** The receiver's byte budget, set by the gRPC server that serves this service; none = unbounded. */
  admission: ReceiverAdmission | undefined;
  /** Template text characters held by the decoders of the open streams. */
  private streamTextChars = 0;
  /** Bytes the definitions and dictionary strings of the open streams hold (CompactStreamDecoder.heldBytes). */
  private streamHeldBytes = 0;
  readonly maxTemplates: number;
  readonly collectorId: string;
  readonly sessions: SessionTable;
  readonly id: string;
  readonly counters: {
    streams: Counter;
    active: Counter;
    errors: Counter;
    batches: Counter;
    templates: Counter;
    sdkDropped: Counter;
    sdkMuted: Counter;
    controlSent: Counter;
  };

  constructor(
    settings: CreateSettings,
    readonly ingest: ReceiverIngest,
    options: LogfunIngestOptions = {},
  ) {
    this.id = settings.id;
    this.maxTemplates = options.maxTemplatesPerStream ?? 16_384;
    this.collectorId = options.collectorId ?? randomUUID();
    this.sessions = options.sessions ?? sessionTableFor(settings.id);
    const m = settings.metrics;
    this.counters = {
      streams: m.counter('logfun_ingest_streams_total', 'Compact ingest streams opened'),
      active: m.gauge('logfun_ingest_streams_active', 'Compact ingest streams open now'),
      errors: m.counter('logfun_ingest_stream_errors_total', 'Compact ingest streams ended for bad input, by reason'),
      batches: m.counter('logfun_ingest_batches_total', 'Compact record batches by outcome (accepted, duplicate, refused)'),
      templates: m.counter('logfun_ingest_templates_defined_total', 'Template definitions received on compact streams'),
      sdkDropped: m.counter('logfun_ingest_sdk_dropped_records_total', 'Records the SDKs reported they dropped (buffer full, rejected), by service'),
      sdkMuted: m.counter('logfun_ingest_sdk_muted_records_total', 'Records the SDKs dropped because a rule muted them (reported in accepted batches), by service and reason'),
      controlSent: m.counter('logfun_ingest_control_updates_sent_total', 'Control updates sent down compact streams'),
    };
    this.counters.active.set({ receiver: this.id }, 0);
  }

  start(host: Host): void {
    this.host = host;
    this.closing = false;
  }

  get activeStreams(): number {
    return this.streams.size;
  }

  /** Services of the streams open now (one entry per stream). */
  connectedServices(): string[] {
    return [...this.streams].map((s) => s.decoder.serviceName);
  }

  /** The distinct services of the streams past their Hello now. */
  helloServices(): Set<string> {
    const out = new Set<string>();
    for (const s of this.streams) if (s.helloDone) out.add(s.decoder.serviceName);
    return out;
  }

  /** The distinct (service, sender scope) of the streams past their Hello now. */
  helloScopes(): StreamScope[] {
    const out = new Map<string, StreamScope>();
    for (const s of this.streams) {
      if (!s.helloDone) continue;
      const service = s.decoder.serviceName;
      out.set(`${service}\u0000${s.scope}`, { service, instance: s.scope, local: s.scope !== s.decoder.serviceInstanceId });
    }
    return [...out.values()];
  }

  /**
   * Where a new stream's first control update comes from (it is sent right after
   * the HelloAck, before anything else can change the rules); undefined removes it.
   * Without a source, or when it returns undefined, setControl's last update applies.
   */
  setControlSource(source: ControlSource | undefined): void {
    this.controlSource = source;
  }

  readonly handler: grpc.handleBidiStreamingCall<Buffer, Buffer> = (call) => {
    if (this.closing) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'collector is shutting down' });
      return;
    }
    const stream = new IngestStream(this, call);
    this.streams.add(stream);
    this.counters.streams.inc({ receiver: this.id });
    this.counters.active.set({ receiver: this.id }, this.streams.size);
  };

  /** @internal */
  streamClosed(stream: IngestStream): void {
    if (this.streams.delete(stream)) {
      this.counters.active.set({ receiver: this.id }, this.streams.size);
      this.streamTextChars -= stream.decoder.templateTextChars;
      this.streamHeldBytes -= stream.decoder.heldBytes;
    }
  }

  /**
   * @internal A stream's definitions changed the text it holds by `textDelta` and the bytes
   * by `bytesDelta`; returns the totals over open streams.
   */
  addStreamHeld(textDelta: number, bytesDelta: number): { text: number; bytes: number } {
    this.streamTextChars += textDelta;
    this.streamHeldBytes += bytesDelta;
    return { text: this.streamTextChars, bytes: this.streamHeldBytes };
  }

  /** @internal */
  get templates() {
    return this.host?.templates;
  }

  /** @internal */
  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Sets the control rules for the SDKs the selector matches (all when empty):
   * sent at once on every matching open stream, and after the HelloAck of every
   * later one. A service's own update takes precedence over the one for all.
   * Returns the number of streams it was sent to.
   */
  setControl(update: ControlUpdateInput, selector: ControlSelector = {}): number {
    const encoded = encodeControlUpdate(update);
    const key = selector.service ?? '';
    const instance = selector.instance;
    if (instance !== undefined) {
      if (!this.controls.has(`${key}\u0000${instance}`) && this.controls.size >= MAX_REMEMBERED_CONTROLS) this.controls.clear();
      this.controls.set(`${key}\u0000${instance}`, encoded);
    } else this.controls.set(key, encoded);
    let sent = 0;
    for (const s of this.streams) {
      if (!s.helloDone) continue;
      if (key !== '' && s.decoder.serviceName !== key) continue;
      if (instance !== undefined && s.scope !== instance) continue;
      if (key === '' && this.controls.has(s.decoder.serviceName) && s.decoder.serviceName !== '') continue;
      if (s.send(encoded)) {
        sent++;
        this.counters.controlSent.inc({ receiver: this.id });
      }
    }
    return sent;
  }

  /** @internal The control update for a new stream of `service` with sender scope `instance`, if any. */
  controlFor(service: string, instance: string, local: boolean): Buffer | undefined {
    if (this.controlSource !== undefined) {
      let update: ControlUpdateInput | undefined;
      try {
        update = this.controlSource(service, instance, local);
      } catch (err) {
        this.host?.logger.error('control source failed; sending the last pushed rules', { service, error: errorMessage(err) });
      }
      if (update !== undefined) return encodeControlUpdate(update);
    }
    return this.controls.get(`${service}\u0000${instance}`) ?? this.controls.get(service) ?? this.controls.get('');
  }

  /**
   * Stops taking batches, lets the batches being consumed finish (acks sent) for up
   * to `graceMs`, then ends every stream with UNAVAILABLE (the SDKs reconnect).
   */
  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    const streams = [...this.streams];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(streams.map((s) => s.idle())), timeout]);
    clearTimeout(timer);
    for (const s of streams) s.fail(grpc.status.UNAVAILABLE, 'collector is shutting down; reconnect', undefined);
  }
}

/** A message read from the stream: `reserved` when its bytes are counted in the receiver's budget. */
interface QueuedMessage {
  bytes: Buffer;
  reserved: boolean;
}

class IngestStream {
  readonly decoder: CompactStreamDecoder;
  helloDone = false;
  /** The sender scope (sender-scope.ts), fixed at the Hello. */
  scope = '';
  private closed = false;
  private readonly queue: QueuedMessage[] = [];
  private queuedBytes = 0;
  private processing: Promise<void> | undefined;
  private paused = false;
  private session: SessionState | undefined;
  private endRequested = false;
  /** Template definitions received over this stream's life (resets included). */
  private definitionsReceived = 0;
  private readonly limits: Readonly<TemplateLimits>;

  constructor(
    private readonly service: LogfunIngestService,
    private readonly call: grpc.ServerDuplexStream<Buffer, Buffer>,
  ) {
    const limits = service.templates?.limits ?? DEFAULT_TEMPLATE_LIMITS;
    this.decoder = new CompactStreamDecoder({ maxTemplates: service.maxTemplates, maxTextLength: limits.maxTextLength });
    this.limits = limits;
    call.on('data', (message: Buffer) => this.onData(message));
    call.on('end', () => {
      // The SDK half-closed: answer what is queued, then end with OK.
      this.endRequested = true;
      if (this.processing === undefined) this.finish();
    });
    call.on('cancelled', () => this.closeQuietly());
    call.on('error', () => this.closeQuietly());
    call.on('close', () => this.closeQuietly());
  }

  /** Resolves when no message is being handled. */
  async idle(): Promise<void> {
    while (this.processing !== undefined) await this.processing;
  }

  send(message: Buffer): boolean {
    if (this.closed) return false;
    try {
      this.call.write(message);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the stream with an error status (once). */
  fail(code: number, details: string, reason: string | undefined): void {
    if (this.closed) return;
    if (reason !== undefined) {
      this.service.counters.errors.inc({ receiver: this.service.id, reason });
      this.service.ingest.badRequest('grpc', reason === 'limit' ? 'logfun_limit' : 'logfun_malformed', details);
    }
    this.closed = true;
    this.dropQueue();
    this.service.streamClosed(this);
    try {
      this.call.emit('error', { code, details });
    } catch {
      // the call is gone already
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.service.streamClosed(this);
    try {
      this.call.end();
    } catch {
      // the call is gone already
    }
  }

  private closeQuietly(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropQueue();
    this.service.streamClosed(this);
  }

  /** Forgets the messages not handled yet, giving their bytes back to the budget. */
  private dropQueue(): void {
    for (const m of this.queue) this.releaseMessage(m);
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private releaseMessage(m: QueuedMessage): void {
    if (m.reserved) this.service.admission?.release(m.bytes.length);
    m.reserved = false;
  }

  private onData(bytes: Buffer): void {
    if (this.closed) return;
    const admission = this.service.admission;
    // Not counted yet: only a batch is refused for not fitting (refuseOverBudget); other messages are small and handled.
    this.queue.push({ bytes, reserved: admission === undefined ? false : admission.reserve('grpc', bytes.length, false) });
    this.queuedBytes += bytes.length;
    if ((this.queue.length > MAX_QUEUED_MESSAGES || this.queuedBytes > MAX_QUEUED_BYTES) && !this.paused) {
      this.paused = true;
      this.call.pause();
    }
    if (this.processing === undefined) this.processing = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.closed && this.queue.length > 0) {
        const message = this.queue.shift()!;
        this.queuedBytes -= message.bytes.length;
        if (this.paused && this.queue.length <= MAX_QUEUED_MESSAGES / 2 && this.queuedBytes <= MAX_QUEUED_BYTES / 2) {
          this.paused = false;
          this.call.resume();
        }
        try {
          await this.handle(message.bytes, message.reserved || this.service.admission === undefined);
        } finally {
          this.releaseMessage(message);
        }
      }
    } catch (err) {
      // Only a bug gets here: end this stream, never the process.
      this.fail(grpc.status.INTERNAL, `internal error: ${errorMessage(err)}`, undefined);
    } finally {
      this.processing = undefined;
      if (this.endRequested && !this.closed) this.finish();
    }
  }

  /** Handles one message; `admitted` false: it did not fit the byte budget, so a batch is refused (retryable), not decoded. */
  private async handle(bytes: Buffer, admitted: boolean): Promise<void> {
    let message: ReturnType<typeof decodeClientMessage>;
    try {
      message = decodeClientMessage(bytes);
    } catch (err) {
      this.fail(grpc.status.INVALID_ARGUMENT, `malformed logfun ClientMessage: ${errorMessage(err)}`, 'malformed');
      return;
    }
    switch (message.kind) {
      case 'hello':
        this.onHello(message.hello);
        return;
      case 'templates':
        this.onTemplates(message);
        return;
      case 'batch':
        if (admitted) await this.onBatch(message.batch);
        else this.refuseOverBudget(message.batch.sequence, bytes.length);
        return;
      case 'strings':
        this.onStrings(message);
        return;
      default:
        this.fail(grpc.status.INVALID_ARGUMENT, 'empty ClientMessage (expected hello, templates or batch)', 'protocol');
    }
  }

  private onHello(hello: Parameters<CompactStreamDecoder['setHello']>[0]): void {
    if (this.helloDone) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'a second Hello on the same stream', 'protocol');
      return;
    }
    this.decoder.setHello(hello);
    this.helloDone = true;
    const svc = this.service;
    let lastAcked = 0;
    const sessionHex = hello.sessionId.toString('hex');
    if (hello.sessionId.length > 0) {
      this.session = svc.sessions.get(`${this.decoder.serviceName}\u0000${this.decoder.serviceInstanceId}\u0000${sessionHex}`);
      lastAcked = this.session.highWater;
    }
    this.scope = streamSenderScope(this.decoder.serviceInstanceId, sessionHex, randomUUID());
    this.decoder.senderScope = this.scope;
    this.send(encodeHelloAck(svc.collectorId, lastAcked, svc.maxTemplates));
    const control = svc.controlFor(this.decoder.serviceName, this.scope, this.scope !== this.decoder.serviceInstanceId);
    if (control !== undefined && this.send(control)) svc.counters.controlSent.inc({ receiver: svc.id });
  }

  private onTemplates(message: { templates: Parameters<CompactStreamDecoder['define']>[0]; reset: boolean }): void {
    if (!this.helloDone) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'template definitions before the Hello', 'protocol');
      return;
    }
    const svc = this.service;
    this.definitionsReceived += message.templates.length;
    if (this.definitionsReceived > this.limits.maxDefinitionsPerStream) {
      svc.templates?.countRefused('stream_limit', message.templates.length);
      this.fail(
        grpc.status.RESOURCE_EXHAUSTED,
        `more than ${this.limits.maxDefinitionsPerStream} template definitions on one stream (service.templates.max_definitions_per_stream); open a new stream`,
        'limit',
      );
      return;
    }
    let defined;
    const charsBefore = this.decoder.templateTextChars;
    const bytesBefore = this.decoder.heldBytes;
    try {
      defined = this.decoder.define(message.templates, message.reset);
    } catch (err) {
      svc.addStreamHeld(this.decoder.templateTextChars - charsBefore, this.decoder.heldBytes - bytesBefore);
      if (err instanceof TemplateTooLong) svc.templates?.countRefused('text_too_long');
      this.fail(grpc.status.INVALID_ARGUMENT, `invalid template definitions: ${errorMessage(err)}`, 'malformed');
      return;
    }
    svc.counters.templates.inc({ receiver: svc.id }, defined.length);
    const held = this.decoder.templateTextChars;
    const allStreams = svc.addStreamHeld(held - charsBefore, this.decoder.heldBytes - bytesBefore);
    const over =
      held > this.limits.maxTextPerStream
        ? `${this.limits.maxTextPerStream} characters on one stream (service.templates.max_text_per_stream)`
        : allStreams.text > this.limits.maxTextAllStreams
          ? `${this.limits.maxTextAllStreams} characters over all open streams (service.templates.max_text_all_streams)`
          : this.overBytesAllStreams(allStreams.bytes);
    if (over !== undefined) {
      svc.templates?.countRefused('stream_limit', defined.length);
      this.fail(grpc.status.RESOURCE_EXHAUSTED, `template definitions hold more than ${over}; open a new stream and define only what is used`, 'limit');
    }
  }

  /** Dictionary strings (interned attribute keys and values): held as long as the stream, so under max_bytes_all_streams too. */
  private onStrings(message: { firstIndex: number; values: string[] }): void {
    if (!this.helloDone) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'string definitions before the Hello', 'protocol');
      return;
    }
    const bytesBefore = this.decoder.heldBytes;
    try {
      this.decoder.defineStrings(message.firstIndex, message.values);
    } catch (err) {
      this.service.addStreamHeld(0, this.decoder.heldBytes - bytesBefore);
      this.fail(grpc.status.INVALID_ARGUMENT, `invalid string definitions: ${errorMessage(err)}`, 'malformed');
      return;
    }
    const over = this.overBytesAllStreams(this.service.addStreamHeld(0, this.decoder.heldBytes - bytesBefore).bytes);
    if (over !== undefined) this.fail(grpc.status.RESOURCE_EXHAUSTED, `string definitions hold more than ${over}; open a new stream`, 'limit');
  }

  /** The limit's description when the open streams hold more than max_bytes_all_streams; undefined within it. */
  private overBytesAllStreams(bytes: number): string | undefined {
    return bytes > this.limits.maxBytesAllStreams ? `${this.limits.maxBytesAllStreams} bytes over all open streams (service.templates.max_bytes_all_streams)` : undefined;
  }

  /**
   * Puts the templates the batch uses into the collector-wide dictionary (a no-op
   * for those already there); records of a template it does not admit become
   * untemplated (their Body is already rendered), counted.
   */
  private admitTemplates(decoded: DecodedBatch, dictionary: TemplateDictionary): void {
    const service = this.decoder.serviceName;
    let refused: Set<bigint> | undefined;
    for (const t of decoded.usedTemplates) {
      if (dictionary.has(service, t.id)) continue;
      const entry = dictionary.define({
        id: t.id,
        service,
        text: t.text,
        source: 'sdk',
        severityNumber: t.severityNumber,
        severityText: t.severityText,
        function: t.function,
        location: t.location,
      });
      if (entry === undefined) (refused ??= new Set()).add(t.id);
    }
    if (refused === undefined) return;
    const batch = decoded.batch;
    let untemplated = 0;
    for (let i = 0; i < batch.length; i++) {
      if (batch.templateId[i] !== 0n && refused.has(batch.templateId[i])) {
        bodyOf(batch, i); // built from the arguments about to be dropped
        batch.templateId[i] = 0n;
        batch.templateArgs[i] = [];
        untemplated++;
      }
    }
    dictionary.countUntemplated('refused', untemplated);
  }

  /** Drops and mutes the SDK reported in a batch accepted now (a resent duplicate is not counted again). */
  private countSdkDrops(decoded: { droppedSinceLast: number; mutedCounts: readonly { count: number; reason: number }[] }): void {
    const svc = this.service;
    const service = this.decoder.serviceName;
    if (decoded.droppedSinceLast > 0) svc.counters.sdkDropped.inc({ receiver: svc.id, service }, decoded.droppedSinceLast);
    for (const m of decoded.mutedCounts) svc.counters.sdkMuted.inc({ receiver: svc.id, service, reason: muteReasonName(m.reason) }, m.count);
  }

  /** Acks a batch that did not fit the receiver's byte budget with RESOURCE_EXHAUSTED and a retry delay (the SDK resends it). */
  private refuseOverBudget(sequence: number, bytes: number): void {
    const svc = this.service;
    if (!this.helloDone) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'a RecordBatch before the Hello', 'protocol');
      return;
    }
    svc.counters.batches.inc({ receiver: svc.id, outcome: 'refused' });
    svc.admission?.refusedBytes('grpc', bytes);
    const limit = svc.admission?.limits.maxInFlightBytes ?? 0;
    this.send(encodeAck(sequence, GrpcCode.RESOURCE_EXHAUSTED, `the receiver holds its most request bytes (max_in_flight_bytes ${limit}); retry later`, ADMISSION_RETRY_MS));
  }

  private async onBatch(raw: Parameters<CompactStreamDecoder['decode']>[0]): Promise<void> {
    const svc = this.service;
    if (!this.helloDone) {
      this.fail(grpc.status.INVALID_ARGUMENT, 'a RecordBatch before the Hello', 'protocol');
      return;
    }
    let decoded;
    try {
      decoded = this.decoder.decode(raw, svc.ingest.templateAttributesNeeded());
    } catch (err) {
      if (err instanceof Malformed) this.fail(grpc.status.INVALID_ARGUMENT, `invalid RecordBatch ${raw.sequence}: ${errorMessage(err)}`, 'malformed');
      else this.fail(grpc.status.INTERNAL, `internal error decoding RecordBatch ${raw.sequence}: ${errorMessage(err)}`, 'internal');
      return;
    }
    if (svc.isClosing) return; // not acknowledged: the SDK resends it to the next collector
    const dictionary = svc.templates;
    if (dictionary !== undefined && decoded.usedTemplates.length > 0) this.admitTemplates(decoded, dictionary);
    if (decoded.mutedCounts.length > 0) {
      const now = BigInt(Date.now()) * 1_000_000n;
      for (const m of decoded.mutedCounts) {
        appendMutedReport(decoded.builder, decoded.resourceIndex, decoded.scopeIndex, { templateId: m.templateId, function: m.function, count: m.count, reason: muteReasonName(m.reason) }, now);
      }
    }
    const consume = () => svc.ingest.consume('grpc', decoded.batch);
    try {
      const outcome = this.session ? await svc.sessions.runOnce(this.session, decoded.sequence, consume) : (await consume(), 'accepted' as const);
      svc.counters.batches.inc({ receiver: svc.id, outcome });
      if (outcome === 'accepted') this.countSdkDrops(decoded);
      this.send(encodeAck(decoded.sequence));
    } catch (err) {
      svc.counters.batches.inc({ receiver: svc.id, outcome: 'refused' });
      const code = grpcStatusFor(err);
      let retryAfterMs = 0;
      if (err instanceof RetryableError && err.retryAfterMs !== undefined) retryAfterMs = err.retryAfterMs;
      else if (code === GrpcCode.RESOURCE_EXHAUSTED && !isPermanent(err)) retryAfterMs = DEFAULT_EXHAUSTED_RETRY_MS;
      this.send(encodeAck(decoded.sequence, code, errorMessage(err), retryAfterMs));
    }
  }
}
