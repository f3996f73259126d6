/**
 * Test kit: `logfun collector` (the built CLI in dist/) as a child process on
 * free ports, with SQL through its admin API. Used by e2e tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The repository root (the folder whose package.json is logfun's), from source or dist. */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'logfun') return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the logfun repository root');
})();

/**
 * The CLI of the build this file belongs to: compiled (dist/test/kit, or a copy of a build such as
 * dist-base/ kept to compare against), the collector beside it; run from source (ts-jest), dist's.
 */
export const CLI_PATH = (() => {
  const besideThisBuild = path.join(__dirname, '..', '..', 'collector', 'cli.js');
  return __filename.endsWith('.js') && fs.existsSync(besideThisBuild) ? besideThisBuild : path.join(REPO_ROOT, 'dist', 'collector', 'cli.js');
})();

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/**
 * `count` distinct free ports: every listener stays open until all are bound, so the
 * system cannot hand the same port out twice (ports asked for one after another can
 * repeat once the first listener has closed: a collector then refused "grpc and http
 * cannot both listen on port N").
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let k = 0; k < count; k++) {
      const s = net.createServer();
      servers.push(s);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          s.on('error', reject);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }
}

export interface CollectorProcess {
  grpcPort: number;
  httpPort: number;
  adminPort: number;
  dir: string;
  proc: ChildProcess;
  sql(query: string): Promise<Record<string, unknown>[]>;
  /** What the collector wrote on stderr so far (its diagnostic log). */
  stderr(): string;
  /** The collector's /metrics text. */
  metrics(): Promise<string>;
  /** SIGTERM, wait for exit, remove the folder (unless the caller gave it: options.dir). */
  stop(): Promise<void>;
  /** kill -9 (no shutdown of any kind) and wait for the exit; the folder is kept. */
  kill(): Promise<void>;
}

export interface CollectorProcessOptions {
  exportersYaml?: string;
  processorsYaml?: string;
  pipelineProcessors?: string[];
  /** Working folder (config file, relative paths). Default: a new temp folder, removed by stop(). */
  dir?: string;
  /** Fixed ports (e.g. the previous process's, to restart in place). Default: free ports. */
  ports?: { grpc: number; http: number; admin: number };
  /** How long to wait for /healthz. Default 60 s. */
  startTimeoutMs?: number;
  /** The admin SQL API (opens the store at its first query). Default true. */
  sqlApi?: boolean;
  /** Node options before the CLI path (e.g. --max-old-space-size=128, -r preload.js). */
  nodeArgs?: string[];
  /** Extra environment variables of the child. */
  env?: Record<string, string>;
  /** More YAML under `service:` (indented by two spaces), e.g. "  process: { watchdog_timeout: 3s }". */
  serviceYaml?: string;
}

/** Starts `logfun collector` (the built CLI) as a child process on free ports with the given exporter/processor YAML. */
export async function startCollectorProcess(opts: CollectorProcessOptions = {}): Promise<CollectorProcess> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-'));
  const [grpcPort, httpPort, adminPort] = opts.ports ? [opts.ports.grpc, opts.ports.http, opts.ports.admin] : await freePorts(3);
  const processors = opts.pipelineProcessors ?? [];
  const yaml = `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${grpcPort}, max_recv_msg_size: 64MiB }
      http: { endpoint: 127.0.0.1:${httpPort} }
processors:
${opts.processorsYaml ?? '  batch: { send_batch_size: 10000, timeout: 200ms }'}
exporters:
${opts.exportersYaml ?? `  clickhouse: { endpoint: "chdb://${dir}/data" }`}
service:
  telemetry: { admin: { endpoint: 127.0.0.1:${adminPort}${opts.sqlApi === false ? ', sql_api: false' : ''} }, logs: { level: warn } }
${opts.serviceYaml ?? ''}
  pipelines:
    logs: { receivers: [otlp], processors: [${processors.join(', ')}], exporters: [clickhouse] }
`;
  const configFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(configFile, yaml);
  // The collector makes its admin token at start (./.logfun/admin-token in its folder), as for a user.
  const env = { ...process.env, ...opts.env };
  if (!opts.env?.LOGFUN_CONSOLE_TOKEN) delete env.LOGFUN_CONSOLE_TOKEN;
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI_PATH, 'collector', '--config', configFile], {
    cwd: dir,
    env,
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  // This process ending for any reason (a bench piped into `head` dies of EPIPE) takes the collector with it.
  const stopChild = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  };
  process.on('exit', stopChild);
  proc.once('exit', () => process.off('exit', stopChild));
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const admin = `http://127.0.0.1:${adminPort}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`collector exited: ${stderr}`);
    try {
      if ((await fetch(`${admin}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error(`collector did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const adminToken = opts.env?.LOGFUN_CONSOLE_TOKEN ?? fs.readFileSync(path.join(dir, '.logfun', 'admin-token'), 'utf8').trim();
  return {
    grpcPort,
    httpPort,
    adminPort,
    dir,
    proc,
    async sql(query: string) {
      const res = await fetch(`${admin}/api/v1/sql`, { method: 'POST', body: query, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/sql' } });
      const body = (await res.json()) as { rows?: Record<string, unknown>[]; error?: string };
      if (!res.ok) throw new Error(body.error);
      return body.rows!;
    },
    stderr: () => stderr,
    async metrics() {
      return (await fetch(`${admin}/metrics`)).text();
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls until `count()` reaches `expected` or the timeout passes; returns the time it was reached. */
export async function waitForCount(c: CollectorProcess, where: string, expected: number, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await c.sql(`SELECT count() AS n FROM otel.otel_logs WHERE ${where}`);
    const n = Number(rows[0].n);
    if (n >= expected) return performance.now();
    if (Date.now() > deadline) {
      const metrics = (await c.metrics()).split('\n').filter((l) => l && !l.startsWith('#'));
      throw new Error(`only ${n} of ${expected} records arrived (${where})\nmetrics:\n${metrics.join('\n')}\ncollector log:\n${c.stderr().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

