/**
 * The spam processor as a pipeline component: config and factory, the data path
 * (drops, SDK report records, exact crediting after the next stage accepted), the
 * control plane calls (discovery, retries, renewals), summaries and shutdown.
 * Real components: the processor, RecordingConsumer, TemplateDictionary, Metrics.
 */
import { LogBatchBuilder, sharedAttributeList, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import type { Component, Host } from '../../collector/pipeline/component';
import { PermanentError, RetryableError } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { parseConfig, ConfigError, type FactoryRegistry } from '../../collector/config/config';
import type { ComponentFactory } from '../../collector/pipeline/component';
import { spamProcessorFactory, SpamProcessor, type SpamProcessorConfig } from '../../processors/spam/factory';
import type { AutoMuteSink, MuteTarget } from '../../processors/spam/control-sink';
import { appendMutedReport, SDK_MUTED_EVENT } from '../../processors/spam/sdk-report';
import { SUMMARY_EVENT, SUPPRESSED, TEMPLATE_SUMMARY_ID, TEMPLATE_SUMMARY_TEXT } from '../../processors/spam/summary';
import { RecordingConsumer, attributeMap } from '../kit/recording-consumer';

const T0 = 1_700_000_000_000;
const SPAM_ID = 777n;

function config(overrides: Partial<SpamProcessorConfig> = {}): SpamProcessorConfig {
  return { ...spamProcessorFactory.createDefaultConfig(), store: false, ...overrides };
}

class RecordingSink implements AutoMuteSink {
  calls: { op: string; target: MuteTarget; ttlMs?: number }[] = [];
  failNext = 0;
  setAuto(target: MuteTarget, _reason: string, options?: { ttlMs?: number }): Promise<void> {
    this.calls.push({ op: 'set', target, ttlMs: options?.ttlMs });
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('store unavailable'));
    }
    return Promise.resolve();
  }
  clearAuto(target: MuteTarget): void {
    this.calls.push({ op: 'clear', target });
  }
}

function host(extra: Omit<Partial<Host>, 'control'> & { control?: unknown } = {}): Host {
  return { metrics: new Metrics(), logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary(), ...extra } as Host;
}

/**
 * The resource of one sender of `service`: keys and AUTO mutes are per sender
 * (processors/spam/config.ts scope), and a sender with no service.instance.id is
 * muted in the collector only (no rule can name it alone), so test senders name one.
 */
function senderAttributes(service: string): KeyValue[] {
  return [
    { key: 'service.name', value: service },
    { key: 'service.instance.id', value: `${service}-1` },
  ];
}

/** A batch of `n` records of one template of `service` (constant arguments), plus optional report records. */
function batchOf(service: string, n: number, templateId = SPAM_ID, reports: { templateId: bigint; function: string; count: number }[] = []): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: senderAttributes(service), droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'test', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) {
    b.add(r, s, { body: 'retry db-1', templateId, templateArgs: ['db-1'], attributes: [{ key: 'code.function', value: 'Db.connect' }] }, 40);
  }
  for (const rep of reports) appendMutedReport(b, r, s, rep, 1n);
  return b.batch;
}

/** A processor on a simulated clock with 300 records/s of spam until it is muted. */
async function mutedProcessor(opts: { sink?: AutoMuteSink; next?: RecordingConsumer; cfg?: Partial<SpamProcessorConfig>; h?: Host } = {}) {
  const clock = { now: T0 };
  const next = opts.next ?? new RecordingConsumer();
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const p = new SpamProcessor({ id: 'spam', metrics, logger }, config(opts.cfg), next, { clock: () => clock.now, timer: false, sink: opts.sink });
  const h = opts.h ?? host();
  await p.start(h);
  // 10 s of quiet history, then 30 records every 100 ms.
  clock.now += 10_000;
  await p.evaluate();
  for (let i = 0; i < 40 && p.activeMutes().length === 0; i++) {
    clock.now += 100;
    await p.consumeLogs(batchOf('checkout', 30));
    if (i % 2 === 1) await p.evaluate();
  }
  expect(p.activeMutes()).toHaveLength(1);
  return { p, clock, next, metrics, logger, host: h };
}

