/**
 * OTLP/JSON ExportLogsServiceRequest -> LogBatch, per the OTLP/JSON encoding:
 *
 * - keys in lowerCamelCase; the protobuf snake_case spelling is accepted too;
 * - traceId / spanId are hex strings (not base64);
 * - int64 / fixed64 / uint32 values as decimal strings or JSON numbers, kept
 *   exact (integers beyond 2^53 written as numbers trigger a lossless re-parse);
 * - enums (severityNumber) as integers; the enum value names are accepted too;
 * - bytes as base64 (standard or URL-safe); doubles also as "NaN"/"Infinity";
 * - unknown keys are ignored, null means "not set";
 * - a value of the wrong type rejects the whole request with a PermanentError
 *   naming the offending path;
 * - limits (limits.ts): AnyValues nested deeper than maxAnyValueDepth reject the
 *   request; attribute count / value length limits drop / truncate and count;
 *   strings with lone surrogates (\uD800 escapes) get U+FFFD, counted.
 */
import { protoRoot } from '../../protocol/protos';
import { KeyValueList, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../pipeline/batch';
import { PermanentError } from '../pipeline/errors';
import { JsonNumber, parseJsonLossless } from './json-lossless';
import { applyAttributeLimits, DEFAULT_DECODE_LIMITS, newDecodeStats, resolveLimits, tooManyRecords, wellFormed, type DecodeOptions, type DecodeStats } from './limits';

/**
 * The limits and stats of the decode in progress. Decoding is synchronous and
 * never re-entered, so module state is safe and spares a parameter on every helper.
 */
let maxAnyValueDepth = DEFAULT_DECODE_LIMITS.maxAnyValueDepth;
let maxRecords = DEFAULT_DECODE_LIMITS.maxRecordsPerRequest;
let currentStats: DecodeStats | undefined;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest into a LogBatch.
 * `batch.byteSize` is the request text length. Throws PermanentError on invalid input.
 * `options.limits` default to DEFAULT_DECODE_LIMITS; what they changed is added to `options.stats`.
 */
export function decodeExportRequestJson(text: string, options: DecodeOptions = {}): LogBatch {
  const limits = resolveLimits(options.limits);
  const stats = options.stats ?? newDecodeStats();
  maxAnyValueDepth = limits.maxAnyValueDepth;
  maxRecords = limits.maxRecordsPerRequest;
  currentStats = stats;
  try {
    const batch = decodeJson(text);
    applyAttributeLimits(batch, limits, stats);
    return batch;
  } finally {
    currentStats = undefined;
  }
}

function decodeJson(text: string): LogBatch {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PermanentError(`invalid JSON: ${(err as Error).message}`);
  }
  let batch: LogBatch;
  try {
    batch = convert(doc);
  } catch (err) {
    if (!(err instanceof UnsafeInteger)) throw err;
    // Some integer was written as a JSON number beyond 2^53: JSON.parse rounded it. Re-read exactly.
    try {
      doc = parseJsonLossless(text);
    } catch (e) {
      throw new PermanentError(`invalid JSON: ${(e as Error).message}`);
    }
    batch = convert(doc);
  }
  batch.byteSize = text.length;
  return batch;
}

/** Thrown when JSON.parse has already lost precision; the caller re-parses losslessly. */
class UnsafeInteger extends Error {}

/** A value of the wrong shape; `path` grows as the error propagates outwards. */
class ShapeError extends Error {
  constructor(
    readonly problem: string,
    public path: string,
  ) {
    super(problem);
  }
}

function within(err: unknown, segment: string): unknown {
  if (err instanceof ShapeError) err.path = err.path ? (err.path.startsWith('[') ? segment + err.path : `${segment}.${err.path}`) : segment;
  return err;
}

