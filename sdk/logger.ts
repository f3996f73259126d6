/**
 * The logging API: level methods accepting three call styles, child loggers
 * with bound attributes, a level threshold.
 *
 *   log.info`user ${id} paid ${amount}`          tagged template (fastest: WeakMap hit)
 *   log.info('user %s paid %d', id, amount)      printf (util.format conversions)
 *   log.info('cache warmed')                     plain message
 *   log.info({ orderId, region }, 'order %s placed', id)   structured, pino-style (attributes first)
 *   log.info({ msg: 'order placed', orderId })   structured, message under `msg`
 *   log.info('order placed', { orderId })        structured, message first (only when the
 *                                                message has no % conversion and one object follows)
 *   log.error(err, 'payment failed for %s', id) / log.error({ err }, '...')
 *                                                Error -> exception.type/message/stacktrace
 *
 * Records keep the template and typed arguments; nothing is formatted here.
 */
import type { Pipeline, LoggerStats } from './pipeline';
import { convertPrintfArguments, type Template, type TemplateRegistry } from './templates';
import { thresholdOf, levelOfThreshold, type LevelName, type LevelThreshold } from '../protocol/severity';
import {
  captureArgument,
  captureAttributes,
  estimateValueBytes,
  isPlainObject,
  mergeAttributeLists,
  stringifyValue,
  type ArgumentValue,
  type AttributeList,
  type Attributes,
} from '../protocol/values';
import type { Transport } from './transport';
import { currentFunctionScope, type FunctionScope } from './traced';
import type { MutedCounter } from './mute-counts';

export interface LogMethod {
  /** Tagged template: log.info`user ${id} paid ${amount}` (template text `user {} paid {}`). */
  (strings: TemplateStringsArray, ...values: unknown[]): void;
  /** printf style or a plain message: log.info('user %s paid %d', id, amount). */
  (format: string, ...args: unknown[]): void;
  /** Structured: attributes (or an Error) first, then an optional printf message. */
  (attributes: Attributes | Error, format?: string, ...args: unknown[]): void;
}

export interface Logger {
  readonly trace: LogMethod;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly fatal: LogMethod;
  /** Threshold: records below it are not recorded ('silent' disables all). */
  level: LevelThreshold;
  isLevelEnabled(level: LevelName): boolean;
  /** A logger whose records carry these attributes too (later keys win); it starts at this logger's level. */
  child(attributes: Attributes, options?: { level?: LevelThreshold }): Logger;
  /** Exports everything buffered; true when the buffer emptied within the timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes (bounded by shutdownTimeoutMs) and closes the transport; shared by all child loggers. */
  shutdown(): Promise<void>;
  stats(): LoggerStats;
  readonly transport: Transport;
}

const TEMPLATE_RECORD_BYTES = 40;

function isTemplateStringsArray(v: unknown): v is TemplateStringsArray {
  return Array.isArray(v) && Array.isArray((v as { raw?: unknown }).raw);
}

/** Captures tagged-template values in place (the call's own rest array) and returns their byte estimate. */
function captureInPlace(args: unknown[]): number {
  let bytes = 0;
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    switch (typeof v) {
      case 'string':
        // Twice: the OTLP view carries it in the rendered Body and as an attribute.
        bytes += 2 * v.length + 8;
        break;
      case 'number':
      case 'boolean':
      case 'bigint':
        bytes += 10;
        break;
      default: {
        const c = captureArgument(v);
        args[i] = c;
        bytes += estimateValueBytes(c);
      }
    }
  }
  return bytes;
}

function estimateArguments(args: readonly ArgumentValue[]): number {
  let bytes = 0;
  for (let i = 0; i < args.length; i++) bytes += 2 * estimateValueBytes(args[i]);
  return bytes;
}

/** Shared by a logger and all its children: the pipeline and the template registry. */
export class LoggerCore {
  /** The pipeline's muted counts (reported to the collector with the next batch, see mute-counts.ts). */
  private readonly mutes: MutedCounter;

  constructor(
    readonly pipeline: Pipeline,
    readonly registry: TemplateRegistry,
  ) {
    this.mutes = pipeline.mutes;
  }

