/**
 * memory_limiter processor with an injected memory reader (the process's real memory is
 * exercised by test/integration/memory-limiter-grpc.test.ts): soft/hard limits,
 * retryable refusals with the configured delay, metrics, forced GC only when possible,
 * config validation with every problem reported.
 */
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { RetryableError, grpcStatusFor, httpStatusFor, GrpcCode } from '../../collector/pipeline/errors';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { parseConfig } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';
import { MemoryLimiterProcessor } from '../../processors/memory_limiter/processor';
import { memoryLimiterProcessorFactory } from '../../processors/memory_limiter/factory';
import { resolveMemoryLimiterConfig, createDefaultMemoryLimiterConfig, type MemoryLimiterConfig } from '../../processors/memory_limiter/config';
import { RecordingConsumer } from '../kit/recording-consumer';

const MIB = 1024 * 1024;

function batchOf(n: number): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < n; i++) b.add(r, s, { body: `record ${i}` });
  return b.batch;
}

function config(over: Partial<MemoryLimiterConfig>): MemoryLimiterConfig {
  return { ...createDefaultMemoryLimiterConfig(), ...over };
}

function limiter(over: Partial<MemoryLimiterConfig>, memory: { bytes: number }, gc?: () => void) {
  const metrics = new Metrics();
  const logger = createMemoryLogger();
  const next = new RecordingConsumer();
  let now = 0;
  const clock = { advance: (ms: number) => (now += ms) };
  const resolved = resolveMemoryLimiterConfig(config(over));
  const p = new MemoryLimiterProcessor({ id: 'memory_limiter', metrics, logger }, resolved, next, {
    readMemory: () => memory.bytes,
    gc,
    now: () => now,
  });
  return { p, metrics, logger, next, clock };
}

describe('memory_limiter config', () => {
  test('limit_mib with the default spike of 20 %', () => {
    const r = resolveMemoryLimiterConfig(config({ limit_mib: 1000 }));
    expect(r).toMatchObject({ checkIntervalMs: 1000, hardLimitBytes: 1000 * MIB, softLimitBytes: 800 * MIB, retryDelayMs: 1000, minGcIntervalMs: 10_000 });
  });

  test('limit_mib with spike_limit_mib', () => {
    const r = resolveMemoryLimiterConfig(config({ limit_mib: 512, spike_limit_mib: 128, check_interval: '250ms', retry_delay: '3s' }));
    expect(r).toMatchObject({ checkIntervalMs: 250, hardLimitBytes: 512 * MIB, softLimitBytes: 384 * MIB, retryDelayMs: 3000 });
  });

  test('percentages of the memory available', () => {
    const r = resolveMemoryLimiterConfig(config({ limit_percentage: 50, spike_limit_percentage: 10 }), [], () => 8000 * MIB);
    expect(r).toMatchObject({ hardLimitBytes: 4000 * MIB, softLimitBytes: 3200 * MIB });
  });

  test('every problem is reported at once', () => {
    expect(memoryLimiterProcessorFactory.validate!(config({}))).toEqual(['limit_mib or limit_percentage: one must be greater than 0 (e.g. limit_mib: 1024)']);
    const problems = memoryLimiterProcessorFactory.validate!(config({ check_interval: '0s', limit_mib: 100, spike_limit_mib: 100, retry_delay: 'soon' }));
    expect(problems).toEqual([
      'check_interval: must be greater than 0',
      expect.stringContaining('retry_delay: invalid duration'),
      'spike_limit_mib: must be less than limit_mib (100), got 100',
    ]);
    expect(memoryLimiterProcessorFactory.validate!(config({ limit_percentage: 120 }))).toEqual([
      'limit_percentage: must be a percentage in [0, 100], got 120',
      'limit_mib or limit_percentage: one must be greater than 0 (e.g. limit_mib: 1024)',
    ]);
  });

  test('registered and configured from YAML like otelcol', () => {
    const cfg = parseConfig(
      `
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors:
  memory_limiter: { check_interval: 1s, limit_mib: 400, spike_limit_mib: 100 }
exporters: { debug: {} }
service: { pipelines: { logs: { receivers: [otlp], processors: [memory_limiter], exporters: [debug] } } }
`,
      defaultFactories(),
      'test',
    );
    expect(cfg.processors.get('memory_limiter')!.config).toMatchObject({ limit_mib: 400, spike_limit_mib: 100 });
    expect(() =>
      parseConfig(
        `
receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }
processors: { memory_limiter: { check_interval: 1s } }
exporters: { debug: {} }
service: { pipelines: { logs: { receivers: [otlp], processors: [memory_limiter], exporters: [debug] } } }
`,
        defaultFactories(),
        'test',
      ),
    ).toThrow(/limit_mib or limit_percentage/);
  });
});

