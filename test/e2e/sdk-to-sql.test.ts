/**
 * End to end: a service logs through the logfun SDK over OTLP/gRPC into a real
 * `logfun collector` process writing to the embedded ClickHouse (chDB), and
 * `logfun sql` (the CLI, through the collector's admin API) returns the records.
 * Needs the build in dist/ (npm test builds first).
 */
import { execFile } from 'child_process';
import { promisify } from 'util';
import { createLogger } from '../../sdk';
import { CLI_PATH, startCollectorProcess, waitForCount, type CollectorProcess } from '../kit/collector-process';

const run = promisify(execFile);

async function logfunSql(c: CollectorProcess, query: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await run(process.execPath, [CLI_PATH, 'sql', query, '--format', 'json', '--admin', `http://127.0.0.1:${c.adminPort}`], { cwd: c.dir });
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

describe('SDK -> gRPC -> collector -> chDB -> logfun sql', () => {
  let collector: CollectorProcess;
  beforeAll(async () => {
    collector = await startCollectorProcess();
  });
  afterAll(async () => {
    await collector?.stop();
  });

  test('records arrive with their fields and are readable through the CLI', async () => {
    const log = createLogger({ service: 'checkout', endpoint: `127.0.0.1:${collector.grpcPort}`, serviceVersion: '1.2.3', exitHooks: false });
    const orders = [101, 102, 103];
    for (const order of orders) log.info`user ${'alice'} paid ${order * 10} cents for order ${order}`;
    log.warn('cart %s of %s took %d ms', 'c-9', 'bob', 12.5);
    log.child({ region: 'eu-west-1' }).error({ orderId: 'o-7' }, 'payment declined');
    await log.shutdown();
    expect(log.stats()).toMatchObject({ dropped: 0, exported: 5 });

    await waitForCount(collector, "ServiceName = 'checkout'", 5, 30_000);
    const rows = await logfunSql(
      collector,
      `SELECT Body, SeverityText, SeverityNumber, ServiceName, ScopeName, ResourceAttributes['service.version'] AS version,
              LogAttributes['log.record.template'] AS template, LogAttributes['log.record.arg.1'] AS arg1,
              LogAttributes['region'] AS region, LogAttributes['orderId'] AS orderId, toUnixTimestamp(Timestamp) AS ts
       FROM otel.otel_logs WHERE ServiceName = 'checkout' ORDER BY Timestamp`,
    );
    expect(rows.map((r) => r.Body)).toEqual([
      'user alice paid 1010 cents for order 101',
      'user alice paid 1020 cents for order 102',
      'user alice paid 1030 cents for order 103',
      'cart c-9 of bob took 12.5 ms',
      'payment declined',
    ]);
    expect(rows.map((r) => r.SeverityText)).toEqual(['INFO', 'INFO', 'INFO', 'WARN', 'ERROR']);
    expect(rows.map((r) => Number(r.SeverityNumber))).toEqual([9, 9, 9, 13, 17]);
    expect(rows[0]).toMatchObject({ ServiceName: 'checkout', ScopeName: 'logfun', version: '1.2.3', template: 'user {} paid {} cents for order {}', arg1: '1010' });
    expect(rows[3].template).toBe('cart {} of {} took {} ms');
    expect(rows[4]).toMatchObject({ region: 'eu-west-1', orderId: 'o-7' });
    const now = Date.now() / 1000;
    for (const r of rows) expect(Math.abs(Number(r.ts) - now)).toBeLessThan(120);

    // The table format is for people: a header, the rows, a count.
    const { stdout } = await run(process.execPath, [CLI_PATH, 'sql', "SELECT count() AS n FROM otel.otel_logs WHERE ServiceName = 'checkout'", '--admin', `http://127.0.0.1:${collector.adminPort}`], { cwd: collector.dir });
    expect(stdout).toMatch(/^n\s*\n─+\n5\s*\n\(1 row\)/);
  });

  test('the admin API refuses writes', async () => {
    await expect(logfunSql(collector, 'DROP TABLE otel.otel_logs')).rejects.toThrow(/read-only/);
    const rows = await logfunSql(collector, 'SELECT count() AS n FROM otel.otel_logs');
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });
});
