/**
 * Security of a whole in-process Collector built from YAML, on embedded chDB:
 * the otlp receiver with TLS + an ingest token, the admin endpoint (console,
 * control API, SQL) over HTTPS (service.telemetry.admin.tls), and three separate
 * tokens: ingest (receivers.otlp...auth), control (service.control.token) and
 * console (service.telemetry.admin.console_token). Each door opens with its own
 * token only. Certificates come from openssl at test time (test/kit/tls-certs.ts).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '../../sdk';
import { Collector } from '../../collector/service/collector';
import { ConfigError, parseConfig } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';
import type { OtlpReceiver } from '../../collector/receivers/otlp/factory';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { makeTestPki, type TestPki } from '../kit/tls-certs';

jest.setTimeout(60_000);

const INGEST = 'ingest-2b9c';
const CONTROL = 'control-71d0';
const CONSOLE = 'console-e4a5';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-auth-collector-'));
let pki: TestPki;
let collector: Collector;
let admin: string;
let grpcPort: number;
let httpPort: number;

function yaml(extraAdmin = ''): string {
  return `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
        tls: { cert_file: ${JSON.stringify(pki.server.certFile)}, key_file: ${JSON.stringify(pki.server.keyFile)} }
        auth: { token: "\${env:AUTH_TEST_INGEST_TOKEN}" }
      http:
        endpoint: 127.0.0.1:0
        auth: { token: ${INGEST} }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: auth_test
    batch: { flush_interval: 50ms }
service:
  telemetry:
    admin:
      endpoint: 127.0.0.1:0
      console_token: ${CONSOLE}
      tls: { cert_file: ${JSON.stringify(pki.server.certFile)}, key_file: ${JSON.stringify(pki.server.keyFile)}${extraAdmin} }
  control: { token: ${CONTROL} }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`;
}

beforeAll(async () => {
  pki = makeTestPki();
  // The ingest token of the gRPC port comes from the environment (${env:...}), as in a deployment.
  const config = parseConfig(yaml(), defaultFactories(), 'test', { AUTH_TEST_INGEST_TOKEN: INGEST });
  collector = new Collector({ config, logger: createMemoryLogger() });
  await collector.start();
  admin = `https://127.0.0.1:${collector.admin.port}`;
  const rx = collector.component<OtlpReceiver>('receiver:otlp');
  grpcPort = rx.grpcPort!;
  httpPort = rx.httpPort!;
});

afterAll(async () => {
  await collector?.shutdown();
  pki?.remove();
  fs.rmSync(folder, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
}

function request(url: string, options: { method?: string; token?: string; body?: string; ca?: Buffer | null } = {}): Promise<Reply> {
  const u = new URL(url);
  const headers: Record<string, string> = { 'content-type': u.pathname === '/api/v1/sql' ? 'application/sql' : 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(u, { method: options.method ?? 'GET', headers, agent: false, ...(u.protocol === 'https:' ? { ca: options.ca === undefined ? pki.ca.cert : (options.ca ?? undefined) } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function sql(query: string): Promise<Record<string, unknown>[]> {
  const reply = await request(`${admin}/api/v1/sql`, { method: 'POST', body: query, token: CONSOLE });
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.body) as { rows: Record<string, unknown>[] }).rows;
}

function exportStatus(token: string | undefined): Promise<number> {
  const client = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createSsl(pki.ca.cert));
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  // An empty ExportLogsServiceRequest: accepted (nothing to store) once authorized.
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, { deadline: Date.now() + 5000 }, (err) => {
      client.close();
      resolve(err ? err.code : grpc.status.OK);
    });
  });
}

describe('a collector with TLS and separate tokens', () => {
  test('the SDK compact stream over TLS with the ingest token: records land in chDB', async () => {
    const diagnostics: string[] = [];
    const log = createLogger({
      service: 'secure-svc',
      transport: 'logfun',
      endpoint: `https://127.0.0.1:${grpcPort}`,
      tls: { ca: pki.ca.cert },
      token: INGEST,
      exitHooks: false,
      batch: { delayMs: 10 },
      diagnostics: (m) => diagnostics.push(m),
    });
    try {
      for (let i = 0; i < 20; i++) log.info`payment ${i} settled over ${'tls'}`;
      await log.flush();
      expect(log.stats().exported).toBe(20);
    } finally {
      await log.shutdown();
    }
    expect(diagnostics).toEqual([]);
    const deadline = Date.now() + 10_000;
    let n = 0;
    while (Date.now() < deadline) {
      n = Number((await sql(`SELECT count() AS n FROM auth_test.otel_logs WHERE ServiceName = 'secure-svc'`))[0].n);
      if (n >= 20) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(n).toBe(20);
  });

  test('ingest accepts only the ingest token', async () => {
    expect(await exportStatus(INGEST)).toBe(grpc.status.OK);
    expect(await exportStatus(undefined)).toBe(grpc.status.UNAUTHENTICATED);
    expect(await exportStatus(CONTROL)).toBe(grpc.status.UNAUTHENTICATED);
    expect(await exportStatus(CONSOLE)).toBe(grpc.status.UNAUTHENTICATED);
    const post = (token?: string) => request(`http://127.0.0.1:${httpPort}/v1/logs`, { method: 'POST', token, body: '{}' });
    expect((await post(INGEST)).status).toBe(200);
    expect((await post(CONSOLE)).status).toBe(401);
    expect((await post(CONTROL)).status).toBe(401);
    expect(collector.metrics.value('logfun_receiver_refused_requests_total', { receiver: 'otlp', protocol: 'grpc', reason: 'auth' })).toBe(3);
    expect(collector.metrics.value('logfun_receiver_refused_requests_total', { receiver: 'otlp', protocol: 'http', reason: 'auth' })).toBe(2);
  });

  test('the console opens with the console token only', async () => {
    const tree = (token?: string) => request(`${admin}/api/v1/console/tree`, { token });
    expect((await tree(CONSOLE)).status).toBe(200);
    expect((await tree(undefined)).status).toBe(401);
    expect((await tree(INGEST)).status).toBe(401);
    expect((await tree(CONTROL)).status).toBe(401);
    // The page login (?token=) too.
    expect((await request(`${admin}/?token=${INGEST}`)).status).toBe(401);
    expect((await request(`${admin}/?token=${CONSOLE}`)).status).toBe(303);
  });

  test('the SQL API (it reads every stored record) opens with the console token only', async () => {
    const query = (token?: string) => request(`${admin}/api/v1/sql`, { method: 'POST', token, body: 'SELECT 1 AS one' });
    expect((await query(undefined)).status).toBe(401);
    expect((await query(INGEST)).status).toBe(401);
    expect((await query(CONTROL)).status).toBe(401);
    const ok = await query(CONSOLE);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).rows).toEqual([{ one: 1 }]);
  });

  test('the control API opens with the control token only', async () => {
    const rules = (token?: string) => request(`${admin}/api/v1/rules`, { token });
    expect((await rules(CONTROL)).status).toBe(200);
    expect((await rules(undefined)).status).toBe(401);
    expect((await rules(INGEST)).status).toBe(401);
    expect((await rules(CONSOLE)).status).toBe(401);
    const put = (token: string) =>
      request(`${admin}/api/v1/rules`, { method: 'PUT', token, body: JSON.stringify({ target: { service: 'secure-svc' }, state: 'off' }) });
    expect((await put(INGEST)).status).toBe(401);
    expect((await put(CONSOLE)).status).toBe(401);
  });

  test('the admin endpoint speaks HTTPS only; a client that does not trust the CA fails', async () => {
    await expect(request(`http://127.0.0.1:${collector.admin.port}/healthz`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await expect(request(`${admin}/healthz`, { ca: pki.otherCa.cert })).rejects.toThrow(/self[- ]signed|unable to (verify|get)/i);
    expect((await request(`${admin}/healthz`)).status).toBe(200);
  });
});

test('admin TLS with a missing key file is a config error at load', () => {
  const bad = yaml().replace(`key_file: ${JSON.stringify(pki.server.keyFile)} }\n  control`, `key_file: ${JSON.stringify(path.join(pki.dir, 'missing.key'))} }\n  control`);
  expect(bad).not.toBe(yaml());
  let problems: string[] = [];
  try {
    parseConfig(bad, defaultFactories(), 'test', { AUTH_TEST_INGEST_TOKEN: INGEST });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  expect(problems).toEqual([expect.stringMatching(/^service\.telemetry\.admin\.tls\.key_file: cannot read .*missing\.key: ENOENT$/)]);
});
