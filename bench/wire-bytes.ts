/**
 * bench/wire-bytes: bytes on the wire per log record for the same logs, our
 * compact protocol (logfun SDK, `transport: 'logfun'`) against the official
 * OpenTelemetry JS path (@opentelemetry/sdk-logs BatchLogRecordProcessor +
 * @opentelemetry/exporter-logs-otlp-grpc), both with their default compression
 * (none), then both with gzip. The logfun SDK's own plain OTLP transport is shown
 * for reference.
 *
 *   npm run build && node dist/bench/wire-bytes.js [--records 100000] [--batch 512]
 *
 * Real bytes, not estimates: each run talks to the collector's otlp receiver (OTLP
 * and the compact stream on one gRPC port, in this process) through its own TCP
 * proxy that counts every byte in both directions (HTTP/2 and gRPC framing,
 * headers, acks and responses included). A run ends when the receiver accepted
 * every record.
 *
 * The logs: 20 realistic templates, each with 3 typed arguments (integers,
 * decimals, strings from small sets, ids), chosen by a seeded generator, the same
 * sequence for every run; the official SDK logs each one as its rendered text
 * (what `logger.emit({ body })` users send), severity number and text; a last
 * row also sends the three values as attributes (structured logging), for
 * reference. Ratios are against the body-only official exporter. Records
 * are logged in chunks of 1000 with a yield to the event loop between chunks;
 * both sides batch 512 records per request / batch.
 */
import * as net from 'net';
import { setImmediate as yieldToLoop } from 'timers/promises';
import { createLogger, type Logger } from '../sdk';
import { otlpReceiverFactory, type OtlpReceiver } from '../collector/receivers/otlp/factory';
import type { LogBatch } from '../collector/pipeline/batch';
import type { Host, LogsConsumer } from '../collector/pipeline/component';
import { createMemoryLogger } from '../collector/telemetry/diag';
import { Metrics } from '../collector/telemetry/metrics';
import { TemplateDictionary } from '../collector/templates/dictionary';
import { printTable } from './lib';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const TOTAL = argValue('--records', 100_000);
const BATCH = argValue('--batch', 512);
const CHUNK = 1000;

// ---- the workload ----

type Arg = string | number;
export interface BenchTemplate {
  severity: 'info' | 'warn' | 'error' | 'debug';
  /** Logs through the logfun SDK (a tagged-template call site). */
  ours(log: Logger, a: Arg, b: Arg, c: Arg): void;
  /** The same record's text (JavaScript formats the values exactly as the SDK renders them). */
  text(a: Arg, b: Arg, c: Arg): string;
  args(rnd: () => number, n: number): [Arg, Arg, Arg];
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'];
const ROUTES = ['/api/orders', '/api/users', '/api/cart', '/api/payments', '/api/search', '/health'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const REASONS = ['insufficient funds', 'card expired', 'fraud suspected', 'limit exceeded'];
const QUEUES = ['emails', 'invoices', 'thumbnails', 'webhooks'];
const TABLES = ['orders', 'users', 'sessions', 'inventory'];
const CARRIERS = ['DHL', 'UPS', 'FedEx', 'PostNL'];

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const int = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));
const cents = (rnd: () => number, hi: number) => Math.round(rnd() * hi * 100) / 100;
const ms = (rnd: () => number) => Math.round(rnd() * 500_000) / 1000;

const T = (severity: BenchTemplate['severity'], ours: BenchTemplate['ours'], text: BenchTemplate['text'], args: BenchTemplate['args']): BenchTemplate => ({ severity, ours, text, args });

