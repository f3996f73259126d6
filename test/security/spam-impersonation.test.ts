/**
 * Issue 12, finding 5: any ingest client could mute another service. Real
 * components: an in-process Collector (otlp gRPC with the compact Ingest service
 * -> template -> spam -> control -> clickhouse on a temp chDB folder, the control
 * plane on the same store), the real `auth` SDK (createLogger, compact stream,
 * service.instance.id auth-real) and an impostor speaking the compact protocol by
 * hand (test/kit/raw-compact-stream.ts) that claims service.name `auth` with
 * another instance id. The impostor:
 *   - spams `login failed for user {}` (low entropy, ~2000/s), the template the
 *     real auth SDK logs at a normal rate;
 *   - reports made-up muted_counts (reason AUTO) for `token refreshed for {}`, a
 *     template only the real SDK logs, to hold (or feed) a mute of it;
 *   - spams a WARN template `account locked for user {}`.
 * Expected: the AUTO mute names the impostor's instance and reaches only its
 * stream; the real SDK is never muted and every record it sent is stored; the fake
 * counts are ignored and counted (logfun_spam_sdk_reports_ignored_total
 * {reason="unknown_key"}); the WARN spam is never auto-muted (protect_severity
 * default) and is stored.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import type { OtlpReceiver } from '../../collector/receivers/otlp/receiver';
import type { ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import type { SpamProcessor } from '../../processors/spam/processor';
import { createLogger, templateIdOf } from '../../sdk';
import type { LogfunStreamTransport } from '../../sdk/transports/logfun-stream';
import { RawCompactStream } from '../kit/raw-compact-stream';
import { fastSpamCollectorYaml, sleep, until } from '../kit/fast-spam-collector';

jest.setTimeout(90_000);

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-spam-impersonation-'));
const DATABASE = 'spam_impersonation';
const SERVICE = 'auth';
const REAL = 'auth-real';
const FAKE = 'auth-fake';
const LOGIN = 'login failed for user {}';
const TOKEN = 'token refreshed for {}';
const LOCKED = 'account locked for user {}';
const LOGIN_ID = templateIdOf(LOGIN);
const TOKEN_ID = templateIdOf(TOKEN);
const LOCKED_ID = templateIdOf(LOCKED);
const WARN = 13;

// Shortened timings as in test/e2e/spam-sdk-exact.test.ts; function keys off so template keys decide.
const YAML = fastSpamCollectorYaml(path.join(folder, 'data'), DATABASE);


let collector: Collector;

beforeAll(async () => {
  collector = new Collector({ yaml: YAML, logger: createMemoryLogger() });
  await collector.start();
});

afterAll(async () => {
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

function metricSum(name: string, match: Record<string, string>): number {
  return collector.metrics
    .series(name)
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

test('an impostor claiming service auth mutes only itself; fake muted_counts are ignored; WARN is never auto-muted', async () => {
  const grpc = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
  const spam = collector.component<SpamProcessor>('processor:spam@logs');
  const store = (collector.component('exporter:clickhouse') as unknown as { getStore(): ClickHouseStore | undefined }).getStore()!;

  // The real auth service: an ordinary SDK, logging both templates at ~20 records/s each (never spam).
  const real = createLogger({
    service: SERVICE,
    serviceInstanceId: REAL,
    transport: 'logfun',
    endpoint: grpc,
    exitHooks: false,
    batch: { delayMs: 20 },
    captureCallSites: false,
    diagnostics: () => undefined,
  });
  const realTransport = real.transport as LogfunStreamTransport;
  let realLogin = 0;
  let realToken = 0;
  const realTick = setInterval(() => {
    real.info`login failed for user ${`user-${Math.random().toString(36).slice(2)}`}`;
    realLogin++;
    real.info`token refreshed for ${`session-${Math.random().toString(36).slice(2)}`}`;
    realToken++;
  }, 50);

  // The balancer judges a new key against the zeros before it was first seen: give it that history.
  try {
    await until('the SDK stream and its first rules', () => realTransport.controlUpdates > 0);
    await sleep(500);
  } catch (err) {
    clearInterval(realTick);
    await real.shutdown();
    throw err;
  }
  const impostor = new RawCompactStream(grpc, { 'service.name': SERVICE, 'service.instance.id': FAKE });
  const fakeCountBatches: number[] = [];
  const lockedBatches: number[] = [];
  const FAKE_COUNT = 5000;
  const LOCKED_PER_BATCH = 40;
  const impostorTick = setInterval(() => {
    impostor.batch(LOGIN, 40, () => ['admin']);
    lockedBatches.push(impostor.batch(LOCKED, LOCKED_PER_BATCH, () => ['admin'], [], WARN));
    // Made-up drops of a template this stream never sent, claimed as caused by an AUTO mute.
    fakeCountBatches.push(impostor.batch(undefined, 0, () => [], [{ templateId: TOKEN_ID, count: FAKE_COUNT }]));
  }, 20);

  try {
    // The spam is muted (whatever the scope), then both senders go on for 2 s.
    const mute = await until('a mute of the spammed template', () => spam.activeMutes().find((m) => m.target.templateId === LOGIN_ID));
    await sleep(2000);
    clearInterval(impostorTick);
    clearInterval(realTick);

    // The mute names the impostor's instance and was pushed to its stream only.
    expect(mute.target).toEqual({ service: SERVICE, instance: FAKE, templateId: LOGIN_ID });
    expect(spam.activeMutes().every((m) => m.target.instance === FAKE)).toBe(true);
    expect(collector.control!.rules.filter((r) => r.source === 'auto').map((r) => r.target)).toEqual([{ service: SERVICE, instance: FAKE, function: '', templateId: LOGIN_ID }]);
    await until('the impostor told of its mute', () =>
      impostor.controls.some((c) => c.rules.some((r) => r.state === 1 && r.templateId === LOGIN_ID && r.serviceInstance === FAKE)),
    );

    // The real SDK was never muted: nothing dropped at its call sites, every record delivered and stored.
    expect(await real.flush(10_000)).toBe(true);
    expect(real.stats()).toMatchObject({ muted: 0, dropped: 0 });
    expect(realTransport.lastControl?.rules.filter((r) => r.state === 1 /* OFF */) ?? []).toEqual([]);
    const count = async (where: string) =>
      Number((await store.query<{ n: string }>(`SELECT count() AS n FROM ${DATABASE}.otel_logs WHERE ServiceName = '${SERVICE}' AND ${where}`))[0].n);
    await until(
      'every record of the real auth stored',
      async () =>
        (await count(`ResourceAttributes['service.instance.id'] = '${REAL}' AND TemplateId = ${LOGIN_ID}`)) === realLogin &&
        (await count(`ResourceAttributes['service.instance.id'] = '${REAL}' AND TemplateId = ${TOKEN_ID}`)) === realToken,
    );

    // The fake counts: ignored (never attributed to a mute) and counted, every one of the accepted batches.
    const fakeAccepted = () => fakeCountBatches.filter((s) => impostor.acked.has(s)).length * FAKE_COUNT;
    await until('the fake counts accounted for', () => fakeAccepted() > 0 && metricSum('logfun_spam_sdk_reports_ignored_total', { reason: 'unknown_key' }) === fakeAccepted());
    expect(spam.recentDecisions().filter((r) => r.templateId === TOKEN_ID)).toEqual([]);
    expect(collector.control!.rules.filter((r) => r.target.templateId === TOKEN_ID)).toEqual([]);

    // WARN spam: never judged, never muted, all stored.
    expect(spam.recentDecisions().filter((r) => r.templateId === LOCKED_ID)).toEqual([]);
    expect(metricSum('logfun_spam_protected_records_total', {})).toBeGreaterThan(0);
    const lockedSent = () => lockedBatches.filter((s) => impostor.acked.has(s)).length * LOCKED_PER_BATCH;
    await until('every WARN record of the impostor stored', async () => lockedSent() > 0 && (await count(`TemplateId = ${LOCKED_ID}`)) === lockedSent());

    // The suppression decisions name the instance.
    const muteRow = spam.recentDecisions().find((r) => r.action === 'mute' && r.templateId === LOGIN_ID)!;
    expect(muteRow.instance).toBe(FAKE);
    expect(muteRow.reason).toContain(`[instance ${FAKE}]`);
  } finally {
    clearInterval(impostorTick);
    clearInterval(realTick);
    impostor.close();
    await real.shutdown();
  }
});

