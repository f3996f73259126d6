/** The `logfun` command line as users run it (the built CLI in dist/). */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { CLI_PATH } from '../kit/collector-process';

const run = promisify(execFile);

async function logfun(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_PATH, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('logfun CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--help lists the commands', async () => {
    const { code, stdout } = await logfun(['--help']);
    expect(code).toBe(0);
    for (const cmd of ['collector', 'sql', 'demo']) expect(stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  test('collector --validate reports every problem of a bad config and exits 1', async () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      `receivers:
  otlp:
    protocols:
      grpc: { endpoint: "localhost:notaport" }
  kafka: {}
exporters:
  clickhouse: { batch: { max_rows: "many" }, colour: blue }
service:
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse, debug] }
`,
    );
    const { code, stderr } = await logfun(['collector', '--config', file, '--validate']);
    expect(code).toBe(1);
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('receivers.kafka: unknown receiver type "kafka"');
    expect(stderr).toContain('exporters.clickhouse.colour: unknown key');
    expect(stderr).toContain('exporters.clickhouse.batch.max_rows');
    expect(stderr).toContain('"debug" is not defined under exporters');
    expect(stderr).toMatch(/receivers\.otlp.*endpoint/);
  });

  test('collector --validate of a binary file says it is not YAML text, without echoing its bytes', async () => {
    const binary = path.join(dir, 'log.lf');
    fs.writeFileSync(binary, Buffer.from('LOGFUN\0\u0001receivers: [\x01\x02\x1b[31m', 'latin1'));
    const nul = await logfun(['collector', '--config', binary, '--validate']);
    expect(nul.code).toBe(1);
    expect(nul.stderr).toContain('log.lf is not a YAML text file: it contains NUL bytes (from byte 6)');
    expect(nul.stderr).not.toMatch(/[\x00-\x08\x1b]/);
    const latin1 = path.join(dir, 'latin1.yaml');
    fs.writeFileSync(latin1, Buffer.from('receivers:\n  caf\xe9: {}\n', 'latin1'));
    const bad = await logfun(['collector', '--config', latin1, '--validate']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('latin1.yaml is not a YAML text file: it is not valid UTF-8');
  });

  test('collector --validate accepts a good config', async () => {
    const file = path.join(dir, 'good.yaml');
    fs.writeFileSync(file, 'receivers: {otlp: {protocols: {grpc: }}}\nexporters: {debug: }\nservice: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}\n');
    const { code, stdout } = await logfun(['collector', '--config', file, '--validate']);
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'configuration is valid: logs' });
  });

  test('sql on the embedded store with no collector running', async () => {
    const missing = await logfun(['sql', 'SELECT 1', '--admin', 'http://127.0.0.1:1', '--endpoint', `chdb://${dir}/no-such-store`]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('no embedded store at')]);
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    const { code, stdout, stderr } = await logfun(['sql', 'SELECT 1 + 1 AS two', '--format', 'json', '--admin', 'http://127.0.0.1:1', '--endpoint', `chdb://${dir}/data`]);
    expect(stderr).toBe('');
    expect({ code, out: JSON.parse(stdout) }).toEqual({ code: 0, out: { two: 2 } });
    const refused = await logfun(['sql', 'INSERT INTO x VALUES (1)', '--endpoint', `chdb://${dir}/data`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('read-only');
  });

  test('sql and control --admin <url> where no collector answers say so, not "fetch failed", and do not fall back to a local store', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(port));
      });
    });
    const nobody = await logfun(['sql', 'SELECT 1', '--admin', `http://127.0.0.1:${closedPort}`]);
    expect([nobody.code, nobody.stderr.trim()]).toEqual([1, `logfun sql: no collector answers at http://127.0.0.1:${closedPort} (is it running? check --admin <url>)`]);
    // a port fetch refuses to use: its cause, not fetch's bare "fetch failed"
    const badPort = await logfun(['sql', 'SELECT 1', '--admin', 'http://127.0.0.1:9']);
    expect([badPort.code, badPort.stderr.trim()]).toEqual([1, 'logfun sql: cannot reach the collector at http://127.0.0.1:9 (bad port)']);
    const control = await logfun(['control', 'list', '--admin', 'http://127.0.0.1:9']);
    expect([control.code, control.stderr.trim()]).toEqual([1, 'logfun control list: cannot reach the collector at http://127.0.0.1:9 (bad port)']);
  });
});
