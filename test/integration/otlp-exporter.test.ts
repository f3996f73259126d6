/**
 * The otlp exporter over real gRPC: into our otlp receiver (the collector ->
 * collector chain), and into small grpc-js servers for what the receiver cannot
 * show (headers, partial success, deadlines, TLS).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http2 from 'http2';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as grpc from '@grpc/grpc-js';
import { PermanentError, RetryableError } from '../../collector/pipeline/errors';
import type { Host } from '../../collector/pipeline/component';
import { createDefaultOtlpExporterConfig, type OtlpExporterConfig, type RetryConfig } from '../../collector/exporters/otlp/config';
import { otlpExporterFactory, type OtlpExporter } from '../../collector/exporters/otlp/factory';
import { LOGS_SERVICE_DEFINITION } from '../../collector/receivers/otlp/grpc-server';
import { decodeExportRequest } from '../../collector/otlp/convert';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { OTLP } from '../../protocol/protos';
import { richBatch, startReceiver, type StartedReceiver } from '../kit/otlp-fixtures';
import { recordsOf } from '../kit/recording-consumer';
import { TemplateDictionary } from '../../collector/templates/dictionary';

const EXPORTER_ID = 'otlp/upstream';

interface Started {
  exporter: OtlpExporter;
  metrics: Metrics;
}

const running: OtlpExporter[] = [];

async function startExporter(
  endpoint: string,
  overrides: Partial<Omit<OtlpExporterConfig, 'retry_on_failure'>> & { retry_on_failure?: Partial<RetryConfig> } = {},
): Promise<Started> {
  const defaults = createDefaultOtlpExporterConfig();
  const config: OtlpExporterConfig = {
    ...defaults,
    endpoint,
    ...overrides,
    // Fast backoff so retry tests take milliseconds.
    retry_on_failure: { ...defaults.retry_on_failure, initial_interval: '20ms', max_interval: '100ms', max_elapsed_time: '5s', randomization_factor: 0, ...overrides.retry_on_failure },
  };
  expect(otlpExporterFactory.validate!(config)).toEqual([]);
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const exporter = otlpExporterFactory.create({ id: EXPORTER_ID, metrics, logger }, config, undefined) as OtlpExporter;
  const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
  await exporter.start(host);
  running.push(exporter);
  return { exporter, metrics };
}

/** A grpc-js server for LogsService/Export with the given handler, on an ephemeral port. */
async function startRawServer(
  handler: grpc.handleUnaryCall<Buffer, Buffer>,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<{ port: number; stop: () => void }> {
  const server = new grpc.Server();
  server.addService(LOGS_SERVICE_DEFINITION, { Export: handler });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return { port, stop: () => server.forceShutdown() };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.shutdown()));
});

