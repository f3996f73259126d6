/**
 * Test kit for OTLP tests: a started otlp receiver on ephemeral ports in front
 * of a RecordingConsumer, and a fixed set of log records emitted through the
 * official OpenTelemetry JS SDK and any official OTLP exporter (in a child
 * process, see otel-sdk-emitter.js), together with the exact LogBatch content
 * they must arrive as.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { SeverityNumber, type AnyValue as OtelAnyValue } from '@opentelemetry/api-logs';
import { KeyValueList, LogBatchBuilder, type AnyValue, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { otlpReceiverFactory, type OtlpReceiver, type OtlpReceiverConfig } from '../../collector/receivers/otlp/factory';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { attributeMap, RecordingConsumer, type RecordView } from './recording-consumer';
import { TemplateDictionary } from '../../collector/templates/dictionary';

export interface StartedReceiver {
  receiver: OtlpReceiver;
  consumer: RecordingConsumer;
  metrics: Metrics;
  logger: ReturnType<typeof createMemoryLogger>;
  grpcTarget: string;
  httpUrl: string;
  stop(): Promise<void>;
}

/** An otlp receiver on 127.0.0.1 with ephemeral ports; `limits` shrink the size limits and the gRPC read_timeout for tests. */
export async function startReceiver(
  id = 'otlp',
  limits: { grpcMaxRecv?: string | number; httpMaxBody?: string | number; grpcReadTimeout?: string } = {},
): Promise<StartedReceiver> {
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const consumer = new RecordingConsumer();
  const config: OtlpReceiverConfig = {
    protocols: {
      grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size: limits.grpcMaxRecv ?? '4MiB', ...(limits.grpcReadTimeout !== undefined ? { read_timeout: limits.grpcReadTimeout } : {}) },
      http: { endpoint: '127.0.0.1:0', max_request_body_size: limits.httpMaxBody ?? '4MiB', logs_url_path: '/v1/logs' },
    },
  };
  const receiver = otlpReceiverFactory.create({ id, metrics, logger }, config, consumer) as OtlpReceiver;
  const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
  await receiver.start(host);
  return {
    receiver,
    consumer,
    metrics,
    logger,
    grpcTarget: `127.0.0.1:${receiver.grpcPort}`,
    httpUrl: `http://127.0.0.1:${receiver.httpPort}`,
    stop: () => receiver.shutdown(),
  };
}

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const SCHEMA_URL = 'https://opentelemetry.io/schemas/1.26.0';

/** Body of each fixture record as given to the SDK, and as it must arrive (SDK integers are OTLP ints). */
export const BODY_KINDS: { kind: string; sent: OtelAnyValue; expected: AnyValue }[] = [
  { kind: 'string', sent: 'user u-17 paid 42 EUR', expected: 'user u-17 paid 42 EUR' },
  { kind: 'bool', sent: true, expected: true },
  { kind: 'int', sent: 42, expected: 42n },
  { kind: 'negative int', sent: -9_007_199_254_740_991, expected: -9_007_199_254_740_991n },
  { kind: 'double', sent: 1.5, expected: 1.5 },
  { kind: 'bytes', sent: new Uint8Array([0, 1, 2, 253, 255]), expected: new Uint8Array([0, 1, 2, 253, 255]) },
  { kind: 'array', sent: ['a', 1, true, 2.5], expected: ['a', 1n, true, 2.5] },
  {
    kind: 'kvlist',
    sent: { a: 'x', n: 2 },
    expected: new KeyValueList([
      { key: 'a', value: 'x' },
      { key: 'n', value: 2n },
    ]),
  },
  {
    kind: 'nested',
    sent: { list: [{ deep: [1, [2.5, 'z']] }], map: { inner: { leaf: false } } },
    expected: new KeyValueList([
      { key: 'list', value: [new KeyValueList([{ key: 'deep', value: [1n, [2.5, 'z']] }])] },
      { key: 'map', value: new KeyValueList([{ key: 'inner', value: new KeyValueList([{ key: 'leaf', value: false }]) }]) },
    ]),
  },
  { kind: 'empty', sent: undefined, expected: undefined },
];

