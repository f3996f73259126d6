/**
 * Output bounds of the log file decoder, and the frame decompression that
 * enforces them (sync for the library call, async for servers).
 *
 * A frame's stored bytes are tiny compared with what they may expand to: a
 * 1.7 KB brotli frame can hold a gigabyte of zeros. So every frame is
 * decompressed with an output bound (zlib's maxOutputLength stops the
 * decompressor as soon as it is passed, nothing beyond it is produced), the
 * whole file's decompressed output is bounded, and so is the number of records
 * one frame may yield (a frame's records are held until the frame is done).
 *
 * The defaults sit well above what the SDK writes (sdk/transports/file.ts: a
 * frame holds one export of at most batch.maxBytes, 4 MiB, and
 * batch.maxRecords, 4096, by default) and are the same for the console upload
 * and `logfun decode`; a file written with much larger batches needs larger
 * bounds (DecodeBounds, `logfun decode --max-frame-bytes ...`).
 */
import * as zlib from 'zlib';
import { COMPRESSION_BROTLI, COMPRESSION_DEFLATE, COMPRESSION_NONE } from './frames';

export interface DecodeBounds {
  /** Most bytes one frame may decompress to. */
  maxFrameBytes: number;
  /** Most records one frame may hold. */
  maxFrameRecords: number;
  /** Most decompressed bytes over the whole file: the larger of this and `maxOutputRatio` x the file's size. */
  maxOutputBytes: number;
  /** Decompressed bytes allowed per byte of file beyond `maxOutputBytes` (large files of repetitive logs compress well). */
  maxOutputRatio: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_DECODE_BOUNDS: Readonly<DecodeBounds> = Object.freeze({
  maxFrameBytes: 8 * MiB,
  maxFrameRecords: 65_536,
  maxOutputBytes: 256 * MiB,
  maxOutputRatio: 32,
});

/** The decompressed-output budget of a file of `fileBytes` bytes. */
export function outputBudget(bounds: DecodeBounds, fileBytes: number): number {
  return Math.max(bounds.maxOutputBytes, bounds.maxOutputRatio * fileBytes);
}

/**
 * The largest stored (compressed) frame that could decompress within
 * `maxFrameBytes`: deflate and brotli expand incompressible data by well under
 * 1/64 plus a header. A longer frame is refused by its header alone (nothing read).
 */
export function maxStoredBytes(maxFrameBytes: number): number {
  return maxFrameBytes + Math.ceil(maxFrameBytes / 64) + 1024;
}

export type BoundKind = 'frame_bytes' | 'frame_records' | 'output_bytes';

/** A decode bound was passed: the file is refused from that frame on (never partly decompressed past the bound). */
export class DecodeBoundError extends Error {
  constructor(
    readonly bound: BoundKind,
    readonly limit: number,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeBoundError';
  }
}

/** Thrown for a frame whose compression flag is unknown or whose stored bytes do not decompress. */
export class FrameCompressionError extends Error {}

export function frameTooLarge(limit: number): DecodeBoundError {
  return new DecodeBoundError('frame_bytes', limit, `it decompresses to more than ${limit} bytes (the per-frame decode bound: a decompression bomb, or a file written with very large batches)`);
}

function isTooLarge(err: unknown): boolean {
  return err instanceof RangeError || (err as NodeJS.ErrnoException | undefined)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * Decompresses one frame on the calling thread, producing at most `maxBytes`
 * (a bomb costs at most that much work and memory). For tools; servers use inflateFrame.
 */
export function inflateFrameSync(flags: number, stored: Uint8Array, maxBytes: number): Uint8Array {
  if (flags === COMPRESSION_NONE) {
    if (stored.length > maxBytes) throw frameTooLarge(maxBytes);
    return stored;
  }
  try {
    if (flags === COMPRESSION_DEFLATE) return zlib.inflateSync(stored, { maxOutputLength: maxBytes });
    if (flags === COMPRESSION_BROTLI) return zlib.brotliDecompressSync(stored, { maxOutputLength: maxBytes });
  } catch (err) {
    if (isTooLarge(err)) throw frameTooLarge(maxBytes);
    throw new FrameCompressionError(`cannot decompress: ${(err as Error).message}`);
  }
  throw new FrameCompressionError(`unknown compression flag ${flags}`);
}

/**
 * Decompresses one frame in zlib's thread pool (the event loop only sees one
 * short callback per output chunk), producing at most `maxBytes`.
 */
export function inflateFrame(flags: number, stored: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  if (flags === COMPRESSION_NONE) {
    return stored.length > maxBytes ? Promise.reject(frameTooLarge(maxBytes)) : Promise.resolve(stored);
  }
  if (flags !== COMPRESSION_DEFLATE && flags !== COMPRESSION_BROTLI) return Promise.reject(new FrameCompressionError(`unknown compression flag ${flags}`));
  return new Promise<Uint8Array>((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (!err) resolve(out);
      else if (isTooLarge(err)) reject(frameTooLarge(maxBytes));
      else reject(new FrameCompressionError(`cannot decompress: ${err.message}`));
    };
    // 64 KiB output chunks: a quarter as many event-loop callbacks as zlib's 16 KiB default.
    if (flags === COMPRESSION_DEFLATE) zlib.inflate(stored, { maxOutputLength: maxBytes, chunkSize: 64 * 1024 }, done);
    else zlib.brotliDecompress(stored, { maxOutputLength: maxBytes, chunkSize: 64 * 1024 }, done);
  });
}
