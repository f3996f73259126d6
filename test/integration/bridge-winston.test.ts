/**
 * sdk/bridges/winston.ts with real winston: the mapping through the memory
 * transport, and records reaching a real in-process collector over the compact
 * protocol with their printf templates. winston is not a dependency of logfun:
 * the suite is skipped (with a note) when it is not installed.
 */
import { createLogger as createLogfunLogger, MemoryTransport, type ExportedRecord } from '../../sdk';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';

jest.setTimeout(30_000);

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const haveWinston = installed('winston') && installed('winston-transport');
const describeIfWinston = haveWinston ? describe : describe.skip;
if (!haveWinston) console.warn('bridge-winston: winston / winston-transport not installed; skipped (npm install --no-save winston winston-transport)');

// Loaded only when present: the bridge module itself requires winston-transport.
/* eslint-disable @typescript-eslint/no-require-imports */
const winston = haveWinston ? (require('winston') as typeof import('winston')) : undefined;
const bridge = haveWinston ? (require('../../sdk/bridges/winston') as typeof import('../../sdk/bridges/winston')) : undefined;
/* eslint-enable @typescript-eslint/no-require-imports */

describeIfWinston('winston transport', () => {
  function memoryTransport(extra: Record<string, unknown> = {}) {
    const t = new bridge!.LogfunWinstonTransport({ service: 'shop', transport: 'memory', exitHooks: false, batch: { delayMs: 5 }, ...extra });
    const records = (): ExportedRecord[] => (t.logger.transport as MemoryTransport).records;
    return { t, records };
  }

  test('level -> severity, message -> body, metadata -> attributes, printf calls -> templates', async () => {
    const { t, records } = memoryTransport();
    const log = winston!.createLogger({ level: 'silly', defaultMeta: { component: 'billing' }, transports: [t] });
    log.info('user %s paid %d', 'u1', 42);
    log.child({ reqId: 'r1' }).warn('order placed', { orderId: 7 });
    log.error('payment failed for %s', 'o9', { attempt: 2 });
    log.error(new Error('card declined'));
    log.verbose('verbose line');
    log.silly('silly line');
    log.http('GET /pay 200');
    log.log('info', 'plain %d%% done');
    await t.close();

    const got = records();
    expect(got.map((r) => [r.severityText, r.body])).toEqual([
      ['INFO', 'user u1 paid 42'],
      ['WARN', 'order placed'],
      ['ERROR', 'payment failed for o9'],
      ['ERROR', 'card declined'],
      ['DEBUG', 'verbose line'],
      ['TRACE', 'silly line'],
      ['DEBUG', 'GET /pay 200'],
      ['INFO', 'plain %d%% done'],
    ]);
    const [paid, placed, failed, declined] = got;
    expect(paid.template?.text).toBe('user {} paid {}');
    expect(paid.args).toEqual(['u1', 42]);
    expect(paid.attributes).toMatchObject({ component: 'billing' });
    expect(paid.attributes).not.toHaveProperty('level');
    expect(paid.attributes).not.toHaveProperty('message');
    expect(placed.attributes).toMatchObject({ component: 'billing', reqId: 'r1', orderId: 7 });
    expect(failed.template?.text).toBe('payment failed for {}');
    expect(failed.args).toEqual(['o9']);
    expect(failed.attributes).toMatchObject({ attempt: 2 });
    expect(declined.attributes['exception.message']).toBe('card declined');
    expect(String(declined.attributes['exception.stacktrace'])).toMatch(/card declined\n\s+at /);
    expect((t.logger.transport as MemoryTransport).isShutdown).toBe(true);
  });

  test("an Error argument is the record's exception, not part of its message (as pino's bridge does)", async () => {
    const { t, records } = memoryTransport();
    const log = winston!.createLogger({ level: 'silly', transports: [t] });
    const errors = [new Error('werr'), new TypeError('other werr')];
    for (const err of errors) log.error('winston err', err); // one template whatever the error
    log.warn(new RangeError('alone')); // the Error is the whole call
    await t.close();
    const got = records();
    expect(got.map((r) => [r.body, r.template?.text, r.attributes['exception.type'], r.attributes['exception.message']])).toEqual([
      ['winston err', 'winston err', 'Error', 'werr'],
      ['winston err', 'winston err', 'TypeError', 'other werr'],
      ['alone', 'alone', 'RangeError', 'alone'],
    ]);
    expect(got.map((r) => r.attributes['exception.stacktrace'])).toEqual([...errors.map((e) => e.stack), expect.stringMatching(/^RangeError: alone\n\s+at /)]);
  });

  test('syslog levels, the transport level, and format.splat() (interpolated first: the text is the record)', async () => {
    const { t, records } = memoryTransport({ level: 'warning' });
    const log = winston!.createLogger({ levels: winston!.config.syslog.levels, level: 'debug', format: winston!.format.combine(winston!.format.splat(), winston!.format.json()), transports: [t] });
    log.log('emerg', 'all down');
    log.log('crit', 'disk %s failed', 'sda');
    log.log('warning', 'slow');
    log.log('notice', 'below the transport level');
    await t.close();
    expect(records().map((r) => [r.severityText, r.body, r.args])).toEqual([
      ['FATAL', 'all down', undefined],
      ['FATAL', 'disk sda failed', undefined],
      ['WARN', 'slow', undefined],
    ]);
  });

  test('writes through an existing logfun logger and leaves it running', async () => {
    const transport = new MemoryTransport();
    const logger = createLogfunLogger({ service: 'shared', transport, exitHooks: false, level: 'trace', batch: { delayMs: 5 } });
    const t = new bridge!.LogfunWinstonTransport({ logger });
    winston!.createLogger({ transports: [t] }).info('through the shared logger', { k: 'v' });
    await t.close();
    expect(transport.records.map((r) => [r.body, r.attributes.k])).toEqual([['through the shared logger', 'v']]);
    expect(transport.isShutdown).toBe(false);
    await logger.shutdown();
  });

  test('records reach a real collector over the compact protocol, with their templates', async () => {
    const collector = new Collector({
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
exporters:
  debug: { verbosity: basic }
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`,
      logger: createMemoryLogger(),
    });
    await collector.start();
    const writes = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
      const t = new bridge!.LogfunWinstonTransport({ service: 'winston-app', endpoint: `127.0.0.1:${port}`, exitHooks: false, batch: { delayMs: 10 } });
      const log = winston!.createLogger({ transports: [t] });
      for (let i = 0; i < 12; i++) log.info('invoice %d sent to %s', i, 'acme');
      await t.close();
      expect(collector.metrics.value('logfun_receiver_accepted_records_total', { receiver: 'otlp' })).toBe(12);
      expect(collector.templates.all().map((x) => [x.text, x.source, x.service])).toEqual([['invoice {} sent to {}', 'sdk', 'winston-app']]);
    } finally {
      writes.mockRestore();
      await collector.shutdown();
    }
  });
});
