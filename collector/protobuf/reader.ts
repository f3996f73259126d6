/**
 * The collector's protobuf cursor, for OTLP requests (collector/otlp/wire-decode.ts)
 * and the compact protocol's client messages (collector/compact/messages.ts):
 * varints into plain numbers (bigint only beyond 2^53), packed repeated fields,
 * and OTLP KeyValue / AnyValue read straight into the LogBatch value types.
 * Strings are decoded as UTF-8 with invalid sequences replaced (U+FFFD), counted
 * in `stats.invalidUtf8` when the caller passes stats.
 *
 * Every problem (truncation, a length running past its message, a varint longer
 * than 10 bytes, nesting deeper than MAX_DEPTH) throws `Malformed`; callers turn
 * it into INVALID_ARGUMENT.
 */
import { KeyValueList, type AnyValue, type KeyValue } from '../pipeline/batch';
import { isUtf8 } from 'buffer';
import { varintExceeds32Bits } from './varint';
import { readUint64LE } from '../bytes/binary-writer';

export const WT_VARINT = 0;
export const WT_I64 = 1;
export const WT_LEN = 2;
export const WT_SGROUP = 3;
export const WT_EGROUP = 4;
export const WT_I32 = 5;

/** Distinct recurring strings a reader remembers (see ProtoReader.keyAt), and the longest it remembers. */
const KEY_CACHE_SIZE = 16;
const MAX_CACHED_KEY_BYTES = 64;

/** Deepest AnyValue nesting accepted unless the caller says otherwise; deepest group nesting skipped. */
const MAX_DEPTH = 64;

export interface ProtoReaderOptions {
  /** Deepest AnyValue nesting accepted (default 64). */
  maxDepth?: number;
  /** Counts strings whose bytes were not valid UTF-8. */
  stats?: { invalidUtf8: number };
}

export class Malformed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Malformed';
  }
}

/**
 * A repeated sint64 field as one typed array: each value a number where it is a safe
 * integer (exact in a double); NaN marks a value beyond 2^53, kept as a bigint in `big`
 * by its position. Read values through valueAt. (A JS array of the values cost 8 bytes of
 * young-generation garbage per value, copied by each scavenge while the batch lived.)
 */
export class Int64Column {
  values: Float64Array<ArrayBuffer> = EMPTY_FLOAT64;
  big: Map<number, bigint> | undefined;

  get length(): number {
    return this.values.length;
  }

  /** Value k (k below length). */
  valueAt(k: number): number | bigint {
    const v = this.values[k];
    return v === v ? v : this.big!.get(k)!; // NaN only marks a bigint
  }

  /** Appends v (read from the wire: a safe integer or a bigint beyond 2^53). */
  push(v: number | bigint): void {
    const k = this.values.length;
    this.values = withRoomFor(this.values, 1);
    this.set(k, v);
  }

  /** Sets value k (below length): a number in place, a bigint marked NaN and kept in `big`. */
  set(k: number, v: number | bigint): void {
    if (typeof v === 'number') this.values[k] = v;
    else {
      this.values[k] = NaN;
      (this.big ??= new Map()).set(k, v);
    }
  }

  /** A column of these values (tests, tools). */
  static of(values: readonly (number | bigint)[]): Int64Column {
    const c = new Int64Column();
    for (const v of values) c.push(typeof v === 'bigint' && v >= -MAX_SAFE_BIG && v <= MAX_SAFE_BIG ? Number(v) : v);
    return c;
  }

