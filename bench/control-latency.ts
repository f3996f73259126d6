/**
 * Control latency: how long from `PUT /api/v1/rules` on the admin API until the
 * SDKs obey the rule (a template muted / unmuted at the call site), with 1 and 10
 * SDK streams of one service connected to an in-process collector (otlp gRPC with
 * the compact Ingest service, the control plane on an embedded chDB store in a temp
 * folder, the default processors template -> spam -> control).
 *
 *   npm run build && node dist/bench/control-latency.js [--toggles 50] [--streams 1,10]
 *
 * Every toggle flips one template rule OFF / ON; "obeys" = the template is muted /
 * unmuted in the process-wide registry, which happens when the last of the N
 * streams applied the update (a template is muted only while every transport
 * holding rules on it mutes it, sdk/wire/compact-control.ts). Printed per stream
 * count: PUT -> all SDKs obey; the PUT's own round trip (the rule stored in chDB, the
 * answer back); after the PUT answered (push + apply, latency - PUT); and the push
 * alone as each stream saw it (the control update's arrival on every stream,
 * measured from the moment the PUT answered; negative = it overtook the answer).
 * The first 4 toggles per stream count warm up and are not counted. The machine's
 * load average is printed with the table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Collector } from '../collector/service/collector';
import type { OtlpReceiver } from '../collector/receivers/otlp/receiver';
import { createMemoryLogger } from '../collector/telemetry/diag';
import { percentile, putRule, untilObeyed } from '../collector/control/latency-probe';
import { createLogger, defaultTemplateRegistry, templateIdOf, type RootLogger, type Template } from '../sdk';
import type { LogfunStreamTransport } from '../sdk/transports/logfun-stream';
import { printTable } from './lib';

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const TOGGLES = Math.max(2, Number(argValue('toggles', '50')) | 0);
const STREAMS = argValue('streams', '1,10')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const WARMUP = 4;
const SERVICE = 'control-latency';
const TEXT = 'control latency probe {}';

function yamlFor(folder: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  template: { state_directory: "" }
  spam: {}
  control: {}
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: control_latency
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", sql_api: false }
  pipelines:
    logs: { receivers: [otlp], processors: [template, spam, control], exporters: [clickhouse] }
`;
}

function probeTemplate(): Template {
  let found: Template | undefined;
  defaultTemplateRegistry.forEachTemplate((t) => {
    if (t.text === TEXT) found = t;
  });
  if (!found) throw new Error(`no template "${TEXT}"`);
  return found;
}

interface Series {
  latency: number[];
  put: number[];
  afterPut: number[];
  /** Each stream's control update arrival after the PUT answered (ms; negative = before). */
  arrival: number[];
}

async function measure(admin: string, grpc: string, streams: number, token: string): Promise<Series> {
  const authHeaders = { authorization: `Bearer ${token}` };
  const loggers: RootLogger[] = [];
  try {
    for (let i = 0; i < streams; i++) {
      loggers.push(createLogger({ service: SERVICE, transport: 'logfun', endpoint: grpc, exitHooks: false, batch: { delayMs: 50 }, diagnostics: () => undefined }));
    }
    const transports = loggers.map((l) => l.transport as LogfunStreamTransport);
    const probe = (log: RootLogger, i: number) => log.info`control latency probe ${i}`;
    for (const l of loggers) probe(l, 0);
    await untilObeyed(() => transports.every((t) => t.controlUpdates > 0), transports, 10_000);
    const template = probeTemplate();
    const id = templateIdOf(TEXT);
    const series: Series = { latency: [], put: [], afterPut: [], arrival: [] };
    for (let i = -WARMUP; i < TOGGLES; i++) {
      const off = (i + WARMUP) % 2 === 0;
      if (template.muted === off) throw new Error('probe template already in the target state');
      const arrivals: number[] = [];
      const offs = transports.map((t) => t.onControl(() => arrivals.push(performance.now())));
      const started = performance.now();
      const applied = untilObeyed(() => template.muted === off, transports, 10_000);
      await putRule(admin, { target: { service: SERVICE, templateId: id.toString() }, state: off ? 'off' : 'on', reason: `bench toggle ${i}` }, token);
      const answered = performance.now();
      const obeyed = await applied;
      for (const off of offs) off();
      if (i < 0) continue;
      series.latency.push(obeyed - started);
      series.put.push(answered - started);
      series.afterPut.push(Math.max(0, obeyed - answered));
      for (const a of arrivals) series.arrival.push(a - answered);
    }
    // Leave no rule behind for the next stream count.
    await fetch(`${admin}/api/v1/rules?service=${SERVICE}&template=${id}`, { method: 'DELETE', headers: authHeaders }).then((r) => r.arrayBuffer());
    return series;
  } finally {
    for (const l of loggers) await l.shutdown();
  }
}

async function main(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-control-latency-'));
  const collector = new Collector({ yaml: yamlFor(folder), logger: createMemoryLogger() });
  await collector.start();
  try {
    const admin = `http://127.0.0.1:${collector.admin.port}`;
    const grpc = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
    const rows: (string | number)[][] = [];
    const loadBefore = fs.readFileSync('/proc/loadavg', 'utf8').trim();
    for (const n of STREAMS) {
      const s = await measure(admin, grpc, n, collector.adminToken);
      const row = (what: string, xs: number[]) => [what, n, xs.length, percentile(xs, 0.5), percentile(xs, 0.95), percentile(xs, 0.99), Math.max(...xs)];
      rows.push(row('PUT -> all SDKs obey', s.latency));
      rows.push(row('  PUT round trip', s.put));
      rows.push(row('  after the PUT answered', s.afterPut));
      rows.push(row('  push: update on a stream', s.arrival));
    }
    printTable(`control latency: PUT /api/v1/rules -> SDK template muted/unmuted, ${TOGGLES} toggles per stream count (ms)`, ['measure', 'streams', 'samples', 'p50', 'p95', 'p99', 'max'], rows);
    console.log(`\nload average before: ${loadBefore}; after: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()} (${os.cpus().length} CPUs)`);
  } finally {
    await collector.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
