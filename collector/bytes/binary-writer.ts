/** Node's undocumented but long-stable Buffer fast path (no argument checks), used on the hot path. */
interface FastBuffer extends Buffer {
  utf8Write(s: string, offset: number): number;
}

/**
 * 64-bit values go through a BigUint64Array cell and its bytes: a typed-array store
 * of a bigint is native (and wraps mod 2^64), where Buffer#writeBigUInt64LE splits
 * the bigint with BigInt arithmetic in JavaScript, about 20x slower (two per log
 * record on the write-ahead log's path). The cell's bytes are in platform order;
 * big-endian hosts take Buffer's own method.
 */
const cell = new BigUint64Array(1);
const cellBytes = new Uint8Array(cell.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function writeUint64LE(buf: Buffer, pos: number, v: bigint): void {
  if (!LITTLE_ENDIAN) {
    buf.writeBigUInt64LE(BigInt.asUintN(64, v), pos);
    return;
  }
  cell[0] = v;
  buf[pos] = cellBytes[0];
  buf[pos + 1] = cellBytes[1];
  buf[pos + 2] = cellBytes[2];
  buf[pos + 3] = cellBytes[3];
  buf[pos + 4] = cellBytes[4];
  buf[pos + 5] = cellBytes[5];
  buf[pos + 6] = cellBytes[6];
  buf[pos + 7] = cellBytes[7];
}

/** The unsigned 64-bit little-endian value at `pos` (same speed-up as writeUint64LE). */
export function readUint64LE(buf: Uint8Array, pos: number): bigint {
  if (!LITTLE_ENDIAN) return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readBigUInt64LE(pos);
  cellBytes[0] = buf[pos];
  cellBytes[1] = buf[pos + 1];
  cellBytes[2] = buf[pos + 2];
  cellBytes[3] = buf[pos + 3];
  cellBytes[4] = buf[pos + 4];
  cellBytes[5] = buf[pos + 5];
  cellBytes[6] = buf[pos + 6];
  cellBytes[7] = buf[pos + 7];
  return cell[0];
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

  /** 64 bits little-endian: v mod 2^64 (so a negative bigint writes its two's complement). */
  u64(v: bigint): void {
    this.reserve(8);
    writeUint64LE(this.buf, this.pos, v);
    this.pos += 8;
  }

  /** The same bits as u64: the reader decides whether they are signed. */
  i64(v: bigint): void {
    this.u64(v);
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
      const written = writeUtf8(this.buf as FastBuffer, s, this.pos + 1);
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

  /**
   * A template argument as string() writes its text: a string, or a number as String(n),
   * a safe integer's digits written without making the string (pipeline/batch.ts TemplateArg).
   */
  arg(a: string | number): void {
    if (typeof a === 'string' || !Number.isSafeInteger(a)) {
      this.string(String(a));
      return;
    }
    this.reserve(18); // a length byte, '-' and up to 16 digits
    const bytes = writeDecimal(this.buf, a, this.pos + 1);
    this.buf[this.pos] = bytes;
    this.pos += 1 + bytes;
  }

  /**
   * The string parts[0] + args[0] + parts[1] + ... + parts[n] (a template rendered
   * with its arguments, a number as its text: see arg()), written as string() would
   * write it, without building it: the pieces go straight into the buffer after a
   * one-byte length guess, moved up when the length needs more bytes.
   */
  stringParts(parts: readonly string[], args: readonly (string | number)[]): void {
    const encoded = utf8PartsOf(parts);
    let room = encoded.bytes;
    for (let a = 0; a < args.length; a++) {
      const x = args[a];
      room += typeof x === 'string' ? 3 * x.length : MAX_NUMBER_TEXT;
    }
    this.reserve(room + 5); // room for the longest UTF-8 and a length of up to 5 bytes
    const buf = this.buf as FastBuffer;
    const start = this.pos + 1;
    let end = copyInto(buf, encoded.parts[0], start);
    for (let a = 0; a < args.length; a++) {
      const x = args[a];
      end += typeof x === 'string' ? writeUtf8(buf, x, end) : Number.isSafeInteger(x) ? writeDecimal(buf, x, end) : writeUtf8(buf, String(x), end);
      end = copyInto(buf, encoded.parts[a + 1], end);
    }
    const bytes = end - start;
    if (bytes < 0x80) {
      buf[this.pos] = bytes;
      this.pos = end;
      return;
    }
    let lengthBytes = 1;
    for (let v = bytes; v >= 0x80; v = Math.floor(v / 0x80)) lengthBytes++;
    buf.copyWithin(this.pos + lengthBytes, start, end);
    this.varint(bytes);
    this.pos += bytes;
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

  /**
   * A copy of the bytes written from `from` on, in a buffer of its own (not zero-filled
   * first, copied natively: Buffer.from(view) copied through the array-like path).
   */
  copyOut(from = 0): Buffer {
    return copyBytes(this.buf.subarray(from, this.pos));
  }
}

/** A template's constant parts as UTF-8 (stringParts), and their total length. */
interface Utf8Parts {
  parts: Uint8Array[];
  bytes: number;
}

/**
 * The UTF-8 bytes of template parts, made once per parts array: a template's parts are
 * one array shared by all its records and never changed (LogBatch.bodyParts), so its
 * bytes are copied per record instead of encoded again (a part longer than writeUtf8's
 * loop went through a native call per record). Keyed by identity; the last one looked up
 * is kept at hand, since records come in runs of one template.
 */
const utf8PartsCache = new WeakMap<readonly string[], Utf8Parts>();
let lastParts: readonly string[] | undefined;
let lastUtf8Parts: Utf8Parts | undefined;

function utf8PartsOf(parts: readonly string[]): Utf8Parts {
  if (parts === lastParts) return lastUtf8Parts!;
  let encoded = utf8PartsCache.get(parts);
  if (encoded === undefined) {
    // Buffer.from writes a lone surrogate as U+FFFD, as utf8Write does
    const bytes = parts.map((p) => Buffer.from(p, 'utf8'));
    encoded = { parts: bytes, bytes: bytes.reduce((n, b) => n + b.length, 0) };
    utf8PartsCache.set(parts, encoded);
  }
  lastParts = parts;
  lastUtf8Parts = encoded;
  return encoded;
}

/** Copies `bytes` into `buf` at `at` (room checked by the caller); returns where they end. Short ones by a loop (cheaper than a native copy). */
function copyInto(buf: Uint8Array, bytes: Uint8Array, at: number): number {
  const n = bytes.length;
  if (n <= 32) {
    for (let i = 0; i < n; i++) buf[at + i] = bytes[i];
  } else buf.set(bytes, at);
  return at + n;
}

/**
 * `s` as UTF-8 into `buf` at `at` (room checked by the caller); returns the bytes
 * written. Short ASCII strings are copied by a loop, which costs half the native call.
 */
function writeUtf8(buf: FastBuffer, s: string, at: number): number {
  const n = s.length;
  if (n <= 16) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return n;
  }
  return buf.utf8Write(s, at);
}

/** The longest String(n) of a number, in characters ("-1.2345678901234567e-308"). */
const MAX_NUMBER_TEXT = 24;

/** 10^0 .. 10^9 (all below 2^31): writeDecimal's digit count. */
const POW10_INT32: readonly number[] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/** "00" "01" ... "99" as ASCII bytes: two digits per step when writing a number. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');

/**
 * The safe integer `n` as String(n) writes it (decimal digits, '-' when negative, "0" for
 * -0) into `buf` at `at`, one digit per element (bytes, or UTF-16 units), room checked by
 * the caller; returns the elements written. Below
 * 2^31 (nearly every argument) two digits per step in int32 arithmetic; above, one per
 * step in doubles (exact: every intermediate is a safe integer).
 */
export function writeDecimal(buf: Uint8Array | Uint16Array, n: number, at: number): number {
  let v = n;
  let from = at;
  if (v < 0) {
    buf[from++] = 0x2d;
    v = -v;
  }
  if (v < 0x8000_0000) {
    let u = v | 0;
    // Digits counted by one comparison in a loop, not a ladder of ten: a branch of the ladder
    // not taken yet has no type feedback, so the first number with more digits than any
    // before deoptimized every optimized caller that had inlined this (ring-records' of, the
    // Native encoder's argument and body columns), and each was compiled again: growing
    // numbers (ids, counters) recompiled them all at each new digit count (RingRecords.of
    // 7 times, ~280 ms of compilation, in one 1.2M-record run).
    let digits = 1;
    while (digits < 10 && u >= POW10_INT32[digits]) digits++;
    let i = from + digits;
    while (u >= 100) {
      const q = (u / 100) | 0;
      const r = (u - q * 100) << 1;
      buf[--i] = DIGIT_PAIRS[r + 1];
      buf[--i] = DIGIT_PAIRS[r];
      u = q;
    }
    if (u >= 10) {
      buf[--i] = DIGIT_PAIRS[(u << 1) + 1];
      buf[--i] = DIGIT_PAIRS[u << 1];
    } else buf[--i] = 0x30 + u;
    return from + digits - at;
  }
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++; // powers of ten up to 10^16 are exact
  for (let i = from + digits - 1; i >= from; i--) {
    const q = Math.floor(v / 10);
    buf[i] = 0x30 + (v - q * 10);
    v = q;
  }
  return from + digits - at;
}

/** `src` copied into a new buffer of exactly its length. */
export function copyBytes(src: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(src.length);
  out.set(src);
  return out;
}
