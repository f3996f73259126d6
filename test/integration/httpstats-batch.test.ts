/**
 * `logfun httpstats` as a user runs it: the built CLI in a child process, on
 * generated logs. Batch mode (--once) reads to the end however long it takes,
 * in bounded memory, and says how far it got; input it cannot read is an error
 * with a non-zero status. The console (live) mode keeps bounded memory too.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { runCli } from '../kit/cli-run';
import { clfDate, generateAccessLog, independentCount, writeAccessLogFile } from '../unit/httpstats-fixtures';
import { runHttpStatsConsole, defaultHttpStatsConsoleOptions } from '../../collector/cli/httpstats';

const START = Date.UTC(2024, 2, 10, 9, 0, 0);
const MiB = 1024 * 1024;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-batch-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('logfun httpstats --once (child process)', () => {
  let file: string;
  let written: ReturnType<typeof writeAccessLogFile>;
  beforeAll(() => {
    file = path.join(dir, 'sparse.log');
    written = writeAccessLogFile(file, 1_000_000, START, 10_000);
  });

  test('a 1M-line sparse log (one request per ~10 s, 115 days) is read completely, in under 400 MB', async () => {
    const run = await runCli(['httpstats', '--once', file], { timeoutMs: 170_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  requests   ${written.hits} `);
    expect(run.stdout).toContain(`httpstats: read 1 file to the end: 1,000,000 lines, ${(fs.statSync(file).size / MiB).toFixed(1)} MiB; 0 malformed lines`);
    // A multi-day batch gets a per-day and per-hour-of-day view.
    expect(run.stdout).toContain('── per day (UTC) ──');
    expect(run.stdout).toMatch(/\n {2}2024-03-10 +\d+ requests +\d+ clients {3}busiest hour \d\d:00/);
    expect(run.stdout).toContain('── per hour of the day (UTC, all days) ──');
    expect(run.maxRssBytes).toBeLessThan(400 * MiB);
  }, 180_000);

  test('stopped by SIGINT before the end: says INCOMPLETE and how far it got, exit status 1', async () => {
    const size = fs.statSync(file).size;
    const child = runCli(['httpstats', '--once', file], { timeoutMs: 60_000, onStarted: (kill) => setTimeout(() => kill('SIGINT'), 1000) });
    const run = await child;
    expect(run.code).toBe(1);
    const m = / {2}requests {3}(\d+) /.exec(run.stdout);
    expect(Number(m?.[1])).toBeLessThan(written.hits);
    // What was read, of the file's size: the size is not said again as if it had been read.
    const stopped = new RegExp(`httpstats: INCOMPLETE: stopped at ([\\d.]+) MiB of ${(size / MiB).toFixed(1)} MiB: [\\d,]+ lines read; `).exec(run.stdout);
    expect(stopped).not.toBeNull();
    expect(Number(stopped![1])).toBeLessThan(size / MiB);
  }, 90_000);
});

describe('logfun httpstats --once --json (child process)', () => {
  test('a large JSON document (thousands of alert events) reaches a pipe whole', async () => {
    // 1,000 cycles of 20 s at 3 req/s then 60 s quiet: an alert and a recovery per cycle.
    const file = path.join(dir, 'bursts.log');
    const lines: string[] = [];
    for (let cycle = 0; cycle < 1000; cycle++) {
      const t0 = START + cycle * 80_000;
      for (let i = 0; i < 60; i++) lines.push(`10.1.${cycle % 250}.${i} - - [${clfDate(t0 + Math.floor(i / 3) * 1000)}] "GET /burst/${i % 7} HTTP/1.1" 200 100 "-" "curl/8"`);
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const run = await runCli(['httpstats', '--once', '--json', '--threshold', '1', '--window', '20s', file], { timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    // Larger than a pipe's buffer (64 KiB): exiting before stdout drained used to cut it.
    expect(run.stdout.length).toBeGreaterThan(128 * 1024);
    const report = JSON.parse(run.stdout);
    expect(report.summary.requests).toBe(60_000);
    expect(report.alerts.filter((a: { rule: string; state: string }) => a.rule === 'high_traffic' && a.state === 'alert')).toHaveLength(1000);
    expect(report.alerts_total).toBe(report.alerts.length);
  }, 90_000);
});

describe('logfun httpstats --once: input it cannot read is an error, with a non-zero status', () => {
  test.each([
    ['a missing file', (d: string) => path.join(d, 'nope.log'), /nope\.log: no such file/],
    ['a glob matching nothing', (d: string) => path.join(d, 'none-*.log'), /none-\*\.log: matches no file/],
    ['a directory', (d: string) => d, /is a directory; name the log files in it/],
    [
      'a binary file',
      (d: string) => {
        const file = path.join(d, 'core.log');
        fs.writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 10]));
        return file;
      },
      /core\.log: is a binary file/,
    ],
  ])('%s', async (_what, input, message) => {
    const d = fs.mkdtempSync(path.join(dir, 'bad-'));
    const run = await runCli(['httpstats', '--once', input(d)], { timeoutMs: 30_000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).not.toContain('no requests in this period');
  });
});

describe('logfun httpstats --once (in process)', () => {
  test('gzip rotations matched by the glob are read (decompressed) with the plain files: exact counts, JSON output', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'gz-'));
    const old = generateAccessLog(2000, START, 3000, 7);
    const recent = generateAccessLog(1500, START + 2000 * 3000 * 2, 3000, 8);
    const current = generateAccessLog(500, START + 2000 * 3000 * 4, 3000, 9);
    fs.writeFileSync(path.join(d, 'access.log.2.gz'), zlib.gzipSync(old.lines.join('\n') + '\n'));
    fs.writeFileSync(path.join(d, 'access.log.1'), recent.lines.join('\n') + '\n');
    fs.writeFileSync(path.join(d, 'access.log'), current.lines.join('\n') + '\nnot an access log line\n');
    // Rotation order by modification time: .2.gz oldest.
    fs.utimesSync(path.join(d, 'access.log.2.gz'), new Date(START), new Date(START));
    fs.utimesSync(path.join(d, 'access.log.1'), new Date(START + 1000), new Date(START + 1000));
    const out: string[] = [];
    const result = await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([path.join(d, 'access.log*')]), once: true, json: true, out: (l) => out.push(l) });
    const expected = independentCount([...old.lines, ...recent.lines, ...current.lines]);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]);
    expect(report.complete).toBe(true);
    expect(report.files.map((f: { path: string; gzip: boolean }) => [path.basename(f.path), f.gzip])).toEqual([
      ['access.log.2.gz', true],
      ['access.log.1', false],
      ['access.log', false],
    ]);
    expect(report.lines).toBe(4001);
    expect(report.malformed_lines).toBe(1);
    expect(report.late_requests).toBe(0);
    expect(report.summary.requests).toBe(expected.hits);
    expect(report.summary.bytes).toBe(expected.bytes);
    expect(report.summary.status_codes).toEqual(expected.status);
    expect(result.total.hits).toBe(expected.hits);

    // --parser combined (lines scanned by the processor, no OTel attributes): the same figures.
    const fast: string[] = [];
    await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([path.join(d, 'access.log*')]), once: true, json: true, parser: 'combined', out: (l) => fast.push(l) });
    const same = JSON.parse(fast[0]);
    expect(same.summary).toEqual(report.summary);
    expect([same.lines, same.malformed_lines]).toEqual([4001, 1]);
  });
});

describe('logfun httpstats console mode (child process)', () => {
  test('replaying a 300k-line sparse log from the beginning keeps memory bounded (printed intervals are not kept)', async () => {
    const file = path.join(dir, 'live-sparse.log');
    const written = writeAccessLogFile(file, 300_000, START, 10_000, 3);
    let printed = 0;
    const run = await runCli(['httpstats', '--from-beginning', '--interval', '1s', file], {
      timeoutMs: 120_000,
      onStdout: (text, kill) => {
        printed = [...text.matchAll(/ {2}requests {3}(\d+) /g)].reduce((n, m) => n + Number(m[1]), 0);
        if (printed >= written.hits) kill('SIGINT');
      },
    });
    expect(printed).toBe(written.hits);
    expect(run.code).toBe(0);
    expect(run.maxRssBytes).toBeLessThan(400 * MiB);
    fs.rmSync(file);
  }, 150_000);
});

describe('logfun httpstats --once: damaged, odd and failing input (red team)', () => {
  test('--json: an error is a JSON document on stdout too (with one problem per input), exit status 1', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'json-error-'));
    const run = await runCli(['httpstats', '--once', '--json', path.join(d, 'nope.log'), path.join(d, 'none-*.log')], { timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.error).toMatch(/cannot read the input/);
    expect(doc.problems).toEqual([`${path.join(d, 'nope.log')}: no such file`, `${path.join(d, 'none-*.log')}: matches no file`]);
    expect(run.stderr).toMatch(/nope\.log: no such file/);
    // A bad flag value too.
    const flag = await runCli(['httpstats', '--once', '--json', '--recovery', '2', path.join(d, 'nope.log')], { timeoutMs: 30_000 });
    expect(flag.code).toBe(1);
    expect(JSON.parse(flag.stdout).error).toMatch(/--recovery/);
    // A flag that is not a number is named with what was typed (not "got null").
    const nan = await runCli(['httpstats', '--once', '--json', '--threshold', 'abc', path.join(d, 'nope.log')], { timeoutMs: 30_000 });
    expect(nan.code).toBe(1);
    expect(JSON.parse(nan.stdout).error).toBe('--threshold: expected a number, got "abc"');
  }, 60_000);

  test('a damaged (truncated) gzip rotation: the lines before the damage count, the line it cut does not, the file is named DAMAGED, exit status 1', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'gz-damaged-'));
    const log = generateAccessLog(3000, START, 3000, 11);
    const whole = zlib.gzipSync(log.lines.join('\n') + '\n');
    fs.writeFileSync(path.join(d, 'access.log.2.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    // What a decompressor recovers before the damage: its complete lines are the expected requests.
    const recovered = zlib.gunzipSync(whole.subarray(0, Math.floor(whole.length / 2)), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
    const damagedLines = recovered.split('\n').slice(0, -1);
    expect(recovered.endsWith('\n')).toBe(false);
    // And a whole gzip rotation beside it.
    const older = generateAccessLog(500, START - 2 * 3_600_000, 3000, 12);
    fs.writeFileSync(path.join(d, 'access.log.3.gz'), zlib.gzipSync(older.lines.join('\n') + '\n'));
    fs.utimesSync(path.join(d, 'access.log.3.gz'), new Date(START), new Date(START));
    const complete = [...older.lines, ...damagedLines];
    const run = await runCli(['httpstats', '--once', '--json', path.join(d, 'access.log*')], { timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.damaged_files).toBe(1);
    expect(report.files[0].error).toBeUndefined();
    expect(report.files[1].error).toMatch(/unexpected end of file; the lines before the damage were read, the \d+ bytes of the line it cut were not/);
    expect(report.partial_lines).toBe(0);
    expect(report.lines).toBe(complete.length);
    expect(report.summary.requests).toBe(independentCount(complete).hits);
    expect(report.summary.bytes).toBe(independentCount(complete).bytes);
    const text = await runCli(['httpstats', '--once', path.join(d, 'access.log*')], { timeoutMs: 30_000 });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('read 2 files (1 DAMAGED: read up to the damage) (2 gzip-compressed)');
    expect(text.stdout).toContain(`httpstats: DAMAGED: ${path.join(d, 'access.log.2.gz')}: unexpected end of file`);
    // A whole gzip file read in a batch is not reported as unreadable afterwards (its handle was closed).
    expect(text.stderr).not.toContain('file closed');
  }, 60_000);

  test('a line longer than 1 MiB is one line (not one per MiB piece), counted malformed once; a request a day ahead of the clock is said to be counted at read time', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'long-'));
    const file = path.join(d, 'access.log');
    const ok = (i: number) => `10.0.0.${i} - - [${clfDate(START + i * 1000)}] "GET /ok HTTP/1.1" 200 10 "-" "curl/8"`;
    const future = `10.0.0.9 - - [31/Dec/9999:23:59:59 +0000] "GET /future HTTP/1.1" 200 10 "-" "curl/8"`;
    fs.writeFileSync(file, [ok(1), 'X'.repeat(3 * MiB + 5), ok(2), future, ok(3)].join('\n') + '\n');
    const out: string[] = [];
    await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([file]), once: true, json: true, out: (l) => out.push(l) });
    const report = JSON.parse(out[0]);
    expect(report.lines).toBe(5);
    expect(report.malformed_lines).toBe(1);
    expect(report.long_lines).toBe(1);
    expect(report.summary.requests).toBe(4);
    expect(report.times_replaced).toBe(1);
    const text: string[] = [];
    await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([file]), once: true, out: (l) => text.push(l) });
    const all = text.join('\n');
    expect(all).toContain('5 lines');
    expect(all).toContain('1 line longer than 1 MiB, each counted once');
    expect(all).toContain("1 request had a time more than a day ahead of this computer's clock (or before 1970): counted at the time they were read");
  });

  test('more matched files than the open-file limit: those not opened are named NOT READ (not a complete run), exit status 1', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'many-'));
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(d, `a${String(i).padStart(3, '0')}.log`), `10.0.0.1 - - [${clfDate(START + i * 1000)}] "GET /x HTTP/1.1" 200 1 "-" "curl/8"\n`);
    const run = await runCli(['httpstats', '--once', '--json', path.join(d, '*.log')], { timeoutMs: 30_000, openFileLimit: 100 });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.unread_files.length).toBeGreaterThan(0);
    expect(report.unread_files[0].error).toBe('EMFILE');
    // Every matched file is either read or named.
    expect(report.files.length + report.unread_files.length).toBe(300);
    expect(report.summary.requests).toBe(report.files.length);
  }, 60_000);

  test('a log that starts with a hole of NUL bytes (truncated under a writer without O_APPEND) is a text log: every request counted, the NUL bytes said', async () => {
    const file = path.join(fs.mkdtempSync(path.join(dir, 'hole-')), 'access.log');
    const log = generateAccessLog(200, START, 1000, 31);
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(20_000), Buffer.from(log.lines.join('\n') + '\n')]));
    const out: string[] = [];
    await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([file]), once: true, json: true, out: (l) => out.push(l) });
    const report = JSON.parse(out[0]);
    expect([report.lines, report.malformed_lines, report.nul_bytes_skipped]).toEqual([200, 0, 20_000]);
    expect(report.summary.requests).toBe(independentCount(log.lines).hits);
  });

  test('--json on an empty file: no period (start and end null, not 1970)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(dir, 'empty-')), 'access.log');
    fs.writeFileSync(file, '');
    const out: string[] = [];
    await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([file]), once: true, json: true, out: (l) => out.push(l) });
    const report = JSON.parse(out[0]);
    expect([report.summary.requests, report.summary.start, report.summary.end]).toEqual([0, null, null]);
  });
});

describe('logfun httpstats --once: a stop that comes as the reading ends', () => {
  test('SIGINT during the last read of the last file: every line was read, so the run is complete (not INCOMPLETE), the last line without a newline included', async () => {
    const file = path.join(fs.mkdtempSync(path.join(dir, 'late-stop-')), 'access.log');
    const log = generateAccessLog(5000, START, 1000, 21);
    fs.writeFileSync(file, log.lines.join('\n'));
    const stop = new AbortController();
    let batches = 0;
    const out: string[] = [];
    // The processor reads the clock once per batch it consumes: the stop comes while the second
    // of five batches is delivered, inside the one read that reads the whole (small) file.
    const clock = () => {
      if (++batches === 2) stop.abort();
      return Date.now();
    };
    const result = await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([file]), once: true, json: true, signal: stop.signal, clock, out: (l) => out.push(l) });
    expect(stop.signal.aborted).toBe(true);
    const report = JSON.parse(out[0]);
    expect(report.complete).toBe(true);
    expect(result.batch!.complete).toBe(true);
    expect(report.lines).toBe(5000);
    expect(report.partial_lines).toBe(1);
    expect(report.summary.requests).toBe(independentCount(log.lines).hits);
  });
});
