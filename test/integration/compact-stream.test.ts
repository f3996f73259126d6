/**
 * The compact protocol end to end over real gRPC: the SDK's logfun stream into
 * the otlp receiver's Ingest service (and the receiver's gRPC server killed and
 * restarted on the same port), the fallback to OTLP against a plain OTLP
 * server, malformed streams, downstream refusals, control updates, and a child
 * process that ends on its own while its stream is open.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { context as otelContext, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { createLogger, functionScopes, materializeRecord, traced, templateIdOf, SDK_VERSION, type CreateLoggerOptions, type ExportBatch, type ExportedRecord, type Transport } from '../../sdk';
import { LogfunStreamTransport, AutoTransport } from '../../sdk/transports/logfun-stream';
import type { TransportContext } from '../../sdk/transport';
import { createResource, PROCESS_INSTANCE_ID } from '../../sdk/resource';
import { encodeHello, encodeTemplateDefinitions, CompactEncoder } from '../../sdk/wire/compact-encode';
import { ProtoWriter } from '../../protocol/proto-writer';
import { GrpcClientStream, type GrpcStreamStatus } from '../../sdk/wire/compact-grpc-stream';
import { LOGFUN_SCOPE } from '../../sdk/resource';
import { LOGFUN_INGEST_STREAM_PATH } from '../../protocol/protos';
import { KeyValueList } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { PermanentError, RetryableError } from '../../collector/pipeline/errors';
import { OtlpGrpcServer } from '../../collector/receivers/otlp/grpc-server';
import { ReceiverIngest } from '../../collector/receivers/otlp/ingest';
import { LogfunIngestService } from '../../collector/receivers/otlp/logfun-ingest';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { attributeMap, RecordingConsumer } from '../kit/recording-consumer';
import { OtlpGrpcSink } from '../kit/otlp-grpc-sink';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A synchronous context manager, enough for otelContext.with() in tests. */
class StackContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;
  active(): Context {
    return this.current;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

/** The otlp receiver's gRPC server with the Ingest service, built from its parts so a test can kill it. */
interface Server {
  grpc: OtlpGrpcServer;
  service: LogfunIngestService;
  port: number;
  target: string;
  /** shutdown(0): in-flight batches are cut off, their acks lost. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

interface Rig {
  consumer: RecordingConsumer;
  metrics: Metrics;
  templates: TemplateDictionary;
  id: string;
  start(port?: number): Promise<Server>;
}

let rigCount = 0;
function rig(maxRecv: string | number = '4MiB'): Rig {
  const id = `otlp/compact-${process.pid}-${++rigCount}`;
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const consumer = new RecordingConsumer();
  const templates = new TemplateDictionary();
  const settings = { id, metrics, logger };
  const ingest = new ReceiverIngest(settings, consumer);
  return {
    consumer,
    metrics,
    templates,
    id,
    async start(port = 0) {
      const service = new LogfunIngestService(settings, ingest);
      const host: Host = { metrics, logger, components: new Map(), templates };
      service.start(host);
      const grpc = new OtlpGrpcServer({ endpoint: `127.0.0.1:${port}`, max_recv_msg_size: maxRecv }, ingest, service);
      const bound = await grpc.start();
      return {
        grpc,
        service,
        port: bound,
        target: `127.0.0.1:${bound}`,
        kill: () => grpc.shutdown(0),
        stop: () => grpc.shutdown(2000),
      };
    },
  };
}

/** Keeps every record as the SDK buffered it (exact timestamps), then exports through the real transport. */
class TeeTransport implements Transport {
  readonly records = new Map<number, ExportedRecord[]>();
  constructor(readonly inner: Transport) {}
  get name() {
    return this.inner.name;
  }
  attach(context: TransportContext) {
    this.inner.attach?.(context);
  }
  export(batch: ExportBatch) {
    if (!this.records.has(batch.sequence)) this.records.set(batch.sequence, Array.from({ length: batch.length }, (_, i) => materializeRecord(batch, i)));
    return this.inner.export(batch);
  }
  shutdown() {
    return this.inner.shutdown();
  }
  all(): ExportedRecord[] {
    return [...this.records.keys()].sort((a, b) => a - b).flatMap((k) => this.records.get(k)!);
  }
}

function logger(target: string, options: Partial<CreateLoggerOptions> = {}) {
  const diagnostics: string[] = [];
  const log = createLogger({
    service: 'compact-test',
    endpoint: target,
    transport: 'logfun',
    level: 'trace',
    exitHooks: false,
    batch: { delayMs: 10 },
    retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
    diagnostics: (m) => diagnostics.push(m),
    ...options,
  });
  return { log, diagnostics };
}

beforeAll(() => {
  otelContext.setGlobalContextManager(new StackContextManager());
});

describe('compact stream: SDK -> collector over gRPC', () => {
  let r: Rig;
  let server: Server;
  beforeEach(async () => {
    r = rig();
    server = await r.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('delivers exact records: bodies, typed arguments, timestamps, severity, attributes, trace ids, resource, scope', async () => {
    const tee = new TeeTransport(new LogfunStreamTransport({ endpoint: server.target }));
    const { log } = logger(server.target, { transport: tee, serviceVersion: '2.0.0' });
    const child = log.child({ requestId: 'r-1', tenant: 7 });
    log.info`user ${'alice'} paid ${1250} cents (${12.5} EUR) ok=${true} big=${2n ** 63n - 1n} raw=${new Uint8Array([1, 2, 3])}`;
    child.warn('retry %d of %s', 3, 'job-9');
    const span = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    otelContext.with(span, () => child.error({ orderId: 'o-7', tenant: 8 }, 'payment declined'));
    log.loggerProvider.getLogger('otel-lib', '1.2.3').emit({ timestamp: [1_700_000_000, 5], severityNumber: 14, severityText: 'WARN2', body: { event: 'x', n: 2 } });
    await log.shutdown();
    expect(log.stats()).toMatchObject({ emitted: 4, exported: 4, dropped: 0 });

    const got = r.consumer.records();
    expect(got).toHaveLength(4);
    const sent = tee.all();
    expect(got.map((g) => g.timeUnixNano)).toEqual(sent.map((s) => s.timeUnixNano));
    expect(got.map((g) => g.observedTimeUnixNano)).toEqual(sent.map((s) => s.observedTimeUnixNano));

    const [paid, retry, declined, api] = got;
    const paidText = 'user {} paid {} cents ({} EUR) ok={} big={} raw={}';
    expect(paid.body).toBe('user alice paid 1250 cents (12.5 EUR) ok=true big=9223372036854775807 raw=AQID');
    expect(paid).toMatchObject({ severityNumber: 9, severityText: 'INFO', templateId: templateIdOf(paidText), traceId: '', spanId: '', flags: 0 });
    expect(paid.templateArgs).toEqual(['alice', '1250', '12.5', 'true', '9223372036854775807', 'AQID']);
    const pa = attributeMap(paid.attributes);
    expect(pa).toMatchObject({
      'log.record.template': paidText,
      'log.record.template.id': templateIdOf(paidText).toString(),
      'log.record.arg.0': 'alice',
      'log.record.arg.1': 1250n,
      'log.record.arg.2': 12.5,
      'log.record.arg.3': true,
      'log.record.arg.4': 2n ** 63n - 1n,
      'log.record.arg.5': new Uint8Array([1, 2, 3]),
      'code.filepath': __filename,
    });
    expect(typeof pa['code.lineno']).toBe('bigint');

    expect(retry).toMatchObject({ body: 'retry 3 of job-9', severityNumber: 13, severityText: 'WARN', templateArgs: ['3', 'job-9'] });
    expect(attributeMap(retry.attributes)).toMatchObject({ requestId: 'r-1', tenant: 7n, 'log.record.arg.0': 3n });

    expect(declined).toMatchObject({ body: 'payment declined', severityNumber: 17, severityText: 'ERROR', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: 1 });
    // Bound attributes first (minus the key the call overrides), then the call's.
    expect(declined.attributes.slice(0, 3)).toEqual([
      { key: 'requestId', value: 'r-1' },
      { key: 'orderId', value: 'o-7' },
      { key: 'tenant', value: 8n },
    ]);

    expect(api).toMatchObject({ timeUnixNano: 1_700_000_000_000_000_005n, severityNumber: 14, severityText: 'WARN2', templateId: 0n });
    expect(api.body).toEqual(new KeyValueList([{ key: 'event', value: 'x' }, { key: 'n', value: 2n }]));
    expect(api.scope).toMatchObject({ name: 'otel-lib', version: '1.2.3' });

    const resource = attributeMap(paid.resource.attributes);
    expect(resource).toMatchObject({ 'service.name': 'compact-test', 'service.version': '2.0.0', 'service.instance.id': PROCESS_INSTANCE_ID, 'telemetry.sdk.name': 'logfun' });
    expect(paid.scope).toMatchObject({ name: 'logfun', version: SDK_VERSION });

    // Templates are in the collector's dictionary, source sdk.
    const entry = r.templates.get('compact-test', templateIdOf(paidText));
    expect(entry).toMatchObject({ text: paidText, source: 'sdk', severityNumber: 9, severityText: 'INFO' });
    expect(entry!.location).toMatch(/compact-stream\.test\.ts:\d+$/);
    expect(r.metrics.value('logfun_ingest_batches_total', { receiver: r.id, outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(r.metrics.value('logfun_receiver_accepted_records_total', { receiver: r.id })).toBe(4);
  });

  it("'auto' (the default) uses the compact stream against our collector", async () => {
    const log = createLogger({ service: 'auto-test', endpoint: server.target, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
    log.info`auto ${1}`;
    await log.flush();
    expect(log.transport).toBeInstanceOf(AutoTransport);
    expect((log.transport as AutoTransport).mode).toBe('logfun');
    expect(log.transport.name).toBe('logfun');
    await log.shutdown();
    expect(r.consumer.records()[0]).toMatchObject({ body: 'auto 1', templateId: templateIdOf('auto {}') });
    expect(r.metrics.value('logfun_ingest_streams_total', { receiver: r.id })).toBe(1);
  });

  it('a template first used after 1000 records is defined on the open stream and decodable', async () => {
    const { log } = logger(server.target);
    for (let i = 0; i < 1000; i++) log.info`early record ${i} of ${'many'}`;
    await log.flush();
    expect(r.consumer.recordCount).toBe(1000);
    log.warn`late template ${'x'} first used after ${1000} records`;
    await log.flush();
    await log.shutdown();
    const late = r.consumer.records()[1000];
    expect(late).toMatchObject({ body: 'late template x first used after 1000 records', severityText: 'WARN', templateId: templateIdOf('late template {} first used after {} records') });
    expect(r.metrics.value('logfun_ingest_streams_total', { receiver: r.id })).toBe(1);
    expect(r.metrics.value('logfun_ingest_templates_defined_total', { receiver: r.id })).toBe(2);
  });

  it('retries a batch the pipeline refused retryably; drops and counts a permanently refused one', async () => {
    const { log, diagnostics } = logger(server.target, { dropReportIntervalMs: 60_000 });
    r.consumer.failWith(new RetryableError('queue full', 30, 'exhausted'), 2);
    for (let i = 0; i < 10; i++) log.info`retried ${i}`;
    await log.flush();
    expect(r.consumer.records().map((x) => x.body)).toEqual([...Array(10).keys()].map((i) => `retried ${i}`));
    expect(log.stats()).toMatchObject({ exported: 10, dropped: 0 });
    expect(log.stats().failedExports).toBeGreaterThanOrEqual(2);

    r.consumer.failWith(new PermanentError('schema says no'), 1);
    for (let i = 0; i < 5; i++) log.info`refused ${i}`;
    await log.flush();
    await log.shutdown();
    expect(log.stats()).toMatchObject({ droppedRejected: 5 });
    expect(diagnostics.join('\n')).toMatch(/rejected 5 log records permanently: INVALID_ARGUMENT: schema says no/);
    expect(r.metrics.value('logfun_ingest_batches_total', { receiver: r.id, outcome: 'refused' })).toBe(3);
    // Same stream throughout: refusals are answered in acks, not by breaking the stream.
    expect(r.metrics.value('logfun_ingest_streams_total', { receiver: r.id })).toBe(1);
  });

  it('a control update mutes a template at once, and unmutes it', async () => {
    const { log } = logger(server.target);
    const transport = log.transport as LogfunStreamTransport;
    const noisy = (i: number) => log.info`noisy ${i}`;
    const useful = (i: number) => log.info`useful ${i}`;
    noisy(0);
    useful(0);
    await log.flush();
    const nextControl = () => new Promise<number>((resolve) => {
      const off = transport.onControl(() => {
        off();
        resolve(Date.now());
      });
    });
    let applied = nextControl();
    const sentAt = Date.now();
    expect(server.service.setControl({ rules: [{ target: { templateId: templateIdOf('noisy {}') }, state: 'off', reason: 'too loud' }], version: 1 })).toBe(1);
    const latencyMs = (await applied) - sentAt;
    expect(latencyMs).toBeLessThan(500);
    noisy(1);
    useful(1);
    await log.flush();
    applied = nextControl();
    server.service.setControl({ rules: [], version: 2 });
    await applied;
    noisy(2);
    await log.flush();
    await log.shutdown();
    // The SDK's count of the muted record arrives as a report record (processors/spam/sdk-report.ts).
    const logs = r.consumer.records().filter((x) => x.eventName !== 'logfun.sdk.muted');
    expect(logs.map((x) => x.body)).toEqual(['noisy 0', 'useful 0', 'useful 1', 'noisy 2']);
  });

  it('a control update on a function mutes its traced() scope, and only what it muted is unmuted', async () => {
    const { log } = logger(server.target);
    const transport = log.transport as LogfunStreamTransport;
    const checkout = traced('checkoutCart', (i: number) => log.info`checkout step ${i}`);
    const other = traced('shipOrder', (i: number) => log.info`ship step ${i}`);
    functionScopes.muteFunction('alreadyMuted');
    const applied = () => new Promise<void>((resolve) => {
      const off = transport.onControl(() => {
        off();
        resolve();
      });
    });
    let next = applied();
    server.service.setControl({ rules: [{ target: { function: 'checkoutCart' }, state: 'off' }, { target: { function: 'alreadyMuted' }, state: 'off' }] });
    await next;
    expect(functionScopes.isMuted('checkoutCart')).toBe(true);
    checkout(1);
    other(1);
    await log.flush();
    next = applied();
    server.service.setControl({ rules: [] });
    await next;
    expect(functionScopes.isMuted('checkoutCart')).toBe(false);
    // Muted by someone else before the rule: left muted.
    expect(functionScopes.isMuted('alreadyMuted')).toBe(true);
    functionScopes.unmuteFunction('alreadyMuted');
    checkout(2);
    await log.shutdown();
    // The SDK's count of the muted record arrives as a report record (processors/spam/sdk-report.ts).
    const logs = r.consumer.records().filter((x) => x.eventName !== 'logfun.sdk.muted');
    expect(logs.map((x) => x.body)).toEqual(['ship step 1', 'checkout step 2']);
    expect(attributeMap(logs[1].attributes)['code.function']).toBe('checkoutCart');
    expect(log.stats().muted).toBe(1);
  });

  it('a stream opened later gets the current rules of its service after the HelloAck', async () => {
    server.service.setControl({ rules: [{ target: { templateId: templateIdOf('quiet {}') }, state: 'off' }] }, { service: 'late-service' });
    // Its own registry, so this test's mutes cannot touch other loggers' templates.
    const { log } = logger(server.target, { service: 'late-service', captureCallSites: false });
    const transport = log.transport as LogfunStreamTransport;
    await new Promise<void>((resolve) => transport.onControl(() => resolve()));
    log.info`quiet ${1}`;
    log.info`loud ${1}`;
    await log.shutdown();
    expect(r.consumer.records().map((x) => x.body)).toEqual(['loud 1']);
  });
});

describe('compact stream: message size limit', () => {
  it('splits a batch the server refuses as too large; drops (and counts) a single record that can never fit', async () => {
    const r = rig('16KiB');
    const server = await r.start();
    try {
      const { log, diagnostics } = logger(server.target, { dropReportIntervalMs: 60_000 });
      for (let i = 0; i < 40; i++) log.info`chunk ${i} ${'c'.repeat(1000) + i}`;
      log.info`huge ${'h'.repeat(20_000)}`;
      await log.shutdown();
      expect(r.consumer.records().map((x) => x.templateArgs[0])).toEqual([...Array(40).keys()].map(String));
      expect(log.stats()).toMatchObject({ exported: 40, droppedRejected: 1 });
      expect(diagnostics.join('\n')).toMatch(/too large; splitting/);
      expect(diagnostics.join('\n')).toMatch(/rejected 1 log records permanently: RESOURCE_EXHAUSTED/);
    } finally {
      await server.stop();
    }
  });
});

describe('compact stream: outages', () => {
  // The held batch is accepted by the pipeline but its ack is lost with the killed server. Either
  // the SDK's resend reaches the restarted server while the first copy is still being consumed
  // (it waits, then is acknowledged as a duplicate), or the first copy finished before the SDK
  // reconnected (the HelloAck says so and the SDK does not resend it).
  it.each([
    ['the resend arrives while the first copy is still being consumed', 'after-resend'],
    ['the first copy was accepted before the SDK reconnected', 'before-restart'],
  ])('the server killed mid-stream and restarted on the same port (%s): no record lost, none stored twice', async (_name, when) => {
    const r = rig();
    let server = await r.start();
    const port = server.port;
    const { log } = logger(server.target, { buffer: { maxRecords: 5000 } });
    for (let i = 0; i < 100; i++) log.info`before ${i}`;
    await log.flush();
    expect(r.consumer.recordCount).toBe(100);

    r.consumer.hold();
    const callsBefore = r.consumer.calls;
    for (let i = 0; i < 50; i++) log.info`in flight ${i}`;
    while (r.consumer.calls === callsBefore) await sleep(5);
    await server.kill();
    for (let i = 0; i < 50; i++) log.info`while down ${i}`;
    if (when === 'before-restart') {
      r.consumer.release();
      await sleep(50);
    }
    await sleep(300);
    server = await r.start(port);
    if (when === 'after-resend') {
      while (r.metrics.value('logfun_ingest_streams_total', { receiver: r.id }) < 2) await sleep(5);
      await sleep(300);
      r.consumer.release();
    }
    for (let i = 0; i < 50; i++) log.info`after ${i}`;
    expect(await log.flush(20_000)).toBe(true);
    await log.shutdown();
    await server.stop();

    const bodies = r.consumer.records().map((x) => x.body as string);
    const expected = [
      ...[...Array(100).keys()].map((i) => `before ${i}`),
      ...[...Array(50).keys()].map((i) => `in flight ${i}`),
      ...[...Array(50).keys()].map((i) => `while down ${i}`),
      ...[...Array(50).keys()].map((i) => `after ${i}`),
    ];
    expect(bodies.length).toBe(expected.length);
    expect(new Set(bodies)).toEqual(new Set(expected));
    expect(log.stats()).toMatchObject({ emitted: 250, exported: 250, dropped: 0 });
    const duplicates = r.metrics.value('logfun_ingest_batches_total', { receiver: r.id, outcome: 'duplicate' });
    expect(duplicates).toBe(when === 'after-resend' ? 1 : 0);
  });
});

describe('compact stream against a server that does not implement it', () => {
  it("'auto' falls back to OTLP with one diagnostic; records arrive as plain OTLP", async () => {
    const sink = await OtlpGrpcSink.start();
    try {
      const diagnostics: string[] = [];
      const log = createLogger({ service: 'fallback', endpoint: sink.endpoint, exitHooks: false, batch: { delayMs: 10 }, diagnostics: (m) => diagnostics.push(m) });
      log.info`first ${1}`;
      await log.flush();
      for (let i = 2; i <= 5; i++) log.info`first ${i}`;
      await log.flush();
      await log.shutdown();
      expect(sink.records().map((x) => x.body)).toEqual(['first 1', 'first 2', 'first 3', 'first 4', 'first 5']);
      expect(sink.records()[0].attributes).toMatchObject({ 'log.record.template': 'first {}', 'log.record.arg.0': 1n });
      expect(diagnostics.filter((d) => /does not serve the logfun compact protocol/.test(d))).toHaveLength(1);
      expect(log.transport.name).toBe('otlp');
      expect(log.stats()).toMatchObject({ exported: 5, failedExports: 0, dropped: 0 });
    } finally {
      await sink.stop();
    }
  });

  it("'logfun' alone reports the endpoint as permanently unusable", async () => {
    const sink = await OtlpGrpcSink.start();
    try {
      const { log, diagnostics } = logger(sink.endpoint, { dropReportIntervalMs: 60_000 });
      log.info`nowhere ${1}`;
      await log.flush();
      await log.shutdown();
      expect(diagnostics.join('\n')).toMatch(/permanently: UNIMPLEMENTED: .* does not serve the logfun compact protocol/);
      // The record, and the in-band drop report that tried to follow it.
      expect(log.stats().droppedRejected).toBeGreaterThanOrEqual(1);
      expect(log.stats().exported).toBe(0);
    } finally {
      await sink.stop();
    }
  });
});

describe('malformed streams', () => {
  /** Opens a raw stream, sends the messages, resolves with the final status. */
  function rawStream(target: string, messages: Buffer[], halfClose = false): Promise<GrpcStreamStatus> {
    return new Promise((resolve) => {
      const s = new GrpcClientStream({ target, secure: false, path: LOGFUN_INGEST_STREAM_PATH }, { onMessage: () => undefined, onClose: resolve });
      for (const m of messages) s.send(m);
      if (halfClose) s.end();
    });
  }

  const hello = () => encodeHello({ resource: createResource({ service: 'evil' }), scope: LOGFUN_SCOPE, sdkVersion: 'x', lastAckedSequence: 0, sessionId: Buffer.alloc(0) });

  function batch(templateIndex: number[], extra: (w: ProtoWriter) => void = () => undefined): Buffer {
    const w = new ProtoWriter();
    w.fork(3);
    w.tag(1, 0).uint32(1);
    w.tag(2, 1).fixed64(0, 400_000_000);
    w.fork(3);
    for (const i of templateIndex) w.uint32(i);
    w.ldelim();
    w.fork(4);
    for (let k = 0; k < templateIndex.length; k++) w.uint32(0);
    w.ldelim();
    extra(w);
    w.ldelim();
    return w.finish();
  }

  function definitions(): Buffer {
    // One template "took {} ms" with a NUMBER argument, index 1.
    const encoder = new CompactEncoder();
    void encoder;
    const w = new ProtoWriter();
    w.fork(2);
    w.fork(1);
    w.tag(1, 0).uint32(1);
    w.tag(2, 1).fixed64Big(templateIdOf('took {} ms'));
    w.tag(3, 2).string('took {} ms');
    w.tag(4, 0).uint32(9);
    w.fork(10);
    w.uint32(5);
    w.ldelim();
    w.ldelim();
    w.ldelim();
    return w.finish();
  }

  it('get INVALID_ARGUMENT with a clear message, are counted, and do not disturb another SDK stream', async () => {
    const r = rig();
    const server = await r.start();
    try {
      const { log } = logger(server.target, { service: 'good' });
      let n = 0;
      const ticker = setInterval(() => {
        for (let i = 0; i < 20; i++) log.info`steady ${n++}`;
      }, 5);

      const cases: [Buffer[], RegExp][] = [
        [[Buffer.from('not a protobuf at all \xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1')], /malformed logfun ClientMessage/],
        [[batch([1])], /RecordBatch before the Hello/],
        [[hello(), batch([5])], /unknown template index 5/],
        [[hello(), definitions(), batch([1])], /too few number values/],
        [[hello(), definitions(), batch([1], (w) => {
          w.fork(15);
          w.sint64(16 * 7).sint64(16 * 8);
          w.ldelim();
        })], /too many argument values: 1 number values/],
        [[hello(), definitions(), batch([1]).subarray(0, 9)], /malformed logfun ClientMessage: .*(truncated|past the end)/],
        [[hello(), hello()], /second Hello/],
      ];
      for (const [messages, message] of cases) {
        const status = await rawStream(server.target, messages);
        expect(status.code).toBe(3); // INVALID_ARGUMENT
        expect(status.details).toMatch(message);
      }
      clearInterval(ticker);
      await log.shutdown();
      expect(log.stats()).toMatchObject({ emitted: n, exported: n, dropped: 0 });
      expect(r.consumer.records().filter((x) => String(x.body).startsWith('steady')).length).toBe(n);
      expect(r.metrics.value('logfun_ingest_stream_errors_total')).toBe(cases.length);
      expect(r.metrics.value('logfun_receiver_bad_requests_total', { receiver: r.id, protocol: 'grpc', reason: 'logfun_malformed' })).toBe(cases.length);
      // The good SDK kept its one stream.
      expect(r.metrics.value('logfun_ingest_streams_total', { receiver: r.id })).toBe(cases.length + 1);
    } finally {
      await server.stop();
    }
  });
});

describe('process exit with the stream open', () => {
  it('a process that logs and ends on its own delivers everything and exits (the stream does not keep it alive)', async () => {
    const r = rig();
    const server = await r.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-compact-exit-'));
    try {
      const sdkEntry = path.resolve(__dirname, '../../sdk/index.ts');
      const file = path.join(dir, 'child.js');
      fs.writeFileSync(
        file,
        `
const fs = require('fs');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  module._compile(out, filename);
};
const { createLogger } = require(${JSON.stringify(sdkEntry)});
const log = createLogger({ service: 'batch-job', endpoint: '${server.target}', batch: { delayMs: 60000 } });
for (let i = 0; i < 500; i++) log.info\`job step \${i}\`;
`,
      );
      const started = Date.now();
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('exit', resolve);
      });
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.consumer.recordCount).toBe(500);
      expect(r.consumer.records()[499]).toMatchObject({ body: 'job step 499', templateId: templateIdOf('job step {}') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  });
});
