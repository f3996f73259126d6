/** TSV encoding of log records, client-side parameter binding, error classification, exporter config. */
import { LogBatchBuilder } from '../../collector/pipeline/batch';
import { EncodeContext, LogsRowEncoder, tsvEscape, tsvQuoted, tsvStringArray, type TableColumn } from '../../collector/storage/clickhouse-logs-encoder';
import { bindParamsClientSide, quoteString, renderParamLiteral } from '../../collector/storage/clickhouse-params';
import { classifyClickHouseError, clickHouseErrorCode } from '../../collector/storage/clickhouse-errors';
import { createDefaultConfig, resolveConfig, validateConfig } from '../../collector/exporters/clickhouse/config';
import { backoffDelay } from '../../collector/exporters/clickhouse/backoff';
import { clickhouseExporterFactory } from '../../collector/exporters/clickhouse/factory';

const col = (name: string, type: string, defaultKind = ''): TableColumn => ({ name, type, defaultKind });

function oneRecordBatch() {
  const b = new LogBatchBuilder();
  const r = b.addResource({
    attributes: [
      { key: 'service.name', value: 'svc\tx' },
      { key: "k'1", value: 5n },
    ],
    droppedAttributesCount: 0,
    schemaUrl: 'u',
  });
  const s = b.addScope({ name: 'sc', version: 'v', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
  b.add(r, s, {
    timeUnixNano: 1700000000000000042n,
    severityNumber: 300,
    severityText: 'INFO',
    body: 'line1\nline2\\',
    attributes: [{ key: 'a', value: true }],
    flags: 0x1ff,
    traceId: 'ab',
    templateId: -1n,
    templateArgs: ['x\ty', "q'"],
  });
  return b.batch;
}

describe('TSV encoding', () => {
  test('escapes top-level fields and quoted strings inside arrays and maps', () => {
    expect(tsvEscape('plain')).toBe('plain');
    expect(tsvEscape('a\tb\nc\\d\re\0')).toBe('a\\tb\\nc\\\\d\\re\\0');
    expect(tsvQuoted("it's")).toBe("'it\\'s'");
    expect(tsvQuoted('t\tn\n\\')).toBe("'t\\tn\\n\\\\'");
    expect(tsvStringArray([])).toBe('[]');
    expect(tsvStringArray(['a', "b'"])).toBe("['a','b\\'']");
  });

  test('full schema: Map columns, DateTime64 text exact to the nanosecond, DEFAULT columns left to the server', () => {
    const enc = new LogsRowEncoder([
      col('Timestamp', 'DateTime64(9)'),
      col('TimestampTime', 'DateTime', 'DEFAULT'),
      col('TraceId', 'String'),
      col('TraceFlags', 'UInt8'),
      col('SeverityNumber', 'UInt8'),
      col('ServiceName', 'LowCardinality(String)'),
      col('Body', 'String'),
      col('ResourceAttributes', 'Map(LowCardinality(String), String)'),
      col('LogAttributes', 'Map(LowCardinality(String), String)'),
      col('TemplateId', 'UInt64'),
      col('TemplateArgs', 'Array(String)'),
      col('Custom', 'String'),
      col('Mat', 'String', 'MATERIALIZED'),
    ], 'TabSeparated');
    expect(enc.columns).toEqual(['Timestamp', 'TraceId', 'TraceFlags', 'SeverityNumber', 'ServiceName', 'Body', 'ResourceAttributes', 'LogAttributes', 'TemplateId', 'TemplateArgs']);
    expect(enc.unknownColumns).toEqual(['Custom']);
    expect(enc.hasInsertId).toBe(false);
    const line = enc.encodeRow(oneRecordBatch(), 0, new EncodeContext(), 0n);
    expect(line).toBe(
      [
        '1700000000.000000042',
        'ab',
        '255',
        '255',
        'svc\\tx',
        'line1\\nline2\\\\',
        "{'service.name':'svc\\tx','k\\'1':'5'}",
        "{'a':'true'}",
        '18446744073709551615',
        "['x\\ty','q\\'']",
      ].join('\t') + '\n',
    );
  });

  test('legacy schema: seconds padded to 10 digits, nanoseconds apart, Nested arrays, InsertId', () => {
    const enc = new LogsRowEncoder([
      col('Timestamp', 'DateTime'),
      col('TimestampNanos', 'UInt32'),
      col('TimestampTime', 'DateTime', 'ALIAS'),
      col('ResourceAttributes.keys', 'Array(String)'),
      col('ResourceAttributes.values', 'Array(String)'),
      col('InsertId', 'UInt64'),
    ], 'TabSeparated');
    expect(enc.hasInsertId).toBe(true);
    expect(enc.timestampKind).toBe('seconds');
    const b = oneRecordBatch();
    expect(enc.encodeRow(b, 0, new EncodeContext(), 123n)).toBe("1700000000\t42\t['service.name','k\\'1']\t['svc\\tx','5']\t123\n");
    b.timeUnixNano[0] = 0n;
    b.observedTimeUnixNano[0] = 86_400_000_000_007n;
    expect(enc.encodeRow(b, 0, new EncodeContext(), 1n)).toBe("0000086400\t7\t['service.name','k\\'1']\t['svc\\tx','5']\t1\n");
    b.timeUnixNano[0] = 4294967296n * 1_000_000_000n; // past DateTime's last second
    expect(enc.encodeRow(b, 0, new EncodeContext(), 1n)).toBeUndefined();
  });

  test('DateTime64 with fewer digits truncates the fraction', () => {
    const enc = new LogsRowEncoder([col('Timestamp', 'DateTime64(3)')], 'TabSeparated');
    expect(enc.encodeRow(oneRecordBatch(), 0, new EncodeContext(), 0n)).toBe('1700000000.000\n');
    const json = new LogsRowEncoder([col('Timestamp', 'DateTime64(3)')], 'JSONCompactEachRow');
    expect(json.encodeRow(oneRecordBatch(), 0, new EncodeContext(), 0n)).toBe('["1700000000.000"]\n');
  });

  test('JSONCompactEachRow: the same columns as JSON values, 64-bit integers as strings', () => {
    const enc = new LogsRowEncoder(
      [
        col('Timestamp', 'DateTime64(9)'),
        col('TraceFlags', 'UInt8'),
        col('SeverityNumber', 'UInt8'),
        col('ServiceName', 'LowCardinality(String)'),
        col('Body', 'String'),
        col('ResourceAttributes', 'Map(LowCardinality(String), String)'),
        col('LogAttributes.keys', 'Array(String)'),
        col('LogAttributes.values', 'Array(String)'),
        col('TemplateId', 'UInt64'),
        col('TemplateArgs', 'Array(String)'),
        col('InsertId', 'UInt64'),
      ],
      'JSONCompactEachRow',
    );
    const b = oneRecordBatch();
    b.attributes[0].push({ key: '__proto__', value: 'p' });
    const line = enc.encodeRow(b, 0, new EncodeContext(), 7n)!;
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual([
      '1700000000.000000042',
      255,
      255,
      'svc\tx',
      'line1\nline2\\',
      { 'service.name': 'svc\tx', "k'1": '5' },
      ['a', '__proto__'],
      ['true', 'p'],
      '18446744073709551615',
      ['x\ty', "q'"],
      '7',
    ]);
    // A lone surrogate (invalid UTF-16) is replaced, as the UTF-8 encoding of a TSV row would.
    b.body[0] = 'bad \ud800 pair \ud83d\ude00 ok';
    expect(JSON.parse(enc.encodeRow(b, 0, new EncodeContext(), 7n)!)[4]).toBe('bad \ufffd pair 😀 ok');
    const mapEnc = new LogsRowEncoder([col('Timestamp', 'DateTime64(9)'), col('LogAttributes', 'Map(String, String)')]);
    expect(mapEnc.format).toBe('JSONCompactEachRow');
    expect(mapEnc.encodeRow(b, 0, new EncodeContext(), 0n)).toBe('["1700000000.000000042",{"a":"true","__proto__":"p"}]\n');
  });

  test('a table without a writable Timestamp is refused', () => {
    expect(() => new LogsRowEncoder([col('Body', 'String')])).toThrow(/Timestamp/);
  });
});

describe('client-side parameter binding (servers without query parameters)', () => {
  test('renders typed, escaped literals', () => {
    expect(quoteString("a'b\\c\nd")).toBe("'a\\'b\\\\c\\nd'");
    expect(renderParamLiteral("x'", 'String')).toBe("'x\\''");
    expect(renderParamLiteral(18446744073709551615n, 'UInt64')).toBe("CAST('18446744073709551615' AS UInt64)");
    expect(renderParamLiteral(['a', 'b'], 'Array(String)')).toBe("['a', 'b']");
    expect(renderParamLiteral([1, 2], 'Array(UInt8)')).toBe("[CAST('1' AS UInt8), CAST('2' AS UInt8)]");
    expect(renderParamLiteral(null, 'String')).toBe('NULL');
    expect(renderParamLiteral(true, 'UInt8')).toBe("CAST('1' AS UInt8)");
    expect(renderParamLiteral(new Date(1700000000500), 'DateTime')).toBe("CAST('1700000000' AS DateTime)");
    expect(() => renderParamLiteral(NaN, 'Float64')).toThrow(/finite/);
    expect(() => renderParamLiteral('x', 'Array(String)')).toThrow(/array/);
  });

  test('replaces placeholders outside literals, identifiers and comments only', () => {
    const sql = "SELECT {a:String}, '{a:String}', `{a:String}`, \"{a:String}\" -- {a:String}\n/* {a:String} */ FROM t WHERE x = { b : UInt32 } AND s = 'it''s {a:String}'";
    expect(bindParamsClientSide(sql, { a: "v'", b: 7 })).toBe(
      "SELECT 'v\\'', '{a:String}', `{a:String}`, \"{a:String}\" -- {a:String}\n/* {a:String} */ FROM t WHERE x = CAST('7' AS UInt32) AND s = 'it''s {a:String}'",
    );
    expect(() => bindParamsClientSide('SELECT {nope:String}', {})).toThrow(/"nope" has no value/);
    expect(bindParamsClientSide('SELECT {1}', {})).toBe('SELECT {1}');
  });
});

describe('error classification', () => {
  test('data errors are permanent; others retryable; lost responses ambiguous', () => {
    const parse = new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \\t before: x, e.what() = DB::Exception');
    expect(clickHouseErrorCode(parse)).toBe(27);
    expect(classifyClickHouseError(parse)).toMatchObject({ kind: 'permanent', ambiguous: false, code: 27 });
    expect(classifyClickHouseError(Object.assign(new Error('Unknown element'), { code: '691', type: 'UNKNOWN_ELEMENT_OF_ENUM' }))).toMatchObject({ kind: 'permanent', code: 691 });
    expect(classifyClickHouseError(Object.assign(new Error('x'), { clickhouseCode: 241 }))).toMatchObject({ kind: 'retryable', ambiguous: false, code: 241 });
    expect(classifyClickHouseError(new Error('Code: 60. DB::Exception: Table x doesn\'t exist. (UNKNOWN_TABLE)'))).toMatchObject({ kind: 'retryable', ambiguous: false });
    expect(classifyClickHouseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toMatchObject({ kind: 'retryable', ambiguous: false });
    expect(classifyClickHouseError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({ kind: 'retryable', ambiguous: true });
    expect(classifyClickHouseError(new Error('Timeout error.'))).toMatchObject({ kind: 'retryable', ambiguous: true });
    expect(classifyClickHouseError(Object.assign(new Error('x'), { clickhouseCode: 319 }))).toMatchObject({ kind: 'retryable', ambiguous: true });
  });
});

describe('exporter config', () => {
  test('defaults are valid and resolve to numbers', () => {
    const cfg = createDefaultConfig();
    expect(cfg).toMatchObject({
      endpoint: 'chdb://./.logfun/data',
      database: 'otel',
      logs_table_name: 'otel_logs',
      create_schema: true,
      ttl: 0,
      batch: { max_rows: 100000, max_bytes: '32MiB', flush_interval: '1s' },
      queue: { on_full: 'block' },
      retry: { initial_interval: '500ms', max_interval: '30s', max_elapsed: '0' },
    });
    expect(validateConfig(cfg)).toEqual([]);
    expect(resolveConfig(cfg)).toMatchObject({
      batchMaxRows: 100000,
      batchMaxBytes: 32 * 1024 * 1024,
      flushIntervalMs: 1000,
      retryInitialMs: 500,
      retryMaxMs: 30000,
      retryMaxElapsedMs: 0,
      ttlSeconds: 0,
    });
    expect(clickhouseExporterFactory.type).toBe('clickhouse');
    expect(clickhouseExporterFactory.kind).toBe('exporter');
  });

  test('every problem is reported at once', () => {
    const errors = validateConfig({
      ...createDefaultConfig(),
      endpoint: 'ftp://x',
      database: 'bad name',
      ttl: 'forever',
      distributed: true,
      batch: { max_rows: 0, max_bytes: 'lots', flush_interval: '1s' },
      queue: { max_batches: 10, max_bytes: '1MiB', on_full: 'maybe' as 'drop', block_timeout: 0 },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^endpoint:/),
        expect.stringMatching(/^database:/),
        expect.stringMatching(/^ttl:/),
        expect.stringMatching(/^distributed: needs cluster_name/),
        expect.stringMatching(/^batch\.max_rows:/),
        expect.stringMatching(/^batch\.max_bytes:/),
        expect.stringMatching(/^queue\.on_full:/),
      ]),
    );
    expect(errors).toHaveLength(7);
    expect(() => resolveConfig({ ...createDefaultConfig(), logs_table_name: 'x;drop' })).toThrow(/logs_table_name/);
  });

  test('partial sections are completed from the defaults', () => {
    const r = resolveConfig({ ...createDefaultConfig(), batch: { max_rows: 5 } as never, ttl: '72h' });
    expect(r.batchMaxRows).toBe(5);
    expect(r.flushIntervalMs).toBe(1000);
    expect(r.ttlSeconds).toBe(72 * 3600);
  });
});

describe('backoff', () => {
  test('grows by the multiplier up to the maximum, jittered within the randomization factor', () => {
    const policy = { initialMs: 500, maxMs: 30_000, multiplier: 2, randomization: 0.5 };
    expect(backoffDelay(policy, 1, () => 0.5)).toBe(500);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(2000);
    expect(backoffDelay(policy, 20, () => 0.5)).toBe(30_000);
    expect(backoffDelay(policy, 1, () => 0)).toBe(250);
    expect(backoffDelay(policy, 1, () => 0.999999)).toBe(750);
  });
});
