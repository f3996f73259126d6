/**
 * The live tail's ring keeps an accepted batch as RingRecords (collector/tail/ring-records.ts),
 * which must give the tail exactly the records the batch itself would have
 * (tailRecordsOf): every kind of body, template arguments, services, severities,
 * ids and attributes.
 */
import { KeyValueList, LogBatchBuilder, sharedAttributeList, type LogBatch } from '../../collector/pipeline/batch';
import { tailRecordsOf } from '../../collector/tail/record';
import { RingRecords } from '../../collector/tail/ring-records';
import { LiveTailHub } from '../../collector/tail/hub';
import { Metrics } from '../../collector/telemetry/metrics';

const site = sharedAttributeList([
  { key: 'code.filepath', value: '/srv/app.js' },
  { key: 'code.lineno', value: 42n },
]);

function mixedBatch(): LogBatch {
  const b = new LogBatchBuilder();
  const r0 = b.addResource({ attributes: [{ key: 'service.name', value: 'checkout' }], droppedAttributesCount: 0, schemaUrl: '' });
  const r1 = b.addResource({ attributes: [{ key: 'host', value: 'h1' }], droppedAttributesCount: 0, schemaUrl: '' });
  const r2 = b.addResource({ attributes: [{ key: 'service.name', value: 7n }], droppedAttributesCount: 0, schemaUrl: '' });
  const s = b.addScope({ name: 'scope', version: '1', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const parts = ['user ', ' paid ', ' cents'];
  const t0 = 1_700_000_000_000_000_000n;
  b.add(r0, s, { timeUnixNano: t0, severityNumber: 9, severityText: 'INFO', bodyParts: parts, templateId: 0x8000_0000_0000_0001n, templateArgs: ['u1', '250'], attributes: site });
  b.add(r0, s, { timeUnixNano: t0 + 1n, severityNumber: 9, severityText: 'INFO', bodyParts: parts, templateId: -5n, templateArgs: ['', 'é€😀'], attributes: site });
  b.add(r1, s, { timeUnixNano: 0n, observedTimeUnixNano: t0 + 2n, severityNumber: 300, severityText: 'WEIRD', body: 'plain text' });
  b.add(r2, s, { timeUnixNano: t0 + 3n, severityNumber: -1, body: new KeyValueList([{ key: 'a', value: 1.5 }]), attributes: [{ key: 'k', value: 'v1' }, { key: 'k', value: 'v2' }, { key: 'b', value: true }] });
  b.add(r0, s, { timeUnixNano: t0 + 4n, severityNumber: 9.7, body: Buffer.from([1, 2, 3]), traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), flags: 1 });
  b.add(r0, s, { timeUnixNano: t0 + 5n, body: undefined, templateId: 12n, templateArgs: ['x'] });
  // integer arguments as the compact decoder keeps them, a non-integer number, a lone surrogate, a long argument
  b.add(r0, s, { timeUnixNano: t0 + 6n, severityNumber: 9, bodyParts: ['a ', ' b ', ' c ', ' d ', ''], templateId: 13n, templateArgs: [0, -Number.MAX_SAFE_INTEGER, 'lone \ud800', 2.5], attributes: site });
  b.add(r0, s, { timeUnixNano: t0 + 7n, severityNumber: 9, bodyParts: ['', ' ', ''], templateId: 14n, templateArgs: ['ж'.repeat(70_000), 2 ** 31], attributes: site });
  b.add(r1, s, { timeUnixNano: (1n << 64n) - 1n, body: ['a', 2n] });
  return b.batch;
}

test('RingRecords gives the records tailRecordsOf gives for the same batch', () => {
  const kept = RingRecords.of(mixedBatch());
  expect(kept).toBeDefined();
  expect(kept!.records()).toEqual(tailRecordsOf(mixedBatch()));
});

test('... and for a batch whose records share their severity, ids, attributes and body parts (kept once)', () => {
  const uniform = (): LogBatch => {
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (let i = 0; i < 50; i++) {
      b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i), severityNumber: 9, severityText: 'INFO', bodyParts: ['n=', ''], templateId: 3n, templateArgs: [String(i)], attributes: site });
    }
    return b.batch;
  };
  expect(RingRecords.of(uniform()).records()).toEqual(tailRecordsOf(uniform()));
});

test('a tail starting after the batches were accepted gets their records from the ring, unchanged', async () => {
  const hub = new LiveTailHub({ metrics: new Metrics() });
  const exporter = hub.tap({ consumeLogs: async () => undefined });
  await exporter.consumeLogs(mixedBatch());
  await exporter.consumeLogs(mixedBatch());
  const records: unknown[] = [];
  hub.subscribe({ offer: (e) => records.push(...e.recordsOf()), settled: () => undefined }, 0n);
  expect(records).toEqual([...tailRecordsOf(mixedBatch()), ...tailRecordsOf(mixedBatch())]);
});

test('... and for plain records with their own bodies and attribute lists (kept as text, not as their objects)', () => {
  const plain = (wide: boolean): LogBatch => {
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'api' }], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const shared = [{ key: 'route', value: '/a' }];
    const ints = [0n, -42n, 9_007_199_254_740_991n, -9_007_199_254_740_991n, 9_007_199_254_740_993n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (let i = 0; i < ints.length; i++) {
      b.add(r, s, {
        timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
        body: `user u${i} paid ${i * 7} cents café${wide && i === 3 ? ' €😀 \ud800' : ''}`,
        attributes: i % 3 === 2 ? shared : [{ key: 'amount', value: ints[i] }, { key: 'ratio', value: i === 4 ? NaN : i / 3 }, { key: 'ok', value: i % 2 === 0 }, { key: 'ké', value: `v${i}` }],
      });
    }
    b.add(r, s, { timeUnixNano: 1_700_000_000_000_000_100n, body: '', attributes: shared });
    return b.batch;
  };
  for (const wide of [false, true]) expect(RingRecords.of(plain(wide)).records()).toEqual(tailRecordsOf(plain(wide)));
});
