/**
 * Fault test: kill -9 of the collector under load, three times.
 *
 * SDK loggers (createLogger, compact stream transport) log records with unique
 * arguments while the collector process (the built CLI, dist/collector/cli.js;
 * run `npm run build` first) is killed with SIGKILL at random moments and
 * restarted on the same ports with the same folder: the embedded ClickHouse
 * (chDB) and the exporter's write-ahead log (queue.storage: wal) are reopened.
 * The SDKs reconnect and resend what was not acknowledged.
 *
 * At the end every record an SDK counts as acknowledged is in ClickHouse exactly
 * once (count == distinct == acknowledged), and every record an SDK did not get
 * acknowledged it counts as dropped (emitted == exported + dropped).
 *
 * Run twice: with the embedded chDB (deduplication tokens) and with a private
 * ClickHouse 18.16 server (InsertId deduplication).
 *
 * Deliberate outage test: about 30-45 s per case (each restart opens chDB again).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger, type RootLogger } from '../../sdk';
import { PrivateClickHouseServer, clickhouseServerInstalled } from '../kit/clickhouse-server';
import { CLI_PATH, startCollectorProcess, type CollectorProcess } from '../kit/collector-process';

jest.setTimeout(150_000);

const SERVICE = 'kill9-svc';
const LOGGERS = 3;
/** Records per logger per tick (every 10 ms): about 1500 records/s in all. */
const PER_TICK = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const haveCli = fs.existsSync(CLI_PATH);
if (!haveCli) {
  // eslint-disable-next-line no-console
  console.warn(`collector-kill9.test.ts SKIPPED: ${CLI_PATH} is missing (run npm run build)`);
}
const testIfCli = haveCli ? test : test.skip;

function collectorConfig(dir: string, endpoint: string) {
  return {
    dir,
    exportersYaml: `  clickhouse:
    endpoint: "${endpoint}"
    batch: { flush_interval: 200ms }
    queue: { storage: wal, directory: "${dir}/queue" }`,
    // The template processor sits between receiver and exporter as in the default pipeline:
    // the delivery mark must cross it.
    processorsYaml: `  template:
    state_directory: "${dir}/templates"`,
    pipelineProcessors: ['template'],
  };
}

/** Runs the load + kill -9 scenario against the ClickHouse endpoint endpointOf(folder) gives. */
async function killScenario(endpointOf: (dir: string) => string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-kill9-'));
  const collectorConfigOf = () => collectorConfig(dir, endpointOf(dir));
  let collector: CollectorProcess | undefined;
  const loggers: RootLogger[] = [];
  let ticker: NodeJS.Timeout | undefined;
  try {
    collector = await startCollectorProcess(collectorConfigOf());
    const ports = { grpc: collector.grpcPort, http: collector.httpPort, admin: collector.adminPort };
    for (let k = 0; k < LOGGERS; k++) {
      loggers.push(
        createLogger({
          service: SERVICE,
          transport: 'logfun',
          endpoint: `127.0.0.1:${ports.grpc}`,
          exitHooks: false,
          captureCallSites: false,
          diagnostics: () => undefined,
          batch: { maxRecords: 256, delayMs: 50 },
          buffer: { maxRecords: 50_000 },
          retry: { initialBackoffMs: 50, maxBackoffMs: 500 },
          exportTimeoutMs: 5000,
          shutdownTimeoutMs: 60_000,
        }),
      );
    }
    let next = 0;
    ticker = setInterval(() => {
      for (const log of loggers) for (let i = 0; i < PER_TICK; i++) log.info`kill9 record ${next++}`;
    }, 10);

    const kills: number[] = [];
    for (let round = 0; round < 3; round++) {
      await sleep(1500 + Math.random() * 2500);
      kills.push(next);
      await collector.kill();
      await sleep(Math.random() * 500);
      collector = await startCollectorProcess({ ...collectorConfigOf(), ports });
    }
    await sleep(2000);
    clearInterval(ticker);
    ticker = undefined;
    await Promise.all(loggers.map((l) => l.shutdown()));

    const stats = loggers.map((l) => l.stats());
    const emitted = stats.reduce((a, s) => a + s.emitted, 0);
    const acked = stats.reduce((a, s) => a + s.exported, 0);
    const dropped = stats.reduce((a, s) => a + s.dropped, 0);
    expect(emitted).toBe(next);
    expect(acked + dropped).toBe(emitted);
    expect(acked).toBeGreaterThan(next / 2);

    // The exporter sends what the log holds; wait until it has (or the deadline says it never will).
    const query = `SELECT count() AS n, uniqExact(TemplateArgs) AS d FROM otel.otel_logs WHERE ServiceName = '${SERVICE}'`;
    let row: { n: number; d: number } = { n: 0, d: 0 };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = (await collector.sql(query))[0];
      row = { n: Number(r.n), d: Number(r.d) };
      if (row.n >= acked || Date.now() > deadline) break;
      await sleep(250);
    }
    // Let a late duplicate show up if there were one.
    await sleep(1000);
    const r = (await collector.sql(query))[0];
    row = { n: Number(r.n), d: Number(r.d) };
    const metrics = await collector.metrics();
    const context = `kills at records ${kills.join(', ')}; sdk ${JSON.stringify({ emitted, acked, dropped })}\n${metrics
      .split('\n')
      .filter((l) => /logfun_(exporter|ingest_batches)/.test(l) && !l.startsWith('#'))
      .join('\n')}`;
    expect({ count: row.n, distinct: row.d, context }).toEqual({ count: acked, distinct: acked, context });
  } finally {
    if (ticker) clearInterval(ticker);
    await Promise.all(loggers.map((l) => l.shutdown().catch(() => undefined)));
    await collector?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

testIfCli('embedded chDB (deduplication tokens): every acknowledged record is stored exactly once across three kill -9', async () => {
  await killScenario((dir) => `chdb://${dir}/data`);
});

// The same against a ClickHouse 18.16 server (InsertId deduplication); a private server so the
// test's tables and load stay apart from the shared one.
const testIfServer = haveCli && clickhouseServerInstalled() ? test : test.skip;
testIfServer('ClickHouse 18.16 server (InsertIds): every acknowledged record is stored exactly once across three kill -9', async () => {
  const server = new PrivateClickHouseServer();
  try {
    await server.start();
    await killScenario(() => server.url);
  } finally {
    await server.destroy();
  }
});
