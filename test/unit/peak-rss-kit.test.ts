/**
 * test/kit/peak-rss-preload.js reports the child's own peak memory: Linux carries a
 * forking parent's peak into a child's getrusage maxRSS across exec, so a child of
 * a large test runner used to report the runner's size (a decode-garbage run under
 * the full suite read 409 MB for a ~70 MB child).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const PRELOAD = path.join(__dirname, '..', 'kit', 'peak-rss-preload.js');
const MB = 1024 * 1024;

test("a small child of a large parent reports its own peak, not the parent's", () => {
  const ballast = Buffer.alloc(400 * MB, 1); // this process's resident set grows by 400 MB
  const run = spawnSync(process.execPath, ['-r', PRELOAD, '-e', '0'], { encoding: 'utf8' });
  const m = /LOGFUN_RESOURCE_USAGE (\{.*\})/.exec(run.stderr);
  expect(m).not.toBeNull();
  const { maxRssBytes } = JSON.parse(m![1]) as { maxRssBytes: number };
  expect(ballast[ballast.length - 1]).toBe(1);
  expect(maxRssBytes).toBeGreaterThan(10 * MB);
  expect(maxRssBytes).toBeLessThan(200 * MB);
});
