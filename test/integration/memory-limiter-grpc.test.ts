/**
 * memory_limiter end to end with the process's real memory and real gRPC/HTTP:
 * a collector (otlp receiver -> memory_limiter -> debug exporter) whose limit sits
 * just above what this process uses; a real 512 MiB allocation pushes memory over it,
 * and then
 *   - a raw OTLP/gRPC Export gets RESOURCE_EXHAUSTED with a RetryInfo delay,
 *   - OTLP/HTTP gets 429 with Retry-After,
 *   - our SDK (compact stream) is refused, keeps its records and retries;
 * once the allocation is released (its ArrayBuffer detached, which Node takes out of
 * `external` at once, no GC needed), the limiter accepts again: the raw Export
 * succeeds and every SDK record is delivered exactly once.
 */
import { MessageChannel } from 'worker_threads';
import * as grpc from '@grpc/grpc-js';
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { encodeExportRequest } from '../../collector/otlp/convert';
import { decodeRpcStatus, GRPC_STATUS_DETAILS_KEY } from '../../collector/otlp/status';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { managedMemoryBytes } from '../../collector/telemetry/process-metrics';
import type { MemoryLimiterProcessor } from '../../processors/memory_limiter/processor';
import { runtimeGc } from '../../processors/memory_limiter/runtime-gc';
import { createLogger } from '../../sdk';

const MIB = 1024 * 1024;
const identity = (b: Buffer): Buffer => b;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exportRaw(target: string, records: number): Promise<{ code: number; details: string; retryDelayMs?: number }> {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'raw' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'raw', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < records; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), severityNumber: 9, body: `raw ${i}` });
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, identity, identity, Buffer.from(encodeExportRequest(b.batch)), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => {
      client.close();
      if (!err) return resolve({ code: grpc.status.OK, details: '' });
      const bin = err.metadata?.get(GRPC_STATUS_DETAILS_KEY)[0];
      resolve({ code: err.code, details: err.details, retryDelayMs: bin instanceof Buffer ? decodeRpcStatus(bin)?.retryDelayMs : undefined });
    });
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Takes the buffer's memory out of this isolate's accounting now (transfers it away), without waiting for a GC. */
function release(buffer: Buffer): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(buffer.buffer, [buffer.buffer as ArrayBuffer]);
  port1.close();
  port2.close();
}

describe('memory_limiter with real memory and real gRPC', () => {
  let collector: Collector | undefined;
  afterAll(async () => {
    await collector?.shutdown();
  });

  test('refuses with RESOURCE_EXHAUSTED / 429 + retry delay above the soft limit, accepts again when memory falls', async () => {
    // The baseline is what is live, not the garbage earlier test files left in this process:
    // the limiter's own GCs return that garbage, and the limit must still sit below live + ballast.
    runtimeGc()?.();
    const baselineMib = Math.ceil(managedMemoryBytes() / MIB);
    const logger = createMemoryLogger();
    collector = new Collector({
      logger,
      yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:0 }
      http: { endpoint: 127.0.0.1:0 }
processors:
  memory_limiter: { check_interval: 50ms, limit_mib: ${baselineMib + 200}, spike_limit_mib: 100, retry_delay: 1500ms }
exporters:
  debug: { verbosity: basic }
service:
  telemetry: { admin: { endpoint: "" } }
  pipelines:
    logs: { receivers: [otlp], processors: [memory_limiter], exporters: [debug] }
`,
    });
    await collector.start();
    const rx = collector.component<{ grpcPort: number; httpPort: number }>('receiver:otlp');
    const target = `127.0.0.1:${rx.grpcPort}`;
    const limiter = collector.component<MemoryLimiterProcessor>('processor:memory_limiter@logs');
    const sent = () => collector!.metrics.value('logfun_exporter_sent_records_total', { exporter: 'debug' });

    expect(limiter.isRefusing).toBe(false);
    expect(await exportRaw(target, 3)).toEqual({ code: grpc.status.OK, details: '' });
    expect(sent()).toBe(3);

    // A real allocation of external memory, well over the hard limit (baseline + 200 MiB) even if a GC frees garbage meanwhile.
    const ballast = Buffer.alloc(512 * MIB, 1);
    await waitFor('the limiter to refuse', () => limiter.isRefusing);
    // The ballast is counted (the limiter's own GCs may return the baseline's garbage meanwhile).
    expect(limiter.memoryInUse).toBeGreaterThan(512 * MIB);

    const refused = await exportRaw(target, 4);
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/memory_limiter: memory use .* MiB is above the soft limit/);
    expect(refused.retryDelayMs).toBe(1500);

    const http = await fetch(`http://127.0.0.1:${rx.httpPort}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords: [{ body: { stringValue: 'over http' } }] }] }] }),
    });
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBe('2'); // 1500 ms rounded up to whole seconds

    // Our SDK over the compact stream: refused, keeps the records, retries.
    const sdkDiagnostics: string[] = [];
    const log = createLogger({ service: 'limited', endpoint: target, transport: 'logfun', exitHooks: false, batch: { delayMs: 20 }, diagnostics: (m) => sdkDiagnostics.push(m) });
    for (let i = 0; i < 50; i++) log.info`sdk record ${i}`;
    await waitFor('the SDK to be refused', () => log.stats().failedExports > 0);
    expect(log.stats()).toMatchObject({ exported: 0, dropped: 0 });
    expect(sdkDiagnostics.join('\n')).toMatch(/RESOURCE_EXHAUSTED: memory_limiter: memory use/);
    expect(sent()).toBe(3);

    release(ballast);
    await waitFor('the limiter to accept again', () => !limiter.isRefusing);
    expect(await exportRaw(target, 5)).toEqual({ code: grpc.status.OK, details: '' });
    await log.flush(15_000);
    expect(log.stats()).toMatchObject({ emitted: 50, exported: 50, dropped: 0 });
    await log.shutdown();
    expect(sent()).toBe(3 + 5 + 50);

    const m = collector.metrics;
    expect(m.value('logfun_processor_refused_records_total', { processor: 'memory_limiter', reason: 'memory' })).toBeGreaterThanOrEqual(4 + 1 + 50);
    expect(m.value('logfun_receiver_refused_records_total', { receiver: 'otlp', reason: 'exhausted' })).toBeGreaterThanOrEqual(4 + 1 + 50);
    expect(logger.messages.map((x) => x.msg)).toEqual(
      expect.arrayContaining(['memory_limiter: memory above the soft limit, refusing batches', 'memory_limiter: memory below the soft limit again, accepting batches']),
    );
  }, 60_000);
});
