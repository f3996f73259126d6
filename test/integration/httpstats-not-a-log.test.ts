/**
 * `logfun httpstats` given something that is not an access log, as a newcomer might
 * (`logfun httpstats /bin/ls`, a syslog): a binary file is an error in the live mode
 * too (it used to be followed silently for ever), and lines of which none is a request
 * are counted as malformed and warned about on stderr, once. The built CLI in child
 * processes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../kit/cli-run';

let dir: string;
let binary: string;
let syslog: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-not-a-log-'));
  // An executable's head: a magic number, then NUL bytes.
  binary = path.join(dir, 'program');
  fs.writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(64), Buffer.from('text after\n')]));
  syslog = path.join(dir, 'syslog');
  // 50 lines: more than the run reads before it warns (NOT_AN_ACCESS_LOG_LINES in collector/cli/httpstats.ts).
  const lines = Array.from({ length: 50 }, (_, i) => `Mar 10 09:00:${String(i).padStart(2, '0')} host cron[${100 + i}]: job ${i} started`);
  fs.writeFileSync(syslog, lines.join('\n') + '\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const warning = /httpstats: warning: none of the 50 lines read is an access-log request \(Common\/Combined Log Format, CSV or JSON records with HTTP attributes\): is this an access log\? They are counted as malformed lines\n/;

test('a binary file without --once: an error naming it, exit status 1, not followed for ever', async () => {
  for (const args of [[binary], ['--from-beginning', binary]]) {
    const run = await runCli(['httpstats', ...args], { timeoutMs: 15_000 });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`logfun httpstats: cannot read the input:\n  ${binary}: is a binary file (NUL bytes), not a text access log\n`);
  }
}, 40_000);

test('lines none of which is a request, followed: a warning on stderr once, and the summary counts them as malformed', async () => {
  const run = await runCli(['httpstats', '--from-beginning', '--interval', '1s', syslog], { timeoutMs: 20_000, onStarted: (kill) => setTimeout(() => kill('SIGINT'), 3000) });
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(warning);
  expect(run.stderr.match(/is this an access log/g)).toHaveLength(1);
  expect(run.stdout).toContain('  malformed  50 lines not in the log format');
}, 30_000);

test('--once: the same warning; a log with requests among other lines is not warned about', async () => {
  const run = await runCli(['httpstats', '--once', syslog], { timeoutMs: 20_000 });
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(warning);
  expect(run.stdout).toContain('50 malformed lines (not in the log format, not counted as requests)');
  const mixed = path.join(dir, 'mixed.log');
  fs.writeFileSync(mixed, fs.readFileSync(syslog, 'utf8') + '10.0.0.1 - - [10/Mar/2024:09:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"\n');
  const ok = await runCli(['httpstats', '--once', mixed], { timeoutMs: 20_000 });
  expect(ok.code).toBe(0);
  expect(ok.stderr).toBe('');
  expect(ok.stdout).toContain('50 malformed lines');
}, 40_000);
