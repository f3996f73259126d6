/**
 * Control rules from the collector's admin API down to the SDKs over the compact
 * stream (collector/control/sdk-push.ts, sdk/wire/compact-control.ts), in one
 * process: an in-process Collector (otlp gRPC with the logfun Ingest service,
 * admin API, clickhouse exporter on a temp chDB folder) and SDK loggers of two
 * services on transport 'logfun'.
 *
 * Measures the time from `PUT /api/v1/rules` to the SDK's template being muted
 * (and unmuted), 50 toggles: goal p99 <= 200 ms on a quiet machine (a looser
 * bound is asserted when the load average says the machine is overloaded; the
 * numbers are printed either way).
 *
 * One chDB folder per process: this file's collector is the only user of it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { createLogger, defaultTemplateRegistry, templateIdOf, traced, type RootLogger, type Template } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import { percentile, putRule as putRuleAt, timeToggle, untilObeyed } from '../../collector/control/latency-probe';

jest.setTimeout(60_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-control-sdk-push-'));
const endpoint = `chdb://${path.join(folder, 'data')}`;

const YAML = `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  control: {}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(endpoint)}
    database: sdk_push
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  pipelines:
    logs: { receivers: [otlp], processors: [control], exporters: [clickhouse] }
`;

let collector: Collector;
let admin: string;
let grpcTarget: string;
const loggers: RootLogger[] = [];

beforeAll(async () => {
  collector = new Collector({ yaml: YAML, logger: createMemoryLogger() });
  await collector.start();
  expect(collector.control?.ready).toBe(true);
  admin = `http://127.0.0.1:${collector.admin.port}`;
  grpcTarget = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
});

// Loggers of different services sharing the process-wide template registry veto each other's template
// flags (their records are then decided one by one, sdk/wire/compact-control.ts): each test shuts its loggers down.
afterEach(async () => {
  for (const log of loggers.splice(0)) await log.shutdown();
});

afterAll(async () => {
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

function sdk(service: string, ownRegistry: boolean): { log: RootLogger; transport: LogfunStreamTransport } {
  const log = createLogger({
    service,
    transport: 'logfun',
    endpoint: grpcTarget,
    exitHooks: false,
    batch: { delayMs: 20 },
    // captureCallSites false = a registry of its own (the process-wide one otherwise).
    captureCallSites: !ownRegistry,
    diagnostics: () => undefined,
  });
  loggers.push(log);
  return { log, transport: log.transport as LogfunStreamTransport };
}

const putRule = (body: unknown): Promise<void> => putRuleAt(admin, body, collector.adminToken);

/** Resolves (with the time it resolved) once `predicate` holds; checks at every control update and every 2 ms. */
const until = untilObeyed;

function templateOf(text: string): Template {
  let found: Template | undefined;
  defaultTemplateRegistry.forEachTemplate((t) => {
    if (t.text === text) found = t;
  });
  if (!found) throw new Error(`no template "${text}" in the process-wide registry`);
  return found;
}

const pct = percentile;

