/**
 * Issue 12, finding 6 (and the low item on updatedBy): control rules could grow
 * without bound. The pushed update grew with the unions of rule targets (4 MB of
 * rules became 65 MB messages, past what an SDK accepts: it could no longer
 * deliver), and a rule with a long target could not be deleted (its id does not
 * fit a query string: 431). Real components: an in-process Collector (otlp gRPC
 * with the compact Ingest service, control processor, clickhouse on a temp chDB
 * folder, the control plane on the same store, the admin API with a token) and a
 * real SDK on the compact stream. Limits are set small by config
 * (service.control.limits) so the caps are reached in a few requests.
 *
 * Rules "written before the limits" (by an older collector) are put straight into
 * control_rules and loaded with refresh(), as another collector's writes would be.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import type { ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { ControlRulesTable, type StoredRule } from '../../collector/control/table';
import type { RuleJson } from '../../collector/control/json';
import { encodeControlUpdate } from '../../collector/compact/messages';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { createLogger } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';

jest.setTimeout(120_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-rule-bloat-'));
const DATABASE = 'rule_bloat';
const TOKEN = 'rule-bloat-token';
const MAX_RULES_PER_SERVICE = 40;
const MAX_UPDATE_BYTES = 64 * 1024;

const YAML = `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  control: {}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: ${DATABASE}
service:
  control:
    token: ${TOKEN}
    limits: { max_rules_per_service: ${MAX_RULES_PER_SERVICE}, max_update_bytes: ${MAX_UPDATE_BYTES} }
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  pipelines:
    logs: { receivers: [otlp], processors: [control], exporters: [clickhouse] }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let collector: Collector;
let admin: string;
let grpc: string;

beforeAll(async () => {
  collector = new Collector({ yaml: YAML, logger: createMemoryLogger() });
  await collector.start();
  expect(collector.control?.ready).toBe(true);
  admin = `http://127.0.0.1:${collector.admin.port}`;
  grpc = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
});

afterAll(async () => {
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function api(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${admin}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

const put = (target: Record<string, unknown>, extra: Record<string, unknown> = {}) => api('PUT', '/api/v1/rules', { target, state: 'off', ...extra });

/** Rules as an older collector (no limits) would have stored them: straight into control_rules, then loaded. */
async function writeLegacyRules(targets: { service: string; function?: string; templateId?: bigint }[]): Promise<void> {
  const store = (collector.component('exporter:clickhouse') as unknown as { getStore(): ClickHouseStore | undefined }).getStore()!;
  const table = new ControlRulesTable(store, { database: DATABASE });
  const now = Date.now();
  const rows: StoredRule[] = targets.map((t, i) => ({
    target: { service: t.service, instance: '', function: t.function ?? '', templateId: t.templateId ?? 0n },
    state: 'off',
    sampleRate: 1,
    minSeverity: 0,
    source: 'manual',
    reason: 'legacy',
    version: BigInt(now) * 1_000_000n + BigInt(i),
    updatedAt: now,
    updatedBy: 'legacy-collector',
    expiresAt: 0,
    deleted: false,
  }));
  for (let i = 0; i < rows.length; i += 500) await table.write(rows.slice(i, i + 500));
  await collector.control!.refresh();
}

const long = (prefix: string, n: number) => (prefix + '.' + 'x'.repeat(n)).slice(0, n);

test('too long target fields are refused with 400, past the rule count or update size caps with 413', async () => {
  const tooLongFunction = await put({ service: 'caps', function: long('Fn', 600) });
  expect(tooLongFunction.status).toBe(400);
  expect(String(tooLongFunction.json.error)).toMatch(/target\.function: 600 characters, more than the 512/);
  expect((await put({ service: 'caps', instance: long('i', 300) })).status).toBe(400);
  expect((await put({ service: long('s', 300) })).status).toBe(400);

  for (let i = 0; i < MAX_RULES_PER_SERVICE; i++) expect((await put({ service: 'caps', function: `F${i}` })).status).toBe(200);
  const oneTooMany = await put({ service: 'caps', function: 'one-too-many' });
  expect(oneTooMany.status).toBe(413);
  expect(String(oneTooMany.json.error)).toMatch(/service "caps" has 40 manual rules, the most allowed/);
  // Replacing a rule is not one more; another service has its own count.
  expect((await put({ service: 'caps', function: 'F0' }, { state: 'on' })).status).toBe(200);
  expect((await put({ service: 'caps-other', function: 'F0' })).status).toBe(200);

  // Function and template rules combine (every compatible union is pushed): 20 functions of 500
  // characters, then template rules until the update an SDK would get passes 64 KiB.
  for (let i = 0; i < 20; i++) expect((await put({ service: 'sizes', function: long(`Fn${i}`, 500) })).status).toBe(200);
  let refused: { status: number; json: Record<string, unknown> } | undefined;
  for (let t = 1; t <= 19 && refused === undefined; t++) {
    const res = await put({ service: 'sizes', templateId: String(t) });
    if (res.status !== 200) refused = res;
  }
  expect(refused?.status).toBe(413);
  expect(String(refused?.json.error)).toMatch(/over the 65536-byte cap/);
  expect(collector.metrics.series('logfun_control_rules_refused_total').map((s) => s.labels.limit).sort()).toEqual(['rules_per_service', 'update_bytes']);
});

