/**
 * End to end, real time: `logfun collector` as a child process (template -> spam ->
 * control into chDB, the control plane on the same store; the fast balancer of
 * test/kit/fast-spam-collector.ts) is restarted — SIGTERM, or kill -9 — in place
 * while its balancer holds an AUTO mute of an SDK's spam, and a real SDK (createLogger,
 * compact stream over real gRPC, in this process) keeps spamming through the restart.
 * The restarted collector must know the mute it made (it adopts its AUTO rule from
 * the store): the SDK stays muted while the spam goes on, the drops keep being
 * summarised, and the mute is released when the spam stops (not left to the rule's
 * time to live). After a graceful restart the accounting is exact: the SDK's muted
 * counter equals the summaries' SDK counts in log_suppression.
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
    startCollectorProcess({ dir, ports, processorsYaml: FAST_SPAM_PROCESSORS_YAML, pipelineProcessors: ['template', 'spam', 'control'] });
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
        return t.actions.includes('unmute') && (how === 'kill' || t.sdk === muted) ? t : undefined;
      }, 30_000);
      expect(unmutedWhileSpamming).toBe(0);
      expect(s.reasons.some((r) => r.startsWith('adopted: '))).toBe(true);
      expect(s.reasons).toContain('rate_fell');
      // eslint-disable-next-line no-console
      console.log(
        `spam-restart (${how}): ${spamCalls} spam calls, ${muted} muted in the SDK, summaries: ${s.sdk} SDK + ${s.collector} collector drops; ` +
          `decisions ${s.actions.join(' ')} (load average ${os.loadavg()[0].toFixed(1)})`,
      );
      if (how === 'graceful') expect(s.sdk).toBe(muted);
      else expect(s.sdk).toBeLessThanOrEqual(muted);
    } finally {
      spamming = false;
      await log.shutdown();
    }
  });
});