  toArray(): (number | bigint)[] {
    return Array.from({ length: this.length }, (_, k) => this.valueAt(k));
  }
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
export const EMPTY_UINT32 = new Uint32Array(0);
const readUint32 = (r: ProtoReader, end: number): number => r.uint32(end);
export const EMPTY_FLOAT64 = new Float64Array(0);

/**
 * `column` lengthened by `more` values (0 until written): a longer view of the same buffer
 * when the buffer has room, else a copy into one of twice the size. Doubling keeps a field
 * sent unpacked (one tag per value, legal protobuf) linear; a packed field is one call
 * sized exactly. Columns made here always start at offset 0 of their buffer.
 */
function withRoomFor<T extends Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(column: T, more: number): T {
  const length = column.length + more;
  const Column = column.constructor as { new (length: number): T; new (buffer: ArrayBuffer, offset: number, length: number): T };
  const capacity = column.buffer.byteLength / column.BYTES_PER_ELEMENT;
  if (length <= capacity) return new Column(column.buffer, 0, length);
  const grown = new Column(more > 1 && column.length === 0 ? length : Math.max(length, 2 * capacity, 8));
  grown.set(column);
  return new Column(grown.buffer, 0, length);
}

export class ProtoReader {
  pos: number;
  readonly maxDepth: number;
  private readonly stats: { invalidUtf8: number } | undefined;
  /**
   * Recurring strings already decoded from this buffer (a request repeats the same few attribute
   * keys and severity texts in every record): where the first copy's bytes are and its string,
   * so that a repeat costs a byte compare instead of a UTF-8 decode and a new string. Only
   * strings that decoded without U+FFFD are kept (an invalid one is decoded, and counted, every time).
   */
  private readonly keyAt: number[] = [];
  private readonly keyLength: number[] = [];
  private readonly keyText: string[] = [];
  /** Next slot to overwrite once all KEY_CACHE_SIZE are taken (round robin). */
  private keyNext = 0;
  constructor(
    readonly buf: Buffer,
    start = 0,
    options: ProtoReaderOptions = {},
  ) {
    this.pos = start;
    this.maxDepth = options.maxDepth ?? MAX_DEPTH;
    this.stats = options.stats;
  }

  /** The low 32 bits of a varint, unsigned. */
  uint32(end: number): number {
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = buf[this.pos++];
      if (shift < 32) result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    throw new Malformed('varint longer than 10 bytes');
  }

  /** An int32 varint (negative values are sign-extended to 10 bytes on the wire). */
  int32(end: number): number {
    return this.uint32(end) | 0;
  }

