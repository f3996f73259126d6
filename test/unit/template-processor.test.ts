/**
 * The template processor on each kind of record: compact (id already set), OTLP
 * from our SDK (template attributes), plain OTLP bodies (mined), and bodies
 * that are not mined; its dictionary entries, counters and miner snapshot.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { argTexts, KeyValueList, LogBatchBuilder, type AnyValue, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import type { Host } from '../../collector/pipeline/component';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { templateProcessorFactory } from '../../processors/template/factory';
import type { TemplateProcessorConfig } from '../../processors/template/config';
import type { TemplateProcessor } from '../../processors/template/processor';
import { renderLikeClickHouse, templatePartsOf } from '../../collector/storage/template-store';
import { defaultTemplateRegistry, renderTemplateText, templateTextOf } from '../../sdk/templates';
import { templateIdOf } from '../../protocol/template-id';
import { RecordingConsumer } from '../kit/recording-consumer';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-template-unit-'));
  dirs.push(d);
  return d;
}

interface Rec {
  body?: AnyValue;
  attributes?: KeyValue[];
  templateId?: bigint;
  templateArgs?: string[];
  service?: string;
  timeMs?: number;
}

function batchOf(records: Rec[]): LogBatch {
  const b = new LogBatchBuilder();
  const resources = new Map<string, number>();
  const s = b.addScope({ name: 'scope', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (const r of records) {
    const service = r.service ?? 'svc';
    let ri = resources.get(service);
    if (ri === undefined) {
      ri = b.addResource({ attributes: [{ key: 'service.name', value: service }], droppedAttributesCount: 0, schemaUrl: '' });
      resources.set(service, ri);
    }
    b.add(ri, s, {
      timeUnixNano: BigInt(r.timeMs ?? 1_700_000_000_000) * 1_000_000n,
      severityNumber: 9,
      severityText: 'INFO',
      body: r.body,
      attributes: r.attributes,
      templateId: r.templateId,
      templateArgs: r.templateArgs,
    });
  }
  return b.batch;
}

function setup(overrides: Partial<TemplateProcessorConfig> = {}, id = 'template') {
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const templates = new TemplateDictionary();
  const host: Host = { metrics, logger, components: new Map(), templates };
  const next = new RecordingConsumer();
  const config = { ...templateProcessorFactory.createDefaultConfig(), state_directory: '', ...overrides };
  expect(templateProcessorFactory.validate!(config)).toEqual([]);
  const processor = templateProcessorFactory.create({ id, metrics, logger }, config, next) as TemplateProcessor;
  const records = (kind: string) => metrics.value('logfun_template_records_total', { processor: id, kind });
  return { processor, host, templates, next, metrics, logger, records };
}

/** The attributes our SDK puts on an OTLP record of a tagged template. */
function sdkAttributes(strings: string[], args: AnyValue[], extra: KeyValue[] = []): KeyValue[] {
  const text = templateTextOf(strings);
  return [
    ...extra,
    { key: 'log.record.template', value: text },
    { key: 'log.record.template.id', value: templateIdOf(text).toString() },
    { key: 'code.function', value: 'checkout' },
    { key: 'code.filepath', value: '/app/src/pay.ts' },
    { key: 'code.lineno', value: 42n },
    ...args.map((value, i) => ({ key: `log.record.arg.${i}`, value })),
  ];
}

