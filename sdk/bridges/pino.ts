/**
 * pino -> logfun. Existing pino services adopt logfun with one line:
 *
 *   // in process (the record goes straight into the SDK's pipeline):
 *   const log = pino(pinoOptions(), pinoDestination({ service: 'checkout' }));
 *
 *   // or as a pino transport in a worker thread:
 *   const log = pino(pinoOptions(), pino.transport({ target: 'logfun/pino', options: { service: 'checkout' } }));
 *
 * Mapping: `level` -> severity (10 trace, 20 debug, 30 info, 40 warn, 50 error,
 * 60 fatal; custom levels by band; a level label from `formatters.level` by
 * name), `msg` -> the record's message, `err` (pino's serialized error) ->
 * exception.type / exception.message / exception.stacktrace, every other field
 * (child bindings included) -> an attribute. `time`, `pid` and `hostname` are
 * not copied: the record has its own timestamp (taken when the line reaches the
 * SDK: the same millisecond in process, a little later through a worker) and the
 * resource already carries process.pid and host.name.
 *
 * Templates: pino formats `log.info('user %s paid %d', id, n)` into msg before
 * any destination sees it. `pinoOptions()` adds a `hooks.logMethod` that also
 * puts the format and its arguments into the line (`logfun.template`,
 * `logfun.args`), and the destination then logs the record as that printf
 * template with typed arguments: one template id for every user, arguments
 * queryable in ClickHouse. Without the hook the formatted msg is the record's
 * text and the collector's template miner finds the template.
 *
 * Options are createLogger's (service, endpoint, transport ...) plus `logger`
 * (write through an existing logfun logger) and `messageKey` (pino's, default
 * 'msg'). Through a worker, options must be structured-cloneable (no `logger`,
 * no Transport object, no functions).
 */
import { writeSync } from 'fs';
import { Writable } from 'stream';
import type { LevelName } from '../../protocol/severity';
import { bridgeLogger, closeBridgeLogger, emitRecord, exceptionAttributes, levelOfName, levelOfPinoNumber, type BridgeLogger, type BridgeOptions } from './common';

/** Line fields written by pinoOptions()'s hook: the printf format and its arguments. */
export const PINO_TEMPLATE_KEY = 'logfun.template';
export const PINO_ARGS_KEY = 'logfun.args';

export interface PinoBridgeOptions extends BridgeOptions {
  /** pino's messageKey. Default 'msg'. */
  messageKey?: string;
  /** Where the bridge reports lines it cannot read (they are counted too). Default console.warn. */
  onBadLine?: (line: string, reason: string) => void;
}

/** Fields of a pino line that are not copied as attributes. */
const SKIPPED_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'v', PINO_TEMPLATE_KEY, PINO_ARGS_KEY]);

/** Longest partial line kept while waiting for its newline (a worker may split a write). */
const MAX_PENDING_CHARS = 4 * 1024 * 1024;

/**
 * A pino destination: a Writable that takes pino's NDJSON lines and writes each
 * as a logfun record. `end()` flushes (and shuts down the logger the destination
 * made); `close()` is end() as a promise.
 */
export class PinoDestination extends Writable {
  readonly logger: BridgeLogger['logger'];
  /** Lines that were not a JSON object (reported through onBadLine). */
  badLines = 0;
  /** Records written into the logfun logger. */
  records = 0;
  private readonly bridge: BridgeLogger;
  private readonly messageKey: string;
  private readonly onBadLine: (line: string, reason: string) => void;
  private pending = '';

