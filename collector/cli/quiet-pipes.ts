/**
 * A reader that goes away ends the command quietly: `logfun tail | head`,
 * `logfun decode f | head -1` exit with status 0 and print nothing more, like
 * the Unix tools they sit between.
 *
 * Node ignores SIGPIPE, so a write to a closed pipe fails with EPIPE instead,
 * reported as an 'error' event on process.stdout/stderr; with no listener that
 * event is an uncaught exception (a stack trace, status 1). Installed once, at the
 * CLI (collector/cli.ts) before a command runs, it covers every command and every
 * way of writing (console.log, process.stdout.write, streams piped to stdout).
 * Anything else on those streams is rethrown unchanged.
 *
 * A command with nothing more to write would not meet the EPIPE (`logfun tail
 * --since t | head -1` once no more records come): the reader of stdout is watched
 * too (pipe-reader-watch.ts), and its going away ends the command the same way.
 *
 * Exiting at once is what the reader asked for: nobody reads the rest. Not for
 * `logfun collector`: a service whose log reader went away must not end with
 * success (a supervisor would not restart it). Nor for a command with work that
 * must not be lost (`logfun demo | head`: its SDK loggers hold records not yet
 * sent): it waits on untilReaderGoesAway() and ends itself as on Ctrl-C.
 */
import { watchPipeReader } from './pipe-reader-watch';

/** Set by untilReaderGoesAway: the command ends itself when the reader goes away, instead of the process exiting. */
let readerGone: { promise: Promise<void>; resolve: () => void } | undefined;

export function exitQuietlyWhenReaderGoesAway(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  if (streams.includes(process.stdout)) watchPipeReader(readerWentAway, { fd: 1 });
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return readerWentAway();
      throw err;
    });
  }
}

/**
 * Resolves when the reader of stdout or stderr goes away (a closed pipe met by a write, or
 * seen by the watch). Once called, that no longer exits the process: the caller finishes
 * its work and ends, and its later writes to the closed pipe are dropped. Only with
 * exitQuietlyWhenReaderGoesAway installed (the CLI does); else it never resolves.
 */
export function untilReaderGoesAway(): Promise<void> {
  if (!readerGone) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    readerGone = { promise, resolve };
  }
  return readerGone.promise;
}

function readerWentAway(): void {
  if (readerGone) readerGone.resolve();
  else process.exit(0);
}
