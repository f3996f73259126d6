/**
 * The filelog line parsers as pure functions: CLF/Combined, CSV, JSON lines,
 * text and auto, including malformed lines (a record with log.parse.error,
 * never an exception).
 */
import { KeyValueList, type AnyValue, type KeyValue } from '../../collector/pipeline/batch';
import {
  createLineParser,
  newAccessLogFields,
  parseClfDate,
  parseIso8601Nanos,
  epochNumberToNanos,
  scanAccessLog,
  scanCsvAccessLog,
  splitCsvLine,
  CSV_HEADER,
  PARSE_ERROR_ATTRIBUTE,
  type ParsedLine,
} from '../../collector/receivers/filelog/parsers';

function attrs(list: KeyValue[]): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const kv of list) out[kv.key] = kv.value;
  return out;
}

const nanos = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe('CLF / Combined', () => {
  const parse = createLineParser('combined') as (line: string) => ParsedLine;

  test('a Common Log Format line maps to HTTP semantic-convention attributes, time with its zone', () => {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?size=2&x=%20 HTTP/1.0" 200 2326';
    const r = parse(line);
    expect(r.parseError).toBe('');
    expect(r.body).toBe(line);
    expect(r.timeUnixNano).toBe(nanos('2000-10-10T20:55:36Z'));
    expect(attrs(r.attributes)).toEqual({
      'client.address': '127.0.0.1',
      'user.name': 'frank',
      'http.request.method': 'GET',
      'url.path': '/apache_pb.gif',
      'url.query': 'size=2&x=%20',
      'network.protocol.version': '1.0',
      'http.response.status_code': 200n,
      'http.response.body.size': 2326n,
    });
  });

  test('a Combined line adds referer (string[] as the convention types headers) and user agent', () => {
    const line =
      '195.154.46.135 - - [25/Oct/2015:04:11:25 +0100] "GET /linux/doing-pxe HTTP/1.1" 404 24323 "http://howto.basjes.nl/" "Mozilla/5.0 (Windows NT 5.1; rv:35.0) Gecko/20100101 Firefox/35.0"';
    const r = parse(line);
    expect(r.timeUnixNano).toBe(nanos('2015-10-25T03:11:25Z'));
    const a = attrs(r.attributes);
    expect(a['user.name']).toBeUndefined();
    expect(a['url.query']).toBeUndefined();
    expect(a['http.request.header.referer']).toEqual(['http://howto.basjes.nl/']);
    expect(a['user_agent.original']).toBe('Mozilla/5.0 (Windows NT 5.1; rv:35.0) Gecko/20100101 Firefox/35.0');
    expect(a['http.response.status_code']).toBe(404n);
  });

  test('what servers really write: "-" bytes and referer, escaped quotes, IPv6, unknown methods, odd requests', () => {
    const f = newAccessLogFields();
    expect(scanAccessLog('::1 - - [01/Jan/2024:00:00:00 +0000] "HEAD / HTTP/2.0" 304 - "-" "-"', f)).toBe('');
    expect([f.remoteHost, f.method, f.path, f.protocol, f.status, f.bytes, f.referer, f.userAgent]).toEqual(['::1', 'HEAD', '/', 'HTTP/2.0', 304, 0, '', '']);

    expect(scanAccessLog('1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /q?a=\\"b\\" HTTP/1.1" 200 5 "-" "Agent \\"quoted\\" \\\\ end"', f)).toBe('');
    expect(f.query).toBe('a="b"');
    expect(f.userAgent).toBe('Agent "quoted" \\ end');

    // A 408 timeout has no request; the line is still valid.
    const timeout = parse('10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "-" 408 0 "-" "-"');
    expect(timeout.parseError).toBe('');
    expect(attrs(timeout.attributes)['http.request.method']).toBeUndefined();
    expect(attrs(timeout.attributes)['http.response.status_code']).toBe(408n);

    const custom = attrs(parse('10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "PROPFIND /dav HTTP/1.1" 207 10').attributes);
    expect(custom['http.request.method']).toBe('_OTHER');
    expect(custom['http.request.method_original']).toBe('PROPFIND');

    expect(scanAccessLog('10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET http://example.com/a/b?c=1 HTTP/1.1" 200 1', f)).toBe('');
    expect([f.path, f.query]).toEqual(['/a/b', 'c=1']);

    // nginx appends fields after the user agent; they are ignored, not an error.
    expect(scanAccessLog('10.0.0.1 - bob smith [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8" "10.1.1.1" 0.003', f)).toBe('');
    expect([f.authUser, f.userAgent]).toEqual(['bob smith', 'curl/8']);
  });

  test.each([
    ['', 'not an access log line'],
    ['just some text', 'missing [date]'],
    ['1.2.3.4 - - 01/Jan/2024:00:00:00 +0000 "GET / HTTP/1.1" 200 1', 'missing [date]'],
    ['1.2.3.4 - - [01/Foo/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1', 'invalid date'],
    ['1.2.3.4 - - [31/Feb/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1', 'invalid date'],
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1 200 1', 'unterminated "request"'],
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" OK 1', 'invalid status'],
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200', 'missing bytes'],
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 12x', 'invalid bytes'],
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "http://ref', 'unterminated "referer"'],
  ])('malformed %j -> record with log.parse.error %j', (line, reason) => {
    const r = parse(line);
    expect(r.parseError).toBe(reason);
    expect(r.body).toBe(line);
    expect(r.timeUnixNano).toBe(0n);
    expect(attrs(r.attributes)).toEqual({ [PARSE_ERROR_ATTRIBUTE]: reason });
  });

  test('the "clf" and "combined" names share one lenient scanner', () => {
    const line = '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "r" "ua"';
    expect(attrs(createLineParser('clf')(line)!.attributes)['user_agent.original']).toBe('ua');
  });
});

