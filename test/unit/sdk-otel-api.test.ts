import { logs, SeverityNumber, type LoggerProvider } from '@opentelemetry/api-logs';
import { trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { performance } from 'perf_hooks';
import { createLogger, LogfunLoggerProvider, MemoryTransport } from '../../sdk';
import { timeInputToSecNano } from '../../sdk/otel';

function setup(level: 'trace' | 'info' = 'trace') {
  const memory = new MemoryTransport();
  const log = createLogger({ service: 'otel-app', transport: memory, level, exitHooks: false, diagnostics: () => undefined });
  return { memory, log, provider: log.loggerProvider };
}

describe('OpenTelemetry Logs API on the logfun pipeline', () => {
  afterEach(() => logs.disable());

  it('is a LoggerProvider usable as the global provider', async () => {
    const { memory, log, provider } = setup();
    expect(provider).toBeInstanceOf(LogfunLoggerProvider);
    const asApi: LoggerProvider = provider;
    logs.setGlobalLoggerProvider(asApi);
    const otelLogger = logs.getLogger('my-lib', '1.2.3');
    otelLogger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'hello from the OTel API' });
    await log.flush();
    expect(memory.records).toHaveLength(1);
    expect(memory.records[0].body).toBe('hello from the OTel API');
    expect(memory.records[0].scope).toMatchObject({ name: 'my-lib', version: '1.2.3' });
    expect(provider.getLogger('my-lib', '1.2.3')).toBe(provider.getLogger('my-lib', '1.2.3'));
    expect(provider.getLogger('my-lib', '1.2.4')).not.toBe(provider.getLogger('my-lib', '1.2.3'));
    await provider.shutdown();
  });

  it('maps every LogRecord field exactly', async () => {
    const { memory, log, provider } = setup();
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    const logger = provider.getLogger('lib', '0.1.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0', attributes: { team: 'payments' } });
    const error = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
    logger.emit({
      timestamp: [1_700_000_000, 123_456_789],
      observedTimestamp: new Date(1_700_000_001_500),
      severityNumber: SeverityNumber.WARN2,
      severityText: 'warning',
      body: { event: 'retry', attempt: 3, ratio: 0.5, ok: false, raw: new Uint8Array([7]), list: [1, 'two'], nothing: null },
      attributes: { 'http.route': '/pay', 'http.status_code': 503, ratio: 1.25, retry: true, ids: [1, 2], empty: undefined, bad: new Date(0) as unknown as string, '': 1 },
      eventName: 'payment.retry',
      exception: error,
      context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
    });
    await log.flush();
    const [r] = memory.records;
    expect(r.timeUnixNano).toBe(1_700_000_000_123_456_789n);
    expect(r.observedTimeUnixNano).toBe(1_700_000_001_500_000_000n);
    expect(r.severityNumber).toBe(14);
    expect(r.severityText).toBe('warning');
    expect(r.body).toEqual({ event: 'retry', attempt: 3, ratio: 0.5, ok: false, raw: new Uint8Array([7]), list: [1, 'two'], nothing: null });
    expect(r.attributes).toEqual({
      'http.route': '/pay',
      'http.status_code': 503,
      ratio: 1.25,
      retry: true,
      ids: [1, 2],
      empty: undefined,
      'exception.type': 'ETIMEDOUT',
      'exception.message': 'timeout',
      'exception.stacktrace': error.stack,
    });
    // Invalid attributes (a Date, an empty key) are refused and counted.
    expect(r.droppedAttributesCount).toBe(2);
    expect(r.eventName).toBe('payment.retry');
    expect([r.traceId, r.spanId, r.flags]).toEqual([spanContext.traceId, spanContext.spanId, 1]);
    expect(r.scope.name).toBe('lib');
    expect(r.scope.version).toBe('0.1.0');
    expect(r.scope.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(r.scope.attributes?.keys).toEqual(['team']);
    expect(r.template).toBeUndefined();
    expect(r.attributes['log.record.template']).toBeUndefined();
    await provider.shutdown();
  });

  it('defaults: one "now" for both timestamps, severity 0 and empty text, no body, no span', async () => {
    const { memory, log, provider } = setup();
    const before = BigInt(Date.now() - 1) * 1_000_000n;
    provider.getLogger('lib').emit({});
    await log.flush();
    const [r] = memory.records;
    expect(r.timeUnixNano).toBe(r.observedTimeUnixNano);
    expect(r.timeUnixNano).toBeGreaterThanOrEqual(before);
    expect([r.severityNumber, r.severityText, r.body, r.eventName, r.traceId, r.spanId, r.flags]).toEqual([0, '', undefined, '', '', '', 0]);
    expect(r.scope).toMatchObject({ name: 'lib', version: '' });
    await provider.shutdown();
  });

  it('converts TimeInput like @opentelemetry/core (epoch ms, performance-relative ms, Date, HrTime)', () => {
    expect(timeInputToSecNano(1_700_000_000_123.5)).toEqual([1_700_000_000, 123_500_000]);
    expect(timeInputToSecNano(new Date(1_700_000_000_001))).toEqual([1_700_000_000, 1_000_000]);
    expect(timeInputToSecNano([5, 1_500_000_000])).toEqual([6, 500_000_000]);
    const [sec] = timeInputToSecNano(10); // 10 ms after the process time origin
    expect(sec).toBe(Math.trunc((performance.timeOrigin + 10) / 1000));
  });

  it('honours the level for records with a severity; UNSPECIFIED always passes; enabled() agrees', async () => {
    const { memory, log, provider } = setup('info');
    const logger = provider.getLogger('lib');
    expect(logger.enabled({ severityNumber: SeverityNumber.DEBUG })).toBe(false);
    expect(logger.enabled({ severityNumber: SeverityNumber.INFO })).toBe(true);
    expect(logger.enabled()).toBe(true);
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'skipped' });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'kept' });
    logger.emit({ body: 'unspecified' });
    await log.flush();
    expect(memory.bodies()).toEqual(['kept', 'unspecified']);
    await provider.shutdown();
    expect(logger.enabled()).toBe(false);
  });

  it('shares one pipeline with the logfun logger (one buffer, one batch stream, one stats)', async () => {
    const { memory, log, provider } = setup();
    log.info`native ${1}`;
    provider.getLogger('lib').emit({ body: 'api' });
    await provider.forceFlush();
    expect(memory.bodies()).toEqual(['native 1', 'api']);
    expect(log.stats()).toMatchObject({ emitted: 2, exported: 2 });
    await log.shutdown();
  });
});
