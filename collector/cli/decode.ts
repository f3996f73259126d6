/**
 * `logfun decode <file...> [--format text|json]`: prints the records of logfun
 * log files (the SDK's `transport: 'file'`) as plain text lines
 * `<ISO timestamp> <LEVEL> <service> <rendered body>` or as JSON lines (typed
 * arguments, template, code location, attributes).
 *
 * Damaged input never crashes the command: a truncated last frame (a writer
 * killed mid-write) or a damaged frame ends that file's output after every
 * record before it, and the problem is reported on stderr. Exit code: 0 when
 * every file decoded completely, 2 when some file was truncated, damaged or not
 * a logfun file (its readable records were still printed).
 */
import * as fs from 'fs';
import { decodeLogFileFrames, describeProblems, formatJsonLine, formatTextLine, type DecodeSummary } from '../../sdk/file-format/decode';

export type DecodeFormat = 'text' | 'json';

export interface DecodeCommandOptions {
  format: DecodeFormat;
  /** Default process.stdout / process.stderr. */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** Decodes every file to `out`, one frame at a time; returns the exit code (0 complete, 2 some file had problems). */
export async function runDecode(files: string[], options: DecodeCommandOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const format = options.format === 'json' ? formatJsonLine : formatTextLine;
  let exitCode = 0;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      err.write(`logfun decode: cannot read ${file}: ${(e as Error).message}\n`);
      exitCode = 2;
      continue;
    }
    const summary: DecodeSummary = { records: 0, frames: 0, sessions: 0, droppedBySdk: 0, truncation: undefined, error: undefined, version: 0 };
    let problems: string;
    try {
      for (const records of decodeLogFileFrames(bytes, summary)) {
        let text = '';
        for (const r of records) text += format(r) + '\n';
        await write(out, text);
      }
      problems = describeProblems(summary);
      if (summary.truncation || summary.error) exitCode = 2;
    } catch (e) {
      problems = (e as Error).message;
      exitCode = 2;
    }
    if (problems) err.write(`logfun decode: ${file}: ${problems}\n`);
  }
  return exitCode;
}
