/**
 * End to end, field by field: the official OpenTelemetry JS SDK with each official
 * OTLP exporter (gRPC, HTTP/protobuf, HTTP/JSON) -> an in-process logfun Collector
 * (otlp receiver -> batch processor -> clickhouse exporter) -> ClickHouse, then
 * every column of every stored row is compared with what the OpenTelemetry
 * Collector contrib ClickHouse exporter stores for the same record
 * (pcommon.Value.AsString() renderings, written out here by hand).
 *
 * Two stores: the embedded chDB (full contrib schema) and a real ClickHouse server
 * (Debian's 18.16 here: the reduced "legacy" schema with TimestampNanos and Nested
 * attribute maps). The server is LOGFUN_TEST_CLICKHOUSE_URL, else
 * http://127.0.0.1:8123; its block is skipped (with a message) only when that
 * variable is unset and nothing answers there.
 *
 * Each exporter kind has its own receiver, pipeline and database, so a row's
 * origin is known without tagging the records. Two sets of records go through
 * each exporter: the shared OTLP fixtures (one per Body kind, every attribute
 * type) and the edge cases below (TSV and JSON escaping, Unicode, number
 * renderings, extreme timestamps, empty fields, a large body).
 */
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Collector } from '../../collector/service/collector';
import { createMemoryLogger } from '../../collector/telemetry/diag';
import type { OtlpReceiver } from '../../collector/receivers/otlp/factory';
import type { ClickHouseLogsExporter } from '../../collector/exporters/clickhouse/factory';
import { openClickHouse, type ClickHouseStore } from '../../collector/storage/clickhouse-client';
import { BODY_KINDS, OBSERVED, SCHEMA_URL, SPAN_ID, TRACE_ID, emitFixtureRecords, fixtureTime, type OfficialExporterKind } from '../kit/otlp-fixtures';
import { describeWithServer, testServerUrl } from '../kit/clickhouse-test-server';

const EXPORTER_KINDS: OfficialExporterKind[] = ['grpc', 'http-proto', 'http-json'];
const NS_PER_S = 1_000_000_000n;

// ---------------------------------------------------------------------------------------------
// What each stored row must hold.

type Pairs = [string, string][];

/** One record as the contrib exporter stores it (every value already rendered as a string where the column is one). */
interface ExpectedRow {
  /** Identifies the row: the fixture's body.kind or the edge case's `case` attribute. */
  id: string;
  timeUnixNano: bigint;
  traceId: string;
  spanId: string;
  traceFlags: number;
  severityText: string;
  severityNumber: number;
  serviceName: string;
  body: string;
  resourceSchemaUrl: string;
  resourceAttributes: Pairs;
  scopeSchemaUrl: string;
  scopeName: string;
  scopeVersion: string;
  scopeAttributes: Pairs;
  logAttributes: Pairs;
  eventName: string;
}

/** Body of each fixture record as pcommon AsString() renders it (Go encoding/json for array/kvlist, base64 for bytes). */
const FIXTURE_BODY_STRINGS: Record<string, string> = {
  string: 'user u-17 paid 42 EUR',
  bool: 'true',
  int: '42',
  'negative int': '-9007199254740991',
  double: '1.5',
  bytes: 'AAEC/f8=',
  array: '["a",1,true,2.5]',
  kvlist: '{"a":"x","n":2}',
  nested: '{"list":[{"deep":[1,[2.5,"z"]]}],"map":{"inner":{"leaf":false}}}',
  empty: '',
};

