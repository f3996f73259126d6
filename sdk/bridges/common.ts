/**
 * What the pino and winston bridges share: the logfun logger they write through
 * (given, or made and owned), level -> severity mapping, and the one call that
 * turns a foreign record into a logfun record.
 *
 * A bridged record goes through the SDK's pipeline like any other (bounded
 * buffer, batching, counted drops, compact stream or OTLP): the message becomes
 * the record's template — a printf template with typed arguments when the
 * foreign logger handed us the format and its arguments, else the message text
 * itself (the collector's template miner then finds its template) — and every
 * other field becomes an attribute.
 */
import { createLogger, type CreateLoggerOptions } from '../create-logger';
import type { Logger } from '../logger';
import type { LevelName } from '../../protocol/severity';

export interface BridgeOptions extends CreateLoggerOptions {
  /**
   * Write through this logfun logger (its transport, pipeline and templates), and
   * leave it running when the bridge closes. Default: a logger made with the other
   * options (level 'trace': the foreign logger already filtered; call sites off:
   * they would all point at the bridge), shut down (flushed) when the bridge closes.
   */
  logger?: Logger;
}

export interface BridgeLogger {
  logger: Logger;
  /** Whether the bridge made the logger (and shuts it down on close). */
  owned: boolean;
}

export function bridgeLogger(options: BridgeOptions = {}): BridgeLogger {
  if (options.logger) return { logger: options.logger, owned: false };
  const { logger: _unused, ...rest } = options;
  void _unused;
  return { logger: createLogger({ level: 'trace', captureCallSites: false, ...rest }), owned: true };
}

/** Closes a bridge's logger: flushes a borrowed one, shuts down an owned one. */
export async function closeBridgeLogger(b: BridgeLogger): Promise<void> {
  if (b.owned) await b.logger.shutdown();
  else await b.logger.flush();
}

/**
 * A level name to one of ours: the npm and syslog names winston uses, pino's
 * names, and a few common spellings. Unknown names are 'info' (never dropped).
 */
export function levelOfName(name: string): LevelName {
  switch (name.toLowerCase()) {
    case 'trace':
    case 'silly':
      return 'trace';
    case 'debug':
    case 'verbose':
    case 'http':
      return 'debug';
    case 'info':
    case 'notice':
    case 'log':
      return 'info';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'error':
    case 'err':
      return 'error';
    case 'fatal':
    case 'crit':
    case 'critical':
    case 'alert':
    case 'emerg':
    case 'emergency':
    case 'panic':
      return 'fatal';
    default:
      return 'info';
  }
}

/** pino's numeric levels (10 trace ... 60 fatal); custom levels fall into the band at or below them. */
export function levelOfPinoNumber(n: number): LevelName {
  if (n <= 10) return 'trace';
  if (n <= 20) return 'debug';
  if (n <= 30) return 'info';
  if (n <= 40) return 'warn';
  if (n <= 50) return 'error';
  return 'fatal';
}

/** A printf conversion (util.format's set) in a message. */
const PRINTF_CONVERSION = /%[sdifjoOc]/;

export function hasPrintfConversion(text: string): boolean {
  return PRINTF_CONVERSION.test(text);
}

/**
 * A serialized error (pino's `{ type, message, stack }`, or an Error) to the
 * OpenTelemetry exception attributes; undefined when `v` is not error-shaped.
 */
export function exceptionAttributes(v: unknown): Record<string, string> | undefined {
  if (v instanceof Error) return { 'exception.type': v.name, 'exception.message': v.message, 'exception.stacktrace': v.stack ?? '' };
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.message !== 'string' || (typeof o.stack !== 'string' && typeof o.type !== 'string')) return undefined;
  const out: Record<string, string> = { 'exception.message': o.message };
  if (typeof o.type === 'string') out['exception.type'] = o.type;
  else if (typeof o.name === 'string') out['exception.type'] = o.name;
  if (typeof o.stack === 'string') out['exception.stacktrace'] = o.stack;
  return out;
}

/**
 * Writes one record: `format` with `args` as a printf template when it has a
 * conversion and there are arguments, else `message` as the record's text.
 */
export function emitRecord(
  logger: Logger,
  level: LevelName,
  attributes: Record<string, unknown>,
  message: string,
  format?: string,
  args?: readonly unknown[],
): void {
  if (format !== undefined && args !== undefined && args.length > 0 && hasPrintfConversion(format)) {
    logger[level](attributes, format, ...args);
    return;
  }
  logger[level](attributes, message);
}
