/** Server versions, capabilities, schema selection and the DDL text (including cluster mode). */
import * as fs from 'fs';
import * as path from 'path';
import {
  createDatabaseSql,
  logsSchemaScript,
  logsTableSql,
  selectDedupMode,
  selectLogsSchema,
  ttlClause,
} from '../../collector/storage/clickhouse-schema';
import { capabilitiesForVersion, parseServerVersion, versionAtLeast } from '../../collector/storage/clickhouse-version';

const v = (text: string) => capabilitiesForVersion(parseServerVersion(text));
const base = { database: 'otel', table: 'otel_logs', ttlSeconds: 0 };

describe('server versions and capabilities', () => {
  test('parses the version texts servers report', () => {
    expect(parseServerVersion('18.16.1')).toEqual({ major: 18, minor: 16, text: '18.16.1' });
    expect(parseServerVersion('26.7.2.1')).toEqual({ major: 26, minor: 7, text: '26.7.2.1' });
    expect(() => parseServerVersion('banana')).toThrow(/unrecognised/);
    expect(versionAtLeast(parseServerVersion('21.8.3'), 21, 8)).toBe(true);
    expect(versionAtLeast(parseServerVersion('21.7.9'), 21, 8)).toBe(false);
    expect(versionAtLeast(parseServerVersion('22.1'), 21, 8)).toBe(true);
  });

  test('Debian 18.16 has none of the modern features', () => {
    expect(v('18.16.1')).toEqual({
      hasLowCardinality: false,
      hasCodecs: false,
      hasTTL: false,
      hasDateTime64: false,
      hasSkipIndexes: false,
      hasMap: false,
      hasQueryParams: false,
      hasNonReplicatedDedupWindow: false,
      hasInsertDedupToken: false,
      hasJSONCompactEachRow: false,
      hasNativeTypeConversion: false,
    });
  });

  test('current servers have all of them', () => {
    expect(Object.values(v('24.8.1')).every(Boolean)).toBe(true);
  });

  test('schema and deduplication are chosen by capability', () => {
    expect(selectLogsSchema(v('18.16.1'))).toBe('legacy');
    expect(selectLogsSchema(v('21.3'))).toBe('legacy'); // DateTime64 but no usable Map
    expect(selectLogsSchema(v('21.8'))).toBe('full');
    expect(selectLogsSchema(v('26.7.2.1'))).toBe('full');
    expect(selectDedupMode(v('18.16.1'))).toBe('insert-id');
    expect(selectDedupMode(v('21.8'))).toBe('insert-id'); // no insert_deduplication_token yet
    expect(selectDedupMode(v('22.3'))).toBe('token');
    expect(selectDedupMode({ ...v('22.3'), hasNonReplicatedDedupWindow: false })).toBe('insert-id');
    expect(selectDedupMode({ ...v('22.3'), hasNonReplicatedDedupWindow: false }, { name: 'ReplicatedMergeTree', params: '' })).toBe('token');
  });
});

