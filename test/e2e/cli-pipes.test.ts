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

/**
 * Runs `pipeline` in bash with pipefail (a real OS pipe, as a shell's `|`; Node's own stdio 'pipe'
 * is a socket pair), so its status is the first command's too; in its own process group, so a
 * hung pipeline is killed whole by the 30 s killer.
 */
async function runShellPipeline(pipeline: string, cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const sh = spawn('bash', ['-c', `set -o pipefail; ${pipeline}`], { cwd, env: { ...process.env, LOGFUN_CONSOLE_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  sh.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  sh.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const killer = setTimeout(() => process.kill(-sh.pid!, 'SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => sh.on('close', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  return { code, signal, out, err };
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
  // it notices the pipe has no reader left (collector/cli/pipe-reader-watch.ts).
  test('tail --since <ISO> --service s | head -1, no more records: the pipeline ends, tail with status 0', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const quiet = createLogger({ service: 'pipes-quiet', endpoint: `127.0.0.1:${collector.grpcPort}`, exitHooks: false, batch: { delayMs: 10 } });
    quiet.info`the only record of pipes-quiet`;
    await quiet.shutdown();
    const { code, signal, out, err } = await runShellPipeline(`"${process.execPath}" "${CLI_PATH}" tail --since ${since} --service pipes-quiet --admin http://127.0.0.1:${collector.adminPort} | head -1`, collector.dir);
    expect(signal).toBeNull(); // not the test's SIGKILL after 30 s
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual([expect.stringMatching(/the only record of pipes-quiet/)]);
  });
});

// `npm start | head` (README): the demo notices head has gone (it writes nothing more, so no EPIPE:
// the pipe watch) and stops as on Ctrl-C, shutting its SDK loggers down, instead of exiting with
// their unsent records (the SDK's exit warning "... log records not delivered ..."). The demo as
// the CLI runs it (quiet pipes installed, then runDemo) on the default config made ephemeral.
test('demo | head -3: the demo stops quietly with status 0, its loggers flushed (no undelivered-records warning)', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'demo-'));
  const dist = path.dirname(CLI_PATH);
  const script = `
    const { DEFAULT_CONFIG_YAML } = require(${JSON.stringify(path.join(dist, 'config', 'default.js'))});
    require(${JSON.stringify(path.join(dist, 'cli', 'quiet-pipes.js'))}).exitQuietlyWhenReaderGoesAway();
    const baseYaml = DEFAULT_CONFIG_YAML.replace(/127\\.0\\.0\\.1:(4317|4318|13133)/g, '127.0.0.1:0');
    require(${JSON.stringify(path.join(dist, 'cli', 'demo.js'))}).runDemo({ ratePerSecond: 500, baseYaml });`;
  fs.writeFileSync(path.join(dir, 'demo.js'), script);
  const { code, signal, out, err } = await runShellPipeline(`"${process.execPath}" demo.js | head -3`, dir);
  expect(out).toMatch(/logfun demo is running/);
  expect(signal).toBeNull();
  expect(err).not.toMatch(/not delivered|EPIPE|Error/);
  expect(code).toBe(0);
  // What the loggers had was sent before the collector stopped: it is in the store.
  const count = spawn(process.execPath, [CLI_PATH, 'sql', '--endpoint', `chdb://${path.join(dir, '.logfun', 'data')}`, '-f', 'tsv', 'SELECT count() FROM otel_logs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let rows = '';
  count.stdout!.on('data', (d: Buffer) => (rows += d.toString('utf8')));
  await new Promise((resolve) => count.on('close', resolve));
  expect(Number(rows.trim().split('\n').pop())).toBeGreaterThan(0);
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