  /** An unsigned varint as a number when below 2^53, else a bigint (mod 2^64). */
  uint64(end: number): number | bigint {
    const buf = this.buf;
    let low = 0;
    let factor = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = buf[this.pos++];
      low += (b & 0x7f) * factor;
      if (b < 0x80) return low;
      factor *= 128;
    }
    let big = BigInt(low);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      if (this.pos >= end) throw new Malformed('truncated varint');
      const b = buf[this.pos++];
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        big = BigInt.asUintN(64, big);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
    }
    throw new Malformed('varint longer than 10 bytes');
  }

  /** An unsigned varint that must be a safe integer (sequence numbers, counts). */
  uint53(end: number, what: string): number {
    const v = this.uint64(end);
    if (typeof v !== 'number') throw new Malformed(`${what} exceeds 2^53`);
    return v;
  }

  /** A zigzag (sint64) varint: number when |v| <= 2^53, else bigint. */
  sint64(end: number): number | bigint {
    const u = this.uint64(end);
    if (typeof u === 'number') return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    const v = (u >> 1n) ^ -(u & 1n);
    return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** A signed int64 varint (two's complement) as an exact bigint. */
  int64Big(end: number): bigint {
    const u = this.uint64(end);
    return typeof u === 'number' ? BigInt(u) : BigInt.asIntN(64, u); // below 2^53: already its int64 value
  }

  bool(end: number): boolean {
    const v = this.uint64(end);
    return v !== 0 && v !== 0n;
  }

  lengthEnd(end: number): number {
    const start = this.pos;
    const len = this.uint32(end);
    if (varintExceeds32Bits(this.buf, start, this.pos)) throw new Malformed('length prefix does not fit in 32 bits');
    const stop = this.pos + len;
    if (stop > end) throw new Malformed(`length ${len} runs past the end of the enclosing message`);
    return stop;
  }

  fixed64(end: number): bigint {
    if (this.pos + 8 > end) throw new Malformed('truncated fixed64');
    const v = readUint64LE(this.buf, this.pos); // one bigint (Buffer's reader builds four)
    this.pos += 8;
    return v;
  }

  /** The halves of the last fixed64Halves() read: value = high * 2^32 + low. */
  low = 0;
  high = 0;

  /** A fixed64 as its two 32-bit halves (this.low, this.high): no bigint. */
  fixed64Halves(end: number): void {
    if (this.pos + 8 > end) throw new Malformed('truncated fixed64');
    this.low = this.buf.readUInt32LE(this.pos);
    this.high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
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
    const s = this.utf8(this.pos, stop);
    this.pos = stop;
    return s;
  }

  /** buf[at, stop) as UTF-8, invalid sequences replaced (and counted in stats). */
  private utf8(at: number, stop: number): string {
    const s = stop === at ? '' : this.buf.toString('utf8', at, stop);
    // U+FFFD in the result was either sent as such or is our replacement: only then check the bytes.
    if (this.stats && s.includes('\uFFFD') && !isUtf8(this.buf.subarray(at, stop))) this.stats.invalidUtf8++;
    return s;
  }

  /**
   * string() for a field whose few values recur in every record (attribute keys, severity
   * text), through the per-buffer cache (see keyAt). Not for values of high cardinality:
   * each miss compares against the cached strings of its length.
   */
  recurringString(end: number): string {
    const stop = this.lengthEnd(end);
    const at = this.pos;
    const len = stop - at;
    this.pos = stop;
    if (len === 0) return '';
    if (len > MAX_CACHED_KEY_BYTES) return this.utf8(at, stop);
    const buf = this.buf;
    const lengths = this.keyLength;
    for (let k = 0; k < lengths.length; k++) {
      if (lengths[k] !== len) continue;
      const from = this.keyAt[k];
      let i = 0;
      while (i < len && buf[from + i] === buf[at + i]) i++;
      if (i === len) return this.keyText[k];
    }
    const s = this.utf8(at, stop);
    if (s.includes('\uFFFD')) return s; // not kept: an invalid key is counted each time it comes
    let slot = lengths.length;
    if (slot >= KEY_CACHE_SIZE) {
      slot = this.keyNext;
      this.keyNext = (slot + 1) % KEY_CACHE_SIZE;
    }
    this.keyAt[slot] = at;
    lengths[slot] = len;
    this.keyText[slot] = s;
    return s;
  }

  /** A copy: a view would pin the whole message buffer for as long as the record lives. */
  bytes(end: number): Uint8Array {
    const stop = this.lengthEnd(end);
    const out = new Uint8Array(stop - this.pos);
    this.buf.copy(out, 0, this.pos, stop);
    this.pos = stop;
    return out;
  }

  /** A view of a length-delimited field (valid while the message buffer lives). */
  view(end: number): Buffer {
    const stop = this.lengthEnd(end);
    const v = this.buf.subarray(this.pos, stop);
    this.pos = stop;
    return v;
  }

  /** Count of varints in a packed field's bytes [pos, stop): one ends at each byte below 0x80. */
  private varintsBefore(stop: number): number {
    const buf = this.buf;
    let count = 0;
    for (let p = this.pos; p < stop; p++) if (buf[p] < 0x80) count++;
    return count;
  }

  /** Appends a repeated uint32 field's values (packed or not; each the low 32 bits of its varint) to `out`; returns the longer column. */
  uint32Column(wireType: number, end: number, out: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
    return this.varintColumn(wireType, end, out, readUint32);
  }

  /** Appends a repeated uint64 field's values, which must be safe integers (packed or not), to `out`; returns the longer column. */
  uint53Column(wireType: number, end: number, out: Float64Array<ArrayBuffer>, what: string): Float64Array<ArrayBuffer> {
    return this.varintColumn(wireType, end, out, (r, stop) => r.uint53(stop, what));
  }

  private varintColumn<T extends Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(wireType: number, end: number, out: T, read: (r: ProtoReader, end: number) => number): T {
    if (wireType === WT_VARINT) {
      const v = read(this, end);
      out = withRoomFor(out, 1);
      out[out.length - 1] = v;
      return out;
    }
    if (wireType !== WT_LEN) throw new Malformed(`repeated varint field with wire type ${wireType}`);
    const stop = this.lengthEnd(end);
    let k = out.length;
    out = withRoomFor(out, this.varintsBefore(stop));
    while (this.pos < stop) out[k++] = read(this, stop); // each read ends at one of the counted bytes (or throws)
    return out;
  }

  /** Appends a repeated sint64 field's values (packed or not) to `out`. */
  sint64Column(wireType: number, end: number, out: Int64Column): void {
    if (wireType === WT_VARINT) {
      out.push(this.sint64(end));
      return;
    }
    if (wireType !== WT_LEN) throw new Malformed(`repeated varint field with wire type ${wireType}`);
    const stop = this.lengthEnd(end);
    let k = out.values.length;
    out.values = withRoomFor(out.values, this.varintsBefore(stop));
    while (this.pos < stop) out.set(k++, this.sint64(stop));
  }

  /** Appends a repeated double field's values (packed or not) to `out`; returns the longer column. */
  doubleColumn(wireType: number, end: number, out: Float64Array<ArrayBuffer>, what: string): Float64Array<ArrayBuffer> {
    if (wireType === WT_I64) {
      const v = this.double(end);
      out = withRoomFor(out, 1);
      out[out.length - 1] = v;
      return out;
    }
    if (wireType !== WT_LEN) throw new Malformed(`${what} with wire type ${wireType}`);
    const stop = this.lengthEnd(end);
    if ((stop - this.pos) % 8 !== 0) throw new Malformed(`packed ${what} length is not a multiple of 8`);
    let k = out.length;
    out = withRoomFor(out, (stop - this.pos) / 8);
    while (this.pos < stop) out[k++] = this.double(stop);
    return out;
  }

  /** Appends a repeated varint field's values (packed or not) via `read`. */
  repeated<T>(wireType: number, end: number, out: T[], read: (r: ProtoReader, end: number) => T): void {
    if (wireType === WT_VARINT) {
      out.push(read(this, end));
      return;
    }
    if (wireType !== WT_LEN) throw new Malformed(`repeated varint field with wire type ${wireType}`);
    const stop = this.lengthEnd(end);
    // size the array once (push grows it step by step)
    let k = out.length;
    out.length = k + this.varintsBefore(stop);
    while (this.pos < stop) out[k++] = read(this, stop); // each read ends at one of the counted bytes (or throws)
  }

  skip(wireType: number, end: number, depth = 0): void {
    switch (wireType) {
      case WT_VARINT:
        this.uint64(end);
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
        if (depth > MAX_DEPTH) throw new Malformed('groups nested too deep');
        for (;;) {
          const tag = this.uint32(end);
          if ((tag & 7) === WT_EGROUP) return;
          this.skip(tag & 7, end, depth + 1);
        }
      }
      default:
        throw new Malformed(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  keyValue(end: number, depth = 0): KeyValue {
    let key = '';
    let value: AnyValue = undefined;
    while (this.pos < end) {
      const tag = this.uint32(end);
      if (tag === ((1 << 3) | WT_LEN)) key = this.recurringString(end);
      else if (tag === ((2 << 3) | WT_LEN)) value = this.anyValue(this.lengthEnd(end), depth);
      else this.skip(tag & 7, end);
    }
    return { key, value };
  }

  /** An OTLP AnyValue in LogBatch form (int64 -> bigint, double -> number, kvlist -> KeyValueList). */
  anyValue(end: number, depth = 0): AnyValue {
    if (depth > this.maxDepth) throw new Malformed(`AnyValue nested deeper than ${this.maxDepth} levels`);
    let value: AnyValue = undefined;
    while (this.pos < end) {
      const tag = this.uint32(end);
      switch (tag) {
        case (1 << 3) | WT_LEN:
          value = this.string(end);
          break;
        case (2 << 3) | WT_VARINT:
          value = this.bool(end);
          break;
        case (3 << 3) | WT_VARINT:
          value = this.int64Big(end);
          break;
        case (4 << 3) | WT_I64:
          value = this.double(end);
          break;
        case (5 << 3) | WT_LEN: {
          const stop = this.lengthEnd(end);
          const values: AnyValue[] = [];
          while (this.pos < stop) {
            const t = this.uint32(stop);
            if (t === ((1 << 3) | WT_LEN)) values.push(this.anyValue(this.lengthEnd(stop), depth + 1));
            else this.skip(t & 7, stop);
          }
          value = values;
          break;
        }
        case (6 << 3) | WT_LEN: {
          const stop = this.lengthEnd(end);
          const values: KeyValue[] = [];
          while (this.pos < stop) {
            const t = this.uint32(stop);
            if (t === ((1 << 3) | WT_LEN)) values.push(this.keyValue(this.lengthEnd(stop), depth + 1));
            else this.skip(t & 7, stop);
          }
          value = new KeyValueList(values);
          break;
        }
        case (7 << 3) | WT_LEN:
          value = this.bytes(end);
          break;
        default:
          this.skip(tag & 7, end);
      }
    }
    return value;
  }
}
