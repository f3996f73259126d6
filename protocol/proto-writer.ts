/**
 * A small protobuf writer for the compact protocol's flush path: one growable
 * Buffer, varints written from plain numbers (bigint only beyond 2^52), strings
 * written in place, and nested messages without an intermediate object tree
 * (a nested message reserves one length byte and shifts itself when longer).
 *
 * Why not protobufjs' Writer: it records every write as a linked-list operation
 * and copies at finish(); the batch encoder writes tens of thousands of tiny
 * values per batch and reuses its column writers across batches.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_POW_32 = 4294967296;
const TWO_POW_16 = 65536;
/** Below this magnitude zigzag(v) = 2|v| (- 1) stays an exact double. */
const ZIGZAG_SAFE = 2 ** 52;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;
  private readonly nested: number[] = [];

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  /** Forgets the content, keeps the memory. */
  reset(): void {
    this.pos = 0;
    this.nested.length = 0;
  }

  get length(): number {
    return this.pos;
  }

  private grow(extra: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) this.grow(extra);
  }

  tag(field: number, wireType: number): this {
    return this.uint32(((field << 3) | wireType) >>> 0);
  }

  /** An unsigned varint of a number below 2^32. */
  uint32(v: number): this {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    v >>>= 0;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
    return this;
  }

  /** An unsigned varint of a non-negative integer up to 2^53. */
  uint53(v: number): this {
    if (v < TWO_POW_32) return this.uint32(v);
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 127) {
      buf[pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    this.pos = pos;
    return this;
  }

  /** An unsigned varint of a bigint, taken modulo 2^64 (negative int64 values are 10 bytes). */
  uint64Big(v: bigint): this {
    let u = BigInt.asUintN(64, v);
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (u > 127n) {
      buf[pos++] = Number(u & 127n) | 128;
      u >>= 7n;
    }
    buf[pos++] = Number(u);
    this.pos = pos;
    return this;
  }

  /** A protobuf int64 of a safe integer (negative numbers as 10-byte two's complement). */
  int64(v: number): this {
    return v >= 0 ? this.uint53(v) : this.uint64Big(BigInt(v));
  }

  /** A zigzag (sint64) varint of a safe integer. */
  sint64(v: number): this {
    if (v >= 0) {
      if (v < ZIGZAG_SAFE) return this.uint53(v * 2);
    } else if (v > -ZIGZAG_SAFE) return this.uint53(-v * 2 - 1);
    return this.sint64Big(BigInt(v));
  }

  /** A zigzag (sint64) varint of a bigint in the int64 range. */
  sint64Big(v: bigint): this {
    return this.uint64Big(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  fixed32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** fixed64 from its two 32-bit halves. */
  fixed64(lo: number, hi: number): this {
    this.ensure(8);
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
    return this;
  }

  fixed64Big(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
    return this;
  }

  /** sec * 1e9 + nano as fixed64, exactly, with float math below 2^53 (sec >= 0). */
  fixed64UnixNano(sec: number, nano: number): this {
    if (!(sec >= 0) || sec >= 2 ** 34) return this.fixed64Big(BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(nano));
    const secHigh = Math.floor(sec / TWO_POW_16);
    const secLow = sec - secHigh * TWO_POW_16;
    const a = secHigh * 1e9; // < 2^48
    const b = secLow * 1e9 + nano; // < 2^47
    const aHigh = Math.floor(a / TWO_POW_16);
    const c = (a - aHigh * TWO_POW_16) * TWO_POW_16 + b; // < 2^48
    const cHigh = Math.floor(c / TWO_POW_32);
    return this.fixed64(c - cHigh * TWO_POW_32, aHigh + cHigh);
  }

  double(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** A length-prefixed UTF-8 string (lone surrogates become U+FFFD, as TextEncoder does). */
  string(s: string): this {
    const n = s.length;
    if (n < 128) {
      // Short ASCII strings (most log arguments): one pass, no native call.
      this.ensure(n + 1);
      const buf = this.buf;
      let pos = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128) break;
        buf[pos++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = pos;
        return this;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.uint32(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  /** Length-prefixed bytes. */
  bytes(v: Uint8Array): this {
    this.uint32(v.length);
    return this.raw(v);
  }

  /** Bytes copied as they are (already encoded fields). */
  raw(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** Another writer's content as a length-delimited field. */
  message(field: number, w: ProtoWriter): this {
    this.tag(field, WIRE_LEN).uint32(w.pos);
    this.ensure(w.pos);
    w.buf.copy(this.buf, this.pos, 0, w.pos);
    this.pos += w.pos;
    return this;
  }

  /** Starts a nested length-delimited field; end it with ldelim(). */
  fork(field: number): this {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    this.nested.push(this.pos);
    this.pos += 1;
    return this;
  }

  /** Ends the innermost fork(): writes its length, moving the content when the length needs more than one byte. */
  ldelim(): this {
    const start = this.nested.pop();
    if (start === undefined) throw new Error('ProtoWriter.ldelim() without fork()');
    const len = this.pos - start - 1;
    if (len < 128) {
      this.buf[start] = len;
      return this;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copy(this.buf, start + 1 + extra, start + 1, this.pos);
    let pos = start;
    let v = len;
    while (v > 127) {
      this.buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[pos] = v;
    this.pos += extra;
    return this;
  }

  /** A copy of the content (the writer's memory is reused). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Bytes a varint of `v` (< 2^32) takes. */
export function varintSize(v: number): number {
  let n = 1;
  v >>>= 0;
  while (v > 127) {
    v >>>= 7;
    n++;
  }
  return n;
}