function fixtureExpectations(): ExpectedRow[] {
  return BODY_KINDS.map(({ kind }, i) => {
    const withSpan = i % 2 === 0;
    return {
      id: kind,
      timeUnixNano: fixtureTime(i).ns,
      traceId: withSpan ? TRACE_ID : '',
      spanId: withSpan ? SPAN_ID : '',
      traceFlags: withSpan ? 1 : 0,
      severityText: 'WARN2',
      severityNumber: 14,
      serviceName: 'checkout',
      body: FIXTURE_BODY_STRINGS[kind],
      resourceSchemaUrl: '',
      resourceAttributes: [
        ['service.name', 'checkout'],
        ['deployment.environment.name', 'test'],
        ['host.cores', '8'],
      ],
      scopeSchemaUrl: SCHEMA_URL,
      scopeName: 'shop.payments',
      scopeVersion: '2.0.1',
      scopeAttributes: [['scope.team', 'payments']],
      // Record 0 carried two more attributes, beyond the SDK's limit of 7: dropped by the SDK.
      logAttributes: [
        ['body.kind', kind],
        ['index', String(i)],
        ['ratio', '0.25'],
        ['ok', 'true'],
        ['tags', '["x","y"]'],
        ['obj', '{"k":"v"}'],
        ['raw', 'Bw=='],
      ],
      eventName: withSpan ? 'payment.completed' : '',
    };
  });
}

const EDGE_TRACE_ID = '0123456789abcdef0123456789abcdef';
const EDGE_SPAN_ID = 'fedcba9876543210';
const EDGE_SERVICE = "edge 'svc'\t✓";
/** Every character TabSeparated and JSON must escape, plus HTML-sensitive and non-BMP ones. */
const NASTY = 'tab\there\nnewline\r\\back \'single\' "double" <b>&amp; ✓ 😀 nul\u0000end';
const LARGE_BODY = 'x'.repeat(100_000) + 'END';

