/**
 * Binary OTLP ExportLogsServiceRequest -> LogBatch, read straight off the wire
 * into the batch columns.
 *
 * Why hand-written and not protobufjs: decoding into protobufjs message objects
 * first allocates a full object graph per record (and protobufjs' oneof setter
 * turns every AnyValue into a dictionary-mode object), which made decoding
 * several times slower than the rest of the receive path. The schema is small
 * and frozen by the OTLP spec (field numbers from proto/opentelemetry/...); the
 * unit tests cross-check this decoder against protobufjs (reference.ts).
 *
 * Semantics follow protobuf: unknown fields (any wire type, groups included) are
 * skipped; a known field with an unexpected wire type is skipped like an unknown
 * one; for a repeated singular field the last occurrence wins. Strings are
 * decoded as UTF-8 with invalid sequences replaced (U+FFFD), never rejected
 * (counted in DecodeStats.invalidUtf8). Truncated or otherwise unreadable
 * input, trace/span ids of the wrong length and AnyValues nested deeper than
 * the limit (limits.ts, default 32) throw PermanentError; nothing else is thrown.
 * Attribute count and value length limits are applied after decoding (limits.ts).
 */
import { LogBatchBuilder, reusableRecordInput, type AnyValue, type KeyValue, type LogBatch } from '../pipeline/batch';
import { PermanentError } from '../pipeline/errors';
import { applyAttributeLimits, newDecodeStats, resolveLimits, tooManyRecords, type DecodeOptions, type DecodeStats } from './limits';
import { Malformed, ProtoReader, WT_I32, WT_I64, WT_LEN, WT_VARINT } from '../protobuf/reader';

/** A cursor over one request, with its limits. */
class Reader extends ProtoReader {
  constructor(
    buf: Buffer,
    maxDepth: number,
    stats: DecodeStats | undefined,
    /** Most log records accepted in one request. */
    readonly maxRecords: number,
  ) {
    super(buf, 0, { maxDepth, stats });
  }
}

/**
 * Decodes a binary OTLP ExportLogsServiceRequest into a LogBatch.
 * `batch.byteSize` is the request size. Throws PermanentError on malformed input.
 * `options.limits` default to DEFAULT_DECODE_LIMITS; what they changed is added to `options.stats`.
 */
export function decodeExportRequest(input: Uint8Array, options: DecodeOptions = {}): LogBatch {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const limits = resolveLimits(options.limits);
  const builder = new LogBatchBuilder(Math.min(countLogRecords(buf), limits.maxRecordsPerRequest));
  const r = new Reader(buf, limits.maxAnyValueDepth, options.stats, limits.maxRecordsPerRequest);
  try {
    const end = buf.length;
    let resourceLogsIndex = 0;
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag === ((1 << 3) | WT_LEN)) readResourceLogs(r, r.lengthEnd(end), builder, resourceLogsIndex++);
      else r.skip(tag & 7, end);
    }
  } catch (err) {
    if (err instanceof Malformed) throw new PermanentError(`malformed OTLP protobuf ExportLogsServiceRequest: ${err.message}`);
    throw err;
  }
  builder.trim();
  applyAttributeLimits(builder.batch, limits, options.stats ?? newDecodeStats());
  builder.batch.byteSize = input.byteLength;
  return builder.batch;
}

/**
 * The log records of a request, counted by their field tags alone (resource_logs ->
 * scope_logs -> log_records, no record read), so that the batch's columns are sized
 * once. 0 when the bytes are malformed: the decode proper reports what is wrong.
 */
function countLogRecords(buf: Buffer): number {
  const r = new ProtoReader(buf);
  let n = 0;
  const each = (end: number, field: number, inner: (end: number) => void): void => {
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag === ((field << 3) | WT_LEN)) {
        const e = r.lengthEnd(end);
        inner(e);
        r.pos = e;
      } else r.skip(tag & 7, end);
    }
  };
  try {
    each(buf.length, 1, (resourceEnd) => each(resourceEnd, 2, (scopeEnd) => each(scopeEnd, 2, () => n++)));
  } catch (err) {
    if (err instanceof Malformed) return 0;
    throw err;
  }
  return n;
}

function readResourceLogs(r: Reader, end: number, builder: LogBatchBuilder, index: number): void {
  // Pass 1: where the resource and schema_url are (they may follow the scope_logs on the wire).
  const start = r.pos;
  let resourceAt = -1;
  let resourceEnd = -1;
  let schemaUrl = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((1 << 3) | WT_LEN)) {
      resourceEnd = r.lengthEnd(end);
      resourceAt = r.pos;
      r.pos = resourceEnd;
    } else if (tag === ((3 << 3) | WT_LEN)) schemaUrl = r.string(end);
    else r.skip(tag & 7, end);
  }
  // Pass 2: the scope_logs; the resource is added with its first record.
  let resourceIndex = -1;
  const addResource = (): number => {
    if (resourceIndex >= 0) return resourceIndex;
    const attributes: KeyValue[] = [];
    let dropped = 0;
    if (resourceAt >= 0) {
      const saved = r.pos;
      r.pos = resourceAt;
      while (r.pos < resourceEnd) {
        const tag = r.uint32(resourceEnd);
        if (tag === ((1 << 3) | WT_LEN)) attributes.push(r.keyValue(r.lengthEnd(resourceEnd), 0));
        else if (tag === ((2 << 3) | WT_VARINT)) dropped = r.uint32(resourceEnd);
        else r.skip(tag & 7, resourceEnd);
      }
      r.pos = saved;
    }
    resourceIndex = builder.addResource({ attributes, droppedAttributesCount: dropped, schemaUrl });
    return resourceIndex;
  };
  r.pos = start;
  let scopeLogsIndex = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((2 << 3) | WT_LEN)) readScopeLogs(r, r.lengthEnd(end), builder, addResource, `resourceLogs[${index}].scopeLogs[${scopeLogsIndex++}]`);
    else r.skip(tag & 7, end);
  }
}