test('senders with no service.instance.id are scoped by their stream session: a mute reaches the spamming session only', async () => {
  const grpc = `127.0.0.1:${collector.component<OtlpReceiver>('receiver:otlp').grpcPort}`;
  const spam = collector.component<SpamProcessor>('processor:spam@logs');
  const TEXT = 'billing retry {} failed';
  const ID = templateIdOf(TEXT);
  const spammer = new RawCompactStream(grpc, { 'service.name': 'billing' });
  const quiet = new RawCompactStream(grpc, { 'service.name': 'billing' });
  const tick = setInterval(() => {
    spammer.batch(TEXT, 40, () => ['42']);
    quiet.batch(TEXT, 1, () => [Math.random().toString(36)]);
  }, 20);
  try {
    const scope = `session:${spammer.sessionId.toString('hex')}`;
    const mute = await until('the spamming session muted', () => spam.activeMutes().find((m) => m.target.templateId === ID));
    expect(mute.target).toEqual({ service: 'billing', instance: scope, templateId: ID });
    // Pushed to the spammer's stream with no instance (it claimed none), so its SDK would apply it; not to the other.
    await until('the spammer told of its mute', () => spammer.controls.some((c) => c.rules.some((r) => r.state === 1 && r.templateId === ID && r.serviceInstance === '')));
    await sleep(300);
    expect(quiet.controls.flatMap((c) => c.rules)).toEqual([]);
    expect(spam.activeMutes().filter((m) => m.target.service === 'billing')).toHaveLength(1);
  } finally {
    clearInterval(tick);
    spammer.close();
    quiet.close();
  }
});
