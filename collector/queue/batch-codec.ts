/**
 * A compact binary form of a LogBatch for the write-ahead log: every column in
 * record order, resources and scopes once, AnyValue with a one-byte tag. Decoding
 * gives back an equal batch (same column values, same AnyValue types: string,
 * boolean, int64 bigint, double, bytes, array, kvlist, empty).
 *
 * Layout (little endian; "v" = unsigned LEB128 varint, "s" = v byte length + UTF-8):
 *   u8 version (1), f64 byteSize, v resources, v scopes, v records
 *   resource: kvs attributes, v dropped, s schemaUrl
 *   scope:    s name, s version, kvs attributes, v dropped, s schemaUrl
 *   record:   u64 time, u64 observed, v severityNumber, s severityText, any body,
 *             kvs attributes, v dropped, v flags, s traceId, s spanId, s eventName,
 *             v resourceIndex, v scopeIndex, u64 templateId, v nArgs, s args...
 *   kvs: v n, (s key, any value)*; any: u8 tag + value.
 */
import { argText, bodyOf, KeyValueList, LogBatch, type AnyValue, type KeyValue } from '../pipeline/batch';
import { timeColumn } from '../pipeline/time-column';
import { BinaryWriter, readUint64LE } from '../bytes/binary-writer';

export { BinaryWriter };

const VERSION = 1;

/** Node's undocumented but long-stable Buffer fast path (no argument checks), used on the hot path. */
interface FastBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
}

const enum Tag {
  Empty = 0,
  String = 1,
  True = 2,
  False = 3,
  Int = 4,
  Double = 5,
  Bytes = 6,
  Array = 7,
  KvList = 8,
}

