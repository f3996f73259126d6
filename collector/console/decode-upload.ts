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
 *
 * Output is bounded (protocol/file-format/bounds.ts: per frame, per frame's records,
 * per upload) and decompression runs in zlib's thread pool with the decoder
 * yielding to the event loop, so a decompression bomb neither blocks the
 * collector nor grows its memory past the bounds. Garbage after a valid header
 * (zero bytes, record-less frames) ends the stream at the first such frame with
 * `complete: false` and the damage in `problem` (protocol/file-format/decode.ts). A first frame past a bound
 * answers 413 before anything is streamed; a later one ends the stream with
 * `complete: false` and the bound in `problem`. Every refusal is counted:
 *   logfun_console_decode_refused_total{reason}   empty | too_large | not_logfun |
 *                                                 frame_bytes | frame_records | output_bytes
 */
import type * as http from 'http';
import { decodeLogFileFramesAsync, decodedBefore, describeProblems, formatJsonLine, formatTextLine, type DecodeSummary } from '../../protocol/file-format/decode';
import type { Metrics } from '../telemetry/metrics';

/**
 * The largest upload (the decode route's body bound on the admin endpoint; about 1.5M
 * records, as many as a browser page shows comfortably). The front end checks the file
 * size first and says so instead of sending a larger file; `logfun decode` has no upload bound
 * (the output bounds of protocol/file-format/bounds.ts apply to both).
 */
export const DECODE_MAX_UPLOAD_BYTES = 8 << 20;

export class DecodeInputError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const REFUSED_METRIC = 'logfun_console_decode_refused_total';

function refuse(metrics: Metrics | undefined, reason: string, status: number, message: string): DecodeInputError {
  metrics?.counter(REFUSED_METRIC, 'Console decode uploads refused or cut short, by reason (a decode bound, not a logfun file, ...)').inc({ reason });
  return new DecodeInputError(status, message);
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
 * the upload is empty, too large or not a logfun file, or its first frame passes
 * a decode bound (413). Refusals are counted in `metrics` when given.
 */
export async function streamDecodedFile(bytes: Buffer, res: http.ServerResponse, format: 'text' | 'json', headers: Record<string, string>, metrics?: Metrics): Promise<void> {
  if (bytes.length === 0) throw refuse(metrics, 'empty', 400, 'the upload is empty: send the file as the request body');
  if (bytes.length > DECODE_MAX_UPLOAD_BYTES) throw refuse(metrics, 'too_large', 413, `the file is larger than ${DECODE_MAX_UPLOAD_BYTES} bytes; decode it with \`logfun decode <file>\``);
  const summary: DecodeSummary = { records: 0, frames: 0, sessions: 0, droppedBySdk: 0, truncation: undefined, error: undefined, version: 0 };
  const frames = decodeLogFileFramesAsync(bytes, summary);
  const render = format === 'json' ? formatJsonLine : formatTextLine;
  let first: IteratorResult<unknown[], DecodeSummary>;
  try {
    first = await frames.next();
  } catch (e) {
    // The reader's message already says "not a logfun log file" (and why).
    throw refuse(metrics, 'not_logfun', 400, (e as Error).message);
  }
  if (first.done && summary.bound !== undefined && summary.records === 0) {
    throw refuse(metrics, summary.bound, 413, `refused: ${summary.error}; decode it with \`logfun decode <file>\` if it is a genuine file`);
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', ...headers });
  let problem = '';
  try {
    for (let step = first; !step.done; step = await frames.next()) {
      if (res.destroyed) {
        await frames.return(summary);
        return;
      }
      const lines = (step.value as Parameters<typeof render>[0][]).map(render);
      if (!res.write(JSON.stringify({ lines }) + '\n')) await waitDrain(res);
    }
    problem = describeProblems(summary);
  } catch (e) {
    // The decoder reports damage in the summary; anything thrown is damage too.
    problem = `${(e as Error).message}; ${decodedBefore(summary.records)}`;
    summary.error ??= (e as Error).message;
  }
  if (summary.bound !== undefined) refuse(metrics, summary.bound, 413, summary.error ?? '');
  const complete = !summary.truncation && !summary.error;
  res.end(
    JSON.stringify({ done: true, records: summary.records, frames: summary.frames, sessions: summary.sessions, droppedBySdk: summary.droppedBySdk, complete, problem }) + '\n',
  );
}
