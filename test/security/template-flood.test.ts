/**
 * Issue 12, finding 4: unbounded template state. Real components: a Collector with
 * the chDB store and real gRPC, raw compact streams built from the protocol's own
 * encoders, our SDK as the well-behaved client, and `logfun collector` as a child
 * process for the fatal-error cases.
 *
 *   - a client floods distinct templates over many reconnecting streams: the
 *     dictionary stays within max_per_service (LRU), every flood record is still
 *     stored (with its Body), and a normal client's records are stored templated;
 *   - a 1 MiB template definition is refused with INVALID_ARGUMENT (and counted);
 *   - with memory_limiter, a dictionary grown past the soft limit is shed and
 *     clients are accepted again (it used to refuse every client for ever);
 *   - a collector process whose heap fills up, or that hits an uncaught exception or
 *     an unhandled rejection, exits non-zero promptly (it used to hang after the OOM:
 *     chDB's SIGABRT handler kept it alive, and SIGTERM did nothing).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { managedMemoryBytes } from '../../collector/telemetry/process-metrics';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import type { ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/exporter';
import type { MemoryLimiterProcessor } from '../../processors/memory_limiter/processor';
import { createLogger, templateIdOf } from '../../sdk';
import { createResource, LOGFUN_SCOPE } from '../../sdk/resource';
import { encodeHello } from '../../sdk/wire/compact-encode';
import { ProtoWriter } from '../../protocol/proto-writer';
import { GrpcClientStream, type GrpcStreamStatus } from '../../sdk/wire/compact-grpc-stream';
import { decodeServerMessage } from '../../sdk/wire/compact-messages';
import { LOGFUN_INGEST_STREAM_PATH } from '../../protocol/protos';
import { startCollectorProcess, type CollectorProcess } from '../kit/collector-process';

jest.setTimeout(180_000);

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-template-flood-'));
const endpoint = `chdb://${path.join(folder, 'data')}`;

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

// ---- the compact protocol by hand (a client that is not our SDK) ----

function hello(service: string): Buffer {
  return encodeHello({ resource: createResource({ service }), scope: LOGFUN_SCOPE, sdkVersion: 'flood', lastAckedSequence: 0, sessionId: Buffer.alloc(0) });
}

/** TemplateDefinitions of templates without arguments (index -> text), with a call site (function, file) when `site` is given. */
function definitions(templates: readonly [number, string][], site?: string): Buffer {
  const w = new ProtoWriter(1024);
  w.fork(2);
  for (const [index, text] of templates) {
    w.fork(1);
    w.tag(1, 0).uint32(index);
    w.tag(2, 1).fixed64Big(templateIdOf(text));
    w.tag(3, 2).string(text);
    w.tag(4, 0).uint32(9);
    if (site !== undefined) {
      w.tag(6, 2).string(`${site} fn ${index}`);
      w.tag(8, 2).string(`${site}/file-${index}.ts`);
    }
    w.ldelim();
  }
  w.ldelim();
  return w.finish();
}

/** StringDefinitions: dictionary entries 1..values.length. */
function dictionaryStrings(values: readonly string[]): Buffer {
  const w = new ProtoWriter(1024);
  w.fork(4);
  w.tag(1, 0).uint32(1);
  for (const v of values) w.tag(2, 2).string(v);
  w.ldelim();
  return w.finish();
}

/** A RecordBatch with one record per template index (no arguments, all at one time). */
function batch(sequence: number, indexes: readonly number[]): Buffer {
  const w = new ProtoWriter(1024);
  w.fork(3);
  w.tag(1, 0).uint32(sequence);
  w.tag(2, 1).fixed64(0, 400_000_000);
  w.fork(3);
  for (const i of indexes) w.uint32(i);
  w.ldelim();
  w.fork(4);
  for (let k = 0; k < indexes.length; k++) w.uint32(0);
  w.ldelim();
  w.ldelim();
  return w.finish();
}

