import * as protobuf from 'protobufjs';
import { KeyValueList, LogBatchBuilder, type LogBatch } from '../../collector/pipeline/batch';
import { PermanentError } from '../../collector/pipeline/errors';
import { decodeExportRequest, decodeExportRequestJson, encodeExportRequest, encodeExportRequestJson } from '../../collector/otlp/convert';
import { decodeRpcStatus, encodeRpcStatus } from '../../collector/otlp/status';
import { referenceDecodeExportRequest, referenceEncodeExportRequest } from '../../collector/otlp/reference';
import { parseHostPort } from '../../collector/otlp/endpoint';
import { protoType } from '../../protocol/protos';
import { attributeMap, recordsOf } from '../kit/recording-consumer';
import { ANY_VALUE_KINDS as VALUES, richBatch as sampleBatch } from '../kit/otlp-fixtures';

function comparable(batch: LogBatch) {
  return recordsOf(batch);
}

describe('OTLP protobuf <-> LogBatch', () => {
  test('round trip keeps every field and every AnyValue kind exactly', () => {
    const batch = sampleBatch();
    const bytes = encodeExportRequest(batch);
    const back = decodeExportRequest(bytes);
    expect(back.length).toBe(batch.length);
    expect(comparable(back)).toEqual(comparable(batch));
    expect(back.byteSize).toBe(bytes.byteLength);
    expect(back.resources[0].serviceName).toBe('checkout');
  });

  test.each(VALUES)('body and attribute of kind %s survive', (_name, value) => {
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const s = b.addScope({ name: 's', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    b.add(r, s, { body: value, attributes: [{ key: 'v', value }] });
    const back = decodeExportRequest(encodeExportRequest(b.batch));
    expect(back.body[0]).toEqual(value);
    expect(back.attributes[0][0].value).toEqual(value);
  });

  test('records of interleaved resources and scopes are grouped and keep their resource and scope', () => {
    const b = new LogBatchBuilder();
    const ra = b.addResource({ attributes: [{ key: 'service.name', value: 'a' }], droppedAttributesCount: 0, schemaUrl: '' });
    const rb = b.addResource({ attributes: [{ key: 'service.name', value: 'b' }], droppedAttributesCount: 0, schemaUrl: '' });
    const sx = b.addScope({ name: 'x', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const sy = b.addScope({ name: 'y', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    const plan: [number, number, string][] = [
      [ra, sx, 'a-x-1'],
      [rb, sy, 'b-y-1'],
      [ra, sy, 'a-y-1'],
      [ra, sx, 'a-x-2'],
      [rb, sy, 'b-y-2'],
    ];
    for (const [r, s, body] of plan) b.add(r, s, { body });
    const bytes = encodeExportRequest(b.batch);
    const request = protoType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest').decode(bytes) as unknown as {
      resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[];
    };
    expect(request.resourceLogs).toHaveLength(2);
    expect(request.resourceLogs[0].scopeLogs.map((s) => s.logRecords.length)).toEqual([2, 1]);
    const back = recordsOf(decodeExportRequest(bytes));
    expect(back.map((r) => `${r.resource.serviceName}-${r.scope.name}-${r.body as string}`).sort()).toEqual(
      plan.map(([r, s, body]) => `${r === ra ? 'a' : 'b'}-${s === sx ? 'x' : 'y'}-${body}`).sort(),
    );
    expect(back.map((r) => r.body)).toEqual(['a-x-1', 'a-x-2', 'a-y-1', 'b-y-1', 'b-y-2']);
  });

  test('an empty request decodes to an empty batch', () => {
    expect(decodeExportRequest(new Uint8Array(0)).length).toBe(0);
    expect(encodeExportRequest(new LogBatchBuilder().batch).byteLength).toBe(0);
  });

  test('malformed protobuf is a PermanentError', () => {
    const truncated = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => decodeExportRequest(truncated)).toThrow(PermanentError);
    expect(() => decodeExportRequest(truncated)).toThrow(/malformed OTLP protobuf/);
    expect(() => decodeExportRequest(Buffer.from('this is certainly not a protobuf message'))).toThrow(PermanentError);
    const good = encodeExportRequest(sampleBatch());
    expect(() => decodeExportRequest(good.subarray(0, good.length - 3))).toThrow(PermanentError);
  });

  test('trace and span ids of the wrong length are rejected; all-zero ids mean unset', () => {
    const Request = protoType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
    const req = (rec: Record<string, unknown>) => Request.encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [rec] }] }] }).finish();
    expect(() => decodeExportRequest(req({ traceId: Buffer.alloc(5, 1) }))).toThrow(/logRecords\[0\]\.traceId: must be 16 bytes, got 5/);
    expect(() => decodeExportRequest(req({ spanId: Buffer.alloc(16, 1) }))).toThrow(/spanId: must be 8 bytes/);
    const zero = decodeExportRequest(req({ traceId: Buffer.alloc(16), spanId: Buffer.alloc(8) }));
    expect([zero.traceId[0], zero.spanId[0]]).toEqual(['', '']);
  });

  test('unknown fields at every level are skipped and the rest is intact', () => {
    const LogRecord = protoType('opentelemetry.proto.logs.v1.LogRecord');
    const rec = LogRecord.encode({ severityText: 'WARN', body: { stringValue: 'kept' }, timeUnixNano: 5 }).finish();
    const unknownVarint = (field: number) => protobuf.Writer.create().uint32((field << 3) | 0).uint64(123456).finish();
    const unknownBytes = (field: number) => protobuf.Writer.create().uint32((field << 3) | 2).bytes(Buffer.from('future')).finish();
    const recordWithUnknown = Buffer.concat([rec, unknownVarint(99), unknownBytes(100)]);
    const scopeLogs = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(recordWithUnknown).finish();
    const resourceLogs = Buffer.concat([protobuf.Writer.create().uint32((2 << 3) | 2).bytes(Buffer.concat([scopeLogs, unknownVarint(50)])).finish(), unknownBytes(77)]);
    const request = Buffer.concat([protobuf.Writer.create().uint32((1 << 3) | 2).bytes(resourceLogs).finish(), unknownVarint(1000)]);
    const batch = decodeExportRequest(request);
    expect(batch.length).toBe(1);
    expect([batch.severityText[0], batch.body[0], batch.timeUnixNano[0]]).toEqual(['WARN', 'kept', 5n]);
  });
});