describe('memory_limiter processor', () => {
  test('passes batches below the soft limit, refuses retryably at or above it, accepts again after memory falls', async () => {
    const memory = { bytes: 100 * MIB };
    const { p, metrics, logger, next } = limiter({ limit_mib: 200, spike_limit_mib: 50, retry_delay: '2s' }, memory);
    await p.start({} as never);
    try {
      await p.consumeLogs(batchOf(3));
      expect(next.recordCount).toBe(3);

      memory.bytes = 150 * MIB; // exactly the soft limit
      p.check();
      expect(p.isRefusing).toBe(true);
      const err = await p.consumeLogs(batchOf(5)).catch((e) => e);
      expect(err).toBeInstanceOf(RetryableError);
      expect(err).toMatchObject({ retryAfterMs: 2000, reason: 'exhausted' });
      expect(err.message).toMatch(/memory use 150 MiB is above the soft limit 150 MiB/);
      // What the receivers answer for it: RESOURCE_EXHAUSTED (with RetryInfo) and HTTP 429 (with Retry-After).
      expect(grpcStatusFor(err)).toBe(GrpcCode.RESOURCE_EXHAUSTED);
      expect(httpStatusFor(err)).toBe(429);
      expect(next.recordCount).toBe(3);
      expect(metrics.value('logfun_processor_refused_records_total', { processor: 'memory_limiter', reason: 'memory' })).toBe(5);
      expect(metrics.value('logfun_memory_limiter_refusing', { processor: 'memory_limiter' })).toBe(1);
      expect(metrics.value('logfun_memory_limiter_memory_bytes', { processor: 'memory_limiter' })).toBe(150 * MIB);
      expect(metrics.value('logfun_memory_limiter_limit_bytes', { processor: 'memory_limiter', limit: 'soft' })).toBe(150 * MIB);
      expect(metrics.value('logfun_memory_limiter_limit_bytes', { processor: 'memory_limiter', limit: 'hard' })).toBe(200 * MIB);

      // Empty batches are not refused (nothing to hold).
      await expect(p.consumeLogs(batchOf(0))).resolves.toBeUndefined();

      memory.bytes = 149 * MIB;
      p.check();
      expect(p.isRefusing).toBe(false);
      await p.consumeLogs(batchOf(5));
      expect(next.recordCount).toBe(8);
      expect(metrics.value('logfun_memory_limiter_refusing', { processor: 'memory_limiter' })).toBe(0);
      expect(logger.messages.map((m) => m.msg)).toEqual([
        'memory_limiter: memory above the soft limit, refusing batches',
        'memory_limiter: memory below the soft limit again, accepting batches',
      ]);
    } finally {
      await p.shutdown();
    }
  });

  test('measures at start and every check_interval', async () => {
    const memory = { bytes: 300 * MIB };
    const { p } = limiter({ limit_mib: 200, check_interval: '20ms' }, memory);
    await p.start({} as never);
    try {
      expect(p.isRefusing).toBe(true); // measured by start(), before the first interval
      memory.bytes = 10 * MIB;
      const deadline = Date.now() + 2000;
      while (p.isRefusing && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(p.isRefusing).toBe(false);
    } finally {
      await p.shutdown();
      await p.shutdown(); // safe twice
    }
  });

  test('above the hard limit it forces a GC (when available), at most every min_gc_interval, and re-measures', async () => {
    const memory = { bytes: 250 * MIB };
    let gcs = 0;
    const gc = () => {
      gcs++;
      memory.bytes = 120 * MIB; // the collection freed enough
    };
    const { p, metrics, clock } = limiter({ limit_mib: 200, spike_limit_mib: 50, min_gc_interval_when_hard_limited: '10s' }, memory, gc);
    clock.advance(60_000);
    p.check();
    expect(gcs).toBe(1);
    expect(p.isRefusing).toBe(false);
    expect(p.memoryInUse).toBe(120 * MIB);

    memory.bytes = 250 * MIB;
    clock.advance(5_000);
    p.check(); // within min_gc_interval: no GC, refuse
    expect(gcs).toBe(1);
    expect(p.isRefusing).toBe(true);
    clock.advance(5_000);
    p.check();
    expect(gcs).toBe(2);
    expect(p.isRefusing).toBe(false);
    expect(metrics.value('logfun_memory_limiter_forced_gc_total')).toBe(2);

    // Between soft and hard: a GC too (as otelcol), at most every min_gc_interval_when_soft_limited.
    memory.bytes = 170 * MIB;
    clock.advance(60_000);
    p.check();
    expect(gcs).toBe(3);
    expect(p.isRefusing).toBe(false);
  });

  test('at the soft limit a refusing limiter still collects, so memory nothing references comes back', () => {
    const memory = { bytes: 170 * MIB };
    let gcs = 0;
    let freed = false; // the second collection returns the memory
    const gc = () => {
      gcs++;
      if (freed) memory.bytes = 100 * MIB;
    };
    const { p, clock } = limiter({ limit_mib: 200, spike_limit_mib: 50, min_gc_interval_when_soft_limited: '10s' }, memory, gc);
    clock.advance(60_000);
    p.check();
    expect([gcs, p.isRefusing]).toEqual([1, true]);
    clock.advance(5_000);
    p.check(); // within the soft interval
    expect(gcs).toBe(1);
    clock.advance(5_000);
    freed = true;
    p.check();
    expect(gcs).toBe(2);
    expect(p.isRefusing).toBe(false);
  });

  test('without --expose-gc a GC is still forced (taken at run time: runtime-gc.ts)', () => {
    const memory = { bytes: 500 * MIB };
    const { p, metrics } = limiter({ limit_mib: 200 }, memory);
    p.check();
    expect(p.isRefusing).toBe(true);
    expect(metrics.value('logfun_memory_limiter_forced_gc_total')).toBe(1);
  });
});
