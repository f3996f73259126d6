/**
 * The filelog receiver across rotations, restarts and downstream failures, on
 * real files: rename rotation (with writes to the old file after the rename),
 * copytruncate, restart from the checkpoint with no loss and no repeats
 * (after a clean stop and after a stop with undelivered lines), retryable
 * failures.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { LogBatch } from '../../collector/pipeline/batch';
import type { LogsConsumer } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { filelogReceiverFactory } from '../../collector/receivers/filelog/factory';
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
let storage: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filelog-rot-'));
  storage = path.join(dir, 'storage');
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startFilelog(config: Record<string, unknown>, options: { id?: string; next?: LogsConsumer; consumer?: RecordingConsumer } = {}): Promise<Running> {
  const id = options.id ?? 'filelog/rot';
  const errors: string[] = [];
  const cfg = filelogReceiverFactory.unmarshal!({ poll_interval: '20ms', storage, start_at: 'beginning', ...config }, id, errors);
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
const text = (ls: string[]) => ls.map((l) => l + '\n').join('');

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Every expected line exactly once, in order within each prefix (file). */
function expectExactlyOnce(got: string[], expected: string[]): void {
  expect([...got].sort()).toEqual([...expected].sort());
  for (const prefix of new Set(expected.map((l) => l.replace(/\d+$/, '')))) {
    expect(got.filter((l) => l.startsWith(prefix))).toEqual(expected.filter((l) => l.startsWith(prefix)));
  }
}

