/**
 * The otlp receiver over real gRPC: the official OTel JS SDK with its OTLP/gRPC
 * exporter against it, and a raw grpc-js client for malformed, oversized and refused requests.
 */
import * as net from 'net';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { PermanentError, RetryableError } from '../../collector/pipeline/errors';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { decodeRpcStatus, GRPC_STATUS_DETAILS_KEY } from '../../collector/otlp/status';
import { LOGS_SERVICE_EXPORT_PATH, protoType } from '../../protocol/protos';
import type { Host } from '../../collector/pipeline/component';
import { otlpReceiverFactory, type OtlpReceiver } from '../../collector/receivers/otlp/factory';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { RecordingConsumer } from '../kit/recording-consumer';
import { emitAndAwaitFixtureRecords, expectFixtureRecords, startReceiver, type StartedReceiver } from '../kit/otlp-fixtures';
import { TemplateDictionary } from '../../collector/templates/dictionary';

const identity = (b: Buffer): Buffer => b;

interface CallResult {
  code: number;
  details: string;
  retryDelayMs?: number;
}

/** One raw Export call with the given bytes; resolves with the final status. */
function exportRaw(target: string, payload: Uint8Array, options: grpc.ChannelOptions = {}): Promise<CallResult> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), options);
  return new Promise<CallResult>((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, identity, identity, Buffer.from(payload), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => {
      client.close();
      if (!err) return resolve({ code: grpc.status.OK, details: '' });
      const detailsBin = err.metadata?.get(GRPC_STATUS_DETAILS_KEY)[0];
      resolve({ code: err.code, details: err.details, retryDelayMs: detailsBin instanceof Buffer ? decodeRpcStatus(detailsBin)?.retryDelayMs : undefined });
    });
  });
}

function goodRequest(body = 'hello', bodies = 1): Uint8Array {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'raw', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < bodies; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_001n + BigInt(i), severityNumber: 9, body });
  return encodeExportRequest(b.batch);
}

describe('otlp receiver, gRPC', () => {
  let rx: StartedReceiver;

  beforeEach(async () => {
    rx = await startReceiver('otlp/grpc-test', { grpcMaxRecv: '64KiB' });
  });
  afterEach(async () => {
    await rx.stop();
  });

  const badRequests = (reason: string) => rx.metrics.value('logfun_receiver_bad_requests_total', { receiver: 'otlp/grpc-test', protocol: 'grpc', reason });

  test.each(['none', 'gzip'] as const)('the official OTLP/gRPC exporter delivers every field intact (compression %s)', async (compression) => {
    await emitAndAwaitFixtureRecords(rx, 'grpc', `http://${rx.grpcTarget}`, compression);
    expectFixtureRecords(rx.consumer.records());
    expect(rx.metrics.value('logfun_receiver_accepted_records_total', { receiver: 'otlp/grpc-test' })).toBe(10);
    expect(rx.metrics.value('logfun_receiver_requests_total', { receiver: 'otlp/grpc-test', protocol: 'grpc', outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
  });

  test('malformed protobuf -> INVALID_ARGUMENT, counted, and the server keeps serving', async () => {
    const result = await exportRaw(rx.grpcTarget, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(result.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/malformed OTLP protobuf/);
    expect(badRequests('malformed')).toBe(1);
    expect(rx.consumer.calls).toBe(0);

    expect((await exportRaw(rx.grpcTarget, goodRequest('after the bad one'))).code).toBe(grpc.status.OK);
    expect(rx.consumer.records().map((r) => r.body)).toEqual(['after the bad one']);
  });

  test('a trace id of the wrong length -> INVALID_ARGUMENT naming the field', async () => {
    const Request = protoType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
    const payload = Request.encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: Buffer.alloc(3, 1) }] }] }] }).finish();
    const result = await exportRaw(rx.grpcTarget, payload);
    expect(result.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/traceId: must be 16 bytes, got 3/);
  });

  test('oversized message -> RESOURCE_EXHAUSTED, counted, and the server keeps serving', async () => {
    const big = goodRequest('x'.repeat(70 * 1024));
    const result = await exportRaw(rx.grpcTarget, big);
    expect(result.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(result.retryDelayMs).toBeUndefined(); // not retryable: OTLP clients retry RESOURCE_EXHAUSTED only with RetryInfo
    expect(badRequests('too_large')).toBe(1);
    expect(rx.consumer.calls).toBe(0);
    expect((await exportRaw(rx.grpcTarget, goodRequest('small'))).code).toBe(grpc.status.OK);
  });

  test('a gzip message that decompresses beyond the limit -> RESOURCE_EXHAUSTED', async () => {
    const bomb = goodRequest('a'.repeat(200 * 1024));
    const result = await exportRaw(rx.grpcTarget, bomb, { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    expect(result.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(badRequests('too_large')).toBe(1);
    expect((await exportRaw(rx.grpcTarget, goodRequest('gz ok'), { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip })).code).toBe(grpc.status.OK);
    expect(rx.consumer.records().map((r) => r.body)).toEqual(['gz ok']);
  });

  test('unknown protobuf fields are accepted and the known ones arrive intact', async () => {
    const LogRecord = protoType('opentelemetry.proto.logs.v1.LogRecord');
    const record = LogRecord.encode({ severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'kept' }, timeUnixNano: 1_700_000_000_000_000_123n.toString() }).finish();
    const unknown = protobuf.Writer.create().uint32((4242 << 3) | 2).bytes(Buffer.from('from the future')).finish();
    const scopeLogs = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(Buffer.concat([record, unknown])).finish();
    const resourceLogs = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(Buffer.concat([scopeLogs, unknown])).finish();
    const request = Buffer.concat([protobuf.Writer.create().uint32((1 << 3) | 2).bytes(resourceLogs).finish(), unknown]);
    expect((await exportRaw(rx.grpcTarget, request)).code).toBe(grpc.status.OK);
    const [r] = rx.consumer.records();
    expect([r.severityNumber, r.severityText, r.body, r.timeUnixNano]).toEqual([17, 'ERROR', 'kept', 1_700_000_000_000_000_123n]);
  });

  test('downstream errors map to gRPC codes, with RetryInfo for retryable ones', async () => {
    rx.consumer.failWith(new RetryableError('queue full', 2500), 1);
    expect(await exportRaw(rx.grpcTarget, goodRequest())).toEqual({ code: grpc.status.UNAVAILABLE, details: 'queue full', retryDelayMs: 2500 });

    rx.consumer.failWith(new RetryableError('memory limit', undefined, 'exhausted'), 1);
    const exhausted = await exportRaw(rx.grpcTarget, goodRequest());
    expect(exhausted.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(exhausted.retryDelayMs).toBeGreaterThan(0);

    rx.consumer.failWith(new PermanentError('schema violation'), 1);
    expect(await exportRaw(rx.grpcTarget, goodRequest())).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'schema violation', retryDelayMs: undefined });

    rx.consumer.failWith(new Error('surprise'), 1);
    expect((await exportRaw(rx.grpcTarget, goodRequest())).code).toBe(grpc.status.UNAVAILABLE);

    expect((await exportRaw(rx.grpcTarget, goodRequest('finally'))).code).toBe(grpc.status.OK);
    const id = 'otlp/grpc-test';
    expect(rx.metrics.value('logfun_receiver_refused_records_total', { receiver: id, reason: 'unavailable' })).toBe(1);
    expect(rx.metrics.value('logfun_receiver_refused_records_total', { receiver: id, reason: 'exhausted' })).toBe(1);
    expect(rx.metrics.value('logfun_receiver_refused_records_total', { receiver: id, reason: 'invalid' })).toBe(1);
    expect(rx.metrics.value('logfun_receiver_refused_records_total', { receiver: id, reason: 'error' })).toBe(1);
    expect(rx.metrics.value('logfun_receiver_requests_total', { receiver: id, protocol: 'grpc', outcome: 'refused' })).toBe(4);
    expect(rx.metrics.value('logfun_receiver_accepted_records_total', { receiver: id })).toBe(1);
  });

  test('the sender is acknowledged only after the next consumer accepted', async () => {
    rx.consumer.hold();
    let settled = false;
    const call = exportRaw(rx.grpcTarget, goodRequest('held')).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.consumer.calls).toBe(1);
    expect(settled).toBe(false);
    rx.consumer.release();
    expect((await call).code).toBe(grpc.status.OK);
    expect(rx.consumer.recordCount).toBe(1);
  });

  test('many records in one request, and concurrent requests', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => exportRaw(rx.grpcTarget, goodRequest(`c${i}`, 100))));
    expect(results.every((r) => r.code === grpc.status.OK)).toBe(true);
    expect(rx.consumer.recordCount).toBe(800);
  });
});