export const TEMPLATES: BenchTemplate[] = [
  T('info', (l, a, b, c) => l.info`user ${a} paid ${b} EUR for order ${c}`, (a, b, c) => `user ${a} paid ${b} EUR for order ${c}`, (r, n) => [pick(r, USERS), cents(r, 300), 1_000_000 + n]),
  T('info', (l, a, b, c) => l.info`${a} ${b} completed with status 200 in ${c} ms`, (a, b, c) => `${a} ${b} completed with status 200 in ${c} ms`, (r) => [pick(r, METHODS), pick(r, ROUTES), ms(r)]),
  T('info', (l, a, b, c) => l.info`user ${a} logged in from region ${b} after ${c} attempts`, (a, b, c) => `user ${a} logged in from region ${b} after ${c} attempts`, (r) => [pick(r, USERS), pick(r, REGIONS), int(r, 1, 4)]),
  T('debug', (l, a, b, c) => l.debug`cache miss for key session:${a} in ${b}, ttl ${c} s`, (a, b, c) => `cache miss for key session:${a} in ${b}, ttl ${c} s`, (r) => [int(r, 1, 1_000_000), pick(r, REGIONS), int(r, 60, 3600)]),
  T('warn', (l, a, b, c) => l.warn`payment ${a} for customer ${b} declined: ${c}`, (a, b, c) => `payment ${a} for customer ${b} declined: ${c}`, (r) => [`pay_${int(r, 100000, 999999)}`, int(r, 1, 50_000), pick(r, REASONS)]),
  T('info', (l, a, b, c) => l.info`shipped order ${a} with ${b} items via ${c}`, (a, b, c) => `shipped order ${a} with ${b} items via ${c}`, (r, n) => [1_000_000 + n, int(r, 1, 12), pick(r, CARRIERS)]),
  T('info', (l, a, b, c) => l.info`job ${a} on queue ${b} finished in ${c} s`, (a, b, c) => `job ${a} on queue ${b} finished in ${c} s`, (r) => [int(r, 1, 10_000_000), pick(r, QUEUES), ms(r)]),
  T('error', (l, a, b, c) => l.error`query on table ${a} failed after ${b} retries: timeout after ${c} ms`, (a, b, c) => `query on table ${a} failed after ${b} retries: timeout after ${c} ms`, (r) => [pick(r, TABLES), int(r, 1, 5), int(r, 1000, 30000)]),
  T('info', (l, a, b, c) => l.info`cart ${a} of user ${b} now holds ${c} items`, (a, b, c) => `cart ${a} of user ${b} now holds ${c} items`, (r) => [int(r, 1, 100_000), pick(r, USERS), int(r, 0, 30)]),
  T('debug', (l, a, b, c) => l.debug`connection pool ${a}: ${b} active, ${c} idle`, (a, b, c) => `connection pool ${a}: ${b} active, ${c} idle`, (r) => [pick(r, TABLES), int(r, 0, 64), int(r, 0, 64)]),
  T('info', (l, a, b, c) => l.info`search for "${a}" returned ${b} results in ${c} ms`, (a, b, c) => `search for "${a}" returned ${b} results in ${c} ms`, (r) => [pick(r, ['shoes', 'red dress', 'laptop bag', 'usb-c cable', 'coffee']), int(r, 0, 500), ms(r)]),
  T('warn', (l, a, b, c) => l.warn`rate limit reached for api key ${a}: ${b} requests in ${c} s`, (a, b, c) => `rate limit reached for api key ${a}: ${b} requests in ${c} s`, (r) => [`key_${int(r, 1000, 9999)}`, int(r, 100, 1000), int(r, 1, 60)]),
  T('info', (l, a, b, c) => l.info`invoice ${a} for ${b} EUR sent to ${c}`, (a, b, c) => `invoice ${a} for ${b} EUR sent to ${c}`, (r, n) => [`INV-2024-${100000 + n}`, cents(r, 5000), `${pick(r, USERS)}@example.com`]),
  T('info', (l, a, b, c) => l.info`worker ${a} processed batch ${b} of ${c} records`, (a, b, c) => `worker ${a} processed batch ${b} of ${c} records`, (r, n) => [int(r, 1, 16), n, int(r, 100, 1000)]),
  T('debug', (l, a, b, c) => l.debug`feature flag ${a} evaluated to ${b} for user ${c}`, (a, b, c) => `feature flag ${a} evaluated to ${b} for user ${c}`, (r) => [pick(r, ['new-checkout', 'dark-mode', 'beta-search']), pick(r, ['on', 'off']), int(r, 1, 50_000)]),
  T('info', (l, a, b, c) => l.info`uploaded file ${a} (${b} bytes) to bucket ${c}`, (a, b, c) => `uploaded file ${a} (${b} bytes) to bucket ${c}`, (r) => [`img_${int(r, 1, 1_000_000)}.jpg`, int(r, 1000, 5_000_000), pick(r, ['media', 'avatars', 'exports'])]),
  T('warn', (l, a, b, c) => l.warn`slow request ${a} ${b} took ${c} ms`, (a, b, c) => `slow request ${a} ${b} took ${c} ms`, (r) => [pick(r, METHODS), pick(r, ROUTES), ms(r) + 1000]),
  T('info', (l, a, b, c) => l.info`stock for sku ${a} in warehouse ${b} changed to ${c}`, (a, b, c) => `stock for sku ${a} in warehouse ${b} changed to ${c}`, (r) => [`SKU-${int(r, 10000, 99999)}`, pick(r, ['AMS', 'FRA', 'NYC']), int(r, 0, 1000)]),
  T('error', (l, a, b, c) => l.error`webhook delivery to ${a} failed with status ${b} (attempt ${c})`, (a, b, c) => `webhook delivery to ${a} failed with status ${b} (attempt ${c})`, (r) => [`https://hooks.example.com/${pick(r, USERS)}`, pick(r, [500, 502, 503, 504]), int(r, 1, 6)]),
  T('info', (l, a, b, c) => l.info`session ${a} of user ${b} expired after ${c} minutes`, (a, b, c) => `session ${a} of user ${b} expired after ${c} minutes`, (r) => [int(r, 1, 10_000_000), pick(r, USERS), int(r, 5, 120)]),
];

