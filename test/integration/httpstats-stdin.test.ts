/**
 * `logfun httpstats -`: standard input (and named pipes) as the input, as GoAccess users pipe
 * (`zcat access.log.*.gz | logfun httpstats --once -`, `tail -f access.log | logfun httpstats -`).
 * The built CLI in a child process; its standard input is a pipe written by this test.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { runCli } from '../kit/cli-run';
import { CLI_PATH } from '../kit/collector-process';
import { clfDate, writeAccessLogFile } from '../unit/httpstats-fixtures';

const START = Date.UTC(2024, 2, 10, 9, 0, 0);

let dir: string;
let file: string;
let written: ReturnType<typeof writeAccessLogFile>;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-stdin-'));
  file = path.join(dir, 'access.log');
  written = writeAccessLogFile(file, 20_000, START, 2_000);
  // A malformed line, and a last line without its newline.
  fs.appendFileSync(file, 'this is not an access log line\n');
  fs.appendFileSync(file, `10.9.9.9 - - [${clfDate(written.lastMs)}] "GET /last HTTP/1.1" 200 7 "-" "curl/8"`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The --once --json report without what names the input. */
function figures(stdout: string): Record<string, unknown> {
  const report = JSON.parse(stdout);
  delete report.files;
  return report;
}

describe('logfun httpstats --once - (standard input)', () => {
  test('a log piped through standard input gives exactly the figures of the file (malformed and partial lines too)', async () => {
    const fromFile = await runCli(['httpstats', '--once', '--json', file]);
    expect(fromFile.code).toBe(0);
    const piped = await runCli(['httpstats', '--once', '--json', '-'], { stdin: (stdin) => fs.createReadStream(file, { highWaterMark: 7919 }).pipe(stdin) });
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    const report = figures(piped.stdout);
    expect(report).toEqual(figures(fromFile.stdout));
    expect(report).toMatchObject({ complete: true, lines: 20_002, malformed_lines: 1, partial_lines: 1 });
    expect((report.summary as { requests: number }).requests).toBe(written.hits + 1);
    expect(JSON.parse(piped.stdout).files).toEqual([{ path: '-', bytes: fs.statSync(file).size, read: fs.statSync(file).size, gzip: false }]);
  }, 60_000);

  // README: standard input gives the same exit statuses as the files, and a binary file is an error (exit status 1).
  test('binary data on standard input (a pipe, or `- < file`) is refused as the binary file is: status 1, the same sentence', async () => {
    const bin = path.join(dir, 'bin.log');
    // Like `head -c 100000 /dev/urandom` but fixed: NUL bytes throughout, no gzip magic number at the head.
    fs.writeFileSync(bin, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919 + 13) % 256)));
    const refused = (name: string) => `logfun httpstats: cannot read the input:\n  ${name}: is a binary file (NUL bytes), not a text access log\n`;
    const fromFile = await runCli(['httpstats', '--once', bin]);
    expect([fromFile.code, fromFile.stderr]).toEqual([1, refused(bin)]);
    const piped = await runCli(['httpstats', '--once', '-'], { stdin: (stdin) => fs.createReadStream(bin).pipe(stdin) });
    expect([piped.code, piped.stderr, piped.stdout]).toEqual([1, refused('- (standard input)'), '']);
    const redirected = spawnSync(process.execPath, [CLI_PATH, 'httpstats', '--once', '-'], { stdio: [fs.openSync(bin, 'r'), 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
    expect([redirected.status, redirected.stderr]).toEqual([1, refused('- (standard input)')]);
    // Followed (no --once) as well: the binary file is an error there too.
    const live = await runCli(['httpstats', '-'], { stdin: (stdin) => fs.createReadStream(bin).pipe(stdin), timeoutMs: 30_000 });
    expect([live.code, live.stderr]).toEqual([1, refused('- (standard input)')]);
  }, 60_000);

  test('zcat access.log.gz | logfun httpstats --once -: the text summary says standard input was read to the end', async () => {
    const gz = path.join(dir, 'access.log.1.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(file)));
    const run = await runCli(['httpstats', '--once', '-'], {
      stdin: (stdin) => {
        const zcat = spawn('zcat', [gz], { stdio: ['ignore', 'pipe', 'inherit'] });
        zcat.stdout.pipe(stdin);
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  requests   ${written.hits + 1} `);
    expect(run.stdout).toContain('httpstats: read standard input to the end: 20,002 lines');
    expect(run.stdout).toContain('1 malformed line (not in the log format');
    expect(run.stdout).toContain('1 last line without a newline read as is');
  }, 60_000);

  test('gzip -c access.log | logfun httpstats --once -: decompressed, exactly the figures of the file; concatenated members too', async () => {
    const fromFile = await runCli(['httpstats', '--once', '--json', file]);
    const compressed = zlib.gzipSync(fs.readFileSync(file));
    const run = await runCli(['httpstats', '--once', '--json', '-'], { stdin: (stdin) => stdin.end(compressed) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The same figures; its size is the compressed bytes read, as a .gz file's.
    expect(figures(run.stdout)).toEqual({ ...figures(fromFile.stdout), bytes: compressed.length });
    expect(JSON.parse(run.stdout).files).toEqual([{ path: '-', bytes: compressed.length, read: compressed.length, gzip: true }]);
    // cat a.gz b.gz | ...: one stream of both members' lines; the text report says it was gzip.
    const text = fs.readFileSync(file, 'utf8').split('\n');
    const members = Buffer.concat([zlib.gzipSync(text.slice(0, 1000).join('\n') + '\n'), zlib.gzipSync(text.slice(1000, 3000).join('\n') + '\n')]);
    const two = await runCli(['httpstats', '--once', '-'], { stdin: (stdin) => stdin.end(members) });
    expect(two.code).toBe(0);
    expect(two.stdout).toContain('httpstats: read standard input to the end (1 gzip-compressed): 3,000 lines');
  }, 60_000);

  test('a cut gzip stream on standard input: the lines before the damage count, the line it cut does not, DAMAGED, status 1', async () => {
    const whole = zlib.gzipSync(fs.readFileSync(file));
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const recovered = zlib.gunzipSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
    const complete = recovered.split('\n').length - 1;
    const run = await runCli(['httpstats', '--once', '-'], { stdin: (stdin) => stdin.end(cut) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`httpstats: read standard input (1 DAMAGED: read up to the damage) (1 gzip-compressed): ${complete.toLocaleString('en-US')} lines`);
    expect(run.stdout).toMatch(/httpstats: DAMAGED: -: unexpected end of file; the lines before the damage were read, the \d+ bytes of the line it cut were not/);
  }, 60_000);

  test('a line split across two writes with a pause is one request, not two malformed lines', async () => {
    const line = (i: number) => `10.0.0.${i} - - [${clfDate(START + i * 1000)}] "GET /split/${i} HTTP/1.1" 200 ${100 + i} "-" "curl/8"`;
    const run = await runCli(['httpstats', '--once', '--json', '-'], {
      stdin: async (stdin) => {
        stdin.write(`${line(1)}\n${line(2)}\n${line(3).slice(0, 40)}`);
        await sleep(1500);
        stdin.write(`${line(3).slice(40)}\n${line(4)}\n`);
        stdin.end();
      },
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ complete: true, lines: 4, malformed_lines: 0, partial_lines: 0 });
    expect(report.summary.requests).toBe(4);
    expect(report.summary.bytes).toBe(101 + 102 + 103 + 104);
    expect(report.summary.paths.map((p: { key: string }) => p.key).sort()).toEqual(['/split/1', '/split/2', '/split/3', '/split/4']);
  }, 60_000);

  test('SIGINT while reading standard input: INCOMPLETE, the lines read so far, exit status 1; the held half line is not a line', async () => {
    let kill: ((signal: NodeJS.Signals) => void) | undefined;
    const run = await runCli(['httpstats', '--once', '-'], {
      stdin: (stdin) => {
        // 1,000 whole lines and half of one more; stdin stays open (a writer that has not finished).
        const text = fs.readFileSync(file, 'utf8').split('\n').slice(0, 1000).join('\n') + '\n10.0.0.1 - - [10/Mar/2024:09:00:00 +0000] "GET /ha';
        // Once written (the child started by then), give it time to read, then interrupt it.
        stdin.write(text, () => setTimeout(() => kill?.('SIGINT'), 1500));
      },
      onStarted: (k) => (kill = k),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  requests   1000 ');
    // A stream's total is not known: how much was read of it, not a size.
    expect(run.stdout).toMatch(/httpstats: INCOMPLETE: stopped after [\d.]+ KiB of standard input: 1,000 lines read; 0 malformed lines/);
    expect(run.stdout).not.toContain('without a newline');
  }, 60_000);

  test('a named pipe given as a path is read to its end like standard input', async () => {
    const fifo = path.join(dir, 'access.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
    const writer = spawn('sh', ['-c', `cat "${file}" > "${fifo}"`], { stdio: 'ignore' });
    const run = await runCli(['httpstats', '--once', '--json', fifo]);
    writer.kill();
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ complete: true, lines: 20_002, malformed_lines: 1, partial_lines: 1 });
    expect(report.files[0].path).toBe(fifo);
  }, 60_000);

  test.each([
    ['- given twice', ['-', '-'], /standard input \(-, -\) given 2 times: it can be read only once/],
    ['/dev/stdin and -', ['/dev/stdin', '-'], /given 2 times: it can be read only once/],
    ['- with a file', ['-', 'FILE'], /-: a stream \(standard input or a pipe\) must be the only input, not read with .*access\.log/],
  ])('%s: a clear error and status 1', async (_name, inputs, message) => {
    for (const once of [['--once'], []]) {
      const run = await runCli(['httpstats', ...once, ...inputs.map((i) => (i === 'FILE' ? file : i))], { stdin: (stdin) => stdin.end() });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
    }
  }, 60_000);
});

describe('logfun httpstats - (following standard input)', () => {
  test('summaries as lines come, then at the end of input the final summary and exit status 0; nothing lost or invented', async () => {
    const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, 3000);
    const run = await runCli(['httpstats', '--json', '--interval', '1s', '-'], {
      stdin: async (stdin) => {
        stdin.write(lines.slice(0, 1000).join('\n') + '\n' + lines[1000].slice(0, 30));
        await sleep(2500);
        stdin.write(lines[1000].slice(30) + '\n' + lines.slice(1001).join('\n') + '\n');
        stdin.end();
      },
    });
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summaries = events.filter((e) => e.type === 'summary');
    // At least one summary while the writer paused, and the last one at the end of input.
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries.reduce((n, s) => n + s.requests, 0)).toBe(3000);
    expect(summaries.reduce((n, s) => n + s.malformed_lines, 0)).toBe(0);
  }, 60_000);
});
