/**
 * log_templates on a real ClickHouse server (CI: Debian's 18.16, the reduced
 * schema): two exporters (two writers, as two collectors would be) write the
 * same templates; the merged view adds their counts and keeps the definitions;
 * text with tabs, newlines, quotes and backslashes survives; Body is stored on
 * servers that cannot render it.
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://localhost:8123; skipped (with a
 * warning) when neither answers.
 */
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { clickhouseExporterFactory } from '../../collector/exporters/clickhouse/factory';
import type { ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/exporter';
import type { ClickHouseExporterConfig } from '../../collector/exporters/clickhouse/config';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { supportsRenderedBody } from '../../collector/storage/template-store';
import { templateIdOf } from '../../protocol/template-id';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

jest.setTimeout(60_000);

const serverUrl = testServerUrl();
const describeServer = describeWithServer('template-store-server.test.ts', serverUrl);

const database = `tpl_srv_${process.pid}`;

function batchOf(service: string, id: bigint, argsList: string[][], render: (args: string[]) => string, startNs: bigint): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: service }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  argsList.forEach((args, i) => b.add(r, s, { timeUnixNano: startNs + BigInt(i), body: render(args), templateId: id, templateArgs: args }));
  return b.batch;
}

describeServer('log_templates on a ClickHouse server', () => {
  let store: ClickHouseStore;
  const exporters: ClickHouseLogsExporter[] = [];

  beforeAll(async () => {
    store = await openClickHouse({ endpoint: serverUrl });
  });

  afterAll(async () => {
    await Promise.all(exporters.map((e) => e.shutdown()));
    await store.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await store.close();
  });

  function makeExporter(templates: TemplateDictionary) {
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const u = new URL(serverUrl);
    const cfg: ClickHouseExporterConfig = {
      ...clickhouseExporterFactory.createDefaultConfig(),
      endpoint: u.origin,
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database,
      timeout: '5s',
      batch: { max_rows: 1000, max_bytes: '1MiB', flush_interval: '20ms' },
    };
    expect(clickhouseExporterFactory.validate!(cfg)).toEqual([]);
    const exporter = clickhouseExporterFactory.create({ id: 'clickhouse', metrics, logger }, cfg, undefined) as ClickHouseLogsExporter;
    exporters.push(exporter);
    return { exporter, host: { metrics, logger, components: new Map(), templates }, metrics, logger };
  }

  test('two writers: counts add up, definitions and odd characters survive, Body is queryable', async () => {
    const text = "disk {} at {}% \t tab \\ back 'q' \"dq\" ü\nnext line";
    const id = templateIdOf(text);
    const render = (a: string[]) => `disk ${a[0]} at ${a[1]}% \t tab \\ back 'q' "dq" ü\nnext line`;

    const dictA = new TemplateDictionary();
    dictA.define({ id, service: 'svc', text, source: 'sdk', function: 'check', location: 'disk.ts:7', severityNumber: 13, severityText: 'WARN' }, 1_700_000_000_000);
    dictA.noteUse('svc', id, 3, 1_700_000_000_500);
    const a = makeExporter(dictA);
    await a.exporter.start(a.host);
    await a.exporter.consumeLogs(batchOf('svc', id, [['sda', '93'], ['sdb', '12'], ['sdc', '1']], render, 1_700_000_000_000_000_000n));
    await a.exporter.flush(20_000);

    const dictB = new TemplateDictionary();
    dictB.define({ id, service: 'svc', text, source: 'sdk' }, 1_700_000_001_000);
    dictB.noteUse('svc', id, 2, 1_700_000_002_000);
    const b = makeExporter(dictB);
    await b.exporter.start(b.host);
    await b.exporter.consumeLogs(batchOf('svc', id, [['sdd', '50'], ['sde', '51']], render, 1_700_000_001_000_000_000n));
    await b.exporter.flush(20_000);
    // A writes again (cumulative count 3 -> 4): its newer row replaces its older one at read time.
    dictA.noteUse('svc', id, 1, 1_700_000_003_000);
    await a.exporter.consumeLogs(batchOf('svc', id, [['sdf', '9']], render, 1_700_000_003_000_000_000n));
    await a.exporter.flush(20_000);

    const rows = await store.query<Record<string, string>>(
      `SELECT ServiceName, toString(TemplateId) AS id, Text, Source, Function, Location, SeverityNumber, toString(Count) AS Count, toString(Writers) AS Writers, ` +
        `toUnixTimestamp(FirstSeen) AS first, toUnixTimestamp(LastSeen) AS last FROM ${database}.log_templates_merged`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ServiceName: 'svc', id: id.toString(), Text: text, Source: 'sdk', Function: 'check', Location: 'disk.ts:7', Count: '6', Writers: '2' });
    expect(Number(rows[0].first)).toBe(1_700_000_000);
    expect(Number(rows[0].last)).toBe(1_700_000_003);

    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${database}.otel_logs WHERE positionCaseInsensitive(Body, 'SDB') > 0`);
    expect(n).toBe('1');
    const rendered = supportsRenderedBody(store.serverVersion);
    const [body] = await store.query<{ default_kind: string }>(
      `SELECT default_kind FROM system.columns WHERE database = '${database}' AND table = 'otel_logs' AND name = 'Body'`,
    );
    expect(body.default_kind).toBe(rendered ? 'ALIAS' : '');
    expect(a.logger.messages.filter((m) => m.level !== 'info')).toEqual([]);
  });
});
