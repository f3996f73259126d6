/**
 * The SDK's OTLP/gRPC transport against a real gRPC server (test/kit/otlp-grpc-sink):
 * wire format (Body, typed template arguments, resource, scope, code location),
 * gzip and headers, retries on UNAVAILABLE / RESOURCE_EXHAUSTED, a real outage
 * (server stopped and restarted: at-least-once, nothing lost within the buffer
 * bound), permanent errors, partial success, and the OTel API path compared
 * field by field with the official OpenTelemetry SDK + OTLP/gRPC exporter.
 */
import * as grpc from '@grpc/grpc-js';
import * as net from 'net';
import * as os from 'os';
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { LoggerProvider as OtelSdkLoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createLogger, templateIdOf, SDK_VERSION, type CreateLoggerOptions } from '../../sdk';
import { PROCESS_INSTANCE_ID } from '../../sdk/resource';
import { OtlpGrpcSink, type SinkRecord } from '../kit/otlp-grpc-sink';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP proxy that counts the bytes the client sends. */
class ByteCountingProxy {
  clientBytes = 0;
  private sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<ByteCountingProxy> {
    const server = net.createServer();
    const proxy = new ByteCountingProxy(server);
    server.on('connection', (client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      proxy.sockets.add(client).add(upstream);
      client.on('data', (chunk) => {
        proxy.clientBytes += chunk.length;
      });
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function makeLogger(sink: OtlpGrpcSink, options: Partial<CreateLoggerOptions> = {}) {
  const diagnostics: string[] = [];
  const log = createLogger({
    service: 'payments',
    endpoint: sink.endpoint,
    level: 'trace',
    exitHooks: false,
    batch: { delayMs: 20 },
    retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
    diagnostics: (m) => diagnostics.push(m),
    ...options,
  });
  return { log, diagnostics };
}

describe('OTLP/gRPC transport', () => {
  let sink: OtlpGrpcSink;
  beforeEach(async () => {
    sink = await OtlpGrpcSink.start();
  });
  afterEach(async () => {
    await sink.stop();
  });

  it('exports Body, typed template arguments, code location, resource and scope', async () => {
    const { log } = makeLogger(sink, { serviceVersion: '2.0.0', resource: { 'deployment.environment': 'test' } });
    const userId = 42;
    function chargeCard() {
      log.info`user ${userId} paid ${12.5} approved=${true} ref=${'A-1'} raw=${new Uint8Array([1, 2, 255])} big=${-(2n ** 40n)}`;
    }
    chargeCard();
    log.warn('user %s retried %d times', 'bob', 3);
    log.child({ requestId: 'r-9' }).error({ orderId: 7 }, 'order failed');
    await log.shutdown();

    const [tagged, printf, structured] = sink.records();
    expect(sink.records()).toHaveLength(3);
    const text = 'user {} paid {} approved={} ref={} raw={} big={}';
    expect(tagged.body).toBe('user 42 paid 12.5 approved=true ref=A-1 raw=AQL/ big=-1099511627776');
    expect(tagged.severityNumber).toBe(9);
    expect(tagged.severityText).toBe('INFO');
    expect(tagged.attributes).toEqual({
      'log.record.template': text,
      'log.record.template.id': templateIdOf(text).toString(),
      'log.record.arg.0': 42n, // int64
      'log.record.arg.1': 12.5, // double
      'log.record.arg.2': true,
      'log.record.arg.3': 'A-1',
      'log.record.arg.4': new Uint8Array([1, 2, 255]),
      'log.record.arg.5': -(2n ** 40n),
      'code.function': 'chargeCard',
      'code.filepath': __filename,
      'code.lineno': expect.any(BigInt),
    });
    expect(tagged.timeUnixNano).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    expect(tagged.observedTimeUnixNano).toBe(tagged.timeUnixNano);
    expect(tagged.resource).toEqual({
      'service.name': 'payments',
      'service.version': '2.0.0',
      'service.instance.id': PROCESS_INSTANCE_ID,
      'host.name': os.hostname(),
      'process.pid': BigInt(process.pid),
      'telemetry.sdk.name': 'logfun',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': SDK_VERSION,
      'deployment.environment': 'test',
    });
    expect(tagged.scope).toMatchObject({ name: 'logfun', version: SDK_VERSION });

    expect(printf.body).toBe('user bob retried 3 times');
    expect(printf.attributes['log.record.template']).toBe('user {} retried {} times');
    expect(printf.attributes['log.record.arg.0']).toBe('bob');
    expect(printf.attributes['log.record.arg.1']).toBe(3n);
    expect(printf.severityNumber).toBe(13);

    expect(structured.body).toBe('order failed');
    expect(structured.attributes).toMatchObject({ requestId: 'r-9', orderId: 7n, 'log.record.template': 'order failed' });
    expect(structured.severityNumber).toBe(17);
    expect(log.stats()).toMatchObject({ emitted: 3, exported: 3, dropped: 0, failedExports: 0 });
  });

  it('compresses with gzip and sends headers when asked', async () => {
    // gRPC servers decompress transparently, so the proof of gzip is the byte count on the wire.
    const bytesSent = async (compression: 'gzip' | 'none') => {
      const proxy = await ByteCountingProxy.start(sink.port);
      const log = createLogger({
        service: 'payments',
        endpoint: `127.0.0.1:${proxy.port}`,
        compression,
        headers: { Authorization: 'Bearer t0k3n' },
        exitHooks: false,
        diagnostics: () => undefined,
      });
      const big = 'z'.repeat(20_000);
      log.info`payload ${big}`;
      await log.shutdown();
      await proxy.close();
      return proxy.clientBytes;
    };
    const plain = await bytesSent('none');
    const gzipped = await bytesSent('gzip');
    expect(plain).toBeGreaterThan(40_000); // Body + argument: 2 x 20 000 bytes
    expect(gzipped).toBeLessThan(5_000);
    const records = sink.records();
    expect(records).toHaveLength(2);
    expect(records[1].body).toBe('payload ' + 'z'.repeat(20_000));
    expect(sink.lastMetadata?.get('authorization')).toEqual(['Bearer t0k3n']);
  });

  it('retries UNAVAILABLE and RESOURCE_EXHAUSTED, then delivers', async () => {
    const { log, diagnostics } = makeLogger(sink);
    sink.failWith(grpc.status.UNAVAILABLE, { times: 2 });
    for (let i = 0; i < 10; i++) log.info`attempt ${i}`;
    await sink.waitForRecords(10);
    sink.failWith(grpc.status.RESOURCE_EXHAUSTED, { times: 2 });
    for (let i = 10; i < 20; i++) log.info`attempt ${i}`;
    await sink.waitForRecords(20);
    await log.shutdown();
    expect(sink.records().map((r) => r.attributes['log.record.arg.0'])).toEqual([...Array(20).keys()].map(BigInt));
    expect(log.stats()).toMatchObject({ emitted: 20, exported: 20, dropped: 0, failedExports: 4 });
    expect(diagnostics.join('\n')).toMatch(/UNAVAILABLE/);
    expect(diagnostics.join('\n')).toMatch(/export recovered/);
  });

  it('survives a real outage: records logged while the server is down arrive after it restarts', async () => {
    const { log } = makeLogger(sink, { buffer: { maxRecords: 5000 } });
    for (let i = 0; i < 100; i++) log.info`before ${i}`;
    await log.flush();
    expect(log.stats().exported).toBe(100);
    await sink.stop();
    for (let i = 0; i < 1000; i++) log.info`during ${i}`;
    await sleep(600); // several failed attempts against a closed port
    expect(log.stats().failedExports).toBeGreaterThan(0);
    expect(log.stats().buffered).toBe(1000);
    await sink.restart();
    for (let i = 0; i < 100; i++) log.info`after ${i}`;
    await sink.waitForRecords(1200, 20_000);
    await log.shutdown();
    const bodies = new Set(sink.records().map((r) => r.body));
    for (let i = 0; i < 100; i++) expect(bodies.has(`before ${i}`)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(bodies.has(`during ${i}`)).toBe(true);
    for (let i = 0; i < 100; i++) expect(bodies.has(`after ${i}`)).toBe(true);
    const s = log.stats();
    expect(s).toMatchObject({ emitted: 1200, exported: 1200, dropped: 0, buffered: 0 });
  });

  it('drops and counts a permanently refused batch, and partial-success rejections', async () => {
    const { log, diagnostics } = makeLogger(sink, { dropReportIntervalMs: 60_000 });
    sink.failWith(grpc.status.INVALID_ARGUMENT, { times: 1 });
    for (let i = 0; i < 4; i++) log.info`refused ${i}`;
    await log.flush();
    sink.respondPartialSuccess(1, 'one record too old');
    for (let i = 0; i < 4; i++) log.info`partial ${i}`;
    await log.flush();
    await log.shutdown();
    // Two in-band drop reports: the first drop is reported at once, the rest at shutdown.
    expect(log.stats()).toMatchObject({ emitted: 4 + 4 + 2, droppedRejected: 5, exported: 3 + 2, failedExports: 1 });
    const all = diagnostics.join('\n');
    expect(all).toMatch(/rejected 4 log records permanently: INVALID_ARGUMENT/);
    expect(all).toMatch(/receiver rejected 1 of 4 log records: one record too old/);
    // The drop report itself reached the receiver as a WARN record.
    expect(sink.records().some((r) => r.severityText === 'WARN' && String(r.body).startsWith('logfun SDK dropped 4 log records'))).toBe(true);
  });

  it('splits a batch the receiver refuses as too large; drops (and counts) a single record that can never fit', async () => {
    const small = await OtlpGrpcSink.start(0, { 'grpc.max_receive_message_length': 16 * 1024 });
    try {
      const { log, diagnostics } = makeLogger(small, { dropReportIntervalMs: 60_000 });
      const chunk = 'c'.repeat(1000);
      for (let i = 0; i < 40; i++) log.info`chunk ${i} ${chunk}`;
      log.info`huge ${'h'.repeat(20_000)}`;
      await log.shutdown();
      const received = small.records().map((r) => r.attributes['log.record.arg.0']);
      expect(received).toEqual([...Array(40).keys()].map(BigInt));
      expect(log.stats()).toMatchObject({ exported: 40, droppedRejected: 1 });
      expect(diagnostics.join('\n')).toMatch(/too large; splitting/);
      expect(diagnostics.join('\n')).toMatch(/rejected 1 log records permanently: RESOURCE_EXHAUSTED/);
    } finally {
      await small.stop();
    }
  });

  it('shutdown flushes everything buffered', async () => {
    const { log } = makeLogger(sink, { batch: { delayMs: 60_000, maxRecords: 64 } });
    for (let i = 0; i < 1000; i++) log.debug('item %d of %d', i, 1000);
    await log.shutdown();
    expect(sink.recordCount()).toBe(1000);
    expect(log.stats()).toMatchObject({ emitted: 1000, exported: 1000, buffered: 0 });
  });
});

describe('OTel API records over OTLP equal those of the official OpenTelemetry SDK', () => {
  let sink: OtlpGrpcSink;
  beforeAll(async () => {
    sink = await OtlpGrpcSink.start();
  });
  afterAll(async () => {
    await sink.stop();
  });

  const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  const error = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
  const records: LogRecord[] = [
    {
      timestamp: [1_700_000_000, 123_456_789],
      observedTimestamp: new Date(1_700_000_001_500),
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'retrying payment',
      attributes: { 'http.route': '/pay', 'http.status_code': 503, ratio: 1.25, retry: true, ids: [1, 2], bytes: new Uint8Array([9, 8]) },
      eventName: 'payment.retry',
      context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
    },
    {
      timestamp: 1_700_000_002_250,
      observedTimestamp: 1_700_000_002_251,
      severityNumber: SeverityNumber.ERROR3,
      body: { event: 'failed', attempt: 3, detail: { code: 'E1', ok: false }, list: [1, 'two', 2.5] },
      attributes: { nested: { a: 1, b: ['x'] } },
      exception: error,
    },
    {
      timestamp: new Date(1_700_000_003_000),
      observedTimestamp: [1_700_000_003, 5],
      body: 42,
    },
    {
      timestamp: [1_700_000_004, 0],
      observedTimestamp: [1_700_000_004, 1],
      body: new Uint8Array([1, 2, 3]),
      severityNumber: SeverityNumber.DEBUG,
    },
    { timestamp: [1_700_000_005, 0], observedTimestamp: [1_700_000_005, 0], severityNumber: SeverityNumber.INFO, attributes: { only: 'attributes' } },
    { timestamp: [1_700_000_006, 0], observedTimestamp: [1_700_000_006, 0], body: null, attributes: { nothing: null, list: [] } },
  ];

  function comparable(r: SinkRecord) {
    const { resource: _resource, scope, ...rest } = r;
    return { ...rest, scope: { name: scope.name, version: scope.version, schemaUrl: scope.schemaUrl } };
  }

  it('field by field', async () => {
    // Official SDK -> official OTLP/gRPC exporter -> sink.
    const exporter = new OTLPLogExporter({ url: `http://${sink.endpoint}` });
    const official = new OtelSdkLoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'official' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    for (const record of records) official.getLogger('lib', '1.0.0', { schemaUrl: 'https://example.com/s' }).emit(record);
    await official.forceFlush();
    await sink.waitForRecords(records.length);
    await official.shutdown();
    const expected = sink.records().map(comparable);
    sink.requests.length = 0;

    // logfun's LoggerProvider -> OTLP transport -> sink.
    const log = createLogger({ service: 'ours', endpoint: sink.endpoint, level: 'trace', exitHooks: false, diagnostics: () => undefined });
    for (const record of records) log.loggerProvider.getLogger('lib', '1.0.0', { schemaUrl: 'https://example.com/s' }).emit(record);
    await log.shutdown();
    const actual = sink.records().map(comparable);

    expect(actual).toHaveLength(records.length);
    expect(actual).toEqual(expected);
  });
});
