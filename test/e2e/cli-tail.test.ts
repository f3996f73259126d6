/**
 * `logfun tail` as users run it (the built CLI, dist/collector/cli.js: run
 * `npm run build` first) against a running collector (in process: OTLP/gRPC from
 * our SDK, chDB storage, console token): replays what was stored since --since,
 * follows new records live until SIGINT (exit 0); exits 1 with a clear message
 * when the collector is unreachable or refuses the token.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import { CLI_PATH } from '../kit/collector-process';
import { createLogger, type RootLogger } from '../../sdk';

jest.setTimeout(60_000);

const TOKEN = 'cli-tail-token';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-cli-tail-'));
let collector: Collector;
let admin: string;
let log: RootLogger;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exit: Promise<number | null>;
}

function tail(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [CLI_PATH, 'tail', ...args], { env: { ...process.env, LOGFUN_CONSOLE_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  let partial = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop()!;
    stdout.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout, stderr: () => err, exit };
}

async function waitFor(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  if (!fs.existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} missing: run \`npm run build\` first`);
  collector = new Collector({
    yaml: `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:0" }
exporters:
  clickhouse:
    endpoint: ${JSON.stringify(`chdb://${path.join(folder, 'data')}`)}
    database: cli_tail
    batch: { flush_interval: 100ms }
service:
  telemetry:
    admin: { endpoint: "127.0.0.1:0", console_token: ${JSON.stringify(TOKEN)} }
  pipelines:
    logs: { receivers: [otlp], exporters: [clickhouse] }
`,
    logger: createMemoryLogger(),
  });
  await collector.start();
  admin = `http://127.0.0.1:${collector.admin.port}`;
  const grpcPort = collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort;
  log = createLogger({ service: 'cli', endpoint: `127.0.0.1:${grpcPort}`, exitHooks: false, batch: { delayMs: 10 } });
});

afterAll(async () => {
  await log?.shutdown();
  await collector?.shutdown();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('replays since --since, follows live, one line per record, exits 0 on SIGINT', async () => {
  log.info`before the window`;
  await log.flush();
  await sleep(20);
  const since = new Date().toISOString();
  await sleep(2);
  for (let i = 1; i <= 20; i++) log.info`order ${i} placed`;
  log.warn`colour \u001b[31m${'red'}\u001b[0m and a\nnewline`;
  await log.flush();
  // Another service: filtered out by --service.
  const other = createLogger({ service: 'other', endpoint: new URL(admin).hostname + ':' + collector.component<{ grpcPort: number }>('receiver:otlp').grpcPort, exitHooks: false });
  other.info`not mine`;
  await other.shutdown();

  const t = tail(['--since', since, '--service', 'cli', '--admin', admin], { LOGFUN_CONSOLE_TOKEN: TOKEN });
  await waitFor('21 replayed lines', () => t.stdout.length >= 21);
  for (let i = 21; i <= 25; i++) log.info`order ${i} placed`;
  await log.flush();
  await waitFor('26 lines', () => t.stdout.length >= 26);
  await sleep(300);
  t.child.kill('SIGINT');
  expect(await t.exit).toBe(0);

  const lines = t.stdout;
  expect(lines.length).toBe(26);
  for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (INFO |WARN ) cli /);
  const bodies = lines.map((l) => l.replace(/^\S+ \S+\s+cli /, ''));
  expect(bodies.filter((b) => b.startsWith('order '))).toEqual(Array.from({ length: 25 }, (_, i) => `order ${i + 1} placed`));
  // Control characters are escaped: one line per record, nothing for the terminal to interpret.
  expect(bodies).toContain('colour \\x1b[31mred\\x1b[0m and a\\nnewline');
  expect(lines.join('\n')).not.toContain('\u001b');
  expect(bodies).not.toContain('before the window');
  expect(bodies.join('\n')).not.toContain('not mine');
});

test('--json prints each record as JSON; --severity and --grep filter', async () => {
  log.error`payment ${'declined'} for order ${7}`;
  log.error`disk ${'full'}`;
  log.info`payment ${'ok'}`;
  await log.flush();
  const t = tail(['--since', '1m', '--service', 'cli', '--severity', 'error', '--grep', 'PAYMENT', '--json', '--admin', admin, '--token', TOKEN]);
  await waitFor('one line', () => t.stdout.length >= 1);
  await sleep(500);
  t.child.kill('SIGTERM');
  expect(await t.exit).toBe(0);
  expect(t.stdout.length).toBe(1);
  const r = JSON.parse(t.stdout[0]) as { body: string; severityText: string; service: string; phase: string; timeNs: string };
  expect(r).toMatchObject({ body: 'payment declined for order 7', severityText: 'ERROR', service: 'cli', phase: 'replay' });
  expect(r.timeNs).toMatch(/^\d{19}$/);
});

test('exits 1 with a clear message when the token is wrong or missing, or a parameter is bad', async () => {
  const [wrong, missing, bad] = [['--token', 'wrong'], [], ['--token', TOKEN, '--since', 'last tuesday']].map((args) => tail(['--admin', admin, ...args]));
  for (const t of [wrong, missing]) expect(await t.exit).toBe(1);
  // Two different situations, two different messages: a token sent (and from where) and refused, or none sent at all.
  expect(wrong.stderr()).toMatch(/logfun tail: the collector at http:\/\/127\.0\.0\.1:\d+ refused the admin token sent \(from --token\) \(401\)/);
  // why none was sent: no token file, or (the test run's shared working folder) an earlier collector's token file without its URL record
  expect(missing.stderr()).toMatch(
    /logfun tail: the collector at http:\/\/127\.0\.0\.1:\d+ requires the admin token, and no token was sent \((none in \S+admin-token or \$LOGFUN_CONSOLE_TOKEN|the token in \S+admin-token is not sent: no collector started in that folder runs now)/,
  );
  expect(missing.stderr()).not.toContain('refused');
  expect(await bad.exit).toBe(1);
  expect(bad.stderr()).toMatch(/answered 400: since:/);
});

test('exits 1 with a clear message when no collector answers', async () => {
  // A port that was free a moment ago.
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const t = tail(['--admin', `http://127.0.0.1:${port}`]);
  expect(await t.exit).toBe(1);
  expect(t.stderr()).toMatch(/logfun tail: cannot reach the collector at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is it running\?/);
});
