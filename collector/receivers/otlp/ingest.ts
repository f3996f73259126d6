/**
 * What both transports of the otlp receiver share: handing a decoded batch to
 * the next consumer, and counting every request and record.
 *
 * Metrics (label receiver=<component id>):
 *   logfun_receiver_received_records_total{protocol}           records decoded from well-formed requests
 *                                                              (= accepted + refused)
 *   logfun_receiver_accepted_records_total                     records the next consumer took
 *   logfun_receiver_refused_records_total{reason}              records the next consumer refused;
 *       reason = the error's reason (unavailable, exhausted, invalid, too_large, rejected) or "error"
 *   logfun_receiver_requests_total{protocol,outcome}           outcome = accepted | refused | bad_request
 *   logfun_receiver_bad_requests_total{protocol,reason}        reason = malformed, too_large,
 *       unsupported_media_type, unsupported_encoding, not_found, method_not_allowed, ...
 */
import type { LogBatch } from '../../pipeline/batch';
import { templateAttributesNeeded, type CreateSettings, type DiagLogger, type LogsConsumer } from '../../pipeline/component';
import { isPermanent, RetryableError } from '../../pipeline/errors';
import type { Counter } from '../../telemetry/metrics';

export type Protocol = 'grpc' | 'http';

/** How often a repeated kind of bad request is logged (counters see every one). */
const LOG_INTERVAL_MS = 10_000;

export class ReceiverIngest {
  private readonly received: Counter;
  private readonly accepted: Counter;
  private readonly refused: Counter;
  private readonly requests: Counter;
  private readonly badRequests: Counter;
  private readonly lastLogged = new Map<string, number>();
  private readonly logger: DiagLogger;
  readonly id: string;

  constructor(
    settings: CreateSettings,
    private readonly next: LogsConsumer,
  ) {
    this.id = settings.id;
    this.logger = settings.logger;
    const m = settings.metrics;
    this.received = m.counter('logfun_receiver_received_records_total', 'Log records decoded from well-formed requests (accepted + refused)');
    this.accepted = m.counter('logfun_receiver_accepted_records_total', 'Log records accepted by the next consumer');
    this.refused = m.counter('logfun_receiver_refused_records_total', 'Log records refused by the next consumer, by reason');
    this.requests = m.counter('logfun_receiver_requests_total', 'Export requests by protocol and outcome');
    this.badRequests = m.counter('logfun_receiver_bad_requests_total', 'Export requests rejected as invalid, by protocol and reason');
  }

  /** Whether the pipelines fed read the template attributes of compact records (decoders leave them out otherwise). */
  templateAttributesNeeded(): boolean {
    return templateAttributesNeeded(this.next);
  }

  /**
   * Hands the batch to the next consumer; resolves once it accepted the batch
   * (only then may the sender be acknowledged), rejects with its error.
   */
  async consume(protocol: Protocol, batch: LogBatch): Promise<void> {
    const records = batch.length;
    if (records === 0) {
      this.requests.inc({ receiver: this.id, protocol, outcome: 'accepted' });
      return;
    }
    this.received.inc({ receiver: this.id, protocol }, records);
    try {
      await this.next.consumeLogs(batch);
    } catch (err) {
      const reason = refusalReason(err);
      this.refused.inc({ receiver: this.id, reason }, records);
      this.requests.inc({ receiver: this.id, protocol, outcome: 'refused' });
      this.logRateLimited(`refused:${reason}`, 'warn', 'otlp receiver: next consumer refused records', {
        protocol,
        records,
        reason,
        error: errorMessage(err),
      });
      throw err;
    }
    this.accepted.inc({ receiver: this.id }, records);
    this.requests.inc({ receiver: this.id, protocol, outcome: 'accepted' });
  }

  /** Counts (and, rate-limited, logs) a request rejected before reaching the next consumer. */
  badRequest(protocol: Protocol, reason: string, message: string): void {
    this.badRequests.inc({ receiver: this.id, protocol, reason });
    this.requests.inc({ receiver: this.id, protocol, outcome: 'bad_request' });
    this.logRateLimited(`bad:${protocol}:${reason}`, 'warn', 'otlp receiver: bad request', { protocol, reason, error: message });
  }

  private logRateLimited(key: string, level: 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < LOG_INTERVAL_MS) return;
    this.lastLogged.set(key, now);
    this.logger[level](msg, { receiver: this.id, ...fields });
  }
}

function refusalReason(err: unknown): string {
  if (isPermanent(err)) return err.reason;
  if (err instanceof RetryableError) return err.reason;
  return 'error';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
