/**
 * Decoder of logfun log files (protocol/file-format/frames.ts): frames ->
 * ClientMessages (Hello, TemplateDefinitions, RecordBatch of
 * proto/logfun/v1/ingest.proto) -> records with exact nanosecond timestamps,
 * severities, rendered bodies, typed arguments and attributes; plus the text
 * and JSON line formats of `logfun decode`.
 *
 * Robustness: decoding never throws on damaged input once the magic matched.
 * It stops at the first incomplete frame (`truncation`: a writer killed
 * mid-write) or damaged frame (`error`) and returns every record before it.
 * Output is bounded (bounds.ts): a frame past a bound stops decoding like a
 * damaged one (`error`, and `bound` says which), so a decompression bomb costs
 * at most the bound's work and memory. Garbage after a valid header (a
 * zero-length frame, a frame that decompresses to nothing, a long run of
 * record-less frames) is damage too, and frames are read one at a time, so any
 * input costs time linear in its size and memory bounded by the bounds.
 *
 * The RecordBatch reader follows the column rules written in ingest.proto and
 * is independent of the encoder (sdk/wire/compact-encode.ts), so the round-trip
 * tests check both against each other.
 */
import { ArgumentKind } from '../argument-kind';
import { renderParts, parseTemplateText } from '../template-text';
import { countOf } from '../plural';
import { severityTextOf } from '../severity';
import { stringifyValue, type ArgumentValue, type AttributeValue } from '../values';
import { bytesSource, readFrames, type ByteSource, type RawFrame, type Truncation } from './frames';
import { DecodeBoundError, DEFAULT_DECODE_BOUNDS, frameTooLarge, inflateFrame, inflateFrameSync, maxStoredBytes, outputBudget, type BoundKind, type DecodeBounds } from './bounds';

export interface DecodedTemplate {
  /** File-local index (definitions of one writer session). */
  readonly index: number;
  readonly id: bigint;
  readonly text: string;
  readonly parts: readonly string[];
  readonly severityNumber: number;
  readonly severityText: string;
  readonly function: string;
  readonly filepath: string;
  readonly lineno: number;
  readonly argumentKinds: readonly number[];
}

export interface DecodedRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** Rendered template text for templated records; the record's own body for OpenTelemetry API records. */
  body: AttributeValue;
  /** Undefined for records that travelled verbatim (OpenTelemetry API records). */
  template: DecodedTemplate | undefined;
  args: ArgumentValue[] | undefined;
  /** Bound (child logger) and call attributes, in export order (verbatim records: all their attributes). */
  attributes: Record<string, AttributeValue>;
  droppedAttributesCount: number;
  /** Lower-case hex, '' when none. */
  traceId: string;
  spanId: string;
  flags: number;
  eventName: string;
  scope: { name: string; version: string };
  /** service.name of the writer session (its Hello). */
  service: string;
  resource: Record<string, AttributeValue>;
}

export interface DecodeSummary {
  records: number;
  frames: number;
  /** Writer sessions (a Hello each: a new file, or a process appending to it). */
  sessions: number;
  /** Records the SDK reported dropped before writing them (RecordBatch.dropped_since_last). */
  droppedBySdk: number;
  /** The file ends inside a frame: everything before it was decoded. */
  truncation: Truncation | undefined;
  /** A damaged frame stopped decoding (everything before it was decoded). */
  error: string | undefined;
  /** Format version byte of the file. */
  version: number;
  /** Set (with `error`) when decoding stopped because a decode bound was passed (bounds.ts). */
  bound?: BoundKind;
}

export interface DecodeResult extends DecodeSummary {
  /** Every record, unless `onRecord` was given. */
  decoded: DecodedRecord[];
}

export interface DecodeOptions {
  /** Receives records one by one (then `decoded` stays empty): for large files. */
  onRecord?: (record: DecodedRecord) => void;
  /** Output bounds; default DEFAULT_DECODE_BOUNDS. */
  bounds?: DecodeBounds;
}

// ---- protobuf reading ----

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const TWO_POW_32 = 4294967296;

class DecodeError extends Error {}

