/**
 * createLogger(): options, defaults and validation; wires a transport, the
 * pipeline, the template registry, the root logger and the OTel LoggerProvider.
 */
import { LogfunLogger, LoggerCore, type Logger } from './logger';
import { Pipeline } from './pipeline';
import { createResource } from './resource';
import { LEVELS, type LevelThreshold } from '../protocol/severity';
import { defaultTemplateRegistry, TemplateRegistry } from './templates';
import type { Transport } from './transport';
import { ConsoleTransport } from './transports/console';
import { MemoryTransport } from './transports/memory';
import { OtlpGrpcTransport, type TlsClientOptions } from './transports/otlp-grpc';
import { FileTransport, type FileTransportOptions } from './transports/file';
import { AutoTransport, LogfunStreamTransport } from './transports/logfun-stream';
import { captureAttributes, type AttributeList, type Attributes } from '../protocol/values';
import { LogfunLoggerProvider } from './otel';

export interface CreateLoggerOptions {
  /** service.name. Default: $OTEL_SERVICE_NAME, else 'unknown_service:node'. */
  service?: string;
  /**
   * 'auto' (default): the compact logfun stream to `endpoint` when it is a logfun
   * collector, else (it answers UNIMPLEMENTED) OTLP/gRPC, said once through `diagnostics`;
   * 'logfun': the compact stream only; 'otlp': OTLP/gRPC to `endpoint` (any OTel
   * collector); 'console': pretty lines on stderr; 'memory': kept in a
   * MemoryTransport (tests); 'file': a local compressed file (`file.path`, read it
   * with `logfun decode`); or any Transport object.
   */
  transport?: 'auto' | 'logfun' | 'otlp' | 'console' | 'memory' | 'file' | Transport;
  /** transport 'file': the file (path, rotation, compression); see sdk/transports/file.ts. */
  file?: FileTransportOptions;
  /**
   * OTLP/gRPC endpoint: host:port, http://host:port, https://host:port.
   * Default: $OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, $OTEL_EXPORTER_OTLP_ENDPOINT, else localhost:4317.
   */
  endpoint?: string;
  /** Threshold. Default: $LOGFUN_LEVEL, else 'info'. Also applies to OTel-API records with a severity. */
  level?: LevelThreshold;
  /** Attributes on every record of the root logger (child loggers add more). */
  attributes?: Attributes;
  serviceVersion?: string;
  /** Default: a random UUID per process. */
  serviceInstanceId?: string;
  /** More resource attributes. */
  resource?: Attributes;
  /** OTLP and compact stream options. */
  compression?: 'gzip' | 'none';
  headers?: Record<string, string>;
  /**
   * TLS to a bare host:port endpoint (https:// turns it on by itself): true, or
   * { ca, cert, key, servername } to trust a private CA, present a client
   * certificate (mutual TLS) or check another name. Default false.
   */
  tls?: boolean | TlsClientOptions;
  /** Bearer token for the collector's ingest auth, sent as `authorization: Bearer <token>`. Default $LOGFUN_TOKEN. */
  token?: string;
  /** Deadline of one OTLP Export call (ms). Default 10000. */
  exportTimeoutMs?: number;
  /** Buffer bounds (pending + unacknowledged records). Defaults 8192 records, 16 MiB. */
  buffer?: { maxRecords?: number; maxBytes?: number };
  /** Batch bounds and the longest a record waits. Defaults 512 records, 1 MiB, 1000 ms (console 20 ms). */
  batch?: { maxRecords?: number; maxBytes?: number; delayMs?: number };
  /** Export retry backoff (exponential with jitter). Defaults 100 ms .. 5000 ms. */
  retry?: { initialBackoffMs?: number; maxBackoffMs?: number };
  /** Bound on the flush at shutdown() and at process exit (ms). Default 5000. */
  shutdownTimeoutMs?: number;
  /** Least time between two drop reports (ms). Default 10000. */
  dropReportIntervalMs?: number;
  /** Where the SDK reports its own problems (drops, failing exports). Default console.warn. */
  diagnostics?: (message: string) => void;
  /** Record code.function / code.filepath / code.lineno for tagged and printf sites. Default true. */
  captureCallSites?: boolean;
  /** Attach the active OTel span's trace/span ids. Default true. */
  traceContext?: boolean;
  /** Flush on beforeExit and report loss on exit. Default true. */
  exitHooks?: boolean;
}

/** The root logger also carries the OpenTelemetry LoggerProvider that shares its pipeline. */
export interface RootLogger extends Logger {
  /** `logs.setGlobalLoggerProvider(log.loggerProvider)` routes OTel-API records into this pipeline. */
  readonly loggerProvider: LogfunLoggerProvider;
}

const MiB = 1024 * 1024;

function positiveInteger(errors: string[], name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) errors.push(`${name} must be a positive integer (got ${JSON.stringify(v)})`);
  return v;
}

function nonNegative(errors: string[], name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) errors.push(`${name} must be a non-negative number of milliseconds (got ${JSON.stringify(v)})`);
  return v;
}