  constructor(options: PinoBridgeOptions = {}) {
    super({ decodeStrings: false, objectMode: false });
    const { messageKey, onBadLine, ...loggerOptions } = options;
    this.bridge = bridgeLogger(loggerOptions);
    this.logger = this.bridge.logger;
    this.messageKey = messageKey ?? 'msg';
    this.onBadLine = onBadLine ?? ((line, reason) => console.warn(`logfun pino bridge: skipped a line (${reason}): ${line.slice(0, 200)}`));
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeText(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.pending.trim() !== '') this.writeLine(this.pending);
    this.pending = '';
    closeBridgeLogger(this.bridge).then(
      () => callback(),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** pino.flush() / pino.final(): exports what is buffered. */
  flush(callback?: (err?: Error) => void): void {
    this.logger.flush().then(
      () => callback?.(),
      (err: unknown) => callback?.(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Ends the stream and resolves when the logger has flushed (or shut down). */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.writableFinished) return resolve();
      this.once('finish', () => resolve());
      this.once('error', reject);
      if (!this.writableEnded) this.end();
    });
  }

  private writeText(text: string): void {
    let start = 0;
    let data = this.pending + text;
    this.pending = '';
    for (let nl = data.indexOf('\n', start); nl !== -1; nl = data.indexOf('\n', start)) {
      if (nl > start) this.writeLine(data.slice(start, nl));
      start = nl + 1;
    }
    data = data.slice(start);
    if (data.length > MAX_PENDING_CHARS) {
      this.bad(data, `a line longer than ${MAX_PENDING_CHARS} characters without a newline`);
      data = '';
    }
    this.pending = data;
  }

  private writeLine(line: string): void {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.bad(line, 'not JSON');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.bad(line, 'not a JSON object');
      return;
    }
    this.writeObject(parsed as Record<string, unknown>);
  }

  /** One pino record (the parsed line) into the logfun logger. */
  writeObject(obj: Record<string, unknown>): void {
    const level = levelOf(obj.level);
    const rawMessage = obj[this.messageKey];
    const message = typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : JSON.stringify(rawMessage);
    const attributes: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      if (key === this.messageKey || SKIPPED_FIELDS.has(key)) continue;
      const value = obj[key];
      if (key === 'err' || key === 'error') {
        const exception = exceptionAttributes(value);
        if (exception) {
          Object.assign(attributes, exception);
          continue;
        }
      }
      attributes[key] = value;
    }
    const format = obj[PINO_TEMPLATE_KEY];
    const args = obj[PINO_ARGS_KEY];
    emitRecord(this.logger, level, attributes, message, typeof format === 'string' ? format : undefined, Array.isArray(args) ? args : undefined);
    this.records++;
  }

  private bad(line: string, reason: string): void {
    this.badLines++;
    this.onBadLine(line, reason);
  }
}

function levelOf(v: unknown): LevelName {
  if (typeof v === 'number') return levelOfPinoNumber(v);
  if (typeof v === 'string') return /^\d+$/.test(v) ? levelOfPinoNumber(Number(v)) : levelOfName(v);
  return 'info';
}

/** `pino(pinoOptions(), pinoDestination(...))`: see the file comment. */
export function pinoDestination(options: PinoBridgeOptions = {}): PinoDestination {
  return new PinoDestination(options);
}

/** pino's `hooks.logMethod` signature (kept structural: no type dependency on pino). */
export type PinoLogMethod = (this: unknown, args: unknown[], method: (...args: unknown[]) => void, level: number) => void;

/**
 * pino's logMethod hook that keeps printf templates: a call with a format that
 * has conversions and arguments also carries the format and its arguments in
 * the line (pino still formats msg as usual for every other destination).
 */
export const keepPrintfTemplates: PinoLogMethod = function (this: unknown, args, method) {
  const formatAt = typeof args[0] === 'string' ? 0 : typeof args[1] === 'string' ? 1 : -1;
  if (formatAt < 0 || args.length <= formatAt + 1 || !/%[sdifjoOc]/.test(args[formatAt] as string)) {
    method.apply(this, args);
    return;
  }
  const format = args[formatAt] as string;
  const rest = args.slice(formatAt + 1);
  const base = formatAt === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as object) : undefined;
  if (base instanceof Error) {
    // pino serializes a leading Error as `err`; keep that shape.
    method.apply(this, [{ err: base, [PINO_TEMPLATE_KEY]: format, [PINO_ARGS_KEY]: rest.map(jsonSafe) }, format, ...rest]);
    return;
  }
  method.apply(this, [{ ...(base ?? {}), [PINO_TEMPLATE_KEY]: format, [PINO_ARGS_KEY]: rest.map(jsonSafe) }, format, ...rest]);
};

