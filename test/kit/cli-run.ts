/**
 * Test and bench kit: runs the built `logfun` CLI (dist/) as a child process
 * with test/kit/peak-rss-preload.js, and returns its exit status, output, peak
 * RSS and CPU time (measured by the child itself at exit).
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { CLI_PATH, REPO_ROOT } from './collector-process';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr without the resource-usage line. */
  stderr: string;
  /** undefined when the child died before its exit handlers ran. */
  maxRssBytes?: number;
  cpuSeconds?: number;
  wallSeconds: number;
}

// The source file: plain JavaScript, the same from the tests (ts) and the benches (dist).
const PRELOAD = path.join(REPO_ROOT, 'test', 'kit', 'peak-rss-preload.js');
const USAGE = /\n?LOGFUN_RESOURCE_USAGE (\{.*\})\n?/;

export interface CliRunOptions {
  timeoutMs?: number;
  /** Called with everything written to stdout so far, at every write. */
  onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
  /** Called once the child is spawned. */
  onStarted?: (kill: (signal: NodeJS.Signals) => void) => void;
  /** Run the child under this open-file limit (`ulimit -n`, through sh). */
  openFileLimit?: number;
  /** Writes the child's standard input (a pipe; without this option stdin is /dev/null). */
  stdin?: (stdin: NodeJS.WritableStream) => void;
}

export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const argv = [process.execPath, '-r', PRELOAD, CLI_PATH, ...args];
    const stdio: ['ignore' | 'pipe', 'pipe', 'pipe'] = [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'];
    const child =
      options.openFileLimit === undefined
        ? spawn(argv[0], argv.slice(1), { stdio })
        : spawn('sh', ['-c', `ulimit -n ${options.openFileLimit} && exec "$@"`, 'sh', ...argv], { stdio });
    if (options.stdin) {
      // The child may exit before reading everything (an error, a signal): not this process's failure.
      child.stdin!.on('error', () => undefined);
      options.stdin(child.stdin!);
    }
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    options.onStarted?.((sig) => child.kill(sig));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const m = USAGE.exec(stderr);
      const usage = m ? (JSON.parse(m[1]) as { maxRssBytes: number; cpuSeconds: number }) : undefined;
      resolve({
        code,
        signal,
        stdout,
        stderr: stderr.replace(USAGE, ''),
        maxRssBytes: usage?.maxRssBytes,
        cpuSeconds: usage?.cpuSeconds,
        wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
      });
    });
  });
}