/** Edge records, in the form otel-sdk-emitter.js reads (see test/kit/otel-sdk-emitter.js), and what each must become. */
function edgeCases(): { spec: object; expected: ExpectedRow[] } {
  const records: { sent: Record<string, unknown>; expected: Omit<ExpectedRow, 'serviceName' | 'resourceSchemaUrl' | 'resourceAttributes' | 'scopeSchemaUrl' | 'scopeName' | 'scopeVersion' | 'scopeAttributes'> }[] = [
    {
      sent: {
        timestamp: [1_700_000_100, 0],
        severityNumber: 9,
        severityText: 'INFO',
        body: NASTY,
        eventName: 'édition.😀',
        withSpan: true,
        attributes: { case: 'escapes', 'key\twith\ttabs': "v\\al'ue\n", 'quote"key': '<&>', 'unicode.ключ': 'значение ✓ 😀', 'empty.string': '', nothing: null, nasty: NASTY },
      },
      expected: {
        id: 'escapes',
        timeUnixNano: 1_700_000_100_000_000_000n,
        traceId: EDGE_TRACE_ID,
        spanId: EDGE_SPAN_ID,
        traceFlags: 1,
        severityText: 'INFO',
        severityNumber: 9,
        body: NASTY,
        logAttributes: [
          ['case', 'escapes'],
          ['key\twith\ttabs', "v\\al'ue\n"],
          ['quote"key', '<&>'],
          ['unicode.ключ', 'значение ✓ 😀'],
          ['empty.string', ''],
          // An attribute the SDK sends with an empty AnyValue: kept, rendered as ''.
          ['nothing', ''],
          ['nasty', NASTY],
        ],
        eventName: 'édition.😀',
      },
    },
    {
      sent: {
        // One second and one nanosecond after the epoch: exercises the zero-padded seconds.
        timestamp: [1, 1],
        severityNumber: 5,
        severityText: 'DEBUG',
        body: {
          zeta: 'z',
          Ärger: 1,
          alpha: ['<b>', {}, [], true, null, { $bytes: [] }],
          'tab\tkey': 'line\nbreak',
          'quote"': "it's \\ ok",
          emoji: '😀',
          ctrl: '\u0001\u001f\u007f\u2028\u2029',
        },
        withSpan: false,
        attributes: { case: 'json-rendering', 'arr.nested': [[1, 2], ['a', null]], 'map.html': { '<k>': '&' }, 'bytes.in.array': [{ $bytes: [255, 254] }] },
      },
      expected: {
        id: 'json-rendering',
        timeUnixNano: 1_000_000_001n,
        traceId: '',
        spanId: '',
        traceFlags: 0,
        severityText: 'DEBUG',
        severityNumber: 5,
        // Go encoding/json as pdata uses it: keys sorted by their UTF-8 bytes, HTML characters left as they are
        // (SetEscapeHTML(false)), control characters and U+2028/U+2029 escaped, DEL not, empty values and empty bytes as null.
        body:
          String.raw`{"alpha":["<b>",{},[],true,null,null],"ctrl":"\u0001\u001f` +
          '\u007f' +
          String.raw`\u2028\u2029","emoji":"😀","quote\"":"it's \\ ok","tab\tkey":"line\nbreak","zeta":"z","Ärger":1}`,
        logAttributes: [
          ['case', 'json-rendering'],
          ['arr.nested', '[[1,2],["a",null]]'],
          ['map.html', '{"<k>":"&"}'],
          ['bytes.in.array', '["//4="]'],
        ],
        eventName: '',
      },
    },
    {
      sent: {
        // The last nanosecond of 2105, the last year every server's DateTime can show (18.16's date tables end there).
        timestamp: [4_291_747_199, 999_999_999],
        severityNumber: 24,
        severityText: 'FATAL4',
        body: 1e-7,
        eventName: 'numbers',
        withSpan: true,
        attributes: {
          case: 'numbers',
          'max.safe': 9_007_199_254_740_991,
          'min.safe': -9_007_199_254_740_991,
          tiny: 5e-324,
          sum: 0.1 + 0.2,
          'neg.zero': -0,
          small: 1.5e-5,
          'exp.bound': 1e-6,
          'double.arr': [0.5, -1.25, 1e-7],
          negative: -2.5,
        },
      },
      expected: {
        id: 'numbers',
        timeUnixNano: 4_291_747_199_999_999_999n,
        traceId: EDGE_TRACE_ID,
        spanId: EDGE_SPAN_ID,
        traceFlags: 1,
        severityText: 'FATAL4',
        severityNumber: 24,
        // Go's shortest float formatting, ES6 style: exponent below 1e-6, fixed notation from there.
        body: '1e-7',
        logAttributes: [
          ['case', 'numbers'],
          ['max.safe', '9007199254740991'],
          ['min.safe', '-9007199254740991'],
          ['tiny', '5e-324'],
          ['sum', '0.30000000000000004'],
          // An integral JS number is an OTLP int: -0 goes out as int 0.
          ['neg.zero', '0'],
          ['small', '0.000015'],
          ['exp.bound', '0.000001'],
          ['double.arr', '[0.5,-1.25,1e-7]'],
          ['negative', '-2.5'],
        ],
        eventName: 'numbers',
      },
    },
    {
      // No severity, no span, no event name, an empty string body.
      sent: { timestamp: [1_700_000_200, 1], body: '', withSpan: false, attributes: { case: 'bare' } },
      expected: {
        id: 'bare',
        timeUnixNano: 1_700_000_200_000_000_001n,
        traceId: '',
        spanId: '',
        traceFlags: 0,
        severityText: '',
        severityNumber: 0,
        body: '',
        logAttributes: [['case', 'bare']],
        eventName: '',
      },
    },
    {
      // A record without a time (0) is stored at its observed time, as the contrib exporter does.
      sent: { timestamp: [0, 0], severityNumber: 17, severityText: 'ERROR', body: 'no time', withSpan: false, attributes: { case: 'observed-time' } },
      expected: {
        id: 'observed-time',
        timeUnixNano: OBSERVED.ns,
        traceId: '',
        spanId: '',
        traceFlags: 0,
        severityText: 'ERROR',
        severityNumber: 17,
        body: 'no time',
        logAttributes: [['case', 'observed-time']],
        eventName: '',
      },
    },
    {
      sent: { timestamp: [1_700_000_300, 999_999_999], severityNumber: 13, severityText: 'WARN', body: LARGE_BODY, withSpan: false, attributes: { case: 'large' } },
      expected: {
        id: 'large',
        timeUnixNano: 1_700_000_300_999_999_999n,
        traceId: '',
        spanId: '',
        traceFlags: 0,
        severityText: 'WARN',
        severityNumber: 13,
        body: LARGE_BODY,
        logAttributes: [['case', 'large']],
        eventName: '',
      },
    },
  ];
  const spec = {
    resource: { 'service.name': EDGE_SERVICE, 'res\\key': 'back\\slash', 'res.int': 7, 'res.bool': false, 'res.arr': ['a', 1], 'res.double': 0.5 },
    scope: { name: 'edge.scope\twith tab', attributes: { 'scope.int': -1, 'scope.arr': [true, false] } },
    attributeCountLimit: 128,
    traceId: EDGE_TRACE_ID,
    spanId: EDGE_SPAN_ID,
    records: records.map((r) => ({ observedTimestamp: OBSERVED.hr, ...r.sent })),
  };
  const expected = records.map(
    (r): ExpectedRow => ({
      ...r.expected,
      serviceName: EDGE_SERVICE,
      resourceSchemaUrl: '',
      resourceAttributes: [
        ['service.name', EDGE_SERVICE],
        ['res\\key', 'back\\slash'],
        ['res.int', '7'],
        ['res.bool', 'false'],
        ['res.arr', '["a",1]'],
        ['res.double', '0.5'],
      ],
      scopeSchemaUrl: '',
      scopeName: 'edge.scope\twith tab',
      scopeVersion: '',
      scopeAttributes: [
        ['scope.int', '-1'],
        ['scope.arr', '[true,false]'],
      ],
    }),
  );
  return { spec, expected };
}

