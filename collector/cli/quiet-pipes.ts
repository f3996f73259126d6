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
 * success (a supervisor would not restart it).
 */
import { watchPipeReader } from './pipe-reader-watch';

export function exitQuietlyWhenReaderGoesAway(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  if (streams.includes(process.stdout)) watchPipeReader(() => process.exit(0), { fd: 1 });
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
      throw err;
    });
  }
}