/** Minimal protobuf reader over one message's bytes. */
class Reader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new DecodeError('message ends inside a field');
    return this.buf[this.pos++];
  }

  /** A varint as a number, exact below 2^53; larger values lose precision (use varintBig). */
  varint(): number {
    let result = 0;
    let factor = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 127) * factor;
      if (b < 128) return result;
      factor *= 128;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }

  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result |= BigInt(b & 127) << shift;
      if (b < 128) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new DecodeError('varint longer than 10 bytes');
  }

  /** A varint as a number when below 2^53, else a bigint (unsigned). */
  varintExact(): number | bigint {
    const start = this.pos;
    let n = 0;
    for (let i = 0; i < 10; i++) {
      if (this.byte() < 128) {
        n = i + 1;
        break;
      }
    }
    if (n === 0) throw new DecodeError('varint longer than 10 bytes');
    this.pos = start;
    return n <= 7 ? this.varint() : narrow(this.varintBig());
  }

  /** sint64 (zigzag) as a number when safe, else a bigint. */
  sint64(): number | bigint {
    const u = this.varintExact();
    if (typeof u === 'number') return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    return narrowSigned((u & 1n) === 0n ? u >> 1n : -((u + 1n) >> 1n));
  }

  /** int64 (two's complement varint) as a number when safe, else a bigint. */
  int64(): number | bigint {
    const u = this.varintExact();
    if (typeof u === 'number') return u;
    return narrowSigned(BigInt.asIntN(64, u));
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new DecodeError('message ends inside a fixed32');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 16777216;
  }

  fixed64(): bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new DecodeError('message ends inside a double');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field: [start, end) of its content; the reader moves past it. */
  span(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new DecodeError('length-delimited field runs past its message');
    this.pos = start + len;
    return [start, start + len];
  }

  /** A copy as a plain Uint8Array (not a Buffer view of the frame). */
  bytes(): Uint8Array {
    const [s, e] = this.span();
    const out = new Uint8Array(e - s);
    out.set(this.buf.subarray(s, e));
    return out;
  }

  string(): string {
    const [s, e] = this.span();
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + s, e - s).toString('utf8');
  }

  sub(): Reader {
    const [s, e] = this.span();
    return new Reader(this.buf, s, e);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.span();
        return;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new DecodeError(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.end) throw new DecodeError('message ends inside a field');
  }

  /** Reads a repeated scalar field's values (packed or not) with `one`. */
  repeated<T>(wire: number, out: T[], one: (r: Reader) => T): void {
    if (wire === WIRE_LEN) {
      const r = this.sub();
      while (!r.done) out.push(one(r));
    } else out.push(one(this));
  }
}

function narrow(u: bigint): number | bigint {
  return u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
}

function narrowSigned(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function toBigInt(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

// ---- OTLP common / logs messages ----

function readAnyValue(r: Reader): AttributeValue {
  let value: AttributeValue = undefined;
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    switch (field) {
      case 1:
        value = r.string();
        break;
      case 2:
        value = r.varint() !== 0;
        break;
      case 3:
        value = r.int64();
        break;
      case 4:
        value = r.double();
        break;
      case 5: {
        const arr: AttributeValue[] = [];
        const a = r.sub();
        while (!a.done) {
          const t = a.varint();
          if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) arr.push(readAnyValue(a.sub()));
          else a.skip(t & 7);
        }
        value = arr;
        break;
      }
      case 6: {
        const obj: { [key: string]: AttributeValue } = {};
        const kv = r.sub();
        while (!kv.done) {
          const t = kv.varint();
          if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) {
            const [k, v] = readKeyValue(kv.sub());
            obj[k] = v;
          } else kv.skip(t & 7);
        }
        value = obj;
        break;
      }
      case 7:
        value = r.bytes();
        break;
      default:
        r.skip(wire);
    }
  }
  return value;
}

function readKeyValue(r: Reader): [string, AttributeValue] {
  let key = '';
  let value: AttributeValue = undefined;
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1) key = r.string();
    else if (field === 2) value = readAnyValue(r.sub());
    else r.skip(tag & 7);
  }
  return [key, value];
}

interface AttributeSet {
  keys: string[];
  values: AttributeValue[];
  dropped: number;
}

function readAttributeSet(r: Reader): AttributeSet {
  const set: AttributeSet = { keys: [], values: [], dropped: 0 };
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1) {
      const [k, v] = readKeyValue(r.sub());
      set.keys.push(k);
      set.values.push(v);
    } else if (field === 2) set.dropped = r.varint();
    else r.skip(tag & 7);
  }
  return set;
}

function hex(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return Buffer.from(bytes).toString('hex');
  return '';
}

// ---- session state ----

interface Session {
  service: string;
  resource: Record<string, AttributeValue>;
  scope: { name: string; version: string };
  templates: Map<number, DecodedTemplate>;
}

function readHello(r: Reader): Session {
  const resource: Record<string, AttributeValue> = {};
  const scope = { name: '', version: '' };
  while (!r.done) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1: {
        const [k, v] = readKeyValue(r.sub());
        resource[k] = v;
        break;
      }
      case 2:
        scope.name = r.string();
        break;
      case 3:
        scope.version = r.string();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  const service = typeof resource['service.name'] === 'string' ? (resource['service.name'] as string) : '';
  return { service, resource, scope, templates: new Map() };
}

