/**
 * The otlp exporter: sends batches to an OTLP/gRPC endpoint (another collector,
 * or any OTLP backend) with LogsService/Export.
 *
 * Failures are classified as the OTLP spec says: UNAVAILABLE, CANCELLED,
 * DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, DATA_LOSS are retryable, and
 * RESOURCE_EXHAUSTED when the server attached a RetryInfo; everything else
 * (INVALID_ARGUMENT, UNAUTHENTICATED, RESOURCE_EXHAUSTED without RetryInfo for
 * an oversized message, ...) is permanent. Retryable failures are retried with
 * exponential backoff and jitter, waiting at least the server's RetryInfo
 * delay, until max_elapsed_time; then consumeLogs rejects with RetryableError
 * so the stage before decides. Permanent failures reject with PermanentError.
 *
 * consumeLogs resolves only once the endpoint acknowledged the batch, so
 * backpressure reaches the receivers.
 *
 * Metrics (label exporter=<id>): logfun_exporter_sent_records_total,
 * logfun_exporter_send_failed_records_total{reason=permanent|retries_exhausted|shutdown|partial},
 * logfun_exporter_send_retries_total.
 */
import * as fs from 'fs';
import * as grpc from '@grpc/grpc-js';
import { LOGS_SERVICE_EXPORT_PATH, longToBigInt, OTLP } from '../../../protocol/protos';
import { parseDuration } from '../../config/units';
import type { LogBatch } from '../../pipeline/batch';
import type { CreateSettings, DiagLogger, Exporter, Host } from '../../pipeline/component';
import { PermanentError, RetryableError } from '../../pipeline/errors';
import type { Counter } from '../../telemetry/metrics';
import { encodeExportRequest } from '../../otlp/convert';
import { decodeRpcStatus, GRPC_STATUS_DETAILS_KEY } from '../../otlp/status';
import { resolveTarget, type OtlpExporterConfig } from './config';

const identity = (b: Buffer): Buffer => b;

const RETRYABLE_CODES = new Set<number>([
  grpc.status.CANCELLED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.ABORTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.UNAVAILABLE,
  grpc.status.DATA_LOSS,
]);

interface AttemptFailure {
  retryable: boolean;
  /** Server-suggested delay (RetryInfo), if any. */
  retryDelayMs?: number;
  message: string;
}

export class OtlpExporter implements Exporter {
  private client: grpc.Client | undefined;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly retry: { enabled: boolean; initialMs: number; maxMs: number; maxElapsedMs: number; multiplier: number; jitter: number };
  private readonly metadata = new grpc.Metadata();
  /** Wakes sleeping retries when the exporter shuts down. */
  private readonly sleepers = new Set<() => void>();
  private readonly sent: Counter;
  private readonly failed: Counter;
  private readonly retries: Counter;
  private readonly logger: DiagLogger;
  private readonly id: string;

  constructor(
    settings: CreateSettings,
    private readonly config: OtlpExporterConfig,
  ) {
    this.id = settings.id;
    this.logger = settings.logger;
    this.timeoutMs = parseDuration(config.timeout, 'timeout');
    const r = config.retry_on_failure;
    this.retry = {
      enabled: r.enabled,
      initialMs: parseDuration(r.initial_interval, 'retry_on_failure.initial_interval'),
      maxMs: parseDuration(r.max_interval, 'retry_on_failure.max_interval'),
      maxElapsedMs: parseDuration(r.max_elapsed_time, 'retry_on_failure.max_elapsed_time'),
      multiplier: r.multiplier,
      jitter: r.randomization_factor,
    };
    for (const [k, v] of Object.entries(config.headers ?? {})) this.metadata.set(k.toLowerCase(), v);
    const m = settings.metrics;
    this.sent = m.counter('logfun_exporter_sent_records_total', 'Log records an exporter delivered');
    this.failed = m.counter('logfun_exporter_send_failed_records_total', 'Log records an exporter failed to deliver, by reason');
    this.retries = m.counter('logfun_exporter_send_retries_total', 'Retried export attempts');
  }

  async start(_host: Host): Promise<void> {
    if (this.closed || this.client) return;
    const { target, tls } = resolveTarget(this.config);
    const options: grpc.ChannelOptions = {
      // Sending is bounded by the receiving side's limit; ours must not refuse first.
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    };
    if (this.config.compression === 'gzip') options['grpc.default_compression_algorithm'] = grpc.compressionAlgorithms.gzip;
    if (this.config.tls.server_name_override) options['grpc.ssl_target_name_override'] = this.config.tls.server_name_override;
    this.client = new grpc.Client(target, tls ? this.tlsCredentials() : grpc.credentials.createInsecure(), options);
  }