function makeTransport(options: CreateLoggerOptions, exportTimeoutMs: number, errors: string[]): Transport | undefined {
  const t = options.transport ?? 'auto';
  if (typeof t === 'object' && t !== null && typeof t.export === 'function' && typeof t.shutdown === 'function') return t;
  switch (t) {
    case 'console':
      return new ConsoleTransport();
    case 'memory':
      return new MemoryTransport();
    case 'file':
      try {
        return new FileTransport(options.file as FileTransportOptions);
      } catch (err) {
        errors.push(err instanceof Error ? err.message.replace(/^logfun: /, '') : String(err));
        return undefined;
      }
    case 'auto':
    case 'logfun':
    case 'otlp': {
      const endpoint = options.endpoint ?? process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'localhost:4317';
      if (options.compression !== undefined && options.compression !== 'gzip' && options.compression !== 'none') {
        errors.push(`compression must be 'gzip' or 'none' (got ${JSON.stringify(options.compression)})`);
        return undefined;
      }
      const token = options.token ?? (process.env.LOGFUN_TOKEN || undefined);
      const transportOptions = { endpoint, compression: options.compression, headers: options.headers, tls: options.tls, token, exportTimeoutMs };
      try {
        if (t === 'auto') return new AutoTransport(transportOptions);
        if (t === 'logfun') return new LogfunStreamTransport(transportOptions);
        return new OtlpGrpcTransport(transportOptions);
      } catch (err) {
        errors.push(err instanceof Error ? err.message.replace(/^logfun: /, '') : String(err));
        return undefined;
      }
    }
    default:
      errors.push(`transport must be 'auto', 'logfun', 'otlp', 'console', 'memory', 'file' or a Transport object (got ${JSON.stringify(t)})`);
      return undefined;
  }
}

/** Creates a logger and its pipeline. Throws one Error listing every invalid option. */
export function createLogger(options: CreateLoggerOptions = {}): RootLogger {
  const errors: string[] = [];
  const service = options.service ?? process.env.OTEL_SERVICE_NAME ?? 'unknown_service:node';
  if (typeof service !== 'string' || service === '') errors.push('service must be a non-empty string');
  const level = (options.level ?? (process.env.LOGFUN_LEVEL as LevelThreshold | undefined) ?? 'info') as LevelThreshold;
  if (!(LEVELS as readonly string[]).includes(level) && level !== 'silent') {
    errors.push(`level must be one of ${LEVELS.join(', ')}, silent (got ${JSON.stringify(level)})`);
  }
  const maxBufferedRecords = positiveInteger(errors, 'buffer.maxRecords', options.buffer?.maxRecords, 8192);
  const maxBufferedBytes = positiveInteger(errors, 'buffer.maxBytes', options.buffer?.maxBytes, 16 * MiB);
  const exportTimeoutMs = nonNegative(errors, 'exportTimeoutMs', options.exportTimeoutMs, 10_000);
  const transport = errors.length === 0 ? makeTransport(options, exportTimeoutMs, errors) : undefined;
  const defaults = transport?.batchDefaults ?? {};
  const maxBatchRecords = positiveInteger(errors, 'batch.maxRecords', options.batch?.maxRecords, defaults.maxRecords ?? 512);
  const maxBatchBytes = positiveInteger(errors, 'batch.maxBytes', options.batch?.maxBytes, defaults.maxBytes ?? 1 * MiB);
  const batchDelayMs = nonNegative(errors, 'batch.delayMs', options.batch?.delayMs, defaults.delayMs ?? 1000);
  const initialBackoffMs = nonNegative(errors, 'retry.initialBackoffMs', options.retry?.initialBackoffMs, 100);
  const maxBackoffMs = nonNegative(errors, 'retry.maxBackoffMs', options.retry?.maxBackoffMs, 5000);
  const shutdownTimeoutMs = nonNegative(errors, 'shutdownTimeoutMs', options.shutdownTimeoutMs, 5000);
  const dropReportIntervalMs = nonNegative(errors, 'dropReportIntervalMs', options.dropReportIntervalMs, 10_000);
  if (options.diagnostics !== undefined && typeof options.diagnostics !== 'function') errors.push('diagnostics must be a function');
  if (errors.length > 0 || !transport) {
    if (transport && transport !== options.transport) void transport.shutdown();
    throw new Error(`logfun: invalid createLogger options:\n  - ${errors.join('\n  - ')}`);
  }

  const pipeline = new Pipeline({
    transport,
    resource: createResource({
      service,
      serviceVersion: options.serviceVersion,
      serviceInstanceId: options.serviceInstanceId,
      attributes: options.resource,
    }),
    maxBufferedRecords,
    maxBufferedBytes,
    maxBatchRecords,
    maxBatchBytes,
    batchDelayMs,
    initialBackoffMs: Math.max(1, initialBackoffMs),
    maxBackoffMs: Math.max(initialBackoffMs, maxBackoffMs),
    shutdownTimeoutMs,
    dropReportIntervalMs,
    diagnostics: options.diagnostics ?? ((message) => console.warn(message)),
    traceContext: options.traceContext ?? true,
    exitHooks: options.exitHooks ?? true,
  });
  const registry = options.captureCallSites === false ? new TemplateRegistry({ captureCallSites: false }) : defaultTemplateRegistry;
  const core = new LoggerCore(pipeline, registry);
  transport.attach?.({
    resource: pipeline.resource,
    templates: registry,
    diagnostics: options.diagnostics ?? ((message) => console.warn(message)),
    setRecordMutes: (decider) => pipeline.setRecordMutes(decider),
  });
  const bound = options.attributes ? captureAttributes(options.attributes) : undefined;
  return new RootLogfunLogger(core, bound, level, new LogfunLoggerProvider(pipeline, level));
}

class RootLogfunLogger extends LogfunLogger implements RootLogger {
  constructor(
    core: LoggerCore,
    bound: AttributeList | undefined,
    level: LevelThreshold,
    readonly loggerProvider: LogfunLoggerProvider,
  ) {
    super(core, bound, level);
  }
}