function readTemplateDefinition(r: Reader): DecodedTemplate {
  let index = 0;
  let id = 0n;
  let text = '';
  let severityNumber = 0;
  let severityText = '';
  let fn = '';
  let location = '';
  let filepath = '';
  let lineno = 0;
  const kinds: number[] = [];
  while (!r.done) {
    const tag = r.varint();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        index = r.varint();
        break;
      case 2:
        id = r.fixed64();
        break;
      case 3:
        text = r.string();
        break;
      case 4:
        severityNumber = Number(r.int64());
        break;
      case 5:
        severityText = r.string();
        break;
      case 6:
        fn = r.string();
        break;
      case 7:
        location = r.string();
        break;
      case 8:
        filepath = r.string();
        break;
      case 9:
        lineno = Number(r.int64());
        break;
      case 10:
        r.repeated(wire, kinds, (x) => x.varint());
        break;
      default:
        r.skip(wire);
    }
  }
  if (index === 0) throw new DecodeError('template definition with index 0');
  if (filepath === '' && location !== '') {
    // Older writers: only "file:line".
    const at = location.lastIndexOf(':');
    filepath = at > 0 ? location.slice(0, at) : location;
    lineno = at > 0 ? Number(location.slice(at + 1)) || 0 : 0;
  }
  return {
    index,
    id,
    text,
    parts: parseTemplateText(text),
    severityNumber,
    severityText: severityText || severityTextOf(severityNumber),
    function: fn,
    filepath,
    lineno,
    argumentKinds: kinds,
  };
}

function readTemplateDefinitions(r: Reader, session: Session): void {
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1) {
      const t = readTemplateDefinition(r.sub());
      session.templates.set(t.index, t);
    } else if (field === 2) {
      if (r.varint() !== 0) session.templates.clear();
    } else r.skip(tag & 7);
  }
}

// ---- RecordBatch ----

const NUMBER_DOUBLE_ESCAPE = 15;

interface BatchColumns {
  baseTime: bigint;
  templateIndex: number[];
  timeDelta: (number | bigint)[];
  argumentCount: number[];
  argumentKind: number[];
  strings: string[];
  ints: (number | bigint)[];
  doubles: number[];
  bools: boolean[];
  bytes: Uint8Array[];
  traceIds: Uint8Array;
  spanIds: Uint8Array;
  droppedSinceLast: number;
  numbers: (number | bigint)[];
  stringTable: string[];
  stringRefs: number[];
  severityRecord: number[];
  severityValue: number[];
  kindRecord: number[];
  kindValue: number[];
  attributeSets: AttributeSet[];
  bound: number[];
  call: number[];
  spanContext: number[];
  traceFlags: number[];
  verbatim: [number, number][];
}

function readRecordBatch(r: Reader): BatchColumns {
  const c: BatchColumns = {
    baseTime: 0n,
    templateIndex: [],
    timeDelta: [],
    argumentCount: [],
    argumentKind: [],
    strings: [],
    ints: [],
    doubles: [],
    bools: [],
    bytes: [],
    traceIds: new Uint8Array(0),
    spanIds: new Uint8Array(0),
    droppedSinceLast: 0,
    numbers: [],
    stringTable: [],
    stringRefs: [],
    severityRecord: [],
    severityValue: [],
    kindRecord: [],
    kindValue: [],
    attributeSets: [],
    bound: [],
    call: [],
    spanContext: [],
    traceFlags: [],
    verbatim: [],
  };
  const varint = (x: Reader) => x.varint();
  while (!r.done) {
    const tag = r.varint();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.varint();
        break;
      case 2:
        c.baseTime = r.fixed64();
        break;
      case 3:
        r.repeated(wire, c.templateIndex, varint);
        break;
      case 4:
        r.repeated(wire, c.timeDelta, (x) => x.sint64());
        break;
      case 5:
        r.repeated(wire, c.argumentCount, varint);
        break;
      case 6:
        r.repeated(wire, c.argumentKind, varint);
        break;
      case 7:
        c.strings.push(r.string());
        break;
      case 8:
        r.repeated(wire, c.ints, (x) => x.sint64());
        break;
      case 9:
        r.repeated(wire, c.doubles, (x) => x.double());
        break;
      case 10:
        r.repeated(wire, c.bools, (x) => x.varint() !== 0);
        break;
      case 11:
        c.bytes.push(r.bytes());
        break;
      case 12:
        c.traceIds = r.bytes();
        break;
      case 13:
        c.spanIds = r.bytes();
        break;
      case 14:
        c.droppedSinceLast = r.varint();
        break;
      case 15:
        r.repeated(wire, c.numbers, (x) => x.sint64());
        break;
      case 16:
        c.stringTable.push(r.string());
        break;
      case 17:
        r.repeated(wire, c.stringRefs, varint);
        break;
      case 18:
        r.repeated(wire, c.severityRecord, varint);
        break;
      case 19:
        r.repeated(wire, c.severityValue, varint);
        break;
      case 20:
        r.repeated(wire, c.kindRecord, varint);
        break;
      case 21:
        r.repeated(wire, c.kindValue, varint);
        break;
      case 22:
        c.attributeSets.push(readAttributeSet(r.sub()));
        break;
      case 23:
        r.repeated(wire, c.bound, varint);
        break;
      case 24:
        r.repeated(wire, c.call, varint);
        break;
      case 25:
        r.repeated(wire, c.spanContext, varint);
        break;
      case 26:
        r.repeated(wire, c.traceFlags, varint);
        break;
      case 27:
        c.verbatim.push(r.span());
        break;
      default:
        r.skip(wire);
    }
  }
  return c;
}

