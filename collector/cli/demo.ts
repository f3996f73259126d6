/**
 * `logfun demo`: a collector on the default config plus a small "checkout"
 * service logging through the SDK into it, so a new user sees records land in
 * ClickHouse within seconds and knows where to look.
 */
import { Collector } from '../service/collector';
import { createLogger } from '../../sdk';
import { untilSignal } from './signals';
import { consoleSignInUrl, restrictNewFiles } from './announce';

export interface DemoOptions {
  durationSeconds?: number;
  ratePerSecond: number;
}

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

export async function runDemo(options: DemoOptions): Promise<void> {
  restrictNewFiles();
  const collector = new Collector();
  await collector.start();
  const admin = collector.admin.boundUrl ?? 'http://127.0.0.1:13133';
  const log = createLogger({ service: 'checkout', endpoint: 'localhost:4317' });

  let n = 0;
  const interval = setInterval(() => {
    const burst = Math.max(1, Math.round(options.ratePerSecond / 10));
    for (let i = 0; i < burst; i++, n++) {
      const user = USERS[n % USERS.length];
      const cents = (n * 7919) % 10000;
      if (n % 50 === 49) log.error`payment for ${user} declined: card ${'visa'} expired`;
      else if (n % 10 === 9) log.warn`cart ${n} of ${user} took ${cents / 10} ms to price`;
      else log.info`user ${user} paid ${cents} cents for order ${n}`;
    }
  }, 100);

  console.log(`
logfun demo is running.
  collector   OTLP/gRPC localhost:4317, OTLP/HTTP localhost:4318 (any OpenTelemetry SDK can send here)
  storage     embedded ClickHouse (chDB) in ./.logfun/data, write-ahead queue in ./.logfun/queue
  console     ${consoleSignInUrl(collector) ?? admin + '/'}
              (overview, log explorer, control, HTTP statistics, live tail; the link signs you in)
  admin       ${admin}/metrics  /healthz  /readyz
  token       kept in ${collector.adminTokenFile ?? 'the configured console_token'}; logfun sql/tail/control read it
  service     "checkout" logs ~${options.ratePerSecond} records/s through the logfun SDK

Look at the data from another terminal:
  npx logfun sql "SELECT Timestamp, SeverityText, Body FROM otel.otel_logs ORDER BY Timestamp DESC LIMIT 10"
  npx logfun sql "SELECT SeverityText, count() FROM otel.otel_logs GROUP BY SeverityText"
  npx logfun tail --since 1m
${options.durationSeconds ? `Stopping after ${options.durationSeconds} s.` : 'Ctrl-C stops it.'}
`);

  if (options.durationSeconds) await new Promise((r) => setTimeout(r, options.durationSeconds! * 1000));
  else await untilSignal();
  clearInterval(interval);
  await log.shutdown();
  await collector.shutdown();
  console.log(`demo stopped after ${n} records.`);
}
