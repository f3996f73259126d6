/**
 * `logfun demo`: a collector on the default config (plus the httpstats processor)
 * and a small shop logging through the SDK into it (demo-shop.ts: access records,
 * traced() functions, trace ids), so a new user sees records land in ClickHouse
 * within seconds, every console page with data, and knows where to look.
 */
import YAML from 'yaml';
import { Collector } from '../service/collector';
import { DEFAULT_CONFIG_YAML } from '../config/default';
import { createLogger } from '../../sdk';
import { untilSignal } from './signals';
import { untilReaderGoesAway } from './quiet-pipes';
import { consoleSignInUrl, restrictNewFiles } from './announce';
import { DEMO_BURST, startDemoShop } from './demo-shop';

export interface DemoOptions {
  durationSeconds?: number;
  ratePerSecond: number;
  /** The collector config before the demo adds httpstats (default: the default config). Tests pass ephemeral ports and folders. */
  baseYaml?: string;
  /** Called once the collector runs and the shop logs into it (tests read the admin API meanwhile). */
  onStarted?: (collector: Collector) => void;
}

/**
 * The demo's high-traffic alert: over a 30 s window, with the threshold at twice
 * the steady request rate (`ratePerSecond` records/s are half as many requests),
 * so the shop's steady traffic never alarms and each DEMO_BURST (4x) raises an
 * alert that recovers once the burst has left the window.
 */
export function demoAlerts(ratePerSecond: number): { rate_window: string; rate_threshold: number } {
  const steadyRequests = ratePerSecond / 2;
  return { rate_window: '30s', rate_threshold: steadyRequests * Math.sqrt(DEMO_BURST.factor) };
}

/**
 * The banner's lines on the bursts (indented to its column): what happens every few minutes,
 * or, when `durationSeconds` ends the demo before the first burst, that none comes in that time.
 */
export function demoBurstText(ratePerSecond: number, durationSeconds?: number): string {
  const b = DEMO_BURST;
  const bursts =
    `every ${b.everyMs / 60_000} minutes (first after ${b.firstAtMs / 1000} s) a ${b.durationMs / 1000} s burst of ${b.factor}x traffic\n` +
    `              raises a high-traffic alert (above ${demoAlerts(ratePerSecond).rate_threshold} req/s over 30 s) that then recovers`;
  if (durationSeconds === undefined || durationSeconds * 1000 > b.firstAtMs) return bursts;
  return `steady traffic only: the first burst of ${b.factor}x traffic (and its high-traffic alert) comes after ${b.firstAtMs / 1000} s,\n` +
    `              and this demo stops after ${durationSeconds} s (--duration ${Math.ceil(b.firstAtMs / 1000 + b.durationMs / 1000 + 60)} or more to see one raised and recovered)`;
}

/**
 * The demo's collector config: `baseYaml` with the httpstats processor first in
 * the logs pipeline (it only counts, so it sees every request, also those the
 * spam balancer or a rule later drops), its alerts set by demoAlerts unless the
 * base config sets httpstats alerts itself.
 */
export function demoConfigYaml(baseYaml: string = DEFAULT_CONFIG_YAML, ratePerSecond = 50): string {
  const doc = YAML.parse(baseYaml) as { processors?: Record<string, unknown>; service: { pipelines: { logs: { processors?: string[] } } } };
  const own = (doc.processors?.httpstats ?? {}) as Record<string, unknown>;
  doc.processors = { ...(doc.processors ?? {}), httpstats: { ...own, alerts: { ...demoAlerts(ratePerSecond), ...((own.alerts as object) ?? {}) } } };
  const logs = doc.service.pipelines.logs;
  if (!(logs.processors ?? []).includes('httpstats')) logs.processors = ['httpstats', ...(logs.processors ?? [])];
  return YAML.stringify(doc);
}

/**
 * Resolves when the demo should stop: after `durationSeconds`, else on Ctrl-C (SIGINT/SIGTERM);
 * either way also when the reader of its output goes away (`logfun demo | head`), so the
 * demo's loggers are shut down (their records sent) on that path as on Ctrl-C.
 */
function untilStopAsked(durationSeconds: number | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const asked = durationSeconds ? new Promise<void>((r) => (timer = setTimeout(r, durationSeconds * 1000))) : untilSignal();
  return Promise.race([asked, untilReaderGoesAway()]).finally(() => clearTimeout(timer));
}

export async function runDemo(options: DemoOptions): Promise<void> {
  restrictNewFiles();
  const collector = new Collector({ yaml: demoConfigYaml(options.baseYaml, options.ratePerSecond) });
  await collector.start();
  const admin = collector.admin.boundUrl ?? 'http://127.0.0.1:13133';
  const otlp = collector.component<{ grpcPort?: number; httpPort?: number }>('receiver:otlp');
  const endpoint = `localhost:${otlp.grpcPort ?? 4317}`;
  const web = createLogger({ service: 'web', endpoint });
  const checkout = createLogger({ service: 'checkout', endpoint });
  const shop = startDemoShop(web, checkout, options.ratePerSecond);

  console.log(`
logfun demo is running.
  collector   OTLP/gRPC ${endpoint}, OTLP/HTTP localhost:${otlp.httpPort ?? 4318} (any OpenTelemetry SDK can send here)
  storage     embedded ClickHouse (chDB) in ./.logfun/data, write-ahead queue in ./.logfun/queue
  console     ${consoleSignInUrl(collector) ?? admin + '/'}
              (overview, log explorer, control, HTTP statistics, live tail; the link signs you in)
  admin       ${admin}/metrics  /healthz  /readyz
  token       kept in ${collector.adminTokenFile ?? 'the configured console_token'}; logfun sql/tail/control read it
  services    a small shop logging ~${options.ratePerSecond} records/s through the logfun SDK:
              "web" (HTTP access records: the HTTP statistics page) and "checkout"
              (in traced() functions priceCart / chargeCard, with trace ids);
              ${demoBurstText(options.ratePerSecond, options.durationSeconds)}

Look at the data from another terminal:
  npx logfun sql "SELECT Timestamp, ServiceName, SeverityText, Body FROM otel_logs ORDER BY Timestamp DESC LIMIT 10"
  npx logfun sql "SELECT LogAttributes['code.function'] AS fn, count() FROM otel_logs GROUP BY fn"
  npx logfun tail --since 1m
${options.durationSeconds ? `Stopping after ${options.durationSeconds} s.` : 'Ctrl-C stops it.'}
`);
  options.onStarted?.(collector);

  await untilStopAsked(options.durationSeconds);
  await shop.stop();
  await web.shutdown();
  await checkout.shutdown();
  await collector.shutdown();
  console.log(`demo stopped after ${shop.requests} requests (${shop.records} records).`);
}
