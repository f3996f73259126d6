/**
 * The write-ahead log (collector/queue/wal.ts) and the batch codec it stores:
 * round trip, reopen, torn tail, segment deletion, the byte bound, delivery marks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KeyValueList, LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { BinaryWriter, decodeLogBatch, encodeLogBatch } from '../../collector/queue/batch-codec';
import { WalFullError, WriteAheadLog, type WalOptions } from '../../collector/queue/wal';

const dirs: string[] = [];
const open: WriteAheadLog[] = [];

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-wal-'));
  dirs.push(d);
  return d;
}

async function openWal(opts: Partial<WalOptions> & { directory: string }): Promise<WriteAheadLog> {
  const wal = await WriteAheadLog.open({ maxBytes: 0, fsync: 'never', ...opts });
  open.push(wal);
  return wal;
}

async function closeWal(wal: WriteAheadLog): Promise<void> {
  await wal.close();
  open.splice(open.indexOf(wal), 1);
}

afterEach(async () => {
  for (const w of open.splice(0)) await w.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function payload(i: number, size = 100): Buffer {
  return Buffer.from(`entry-${i}-`.padEnd(size, 'x'));
}

function segmentsOf(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.seg'));
}

function sampleBatch(): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }, { key: 'n', value: 7n }], droppedAttributesCount: 1, schemaUrl: 'u' });
  const s = b.addScope({ name: 'scope', version: '1.0', attributes: [{ key: 'k', value: true }], droppedAttributesCount: 0, schemaUrl: '' });
  b.add(r, s, {
    timeUnixNano: 1_700_000_000_123_456_789n,
    observedTimeUnixNano: 18_000_000_000_000_000_000n,
    severityNumber: 9,
    severityText: 'INFO',
    body: 'hello ünïcødé ' + 'y'.repeat(200),
    attributes: [
      { key: 'int', value: -42n },
      { key: 'dbl', value: 1.5 },
      { key: 'bytes', value: new Uint8Array([1, 2, 3]) },
      { key: 'arr', value: ['a', 1n, false, undefined] },
      { key: 'kv', value: new KeyValueList([{ key: 'inner', value: 'v' }]) },
    ],
    droppedAttributesCount: 2,
    flags: 1,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    eventName: 'ev',
    templateId: 0xfedcba9876543210n,
    templateArgs: ['1', 'two'],
  });
  b.add(r, s, { body: undefined }, 10);
  b.batch.byteSize = 1234;
  b.trim();
  return b.batch;
}

test('a batch survives encode/decode with every column and value type intact', () => {
  const batch = sampleBatch();
  const w = new BinaryWriter(16);
  encodeLogBatch(batch, w);
  const back = decodeLogBatch(Buffer.from(w.view()));
  expect(back).toEqual(batch);
  expect(typeof (back.attributes[0][0].value as bigint)).toBe('bigint');
  expect(back.attributes[0][4].value).toBeInstanceOf(KeyValueList);
  expect(back.resources[0].serviceName).toBe('svc');
});

test('entries are read back in order, with their marks, after close and reopen', async () => {
  const dir = tempDir();
  let wal = await openWal({ directory: dir });
  const id = wal.id;
  const seqs: number[] = [];
  for (let i = 0; i < 5; i++) seqs.push(await wal.append(payload(i), i + 1, i === 3 ? { scope: 'otlp', key: 'sess', sequence: 17 } : undefined));
  expect(seqs).toEqual([1, 2, 3, 4, 5]);
  expect((await wal.read(2)).payload.toString()).toBe(payload(1).toString());
  await closeWal(wal);

  wal = await openWal({ directory: dir });
  expect(wal.id).toBe(id);
  expect(wal.recovery).toMatchObject({ entries: 5, records: 15, tornTails: 0 });
  expect(wal.nextLiveSeq(0)).toBe(1);
  const e = await wal.read(4);
  expect(e).toMatchObject({ seq: 4, records: 4, mark: { scope: 'otlp', key: 'sess', sequence: 17 } });
  expect(wal.marks()).toEqual([{ scope: 'otlp', key: 'sess', sequence: 17 }]);
  expect(await wal.append(payload(9), 1)).toBe(6);
});

test('a payload appended as parts is read back as their concatenation, before and after a reopen (its CRC covers every part)', async () => {
  const dir = tempDir();
  let wal = await openWal({ directory: dir });
  const parts = [Buffer.from('head:'), Buffer.alloc(0), payload(1, 5000), Buffer.from(':tail')];
  const whole = Buffer.concat(parts);
  await wal.append(parts, 3);
  await wal.append(payload(2), 1);
  await Promise.all([wal.append([payload(3), payload(4)], 2), wal.append(payload(5), 1)]);
  expect((await wal.read(1)).payload.equals(whole)).toBe(true);
  await closeWal(wal);
  wal = await openWal({ directory: dir });
  expect(wal.recovery).toMatchObject({ entries: 4, records: 7, tornTails: 0, corruptSegments: 0 });
  expect((await wal.read(1)).payload.equals(whole)).toBe(true);
  expect((await wal.read(3)).payload.equals(Buffer.concat([payload(3), payload(4)]))).toBe(true);
  expect((await wal.read(4)).payload.equals(payload(5))).toBe(true);
});

test('concurrent appends are written together and resolve in order', async () => {
  const wal = await openWal({ directory: tempDir() });
  const order: number[] = [];
  await Promise.all(Array.from({ length: 200 }, (_, i) => wal.append(payload(i), 1).then((s) => order.push(s))));
  expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  for (const s of [1, 100, 200]) expect((await wal.read(s)).payload.toString()).toBe(payload(s - 1).toString());
});

test('a half-written last entry is cut on open and counted; the entries before it stay', async () => {
  const dir = tempDir();
  let wal = await openWal({ directory: dir });
  for (let i = 0; i < 3; i++) await wal.append(payload(i), 1);
  await closeWal(wal);
  const seg = path.join(dir, segmentsOf(dir)[0]);
  const full = fs.statSync(seg).size;
  // The process died in the middle of writing the third frame.
  fs.truncateSync(seg, full - 40);
  wal = await openWal({ directory: dir });
  expect(wal.recovery).toMatchObject({ entries: 2, tornTails: 1, tornBytes: full - 40 - (2 * full) / 3 });
  expect(fs.statSync(seg).size).toBe((2 * full) / 3);
  expect(await wal.append(payload(7), 1)).toBe(3);
  await closeWal(wal);

  // A flipped byte (failed CRC) in the last frame is cut the same way.
  wal = await openWal({ directory: dir });
  expect(wal.recovery.entries).toBe(3);
  await closeWal(wal);
  const last = path.join(dir, segmentsOf(dir).sort().at(-1)!);
  const bytes = fs.readFileSync(last);
  bytes[bytes.length - 5] ^= 0xff;
  fs.writeFileSync(last, bytes);
  wal = await openWal({ directory: dir });
  expect(wal.recovery).toMatchObject({ entries: 2, tornTails: 1 });
  expect((await wal.read(2)).payload.toString()).toBe(payload(1).toString());
});

test('reading refuses a frame that is not the one this process wrote or found there', async () => {
  // Two logs with the same entries' seqs and sizes but other payloads: the frames differ only in their bytes.
  const dir = tempDir();
  const other = tempDir();
  const wal = await openWal({ directory: dir });
  const foreign = await openWal({ directory: other });
  for (let i = 0; i < 3; i++) {
    await wal.append(payload(i), 1);
    await foreign.append(payload(i + 10), 1);
  }
  await closeWal(foreign);
  expect((await wal.read(2)).payload.toString()).toBe(payload(1).toString());
  // Another process puts a whole, valid frame with the same seq and size in entry 2's place.
  const seg = path.join(dir, segmentsOf(dir)[0]);
  const size = fs.statSync(seg).size / 3;
  const replacement = fs.readFileSync(path.join(other, segmentsOf(other)[0])).subarray(size, 2 * size);
  const fd = fs.openSync(seg, 'r+');
  fs.writeSync(fd, replacement, 0, size, size);
  fs.closeSync(fd);
  await expect(wal.read(2)).rejects.toThrow(/entry 2: bad frame/);
  // A segment cut short under the log.
  fs.truncateSync(seg, 2 * size + 10);
  await expect(wal.read(3)).rejects.toThrow(/entry 3: segment .* ends early/);
  expect((await wal.read(1)).payload.toString()).toBe(payload(0).toString());
});

test('acknowledging deletes whole segments only, and the position survives a reopen', async () => {
  const dir = tempDir();
  let wal = await openWal({ directory: dir, segmentBytes: 1000 });
  for (let i = 0; i < 30; i++) await wal.append(payload(i, 200), 10);
  const before = segmentsOf(dir).length;
  expect(before).toBeGreaterThanOrEqual(7);
  await wal.acknowledge({ seq: 11, record: 4 });
  const after = segmentsOf(dir).length;
  expect(after).toBeLessThan(before);
  expect(wal.nextLiveSeq(0)).toBe(11);
  expect(wal.liveEntries).toBe(20);
  await wal.setInflight({ from: { seq: 11, record: 4 }, to: { seq: 14, record: 0 } });
  await closeWal(wal);

  wal = await openWal({ directory: dir, segmentBytes: 1000 });
  expect(wal.acked).toEqual({ seq: 11, record: 4 });
  expect(wal.inflight).toEqual({ from: { seq: 11, record: 4 }, to: { seq: 14, record: 0 } });
  expect(wal.recovery).toMatchObject({ entries: 20, records: 196 });
  await wal.acknowledge({ seq: 31, record: 0 });
  expect(wal.inflight).toBeUndefined();
  expect(wal.liveEntries).toBe(0);
  expect(wal.liveBytes).toBe(0);
  // Only the segment appends go to may remain (none was started since the reopen).
  expect(segmentsOf(dir).length).toBe(0);
  expect(await wal.append(payload(1), 1)).toBe(31);
});

test('acknowledged segments are reused; a recycled segment reopens with its frames only, after a kill, a torn write or a close', async () => {
  const dir = tempDir();
  const wal = await openWal({ directory: dir, segmentBytes: 1000 });
  // 229-byte frames, 4 to a segment: entries 1-16 fill 4 segments; the first 3 are acknowledged.
  for (let i = 0; i < 16; i++) await wal.append(payload(i, 200), 1);
  await wal.acknowledge({ seq: 13, record: 0 });
  const spares = () => fs.readdirSync(dir).filter((n) => n.endsWith('.free'));
  expect(spares().length).toBe(3);
  expect(segmentsOf(dir).length).toBe(1);
  const spareInodes = new Set(spares().map((n) => fs.statSync(path.join(dir, n)).ino));
  // Smaller (79-byte) entries: the first fills the last segment, the next two go to a new segment in a spare's file, over its old frames.
  for (let i = 16; i < 19; i++) await wal.append(payload(i, 50), 1);
  expect(spares().length).toBe(2);
  const recycled = path.join(dir, segmentsOf(dir).sort().at(-1)!);
  expect(spareInodes.has(fs.statSync(recycled).ino)).toBe(true);
  expect(fs.statSync(recycled).size).toBeGreaterThan(2 * 79);

  // kill -9 now: what the files hold is what the next process opens.
  const killed = tempDir();
  fs.cpSync(dir, killed, { recursive: true });
  let reopened = await openWal({ directory: killed, segmentBytes: 1000 });
  expect(reopened.recovery).toMatchObject({ entries: 7, tornTails: 0, corruptSegments: 0 });
  expect((await reopened.read(19)).payload.toString()).toBe(payload(18, 50).toString());
  expect(fs.statSync(path.join(killed, path.basename(recycled))).size).toBe(2 * 79);
  expect(await reopened.append(payload(0), 1)).toBe(20);
  await closeWal(reopened);

  // A write torn in the recycled segment is still cut and counted.
  const torn = tempDir();
  fs.cpSync(dir, torn, { recursive: true });
  const tornFile = path.join(torn, path.basename(recycled));
  const bytes = fs.readFileSync(tornFile);
  bytes[2 * 79 - 5] ^= 0xff;
  fs.writeFileSync(tornFile, bytes);
  reopened = await openWal({ directory: torn, segmentBytes: 1000 });
  expect(reopened.recovery).toMatchObject({ entries: 6, tornTails: 1, tornBytes: bytes.length - 79 });
  await closeWal(reopened);

  // Appends that move on to the next segment, then a close: each segment file holds its frames and nothing after them.
  for (let i = 19; i < 40; i++) await wal.append(payload(i, 50), 1);
  const live = wal.liveBytes;
  await closeWal(wal);
  expect(segmentsOf(dir).reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0)).toBe(live);
  const again = await openWal({ directory: dir, segmentBytes: 1000 });
  expect(again.recovery).toMatchObject({ entries: 28, tornTails: 0, corruptSegments: 0 });
  expect((await again.read(40)).payload.toString()).toBe(payload(39, 50).toString());
});

test('a zero-filled tail (writes a file system lost) is still cut and counted as torn', async () => {
  const dir = tempDir();
  let wal = await openWal({ directory: dir });
  for (let i = 0; i < 2; i++) await wal.append(payload(i), 1);
  await closeWal(wal);
  const seg = path.join(dir, segmentsOf(dir)[0]);
  fs.appendFileSync(seg, Buffer.alloc(4096));
  wal = await openWal({ directory: dir });
  expect(wal.recovery).toMatchObject({ entries: 2, tornTails: 1, tornBytes: 4096 });
});

test('the byte bound refuses appends until entries are acknowledged; an empty log takes any size', async () => {
  const wal = await openWal({ directory: tempDir(), maxBytes: 2000, segmentBytes: 500 });
  let n = 0;
  while (wal.hasRoom(300)) {
    await wal.append(payload(n++, 300), 1);
    expect(n).toBeLessThan(20);
  }
  expect(n).toBe(5);
  expect(wal.liveBytes).toBeLessThanOrEqual(2000);
  await expect(wal.append(payload(99, 300), 1)).rejects.toBeInstanceOf(WalFullError);
  await wal.acknowledge({ seq: 3, record: 0 });
  expect(wal.hasRoom(300)).toBe(true);
  await wal.acknowledge({ seq: 6, record: 0 });
  expect(await wal.append(payload(0, 5000), 1)).toBe(6);
});

test('delivery marks outlive the segments that held them', async () => {
  const dir = tempDir();
  let wal = await openWal({ directory: dir, segmentBytes: 300 });
  await wal.append(payload(0, 200), 1, { scope: 'otlp', key: 'a', sequence: 5 });
  await wal.append(payload(1, 200), 1, { scope: 'otlp', key: 'b', sequence: 2 });
  await wal.append(payload(2, 200), 1, { scope: 'otlp', key: 'a', sequence: 6 });
  await wal.append(payload(3, 200), 1);
  await wal.acknowledge({ seq: 4, record: 0 });
  expect(segmentsOf(dir).length).toBe(1);
  await closeWal(wal);
  wal = await openWal({ directory: dir, segmentBytes: 300 });
  expect(wal.marks().sort((x, y) => x.key.localeCompare(y.key))).toEqual([
    { scope: 'otlp', key: 'a', sequence: 6 },
    { scope: 'otlp', key: 'b', sequence: 2 },
  ]);
});

test('a directory is opened by one log at a time', async () => {
  const dir = tempDir();
  await openWal({ directory: dir });
  await expect(WriteAheadLog.open({ directory: dir, maxBytes: 0 })).rejects.toThrow(/already open/);
});

test('fsync always and interval policies append and reopen like never', async () => {
  for (const fsync of ['always', 'interval'] as const) {
    const dir = tempDir();
    let wal = await openWal({ directory: dir, fsync, fsyncIntervalMs: 10 });
    await Promise.all([0, 1, 2].map((i) => wal.append(payload(i), 1)));
    await closeWal(wal);
    wal = await openWal({ directory: dir, fsync });
    expect(wal.recovery.entries).toBe(3);
  }
});
