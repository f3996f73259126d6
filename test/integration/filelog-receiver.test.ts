/**
 * The filelog receiver on real files in a temp dir: growing files, globs,
 * start_at, partial lines, shutdown drain, long lines, parsers end to end,
 * permanent refusals. Rotation, restarts and retries: filelog-rotation.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { LogsConsumer } from '../../collector/pipeline/component';
import { PermanentError } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { filelogReceiverFactory } from '../../collector/receivers/filelog/factory';
import { MAX_BYTES_PER_FILE_PER_POLL, READ_CHUNK_BYTES } from '../../collector/receivers/filelog/receiver';
import { attributeMap, RecordingConsumer } from '../kit/recording-consumer';
import { TemplateDictionary } from '../../collector/templates/dictionary';

interface Running {
  id: string;
  consumer: RecordingConsumer;
  metrics: Metrics;
  logger: ReturnType<typeof createMemoryLogger>;
  stop(): Promise<void>;
}

const running: Running[] = [];
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filelog-rx-'));
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startFilelog(config: Record<string, unknown>, options: { id?: string; next?: LogsConsumer; consumer?: RecordingConsumer } = {}): Promise<Running> {
  const id = options.id ?? 'filelog/test';
  const errors: string[] = [];
  const cfg = filelogReceiverFactory.unmarshal!({ poll_interval: '20ms', storage: path.join(dir, 'storage'), ...config }, id, errors);
  expect(errors).toEqual([]);
  expect(filelogReceiverFactory.validate!(cfg)).toEqual([]);
  const consumer = options.consumer ?? new RecordingConsumer();
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const receiver = filelogReceiverFactory.create({ id, metrics, logger }, cfg, options.next ?? consumer);
  await receiver.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
  const r: Running = { id, consumer, metrics, logger, stop: () => receiver.shutdown() };
  running.push(r);
  return r;
}

const bodies = (c: RecordingConsumer) => c.records().map((r) => r.body as string);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

const ACCESS_1 = '10.0.0.1 - alice [25/Oct/2015:04:11:25 +0100] "GET /api/user/1?x=1 HTTP/1.1" 200 512 "http://ref/" "curl/8.0"';
const ACCESS_2 = '10.0.0.2 - - [25/Oct/2015:04:11:26 +0100] "POST /api/login HTTP/1.1" 503 0 "-" "-"';

describe('filelog receiver', () => {
  test('follows a growing file; records carry parsed fields, file name/path, resource and configured attributes', async () => {
    const file = path.join(dir, 'access.log');
    fs.writeFileSync(file, `${ACCESS_1}\nnot an access line\n`);
    const rx = await startFilelog({
      include: [path.join(dir, '*.log')],
      start_at: 'beginning',
      parser: 'combined',
      resource: { attributes: { 'service.name': 'web' } },
      attributes: { source: 'tail' },
    });
    await rx.consumer.waitForRecords(2);
    fs.appendFileSync(file, ACCESS_2 + '\n');
    fs.appendFileSync(file, 'tail 1\ntail 2\n');
    await rx.consumer.waitForRecords(5);
    await sleep(100);
    expect(bodies(rx.consumer)).toEqual([ACCESS_1, 'not an access line', ACCESS_2, 'tail 1', 'tail 2']);

    const [first, bad] = rx.consumer.records();
    expect(first.timeUnixNano).toBe(BigInt(Date.parse('2015-10-25T03:11:25Z')) * 1_000_000n);
    expect(first.observedTimeUnixNano).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    expect(first.resource.attributes).toEqual([{ key: 'service.name', value: 'web' }]);
    expect(attributeMap(first.attributes)).toEqual({
      'client.address': '10.0.0.1',
      'user.name': 'alice',
      'http.request.method': 'GET',
      'url.path': '/api/user/1',
      'url.query': 'x=1',
      'network.protocol.version': '1.1',
      'http.response.status_code': 200n,
      'http.response.body.size': 512n,
      'http.request.header.referer': ['http://ref/'],
      'user_agent.original': 'curl/8.0',
      'log.file.name': 'access.log',
      'log.file.path': file,
      source: 'tail',
    });
    expect(attributeMap(bad.attributes)).toEqual({
      'log.parse.error': 'missing [date]',
      'log.file.name': 'access.log',
      'log.file.path': file,
      source: 'tail',
    });
    expect(rx.metrics.value('logfun_receiver_malformed_lines_total', { receiver: rx.id, parser: 'combined' })).toBe(3);
    expect(rx.metrics.value('logfun_receiver_accepted_records_total', { receiver: rx.id })).toBe(5);
  });

  test('start_at end skips what exists at start; files appearing later are read from their beginning', async () => {
    fs.writeFileSync(path.join(dir, 'a.log'), 'old 1\nold 2\n');
    const rx = await startFilelog({ include: [path.join(dir, '*.log')] });
    fs.appendFileSync(path.join(dir, 'a.log'), 'new 1\n');
    fs.writeFileSync(path.join(dir, 'b.log'), 'b 1\nb 2\n');
    await rx.consumer.waitForRecords(3);
    await sleep(100);
    expect(bodies(rx.consumer).sort()).toEqual(['b 1', 'b 2', 'new 1']);
  });

  test('several files by glob (** and excludes), new files picked up by the periodic re-scan', async () => {
    fs.mkdirSync(path.join(dir, 'svc', 'api'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.log'), 'a1\na2\n');
    fs.writeFileSync(path.join(dir, 'svc', 'api', 'c.log'), 'c1\n');
    fs.writeFileSync(path.join(dir, 'skip-me.log'), 'never\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'never\n');
    const rx = await startFilelog({ include: [path.join(dir, '**', '*.log')], exclude: ['skip-*.log'], start_at: 'beginning' });
    await rx.consumer.waitForRecords(3);
    fs.writeFileSync(path.join(dir, 'svc', 'later.log'), 'l1\nl2\n');
    fs.appendFileSync(path.join(dir, 'a.log'), 'a3\n');
    await rx.consumer.waitForRecords(6);
    await sleep(100);
    const byFile = new Map<string, string[]>();
    for (const r of rx.consumer.records()) {
      const name = attributeMap(r.attributes)['log.file.name'] as string;
      byFile.set(name, [...(byFile.get(name) ?? []), r.body as string]);
    }
    expect(Object.fromEntries(byFile)).toEqual({ 'a.log': ['a1', 'a2', 'a3'], 'c.log': ['c1'], 'later.log': ['l1', 'l2'] });
    expect(rx.metrics.value('logfun_filelog_open_files', { receiver: rx.id })).toBe(3);
  });

  test('a partial last line is held until its newline comes, and emitted as is at shutdown', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, 'one\ntw');
    const rx = await startFilelog({ include: [file], start_at: 'beginning' });
    await rx.consumer.waitForRecords(1);
    await sleep(700);
    expect(bodies(rx.consumer)).toEqual(['one']);
    fs.appendFileSync(file, 'o\r\nthr');
    await rx.consumer.waitForRecords(2);
    fs.appendFileSync(file, 'ee');
    await sleep(200);
    expect(bodies(rx.consumer)).toEqual(['one', 'two']);
    await rx.stop();
    expect(bodies(rx.consumer)).toEqual(['one', 'two', 'three']);
  });

  test('a line written in two halves with a pause between them is one record, whatever the pause', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '');
    // Default force_flush_period (500 ms): it used to emit the first half as a line of its own.
    const rx = await startFilelog({ include: [file], start_at: 'beginning' });
    fs.appendFileSync(file, 'first half');
    await sleep(900);
    fs.appendFileSync(file, ' second half\nnext\n');
    await rx.consumer.waitForRecords(2);
    await sleep(100);
    expect(bodies(rx.consumer)).toEqual(['first half second half', 'next']);
    expect(rx.metrics.value('logfun_filelog_partial_lines_total', { receiver: rx.id })).toBe(0);
  });

  test('a line cut by the per-poll byte limit while downstream is slow is still one record', async () => {
    // 100-byte lines. Where the first poll stops: chunks of READ_CHUNK_BYTES less the held partial
    // line, until MAX_BYTES_PER_FILE_PER_POLL is passed; it stops inside a line. The batches
    // delivered while the lines of that last chunk are handed on take 700 ms (a slow downstream):
    // the cut line used to be emitted in two pieces then.
    let offset = 0;
    let lastChunkStart = 0;
    while (offset < MAX_BYTES_PER_FILE_PER_POLL) {
      lastChunkStart = offset;
      offset += READ_CHUNK_BYTES - (offset % 100);
    }
    expect(offset % 100).not.toBe(0);
    const file = path.join(dir, 'big.log');
    const line = (i: number) => `line ${String(i).padStart(8, '0')} `.padEnd(99, 'x');
    const count = Math.ceil(offset / 100) + 20_000;
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < count; i += 10_000) fs.writeSync(fd, Array.from({ length: Math.min(10_000, count - i) }, (_, j) => line(i + j) + '\n').join(''));
    fs.closeSync(fd);
    const consumer = new RecordingConsumer();
    const slowFrom = Math.floor(lastChunkStart / 100) - 1000;
    const slowTo = Math.floor(offset / 100);
    const slow: LogsConsumer = {
      consumeLogs: async (batch) => {
        if (consumer.recordCount >= slowFrom && consumer.recordCount < slowTo) await sleep(700);
        return consumer.consumeLogs(batch);
      },
    };
    const rx = await startFilelog({ include: [file], start_at: 'beginning' }, { next: slow, consumer });
    await rx.consumer.waitForRecords(count, 30_000);
    await sleep(100);
    const got = bodies(rx.consumer);
    expect(got.length).toBe(count);
    const wrong = got.findIndex((b, i) => b !== line(i));
    expect(wrong).toBe(-1);
  }, 60_000);

  test('at shutdown a last line without its newline is emitted, marked log.file.partial_line', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, 'whole\ncut sho');
    const rx = await startFilelog({ include: [file], start_at: 'beginning' });
    await rx.consumer.waitForRecords(1);
    await rx.stop();
    expect(bodies(rx.consumer)).toEqual(['whole', 'cut sho']);
    const [whole, cut] = rx.consumer.records();
    expect(attributeMap(whole.attributes)['log.file.partial_line']).toBeUndefined();
    expect(attributeMap(cut.attributes)['log.file.partial_line']).toBe(true);
    expect(rx.metrics.value('logfun_filelog_partial_lines_total', { receiver: rx.id })).toBe(1);
  });

  test('gzip: read: rotated .gz files found at start are read whole, decompressed; gzip: skip (default) skips them, counted and logged', async () => {
    fs.writeFileSync(path.join(dir, 'access.log.2.gz'), zlib.gzipSync(lines('gz-', 1, 3000).join('\n') + '\n'));
    fs.writeFileSync(path.join(dir, 'access.log'), lines('plain-', 1, 2).join('\n') + '\n');
    const rx = await startFilelog({ include: [path.join(dir, 'access.log*')], start_at: 'beginning', gzip: 'read' });
    await rx.consumer.waitForRecords(3002);
    await sleep(100);
    expect([...bodies(rx.consumer)].sort()).toEqual([...lines('gz-', 1, 3000), ...lines('plain-', 1, 2)].sort());
    await rx.stop();

    const skipping = await startFilelog({ include: [path.join(dir, 'access.log*')], start_at: 'beginning' }, { id: 'filelog/skip' });
    await skipping.consumer.waitForRecords(2);
    await sleep(100);
    expect(bodies(skipping.consumer)).toEqual(lines('plain-', 1, 2));
    expect(skipping.metrics.value('logfun_filelog_skipped_files_total', { receiver: 'filelog/skip', reason: 'gzip' })).toBe(1);
    expect(skipping.logger.messages.some((e) => e.msg.includes('access.log.2.gz') && e.msg.includes('gzip'))).toBe(true);
  });

  test('a directory named in include and binary files matched by a glob are skipped, counted and logged once; a pattern matching nothing is logged', async () => {
    fs.mkdirSync(path.join(dir, 'sub.log'));
    fs.writeFileSync(path.join(dir, 'core.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 10]));
    fs.writeFileSync(path.join(dir, 'app.log'), 'fine\n');
    const rx = await startFilelog({ include: [path.join(dir, '*.log'), path.join(dir, 'sub.log'), path.join(dir, 'missing-*.txt')], start_at: 'beginning' });
    await rx.consumer.waitForRecords(1);
    await sleep(150);
    expect(bodies(rx.consumer)).toEqual(['fine']);
    expect(rx.metrics.value('logfun_filelog_skipped_files_total', { receiver: rx.id, reason: 'directory' })).toBe(1);
    expect(rx.metrics.value('logfun_filelog_skipped_files_total', { receiver: rx.id, reason: 'binary' })).toBe(1);
    const msgs = rx.logger.messages.map((e) => e.msg);
    expect(msgs.filter((m) => m.includes('sub.log') && m.includes('directory'))).toHaveLength(1);
    expect(msgs.filter((m) => m.includes('core.log') && m.includes('binary'))).toHaveLength(1);
    expect(rx.logger.messages.some((e) => e.msg.includes('matches no file') && JSON.stringify(e.fields).includes('missing-*.txt'))).toBe(true);
  });

  // README: directories are "skipped, logged once and counted" — those a glob matches too, not only one named literally.
  test('a directory matched only by a glob is skipped, counted and logged once over several polls; an excluded one is not', async () => {
    const globbed = path.join(dir, 'globbed');
    fs.mkdirSync(path.join(globbed, 'archive.log'), { recursive: true });
    fs.mkdirSync(path.join(globbed, 'ignored.log'));
    fs.writeFileSync(path.join(globbed, 'app.log'), 'kept\n');
    const rx = await startFilelog({ include: [path.join(globbed, '*.log')], exclude: ['ignored.*'], start_at: 'beginning', poll_interval: '20ms' });
    await rx.consumer.waitForRecords(1);
    await sleep(150); // several polls
    expect(bodies(rx.consumer)).toEqual(['kept']);
    expect(rx.metrics.value('logfun_filelog_skipped_files_total', { receiver: rx.id, reason: 'directory' })).toBe(1);
    const said = rx.logger.messages.filter((e) => e.msg.includes('directory'));
    expect(said.map((e) => e.msg)).toEqual([`filelog: not reading ${path.join(globbed, 'archive.log')}: a directory, not a file`]);
    expect(rx.logger.messages.some((e) => e.msg.includes('matches no file'))).toBe(false);
  });

  test('shutdown reads every file to its end and delivers it: the final summary line is never skipped', async () => {
    const file = path.join(dir, 'job.log');
    fs.writeFileSync(file, '');
    const rx = await startFilelog({ include: [file], poll_interval: '1h', start_at: 'beginning' });
    await sleep(100); // the first poll (immediately after start) has run; the next is an hour away
    const body = lines('work ', 1, 20_000).join('\n') + '\nSUMMARY: 20000 items\n';
    fs.appendFileSync(file, body);
    expect(rx.consumer.recordCount).toBe(0);
    await rx.stop();
    const got = bodies(rx.consumer);
    expect(got.length).toBe(20_001);
    expect(got[got.length - 1]).toBe('SUMMARY: 20000 items');
    expect(rx.consumer.batches.every((b) => b.length <= 1000)).toBe(true);
  });

  test('a line longer than max_line_size becomes several records, cut on UTF-8 boundaries, nothing lost', async () => {
    const file = path.join(dir, 'long.log');
    const long = 'é'.repeat(50); // 100 bytes
    fs.writeFileSync(file, `short\n${long}\nafter\n`);
    const rx = await startFilelog({ include: [file], start_at: 'beginning', max_line_size: 33 });
    await rx.consumer.waitForRecords(6);
    const got = bodies(rx.consumer);
    expect(got[0]).toBe('short');
    expect(got[got.length - 1]).toBe('after');
    const pieces = got.slice(1, -1);
    expect(pieces.join('')).toBe(long);
    expect(pieces.every((p) => Buffer.byteLength(p) <= 33 && !p.includes('\uFFFD'))).toBe(true);
    expect(rx.metrics.value('logfun_filelog_split_lines_total', { receiver: rx.id })).toBe(pieces.length - 1);
  });

  test('CSV access logs: header lines are skipped (counted), data lines parsed', async () => {
    const file = path.join(dir, 'access.csv');
    const header = '"remotehost","rfc931","authuser","date","request","status","bytes"';
    fs.writeFileSync(
      file,
      [header, '"10.0.0.2","-","apache",1549573860,"GET /api/user HTTP/1.0",200,1234', header, '"10.0.0.4","-","-",1549573861,"POST /report HTTP/1.0",500,12', ''].join('\n'),
    );
    const rx = await startFilelog({ include: [file], start_at: 'beginning', parser: 'csv' });
    await rx.consumer.waitForRecords(2);
    await sleep(100);
    const recs = rx.consumer.records();
    expect(recs.map((r) => attributeMap(r.attributes)['url.path'])).toEqual(['/api/user', '/report']);
    expect(recs[1].timeUnixNano).toBe(1_549_573_861_000_000_000n);
    expect(rx.metrics.value('logfun_filelog_header_lines_total', { receiver: rx.id })).toBe(2);
    expect(rx.metrics.value('logfun_receiver_malformed_lines_total')).toBe(0);
  });

  test('JSON lines: body, time, severity and trace context land in their record fields', async () => {
    const file = path.join(dir, 'app.json');
    fs.writeFileSync(
      file,
      '{"level":"error","ts":1700000000.5,"msg":"boom","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","code":7}\n{oops\n',
    );
    const rx = await startFilelog({ include: [file], start_at: 'beginning', parser: 'json' });
    await rx.consumer.waitForRecords(2);
    const [r, bad] = rx.consumer.records();
    expect([r.body, r.severityNumber, r.severityText, r.timeUnixNano, r.traceId, r.spanId]).toEqual([
      'boom', 17, 'error', 1_700_000_000_500_000_000n, '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174',
    ]);
    expect(attributeMap(r.attributes).code).toBe(7n);
    expect(bad.body).toBe('{oops');
    expect(attributeMap(bad.attributes)['log.parse.error']).toBe('invalid JSON');
    expect(rx.metrics.value('logfun_receiver_malformed_lines_total', { receiver: rx.id, parser: 'json' })).toBe(1);
  });

  test('a permanent refusal drops that batch (counted, logged) and the receiver moves on', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, 'rejected 1\nrejected 2\n');
    const consumer = new RecordingConsumer().failWith(new PermanentError('schema violation'), 1);
    const rx = await startFilelog({ include: [file], start_at: 'beginning' }, { consumer });
    await sleep(150);
    fs.appendFileSync(file, 'accepted\n');
    await consumer.waitForRecords(1);
    expect(bodies(consumer)).toEqual(['accepted']);
    expect(rx.metrics.value('logfun_receiver_refused_records_total', { receiver: rx.id, reason: 'invalid' })).toBe(2);
    expect(rx.logger.messages.some((m) => m.level === 'error' && /refused a batch permanently/.test(m.msg))).toBe(true);
  });

  test('shutdown is safe before start and twice', async () => {
    const errors: string[] = [];
    const cfg = filelogReceiverFactory.unmarshal!({ include: [path.join(dir, '*.log')], storage: path.join(dir, 's') }, 'filelog', errors);
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const never = filelogReceiverFactory.create({ id: 'filelog', metrics, logger }, cfg, new RecordingConsumer());
    await never.shutdown();
    await never.shutdown();
    const rx = filelogReceiverFactory.create({ id: 'filelog', metrics, logger }, cfg, new RecordingConsumer());
    await rx.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
    await Promise.all([rx.shutdown(), rx.shutdown()]);
    await rx.shutdown();
  });
});