/** A value of ARGUMENT_KIND_NUMBER: n = m * 16 + s (see ingest.proto). */
function numberValue(n: number | bigint, doubles: number[], cursor: { double: number }): number {
  let m: number;
  let s: number;
  if (typeof n === 'bigint') {
    const sb = ((n % 16n) + 16n) % 16n;
    s = Number(sb);
    m = Number((n - sb) / 16n);
  } else {
    s = ((n % 16) + 16) % 16;
    m = (n - s) / 16;
  }
  if (s === 0) return m;
  if (s === NUMBER_DOUBLE_ESCAPE) {
    if (cursor.double >= doubles.length) throw new DecodeError('number escape without a double_values entry');
    return doubles[cursor.double++];
  }
  return m / 10 ** s;
}

function take<T>(column: T[], at: number, what: string): T {
  if (at >= column.length) throw new DecodeError(`record batch column ${what} is too short`);
  return column[at];
}

function readVerbatim(r: Reader, session: Session): DecodedRecord {
  let time = 0n;
  let observed = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AttributeValue = undefined;
  const attributes: Record<string, AttributeValue> = {};
  let dropped = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  const scope = { name: '', version: '' };
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1) {
      const lr = r.sub();
      while (!lr.done) {
        const t = lr.varint();
        switch (t >>> 3) {
          case 1:
            time = lr.fixed64();
            break;
          case 2:
            severityNumber = Number(lr.int64());
            break;
          case 3:
            severityText = lr.string();
            break;
          case 5:
            body = readAnyValue(lr.sub());
            break;
          case 6: {
            const [k, v] = readKeyValue(lr.sub());
            attributes[k] = v;
            break;
          }
          case 7:
            dropped = lr.varint();
            break;
          case 8:
            flags = lr.fixed32();
            break;
          case 9:
            traceId = hex(lr.bytes());
            break;
          case 10:
            spanId = hex(lr.bytes());
            break;
          case 11:
            observed = lr.fixed64();
            break;
          case 12:
            eventName = lr.string();
            break;
          default:
            lr.skip(t & 7);
        }
      }
    } else if (field === 2) {
      const s = r.sub();
      while (!s.done) {
        const t = s.varint();
        if (t >>> 3 === 1) scope.name = s.string();
        else if (t >>> 3 === 2) scope.version = s.string();
        else s.skip(t & 7);
      }
    } else r.skip(tag & 7);
  }
  return {
    timeUnixNano: time,
    observedTimeUnixNano: observed,
    severityNumber,
    severityText,
    body,
    template: undefined,
    args: undefined,
    attributes,
    droppedAttributesCount: dropped,
    traceId,
    spanId,
    flags,
    eventName,
    scope,
    service: session.service,
    resource: session.resource,
  };
}

