/**
 * `logfun httpstats` console mode (runHttpStatsConsole): tails files with the
 * filelog receiver, aggregates in process without ClickHouse, prints summaries
 * and alert lines.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultHttpStatsConsoleOptions, formatSummary, runHttpStatsConsole } from '../../collector/cli/httpstats';
import { latencyBucketOf } from '../../processors/httpstats/quantiles';
import { asRecord, clfDate, generateAccessLog, independentCount } from '../unit/httpstats-fixtures';

const START = Date.UTC(2024, 2, 10, 9, 0, 0);

describe('logfun httpstats (console mode)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-httpstats-console-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--once: reads the files, prints alerts as they happen and a final summary; counts match an independent count', async () => {
    // Two files: a quiet one, and one with a 3-minute burst of ~25 req/s.
    const quiet = generateAccessLog(600, START, 2000, 1);
    const burst = generateAccessLog(4500, START + 600_000, 40, 2);
    fs.writeFileSync(path.join(dir, 'a.log'), quiet.lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'b.log'), burst.lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not matched\n');
    const out: string[] = [];
    const result = await runHttpStatsConsole({
      ...defaultHttpStatsConsoleOptions([path.join(dir, '*.log')]),
      once: true,
      threshold: 10,
      out: (l) => out.push(l),
    });
    const all = [...quiet.lines, ...burst.lines];
    const expected = independentCount(all);
    expect(result.requests).toBe(expected.hits);
    const total = result.total;
    expect(total.hits).toBe(expected.hits);
    expect(total.bytes).toBe(expected.bytes);
    expect(asRecord(total.statusCodes)).toEqual(expected.status);
    expect(asRecord(total.sections)).toEqual(expected.sections);

    const alertLines = out.filter((l) => l.startsWith('[ALERT]') || l.startsWith('[RECOVERED]'));
    expect(result.alerts.map((a) => a.state)).toEqual(alertLines.map((l) => (l.startsWith('[ALERT]') ? 'alert' : 'recovery')));
    // The burst starts 10 minutes in: first the spike rule (2 min vs 20 min), then the 10 req/s threshold.
    const high = alertLines.filter((l) => l.includes('High traffic'));
    expect(high[0]).toMatch(/^\[ALERT\] High traffic generated an alert - hits = \d+ \(\d+\.\d req\/s over 2m, threshold 10\.0 req\/s\), triggered at 2024-03-10T09:1\d/);
    expect(high[high.length - 1]).toMatch(/^\[RECOVERED\] High traffic recovered - hits = \d+ .* after \d+m/);
    const spike = alertLines.filter((l) => l.includes('Traffic spike'));
    expect(spike[0]).toMatch(/^\[ALERT\] Traffic spike generated an alert - [\d.]+ req\/s over 2m is above [\d.]+ req\/s \(long average [\d.]+ req\/s\)/);
    const summary = out.find((l) => l.startsWith('── httpstats'))!;
    expect(summary).toContain(`requests   ${expected.hits} `);
    expect(summary).toMatch(/codes {6}200 \d+ {2}\| {2}\d{3} \d+/);
    // Distinct clients overall: the union of the intervals' clients, not a sum.
    const clients = new Set(all.map((l) => l.split(' ')[0])).size;
    expect(summary).toContain(`  clients    ${clients} distinct addresses (unique visitors)`);
    expect(result.total.clients?.count()).toBe(clients);
    expect(out[out.length - 1]).toBe('httpstats: read 2 files to the end: 5,100 lines, 890.5 KiB; 0 malformed lines (not in the log format, not counted as requests)');
    expect(summary).toMatch(/status {5}2xx \d+ {2}\| {2}3xx \d+ {2}\| {2}4xx \d+ {2}\| {2}5xx \d+/);
    expect(summary).toMatch(/sections {3}\/api \d+/);
    expect(summary).toMatch(/browsers {3}\S/);
  });

  it('--recovery sets the hysteresis: with 0.02 the high-traffic alert does not recover while the quiet traffic (0.5 req/s) goes on', async () => {
    const quiet = generateAccessLog(600, START, 2000, 1);
    const burst = generateAccessLog(4500, START + 600_000, 40, 2);
    fs.writeFileSync(path.join(dir, 'a.log'), quiet.lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'b.log'), burst.lines.join('\n') + '\n');
    const run = async (recoveryRatio: number) => {
      const out: string[] = [];
      await runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([path.join(dir, '*.log')]), once: true, threshold: 10, recoveryRatio, out: (l) => out.push(l) });
      return out;
    };
    const standard = await run(0.9);
    expect(standard.filter((l) => l.startsWith('[RECOVERED] High traffic'))).toHaveLength(1);
    const sticky = await run(0.02);
    expect(sticky.filter((l) => l.startsWith('[ALERT] High traffic'))).toHaveLength(1);
    expect(sticky.filter((l) => l.startsWith('[RECOVERED] High traffic'))).toHaveLength(0);
    expect(sticky.find((l) => l.startsWith('── httpstats'))).toContain('ALERT ACTIVE  high traffic since 2024-03-10T09:1');
  });

  it('tails new lines live and prints a summary every interval', async () => {
    const file = path.join(dir, 'live.log');
    fs.writeFileSync(file, '10.0.0.1 - - [' + clfDate(Date.now() - 60_000) + '] "GET /old HTTP/1.1" 200 1 "-" "curl/8"\n');
    const out: string[] = [];
    const stop = new AbortController();
    const notes: string[] = [];
    const running = runHttpStatsConsole({ ...defaultHttpStatsConsoleOptions([file]), interval: '1s', out: (l) => out.push(l), note: (l) => notes.push(l), signal: stop.signal });
    await new Promise((r) => setTimeout(r, 700));
    // Lines written after start; the pre-existing line is skipped (tail -f semantics).
    const now = Date.now();
    const lines = Array.from({ length: 20 }, (_, i) => `10.0.0.${i} - - [${clfDate(now)}] "GET /api/items/${i} HTTP/1.1" 200 100 "-" "curl/8"`);
    fs.appendFileSync(file, lines.join('\n') + '\n');
    const deadline = Date.now() + 10_000;
    while (!out.some((l) => l.includes('requests   20 ')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    const result = await running;
    expect(result.requests).toBe(20);
    expect(out.some((l) => l.includes('requests   20 '))).toBe(true);
    expect(out.some((l) => l === 'httpstats: no requests in this period')).toBe(true);
    // Following from the end is said, with how to read from the beginning.
    expect(notes).toEqual([expect.stringMatching(/following 1 file from its end .*--from-beginning to read what they already hold/)]);
  });

  it('formats an empty period and latency quantiles', () => {
    expect(formatSummary([])).toBe('httpstats: no requests in this period');
    const text = formatSummary([
      {
        timeStartMs: START,
        intervalMs: 10_000,
        service: 'shop',
        host: '',
        hits: 4,
        bytes: 4096,
        statusClasses: { '1xx': 0, '2xx': 3, '3xx': 0, '4xx': 0, '5xx': 1, other: 0 },
        statusCodes: [{ key: '200', hits: 3 }, { key: '503', hits: 1 }],
        sections: [{ key: '/api', hits: 4 }],
        paths: [{ key: '/api/a', hits: 4 }],
        browsers: [{ key: 'Chrome', hits: 4 }],
        os: [{ key: 'Linux', hits: 4 }],
        latency: { count: 2, sumMs: 300, maxMs: 200, buckets: [latencyBucketOf(100), latencyBucketOf(200)], counts: [1, 1] },
      },
    ]);
    expect(text).toContain('requests   4 (0.40 req/s)   bytes 4.0 KiB');
    expect(text).toContain('5xx 1');
    expect(text).toMatch(/latency {4}p50 \d+ ms {2}\| {2}p90 \d+ ms/);
    expect(text).toContain('browsers   Chrome 100%');
  });
});
