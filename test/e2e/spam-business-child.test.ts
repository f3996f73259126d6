/**
 * End to end, real time, a business case with the SDK in its own process: a
 * service (a child process using the built `logfun` package, test/kit/sdk-scripts.ts)
 * logs auto-increment order confirmations — steadily, then in a 300/s burst — and,
 * for a few seconds, an error loop at ~1000/s, to `logfun collector` (another child
 * process: template -> spam -> control into chDB through the write-ahead log, the
 * fast balancer of test/kit/fast-spam-collector.ts).
 *
 * The business log is never muted (0 false mutes: every order record is stored, no
 * decision names it); the loop is muted in the SDK and released after it stops; and
 * the accounting is exact: spam calls = stored + SDK-muted + collector-dropped, and
 * the summary records and log_suppression's summary rows each count every drop.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { templateIdOf } from '../../sdk';
import { startCollectorProcess, type CollectorProcess } from '../kit/collector-process';
import { FAST_SPAM_PROCESSORS_YAML, until } from '../kit/fast-spam-collector';
import { describeRun, runScript, ScriptFolder } from '../kit/sdk-scripts';

jest.setTimeout(120_000);

const SERVICE = 'shop-child';
const ORDER_TEXT = 'child order {} confirmed';
const SPAM_TEXT = 'child lost connection to {} (attempt {})';

/** The service: orders at 20/s for 14 s (300/s from 3 s to 6 s), the loop at ~1000/s from 6 s to 9 s, then orders until the loop's mute lifts. */
const SCRIPT = `
const { createLogger, defaultTemplateRegistry } = require('logfun');
const log = createLogger({
  service: ${JSON.stringify(SERVICE)}, serviceInstanceId: ${JSON.stringify(`${SERVICE}-1`)}, transport: 'logfun', endpoint: process.argv[2],
  exitHooks: false, batch: { delayMs: 50 }, diagnostics: () => undefined,
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const muted = (text) => { let m = false; defaultTemplateRegistry.forEachTemplate((t) => { if (t.text === text && t.muted) m = true; }); return m; };
(async () => {
  let orders = 0, spam = 0, ordersMutedTicks = 0, spamMutedAt = 0, spamUnmutedAt = 0;
  const t0 = Date.now();
  let owed = 0;
  for (;;) {
    const el = Date.now() - t0;
    if (el > 14000 && (spamUnmutedAt > 0 || el > 40000)) break;
    owed += (el >= 3000 && el < 6000 ? 300 : 20) / 50;
    for (; owed >= 1; owed--) log.info\`child order \${100000 + orders++} confirmed\`;
    if (el >= 6000 && el < 9000) for (let k = 0; k < 20; k++) log.info\`child lost connection to \${'db-1:5432'} (attempt \${spam++ % 3})\`;
    await sleep(20);
    if (muted(${JSON.stringify(ORDER_TEXT)})) ordersMutedTicks++;
    const m = muted(${JSON.stringify(SPAM_TEXT)});
    if (m && !spamMutedAt) spamMutedAt = Date.now() - t0;
    if (!m && spamMutedAt && !spamUnmutedAt) spamUnmutedAt = Date.now() - t0;
  }
  const flushed = await log.flush(10000);
  console.log(JSON.stringify({ orders, spam, ordersMutedTicks, spamMutedAt, spamUnmutedAt, flushed, stats: log.stats() }));
  await log.shutdown();
})();
`;

