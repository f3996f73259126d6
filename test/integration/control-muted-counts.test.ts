/**
 * The SDK's muted counts (RecordBatch.muted_counts, sdk/mute-counts.ts) over real
 * gRPC into the otlp receiver's Ingest service (collector/receivers/otlp/logfun-ingest.ts):
 * rules pushed down the stream mute a template or a traced() function; the SDK
 * counts what it drops per (template id, function, reason) and the receiver turns
 * the counts into report records (processors/spam/sdk-report.ts). Checked: counts
 * arrive while the site stays muted (batches with no records), the reason (auto /
 * off), and that a batch refused or cut off by an outage and resent is counted
 * exactly once.
 */
import { createLogger, traced, templateIdOf, type CreateLoggerOptions, type RootLogger } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import type { Host } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import { OtlpGrpcServer } from '../../collector/receivers/otlp/grpc-server';
import { ReceiverIngest } from '../../collector/receivers/otlp/ingest';
import { LogfunIngestService } from '../../collector/receivers/otlp/logfun-ingest';
import type { ControlUpdateInput } from '../../collector/compact/messages';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { Metrics } from '../../collector/telemetry/metrics';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { readMutedReport, SDK_MUTED_EVENT, type MutedReport } from '../../processors/spam/sdk-report';
import { RecordingConsumer } from '../kit/recording-consumer';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  service: LogfunIngestService;
  port: number;
  target: string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

let rigCount = 0;
function rig() {
  const id = `otlp/muted-${process.pid}-${++rigCount}`;
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const consumer = new RecordingConsumer();
  const templates = new TemplateDictionary();
  const settings = { id, metrics, logger };
  const ingest = new ReceiverIngest(settings, consumer);
  return {
    id,
    metrics,
    consumer,
    async start(port = 0): Promise<Server> {
      const service = new LogfunIngestService(settings, ingest);
      const host: Host = { metrics, logger, components: new Map(), templates };
      service.start(host);
      const grpc = new OtlpGrpcServer({ endpoint: `127.0.0.1:${port}`, max_recv_msg_size: '4MiB' }, ingest, service);
      const bound = await grpc.start();
      return { service, port: bound, target: `127.0.0.1:${bound}`, kill: () => grpc.shutdown(0), stop: () => grpc.shutdown(2000) };
    },
  };
}

type Rig = ReturnType<typeof rig>;

const loggers: RootLogger[] = [];
afterEach(async () => {
  for (const l of loggers.splice(0)) await l.shutdown();
});

/** An SDK of `service` whose stream gets an (empty) rule set at its Hello: control update 1. */
function sdk(server: Server, service: string, options: Partial<CreateLoggerOptions> = {}): { log: RootLogger; transport: LogfunStreamTransport } {
  server.service.setControl({ rules: [], version: 0 }, { service });
  const target = server.target;
  const log = createLogger({
    service,
    endpoint: target,
    transport: 'logfun',
    exitHooks: false,
    batch: { delayMs: 20 },
    retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
    // A registry of its own: tests do not mute each other's templates.
    captureCallSites: false,
    diagnostics: () => undefined,
    ...options,
  });
  loggers.push(log);
  return { log, transport: log.transport as LogfunStreamTransport };
}

/** Resolves once the transport applied `count` control updates. */
async function controlApplied(t: LogfunStreamTransport, count: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (t.controlUpdates < count) {
    if (Date.now() > until) throw new Error(`control update ${count} not applied`);
    await sleep(2);
  }
}

/** Every report record the consumer accepted, with its service. */
function reports(r: Rig): (MutedReport & { service: string })[] {
  const out: (MutedReport & { service: string })[] = [];
  for (const b of r.consumer.batches) {
    for (let i = 0; i < b.length; i++) {
      if (b.eventName[i] !== SDK_MUTED_EVENT) continue;
      const rep = readMutedReport(b, i);
      if (!rep) throw new Error('malformed report record');
      out.push({ ...rep, service: b.resources[b.resourceIndex[i]].serviceName });
    }
  }
  return out;
}

function ordinaryRecords(r: Rig): number {
  let n = 0;
  for (const b of r.consumer.batches) for (let i = 0; i < b.length; i++) if (b.eventName[i] !== SDK_MUTED_EVENT) n++;
  return n;
}

