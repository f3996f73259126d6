/**
 * One file being tailed: its open handle (kept open so a renamed or deleted
 * file can still be read to its end), its identity, and three positions:
 *
 *   ackedOffset <= emittedOffset <= readOffset
 *
 * - readOffset: next byte to read; bytes after the last newline are held in
 *   `pending` until their line completes (or the file is read for the last time);
 * - emittedOffset: end of the last line handed to a batch;
 * - ackedOffset: end of the last line acknowledged downstream — the only one
 *   ever persisted, so a restart neither loses nor repeats a line.
 *
 * `generation` changes when the file's content is replaced (copytruncate),
 * so that acknowledgements of lines of the old content cannot move the new
 * content's checkpoint.
 */
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import type { FileCheckpoint } from './checkpoint-store';

const EMPTY = Buffer.alloc(0);
/** How long a truncated file's previous content may be claimed by a copy of it (see previousContent). */
export const PREVIOUS_CONTENT_MS = 60_000;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export interface FileLine {
  text: string;
  /** File offset just after this line (its newline included): the checkpoint once it is delivered. */
  endOffset: number;
  /** True for pieces of a line longer than max_line_size. */
  split: boolean;
  /** The last bytes of a file that ended without a newline (emitted only at shutdown or close). */
  partial?: boolean;
}

/**
 * Whether a file's first bytes are binary: NUL bytes after its text begins. A run of NUL bytes at
 * the head is not: that is the hole a writer without O_APPEND leaves when its log is truncated
 * under it (copytruncate), the lines after it are text (and splitLines drops the NULs).
 */
export function isBinaryHead(head: Buffer): boolean {
  let text = 0;
  while (text < head.length && head[text] === 0) text++;
  return head.indexOf(0, text) >= 0;
}

/**
 * Appends the complete lines of `data` (whose first byte is at file offset `dataOffset`) to `lines`,
 * over-long ones cut into max_line_size pieces, and returns where the unterminated rest starts.
 * NUL bytes at the start of a line (a hole left in a truncated file, see isBinaryHead) are not part
 * of it: they are skipped and counted in `nul.skippedNulBytes`.
 */
export function splitLines(data: Buffer, dataOffset: number, maxLineSize: number, lines: FileLine[], nul: { skippedNulBytes: number } = { skippedNulBytes: 0 }): number {
  let start = 0;
  for (;;) {
    if (data[start] === 0) {
      const from = start;
      while (start < data.length && data[start] === 0) start++;
      nul.skippedNulBytes += start - from;
    }
    const nl = data.indexOf(NEWLINE, start);
    if (nl < 0) break;
    while (nl - start > maxLineSize) {
      const cut = utf8Boundary(data, start + maxLineSize);
      lines.push({ text: data.toString('utf8', start, cut), endOffset: dataOffset + cut, split: true });
      start = cut;
    }
    lines.push({ text: decodeLine(data, start, nl), endOffset: dataOffset + nl + 1, split: false });
    start = nl + 1;
  }
  while (data.length - start >= maxLineSize) {
    const cut = utf8Boundary(data, start + maxLineSize);
    lines.push({ text: data.toString('utf8', start, cut), endOffset: dataOffset + cut, split: true });
    start = cut;
  }
  return start;
}

/** Largest cut <= `at` that does not split a UTF-8 sequence (never 0 for a non-empty buffer). */
function utf8Boundary(buf: Buffer, at: number): number {
  let cut = at;
  while (cut > 0 && (buf[cut] & 0xc0) === 0x80) cut--;
  return cut === 0 ? at : cut;
}

function decodeLine(buf: Buffer, start: number, end: number): string {
  if (end > start && buf[end - 1] === CARRIAGE_RETURN) end--;
  return buf.toString('utf8', start, end);
}

/**
 * What the receiver needs of a source of lines to emit and acknowledge them: a tracked file, or a
 * stream (standard input, a named pipe: see StreamSource).
 */
export interface LineSource {
  readonly path: string;
  readonly name: string;
  generation: number;
  ackedOffset: number;
  inLongLine: boolean;
  skippedNulBytes: number;
}

/**
 * A stream read once to its end (standard input, a named pipe): no handle, no identity, no
 * checkpoint (a stream cannot be read again); offsets count the bytes read from it.
 */
export class StreamSource implements LineSource {
  generation = 0;
  ackedOffset = 0;
  inLongLine = false;
  skippedNulBytes = 0;
  /** Bytes read from the stream. */
  bytes = 0;
  /** Bytes after the last newline read so far (held until their newline, or the stream's end). */
  pending: Buffer = EMPTY;
  constructor(readonly path: string) {}
  get name(): string {
    return this.path;
  }
}