describe('dates', () => {
  test('CLF dates: zones in both spellings, milliseconds, no zone, rejects', () => {
    const d = (s: string) => parseClfDate(s, 0, s.length);
    expect(d('25/Oct/2015:04:11:25 +0100')).toBe(Date.parse('2015-10-25T03:11:25Z'));
    expect(d('25/Oct/2015:04:11:25 +01:00')).toBe(Date.parse('2015-10-25T03:11:25Z'));
    expect(d('01/Jan/2000:00:30:00 -0545')).toBe(Date.parse('2000-01-01T06:15:00Z'));
    expect(d('29/Feb/2024:23:59:59.250 +0000')).toBe(Date.parse('2024-02-29T23:59:59.250Z'));
    expect(d('5/may/2024:01:02:03')).toBe(Date.parse('2024-05-05T01:02:03Z'));
    for (const bad of ['29/Feb/2023:00:00:00 +0000', '01/Jan/2024:24:00:00 +0000', '01/Jan/2024:00:00:00 +2400', '01/Jan/2024 +0000', '01/Jan/2024:00:00:00 +0000x'])
      expect(d(bad)).toBeNaN();
    // Consecutive calls with the same minute must not leak state between dates.
    expect(d('25/Oct/2015:04:11:59 +0100')).toBe(Date.parse('2015-10-25T03:11:59Z'));
    expect(d('25/Oct/2015:04:11:00 -0100')).toBe(Date.parse('2015-10-25T05:11:00Z'));
  });

  test('ISO 8601 to nanoseconds, exactly', () => {
    expect(parseIso8601Nanos('2024-03-01T12:00:00.123456789Z')).toBe(nanos('2024-03-01T12:00:00Z') + 123_456_789n);
    expect(parseIso8601Nanos('2024-03-01T12:00:00.5+02:00')).toBe(nanos('2024-03-01T10:00:00Z') + 500_000_000n);
    expect(parseIso8601Nanos('2024-03-01 12:00:00-0130')).toBe(nanos('2024-03-01T13:30:00Z'));
    expect(parseIso8601Nanos('2024-03-01T12:00Z')).toBe(nanos('2024-03-01T12:00:00Z'));
    expect(parseIso8601Nanos('2024-03-01')).toBe(nanos('2024-03-01T00:00:00Z'));
    for (const bad of ['2024-13-01T00:00:00Z', '2024-03-01T12:00:00.Z', 'yesterday', '2024-03-01T12:00:00Zjunk']) expect(parseIso8601Nanos(bad)).toBeUndefined();
  });

  test('epoch numbers by magnitude', () => {
    expect(epochNumberToNanos(1_700_000_000)).toBe(1_700_000_000_000_000_000n);
    expect(epochNumberToNanos(1_700_000_000.25)).toBe(1_700_000_000_250_000_000n);
    expect(epochNumberToNanos(1_700_000_000_123)).toBe(1_700_000_000_123_000_000n);
    expect(epochNumberToNanos(1_700_000_000_123_456)).toBe(1_700_000_000_123_456_000n);
    expect(epochNumberToNanos(-1)).toBeUndefined();
  });
});

