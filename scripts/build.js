#!/usr/bin/env node
/**
 * `npm run build` (and so `npm start`, `npm test`): compiles the two TypeScript
 * projects (tsconfig.json -> dist/, console/tsconfig.json -> dist/console/)
 * incrementally, and says what it does, since the first build is a minute of
 * silence on a slow machine.
 *
 * `tsc --build` keeps what it knows in dist/*.tsbuildinfo (gitignored with dist/;
 * deleting dist/ starts over) and skips a project whose inputs did not change, so
 * a second `npm start` costs the up-to-date check (about a second). Type errors
 * fail the build as before (exit status of tsc). Outputs written by something else
 * than this build (an older checkout's `tsc -p`) are noticed and rebuilt (--force).
 * Plain JavaScript: it runs before anything is compiled.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const projects = ['tsconfig.json', 'console/tsconfig.json'];
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const say = (line) => process.stderr.write(`logfun: ${line}\n`);

/** Newest mtime (ms) of the files under `dir`, skipping `skip` (folders or files); 0 when none. */
function newestUnder(dir, skip) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (skip.includes(p)) continue;
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p, skip) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * tsc --build trusts its .tsbuildinfo, written after the outputs. Outputs newer than
 * it were written by another compiler run (an older checkout's plain `tsc -p`): its
 * record no longer describes dist/, so everything is rebuilt.
 */
function outputsOverwritten() {
  const dist = path.join(root, 'dist');
  const mtime = (f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : Infinity);
  const mainInfo = path.join(dist, '.tsbuildinfo');
  const consoleInfo = path.join(dist, '.console.tsbuildinfo');
  return (
    newestUnder(dist, [mainInfo, consoleInfo, path.join(dist, 'console')]) > mtime(mainInfo) ||
    newestUnder(path.join(dist, 'console'), []) > mtime(consoleInfo)
  );
}

const force = fs.existsSync(path.join(root, 'dist')) && outputsOverwritten() ? ['--force'] : [];
// --dry lists the projects a build would compile, without compiling.
const dry = spawnSync(process.execPath, [tsc, '--build', '--dry', ...projects], { cwd: root, encoding: 'utf8' });
if (force.length === 0 && dry.status === 0 && !/would (build|update)/i.test(dry.stdout)) {
  say('build up to date');
  process.exit(0);
}
const first = !fs.existsSync(path.join(root, 'dist', '.tsbuildinfo'));
say(first || force.length ? 'building (the first build takes up to a minute)...' : 'rebuilding what changed...');
const started = Date.now();
const build = spawnSync(process.execPath, [tsc, '--build', ...force, ...projects], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  say(`build failed (tsc exit status ${build.status ?? build.signal})`);
  process.exit(build.status || 1);
}
say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