export class TrackedFile implements LineSource {
  readOffset: number;
  emittedOffset: number;
  ackedOffset: number;
  generation = 0;
  /** Bytes after the last newline read so far. */
  pending: Buffer = EMPTY;
  /** Gzip-compressed: read whole through a decompressor (receiver.readGzip), never by offset. */
  gzip = false;
  /** The last line emitted was a piece of a line longer than max_line_size (the next piece continues it). */
  inLongLine = false;
  /** NUL bytes skipped at line starts since the receiver last counted them (see splitLines). */
  skippedNulBytes = 0;
  /** Why a gzip file could not be decompressed to its end (undefined when it was, or is not gzip). */
  damage?: string;
  /** No longer matched by the include globs (renamed away or deleted): read to its end, then closed. */
  lost = false;
  /** Consecutive polls in which a lost file yielded nothing. */
  idlePolls = 0;
  closed = false;

  constructor(
    public path: string,
    readonly handle: FileHandle,
    readonly ino: string,
    /** The file's first bytes (up to fingerprint_size) as last read. */
    public fingerprint: Buffer,
    offset: number,
  ) {
    this.readOffset = offset;
    this.emittedOffset = offset;
    this.ackedOffset = offset;
  }

  /** Base name of `path`. */
  get name(): string {
    if (this.nameOf !== this.path) {
      this.nameOf = this.path;
      this.baseName = path.basename(this.path);
    }
    return this.baseName;
  }
  private nameOf = '';
  private baseName = '';

  async size(): Promise<number> {
    return Number((await this.handle.stat({ bigint: true })).size);
  }

  /** The first `length` bytes of the file as it is now (fewer if it is shorter). */
  async readHead(length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  }

  /**
   * Reads the next chunk into `scratch` and returns the lines it completes
   * (over-long lines cut into max_line_size pieces). `bytes` is 0 at end of file.
   */
  async readChunk(scratch: Buffer, maxLineSize: number): Promise<{ bytes: number; lines: FileLine[] }> {
    // The held partial line goes in front of the new bytes: copied into the scratch buffer when
    // small (the usual case), concatenated when it is a large part of a long line.
    const held = this.pending.length;
    const inPlace = held <= scratch.length >> 1;
    if (inPlace) this.pending.copy(scratch, 0);
    const into = inPlace ? held : 0;
    const { bytesRead } = await this.handle.read(scratch, into, scratch.length - into, this.readOffset);
    if (bytesRead === 0) return { bytes: 0, lines: [] };
    let data = inPlace ? scratch.subarray(0, held + bytesRead) : Buffer.concat([this.pending, scratch.subarray(0, bytesRead)]);
    let dataOffset = this.readOffset - held;
    this.readOffset += bytesRead;
    // A UTF-8 byte order mark is not part of the first line.
    if (dataOffset === 0 && data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
      data = data.subarray(3);
      dataOffset = 3;
    }
    const lines: FileLine[] = [];
    const start = splitLines(data, dataOffset, maxLineSize, lines, this);
    // Copy: `data` may live in the shared scratch buffer.
    const rest = data.length - start;
    this.pending = rest === 0 ? EMPTY : Buffer.from(data.subarray(start));
    if (lines.length) this.emittedOffset = lines[lines.length - 1].endOffset;
    return { bytes: bytesRead, lines };
  }

  /**
   * The held partial line as a line of its own, marked partial, or null when there is none. Only
   * for a file read to its end for the last time (shutdown, or a renamed-away file being closed):
   * while the file is tailed a partial line waits for its newline, however long that takes.
   */
  takePending(): FileLine | null {
    if (this.pending.length === 0) return null;
    const text = decodeLine(this.pending, 0, this.pending.length);
    this.pending = EMPTY;
    this.emittedOffset = this.readOffset;
    return { text, endOffset: this.readOffset, split: false, partial: true };
  }

  /**
   * Hands the held partial line over to a copy of this file (copytruncate): the copy reads it again
   * from its start, with its newline, so this file forgets it and will resume at its start.
   */
  dropPending(): void {
    this.pending = EMPTY;
    this.readOffset = this.emittedOffset;
  }

  /**
   * The content this file held before it was last replaced (truncated): its fingerprint and how far
   * it was emitted, so that a copy of it (copytruncate) found after the truncation is read from
   * there, not again from its start. Cleared when a copy claims it or the content is replaced again;
   * ignored after PREVIOUS_CONTENT_MS (a copy is made before the truncation, so it is found at once:
   * a file appearing much later that starts alike is not taken for one).
   */
  previousContent?: { fingerprint: Buffer; emittedOffset: number; atMs: number };

  /** Starts over at offset 0 of replaced content whose head is `head`. */
  reset(head: Buffer): void {
    this.previousContent = this.fingerprint.length ? { fingerprint: this.fingerprint, emittedOffset: this.emittedOffset, atMs: Date.now() } : undefined;
    this.generation++;
    this.fingerprint = head;
    this.readOffset = 0;
    this.emittedOffset = 0;
    this.ackedOffset = 0;
    this.pending = EMPTY;
  }

  checkpoint(nowMs: number): FileCheckpoint {
    return { ino: this.ino, fingerprint: this.fingerprint, offset: this.ackedOffset, path: this.path, seenAtMs: nowMs };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
  }
}