describe('hand-written wire codec against the protobufjs reference', () => {
  test('each decodes what the other encodes, identically', () => {
    const batch = sampleBatch();
    expect(comparable(referenceDecodeExportRequest(encodeExportRequest(batch)))).toEqual(comparable(batch));
    expect(comparable(decodeExportRequest(referenceEncodeExportRequest(batch)))).toEqual(comparable(batch));
  });

  test('the hand-written encoder writes the bytes protobufjs writes: long and multi-byte strings, high time bits, ids, negative severity', () => {
    const batch = sampleBatch();
    const b = new LogBatchBuilder();
    const r = b.addResource({ attributes: [{ key: 'service.name', value: 'ünïcödé-svc' }], droppedAttributesCount: 3, schemaUrl: 'https://example.org/s' });
    const s = b.addScope({ name: 'scope', version: '1.2', attributes: [{ key: 'k', value: 'v' }], droppedAttributesCount: 0, schemaUrl: '' });
    const long = 'x'.repeat(300) + ' 日本語 ' + '\u{1F600}'.repeat(50);
    b.add(r, s, {
      timeUnixNano: 0xffff_ffff_ffff_ff00n,
      observedTimeUnixNano: 1n,
      severityNumber: -3,
      severityText: 'ÉRREUR',
      body: long,
      attributes: [{ key: long, value: [long, 'short', 7n, -7n, 1.5, true, new Uint8Array(200).fill(9)] }],
      traceId: '0123456789abcdef0123456789abcdef',
      spanId: 'fedcba9876543210',
      flags: 0xffff_ffff,
      eventName: 'évènement',
    });
    b.add(r, s, { body: 'plain' });
    for (const each of [batch, b.batch]) expect(Buffer.from(encodeExportRequest(each))).toEqual(Buffer.from(referenceEncodeExportRequest(each)));
  });

  const w = () => protobuf.Writer.create();
  const LogRecord = protoType('opentelemetry.proto.logs.v1.LogRecord');
  /** A request holding one LogRecord given as raw bytes. */
  const wrap = (record: Uint8Array, scopeLogsExtra: Uint8Array = new Uint8Array(0), resourceLogsPrefix: Uint8Array = new Uint8Array(0)) => {
    const scopeLogs = Buffer.concat([w().uint32((2 << 3) | 2).bytes(record).finish(), scopeLogsExtra]);
    const resourceLogs = Buffer.concat([resourceLogsPrefix, w().uint32((2 << 3) | 2).bytes(scopeLogs).finish()]);
    return w().uint32((1 << 3) | 2).bytes(resourceLogs).finish();
  };

  test('fields in any order: schema_url and resource after scope_logs, scope after log_records', () => {
    const record = LogRecord.encode({ body: { stringValue: 'b' } }).finish();
    const scope = w().uint32((1 << 3) | 2).string('late.scope').uint32((2 << 3) | 2).string('1.0').finish();
    const scopeLogs = Buffer.concat([w().uint32((2 << 3) | 2).bytes(record).finish(), w().uint32((3 << 3) | 2).string('scope-schema').finish(), w().uint32((1 << 3) | 2).bytes(scope).finish()]);
    const resource = w().uint32((1 << 3) | 2).bytes(w().uint32((1 << 3) | 2).string('service.name').uint32((2 << 3) | 2).bytes(w().uint32((1 << 3) | 2).string('late-svc').finish()).finish()).finish();
    const resourceLogs = Buffer.concat([w().uint32((2 << 3) | 2).bytes(scopeLogs).finish(), w().uint32((3 << 3) | 2).string('res-schema').finish(), w().uint32((1 << 3) | 2).bytes(resource).finish()]);
    const request = w().uint32((1 << 3) | 2).bytes(resourceLogs).finish();
    for (const decode of [decodeExportRequest, referenceDecodeExportRequest]) {
      const [r] = recordsOf(decode(request));
      expect([r.body, r.scope.name, r.scope.version, r.scope.schemaUrl, r.resource.serviceName, r.resource.schemaUrl]).toEqual(['b', 'late.scope', '1.0', 'scope-schema', 'late-svc', 'res-schema']);
    }
  });

  test('groups and known fields with an unexpected wire type are skipped like unknown fields', () => {
    const record = Buffer.concat([
      LogRecord.encode({ severityText: 'kept', timeUnixNano: '77' }).finish(),
      w().uint32((3 << 3) | 0).uint32(5).finish(), // severity_text (a string) sent as a varint
      w().uint32((200 << 3) | 3).uint32((1 << 3) | 0).uint32(1).uint32((200 << 3) | 4).finish(), // a group
    ]);
    for (const decode of [decodeExportRequest, referenceDecodeExportRequest]) {
      const [r] = recordsOf(decode(wrap(record)));
      expect([r.severityText, r.timeUnixNano]).toEqual(['kept', 77n]);
    }
  });

  test('negative severity numbers, non-canonical bools and repeated singular fields (last wins)', () => {
    const record = Buffer.concat([
      LogRecord.encode({ severityNumber: -3, body: { stringValue: 'first' } }).finish(),
      LogRecord.encode({ body: { boolValue: true } }).finish(),
    ]);
    const [r] = recordsOf(decodeExportRequest(wrap(record)));
    expect([r.severityNumber, r.body]).toEqual([-3, true]);
    const bool2 = w().uint32((5 << 3) | 2).bytes(w().uint32((2 << 3) | 0).uint32(2).finish()).finish();
    expect(decodeExportRequest(wrap(bool2)).body[0]).toBe(true);
    const bool2pow32 = w().uint32((5 << 3) | 2).bytes(w().uint32((2 << 3) | 0).uint64(2 ** 32).finish()).finish();
    expect(decodeExportRequest(wrap(bool2pow32)).body[0]).toBe(true);
  });

  test.each([
    ['invalid wire type', Buffer.from([(1 << 3) | 7])],
    ['length beyond the end', Buffer.from([(1 << 3) | 2, 50, 1, 2])],
    ['varint longer than 10 bytes', Buffer.from([(5 << 3) | 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['truncated fixed64', wrap(Buffer.from([(1 << 3) | 1, 1, 2, 3]))],
    ['unterminated group', Buffer.from([(9 << 3) | 3, (1 << 3) | 0, 1])],
  ])('%s is a PermanentError', (_name, bytes) => {
    expect(() => decodeExportRequest(bytes)).toThrow(PermanentError);
    expect(() => decodeExportRequest(bytes)).toThrow(/malformed OTLP protobuf/);
  });

  test('deep AnyValue nesting is rejected, not a stack overflow', () => {
    let value: Uint8Array = w().uint32((1 << 3) | 2).string('leaf').finish();
    for (let i = 0; i < 5000; i++) value = w().uint32((5 << 3) | 2).bytes(w().uint32((1 << 3) | 2).bytes(value).finish()).finish();
    const record = w().uint32((5 << 3) | 2).bytes(value).finish();
    expect(() => decodeExportRequest(wrap(record))).toThrow(/nested deeper/);
  });

  test('random corruption of a valid request decodes or fails with PermanentError, nothing else', () => {
    const good = Buffer.from(encodeExportRequest(sampleBatch()));
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let rejected = 0;
    for (let round = 0; round < 500; round++) {
      const bad = Buffer.from(good.subarray(0, good.length - rand(40)));
      for (let k = 0; k < 1 + rand(4); k++) bad[rand(bad.length)] = rand(256);
      try {
        decodeExportRequest(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(PermanentError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('OTLP/JSON <-> LogBatch', () => {
  test('round trip keeps every field and every AnyValue kind exactly', () => {
    const batch = sampleBatch();
    const text = encodeExportRequestJson(batch);
    const back = decodeExportRequestJson(text);
    expect(comparable(back)).toEqual(comparable(batch));
    expect(back.byteSize).toBe(text.length);
  });

  test('the JSON encoding follows the OTLP/JSON spelling', () => {
    const doc = JSON.parse(encodeExportRequestJson(sampleBatch()));
    const rec = doc.resourceLogs[0].scopeLogs[0].logRecords[7];
    expect(rec.timeUnixNano).toBe('1700000000123456796');
    expect(rec.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(rec.body).toEqual({ intValue: '9007199254740993' });
    expect(doc.resourceLogs[0].scopeLogs[0].logRecords[16].body).toEqual({ bytesValue: 'AAEC/v8=' });
  });

  test('accepts snake_case keys, numbers for int64, enum names, url-safe base64, and ignores unknown keys', () => {
    const text = `{
      "resource_logs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"string_value": "svc"}}], "future": 1},
        "scope_logs": [{
          "scope": {"name": "sc", "version": "9"},
          "log_records": [{
            "time_unix_nano": 1700000000123456789,
            "observed_time_unix_nano": "1700000000123456790",
            "severity_number": "SEVERITY_NUMBER_WARN",
            "severity_text": "WARN",
            "body": {"kvlist_value": {"values": [{"key": "k", "value": {"int_value": -9007199254740993}}]}},
            "attributes": [{"key": "b", "value": {"bytes_value": "_-8"}}, {"key": "d", "value": {"double_value": "NaN"}}, {"key": "n", "value": null}],
            "trace_id": "0AF7651916CD43DD8448EB211C80319C",
            "span_id": "B7AD6B7169203331",
            "flags": 257,
            "event_name": "ev",
            "someFutureField": {"x": [1, 2]}
          }]
        }]
      }]
    }`;
    const [r] = recordsOf(decodeExportRequestJson(text));
    expect(r.timeUnixNano).toBe(1700000000123456789n);
    expect(r.observedTimeUnixNano).toBe(1700000000123456790n);
    expect(r.severityNumber).toBe(13);
    expect(r.body).toEqual(new KeyValueList([{ key: 'k', value: -9007199254740993n }]));
    const attrs = attributeMap(r.attributes);
    expect(attrs.b).toEqual(new Uint8Array([0xff, 0xef]));
    expect(attrs.d).toBeNaN();
    expect(attrs.n).toBeUndefined();
    expect([r.traceId, r.spanId, r.flags, r.eventName]).toEqual(['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 257, 'ev']);
    expect(r.resource.serviceName).toBe('svc');
    expect([r.scope.name, r.scope.version]).toEqual(['sc', '9']);
  });

  test('an empty object is an empty request', () => {
    expect(decodeExportRequestJson('{}').length).toBe(0);
    expect(decodeExportRequestJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]}]}').resources).toHaveLength(0);
  });

  test.each([
    ['not JSON', '{"resourceLogs": [', /invalid JSON/],
    ['top level array', '[]', /expected a JSON object/],
    ['resourceLogs not an array', '{"resourceLogs": {}}', /at resourceLogs: expected an array/],
    ['severityText a number', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText": 5}]}]}]}', /at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.severityText: expected a string, got number 5/],
    ['time not an integer', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano": "soon"}]}]}]}', /timeUnixNano: expected an integer/],
    ['negative time', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano": -1}]}]}]}', /timeUnixNano: integer -1 out of range/],
    ['trace id base64', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId": "CvdlGRbNQ92ESOshHIAxnA=="}]}]}]}', /traceId: expected 32 hex characters/],
    ['int out of range', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body": {"intValue": "9223372036854775808"}}]}]}]}', /body\.intValue: integer 9223372036854775808 out of range/],
    ['two AnyValue members', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body": {"stringValue": "a", "intValue": 1}}]}]}]}', /body: AnyValue has both stringValue and intValue set/],
    ['bad nested attribute', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":{"arrayValue":{"values":[{"boolValue":"yes"}]}}}]}]}]}]}', /attributes\[0\]\.value\.arrayValue\.values\[0\]\.boolValue: expected true or false/],
    ['bad bytes', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body": {"bytesValue": "not base64!"}}]}]}]}', /bytesValue: expected a base64 string/],
    ['bad resource attribute', '{"resourceLogs":[{"resource":{"attributes":[{"key": 1}]},"scopeLogs":[{"logRecords":[{}]}]}]}', /at resourceLogs\[0\]\.resource\.attributes\[0\]\.key: expected a string/],
    ['unknown severity name', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber": "LOUD"}]}]}]}', /unknown SeverityNumber "LOUD"/],
  ])('rejects %s with a PermanentError naming the problem', (_name, text, message) => {
    let error: unknown;
    try {
      decodeExportRequestJson(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(message);
  });

  test('very deep AnyValue nesting is rejected, not a stack overflow', () => {
    let v = '{"stringValue":"x"}';
    for (let i = 0; i < 200; i++) v = `{"arrayValue":{"values":[${v}]}}`;
    expect(() => decodeExportRequestJson(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${v}}]}]}]}`)).toThrow(/nested deeper/);
  });
});

describe('google.rpc.Status and endpoints', () => {
  test('RetryInfo delay survives a Status round trip', () => {
    expect(decodeRpcStatus(encodeRpcStatus({ code: 14, message: 'busy', retryDelayMs: 2500 }))).toEqual({ code: 14, message: 'busy', retryDelayMs: 2500 });
    expect(decodeRpcStatus(encodeRpcStatus({ code: 3, message: 'bad' }))).toEqual({ code: 3, message: 'bad' });
  });

  test('host:port endpoints', () => {
    expect(parseHostPort('0.0.0.0:4317')).toEqual({ host: '0.0.0.0', port: 4317 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseHostPort(':4318')).toEqual({ host: '', port: 4318 });
    expect(() => parseHostPort('localhost')).toThrow(/invalid endpoint/);
    expect(() => parseHostPort('localhost:70000')).toThrow(/out of range/);
  });
});
