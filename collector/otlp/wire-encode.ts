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

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, initialSize));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(n: number): void {
    // n is a non-negative integer below 2^53.
    this.ensure(10);
    const buf = this.buf;
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[this.pos++] = n;
  }

  /** Any int64 (two's complement, 10 bytes when negative). */
  varint64(v: bigint): void {
    if (v >= 0n && v < 0x20000000000000n) {
      this.varint(Number(v));
      return;
    }
    this.ensure(10);
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  fixed64(field: number, v: bigint): void {
    this.tag(field, WT_I64);
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  fixed32(field: number, v: number): void {
    this.tag(field, WT_I32);
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  double(field: number, v: number): void {
    this.tag(field, WT_I64);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    this.tag(field, WT_LEN);
    const len = Buffer.byteLength(s, 'utf8');
    this.varint(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, WT_LEN);
    this.varint(b.byteLength);
    this.ensure(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  hexBytes(field: number, hex: string): void {
    this.tag(field, WT_LEN);
    const len = hex.length >>> 1;
    this.varint(len);
    this.ensure(len);
    this.pos += this.buf.write(hex, this.pos, len, 'hex');
  }

  /** Starts a length-delimited field; returns where its one-byte length placeholder is. */
  begin(field: number): number {
    this.tag(field, WT_LEN);
    this.ensure(1);
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
    this.ensure(size - 1);
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

/** Binary OTLP ExportLogsServiceRequest for the batch. */
export function encodeExportRequest(batch: LogBatch): Uint8Array {
  const w = new Writer(batch.byteSize > 0 ? batch.byteSize + 1024 : batch.length * 128);
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
      if (scope.name) w.string(1, scope.name);
      if (scope.version) w.string(2, scope.version);
      for (const kv of scope.attributes) keyValue(w, 3, kv, 0);
      if (scope.droppedAttributesCount) {
        w.tag(4, WT_VARINT);
        w.varint(scope.droppedAttributesCount);
      }
      w.end(sc);
      for (const i of records) logRecord(w, batch, i);
      if (scope.schemaUrl) w.string(3, scope.schemaUrl);
      w.end(sl);
    }
    if (res.schemaUrl) w.string(3, res.schemaUrl);
    w.end(rl);
  }
  return w.finish();
}

function logRecord(w: Writer, b: LogBatch, i: number): void {
  const at = w.begin(2);
  if (b.timeUnixNano[i]) w.fixed64(1, b.timeUnixNano[i]);
  const severity = b.severityNumber[i];
  if (severity) {
    w.tag(2, WT_VARINT);
    if (severity > 0) w.varint(severity);
    else w.varint64(BigInt(severity));
  }
  if (b.severityText[i]) w.string(3, b.severityText[i]);
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
  if (b.observedTimeUnixNano[i]) w.fixed64(11, b.observedTimeUnixNano[i]);
  if (b.eventName[i]) w.string(12, b.eventName[i]);
  w.end(at);
}

function keyValue(w: Writer, field: number, kv: KeyValue, depth: number): void {
  const at = w.begin(field);
  if (kv.key) w.string(1, kv.key);
  anyValue(w, 2, kv.value, depth);
  w.end(at);
}

function anyValue(w: Writer, field: number, v: AnyValue, depth: number): void {
  if (depth > 1000) throw new Error('AnyValue nested too deep to encode (a cycle?)');
  const at = w.begin(field);
  switch (typeof v) {
    case 'string':
      w.string(1, v);
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
      if (v instanceof Uint8Array) w.bytes(7, v);
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