const EXPECTED_ROWS: ExpectedRow[] = [...fixtureExpectations(), ...edgeCases().expected];

/** Runs otel-sdk-emitter.js (the official SDK + exporter, in a plain Node child) with a spec of our own. */
function emitSpec(kind: OfficialExporterKind, url: string, spec: object): Promise<string> {
  const script = path.join(__dirname, '..', 'kit', 'otel-sdk-emitter.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, kind, url, 'none'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`otel-sdk-emitter exited with ${code}: ${output}`))));
    child.stdin.end(JSON.stringify(spec));
  });
}

// ---------------------------------------------------------------------------------------------
// Reading rows back, one normalized value per table column.

interface ColumnInfo {
  name: string;
  type: string;
  default_kind: string;
}

/** Column name -> type of each schema, exactly (a new column fails the test until it is checked here too). */
const FULL_SCHEMA_COLUMNS: Record<string, string> = {
  Timestamp: 'DateTime64(9)',
  TimestampTime: 'DateTime',
  TraceId: 'String',
  SpanId: 'String',
  TraceFlags: 'UInt8',
  SeverityText: 'LowCardinality(String)',
  SeverityNumber: 'UInt8',
  ServiceName: 'LowCardinality(String)',
  Body: 'String',
  // body: rendered (the default): Body is an ALIAS; RawBody holds the bodies no template renders (here: all).
  RawBody: 'String',
  ResourceSchemaUrl: 'LowCardinality(String)',
  ResourceAttributes: 'Map(LowCardinality(String), String)',
  ScopeSchemaUrl: 'LowCardinality(String)',
  ScopeName: 'String',
  ScopeVersion: 'LowCardinality(String)',
  ScopeAttributes: 'Map(LowCardinality(String), String)',
  LogAttributes: 'Map(LowCardinality(String), String)',
  EventName: 'String',
  TemplateId: 'UInt64',
  TemplateArgs: 'Array(String)',
};

const LEGACY_18_SCHEMA_COLUMNS: Record<string, string> = {
  Timestamp: 'DateTime',
  TimestampNanos: 'UInt32',
  TimestampTime: 'DateTime',
  TraceId: 'String',
  SpanId: 'String',
  TraceFlags: 'UInt8',
  SeverityText: 'String',
  SeverityNumber: 'UInt8',
  ServiceName: 'String',
  Body: 'String',
  ResourceSchemaUrl: 'String',
  'ResourceAttributes.keys': 'Array(String)',
  'ResourceAttributes.values': 'Array(String)',
  ScopeSchemaUrl: 'String',
  ScopeName: 'String',
  ScopeVersion: 'String',
  'ScopeAttributes.keys': 'Array(String)',
  'ScopeAttributes.values': 'Array(String)',
  'LogAttributes.keys': 'Array(String)',
  'LogAttributes.values': 'Array(String)',
  EventName: 'String',
  TemplateId: 'UInt64',
  TemplateArgs: 'Array(String)',
  InsertId: 'UInt64',
};

