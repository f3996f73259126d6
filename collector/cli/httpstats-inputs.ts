/**
 * What `logfun httpstats --once` checks before reading: every pattern names at
 * least one readable log file. A batch run that cannot read what it was given
 * must say so and fail (non-zero status), not print "no requests" as if the
 * files were empty. The live mode does not use this: there a file may appear
 * later, and the filelog receiver logs (and counts) what it cannot read.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import { expandGlob } from '../receivers/filelog/glob';
import { isBinaryHead } from '../receivers/filelog/tracked-file';
import { isGzip } from '../receivers/filelog/gzip-stream';

/** Bytes looked at for NUL bytes after the text begins (what `grep` and `file` do to tell binary from text; see isBinaryHead). */
const HEAD_BYTES = 4096;

export interface InputCheck {
  /** Matched files, in pattern order. */
  files: string[];
  /** One sentence per problem; empty when every pattern names readable log files. */
  problems: string[];
  /** The problems that are binary files (NUL bytes, not gzip): refused by the live mode too, which waits for missing files. */
  binary: string[];
}

async function head(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The problem of a binary head (`bytes`: the first of `name`), as the same sentence for a file and a stream; undefined for text or gzip. */
function binaryHeadProblem(name: string, bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, HEAD_BYTES);
  return !isGzip(head) && isBinaryHead(head) ? `${name}: is a binary file (NUL bytes), not a text access log` : undefined;
}

export async function checkBatchInputs(patterns: readonly string[], cwd = process.cwd()): Promise<InputCheck> {
  const files: string[] = [];
  const problems: string[] = [];
  const binary: string[] = [];
  for (const pattern of patterns) {
    const absolute = path.resolve(cwd, pattern);
    const matched = await expandGlob(absolute);
    if (matched.length === 0) {
      const st = await fs.promises.stat(absolute).catch(() => undefined);
      if (st?.isDirectory()) problems.push(`${pattern}: is a directory; name the log files in it (e.g. ${path.join(pattern, '*.log')})`);
      else if (st) problems.push(`${pattern}: not a regular file`);
      else if (/[*?[{]/.test(pattern)) problems.push(`${pattern}: matches no file`);
      else problems.push(`${pattern}: no such file`);
      continue;
    }
    for (const file of matched) {
      let bytes: Buffer;
      try {
        bytes = await head(file);
      } catch (e) {
        problems.push(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        continue;
      }
      const binaryProblem = binaryHeadProblem(file, bytes);
      if (binaryProblem) {
        problems.push(binaryProblem);
        binary.push(binaryProblem);
        continue;
      }
      if (!files.includes(file)) files.push(file);
    }
  }
  return { files, problems, binary };
}

/** Names of this process's standard input: read through process.stdin (a pipe, a socket, a file or a terminal alike). */
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** A stream to read once to its end instead of files: standard input or a named pipe (`<(zcat a.gz)`). */
export interface StreamInput {
  /** As given ('-' for standard input). */
  name: string;
  stdin: boolean;
  open(): NodeJS.ReadableStream & { destroy(error?: Error): void };
}

/** A path that is a stream rather than a file: a named pipe, a socket or a character device (`/dev/fd/63`). */
async function isStreamPath(p: string): Promise<boolean> {
  const st = await fs.promises.stat(p).catch(() => undefined);
  return Boolean(st && (st.isFIFO() || st.isSocket() || st.isCharacterDevice()));
}

/**
 * The stream among the inputs, if any. A stream can be read only once and has no end to follow
 * after, so it must be the only input: '-' given twice, or a stream with files (or another
 * stream), is refused with the reason (`problems`). Standard input that is a regular file
 * (`- < access.log`) is a stream too (read through process.stdin).
 */
export async function findStreamInput(patterns: readonly string[]): Promise<{ stream?: StreamInput; problems: string[] }> {
  const streams: string[] = [];
  for (const p of patterns) if (STDIN_NAMES.has(p) || (await isStreamPath(p))) streams.push(p);
  if (streams.length === 0) return { problems: [] };
  const stdinCount = streams.filter((p) => STDIN_NAMES.has(p)).length;
  if (stdinCount > 1) return { problems: [`standard input (${streams.join(', ')}) given ${stdinCount} times: it can be read only once`] };
  if (patterns.length > 1) {
    const others = patterns.filter((p) => p !== streams[0]);
    return {
      problems: [
        `${streams[0]}: a stream (standard input or a pipe) must be the only input, not read with ${others.join(', ')}: ` +
          'concatenate them into one stream instead (e.g. cat FILES | logfun httpstats -)',
      ],
    };
  }
  const name = streams[0];
  const stdin = STDIN_NAMES.has(name);
  return { stream: { name, stdin, open: () => (stdin ? process.stdin : fs.createReadStream(name)) }, problems: [] };
}

type OpenedStream = ReturnType<StreamInput['open']>;

/**
 * Opens `stream` and looks at its first chunk as checkBatchInputs looks at a file's head, so
 * `cat bin.log | logfun httpstats -` is refused (exit status 1) as `logfun httpstats bin.log` is.
 * The chunk is put back: the input is read whole afterwards. Only the first chunk (whatever the
 * writer sent first, up to HEAD_BYTES of it), never a wait for more: a live `tail -f log |`
 * must not be held up. A terminal is not looked at (typing is text; a read would wait for it).
 */
export async function openTextStream(stream: StreamInput, signal?: AbortSignal): Promise<{ input: OpenedStream } | { problem: string }> {
  const input = stream.open();
  if (stream.stdin && process.stdin.isTTY) return { input };
  const first = await firstChunk(input as Readable, signal);
  if (first === undefined) return { input };
  const problem = binaryHeadProblem(stream.stdin ? `${stream.name} (standard input)` : stream.name, first);
  if (problem) {
    input.destroy();
    return { problem };
  }
  (input as Readable).unshift(first);
  return { input };
}

/**
 * The first chunk `input` delivers, left out of it (the caller puts it back); undefined at an
 * empty end, an error (the read that follows meets it) or `signal` (Ctrl-C before any input).
 */
function firstChunk(input: Readable, signal?: AbortSignal): Promise<Buffer | undefined> {
  if (signal?.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (chunk: Buffer | undefined) => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onEnd);
      signal?.removeEventListener('abort', onEnd);
      resolve(chunk);
    };
    const onReadable = () => {
      const chunk = input.read() as Buffer | null;
      if (chunk !== null) done(chunk);
    };
    const onEnd = () => done(undefined);
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onEnd);
    signal?.addEventListener('abort', onEnd, { once: true });
  });
}
