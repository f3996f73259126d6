/**
 * LogBatch -> binary OTLP ExportLogsServiceRequest, written straight from the
 * batch columns into one growing buffer (no intermediate message objects).
 *
 * Records are grouped by resource and then by scope, in order of first
 * appearance; within a group records keep their batch order. Fields at their
 * proto3 default are omitted; an undefined body is omitted, an undefined value
 * inside an array, kvlist or attribute is written as an empty AnyValue.
 * The unit tests cross-check the output against protobufjs (reference.ts).
 */
import { bodyOf, KeyValueList, type AnyValue, type KeyValue, type LogBatch } from '../pipeline/batch';
import { groupByResourceAndScope } from './group';
import { BinaryWriter } from '../bytes/binary-writer';
import { HIGH_WORD, LOW_WORD, wordsOf } from '../pipeline/time-column';

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

/**
 * Protobuf fields on BinaryWriter: its strings are UTF-8 written in JavaScript when short and
 * its 64-bit stores go through a typed array, where Buffer#write, the 'hex' codec and
 * writeBigUInt64LE each cross into C++ or split a bigint per call (~45% of encoding time
 * before, a few per record).
 */
class ProtoWriter extends BinaryWriter {
  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** Any int64 (two's complement, 10 bytes when negative). */
  varint64(v: bigint): void {
    if (v >= 0n && v < 0x20000000000000n) {
      this.varint(Number(v));
      return;
    }
    this.reserve(10);
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  /** A fixed64 field from a time column's 32-bit words (no bigint made). */
  fixed64Words(field: number, low: number, high: number): void {
    this.tag(field, WT_I64);
    this.reserve(8);
    this.uint32At(low);
    this.uint32At(high);
  }

  fixed32(field: number, v: number): void {
    this.tag(field, WT_I32);
    this.reserve(4);
    this.uint32At(v >>> 0);
  }

  /** Four little-endian bytes at pos (room reserved by the caller). */
  private uint32At(v: number): void {
    const buf = this.buf;
    buf[this.pos] = v & 0xff;
    buf[this.pos + 1] = (v >>> 8) & 0xff;
    buf[this.pos + 2] = (v >>> 16) & 0xff;
    buf[this.pos + 3] = v >>> 24;
    this.pos += 4;
  }

  double(field: number, v: number): void {
    this.tag(field, WT_I64);
    this.f64(v);
  }

  stringField(field: number, s: string): void {
    this.tag(field, WT_LEN);
    this.string(s);
  }

  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, WT_LEN);
    this.bytes(b);
  }

  /** A trace or span id kept as lower-case hex (LogBatch's contract), written as its bytes. */
  hexBytes(field: number, hex: string): void {
    this.tag(field, WT_LEN);
    const len = hex.length >>> 1;
    this.varint(len);
    this.reserve(len);
    const buf = this.buf;
    for (let k = 0; k < len; k++) buf[this.pos + k] = (hexValue(hex.charCodeAt(2 * k)) << 4) | hexValue(hex.charCodeAt(2 * k + 1));
    this.pos += len;
  }

  /** Starts a length-delimited field; returns where its one-byte length placeholder is. */
  begin(field: number): number {
    this.tag(field, WT_LEN);
    this.reserve(1);
    return this.pos++;
  }

