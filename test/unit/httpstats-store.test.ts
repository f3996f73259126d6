/** httpstats DDL by server capabilities and query-source selection (pure; the SQL runs in the integration tests). */
import { capabilitiesForVersion, parseServerVersion } from '../../collector/storage/clickhouse-version';
import { httpStatsSchemaSql, latencyQuantileSql, pickHttpStatsSource, selectHttpStatsSchema } from '../../collector/storage/httpstats-store';

const old = capabilitiesForVersion(parseServerVersion('18.16.1'));
const modern = capabilitiesForVersion(parseServerVersion('26.1.2.1'));

describe('httpstats schema', () => {
  it('uses the reduced variant on 18.16: no LowCardinality, codecs or TTL; same tables, engines and views', () => {
    expect(selectHttpStatsSchema(old)).toBe('legacy');
    expect(selectHttpStatsSchema(modern)).toBe('full');
    const legacy = httpStatsSchemaSql(old, { database: 'otel', rawTtlSeconds: 86_400 }).join('\n');
    expect(legacy).not.toMatch(/LowCardinality|CODEC|TTL/);
    const full = httpStatsSchemaSql(modern, { database: 'otel', rawTtlSeconds: 7 * 86_400 }).join('\n');
    expect(full).toMatch(/ServiceName LowCardinality\(String\)/);
    expect(full).toMatch(/TTL TimeStart \+ toIntervalDay\(7\)/);
    const shape = (sql: string) => sql.replace(/LowCardinality\(String\)/g, 'String').replace(/ CODEC\((?:[^()]|\([^()]*\))*\)/g, '').replace(/\nTTL .*|\nSETTINGS .*/g, '');
    expect(shape(full)).toBe(shape(legacy));
    for (const t of ['http_stats', 'http_stats_keys', 'http_stats_1m', 'http_stats_1h', 'http_stats_keys_1m', 'http_stats_keys_1h', 'http_alerts']) {
      expect(legacy).toContain(`CREATE TABLE IF NOT EXISTS \`otel\`.\`${t}\``);
    }
    expect(legacy).toMatch(/ENGINE = AggregatingMergeTree/);
    expect(legacy).toMatch(/LatencyBuckets AggregateFunction\(sumMap, Array\(Int16\), Array\(UInt64\)\)/);
    expect(legacy).toMatch(/CREATE MATERIALIZED VIEW IF NOT EXISTS `otel`.`http_stats_1h_mv` TO `otel`.`http_stats_1h`/);
    expect(legacy).toMatch(/ENGINE = SummingMergeTree\(Hits\)/);
  });

  it('reads from the coarsest table whose resolution divides the range and the step', () => {
    const h = Date.UTC(2024, 0, 1);
    expect(pickHttpStatsSource(h, h + 30 * 86_400_000, 3_600_000)).toBe('1h');
    expect(pickHttpStatsSource(h, h + 86_400_000, 300_000)).toBe('1m');
    expect(pickHttpStatsSource(h + 60_000, h + 3_600_000, 3_540_000)).toBe('1m');
    expect(pickHttpStatsSource(h, h + 3_600_000, 10_000)).toBe('raw');
    expect(pickHttpStatsSource(h + 10_000, h + 3_600_000, 3_590_000)).toBe('raw');
  });

  it('builds a quantile expression only for q in [0, 1]', () => {
    expect(latencyQuantileSql(0.5, 'h')).toMatch(/arrayCumSum\(tupleElement\(h, 2\)\)/);
    expect(() => latencyQuantileSql(1.5, 'h')).toThrow(/quantile/);
  });
});