  private tlsCredentials(): grpc.ChannelCredentials {
    const t = this.config.tls;
    const read = (file: string, what: string): Buffer | null => {
      if (!file) return null;
      try {
        return fs.readFileSync(file);
      } catch (e) {
        throw new Error(`otlp exporter ${this.id}: cannot read tls.${what} ${file}: ${(e as Error).message}`);
      }
    };
    const verify: grpc.VerifyOptions = t.insecure_skip_verify ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {};
    return grpc.credentials.createSsl(read(t.ca_file, 'ca_file'), read(t.key_file, 'key_file'), read(t.cert_file, 'cert_file'), verify);
  }

  async consumeLogs(batch: LogBatch): Promise<void> {
    const records = batch.length;
    if (records === 0) return;
    if (this.closed || !this.client) {
      this.failed.inc({ exporter: this.id, reason: 'shutdown' }, records);
      throw new RetryableError(`otlp exporter ${this.id} is ${this.closed ? 'shut down' : 'not started'}`);
    }
    const encoded = encodeExportRequest(batch);
    const payload = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const started = Date.now();
    let intervalMs = this.retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(payload, records);
      if (!failure) return;
      if (!failure.retryable) {
        this.failed.inc({ exporter: this.id, reason: 'permanent' }, records);
        throw new PermanentError(`otlp exporter ${this.id}: endpoint refused ${records} records: ${failure.message}`, 'rejected');
      }
      const jittered = intervalMs * (1 - this.retry.jitter + 2 * this.retry.jitter * Math.random());
      const delayMs = Math.max(jittered, failure.retryDelayMs ?? 0);
      const elapsed = Date.now() - started;
      const outOfTime = this.retry.maxElapsedMs > 0 && elapsed + delayMs > this.retry.maxElapsedMs;
      if (!this.retry.enabled || outOfTime || this.closed) {
        const reason = this.closed ? 'shutdown' : 'retries_exhausted';
        this.failed.inc({ exporter: this.id, reason }, records);
        throw new RetryableError(
          `otlp exporter ${this.id}: ${records} records not delivered after ${attempt} attempt(s): ${failure.message}`,
          failure.retryDelayMs,
        );
      }
      this.retries.inc({ exporter: this.id });
      this.logger.warn('otlp exporter: export failed, will retry', { exporter: this.id, attempt, delay_ms: Math.round(delayMs), error: failure.message });
      await this.sleep(delayMs);
      intervalMs = Math.min(intervalMs * this.retry.multiplier, this.retry.maxMs);
    }
  }

  /** One Export call; undefined on success. */
  private attempt(payload: Buffer, records: number): Promise<AttemptFailure | undefined> {
    const client = this.client;
    if (!client || this.closed) return Promise.resolve({ retryable: true, message: 'exporter shut down' });
    return new Promise((resolve) => {
      client.makeUnaryRequest<Buffer, Buffer>(
        LOGS_SERVICE_EXPORT_PATH,
        identity,
        identity,
        payload,
        this.metadata,
        { deadline: Date.now() + this.timeoutMs },
        (err, response) => {
          if (err) {
            resolve(classify(err));
            return;
          }
          this.countPartialSuccess(response, records);
          resolve(undefined);
        },
      );
    });
  }

  /** A partial success is final (the spec forbids retrying it): count the rejected records and log why. */
  private countPartialSuccess(response: Buffer | undefined, records: number): void {
    let rejected = 0;
    let message = '';
    if (response && response.length > 0) {
      try {
        const decoded = OTLP.ExportLogsServiceResponse.decode(response) as unknown as {
          partialSuccess?: { rejectedLogRecords: unknown; errorMessage: string } | null;
        };
        if (decoded.partialSuccess) {
          rejected = Number(longToBigInt(decoded.partialSuccess.rejectedLogRecords, false));
          message = decoded.partialSuccess.errorMessage;
        }
      } catch {
        // An unreadable response to an accepted request still means accepted.
      }
    }
    rejected = Math.min(Math.max(rejected, 0), records);
    if (rejected > 0) {
      this.failed.inc({ exporter: this.id, reason: 'partial' }, rejected);
      this.logger.warn('otlp exporter: endpoint rejected part of a batch', { exporter: this.id, rejected, error: message });
    }
    this.sent.inc({ exporter: this.id }, records - rejected);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.sleepers]) wake();
    this.client?.close();
    this.client = undefined;
  }
}

function classify(err: grpc.ServiceError): AttemptFailure {
  const message = `${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`;
  let retryDelayMs: number | undefined;
  const details = err.metadata?.get(GRPC_STATUS_DETAILS_KEY)[0];
  if (details instanceof Buffer) retryDelayMs = decodeRpcStatus(details)?.retryDelayMs;
  if (RETRYABLE_CODES.has(err.code)) return { retryable: true, retryDelayMs, message };
  if (err.code === grpc.status.RESOURCE_EXHAUSTED && retryDelayMs !== undefined) return { retryable: true, retryDelayMs, message };
  return { retryable: false, message };
}