describe('CSV access log', () => {
  const parse = createLineParser('csv');

  test('the header line is not a record', () => {
    expect(parse('"remotehost","rfc931","authuser","date","request","status","bytes"')).toBeNull();
    expect(scanCsvAccessLog('remotehost,rfc931,authuser,date,request,status,bytes', newAccessLogFields())).toBe(CSV_HEADER);
  });

  test('a data line: epoch date, unquoted numbers, OTel attributes, body = the line', () => {
    const line = '"10.0.0.2","-","apache",1549573860,"GET /api/user?id=1 HTTP/1.0",200,1234';
    const r = parse(line)!;
    expect(r.parseError).toBe('');
    expect(r.body).toBe(line);
    expect(r.timeUnixNano).toBe(1_549_573_860_000_000_000n);
    expect(attrs(r.attributes)).toEqual({
      'client.address': '10.0.0.2',
      'user.name': 'apache',
      'http.request.method': 'GET',
      'url.path': '/api/user',
      'url.query': 'id=1',
      'network.protocol.version': '1.0',
      'http.response.status_code': 200n,
      'http.response.body.size': 1234n,
    });
  });

  test('quoted fields with escaped quotes and commas; CLF and ISO dates; quoted numbers', () => {
    const r = parse('"10.0.0.3","-","-","[09/Feb/2019:10:11:00 +0100]","GET /a,b/""x"" HTTP/1.1","503","-"')!;
    expect(r.parseError).toBe('');
    expect(r.timeUnixNano).toBe(nanos('2019-02-09T09:11:00Z'));
    const a = attrs(r.attributes);
    expect(a['url.path']).toBe('/a,b/"x"');
    expect(a['http.response.status_code']).toBe(503n);
    expect(a['http.response.body.size']).toBe(0n);
    expect(parse('"h","-","-","2019-02-09T09:11:00Z","GET / HTTP/1.1",200,1')!.timeUnixNano).toBe(nanos('2019-02-09T09:11:00Z'));
    const fields: string[] = [];
    expect(splitCsvLine('a,"b ""c"", d",,e', fields)).toBe('');
    expect(fields).toEqual(['a', 'b "c", d', '', 'e']);
  });

  test.each([
    ['"10.0.0.2","-","apache",1549573860,"GET / HTTP/1.0",200', 'expected 7 fields, got 6'],
    ['"10.0.0.2","-","apache",1549573860,"GET / HTTP/1.0,200,1', 'unterminated quoted field'],
    ['"10.0.0.2"x,"-","apache",1549573860,"GET / HTTP/1.0",200,1', 'text after a closing quote'],
    ['"10.0.0.2","-","apache",soon,"GET / HTTP/1.0",200,1', 'invalid date'],
    ['"10.0.0.2","-","apache",1549573860,"GET / HTTP/1.0",abc,1', 'invalid status'],
    ['"10.0.0.2","-","apache",1549573860,"GET / HTTP/1.0",200,-5', 'invalid bytes'],
  ])('malformed %j -> %j', (line, reason) => {
    const r = parse(line)!;
    expect(r.parseError).toBe(reason);
    expect(r.body).toBe(line);
    expect(attrs(r.attributes)).toEqual({ [PARSE_ERROR_ATTRIBUTE]: reason });
  });
});