test('the update pushed to an SDK stays under the size cap however the stored rules combine; the SDK keeps delivering', async () => {
  const log = createLogger({
    service: 'bloat',
    serviceInstanceId: 'bloat-1',
    transport: 'logfun',
    endpoint: grpc,
    exitHooks: false,
    batch: { delayMs: 20 },
    retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
    captureCallSites: false,
    diagnostics: () => undefined,
  });
  const transport = log.transport as LogfunStreamTransport;
  try {
    log.info`bloat before ${1}`;
    expect(await log.flush(10_000)).toBe(true);
    await until('the first rules', () => transport.controlUpdates > 0);
    const updates = transport.controlUpdates;

    // 30 function rules with 1000-character names x 700 template rules: without a cap, 20000 unions of
    // ~1 KB each (~22 MB) would be pushed, more than the SDK accepts in one message (16 MiB).
    const targets: { service: string; function?: string; templateId?: bigint }[] = [];
    for (let f = 0; f < 30; f++) targets.push({ service: 'bloat', function: long(`Bloat${f}`, 1000) });
    for (let t = 1; t <= 700; t++) targets.push({ service: 'bloat', templateId: BigInt(t) });
    await writeLegacyRules(targets);

    await until('the capped update applied by the SDK', () => transport.controlUpdates > updates, 30_000);
    const update = collector.control!.controlUpdateFor('bloat', 'bloat-1');
    expect(update.truncated).toBe(true);
    expect(encodeControlUpdate(update).length).toBeLessThanOrEqual(MAX_UPDATE_BYTES);
    expect(collector.metrics.value('logfun_control_sdk_updates_truncated_total')).toBeGreaterThan(0);

    // The stream is alive: a record logged now is delivered.
    const exported = log.stats().exported;
    log.info`bloat after ${2}`;
    expect(await log.flush(10_000)).toBe(true);
    expect(log.stats().exported).toBe(exported + 1);
  } finally {
    await log.shutdown();
  }
});

test('a rule with a target too long for a query string is deleted by its short id or by a JSON body', async () => {
  const fns = ['A', 'B', 'C'].map((c) => long(`Legacy${c}`, 20_000));
  await writeLegacyRules(fns.map((fn) => ({ service: 'legacy', function: fn })));
  const list = await api('GET', '/api/v1/rules?service=legacy');
  const rules = (list.json.rules as RuleJson[]).sort((a, b) => (a.target.function! < b.target.function! ? -1 : 1));
  expect(rules).toHaveLength(3);
  expect(rules.map((r) => r.ruleId)).toEqual(rules.map(() => expect.stringMatching(/^r[0-9a-f]{16}$/)));

  // The long id does not fit a request line (the problem): refused before the handler.
  const byQuery = await api('DELETE', `/api/v1/rules?target=${encodeURIComponent(rules[0].id)}`);
  expect(byQuery.status).toBeGreaterThanOrEqual(400);

  // A JSON body naming the target.
  const byBody = await api('DELETE', '/api/v1/rules', { target: { service: 'legacy', function: fns[0] } });
  expect(byBody).toEqual({ status: 200, json: expect.objectContaining({ cleared: true }) });
  // A JSON body with the short id, and the short id in the query.
  expect((await api('DELETE', '/api/v1/rules', { id: rules[1].ruleId })).status).toBe(200);
  expect((await api('DELETE', `/api/v1/rules?id=${rules[2].ruleId}`)).status).toBe(200);
  expect((await api('DELETE', `/api/v1/rules?id=${rules[2].ruleId}`)).status).toBe(404);
  expect(((await api('GET', '/api/v1/rules?service=legacy')).json.rules as RuleJson[]).length).toBe(0);
});

test('updatedBy is the authenticated principal, not what the client claims', async () => {
  const res = await put({ service: 'audit', function: 'f' }, { updatedBy: 'mallory' });
  expect(res.status).toBe(200);
  expect((res.json.rule as RuleJson).updatedBy).toMatch(/^control-token@/);
  expect(collector.control!.rule({ service: 'audit', function: 'f' })?.updatedBy).toMatch(/^control-token@/);
});
