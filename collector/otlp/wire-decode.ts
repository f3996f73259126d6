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
import { KeyValueList, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../pipeline/batch';
import { isUtf8 } from 'buffer';
import { PermanentError } from '../pipeline/errors';
import { applyAttributeLimits, newDecodeStats, resolveLimits, tooManyRecords, type DecodeOptions, type DecodeStats } from './limits';
import { varintExceeds32Bits } from '../protobuf/varint';

/** Deepest group nesting skipped in unknown fields (protobufjs and Go's protobuf stop at 100 message levels). */
const MAX_GROUP_DEPTH = 64;

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_SGROUP = 3;
const WT_EGROUP = 4;
const WT_I32 = 5;

class Malformed extends Error {}

/** A cursor over `buf`; `end` bounds the message being read. */
class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    /** Deepest AnyValue nesting accepted. */
    readonly maxDepth: number,
    readonly stats: DecodeStats | undefined,
    /** Most log records accepted in one request. */
    readonly maxRecords: number,
  ) {}

  varint32(end: number): number {
    // Low 32 bits of a varint of up to 10 bytes (int32 enums are sign-extended to 10 bytes).
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = buf[this.pos++];
      if (shift < 32) result |= (b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw new Malformed('varint longer than 10 bytes');
  }

  /** A bool: any non-zero varint (of up to 64 bits) is true. */
  bool(end: number): boolean {
    let nonZero = false;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = this.buf[this.pos++];
      if (b & 0x7f) nonZero = true;
      if (b < 0x80) return nonZero;
    }
    throw new Malformed('varint longer than 10 bytes');
  }

  /** A signed int64 varint as an exact bigint. */
  varint64(end: number): bigint {
    const buf = this.buf;
    // Up to 7 bytes (49 bits) accumulate exactly in a double.
    let low = 0;
    let factor = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = buf[this.pos++];
      low += (b & 0x7f) * factor;
      if (b < 0x80) return BigInt(low);
      factor *= 128;
    }
    let big = BigInt(low);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = buf[this.pos++];
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, big);
    }
    throw new Malformed('varint longer than 10 bytes');
  }

  /** Reads a length prefix and returns the end offset of the delimited bytes. */
  lengthEnd(end: number): number {
    const start = this.pos;
    const len = this.varint32(end) >>> 0;
    if (varintExceeds32Bits(this.buf, start, this.pos)) throw new Malformed('length prefix does not fit in 32 bits');
    const stop = this.pos + len;
    if (stop > end) throw new Malformed(`length ${len} runs past the end of the enclosing message`);
    return stop;
  }

  fixed64(end: number): bigint {
    if (this.pos + 8 > end) throw new Malformed('truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  fixed32(end: number): number {
    if (this.pos + 4 > end) throw new Malformed('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw new Malformed('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  string(end: number): string {
    const stop = this.lengthEnd(end);
    const s = stop === this.pos ? '' : this.buf.toString('utf8', this.pos, stop);
    // U+FFFD in the result was either sent as such or is our replacement: only then check the bytes.
    if (this.stats && s.includes('\uFFFD') && !isUtf8(this.buf.subarray(this.pos, stop))) this.stats.invalidUtf8++;
    this.pos = stop;
    return s;
  }

  /** A copy: a view would pin the whole request buffer for as long as the record lives. */
  bytes(end: number): Uint8Array {
    const stop = this.lengthEnd(end);
    const start = this.buf.byteOffset + this.pos;
    this.pos = stop;
    return new Uint8Array(this.buf.buffer.slice(start, this.buf.byteOffset + stop));
  }

  skip(wireType: number, end: number, depth = 0): void {
    switch (wireType) {
      case WT_VARINT:
        this.varint32(end);
        return;
      case WT_I64:
        if (this.pos + 8 > end) throw new Malformed('truncated fixed64');
        this.pos += 8;
        return;
      case WT_LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WT_I32:
        if (this.pos + 4 > end) throw new Malformed('truncated fixed32');
        this.pos += 4;
        return;
      case WT_SGROUP: {
        if (depth > MAX_GROUP_DEPTH) throw new Malformed('groups nested too deep');
        for (;;) {
          const tag = this.varint32(end) >>> 0;
          if ((tag & 7) === WT_EGROUP) return;
          this.skip(tag & 7, end, depth + 1);
        }
      }
      default:
        throw new Malformed(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

/**
 * Decodes a binary OTLP ExportLogsServiceRequest into a LogBatch.
 * `batch.byteSize` is the request size. Throws PermanentError on malformed input.
 * `options.limits` default to DEFAULT_DECODE_LIMITS; what they changed is added to `options.stats`.
 */
export function decodeExportRequest(input: Uint8Array, options: DecodeOptions = {}): LogBatch {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const builder = new LogBatchBuilder();
  const limits = resolveLimits(options.limits);
  const r = new Reader(buf, limits.maxAnyValueDepth, options.stats, limits.maxRecordsPerRequest);
  try {
    const end = buf.length;
    let resourceLogsIndex = 0;
    while (r.pos < end) {
      const tag = r.varint32(end) >>> 0;
      if (tag === ((1 << 3) | WT_LEN)) readResourceLogs(r, r.lengthEnd(end), builder, resourceLogsIndex++);
      else r.skip(tag & 7, end);
    }
  } catch (err) {
    if (err instanceof Malformed) throw new PermanentError(`malformed OTLP protobuf ExportLogsServiceRequest: ${err.message}`);
    throw err;
  }
  applyAttributeLimits(builder.batch, limits, options.stats ?? newDecodeStats());
  builder.batch.byteSize = input.byteLength;
  return builder.batch;
}

function readResourceLogs(r: Reader, end: number, builder: LogBatchBuilder, index: number): void {
  // Pass 1: where the resource and schema_url are (they may follow the scope_logs on the wire).
  const start = r.pos;
  let resourceAt = -1;
  let resourceEnd = -1;
  let schemaUrl = '';
  while (r.pos < end) {
    const tag = r.varint32(end) >>> 0;
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
        const tag = r.varint32(resourceEnd) >>> 0;
        if (tag === ((1 << 3) | WT_LEN)) attributes.push(readKeyValue(r, r.lengthEnd(resourceEnd), 0));
        else if (tag === ((2 << 3) | WT_VARINT)) dropped = r.varint32(resourceEnd) >>> 0;
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
    const tag = r.varint32(end) >>> 0;
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
    const tag = r.varint32(end) >>> 0;
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
    const tag = r.varint32(end) >>> 0;
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
    const tag = r.varint32(end) >>> 0;
    switch (tag) {
      case (1 << 3) | WT_LEN:
        scope.name = r.string(end);
        break;
      case (2 << 3) | WT_LEN:
        scope.version = r.string(end);
        break;
      case (3 << 3) | WT_LEN:
        scope.attributes.push(readKeyValue(r, r.lengthEnd(end), 0));
        break;
      case (4 << 3) | WT_VARINT:
        scope.droppedAttributesCount = r.varint32(end) >>> 0;
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  r.pos = saved;
  return scope;
}

function readLogRecord(r: Reader, end: number, builder: LogBatchBuilder, resourceIndex: number, scopeIndex: number, path: string, index: number): void {
  let time = 0n;
  let observed = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = undefined;
  const attributes: KeyValue[] = [];
  let dropped = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  while (r.pos < end) {
    const tag = r.varint32(end) >>> 0;
    switch (tag) {
      case (1 << 3) | WT_I64:
        time = r.fixed64(end);
        break;
      case (11 << 3) | WT_I64:
        observed = r.fixed64(end);
        break;
      case (2 << 3) | WT_VARINT:
        severityNumber = r.varint32(end) | 0;
        break;
      case (3 << 3) | WT_LEN:
        severityText = r.string(end);
        break;
      case (5 << 3) | WT_LEN:
        body = readAnyValue(r, r.lengthEnd(end), 0);
        break;
      case (6 << 3) | WT_LEN:
        attributes.push(readKeyValue(r, r.lengthEnd(end), 0));
        break;
      case (7 << 3) | WT_VARINT:
        dropped = r.varint32(end) >>> 0;
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
  builder.add(resourceIndex, scopeIndex, {
    timeUnixNano: time,
    observedTimeUnixNano: observed,
    severityNumber,
    severityText,
    body,
    attributes,
    droppedAttributesCount: dropped,
    flags,
    traceId,
    spanId,
    eventName,
  });
}

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

function readKeyValue(r: Reader, end: number, depth: number): KeyValue {
  let key = '';
  let value: AnyValue = undefined;
  while (r.pos < end) {
    const tag = r.varint32(end) >>> 0;
    if (tag === ((1 << 3) | WT_LEN)) key = r.string(end);
    else if (tag === ((2 << 3) | WT_LEN)) value = readAnyValue(r, r.lengthEnd(end), depth);
    else r.skip(tag & 7, end);
  }
  return { key, value };
}

function readAnyValue(r: Reader, end: number, depth: number): AnyValue {
  if (depth > r.maxDepth) throw new Malformed(`AnyValue nested deeper than ${r.maxDepth} levels`);
  let value: AnyValue = undefined;
  while (r.pos < end) {
    const tag = r.varint32(end) >>> 0;
    switch (tag) {
      case (1 << 3) | WT_LEN:
        value = r.string(end);
        break;
      case (2 << 3) | WT_VARINT:
        value = r.bool(end);
        break;
      case (3 << 3) | WT_VARINT:
        value = r.varint64(end);
        break;
      case (4 << 3) | WT_I64:
        value = r.double(end);
        break;
      case (5 << 3) | WT_LEN: {
        const stop = r.lengthEnd(end);
        const values: AnyValue[] = [];
        while (r.pos < stop) {
          const t = r.varint32(stop) >>> 0;
          if (t === ((1 << 3) | WT_LEN)) values.push(readAnyValue(r, r.lengthEnd(stop), depth + 1));
          else r.skip(t & 7, stop);
        }
        value = values;
        break;
      }
      case (6 << 3) | WT_LEN: {
        const stop = r.lengthEnd(end);
        const values: KeyValue[] = [];
        while (r.pos < stop) {
          const t = r.varint32(stop) >>> 0;
          if (t === ((1 << 3) | WT_LEN)) values.push(readKeyValue(r, r.lengthEnd(stop), depth + 1));
          else r.skip(t & 7, stop);
        }
        value = new KeyValueList(values);
        break;
      }
      case (7 << 3) | WT_LEN:
        value = r.bytes(end);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  return value;
}
