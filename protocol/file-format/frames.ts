/**
 * The logfun log file container (offline mode, `transport: 'file'`):
 *
 *   file    := MAGIC frame*
 *   MAGIC   := "LOGFUN" 0x00 0x01                 (8 bytes; the last byte is the format version)
 *   frame   := flags:u8  length:u32le  stored[length]   (length >= 1: the writer never writes an empty frame)
 *   flags   := COMPRESSION_NONE | COMPRESSION_DEFLATE | COMPRESSION_BROTLI
 *   stored  := the payload, compressed per `flags` (deflate = zlib format, with its Adler-32 check)
 *   payload := (varint length, ClientMessage)*    (proto/logfun/v1/ingest.proto)
 *
 * The messages are the compact protocol's (sdk/wire/compact-encode.ts): a
 * Hello (resource: service.name, ...) starts every file (and every writer
 * session appended to an existing file), TemplateDefinitions come once per
 * file before the first batch that uses them, and each RecordBatch is columnar
 * (template index, time delta, typed arguments). One frame holds one export:
 * its new definitions and its batch, compressed together.
 *
 * Frames are independent (each compressed on its own), so a reader decodes
 * everything before a damaged or truncated frame, and a writer can append to a
 * file after cutting a truncated tail (see `completeFramesLength`).
 */

export const MAGIC = Buffer.from([0x4c, 0x4f, 0x47, 0x46, 0x55, 0x4e, 0x00, 0x01]); // "LOGFUN\0\1"
export const FRAME_HEADER_BYTES = 5;

export const COMPRESSION_NONE = 0;
export const COMPRESSION_DEFLATE = 1;
export const COMPRESSION_BROTLI = 2;

export type FileCompression = 'deflate' | 'brotli' | 'none';

export function compressionFlag(c: FileCompression): number {
  return c === 'deflate' ? COMPRESSION_DEFLATE : c === 'brotli' ? COMPRESSION_BROTLI : COMPRESSION_NONE;
}

/** Frame header bytes for a stored payload of `length` bytes. */
export function frameHeader(flags: number, length: number): Buffer {
  const h = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  h[0] = flags;
  h.writeUInt32LE(length, 1);
  return h;
}

/** One frame as found in a file: where it is and its stored (possibly compressed) bytes. */
export interface RawFrame {
  /** Offset of the frame header in the file. */
  readonly offset: number;
  readonly flags: number;
  /** From the frame header: the decoder refuses a frame by its length before reading it. */
  readonly storedLength: number;
  /** Reads the stored bytes (from memory or the file). */
  stored(): Uint8Array;
}

/** A frame the file ends inside of (the writer was killed mid-write, or the file was cut). */
export interface Truncation {
  /** Offset of the incomplete frame (everything before it is complete). */
  readonly offset: number;
  /** Bytes the frame needs (header + stored) and bytes present. */
  readonly expectedBytes: number;
  readonly presentBytes: number;
}

export function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length - 1; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Thrown by the frame reader for bytes that are not a logfun log file at all (nothing decodes). */
export class NotLogFileError extends Error {}

/**
 * Random access to a file's bytes: a Uint8Array in memory, or a file read
 * frame by frame (collector/cli/decode.ts), so a large file never has to fit in memory.
 */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (the caller stays within `size`). */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** The frames of a file, read lazily. */
export interface FrameReader {
  readonly version: number;
  readonly frames: Iterable<RawFrame>;
  /** After iterating: the incomplete frame the file ends in, if any. */
  truncation(): Truncation | undefined;
}

/**
 * Reads a file's frames one at a time (never a list of them: a file of tiny
 * frames must not cost memory per frame). Stops at the first incomplete frame
 * and reports it as `truncation()`. Throws NotLogFileError when the bytes are
 * not a logfun file (empty, or wrong magic); a frame of stored length 0 (the
 * writer never writes one, and zero bytes after a valid header would otherwise
 * parse as millions of them) is yielded like any other and refused by the
 * decoder as damaged.
 */
export function readFrames(source: ByteSource): FrameReader {
  const size = source.size;
  if (size === 0) throw new NotLogFileError('empty file (0 bytes): not a logfun log file');
  const head = source.read(0, Math.min(size, MAGIC.length));
  let truncation: Truncation | undefined;
  if (!hasMagic(head)) {
    if (size < MAGIC.length && isPrefixOfMagic(head)) {
      truncation = { offset: 0, expectedBytes: MAGIC.length, presentBytes: size };
      return { version: MAGIC[7], frames: [], truncation: () => truncation };
    }
    throw new NotLogFileError('not a logfun log file (bad magic bytes)');
  }
  function* frames(): Generator<RawFrame> {
    let pos = MAGIC.length;
    while (pos < size) {
      if (size - pos < FRAME_HEADER_BYTES) {
        truncation = { offset: pos, expectedBytes: FRAME_HEADER_BYTES, presentBytes: size - pos };
        return;
      }
      const header = source.read(pos, FRAME_HEADER_BYTES);
      const length = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(1, true);
      const end = pos + FRAME_HEADER_BYTES + length;
      if (end > size) {
        truncation = { offset: pos, expectedBytes: FRAME_HEADER_BYTES + length, presentBytes: size - pos };
        return;
      }
      const at = pos + FRAME_HEADER_BYTES;
      yield { offset: pos, flags: header[0], storedLength: length, stored: () => source.read(at, length) };
      pos = end;
    }
  }
  return { version: head[MAGIC.length - 1], frames: frames(), truncation: () => truncation };
}

function isPrefixOfMagic(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Length of the longest prefix made of the magic and complete frames, reading
 * only frame headers (used to cut a truncated tail before appending). Returns
 * 0 when the file does not start with the magic.
 */
export async function completeFramesLength(size: number, readAt: (offset: number, length: number) => Promise<Uint8Array>): Promise<number> {
  if (size < MAGIC.length || !hasMagic(await readAt(0, MAGIC.length))) return 0;
  let pos = MAGIC.length;
  while (pos + FRAME_HEADER_BYTES <= size) {
    const header = await readAt(pos, FRAME_HEADER_BYTES);
    const end = pos + FRAME_HEADER_BYTES + new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(1, true);
    if (end > size) break;
    pos = end;
  }
  return pos;
}
