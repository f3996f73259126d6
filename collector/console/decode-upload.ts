/**
 * Offline decode in the console: the bytes of a logfun log file (the SDK's
 * `transport: 'file'`, brotli-framed compact batches) in, its records out as the
 * text lines `logfun decode` prints (collector/cli/decode.ts), streamed frame by
 * frame as NDJSON events:
 *
 *   {"lines": ["<ISO time> <LEVEL> <service> <body>", ...]}     one per decoded frame
 *   {"done": true, "records": N, "frames": F, "sessions": S, "droppedBySdk": D,
 *    "complete": true|false, "problem": "<what was wrong>" | ""}   always last
 *
 * A truncated or damaged file still answers 200 with every record before the
 * damage, then `complete: false` and the problem in words. Bytes that are not a
 * logfun file at all answer 400 before anything is streamed.
 */
import type * as http from 'http';
import { decodeLogFileFrames, describeProblems, formatJsonLine, formatTextLine, type DecodeSummary } from '../../sdk/file-format/decode';

/**
 * The largest upload (the decode route's body bound on the admin endpoint; about 1.5M
 * records, as many as a browser page shows comfortably). The front end checks the file
 * size first and says so instead of sending a larger file; `logfun decode` has no bound.
 */
export const DECODE_MAX_UPLOAD_BYTES = 8 << 20;

export class DecodeInputError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Resolves when the response can take more, or is gone (both listeners removed either way). */
export function waitDrain(res: http.ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Decodes `bytes` into `res`. Throws DecodeInputError (nothing written yet) when
 * the upload is empty, too large or not a logfun file.
 */
export async function streamDecodedFile(bytes: Buffer, res: http.ServerResponse, format: 'text' | 'json', headers: Record<string, string>): Promise<void> {
  if (bytes.length === 0) throw new DecodeInputError(400, 'the upload is empty: send the file as the request body');
  if (bytes.length > DECODE_MAX_UPLOAD_BYTES) throw new DecodeInputError(413, `the file is larger than ${DECODE_MAX_UPLOAD_BYTES} bytes; decode it with \`logfun decode <file>\``);
  const summary: DecodeSummary = { records: 0, frames: 0, sessions: 0, droppedBySdk: 0, truncation: undefined, error: undefined, version: 0 };
  const frames = decodeLogFileFrames(bytes, summary);
  const render = format === 'json' ? formatJsonLine : formatTextLine;
  let first: IteratorResult<unknown[], DecodeSummary>;
  try {
    first = frames.next();
  } catch (e) {
    throw new DecodeInputError(400, `not a logfun log file: ${(e as Error).message}`);
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', ...headers });
  let problem = '';
  try {
    for (let step = first; !step.done; step = frames.next()) {
      if (res.destroyed) return;
      const lines = (step.value as Parameters<typeof render>[0][]).map(render);
      if (!res.write(JSON.stringify({ lines }) + '\n')) await waitDrain(res);
    }
    problem = describeProblems(summary);
  } catch (e) {
    // The decoder reports damage in the summary; anything thrown is damage too.
    problem = `${(e as Error).message}; the ${summary.records} records before it were decoded`;
    summary.error ??= (e as Error).message;
  }
  const complete = !summary.truncation && !summary.error;
  res.end(
    JSON.stringify({ done: true, records: summary.records, frames: summary.frames, sessions: summary.sessions, droppedBySdk: summary.droppedBySdk, complete, problem }) + '\n',
  );
}