const quote = (name: string): string => '`' + name + '`';

/** "YYYY-MM-DD hh:mm:ss" (UTC) of a nanosecond timestamp, with `digits` fractional digits. */
function utcText(ns: bigint, digits: number): string {
  const seconds = ns / NS_PER_S;
  const text = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return digits === 0 ? text : text + '.' + (ns % NS_PER_S).toString().padStart(9, '0').slice(0, digits);
}

/**
 * Reads every row of `table` with every column of the table (ALIAS ones included, which
 * `SELECT *` leaves out) and time columns also as exact numbers, so each one can be compared.
 */
async function readRows(store: ClickHouseStore, database: string, table: string): Promise<{ columns: ColumnInfo[]; rows: Record<string, unknown>[] }> {
  const columns = await store.query<ColumnInfo>('SELECT name, type, default_kind FROM system.columns WHERE database = {db:String} AND table = {table:String}', { db: database, table });
  const ts = columns.find((c) => c.name === 'Timestamp');
  if (!ts) throw new Error(`${database}.${table} has no Timestamp column`);
  const extras: string[] = [];
  if (/^DateTime64/.test(ts.type)) {
    extras.push("toUnixTimestamp64Nano(Timestamp) AS `$ns`", "toString(Timestamp, 'UTC') AS `$utc`");
  } else if (columns.some((c) => c.name === 'TimestampNanos')) {
    extras.push("toString(toUInt64(Timestamp) * 1000000000 + TimestampNanos) AS `$ns`", "toString(Timestamp, 'UTC') AS `$utc`");
  } else {
    extras.push("toString(toUInt64(Timestamp) * 1000000000) AS `$ns`", "toString(Timestamp, 'UTC') AS `$utc`");
  }
  if (columns.some((c) => c.name === 'TimestampTime')) extras.push('toUInt64(TimestampTime) AS `$timestampTime`');
  if (columns.some((c) => c.name === 'ObservedTimestamp')) extras.push('toString(toUnixTimestamp64Nano(ObservedTimestamp)) AS `$observedNs`');
  const rows = await store.query(`SELECT ${[...columns.map((c) => quote(c.name)), ...extras].join(', ')} FROM ${quote(database)}.${quote(table)}`);
  return { columns, rows };
}

