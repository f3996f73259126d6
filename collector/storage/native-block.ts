/**
 * A writer for ClickHouse's Native format, the engine's own columnar block
 * layout (what `SELECT ... FORMAT Native` prints and `INSERT ... FORMAT Native`
 * takes; the same on 18.16 and on 26.x over HTTP, and through chDB's file()).
 *
 * A block is: varint column count, varint row count, then per column its name,
 * its type (both as strings) and its data, with no per-row framing:
 *   - fixed-width numbers (UInt8/UInt32/UInt64/Int64, DateTime = UInt32 seconds,
 *     DateTime64(p) = Int64 ticks): little-endian, one after another;
 *   - String: per row a varint byte length and the UTF-8 bytes;
 *   - Array(T): the cumulative end offset of every row (UInt64), then the
 *     elements of all rows as one column of T;
 *   - Map(K, V): as Array(Tuple(K, V)): offsets, then all keys, then all values.
 * Several blocks may follow one another in one stream.
 *
 * The writer appends to one growable buffer, so a block costs a few copies of
 * its size and no object per value. Strings are written straight into the
 * buffer (Buffer#utf8Write) instead of being encoded first and copied.
 */

const INITIAL_BYTES = 64 * 1024;

/**
 * Node's Buffer#utf8Write (what Buffer#write calls for 'utf8', without its argument
 * juggling): writes `s` at `offset`, at most `max` bytes, returns the bytes written.
 */
type Utf8Writable = Buffer & { utf8Write(s: string, offset: number, max?: number): number };

export class NativeWriter {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES) as Utf8Writable;
  private pos = 0;

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size) as Utf8Writable;
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  uint8(n: number): void {
    this.ensure(1);
    this.buf[this.pos++] = n;
  }

  uint32(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(n >>> 0, this.pos);
    this.pos += 4;
  }

  /** A UInt64 from a number below 2^53. */
  uint64n(n: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(n % 0x1_0000_0000, this.pos);
    this.buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), this.pos + 4);
    this.pos += 8;
  }

  /** A UInt64 / Int64 from a bigint (two's complement, as the column's bits). */
  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  /** A String value: varint byte length, UTF-8 bytes (lone surrogates become U+FFFD). */
  string(s: string): void {
    const n = s.length;
    if (n === 0) {
      this.uint8(0);
      return;
    }
    // At most 3 bytes per UTF-16 unit: a string of up to 42 units needs a one-byte length,
    // so reserve it and write the text in place; longer ones are measured first.
    if (n <= 42) {
      this.ensure(1 + 3 * n);
      const start = this.pos + 1;
      const written = this.buf.utf8Write(s, start);
      this.buf[this.pos] = written;
      this.pos = start + written;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.utf8Write(s, this.pos, bytes);
  }

  /** Raw bytes (e.g. a value encoded once and repeated). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A column header: its name and type. */
  column(name: string, type: string): void {
    this.string(name);
    this.string(type);
  }
}

/** The bytes of one String value (length prefix included), for values repeated on many rows. */
export function encodedString(s: string): Buffer {
  const w = new NativeWriter();
  w.string(s);
  return Buffer.from(w.bytes());
}
