/**
 * The overview's records/s through the real path (issue 13, item 5): an SDK
 * logging a steady 50 records/s, batched every ~1.1 s, into a collector whose
 * console samples its counters every second. No point of the chart may read 0
 * while the stream runs (a 1 s rate between samples did, every ~11 s: a
 * "false outage").
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { createLogger } from '../../sdk';

jest.setTimeout(60_000);

const TOKEN = 'overview-rate-token-7a1e';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-overview-rate-'));
let collector: Collector;

afterAll(async () => {
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('a steady 50/s in ~1.1 s batches never shows a 0 point', async () => {
  collector = new Collector({
    yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: overview_rate
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`,
    logger: createMemoryLogger(),
  });
  await collector.start();
  const base = `http://127.0.0.1:${collector.admin.port}`;
  const grpcPort = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
  const log = createLogger({ service: 'steady', endpoint: `127.0.0.1:${grpcPort}`, exitHooks: false, batch: { delayMs: 1100, maxRecords: 10_000 } });
  const startedAt = Date.now();
  let n = 0;
  // 50 records/s: one every 20 ms, paced by the clock (not by timer drift).
  const timer = setInterval(() => {
    const due = Math.floor((Date.now() - startedAt) / 20);
    while (n < due) log.info`steady ${n++}`;
  }, 20);
  await new Promise((r) => setTimeout(r, 16_000));
  clearInterval(timer);
  const res = await fetch(`${base}/api/v1/console/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const o = (await res.json()) as { samples: { t: number; receivedPerSec: number }[] };
  await log.shutdown();
  // From the first point that saw records to the end of the stream.
  const first = o.samples.findIndex((s) => s.receivedPerSec > 0);
  expect(first).toBeGreaterThanOrEqual(0);
  const during = o.samples.slice(first).filter((s) => s.t <= startedAt + 16_000);
  console.log(`overview records/s while streaming 50/s: ${during.map((s) => s.receivedPerSec.toFixed(1)).join(' ')}`);
  expect(during.length).toBeGreaterThanOrEqual(12);
  expect(during.filter((s) => s.receivedPerSec === 0)).toEqual([]);
});
