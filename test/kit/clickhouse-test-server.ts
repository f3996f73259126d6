/**
 * Test kit: the shared ClickHouse server that server-backed test files run against.
 *
 * The server is LOGFUN_TEST_CLICKHOUSE_URL, else a local one (http://localhost:8123).
 *   - Variable set (CI): the suites always run, so a server that is down fails them loudly.
 *   - Variable unset: the local server is probed once; if nothing answers, the suites are
 *     skipped with a warning naming the file, never silently passed.
 */
import { execFileSync } from 'child_process';

export const DEFAULT_TEST_SERVER_URL = 'http://localhost:8123';

/** The server the tests use: LOGFUN_TEST_CLICKHOUSE_URL, else `fallbackUrl`. */
export function testServerUrl(fallbackUrl: string = DEFAULT_TEST_SERVER_URL): string {
  return process.env.LOGFUN_TEST_CLICKHOUSE_URL || fallbackUrl;
}

/**
 * True when `url + '/ping'` answers "Ok." within 2 s. Synchronous (the fetch runs in a
 * child node process) so the decision is made before any suite is declared.
 */
export function serverAnswersPing(url: string): boolean {
  try {
    const out = execFileSync(
      process.execPath,
      ['-e', `fetch(${JSON.stringify(url + '/ping')}, { signal: AbortSignal.timeout(2000) }).then(r => r.text()).then(t => process.stdout.write(t), () => {})`],
      { timeout: 5000, encoding: 'utf8' },
    );
    return out.startsWith('Ok');
  } catch {
    return false;
  }
}

/**
 * `describe` when the server tests should run, else `describe.skip` (after a warning naming
 * `fileLabel`). They run whenever LOGFUN_TEST_CLICKHOUSE_URL is set, even if that server is
 * down (so CI fails rather than skips); otherwise only when `url` answers /ping.
 * Call it at module level, before the suite is declared.
 */
export function describeWithServer(fileLabel: string, url: string = testServerUrl()): jest.Describe {
  if (process.env.LOGFUN_TEST_CLICKHOUSE_URL || serverAnswersPing(url)) return describe;
  // eslint-disable-next-line no-console
  console.warn(
    `${fileLabel}: the ClickHouse server tests are SKIPPED: LOGFUN_TEST_CLICKHOUSE_URL is unset and nothing answers on ${url}. ` +
      'Start clickhouse-server or set LOGFUN_TEST_CLICKHOUSE_URL to run them.',
  );
  return describe.skip;
}