describe('JSON lines', () => {
  const parse = createLineParser('json') as (line: string) => ParsedLine;

  test('a pino line: msg -> body, time (ms) -> timestamp, numeric level -> severity, fields -> typed attributes', () => {
    const r = parse(
      '{"level":30,"time":1700000000123,"pid":42,"hostname":"h","msg":"user paid","amount":12.5,"ok":true,"tags":["a",1],"user":{"id":7,"name":"x"},"gone":null}',
    );
    expect(r.parseError).toBe('');
    expect(r.body).toBe('user paid');
    expect(r.timeUnixNano).toBe(1_700_000_000_123_000_000n);
    expect(r.severityNumber).toBe(9);
    expect(r.severityText).toBe('INFO');
    const a = attrs(r.attributes);
    expect(Object.keys(a).sort()).toEqual(['amount', 'gone', 'hostname', 'ok', 'pid', 'tags', 'user']);
    expect(a.pid).toBe(42n);
    expect(a.amount).toBe(12.5);
    expect(a.ok).toBe(true);
    expect(a.tags).toEqual(['a', 1n]);
    expect(a.user).toEqual(new KeyValueList([{ key: 'id', value: 7n }, { key: 'name', value: 'x' }]));
    expect(a.gone).toBeUndefined();
    expect('gone' in a).toBe(true);
  });

  test('message/ISO timestamp/level names/trace context', () => {
    const r = parse(
      '{"timestamp":"2024-03-01T12:00:00.000000001+01:00","severity":"WARNING","message":"disk low","trace_id":"0123456789ABCDEF0123456789abcdef","span_id":"0123456789abcdef","disk":"/"}',
    );
    expect(r.body).toBe('disk low');
    expect(r.timeUnixNano).toBe(nanos('2024-03-01T11:00:00Z') + 1n);
    expect(r.severityNumber).toBe(13);
    expect(r.severityText).toBe('WARNING');
    expect(r.traceId).toBe('0123456789abcdef0123456789abcdef');
    expect(r.spanId).toBe('0123456789abcdef');
    expect(attrs(r.attributes)).toEqual({ disk: '/' });
  });

  test('without a message the body is the line; an unparsable time stays an attribute', () => {
    const line = '{"time":"later","event":"x"}';
    const r = parse(line);
    expect(r.body).toBe(line);
    expect(r.timeUnixNano).toBe(0n);
    expect(attrs(r.attributes)).toEqual({ time: 'later', event: 'x' });
  });

  test.each([
    ['{"msg": "unterminated', 'invalid JSON'],
    ['[1,2,3]', 'not a JSON object'],
    ['"just a string"', 'not a JSON object'],
    ['plain text', 'invalid JSON'],
  ])('malformed %j -> %j', (line, reason) => {
    const r = parse(line);
    expect(r.parseError).toBe(reason);
    expect(r.body).toBe(line);
    expect(attrs(r.attributes)).toEqual({ [PARSE_ERROR_ATTRIBUTE]: reason });
  });
});

describe('text and auto', () => {
  test('text: body = line, nothing else', () => {
    expect(createLineParser('text')('anything {at all}')).toEqual({
      timeUnixNano: 0n, severityNumber: 0, severityText: '', body: 'anything {at all}', attributes: [], traceId: '', spanId: '', parseError: '',
    });
  });

  test('auto picks the format per line and never reports a malformed line', () => {
    const parse = createLineParser('auto');
    expect(parse('{"msg":"j","level":"error"}')!.severityNumber).toBe(17);
    expect(parse('"remotehost","rfc931","authuser","date","request","status","bytes"')).toBeNull();
    expect(attrs(parse('"10.0.0.2","-","-",1549573860,"GET /x HTTP/1.0",200,1')!.attributes)['url.path']).toBe('/x');
    expect(attrs(parse('1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /y HTTP/1.1" 200 1')!.attributes)['url.path']).toBe('/y');
    for (const line of ['{not json', '"a quoted start', 'hello world']) {
      const r = parse(line)!;
      expect(r.parseError).toBe('');
      expect(r.body).toBe(line);
      expect(r.attributes).toEqual([]);
    }
  });

  test('an unknown parser name is an error at creation, not per line', () => {
    expect(() => createLineParser('xml' as never)).toThrow(/unknown parser/);
  });
});