test('a template set OFF / ON through the API is muted / unmuted in the SDK; latency p50/p99 over 50 toggles; the other service is unaffected', async () => {
  const a = sdk('push-a', false);
  const b = sdk('push-b', true);
  const noisyA = (i: number) => a.log.info`push noisy ${i}`;
  const noisyB = (i: number) => b.log.info`push noisy ${i}`;
  noisyA(0);
  noisyB(0);
  // Both streams are open and got their (empty) rules at the Hello.
  await until(() => a.transport.controlUpdates > 0 && b.transport.controlUpdates > 0, [a.transport, b.transport]);
  expect(a.transport.lastControl?.rules).toEqual([]);
  const template = templateOf('push noisy {}');
  const id = templateIdOf('push noisy {}');
  expect(template.id).toBe(id);
  expect(template.muted).toBe(false);
  const bUpdates = b.transport.controlUpdates;

  const latencies: number[] = [];
  /** The PUT's own round trip (the rule stored in chDB), a part of each latency; and the rest (push to muted). */
  const putTimes: number[] = [];
  const afterPut: number[] = [];
  // The first writes warm up the store's table and the code paths (a few hundred ms on a loaded machine):
  // 4 warm-up toggles are printed, not counted; the 50 measured ones are the steady state.
  const warmup: number[] = [];
  for (let i = -4; i < 50; i++) {
    const off = (i + 4) % 2 === 0;
    const { latency, put, afterPut: after } = await timeToggle(
      admin,
      { target: { service: 'push-a', templateId: id.toString() }, state: off ? 'off' : 'on', reason: `toggle ${i}` },
      () => template.muted === off,
      [a.transport],
      5_000,
      collector.adminToken,
    );
    if (i < 0) {
      warmup.push(latency);
      continue;
    }
    putTimes.push(put);
    afterPut.push(after);
    latencies.push(latency);
  }
  const p50 = pct(latencies, 0.5);
  const p99 = pct(latencies, 0.99);
  const overloaded = os.loadavg()[0] > 1.5 * os.cpus().length;
  // eslint-disable-next-line no-console
  console.log(
    `control-sdk-push: PUT /api/v1/rules -> SDK template muted/unmuted, 50 toggles: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms` +
      ` (the PUT round trip: p50 ${pct(putTimes, 0.5).toFixed(1)} ms, p99 ${pct(putTimes, 0.99).toFixed(1)} ms;` +
      ` after it: p50 ${pct(afterPut, 0.5).toFixed(1)} ms, p99 ${pct(afterPut, 0.99).toFixed(1)} ms;` +
      ` warm-up toggles ${warmup.map((x) => x.toFixed(0)).join(', ')} ms)` +
      ` (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs${overloaded ? ': overloaded, p99 bound relaxed to 1 s' : ''})`,
  );
  expect(p99).toBeLessThan(overloaded ? 1_000 : 200);

  // Leave it OFF: A's records of the template are muted, B's (same text and id, other service) are not.
  await putRule({ target: { service: 'push-a', templateId: id.toString() }, state: 'off' });
  await until(() => template.muted, [a.transport]);
  const mutedA = a.log.stats().muted;
  noisyA(1);
  noisyB(1);
  expect(a.log.stats().muted).toBe(mutedA + 1);
  expect(b.log.stats().muted).toBe(0);
  // Service B's rules never changed, so it was sent nothing more.
  expect(b.transport.controlUpdates).toBe(bUpdates);
  expect(b.transport.lastControl?.rules).toEqual([]);
  await b.log.flush();
  expect(b.log.stats()).toMatchObject({ muted: 0, exported: 2 });

  // An SDK of service A connecting after the rule was set gets it with the Hello.
  const started = performance.now();
  const late = sdk('push-a', true);
  const lateNoisy = (i: number) => late.log.info`push noisy ${i}`;
  await until(() => late.transport.controlUpdates > 0, [late.transport]);
  // eslint-disable-next-line no-console
  console.log(`control-sdk-push: a late SDK had its rules ${(performance.now() - started).toFixed(1)} ms after createLogger`);
  expect(late.transport.lastControl?.rules.map((r) => [r.target.service, r.target.templateId, r.state])).toEqual([['push-a', id, 1]]);
  lateNoisy(1);
  lateNoisy(2);
  expect(late.log.stats().muted).toBe(2);

  // Clearing the rule unmutes everywhere.
  const res = await fetch(`${admin}/api/v1/rules?service=push-a&template=${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${collector.adminToken}` } });
  expect(res.status).toBe(200);
  await until(() => !template.muted && late.transport.lastControl?.rules.length === 0, [a.transport, late.transport]);
  lateNoisy(3);
  expect(late.log.stats().muted).toBe(2);
});

