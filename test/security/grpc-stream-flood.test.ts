/**
 * gRPC floods against a real in-process collector (issue 12, finding 9), from
 * real @grpc/grpc-js clients in a child process (so this process's memory is the
 * collector's):
 *
 *   1. 48 compact streams (logfun.v1.Ingest/Stream) over 4 connections against
 *      max_concurrent_streams: 12. The 36 beyond the cap end at once with
 *      RESOURCE_EXHAUSTED (and a RetryInfo delay), counted in
 *      logfun_receiver_refused_requests_total{reason="max_concurrent_streams"}.
 *      The admitted ones then try to fill their string dictionary with 4096
 *      strings of 1000 characters (4 MB a stream; the collector used to keep
 *      each, ~17 MB a stream at the old bounds): they end with INVALID_ARGUMENT
 *      (the SDK's 64-character bound). The collector's heap and RSS grow by far
 *      less than the flood's size, and once the flood is gone a normal SDK client
 *      and a plain OTLP Export are served.
 *   2. Bytes in flight (limits.max_in_flight_bytes: 2MiB) with a consumer that
 *      holds batches: OTLP Exports, an OTLP/HTTP post and a compact-stream batch
 *      beyond the budget are refused retryably (RESOURCE_EXHAUSTED + RetryInfo,
 *      429 + Retry-After, an Ack with RESOURCE_EXHAUSTED that the SDK retries);
 *      once the consumer lets go, everything held and retried is delivered.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { decodeRpcStatus, GRPC_STATUS_DETAILS_KEY } from '../../collector/otlp/status';
import { otlpReceiverFactory } from '../../collector/receivers/otlp/factory';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import { Metrics } from '../../collector/telemetry/metrics';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { encodeHello, encodeStringDefinitions } from '../../sdk/wire/compact-encode';
import { createResource, LOGFUN_SCOPE } from '../../sdk/resource';
import { LOGFUN_INGEST_STREAM_PATH, LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { createLogger } from '../../sdk';
import { REPO_ROOT } from '../kit/collector-process';
import { RecordingConsumer } from '../kit/recording-consumer';

jest.setTimeout(120_000);

const MIB = 1024 * 1024;
const identity = (b: Buffer): Buffer => b;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The flooding client, run as `node -e` from the repository root: opens
 * `streams` compact streams over `connections` connections, sends each a Hello,
 * waits `settleMs` (refused streams end meanwhile), then sends every message of
 * `fill` on the streams still open, waits up to `fillWaitMs` for them to end,
 * prints one JSON line with every stream's final status, and exits.
 */
const FLOOD_CLIENT = `
const grpc = require('@grpc/grpc-js');
const fs = require('fs');
const cfg = JSON.parse(process.argv[1]);
const msgs = JSON.parse(fs.readFileSync(cfg.messagesFile, 'utf8'));
const hello = Buffer.from(msgs.hello, 'base64');
const fill = msgs.fill.map((m) => Buffer.from(m, 'base64'));
const id = (b) => b;
const clients = Array.from({ length: cfg.connections }, () => new grpc.Client(cfg.target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
const streams = [];
for (let i = 0; i < cfg.streams; i++) {
  const call = clients[i % clients.length].makeBidiStreamRequest(cfg.path, id, id, new grpc.Metadata());
  const s = { call, status: undefined };
  call.on('data', () => {});
  call.on('error', (e) => { s.status = s.status || { code: e.code, details: e.details, retry: !!(e.metadata && e.metadata.get('grpc-status-details-bin').length) }; });
  call.on('status', (st) => { s.status = s.status || { code: st.code, details: st.details, retry: st.metadata.get('grpc-status-details-bin').length > 0 }; });
  call.write(hello);
  streams.push(s);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  await sleep(cfg.settleMs);
  const afterOpen = streams.map((s) => (s.status ? s.status : { code: 'open' }));
  for (const s of streams) if (!s.status) for (const m of fill) s.call.write(m);
  const deadline = Date.now() + cfg.fillWaitMs;
  while (Date.now() < deadline && streams.some((s) => !s.status)) await sleep(50);
  const final = streams.map((s) => (s.status ? s.status : { code: 'open' }));
  process.stdout.write(JSON.stringify({ afterOpen, final }) + '\\n');
  for (const s of streams) s.call.cancel();
  for (const c of clients) c.close();
  setTimeout(() => process.exit(0), 100);
})();
`;

