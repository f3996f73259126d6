/**
 * Live tail against a real collector: our SDK over the compact gRPC stream ->
 * collector -> ClickHouse exporter into chDB, and the tail's SSE endpoint
 * (collector/tail). Records flow before the tail starts and all through its
 * replay; the tail must show every record since `since` exactly once, in time
 * order within the replay, then live. Also: auth, bad parameters, an exact resume
 * with Last-Event-ID, and a slow client that loses records for itself only.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { readSse, type SseEvent } from '../../collector/tail/sse-client';
import { TailSession, type TailEvent } from '../../collector/tail/session';
import type { TailRecordJson } from '../../collector/tail/record';
import { createLogger, type RootLogger } from '../../sdk';

jest.setTimeout(60_000);

const TOKEN = 'tail-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-tail-'));

let collector: Collector;
let base: string;
let grpcEndpoint: string;

function yaml(): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: tail_test
    batch: { flush_interval: 300ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`;
}

function logger(service: string): RootLogger {
  return createLogger({ service, endpoint: grpcEndpoint, exitHooks: false, batch: { delayMs: 10, maxRecords: 200 } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function storedCount(service: string): Promise<number> {
  const res = await fetch(`${base}/api/v1/sql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/sql' }, body: `SELECT count() AS n FROM tail_test.otel_logs WHERE ServiceName = '${service}'` });
  const body = (await res.json()) as { rows: { n: string | number }[] };
  return Number(body.rows[0].n);
}

/** An open tail: its events as they arrive. */
class TailClient {
  readonly events: SseEvent[] = [];
  private readonly abort = new AbortController();
  done: Promise<void>;
  status = 0;

  constructor(query: string, headers: Record<string, string> = {}) {
    this.done = (async () => {
      const res = await fetch(`${base}/api/v1/console/tail?${query}`, { headers: { ...auth, ...headers }, signal: this.abort.signal });
      this.status = res.status;
      if (!res.ok || !res.body) return;
      try {
        for await (const ev of readSse(res.body as unknown as AsyncIterable<Uint8Array>)) this.events.push(ev);
      } catch (e) {
        if (!this.abort.signal.aborted) throw e;
      }
    })();
  }

  records(): (TailRecordJson & { id: string })[] {
    return this.events.filter((e) => e.event === 'record').map((e) => ({ ...(JSON.parse(e.data) as TailRecordJson), id: e.id ?? '' }));
  }

  has(event: string): boolean {
    return this.events.some((e) => e.event === event);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
  }
}

/** Logs `tick <n>` for n = from.., `perBurst` records per event-loop turn, until stop(). */
function produce(log: RootLogger, from: number, perBurst: number): { stop(): Promise<number>; count(): number } {
  let n = from;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (let i = 0; i < perBurst; i++) log.info`tick ${n++}`;
      await sleep(2);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return n;
    },
    count: () => n,
  };
}

function tickOf(body: string): number {
  const m = /^tick (\d+)$/.exec(body);
  if (!m) throw new Error(`unexpected body ${JSON.stringify(body)}`);
  return Number(m[1]);
}

beforeAll(async () => {
  collector = new Collector({ yaml: yaml(), logger: createMemoryLogger() });
  await collector.start();
  base = `http://127.0.0.1:${collector.admin.port}`;
  grpcEndpoint = `127.0.0.1:${collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort}`;
});