/** Turns one RecordBatch into records (in batch order), calling `emit` for each. */
function decodeRecordBatch(buf: Uint8Array, c: BatchColumns, session: Session, emit: (r: DecodedRecord) => void): void {
  const cursor = { string: 0, int: 0, double: 0, bool: 0, bytes: 0, number: 0, stringRef: 0, kind: 0, kindOverride: 0, verbatim: 0 };
  let severityAt = 0;
  let kindRecordAt = 0;
  let time = c.baseTime;
  let j = 0;
  const perRecordSpans = c.spanContext.length === 0 && c.traceIds.length > 0;
  for (let i = 0; i < c.templateIndex.length; i++) {
    const index = c.templateIndex[i];
    if (index === 0) {
      const [s, e] = take(c.verbatim, cursor.verbatim++, 'verbatim_records');
      emit(readVerbatim(new Reader(buf, s, e), session));
      continue;
    }
    const template = session.templates.get(index);
    if (template === undefined) throw new DecodeError(`record refers to template index ${index}, which was never defined`);
    if (c.timeDelta.length > 0) time += toBigInt(take(c.timeDelta, j, 'time_delta_nano'));

    let severityNumber = template.severityNumber;
    let severityText = template.severityText;
    if (severityAt < c.severityRecord.length && c.severityRecord[severityAt] === j) {
      severityNumber = take(c.severityValue, severityAt, 'severity_override');
      severityText = severityTextOf(severityNumber);
      severityAt++;
    }

    let kinds: readonly number[];
    if (c.argumentCount.length > 0) {
      const n = take(c.argumentCount, j, 'argument_count');
      kinds = c.argumentKind.slice(cursor.kind, cursor.kind + n);
      if (kinds.length !== n) throw new DecodeError('record batch column argument_kind is too short');
      cursor.kind += n;
    } else if (kindRecordAt < c.kindRecord.length && c.kindRecord[kindRecordAt] === j) {
      const n = template.parts.length - 1;
      kinds = c.kindValue.slice(cursor.kindOverride, cursor.kindOverride + n);
      if (kinds.length !== n) throw new DecodeError('record batch column kind_override is too short');
      cursor.kindOverride += n;
      kindRecordAt++;
    } else kinds = template.argumentKinds;

    let args: ArgumentValue[] | undefined;
    if (kinds.length > 0) {
      args = new Array(kinds.length);
      for (let a = 0; a < kinds.length; a++) {
        switch (kinds[a]) {
          case ArgumentKind.String: {
            if (c.stringRefs.length > 0) {
              const ref = take(c.stringRefs, cursor.stringRef++, 'string_refs');
              if (ref === 0) args[a] = take(c.strings, cursor.string++, 'string_values');
              else if (c.stringTable.length > 0) args[a] = take(c.stringTable, ref - 1, 'string_table');
              else args[a] = take(c.strings, ref - 1, 'string_values (back reference)');
            } else args[a] = take(c.strings, cursor.string++, 'string_values');
            break;
          }
          case ArgumentKind.Int:
            args[a] = toBigInt(take(c.ints, cursor.int++, 'int_values'));
            break;
          case ArgumentKind.Double:
            args[a] = take(c.doubles, cursor.double++, 'double_values');
            break;
          case ArgumentKind.Bool:
            args[a] = take(c.bools, cursor.bool++, 'bool_values');
            break;
          case ArgumentKind.Bytes:
            args[a] = take(c.bytes, cursor.bytes++, 'bytes_values');
            break;
          case ArgumentKind.Number:
            args[a] = numberValue(take(c.numbers, cursor.number++, 'number_values'), c.doubles, cursor);
            break;
          default:
            throw new DecodeError(`unknown argument kind ${kinds[a]}`);
        }
      }
    }

    const attributes: Record<string, AttributeValue> = {};
    let dropped = 0;
    const boundRef = c.bound.length > 0 ? take(c.bound, j, 'bound_attributes') : 0;
    const callRef = c.call.length > 0 ? take(c.call, j, 'call_attributes') : 0;
    const call = callRef > 0 ? take(c.attributeSets, callRef - 1, 'attribute_sets') : undefined;
    if (boundRef > 0) {
      const bound = take(c.attributeSets, boundRef - 1, 'attribute_sets');
      for (let k = 0; k < bound.keys.length; k++) if (call === undefined || !call.keys.includes(bound.keys[k])) attributes[bound.keys[k]] = bound.values[k];
      dropped += bound.dropped;
    }
    if (call !== undefined) {
      for (let k = 0; k < call.keys.length; k++) attributes[call.keys[k]] = call.values[k];
      dropped += call.dropped;
    }

    let traceId = '';
    let spanId = '';
    let flags = 0;
    const spanRef = perRecordSpans ? j + 1 : c.spanContext.length > 0 ? take(c.spanContext, j, 'span_context') : 0;
    if (spanRef > 0) {
      if (spanRef * 16 > c.traceIds.length || spanRef * 8 > c.spanIds.length) throw new DecodeError('span context refers past trace_ids/span_ids');
      traceId = hex(c.traceIds.subarray((spanRef - 1) * 16, spanRef * 16));
      spanId = hex(c.spanIds.subarray((spanRef - 1) * 8, spanRef * 8));
      flags = c.traceFlags.length >= spanRef ? c.traceFlags[spanRef - 1] : 0;
    }

    j++;
    emit({
      timeUnixNano: time,
      observedTimeUnixNano: time,
      severityNumber,
      severityText,
      body: renderParts(template.parts, args),
      template,
      args,
      attributes,
      droppedAttributesCount: dropped,
      traceId,
      spanId,
      flags,
      eventName: '',
      scope: session.scope,
      service: session.service,
      resource: session.resource,
    });
  }
}

// ---- frames ----

