/**
 * bench/otlp-codec: OTLP ExportLogsServiceRequest decode/encode speed, protobufjs
 * (loader from proto/, runtime-generated code, as used by protocol/protos.ts) vs the
 * hand-written codec on the collector's data path (collector/otlp/wire-*.ts), both
 * producing/consuming the columnar LogBatch. Why the data path does not use protobufjs.
 *
 *   npm run build && node dist/bench/otlp-codec.js
 */
import { decodeExportRequest } from '../collector/otlp/wire-decode';
import { encodeExportRequest } from '../collector/otlp/wire-encode';
import { referenceDecodeExportRequest, referenceEncodeExportRequest } from '../collector/otlp/reference';
import { LogBatchBuilder, type LogBatch } from '../collector/pipeline/batch';
import { printTable } from './lib';

function realisticBatch(records: number): LogBatch {
  const b = new LogBatchBuilder();
  const r = b.addResource({
    attributes: [
      { key: 'service.name', value: 'checkout' },
      { key: 'service.instance.id', value: '2f1c7d0e-6a39-4c1b-9d7e-0c4d3b6b1a11' },
      { key: 'host.name', value: 'node-17' },
    ],
    droppedAttributesCount: 0,
    schemaUrl: '',
  });
  const s = b.addScope({ name: 'logfun', version: '0.1.0', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  const t0 = 1_700_000_000_000_000_000n;
  for (let i = 0; i < records; i++) {
    b.add(r, s, {
      timeUnixNano: t0 + BigInt(i) * 1000n,
      observedTimeUnixNano: t0 + BigInt(i) * 1000n + 17n,
      severityNumber: 9,
      severityText: 'INFO',
      body: `user u${i % 977} paid ${i % 10007} cents for order ${i}`,
      attributes: [
        { key: 'log.record.template', value: 'user {} paid {} cents for order {}' },
        { key: 'log.record.arg.0', value: `u${i % 977}` },
        { key: 'log.record.arg.1', value: BigInt(i % 10007) },
        { key: 'log.record.arg.2', value: BigInt(i) },
      ],
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      flags: 1,
    });
  }
  return b.batch;
}

function measure(fn: () => void, minMs = 1500): number {
  for (let i = 0; i < 5; i++) fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    runs++;
  }
  return runs / ((performance.now() - start) / 1000);
}

function main(): void {
  const RECORDS = 1000;
  const batch = realisticBatch(RECORDS);
  const wire = encodeExportRequest(batch);
  const ours = {
    decode: measure(() => decodeExportRequest(wire)) * RECORDS,
    encode: measure(() => encodeExportRequest(batch)) * RECORDS,
  };
  const pbjs = {
    decode: measure(() => referenceDecodeExportRequest(wire)) * RECORDS,
    encode: measure(() => referenceEncodeExportRequest(batch)) * RECORDS,
  };
  printTable(`OTLP logs codec, ${RECORDS}-record requests (${(wire.length / RECORDS).toFixed(0)} bytes/record), records/s`, ['codec', 'decode', 'encode', 'decode vs protobufjs', 'encode vs protobufjs'], [
    ['protobufjs (loader, runtime codegen) + LogBatch conversion', pbjs.decode, pbjs.encode, '1.00', '1.00'],
    ['hand-written wire codec (collector/otlp/wire-*)', ours.decode, ours.encode, (ours.decode / pbjs.decode).toFixed(2), (ours.encode / pbjs.encode).toFixed(2)],
  ]);
}

main();
