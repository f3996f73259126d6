/**
 * The admin token and what it protects (issue: with no token, the default, any
 * page could drive the admin API; the console cookie was the raw token; data files
 * were world-readable; --validate accepted an unusable chDB path).
 *   - `logfun collector` with no token configured makes one, keeps it 0600 beside
 *     the store, prints it once with the address it actually bound, and its data
 *     folder is its owner's only; a second start reuses it and does not print it;
 *   - `logfun sql` in that folder finds the token by itself, and without it the
 *     API answers 401;
 *   - signing in gives a random session id (HttpOnly, SameSite=Strict), not the
 *     token; logout ends it;
 *   - `--validate` refuses an unusable chDB path.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../kit/collector-process';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'collector', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-admin-token-'));

function envWithoutToken(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LOGFUN_CONSOLE_TOKEN;
  delete env.LOGFUN_CONTROL_TOKEN;
  return env;
}

function run(args: string[], where: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: where.cwd ?? dir, env: { ...envWithoutToken(), ...where.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startCollector(config: string, adminPort: number): Promise<{ proc: ChildProcess; stderr: () => string }> {
  const proc = spawn(process.execPath, [CLI, 'collector', '--config', config], { cwd: dir, env: envWithoutToken(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`collector exited: ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${adminPort}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error(`collector did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The announcement follows the start.
  await new Promise((r) => setTimeout(r, 300));
  return { proc, stderr: () => stderr };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a made token: 0600 beside the store, printed once, found by logfun sql, never the cookie', async () => {
  const adminPort = await freePort();
  const config = path.join(dir, 'collector.yaml');
  fs.writeFileSync(
    config,
    `receivers: {otlp: {protocols: {grpc: {endpoint: "127.0.0.1:0"}}}}
exporters: {clickhouse: {endpoint: "chdb://./.logfun/data"}}
service:
  telemetry: {admin: {endpoint: "127.0.0.1:${adminPort}"}}
  pipelines: {logs: {receivers: [otlp], exporters: [clickhouse]}}
`,
  );
  const first = await startCollector(config, adminPort);
  const tokenFile = path.join(dir, '.logfun', 'admin-token');
  let token = '';
  try {
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(24);
    expect(fs.statSync(path.join(dir, '.logfun', 'data')).mode & 0o077).toBe(0);
    expect(first.stderr()).toContain(`listening on http://127.0.0.1:${adminPort}`);
    expect(first.stderr()).toContain(`?token=${token}`);

    const admin = `http://127.0.0.1:${adminPort}`;
    const anon = await fetch(`${admin}/api/v1/sql`, { method: 'POST', headers: { 'content-type': 'application/sql' }, body: 'SELECT 1' });
    expect(anon.status).toBe(401);
    const viaCli = await run(['sql', 'SELECT 7 AS seven', '--format', 'json', '--admin', admin]);
    expect([viaCli.code, viaCli.stdout.trim()]).toEqual([0, '{"seven":7}']);

    // From another folder: no token is sent at all, and the message says so (not that a token was refused).
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-admin-token-elsewhere-'));
    try {
      const none = await run(['sql', 'SELECT 1', '--admin', admin], { cwd: elsewhere });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(`the collector at ${admin} requires the admin token, and no token was sent (none in ${path.join(fs.realpathSync(elsewhere), '.logfun', 'admin-token')} or $LOGFUN_CONSOLE_TOKEN)`);
      expect(none.stderr).not.toContain('refused');
      // A token that was sent and refused is named by where it came from.
      const wrongEnv = await run(['sql', 'SELECT 1', '--admin', admin], { cwd: elsewhere, env: { LOGFUN_CONSOLE_TOKEN: 'not-the-token' } });
      expect(wrongEnv.code).toBe(1);
      expect(wrongEnv.stderr).toContain(`the collector at ${admin} refused the admin token sent (from $LOGFUN_CONSOLE_TOKEN) (401)`);

      // logfun control reads $LOGFUN_CONSOLE_TOKEN and the token file too (README): its 401 names them, not only its own variable.
      const controlNone = await run(['control', 'list', '--admin', admin], { cwd: elsewhere });
      expect(controlNone.code).toBe(1);
      expect(controlNone.stderr).toContain(`no token was sent (none in ${path.join(fs.realpathSync(elsewhere), '.logfun', 'admin-token')} or $LOGFUN_CONTROL_TOKEN or $LOGFUN_CONSOLE_TOKEN) (401)`);
      expect(controlNone.stderr).toContain('pass --token <token> or set $LOGFUN_CONSOLE_TOKEN');
      const controlWithConsoleToken = await run(['control', 'list', '--admin', admin], { cwd: elsewhere, env: { LOGFUN_CONSOLE_TOKEN: token } });
      expect([controlWithConsoleToken.code, controlWithConsoleToken.stdout.trim()]).toEqual([0, '(no rules)']);

      // A folder an earlier collector ran in keeps its token file, not its admin-url record (removed at
      // its stop): that token is not sent to another collector, and the message says so, not "none in".
      fs.mkdirSync(path.join(elsewhere, '.logfun'));
      fs.writeFileSync(path.join(elsewhere, '.logfun', 'admin-token'), 'an-earlier-collectors-token\n', { mode: 0o600 });
      for (const args of [['sql', 'SELECT 1'], ['control', 'list']]) {
        const stale = await run([...args, '--admin', admin], { cwd: elsewhere });
        expect(stale.code).toBe(1);
        expect(stale.stderr).toContain(
          `no token was sent (the token in ${path.join(fs.realpathSync(elsewhere), '.logfun', 'admin-token')} is not sent: no collector started in that folder runs now`,
        );
      }
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }

    const signIn = await fetch(`${admin}/?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(token);
    const session = cookie.split(';')[0];
    expect((await fetch(`${admin}/api/v1/console/overview`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(`${admin}/api/v1/console/logout`, { method: 'POST', headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(`${admin}/api/v1/console/overview`, { headers: { cookie: session } })).status).toBe(401);
  } finally {
    await stop(first.proc);
  }

  // A second start keeps the token and does not print it again.
  const second = await startCollector(config, adminPort);
  try {
    expect(fs.readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect(second.stderr()).not.toContain(token);
    expect(second.stderr()).toContain(tokenFile);
  } finally {
    await stop(second.proc);
  }
});

test('--validate refuses a chDB path that cannot be used', async () => {
  const file = path.join(dir, 'unusable.yaml');
  fs.writeFileSync(path.join(dir, 'a-file'), 'not a folder');
  fs.writeFileSync(
    file,
    `receivers: {otlp: {protocols: {grpc: {endpoint: "127.0.0.1:0"}}}}
exporters: {clickhouse: {endpoint: "chdb://${path.join(dir, 'a-file', 'data')}"}}
service: {pipelines: {logs: {receivers: [otlp], exporters: [clickhouse]}}}
`,
  );
  const r = await run(['collector', '--config', file, '--validate']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('is not a folder');
});