/** Nanosecond timestamps of fixture record i: not representable as a double, so precision loss would show. */
export function fixtureTime(i: number): { hr: [number, number]; ns: bigint } {
  return { hr: [1_700_000_000 + i, 123_456_789], ns: BigInt(1_700_000_000 + i) * 1_000_000_000n + 123_456_789n };
}
export const OBSERVED = { hr: [1_700_000_100, 987_654_321] as [number, number], ns: 1_700_000_100_987_654_321n };

export type OfficialExporterKind = 'grpc' | 'http-json' | 'http-proto';

/** The records to emit, in the JSON form otel-sdk-emitter.js reads (Uint8Array tagged). */
function fixtureSpec(): string {
  const spec = {
    resource: { 'service.name': 'checkout', 'deployment.environment.name': 'test', 'host.cores': 8 },
    scope: { name: 'shop.payments', version: '2.0.1', schemaUrl: SCHEMA_URL, attributes: { 'scope.team': 'payments' } },
    // 7 attributes per record fit; record 0 carries two more, which the SDK drops and counts.
    attributeCountLimit: 7,
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    records: BODY_KINDS.map(({ kind, sent }, i) => ({
      timestamp: fixtureTime(i).hr,
      observedTimestamp: OBSERVED.hr,
      severityNumber: SeverityNumber.WARN2,
      severityText: 'WARN2',
      body: sent,
      eventName: i % 2 === 0 ? 'payment.completed' : undefined,
      withSpan: i % 2 === 0,
      attributes: {
        'body.kind': kind,
        index: i,
        ratio: 0.25,
        ok: true,
        tags: ['x', 'y'],
        obj: { k: 'v' },
        raw: new Uint8Array([7]),
        ...(i === 0 ? { extra1: 1, extra2: 2 } : {}),
      },
    })),
  };
  // An undefined body is simply left out, which is what the SDK sees for "no body".
  return JSON.stringify(spec, (_key, value: unknown) => (value instanceof Uint8Array ? { $bytes: [...value] } : value));
}

/**
 * Emits one record per BODY_KINDS entry through the official SDK and the chosen official
 * exporter, in a child Node process (see otel-sdk-emitter.js); resolves when it exited
 * after flush and shutdown, rejects with its stderr otherwise.
 */
export function emitFixtureRecords(kind: OfficialExporterKind, url: string, compression: 'none' | 'gzip' = 'none', env?: NodeJS.ProcessEnv): Promise<string> {
  const script = path.join(__dirname, 'otel-sdk-emitter.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, kind, url, compression], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`otel-sdk-emitter exited with ${code}: ${output}`))));
    child.stdin.end(fixtureSpec());
  });
}

