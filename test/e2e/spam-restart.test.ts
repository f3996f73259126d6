/**
 * End to end, real time: `logfun collector` as a child process (template -> spam ->
 * control into chDB, the control plane on the same store; the fast balancer of
 * test/kit/fast-spam-collector.ts) is restarted — SIGTERM, or kill -9 — in place
 * while its balancer holds an AUTO mute of an SDK's spam, and a real SDK (createLogger,
 * compact stream over real gRPC, in this process) keeps spamming through the restart.
 * The restarted collector must know the mute it made (it adopts its AUTO rule from
 * the store): the SDK stays muted while the spam goes on, the drops keep being
 * summarised, and the mute is released when the spam stops (not left to the rule's
 * time to live). The exporter queues in a write-ahead log (what it acknowledged
 * survives kill -9), and across either restart the accounting is exact: every spam
 * call is stored, muted in the SDK or dropped in the collector, and the summary
 * records (otel_logs) and the summary rows of log_suppression each count every drop
 * (after kill -9, what the killed process had counted but not summarised is
 * summarised by the restarted one from the write-ahead log's drop ledger).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger, defaultTemplateRegistry, templateIdOf, type Template } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import { startCollectorProcess, type CollectorProcess } from '../kit/collector-process';
import { FAST_SPAM_PROCESSORS_YAML, sleep, until } from '../kit/fast-spam-collector';

jest.setTimeout(120_000);

function templateOf(text: string): Template | undefined {
  let found: Template | undefined;
  defaultTemplateRegistry.forEachTemplate((t) => {
    if (t.text === text) found = t;
  });
  return found;
}

interface SuppressionTotals {
  actions: string[];
  reasons: string[];
  sdk: number;
  collector: number;
}

async function suppressionOf(c: CollectorProcess, service: string, templateId: bigint): Promise<SuppressionTotals> {
  const rows = (await c.sql(
    `SELECT Action AS a, Reason AS r, SdkDropped AS s, CollectorDropped AS c FROM otel.log_suppression FINAL
     WHERE ServiceName = '${service}' AND TemplateId = ${templateId} ORDER BY Time, Action`,
  )) as { a: string; r: string; s: string; c: string }[];
  const summaries = rows.filter((x) => x.a === 'summary');
  return {
    actions: rows.map((x) => x.a),
    reasons: rows.map((x) => x.r),
    sdk: summaries.reduce((n, x) => n + Number(x.s), 0),
    collector: summaries.reduce((n, x) => n + Number(x.c), 0),
  };
}

describe.each(['graceful', 'kill'] as const)('a collector restarted (%s) while it mutes an SDK', (how) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logfun-spam-restart-${how}-`));
  const start = (ports?: { grpc: number; http: number; admin: number }) =>
    startCollectorProcess({
      dir,
      ports,
      processorsYaml: FAST_SPAM_PROCESSORS_YAML,
      pipelineProcessors: ['template', 'spam', 'control'],
      exportersYaml: `  clickhouse: { endpoint: "chdb://${dir}/data", queue: { storage: wal, directory: "${dir}/queue" } }`,
    });
  let collector: CollectorProcess | undefined;

  afterAll(async () => {
    await collector?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the restarted collector adopts its mute: the SDK stays muted, the drops are summarised, the mute lifts when the spam stops', async () => {
    collector = await start();
    const ports = { grpc: collector.grpcPort, http: collector.httpPort, admin: collector.adminPort };
    const service = `restart-${how}`;
    const log = createLogger({
      service,
      serviceInstanceId: `${service}-1`,
      transport: 'logfun',
      endpoint: `127.0.0.1:${ports.grpc}`,
      exitHooks: false,
      batch: { delayMs: 50 },
      reconnect: { initialBackoffMs: 100, maxBackoffMs: 500 },
      diagnostics: () => undefined,
    } as Parameters<typeof createLogger>[0]);
    const transport = log.transport as LogfunStreamTransport;
    // One template per case (a template's text is its literal parts: no interpolated case name).
    const spamText = how === 'graceful' ? 'graceful restart: lost connection to {} (attempt {})' : 'kill restart: lost connection to {} (attempt {})';
    const spamOne = (n: number) =>
      how === 'graceful' ? log.info`graceful restart: lost connection to ${'db-1:5432'} (attempt ${n % 3})` : log.info`kill restart: lost connection to ${'db-1:5432'} (attempt ${n % 3})`;
    const spamId = templateIdOf(spamText);
    let spamCalls = 0;
    let spamming = true;
    let unmutedWhileSpamming = 0;
    let firstMuteAt = 0;
    try {
      log.info`restart test started at ${Date.now()}`;
      await until('the stream and its first rules', () => transport.controlUpdates > 0);
      // The balancer judges a key against the time it has watched without seeing it: a few seconds first.
      await sleep(3_000);
      // ~1000 records/s of a low-variety message, until told to stop; notes any moment the SDK is unmuted after the first mute.
      const spamLoop = (async () => {
        while (spamming) {
          for (let k = 0; k < 20; k++) spamOne(spamCalls++);
          await sleep(20);
          const muted = templateOf(spamText)?.muted === true;
          if (muted && firstMuteAt === 0) firstMuteAt = Date.now();
          else if (!muted && firstMuteAt !== 0) unmutedWhileSpamming++;
        }
      })();
      await until('the AUTO mute in the SDK', () => firstMuteAt !== 0, 30_000);
      await sleep(1_500);
      if (how === 'graceful') await collector.stop();
      else await collector.kill();
      collector = await start(ports);
      // The spam goes on for a while against the restarted collector.
      await sleep(4_000);
      spamming = false;
      await spamLoop;
      await until('the mute lifted in the SDK', () => templateOf(spamText)?.muted === false, 30_000);
      expect(await log.flush(10_000)).toBe(true);
      const muted = log.stats().muted;
      expect(muted).toBeGreaterThan(2_000);

      // The restarted collector's decisions: the adopted mute, summaries, the release.
      const s = await until('the release and its last summary in log_suppression', async () => {
        const t = await suppressionOf(collector!, service, spamId);
        return t.actions.includes('unmute') && t.sdk === muted ? t : undefined;
      }, 30_000).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await suppressionOf(collector!, service, spamId))}, ${muted} muted in the SDK`);
      });
      // Every call stored, muted in the SDK or dropped in the collector; the summary records count the same drops.
      const count = async (where: string) => Number((await collector!.sql(`SELECT count() AS n FROM otel.otel_logs WHERE ServiceName = '${service}' AND ${where}`))[0].n);
      const stored = await until('the spam records stored', async () => {
        const n = await count(`TemplateId = ${spamId}`);
        return n + muted + s.collector === spamCalls ? n : undefined;
      }, 30_000).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${await count(`TemplateId = ${spamId}`)} stored + ${muted} SDK-muted + ${s.collector} collector-dropped of ${spamCalls} calls`);
      });
      const summaryRecords = async () => {
        const rows = (await collector!.sql(
          `SELECT toUInt64(LogAttributes['logfun.suppressed.sdk_count']) AS sdk, toUInt64(LogAttributes['logfun.suppressed.collector_count']) AS col FROM otel.otel_logs
           WHERE ServiceName = '${service}' AND EventName = 'logfun.spam.summary' AND LogAttributes['logfun.suppressed.template_id'] = '${spamId}'`,
        )) as { sdk: string; col: string }[];
        return { sdk: rows.reduce((n, r) => n + Number(r.sdk), 0), collector: rows.reduce((n, r) => n + Number(r.col), 0) };
      };
      await until('the summary records stored', async () => {
        const r = await summaryRecords();
        return r.sdk === muted && r.collector === s.collector;
      }, 30_000).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await summaryRecords())} in summary records, ${muted} SDK-muted, ${s.collector} collector-dropped`);
      });
      expect(unmutedWhileSpamming).toBe(0);
      expect(s.reasons.some((r) => r.startsWith('adopted: '))).toBe(true);
      expect(s.reasons).toContain('rate_fell');
      // eslint-disable-next-line no-console
      console.log(
        `spam-restart (${how}): ${spamCalls} spam calls, ${stored} stored, ${muted} muted in the SDK, summaries: ${s.sdk} SDK + ${s.collector} collector drops; ` +
          `decisions ${s.actions.join(' ')}, reasons ${s.reasons.join(' | ')} (load average ${os.loadavg()[0].toFixed(1)})`,
      );
      expect(s.sdk).toBe(muted);
      expect(stored + muted + s.collector).toBe(spamCalls);
    } finally {
      spamming = false;
      await log.shutdown();
    }
  });
});