afterAll(async () => {
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('no token: 401; bad parameters: 400 with the reason', async () => {
  expect((await fetch(`${base}/api/v1/console/tail`)).status).toBe(401);
  expect((await fetch(`${base}/api/v1/console/tail`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  const bad = await fetch(`${base}/api/v1/console/tail?since=yesterday-ish`, { headers: auth });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/^since:/);
  const sev = await fetch(`${base}/api/v1/console/tail?severity=loud`, { headers: auth });
  expect(sev.status).toBe(400);
});

test('replay then live: every record since `since` exactly once while records keep arriving through the replay', async () => {
  const log = logger('seam');
  log.info`before since`;
  await log.flush();
  await sleep(20);
  const sinceMs = Date.now();
  await sleep(2);

  // 4000 records before the tail starts (two replay pages and more), some still in the exporter's queue.
  for (let i = 0; i < 4000; i++) log.info`tick ${i}`;
  await log.flush();
  await waitFor('some stored', async () => ((await storedCount('seam')) >= 1000 ? true : undefined));
  const producer = produce(log, 4000, 20);

  const started = Date.now();
  const tail = new TailClient(`since=${sinceMs}&service=seam`);
  await waitFor('the live marker', () => (tail.has('live') ? true : undefined));
  const liveAt = Date.now();
  // Keep going live for a while, then stop and let everything arrive.
  await sleep(800);
  const total = await producer.stop();
  await log.flush();
  await log.shutdown();
  await waitFor(`all ${total} records in the tail`, () => (tail.records().length >= total ? true : undefined));
  await sleep(700); // anything extra (a duplicate) would show up now
  await tail.close();

  const kinds = tail.events.map((e) => e.event);
  const liveIndex = kinds.indexOf('live');
  const records = tail.records();
  const ticks = records.map((r) => tickOf(r.body));
  // Exactly once: every tick 0..total-1, no other record (not "before since"), no repeat.
  expect(ticks.length).toBe(total);
  expect(new Set(ticks).size).toBe(total);
  expect(Math.min(...ticks)).toBe(0);
  expect(Math.max(...ticks)).toBe(total - 1);
  // Replay first, in time order; then live.
  const phases = tail.events.map((e, i) => (e.event === 'record' ? { i, phase: (JSON.parse(e.data) as TailRecordJson).phase } : undefined)).filter(Boolean) as { i: number; phase: string }[];
  for (const p of phases) expect(p.phase === 'replay' ? p.i < liveIndex : p.i > liveIndex).toBe(true);
  const replay = records.filter((r) => r.phase === 'replay');
  const live = records.filter((r) => r.phase === 'live');
  for (let i = 1; i < replay.length; i++) expect(BigInt(replay[i].timeNs) >= BigInt(replay[i - 1].timeNs)).toBe(true);
  // Within one SDK stream, live records arrive in the order they were logged.
  const liveTicks = live.map((r) => tickOf(r.body));
  for (let i = 1; i < liveTicks.length; i++) expect(liveTicks[i]).toBeGreaterThan(liveTicks[i - 1]);
  expect(replay.length).toBeGreaterThan(2000);
  expect(live.length).toBeGreaterThan(0);
  const marker = JSON.parse(tail.events[liveIndex].data) as { replayed: number; seamDuplicates: number };
  expect(marker.replayed).toBe(replay.length);
  console.log(
    `tail seam: ${total} records, ${replay.length} replayed (${marker.seamDuplicates} of them also seen live and not sent twice), ${live.length} live; ` +
      `replay took ${liveAt - started} ms while records kept arriving`,
  );
  expect(await storedCount('seam')).toBe(total + 1);
});

test('resume with Last-Event-ID continues the same session exactly', async () => {
  const log = logger('resume');
  const sinceMs = Date.now() - 1;
  for (let i = 0; i < 50; i++) log.info`tick ${i}`;
  await log.flush();
  const first = new TailClient(`since=${sinceMs}&service=resume`);
  await waitFor('50 records', () => (first.records().length >= 50 ? true : undefined));
  await first.close();
  const lastId = first.events[first.events.length - 1].id!;

  for (let i = 50; i < 120; i++) log.info`tick ${i}`;
  await log.flush();
  const second = new TailClient(`since=${sinceMs}&service=resume`, { 'last-event-id': lastId });
  await waitFor('120 records in all', () => (first.records().length + second.records().length >= 120 ? true : undefined));
  await sleep(500);
  await second.close();
  await log.shutdown();

  const start = JSON.parse(second.events.find((e) => e.event === 'start')!.data) as { resumed: boolean; session: string };
  expect(start.resumed).toBe(true);
  expect(lastId.startsWith(start.session + ':')).toBe(true);
  const ticks = [...first.records(), ...second.records()].map((r) => tickOf(r.body));
  expect(ticks).toEqual(Array.from({ length: 120 }, (_, i) => i));
});

test('a slow client loses records for itself only, is told how many, and the collector stores everything', async () => {
  const log = logger('slow');
  const session = new TailSession({ hub: collector.liveTail, sinceNs: BigInt(Date.now()) * 1_000_000n, filter: { service: 'slow' }, maxQueue: 50 });
  session.start();
  // Nobody reads the session while 300 records go through the collector.
  for (let i = 0; i < 300; i++) log.info`tick ${i}`;
  await log.flush();
  await log.shutdown();
  await waitFor('300 stored', async () => ((await storedCount('slow')) === 300 ? true : undefined));
  expect(session.dropped).toBe(250);

  const events: TailEvent[] = [];
  const it = session.events();
  for (;;) {
    const r = await Promise.race([it.next(), sleep(300).then(() => undefined)]);
    if (!r || r.done) break;
    events.push(r.value);
  }
  session.close();
  const dropped = events.filter((e) => e.type === 'dropped');
  expect(dropped).toEqual([{ type: 'dropped', count: 250, total: 250 }]);
  expect(events.filter((e) => e.type === 'record').length).toBe(50);
  // Told where the gap is: after the 50 records it kept.
  expect(events[events.length - 1]).toEqual({ type: 'dropped', count: 250, total: 250 });
  expect(collector.metrics.counter('logfun_tail_dropped_records_total', '').get({ reason: 'slow_client' })).toBe(250);
});
