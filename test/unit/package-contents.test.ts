/**
 * What `npm pack` puts in the package a service installs (README, SDK section: the
 * package is installed from a clone or from the tarball `npm pack` makes there): the
 * built SDK, bridges, CLI, console and protocol files, and not the compiled tests,
 * benchmarks or TypeScript build state, which were half of it. Reads the list
 * `npm pack --dry-run --json` prints (the build in dist/: `npm run build` first).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

test('npm pack holds the SDK, bridges, CLI, console and protocol files; no compiled tests, benchmarks or build state', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'dist/sdk/index.js', 'dist/sdk/index.d.ts', 'dist/sdk/bridges/pino.js', 'dist/sdk/bridges/winston.js', 'dist/collector/cli.js']) {
    expect(files).toContain(needed);
  }
  expect(files.some((f) => f.startsWith('dist/console/'))).toBe(true);
  expect(files.some((f) => f.startsWith('proto/'))).toBe(true);
  expect(files.filter((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
});
