/**
 * The otlp receiver over real HTTP: the official OTel JS SDK with its OTLP/HTTP
 * exporters (JSON and protobuf) against it, and raw requests for every error response.
 */
import * as zlib from 'zlib';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { PermanentError, RetryableError } from '../../collector/pipeline/errors';
import { encodeExportRequest, encodeExportRequestJson } from '../../collector/otlp/convert';
import { decodeRpcStatus } from '../../collector/otlp/status';
import { emitAndAwaitFixtureRecords, expectFixtureRecords, startReceiver, type StartedReceiver } from '../kit/otlp-fixtures';

function batchOf(body: string, n = 1) {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'raw', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_001n, body });
  return b.batch;
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** A JSON google.rpc.Status response body. */
async function statusJson(res: Response): Promise<{ code: number; message: string }> {
  return (await res.json()) as { code: number; message: string };
}

describe('otlp receiver, HTTP', () => {
  let rx: StartedReceiver;
  const ID = 'otlp/http-test';

  beforeEach(async () => {
    rx = await startReceiver(ID, { httpMaxBody: '64KiB' });
  });
  afterEach(async () => {
    await rx.stop();
  });

  const logsUrl = () => `${rx.httpUrl}/v1/logs`;
  const post = (body: string | Buffer, headers: Record<string, string>, url = logsUrl()) => fetch(url, { method: 'POST', body, headers });
  const badRequests = (reason: string) => rx.metrics.value('logfun_receiver_bad_requests_total', { receiver: ID, protocol: 'http', reason });

  test.each([
    ['http-json', 'none'],
    ['http-json', 'gzip'],
    ['http-proto', 'none'],
    ['http-proto', 'gzip'],
  ] as const)('the official OTLP/HTTP exporter delivers every field intact (%s, compression %s)', async (kind, compression) => {
    await emitAndAwaitFixtureRecords(rx, kind, logsUrl(), compression);
    expectFixtureRecords(rx.consumer.records());
    expect(rx.metrics.value('logfun_receiver_accepted_records_total', { receiver: ID })).toBe(10);
  });

  test('success responses are an ExportLogsServiceResponse in the request encoding', async () => {
    const proto = await post(Buffer.from(encodeExportRequest(batchOf('p'))), { 'Content-Type': PROTOBUF });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe(PROTOBUF);
    expect((await proto.arrayBuffer()).byteLength).toBe(0);

    const json = await post(encodeExportRequestJson(batchOf('j')), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe(JSON_TYPE);
    expect(await json.json()).toEqual({});
    expect(rx.consumer.records().map((r) => r.body)).toEqual(['p', 'j']);
  });

  test('invalid JSON -> 400 with a JSON Status body; the server keeps serving', async () => {
    const res = await post('{"resourceLogs": [', { 'Content-Type': JSON_TYPE });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(JSON_TYPE);
    const status = await statusJson(res);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/invalid JSON/);

    const wrongType = await post('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText": 7}]}]}]}', { 'Content-Type': JSON_TYPE });
    expect(wrongType.status).toBe(400);
    expect((await statusJson(wrongType)).message).toMatch(/logRecords\[0\]\.severityText: expected a string, got number 7/);
    expect(badRequests('malformed')).toBe(2);
    expect(rx.consumer.calls).toBe(0);

    expect((await post(encodeExportRequestJson(batchOf('fine')), { 'Content-Type': JSON_TYPE })).status).toBe(200);
    expect(rx.consumer.recordCount).toBe(1);
  });

  test('malformed protobuf -> 400 with a protobuf google.rpc.Status body', async () => {
    const res = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), { 'Content-Type': PROTOBUF });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(PROTOBUF);
    const status = decodeRpcStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status?.code).toBe(3);
    expect(status?.message).toMatch(/malformed OTLP protobuf/);
  });

  test('a body over max_request_body_size -> 413, also when only its decompressed size is', async () => {
    const big = Buffer.from(encodeExportRequest(batchOf('x'.repeat(70 * 1024))));
    const res = await post(big, { 'Content-Type': PROTOBUF });
    expect(res.status).toBe(413);
    await res.arrayBuffer();

    const bomb = zlib.gzipSync(Buffer.from(encodeExportRequest(batchOf('a'.repeat(300 * 1024)))));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const gz = await post(bomb, { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(gz.status).toBe(413);
    await gz.arrayBuffer();
    expect(badRequests('too_large')).toBe(2);
    expect(rx.consumer.calls).toBe(0);

    const ok = await post(zlib.gzipSync(Buffer.from(encodeExportRequest(batchOf('small')))), { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(ok.status).toBe(200);
  });

  test('unsupported Content-Type -> 415; unknown Content-Encoding or corrupt gzip -> 400', async () => {
    const res = await post('hello', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
    expect((await statusJson(res)).message).toMatch(/unsupported Content-Type "text\/plain"/);
    expect(badRequests('unsupported_media_type')).toBe(1);

    const br = await post(Buffer.from('x'), { 'Content-Type': PROTOBUF, 'Content-Encoding': 'br' });
    expect(br.status).toBe(400);
    await br.arrayBuffer();
    const corrupt = await post(Buffer.from('not gzip at all'), { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect((await statusJson(corrupt)).message).toMatch(/cannot decompress gzip/);
  });

  test('other paths -> 404, other methods -> 405 with Allow', async () => {
    const traces = await post('{}', { 'Content-Type': JSON_TYPE }, `${rx.httpUrl}/v1/traces`);
    expect(traces.status).toBe(404);
    await traces.arrayBuffer();
    const get = await fetch(logsUrl());
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    await get.arrayBuffer();
    expect(badRequests('not_found')).toBe(1);
    expect(badRequests('method_not_allowed')).toBe(1);
  });

  test('downstream errors -> 503/429 with Retry-After, 400 for permanent ones', async () => {
    const send = () => post(Buffer.from(encodeExportRequest(batchOf('r'))), { 'Content-Type': PROTOBUF });

    rx.consumer.failWith(new RetryableError('exporter down', 2500), 1);
    const unavailable = await send();
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('3');
    expect(decodeRpcStatus(new Uint8Array(await unavailable.arrayBuffer()))?.message).toBe('exporter down');

    rx.consumer.failWith(new RetryableError('memory limit', undefined, 'exhausted'), 1);
    const throttled = await send();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await throttled.arrayBuffer();

    rx.consumer.failWith(new PermanentError('rejected by policy'), 1);
    const permanent = await send();
    expect(permanent.status).toBe(400);
    expect(permanent.headers.get('retry-after')).toBeNull();
    await permanent.arrayBuffer();

    expect((await send()).status).toBe(200);
    expect(rx.metrics.value('logfun_receiver_refused_records_total', { receiver: ID, reason: 'unavailable' })).toBe(1);
    expect(rx.metrics.value('logfun_receiver_requests_total', { receiver: ID, protocol: 'http', outcome: 'refused' })).toBe(3);
    expect(rx.metrics.value('logfun_receiver_requests_total', { receiver: ID, protocol: 'http', outcome: 'accepted' })).toBe(1);
  });

  test('the sender is acknowledged only after the next consumer accepted', async () => {
    rx.consumer.hold();
    let settled = false;
    const req = post(encodeExportRequestJson(batchOf('held')), { 'Content-Type': JSON_TYPE }).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.consumer.calls).toBe(1);
    expect(settled).toBe(false);
    rx.consumer.release();
    expect((await req).status).toBe(200);
  });

  test('shutdown waits for an in-flight request to be acknowledged', async () => {
    rx.consumer.hold();
    const req = post(encodeExportRequestJson(batchOf('in flight')), { 'Content-Type': JSON_TYPE });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = rx.stop();
    await new Promise((r) => setTimeout(r, 100));
    rx.consumer.release();
    expect((await req).status).toBe(200);
    await stopped;
    await expect(fetch(logsUrl(), { method: 'POST' })).rejects.toThrow();
  });
});
