/**
 * Templates: the constant text of a logging call site, with `{}` where each
 * argument goes, and the registry that resolves a call to its template
 * without hashing or building strings on the hot path.
 *
 * Template text syntax (shared with the collector, which re-renders Bodies
 * and parses texts with `parseTemplateText`):
 *   - `{}` is the placeholder of one argument, in order.
 *   - A literal `{}` in the text is written `\{}`; a run of backslashes that
 *     ends right before a `{}` (literal or placeholder) is doubled. Every other
 *     backslash is literal as-is (so `C:\temp` stays `C:\temp`).
 *   Tagged templates: text = the literal strings joined with `{}`.
 *   printf formats: each conversion (%s %d %i %f %j %o %O) becomes `{}`, `%%`
 *   becomes `%`, `%c` consumes its argument and leaves nothing; arguments beyond
 *   the conversions are appended as ` {}` each (as util.format appends them).
 *   Plain messages: the message, escaped.
 *
 * Resolution cost per call: tagged = one WeakMap lookup on the strings array
 * (the same frozen object at every call of a site); printf = one Map lookup by
 * format string plus an array index by argument count; message = one Map lookup.
 */
import { captureCallSite, type CodeLocation } from './callsite';
import { templateIdOf, templateIdToString } from '../protocol/template-id';
import { captureArgument, renderArgument, stringifyValue, type ArgumentValue } from '../protocol/values';
import { MUTE_REASON, type MuteTally } from './mute-counts';
import { inspect } from 'util';
import { PLACEHOLDER, escapeLiteral, parseTemplateText, renderParts, renderTemplateText, templateTextOf } from '../protocol/template-text';

export type TemplateKind = 'tagged' | 'printf' | 'message';

/** How a printf conversion turns a caller's argument into the buffered argument. */
export enum Conversion {
  /** %s and appended extra arguments: scalars stay native. */
  String = 0,
  /** %d: Number(x) (bigint stays). */
  Number = 1,
  /** %i: parseInt(x) (bigint stays). */
  Integer = 2,
  /** %f: parseFloat(x). */
  Float = 3,
  /** %j: JSON text. */
  Json = 4,
  /** %o: util.inspect with hidden properties, depth 4. */
  InspectDetailed = 5,
  /** %O: util.inspect. */
  Inspect = 6,
  /** %c: the argument is consumed and dropped (CSS in browsers). */
  Drop = 7,
}

let nextTemplateIndex = 1;

export class Template {
  /** Process-local sequence number (1, 2, ...), unique per Template object. */
  readonly index: number;
  /** Global id: templateIdOf(text). */
  readonly id: bigint;
  /** The id as a decimal string (the `log.record.template.id` attribute). */
  readonly idString: string;
  /**
   * Set by control rules (mute this site). Checked on every call: a muted site
   * costs one property read.
   */
  muted = false;
  /**
   * Why `muted` is set (MUTE_REASON in mute-counts.ts): control rules set OFF or
   * AUTO; LOCAL when the application muted the site itself. Read only when a muted
   * call opens a new count (never per call).
   */
  mutedReason: number = MUTE_REASON.LOCAL;
  /** The open count of muted calls of this site (mute-counts.ts); undefined until the first. */
  muteTally: MuteTally | undefined = undefined;

  constructor(
    readonly kind: TemplateKind,
    /** Template text with `{}` placeholders (see the module comment for escaping). */
    readonly text: string,
    /** Literal parts; parts.length = placeholder count + 1. */
    readonly parts: readonly string[],
    /** Code location of the site that first used the template, when captured. */
    readonly site: CodeLocation | undefined,
    /**
     * printf only: conversion per caller argument (length = the argument count the
     * template was built for); undefined for tagged/message templates.
     */
    readonly conversions: Uint8Array | undefined,
    /** True when some conversion is Drop (%c): arguments must be compacted. */
    readonly dropsArguments: boolean,
  ) {
    this.index = nextTemplateIndex++;
    this.id = templateIdOf(text);
    this.idString = templateIdToString(this.id);
  }

  get placeholderCount(): number {
    return this.parts.length - 1;
  }

  /** The Body text for captured arguments. */
  render(args: readonly ArgumentValue[] | undefined): string {
    return renderParts(this.parts, args);
  }
}

export { PLACEHOLDER, escapeLiteral, parseTemplateText, renderParts, renderTemplateText, templateTextOf };

// ---- printf formats ----

