import { createLogger, ExportError, MemoryTransport, type LoggerStats } from '../../sdk';

function setup(options: Parameters<typeof createLogger>[0] = {}) {
  const memory = new MemoryTransport();
  const diagnostics: string[] = [];
  const log = createLogger({
    service: 'svc',
    transport: memory,
    exitHooks: false,
    diagnostics: (m) => diagnostics.push(m),
    retry: { initialBackoffMs: 5, maxBackoffMs: 20 },
    ...options,
  });
  return { memory, log, diagnostics };
}

function expectBalanced(s: LoggerStats): void {
  expect(s.emitted).toBe(s.exported + s.dropped + s.buffered);
  expect(s.dropped).toBe(s.droppedBufferFull + s.droppedRejected + s.droppedAtShutdown);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bounded buffer', () => {
  it('counts drops exactly when full by record count, and delivers everything that fit', async () => {
    const { memory, log, diagnostics } = setup({ buffer: { maxRecords: 100 }, dropReportIntervalMs: 60_000 });
    memory.pause();
    for (let i = 0; i < 130; i++) log.info`record ${i}`;
    let s = log.stats();
    expect(s).toMatchObject({ emitted: 130, dropped: 30, droppedBufferFull: 30, buffered: 100, exported: 0 });
    expectBalanced(s);
    memory.resume();
    expect(await log.flush()).toBe(true);
    s = log.stats();
    expect(s).toMatchObject({ emitted: 130, exported: 100, dropped: 30, buffered: 0 });
    expect(memory.records.map((r) => r.attributes['log.record.arg.0'])).toEqual([...Array(100).keys()]);
    // Reported, never silent: the first drop reports at once (diagnostics + an in-band WARN record).
    await sleep(20);
    expect(diagnostics.join('\n')).toMatch(/logfun SDK dropped 30 log records \(30 buffer full, 0 rejected by the receiver, 0 at shutdown\)/);
    await log.flush();
    const report = memory.records.find((r) => String(r.body).startsWith('logfun SDK dropped'));
    expect(report?.severityText).toBe('WARN');
    expect(report?.attributes['log.record.arg.0']).toBe(30);
    // The batch after the drops carries the count (for the compact protocol's dropped_since_last).
    expect(memory.batches.some((b) => b.droppedSinceLast === 30)).toBe(true);
    await log.shutdown();
    expectBalanced(log.stats());
  });

  it('is bounded by bytes too', async () => {
    const { memory, log } = setup({ buffer: { maxRecords: 10_000, maxBytes: 10_000 }, dropReportIntervalMs: 60_000 });
    memory.pause();
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 20; i++) log.info`payload ${big}`;
    const s = log.stats();
    expect(s.buffered).toBeLessThan(10);
    expect(s.buffered).toBeGreaterThan(1);
    expect(s.droppedBufferFull).toBe(20 - s.buffered);
    memory.resume();
    await log.shutdown();
    expect(memory.records.filter((r) => String(r.body).startsWith('payload'))).toHaveLength(s.buffered);
    expectBalanced(log.stats());
  });
});

