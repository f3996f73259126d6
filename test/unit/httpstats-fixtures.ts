/**
 * Test fixtures for httpstats: a seeded generator of Combined Log Format lines,
 * and an independent count of such lines by plain string splitting (no code
 * shared with the scanner or the aggregator), to check aggregates against.
 */

import * as fs from 'fs';

import { prng as seededRandom } from '../kit/prng';

export { seededRandom };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = [
  '/', '/index.html', '/api/user/1', '/api/user/2', '/api/orders', '/api/orders/77/items', '/static/app.js', '/static/css/site.css',
  '/login', '/search?q=shoes&page=2', '/api/user/1?expand=true', 'http://example.com/proxy/target', '/favicon.ico', '/docs/a/b/c',
];
const STATUSES = [200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 404, 500, 502, 503];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.4.0',
  '-',
];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `[dd/Mon/yyyy:HH:MM:SS +hhmm]` content for epoch ms, written in the given zone offset (minutes). */
export function clfDate(ms: number, offsetMinutes = 0): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(off / 60))}${pad(off % 60)}`
  );
}

export interface GeneratedLog {
  lines: string[];
  /** Epoch ms of each line. */
  timesMs: number[];
}

/**
 * `count` Combined Log Format lines starting at `startMs`, `stepMs` apart on
 * average (times never decrease), some with '-' bytes, zone offsets, queries and
 * absolute-form targets.
 */
export function generateAccessLog(count: number, startMs: number, stepMs: number, seed = 1): GeneratedLog {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const lines: string[] = [];
  const timesMs: number[] = [];
  let t = startMs;
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * 2 * stepMs);
    const ms = Math.floor(t / 1000) * 1000;
    const offset = pick([0, 0, 60, -300]);
    const status = pick(STATUSES);
    const bytes = status === 304 || rnd() < 0.05 ? '-' : String(Math.floor(rnd() * 50_000));
    const method = pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD']);
    lines.push(
      `10.0.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 250)} - ${rnd() < 0.1 ? 'alice' : '-'} [${clfDate(ms, offset)}] ` +
        `"${method} ${pick(PATHS)} HTTP/1.1" ${status} ${bytes} "${rnd() < 0.5 ? 'https://example.com/' : '-'}" "${pick(AGENTS)}"`,
    );
    timesMs.push(ms);
  }
  return { lines, timesMs };
}

export interface IndependentCount {
  hits: number;
  bytes: number;
  status: Record<string, number>;
  sections: Record<string, number>;
  paths: Record<string, number>;
  /** Requests per interval start (epoch ms). */
  perInterval: Map<number, number>;
}

function inc(o: Record<string, number>, k: string): void {
  o[k] = (o[k] ?? 0) + 1;
}

/** Epoch ms of a CLF date like `25/Oct/2015:04:11:25 +0100`, by reformatting it for Date.parse. */
function parseDateBySplit(s: string): number {
  const [date, zone] = s.split(' ');
  const [day, mon, rest] = date.split('/');
  const [year, hh, mm, ss] = rest.split(':');
  const month = String(MONTHS.indexOf(mon) + 1).padStart(2, '0');
  return Date.parse(`${year}-${month}-${day}T${hh}:${mm}:${ss}${zone.slice(0, 3)}:${zone.slice(3)}`);
}

/** Counts Combined/Common Log Format lines by splitting on quotes, spaces and brackets. */
export function independentCount(lines: readonly string[], intervalMs = 10_000): IndependentCount {
  const out: IndependentCount = { hits: 0, bytes: 0, status: {}, sections: {}, paths: {}, perInterval: new Map() };
  for (const line of lines) {
    if (line.trim() === '') continue;
    const quoted = line.split('"');
    const [, target] = quoted[1].split(' ');
    const [status, bytes] = quoted[2].trim().split(' ');
    const beforeQuery = target.split('?')[0];
    const schemeAndRest = beforeQuery.split('://');
    const p = beforeQuery.startsWith('/') || schemeAndRest.length < 2 ? beforeQuery : '/' + schemeAndRest[1].split('/').slice(1).join('/');
    out.hits++;
    out.bytes += bytes === '-' ? 0 : Number(bytes);
    inc(out.status, status);
    inc(out.sections, '/' + p.split('/')[1]);
    inc(out.paths, p);
    const ms = parseDateBySplit(line.split('[')[1].split(']')[0]);
    const start = ms - (ms % intervalMs);
    out.perInterval.set(start, (out.perInterval.get(start) ?? 0) + 1);
  }
  return out;
}

/** A key/hits list as a plain object (for toEqual against an independent count). */
export function asRecord(list: readonly { key: string; hits: number }[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const k of list) o[k.key] = (o[k.key] ?? 0) + k.hits;
  return o;
}

/**
 * Writes `count` generated lines (generateAccessLog, `stepMs` apart on average) to `file` in
 * chunks, so a million-line log costs the test process little memory; returns the independent
 * count's hits and bytes of what was written.
 */
export function writeAccessLogFile(file: string, count: number, startMs: number, stepMs: number, seed = 1): { hits: number; bytes: number; lastMs: number } {
  const fd = fs.openSync(file, 'w');
  let hits = 0;
  let bytes = 0;
  let t = startMs;
  try {
    for (let done = 0, chunk = 0; done < count; chunk++) {
      const n = Math.min(50_000, count - done);
      const log = generateAccessLog(n, t, stepMs, seed * 1000 + chunk);
      fs.writeSync(fd, log.lines.join('\n') + '\n');
      const c = independentCount(log.lines);
      hits += c.hits;
      bytes += c.bytes;
      t = log.timesMs[n - 1];
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { hits, bytes, lastMs: t };
}