/** Emits the fixture records to `url` and waits until the receiver's consumer has all of them. */
export async function emitAndAwaitFixtureRecords(rx: StartedReceiver, kind: OfficialExporterKind, url: string, compression: 'none' | 'gzip' = 'none'): Promise<void> {
  const output = await emitFixtureRecords(kind, url, compression);
  try {
    await rx.consumer.waitForRecords(BODY_KINDS.length, 10_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nemitter output:\n${output}`);
  }
}

/** Asserts that `records` are exactly the fixture records, field by field. */
export function expectFixtureRecords(records: RecordView[]): void {
  expect(records).toHaveLength(BODY_KINDS.length);
  const byKind = new Map(records.map((r) => [attributeMap(r.attributes)['body.kind'] as string, r]));
  BODY_KINDS.forEach(({ kind, expected }, i) => {
    const r = byKind.get(kind);
    if (!r) throw new Error(`no record with body.kind=${kind}`);
    expect(r.timeUnixNano).toBe(fixtureTime(i).ns);
    expect(r.observedTimeUnixNano).toBe(OBSERVED.ns);
    expect(r.severityNumber).toBe(14);
    expect(r.severityText).toBe('WARN2');
    expect(r.body).toEqual(expected);
    expect(attributeMap(r.attributes)).toEqual({
      'body.kind': kind,
      index: BigInt(i),
      ratio: 0.25,
      ok: true,
      tags: ['x', 'y'],
      obj: new KeyValueList([{ key: 'k', value: 'v' }]),
      raw: new Uint8Array([7]),
    });
    expect(r.droppedAttributesCount).toBe(i === 0 ? 2 : 0);
    if (i % 2 === 0) {
      expect([r.traceId, r.spanId, r.flags, r.eventName]).toEqual([TRACE_ID, SPAN_ID, 1, 'payment.completed']);
    } else {
      expect([r.traceId, r.spanId, r.flags, r.eventName]).toEqual(['', '', 0, '']);
    }
    expect(r.resource.serviceName).toBe('checkout');
    expect(attributeMap(r.resource.attributes)).toMatchObject({ 'service.name': 'checkout', 'deployment.environment.name': 'test', 'host.cores': 8n });
    expect([r.scope.name, r.scope.version, r.scope.schemaUrl]).toEqual(['shop.payments', '2.0.1', SCHEMA_URL]);
    expect(attributeMap(r.scope.attributes)).toEqual({ 'scope.team': 'payments' });
  });
}

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_UINT64 = (1n << 64n) - 1n;

/** Every AnyValue kind, edge values included. */
export const ANY_VALUE_KINDS: [string, AnyValue][] = [
  ['string', 'hello, wörld ✓'],
  ['empty string', ''],
  ['bool true', true],
  ['bool false', false],
  ['int zero', 0n],
  ['int small', 42n],
  ['int negative', -7n],
  ['int beyond 2^53', 9007199254740993n],
  ['int max', MAX_INT64],
  ['int min', MIN_INT64],
  ['double', 3.25],
  ['double negative fraction', -0.125],
  ['double NaN', NaN],
  ['double Infinity', Infinity],
  ['double -Infinity', -Infinity],
  ['double whole', 2],
  ['bytes', new Uint8Array([0, 1, 2, 254, 255])],
  ['bytes empty', new Uint8Array(0)],
  ['array', ['a', 1n, 2.5, true, new Uint8Array([9]), undefined]],
  ['array empty', []],
  ['kvlist', new KeyValueList([{ key: 'a', value: 'x' }, { key: 'n', value: -3n }, { key: 'none', value: undefined }])],
  ['kvlist empty', new KeyValueList([])],
  [
    'nested',
    new KeyValueList([
      { key: 'list', value: [new KeyValueList([{ key: 'deep', value: [1n, [2n, ['three']]] }]), []] },
      { key: 'map', value: new KeyValueList([{ key: 'inner', value: new KeyValueList([{ key: 'leaf', value: false }]) }]) },
    ]),
  ],
  ['empty', undefined],
];

/** A batch with every field set, every AnyValue kind as body and attribute, two resources and three scopes. */
export function richBatch(): LogBatch {
  const b = new LogBatchBuilder();
  const r0 = b.addResource({
    attributes: [
      { key: 'service.name', value: 'checkout' },
      { key: 'host.cores', value: 8n },
    ],
    droppedAttributesCount: 1,
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  });
  const s0 = b.addScope({ name: 'lib.a', version: '1.2.3', attributes: [{ key: 'scope.attr', value: true }], droppedAttributesCount: 2, schemaUrl: 'https://scope/schema' });
  const s1 = b.addScope({ name: 'lib.b', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const r1 = b.addResource({ attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const s2 = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  ANY_VALUE_KINDS.forEach(([name, value], i) => {
    b.add(r0, s0, {
      timeUnixNano: 1_700_000_000_123_456_789n + BigInt(i),
      observedTimeUnixNano: 1_700_000_001_987_654_321n,
      severityNumber: (i % 24) + 1,
      severityText: `SEV${i}`,
      body: value,
      attributes: [
        { key: 'kind', value: name },
        { key: 'value', value },
      ],
      droppedAttributesCount: i,
      flags: 1,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      eventName: i % 2 ? 'app.event' : '',
    });
  });
  b.add(r0, s1, { timeUnixNano: MAX_UINT64, observedTimeUnixNano: 0n, body: 'scope b', flags: 0xffffffff });
  b.add(r1, s2, {});
  return b.batch;
}
