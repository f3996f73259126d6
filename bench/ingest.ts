/**
 * bench/ingest: records/s from an OTLP load generator through the collector
 * (a real `logfun collector` child process) into the embedded ClickHouse, and the
 * same for the official OpenTelemetry JS path (@opentelemetry/sdk-logs with
 * BatchLogRecordProcessor and the OTLP gRPC exporter) into the same collector, in one run.
 *
 *   npm run build && node dist/bench/ingest.js [--records 200000]
 *
 * A run counts from the first send until `count()` in ClickHouse reaches the
 * total, so it measures the whole pipeline, not just the receiver.
 */
import * as grpc from '@grpc/grpc-js';
import { OTLP, bigIntToLong, LOGS_SERVICE_EXPORT_PATH } from '../sdk/wire/protos';
import { printTable, startCollectorProcess, waitForCount, type CollectorProcess } from './lib';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const TOTAL = argValue('--records', 200_000);
const PER_REQUEST = 1000;
const CONCURRENCY = 8;

/** One pre-encoded ExportLogsServiceRequest of PER_REQUEST realistic records for `service`. */
function buildRequest(service: string, base: number): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = [];
  for (let i = 0; i < PER_REQUEST; i++) {
    const n = base + i;
    logRecords.push({
      timeUnixNano: bigIntToLong(now + BigInt(i)),
      observedTimeUnixNano: bigIntToLong(now + BigInt(i)),
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `user u${n % 977} paid ${n % 10007} cents for order ${n}` },
      attributes: [
        { key: 'user.id', value: { stringValue: `u${n % 977}` } },
        { key: 'amount', value: { intValue: bigIntToLong(BigInt(n % 10007)) } },
        { key: 'order', value: { intValue: bigIntToLong(BigInt(n)) } },
      ],
      traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
      spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
    });
  }
  const msg = OTLP.ExportLogsServiceRequest.fromObject({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [{ scope: { name: 'bench' }, logRecords }],
      },
    ],
  });
  return Buffer.from(OTLP.ExportLogsServiceRequest.encode(msg).finish());
}

async function runLoadGenerator(c: CollectorProcess): Promise<number> {
  const service = 'bench-loadgen';
  const requests = Array.from({ length: 16 }, (_, i) => buildRequest(service, i * PER_REQUEST));
  const client = new grpc.Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure());
  const send = (buf: Buffer) =>
    new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest(LOGS_SERVICE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, buf, (err) => (err ? reject(err) : resolve())),
    );
  const start = performance.now();
  let next = 0;
  const total = Math.ceil(TOTAL / PER_REQUEST);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        for (let attempt = 0; ; attempt++) {
          try {
            await send(requests[i % requests.length]);
            break;
          } catch (e) {
            if (attempt > 50) throw e;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }
    }),
  );
  const end = await waitForCount(c, `ServiceName = '${service}'`, total * PER_REQUEST);
  client.close();
  return (total * PER_REQUEST) / ((end - start) / 1000);
}

async function runOfficialExporter(c: CollectorProcess): Promise<number> {
  const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const service = 'bench-otel-sdk';
  const exporter = new OTLPLogExporter({ url: `http://127.0.0.1:${c.grpcPort}` });
  const processor = new BatchLogRecordProcessor({ exporter });
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [processor] });
  const logger = provider.getLogger('bench');
  const start = performance.now();
  // The default BatchLogRecordProcessor queue holds 2048 records and drops beyond that,
  // so emit in queue-sized chunks and flush between them: the fastest lossless use.
  for (let n = 0; n < TOTAL; n++) {
    logger.emit({
      severityNumber: 9,
      severityText: 'INFO',
      body: `user u${n % 977} paid ${n % 10007} cents for order ${n}`,
      attributes: { 'user.id': `u${n % 977}`, amount: n % 10007, order: n },
    });
    if (n % 2048 === 2047) await provider.forceFlush();
  }
  await provider.forceFlush();
  const end = await waitForCount(c, `ServiceName = '${service}'`, TOTAL);
  await provider.shutdown();
  return TOTAL / ((end - start) / 1000);
}

async function main(): Promise<void> {
  const collector = await startCollectorProcess();
  try {
    const loadgen = await runLoadGenerator(collector);
    const official = await runOfficialExporter(collector);
    printTable(`ingest: ${TOTAL.toLocaleString('en-US')} records per path, OTLP/gRPC -> logfun collector -> chDB (until counted in ClickHouse)`, ['path', 'records/s', 'vs load generator'], [
      ['OTLP load generator (pre-encoded, 1000/request, 8 in flight)', loadgen, '1.00'],
      ['@opentelemetry/sdk-logs + BatchLogRecordProcessor + OTLP gRPC exporter', official, (official / loadgen).toFixed(2)],
    ]);
  } finally {
    await collector.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