describe('a service in its own process: business logs kept, its error loop muted, exact accounting', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-spam-child-'));
  let collector: CollectorProcess | undefined;
  let scripts: ScriptFolder | undefined;

  afterAll(async () => {
    await collector?.stop();
    scripts?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('0 false mutes; the loop muted and released; calls = stored + SDK-muted + collector-dropped = summaries', async () => {
    collector = await startCollectorProcess({
      dir,
      processorsYaml: FAST_SPAM_PROCESSORS_YAML,
      pipelineProcessors: ['template', 'spam', 'control'],
      exportersYaml: `  clickhouse: { endpoint: "chdb://${dir}/data", queue: { storage: wal, directory: "${dir}/queue" } }`,
    });
    scripts = ScriptFolder.create('logfun-spam-child-sdk-');
    const run = await runScript(scripts.write('service', 'cjs', SCRIPT), { args: [`127.0.0.1:${collector.grpcPort}`], timeoutMs: 60_000 });
    expect({ code: run.code, out: run.code === 0 ? '' : describeRun(run) }).toEqual({ code: 0, out: '' });
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      orders: number;
      spam: number;
      ordersMutedTicks: number;
      spamMutedAt: number;
      spamUnmutedAt: number;
      flushed: boolean;
      stats: { muted: number; dropped: number };
    };
    expect(r.flushed).toBe(true);
    expect(r.stats.dropped).toBe(0);
    // The loop was muted in the SDK, and the mute lifted after the loop stopped.
    expect(r.spamMutedAt).toBeGreaterThan(6_000);
    expect(r.spamUnmutedAt).toBeGreaterThan(9_000);
    const muted = r.stats.muted;
    expect(muted).toBeGreaterThan(500);

    const orderId = templateIdOf(ORDER_TEXT);
    const spamId = templateIdOf(SPAM_TEXT);
    const sql = (q: string) => collector!.sql(q);
    const count = async (where: string) => Number((await sql(`SELECT count() AS n FROM otel.otel_logs WHERE ServiceName = '${SERVICE}' AND ${where}`))[0].n);
    // 0 false mutes: never muted in the SDK, every order stored, no decision about it.
    expect(r.ordersMutedTicks).toBe(0);
    await until('every order record stored', async () => (await count(`TemplateId = ${orderId}`)) === r.orders, 30_000);
    const suppression = async (templateId: bigint) =>
      (await sql(
        `SELECT Action AS a, SdkDropped AS s, CollectorDropped AS c FROM otel.log_suppression FINAL WHERE ServiceName = '${SERVICE}' AND TemplateId = ${templateId}`,
      )) as { a: string; s: string; c: string }[];
    expect(await suppression(orderId)).toEqual([]);
    // The loop: its drops in log_suppression's summary rows (SDK counts = the SDK's muted counter) ...
    const rows = await until('the loop summarised and released in log_suppression', async () => {
      const x = await suppression(spamId);
      const sdk = x.filter((y) => y.a === 'summary').reduce((n, y) => n + Number(y.s), 0);
      return x.some((y) => y.a === 'unmute') && sdk === muted ? x : undefined;
    }, 30_000);
    const collectorDropped = rows.filter((y) => y.a === 'summary').reduce((n, y) => n + Number(y.c), 0);
    // ... every call stored, muted in the SDK or dropped in the collector ...
    const stored = await until('the loop records stored', async () => {
      const n = await count(`TemplateId = ${spamId}`);
      return n + muted + collectorDropped === r.spam ? n : undefined;
    }, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await count(`TemplateId = ${spamId}`)} stored + ${muted} muted + ${collectorDropped} dropped of ${r.spam}`);
    });
    // ... and the summary records count the same drops.
    const summaries = (await sql(
      `SELECT toUInt64(LogAttributes['logfun.suppressed.sdk_count']) AS s, toUInt64(LogAttributes['logfun.suppressed.collector_count']) AS c FROM otel.otel_logs
       WHERE ServiceName = '${SERVICE}' AND EventName = 'logfun.spam.summary' AND LogAttributes['logfun.suppressed.template_id'] = '${spamId}'`,
    )) as { s: string; c: string }[];
    expect(summaries.reduce((n, y) => n + Number(y.s), 0)).toBe(muted);
    expect(summaries.reduce((n, y) => n + Number(y.c), 0)).toBe(collectorDropped);
    // eslint-disable-next-line no-console
    console.log(
      `spam business (SDK in a child process): ${r.orders} order calls, all stored, never muted; loop: ${r.spam} calls, muted in the SDK at ${r.spamMutedAt} ms ` +
        `(loop from 6000 ms), released at ${r.spamUnmutedAt} ms (loop ended 9000 ms); ${stored} stored + ${muted} SDK-muted + ${collectorDropped} collector-dropped; ` +
        `summaries ${summaries.length} (load average ${os.loadavg()[0].toFixed(1)})`,
    );
  });
});