function convert(doc: unknown): LogBatch {
  try {
    return requestToBatch(doc);
  } catch (err) {
    if (err instanceof ShapeError) {
      throw new PermanentError(`invalid OTLP/JSON ExportLogsServiceRequest${err.path ? ` at ${err.path}` : ''}: ${err.problem}`);
    }
    throw err;
  }
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof JsonNumber) return `number ${v.raw}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** A field by its JSON name or its protobuf name; null counts as absent. */
function field(o: JsonObject, camel: string, snake?: string): unknown {
  const v = o[camel];
  if (v !== undefined && v !== null) return v;
  if (snake === undefined) return undefined;
  const s = o[snake];
  return s === null ? undefined : s;
}

function objectAt(v: unknown, path: string): JsonObject | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new ShapeError(`expected an object, got ${describe(v)}`, path);
  return v;
}

function arrayAt(v: unknown, path: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ShapeError(`expected an array, got ${describe(v)}`, path);
  return v;
}

function stringAt(v: unknown, path: string): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new ShapeError(`expected a string, got ${describe(v)}`, path);
  return wellFormed(v, currentStats);
}

function boolAt(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new ShapeError(`expected true or false, got ${describe(v)}`, path);
  return v;
}

const DECIMAL_INTEGER = /^-?\d+$/;

/** An integer from a decimal string, a JSON number or a lossless JsonNumber, range-checked. */
function integerAt(v: unknown, path: string, min: bigint, max: bigint): bigint {
  let n: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new ShapeError(`expected an integer, got ${describe(v)}`, path);
    if (!Number.isSafeInteger(v)) throw new UnsafeInteger();
    n = BigInt(v);
  } else if (typeof v === 'string' || v instanceof JsonNumber) {
    const text = typeof v === 'string' ? v.trim() : v.raw;
    if (DECIMAL_INTEGER.test(text)) n = BigInt(text);
    else {
      // "1e3" / 1.0 are integers too, but only exact when small.
      const x = text === '' ? NaN : Number(text);
      if (!Number.isSafeInteger(x)) throw new ShapeError(`expected an integer, got ${describe(v)}`, path);
      n = BigInt(x);
    }
  } else {
    throw new ShapeError(`expected an integer (decimal string or number), got ${describe(v)}`, path);
  }
  if (n < min || n > max) throw new ShapeError(`integer ${n} out of range [${min}, ${max}]`, path);
  return n;
}

function uint64At(v: unknown, path: string): bigint {
  return v === undefined ? 0n : integerAt(v, path, 0n, MAX_UINT64);
}

function uint32At(v: unknown, path: string): number {
  return v === undefined ? 0 : Number(integerAt(v, path, 0n, 0xffffffffn));
}

function doubleAt(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof JsonNumber) return Number(v.raw);
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const x = v.trim() === '' ? NaN : Number(v);
    if (!Number.isNaN(x)) return x;
  }
  throw new ShapeError(`expected a number, got ${describe(v)}`, path);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytesAt(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string' || !BASE64.test(v)) throw new ShapeError(`expected a base64 string, got ${describe(v)}`, path);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

const HEX = /^[0-9a-fA-F]*$/;
const ALL_ZERO = /^0*$/;

/** Trace/span id: hex of `bytes` bytes; '' when absent, empty or all zero. */
function idAt(v: unknown, path: string, bytes: number): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new ShapeError(`expected a hex string, got ${describe(v)}`, path);
  if (v === '') return '';
  if (v.length !== bytes * 2 || !HEX.test(v)) {
    throw new ShapeError(`expected ${bytes * 2} hex characters (${bytes} bytes), got ${describe(v)}`, path);
  }
  return ALL_ZERO.test(v) ? '' : v.toLowerCase();
}

let severityByName: Map<string, number> | undefined;

function severityAt(v: unknown, path: string): number {
  if (v === undefined) return 0;
  if (typeof v === 'string' && !DECIMAL_INTEGER.test(v.trim())) {
    severityByName ??= new Map(Object.entries(protoRoot().lookupEnum('opentelemetry.proto.logs.v1.SeverityNumber').values));
    const n = severityByName.get(v);
    if (n === undefined) throw new ShapeError(`unknown SeverityNumber ${JSON.stringify(v)}`, path);
    return n;
  }
  // Enums are open in proto3: any int32 is kept.
  return Number(integerAt(v, path, -(1n << 31n), (1n << 31n) - 1n));
}

function requestToBatch(doc: unknown): LogBatch {
  if (!isObject(doc)) throw new ShapeError(`expected a JSON object, got ${describe(doc)}`, '');
  const builder = new LogBatchBuilder();
  const resourceLogs = arrayAt(field(doc, 'resourceLogs', 'resource_logs'), 'resourceLogs');
  for (let r = 0; r < resourceLogs.length; r++) {
    const rPath = `resourceLogs[${r}]`;
    const rl = objectAt(resourceLogs[r] ?? {}, rPath)!;
    let resourceIndex = -1;
    const scopeLogs = arrayAt(field(rl, 'scopeLogs', 'scope_logs'), `${rPath}.scopeLogs`);
    for (let s = 0; s < scopeLogs.length; s++) {
      const sPath = `${rPath}.scopeLogs[${s}]`;
      const sl = objectAt(scopeLogs[s] ?? {}, sPath)!;
      let scopeIndex = -1;
      const records = arrayAt(field(sl, 'logRecords', 'log_records'), `${sPath}.logRecords`);
      if (builder.batch.length + records.length > maxRecords) throw tooManyRecords(maxRecords);
      for (let i = 0; i < records.length; i++) {
        if (resourceIndex < 0) resourceIndex = addResource(builder, rl, rPath);
        if (scopeIndex < 0) scopeIndex = addScope(builder, sl, sPath);
        try {
          addRecord(builder, resourceIndex, scopeIndex, records[i] ?? {});
        } catch (err) {
          throw within(err, `${sPath}.logRecords[${i}]`);
        }
      }
    }
  }
  return builder.batch;
}

function addResource(builder: LogBatchBuilder, rl: JsonObject, path: string): number {
  const resource = objectAt(field(rl, 'resource'), `${path}.resource`) ?? {};
  return builder.addResource({
    attributes: keyValuesAt(field(resource, 'attributes'), `${path}.resource.attributes`),
    droppedAttributesCount: uint32At(field(resource, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.resource.droppedAttributesCount`),
    schemaUrl: stringAt(field(rl, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
  });
}

