import { KeyValueList, LogBatchBuilder } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { DebugExporter, debugExporterFactory } from '../../collector/exporters/debug/factory';
import { formatTimestamp, severityName } from '../../collector/exporters/debug/format';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { TemplateDictionary } from '../../collector/templates/dictionary';

function batch() {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'checkout' }], droppedAttributesCount: 0, schemaUrl: 'https://schema/1' });
  const s = b.addScope({ name: 'shop.payments', version: '2.0.1', attributes: [{ key: 'team', value: 'pay' }], droppedAttributesCount: 0, schemaUrl: '' });
  b.add(r, s, {
    timeUnixNano: 1_581_452_773_000_000_789n,
    observedTimeUnixNano: 1_581_452_774_000_000_000n,
    severityNumber: 9,
    severityText: 'Info',
    body: 'user paid\n\u001b[31mred',
    attributes: [
      { key: 'amount', value: 42n },
      { key: 'ratio', value: 0.5 },
      { key: 'tags', value: ['a', true] },
      { key: 'obj', value: new KeyValueList([{ key: 'k', value: new Uint8Array([1, 2]) }]) },
    ],
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    flags: 1,
    eventName: 'payment.done',
  });
  b.add(r, s, { timeUnixNano: 1n, severityNumber: 18, body: undefined });
  return b.batch;
}

function capture(verbosity: 'basic' | 'normal' | 'detailed') {
  const metrics = new Metrics();
  const out: string[] = [];
  const exporter = new DebugExporter({ id: 'debug', metrics, logger: createMemoryLogger() }, { verbosity }, (t) => out.push(t));
  return { exporter, metrics, out };
}

describe('debug exporter', () => {
  test('basic: one summary line per batch; records counted', async () => {
    const { exporter, metrics, out } = capture('basic');
    await exporter.consumeLogs(batch());
    await exporter.consumeLogs(batch());
    expect(out).toEqual(['debug: 2 log records from 1 resource\n', 'debug: 2 log records from 1 resource\n']);
    expect(exporter.recordCount).toBe(4);
    expect(metrics.value('logfun_exporter_sent_records_total', { exporter: 'debug' })).toBe(4);
  });

  test('normal: one line per record under resource and scope lines, control characters escaped', async () => {
    const { exporter, out } = capture('normal');
    await exporter.consumeLogs(batch());
    expect(out[0].split('\n')).toEqual([
      'debug: 2 log records from 1 resource',
      'ResourceLog #0 https://schema/1 service.name=checkout',
      'ScopeLog #0 shop.payments@2.0.1 team=pay',
      '2020-02-11 20:26:13.000000789 +0000 UTC Info [payment.done] user paid\\n\\u001b[31mred amount=42 ratio=0.5 tags=["a",true] obj={"k":"AQI="} trace_id=5b8efff798038103d269b633813fc60c span_id=eee19b7ec3c1b174',
      '1970-01-01 00:00:00.000000001 +0000 UTC Error2 null',
      '',
    ]);
  });

  test('detailed: every field in otelcol layout', async () => {
    const { exporter, out } = capture('detailed');
    await exporter.consumeLogs(batch());
    const text = out[0];
    for (const line of [
      'ResourceLog #0',
      'Resource SchemaURL: https://schema/1',
      '     -> service.name: Str(checkout)',
      'InstrumentationScope shop.payments 2.0.1',
      'LogRecord #0',
      'ObservedTimestamp: 2020-02-11 20:26:14.000000000 +0000 UTC',
      'Timestamp: 2020-02-11 20:26:13.000000789 +0000 UTC',
      'SeverityText: Info',
      'SeverityNumber: Info(9)',
      'EventName: payment.done',
      'Body: Str(user paid\\n\\u001b[31mred)',
      '     -> amount: Int(42)',
      '     -> ratio: Double(0.5)',
      '     -> tags: Slice(["a",true])',
      '     -> obj: Map({"k":"AQI="})',
      'Trace ID: 5b8efff798038103d269b633813fc60c',
      'Span ID: eee19b7ec3c1b174',
      'Flags: 1',
      'LogRecord #1',
      'SeverityNumber: Error2(18)',
      'Body: Empty()',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).not.toContain('\u001b');
  });

  test('the factory prints to stdout and is safe to shut down twice', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const metrics = new Metrics();
      const logger = createMemoryLogger();
      const exporter = debugExporterFactory.create({ id: 'debug/x', metrics, logger }, { verbosity: 'basic' }, undefined) as DebugExporter;
      await exporter.shutdown();
      const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
      await exporter.start(host);
      await exporter.consumeLogs(batch());
      expect(write).toHaveBeenCalledWith('debug/x: 2 log records from 1 resource\n');
      await exporter.shutdown();
      await exporter.shutdown();
    } finally {
      write.mockRestore();
    }
  });

  test('helpers: severity names and exact nanosecond timestamps', () => {
    expect([0, 1, 4, 9, 13, 16, 21, 24, 30].map(severityName)).toEqual(['Unspecified', 'Trace', 'Trace4', 'Info', 'Warn', 'Warn4', 'Fatal', 'Fatal4', 'SeverityNumber(30)']);
    expect(formatTimestamp(1_700_000_000_123_456_789n)).toBe('2023-11-14 22:13:20.123456789 +0000 UTC');
  });
});