function readScopeLogs(r: Reader, end: number, builder: LogBatchBuilder, addResource: () => number, path: string): void {
  const start = r.pos;
  let scopeAt = -1;
  let scopeEnd = -1;
  let schemaUrl = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((1 << 3) | WT_LEN)) {
      scopeEnd = r.lengthEnd(end);
      scopeAt = r.pos;
      r.pos = scopeEnd;
    } else if (tag === ((3 << 3) | WT_LEN)) schemaUrl = r.string(end);
    else r.skip(tag & 7, end);
  }
  let scopeIndex = -1;
  let resourceIndex = -1;
  let recordIndex = 0;
  r.pos = start;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag !== ((2 << 3) | WT_LEN)) {
      r.skip(tag & 7, end);
      continue;
    }
    const recordEnd = r.lengthEnd(end);
    if (builder.batch.length >= r.maxRecords) throw tooManyRecords(r.maxRecords);
    if (scopeIndex < 0) {
      resourceIndex = addResource();
      scopeIndex = builder.addScope(readScope(r, scopeAt, scopeEnd, schemaUrl));
    }
    readLogRecord(r, recordEnd, builder, resourceIndex, scopeIndex, path, recordIndex++);
  }
}

function readScope(r: Reader, at: number, end: number, schemaUrl: string) {
  const scope = { name: '', version: '', attributes: [] as KeyValue[], droppedAttributesCount: 0, schemaUrl };
  if (at < 0) return scope;
  const saved = r.pos;
  r.pos = at;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | WT_LEN:
        scope.name = r.string(end);
        break;
      case (2 << 3) | WT_LEN:
        scope.version = r.string(end);
        break;
      case (3 << 3) | WT_LEN:
        scope.attributes.push(r.keyValue(r.lengthEnd(end), 0));
        break;
      case (4 << 3) | WT_VARINT:
        scope.droppedAttributesCount = r.uint32(end);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  r.pos = saved;
  return scope;
}

function readLogRecord(r: Reader, end: number, builder: LogBatchBuilder, resourceIndex: number, scopeIndex: number, path: string, index: number): void {
  // fixed64 times as their 32-bit halves: no bigint per record
  let timeLow = 0;
  let timeHigh = 0;
  let observedLow = 0;
  let observedHigh = 0;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = undefined;
  const attributes = scratchAttributes;
  let attributeCount = 0;
  let dropped = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | WT_I64:
        r.fixed64Halves(end);
        timeLow = r.low;
        timeHigh = r.high;
        break;
      case (11 << 3) | WT_I64:
        r.fixed64Halves(end);
        observedLow = r.low;
        observedHigh = r.high;
        break;
      case (2 << 3) | WT_VARINT:
        severityNumber = r.int32(end);
        break;
      case (3 << 3) | WT_LEN:
        severityText = r.recurringString(end);
        break;
      case (5 << 3) | WT_LEN:
        body = r.anyValue(r.lengthEnd(end), 0);
        break;
      case (6 << 3) | WT_LEN:
        attributes[attributeCount++] = r.keyValue(r.lengthEnd(end), 0);
        break;
      case (7 << 3) | WT_VARINT:
        dropped = r.uint32(end);
        break;
      case (8 << 3) | WT_I32:
        flags = r.fixed32(end);
        break;
      case (9 << 3) | WT_LEN:
        traceId = readId(r, end, 16, 'traceId', path, index);
        break;
      case (10 << 3) | WT_LEN:
        spanId = readId(r, end, 8, 'spanId', path, index);
        break;
      case (12 << 3) | WT_LEN:
        eventName = r.string(end);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  const record = scratchRecord;
  record.severityNumber = severityNumber;
  record.severityText = severityText;
  record.body = body;
  // An array of exactly its attributes: one grown by push keeps room for 17.
  record.attributes = attributes.slice(0, attributeCount);
  for (let k = 0; k < attributeCount; k++) attributes[k] = undefined as unknown as KeyValue; // hold no record's values
  record.droppedAttributesCount = dropped;
  record.flags = flags;
  record.traceId = traceId;
  record.spanId = spanId;
  record.eventName = eventName;
  builder.addAtTimes(resourceIndex, scopeIndex, record, 0, timeHigh, timeLow, observedHigh, observedLow);
  record.body = undefined; // hold no record's values between calls
  record.attributes = undefined;
}

/** Where readLogRecord gathers a record's attributes before copying them out (a KeyValue never nests a record). */
const scratchAttributes: KeyValue[] = [];

/** The one record object readLogRecord fills: add() copies its fields into the batch's columns. */
const scratchRecord = reusableRecordInput();

/** Lower-case hex of a trace/span id; '' when empty or all zero (the spec's "invalid" id means unset). */
function readId(r: Reader, end: number, size: number, field: string, path: string, index: number): string {
  const stop = r.lengthEnd(end);
  const len = stop - r.pos;
  if (len !== 0 && len !== size) throw new PermanentError(`${path}.logRecords[${index}].${field}: must be ${size} bytes, got ${len}`);
  let zero = true;
  for (let i = r.pos; i < stop; i++) {
    if (r.buf[i] !== 0) {
      zero = false;
      break;
    }
  }
  const hex = zero ? '' : r.buf.toString('hex', r.pos, stop);
  r.pos = stop;
  return hex;
}