/** Decoder state carried from frame to frame. */
interface FrameCursor {
  session: Session | undefined;
  /** Decompressed bytes so far and the file's budget (bounds.ts outputBudget). */
  outputBytes: number;
  outputBudget: number;
  /** Frames in a row that held no records (see MAX_FRAMES_WITHOUT_RECORDS). */
  framesWithoutRecords: number;
}

/**
 * Most frames in a row without a record. The SDK writes a Hello frame per
 * writer session, then frames of one export each (never empty), so a long run
 * of record-less frames is garbage crafted to cost time, not a log file.
 */
export const MAX_FRAMES_WITHOUT_RECORDS = 1024;

/**
 * Decodes one decompressed frame payload into its records, yielding (nothing)
 * after each message so an async caller can give the event loop a turn; the
 * records are returned at the end, and the session is advanced only then (a
 * damaged frame changes nothing). Throws DecodeError / DecodeBoundError.
 */
function* decodePayload(payload: Uint8Array, cursor: FrameCursor, bounds: DecodeBounds, summary: DecodeSummary): Generator<void, { records: DecodedRecord[]; dropped: number; session: Session | undefined }> {
  const records: DecodedRecord[] = [];
  let session = cursor.session;
  let dropped = 0;
  let sessions = 0;
  const outer = new Reader(payload);
  while (!outer.done) {
    const message = outer.sub();
    // The writer never writes an empty message; a run of them is what a zero-filled bomb decodes to.
    if (message.done) throw new DecodeError('empty message');
    while (!message.done) {
      const tag = message.varint();
      const field = tag >>> 3;
      if ((tag & 7) !== WIRE_LEN) {
        message.skip(tag & 7);
        continue;
      }
      if (field === 1) {
        session = readHello(message.sub());
        sessions++;
      } else if (field === 2 || field === 3) {
        if (session === undefined) throw new DecodeError('records before the file header (Hello)');
        const r = message.sub();
        if (field === 2) readTemplateDefinitions(r, session);
        else {
          const columns = readRecordBatch(r);
          if (records.length + columns.templateIndex.length > bounds.maxFrameRecords) {
            throw new DecodeBoundError('frame_records', bounds.maxFrameRecords, `it holds more than ${bounds.maxFrameRecords} records (the per-frame decode bound)`);
          }
          decodeRecordBatch(payload, columns, session, (x) => records.push(x));
          dropped += columns.droppedSinceLast;
        }
      } else message.skip(WIRE_LEN);
    }
    yield;
  }
  summary.sessions += sessions;
  return { records, dropped, session };
}

/** Records a frame's outcome in the summary; returns the records, or undefined when decoding must stop. */
function settleFrame(
  frame: RawFrame,
  cursor: FrameCursor,
  summary: DecodeSummary,
  outcome: { records: DecodedRecord[]; dropped: number; session: Session | undefined } | { error: unknown },
): DecodedRecord[] | undefined {
  if ('error' in outcome) {
    const err = outcome.error;
    if (err instanceof DecodeBoundError) summary.bound = err.bound;
    summary.error = `frame at byte ${frame.offset} ${err instanceof DecodeBoundError ? 'is refused' : 'is damaged'}: ${err instanceof Error ? err.message : String(err)}`;
    return undefined;
  }
  cursor.session = outcome.session;
  cursor.framesWithoutRecords = outcome.records.length === 0 ? cursor.framesWithoutRecords + 1 : 0;
  if (cursor.framesWithoutRecords > MAX_FRAMES_WITHOUT_RECORDS) {
    summary.error = `frame at byte ${frame.offset} is damaged: more than ${MAX_FRAMES_WITHOUT_RECORDS} frames in a row hold no records (not what a logfun writer produces)`;
    return undefined;
  }
  summary.frames++;
  summary.records += outcome.records.length;
  summary.droppedBySdk += outcome.dropped;
  return outcome.records;
}

/** The bound left for the next frame's output: the per-frame bound or what remains of the file's budget. */
function frameBudget(cursor: FrameCursor, bounds: DecodeBounds): number {
  const left = cursor.outputBudget - cursor.outputBytes;
  if (left <= 0) {
    throw new DecodeBoundError('output_bytes', cursor.outputBudget, `the file decompresses to more than ${cursor.outputBudget} bytes (the per-file decode bound)`);
  }
  return Math.min(bounds.maxFrameBytes, left);
}

/** Turns a frame-budget overrun caused by the file budget into the per-file bound's error. */
/**
 * A frame's stored bytes, refused by its header first: a frame of length 0 (the
 * writer never writes one; zero bytes after a valid header would parse as
 * millions of them) is damaged, and one longer than any frame within the
 * per-frame bound is refused without reading it.
 */
