/**
 * The live tail's recent ring (collector/tail/hub.ts) keeps at most its bound of
 * accepted records: a batch that left the ring must be collectable. The ring array
 * is compacted only now and then, so an evicted slot that still pointed at its entry
 * kept the whole batch alive (under a burst the collector ran out of heap).
 */
import { LiveTailHub } from '../../collector/tail/hub';
import { LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { Metrics } from '../../collector/telemetry/metrics';
import { runtimeGc } from '../../processors/memory_limiter/runtime-gc';
import { smallAttributeBatch } from '../kit/small-attribute-batch';

function batchOf(records: number, k: number): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  for (let i = 0; i < records; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(k * records + i), body: `record ${k}/${i}` });
  return b.batch;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('batches evicted from the ring are not kept alive by it', async () => {
  const gc = runtimeGc();
  expect(gc).toBeDefined();
  const hub = new LiveTailHub({ metrics: new Metrics(), ringRecords: 100 });
  const exporter = hub.tap({ consumeLogs: async () => undefined });
  const refs: WeakRef<LogBatch>[] = [];
  for (let k = 0; k < 60; k++) {
    const batch = batchOf(50, k);
    refs.push(new WeakRef(batch));
    await exporter.consumeLogs(batch);
  }
  // WeakRefs are cleared by a collection after the job that last read them.
  for (let i = 0; i < 3; i++) {
    await tick();
    gc!();
  }
  await tick();
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  // The ring keeps the newest 100 records: the last two or three batches of 50.
  expect(alive).toBeLessThanOrEqual(3);
  // ...and a tail starting now still gets them.
  const offered: number[] = [];
  hub.subscribe({ offer: (e) => offered.push(e.count), settled: () => undefined }, 0n);
  expect(offered.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100);
});

test('the ring is bounded by bytes too: records with big bodies are not kept by the 50,000', async () => {
  const hub = new LiveTailHub({ metrics: new Metrics() }); // the default bounds: 50,000 records, 64 MiB
  const exporter = hub.tap({ consumeLogs: async () => undefined });
  const body = 'x'.repeat(400_000);
  const bodyBatch = (k: number): LogBatch => {
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    // with the size a receiver gives what it decoded (LogBatch.byteSize)
    for (let i = 0; i < 10; i++) b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(k * 10 + i), body: body + k }, body.length + 16);
    return b.batch;
  };
  for (let k = 0; k < 40; k++) await exporter.consumeLogs(bodyBatch(k)); // 400 records, 160 MB of bodies
  let offeredRecords = 0;
  let offeredBodyBytes = 0;
  hub.subscribe(
    {
      offer: (e) => {
        for (const r of e.recordsOf()) {
          offeredRecords++;
          offeredBodyBytes += r.body.length;
        }
      },
      settled: () => undefined,
    },
    0n,
  );
  // the newest records, within 64 MiB (a batch's worth over at most), not all 400
  expect(offeredRecords).toBeGreaterThanOrEqual(10);
  expect(offeredRecords).toBeLessThan(400);
  expect(offeredBodyBytes).toBeLessThanOrEqual(64 * 1024 * 1024 + 10 * body.length);
});

test('the byte bound counts what kept records reference: many small attributes, small on the wire, keep their heap size', async () => {
  // 1000 attributes of a few characters a record: about 15 KB on the wire (the receiver's
  // byteSize) but 91 KB of objects and strings kept. Counted by the wire size alone, the
  // 64 MiB ring kept 413 MB of them.
  const gc = runtimeGc()!;
  const hub = new LiveTailHub({ metrics: new Metrics(), ringBytes: 16 * 1024 * 1024 });
  const exporter = hub.tap({ consumeLogs: async () => undefined });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let k = 0; k < 200; k++) await exporter.consumeLogs(smallAttributeBatch(k)); // 2000 records, 30 MB on the wire
  await tick();
  gc();
  const kept = process.memoryUsage().heapUsed - before;
  expect(kept).toBeLessThan(24 * 1024 * 1024);
  // The newest records are still offered to a tail starting now.
  let offered = 0;
  hub.subscribe({ offer: (e) => (offered += e.count), settled: () => undefined }, 0n);
  expect(offered).toBeGreaterThanOrEqual(100);
});
