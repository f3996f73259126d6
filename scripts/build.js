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
 * fail the build as before (exit status of tsc).
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

// --dry lists the projects a build would compile, without compiling.
const dry = spawnSync(process.execPath, [tsc, '--build', '--dry', ...projects], { cwd: root, encoding: 'utf8' });
if (dry.status === 0 && !/would (build|update)/i.test(dry.stdout)) {
  say('build up to date');
  process.exit(0);
}
const first = !fs.existsSync(path.join(root, 'dist', '.tsbuildinfo'));
say(first ? 'building (the first build takes up to a minute)...' : 'rebuilding what changed...');
const started = Date.now();
const build = spawnSync(process.execPath, [tsc, '--build', ...projects], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  say(`build failed (tsc exit status ${build.status ?? build.signal})`);
  process.exit(build.status || 1);
}
say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
