/**
 * The OTLP/HTTP receiver's admission limits with real sockets (issue 12,
 * finding 9): a connection beyond max_connections gets 503 with Retry-After and
 * is closed; a client that sends its headers too slowly (slowloris) or its body
 * too slowly gets 408 and is disconnected; a declared body larger than
 * max_request_body_size is answered 413 without the body being buffered. Every
 * refusal is counted in logfun_receiver_refused_requests_total, and a normal
 * request is served throughout.
 */
import * as net from 'net';
import { otlpReceiverFactory } from '../../collector/receivers/otlp/factory';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { RecordingConsumer } from '../kit/recording-consumer';

jest.setTimeout(60_000);

const BODY = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'ok' } }] }] }] });

/** Opens a raw connection; `response()` resolves with everything the server sent until it closed. */
function connect(port: number): Promise<{ socket: net.Socket; response: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const closed = new Promise<string>((r) => socket.on('close', () => r(data)));
    socket.on('data', (b) => (data += b.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, response: () => closed }));
    socket.once('error', reject);
  });
}

function post(port: number, body = BODY): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('OTLP/HTTP admission', () => {
  let receiver: OtlpReceiver;
  let metrics: Metrics;
  let consumer: RecordingConsumer;
  let port: number;
  const refused = (reason: string) => metrics.value('logfun_receiver_refused_requests_total', { receiver: 'otlp/http-admission', protocol: 'http', reason });

  beforeAll(async () => {
    const config = otlpReceiverFactory.createDefaultConfig();
    config.protocols.grpc = null;
    config.protocols.http = { endpoint: '127.0.0.1:0', max_request_body_size: '64KiB', logs_url_path: '/v1/logs', max_connections: 4, read_header_timeout: '400ms', read_timeout: '800ms' };
    expect(otlpReceiverFactory.validate!(config)).toEqual([]);
    metrics = new Metrics();
    const logger = createMemoryLogger();
    consumer = new RecordingConsumer();
    receiver = otlpReceiverFactory.create({ id: 'otlp/http-admission', metrics, logger }, config, consumer) as OtlpReceiver;
    await receiver.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
    port = receiver.httpPort!;
  });

  afterAll(async () => {
    await receiver.shutdown();
  });

  test('the new keys are validated, every problem reported at once', () => {
    const config = otlpReceiverFactory.createDefaultConfig();
    config.protocols.grpc!.max_concurrent_streams = 0;
    config.protocols.http = { endpoint: '0.0.0.0:4318', max_request_body_size: '4MiB', logs_url_path: '/v1/logs', max_connections: -1, read_header_timeout: 'soon', read_timeout: '5s' };
    config.limits = { max_records_per_request: 10, max_attributes_per_record: 10, max_attribute_value_length: 10, max_any_value_depth: 10, max_in_flight_bytes: '1MiB' };
    expect(otlpReceiverFactory.validate!(config)).toEqual([
      'protocols.grpc.max_concurrent_streams: must be a whole number from 1 to 1000000, got 0',
      'protocols.http.max_connections: must be a whole number from 1 to 1000000, got -1',
      'protocols.http.read_header_timeout: invalid duration "soon" (use e.g. 500ms, 5s, 2m, 1h)',
      'limits.max_in_flight_bytes (1048576 bytes) must be at least the largest request a protocol accepts (4194304 bytes)',
    ]);
  });

  test('connections beyond max_connections get 503 + Retry-After and are closed; normal requests go on', async () => {
    const idle = await Promise.all([connect(port), connect(port), connect(port), connect(port)]);
    const extra = await connect(port);
    extra.socket.write(`POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
    const answer = await extra.response();
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/retry-after: 1/i);
    expect(refused('max_connections')).toBe(1);
    for (const c of idle) c.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const res = await post(port);
    expect(res.status).toBe(200);
  });

  test('slow headers and slow bodies get 408 and are disconnected, counted as timeouts', async () => {
    const before = refused('timeout');
    const slowHeaders = await connect(port);
    slowHeaders.socket.write('POST /v1/logs HTTP/1.1\r\nHost: x\r\n');
    const slowBody = await connect(port);
    slowBody.socket.write(`POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY.slice(0, 10)}`);
    const started = Date.now();
    const [a, b] = await Promise.all([slowHeaders.response(), slowBody.response()]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(a).toMatch(/^HTTP\/1\.1 408 /);
    expect(b).toMatch(/^HTTP\/1\.1 408 /);
    expect(refused('timeout') - before).toBe(2);
    expect((await post(port)).status).toBe(200);
  });

  test('a declared body over max_request_body_size is refused with 413, never buffered', async () => {
    const c = await connect(port);
    c.socket.write(`POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`);
    c.socket.write(Buffer.alloc(64 * 1024, 0x20));
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([c.response(), new Promise<string>((r) => (timer = setTimeout(() => r('no answer'), 5_000)))]);
    clearTimeout(timer);
    c.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(metrics.value('logfun_receiver_bad_requests_total', { receiver: 'otlp/http-admission', protocol: 'http', reason: 'too_large' })).toBe(1);
    expect(metrics.value('logfun_receiver_in_flight_bytes', { receiver: 'otlp/http-admission' })).toBe(0);
  });
});