function addScope(builder: LogBatchBuilder, sl: JsonObject, path: string): number {
  const scope = objectAt(field(sl, 'scope'), `${path}.scope`) ?? {};
  return builder.addScope({
    name: stringAt(field(scope, 'name'), `${path}.scope.name`),
    version: stringAt(field(scope, 'version'), `${path}.scope.version`),
    attributes: keyValuesAt(field(scope, 'attributes'), `${path}.scope.attributes`),
    droppedAttributesCount: uint32At(field(scope, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.scope.droppedAttributesCount`),
    schemaUrl: stringAt(field(sl, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
  });
}

function addRecord(builder: LogBatchBuilder, resourceIndex: number, scopeIndex: number, value: unknown): void {
  const rec = objectAt(value, '')!;
  const body = field(rec, 'body');
  builder.add(resourceIndex, scopeIndex, {
    timeUnixNano: uint64At(field(rec, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    observedTimeUnixNano: uint64At(field(rec, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
    severityNumber: severityAt(field(rec, 'severityNumber', 'severity_number'), 'severityNumber'),
    severityText: stringAt(field(rec, 'severityText', 'severity_text'), 'severityText'),
    body: body === undefined ? undefined : anyValueAt(body, 'body', 0),
    attributes: keyValuesAt(field(rec, 'attributes'), 'attributes'),
    droppedAttributesCount: uint32At(field(rec, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
    flags: uint32At(field(rec, 'flags'), 'flags'),
    traceId: idAt(field(rec, 'traceId', 'trace_id'), 'traceId', 16),
    spanId: idAt(field(rec, 'spanId', 'span_id'), 'spanId', 8),
    eventName: stringAt(field(rec, 'eventName', 'event_name'), 'eventName'),
  });
}

function keyValuesAt(v: unknown, path: string, depth = 0): KeyValue[] {
  const list = arrayAt(v, path);
  if (list.length === 0) return [];
  const out = new Array<KeyValue>(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = objectAt(list[i] ?? {}, `${path}[${i}]`)!;
    const value = field(kv, 'value');
    try {
      out[i] = { key: stringAt(field(kv, 'key'), 'key'), value: value === undefined ? undefined : anyValueAt(value, 'value', depth) };
    } catch (err) {
      throw within(err, `${path}[${i}]`);
    }
  }
  return out;
}

/** AnyValue: an object with at most one of the value members set; {} is the empty value. */
function anyValueAt(v: unknown, path: string, depth: number): AnyValue {
  if (!isObject(v)) throw new ShapeError(`expected an AnyValue object, got ${describe(v)}`, path);
  if (depth > maxAnyValueDepth) throw new ShapeError(`AnyValue nested deeper than ${maxAnyValueDepth} levels`, path);
  let result: AnyValue;
  let kind: string | undefined;
  for (const key in v) {
    const x = v[key];
    if (x === null || x === undefined) continue;
    let value: AnyValue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        value = stringAt(x, `${path}.${key}`);
        break;
      case 'boolValue':
      case 'bool_value':
        value = boolAt(x, `${path}.${key}`);
        break;
      case 'intValue':
      case 'int_value':
        value = integerAt(x, `${path}.${key}`, MIN_INT64, MAX_INT64);
        break;
      case 'doubleValue':
      case 'double_value':
        value = doubleAt(x, `${path}.${key}`);
        break;
      case 'bytesValue':
      case 'bytes_value':
        value = bytesAt(x, `${path}.${key}`);
        break;
      case 'arrayValue':
      case 'array_value':
        value = arrayValueAt(x, `${path}.${key}`, depth);
        break;
      case 'kvlistValue':
      case 'kvlist_value': {
        const kvlist = objectAt(x, `${path}.${key}`)!;
        value = new KeyValueList(keyValuesAt(field(kvlist, 'values'), `${path}.${key}.values`, depth + 1));
        break;
      }
      default:
        continue; // unknown member: ignored, like any unknown field
    }
    if (kind !== undefined) throw new ShapeError(`AnyValue has both ${kind} and ${key} set (at most one allowed)`, path);
    kind = key;
    result = value;
  }
  return result;
}

function arrayValueAt(x: unknown, path: string, depth: number): AnyValue[] {
  const arr = objectAt(x, path)!;
  const values = arrayAt(field(arr, 'values'), `${path}.values`);
  const out = new Array<AnyValue>(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i] === null ? undefined : anyValueAt(values[i], `${path}.values[${i}]`, depth + 1);
  }
  return out;
}
