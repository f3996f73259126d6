/**
 * Test kit: a private ClickHouse server process (Debian's clickhouse-server) on
 * its own ports and data folder, so a test can stop and restart it freely
 * without touching a shared server. Uses the packaged config with overrides.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePorts } from './collector-process';

const PACKAGED_CONFIG = '/etc/clickhouse-server/config.xml';

/**
 * True when Debian's clickhouse-server is installed. CI (which sets LOGFUN_TEST_CLICKHOUSE_URL)
 * always gets true, so a missing server fails there instead of skipping silently.
 */
export function clickhouseServerInstalled(): boolean {
  if (process.env.LOGFUN_TEST_CLICKHOUSE_URL) return true;
  return fs.existsSync(PACKAGED_CONFIG) && spawnSync('sh', ['-c', 'command -v clickhouse-server']).status === 0;
}

export class PrivateClickHouseServer {
  private proc: ChildProcess | undefined;
  httpPort = 0;
  private tcpPort = 0;
  private interserverPort = 0;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-ch-'));

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async start(): Promise<void> {
    if (!this.httpPort) {
      [this.httpPort, this.tcpPort, this.interserverPort] = await freePorts(3);
    }
    const d = this.dir;
    this.proc = spawn(
      'clickhouse-server',
      [
        `--config-file=${PACKAGED_CONFIG}`,
        '--',
        `--http_port=${this.httpPort}`,
        `--tcp_port=${this.tcpPort}`,
        `--interserver_http_port=${this.interserverPort}`,
        `--path=${d}/data/`,
        `--tmp_path=${d}/tmp/`,
        `--user_files_path=${d}/user_files/`,
        `--format_schema_path=${d}/format_schemas/`,
        `--logger.log=${d}/server.log`,
        `--logger.errorlog=${d}/server.err.log`,
      ],
      { stdio: 'ignore', detached: false },
    );
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`clickhouse-server exited with ${this.proc.exitCode}; see ${d}/server.err.log`);
      try {
        const r = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('clickhouse-server did not answer /ping within 30 s');
  }

  /** Stops the server process (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