describe('template processor', () => {
  test('records from our SDK keep their template: id, arguments, dictionary entry, attributes stripped', async () => {
    const { processor, host, templates, next, records } = setup();
    await processor.start(host);
    const strings = ['user ', ' paid ', ' EUR ({} literal)'];
    const batch = batchOf([
      { body: 'user ann paid 12.5 EUR ({} literal)', attributes: sdkAttributes(strings, ['ann', 12.5], [{ key: 'order', value: 'o-1' }]) },
      { body: 'user bob paid 7 EUR ({} literal)', attributes: sdkAttributes(strings, ['bob', 7n]) },
    ]);
    await processor.consumeLogs(batch);
    const out = next.batches[0];
    const id = templateIdOf(templateTextOf(strings));
    expect(out.templateId).toEqual([id, id]);
    expect(out.templateArgs).toEqual([
      ['ann', '12.5'],
      ['bob', '7'],
    ]);
    // Template attributes are redundant once the columns hold them; code.* and others stay.
    expect(out.attributes[0].map((a) => a.key)).toEqual(['order', 'code.function', 'code.filepath', 'code.lineno']);
    const entry = templates.get('svc', id)!;
    expect(entry).toMatchObject({ text: templateTextOf(strings), source: 'sdk', function: 'checkout', location: '/app/src/pay.ts:42', count: 2, severityNumber: 9 });
    expect(renderTemplateText(entry.text, out.templateArgs[0])).toBe(out.body[0]);
    expect(records('sdk')).toBe(2);
    await processor.shutdown();
  });

  test('the SDK path agrees with the SDK itself (ids and texts of real call sites)', async () => {
    const { processor, host, next } = setup({ strip_template_attributes: false });
    await processor.start(host);
    const tagged = (s: TemplateStringsArray, ..._v: unknown[]) => defaultTemplateRegistry.taggedTemplate(s);
    const t = tagged`disk ${'sda'} at ${93}% \\{} done`;
    const batch = batchOf([{ body: t.render(['sda', 93]), attributes: [
      { key: 'log.record.template', value: t.text },
      { key: 'log.record.template.id', value: t.idString },
      { key: 'log.record.arg.0', value: 'sda' },
      { key: 'log.record.arg.1', value: 93n },
    ] }]);
    await processor.consumeLogs(batch);
    expect(next.batches[0].templateId[0]).toBe(t.id);
    expect(next.batches[0].attributes[0]).toHaveLength(4); // kept with strip_template_attributes: false
    expect(renderLikeClickHouse(templatePartsOf(t.text), argTexts(next.batches[0].templateArgs[0]))).toBe(next.batches[0].body[0]);
    await processor.shutdown();
  });

  test('a template id that does not match its text is counted and the record is mined as plain', async () => {
    const { processor, host, next, metrics, records, templates } = setup();
    await processor.start(host);
    const attrs: KeyValue[] = [
      { key: 'log.record.template', value: 'user {} paid' },
      { key: 'log.record.template.id', value: '12345' },
      { key: 'log.record.arg.0', value: 'x' },
    ];
    const missingId: KeyValue[] = [{ key: 'log.record.template', value: 'user {} left' }];
    await processor.consumeLogs(batchOf([{ body: 'user x paid', attributes: attrs }, { body: 'user y left', attributes: missingId }]));
    expect(metrics.value('logfun_template_invalid_total', { processor: 'template', reason: 'id_mismatch' })).toBe(1);
    expect(metrics.value('logfun_template_invalid_total', { processor: 'template', reason: 'malformed' })).toBe(1);
    expect(records('mined')).toBe(2);
    const out = next.batches[0];
    expect(out.attributes[0]).toEqual(attrs); // untrusted attributes are not stripped
    expect(templates.get('svc', 12345n)).toBeUndefined();
    expect(templates.get('svc', out.templateId[0])?.source).toBe('mined');
    await processor.shutdown();
  });

  test('records that already carry a template id pass through and are counted in the dictionary', async () => {
    const { processor, host, templates, next, records } = setup();
    await processor.start(host);
    const id = templateIdOf('compact {}');
    templates.define({ id, service: 'svc', text: 'compact {}', source: 'sdk' }, 1);
    const batch = batchOf([{ templateId: id, templateArgs: ['1'], body: 'compact 1', timeMs: 5000 }, { templateId: id, templateArgs: ['2'], timeMs: 9000 }]);
    await processor.consumeLogs(batch);
    expect(next.batches[0].templateId).toEqual([id, id]);
    expect(next.batches[0].templateArgs).toEqual([['1'], ['2']]);
    expect(templates.get('svc', id)).toMatchObject({ count: 2, firstSeenMs: 1, lastSeenMs: 9000 });
    expect(records('compact')).toBe(2);
    await processor.shutdown();
  });

  test('plain bodies are mined per service; the template reproduces every body exactly', async () => {
    const { processor, host, templates, next, records } = setup();
    await processor.start(host);
    const lines = [
      'Accepted password for root from 10.0.0.1 port 22 ssh2',
      'Accepted password for root from 10.0.0.2 port 2222 ssh2',
      'disk {} full at 93% \\{} C:\\temp\\',
      'literal <*> marker and <\\*> too, then 17 items',
      'literal <*> marker and <\\*> too, then 18 items',
    ];
    await processor.consumeLogs(batchOf(lines.map((body) => ({ body }))));
    await processor.consumeLogs(batchOf([{ body: lines[0], service: 'other' }]));
    const out = next.batches[0];
    expect(records('mined')).toBe(6);
    for (let i = 0; i < lines.length; i++) {
      const entry = templates.get('svc', out.templateId[i])!;
      expect(entry.source).toBe('mined');
      expect(entry.id).toBe(templateIdOf(entry.text));
      expect(renderTemplateText(entry.text, argTexts(out.templateArgs[i]))).toBe(lines[i]);
      expect(renderLikeClickHouse(templatePartsOf(entry.text), argTexts(out.templateArgs[i]))).toBe(lines[i]);
    }
    expect(out.templateId[1]).toBe(out.templateId[0]);
    expect(templates.get('svc', out.templateId[0])!.text).toBe('Accepted password for root from {} port {} ssh2');
    expect(templates.get('svc', out.templateId[0])!.count).toBe(2);
    // Another service has its own miner and its own dictionary entries.
    expect(templates.get('other', next.batches[1].templateId[0])?.count).toBe(1);
    await processor.shutdown();
  });

  test('a generalisation records supersededBy on the templates it replaced', async () => {
    const { processor, host, templates, next } = setup();
    await processor.start(host);
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    for (const u of users) await processor.consumeLogs(batchOf([{ body: `session opened for user ${u} by cron` }]));
    const ids = next.batches.map((b) => b.templateId[0]);
    const general = ids[ids.length - 1];
    expect(templates.get('svc', general)!.text).toBe('session opened for user {} by cron');
    const superseded = templates.all().filter((e) => e.supersededBy !== undefined);
    expect(superseded.length).toBeGreaterThan(0);
    for (const e of superseded) {
      expect(e.supersededBy).toBe(general);
      expect(ids).toContain(e.id); // only templates that were handed out
    }
    await processor.shutdown();
  });

  test('the mined records of one batch get the template the whole batch taught; its intermediates never enter the dictionary', async () => {
    const { processor, host, templates, next, records } = setup();
    await processor.start(host);
    const session = (u: string) => `session opened for user ${u} by cron`;
    const general = templateIdOf('session opened for user {} by cron');
    // an earlier batch handed out the template of one name
    await processor.consumeLogs(batchOf([{ body: session('alice') }]));
    const alice = next.batches[0].templateId[0];
    expect(templates.get('svc', alice)!.text).toBe('session opened for user alice by cron');
    // one batch: a second name (its own template when mined alone), an SDK record, more names
    const sdk = { body: 'user a', attributes: sdkAttributes(['user ', ''], ['a']) };
    const users = ['bob', 'bob', 'carol', 'dave', 'erin'];
    await processor.consumeLogs(batchOf([{ body: session(users[0]) }, sdk, ...users.slice(1).map((u) => ({ body: session(u) }))]));
    const out = next.batches[1];
    expect(out.templateId).toEqual([general, templateIdOf('user {}'), general, general, general, general]);
    expect(out.templateArgs).toEqual([['bob'], ['a'], ['bob'], ['carol'], ['dave'], ['erin']]);
    // the dictionary: the template handed out earlier (now superseded by the general one), the general one, the SDK one
    expect(templates.get('svc', templateIdOf(session('bob')))).toBeUndefined();
    const mined = templates.all().filter((e) => e.source === 'mined');
    expect(mined.map((e) => [e.text, e.supersededBy, e.count])).toEqual(
      expect.arrayContaining([
        ['session opened for user alice by cron', general, 1],
        ['session opened for user {} by cron', undefined, 5],
      ]),
    );
    expect(mined).toHaveLength(2);
    expect(records('mined')).toBe(6);
    expect(records('sdk')).toBe(1);
    await processor.shutdown();
  });

  test('bodies that are not mined pass untouched and are counted', async () => {
    const { processor, host, next, metrics, records } = setup({ max_body_length: 20, max_services: 1 });
    await processor.start(host);
    const kv = new KeyValueList([{ key: 'a', value: 1n }]);
    await processor.consumeLogs(
      batchOf([
        { body: kv },
        { body: 42n },
        { body: undefined },
        { body: '' },
        { body: 'x'.repeat(21) },
        { body: 'short line 1' },
        { body: 'short line 2', service: 'second' },
      ]),
    );
    const out = next.batches[0];
    expect(out.templateId.slice(0, 5)).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(out.body[0]).toBe(kv);
    expect(out.templateId[5]).not.toBe(0n);
    expect(out.templateId[6]).toBe(0n);
    expect(records('plain')).toBe(6);
    expect(records('mined')).toBe(1);
    expect(metrics.value('logfun_template_unmined_records_total', { processor: 'template', reason: 'too_long' })).toBe(1);
    expect(metrics.value('logfun_template_unmined_records_total', { processor: 'template', reason: 'service_limit' })).toBe(1);
    await processor.shutdown();
  });

  test('mine: false leaves plain bodies alone but still reads SDK attributes', async () => {
    const { processor, host, next } = setup({ mine: false });
    await processor.start(host);
    await processor.consumeLogs(batchOf([{ body: 'plain 1' }, { body: 'user a', attributes: sdkAttributes(['user ', ''], ['a']) }]));
    expect(next.batches[0].templateId[0]).toBe(0n);
    expect(next.batches[0].templateId[1]).toBe(templateIdOf('user {}'));
    await processor.shutdown();
  });

  test('the miner state survives a restart: lines keep the ids the first run ended with', async () => {
    const dir = tempDir();
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const first = setup({ state_directory: dir });
    await first.processor.start(first.host);
    for (const u of users) await first.processor.consumeLogs(batchOf([{ body: `session opened for user ${u} by cron` }]));
    await first.processor.shutdown();
    expect(fs.readdirSync(dir)).toEqual(['template-miner-template.json']);
    const general = first.next.batches[users.length - 1].templateId[0];
    expect(first.templates.get('svc', general)!.text).toBe('session opened for user {} by cron');

    const idOfNewUser = async (p: ReturnType<typeof setup>): Promise<bigint> => {
      await p.processor.start(p.host);
      await p.processor.consumeLogs(batchOf([{ body: 'session opened for user zed by cron' }]));
      await p.processor.shutdown();
      return p.next.batches[0].templateId[0];
    };
    const restored = setup({ state_directory: dir });
    expect(await idOfNewUser(restored)).toBe(general);
    expect(restored.logger.messages.some((m) => /restored mined templates/.test(m.msg))).toBe(true);
    // Without the snapshot a fresh miner would first give the line a template of its own.
    expect(await idOfNewUser(setup({ state_directory: '' }))).not.toBe(general);
  });

  test('an unreadable snapshot is reported and mining starts afresh', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'template-miner-template.json'), '{"format":"something else"}');
    const p = setup({ state_directory: dir });
    await p.processor.start(p.host);
    expect(p.metrics.value('logfun_template_snapshot_errors_total', { processor: 'template', op: 'read' })).toBe(1);
    expect(p.logger.messages.some((m) => m.level === 'warn' && /snapshot unusable/.test(m.msg))).toBe(true);
    await p.processor.consumeLogs(batchOf([{ body: 'still works 1' }]));
    expect(p.next.batches[0].templateId[0]).not.toBe(0n);
    await p.processor.shutdown();
    // The shutdown wrote a valid snapshot over the bad one.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'template-miner-template.json'), 'utf8')).format).toBe('logfun.template-processor');
  });

  test('refuses batches before start and after shutdown; shutdown is safe twice', async () => {
    const { processor, host } = setup();
    await expect(processor.consumeLogs(batchOf([{ body: 'x' }]))).rejects.toThrow(/not running/);
    await processor.shutdown();
    await processor.start(host);
    await processor.shutdown();
    await processor.shutdown();
    await expect(processor.consumeLogs(batchOf([{ body: 'x' }]))).rejects.toThrow(/not running/);
  });

  test('config validation reports every problem', () => {
    const bad = {
      ...templateProcessorFactory.createDefaultConfig(),
      mine: 'yes',
      max_templates_per_service: 0,
      max_services: 1.5,
      max_body_length: -1,
      strip_template_attributes: 1,
      state_directory: 7,
      snapshot_interval: 'soon',
    } as unknown as TemplateProcessorConfig;
    const problems = templateProcessorFactory.validate!(bad);
    for (const key of ['mine', 'max_templates_per_service', 'max_services', 'max_body_length', 'strip_template_attributes', 'state_directory', 'snapshot_interval']) {
      expect(problems.some((p) => p.startsWith(key))).toBe(true);
    }
  });
});
