/**
 * TLS and bearer-token auth on the otlp receiver, over real gRPC and HTTPS with a
 * PKI made by openssl at test time (test/kit/tls-certs.ts):
 *   - the SDK's compact stream and its OTLP/gRPC transport over TLS with a token;
 *   - a missing or wrong token: UNAUTHENTICATED / 401, counted, the SDK backs off
 *     (no hot reconnect loop, records kept, not dropped), other clients unaffected;
 *   - the official OTel OTLP exporters (gRPC, HTTP/protobuf, HTTP/JSON), configured
 *     the standard way (OTEL_EXPORTER_OTLP_CERTIFICATE / OTEL_EXPORTER_OTLP_HEADERS);
 *   - the collector's own otlp exporter (tls.ca_file + headers);
 *   - plaintext clients against TLS ports fail cleanly; mutual TLS;
 *   - config errors for missing/bad certificate files and auth settings at load.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { createLogger, type RootLogger } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import type { Host } from '../../collector/pipeline/component';
import { otlpReceiverFactory, type OtlpReceiver, type OtlpReceiverConfig } from '../../collector/receivers/otlp/factory';
import { otlpExporterFactory, type OtlpExporter } from '../../collector/exporters/otlp/factory';
import { createDefaultOtlpExporterConfig } from '../../collector/exporters/otlp/config';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { parseConfig, ConfigError } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { RecordingConsumer } from '../kit/recording-consumer';
import { BODY_KINDS, emitFixtureRecords, expectFixtureRecords, type StartedReceiver } from '../kit/otlp-fixtures';
import { makeTestPki, type TestPki } from '../kit/tls-certs';

jest.setTimeout(30_000);

const TOKEN = 'ingest-token-7f3a';
const RECEIVER = 'otlp/secure';
const identity = (b: Buffer): Buffer => b;

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

interface SecureReceiver extends StartedReceiver {
  grpcPort: number;
  httpPort: number;
  refused(protocol: 'grpc' | 'http'): number;
}

async function startSecureReceiver(options: { mtls?: boolean; auth?: boolean } = {}): Promise<SecureReceiver> {
  const tls = { cert_file: pki.server.certFile, key_file: pki.server.keyFile, ...(options.mtls ? { client_ca_file: pki.ca.certFile } : {}) };
  const auth = options.auth === false ? undefined : { token: TOKEN };
  const config: OtlpReceiverConfig = {
    protocols: {
      grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size: '4MiB', tls, auth },
      http: { endpoint: '127.0.0.1:0', max_request_body_size: '4MiB', logs_url_path: '/v1/logs', tls, auth },
    },
  };
  expect(otlpReceiverFactory.validate!(config)).toEqual([]);
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const consumer = new RecordingConsumer();
  const receiver = otlpReceiverFactory.create({ id: RECEIVER, metrics, logger }, config, consumer) as OtlpReceiver;
  const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
  await receiver.start(host);
  return {
    receiver,
    consumer,
    metrics,
    logger,
    grpcPort: receiver.grpcPort!,
    httpPort: receiver.httpPort!,
    grpcTarget: `127.0.0.1:${receiver.grpcPort}`,
    httpUrl: `https://127.0.0.1:${receiver.httpPort}`,
    stop: () => receiver.shutdown(),
    refused: (protocol) => metrics.value('logfun_receiver_refused_requests_total', { receiver: RECEIVER, protocol, reason: 'auth' }),
  };
}

function goodRequest(body: string): Buffer {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'raw' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'raw', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_001n, severityNumber: 9, body });
  return Buffer.from(encodeExportRequest(b.batch));
}

/** One raw Export call; resolves with the status code and details. */
function exportRaw(target: string, credentials: grpc.ChannelCredentials, authorization?: string, body = 'raw'): Promise<{ code: number; details: string }> {
  const client = new grpc.Client(target, credentials);
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, identity, identity, goodRequest(body), metadata, { deadline: Date.now() + 5000 }, (err) => {
      client.close();
      resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' });
    });
  });
}

function postHttps(url: string, headers: Record<string, string>, body: Buffer, ca: Buffer = pki.ca.cert): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', headers, ca, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface SdkRun {
  log: RootLogger;
  diagnostics: string[];
}

