/**
 * The logfun log file container (offline mode, `transport: 'file'`):
 *
 *   file    := MAGIC frame*
 *   MAGIC   := "LOGFUN" 0x00 0x01                 (8 bytes; the last byte is the format version)
 *   frame   := flags:u8  length:u32le  stored[length]
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
  readonly stored: Uint8Array;
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

/**
 * Splits a file's bytes into frames. Stops at the first incomplete frame and
 * reports it as `truncation`; throws only when the bytes are not a logfun file.
 */
export function splitFrames(bytes: Uint8Array): { frames: RawFrame[]; truncation: Truncation | undefined; version: number } {
  if (!hasMagic(bytes)) {
    if (bytes.length < MAGIC.length && isPrefixOfMagic(bytes)) {
      return { frames: [], truncation: { offset: 0, expectedBytes: MAGIC.length, presentBytes: bytes.length }, version: MAGIC[7] };
    }
    throw new Error('not a logfun log file (bad magic bytes)');
  }
  const version = bytes[MAGIC.length - 1];
  const frames: RawFrame[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = MAGIC.length;
  while (pos < bytes.length) {
    if (bytes.length - pos < FRAME_HEADER_BYTES) {
      return { frames, truncation: { offset: pos, expectedBytes: FRAME_HEADER_BYTES, presentBytes: bytes.length - pos }, version };
    }
    const flags = bytes[pos];
    const length = view.getUint32(pos + 1, true);
    const end = pos + FRAME_HEADER_BYTES + length;
    if (end > bytes.length) {
      return { frames, truncation: { offset: pos, expectedBytes: FRAME_HEADER_BYTES + length, presentBytes: bytes.length - pos }, version };
    }
    frames.push({ offset: pos, flags, stored: bytes.subarray(pos + FRAME_HEADER_BYTES, end) });
    pos = end;
  }
  return { frames, truncation: undefined, version };
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
