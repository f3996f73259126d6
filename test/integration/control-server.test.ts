/**
 * The control plane against a real ClickHouse server over HTTP (Debian's 18.16
 * here: the legacy control_rules schema, client-side parameter binding).
 *
 * Server: LOGFUN_TEST_CLICKHOUSE_URL, else http://127.0.0.1:8123. The file is
 * skipped only when that variable is unset AND nothing answers there.
 *
 * Measures what the issue asks for across collectors: a rule set through one
 * collector's plane must be seen by another collector's plane (which then pushes
 * it to its SDKs) within 200 ms, p99, with the default 100 ms poll.
 */
import { randomBytes } from 'crypto';
import * as os from 'os';
import { ControlPlane } from '../../collector/control/store';
import { ControlRulesTable } from '../../collector/control/table';
import { Metrics } from '../../collector/telemetry/metrics';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

jest.setTimeout(60_000);

const serverUrl = testServerUrl('http://127.0.0.1:8123');
const describeServer = describeWithServer('control-server.test.ts', serverUrl);

describeServer('control plane on a ClickHouse server', () => {
  const database = `ctl_${process.pid}_${randomBytes(4).toString('hex')}`;
  let store: ClickHouseStore;
  const planes: ControlPlane[] = [];

  beforeAll(async () => {
    store = await openClickHouse({ endpoint: serverUrl, database });
  });

  afterEach(async () => {
    await Promise.all(planes.splice(0).map((p) => p.shutdown()));
  });

  afterAll(async () => {
    if (store) {
      await store.command(`DROP DATABASE IF EXISTS ${database}`);
      await store.close();
    }
  });

  async function plane(pollIntervalMs?: number): Promise<ControlPlane> {
    const p = new ControlPlane({ endpoint: serverUrl, database, pollIntervalMs, metrics: new Metrics(), logger: createMemoryLogger() });
    planes.push(p);
    await p.start();
    expect(p.ready).toBe(true);
    return p;
  }

  test('round trip on the server schema (legacy on 18.16)', async () => {
    const a = await plane();
    const table = new ControlRulesTable(store, { database });
    if (store.serverVersion.major < 20) expect(table.kind).toBe('legacy');
    const manual = await a.setRule({
      target: { service: 'checkout', instance: 'pod-1', function: 'Cart.add', templateId: 18446744073709551615n },
      state: 'off',
      minSeverity: 'error',
      sampleRate: 0.5,
      reason: "it's \\ noisy\ttabs",
      updatedBy: 'bob',
    });
    const auto = await a.setAuto({ service: 'checkout', templateId: 12345n }, 'rate z=9.1', { ttlMs: 3_600_000 });
    const b = await plane();
    const loaded = new Map(b.rules.map((r) => [r.source, r]));
    // DateTime on the legacy schema keeps whole seconds.
    const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;
    expect(loaded.get('manual')).toEqual(table.kind === 'legacy' ? { ...manual, updatedAt: seconds(manual.updatedAt) } : manual);
    expect(loaded.get('auto')).toEqual(
      table.kind === 'legacy' ? { ...auto, updatedAt: seconds(auto.updatedAt), expiresAt: seconds(auto.expiresAt) } : auto,
    );
    expect(await b.clearRule(manual.target)).toBe(true);
    await a.refresh();
    expect(a.rules.map((r) => r.source)).toEqual(['auto']);
    const rows = await table.readLatest();
    expect(rows.filter((r) => r.deleted).map((r) => r.source)).toEqual(['manual']);
  });

  test('a change reaches another collector within 200 ms (p99, default 100 ms poll)', async () => {
    const a = await plane();
    const b = await plane();
    expect(b.pollIntervalMs).toBe(100);
    // From the commit (the write returned: the change exists, and this collector's own
    // SDKs have it) and from the start of the request (including the INSERT itself).
    const fromCommit: number[] = [];
    const fromRequest: number[] = [];
    for (let i = 0; i < 100; i++) {
      const target = { service: 'latency', templateId: BigInt(i + 1) };
      const seen = new Promise<number>((resolve) => {
        const un = b.subscribe(() => {
          if (b.rule(target, 'auto') === undefined) return;
          un();
          resolve(performance.now());
        });
      });
      const requested = performance.now();
      await a.setAuto(target, 'latency probe');
      const committed = performance.now();
      const seenAt = await seen;
      fromCommit.push(Math.max(0, seenAt - committed));
      fromRequest.push(seenAt - requested);
      // Spread the changes over the poll phase.
      await new Promise((r) => setTimeout(r, 3 + ((i * 37) % 50)));
    }
    const pct = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
    const line = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(0)} ms, p99 ${pct(xs, 0.99).toFixed(0)} ms`;
    // eslint-disable-next-line no-console
    console.log(`control propagation between collectors (ClickHouse ${store.serverVersion.text}): from commit ${line(fromCommit)}; from request start ${line(fromRequest)}`);
    // The 200 ms budget is checked on a machine with CPU to spare; on an overloaded one
    // (run queue over 1.5 per core) the timings measure the scheduler, so only a
    // gross bound is asserted — the printed numbers say what happened.
    const overloaded = os.loadavg()[0] > 1.5 * os.cpus().length;
    // eslint-disable-next-line no-console
    if (overloaded) console.warn(`control-server.test.ts: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs; the 200 ms p99 check is relaxed to 1 s`);
    expect(pct(fromCommit, 0.99)).toBeLessThan(overloaded ? 1_000 : 200);
  });
});
