/**
 * Notices that the reader of a pipe went away without writing to it.
 *
 * `logfun tail --since <t> --service s | head -1`: head exits after its line, but
 * a process learns that its pipe's reader is gone only from its next write (EPIPE,
 * quiet-pipes.ts), and a tail with nothing more to print never writes: it would
 * wait forever. Node cannot poll a write-only descriptor (libuv refuses to read
 * it), and a zero-length write to a pipe succeeds on Linux without a reader.
 *
 * So, on Linux, this looks every second whether any process still has the pipe
 * open for reading: an entry of /proc/<pid>/fd linking to the same pipe (pipe:[inode])
 * whose /proc/<pid>/fdinfo flags are not write-only. The parent and the nearest pids
 * are looked at first (the reader of a pipeline is almost always one of them), so
 * a look usually stops after a few entries. A process whose descriptors cannot be
 * read (another user's) in this session counts as a possible reader (`| sudo tee`):
 * never a false "gone". Elsewhere (other systems, stdout not an anonymous pipe)
 * it does nothing.
 */
import * as fs from 'fs';

export interface PipeReaderWatch {
  stop(): void;
}

/** Calls `onGone` once, within about `intervalMs`, after the last reader of `fd`'s pipe closed it. */
export function watchPipeReader(onGone: () => void, options: { fd?: number; intervalMs?: number } = {}): PipeReaderWatch {
  const fd = options.fd ?? 1;
  const pipe = process.platform === 'linux' ? pipeOf(`/proc/self/fd/${fd}`) : undefined;
  if (!pipe) return { stop() {} };
  const timer = setInterval(() => {
    if (pipeHasReader(pipe)) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 1000);
  timer.unref(); // never what keeps the process alive
  return { stop: () => clearInterval(timer) };
}

/** "pipe:[<inode>]" for an anonymous pipe, else undefined (a file, a terminal, a named FIFO, a socket). */
function pipeOf(link: string): string | undefined {
  try {
    const target = fs.readlinkSync(link);
    return /^pipe:\[\d+\]$/.test(target) ? target : undefined;
  } catch {
    return undefined;
  }
}

/** Whether some other process has `pipe` open for reading (or may have: see the module comment). */
export function pipeHasReader(pipe: string): boolean {
  const self = process.pid;
  const session = sessionOf('self');
  let pids: number[];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((p) => p !== self);
  } catch {
    return true; // cannot look: assume it is still read
  }
  pids.sort((a, b) => (a === process.ppid ? -1 : b === process.ppid ? 1 : Math.abs(a - self) - Math.abs(b - self)));
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES' && session !== undefined && sessionOf(String(pid)) === session) return true;
      continue; // gone meanwhile, or another session's process we may not look into
    }
    for (const n of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${n}`) !== pipe) continue;
        const flags = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${n}`, 'utf8'));
        if (!flags || (parseInt(flags[1], 8) & 3) !== 1) return true; // O_RDONLY or O_RDWR (1 = O_WRONLY: another writer)
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return false;
}

/** The session id of a process (field 6 of /proc/<pid>/stat), or undefined. */
function sessionOf(pid: string): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
    return Number.isFinite(session) ? session : undefined;
  } catch {
    return undefined;
  }
}