  /**
   * Resolves the call style, captures arguments, and buffers the record.
   * Inside a function scope (traced()) the record uses the scope's variant of
   * the template (code.function = the scope name); a muted scope or template
   * drops the record after one boolean check and counts it as muted, per
   * (template id, code.function, reason), for the collector (mute-counts.ts).
   */
  log(severity: number, bound: AttributeList | undefined, first: unknown, rest: unknown[]): void {
    const scope = currentFunctionScope();
    if (scope !== undefined && scope.muted) {
      this.mutes.countScope(scope);
      return;
    }
    const registry = this.registry;
    if (typeof first === 'string') {
      if (rest.length === 0) {
        this.message(severity, bound, first, undefined, scope);
        return;
      }
      if (rest.length === 1 && isPlainObject(rest[0]) && !registry.hasConversions(first)) {
        const template = registry.messageTemplate(first);
        if (template.muted) {
          this.mutes.countTemplate(scope === undefined ? template : scope.templateFor(template), template);
          return;
        }
        const attrs = captureAttributes(rest[0]);
        this.pipeline.write(severity, scope === undefined ? template : scope.templateFor(template), undefined, bound, attrs, TEMPLATE_RECORD_BYTES + attrs.bytes);
        return;
      }
      this.printf(severity, bound, first, rest, undefined, scope);
      return;
    }
    if (isTemplateStringsArray(first)) {
      const template = registry.taggedTemplate(first);
      if (template.muted) {
        this.mutes.countTemplate(scope === undefined ? template : scope.templateFor(template), template);
        return;
      }
      const bytes = captureInPlace(rest);
      this.pipeline.write(
        severity,
        scope === undefined ? template : scope.templateFor(template),
        rest as ArgumentValue[],
        bound,
        undefined,
        TEMPLATE_RECORD_BYTES + bytes,
      );
      return;
    }
    if (first instanceof Error) {
      const attrs = captureAttributes({}, undefined, first);
      if (typeof rest[0] === 'string') this.printf(severity, bound, rest[0], rest.slice(1), attrs, scope);
      else this.message(severity, bound, first.message, attrs, scope);
      return;
    }
    if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
      const obj = first as Record<string, unknown>;
      if (typeof rest[0] === 'string') {
        this.printf(severity, bound, rest[0], rest.slice(1), captureAttributes(obj), scope);
        return;
      }
      const msg = typeof obj.msg === 'string' ? obj.msg : '';
      this.message(severity, bound, msg, captureAttributes(obj, typeof obj.msg === 'string' ? 'msg' : undefined), scope);
      return;
    }
    // Anything else (a number, an array, undefined...): util.format-like text of all arguments.
    let text = stringifyValue(first);
    for (const v of rest) text += ' ' + stringifyValue(v);
    this.message(severity, bound, text, undefined, scope);
  }

  private message(
    severity: number,
    bound: AttributeList | undefined,
    message: string,
    attrs: AttributeList | undefined,
    scope: FunctionScope | undefined,
  ): void {
    const template = this.registry.messageTemplate(message);
    if (template.muted) {
      this.mutes.countTemplate(scope === undefined ? template : scope.templateFor(template), template);
      return;
    }
    this.pipeline.write(
      severity,
      scope === undefined ? template : scope.templateFor(template),
      undefined,
      bound,
      attrs,
      TEMPLATE_RECORD_BYTES + (attrs ? attrs.bytes : 0),
    );
  }

  private printf(
    severity: number,
    bound: AttributeList | undefined,
    format: string,
    rest: unknown[],
    attrs: AttributeList | undefined,
    scope: FunctionScope | undefined,
  ): void {
    if (rest.length === 0) {
      this.message(severity, bound, format, attrs, scope);
      return;
    }
    const template: Template = this.registry.printfTemplate(format, rest.length);
    if (template.muted) {
      this.mutes.countTemplate(scope === undefined ? template : scope.templateFor(template), template);
      return;
    }
    const args = convertPrintfArguments(template, rest);
    const bytes = TEMPLATE_RECORD_BYTES + estimateArguments(args) + (attrs ? attrs.bytes : 0);
    this.pipeline.write(severity, scope === undefined ? template : scope.templateFor(template), args, bound, attrs, bytes);
  }
}

export class LogfunLogger implements Logger {
  private minSeverity: number;

  constructor(
    private readonly core: LoggerCore,
    private readonly bound: AttributeList | undefined,
    level: LevelThreshold,
  ) {
    this.minSeverity = thresholdOf(level);
  }

  trace(first: unknown, ...rest: unknown[]): void {
    if (this.minSeverity <= 1) this.core.log(1, this.bound, first, rest);
  }

  debug(first: unknown, ...rest: unknown[]): void {
    if (this.minSeverity <= 5) this.core.log(5, this.bound, first, rest);
  }

  info(first: unknown, ...rest: unknown[]): void {
    if (this.minSeverity <= 9) this.core.log(9, this.bound, first, rest);
  }

  warn(first: unknown, ...rest: unknown[]): void {
    if (this.minSeverity <= 13) this.core.log(13, this.bound, first, rest);
  }

  error(first: unknown, ...rest: unknown[]): void {
    if (this.minSeverity <= 17) this.core.log(17, this.bound, first, rest);
  }

  fatal(first: unknown, ...rest: unknown[]): void {
    if (this.minSeverity <= 21) this.core.log(21, this.bound, first, rest);
  }

  get level(): LevelThreshold {
    return levelOfThreshold(this.minSeverity);
  }

  set level(level: LevelThreshold) {
    this.minSeverity = thresholdOf(level);
  }

  isLevelEnabled(level: LevelName): boolean {
    return thresholdOf(level) >= this.minSeverity;
  }

  child(attributes: Attributes, options: { level?: LevelThreshold } = {}): Logger {
    const bound = mergeAttributeLists(this.bound, captureAttributes(attributes));
    return new LogfunLogger(this.core, bound, options.level ?? this.level);
  }

  flush(timeoutMs?: number): Promise<boolean> {
    return this.core.pipeline.flush(timeoutMs);
  }

  shutdown(): Promise<void> {
    return this.core.pipeline.shutdown();
  }

  stats(): LoggerStats {
    return this.core.pipeline.stats();
  }

  get transport(): Transport {
    return this.core.pipeline.transport;
  }
}