test('a function pinned ON by a person with a template auto-muted inside it: logged inside the function, muted elsewhere', async () => {
  const a = sdk('push-pin', false);
  const charged = (i: number) => a.log.info`push charged ${i}`;
  const pay = traced('PushCheckout.pay', (i: number) => {
    charged(i);
    a.log.info`push pay step ${i}`;
  });
  pay(0);
  charged(0);
  await until(() => a.transport.controlUpdates > 0, [a.transport]);
  const id = templateIdOf('push charged {}');
  await putRule({ target: { service: 'push-pin', function: 'PushCheckout.pay' }, state: 'on', reason: 'debugging checkout' });
  await collector.control!.setAuto({ service: 'push-pin', templateId: id }, 'spam: z=12');
  const template = templateOf('push charged {}');
  await until(() => template.muted, [a.transport]);
  // The flattened rules as the SDK got them: (function) ON, (template) OFF, (function, template) ON.
  const rules = a.transport.lastControl!.rules.map((r) => `${r.target.function}/${r.target.templateId}=${r.state === 1 ? 'off' : 'on'}`).sort();
  expect(rules).toEqual([`/${id}=off`, `PushCheckout.pay/${id}=on`, 'PushCheckout.pay/0=on'].sort());
  const before = a.log.stats().muted;
  pay(1); // both records kept: a manual ON beats the automatic mute
  charged(1); // muted: outside the pinned function the automatic mute holds
  expect(a.log.stats().muted).toBe(before + 1);
  await a.log.flush();
  expect(a.log.stats().muted).toBe(before + 1);

  // The pin lifted: the automatic mute holds inside the function too.
  const res = await fetch(`${admin}/api/v1/rules?service=push-pin&function=PushCheckout.pay`, { method: 'DELETE', headers: { authorization: `Bearer ${collector.adminToken}` } });
  expect(res.status).toBe(200);
  await until(() => a.transport.lastControl!.rules.length === 1, [a.transport]);
  pay(2);
  expect(a.log.stats().muted).toBe(before + 2);
  await collector.control!.clearAuto({ service: 'push-pin', templateId: id });
  await until(() => !template.muted, [a.transport]);
});

test('a whole service set OFF is muted in its SDK, also with a logger of another service in the process (one template registry); cleared, it sends again', async () => {
  // Both on the process-wide registry, as two createLogger calls of one process (the demo's web and checkout).
  const a = sdk('mix-a', false);
  const b = sdk('mix-b', false);
  const shared = (log: RootLogger, i: number) => log.info`mix shared ${i}`; // one template, logged by both services
  const own = (log: RootLogger, i: number) => log.info(`mix own of ${log === a.log ? 'a' : 'b'} %d`, i);
  for (const s of [a, b]) {
    shared(s.log, 0);
    own(s.log, 0);
  }
  await until(() => a.transport.controlUpdates > 0 && b.transport.controlUpdates > 0, [a.transport, b.transport]);
  await Promise.all([a.log.flush(), b.log.flush()]);

  await putRule({ target: { service: 'mix-a' }, state: 'off', reason: 'too loud' });
  await until(() => a.transport.lastControl?.rules.length === 1, [a.transport]);
  expect(a.transport.lastControl!.rules.map((r) => [r.target.service, r.target.function, r.target.templateId, r.state])).toEqual([['mix-a', '', 0n, 1]]);
  const before = { a: a.log.stats(), b: b.log.stats() };
  for (const s of [a, b]) {
    shared(s.log, 1);
    own(s.log, 1);
    s.log.info('mix a plain message', { n: 1 });
  }
  await Promise.all([a.log.flush(), b.log.flush()]);
  // Service A: every record muted in the SDK (none sent); service B: everything sent.
  expect(a.log.stats().muted - before.a.muted).toBe(3);
  expect(a.log.stats().exported).toBe(before.a.exported);
  expect(b.log.stats().muted).toBe(before.b.muted);
  expect(b.log.stats().exported - before.b.exported).toBe(3);
  // The collector learns them as muted in the SDK (with the batches that carried the counts).
  const sdkMuted = (service: string): number =>
    collector.metrics
      .series('logfun_ingest_sdk_muted_records_total')
      .filter((x) => x.labels.service === service && x.labels.reason === 'off')
      .reduce((n, x) => n + x.value, 0);
  expect(sdkMuted('mix-a')).toBe(3);
  expect(sdkMuted('mix-b')).toBe(0);

  const res = await fetch(`${admin}/api/v1/rules?service=mix-a`, { method: 'DELETE', headers: { authorization: `Bearer ${collector.adminToken}` } });
  expect(res.status).toBe(200);
  await until(() => a.transport.lastControl?.rules.length === 0, [a.transport]);
  shared(a.log, 2);
  own(a.log, 2);
  await a.log.flush();
  expect(a.log.stats().muted - before.a.muted).toBe(3);
  expect(a.log.stats().exported - before.a.exported).toBe(2);
});
