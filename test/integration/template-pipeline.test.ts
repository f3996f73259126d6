/**
 * Template compression end to end, in process: OTLP/gRPC receiver (port 0) ->
 * template processor -> clickhouse exporter on a temp chDB folder.
 *
 * - plain OTLP records from the official OpenTelemetry SDK get mined templates;
 * - records from our SDK (OTLP transport) keep their own template and id;
 * - log_templates holds every template with counts (read through the merged view);
 * - Body (rendered at query time by default) is queryable with Grafana-style
 *   positionCaseInsensitive / LIKE and equals what was logged;
 * - a restarted collector keeps the mined ids (miner snapshot), and counts of both
 *   runs add up in log_templates;
 * - with `body: stored` the Body column is plain text and log_templates is still written.
 *
 * One chDB folder per process: every collector/exporter here uses the same folder
 * (a different database per scenario) and closes it before the next starts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LoggerProvider as OtelSdkLoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import type { ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/exporter';
import { clickhouseExporterFactory } from '../../collector/exporters/clickhouse/factory';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { createLogger, templateIdOf } from '../../sdk';
import { templateTextOf } from '../../sdk/templates';
import { waitForLogRows } from '../kit/stored-rows';

jest.setTimeout(60_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-template-pipeline-'));
const endpoint = `chdb://${path.join(folder, 'data')}`;

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

function yaml(database: string, stateDir: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  template:
    state_directory: ${JSON.stringify(stateDir)}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(endpoint)}
    database: ${database}
    batch: { flush_interval: 50ms }
    shutdown_timeout: 10s
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0" }
  pipelines:
    logs: { receivers: [otlp], processors: [template], exporters: [clickhouse] }
`;
}

async function startCollector(database: string, stateDir: string) {
  const logger = createMemoryLogger();
  const collector = new Collector({ yaml: yaml(database, stateDir), logger });
  await collector.start();
  const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
  return { collector, logger, port, exporter: collector.component<ClickHouseLogsExporter>('exporter:clickhouse') };
}

/** Plain records through the official OpenTelemetry SDK and its OTLP/gRPC exporter. */
async function emitPlain(port: number, service: string, bodies: string[], startMs: number): Promise<void> {
  const exporter = new OTLPLogExporter({ url: `http://127.0.0.1:${port}` });
  const provider = new OtelSdkLoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('legacy');
  bodies.forEach((body, i) => logger.emit({ body, severityNumber: SeverityNumber.INFO, severityText: 'INFO', timestamp: startMs + i }));
  await provider.forceFlush();
  await provider.shutdown();
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const plainLines = (users: string[]) => [
  ...users.map((u) => `session opened for user ${u} by (uid=0)`),
  ...[3, 14, 159, 2653].map((n, i) => `GET /api/items/${n} 200 ${i * 7 + 1}ms`),
  'literal {} braces, a \\{} and <*> marker, C:\\temp\\ 42',
];

interface TemplateRow {
  ServiceName: string;
  TemplateId: string;
  Text: string;
  Source: string;
  Function: string;
  Location: string;
  Count: string;
  SupersededBy: string;
  Writers: string;
}

describe('template compression end to end', () => {
  test('plain OTLP bodies get mined templates, SDK records keep theirs, Body renders and is searchable, restart keeps ids', async () => {
    const stateDir = path.join(folder, 'state');
    const db = 'tpl_e2e';
    const first = await startCollector(db, stateDir);
    const lines = plainLines(USERS);
    let store: ClickHouseStore | undefined;
    try {
      await emitPlain(first.port, 'legacy-app', lines, 1_700_000_000_000);
      const log = createLogger({ service: 'shop', transport: 'otlp', endpoint: `127.0.0.1:${first.port}`, exitHooks: false, batch: { delayMs: 10 }, diagnostics: () => undefined });
      for (const [id, amount] of [['o-1', 12.5], ['o-2', 7], ['o-3', 1999]] as const) log.info`order ${id} paid ${amount} EUR`;
      await log.shutdown();
      await first.exporter.flush(20_000);
      store = await openClickHouse({ endpoint });
      await waitForLogRows(store, db, lines.length + 3);

      const rows = await store.query<{ ServiceName: string; TemplateId: string; TemplateArgs: string[]; Body: string; RawBody: string; attrs: string[] }>(
        `SELECT ServiceName, TemplateId, TemplateArgs, Body, RawBody, mapKeys(LogAttributes) AS attrs FROM ${db}.otel_logs ORDER BY ServiceName, Timestamp`,
      );
      const plain = rows.filter((r) => r.ServiceName === 'legacy-app');
      expect(plain.map((r) => r.Body)).toEqual(lines);
      for (const r of plain) {
        expect(r.TemplateId).not.toBe('0');
        expect(r.RawBody).toBe(''); // rendered from the template: nothing stored but the arguments
      }
      const sdkId = templateIdOf('order {} paid {} EUR').toString();
      const shop = rows.filter((r) => r.ServiceName === 'shop');
      expect(shop.map((r) => r.Body)).toEqual(['order o-1 paid 12.5 EUR', 'order o-2 paid 7 EUR', 'order o-3 paid 1999 EUR']);
      expect(shop.map((r) => r.TemplateId)).toEqual([sdkId, sdkId, sdkId]);
      expect(shop[0].TemplateArgs).toEqual(['o-1', '12.5']);
      for (const r of shop) expect(r.attrs.filter((k) => k.startsWith('log.record.'))).toEqual([]);

      // Grafana-style Body queries work on the rendered Body.
      const found = await store.query<{ Body: string }>(
        `SELECT Body FROM ${db}.otel_logs WHERE positionCaseInsensitive(Body, 'CAROL') > 0 OR Body LIKE '%paid 7 EUR%' ORDER BY Timestamp`,
      );
      expect(found.map((r) => r.Body).sort()).toEqual(['order o-2 paid 7 EUR', 'session opened for user carol by (uid=0)']);
      const [bodyColumn] = await store.query<{ default_kind: string }>(
        `SELECT default_kind FROM system.columns WHERE database = '${db}' AND table = 'otel_logs' AND name = 'Body'`,
      );
      expect(bodyColumn.default_kind).toBe('ALIAS');

      // log_templates: every template, its source and counts.
      const templates = await store.query<TemplateRow>(`SELECT * FROM ${db}.log_templates_merged ORDER BY ServiceName, Text`);
      const sdkRow = templates.find((t) => t.TemplateId === sdkId)!;
      expect(sdkRow).toMatchObject({ ServiceName: 'shop', Text: 'order {} paid {} EUR', Source: 'sdk', Count: '3', Writers: '1' });
      expect(sdkRow.Location).toMatch(/template-pipeline\.test\.ts:\d+/);
      const mined = templates.filter((t) => t.ServiceName === 'legacy-app');
      expect(mined.every((t) => t.Source === 'mined')).toBe(true);
      const usedIds = new Set(plain.map((r) => r.TemplateId));
      const total = mined.filter((t) => usedIds.has(t.TemplateId)).reduce((n, t) => n + Number(t.Count), 0);
      expect(total).toBe(lines.length);
      const general = mined.find((t) => t.Text === 'session opened for user {} by (uid={})')!;
      expect(general).toBeDefined();
      const superseded = mined.filter((t) => t.SupersededBy !== '0');
      expect(superseded.length).toBeGreaterThan(0);
      for (const t of superseded) expect(t.SupersededBy).toBe(general.TemplateId);
      // Literal `{}` and backslashes are escaped the SDK's way in log_templates.Text
      // (C:\temp\ is one value now: a drive-letter path).
      expect(mined.find((t) => t.Text.startsWith('literal'))!.Text).toBe(templateTextOf(['literal {} braces, a \\{} and <*> marker, ', ' ', '']));
    } finally {
      await store?.close();
      await first.collector.shutdown();
    }

    // Restart: the snapshot restores the miner, so a new user gets the generalised template at once.
    const second = await startCollector(db, stateDir);
    try {
      await emitPlain(second.port, 'legacy-app', ['session opened for user zoe by (uid=0)'], 1_700_000_100_000);
      await second.exporter.flush(20_000);
      store = await openClickHouse({ endpoint });
      await waitForLogRows(store, db, lines.length + 4);
      const [row] = await store.query<{ TemplateId: string; Body: string }>(
        `SELECT TemplateId, Body FROM ${db}.otel_logs WHERE positionCaseInsensitive(Body, 'zoe') > 0`,
      );
      const [general] = await store.query<TemplateRow>(
        `SELECT * FROM ${db}.log_templates_merged WHERE Text = 'session opened for user {} by (uid={})'`,
      );
      expect(row).toEqual({ TemplateId: general.TemplateId, Body: 'session opened for user zoe by (uid=0)' });
      // Two writers (one per run) and their counts add up.
      expect(general.Writers).toBe('2');
      const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${db}.otel_logs WHERE TemplateId = {id:UInt64}`, { id: general.TemplateId });
      expect(general.Count).toBe(n);
    } finally {
      await store?.close();
      await second.collector.shutdown();
    }
  });

  test('body: stored keeps Body as text and still writes log_templates', async () => {
    const db = 'tpl_stored';
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const templates = new TemplateDictionary();
    const cfg = { ...clickhouseExporterFactory.createDefaultConfig(), endpoint, database: db, body: 'stored' as const, batch: { max_rows: 1000, max_bytes: '1MiB', flush_interval: '20ms' } };
    expect(clickhouseExporterFactory.validate!(cfg)).toEqual([]);
    const exporter = clickhouseExporterFactory.create({ id: 'clickhouse', metrics, logger }, cfg, undefined) as ClickHouseLogsExporter;
    const id = templateIdOf('disk {} at {}%');
    templates.define({ id, service: 'svc', text: 'disk {} at {}%', source: 'sdk', function: 'check', location: 'a.ts:1' }, 1_700_000_000_000);
    templates.noteUse('svc', id, 2, 1_700_000_000_001);
    await exporter.start({ metrics, logger, components: new Map(), templates });
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n, body: 'disk sda at 93%', templateId: id, templateArgs: ['sda', '93'] });
    b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_001n, body: 'disk sdb at 12%', templateId: id, templateArgs: ['sdb', '12'] });
    await exporter.consumeLogs(b.batch);
    await exporter.flush(20_000);
    const store = await openClickHouse({ endpoint });
    try {
      const cols = await store.query<{ name: string; default_kind: string }>(
        `SELECT name, default_kind FROM system.columns WHERE database = '${db}' AND table = 'otel_logs' AND name IN ('Body', 'RawBody')`,
      );
      expect(cols).toEqual([{ name: 'Body', default_kind: '' }]);
      const bodies = await store.query<{ Body: string }>(`SELECT Body FROM ${db}.otel_logs WHERE Body LIKE '%sda%'`);
      expect(bodies).toEqual([{ Body: 'disk sda at 93%' }]);
      const rows = await store.query<TemplateRow>(`SELECT * FROM ${db}.log_templates_merged`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ServiceName: 'svc', TemplateId: id.toString(), Text: 'disk {} at {}%', Source: 'sdk', Function: 'check', Location: 'a.ts:1', Count: '2' });
      expect(metrics.value('logfun_exporter_templates_written_total', { exporter: 'clickhouse' })).toBe(1);
    } finally {
      await store.close();
      await exporter.shutdown();
    }
  });
});
