/**
 * The otlp receiver's admission limits, shared by both protocols and every
 * connection, so no number of clients can make the receiver hold more than a
 * known amount:
 *
 *   - bytes in flight (limits.max_in_flight_bytes): request bytes the receiver
 *     holds, from the moment a request is admitted until the next consumer
 *     answered it: an OTLP/gRPC Export message, an OTLP/HTTP body (its declared
 *     length, reserved before the body is read, plus its decompressed size), a
 *     compact stream message (queued or being handled). A request that does not
 *     fit is refused at once, retryable: RESOURCE_EXHAUSTED with a RetryInfo
 *     delay (gRPC; on a compact stream, the batch's Ack) or 429 with Retry-After
 *     (HTTP). One request is always admitted when nothing else is in flight, so
 *     a message as large as max_recv_msg_size never starves.
 *   - concurrent gRPC calls (protocols.grpc.max_concurrent_streams): OTLP Export
 *     calls and compact streams in progress, across all connections; beyond it a
 *     call ends with RESOURCE_EXHAUSTED before any handler runs.
 *
 * Every refusal is counted in
 *   logfun_receiver_refused_requests_total{receiver,protocol,reason}
 *     reason = max_in_flight_bytes | max_concurrent_streams | max_connections | timeout (and auth, auth.ts)
 * and the current use is exposed as gauges
 *   logfun_receiver_in_flight_bytes{receiver}, logfun_receiver_grpc_calls_active{receiver}.
 */
import type { CreateSettings, DiagLogger } from '../../pipeline/component';
import type { Counter } from '../../telemetry/metrics';
import type { Protocol } from './ingest';

export const DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT_STREAMS = 256;

/** Delay suggested to a refused sender (gRPC RetryInfo, HTTP Retry-After). */
export const ADMISSION_RETRY_MS = 1000;

export type RefusalReason = 'max_in_flight_bytes' | 'max_concurrent_streams' | 'max_connections' | 'timeout';

/** How often refusals of one kind are logged (the counter sees every one). */
const LOG_INTERVAL_MS = 10_000;

export interface AdmissionLimits {
  maxInFlightBytes: number;
  maxConcurrentStreams: number;
}

export class ReceiverAdmission {
  private inFlight = 0;
  private calls = 0;
  private readonly id: string;
  private readonly refusedCounter: Counter | undefined;
  private readonly bytesGauge: Counter | undefined;
  private readonly callsGauge: Counter | undefined;
  private readonly logger: DiagLogger | undefined;
  private readonly lastLogged = new Map<string, number>();

  /** Without settings (tests building servers by hand) the limits apply, uncounted. */
  constructor(
    readonly limits: AdmissionLimits,
    settings?: CreateSettings,
  ) {
    this.id = settings?.id ?? '';
    this.logger = settings?.logger;
    const m = settings?.metrics;
    this.refusedCounter = m?.counter('logfun_receiver_refused_requests_total', 'Requests refused before decoding, by protocol and reason (auth, max_in_flight_bytes, max_concurrent_streams, max_connections, timeout)');
    this.bytesGauge = m?.gauge('logfun_receiver_in_flight_bytes', 'Request bytes the receiver holds now (admitted, not yet answered by the next consumer)');
    this.callsGauge = m?.gauge('logfun_receiver_grpc_calls_active', 'gRPC calls (OTLP Export calls and compact streams) in progress now');
    this.bytesGauge?.set({ receiver: this.id }, 0);
    this.callsGauge?.set({ receiver: this.id }, 0);
  }

  get inFlightBytes(): number {
    return this.inFlight;
  }

  get activeCalls(): number {
    return this.calls;
  }

  /**
   * Reserves `bytes` of the in-flight budget; false when they do not fit,
   * counted as a refusal unless `count` is false (the caller then decides
   * whether the request is refused, and counts it with refused()). Every true
   * must be matched by release(bytes).
   */
  reserve(protocol: Protocol, bytes: number, count = true): boolean {
    if (this.inFlight > 0 && this.inFlight + bytes > this.limits.maxInFlightBytes) {
      if (count) this.refusedBytes(protocol, bytes);
      return false;
    }
    this.inFlight += bytes;
    this.bytesGauge?.set({ receiver: this.id }, this.inFlight);
    return true;
  }

  /** Counts a request refused because `bytes` did not fit the in-flight budget. */
  refusedBytes(protocol: Protocol, bytes: number): void {
    this.refused(protocol, 'max_in_flight_bytes', `${bytes} more request bytes would pass max_in_flight_bytes (${this.limits.maxInFlightBytes}; ${this.inFlight} in flight)`);
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    this.bytesGauge?.set({ receiver: this.id }, this.inFlight);
  }

  /** Admits one more gRPC call; false (counted) at max_concurrent_streams. Every true must be matched by closeCall(). */
  openCall(): boolean {
    if (this.calls >= this.limits.maxConcurrentStreams) {
      this.refused('grpc', 'max_concurrent_streams', `${this.calls} gRPC calls in progress (max_concurrent_streams)`);
      return false;
    }
    this.calls++;
    this.callsGauge?.set({ receiver: this.id }, this.calls);
    return true;
  }

  closeCall(): void {
    this.calls = Math.max(0, this.calls - 1);
    this.callsGauge?.set({ receiver: this.id }, this.calls);
  }

  /** Counts (and, rate-limited, logs) a refusal decided elsewhere (HTTP connection cap, timeouts). */
  refused(protocol: Protocol, reason: RefusalReason, detail: string): void {
    this.refusedCounter?.inc({ receiver: this.id, protocol, reason });
    const key = `${protocol}:${reason}`;
    const now = Date.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < LOG_INTERVAL_MS) return;
    this.lastLogged.set(key, now);
    this.logger?.warn('otlp receiver: request refused', { receiver: this.id, protocol, reason, detail });
  }
}