/** The same TemplateDefinitions message with reset = true (field 2 of TemplateDefinitions). */
function withReset(message: Buffer): Buffer {
  // ClientMessage { 2: TemplateDefinitions }: re-encode with the reset flag appended to the inner message.
  const inner = message.subarray(message.length - innerLength(message));
  const w = new ProtoWriter(message.length + 8);
  w.fork(2);
  w.raw(inner);
  w.tag(2, 0).bool(true);
  w.ldelim();
  return w.finish();
}

/** Length of the single length-delimited field's payload of a one-field message (tag byte + varint length). */
function innerLength(message: Buffer): number {
  let len = 0;
  let shift = 0;
  for (let i = 1; ; i++) {
    const b = message[i];
    len += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return len;
  }
}

interface RawOutcome {
  status: GrpcStreamStatus;
  /** Ack status codes, in order. */
  acks: number[];
}

/** Opens a stream and sends the messages, keeping it open until end(); `closed` resolves with its final status. */
function openStream(target: string, messages: Buffer[]): { end(): void; closed: Promise<GrpcStreamStatus> } {
  const keepAlive = setInterval(() => undefined, 1000); // the client stream is unref'd
  let s: GrpcClientStream | undefined;
  const closed = new Promise<GrpcStreamStatus>((resolve) => {
    s = new GrpcClientStream({ target, secure: false, path: LOGFUN_INGEST_STREAM_PATH }, { onMessage: () => undefined, onClose: resolve });
  }).finally(() => clearInterval(keepAlive));
  for (const m of messages) s!.send(m);
  return { end: () => s!.end(), closed };
}

/** Opens a stream, sends the messages, half-closes after `closeAfterAcks` acks (or at once), resolves with the final status. */
function rawStream(target: string, messages: Buffer[], closeAfterAcks = 0): Promise<RawOutcome> {
  const keepAlive = setInterval(() => undefined, 1000); // the client stream is unref'd
  return new Promise<RawOutcome>((resolve) => {
    const acks: number[] = [];
    const s = new GrpcClientStream(
      { target, secure: false, path: LOGFUN_INGEST_STREAM_PATH },
      {
        onMessage: (m) => {
          const msg = decodeServerMessage(m);
          if (msg.kind !== 'ack') return;
          acks.push(msg.statusCode);
          if (acks.length === closeAfterAcks) s.end();
        },
        onClose: (status) => resolve({ status, acks }),
      },
    );
    for (const m of messages) s.send(m);
    if (closeAfterAcks === 0) s.end();
  }).finally(() => clearInterval(keepAlive));
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function collectorYaml(database: string, extra: { processors?: string; pipelineProcessors?: string[]; service?: string } = {}): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0, max_recv_msg_size: 8MiB }
processors:
  template: { state_directory: "" }
${extra.processors ?? ''}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(endpoint)}
    database: ${database}
    batch: { flush_interval: 50ms }
service:
  telemetry: { admin: { endpoint: "" } }
${extra.service ?? ''}
  pipelines:
    logs: { receivers: [otlp], processors: [${(extra.pipelineProcessors ?? ['template']).join(', ')}], exporters: [clickhouse] }
`;
}

/** A collector with only the OTLP receiver and the debug exporter, and these `service.templates` limits. */
function debugCollectorYaml(templateLimits: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
exporters:
  debug: { verbosity: basic }
service:
  telemetry: { admin: { endpoint: "" } }
  templates: ${templateLimits}
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`;
}

async function count(store: ClickHouseStore, sql: string): Promise<number> {
  const [{ n }] = await store.query<{ n: string }>(sql);
  return Number(n);
}

