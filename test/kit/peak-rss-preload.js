/**
 * Test and bench kit: preloaded into a child process (node -r) to report what
 * it cost. At exit it writes one line to stderr:
 *   LOGFUN_RESOURCE_USAGE {"maxRssBytes":...,"cpuSeconds":...}
 * (peak resident set size, user + system CPU time).
 * Read it back with test/kit/cli-run.ts. Not loaded anywhere but in tests and benches.
 *
 * The peak is the process's own address space's high-water mark (VmHWM of
 * /proc/self/status), not process.resourceUsage().maxRSS: Linux carries a
 * forking parent's peak into the child's maxRSS across exec, so a child of a
 * large test runner (jest at several hundred MB) would report the runner's size.
 */
'use strict';

function ownPeakRssBytes() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.on('exit', () => {
  const u = process.resourceUsage();
  const line = JSON.stringify({ maxRssBytes: ownPeakRssBytes(), cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 });
  require('fs').writeSync(2, `\nLOGFUN_RESOURCE_USAGE ${line}\n`);
});
