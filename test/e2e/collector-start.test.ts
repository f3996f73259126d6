/**
 * What a collector sets up at start and how a second one on the same folder or
 * ports is refused (the built CLI in dist/: `npm run build` first):
 *   - log_suppression exists as soon as a collector with the spam processor started
 *     (not from the first suppression);
 *   - `logfun sql` resolves unqualified table names in the exporter's database,
 *     through the running collector and with --endpoint (chDB, and a server when
 *     $LOGFUN_TEST_CLICKHOUSE_URL is set);
 *   - a second collector on the same chDB folder, or on a taken port, exits at once
 *     with a message naming the folder / port, not chDB's "Cannot lock file";
 *   - `logfun sql --endpoint chdb://<folder>` on a running collector's folder says to
 *     query through its admin endpoint (named), not chDB's "Cannot lock file".
 */
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { CLI_PATH, freePort, freePorts, startCollectorProcess, waitForCount, type CollectorProcess } from '../kit/collector-process';
import { createLogger } from '../../sdk';

jest.setTimeout(120_000);

const run = promisify(execFile);

async function logfun(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_PATH, ...args], { cwd, env: { ...process.env, LOGFUN_CONSOLE_TOKEN: '' }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** `logfun collector` on `yaml` in `dir`; resolves with its exit (a refused start exits by itself). */
async function secondCollector(dir: string, yaml: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  fs.writeFileSync(path.join(dir, 'second.yaml'), yaml);
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_PATH, 'collector', '--config', 'second.yaml'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, stderr, ms: Date.now() - started };
}

function configYaml(ports: { grpc: number; http: number; admin: number }, store: string): string {
  return `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${ports.grpc} }
      http: { endpoint: 127.0.0.1:${ports.http} }
exporters:
  clickhouse: { endpoint: ${JSON.stringify(store)} }
service:
  telemetry: { admin: { endpoint: 127.0.0.1:${ports.admin} }, logs: { level: warn } }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`;
}

