/**
 * Decompression bombs against the offline decoder (issue 12, finding 7), with a
 * real in-process collector (OTLP/gRPC receiver -> debug exporter, admin
 * endpoint with the console) and the `logfun decode` command function:
 *
 *   - a brotli bomb (one frame: ~400 bytes that expand to 256 MiB),
 *   - a deflate bomb (one frame: ~65 KB that expand to 64 MiB),
 *   - a many-frame bomb (40 valid brotli frames of 7 MiB each, under the
 *     per-frame bound but 280 MiB in all, past the per-upload bound),
 *
 * uploaded to POST /api/v1/console/decode: each is refused with 413 quickly and
 * counted (logfun_console_decode_refused_total{reason}); while it is being
 * handled the event loop is never blocked for more than ~150 ms, the process's
 * memory grows by far less than the bombs' size, and the collector keeps
 * ingesting (OTLP/gRPC exports sent meanwhile are all accepted). A genuine file
 * still decodes. The CLI (runDecode) stops at the same bounds with a message
 * naming the bound and the option that raises it, and exits 2.
 *
 * The bombs are built here by streaming compression (no 256 MiB buffer).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as zlib from 'zlib';
import * as grpc from '@grpc/grpc-js';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { runDecode } from '../../collector/cli/decode';
import { COMPRESSION_BROTLI, COMPRESSION_DEFLATE, MAGIC, frameHeader } from '../../protocol/file-format/frames';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { createLogger } from '../../sdk';

jest.setTimeout(120_000);

const MIB = 1024 * 1024;
const TOKEN = 'decode-bomb-token';
const identity = (b: Buffer): Buffer => b;

/** Compresses `total` bytes made of `chunk` repeated, streaming (the whole input never exists in memory). */
function compressRepeated(kind: 'brotli' | 'deflate', chunk: Buffer, total: number): Promise<Buffer> {
  const z =
    kind === 'brotli'
      ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: total } })
      : zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  return new Promise((resolve, reject) => {
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
    let written = 0;
    const pump = () => {
      while (written < total) {
        const n = Math.min(chunk.length, total - written);
        written += n;
        if (!z.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void z.once('drain', pump);
      }
      z.end();
    };
    pump();
  });
}

function logfunFile(frames: { flags: number; stored: Buffer }[]): Buffer {
  return Buffer.concat([MAGIC, ...frames.flatMap((f) => [frameHeader(f.flags, f.stored.length), f.stored])]);
}

/** varint bytes */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/**
 * A valid frame payload of `size` bytes that decodes to nothing: one ClientMessage
 * holding an unknown length-delimited field (15) of zeros, which decoders skip.
 */
async function validBlankFrame(size: number): Promise<Buffer> {
  const inner = size - 16;
  const fieldHeader = Buffer.concat([varint((15 << 3) | 2), varint(inner)]);
  const messageLength = fieldHeader.length + inner;
  const prefix = Buffer.concat([varint(messageLength), fieldHeader]);
  // prefix + zeros, compressed as one stream: the zeros dominate.
  const z = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: prefix.length + inner } });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
  });
  z.write(prefix);
  const zeros = Buffer.alloc(MIB);
  let left = inner;
  while (left > 0) {
    const n = Math.min(zeros.length, left);
    left -= n;
    if (!z.write(zeros.subarray(0, n))) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  return done;
}