describe('otlp receiver lifecycle', () => {
  const settings = () => ({ id: 'otlp/life', metrics: new Metrics(), logger: createMemoryLogger() });
  const host = (s: ReturnType<typeof settings>): Host => ({ metrics: s.metrics, logger: s.logger, components: new Map(), templates: new TemplateDictionary() });

  test('shutdown is safe before start and twice; start after shutdown is refused', async () => {
    const s = settings();
    const receiver = otlpReceiverFactory.create(s, otlpReceiverFactory.createDefaultConfig(), new RecordingConsumer()) as OtlpReceiver;
    await receiver.shutdown();
    await receiver.shutdown();
    await expect(receiver.start(host(s))).rejects.toThrow(/after shutdown/);
  });

  test('a disabled protocol opens no port', async () => {
    const s = settings();
    const receiver = otlpReceiverFactory.create(s, { protocols: { grpc: null, http: { endpoint: '127.0.0.1:0', max_request_body_size: '1MiB', logs_url_path: '/v1/logs' } } }, new RecordingConsumer()) as OtlpReceiver;
    await receiver.start(host(s));
    try {
      expect(receiver.grpcPort).toBeUndefined();
      expect(receiver.httpPort).toBeGreaterThan(0);
    } finally {
      await receiver.shutdown();
    }
  });

  test('a port already in use fails start with a clear error and releases the other port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busyPort = (blocker.address() as net.AddressInfo).port;
    try {
      const s = settings();
      const receiver = otlpReceiverFactory.create(
        s,
        { protocols: { grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size: '1MiB' }, http: { endpoint: `127.0.0.1:${busyPort}`, max_request_body_size: '1MiB', logs_url_path: '/v1/logs' } } },
        new RecordingConsumer(),
      ) as OtlpReceiver;
      await expect(receiver.start(host(s))).rejects.toThrow(new RegExp(`cannot listen for HTTP on 127.0.0.1:${busyPort}`));
      // The gRPC port it had bound is closed again.
      const grpcPort = receiver.grpcPort!;
      expect(grpcPort).toBeGreaterThan(0);
      const probe = net.connect(grpcPort, '127.0.0.1');
      await expect(new Promise((resolve, reject) => probe.on('connect', resolve).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      blocker.close();
    }
  });
});
