/**
 * `logfun` on bad input, as a newcomer types it: the built CLI in child processes.
 * An error names the command actually run (`logfun demo: ...`, not a processor's
 * config field), a number flag names the flag and what was typed, and a file named
 * on the command line that does not exist is one line `logfun <command>: <path>: no
 * such file` with exit status 2 (not Node's ENOENT text or a stack trace).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../kit/cli-run';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-cli-errors-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('errors name the command run', () => {
  test('logfun demo --rate abc: the demo and its flag, not the httpstats processor', async () => {
    const run = await runCli(['demo', '--rate', 'abc'], { timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('logfun demo: --rate: expected a number above 0, got "abc"\n');
  }, 30_000);

  test("commander's own errors (unknown option, missing argument) name the command too", async () => {
    const unknown = await runCli(['demo', '--rat', '5'], { timeoutMs: 20_000 });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^logfun demo: unknown option '--rat'\n/);
    const missing = await runCli(['sql'], { timeoutMs: 20_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("logfun sql: missing required argument 'query'\n");
  }, 30_000);

  test('an invalid config: logfun collector: invalid configuration (...)', async () => {
    const file = path.join(dir, 'kafka.yaml');
    fs.writeFileSync(file, 'receivers:\n  kafka: {}\n');
    const run = await runCli(['collector', '--config', file, '--validate'], { timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^logfun collector: invalid configuration \\(${file}\\):\n  - receivers\\.kafka: unknown receiver type "kafka"`));
  }, 30_000);

  test('a subcommand of a subcommand: logfun control set --sample 2', async () => {
    const run = await runCli(['control', 'set', '--service', 'shop', '--state', 'on', '--sample', '2', '--admin', 'http://127.0.0.1:9'], { timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('logfun control set: --sample: expected a number above 0 and of at most 1, got "2"\n');
  }, 30_000);
});

describe('a missing file: one line naming it, exit status 2', () => {
  test('logfun decode <missing file>', async () => {
    const missing = path.join(dir, 'missing.lf');
    const run = await runCli(['decode', missing], { timeoutMs: 20_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`logfun decode: ${missing}: no such file\n`);
  }, 30_000);

  test('logfun collector --config <missing file> (with and without --validate); a directory', async () => {
    const missing = path.join(dir, 'missing.yaml');
    for (const args of [['collector', '--config', missing], ['collector', '--config', missing, '--validate']]) {
      const run = await runCli(args, { timeoutMs: 20_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`logfun collector: ${missing}: no such file\n`);
    }
    const folder = await runCli(['collector', '--config', dir, '--validate'], { timeoutMs: 20_000 });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`logfun collector: ${dir}: is a directory\n`);
  }, 60_000);

  test('--token-file <missing file> of sql, tail and control', async () => {
    const missing = path.join(dir, 'no-token');
    for (const args of [['sql', 'SELECT 1'], ['tail'], ['control', 'list']]) {
      const run = await runCli([...args, '--token-file', missing, '--admin', 'http://127.0.0.1:9'], { timeoutMs: 20_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`logfun ${args[0] === 'control' ? 'control list' : args[0]}: ${missing}: no such file\n`);
    }
  }, 60_000);
});