function exportRaw(target: string, n: number, tag: string): Promise<number> {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'alive' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'alive', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), severityNumber: 9, body: `${tag} ${i}` });
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, identity, identity, Buffer.from(encodeExportRequest(b.batch)), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => {
      client.close();
      resolve(err ? err.code : grpc.status.OK);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('decompression bombs: console upload and logfun decode', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-decode-bomb-'));
  let collector: Collector;
  let base: string;
  let target: string;
  let brotliBomb: Buffer;
  let deflateBomb: Buffer;
  let manyFramesBomb: Buffer;
  let genuine: Buffer;

  beforeAll(async () => {
    const zeros = Buffer.alloc(MIB);
    brotliBomb = logfunFile([{ flags: COMPRESSION_BROTLI, stored: await compressRepeated('brotli', zeros, 256 * MIB) }]);
    deflateBomb = logfunFile([{ flags: COMPRESSION_DEFLATE, stored: await compressRepeated('deflate', zeros, 64 * MIB) }]);
    const blank = await validBlankFrame(7 * MIB);
    manyFramesBomb = logfunFile(Array.from({ length: 40 }, () => ({ flags: COMPRESSION_BROTLI, stored: blank })));
    expect(brotliBomb.length).toBeLessThan(2048);
    expect(deflateBomb.length).toBeLessThan(100 * 1024);
    expect(manyFramesBomb.length).toBeLessThan(64 * 1024);

    const file = path.join(dir, 'genuine.logfun');
    const log = createLogger({ service: 'offline', transport: 'file', file: { path: file }, exitHooks: false, batch: { maxRecords: 10, delayMs: 5 } });
    for (let i = 0; i < 30; i++) log.info`genuine record ${i}`;
    await log.shutdown();
    genuine = fs.readFileSync(file);

    collector = new Collector({
      logger: createMemoryLogger(),
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
exporters:
  debug: { verbosity: basic }
service:
  telemetry: { admin: { endpoint: "127.0.0.1:0", console_token: ${TOKEN}, sql_api: false } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`,
    });
    await collector.start();
    base = `http://127.0.0.1:${collector.admin.port}`;
    target = `127.0.0.1:${collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort}`;
  });

  afterAll(async () => {
    await collector?.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: Uint8Array) =>
    fetch(`${base}/api/v1/console/decode`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/octet-stream' }, body });
  const refused = (reason: string) => collector.metrics.value('logfun_console_decode_refused_total', { reason });
  const sent = () => collector.metrics.value('logfun_exporter_sent_records_total', { exporter: 'debug' });

  test('a genuine file still decodes through the console', async () => {
    const res = await post(genuine);
    expect(res.status).toBe(200);
    const events = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { lines?: string[]; done?: boolean; complete?: boolean });
    expect(events.flatMap((e) => e.lines ?? [])).toHaveLength(30);
    expect(events[events.length - 1]).toMatchObject({ done: true, complete: true });
  });

  test.each([
    ['brotli bomb (256 MiB in one frame)', () => brotliBomb, 'frame_bytes', /decompresses to more than 8388608 bytes/],
    ['deflate bomb (64 MiB in one frame)', () => deflateBomb, 'frame_bytes', /decompresses to more than 8388608 bytes/],
    ['40 valid 7 MiB frames (280 MiB in all)', () => manyFramesBomb, 'output_bytes', /the file decompresses to more than 268435456 bytes/],
  ])('%s: refused with 413 quickly, event loop free, memory bounded, ingest goes on', async (_name, bomb, reason, message) => {
    // Warm up: the route and the receiver have served once.
    expect(await exportRaw(target, 1, 'warm')).toBe(grpc.status.OK);
    const before = sent();
    const refusedBefore = refused(reason);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();

    // Ingest meanwhile: one export every 20 ms until the upload is answered.
    let uploading = true;
    const exports: Promise<number>[] = [];
    const ingest = (async () => {
      for (let i = 0; uploading; i++) {
        exports.push(exportRaw(target, 5, `during ${i}`));
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        await sleep(20);
      }
    })();

    const started = Date.now();
    const res = await post(bomb());
    const body = (await res.json()) as { error?: string };
    const elapsed = Date.now() - started;
    uploading = false;
    await ingest;
    const codes = await Promise.all(exports);
    delay.disable();
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

    // The event loop was never blocked for long (the original code blocked for seconds).
    expect(delay.max / 1e6).toBeLessThan(150);
    // Memory: far below the bomb's expansion (at most a frame's bound plus noise).
    expect(rssPeak - rssBefore).toBeLessThan(96 * MIB);
    expect(res.status).toBe(413);
    expect(body.error).toMatch(message);
    expect(elapsed).toBeLessThan(5_000);
    expect(refused(reason)).toBe(refusedBefore + 1);
    // Every export sent meanwhile was accepted.
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === grpc.status.OK)).toBe(true);
    expect(sent() - before).toBe(codes.length * 5);
  });

  test('logfun decode stops at the same bounds with a clear message and exit code 2', async () => {
    const cases: [Buffer, RegExp][] = [
      [brotliBomb, /frame at byte 8 is refused: it decompresses to more than 8388608 bytes \(the per-frame decode bound.*raise the bound with --max-frame-bytes/],
      [deflateBomb, /frame at byte 8 is refused: it decompresses to more than 8388608 bytes .*--max-frame-bytes/],
      [manyFramesBomb, /is refused: the file decompresses to more than 268435456 bytes \(the per-file decode bound\).*--max-output-bytes/],
    ];
    for (const [i, [bytes, expected]] of cases.entries()) {
      const file = path.join(dir, `bomb-${i}.logfun`);
      fs.writeFileSync(file, bytes);
      const out = new PassThrough();
      const err = new PassThrough();
      let stdout = '';
      let stderr = '';
      out.on('data', (b: Buffer) => (stdout += b.toString()));
      err.on('data', (b: Buffer) => (stderr += b.toString()));
      const rssBefore = process.memoryUsage().rss;
      const started = Date.now();
      const code = await runDecode([file], { format: 'text', out, err });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(96 * MIB);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^logfun decode: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(stderr).toMatch(expected);
    }
  });
});