function storedBytes(frame: RawFrame, bounds: DecodeBounds): Uint8Array {
  if (frame.storedLength === 0) throw new DecodeError('empty frame (length 0; zero bytes or garbage after the file header?)');
  if (frame.storedLength > maxStoredBytes(bounds.maxFrameBytes)) throw frameTooLarge(bounds.maxFrameBytes);
  return frame.stored();
}

/** A decompressed frame without any message is damage, like a zero-length frame. */
function nonEmpty(payload: Uint8Array): Uint8Array {
  if (payload.length === 0) throw new DecodeError('the frame decompresses to nothing');
  return payload;
}

function fileBoundOf(err: unknown, cursor: FrameCursor, bounds: DecodeBounds): unknown {
  if (err instanceof DecodeBoundError && err.bound === 'frame_bytes' && err.limit < bounds.maxFrameBytes) {
    return new DecodeBoundError('output_bytes', cursor.outputBudget, `the file decompresses to more than ${cursor.outputBudget} bytes (the per-file decode bound)`);
  }
  return err;
}

function startCursor(bytes: ByteSource, bounds: DecodeBounds): FrameCursor {
  return { session: undefined, outputBytes: 0, outputBudget: outputBudget(bounds, bytes.size), framesWithoutRecords: 0 };
}

/**
 * Decodes a log file frame by frame: yields each frame's records (a frame's
 * records come only once the whole frame decoded) and keeps `summary` up to
 * date. Stops at a truncated or damaged frame, or at one past a decode bound
 * (see summary.truncation / error / bound). Throws only when the bytes are not
 * a logfun file. Decompresses on the calling thread: for tools and tests;
 * servers use decodeLogFileFramesAsync.
 */
export function* decodeLogFileFrames(bytes: Uint8Array | ByteSource, summary: DecodeSummary = emptySummary(), bounds: DecodeBounds = DEFAULT_DECODE_BOUNDS): Generator<DecodedRecord[], DecodeSummary> {
  const source = bytes instanceof Uint8Array ? bytesSource(bytes) : bytes;
  const reader = readFrames(source);
  summary.version = reader.version;
  const cursor = startCursor(source, bounds);
  for (const frame of reader.frames) {
    let outcome;
    try {
      const payload = nonEmpty(inflateFrameSync(frame.flags, storedBytes(frame, bounds), frameBudget(cursor, bounds)));
      cursor.outputBytes += payload.length;
      const steps = decodePayload(payload, cursor, bounds, summary);
      let step = steps.next();
      while (!step.done) step = steps.next();
      outcome = step.value;
    } catch (err) {
      outcome = { error: fileBoundOf(err, cursor, bounds) };
    }
    const records = settleFrame(frame, cursor, summary, outcome);
    if (records === undefined) return summary;
    if (records.length > 0) yield records;
  }
  summary.truncation = reader.truncation();
  return summary;
}

/** How long the async decoder works before giving the event loop a turn. */
const SLICE_MS = 10;

/**
 * decodeLogFileFrames for servers: frames are decompressed in zlib's thread
 * pool with the output bounds, and decoding yields to the event loop every
 * SLICE_MS, so a hostile file neither blocks the process nor grows its memory
 * past the bounds. Same results, summary and errors as the sync version.
 */
export async function* decodeLogFileFramesAsync(bytes: Uint8Array, summary: DecodeSummary = emptySummary(), bounds: DecodeBounds = DEFAULT_DECODE_BOUNDS): AsyncGenerator<DecodedRecord[], DecodeSummary> {
  const source = bytesSource(bytes);
  const reader = readFrames(source);
  summary.version = reader.version;
  const cursor = startCursor(source, bounds);
  let sliceStart = Date.now();
  for (const frame of reader.frames) {
    let outcome;
    try {
      const payload = nonEmpty(await inflateFrame(frame.flags, storedBytes(frame, bounds), frameBudget(cursor, bounds)));
      cursor.outputBytes += payload.length;
      sliceStart = Date.now();
      const steps = decodePayload(payload, cursor, bounds, summary);
      let step = steps.next();
      while (!step.done) {
        if (Date.now() - sliceStart >= SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = Date.now();
        }
        step = steps.next();
      }
      outcome = step.value;
    } catch (err) {
      outcome = { error: fileBoundOf(err, cursor, bounds) };
    }
    const records = settleFrame(frame, cursor, summary, outcome);
    if (records === undefined) return summary;
    if (records.length > 0) yield records;
  }
  summary.truncation = reader.truncation();
  return summary;
}

function emptySummary(): DecodeSummary {
  return { records: 0, frames: 0, sessions: 0, droppedBySdk: 0, truncation: undefined, error: undefined, version: 0 };
}