describe('otlp exporter -> otlp receiver', () => {
  let rx: StartedReceiver;
  beforeEach(async () => {
    rx = await startReceiver('otlp/downstream', { grpcMaxRecv: '256KiB' });
  });
  afterEach(async () => {
    await rx.stop();
  });

  test.each(['gzip', 'none'])('delivers a batch with every field and value kind intact (compression %s)', async (compression) => {
    const { exporter, metrics } = await startExporter(rx.grpcTarget, { compression });
    const batch = richBatch();
    await exporter.consumeLogs(batch);
    // Acknowledged means the receiver's consumer already has it.
    expect(rx.consumer.batches).toHaveLength(1);
    expect(recordsOf(rx.consumer.batches[0])).toEqual(recordsOf(batch));
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: EXPORTER_ID })).toBe(batch.length);
  });

  test('an http:// endpoint prefix is accepted as plaintext', async () => {
    const { exporter } = await startExporter(`http://${rx.grpcTarget}`, { tls: { ...createDefaultOtlpExporterConfig().tls, insecure: false } });
    await exporter.consumeLogs(richBatch());
    expect(rx.consumer.recordCount).toBe(richBatch().length);
  });

  test('UNAVAILABLE is retried with backoff until the receiver accepts', async () => {
    const { exporter, metrics } = await startExporter(rx.grpcTarget);
    rx.consumer.failWith(new RetryableError('downstream busy'), 2);
    await exporter.consumeLogs(richBatch());
    expect(rx.consumer.calls).toBe(3);
    expect(rx.consumer.recordCount).toBe(richBatch().length);
    expect(metrics.value('logfun_exporter_send_retries_total', { exporter: EXPORTER_ID })).toBe(2);
  });

  test('RESOURCE_EXHAUSTED with RetryInfo waits at least the given delay, then retries', async () => {
    const { exporter } = await startExporter(rx.grpcTarget);
    rx.consumer.failWith(new RetryableError('memory limit', 400, 'exhausted'), 1);
    const started = Date.now();
    await exporter.consumeLogs(richBatch());
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(rx.consumer.calls).toBe(2);
  });

  test('INVALID_ARGUMENT is permanent: no retry, PermanentError, counted', async () => {
    const { exporter, metrics } = await startExporter(rx.grpcTarget);
    rx.consumer.failWith(new PermanentError('schema violation'));
    const err = await exporter.consumeLogs(richBatch()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/INVALID_ARGUMENT: schema violation/);
    expect(rx.consumer.calls).toBe(1);
    expect(metrics.value('logfun_exporter_send_failed_records_total', { exporter: EXPORTER_ID, reason: 'permanent' })).toBe(richBatch().length);
  });

  test('a message over the receiver limit (RESOURCE_EXHAUSTED without RetryInfo) is permanent', async () => {
    const { exporter } = await startExporter(rx.grpcTarget, { compression: 'none' });
    const batch = richBatch();
    batch.body[0] = 'y'.repeat(300 * 1024);
    const err = await exporter.consumeLogs(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/RESOURCE_EXHAUSTED/);
  });

  test('gives up after max_elapsed_time with a RetryableError', async () => {
    const { exporter, metrics } = await startExporter(rx.grpcTarget, { retry_on_failure: { max_elapsed_time: '200ms' } });
    rx.consumer.failWith(new RetryableError('down for good'));
    const err = await exporter.consumeLogs(richBatch()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as Error).message).toMatch(/not delivered after \d+ attempt\(s\): UNAVAILABLE: down for good/);
    expect(metrics.value('logfun_exporter_send_failed_records_total', { exporter: EXPORTER_ID, reason: 'retries_exhausted' })).toBe(richBatch().length);
  });

  test('shutdown ends a retry wait promptly', async () => {
    const { exporter } = await startExporter(rx.grpcTarget, { retry_on_failure: { initial_interval: '10s', max_interval: '10s', max_elapsed_time: '60s' } });
    rx.consumer.failWith(new RetryableError('down'));
    const pending = exporter.consumeLogs(richBatch()).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await exporter.shutdown();
    const err = await pending;
    expect(err).toBeInstanceOf(RetryableError);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(exporter.consumeLogs(richBatch())).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('otlp exporter against a plain gRPC server', () => {
  test('sends the configured headers as metadata', async () => {
    const seen: grpc.Metadata[] = [];
    const server = await startRawServer((call, cb) => {
      seen.push(call.metadata);
      expect(decodeExportRequest(call.request).length).toBe(richBatch().length);
      cb(null, Buffer.alloc(0));
    });
    try {
      const { exporter } = await startExporter(`127.0.0.1:${server.port}`, { headers: { Authorization: 'Bearer s3cret', 'x-tenant': 'acme' } });
      await exporter.consumeLogs(richBatch());
      expect(seen[0].get('authorization')).toEqual(['Bearer s3cret']);
      expect(seen[0].get('x-tenant')).toEqual(['acme']);
    } finally {
      server.stop();
    }
  });

  test.each([
    ['gzip', 1],
    ['none', 0],
  ])('compression %s is what goes over the wire', async (compression, compressedFlag) => {
    // A bare HTTP/2 server speaking just enough gRPC to see the request frame as sent.
    const seen: { encoding: string | undefined; flag: number; message: Buffer }[] = [];
    const server = http2.createServer();
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on('session', (session) => sessions.add(session));
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const frame = Buffer.concat(chunks);
        seen.push({ encoding: headers['grpc-encoding'] as string | undefined, flag: frame[0], message: frame.subarray(5, 5 + frame.readUInt32BE(1)) });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.alloc(5)); // one empty, uncompressed response message
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { exporter } = await startExporter(`127.0.0.1:${(server.address() as { port: number }).port}`, { compression });
      await exporter.consumeLogs(richBatch());
      expect(seen).toHaveLength(1);
      expect(seen[0].flag).toBe(compressedFlag);
      const payload = compressedFlag ? zlib.gunzipSync(seen[0].message) : seen[0].message;
      expect(recordsOf(decodeExportRequest(payload))).toEqual(recordsOf(richBatch()));
      if (compressedFlag) expect(seen[0].encoding).toBe('gzip');
    } finally {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a partial success is counted, not retried', async () => {
    let calls = 0;
    const response = Buffer.from(OTLP.ExportLogsServiceResponse.encode({ partialSuccess: { rejectedLogRecords: 2, errorMessage: 'two too old' } }).finish());
    const server = await startRawServer((_call, cb) => {
      calls++;
      cb(null, response);
    });
    try {
      const { exporter, metrics } = await startExporter(`127.0.0.1:${server.port}`);
      const batch = richBatch();
      await exporter.consumeLogs(batch);
      expect(calls).toBe(1);
      expect(metrics.value('logfun_exporter_send_failed_records_total', { exporter: EXPORTER_ID, reason: 'partial' })).toBe(2);
      expect(metrics.value('logfun_exporter_sent_records_total', { exporter: EXPORTER_ID })).toBe(batch.length - 2);
    } finally {
      server.stop();
    }
  });

  test('a server that does not answer within timeout is retried (DEADLINE_EXCEEDED)', async () => {
    let calls = 0;
    const server = await startRawServer((_call, cb) => {
      calls++;
      if (calls > 1) cb(null, Buffer.alloc(0)); // the first call is left hanging
    });
    try {
      const { exporter } = await startExporter(`127.0.0.1:${server.port}`, { timeout: '200ms' });
      await exporter.consumeLogs(richBatch());
      expect(calls).toBe(2);
    } finally {
      server.stop();
    }
  });

  test('an unreachable endpoint is retryable', async () => {
    const server = await startRawServer((_call, cb) => cb(null, Buffer.alloc(0)));
    const port = server.port;
    server.stop();
    const { exporter } = await startExporter(`127.0.0.1:${port}`, { retry_on_failure: { max_elapsed_time: '150ms' } });
    await expect(exporter.consumeLogs(richBatch())).rejects.toBeInstanceOf(RetryableError);
  });

  const haveOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  (haveOpenssl ? test : test.skip)('TLS: verifies the server against tls.ca_file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-otlp-tls-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
      let received = 0;
      const server = await startRawServer(
        (call, cb) => {
          received += decodeExportRequest(call.request).length;
          cb(null, Buffer.alloc(0));
        },
        grpc.ServerCredentials.createSsl(null, [{ private_key: fs.readFileSync(key), cert_chain: fs.readFileSync(cert) }]),
      );
      try {
        const tls = { ...createDefaultOtlpExporterConfig().tls, insecure: false, ca_file: cert };
        const { exporter } = await startExporter(`localhost:${server.port}`, { tls });
        await exporter.consumeLogs(richBatch());
        expect(received).toBe(richBatch().length);

        // Without the CA the certificate is untrusted: the connection fails (retryable), nothing arrives.
        const untrusted = await startExporter(`localhost:${server.port}`, { tls: { ...tls, ca_file: '' }, retry_on_failure: { max_elapsed_time: '100ms' } });
        await expect(untrusted.exporter.consumeLogs(richBatch())).rejects.toBeInstanceOf(RetryableError);
        expect(received).toBe(richBatch().length);
      } finally {
        server.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
