/**
 * `logfun decode <file...> [--format text|json]`: prints the records of logfun
 * log files (the SDK's `transport: 'file'`) as plain text lines
 * `<ISO timestamp> <LEVEL> <service> <rendered body>` or as JSON lines (typed
 * arguments, template, code location, attributes).
 *
 * Damaged input never crashes the command: a truncated last frame (a writer
 * killed mid-write) or a damaged frame ends that file's output after every
 * record before it, and the problem is reported on stderr. Exit code: 0 when
 * every file decoded completely, 2 when some file was truncated, damaged, not
 * a logfun file, or past a decode bound (its readable records were still printed).
 *
 * Memory: the file is read frame by frame (never whole), records are written
 * frame by frame, and a file of garbage after a valid header (zero bytes, tiny
 * record-less frames) stops at the first frame the writer could not have
 * written, so time and memory stay bounded for any input.
 *
 * Output bounds: the console upload's (protocol/file-format/bounds.ts: bytes per
 * frame, records per frame, decompressed bytes per file), so a decompression
 * bomb stops with a clear message instead of exhausting memory. A genuine file
 * written with larger batches decodes with --max-frame-bytes /
 * --max-frame-records / --max-output-bytes (the message names the option).
 */
import * as fs from 'fs';
import { decodeLogFileFrames, describeProblems, formatJsonLine, formatTextLine, type DecodeSummary } from '../../protocol/file-format/decode';
import type { ByteSource } from '../../protocol/file-format/frames';
import { DEFAULT_DECODE_BOUNDS, type BoundKind, type DecodeBounds } from '../../protocol/file-format/bounds';
import { parseSize } from '../config/units';
import { numberFlag, openReadableFile } from './flags';

export type DecodeFormat = 'text' | 'json';

export interface DecodeCommandOptions {
  format: DecodeFormat;
  /** Default process.stdout / process.stderr. */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Output bounds; default DEFAULT_DECODE_BOUNDS (those of the console upload). */
  bounds?: Partial<DecodeBounds>;
}

/** The option that raises each bound. */
const BOUND_OPTION: Record<BoundKind, string> = {
  frame_bytes: '--max-frame-bytes',
  frame_records: '--max-frame-records',
  output_bytes: '--max-output-bytes',
};

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** A file read at offsets on demand (a frame at a time: the decoder never holds the whole file). */
function fileSource(fd: number): ByteSource {
  return {
    size: fs.fstatSync(fd).size,
    read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, buf, got, length - got, offset + got);
        if (n === 0) throw new Error(`the file shrank while being read (at byte ${offset + got})`);
        got += n;
      }
      return buf;
    },
  };
}

/** Decodes every file to `out`, one frame at a time; returns the exit code (0 complete, 2 some file had problems). */
export async function runDecode(files: string[], options: DecodeCommandOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const format = options.format === 'json' ? formatJsonLine : formatTextLine;
  const bounds: DecodeBounds = { ...DEFAULT_DECODE_BOUNDS, ...options.bounds };
  let exitCode = 0;
  for (const file of files) {
    let fd: number;
    try {
      fd = openReadableFile(file);
    } catch (e) {
      err.write(`logfun decode: ${(e as Error).message}\n`);
      exitCode = 2;
      continue;
    }
    const summary: DecodeSummary = { records: 0, frames: 0, sessions: 0, droppedBySdk: 0, truncation: undefined, error: undefined, version: 0 };
    let problems: string;
    try {
      for (const records of decodeLogFileFrames(fileSource(fd), summary, bounds)) {
        let text = '';
        for (const r of records) text += format(r) + '\n';
        await write(out, text);
      }
      problems = describeProblems(summary);
      if (summary.bound !== undefined) problems += ` (if this is a genuine file, raise the bound with ${BOUND_OPTION[summary.bound]})`;
      if (summary.truncation || summary.error) exitCode = 2;
    } catch (e) {
      // The reader went away (`| head`): nothing more to say; cli/quiet-pipes.ts ends the process with 0.
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return exitCode;
      problems = (e as Error).message;
      exitCode = 2;
    } finally {
      fs.closeSync(fd);
    }
    if (problems) err.write(`logfun decode: ${file}: ${problems}\n`);
  }
  return exitCode;
}

/** The bounds given as command-line options (sizes as in the config: 64MiB, 1GiB, bytes); throws naming a bad one. */
export function decodeBoundOptions(opts: { maxFrameBytes?: string; maxFrameRecords?: string; maxOutputBytes?: string }): Partial<DecodeBounds> {
  const bounds: Partial<DecodeBounds> = {};
  const positive = (n: number, option: string): number => {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${option}: must be a whole number of at least 1`);
    return n;
  };
  if (opts.maxFrameBytes !== undefined) bounds.maxFrameBytes = positive(parseSize(opts.maxFrameBytes, '--max-frame-bytes'), '--max-frame-bytes');
  if (opts.maxFrameRecords !== undefined) bounds.maxFrameRecords = numberFlag('--max-frame-records', opts.maxFrameRecords, { integer: true, min: 1 });
  if (opts.maxOutputBytes !== undefined) bounds.maxOutputBytes = positive(parseSize(opts.maxOutputBytes, '--max-output-bytes'), '--max-output-bytes');
  return bounds;
}