const sum = (xs: { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('muted counts over the compact stream', () => {
  let r: Rig;
  let server: Server;
  beforeEach(async () => {
    r = rig();
    server = await r.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('a template muted by an AUTO rule: every dropped record is reported (reason auto), also while nothing else is logged', async () => {
    const { log, transport } = sdk(server, 'muted-a');
    const spam = (i: number) => log.info`muted spam ${i % 3}`;
    const other = (i: number) => log.info`muted other ${i}`;
    spam(0);
    other(0);
    await log.flush();
    await controlApplied(transport, 1);
    const id = templateIdOf('muted spam {}');
    const update: ControlUpdateInput = { rules: [{ target: { service: 'muted-a', templateId: id }, state: 'off', reason: 'auto: spam z=9' }], version: 1 };
    server.service.setControl(update, { service: 'muted-a' });
    await controlApplied(transport, 2);

    for (let i = 1; i <= 500; i++) spam(i);
    for (let i = 1; i <= 10; i++) other(i);
    expect(log.stats().muted).toBe(500);
    await log.flush();
    // Only counts pending: a batch with no records carries them after the batch delay.
    for (let i = 0; i < 250; i++) spam(i);
    await until(() => sum(reports(r)) === 750, 'the count-only batch');
    expect(log.stats()).toMatchObject({ muted: 750, emitted: 12, exported: 12 });
    expect(ordinaryRecords(r)).toBe(12);
    const got = reports(r);
    expect(new Set(got.map((x) => `${x.service} ${x.templateId} ${x.reason} ${x.function}`))).toEqual(new Set([`muted-a ${id} auto `]));
    expect(r.metrics.value('logfun_ingest_sdk_muted_records_total', { receiver: r.id, service: 'muted-a', reason: 'auto' })).toBe(750);

    // A manual OFF: reason off; unmuted: nothing more is counted.
    server.service.setControl({ rules: [{ target: { service: 'muted-a', templateId: id }, state: 'off', reason: 'person' }], version: 2 }, { service: 'muted-a' });
    await controlApplied(transport, 3);
    for (let i = 0; i < 40; i++) spam(i);
    server.service.setControl({ rules: [], version: 3 }, { service: 'muted-a' });
    await controlApplied(transport, 4);
    for (let i = 0; i < 5; i++) spam(i);
    await log.flush();
    expect(log.stats()).toMatchObject({ muted: 790, emitted: 17, exported: 17 });
    const off = reports(r).filter((x) => x.reason === 'off');
    expect(sum(off)).toBe(40);
    expect(sum(reports(r))).toBe(790);
  });

  it('a traced() function muted by a rule: counts with template id 0 and the function name', async () => {
    const { log, transport } = sdk(server, 'muted-fn');
    const work = traced('Cart.add', (i: number) => log.info`cart add ${i}`);
    work(0);
    await log.flush();
    await controlApplied(transport, 1);
    server.service.setControl({ rules: [{ target: { service: 'muted-fn', function: 'Cart.add' }, state: 'off', reason: 'auto: noisy' }], version: 1 }, { service: 'muted-fn' });
    await controlApplied(transport, 2);
    for (let i = 0; i < 123; i++) work(i);
    await log.flush();
    expect(reports(r).map(({ templateId, function: fn, count, reason }) => ({ templateId, fn, count, reason }))).toEqual([{ templateId: 0n, fn: 'Cart.add', count: 123, reason: 'auto' }]);
  });

  it('a batch refused (retryable) and resent carries the same counts: credited once', async () => {
    const { log, transport } = sdk(server, 'muted-retry');
    const spam = (i: number) => log.info`retry spam ${i}`;
    spam(0);
    await log.flush();
    await controlApplied(transport, 1);
    server.service.setControl({ rules: [{ target: { service: 'muted-retry', templateId: templateIdOf('retry spam {}') }, state: 'off', reason: 'auto: x' }], version: 1 }, { service: 'muted-retry' });
    await controlApplied(transport, 2);
    r.consumer.failWith(new RetryableError('busy', 10), 3);
    for (let i = 0; i < 77; i++) spam(i);
    log.info`retry keep ${1}`;
    expect(await log.flush(10_000)).toBe(true);
    expect(r.consumer.calls).toBeGreaterThanOrEqual(4);
    expect(sum(reports(r))).toBe(77);
    expect(log.stats()).toMatchObject({ muted: 77, exported: 2 });
  });

  it('the server killed while a batch with counts is being consumed, restarted: the resend is a duplicate, counts are not doubled', async () => {
    const { log, transport } = sdk(server, 'muted-outage');
    const spam = (i: number) => log.info`outage spam ${i}`;
    spam(0);
    await log.flush();
    await controlApplied(transport, 1);
    server.service.setControl({ rules: [{ target: { service: 'muted-outage', templateId: templateIdOf('outage spam {}') }, state: 'off', reason: 'auto: x' }], version: 1 }, { service: 'muted-outage' });
    await controlApplied(transport, 2);

    r.consumer.hold();
    const callsBefore = r.consumer.calls;
    for (let i = 0; i < 300; i++) spam(i);
    log.info`outage record ${1}`;
    while (r.consumer.calls === callsBefore) await sleep(5);
    const port = server.port;
    await server.kill();
    // Mutes stay in force while the stream is down: more counts accumulate.
    for (let i = 0; i < 200; i++) spam(i);
    await sleep(200);
    server = await r.start(port);
    while (r.metrics.value('logfun_ingest_streams_total', { receiver: r.id }) < 2) await sleep(5);
    await sleep(300);
    r.consumer.release();
    expect(await log.flush(20_000)).toBe(true);

    expect(r.metrics.value('logfun_ingest_batches_total', { receiver: r.id, outcome: 'duplicate' })).toBe(1);
    expect(sum(reports(r))).toBe(500);
    expect(log.stats()).toMatchObject({ muted: 500, exported: 2, dropped: 0 });
  });
});
