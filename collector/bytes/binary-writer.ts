/** Node's undocumented but long-stable Buffer fast path (no argument checks), used on the hot path. */
interface FastBuffer extends Buffer {
  utf8Write(s: string, offset: number): number;
}

/**
 * A growable output buffer for binary encodings (the write-ahead log's batch codec,
 * ClickHouse Native blocks): little-endian numbers, LEB128 varints, and strings as a
 * varint byte length plus UTF-8 written straight into the buffer (lone surrogates
 * become U+FFFD).
 */
export class BinaryWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v;
  }

  varint(v: number): void {
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  u64(v: bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.reserve(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  f64(v: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(s: string): void {
    const n = s.length;
    if (n === 0) {
      this.u8(0);
      return;
    }
    // Short strings: assume one length byte, write, fix up when the guess was wrong.
    if (n < 43) {
      this.reserve(1 + n * 3);
      const written = (this.buf as FastBuffer).utf8Write(s, this.pos + 1);
      if (written < 0x80) {
        this.buf[this.pos] = written;
        this.pos += 1 + written;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.reserve(bytes);
    this.pos += (this.buf as FastBuffer).utf8Write(s, this.pos);
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