describe('a collector with the spam processor on chDB', () => {
  let c: CollectorProcess;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-start-'));
  afterAll(async () => {
    await c?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('log_suppression exists right after the start', async () => {
    c = await startCollectorProcess({ dir, processorsYaml: '  spam: {}', pipelineProcessors: ['spam'], exportersYaml: '  clickhouse: { endpoint: "chdb://./.logfun/data", batch: { flush_interval: 100ms } }' });
    // Created in the background at start: allow it the moment a first write would take.
    const deadline = Date.now() + 5_000;
    let exists = false;
    while (!exists && Date.now() < deadline) {
      exists = Number((await c.sql("SELECT count() AS n FROM system.tables WHERE database = 'otel' AND name = 'log_suppression'"))[0].n) === 1;
      if (!exists) await new Promise((r) => setTimeout(r, 100));
    }
    expect(exists).toBe(true);
    expect(await c.sql('SELECT count() AS n FROM otel.log_suppression')).toEqual([{ n: '0' }]);
  });

  test('logfun sql without the database prefix, through the running collector', async () => {
    const log = createLogger({ service: 'start', endpoint: `127.0.0.1:${c.grpcPort}`, exitHooks: false, batch: { delayMs: 10 } });
    for (let i = 0; i < 3; i++) log.info`record ${i}`;
    await log.shutdown();
    await waitForCount(c, "ServiceName = 'start'", 3, 20_000);
    const r = await logfun(['sql', "SELECT count() AS n FROM otel_logs WHERE ServiceName = 'start'", '--format', 'json', '--admin', `http://127.0.0.1:${c.adminPort}`], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ n: '3' });
  });

  test('a second collector on the same folder fails at once, naming the folder and the first collector', async () => {
    const [grpc, http, admin] = await freePorts(3);
    const ports = { grpc, http, admin };
    const r = await secondCollector(dir, configYaml(ports, 'chdb://./.logfun/data'));
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/Cannot lock file/);
    expect(r.stderr).toContain(`the embedded store ${fs.realpathSync(dir)}/.logfun/data is already used by another collector`);
    expect(r.stderr).toContain(`http://127.0.0.1:${c.adminPort}`);
    expect(r.ms).toBeLessThan(15_000);
    // The first one is untouched.
    expect((await fetch(`http://127.0.0.1:${c.adminPort}/healthz`)).ok).toBe(true);
  });

  test('a second collector on a taken port fails at once, naming the port', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-start-other-'));
    try {
      const [grpc, http] = await freePorts(2);
      const ports = { grpc, http, admin: c.adminPort };
      const r = await secondCollector(other, configYaml(ports, 'chdb://./data'));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`127.0.0.1:${c.adminPort} is already in use`);
      const [freeHttp, freeAdmin] = await freePorts(2);
      const grpcTaken = await secondCollector(other, configYaml({ grpc: c.grpcPort, http: freeHttp, admin: freeAdmin }, 'chdb://./data'));
      expect(grpcTaken.code).toBe(1);
      expect(grpcTaken.stderr).toContain(`127.0.0.1:${c.grpcPort} is already in use`);
      // The clear message alone (no grpc-js "E No address added ..." line, no JSON error line before it),
      // and a refused start makes nothing: no store folder, no token file.
      for (const refused of [r, grpcTaken]) expect(refused.stderr).toMatch(/^logfun collector: 127\.0\.0\.1:\d+ is already in use\.[^\n]*\n$/);
      expect(fs.readdirSync(other)).toEqual(['second.yaml']);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('logfun sql --endpoint chdb://<folder> while the collector holds it: points to its admin endpoint, no DB::Exception', async () => {
    const r = await logfun(['sql', 'SELECT count() FROM otel_logs', '--endpoint', 'chdb://./.logfun/data'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/DB::Exception|Cannot lock file/);
    expect(r.stderr).toContain('the store chdb://./.logfun/data is in use: a running collector');
    expect(r.stderr).toContain(`--admin http://127.0.0.1:${c.adminPort}`);
  });

  test('logfun sql --endpoint chdb://<folder> without the database prefix (collector stopped)', async () => {
    await c.stop();
    const r = await logfun(['sql', "SELECT count() AS n FROM otel_logs WHERE ServiceName = 'start'", '--format', 'json', '--endpoint', 'chdb://./.logfun/data'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ n: '3' });
  });
});

test('an owner file left behind (its process gone, or its pid now another program) does not stop a start', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-start-stale-'));
  const ownerFile = path.join(dir, '.logfun', 'data', 'logfun-collector.json');
  fs.mkdirSync(path.dirname(ownerFile), { recursive: true });
  try {
    // The pid of a live program that is not a collector (this test runner): nothing listens on its admin endpoint.
    fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, admin: `http://127.0.0.1:${await freePort()}` }));
    const c = await startCollectorProcess({ dir, exportersYaml: '  clickhouse: { endpoint: "chdb://./.logfun/data" }' });
    expect(JSON.parse(fs.readFileSync(ownerFile, 'utf8')).pid).toBe(c.proc.pid);
    await c.kill(); // kill -9: the file stays, its pid gone
    const again = await startCollectorProcess({ dir, exportersYaml: '  clickhouse: { endpoint: "chdb://./.logfun/data" }' });
    await again.stop();
    expect(fs.existsSync(ownerFile)).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const serverUrl = process.env.LOGFUN_TEST_CLICKHOUSE_URL;
(serverUrl ? test : test.skip)('logfun sql --endpoint http://server --database resolves unqualified names there', async () => {
  const r = await logfun(['sql', "SELECT count() AS n FROM tables WHERE database = 'system' AND name = 'one'", '--format', 'json', '--endpoint', serverUrl!, '--database', 'system'], os.tmpdir());
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout.trim())).toEqual({ n: '1' });
});
