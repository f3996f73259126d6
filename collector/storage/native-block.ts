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
 * The writer appends to one growable buffer (BinaryWriter), so a block costs a
 * few copies of its size and no object per value.
 */
import { BinaryWriter } from '../bytes/binary-writer';

export class NativeWriter extends BinaryWriter {
  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.view();
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  uint32(n: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(n >>> 0, this.pos);
    this.pos += 4;
  }

  /** A UInt64 from a number below 2^53. */
  uint64n(n: number): void {
    this.reserve(8);
    this.buf.writeUInt32LE(n % 0x1_0000_0000, this.pos);
    this.buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), this.pos + 4);
    this.pos += 8;
  }

  /** Raw bytes (e.g. a value encoded once and repeated), with no length prefix. */
  raw(b: Uint8Array): void {
    this.reserve(b.length);
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