describe('filelog receiver: rotation', () => {
  test('rename rotation: the old file is read to its end (also lines written after the rename), the new one from its beginning', async () => {
    const file = path.join(dir, 'app.log');
    const writer = fs.openSync(file, 'a');
    fs.writeSync(writer, text(lines('old-', 1, 3)));
    const rx = await startFilelog({ include: [file] });
    await rx.consumer.waitForRecords(3);

    fs.renameSync(file, file + '.1');
    fs.writeSync(writer, text(lines('old-', 4, 5))); // the writer has not reopened yet
    fs.writeFileSync(file, text(lines('new-', 1, 2)));
    await rx.consumer.waitForRecords(7);
    fs.writeSync(writer, text(['old-6'])); // a straggler after the new file was already picked up
    fs.closeSync(writer);
    fs.appendFileSync(file, text(['new-3']));
    await rx.consumer.waitForRecords(9);

    expectExactlyOnce(bodies(rx.consumer), [...lines('old-', 1, 6), ...lines('new-', 1, 3)]);
    const names = new Set(rx.consumer.records().filter((r) => (r.body as string).startsWith('new-')).map((r) => attributeMap(r.attributes)['log.file.path']));
    expect([...names]).toEqual([file]);
    expect(rx.metrics.value('logfun_filelog_rotations_total', { receiver: rx.id, kind: 'moved' })).toBe(1);
    // The rotated-away file is closed once idle for the grace period.
    await waitFor('the old file to be closed', () => rx.metrics.value('logfun_filelog_open_files', { receiver: rx.id }) === 1, 5000);
  });

  test('a file renamed within the globs keeps its position (no line read twice)', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(lines('a-', 1, 3)));
    const rx = await startFilelog({ include: [path.join(dir, 'app.log*')] });
    await rx.consumer.waitForRecords(3);
    fs.renameSync(file, file + '.1');
    fs.appendFileSync(file + '.1', text(['a-4']));
    fs.writeFileSync(file, text(['b-1']));
    await rx.consumer.waitForRecords(5);
    await sleep(150);
    expectExactlyOnce(bodies(rx.consumer), [...lines('a-', 1, 4), 'b-1']);
    const a4 = rx.consumer.records().find((r) => r.body === 'a-4')!;
    expect(attributeMap(a4.attributes)['log.file.name']).toBe('app.log.1');
  });

  test('copytruncate: a file that shrinks is read again from its beginning', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(lines('before-', 1, 5)));
    const rx = await startFilelog({ include: [file] });
    await rx.consumer.waitForRecords(5);
    fs.copyFileSync(file, file + '.1');
    fs.truncateSync(file, 0);
    await sleep(100);
    fs.appendFileSync(file, text(lines('after-', 1, 2)));
    await rx.consumer.waitForRecords(7);
    await sleep(100);
    expectExactlyOnce(bodies(rx.consumer), [...lines('before-', 1, 5), ...lines('after-', 1, 2)]);
    expect(rx.metrics.value('logfun_filelog_rotations_total', { receiver: rx.id, kind: 'truncated' })).toBe(1);
  });

  test('copytruncate with a glob matching the copy (access.log*): the copy is recognised, every line counted once', async () => {
    const file = path.join(dir, 'access.log');
    // Lines longer than the 1 KiB fingerprint in total, so the fingerprint is full.
    const long = (prefix: string, from: number, to: number) => lines(prefix, from, to).map((l) => `${l} ${'p'.repeat(40)}`);
    fs.writeFileSync(file, text(long('a-', 1, 50)));
    const rx = await startFilelog({ include: [path.join(dir, 'access.log*')] , start_at: 'beginning' });
    await rx.consumer.waitForRecords(50);
    // Lines the receiver has not read yet when the copy is made, one of them cut in two: they are read from the copy.
    fs.appendFileSync(file, text(long('a-', 51, 100)) + 'a-101 half');
    fs.copyFileSync(file, file + '.1');
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, text(long('b-', 1, 50)));
    await rx.consumer.waitForRecords(150);
    await sleep(300);
    await rx.stop();
    expectExactlyOnce(bodies(rx.consumer), [...long('a-', 1, 100), 'a-101 half', ...long('b-', 1, 50)]);
    expect(rx.metrics.value('logfun_filelog_rotations_total', { receiver: rx.id, kind: 'copied' })).toBe(1);
  });

  test('copytruncate with a matching glob, the copy found before the truncation', async () => {
    const file = path.join(dir, 'access.log');
    const long = (prefix: string, from: number, to: number) => lines(prefix, from, to).map((l) => `${l} ${'q'.repeat(40)}`);
    fs.writeFileSync(file, text(long('a-', 1, 50)));
    const rx = await startFilelog({ include: [path.join(dir, 'access.log*')], start_at: 'beginning' });
    await rx.consumer.waitForRecords(50);
    fs.copyFileSync(file, file + '.1');
    await sleep(200);
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, text(long('b-', 1, 25)));
    await rx.consumer.waitForRecords(75);
    await sleep(300);
    expectExactlyOnce(bodies(rx.consumer), [...long('a-', 1, 50), ...long('b-', 1, 25)]);
  });

  test('copytruncate over the previous copy (cp access.log access.log.1 rewrites the same file): the rewritten copy is recognised too', async () => {
    const file = path.join(dir, 'access.log');
    const long = (prefix: string, from: number, to: number) => lines(prefix, from, to).map((l) => `${l} ${'r'.repeat(40)}`);
    fs.writeFileSync(file, text(long('a-', 1, 40)));
    const rx = await startFilelog({ include: [path.join(dir, 'access.log*')], start_at: 'beginning' });
    await rx.consumer.waitForRecords(40);
    fs.copyFileSync(file, file + '.1');
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, text(long('b-', 1, 40)));
    await rx.consumer.waitForRecords(80);
    await sleep(200);
    // Second rotation: the copy is written over the previous one (same inode, new content).
    fs.copyFileSync(file, file + '.1');
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, text(long('c-', 1, 10)));
    await rx.consumer.waitForRecords(90);
    await sleep(300);
    await rx.stop();
    expectExactlyOnce(bodies(rx.consumer), [...long('a-', 1, 40), ...long('b-', 1, 40), ...long('c-', 1, 10)]);
  });

  test('copytruncate under a writer without O_APPEND: the hole of NUL bytes it leaves is skipped (and counted), the lines after it are read whole', async () => {
    const file = path.join(dir, 'app.log');
    const writer = fs.openSync(file, 'w'); // not 'a': the writer keeps its own position
    let position = 0;
    const write = (t: string) => (position += fs.writeSync(writer, t, position));
    write(text(lines('before-', 1, 20)));
    const rx = await startFilelog({ include: [file] });
    await rx.consumer.waitForRecords(20);
    fs.truncateSync(file, 0);
    await sleep(100);
    const hole = position;
    write(text(lines('after-', 1, 5)));
    fs.closeSync(writer);
    await rx.consumer.waitForRecords(25);
    await sleep(100);
    expectExactlyOnce(bodies(rx.consumer), [...lines('before-', 1, 20), ...lines('after-', 1, 5)]);
    expect(rx.metrics.value('logfun_filelog_nul_bytes_skipped_total', { receiver: rx.id })).toBe(hole);
  });

  test('copytruncate detected by the fingerprint when the new content is already longer than the old position', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(['x-1', 'x-2']));
    const rx = await startFilelog({ include: [file] });
    await rx.consumer.waitForRecords(2);
    // Truncate and refill in one go: the next poll sees a larger file with a different head.
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, text(lines('y-', 1, 10)));
    await rx.consumer.waitForRecords(12);
    await sleep(100);
    expectExactlyOnce(bodies(rx.consumer), [...lines('x-', 1, 2), ...lines('y-', 1, 10)]);
  });
});