describe('spam processor config', () => {
  test('defaults are valid and documented values', () => {
    const c = spamProcessorFactory.createDefaultConfig();
    expect(spamProcessorFactory.type).toBe('spam');
    expect(spamProcessorFactory.kind).toBe('processor');
    expect(spamProcessorFactory.validate!(c)).toEqual([]);
    expect(c).toMatchObject({ strategy: 'both', min_rate: 20, min_samples: 20, trigger_evaluations: 2, rate_window: '2s', history: '60s' });
  });

  test('every problem is reported at once', () => {
    const errors = spamProcessorFactory.validate!(
      config({
        strategy: 'loud' as never,
        bucket: '300ms',
        min_rate: -1,
        zscore: { threshold: 0, min_ratio: 0.5 },
        entropy: { ...spamProcessorFactory.createDefaultConfig().entropy, max_entropy: 2, position_weights: [] },
        release: { ...spamProcessorFactory.createDefaultConfig().release, ratio: 1.5, max_mute: '1s' },
        endpoint: 'ftp://x',
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^strategy: must be one of both, zscore, entropy, off/),
        expect.stringMatching(/^rate_window: must be a whole number of buckets/),
        expect.stringMatching(/^min_rate: must be a number > 0/),
        expect.stringMatching(/^zscore\.threshold:/),
        expect.stringMatching(/^zscore\.min_ratio:/),
        expect.stringMatching(/^entropy\.max_entropy:/),
        expect.stringMatching(/^entropy\.position_weights:/),
        expect.stringMatching(/^release\.ratio:/),
        expect.stringMatching(/^release\.max_mute: must be at least release\.min_mute/),
        expect.stringMatching(/^endpoint:/),
      ]),
    );
    expect(() => new SpamProcessor({ id: 'spam', metrics: new Metrics(), logger: createMemoryLogger() }, config({ min_rate: 0 }), new RecordingConsumer())).toThrow(
      /invalid spam processor config: min_rate/,
    );
  });

  test('YAML through the collector config loader: snake_case keys, durations, unknown keys reported', () => {
    const nullComponent = { start: async () => {}, shutdown: async () => {}, consumeLogs: async () => {} };
    const factories: FactoryRegistry = new Map<string, ComponentFactory>([
      ['receiver:fake', { type: 'fake', kind: 'receiver', createDefaultConfig: () => ({}), create: () => nullComponent } as ComponentFactory],
      ['exporter:sink', { type: 'sink', kind: 'exporter', createDefaultConfig: () => ({}), create: () => nullComponent } as ComponentFactory],
      ['processor:spam', spamProcessorFactory as ComponentFactory],
    ]);
    const yaml = (spam: string) => `receivers: {fake: {}}\nprocessors:\n  spam:\n${spam}\nexporters: {sink: {}}\nservice: {pipelines: {logs: {receivers: [fake], processors: [spam], exporters: [sink]}}}\n`;
    const cfg = parseConfig(yaml('    strategy: entropy\n    min_rate: 50\n    release: {min_mute: 1m}\n    entropy: {position_weights: [1, 1]}'), factories);
    expect(cfg.processors.get('spam')!.config).toMatchObject({ strategy: 'entropy', min_rate: 50, release: { min_mute: '1m', ratio: 0.5 }, entropy: { position_weights: [1, 1], max_entropy: 0.5 } });
    let problems: string[] = [];
    try {
      parseConfig(yaml('    stratgy: both\n    zscore: {threshold: "high"}'), factories);
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('stratgy: unknown key'), expect.stringContaining('zscore.threshold')]));
  });
});