/** Decodes a whole log file (its bytes). Never throws for damaged content; throws when the bytes are not a logfun file (an empty file included). */
export function decodeLogFile(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const result: DecodeResult = { decoded: [], ...emptySummary() };
  for (const records of decodeLogFileFrames(bytes, result, options.bounds)) {
    if (options.onRecord) for (const r of records) options.onRecord(r);
    else for (const r of records) result.decoded.push(r);
  }
  return result;
}

// ---- output formats ----

const NANOS_PER_SECOND = 1_000_000_000n;

/** RFC 3339 UTC time with nine fraction digits: 2024-05-01T12:00:00.123456789Z. */
export function isoNanos(unixNano: bigint): string {
  let sec = unixNano / NANOS_PER_SECOND;
  let nano = unixNano % NANOS_PER_SECOND;
  if (nano < 0n) {
    nano += NANOS_PER_SECOND;
    sec -= 1n;
  }
  const date = new Date(Number(sec) * 1000);
  if (Number.isNaN(date.getTime())) return `${unixNano}ns`;
  return `${date.toISOString().slice(0, -5)}.${nano.toString().padStart(9, '0')}Z`;
}

function levelOf(r: DecodedRecord): string {
  return r.severityText || severityTextOf(r.severityNumber) || 'LOG';
}

function bodyText(body: AttributeValue): string {
  if (typeof body === 'string') return body;
  if (body === undefined) return '';
  return stringifyValue(body);
}

/** `<ISO timestamp> <LEVEL> <service> <rendered body>` */
export function formatTextLine(r: DecodedRecord): string {
  return `${isoNanos(r.timeUnixNano)} ${levelOf(r)} ${r.service} ${bodyText(r.body)}`;
}

/** JSON text of a value: bigint as exact digits, bytes as base64, non-finite numbers as strings. */
export function toJsonText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
  }
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  const obj = v as Record<string, unknown>;
  return `{${Object.keys(obj)
    .map((k) => `${JSON.stringify(k)}:${toJsonText(obj[k])}`)
    .join(',')}}`;
}

/**
 * One JSON object per record: time (ISO, ns), timeUnixNano (decimal string),
 * level, severityNumber, service, body, then when present: template,
 * templateId, function, filepath, lineno, args (typed), attributes, traceId,
 * spanId, flags, eventName, scope (non-logfun records).
 */
export function formatJsonLine(r: DecodedRecord): string {
  const out: Record<string, unknown> = {
    time: isoNanos(r.timeUnixNano),
    timeUnixNano: r.timeUnixNano.toString(),
    level: levelOf(r),
    severityNumber: r.severityNumber,
    service: r.service,
    body: r.body,
  };
  const t = r.template;
  if (t !== undefined) {
    out.template = t.text;
    out.templateId = t.id.toString();
    if (t.function) out.function = t.function;
    if (t.filepath) {
      out.filepath = t.filepath;
      out.lineno = t.lineno;
    }
    if (r.args !== undefined) out.args = r.args;
  }
  if (Object.keys(r.attributes).length > 0) out.attributes = r.attributes;
  if (r.droppedAttributesCount > 0) out.droppedAttributesCount = r.droppedAttributesCount;
  if (r.traceId) {
    out.traceId = r.traceId;
    out.spanId = r.spanId;
    out.flags = r.flags;
  }
  if (r.eventName) out.eventName = r.eventName;
  if (t === undefined) {
    out.observedTimeUnixNano = r.observedTimeUnixNano.toString();
    out.scope = r.scope;
  }
  return toJsonText(out);
}

/**
 * What was decoded before a problem. Records are recovered per frame (one SDK
 * export each, compressed on its own), so the records of a cut or damaged
 * frame are lost and a file cut inside its only export frame shows none.
 */
export function decodedBefore(records: number): string {
  if (records === 0) return 'no records before it (the records of a damaged or cut frame are lost: a frame holds one SDK export)';
  return `the ${countOf(records, 'record')} before it ${records === 1 ? 'was' : 'were'} decoded`;
}

/** A one-line human summary of problems (truncation, damage, SDK drops), or '' when there were none. */
export function describeProblems(s: DecodeSummary): string {
  const problems: string[] = [];
  if (s.truncation) {
    const t = s.truncation;
    if (t.offset === 0) problems.push(`truncated: the file ends inside its ${t.expectedBytes}-byte header (${countOf(t.presentBytes, 'byte')}): no records`);
    else problems.push(`truncated: the last frame (at byte ${t.offset}) is incomplete (${t.presentBytes} of ${t.expectedBytes} bytes); ${decodedBefore(s.records)}`);
  }
  if (s.error) problems.push(`${s.error}; ${decodedBefore(s.records)}`);
  if (s.droppedBySdk > 0) problems.push(`the writing SDK reported ${countOf(s.droppedBySdk, 'record')} dropped before they reached the file`);
  return problems.join('; ');
}
