/**
 * Values the SDK carries: template arguments (typed scalars) and attribute
 * values (OTel AnyValue plus bigint for int64), how they are captured at the
 * call (so later mutation by the caller cannot change a buffered record), how
 * they render into a Body, and a cheap size estimate for byte-bounded buffers.
 */
import { inspect } from 'util';

/**
 * A template argument as buffered and exported: the native type decides the
 * OTLP AnyValue kind (string, bool, bigint = int64, Uint8Array = bytes, number =
 * int64 when it is a safe integer, else double).
 */
export type ArgumentValue = string | number | boolean | bigint | Uint8Array;

/** An attribute or body value: OTel's AnyValue plus bigint (int64). */
export type AttributeValue =
  | string
  | number
  | boolean
  | bigint
  | Uint8Array
  | null
  | undefined
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** Attributes as an object, the shape callers pass. */
export type Attributes = Record<string, unknown>;

/** An owned, ordered key/value list (captured at the call; never the caller's object). */
export interface AttributeList {
  readonly keys: string[];
  readonly values: AttributeValue[];
  /** Attributes the capture refused (invalid key or value under strict OTel rules). */
  readonly dropped: number;
  /** Estimated encoded size in bytes. */
  readonly bytes: number;
}

export const EMPTY_ATTRIBUTES: AttributeList = Object.freeze({ keys: [], values: [], dropped: 0, bytes: 0 }) as AttributeList;

/** Whether a number is exported as int64 (else double). */
export function isIntegral(n: number): boolean {
  return Number.isSafeInteger(n);
}

/** Text of a value that has no AnyValue form (Error, Date, class instances, symbols, functions, cycles). */
export function stringifyValue(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return String(v);
    case 'function':
      return `[Function ${(v as { name?: string }).name || 'anonymous'}]`;
  }
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  try {
    const json = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    if (json !== undefined) return json;
  } catch {
    // cycles or throwing toJSON: fall through to inspect, which handles both
  }
  return inspect(v, { depth: 4, breakLength: Infinity });
}

/** Copy of a byte array as a plain Uint8Array (a Buffer slice would share memory). */
export function copyBytes(v: Uint8Array): Uint8Array {
  return new Uint8Array(v);
}

/**
 * Captures one template argument in place of the caller's value: scalars stay
 * native (no formatting), bytes are copied, everything else becomes its text
 * once, now, because the caller may mutate it before the flush.
 */
export function captureArgument(v: unknown): ArgumentValue {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v;
  }
  if (v instanceof Uint8Array) return copyBytes(v);
  return stringifyValue(v);
}

/** Estimated encoded size of an argument or scalar attribute value. */
export function estimateValueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length + 4;
  if (v instanceof Uint8Array) return v.byteLength + 4;
  return 10;
}

/** Text of a captured argument inside a rendered Body. Bytes render as base64 (as OTLP/JSON does). */
export function renderArgument(v: ArgumentValue | AttributeValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
  }
  return stringifyValue(v);
}

/** True for `{...}` object literals and Object.create(null) objects. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const INVALID = Symbol('invalid AnyValue');
const MAX_DEPTH = 32;

/**
 * Deep copy of an AnyValue (strict OTel rules: scalars, bigint, bytes, arrays and
 * plain objects; anything else, and cycles, are INVALID).
 */
function copyStrict(v: unknown, depth: number, seen: Set<object>): AttributeValue | typeof INVALID {
  if (v === null || v === undefined) return v;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v;
    case 'object':
      break;
    default:
      return INVALID;
  }
  if (v instanceof Uint8Array) return copyBytes(v);
  if (depth >= MAX_DEPTH || seen.has(v as object)) return INVALID;
  if (Array.isArray(v)) {
    seen.add(v);
    const out: AttributeValue[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = copyStrict(v[i], depth + 1, seen);
      if (c === INVALID) return INVALID;
      out[i] = c;
    }
    seen.delete(v);
    return out;
  }
  if (!isPlainObject(v)) return INVALID;
  seen.add(v);
  const out: { [key: string]: AttributeValue } = {};
  for (const key of Object.keys(v)) {
    const c = copyStrict(v[key], depth + 1, seen);
    if (c === INVALID) return INVALID;
    out[key] = c;
  }
  seen.delete(v);
  return out;
}

/** Lenient copy: like the strict one, but a non-AnyValue part becomes its text (Error, Date, class instance, cycle). */
function copyLenient(v: unknown, depth: number, seen: Set<object>): AttributeValue {
  if (v === null || v === undefined) return v;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v;
    case 'object':
      break;
    default:
      return stringifyValue(v);
  }
  if (v instanceof Uint8Array) return copyBytes(v);
  if (depth >= MAX_DEPTH || seen.has(v as object)) return stringifyValue(v);
  if (Array.isArray(v)) {
    seen.add(v);
    const out = v.map((x) => copyLenient(x, depth + 1, seen));
    seen.delete(v);
    return out;
  }
  if (!isPlainObject(v)) return stringifyValue(v);
  seen.add(v);
  const out: { [key: string]: AttributeValue } = {};
  for (const key of Object.keys(v)) out[key] = copyLenient(v[key], depth + 1, seen);
  seen.delete(v);
  return out;
}