export interface Entry {
  template: BenchTemplate;
  a: Arg;
  b: Arg;
  c: Arg;
}

/** The same record sequence for every run (seeded). */
export function workload(): Entry[] {
  let seed = 20240611;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const out: Entry[] = [];
  for (let n = 0; n < TOTAL; n++) {
    const template = TEMPLATES[Math.floor(rnd() * TEMPLATES.length)];
    const [a, b, c] = template.args(rnd, n);
    out.push({ template, a, b, c });
  }
  return out;
}

// ---- the receiver and the counting proxy ----

class CountingConsumer implements LogsConsumer {
  records = 0;
  private waiters: { n: number; resolve: () => void }[] = [];
  async consumeLogs(batch: LogBatch): Promise<void> {
    this.records += batch.length;
    this.waiters = this.waiters.filter((w) => (this.records >= w.n ? (w.resolve(), false) : true));
  }
  waitFor(n: number): Promise<void> {
    if (this.records >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** A TCP proxy in front of the receiver that counts bytes in each direction. */
class CountingProxy {
  up = 0;
  down = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<CountingProxy> {
    const server = net.createServer();
    const proxy = new CountingProxy(server);
    server.on('connection', (client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      proxy.sockets.add(client).add(upstream);
      client.on('data', (chunk) => (proxy.up += chunk.length));
      upstream.on('data', (chunk) => (proxy.down += chunk.length));
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// ---- the runs ----

type Compression = 'none' | 'gzip';

async function runLogfun(entries: Entry[], consumer: CountingConsumer, proxy: CountingProxy, transport: 'logfun' | 'otlp', compression: Compression): Promise<void> {
  const target = consumer.records + entries.length;
  const log = createLogger({
    service: 'wire-bytes',
    endpoint: `127.0.0.1:${proxy.port}`,
    transport,
    compression,
    level: 'debug',
    exitHooks: false,
    captureCallSites: true,
    buffer: { maxRecords: entries.length + 1000, maxBytes: 512 * 1024 * 1024 },
    batch: { maxRecords: BATCH, maxBytes: 64 * 1024 * 1024, delayMs: 50 },
  });
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    e.template.ours(log, e.a, e.b, e.c);
    if (i % CHUNK === CHUNK - 1) await yieldToLoop();
  }
  await log.flush(120_000);
  await consumer.waitFor(target);
  const stats = log.stats();
  await log.shutdown();
  if (stats.dropped > 0) throw new Error(`logfun ${transport} dropped ${stats.dropped} records`);
}

const OTEL_SEVERITY: Record<BenchTemplate['severity'], [number, string]> = { debug: [5, 'DEBUG'], info: [9, 'INFO'], warn: [13, 'WARN'], error: [17, 'ERROR'] };

/** Argument names for the structured variant (`attributes`), as an OTel user would name them. */
const ATTRIBUTE_NAMES = ['arg.0', 'arg.1', 'arg.2'];

async function runOfficial(entries: Entry[], consumer: CountingConsumer, proxy: CountingProxy, compression: Compression, structured = false): Promise<void> {
  const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const target = consumer.records + entries.length;
  const exporter = new OTLPLogExporter({
    url: `http://127.0.0.1:${proxy.port}`,
    // CompressionAlgorithm.GZIP of @opentelemetry/otlp-exporter-base is the string 'gzip'.
    ...(compression === 'gzip' ? { compression: 'gzip' as never } : {}),
  });
  const processor = new BatchLogRecordProcessor({ exporter, maxExportBatchSize: BATCH, maxQueueSize: entries.length + 1000, scheduledDelayMillis: 50 });
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'wire-bytes' }), processors: [processor] });
  const logger = provider.getLogger('wire-bytes');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const [severityNumber, severityText] = OTEL_SEVERITY[e.template.severity];
    const body = e.template.text(e.a, e.b, e.c);
    if (structured) logger.emit({ severityNumber, severityText, body, attributes: { [ATTRIBUTE_NAMES[0]]: e.a, [ATTRIBUTE_NAMES[1]]: e.b, [ATTRIBUTE_NAMES[2]]: e.c } });
    else logger.emit({ severityNumber, severityText, body });
    if (i % CHUNK === CHUNK - 1) await yieldToLoop();
  }
  await provider.forceFlush();
  await consumer.waitFor(target);
  await provider.shutdown();
}

const OFFICIAL = 'OpenTelemetry JS SDK + OTLP/gRPC exporter (body)';

interface Result {
  name: string;
  compression: Compression;
  up: number;
  down: number;
}

async function measure(name: string, compression: Compression, port: number, run: (proxy: CountingProxy) => Promise<void>): Promise<Result> {
  const proxy = await CountingProxy.start(port);
  try {
    await run(proxy);
    // Let the last acks and GOAWAY/close frames through before reading the counters.
    await new Promise((r) => setTimeout(r, 200));
    return { name, compression, up: proxy.up, down: proxy.down };
  } finally {
    await proxy.close();
  }
}

async function main(): Promise<void> {
  const entries = workload();
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const consumer = new CountingConsumer();
  const receiver = otlpReceiverFactory.create(
    { id: 'otlp', metrics, logger },
    { protocols: { grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size: '64MiB' }, http: null } },
    consumer,
  ) as OtlpReceiver;
  const host: Host = { metrics, logger, components: new Map(), templates: new TemplateDictionary() };
  await receiver.start(host);
  const port = receiver.grpcPort!;