function sdk(options: Parameters<typeof createLogger>[0]): SdkRun {
  const diagnostics: string[] = [];
  const log = createLogger({
    service: 'tls-test',
    exitHooks: false,
    batch: { delayMs: 10 },
    retry: { initialBackoffMs: 50, maxBackoffMs: 400 },
    diagnostics: (m) => diagnostics.push(m),
    ...options,
  });
  return { log, diagnostics };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('otlp receiver with TLS and a bearer token', () => {
  let rx: SecureReceiver;
  beforeAll(async () => {
    rx = await startSecureReceiver();
  });
  afterAll(async () => {
    await rx.stop();
  });

  test('the SDK compact stream over TLS with the token delivers its records', async () => {
    const before = rx.consumer.records().length;
    const { log, diagnostics } = sdk({ transport: 'logfun', endpoint: `https://127.0.0.1:${rx.grpcPort}`, tls: { ca: pki.ca.cert }, token: TOKEN });
    try {
      for (let i = 0; i < 50; i++) log.info`secure order ${i}`;
      await log.flush();
      expect((log.transport as LogfunStreamTransport).connected).toBe(true);
      expect(log.stats().exported).toBe(50);
    } finally {
      await log.shutdown();
    }
    expect(diagnostics).toEqual([]);
    expect(rx.consumer.records().length - before).toBe(50);
    expect(rx.refused('grpc')).toBe(0);
  });

  test('the SDK checks the server name: servername "localhost" matches the certificate, another name does not', async () => {
    const ok = sdk({ transport: 'logfun', endpoint: `127.0.0.1:${rx.grpcPort}`, tls: { ca: pki.ca.cert.toString(), servername: 'localhost' }, token: TOKEN });
    try {
      ok.log.info`by name`;
      await ok.log.flush();
      expect(ok.log.stats().exported).toBe(1);
    } finally {
      await ok.log.shutdown();
    }
    const wrong = sdk({ transport: 'logfun', endpoint: `127.0.0.1:${rx.grpcPort}`, tls: { ca: pki.ca.cert, servername: 'collector.example' }, token: TOKEN, shutdownTimeoutMs: 200 });
    try {
      wrong.log.info`wrong name`;
      await waitFor('a failed export', () => wrong.diagnostics.length > 0);
      expect(wrong.diagnostics.join('\n')).toMatch(/UNAVAILABLE.*(altnames|collector\.example)/);
      expect(wrong.log.stats().exported).toBe(0);
    } finally {
      await wrong.log.shutdown();
    }
  });

  test('a missing or wrong token: UNAUTHENTICATED, counted, backed off, records kept; a client with the token is unaffected', async () => {
    const refusedBefore = rx.refused('grpc');
    const bad = sdk({ transport: 'logfun', endpoint: `https://127.0.0.1:${rx.grpcPort}`, tls: { ca: pki.ca.cert }, token: 'not-the-token', shutdownTimeoutMs: 100 });
    const good = sdk({ transport: 'logfun', endpoint: `https://127.0.0.1:${rx.grpcPort}`, tls: { ca: pki.ca.cert }, token: TOKEN });
    const start = Date.now();
    try {
      for (let i = 0; i < 10; i++) bad.log.info`refused ${i}`;
      for (let i = 0; i < 10; i++) good.log.info`accepted ${i}`;
      await good.log.flush();
      expect(good.log.stats().exported).toBe(10);
      // Keep the refused client busy for a while: it must back off, not spin.
      await new Promise((r) => setTimeout(r, 1500));
      const transport = bad.log.transport as LogfunStreamTransport;
      const elapsed = Date.now() - start;
      // Reconnect backoff 200 ms doubling to 5 s: a handful of attempts in 1.5 s, never hundreds.
      expect(transport.connects).toBeGreaterThanOrEqual(2);
      expect(transport.connects).toBeLessThanOrEqual(Math.ceil(elapsed / 100));
      const text = bad.diagnostics.join('\n');
      expect(text).toMatch(/UNAUTHENTICATED: cannot open the logfun stream .*invalid bearer token/);
      expect(text).toMatch(/check the token option/);
      // Said once by the transport, then by the pipeline's own failure reports.
      expect(bad.diagnostics.filter((d) => /check the token option/.test(d))).toHaveLength(1);
      expect(bad.log.stats().exported).toBe(0);
      expect(bad.log.stats().dropped).toBe(0);
      expect(bad.log.stats().buffered).toBe(10);
      // Every attempt was refused and counted (the latest may still be in flight).
      const refusedNow = rx.refused('grpc') - refusedBefore;
      expect(refusedNow).toBeLessThanOrEqual(transport.connects);
      expect(refusedNow).toBeGreaterThanOrEqual(transport.connects - 1);
    } finally {
      await good.log.shutdown();
      await bad.log.shutdown();
    }
    // The refused records never reached the consumer.
    expect(rx.consumer.records().some((r) => String(r.body).startsWith('refused'))).toBe(false);
    // A refusal is logged (rate-limited), with the reason but never the token.
    const refusals = rx.logger.messages.filter((m) => m.msg === 'otlp receiver: request refused');
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals[0].fields).toMatchObject({ protocol: 'grpc', reason: 'invalid bearer token' });
    expect(JSON.stringify(rx.logger.messages)).not.toContain('not-the-token');
  });

  test('raw OTLP/gRPC Export: no token and a wrong token -> UNAUTHENTICATED; the right one -> OK', async () => {
    const creds = grpc.credentials.createSsl(pki.ca.cert);
    const before = rx.refused('grpc');
    const missing = await exportRaw(rx.grpcTarget, creds);
    expect(missing.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(missing.details).toMatch(/missing bearer token/);
    const wrong = await exportRaw(rx.grpcTarget, creds, `Bearer ${TOKEN}x`);
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.details).toMatch(/invalid bearer token/);
    const basic = await exportRaw(rx.grpcTarget, creds, `Basic ${TOKEN}`);
    expect(basic.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(rx.refused('grpc') - before).toBe(3);
    const ok = await exportRaw(rx.grpcTarget, creds, `bearer ${TOKEN}`, 'raw with token');
    expect(ok.code).toBe(grpc.status.OK);
    expect(rx.consumer.records().some((r) => r.body === 'raw with token')).toBe(true);
    expect(rx.refused('grpc') - before).toBe(3);
  });

  test('OTLP/HTTP: no token and a wrong token -> 401 with a Status body; the right one -> 200', async () => {
    const before = rx.refused('http');
    const url = `${rx.httpUrl}/v1/logs`;
    const json = { 'content-type': 'application/json' };
    const missing = await postHttps(url, json, Buffer.from('{}'));
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(missing.body)).toEqual({ code: 16, message: expect.stringMatching(/missing bearer token/) });
    const wrong = await postHttps(url, { ...json, authorization: 'Bearer nope' }, Buffer.from('{}'));
    expect(wrong.status).toBe(401);
    // Before routing: an unknown path says nothing more without the token.
    const elsewhere = await postHttps(`${rx.httpUrl}/v1/traces`, json, Buffer.from('{}'));
    expect(elsewhere.status).toBe(401);
    expect(rx.refused('http') - before).toBe(3);
    const ok = await postHttps(url, { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` }, goodRequest('http with token'));
    expect(ok.status).toBe(200);
    expect(rx.consumer.records().some((r) => r.body === 'http with token')).toBe(true);
  });

  describe('the official OTel OTLP exporters, configured by the standard environment variables', () => {
    const otelEnv = (headers: string | undefined): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = { ...process.env, OTEL_EXPORTER_OTLP_CERTIFICATE: pki.ca.certFile };
      delete env.OTEL_EXPORTER_OTLP_HEADERS;
      delete env.OTEL_EXPORTER_OTLP_LOGS_HEADERS;
      if (headers !== undefined) env.OTEL_EXPORTER_OTLP_HEADERS = headers;
      return env;
    };
    const urlFor = (kind: string) => (kind === 'grpc' ? `https://127.0.0.1:${rx.grpcPort}` : `${rx.httpUrl}/v1/logs`);

    test.each(['grpc', 'http-proto', 'http-json'] as const)('%s over TLS with the bearer header delivers every field', async (kind) => {
      const seen = rx.consumer.recordCount;
      const output = await emitFixtureRecords(kind, urlFor(kind), 'none', otelEnv(`authorization=Bearer%20${TOKEN}`));
      // The receiver's consumer is shared by the tests: check the new records only.
      await rx.consumer.waitForRecords(seen + BODY_KINDS.length, 10_000).catch((err: Error) => {
        throw new Error(`${err.message}\nemitter output:\n${output}`);
      });
      expectFixtureRecords(rx.consumer.records().slice(seen));
    });

    test.each(['grpc', 'http-proto'] as const)('%s without the header is refused and counted', async (kind) => {
      const protocol = kind === 'grpc' ? 'grpc' : 'http';
      const before = rx.refused(protocol);
      const seen = rx.consumer.recordCount;
      const output = await emitFixtureRecords(kind, urlFor(kind), 'none', otelEnv(undefined));
      expect(rx.refused(protocol)).toBeGreaterThan(before);
      expect(rx.consumer.recordCount).toBe(seen);
      expect(output).toMatch(/UNAUTHENTICATED|Unauthorized|401/i);
    });
  });

  test("the collector's otlp exporter reaches it with tls.ca_file and an authorization header", async () => {
    const config = {
      ...createDefaultOtlpExporterConfig(),
      endpoint: `127.0.0.1:${rx.grpcPort}`,
      tls: { ...createDefaultOtlpExporterConfig().tls, insecure: false, ca_file: pki.ca.certFile },
      headers: { authorization: `Bearer ${TOKEN}` },
    };
    expect(otlpExporterFactory.validate!(config)).toEqual([]);
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const exporter = otlpExporterFactory.create({ id: 'otlp/upstream', metrics, logger }, config, undefined) as OtlpExporter;
    await exporter.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
    try {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: [{ key: 'service.name', value: 'relay' }], droppedAttributesCount: 0, schemaUrl: '' });
      const s = b.addScope({ name: 'relay', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_001n, severityNumber: 9, body: 'relayed securely' });
      await exporter.consumeLogs(b.batch);
    } finally {
      await exporter.shutdown();
    }
    expect(rx.consumer.records().some((r) => r.body === 'relayed securely')).toBe(true);
  });

  test('plaintext clients against the TLS ports fail cleanly, and the ports keep serving', async () => {
    const plain = await exportRaw(rx.grpcTarget, grpc.credentials.createInsecure(), `Bearer ${TOKEN}`);
    expect(plain.code).toBe(grpc.status.UNAVAILABLE);

    await expect(
      new Promise((resolve, reject) => {
        const req = http.request(`http://127.0.0.1:${rx.httpPort}/v1/logs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, agent: false }, resolve);
        req.on('error', reject);
        req.end('{}');
      }),
    ).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);

    const { log, diagnostics } = sdk({ transport: 'logfun', endpoint: `http://127.0.0.1:${rx.grpcPort}`, token: TOKEN, shutdownTimeoutMs: 100 });
    try {
      log.info`plaintext attempt`;
      await waitFor('a failed export', () => diagnostics.length > 0);
      expect(diagnostics.join('\n')).toMatch(/UNAVAILABLE/);
      expect(log.stats().exported).toBe(0);
    } finally {
      await log.shutdown();
    }

    expect((await exportRaw(rx.grpcTarget, grpc.credentials.createSsl(pki.ca.cert), `Bearer ${TOKEN}`)).code).toBe(grpc.status.OK);
    expect((await postHttps(`${rx.httpUrl}/v1/logs`, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, Buffer.from('{}'))).status).toBe(200);
  });

  test('a client that does not trust the CA fails the handshake', async () => {
    const untrusted = await exportRaw(rx.grpcTarget, grpc.credentials.createSsl(pki.otherCa.cert), `Bearer ${TOKEN}`);
    expect(untrusted.code).toBe(grpc.status.UNAVAILABLE);
    await expect(postHttps(`${rx.httpUrl}/v1/logs`, { authorization: `Bearer ${TOKEN}` }, Buffer.from('{}'), pki.otherCa.cert)).rejects.toThrow(/self[- ]signed|unable to (verify|get)/i);
  });
});

describe('mutual TLS (client_ca_file)', () => {
  let rx: SecureReceiver;
  beforeAll(async () => {
    rx = await startSecureReceiver({ mtls: true });
  });
  afterAll(async () => {
    await rx.stop();
  });

  test('a client without a certificate is refused; with one signed by the CA it delivers (compact stream and OTLP transport)', async () => {
    const without = await exportRaw(rx.grpcTarget, grpc.credentials.createSsl(pki.ca.cert), `Bearer ${TOKEN}`);
    expect(without.code).toBe(grpc.status.UNAVAILABLE);
    await expect(postHttps(`${rx.httpUrl}/v1/logs`, { authorization: `Bearer ${TOKEN}` }, Buffer.from('{}'))).rejects.toThrow();

    const tls = { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key };
    const compact = sdk({ transport: 'logfun', endpoint: `127.0.0.1:${rx.grpcPort}`, tls, token: TOKEN });
    const otlp = sdk({ transport: 'otlp', endpoint: `https://localhost:${rx.grpcPort}`, tls: { ...tls, servername: 'localhost' }, token: TOKEN });
    try {
      compact.log.info`mutual ${1}`;
      otlp.log.info`mutual ${2}`;
      await Promise.all([compact.log.flush(), otlp.log.flush()]);
      expect(compact.log.stats().exported).toBe(1);
      expect(otlp.log.stats().exported).toBe(1);
    } finally {
      await Promise.all([compact.log.shutdown(), otlp.log.shutdown()]);
    }
    expect(rx.consumer.records()).toHaveLength(2);
  });
});

describe('config', () => {
  const factories = defaultFactories();
  function problemsOf(yaml: string): string[] {
    try {
      parseConfig(yaml, factories, 'test');
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  }
  const pipeline = `
exporters:
  debug: {}
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`;

  test('createLogger rejects bad tls and token options with a clear message', () => {
    expect(() => createLogger({ transport: 'logfun', tls: { ca: 42 as unknown as string }, exitHooks: false })).toThrow(/tls\.ca must be a string or a Buffer/);
    expect(() => createLogger({ transport: 'otlp', tls: { cert: pki.client.cert }, exitHooks: false })).toThrow(/tls\.cert and tls\.key must be given together/);
    expect(() => createLogger({ transport: 'auto', tls: { verify: false } as never, exitHooks: false })).toThrow(/tls\.verify is not an option/);
    expect(() => createLogger({ transport: 'logfun', token: 'a\nb', exitHooks: false })).toThrow(/token must be a string without line breaks/);
  });

  test('unknown keys under tls and auth are reported with their path', () => {
    const problems = problemsOf(`
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
        tls: { cert_file: a, key_file: b, verify: true }
        auth: { bearer: x }
${pipeline}`);
    expect(problems).toEqual([
      'receivers.otlp.protocols.http.tls.verify: unknown key (valid keys: cert_file, key_file, client_ca_file, min_version)',
      'receivers.otlp.protocols.http.auth.bearer: unknown key (valid keys: token, filename)',
    ]);
  });

  test('missing certificate files, a bad min_version and bad auth settings are all reported at load, with the other errors', () => {
    const missing = path.join(pki.dir, 'nope.crt');
    const tokenFile = path.join(pki.dir, 'token.txt');
    fs.writeFileSync(tokenFile, `  ${TOKEN}\n`);
    const problems = problemsOf(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
        tls: { cert_file: ${missing}, key_file: ${pki.server.keyFile}, min_version: "1.1" }
        auth: { token: a, filename: ${tokenFile} }
      http:
        endpoint: 127.0.0.1:0
        tls: { key_file: ${pki.server.keyFile} }
        auth: { filename: ${path.join(pki.dir, 'no-token')} }
processors:
  bogus: {}
${pipeline}`);
    const text = problems.join('\n');
    expect(text).toContain(`receivers.otlp: protocols.grpc.tls.cert_file: cannot read ${missing}: ENOENT`);
    expect(text).toMatch(/protocols\.grpc\.tls\.min_version: expected "1\.2" or "1\.3", got "1\.1"/);
    expect(text).toMatch(/protocols\.grpc\.auth: set token or filename, not both/);
    expect(text).toMatch(/protocols\.http\.tls\.cert_file: required when tls is set/);
    expect(text).toMatch(/protocols\.http\.auth\.filename: cannot read .*no-token: ENOENT/);
    expect(text).toMatch(/bogus/);
  });

  test('a key that does not match its certificate is reported', () => {
    const problems = problemsOf(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
        tls: { cert_file: ${pki.server.certFile}, key_file: ${pki.client.keyFile} }
${pipeline}`);
    expect(problems.join('\n')).toMatch(/protocols\.grpc\.tls: invalid certificate, key or client CA .*key values mismatch/i);
  });

  test('a good config loads; a token file is read and trimmed; ${env:...} works for tokens', async () => {
    const tokenFile = path.join(pki.dir, 'token2.txt');
    fs.writeFileSync(tokenFile, `${TOKEN}\n`);
    const config = parseConfig(
      `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
        tls: { cert_file: ${pki.server.certFile}, key_file: ${pki.server.keyFile}, min_version: "1.3" }
        auth: { filename: ${tokenFile} }
      http:
        endpoint: 127.0.0.1:0
        auth: { token: "\${env:TLS_TEST_TOKEN}" }
${pipeline}`,
      factories,
      'test',
      { TLS_TEST_TOKEN: 'from-env' },
    );
    const rc = config.receivers.get('otlp')!.config as OtlpReceiverConfig;
    expect(rc.protocols.http!.auth).toEqual({ token: 'from-env' });
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const receiver = otlpReceiverFactory.create({ id: 'otlp', metrics, logger }, rc, new RecordingConsumer()) as OtlpReceiver;
    await receiver.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
    try {
      expect((await exportRaw(`127.0.0.1:${receiver.grpcPort}`, grpc.credentials.createSsl(pki.ca.cert), `Bearer ${TOKEN}`)).code).toBe(grpc.status.OK);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          `http://127.0.0.1:${receiver.httpPort}/v1/logs`,
          { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer from-env' } },
          (res: http.IncomingMessage) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(200);
    } finally {
      await receiver.shutdown();
    }
  });
});