interface StreamStatus {
  code: number | 'open';
  details?: string;
  retry?: boolean;
}

function exportRaw(target: string, body: string, records = 1): Promise<{ code: number; retryDelayMs?: number }> {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'raw' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'raw', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < records; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), severityNumber: 9, body });
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, identity, identity, Buffer.from(encodeExportRequest(b.batch)), new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (err) => {
      client.close();
      if (!err) return resolve({ code: grpc.status.OK });
      const bin = err.metadata?.get(GRPC_STATUS_DETAILS_KEY)[0];
      resolve({ code: err.code, retryDelayMs: bin instanceof Buffer ? decodeRpcStatus(bin)?.retryDelayMs : undefined });
    });
  });
}

describe('gRPC stream flood against max_concurrent_streams', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-grpc-flood-'));
  let collector: Collector | undefined;
  afterAll(async () => {
    await collector?.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('streams beyond the cap get RESOURCE_EXHAUSTED, memory stays bounded, a normal client is served afterwards', async () => {
    const STREAMS = 48;
    const CAP = 12;
    collector = new Collector({
      logger: createMemoryLogger(),
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0, max_concurrent_streams: ${CAP} }
exporters:
  debug: { verbosity: basic }
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`,
    });
    await collector.start();
    const target = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
    const metrics = collector.metrics;
    const refused = () => metrics.value('logfun_receiver_refused_requests_total', { receiver: 'otlp', protocol: 'grpc', reason: 'max_concurrent_streams' });
    const sent = () => metrics.value('logfun_exporter_sent_records_total', { exporter: 'debug' });

    // 4096 distinct strings of 1000 characters: 4 MB of dictionary per stream.
    const strings = Array.from({ length: 4096 }, (_, i) => `${i}:`.padEnd(1000, String.fromCharCode(97 + (i % 26))));
    const messagesFile = path.join(dir, 'messages.json');
    fs.writeFileSync(
      messagesFile,
      JSON.stringify({
        hello: encodeHello({ resource: createResource({ service: 'flood' }), scope: LOGFUN_SCOPE, sdkVersion: 'flood', lastAckedSequence: 0, sessionId: Buffer.alloc(0) }).toString('base64'),
        fill: encodeStringDefinitions(1, strings).map((b) => b.toString('base64')),
      }),
    );

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    let heapPeak = heapBefore;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      heapPeak = Math.max(heapPeak, m.heapUsed);
      rssPeak = Math.max(rssPeak, m.rss);
    }, 25);

    const child = spawn(process.execPath, ['-e', FLOOD_CLIENT, JSON.stringify({ target, path: LOGFUN_INGEST_STREAM_PATH, streams: STREAMS, connections: 4, messagesFile, settleMs: 1500, fillWaitMs: 5000 })], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(sampler);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const { afterOpen, final } = JSON.parse(stdout.trim().split('\n').pop()!) as { afterOpen: StreamStatus[]; final: StreamStatus[] };

    // Memory: the flood carried 48 x 4 MB of dictionaries; the collector kept none of it.
    const heapGrowth = heapPeak - heapBefore;
    const rssGrowth = rssPeak - rssBefore;
    expect(heapGrowth).toBeLessThan(100 * MIB);
    expect(rssGrowth).toBeLessThan(160 * MIB);

    // The cap: exactly the streams beyond it were refused, retryably, before anything else.
    const exhausted = afterOpen.filter((s) => s.code === grpc.status.RESOURCE_EXHAUSTED);
    expect(exhausted).toHaveLength(STREAMS - CAP);
    expect(exhausted.every((s) => s.retry && /max_concurrent_streams \(12\)/.test(s.details ?? ''))).toBe(true);
    expect(afterOpen.filter((s) => s.code === 'open')).toHaveLength(CAP);
    expect(refused()).toBe(STREAMS - CAP);
    // The admitted streams' oversized dictionary strings were refused, not kept.
    const admittedFinal = final.filter((_, i) => afterOpen[i].code === 'open');
    expect(admittedFinal.every((s) => s.code === grpc.status.INVALID_ARGUMENT && /longer than 64 characters/.test(s.details ?? ''))).toBe(true);

    // Afterwards: every slot is free again, and normal clients are served.
    await waitFor('the flood streams to be closed', () => metrics.value('logfun_receiver_grpc_calls_active', { receiver: 'otlp' }) === 0);
    const before = sent();
    const log = createLogger({ service: 'normal', endpoint: target, transport: 'logfun', exitHooks: false, batch: { delayMs: 20 }, diagnostics: () => undefined });
    for (let i = 0; i < 50; i++) log.info`after the flood ${i} from ${'a user'}`;
    await log.flush(15_000);
    expect(log.stats()).toMatchObject({ emitted: 50, exported: 50, dropped: 0 });
    await log.shutdown();
    expect((await exportRaw(target, 'plain export')).code).toBe(grpc.status.OK);
    expect(sent() - before).toBe(51);
  });
});

describe('bytes in flight', () => {
  test('Exports, HTTP posts and compact batches beyond max_in_flight_bytes are refused retryably, then delivered', async () => {
    const config = otlpReceiverFactory.createDefaultConfig();
    config.protocols.grpc = { endpoint: '127.0.0.1:0', max_recv_msg_size: '1MiB' };
    config.protocols.http = { endpoint: '127.0.0.1:0', max_request_body_size: '1MiB', logs_url_path: '/v1/logs' };
    config.limits = { max_records_per_request: 100_000, max_attributes_per_record: 1000, max_attribute_value_length: '1MiB', max_any_value_depth: 32, max_in_flight_bytes: '2MiB' };
    expect(otlpReceiverFactory.validate!(config)).toEqual([]);
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const consumer = new RecordingConsumer();
    const receiver = otlpReceiverFactory.create({ id: 'otlp/inflight', metrics, logger }, config, consumer) as OtlpReceiver;
    await receiver.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
    const target = `127.0.0.1:${receiver.grpcPort}`;
    const refused = (protocol: string) => metrics.value('logfun_receiver_refused_requests_total', { receiver: 'otlp/inflight', protocol, reason: 'max_in_flight_bytes' });
    const inFlight = () => metrics.value('logfun_receiver_in_flight_bytes', { receiver: 'otlp/inflight' });
    try {
      consumer.hold();
      const big = 'x'.repeat(600 * 1024);
      // Three ~600 KB Exports fit the 2 MiB budget and are held by the consumer; the fourth does not.
      const held = [exportRaw(target, big), exportRaw(target, big), exportRaw(target, big)];
      await waitFor('three exports held', () => consumer.calls === 3);
      expect(inFlight()).toBeGreaterThan(1.7 * MIB);
      const over = await exportRaw(target, big);
      expect(over).toEqual({ code: grpc.status.RESOURCE_EXHAUSTED, retryDelayMs: 1000 });
      expect(refused('grpc')).toBe(1);

      // OTLP/HTTP: refused before its body is read.
      const res = await fetch(`http://127.0.0.1:${receiver.httpPort}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: big } }] }] }] }),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(refused('http')).toBe(1);

      // Our SDK's compact stream: its batch is refused in the Ack, kept, and retried.
      const log = createLogger({ service: 'sdk', endpoint: target, transport: 'logfun', exitHooks: false, batch: { delayMs: 20 }, diagnostics: () => undefined });
      for (let i = 0; i < 20; i++) log.info`sdk record ${i} ${big.slice(0, 30_000)}`;
      await waitFor('the SDK batch to be refused', () => log.stats().failedExports > 0);
      expect(log.stats()).toMatchObject({ exported: 0, dropped: 0 });
      expect(refused('grpc')).toBeGreaterThan(1);

      // The consumer lets go: the held Exports succeed, the SDK's retry is delivered, the budget is free.
      consumer.release();
      expect((await Promise.all(held)).map((r) => r.code)).toEqual([0, 0, 0]);
      await log.flush(15_000);
      expect(log.stats()).toMatchObject({ emitted: 20, exported: 20, dropped: 0 });
      await log.shutdown();
      expect((await exportRaw(target, big)).code).toBe(grpc.status.OK);
      expect(consumer.recordCount).toBe(3 + 20 + 1);
      await waitFor('nothing in flight', () => inFlight() === 0);
    } finally {
      consumer.release();
      await receiver.shutdown();
    }
  });
});