class BinaryReader {
  pos: number;
  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`queue entry truncated at byte ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new Error('queue entry: varint too long');
  }

  u64(): bigint {
    this.need(8);
    const v = readUint64LE(this.buf, this.pos);
    this.pos += 8;
    return v;
  }

  i64(): bigint {
    return BigInt.asIntN(64, this.u64());
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  string(): string {
    const n = this.varint();
    if (n === 0) return '';
    this.need(n);
    const s = (this.buf as FastBuffer).utf8Slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
}

function writeAny(w: BinaryWriter, v: AnyValue): void {
  switch (typeof v) {
    case 'string':
      w.u8(Tag.String);
      w.string(v);
      return;
    case 'boolean':
      w.u8(v ? Tag.True : Tag.False);
      return;
    case 'bigint':
      w.u8(Tag.Int);
      w.i64(v);
      return;
    case 'number':
      w.u8(Tag.Double);
      w.f64(v);
      return;
    case 'undefined':
      w.u8(Tag.Empty);
      return;
  }
  if (v instanceof Uint8Array) {
    w.u8(Tag.Bytes);
    w.bytes(v);
  } else if (Array.isArray(v)) {
    w.u8(Tag.Array);
    w.varint(v.length);
    for (const x of v) writeAny(w, x);
  } else if (v instanceof KeyValueList) {
    w.u8(Tag.KvList);
    writeKvs(w, v.values);
  } else {
    w.u8(Tag.Empty);
  }
}

function readAny(r: BinaryReader): AnyValue {
  const tag = r.u8();
  switch (tag) {
    case Tag.Empty:
      return undefined;
    case Tag.String:
      return r.string();
    case Tag.True:
      return true;
    case Tag.False:
      return false;
    case Tag.Int:
      return r.i64();
    case Tag.Double:
      return r.f64();
    case Tag.Bytes:
      return r.bytes();
    case Tag.Array: {
      const n = r.varint();
      const out: AnyValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readAny(r);
      return out;
    }
    case Tag.KvList:
      return new KeyValueList(readKvs(r));
    default:
      throw new Error(`queue entry: unknown value tag ${tag}`);
  }
}

function writeKvs(w: BinaryWriter, kvs: readonly KeyValue[]): void {
  w.varint(kvs.length);
  for (const kv of kvs) {
    w.string(kv.key);
    writeAny(w, kv.value);
  }
}

function readKvs(r: BinaryReader): KeyValue[] {
  const n = r.varint();
  const out: KeyValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = r.string();
    out[i] = { key, value: readAny(r) };
  }
  return out;
}

/** Appends the encoded batch to `w`. */
export function encodeLogBatch(batch: LogBatch, w: BinaryWriter): void {
  w.u8(VERSION);
  w.f64(batch.byteSize);
  w.varint(batch.resources.length);
  w.varint(batch.scopes.length);
  w.varint(batch.length);
  for (const res of batch.resources) {
    writeKvs(w, res.attributes);
    w.varint(res.droppedAttributesCount);
    w.string(res.schemaUrl);
  }
  for (const s of batch.scopes) {
    w.string(s.name);
    w.string(s.version);
    writeKvs(w, s.attributes);
    w.varint(s.droppedAttributesCount);
    w.string(s.schemaUrl);
  }
  for (let i = 0; i < batch.length; i++) {
    w.u64(batch.timeUnixNano[i]);
    w.u64(batch.observedTimeUnixNano[i]);
    w.varint(batch.severityNumber[i]);
    w.string(batch.severityText[i]);
    writeAny(w, bodyOf(batch, i));
    writeKvs(w, batch.attributes[i]);
    w.varint(batch.droppedAttributesCount[i]);
    w.varint(batch.flags[i]);
    w.string(batch.traceId[i]);
    w.string(batch.spanId[i]);
    w.string(batch.eventName[i]);
    w.varint(batch.resourceIndex[i]);
    w.varint(batch.scopeIndex[i]);
    w.u64(batch.templateId[i]);
    const args = batch.templateArgs[i];
    w.varint(args.length);
    for (const a of args) w.string(argText(a));
  }
}

/** Decodes a batch written by encodeLogBatch, starting at `offset` of `buf`. Throws on malformed input. */
export function decodeLogBatch(buf: Buffer, offset = 0): LogBatch {
  const r = new BinaryReader(buf, offset);
  const version = r.u8();
  if (version !== VERSION) throw new Error(`queue entry: unknown batch encoding version ${version}`);
  const b = new LogBatch();
  b.byteSize = r.f64();
  const nResources = r.varint();
  const nScopes = r.varint();
  const n = r.varint();
  for (let i = 0; i < nResources; i++) {
    const attributes = readKvs(r);
    const service = attributes.find((kv) => kv.key === 'service.name');
    b.resources.push({
      attributes,
      droppedAttributesCount: r.varint(),
      schemaUrl: r.string(),
      serviceName: typeof service?.value === 'string' ? service.value : '',
    });
  }
  for (let i = 0; i < nScopes; i++) {
    const name = r.string();
    const version = r.string();
    b.scopes.push({ name, version, attributes: readKvs(r), droppedAttributesCount: r.varint(), schemaUrl: r.string() });
  }
  b.timeUnixNano = timeColumn(n);
  b.observedTimeUnixNano = timeColumn(n);
  b.severityNumber = new Float64Array(n);
  b.droppedAttributesCount = new Uint32Array(n);
  b.flags = new Uint32Array(n);
  b.resourceIndex = new Uint32Array(n);
  b.scopeIndex = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    b.timeUnixNano[i] = r.u64();
    b.observedTimeUnixNano[i] = r.u64();
    b.severityNumber[i] = r.varint();
    b.severityText.push(r.string());
    b.body.push(readAny(r));
    b.attributes.push(readKvs(r));
    b.droppedAttributesCount[i] = r.varint();
    b.flags[i] = r.varint();
    b.traceId.push(r.string());
    b.spanId.push(r.string());
    b.eventName.push(r.string());
    b.resourceIndex[i] = r.varint();
    b.scopeIndex[i] = r.varint();
    b.templateId.push(r.u64());
    const nArgs = r.varint();
    const args: string[] = new Array(nArgs);
    for (let k = 0; k < nArgs; k++) args[k] = r.string();
    b.templateArgs.push(args);
  }
  b.length = n;
  return b;
}