describe('filelog receiver: checkpoints', () => {
  test('restart after a clean stop continues where it left off: no loss, no repeats', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(lines('l', 1, 100)));
    const rx1 = await startFilelog({ include: [file], max_batch_size: 7 });
    await rx1.consumer.waitForRecords(100);
    await rx1.stop();
    fs.appendFileSync(file, text(lines('l', 101, 150)));

    const checkpoint = JSON.parse(fs.readFileSync(path.join(storage, 'filelog_rot.json'), 'utf8'));
    expect(checkpoint.files).toHaveLength(1);
    expect(checkpoint.files[0].offset).toBe(Buffer.byteLength(text(lines('l', 1, 100))));

    // start_at end would skip lines 101..150 if the checkpoint were not used.
    const rx2 = await startFilelog({ include: [file], start_at: 'end' });
    await rx2.consumer.waitForRecords(50);
    fs.appendFileSync(file, text(lines('l', 151, 160)));
    await rx2.consumer.waitForRecords(60);
    await sleep(100);
    expect(bodies(rx2.consumer)).toEqual(lines('l', 101, 160));
    expectExactlyOnce([...bodies(rx1.consumer), ...bodies(rx2.consumer)], lines('l', 1, 160));
  });

  test('stopped mid-file with downstream refusing: only acknowledged lines are checkpointed, the next run delivers exactly the rest', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(lines('m', 1, 100)));
    const first = new RecordingConsumer();
    let acceptedBatches = 0;
    const flaky: LogsConsumer = {
      async consumeLogs(batch: LogBatch) {
        if (acceptedBatches >= 3) throw new RetryableError('downstream unavailable');
        acceptedBatches++;
        await first.consumeLogs(batch);
      },
    };
    const rx1 = await startFilelog(
      { include: [file], max_batch_size: 10, drain_timeout: '200ms', retry_on_failure: { initial_interval: '10ms', max_interval: '50ms' } },
      { next: flaky, consumer: first },
    );
    await waitFor('retries', () => rx1.metrics.value('logfun_receiver_send_retries_total') >= 3);
    const t0 = Date.now();
    await rx1.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(bodies(first)).toEqual(lines('m', 1, 30));
    expect(rx1.logger.messages.some((m) => /drain_timeout/.test(m.msg))).toBe(true);

    const rx2 = await startFilelog({ include: [file] });
    await rx2.consumer.waitForRecords(70);
    await sleep(150);
    expect(bodies(rx2.consumer)).toEqual(lines('m', 31, 100));
  });

  test('a consumer failing retryably (and with unknown errors) then succeeding: no loss, no repeats, checkpoint only after success', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(lines('r', 1, 25)));
    const consumer = new RecordingConsumer().failWith(new RetryableError('queue full', 30, 'exhausted'), 3);
    const rx = await startFilelog({ include: [file], max_batch_size: 10, retry_on_failure: { initial_interval: '10ms', max_interval: '40ms' } }, { consumer });
    await consumer.waitForRecords(25);
    consumer.failWith(new Error('socket hang up'), 2);
    fs.appendFileSync(file, text(lines('r', 26, 40)));
    await consumer.waitForRecords(40);
    await sleep(100);
    expect(bodies(consumer)).toEqual(lines('r', 1, 40));
    expect(rx.metrics.value('logfun_receiver_send_retries_total', { receiver: rx.id })).toBe(5);
    expect(rx.metrics.value('logfun_receiver_accepted_records_total', { receiver: rx.id })).toBe(40);
    await rx.stop();

    // Nothing is delivered twice after a restart.
    const again = await startFilelog({ include: [file] });
    await sleep(200);
    await again.stop();
    expect(again.consumer.recordCount).toBe(0);
  });

  test('a downstream that never answers cannot hold shutdown beyond drain_timeout; its lines are read again next time', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, text(lines('h', 1, 5)));
    const stuck = new RecordingConsumer().hold();
    const rx1 = await startFilelog({ include: [file], drain_timeout: '200ms' }, { consumer: stuck });
    await waitFor('a pending call', () => stuck.calls > 0);
    const t0 = Date.now();
    await rx1.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    stuck.release();
    const rx2 = await startFilelog({ include: [file] });
    await rx2.consumer.waitForRecords(5);
    expect(bodies(rx2.consumer)).toEqual(lines('h', 1, 5));
  });

  test('a held partial line is not checkpointed: the next run reads it whole', async () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, 'done\nhalf');
    const delivered = new RecordingConsumer();
    let acceptedOnce = false;
    // Accepts the first batch only, so shutdown cannot deliver the partial line.
    const flaky: LogsConsumer = {
      async consumeLogs(batch: LogBatch) {
        if (acceptedOnce) throw new RetryableError('down');
        acceptedOnce = true;
        await delivered.consumeLogs(batch);
      },
    };
    const rx1 = await startFilelog({ include: [file], force_flush_period: '1h', drain_timeout: '100ms' }, { next: flaky, consumer: delivered });
    await delivered.waitForRecords(1);
    await rx1.stop();
    expect(bodies(delivered)).toEqual(['done']);
    fs.appendFileSync(file, ' and whole\n');
    const rx2 = await startFilelog({ include: [file] });
    await rx2.consumer.waitForRecords(1);
    await sleep(100);
    expect(bodies(rx2.consumer)).toEqual(['half and whole']);
  });
});