interface PrintfFormat {
  /** Literal text between conversions (length = conversion count + 1), `%%` already unescaped. */
  readonly literals: string[];
  readonly conversions: Conversion[];
  /** Source text of each conversion, rendered literally when its argument is missing. */
  readonly sources: string[];
  /** Templates by caller argument count. */
  readonly byArgumentCount: (Template | undefined)[];
}

const CONVERSION_OF: Record<string, Conversion | undefined> = {
  s: Conversion.String,
  d: Conversion.Number,
  i: Conversion.Integer,
  f: Conversion.Float,
  j: Conversion.Json,
  o: Conversion.InspectDetailed,
  O: Conversion.Inspect,
  c: Conversion.Drop,
};

function parsePrintf(format: string): PrintfFormat {
  const literals: string[] = [];
  const conversions: Conversion[] = [];
  const sources: string[] = [];
  let current = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === '%' && i + 1 < format.length) {
      const next = format[i + 1];
      if (next === '%') {
        current += '%';
        i += 2;
        continue;
      }
      const conversion = CONVERSION_OF[next];
      if (conversion !== undefined) {
        literals.push(current);
        conversions.push(conversion);
        sources.push(c + next);
        current = '';
        i += 2;
        continue;
      }
    }
    current += c;
    i++;
  }
  literals.push(current);
  return { literals, conversions, sources, byArgumentCount: [] };
}

function buildPrintfTemplate(format: PrintfFormat, argumentCount: number, site: CodeLocation | undefined): Template {
  const parts: string[] = [];
  const perArgument = new Uint8Array(argumentCount);
  let dropsArguments = false;
  let current = format.literals[0];
  const specCount = format.conversions.length;
  for (let j = 0; j < specCount; j++) {
    if (j >= argumentCount) {
      current += format.sources[j] + format.literals[j + 1];
      continue;
    }
    const conversion = format.conversions[j];
    perArgument[j] = conversion;
    if (conversion === Conversion.Drop) {
      dropsArguments = true;
      current += format.literals[j + 1];
      continue;
    }
    parts.push(current);
    current = format.literals[j + 1];
  }
  for (let j = specCount; j < argumentCount; j++) {
    perArgument[j] = Conversion.String;
    parts.push(current + ' ');
    current = '';
  }
  parts.push(current);
  return new Template('printf', templateTextOf(parts), parts, site, perArgument, dropsArguments);
}

/** Number of conversions (placeholders and %c) in a format; 0 means "no format, plain text". */
function conversionCount(format: PrintfFormat): number {
  return format.conversions.length;
}

/**
 * Applies the printf conversions to the caller's arguments in place (the
 * array is the call's own rest array) and captures them; returns the buffered
 * argument array (a new, compacted one only when %c dropped some).
 */
export function convertPrintfArguments(template: Template, args: unknown[]): ArgumentValue[] {
  const conversions = template.conversions!;
  for (let i = 0; i < args.length; i++) args[i] = convertOne(conversions[i] as Conversion, args[i]);
  if (!template.dropsArguments) return args as ArgumentValue[];
  const kept: ArgumentValue[] = [];
  for (let i = 0; i < args.length; i++) if (conversions[i] !== Conversion.Drop) kept.push(args[i] as ArgumentValue);
  return kept;
}

function convertOne(conversion: Conversion, v: unknown): ArgumentValue {
  switch (conversion) {
    case Conversion.String:
    case Conversion.Drop:
      return captureArgument(v);
    case Conversion.Number:
      if (typeof v === 'number' || typeof v === 'bigint') return v;
      return typeof v === 'symbol' ? NaN : Number(v);
    case Conversion.Integer:
      if (typeof v === 'bigint') return v;
      return typeof v === 'symbol' ? NaN : parseInt(String(v), 10);
    case Conversion.Float:
      return typeof v === 'symbol' ? NaN : parseFloat(String(v));
    case Conversion.Json:
      try {
        const json = JSON.stringify(v);
        return json === undefined ? 'undefined' : json;
      } catch {
        return '[Circular]';
      }
    case Conversion.InspectDetailed:
      return inspect(v, { showHidden: true, depth: 4, breakLength: Infinity });
    case Conversion.Inspect:
      return inspect(v, { breakLength: Infinity });
  }
  return stringifyValue(v);
}

// ---- registry ----

export interface TemplateRegistryOptions {
  /** Capture code locations for tagged and printf sites (once per template). Default true. */
  captureCallSites?: boolean;
  /**
   * Bound on cached printf formats and plain messages. Dynamic strings (built per
   * call) would otherwise grow the caches forever; when a cache reaches the bound
   * it is cleared (counted in `cacheResets`). Default 4096.
   */
  maxCachedStrings?: number;
}

