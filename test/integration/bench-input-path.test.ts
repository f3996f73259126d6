/**
 * A bench run without its data (a newcomer has no shared data set next to the
 * repository) or with a path that does not exist says so in one usage line and
 * exits with status 2, rather than printing a stack trace (bench/lib.ts
 * benchInputPath). Built benches (dist/) in child processes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../kit/collector-process';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-bench-input-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string, args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('bench/access-log-parse with a file that does not exist: one line naming it, exit status 2', () => {
  const missing = path.join(dir, 'missing.log');
  const r = run(path.join(REPO_ROOT, 'dist', 'bench', 'access-log-parse.js'), [missing]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`access-log-parse: ${missing}: no such file or directory (--help for usage)\n`);
  expect(r.stdout).toBe('');
});

test('a bench run without its path argument and no default data: a usage line naming the argument, exit status 2', () => {
  // A bench whose default data is absent, as on a machine without the shared data sets.
  const bench = path.join(dir, 'some-bench.js');
  const absent = path.join(dir, 'no-shared-data', 'access.log');
  fs.writeFileSync(
    bench,
    `const { benchInputPath } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'bench', 'lib.js'))});\n` +
      `console.log(benchInputPath(process.argv[2], ${JSON.stringify(absent)}, '<file>: an access log to parse'));\n`,
  );
  const r = run(bench, []);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`some-bench: missing argument <file>: an access log to parse (the default, ${absent}, is not there) (--help for usage)\n`);
  // Given, it is what the bench reads.
  const present = path.join(dir, 'present.log');
  fs.writeFileSync(present, 'x\n');
  expect(run(bench, [present])).toEqual({ code: 0, stderr: '', stdout: `${present}\n` });
});
