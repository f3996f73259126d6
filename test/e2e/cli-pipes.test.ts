/**
 * `logfun decode f | head -1` and `logfun tail | head`: when the reader of stdout
 * goes away, the command ends quietly with status 0 (collector/cli/quiet-pipes.ts),
 * never an unhandled EPIPE stack trace. The built CLI (dist/: `npm run build`
 * first) as a child process whose stdout pipe we close after the first output;
 * tail runs against a collector process whose admin token is in its folder.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI_PATH, startCollectorProcess, type CollectorProcess } from '../kit/collector-process';
import { createLogger, type RootLogger } from '../../sdk';

jest.setTimeout(90_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-cli-pipes-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  firstOutput: string;
}

/** Runs the CLI, reads its first stdout chunk, then closes the pipe (what `| head -1` does) and waits for the exit. */
function runAndCloseEarly(args: string[], cwd: string, keepFeeding?: () => void): Promise<Closed> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, env: { ...process.env, LOGFUN_CONSOLE_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let firstOutput = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let feeder: NodeJS.Timeout | undefined;
  child.stdout!.once('data', (d: Buffer) => {
    firstOutput = d.toString('utf8');
    child.stdout!.destroy();
    // The command writes again (tail: new records arrive) and meets the closed pipe.
    if (keepFeeding) feeder = setInterval(keepFeeding, 20);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      if (feeder) clearInterval(feeder);
      resolve({ code, signal, stderr, firstOutput });
    }),
  );
}

test('decode <file> | head -1 ends with status 0 and no stack trace', async () => {
  const file = path.join(tmp, 'many.lf');
  const log = createLogger({ service: 'pipes', transport: 'file', file: { path: file }, batch: { maxRecords: 200 }, buffer: { maxRecords: 100_000 }, exitHooks: false });
  for (let i = 0; i < 30_000; i++) log.info`record ${i} of a file much larger than a pipe buffer`;
  await log.shutdown();

  const r = await runAndCloseEarly(['decode', file], tmp);
  expect(r.firstOutput).toMatch(/record 0 of a file/);
  expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
  expect(r.signal).toBeNull();
  expect(r.code).toBe(0);
});

describe('tail', () => {
  let collector: CollectorProcess;
  let log: RootLogger;
  beforeAll(async () => {
    collector = await startCollectorProcess({ exportersYaml: '  clickhouse: { endpoint: "chdb://./.logfun/data", batch: { flush_interval: 100ms } }' });
    log = createLogger({ service: 'pipes', endpoint: `127.0.0.1:${collector.grpcPort}`, exitHooks: false, batch: { delayMs: 10 } });
  });
  afterAll(async () => {
    await log?.shutdown();
    await collector?.stop();
  });

  test('tail | a reader that closes early ends with status 0 and no stack trace', async () => {
    log.info`before the tail starts`;
    await log.flush();
    let i = 0;
    // From the collector's folder: tail reads the admin token the collector wrote there.
    const r = await runAndCloseEarly(['tail', '--since', '5m', '--admin', `http://127.0.0.1:${collector.adminPort}`], collector.dir, () => {
      for (let k = 0; k < 20; k++) log.info`live record ${i++}`;
    });
    expect(r.firstOutput).toMatch(/pipes/);
    expect(r.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  // No record arrives after head went away, so tail never writes again and never meets an EPIPE:
  // it notices the pipe has no reader left (collector/cli/pipe-reader-watch.ts). A real OS pipe
  // (a shell's `|`; Node's own stdio 'pipe' is a socket pair); pipefail: the status is tail's too.
  test('tail --since <ISO> --service s | head -1, no more records: the pipeline ends, tail with status 0', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const quiet = createLogger({ service: 'pipes-quiet', endpoint: `127.0.0.1:${collector.grpcPort}`, exitHooks: false, batch: { delayMs: 10 } });
    quiet.info`the only record of pipes-quiet`;
    await quiet.shutdown();
    const cmd = `set -o pipefail; "${process.execPath}" "${CLI_PATH}" tail --since ${since} --service pipes-quiet --admin http://127.0.0.1:${collector.adminPort} | head -1`;
    // Its own process group: a hung pipeline is killed whole (tail included) by the killer below.
    const sh = spawn('bash', ['-c', cmd], { cwd: collector.dir, env: { ...process.env, LOGFUN_CONSOLE_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    sh.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    sh.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const killer = setTimeout(() => process.kill(-sh.pid!, 'SIGKILL'), 30_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => sh.on('close', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    expect(signal).toBeNull(); // not the test's SIGKILL after 30 s
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual([expect.stringMatching(/the only record of pipes-quiet/)]);
  });
});

test('a bench piped into head -2 leaves no collector process behind', async () => {
  // bench/soak prints its collector's pid, then measures for 20 s before it prints again: the
  // write after head has gone fails (EPIPE), the bench ends, and its collector must end with it
  const soak = path.join(path.dirname(CLI_PATH), '..', 'bench', 'soak.js');
  const sh = spawn('bash', ['-c', `"${process.execPath}" "${soak}" --minutes 1 | head -2`], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  sh.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const killer = setTimeout(() => process.kill(-sh.pid!, 'SIGKILL'), 80_000);
  await new Promise((resolve) => sh.on('close', resolve));
  clearTimeout(killer);
  const pid = Number(/collector pid (\d+)/.exec(out)?.[1]);
  expect(pid).toBeGreaterThan(0);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 15_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const survived = alive();
  if (survived) process.kill(pid, 'SIGKILL');
  expect(survived).toBe(false);
});

test('--help on a bench prints its usage and exits instead of starting a run', async () => {
  // bench/soak runs for 30 minutes by default: a newcomer asking for help must not start it
  const soak = path.join(path.dirname(CLI_PATH), '..', 'bench', 'soak.js');
  const child = spawn(process.execPath, [soak, '--help'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  expect(signal).toBeNull();
  expect(code).toBe(0);
  expect(out).toMatch(/node dist\/bench\/soak\.js \[--minutes 30\]/);
  expect(out).not.toMatch(/collector pid/);
});