export interface TemplateRegistryStats {
  tagged: number;
  printfFormats: number;
  messages: number;
  cacheResets: number;
}

export class TemplateRegistry {
  private readonly tagged = new WeakMap<TemplateStringsArray, Template>();
  /** Tagged templates again, iterable (for control rules); bounded by the code's call sites. */
  private readonly taggedTemplates = new Set<Template>();
  private templateListener: ((template: Template) => void) | undefined;
  private readonly printf = new Map<string, PrintfFormat>();
  private readonly messages = new Map<string, Template>();
  private cacheResets = 0;
  private readonly captureCallSites: boolean;
  private readonly maxCachedStrings: number;

  constructor(options: TemplateRegistryOptions = {}) {
    this.captureCallSites = options.captureCallSites ?? true;
    this.maxCachedStrings = Math.max(1, options.maxCachedStrings ?? 4096);
  }

  /** Template of a tagged-template call site; the strings array is the key. */
  taggedTemplate(strings: TemplateStringsArray): Template {
    const cached = this.tagged.get(strings);
    if (cached !== undefined) return cached;
    const parts = Array.from(strings);
    const template = new Template('tagged', templateTextOf(parts), parts, this.captureCallSites ? captureCallSite() : undefined, undefined, false);
    this.tagged.set(strings, template);
    this.taggedTemplates.add(template);
    this.templateListener?.(template);
    return template;
  }

  /** Template of a printf call with `argumentCount` arguments (one per format and count). */
  printfTemplate(format: string, argumentCount: number): Template {
    let parsed = this.printf.get(format);
    if (parsed === undefined) {
      if (this.printf.size >= this.maxCachedStrings) {
        this.printf.clear();
        this.cacheResets++;
      }
      parsed = parsePrintf(format);
      this.printf.set(format, parsed);
    }
    let template = parsed.byArgumentCount[argumentCount];
    if (template === undefined) {
      // A cache reset means formats are built dynamically: a stack capture per new
      // format would then cost microseconds per call, so sites are no longer captured.
      const site = this.captureCallSites && this.cacheResets === 0 ? captureCallSite() : undefined;
      template = buildPrintfTemplate(parsed, argumentCount, site);
      parsed.byArgumentCount[argumentCount] = template;
      this.templateListener?.(template);
    }
    return template;
  }

  /** Whether a format string has printf conversions (parsed and cached). */
  hasConversions(format: string): boolean {
    let parsed = this.printf.get(format);
    if (parsed === undefined) {
      if (this.printf.size >= this.maxCachedStrings) {
        this.printf.clear();
        this.cacheResets++;
      }
      parsed = parsePrintf(format);
      this.printf.set(format, parsed);
    }
    return conversionCount(parsed) > 0;
  }

  /**
   * Template of a plain message (no arguments): the whole message is the text.
   * Its call site is the first one that logged the message (like a printf
   * format's): captured once per new message, and no longer after a cache reset,
   * which means messages are built dynamically (a stack capture per call otherwise).
   */
  messageTemplate(message: string): Template {
    let template = this.messages.get(message);
    if (template === undefined) {
      if (this.messages.size >= this.maxCachedStrings) {
        this.messages.clear();
        this.cacheResets++;
      }
      const site = this.captureCallSites && this.cacheResets === 0 ? captureCallSite() : undefined;
      template = new Template('message', escapeLiteral(message, false), [message], site, undefined, false);
      this.messages.set(message, template);
      this.templateListener?.(template);
    }
    return template;
  }

  /**
   * Hook for control rules (the compact transport): called with every template
   * created from now on, before its first record is logged, so a rule can set
   * `muted` on it. One listener; undefined removes it.
   */
  setTemplateListener(listener: ((template: Template) => void) | undefined): void {
    this.templateListener = listener;
  }

  /** Visits every cached template (tagged sites, printf formats, messages), e.g. to apply new control rules. */
  forEachTemplate(visit: (template: Template) => void): void {
    for (const t of this.taggedTemplates) visit(t);
    for (const parsed of this.printf.values()) for (const t of parsed.byArgumentCount) if (t !== undefined) visit(t);
    for (const t of this.messages.values()) visit(t);
  }

  stats(): TemplateRegistryStats {
    return { tagged: this.taggedTemplates.size, printfFormats: this.printf.size, messages: this.messages.size, cacheResets: this.cacheResets };
  }
}

/** The process-wide registry: templates are per call site, whichever logger is used. */
export const defaultTemplateRegistry = new TemplateRegistry();
