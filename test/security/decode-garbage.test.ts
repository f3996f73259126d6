/**
 * Garbage after a valid header, against `logfun decode` as users run it (the
 * built CLI in a child process, its peak memory measured by the child itself):
 *
 *   - a real SDK log file followed by 30 MB of zero bytes: zeros used to parse
 *     as millions of zero-length frames (1.1 GB of memory, no output, exit 0;
 *     300 MB ran out of heap). Now the records before the zeros are printed,
 *     stderr says the frame after them is damaged, the exit code is 2 and the
 *     memory stays far below the zeros' size.
 *   - a valid header followed by 200,000 tiny frames that decode to no records
 *     (each a legal message with an unknown field): refused after
 *     MAX_FRAMES_WITHOUT_RECORDS of them instead of churning through them all.
 *
 * Plus the wording of the other damage messages (empty file, a cut file, counts
 * in the singular). The console upload of the same inputs is in
 * test/integration/console-api.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger } from '../../sdk';
import { runCli } from '../kit/cli-run';
import { COMPRESSION_BROTLI, COMPRESSION_NONE, MAGIC, frameHeader } from '../../protocol/file-format/frames';
import { MAX_FRAMES_WITHOUT_RECORDS } from '../../protocol/file-format/decode';

jest.setTimeout(60_000);

const MB = 1_000_000;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-decode-garbage-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A real SDK log file: a Hello frame, then one frame per `perFrame` records. */
async function sdkFile(name: string, records: number, perFrame: number): Promise<string> {
  const file = path.join(tmp, name);
  const log = createLogger({ service: 'garbage-svc', transport: 'file', file: { path: file }, batch: { maxRecords: perFrame }, exitHooks: false });
  for (let i = 0; i < records; i++) {
    log.info`record ${i}`;
    if ((i + 1) % perFrame === 0) await log.flush();
  }
  await log.shutdown();
  return file;
}

/** Appends `bytes` zero bytes to a file, 1 MB at a time. */
function appendZeros(file: string, bytes: number): void {
  const chunk = Buffer.alloc(MB);
  for (let left = bytes; left > 0; left -= chunk.length) fs.appendFileSync(file, left >= chunk.length ? chunk : chunk.subarray(0, left));
}

test('a real file followed by 30 MB of zeros: its records, then a clear error and exit 2, in bounded memory', async () => {
  const file = await sdkFile('zeros.lf', 12, 4);
  const validBytes = fs.statSync(file).size;
  appendZeros(file, 30 * MB);
  const run = await runCli(['decode', file]);
  expect(run.code).toBe(2);
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(12);
  expect(run.stderr).toContain(`frame at byte ${validBytes} is damaged: empty frame (length 0`);
  expect(run.stderr).toContain('the 12 records before it were decoded');
  // The old decoder held a frame object per 5 zero bytes: 1.1 GB here. Node itself takes ~50 MB.
  expect(run.maxRssBytes).toBeLessThan(150 * MB);
});

test('the magic and Hello frame of a real file (its first 240 bytes in the report) and zeros after them: exit 2, says why', async () => {
  const bytes = fs.readFileSync(await sdkFile('hello-zeros.lf', 3, 3));
  const helloEnd = MAGIC.length + 5 + bytes.readUInt32LE(MAGIC.length + 1);
  const bomb = path.join(tmp, 'head-zeros.lf');
  fs.writeFileSync(bomb, bytes.subarray(0, helloEnd));
  appendZeros(bomb, 5 * MB);
  const run = await runCli(['decode', bomb]);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain(`head-zeros.lf: frame at byte ${helloEnd} is damaged: empty frame (length 0`);
});

test('a valid header followed by 200,000 record-less frames is refused after a bounded run of them', async () => {
  const message = Buffer.from([0x02, 0x08, 0x00]); // one ClientMessage of 2 bytes: field 1 (unknown), varint 0
  const frame = Buffer.concat([frameHeader(COMPRESSION_NONE, message.length), message]);
  const file = path.join(tmp, 'empty-frames.lf');
  fs.writeFileSync(file, Buffer.concat([MAGIC, Buffer.concat(Array.from({ length: 200_000 }, () => frame))]));
  const run = await runCli(['decode', file]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`more than ${MAX_FRAMES_WITHOUT_RECORDS} frames in a row hold no records`);
});

test('a frame whose header claims more stored bytes than any frame within the per-frame bound is refused by its header', async () => {
  const file = path.join(tmp, 'huge-frame.lf');
  const stored = 10 * 1024 * 1024; // past maxStoredBytes(8 MiB)
  fs.writeFileSync(file, Buffer.concat([MAGIC, frameHeader(COMPRESSION_BROTLI, stored)]));
  appendZeros(file, stored);
  const run = await runCli(['decode', file]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`frame at byte ${MAGIC.length} is refused: it decompresses to more than ${8 * 1024 * 1024} bytes`);
  expect(run.stderr).toContain('--max-frame-bytes');
});

test('messages: an empty file, a file cut inside its only records frame, and counts in the singular', async () => {
  const empty = path.join(tmp, 'empty.lf');
  fs.writeFileSync(empty, '');
  const e = await runCli(['decode', empty]);
  expect(e.code).toBe(2);
  expect(e.stderr).toContain('empty.lf: empty file (0 bytes): not a logfun log file');

  // Two records in two frames; cut inside the second: the first is printed, in the singular.
  const two = await sdkFile('two.lf', 2, 1);
  const cut = path.join(tmp, 'cut-one.lf');
  const bytes = fs.readFileSync(two);
  fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
  const c = await runCli(['decode', cut]);
  expect(c.code).toBe(2);
  expect(c.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/ INFO garbage-svc record 0$/)]);
  expect(c.stderr).toMatch(/truncated: the last frame \(at byte \d+\) is incomplete \(\d+ of \d+ bytes\); the 1 record before it was decoded\n/);

  // Cut inside the only records frame: nothing to show, and the message says why.
  const one = await sdkFile('one.lf', 5, 5);
  const cutOnly = path.join(tmp, 'cut-only.lf');
  const oneBytes = fs.readFileSync(one);
  fs.writeFileSync(cutOnly, oneBytes.subarray(0, oneBytes.length - 3));
  const o = await runCli(['decode', cutOnly]);
  expect(o.code).toBe(2);
  expect(o.stderr).toContain('no records before it (the records of a damaged or cut frame are lost: a frame holds one SDK export)');
});