/** The value of one column of a stored row, normalized for comparison (time columns as exact numbers). */
function actualValue(column: ColumnInfo, row: Record<string, unknown>): unknown {
  switch (column.name) {
    case 'Timestamp':
      return { unixNanos: String(row.$ns), utc: row.$utc };
    case 'TimestampTime':
      return { unixSeconds: String(row.$timestampTime) };
    case 'ObservedTimestamp':
      return { unixNanos: String(row.$observedNs) };
    case 'InsertId': {
      // Random per insert block (63 bits), so only its form is fixed; uniqueness is checked per table.
      const id = String(row.InsertId);
      return /^\d+$/.test(id) && BigInt(id) < 1n << 63n ? 'a 63-bit insert id' : `not an insert id: ${id}`;
    }
    case 'Body':
    case 'RawBody':
      return abbreviated(String(row[column.name]));
    default:
      // A Map as its pairs in stored order (the SDK's attribute order; none of these keys is integer-like, which a JS object would reorder).
      return /^Map\(/.test(column.type) ? Object.entries(row[column.name] as Record<string, string>) : row[column.name];
  }
}

/** Long strings as their length and digest, so a failure's diff stays readable. */
function abbreviated(s: string): string {
  return s.length <= 200 ? s : `<${s.length} characters, sha256 ${createHash('sha256').update(s).digest('hex').slice(0, 16)}>`;
}

/** The value `column` must hold for `e`, in actualValue()'s form; throws for a column this test does not know. */
function expectedValue(column: ColumnInfo, e: ExpectedRow): unknown {
  const dateTime64 = /^DateTime64\((\d+)/.exec(column.type);
  const seconds = e.timeUnixNano / NS_PER_S;
  switch (column.name) {
    case 'Timestamp':
      return dateTime64
        ? { unixNanos: e.timeUnixNano.toString(), utc: utcText(e.timeUnixNano, Number(dateTime64[1])) }
        : // A DateTime column keeps whole seconds; the nanoseconds are in TimestampNanos ($ns combines both).
          { unixNanos: e.timeUnixNano.toString(), utc: utcText(e.timeUnixNano, 0) };
    case 'TimestampNanos':
      return Number(e.timeUnixNano % NS_PER_S);
    case 'TimestampTime':
      return { unixSeconds: seconds.toString() };
    case 'ObservedTimestamp':
      return { unixNanos: OBSERVED.ns.toString() };
    case 'TraceId':
      return e.traceId;
    case 'SpanId':
      return e.spanId;
    case 'TraceFlags':
      return e.traceFlags;
    case 'SeverityText':
      return e.severityText;
    case 'SeverityNumber':
      return e.severityNumber;
    case 'ServiceName':
      return e.serviceName;
    case 'Body':
    case 'RawBody': // no template processor in this pipeline: every body is stored
      return abbreviated(e.body);
    case 'ResourceSchemaUrl':
      return e.resourceSchemaUrl;
    case 'ResourceAttributes':
      return e.resourceAttributes;
    case 'ResourceAttributes.keys':
      return e.resourceAttributes.map(([k]) => k);
    case 'ResourceAttributes.values':
      return e.resourceAttributes.map(([, v]) => v);
    case 'ScopeSchemaUrl':
      return e.scopeSchemaUrl;
    case 'ScopeName':
      return e.scopeName;
    case 'ScopeVersion':
      return e.scopeVersion;
    case 'ScopeAttributes':
      return e.scopeAttributes;
    case 'ScopeAttributes.keys':
      return e.scopeAttributes.map(([k]) => k);
    case 'ScopeAttributes.values':
      return e.scopeAttributes.map(([, v]) => v);
    case 'LogAttributes':
      return e.logAttributes;
    case 'LogAttributes.keys':
      return e.logAttributes.map(([k]) => k);
    case 'LogAttributes.values':
      return e.logAttributes.map(([, v]) => v);
    case 'EventName':
      return e.eventName;
    // No template processor in this pipeline: no template.
    case 'TemplateId':
      return '0';
    case 'TemplateArgs':
      return [];
    case 'InsertId':
      return 'a 63-bit insert id';
  }
  throw new Error(`column ${column.name} (${column.type}) has no expectation in this test: add one`);
}

/** The row's identity: body.kind for the fixtures, `case` for the edge records. */
function rowId(row: Record<string, unknown>): string {
  const attrs: Record<string, string> =
    row.LogAttributes !== undefined
      ? (row.LogAttributes as Record<string, string>)
      : Object.fromEntries((row['LogAttributes.keys'] as string[]).map((k, i) => [k, (row['LogAttributes.values'] as string[])[i]]));
  return attrs['body.kind'] ?? attrs.case ?? '<unidentified>';
}

/** Asserts that the table holds exactly EXPECTED_ROWS, every column of every row. */
async function expectStoredRows(store: ClickHouseStore, database: string, table: string, schemaColumns: Record<string, string>): Promise<void> {
  const { columns, rows } = await readRows(store, database, table);
  expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual(schemaColumns);

  const ids = rows.map(rowId).sort();
  expect(ids).toEqual(EXPECTED_ROWS.map((e) => e.id).sort());
  // All rows compared at once, so a failure shows every differing field of every row.
  const byId = new Map(rows.map((r) => [rowId(r), r]));
  const actual = EXPECTED_ROWS.map((e) => Object.fromEntries([['id', e.id], ...columns.map((c) => [c.name, actualValue(c, byId.get(e.id)!)])]));
  const expected = EXPECTED_ROWS.map((e) => Object.fromEntries([['id', e.id], ...columns.map((c) => [c.name, expectedValue(c, e)])]));
  expect(actual).toEqual(expected);
  if (columns.some((c) => c.name === 'InsertId')) {
    expect(new Set(rows.map((r) => r.InsertId)).size).toBe(rows.length);
  }
}

// ---------------------------------------------------------------------------------------------
// The pipeline under test.

/** Name part of each exporter kind's receiver, pipeline and exporter ("http-json" -> "http_json"). */
function id(kind: OfficialExporterKind): string {
  return kind.replace('-', '_');
}

/** Database of each exporter kind's pipeline. */
function databaseOf(prefix: string, kind: OfficialExporterKind): string {
  return `${prefix}_${id(kind)}`;
}

function collectorYaml(endpoint: string, dbPrefix: string): string {
  const lines = ['receivers:'];
  for (const k of EXPORTER_KINDS) {
    lines.push(`  otlp/${id(k)}:`, '    protocols:', '      grpc: { endpoint: "127.0.0.1:0" }', '      http: { endpoint: "127.0.0.1:0" }');
  }
  lines.push('processors:', '  batch: { send_batch_size: 1000, timeout: 50ms }', 'exporters:');
  for (const k of EXPORTER_KINDS) {
    lines.push(
      `  clickhouse/${id(k)}:`,
      `    endpoint: ${JSON.stringify(endpoint)}`,
      `    database: ${databaseOf(dbPrefix, k)}`,
      '    batch: { flush_interval: 50ms }',
      '    retry: { max_elapsed: 20s }',
      '    shutdown_timeout: 10s',
    );
  }
  lines.push('service:', '  telemetry:', '    admin: { endpoint: "127.0.0.1:0" }', '  pipelines:');
  for (const k of EXPORTER_KINDS) {
    lines.push(`    logs/${id(k)}: { receivers: [otlp/${id(k)}], processors: [batch], exporters: [clickhouse/${id(k)}] }`);
  }
  return lines.join('\n') + '\n';
}

interface RunningPipeline {
  collector: Collector;
  logger: ReturnType<typeof createMemoryLogger>;
  receiver(kind: OfficialExporterKind): OtlpReceiver;
  exporter(kind: OfficialExporterKind): ClickHouseLogsExporter;
}

async function startPipeline(endpoint: string, dbPrefix: string): Promise<RunningPipeline> {
  const logger = createMemoryLogger();
  const collector = new Collector({ yaml: collectorYaml(endpoint, dbPrefix), logger });
  await collector.start();
  return {
    collector,
    logger,
    receiver: (kind) => collector.component<OtlpReceiver>(`receiver:otlp/${id(kind)}`),
    exporter: (kind) => collector.component<ClickHouseLogsExporter>(`exporter:clickhouse/${id(kind)}`),
  };
}

function exporterUrl(rx: OtlpReceiver, kind: OfficialExporterKind): string {
  return kind === 'grpc' ? `http://127.0.0.1:${rx.grpcPort}` : `http://127.0.0.1:${rx.httpPort}/v1/logs`;
}

/** Emits the fixture and edge records through `kind`'s official exporter. */
async function emitAll(p: RunningPipeline, kind: OfficialExporterKind): Promise<string> {
  const url = exporterUrl(p.receiver(kind), kind);
  const outputs = await Promise.all([emitFixtureRecords(kind, url), emitSpec(kind, url, edgeCases().spec)]);
  return outputs.join('\n');
}

async function countRows(store: ClickHouseStore, database: string): Promise<number> {
  const rows = await store.query<{ n: string }>(`SELECT count() AS n FROM ${quote(database)}.otel_logs`);
  return Number(rows[0].n);
}

/** Waits until `database` holds `n` rows (and the exporter has nothing pending), or fails with what is known. */
async function waitForRows(p: RunningPipeline, kind: OfficialExporterKind, database: string, n: number, emitterOutput: string): Promise<void> {
  const exporter = p.exporter(kind);
  const deadline = Date.now() + 20_000;
  let have = -1;
  while (Date.now() < deadline) {
    const store = exporter.getStore();
    if (store) {
      have = await countRows(store, database);
      if (have >= n) {
        await exporter.flush(5_000);
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const metrics = ['logfun_exporter_sent_records_total', 'logfun_exporter_failed_records_total']
    .map((m) => `${m}=${p.collector.metrics.value(m, { exporter: `clickhouse/${id(kind)}` })}`)
    .join(' ');
  const warnings = p.logger.messages.filter((m) => m.level !== 'info').map((m) => `${m.level}: ${m.msg} ${JSON.stringify(m.fields ?? {})}`);
  throw new Error(`${database}: ${have} of ${n} rows after 20 s (${metrics})\ncollector warnings:\n${warnings.join('\n')}\nemitter output:\n${emitterOutput}`);
}

function defineExporterTests(getPipeline: () => RunningPipeline, dbPrefix: () => string, schemaColumns: () => Record<string, string>): void {
  test.each(EXPORTER_KINDS)('official %s exporter: every column of every record as the contrib exporter stores it', async (kind) => {
    const p = getPipeline();
    const database = databaseOf(dbPrefix(), kind);
    const output = await emitAll(p, kind);
    await waitForRows(p, kind, database, EXPECTED_ROWS.length, output);
    const store = p.exporter(kind).getStore()!;
    await expectStoredRows(store, database, 'otel_logs', schemaColumns());
    expect(p.collector.metrics.value('logfun_exporter_sent_records_total', { exporter: `clickhouse/${id(kind)}` })).toBe(EXPECTED_ROWS.length);
  });
}

// ---------------------------------------------------------------------------------------------

describe('official OTel exporters -> logfun collector -> chDB (full contrib schema)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-e2e-otel-chdb-'));
  let pipeline: RunningPipeline;

  beforeAll(async () => {
    pipeline = await startPipeline(`chdb://${dir}`, 'e2e');
  });
  afterAll(async () => {
    // chDB is one engine per process: release it before anything else in this file runs.
    await pipeline?.collector.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the exporters chose the full schema', () => {
    for (const kind of EXPORTER_KINDS) expect(pipeline.exporter(kind).schema).toBe('full');
  });

  defineExporterTests(() => pipeline, () => 'e2e', () => FULL_SCHEMA_COLUMNS);
});

const serverUrl = testServerUrl('http://127.0.0.1:8123');
const describeServer = describeWithServer('otel-exporters-to-clickhouse.test.ts', serverUrl);

describeServer(`official OTel exporters -> logfun collector -> ClickHouse server (${serverUrl})`, () => {
  // A database prefix of its own per run, so concurrent and earlier runs do not collide.
  const dbPrefix = `logfun_e2e_otel_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let pipeline: RunningPipeline;
  let admin: ClickHouseStore;
  let schemaColumns: Record<string, string>;

  beforeAll(async () => {
    admin = await openClickHouse({ endpoint: serverUrl });
    pipeline = await startPipeline(serverUrl, dbPrefix);
    // Debian's 18.16 gets the reduced schema; a newer server gets the contrib one.
    schemaColumns = pipeline.exporter('grpc').schema === 'full' ? FULL_SCHEMA_COLUMNS : LEGACY_18_SCHEMA_COLUMNS;
  });
  afterAll(async () => {
    await pipeline?.collector.shutdown();
    if (admin) {
      for (const kind of EXPORTER_KINDS) await admin.command(`DROP DATABASE IF EXISTS ${quote(databaseOf(dbPrefix, kind))}`);
      await admin.close();
    }
  });

  test('the exporters chose the schema for the server version', () => {
    const legacy = admin.serverVersion.major < 21 || (admin.serverVersion.major === 21 && admin.serverVersion.minor < 8);
    for (const kind of EXPORTER_KINDS) expect(pipeline.exporter(kind).schema).toBe(legacy ? 'legacy' : 'full');
  });

  defineExporterTests(() => pipeline, () => dbPrefix, () => schemaColumns);
});
