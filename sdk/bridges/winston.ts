/**
 * winston -> logfun: a winston transport that writes through the logfun SDK.
 * Existing winston services adopt logfun with one line:
 *
 *   const log = winston.createLogger({ transports: [new LogfunWinstonTransport({ service: 'checkout' })] });
 *
 * Needs the `winston-transport` package (winston's own dependency; logfun lists
 * it as an optional peer dependency), loaded when this module is.
 *
 * Mapping: the level (npm or syslog names; silly -> trace, verbose/http/debug ->
 * debug, notice -> info, warning -> warn, crit/alert/emerg -> fatal) -> severity,
 * `message` -> the record's message, an Error argument (`log.error('msg', err)`,
 * `log.error(err)`), `stack`, or an Error under `err` or `error` -> exception.type /
 * .message / .stacktrace attributes (the message stays the call's own: one template
 * whatever the error), every other field (defaultMeta, child metadata, the meta
 * object) -> an attribute.
 *
 * Templates: `log.info('user %s paid %d', id, n)` reaches transports with the
 * format still in `message` and the arguments in info[Symbol.for('splat')]
 * (unless the logger's format has `format.splat()`, which interpolates first):
 * the record is then that printf template with typed arguments. A formatted
 * message is the record's text, and the collector's template miner finds its
 * template.
 *
 * Options are createLogger's (service, endpoint, transport ...) plus `logger`
 * (write through an existing logfun logger) and winston's transport options
 * (`level`, `silent`, `handleExceptions`, `handleRejections`).
 */
import type { Writable } from 'stream';
import { bridgeLogger, closeBridgeLogger, emitRecord, exceptionAttributes, levelOfName, type BridgeLogger, type BridgeOptions } from './common';

const LEVEL = Symbol.for('level');
const SPLAT = Symbol.for('splat');

/** The part of winston-transport's TransportStream this bridge uses (kept structural: no type dependency). */
interface TransportStreamLike extends Writable {
  level?: string;
  silent?: boolean;
}

type TransportStreamConstructor = new (options?: Record<string, unknown>) => TransportStreamLike;

function loadTransportStream(): TransportStreamConstructor {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('winston-transport') as TransportStreamConstructor | { default: TransportStreamConstructor };
    return typeof mod === 'function' ? mod : mod.default;
  } catch (err) {
    throw new Error(`logfun: the winston bridge needs the winston-transport package (npm install winston-transport): ${(err as Error).message}`);
  }
}

export interface WinstonBridgeOptions extends Omit<BridgeOptions, 'level'> {
  /** winston's: the most verbose level this transport takes (default: the winston logger's). */
  level?: string;
  silent?: boolean;
  handleExceptions?: boolean;
  handleRejections?: boolean;
}

/** winston's info object: level and message plus any metadata, with triple-beam symbols. */
export type WinstonInfo = Record<string | symbol, unknown> & { level: string; message?: unknown };

const SKIPPED_FIELDS = new Set(['level', 'message', 'stack', 'timestamp']);
const CONVERSIONS = /%[sdifjoOc]/g;

export class LogfunWinstonTransport extends loadTransportStream() {
  readonly logger: BridgeLogger['logger'];
  /** Records written into the logfun logger. */
  records = 0;
  private readonly bridge: BridgeLogger;

  constructor(options: WinstonBridgeOptions = {}) {
    const { level, silent, handleExceptions, handleRejections, ...loggerOptions } = options;
    super({ level, silent, handleExceptions, handleRejections });
    // createLogger's `level` is not winston's: the bridge's own logger takes everything winston passes.
    this.bridge = bridgeLogger(loggerOptions);
    this.logger = this.bridge.logger;
  }

  /** winston-transport calls this for every record at or above the transport's level. */
  log(info: WinstonInfo, callback: () => void): void {
    this.write1(info);
    setImmediate(() => this.emit('logged', info));
    callback();
  }

  private write1(info: WinstonInfo): void {
    const rawLevel = typeof info[LEVEL] === 'string' ? (info[LEVEL] as string) : stripAnsi(String(info.level));
    const level = levelOfName(rawLevel);
    let message = typeof info.message === 'string' ? info.message : info.message === undefined ? '' : JSON.stringify(info.message);
    const attributes: Record<string, unknown> = {};
    const error = errorOfCall(info, message);
    if (error !== undefined) {
      message = error.message;
      Object.assign(attributes, exceptionAttributes(error.error));
    }
    for (const key of Object.keys(info)) {
      if (SKIPPED_FIELDS.has(key)) continue;
      const value = info[key];
      if (key === 'err' || key === 'error') {
        const exception = exceptionAttributes(value);
        if (exception) {
          Object.assign(attributes, exception);
          continue;
        }
      }
      attributes[key] = value;
    }
    if (typeof info.stack === 'string' && error === undefined) {
      attributes['exception.stacktrace'] = info.stack;
      if (attributes['exception.message'] === undefined) attributes['exception.message'] = message;
    }
    let args: unknown[] | undefined;
    const splat = info[SPLAT];
    if (Array.isArray(splat) && splat.length > 0 && message.includes('%')) {
      const conversions = (message.replace(/%%/g, '').match(CONVERSIONS) ?? []).length;
      args = splat.slice(0, conversions);
      // winston leaves a trailing meta object in splat when the message has conversions.
      const extra = splat[conversions];
      if (splat.length > conversions && typeof extra === 'object' && extra !== null && !Array.isArray(extra)) {
        for (const [k, v] of Object.entries(extra)) if (!(k in attributes)) attributes[k] = v;
      }
      if (args.length < conversions) args = undefined; // fewer arguments than conversions: keep the text as it is
    }
    emitRecord(this.logger, level, attributes, message, args ? message : undefined, args);
    this.records++;
  }

  /** Exports what is buffered. */
  flush(): Promise<boolean> {
    return this.logger.flush();
  }

  /**
   * The stream's end (winston's `logger.end()` ends every transport and emits the
   * logger's 'finish' after theirs): 'finish' waits until the records were exported
   * (or counted as dropped), so `logger.on('finish', () => process.exit())` loses nothing.
   */
  override _final(callback: (error?: Error | null) => void): void {
    this.close().then(
      () => callback(),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /**
   * winston calls close() when the transport is removed or the logger closes.
   * Flushes, and shuts down the logfun logger the transport made (its shutdown is
   * idempotent: close() and the stream's end share it).
   */
  close(): Promise<void> {
    return closeBridgeLogger(this.bridge);
  }
}

/**
 * The Error a winston call was given, and the call's own message: `log.error(err)`
 * makes the Error the info object itself; `log.error('msg', err)` reaches transports
 * with err in splat, `message` = 'msg ' + err.message and `stack` = err.stack
 * (winston's logger.js appends them), recognised by that stack, and the appended
 * text is cut off again. Undefined for calls without an Error.
 */
function errorOfCall(info: WinstonInfo, message: string): { error: Error; message: string } | undefined {
  if (info instanceof Error) return { error: info, message };
  const splat = info[SPLAT];
  const first: unknown = Array.isArray(splat) ? splat[0] : undefined;
  if (!(first instanceof Error) || info.stack !== first.stack) return undefined;
  const appended = first.message ? ` ${first.message}` : '';
  return { error: first, message: appended !== '' && message.endsWith(appended) ? message.slice(0, -appended.length) : message };
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

/** `new LogfunWinstonTransport(options)`. */
export function winstonTransport(options: WinstonBridgeOptions = {}): LogfunWinstonTransport {
  return new LogfunWinstonTransport(options);
}