/** An argument as it should travel in the line: bigint as its decimal text, Error as its message. */
function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return v.message;
  return v;
}

/** pino options with keepPrintfTemplates added to `hooks.logMethod` (an existing hook runs after it). */
export function pinoOptions<T extends object = Record<string, never>>(options?: T): T & { hooks: { logMethod: PinoLogMethod } } {
  const hooks = (options as { hooks?: Record<string, unknown> } | undefined)?.hooks;
  const own = hooks?.logMethod as PinoLogMethod | undefined;
  const logMethod: PinoLogMethod = own
    ? function (this: unknown, args, method, level) {
        keepPrintfTemplates.call(this, args, (...a: unknown[]) => own.call(this, a, method, level), level);
      }
    : keepPrintfTemplates;
  return { ...(options ?? ({} as T)), hooks: { ...(hooks ?? {}), logMethod } } as T & { hooks: { logMethod: PinoLogMethod } };
}

/**
 * The worker-thread transport: `pino.transport({ target: 'logfun/pino', options })`
 * loads this module in a worker (pino's thread-stream) and calls this with `options`;
 * pino writes its lines into the returned destination and ends it when the logger
 * closes.
 *
 * Exit: pino ends the stream from the main thread's 'exit' handler (on-exit-leak-free)
 * and blocks there (Atomics.wait) until this destination emits 'close', which it does
 * once its logger has shut down: flushed, and what could not be delivered counted and
 * reported. So the worker's records are exported even when the main thread ends
 * (naturally or with process.exit()). thread-stream gives up after about 10 s and
 * terminates the worker, so the defaults here keep the whole close below that, and
 * report synchronously (see workerDefaults).
 *
 * That exit path needs the pino logger to be alive at exit: thread-stream and
 * on-exit-leak-free hold the stream weakly, so a logger the script no longer
 * references can be garbage-collected, and then the worker is terminated with no
 * close at all. pino's own destinations write what they receive at once, so little
 * is exposed; the worker destination therefore sends at once too (batch.delayMs 0:
 * records still batch while one batch is in flight), instead of holding records for
 * the SDK's default second.
 */
export default async function pinoTransport(options: PinoBridgeOptions & { pinoWillSendConfig?: boolean } = {}): Promise<PinoDestination> {
  const { pinoWillSendConfig: _config, ...rest } = options;
  void _config;
  return new PinoDestination(workerDefaults(rest));
}

/**
 * Longest flush at close in a worker: with the transport's close (bounded by the
 * pipeline) it must end before thread-stream stops waiting (10 s) and terminates
 * the worker, which would lose the records silently instead of counting them.
 */
export const WORKER_MAX_SHUTDOWN_TIMEOUT_MS = 6000;

/** A worker sends what it received at once (see pinoTransport); an explicit batch.delayMs wins. */
export const WORKER_BATCH_DELAY_MS = 0;

/**
 * Options of the logger a worker destination makes. Diagnostics (drops, failing
 * exports, bad lines) are written to stderr synchronously: a worker's console is
 * relayed through the main thread, which is blocked and then gone at exit, the very
 * moment the final drop report is written. Options cannot carry functions through a
 * worker, so the user cannot have set these.
 */
function workerDefaults(options: PinoBridgeOptions): PinoBridgeOptions {
  const given = options.shutdownTimeoutMs;
  return {
    diagnostics: writeStderrSync,
    onBadLine: (line, reason) => writeStderrSync(`logfun pino bridge: skipped a line (${reason}): ${line.slice(0, 200)}`),
    ...options,
    batch: { delayMs: WORKER_BATCH_DELAY_MS, ...options.batch },
    // Not a number: createLogger reports it; undefined: its default (5 s) is below the cap.
    shutdownTimeoutMs: typeof given === 'number' ? Math.min(given, WORKER_MAX_SHUTDOWN_TIMEOUT_MS) : given,
  };
}

function writeStderrSync(message: string): void {
  try {
    writeSync(2, message + '\n');
  } catch {
    // stderr closed: nowhere left to report
  }
}
