/**
 * The otlp receiver: OTLP/gRPC and/or OTLP/HTTP in front of the next consumer.
 * Senders are acknowledged only after next.consumeLogs resolved; every request
 * and record is counted (see ingest.ts). A bad request never stops the servers.
 *
 * Content limits (config `limits`, collector/otlp/limits.ts) are applied while
 * decoding; what they changed is counted (label receiver, protocol):
 *   logfun_receiver_dropped_attributes_total           attributes over max_attributes_per_record
 *   logfun_receiver_truncated_attribute_values_total   values cut to max_attribute_value_length
 *   logfun_receiver_invalid_utf8_total                 strings (JSON: bodies) with invalid UTF-8 replaced by U+FFFD
 *
 * Per protocol, `tls` and `auth` (bearer token) secure the port; requests refused
 * for a missing or wrong token are counted in
 * logfun_receiver_refused_requests_total{receiver,protocol,reason="auth"} (auth.ts).
 *
 * Admission (admission.ts), one for both protocols: limits.max_in_flight_bytes,
 * protocols.grpc.max_concurrent_streams; the HTTP server adds its connection cap
 * and timeouts. Refusals are retryable and counted in the same metric.
 */
import { isUtf8 } from 'buffer';
import type { LogBatch } from '../../pipeline/batch';
import type { Component, CreateSettings, Host, LogsConsumer } from '../../pipeline/component';
import type { Counter } from '../../telemetry/metrics';
import { decodeExportRequest, decodeExportRequestJson } from '../../otlp/convert';
import { newDecodeStats, type DecodeLimits, type DecodeStats } from '../../otlp/limits';
import { admissionLimitsOf, decodeLimitsOf, type OtlpReceiverConfig } from './config';
import { ReceiverAdmission } from './admission';
import { OtlpGrpcServer } from './grpc-server';
import { OtlpHttpServer } from './http-server';
import { ReceiverIngest, type Protocol } from './ingest';
import { LogfunIngestService } from './logfun-ingest';
import { pushControlToSdks } from '../../control/sdk-push';
import { ReceiverAuth } from './auth';

/** Decodes OTLP requests under the receiver's limits and counts what the limits changed. Throws PermanentError. */
export class OtlpRequestDecoder {
  private readonly droppedAttributes: Counter;
  private readonly truncatedValues: Counter;
  private readonly invalidUtf8: Counter;
  private readonly id: string;

  constructor(
    settings: CreateSettings,
    readonly limits: DecodeLimits,
  ) {
    const m = settings.metrics;
    this.id = settings.id;
    this.droppedAttributes = m.counter('logfun_receiver_dropped_attributes_total', 'Attributes dropped over max_attributes_per_record');
    this.truncatedValues = m.counter('logfun_receiver_truncated_attribute_values_total', 'Attribute values truncated to max_attribute_value_length');
    this.invalidUtf8 = m.counter('logfun_receiver_invalid_utf8_total', 'Strings (OTLP/JSON: request bodies) whose invalid UTF-8 was replaced with U+FFFD');
  }

  protobuf(protocol: Protocol, body: Uint8Array): LogBatch {
    const stats = newDecodeStats();
    const batch = decodeExportRequest(body, { limits: this.limits, stats });
    this.count(protocol, stats);
    return batch;
  }

  /** `body` is the raw (decompressed) request body, UTF-8 by the OTLP/JSON spec. */
  json(protocol: Protocol, body: Buffer): LogBatch {
    const stats = newDecodeStats();
    if (!isUtf8(body)) stats.invalidUtf8++;
    try {
      return decodeExportRequestJson(body.toString('utf8'), { limits: this.limits, stats });
    } finally {
      this.count(protocol, stats);
    }
  }

  private count(protocol: Protocol, stats: DecodeStats): void {
    const labels = { receiver: this.id, protocol };
    if (stats.droppedAttributes > 0) this.droppedAttributes.inc(labels, stats.droppedAttributes);
    if (stats.truncatedValues > 0) this.truncatedValues.inc(labels, stats.truncatedValues);
    if (stats.invalidUtf8 > 0) this.invalidUtf8.inc(labels, stats.invalidUtf8);
  }
}

/** How long shutdown waits for in-flight requests before cutting them off. */
const SHUTDOWN_GRACE_MS = 5000;

export class OtlpReceiver implements Component {
  private readonly grpcServer: OtlpGrpcServer | undefined;
  private readonly httpServer: OtlpHttpServer | undefined;
  private readonly compact: LogfunIngestService | undefined;
  private stopping: Promise<void> | undefined;
  /** Disconnects the control plane from the compact streams (set while started with a plane). */
  private stopControlPush: (() => void) | undefined;

  constructor(settings: CreateSettings, config: OtlpReceiverConfig, next: LogsConsumer) {
    const ingest = new ReceiverIngest(settings, next);
    const decoder = new OtlpRequestDecoder(settings, decodeLimitsOf(config));
    const admission = new ReceiverAdmission(admissionLimitsOf(config), settings);
    const grpc = config.protocols.grpc;
    if (grpc && grpc.logfun_ingest !== false) this.compact = new LogfunIngestService(settings, ingest);
    if (grpc) this.grpcServer = new OtlpGrpcServer(grpc, ingest, this.compact, decoder, ReceiverAuth.of(settings, 'grpc', grpc.auth), admission);
    const http = config.protocols.http;
    if (http) this.httpServer = new OtlpHttpServer(http, ingest, decoder, ReceiverAuth.of(settings, 'http', http.auth), admission);
  }

  /** Port the gRPC server is bound to (resolved when the endpoint asked for port 0); undefined when disabled or not started. */
  get grpcPort(): number | undefined {
    return this.grpcServer?.port;
  }

  /** Port the HTTP server is bound to; undefined when disabled or not started. */
  get httpPort(): number | undefined {
    return this.httpServer?.port;
  }

  /** The compact protocol service (logfun.v1.Ingest) on the gRPC port; undefined when disabled. */
  get logfunIngest(): LogfunIngestService | undefined {
    return this.compact;
  }

  async start(host: Host): Promise<void> {
    if (this.stopping) throw new Error('otlp receiver: cannot start after shutdown');
    this.compact?.start(host);
    // The control plane's rules go down the compact streams: at every change, and to each new stream after its Hello.
    if (this.compact && host.control) this.stopControlPush = pushControlToSdks(host.control, this.compact, host.logger);
    try {
      await this.grpcServer?.start();
      await this.httpServer?.start();
    } catch (err) {
      await this.shutdown();
      throw err;
    }
  }

  shutdown(): Promise<void> {
    this.stopControlPush?.();
    this.stopControlPush = undefined;
    this.stopping ??= Promise.all([this.grpcServer?.shutdown(SHUTDOWN_GRACE_MS), this.httpServer?.shutdown(SHUTDOWN_GRACE_MS)]).then(() => undefined);
    return this.stopping;
  }
}