describe('DDL', () => {
  test('TTL uses the largest whole unit, like the contrib exporter', () => {
    expect(ttlClause(0, 'TimestampTime')).toBe('');
    expect(ttlClause(3 * 86400, 'TimestampTime')).toBe('TTL TimestampTime + toIntervalDay(3)');
    expect(ttlClause(5 * 3600, 'TimestampTime')).toBe('TTL TimestampTime + toIntervalHour(5)');
    expect(ttlClause(90, 'TimestampTime')).toBe('TTL TimestampTime + toIntervalSecond(90)');
    expect(ttlClause(120, 'T')).toBe('TTL T + toIntervalMinute(2)');
  });

  test('the full table keeps the contrib exporter columns, types and codecs exactly, plus template columns', () => {
    const [sql] = logsTableSql('full', v('24.8'), base);
    const contribColumns = [
      'Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1))',
      'TimestampTime DateTime DEFAULT toDateTime(Timestamp)',
      'TraceId String CODEC(ZSTD(1))',
      'SpanId String CODEC(ZSTD(1))',
      'TraceFlags UInt8',
      'SeverityText LowCardinality(String) CODEC(ZSTD(1))',
      'SeverityNumber UInt8',
      'ServiceName LowCardinality(String) CODEC(ZSTD(1))',
      'Body String CODEC(ZSTD(1))',
      'ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
      'ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
      'ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1))',
      'ScopeName String CODEC(ZSTD(1))',
      'ScopeVersion LowCardinality(String) CODEC(ZSTD(1))',
      'ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
      'LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))',
      'EventName String CODEC(ZSTD(1))',
      'TemplateId UInt64 CODEC(ZSTD(1))',
      'TemplateArgs Array(String) CODEC(ZSTD(9))',
      'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
      'INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
      'INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8',
    ];
    for (const c of contribColumns) expect(sql).toContain(`    ${c},`);
    expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS `otel`\.`otel_logs` \(/);
    expect(sql).toContain(') ENGINE = MergeTree()\nPARTITION BY toDate(TimestampTime)\nPRIMARY KEY (ServiceName, TimestampTime)\nORDER BY (ServiceName, TimestampTime, Timestamp)\n');
    expect(sql).toMatch(/SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, min_bytes_for_wide_part = 134217728, non_replicated_deduplication_window = 1000$/);
    expect(sql).not.toContain('TTL ');
    expect(sql).not.toContain('InsertId');
    expect(logsTableSql('full', v('24.8'), { ...base, ttlSeconds: 86400 })[0]).toContain('\nTTL TimestampTime + toIntervalDay(1)\nSETTINGS');
  });

  test('the legacy table uses only what 18.16 has', () => {
    const [sql] = logsTableSql('legacy', v('18.16.1'), { ...base, ttlSeconds: 86400 });
    expect(sql).toContain('    Timestamp DateTime,\n    TimestampNanos UInt32,\n    TimestampTime DateTime ALIAS Timestamp,');
    expect(sql).toContain('    ResourceAttributes Nested(keys String, values String),');
    expect(sql).toContain('    LogAttributes Nested(keys String, values String),');
    expect(sql).toContain('    InsertId UInt64');
    expect(sql).toContain('ORDER BY (ServiceName, Timestamp, TimestampNanos)');
    for (const unsupported of ['CODEC', 'LowCardinality', 'Map(', 'DateTime64', 'TTL', 'INDEX', 'deduplication_window']) expect(sql).not.toContain(unsupported);
  });

  test('an old server with DateTime64 keeps the nanosecond Timestamp in the legacy table', () => {
    const [sql] = logsTableSql('legacy', v('20.3'), base);
    expect(sql).toContain('Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1))');
    expect(sql).toContain('TimestampTime DateTime DEFAULT toDateTime(Timestamp)');
    expect(sql).not.toContain('TimestampNanos');
    expect(sql).toContain('SeverityText LowCardinality(String) CODEC(ZSTD(1))');
  });

  test('cluster mode: ON CLUSTER everywhere, replicated local table, Distributed table over it', () => {
    const opts = {
      ...base,
      clusterName: 'logs_cluster',
      distributed: true,
      tableEngine: { name: 'ReplicatedMergeTree', params: "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'" },
    };
    expect(createDatabaseSql(opts)).toBe('CREATE DATABASE IF NOT EXISTS `otel` ON CLUSTER `logs_cluster`');
    const [local, dist] = logsTableSql('full', v('24.8'), opts);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS `otel`\.`otel_logs_local` ON CLUSTER `logs_cluster` \(/);
    expect(local).toContain(") ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')");
    expect(local).not.toContain('non_replicated_deduplication_window');
    expect(dist).toBe(
      'CREATE TABLE IF NOT EXISTS `otel`.`otel_logs` ON CLUSTER `logs_cluster` AS `otel`.`otel_logs_local`\n' +
        'ENGINE = Distributed(`logs_cluster`, `otel`, `otel_logs_local`, cityHash64(ServiceName, TraceId))',
    );
    // Without distributed, the cluster table is the one written to.
    const single = logsTableSql('full', v('24.8'), { ...opts, distributed: false });
    expect(single).toHaveLength(1);
    expect(single[0]).toMatch(/^CREATE TABLE IF NOT EXISTS `otel`\.`otel_logs` ON CLUSTER `logs_cluster` \(/);
  });

  test('deploy/clickhouse/*.sql are exactly what the exporter would run', () => {
    const dir = path.join(__dirname, '../../deploy/clickhouse');
    const statementsOf = (file: string) =>
      fs
        .readFileSync(path.join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('--'))
        .join('\n')
        .trim();
    expect(statementsOf('otel_logs.sql')).toBe(logsSchemaScript('full', v('24.8'), base).trim());
    expect(statementsOf('otel_logs_legacy.sql')).toBe(logsSchemaScript('legacy', v('18.16.1'), base).trim());
    expect(statementsOf('otel_logs_cluster.sql')).toBe(
      logsSchemaScript('full', v('24.8'), {
        ...base,
        ttlSeconds: 720 * 3600,
        clusterName: 'logfun',
        distributed: true,
        tableEngine: { name: 'ReplicatedMergeTree', params: "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'" },
      }).trim(),
    );
  });
});