describe('batching', () => {
  it('sends full batches without waiting for the timer, the rest after delayMs', async () => {
    const { memory, log } = setup({ batch: { maxRecords: 10, delayMs: 200 } });
    for (let i = 0; i < 25; i++) log.info`n ${i}`;
    expect(memory.records).toHaveLength(0); // never synchronously inside the call
    await sleep(50);
    expect(memory.records).toHaveLength(20);
    expect(memory.batches.map((b) => b.length)).toEqual([10, 10]);
    await sleep(300);
    expect(memory.records).toHaveLength(25);
    expect(memory.batches.map((b) => b.sequence)).toEqual([1, 2, 3]);
    await log.shutdown();
  });

  it('bounds batches by estimated bytes', async () => {
    const { memory, log } = setup({ batch: { maxRecords: 1000, maxBytes: 2000 } });
    const s = 'y'.repeat(500);
    for (let i = 0; i < 12; i++) log.info`chunk ${s}`;
    await log.flush();
    expect(memory.records).toHaveLength(12);
    expect(Math.max(...memory.batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    await log.shutdown();
  });
});

describe('export failures', () => {
  it('retries retryable failures and delivers every record once the receiver is back', async () => {
    const { memory, log, diagnostics } = setup();
    memory.setFailure(new ExportError('UNAVAILABLE: down', true, 'UNAVAILABLE'));
    for (let i = 0; i < 50; i++) log.info`r ${i}`;
    const flushed = log.flush(100);
    expect(await flushed).toBe(false);
    expect(log.stats().failedExports).toBeGreaterThan(1);
    expect(log.stats().buffered).toBe(50);
    memory.setFailure(undefined);
    expect(await log.flush()).toBe(true);
    expect(memory.records.map((r) => r.attributes['log.record.arg.0'])).toEqual([...Array(50).keys()]);
    expect(log.stats()).toMatchObject({ exported: 50, dropped: 0, buffered: 0 });
    expect(diagnostics.some((d) => /export failed 1 time/.test(d))).toBe(true);
    expect(diagnostics.some((d) => /export recovered/.test(d))).toBe(true);
    await log.shutdown();
  });

  it('drops and counts permanently refused batches and partial-success rejections', async () => {
    const { memory, log, diagnostics } = setup({ dropReportIntervalMs: 60_000 });
    memory.setFailure(new ExportError('INVALID_ARGUMENT: nope', false, 'INVALID_ARGUMENT'));
    for (let i = 0; i < 5; i++) log.info`bad ${i}`;
    await log.flush();
    expect(log.stats()).toMatchObject({ droppedRejected: 5, exported: 0, buffered: 0, failedExports: 1 });
    memory.setFailure(undefined);
    memory.rejectInNextBatch(2);
    for (let i = 0; i < 5; i++) log.info`partly ${i}`;
    await log.flush();
    await sleep(5);
    expect(log.stats()).toMatchObject({ droppedRejected: 7, exported: 3 });
    expect(diagnostics.join('\n')).toMatch(/rejected 5 log records permanently/);
    expect(diagnostics.join('\n')).toMatch(/receiver rejected 2 of 5/);
    await log.shutdown();
    expectBalanced(log.stats());
  });
});

describe('a transport that throws unexpectedly', () => {
  it('retries the batch a few times, then drops and counts it instead of blocking the pipeline', async () => {
    let calls = 0;
    const delivered: number[] = [];
    const flaky = {
      name: 'flaky',
      async export(batch: { length: number }) {
        calls++;
        if (batch.length === 3) throw new TypeError('encoder bug');
        delivered.push(batch.length);
      },
      async shutdown() {},
    };
    const diagnostics: string[] = [];
    const log = createLogger({
      service: 's',
      transport: flaky,
      exitHooks: false,
      retry: { initialBackoffMs: 1, maxBackoffMs: 2 },
      diagnostics: (m) => diagnostics.push(m),
      dropReportIntervalMs: 60_000,
    });
    for (let i = 0; i < 3; i++) log.info`poison ${i}`;
    await log.flush();
    log.info`fine`;
    await log.shutdown();
    // Five attempts at the poison batch, then one batch: `fine` and the in-band drop report.
    expect(calls).toBe(5 + 1);
    expect(delivered).toEqual([2]);
    const s = log.stats();
    expect(s).toMatchObject({ droppedRejected: 3, buffered: 0 });
    expect(s.exported).toBe(delivered.reduce((a, b) => a + b, 0));
    expect(s.exported).toBeGreaterThanOrEqual(1);
    expectBalanced(s);
    expect(diagnostics.join('\n')).toMatch(/rejected 3 log records permanently: encoder bug/);
  });
});

describe('shutdown', () => {
  it('flushes everything buffered, is idempotent, and counts records logged afterwards', async () => {
    const { memory, log } = setup({ batch: { maxRecords: 7, delayMs: 60_000 } });
    for (let i = 0; i < 100; i++) log.info`final ${i}`;
    const first = log.shutdown();
    expect(log.shutdown()).toBe(first);
    await first;
    expect(memory.records).toHaveLength(100);
    expect(memory.isShutdown).toBe(true);
    log.info`too late`;
    expect(log.stats()).toMatchObject({ emitted: 101, exported: 100, droppedAtShutdown: 1, buffered: 0 });
  });

  it('gives up after shutdownTimeoutMs when the receiver stays down, counting what is lost', async () => {
    const { memory, log, diagnostics } = setup({ shutdownTimeoutMs: 150 });
    memory.setFailure(new ExportError('UNAVAILABLE', true));
    for (let i = 0; i < 10; i++) log.info`lost ${i}`;
    const started = Date.now();
    await log.shutdown();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(log.stats()).toMatchObject({ emitted: 10, exported: 0, droppedAtShutdown: 10, buffered: 0 });
    expect(diagnostics.join('\n')).toMatch(/dropped 10 log records \(0 buffer full, 0 rejected by the receiver, 10 at shutdown\)/);
  });
});