describe('template flood against a real collector (chDB, gRPC)', () => {
  let collector: Collector | undefined;
  let store: ClickHouseStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await collector?.shutdown();
    collector = undefined;
  });

  test('many distinct templates over reconnecting streams: bounded dictionary, oversize refused, every record stored, normal clients unaffected', async () => {
    const db = 'flood_defaults';
    collector = new Collector({ yaml: collectorYaml(db), logger: createMemoryLogger() });
    await collector.start();
    const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    const target = `127.0.0.1:${port}`;
    // The defaults are what is under test (service.templates: max_per_service 5000, max_text_length 4096, max_bytes 64MiB).
    const limits = { maxPerService: 5000, maxTextLength: 4096, maxBytes: 64 * MIB };
    const templates = collector.templates;
    const serviceSize = (service: string) => templates.all().filter((t) => t.service === service).length;

    // 70 streams x 100 distinct templates (7000 > max_per_service), each stream
    // defining its templates and sending one record of each, then reconnecting.
    const STREAMS = 70;
    const PER_STREAM = 100;
    const padding = 'p'.repeat(200);
    for (let s = 0; s < STREAMS; s++) {
      const defs: [number, string][] = [];
      for (let k = 1; k <= PER_STREAM; k++) defs.push([k, `flood ${s}-${k} ${padding}`]);
      const { status, acks } = await rawStream(target, [hello('flood'), definitions(defs), batch(1, defs.map(([i]) => i))], 1);
      expect(status.code).toBe(0);
      expect(acks).toEqual([0]);
      expect(serviceSize('flood')).toBeLessThanOrEqual(limits.maxPerService);
    }

    // A 1 MiB template text is refused with a clear INVALID_ARGUMENT, on every stream that tries.
    for (let s = 0; s < 3; s++) {
      const huge = `huge ${s} ` + 'x'.repeat(MIB);
      const { status } = await rawStream(target, [hello('flood'), definitions([[1, huge]]), batch(1, [1])], 1);
      expect(status.code).toBe(3);
      expect(status.details).toMatch(/longer than the limit of 4096/);
    }
    expect(collector.templates.all().some((t) => t.text.length > limits.maxTextLength)).toBe(false);
    expect(collector.metrics.value('logfun_templates_refused_total', { reason: 'text_too_long' })).toBe(3);

    // A normal client afterwards: its records are accepted and stored templated.
    const log = createLogger({ service: 'good', endpoint: target, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
    for (let i = 0; i < 30; i++) log.info`order ${i} paid ${i * 2} EUR`;
    // A template over the protocol's 4096 characters: our SDK sends it untemplated, so it is not refused.
    const longText = 'long ' + 'y'.repeat(5000) + ' %s';
    log.info(longText, 'end');
    await log.shutdown();
    expect(log.stats()).toMatchObject({ emitted: 31, exported: 31, dropped: 0 });

    const exporter = collector.component<ClickHouseLogsExporter>('exporter:clickhouse');
    await exporter.flush(30_000);
    store = await openClickHouse({ endpoint });
    const s = store;
    await waitFor('all rows', async () => (await count(s, `SELECT count() AS n FROM ${db}.otel_logs`)) >= STREAMS * PER_STREAM + 31);

    // The bound held, and it took evictions or refusals to hold it.
    expect(serviceSize('flood')).toBeLessThanOrEqual(limits.maxPerService);
    expect(templates.all().reduce((sum, t) => sum + 2 * t.text.length, 0)).toBeLessThanOrEqual(limits.maxBytes);
    const evicted = collector.metrics.value('logfun_templates_evicted_total');
    const refused = collector.metrics.value('logfun_templates_refused_total', { reason: 'rate' });
    expect(evicted + refused).toBeGreaterThanOrEqual(STREAMS * PER_STREAM - limits.maxPerService);

    // Every flood record is stored with its Body, templated or not.
    expect(await count(s, `SELECT count() AS n FROM ${db}.otel_logs WHERE ServiceName = 'flood'`)).toBe(STREAMS * PER_STREAM);
    expect(await count(s, `SELECT count() AS n FROM ${db}.otel_logs WHERE ServiceName = 'flood' AND Body NOT LIKE 'flood %'`)).toBe(0);
    // Refused templates left their records untemplated (counted; the receiver and the
    // template processor each count what they refused), not dropped.
    const untemplatedRows = await count(s, `SELECT count() AS n FROM ${db}.otel_logs WHERE ServiceName = 'flood' AND TemplateId = 0`);
    expect(untemplatedRows).toBeGreaterThan(0);
    expect(collector.metrics.value('logfun_templates_untemplated_records_total')).toBeGreaterThanOrEqual(untemplatedRows);

    // The normal client's records are all there, templated, and its template is in the dictionary.
    expect(await count(s, `SELECT count() AS n FROM ${db}.otel_logs WHERE ServiceName = 'good' AND TemplateId != 0 AND Body LIKE 'order % paid % EUR'`)).toBe(30);
    expect(collector.templates.has('good', templateIdOf('order {} paid {} EUR'))).toBe(true);
    expect(await count(s, `SELECT count() AS n FROM ${db}.otel_logs WHERE ServiceName = 'good' AND Body = concat('long ', repeat('y', 5000), ' end')`)).toBe(1);
  });

  test('definitions per stream are bounded over its life; new streams do not renew a service\'s admission budget', async () => {
    collector = new Collector({
      logger: createMemoryLogger(),
      yaml: debugCollectorYaml('{ max_per_service: 50, new_per_service_per_minute: 1, max_definitions_per_stream: 150, max_text_per_stream: 20000 }'),
    });
    const writes = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await collector.start();
      const target = `127.0.0.1:${collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort}`;
      // 6 streams x 30 new templates with one record each: 50 admitted (the burst), the rest
      // stay untemplated however many streams they come on; every record is accepted.
      for (let st = 0; st < 6; st++) {
        const defs: [number, string][] = Array.from({ length: 30 }, (_, k) => [k + 1, `budget ${st}-${k}`]);
        const { acks } = await rawStream(target, [hello('budget'), definitions(defs), batch(1, defs.map(([i]) => i))], 1);
        expect(acks).toEqual([0]);
      }
      expect(collector.templates.serviceSize('budget')).toBe(50);
      expect(collector.metrics.value('logfun_templates_refused_total', { reason: 'rate' })).toBe(130);
      expect(collector.metrics.value('logfun_templates_untemplated_records_total')).toBe(130);
      expect(collector.metrics.value('logfun_receiver_accepted_records_total')).toBe(180);

      // 100 + 100 definitions on one stream (with a reset between): over 150, RESOURCE_EXHAUSTED.
      const first: [number, string][] = Array.from({ length: 100 }, (_, k) => [k + 1, `churn a${k}`]);
      const second: [number, string][] = Array.from({ length: 100 }, (_, k) => [k + 1, `churn b${k}`]);
      const resetSecond = Buffer.from(definitions(second));
      const { status } = await rawStream(target, [hello('churn'), definitions(first), withReset(resetSecond)], 0);
      expect(status.code).toBe(8);
      expect(status.details).toMatch(/more than 150 template definitions on one stream/);
      expect(collector.metrics.value('logfun_templates_refused_total', { reason: 'stream_limit' })).toBe(100);

      // Definitions holding more text than max_text_per_stream: RESOURCE_EXHAUSTED too.
      const wide: [number, string][] = Array.from({ length: 3 }, (_, k) => [k + 1, `wide ${k} ${'w'.repeat(4000)}`]);
      const firstWide = await rawStream(target, [hello('wide'), definitions(wide.slice(0, 2)), definitions(wide.slice(2))], 0);
      expect(firstWide.status.code).toBe(0); // 8000 characters: within the limit
      const tooWide: [number, string][] = Array.from({ length: 6 }, (_, k) => [k + 1, `wide ${k} ${'w'.repeat(4000)}`]);
      const { status: wideStatus } = await rawStream(target, [hello('wide'), definitions(tooWide)], 0);
      expect(wideStatus.code).toBe(8);
      expect(wideStatus.details).toMatch(/more than 20000 characters on one stream/);
    } finally {
      writes.mockRestore();
    }
  });

  test('what open streams hold (definitions with their call sites, dictionary strings) is bounded in bytes over all of them', async () => {
    // Before max_bytes_all_streams only template text counted over open streams: 16384
    // definitions of short text with 60-character call sites held 20 MB a stream, so
    // max_concurrent_streams (256) streams could hold 5 GB within max_text_all_streams.
    collector = new Collector({ logger: createMemoryLogger(), yaml: debugCollectorYaml('{ max_bytes_all_streams: 2MiB }') });
    await collector.start();
    const target = `127.0.0.1:${collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort}`;
    const site = 's'.repeat(300);
    // 800 definitions with call sites: about 800 x (1 KiB + 640 characters) = 1.3 MB, 6 KB of text.
    const defs = (name: string): [number, string][] => Array.from({ length: 800 }, (_, k) => [k + 1, `${name} ${k}`]);
    const first = openStream(target, [hello('held-a'), definitions(defs('a'), site)]);
    await waitFor('the first stream held', () => collector!.metrics.value('logfun_ingest_templates_defined_total') === 800);
    // A second one would make 2.6 MB: ended with RESOURCE_EXHAUSTED (the first stays open).
    const second = openStream(target, [hello('held-b'), definitions(defs('b'), site)]);
    const secondStatus = await second.closed;
    expect(secondStatus.code).toBe(8);
    expect(secondStatus.details).toMatch(/max_bytes_all_streams/);
    expect(collector.metrics.value('logfun_templates_refused_total', { reason: 'stream_limit' })).toBe(800);
    // Dictionary strings count too: 16384 of 64 characters (1.5 MB) beside the first stream's definitions.
    const strings = openStream(target, [hello('held-c'), dictionaryStrings(Array.from({ length: 16_384 }, (_, i) => `${i}-`.padEnd(64, 'v')))]);
    const stringsStatus = await strings.closed;
    expect(stringsStatus.code).toBe(8);
    expect(stringsStatus.details).toMatch(/string definitions hold more than .* \(service\.templates\.max_bytes_all_streams\)/);
    // Once the first stream ends, what it held is released: the same definitions fit again.
    first.end();
    expect((await first.closed).code).toBe(0);
    const third = openStream(target, [hello('held-b'), definitions(defs('b'), site)]);
    await waitFor('the third stream held', () => collector!.metrics.value('logfun_ingest_templates_defined_total') === 2400);
    third.end();
    expect((await third.closed).code).toBe(0);
  });

  test('memory_limiter: a dictionary grown past the soft limit is shed and clients are accepted again', async () => {
    const db = 'flood_memory';
    const baselineMib = Math.ceil(managedMemoryBytes() / MIB);
    const logger = createMemoryLogger();
    collector = new Collector({
      logger,
      yaml: collectorYaml(db, {
        processors: `  memory_limiter: { check_interval: 100ms, limit_mib: ${baselineMib + 200}, spike_limit_mib: 100, retry_delay: 200ms }`,
        pipelineProcessors: ['memory_limiter', 'template'],
        // Texts of 1 MiB admitted on purpose: what is under test is the limiter's way out.
        service: '  templates: { max_text_length: 2097152, max_bytes: 2GiB }',
      }),
    });
    await collector.start();
    const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
    const target = `127.0.0.1:${port}`;
    const limiter = collector.component<MemoryLimiterProcessor>('processor:memory_limiter@logs');

    // Big definitions, each used by one record, until the limiter refuses.
    let refusedAcks = 0;
    for (let s = 0; s < 400 && !limiter.isRefusing; s++) {
      const text = `big ${s} ` + String.fromCharCode(97 + (s % 26)).repeat(MIB);
      const { acks } = await rawStream(target, [hello('bigdefs'), definitions([[1, text]]), batch(1, [1])], 1);
      if (acks[0] !== 0) refusedAcks++;
    }
    expect(limiter.isRefusing || refusedAcks > 0).toBe(true);

    // Without any client doing anything, the limiter sheds the dictionary and accepts again.
    await waitFor('the memory_limiter to accept again', () => !limiter.isRefusing, 30_000);
    expect(collector.metrics.value('logfun_memory_limiter_template_bytes_shed_total')).toBeGreaterThan(0);
    expect(collector.metrics.value('logfun_templates_evicted_total', { reason: 'memory_pressure' })).toBeGreaterThan(0);

    // A normal client is accepted and its records stored.
    const log = createLogger({ service: 'after', endpoint: target, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
    for (let i = 0; i < 20; i++) log.info`request ${i} served`;
    await log.flush();
    await log.shutdown();
    expect(log.stats()).toMatchObject({ emitted: 20, exported: 20, dropped: 0 });
    await collector.component<ClickHouseLogsExporter>('exporter:clickhouse').flush(30_000);
    store = await openClickHouse({ endpoint });
    const s = store;
    await waitFor('the rows of the client', async () => (await count(s, `SELECT count() AS n FROM ${db}.otel_logs WHERE ServiceName = 'after'`)) >= 20);
  });
});

describe('a collector process hit by a fatal error exits non-zero', () => {
  let child: CollectorProcess | undefined;
  afterEach(async () => {
    await child?.kill();
    if (child) fs.rmSync(child.dir, { recursive: true, force: true });
    child = undefined;
  });

  async function startWith(fatal: 'heap' | 'throw' | 'reject' | 'block', nodeArgs: string[] = [], serviceYaml?: string): Promise<CollectorProcess> {
    return startCollectorProcess({
      nodeArgs: [...nodeArgs, '-r', path.join(__dirname, '..', 'kit', 'fatal-preload.js')],
      env: { LOGFUN_TEST_FATAL: fatal },
      pipelineProcessors: [],
      serviceYaml,
    });
  }

  /** Resolves with the exit code / signal, or 'running' after `ms`. */
  function exitWithin(c: CollectorProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'running'> {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) return Promise.resolve({ code: c.proc.exitCode, signal: c.proc.signalCode });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('running'), ms);
      c.proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  }

  test('heap filled to its limit (capped heap): exits non-zero within seconds instead of hanging', async () => {
    child = await startWith('heap', ['--max-old-space-size=160']);
    child.proc.kill('SIGUSR2');
    const outcome = await exitWithin(child, 45_000);
    expect(outcome).not.toBe('running');
    const { code, signal } = outcome as { code: number | null; signal: NodeJS.Signals | null };
    expect(code !== 0 || signal !== null).toBe(true);
    expect(child.stderr()).toMatch(/heap nearly exhausted|watchdog/);
  });

  test('main thread stuck: SIGTERM cannot run its handler, the watchdog ends the process', async () => {
    child = await startWith('block', [], '  process: { watchdog_timeout: 3s }');
    child.proc.kill('SIGUSR2');
    await sleep(500);
    child.proc.kill('SIGTERM');
    const outcome = await exitWithin(child, 20_000);
    expect(outcome).toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.stderr()).toMatch(/watchdog: the main thread answered no heartbeat/);
  });

  test.each(['throw', 'reject'] as const)('%s: logged as fatal, exit code 70', async (fatal) => {
    child = await startWith(fatal);
    child.proc.kill('SIGUSR2');
    const outcome = await exitWithin(child, 20_000);
    expect(outcome).toEqual({ code: 70, signal: null });
    expect(child.stderr()).toMatch(/fatal: (uncaught exception|unhandled promise rejection)/);
  });
});
