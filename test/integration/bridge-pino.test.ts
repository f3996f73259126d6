/**
 * sdk/bridges/pino.ts with real pino: in process through the memory transport
 * (the mapping, templates, levels, errors, bad lines), and as a worker-thread
 * transport (`pino.transport({ target })`) sending the compact protocol to a real
 * in-process collector.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import pino from 'pino';
import { pinoDestination, pinoOptions, PINO_ARGS_KEY, PINO_TEMPLATE_KEY } from '../../sdk/bridges/pino';
import { createLogger, MemoryTransport, type ExportedRecord } from '../../sdk';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';

jest.setTimeout(30_000);

function memoryDestination(extra: Parameters<typeof pinoDestination>[0] = {}) {
  const badLines: string[] = [];
  const dest = pinoDestination({ service: 'shop', transport: 'memory', exitHooks: false, batch: { delayMs: 5 }, onBadLine: (l) => badLines.push(l), ...extra });
  const records = (): ExportedRecord[] => (dest.logger.transport as MemoryTransport).records;
  return { dest, records, badLines };
}

describe('pino destination in process', () => {
  test('level -> severity, msg -> body, fields -> attributes, printf calls -> templates with typed arguments', async () => {
    const { dest, records } = memoryDestination();
    const log = pino({ level: 'trace', ...pinoOptions() }, dest);
    log.info('user %s paid %d', 'u1', 42);
    log.child({ reqId: 'r1' }).warn({ orderId: 7, tags: ['a', 'b'] }, 'order placed');
    log.error(new Error('card declined'), 'payment failed for %s', 'o9');
    log.trace('trace line');
    log.debug('100%s sure'); // a % conversion without arguments: the text as it is
    log.fatal({ nested: { k: 1 } }, 'down');
    await dest.close();

    const got = records();
    expect(got.map((r) => r.severityText)).toEqual(['INFO', 'WARN', 'ERROR', 'TRACE', 'DEBUG', 'FATAL']);
    expect(got.map((r) => r.body)).toEqual(['user u1 paid 42', 'order placed', 'payment failed for o9', 'trace line', '100%s sure', 'down']);

    const [paid, placed, failed, , debug, fatal] = got;
    expect(paid.template?.kind).toBe('printf');
    expect(paid.template?.text).toBe('user {} paid {}');
    expect(paid.args).toEqual(['u1', 42]);
    // pino's own fields are not attributes (the resource has host.name and process.pid), nor the hook's.
    for (const key of ['pid', 'hostname', 'time', 'level', 'msg', PINO_TEMPLATE_KEY, PINO_ARGS_KEY]) expect(paid.attributes).not.toHaveProperty(key);

    expect(placed.attributes).toMatchObject({ reqId: 'r1', orderId: 7, tags: ['a', 'b'] });
    expect(placed.template?.text).toBe('order placed');

    expect(failed.template?.text).toBe('payment failed for {}');
    expect(failed.args).toEqual(['o9']);
    expect(failed.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'card declined' });
    expect(String(failed.attributes['exception.stacktrace'])).toMatch(/card declined\n\s+at /);

    expect(debug.template?.text).toBe('100%s sure');
    expect(fatal.attributes.nested).toEqual({ k: 1 });
    // The owned logger was shut down by close().
    expect((dest.logger.transport as MemoryTransport).isShutdown).toBe(true);
  });

  test('without the hook the formatted msg is the record text; the same template id for every user otherwise', async () => {
    const plain = memoryDestination();
    const log = pino(plain.dest);
    log.info('user %s paid %d', 'u1', 42);
    log.info('user %s paid %d', 'u2', 43);
    await plain.dest.close();
    expect(plain.records().map((r) => [r.body, r.args])).toEqual([
      ['user u1 paid 42', undefined],
      ['user u2 paid 43', undefined],
    ]);

    const hooked = memoryDestination();
    const log2 = pino(pinoOptions({ level: 'info' }), hooked.dest);
    log2.info('user %s paid %d', 'u1', 42);
    log2.info({ region: 'eu' }, 'user %s paid %d', 'u2', 43);
    await hooked.dest.close();
    const [a, b] = hooked.records();
    expect(a.template).toBe(b.template);
    expect(b.attributes.region).toBe('eu');
  });

  test('numeric and custom levels map by band; level labels by name; bad lines are counted, not fatal', async () => {
    const { dest, records, badLines } = memoryDestination();
    const log = pino({ level: 'trace', customLevels: { audit: 35, emergency: 70 } }, dest);
    (log as unknown as Record<string, (m: string) => void>).audit('audit event');
    (log as unknown as Record<string, (m: string) => void>).emergency('all down');
    dest.write('not json\n');
    dest.write('[1,2]\n');
    dest.write(JSON.stringify({ level: 'warning', msg: 'label level' }) + '\n' + JSON.stringify({ level: 50, msg: 'split ' }).slice(0, 10));
    dest.write(JSON.stringify({ level: 50, msg: 'split ' }).slice(10) + '\n');
    await dest.close();
    expect(records().map((r) => [r.severityText, r.body])).toEqual([
      ['WARN', 'audit event'],
      ['FATAL', 'all down'],
      ['WARN', 'label level'],
      ['ERROR', 'split '],
    ]);
    expect(badLines).toEqual(['not json', '[1,2]']);
    expect(dest.badLines).toBe(2);
  });

  test('writes through an existing logfun logger and leaves it running', async () => {
    const transport = new MemoryTransport();
    const logger = createLogger({ service: 'shared', transport, exitHooks: false, level: 'trace', batch: { delayMs: 5 } });
    const dest = pinoDestination({ logger });
    pino(dest).info({ k: 'v' }, 'through the shared logger');
    await dest.close();
    expect(transport.records.map((r) => [r.body, r.attributes.k])).toEqual([['through the shared logger', 'v']]);
    expect(transport.isShutdown).toBe(false);
    await logger.shutdown();
  });
});

describe('pino.transport worker to a real collector', () => {
  test('records reach the collector over the compact protocol, with their printf templates', async () => {
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bridge-pino-'));
    try {
      const port = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
      // The worker loads a .js target: this one compiles the TypeScript source on require
      // (what `logfun/pino` in dist/ is after `npm run build`).
      const target = path.join(dir, 'logfun-pino-target.js');
      fs.writeFileSync(
        target,
        `const ts = require(${JSON.stringify(require.resolve('typescript'))});
const fs = require('fs');
require.extensions['.ts'] = (m, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  m._compile(out.outputText, file);
};
module.exports = require(${JSON.stringify(path.join(__dirname, '../../sdk/bridges/pino.ts'))});
`,
      );
      const transport = pino.transport({ target, options: { service: 'pino-worker', endpoint: `127.0.0.1:${port}`, exitHooks: false, batch: { delayMs: 10 }, shutdownTimeoutMs: 1000 } });
      const log = pino(pinoOptions(), transport);
      for (let i = 0; i < 25; i++) log.info('order %d shipped to %s', i, 'berlin');
      log.warn({ attempt: 3 }, 'retrying');
      // The worker exports on its own (10 ms batches) while this thread serves the collector.
      await waitFor(() => collector.metrics.value('logfun_receiver_accepted_records_total', { receiver: 'otlp' }) === 26);
      // end() blocks this thread (Atomics.wait) until the worker has closed its destination:
      // fine here, everything is exported; a collector in the same thread as a worker with
      // unexported records would have to wait out the SDK's shutdownTimeoutMs.
      const closed = new Promise((resolve) => transport.once('close', resolve));
      transport.end();
      await closed;
      expect(collector.metrics.value('logfun_ingest_streams_total')).toBeGreaterThanOrEqual(1);
      const templates = collector.templates.all().map((t) => [t.text, t.source, t.service]);
      expect(templates).toEqual(expect.arrayContaining([['order {} shipped to {}', 'sdk', 'pino-worker']]));
    } finally {
      writes.mockRestore();
      await collector.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
