/**
 * What `logfun httpstats --once` checks before reading: every pattern names at
 * least one readable log file. A batch run that cannot read what it was given
 * must say so and fail (non-zero status), not print "no requests" as if the
 * files were empty. The live mode does not use this: there a file may appear
 * later, and the filelog receiver logs (and counts) what it cannot read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expandGlob } from '../receivers/filelog/glob';
import { isBinaryHead } from '../receivers/filelog/tracked-file';

/** Bytes looked at for NUL bytes after the text begins (what `grep` and `file` do to tell binary from text; see isBinaryHead). */
const HEAD_BYTES = 4096;

export interface InputCheck {
  /** Matched files, in pattern order. */
  files: string[];
  /** One sentence per problem; empty when every pattern names readable log files. */
  problems: string[];
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

export async function checkBatchInputs(patterns: readonly string[], cwd = process.cwd()): Promise<InputCheck> {
  const files: string[] = [];
  const problems: string[] = [];
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
      const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
      if (!gzip && isBinaryHead(bytes)) {
        problems.push(`${file}: is a binary file (NUL bytes), not a text access log`);
        continue;
      }
      if (!files.includes(file)) files.push(file);
    }
  }
  return { files, problems };
}