  /** Ends the field begun at `at`: writes its length, moving the content when the length needs more than one byte. */
  end(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    let size = 1;
    for (let n = len; n >= 0x80; n = Math.floor(n / 0x80)) size++;
    this.reserve(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    let n = len;
    let p = at;
    while (n >= 0x80) {
      this.buf[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[p] = n;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** The value of a hex digit (either case); 0 for any other character (ids are hex by LogBatch's contract). */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : 0;
}

/** Binary OTLP ExportLogsServiceRequest for the batch. */
export function encodeExportRequest(batch: LogBatch): Uint8Array {
  const w = new ProtoWriter(Math.max(256, batch.byteSize > 0 ? batch.byteSize + 1024 : batch.length * 128));
  const times = wordsOf(batch.timeUnixNano);
  const observed = wordsOf(batch.observedTimeUnixNano);
  for (const [ri, scopes] of groupByResourceAndScope(batch)) {
    const rl = w.begin(1); // ResourceLogs
    const res = batch.resources[ri];
    const resource = w.begin(1);
    for (const kv of res.attributes) keyValue(w, 1, kv, 0);
    if (res.droppedAttributesCount) {
      w.tag(2, WT_VARINT);
      w.varint(res.droppedAttributesCount);
    }
    w.end(resource);
    for (const [si, records] of scopes) {
      const sl = w.begin(2); // ScopeLogs
      const scope = batch.scopes[si];
      const sc = w.begin(1);
      if (scope.name) w.stringField(1, scope.name);
      if (scope.version) w.stringField(2, scope.version);
      for (const kv of scope.attributes) keyValue(w, 3, kv, 0);
      if (scope.droppedAttributesCount) {
        w.tag(4, WT_VARINT);
        w.varint(scope.droppedAttributesCount);
      }
      w.end(sc);
      for (const i of records) logRecord(w, batch, i, times, observed);
      if (scope.schemaUrl) w.stringField(3, scope.schemaUrl);
      w.end(sl);
    }
    if (res.schemaUrl) w.stringField(3, res.schemaUrl);
    w.end(rl);
  }
  return w.finish();
}

/** Record i; `times` / `observed`: the batch's time columns as 32-bit words (wordsOf). */
function logRecord(w: ProtoWriter, b: LogBatch, i: number, times: Uint32Array, observed: Uint32Array): void {
  const at = w.begin(2);
  fixed64Time(w, 1, times, i);
  const severity = b.severityNumber[i];
  if (severity) {
    w.tag(2, WT_VARINT);
    if (severity > 0) w.varint(severity);
    else w.varint64(BigInt(severity));
  }
  if (b.severityText[i]) w.stringField(3, b.severityText[i]);
  const body = bodyOf(b, i);
  if (body !== undefined) anyValue(w, 5, body, 0);
  for (const kv of b.attributes[i]) keyValue(w, 6, kv, 0);
  if (b.droppedAttributesCount[i]) {
    w.tag(7, WT_VARINT);
    w.varint(b.droppedAttributesCount[i]);
  }
  if (b.flags[i]) w.fixed32(8, b.flags[i]);
  if (b.traceId[i]) w.hexBytes(9, b.traceId[i]);
  if (b.spanId[i]) w.hexBytes(10, b.spanId[i]);
  fixed64Time(w, 11, observed, i);
  if (b.eventName[i]) w.stringField(12, b.eventName[i]);
  w.end(at);
}

/** Record i's time from a column's words as a fixed64 field, left out when 0 (unset). */
function fixed64Time(w: ProtoWriter, field: number, words: Uint32Array, i: number): void {
  const low = words[2 * i + LOW_WORD];
  const high = words[2 * i + HIGH_WORD];
  if (low !== 0 || high !== 0) w.fixed64Words(field, low, high);
}

function keyValue(w: ProtoWriter, field: number, kv: KeyValue, depth: number): void {
  const at = w.begin(field);
  if (kv.key) w.stringField(1, kv.key);
  anyValue(w, 2, kv.value, depth);
  w.end(at);
}

function anyValue(w: ProtoWriter, field: number, v: AnyValue, depth: number): void {
  if (depth > 1000) throw new Error('AnyValue nested too deep to encode (a cycle?)');
  const at = w.begin(field);
  switch (typeof v) {
    case 'string':
      w.stringField(1, v);
      break;
    case 'boolean':
      w.tag(2, WT_VARINT);
      w.varint(v ? 1 : 0);
      break;
    case 'bigint':
      w.tag(3, WT_VARINT);
      w.varint64(v);
      break;
    case 'number':
      w.double(4, v);
      break;
    case 'object':
      if (v instanceof Uint8Array) w.bytesField(7, v);
      else if (Array.isArray(v)) {
        const arr = w.begin(5);
        for (const x of v) anyValue(w, 1, x, depth + 1);
        w.end(arr);
      } else if (v instanceof KeyValueList) {
        const kvl = w.begin(6);
        for (const kv of v.values) keyValue(w, 1, kv, depth + 1);
        w.end(kvl);
      }
      break;
    // undefined: the empty AnyValue
  }
  w.end(at);
}