/** Captures a value under strict OTel AnyValue rules; undefined result with ok=false means invalid. */
export function captureAnyValueStrict(v: unknown): { ok: boolean; value: AttributeValue } {
  if (typeof v !== 'object' || v === null) {
    const t = typeof v;
    if (t === 'function' || t === 'symbol') return { ok: false, value: undefined };
    return { ok: true, value: v as AttributeValue };
  }
  const c = copyStrict(v, 0, new Set());
  return c === INVALID ? { ok: false, value: undefined } : { ok: true, value: c };
}

/** Captures a value leniently (non-AnyValue parts become text). */
export function captureAnyValue(v: unknown): AttributeValue {
  if (typeof v !== 'object' || v === null) {
    const t = typeof v;
    if (t === 'function' || t === 'symbol') return stringifyValue(v);
    return v as AttributeValue;
  }
  return copyLenient(v, 0, new Set());
}

/** Estimated encoded size of an attribute value (recursive for containers). */
export function estimateAnyValueBytes(v: AttributeValue): number {
  if (v === null || v === undefined) return 2;
  if (typeof v !== 'object' || v instanceof Uint8Array) return estimateValueBytes(v);
  let n = 4;
  if (Array.isArray(v)) {
    for (const x of v) n += estimateAnyValueBytes(x);
    return n;
  }
  for (const k of Object.keys(v)) n += k.length + 4 + estimateAnyValueBytes(v[k]);
  return n;
}

/** Adds exception.type / exception.message / exception.stacktrace (OTel semantic conventions) for an error. */
function pushException(keys: string[], values: AttributeValue[], err: unknown): void {
  const has = (k: string) => keys.includes(k);
  if (typeof err === 'string' || typeof err === 'number') {
    if (!has('exception.message')) keys.push('exception.message'), values.push(String(err));
    return;
  }
  if (typeof err !== 'object' || err === null) return;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
  const type = e.code !== undefined && e.code !== null && e.code !== '' ? String(e.code) : e.name ? String(e.name) : undefined;
  if (type !== undefined && !has('exception.type')) keys.push('exception.type'), values.push(type);
  if (e.message && !has('exception.message')) keys.push('exception.message'), values.push(String(e.message));
  if (e.stack && !has('exception.stacktrace')) keys.push('exception.stacktrace'), values.push(String(e.stack));
}

function finishList(keys: string[], values: AttributeValue[], dropped: number): AttributeList {
  let bytes = 0;
  for (let i = 0; i < keys.length; i++) bytes += keys[i].length + 4 + estimateAnyValueBytes(values[i]);
  return { keys, values, dropped, bytes };
}

/**
 * Captures the caller's attribute object for a structured call (lenient):
 * values are deep-copied, non-AnyValue values become text, an Error under
 * `err`/`error` expands to the OTel exception.* attributes (pino's convention),
 * `skipKey` (the `msg` key) is left out. `exception`, when given, adds exception.* too.
 */
export function captureAttributes(obj: Record<string, unknown>, skipKey?: string, exception?: unknown): AttributeList {
  const keys: string[] = [];
  const values: AttributeValue[] = [];
  let errorValue: unknown = exception;
  for (const key of Object.keys(obj)) {
    if (key === skipKey) continue;
    const v = obj[key];
    if ((key === 'err' || key === 'error') && v instanceof Error && errorValue === undefined) {
      errorValue = v;
      continue;
    }
    keys.push(key);
    values.push(captureAnyValue(v));
  }
  if (errorValue !== undefined) pushException(keys, values, errorValue);
  return finishList(keys, values, 0);
}

/**
 * Captures attributes with the OpenTelemetry SDK's rules (the OTel API path):
 * empty keys and non-AnyValue values are refused and counted in `dropped`;
 * `exception` adds exception.* attributes unless those keys are present.
 */
export function captureAttributesStrict(obj: Record<string, unknown> | undefined, exception?: unknown): AttributeList {
  const keys: string[] = [];
  const values: AttributeValue[] = [];
  let dropped = 0;
  if (obj) {
    for (const key of Object.keys(obj)) {
      const c = key.length === 0 ? { ok: false, value: undefined } : captureAnyValueStrict(obj[key]);
      if (!c.ok) {
        dropped++;
        continue;
      }
      keys.push(key);
      values.push(c.value);
    }
  }
  if (exception !== undefined && exception !== null) pushException(keys, values, exception);
  return finishList(keys, values, dropped);
}

/** Merges bound attributes (child loggers) with more; later keys replace earlier ones. */
export function mergeAttributeLists(base: AttributeList | undefined, more: AttributeList): AttributeList {
  if (!base || base.keys.length === 0) return more;
  const keys = base.keys.slice();
  const values = base.values.slice();
  for (let i = 0; i < more.keys.length; i++) {
    const at = keys.indexOf(more.keys[i]);
    if (at >= 0) values[at] = more.values[i];
    else keys.push(more.keys[i]), values.push(more.values[i]);
  }
  return finishList(keys, values, base.dropped + more.dropped);
}
