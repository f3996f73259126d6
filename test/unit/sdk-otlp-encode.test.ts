import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { createLogger, type ExportBatch, type Transport } from '../../sdk';
import { encodeExportLogsRequest, encodeExportLogsRequestViaObjects } from '../../sdk/wire/otlp-encode';
import { OTLP } from '../../protocol/protos';

/** A transport that encodes each batch both ways. */
class DualEncodingTransport implements Transport {
  readonly name = 'dual';
  readonly pairs: [Uint8Array, Uint8Array][] = [];
  async export(batch: ExportBatch): Promise<void> {
    this.pairs.push([encodeExportLogsRequest(batch), encodeExportLogsRequestViaObjects(batch)]);
  }
  async shutdown(): Promise<void> {}
}

const decode = (bytes: Uint8Array) =>
  OTLP.ExportLogsServiceRequest.toObject(OTLP.ExportLogsServiceRequest.decode(bytes), { longs: String, bytes: String, defaults: true });

describe('direct OTLP writer', () => {
  it('encodes exactly the message the protobufjs object encoding produces', async () => {
    const transport = new DualEncodingTransport();
    const log = createLogger({ service: 'enc', transport, level: 'trace', exitHooks: false, attributes: { region: 'eu' } });
    log.info`ints ${0} ${-1} ${2 ** 53 - 1} doubles ${0.5} ${-1e300} ${NaN} bool ${false} big ${2n ** 63n - 1n} ${-(2n ** 63n)} ${2n ** 64n}`;
    log.warn`bytes ${new Uint8Array([0, 255])} empty ${''} unicode ${'日本 😀'}`;
    log.child({ nested: { a: [1, 'x', { b: null }] } }).error({ list: [true, 1.5] }, 'structured %s', 'arg');
    log.debug('plain');
    const api = log.loggerProvider.getLogger('scope-b', '2.0', { schemaUrl: 'https://s', attributes: { k: 'v' } });
    api.emit({
      timestamp: [1_700_000_000, 999_999_999],
      observedTimestamp: [0, 1],
      severityNumber: 18,
      severityText: 'ERROR2',
      body: { m: [1, 2], bytes: new Uint8Array([1]) },
      attributes: { a: 1 },
      eventName: 'ev',
      context: trace.setSpanContext(ROOT_CONTEXT, { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1 }),
    });
    api.emit({ body: null });
    await log.shutdown();
    expect(transport.pairs.length).toBeGreaterThan(0);
    for (const [direct, reference] of transport.pairs) expect(decode(direct)).toEqual(decode(reference));
    const decoded = decode(transport.pairs[0][0]);
    expect(decoded.resourceLogs[0].scopeLogs).toHaveLength(2);
  });

  it('writes nanosecond timestamps exactly (no BigInt, no float rounding)', async () => {
    const transport = new DualEncodingTransport();
    const log = createLogger({ service: 'enc', transport, exitHooks: false });
    const logger = log.loggerProvider.getLogger('t');
    const cases: [number, number][] = [
      [0, 0],
      [1, 999_999_999],
      [1_700_000_000, 123_456_789],
      [4_294_967_295, 999_999_999],
      [17_179_869_183, 999_999_999], // 2^34 - 1 seconds: year 2514
    ];
    for (const [sec, nano] of cases) logger.emit({ timestamp: [sec, nano], observedTimestamp: [sec, nano] });
    await log.shutdown();
    const records = transport.pairs.flatMap(([direct]) => decode(direct).resourceLogs[0].scopeLogs[0].logRecords);
    expect(records.map((r: { timeUnixNano: string }) => r.timeUnixNano)).toEqual(cases.map(([s, n]) => (BigInt(s) * 1_000_000_000n + BigInt(n)).toString()));
  });
});