  // Warm up code paths (JIT, protobuf loaders) outside the measured runs.
  const warm = entries.slice(0, 2000);
  await measure('warm-up', 'none', port, (p) => runLogfun(warm, consumer, p, 'logfun', 'none'));
  await measure('warm-up', 'none', port, (p) => runOfficial(warm, consumer, p, 'none'));

  const results: Result[] = [];
  for (const compression of ['none', 'gzip'] as const) {
    results.push(await measure(OFFICIAL, compression, port, (p) => runOfficial(entries, consumer, p, compression)));
    results.push(await measure('logfun SDK, compact stream (transport: logfun)', compression, port, (p) => runLogfun(entries, consumer, p, 'logfun', compression)));
    results.push(await measure('logfun SDK, plain OTLP (transport: otlp)', compression, port, (p) => runLogfun(entries, consumer, p, 'otlp', compression)));
    results.push(await measure('OpenTelemetry JS SDK, body + the 3 values as attributes', compression, port, (p) => runOfficial(entries, consumer, p, compression, true)));
  }
  await receiver.shutdown();

  const rows = results.map((r) => {
    const official = results.find((x) => x.compression === r.compression && x.name === OFFICIAL)!;
    const total = r.up + r.down;
    const officialTotal = official.up + official.down;
    return [
      r.name,
      r.compression,
      (r.up / TOTAL).toFixed(2),
      (r.down / TOTAL).toFixed(2),
      (total / TOTAL).toFixed(2),
      `${((100 * total) / officialTotal).toFixed(1)} %`,
    ];
  });
  printTable(
    `wire-bytes: ${TOTAL.toLocaleString('en-US')} records over ${TEMPLATES.length} templates (3 typed arguments each), ${BATCH} records per batch; bytes counted by a TCP proxy, both directions`,
    ['sender', 'compression', 'up B/rec', 'down B/rec', 'total B/rec', 'vs official (same compression)'],
    rows,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
