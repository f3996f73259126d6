/**
 * OpenTelemetry Logs API on the logfun pipeline: `LogfunLoggerProvider`
 * implements @opentelemetry/api-logs LoggerProvider (and its Logger), so
 * `logs.setGlobalLoggerProvider(provider)` makes OTel-API code (log appenders,
 * instrumentations) log through the same buffer, batching and transport.
 *
 * emit() maps LogRecord fields the way the OpenTelemetry JS SDK does:
 *   timestamp / observedTimestamp: TimeInput (HrTime exact; number = epoch ms,
 *     or performance.now()-relative ms when below timeOrigin/2; Date), both
 *     default to one "now";
 *   severityNumber (0 when absent), severityText ('' when absent, never derived);
 *   body: any AnyValue, kept as is (deep-copied);
 *   attributes: AnyValues; empty keys and non-AnyValue values are refused and
 *     counted in dropped_attributes_count (the OTel SDK drops them uncounted);
 *   exception: exception.type (code or name) / .message / .stacktrace unless set;
 *   eventName; context (or the active context) -> trace id, span id, trace flags
 *     when the span context is valid.
 * Records below the provider's level are skipped (UNSPECIFIED severity always passes).
 */
import type { Logger as ApiLogger, LoggerProvider, LoggerOptions, LogRecord } from '@opentelemetry/api-logs';
import { context as otelContext, trace, isSpanContextValid, type Context, type TimeInput } from '@opentelemetry/api';
import { performance } from 'perf_hooks';
import type { Pipeline } from './pipeline';
import { nowMs } from './clock';
import type { InstrumentationScope } from './resource';
import { thresholdOf, levelOfThreshold, type LevelThreshold } from '../protocol/severity';
import { captureAnyValue, captureAttributesStrict, estimateAnyValueBytes } from '../protocol/values';

const API_RECORD_BYTES = 64;

/** TimeInput to [seconds, nanoseconds], as @opentelemetry/core's timeInputToHrTime. */
export function timeInputToSecNano(time: TimeInput): [number, number] {
  if (Array.isArray(time) && time.length === 2 && typeof time[0] === 'number' && typeof time[1] === 'number') {
    let [sec, nano] = time;
    if (nano >= 1e9 || nano < 0) {
      sec += Math.floor(nano / 1e9);
      nano = ((nano % 1e9) + 1e9) % 1e9;
    }
    return [sec, nano];
  }
  let ms: number;
  if (typeof time === 'number') ms = time < performance.timeOrigin / 2 ? performance.timeOrigin + time : time;
  else if (time instanceof Date) ms = time.getTime();
  else throw new TypeError('logfun: invalid TimeInput');
  return msToSecNano(ms);
}

function msToSecNano(ms: number): [number, number] {
  // Same split as @opentelemetry/core millisToHrTime (trunc seconds, rounded nanoseconds).
  const sec = Math.trunc(ms / 1000);
  let nano = Math.round((ms % 1000) * 1e6);
  if (nano < 0) return [sec - 1, nano + 1e9];
  if (nano >= 1e9) return [sec + 1, nano - 1e9];
  return [sec, nano];
}

class LogfunApiLogger implements ApiLogger {
  constructor(
    private readonly provider: LogfunLoggerProvider,
    private readonly pipeline: Pipeline,
    private readonly scope: InstrumentationScope,
  ) {}

  emit(record: LogRecord): void {
    const severity = record.severityNumber ?? 0;
    if (severity !== 0 && severity < this.provider.minSeverity) return;
    const now = nowMs();
    const [timeSec, timeNano] = record.timestamp !== undefined ? timeInputToSecNano(record.timestamp) : msToSecNano(now);
    const [observedSec, observedNano] =
      record.observedTimestamp !== undefined ? timeInputToSecNano(record.observedTimestamp) : msToSecNano(now);
    const ctx: Context = record.context ?? otelContext.active();
    const sc = trace.getSpanContext(ctx);
    const spanContext = sc !== undefined && isSpanContextValid(sc) ? sc : undefined;
    const body = record.body === undefined ? undefined : captureAnyValue(record.body);
    const attrs = captureAttributesStrict(record.attributes as Record<string, unknown> | undefined, record.exception);
    const bytes = API_RECORD_BYTES + attrs.bytes + estimateAnyValueBytes(body);
    this.pipeline.writeApiRecord(
      severity,
      timeSec,
      timeNano,
      { observedSec, observedNano, severityText: record.severityText ?? '', body, eventName: record.eventName ?? '' },
      attrs,
      this.scope,
      spanContext,
      bytes,
    );
  }

  enabled(options?: { context?: Context; severityNumber?: number; eventName?: string }): boolean {
    if (this.pipeline.isShutdown) return false;
    const severity = options?.severityNumber;
    return !(typeof severity === 'number' && severity !== 0 && severity < this.provider.minSeverity);
  }
}

export class LogfunLoggerProvider implements LoggerProvider {
  /** @internal read by its loggers */
  minSeverity: number;
  private readonly loggers = new Map<string, LogfunApiLogger>();

  constructor(
    private readonly pipeline: Pipeline,
    level: LevelThreshold = 'trace',
  ) {
    this.minSeverity = thresholdOf(level);
  }

  /** Threshold for records emitted through the OTel API (UNSPECIFIED severity always passes). */
  get level(): LevelThreshold {
    return levelOfThreshold(this.minSeverity);
  }

  set level(level: LevelThreshold) {
    this.minSeverity = thresholdOf(level);
  }

  getLogger(name: string, version?: string, options?: LoggerOptions): ApiLogger {
    const scopeAttributes = options?.attributes ? captureAttributesStrict(options.attributes as Record<string, unknown>) : undefined;
    const key = `${name}\u0000${version ?? ''}\u0000${options?.schemaUrl ?? ''}\u0000${
      scopeAttributes ? JSON.stringify([scopeAttributes.keys, scopeAttributes.values], (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) : ''
    }`;
    let logger = this.loggers.get(key);
    if (logger === undefined) {
      const scope: InstrumentationScope = Object.freeze({
        name,
        version: version ?? '',
        schemaUrl: options?.schemaUrl ?? '',
        attributes: scopeAttributes && scopeAttributes.keys.length > 0 ? scopeAttributes : undefined,
      });
      logger = new LogfunApiLogger(this, this.pipeline, scope);
      this.loggers.set(key, logger);
    }
    return logger;
  }

  /** Exports everything buffered (the whole pipeline, shared with the logfun logger). */
  async forceFlush(): Promise<void> {
    await this.pipeline.flush();
  }

  /** Shuts the shared pipeline down (the logfun logger stops too). */
  shutdown(): Promise<void> {
    return this.pipeline.shutdown();
  }
}
