/**
 * Test and bench kit: preloaded into a child process (node -r) to report what
 * it cost. At exit it writes one line to stderr:
 *   LOGFUN_RESOURCE_USAGE {"maxRssBytes":...,"cpuSeconds":...}
 * (process.resourceUsage: peak resident set size, user + system CPU time).
 * Read it back with test/kit/cli-run.ts. Not loaded anywhere but in tests and benches.
 */
'use strict';
process.on('exit', () => {
  const u = process.resourceUsage();
  const line = JSON.stringify({ maxRssBytes: u.maxRSS * 1024, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 });
  require('fs').writeSync(2, `\nLOGFUN_RESOURCE_USAGE ${line}\n`);
});