describe('spam processor', () => {
  test('mutes through the sink, drops what still arrives from a filtered copy, leaves the caller\'s batch intact', async () => {
    const sink = new RecordingSink();
    const { p, clock, next } = await mutedProcessor({ sink });
    expect(sink.calls).toEqual([{ op: 'set', target: { service: 'checkout', instance: 'checkout-1', templateId: SPAM_ID }, ttlMs: 300_000 }]);
    // A mixed batch: 5 spam records + 3 of another template.
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: senderAttributes('checkout'), droppedAttributesCount: 0, schemaUrl: '' });
    const r2 = b.addResource({ attributes: senderAttributes('other'), droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: 'x', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (let i = 0; i < 5; i++) b.add(r, s, { templateId: SPAM_ID, templateArgs: ['db-1'], body: 'spam' }, 10);
    b.add(r2, s, { templateId: 5n, templateArgs: ['a'], body: 'keep 1' }, 10);
    b.add(r2, s, { templateId: 5n, templateArgs: ['b'], body: 'keep 2' }, 10);
    b.add(r, s, { templateId: 6n, templateArgs: ['c'], body: 'keep 3' }, 10);
    next.clear();
    clock.now += 100;
    await p.consumeLogs(b.batch);
    expect(b.batch.length).toBe(8);
    expect(next.batches).toHaveLength(1);
    const out = next.records();
    expect(out.map((x) => x.body)).toEqual(['keep 1', 'keep 2', 'keep 3']);
    expect(out.map((x) => x.resource.serviceName)).toEqual(['other', 'other', 'checkout']);
    expect(next.batches[0].resources).toHaveLength(2);
    expect(next.batches[0].byteSize).toBe(30);
    const mute = p.activeMutes()[0];
    expect(mute.collectorDropped).toBeGreaterThanOrEqual(5);
    expect(mute.pushed).toBe(true);
    await p.shutdown();
  });

  test('records in a row sharing their call site (the compact stream) are judged as a run: those of the muted key dropped and counted, a protected one or another sender\'s in between passes', async () => {
    const { p, clock, next } = await mutedProcessor();
    const before = p.activeMutes()[0].collectorDropped;
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: senderAttributes('checkout'), droppedAttributesCount: 0, schemaUrl: '' });
    const r2 = b.addResource({ attributes: senderAttributes('other'), droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: 'x', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const site = sharedAttributeList([{ key: 'code.function', value: 'Db.connect' }]);
    const add = (resource: number, body: string, severityNumber = 9) => b.add(resource, s, { templateId: SPAM_ID, templateArgs: ['db-1'], body, severityNumber, attributes: site }, 10);
    for (let i = 0; i < 3; i++) add(r, 'spam');
    add(r, 'protected warning', 13); // WARN: never judged
    for (let i = 0; i < 2; i++) add(r, 'spam');
    add(r2, 'other sender');
    for (let i = 0; i < 2; i++) add(r, 'spam');
    next.clear();
    clock.now += 100;
    await p.consumeLogs(b.batch);
    expect(next.records().map((x) => x.body)).toEqual(['protected warning', 'other sender']);
    expect(p.activeMutes()[0].collectorDropped - before).toBe(7);
    await p.shutdown();
  });

  test('records of an HTTP request are never judged (their burst is what the HTTP statistics exist to show), unless protect_http_requests is false', async () => {
    /** The burst mutedProcessor sends, as access records: HTTP attributes, the same template and arguments. */
    const accessBatch = (n: number): LogBatch => {
      const b = new LogBatchBuilder();
      const r = b.addResource({ attributes: senderAttributes('web'), droppedAttributesCount: 0, schemaUrl: '' });
      const s = b.addScope({ name: 'test', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
      const attributes: KeyValue[] = [
        { key: 'http.request.method', value: 'GET' },
        { key: 'url.path', value: '/cart' },
        { key: 'http.response.status_code', value: 200n },
      ];
      for (let i = 0; i < n; i++) b.add(r, s, { body: 'GET /cart 200', templateId: SPAM_ID, templateArgs: ['GET', '/cart', '200'], attributes }, 40);
      return b.batch;
    };
    const burst = async (cfg: Partial<SpamProcessorConfig>) => {
      const clock = { now: T0 };
      const next = new RecordingConsumer();
      const metrics = new Metrics();
      const p = new SpamProcessor({ id: 'spam', metrics, logger: createMemoryLogger() }, config(cfg), next, { clock: () => clock.now, timer: false });
      await p.start(host());
      clock.now += 10_000;
      await p.evaluate();
      for (let i = 0; i < 40; i++) {
        clock.now += 100;
        await p.consumeLogs(accessBatch(30));
        if (i % 2 === 1) await p.evaluate();
      }
      const mutes = p.activeMutes().length;
      const passed = next.records().length;
      await p.shutdown();
      return { mutes, passed, protectedRecords: metrics.render().match(/logfun_spam_protected_records_total\{[^}]*\} (\d+)/)?.[1] };
    };
    const protectedBurst = await burst({});
    expect(protectedBurst.mutes).toBe(0);
    expect(protectedBurst.passed).toBe(40 * 30);
    expect(protectedBurst.protectedRecords).toBe(String(40 * 30));
    expect((await burst({ protect_http_requests: false })).mutes).toBe(1);
  });

  test('SDK report records are removed and credited once, only after the next stage accepted the batch', async () => {
    const next = new RecordingConsumer();
    const { p, clock, metrics } = await mutedProcessor({ next });
    const before = p.activeMutes()[0];
    next.clear();
    next.failWith(new RetryableError('busy'), 1);
    const withReports = batchOf('checkout', 0, SPAM_ID, [
      { templateId: SPAM_ID, function: 'Db.connect', count: 1000 },
      { templateId: 999n, function: 'Unrelated.fn', count: 7 },
    ]);
    // Reports only: an empty batch still goes on, carrying the counts' drop ledger (drop-ledger.ts);
    // refused first (nothing credited), then resent and credited once.
    clock.now += 100;
    await expect(p.consumeLogs(withReports)).rejects.toThrow('busy');
    expect(p.activeMutes()[0].sdkDropped).toBe(before.sdkDropped);
    await p.consumeLogs(withReports);
    expect(next.batches.map((b) => b.length)).toEqual([0]);
    expect(p.activeMutes()[0].sdkDropped).toBe(before.sdkDropped + 1000);
    expect(metrics.value('logfun_spam_sdk_reported_records_total', { processor: 'spam', attributed: 'false' })).toBe(7);
    // A batch with a record to pass on and a report: refused first, then resent.
    next.failWith(new RetryableError('busy'), 1);
    const mixed = batchOf('checkout', 1, 5n, [{ templateId: SPAM_ID, function: '', count: 50 }]);
    await expect(p.consumeLogs(mixed)).rejects.toThrow('busy');
    expect(p.activeMutes()[0].sdkDropped).toBe(before.sdkDropped + 1000);
    expect(mixed.length).toBe(2);
    await p.consumeLogs(mixed);
    expect(p.activeMutes()[0].sdkDropped).toBe(before.sdkDropped + 1050);
    expect(next.records().map((x) => x.eventName)).toEqual(['']);
    // A malformed report is removed and counted, never passed on as a log.
    const bad = new LogBatchBuilder();
    const r = bad.addResource({ attributes: senderAttributes('checkout'), droppedAttributesCount: 0, schemaUrl: '' });
    const s = bad.addScope({ name: 'x', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    bad.add(r, s, { eventName: SDK_MUTED_EVENT, attributes: [{ key: 'logfun.muted.count', value: 'lots' }] });
    await p.consumeLogs(bad.batch);
    expect(metrics.value('logfun_spam_reports_invalid_total')).toBe(1);
    await p.shutdown();
  });

  test('summary records: pass unjudged, carry exact counts, use the dictionary\'s text, and are retried until accepted', async () => {
    const next = new RecordingConsumer();
    const h = host();
    h.templates.define({ id: SPAM_ID, service: 'checkout', text: 'retry {}', source: 'sdk' });
    const { p, clock, metrics } = await mutedProcessor({ next, h, cfg: { summary: { interval: '10s', severity_number: 13 } } });
    const dropped = p.activeMutes()[0].collectorDropped;
    await p.consumeLogs(batchOf('checkout', 0, SPAM_ID, [{ templateId: SPAM_ID, function: 'Db.connect', count: 5000 }]));
    next.clear();
    next.failWith(new RetryableError('down'), 1);
    clock.now += 10_000;
    await p.evaluate();
    expect(next.records()).toEqual([]);
    clock.now += 250;
    await p.evaluate();
    const summaries = next.records().filter((x) => x.eventName === SUMMARY_EVENT);
    expect(summaries).toHaveLength(1);
    const a = attributeMap(summaries[0].attributes);
    expect(a[SUPPRESSED.sdkCount]).toBe(5000n);
    expect(a[SUPPRESSED.collectorCount]).toBe(BigInt(dropped));
    expect(a[SUPPRESSED.count]).toBe(BigInt(5000 + dropped));
    expect(summaries[0].body).toBe(`${5000 + dropped} records of template "retry {}" suppressed in the last 10 seconds`);
    expect(summaries[0].severityText).toBe('WARN');
    expect(summaries[0].templateId).toBe(TEMPLATE_SUMMARY_ID);
    expect(summaries[0].resource.serviceName).toBe('checkout');
    expect(h.templates.get('checkout', TEMPLATE_SUMMARY_ID)?.text).toBe(TEMPLATE_SUMMARY_TEXT);
    // Fed back (a second spam processor, a loop): not judged.
    const judged = metrics.value('logfun_spam_records_total');
    await p.consumeLogs(next.batches[next.batches.length - 1]);
    expect(metrics.value('logfun_spam_records_total')).toBe(judged);
    // A summary the next stage rejects for good is dropped and counted, not retried for ever.
    await p.consumeLogs(batchOf('checkout', 0, SPAM_ID, [{ templateId: SPAM_ID, function: '', count: 1 }]));
    next.failWith(new PermanentError('no'), 1);
    clock.now += 10_000;
    await p.evaluate();
    expect(metrics.value('logfun_spam_summaries_failed_total', { processor: 'spam', reason: 'rejected' })).toBe(1);
    await p.shutdown();
  });

  test('a failing control plane is retried with back-off while the mute holds; AUTO decisions are renewed before their ttl runs out', async () => {
    const sink = new RecordingSink();
    sink.failNext = 2;
    const { p, clock, metrics } = await mutedProcessor({ sink, cfg: { control_ttl: '20s' } });
    expect(p.activeMutes()[0].pushed).toBe(false);
    for (let i = 0; i < 8; i++) {
      clock.now += 250;
      await p.evaluate();
    }
    expect(metrics.value('logfun_spam_control_errors_total', { processor: 'spam', op: 'set' })).toBe(2);
    expect(sink.calls.filter((c) => c.op === 'set')).toHaveLength(3);
    expect(p.activeMutes()[0].pushed).toBe(true);
    // Renewed every ttl / 4 (5 s) while muted.
    for (let i = 0; i < 40; i++) {
      clock.now += 250;
      await p.consumeLogs(batchOf('checkout', 0, SPAM_ID, [{ templateId: SPAM_ID, function: '', count: 100 }]));
      await p.evaluate();
    }
    const sets = sink.calls.filter((c) => c.op === 'set');
    expect(sets.length).toBeGreaterThanOrEqual(4);
    expect(sets.every((c) => c.ttlMs === 20_000)).toBe(true);
    await p.shutdown();
    expect(sink.calls[sink.calls.length - 1].op).toBe('clear');
  });

  test('finds the control plane on host.control, else among the components (duck-typed)', async () => {
    const onHost = new RecordingSink();
    const a = await mutedProcessor({ h: host({ control: onHost }) });
    expect(onHost.calls[0]).toMatchObject({ op: 'set' });
    await a.p.shutdown();
    const asComponent = Object.assign(new RecordingSink(), { start: async () => {}, shutdown: async () => {} });
    const b = await mutedProcessor({ h: host({ components: new Map<string, Component>([['extension:control', asComponent]]) }) });
    expect(asComponent.calls[0]).toMatchObject({ op: 'set' });
    await b.p.shutdown();
    const c = await mutedProcessor();
    expect(c.logger.messages.some((m) => m.level === 'warn' && /no control plane found/.test(m.msg))).toBe(true);
    await c.p.shutdown();
  });

  test('noteDropped credits drops reported by another component to the muted key', async () => {
    const { p } = await mutedProcessor();
    const before = p.activeMutes()[0];
    expect(p.noteDropped({ service: 'checkout', instance: 'checkout-1', templateId: SPAM_ID, count: 12 })).toBe(true);
    expect(p.noteDropped({ service: 'checkout', instance: 'checkout-1', templateId: SPAM_ID, count: 3, source: 'collector' })).toBe(true);
    // Another sender of the service cannot credit (or hold) this sender's mute.
    expect(p.noteDropped({ service: 'checkout', instance: 'impostor', templateId: SPAM_ID, count: 3 })).toBe(false);
    expect(p.noteDropped({ service: 'checkout', templateId: SPAM_ID, count: 3 })).toBe(false);
    expect(p.noteDropped({ service: 'elsewhere', templateId: SPAM_ID, count: 3 })).toBe(false);
    expect(p.noteDropped({ service: 'checkout', templateId: SPAM_ID, count: -1 })).toBe(false);
    const after = p.activeMutes()[0];
    expect(after.sdkDropped - before.sdkDropped).toBe(12);
    expect(after.collectorDropped - before.collectorDropped).toBe(3);
    await p.shutdown();
  });

  test('setManualMode (pushed manual rules) wins over AUTO at the next evaluation', async () => {
    const sink = new RecordingSink();
    const { p, clock } = await mutedProcessor({ sink });
    p.setManualMode({ service: 'checkout', templateId: SPAM_ID }, 'on');
    clock.now += 250;
    await p.evaluate();
    expect(p.activeMutes()).toEqual([]);
    expect(sink.calls.map((c) => c.op)).toEqual(['set', 'clear']);
    expect(p.recentDecisions().map((d) => d.action)).toEqual(['mute', 'override']);
    // Records pass now.
    await p.consumeLogs(batchOf('checkout', 10));
    await p.shutdown();
  });

  test('shutdown lifts AUTO mutes, emits the last summary, is safe twice and before start; afterwards batches are refused (retryable)', async () => {
    const sink = new RecordingSink();
    const next = new RecordingConsumer();
    const { p } = await mutedProcessor({ sink, next });
    await p.consumeLogs(batchOf('checkout', 3, SPAM_ID, [{ templateId: SPAM_ID, function: 'Db.connect', count: 40 }]));
    next.clear();
    await p.shutdown();
    await p.shutdown();
    expect(sink.calls.map((c) => c.op)).toEqual(['set', 'clear']);
    const final = next.records().filter((x) => x.eventName === SUMMARY_EVENT);
    expect(final).toHaveLength(1);
    expect(attributeMap(final[0].attributes)[SUPPRESSED.final]).toBe(true);
    expect(attributeMap(final[0].attributes)[SUPPRESSED.sdkCount]).toBe(40n);
    await expect(p.consumeLogs(batchOf('checkout', 1))).rejects.toBeInstanceOf(RetryableError);
    const fresh = spamProcessorFactory.create({ id: 'spam', metrics: new Metrics(), logger: createMemoryLogger() }, config(), new RecordingConsumer());
    await fresh.shutdown();
    await fresh.shutdown();
    expect(() => spamProcessorFactory.create({ id: 'spam', metrics: new Metrics(), logger: createMemoryLogger() }, config(), undefined)).toThrow(/next consumer/);
  });

  test('store: true without a clickhouse exporter or endpoint fails at start with a clear error', async () => {
    const p = new SpamProcessor({ id: 'spam', metrics: new Metrics(), logger: createMemoryLogger() }, config({ store: true }), new RecordingConsumer(), { timer: false });
    await expect(p.start(host())).rejects.toThrow(/no clickhouse exporter to store log_suppression in/);
    await p.shutdown();
  });
});
