/**
 * Bad input through real servers: mutated OTLP protobuf and JSON bodies over
 * real HTTP and real gRPC to a running otlp receiver. Every answer must be the
 * status the decoder's verdict calls for (computed in process under the same
 * limits): 200 / OK when it decodes, 413 / RESOURCE_EXHAUSTED when too large,
 * 400 / INVALID_ARGUMENT otherwise. A well-formed request from another client,
 * interleaved all along, always succeeds; the server survives; memory stays bounded.
 *
 * The seed is printed; LOGFUN_FUZZ_SEED=<seed> replays a run.
 */
import * as grpc from '@grpc/grpc-js';
import { LOGS_SERVICE_EXPORT_PATH } from '../../protocol/protos';
import { decodeExportRequest, decodeExportRequestJson } from '../../collector/otlp/convert';
import type { LogBatch } from '../../collector/pipeline/batch';
import { isPermanent } from '../../collector/pipeline/errors';
import { startReceiver, type StartedReceiver } from '../kit/otlp-fixtures';
import { fuzzSeed, mutateJson, mutateProtobuf, randomJsonRequest, randomProtobufRequest, Rng, type JsonMutation, type ProtobufMutation } from './fuzz-kit';

const SEED = fuzzSeed();
const MAX_SIZE = 64 * 1024;
const HTTP_INPUTS = 2500;
const GRPC_INPUTS = 1500;
/** Requests in flight at once from the fuzzing client. */
const CONCURRENCY = 8;
/** A well-formed request from the other client after every this many fuzz inputs. */
const GOOD_EVERY = 25;

const PROTOBUF_MIX: readonly ProtobufMutation[] = ['truncate', 'flip', 'insert', 'delete', 'wire_type', 'huge_length', 'long_varint', 'duplicate', 'invalid_utf8', 'random', 'splice_deep', 'many_attributes', 'long_value'];
const JSON_MIX: readonly JsonMutation[] = ['truncate', 'char', 'wrong_type', 'wrong_type', 'lone_surrogate', 'huge_number', 'random', 'deep', 'many_attributes', 'long_value'];

type Verdict = 'ok' | 'invalid' | 'too_large';

/** What the receiver must answer (and how many records it then passes on), from the decoder itself under the receiver's (default) limits. */
function verdictOf(body: Buffer, decode: () => LogBatch): { verdict: Verdict; records: number } {
  if (body.length > MAX_SIZE) return { verdict: 'too_large', records: 0 };
  try {
    return { verdict: 'ok', records: decode().length };
  } catch (err) {
    if (!isPermanent(err)) throw new Error(`decoder threw a non-PermanentError: ${String(err)}`);
    return { verdict: err.reason === 'too_large' ? 'too_large' : 'invalid', records: 0 };
  }
}

const HTTP_STATUS: Record<Verdict, number> = { ok: 200, invalid: 400, too_large: 413 };
const GRPC_STATUS: Record<Verdict, number> = { ok: grpc.status.OK, invalid: grpc.status.INVALID_ARGUMENT, too_large: grpc.status.RESOURCE_EXHAUSTED };

function exportOverGrpc(client: grpc.Client, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      LOGS_SERVICE_EXPORT_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      { deadline: Date.now() + 20_000 },
      (err) => resolve(err ? (err.code ?? grpc.status.UNKNOWN) : grpc.status.OK),
    );
  });
}

async function exportOverHttp(url: string, body: Buffer, contentType: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': contentType }, signal: AbortSignal.timeout(20_000) });
  await res.arrayBuffer();
  return res.status;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe(`receiver fuzz over real servers (seed ${SEED})`, () => {
  let rx: StartedReceiver;
  let fuzzClient: grpc.Client;
  let goodClient: grpc.Client;

  beforeAll(async () => {
    rx = await startReceiver('otlp/fuzz', { grpcMaxRecv: MAX_SIZE, httpMaxBody: MAX_SIZE });
    fuzzClient = new grpc.Client(rx.grpcTarget, grpc.credentials.createInsecure());
    goodClient = new grpc.Client(rx.grpcTarget, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    fuzzClient?.close();
    goodClient?.close();
    await rx?.stop();
  });

  test(`${HTTP_INPUTS} HTTP and ${GRPC_INPUTS} gRPC mutated bodies get the right status; another client is unaffected`, async () => {
    const rng = new Rng(SEED);
    const protoPool = Array.from({ length: 100 }, () => randomProtobufRequest(rng));
    const jsonPool = Array.from({ length: 100 }, () => randomJsonRequest(rng));
    const goodBody = randomProtobufRequest(rng);
    const goodRecords = decodeExportRequest(goodBody).length;
    const wrong: string[] = [];
    const seen: Record<string, number> = {};
    let expectedRecords = 0;
    let goodSent = 0;
    const rssBefore = process.memoryUsage().rss;

    // Inputs are made up front, from the seed alone, so a run replays exactly whatever the timing.
    type Input = { transport: 'http-proto' | 'http-json' | 'grpc'; body: Buffer; mutation: string; verdict: Verdict; records: number };
    const inputs: Input[] = [];
    for (let i = 0; i < HTTP_INPUTS + GRPC_INPUTS; i++) {
      const transport = i < HTTP_INPUTS ? (rng.chance(0.5) ? 'http-proto' : 'http-json') : 'grpc';
      if (transport === 'http-json') {
        const mutation = rng.pick(JSON_MIX);
        const text = mutateJson(rng, rng.pick(jsonPool), mutation);
        const body = Buffer.from(text);
        inputs.push({ transport, body, mutation, ...verdictOf(body, () => decodeExportRequestJson(body.toString('utf8'))) });
      } else {
        const mutation = rng.pick(PROTOBUF_MIX);
        const body = mutateProtobuf(rng, rng.pick(protoPool), mutation);
        inputs.push({ transport, body, mutation, ...verdictOf(body, () => decodeExportRequest(body)) });
      }
    }
    for (const input of inputs) expectedRecords += input.records;

    const logsUrl = `${rx.httpUrl}/v1/logs`;
    await pool(inputs.length, CONCURRENCY, async (i) => {
      const input = inputs[i];
      const expected = input.transport === 'grpc' ? GRPC_STATUS[input.verdict] : HTTP_STATUS[input.verdict];
      let got: number;
      if (input.transport === 'grpc') got = await exportOverGrpc(fuzzClient, input.body);
      else got = await exportOverHttp(logsUrl, input.body, input.transport === 'http-json' ? 'application/json' : 'application/x-protobuf');
      seen[`${input.transport} ${got}`] = (seen[`${input.transport} ${got}`] ?? 0) + 1;
      if (got !== expected) wrong.push(`#${i} ${input.transport} [${input.mutation}] expected ${expected}, got ${got}; body ${input.body.subarray(0, 120).toString('hex')}`);
      if (i % GOOD_EVERY === 0) {
        // The other client: a separate gRPC channel and a separate HTTP connection.
        const [g, h] = await Promise.all([exportOverGrpc(goodClient, goodBody), exportOverHttp(logsUrl, goodBody, 'application/x-protobuf')]);
        if (g !== grpc.status.OK || h !== 200) wrong.push(`#${i}: the well-formed request from the other client failed: gRPC ${g}, HTTP ${h}`);
        goodSent += 2;
      }
    });

    // eslint-disable-next-line no-console
    console.log(`receiver fuzz: seed ${SEED} (replay with LOGFUN_FUZZ_SEED=${SEED}): ${inputs.length} inputs, answers ${JSON.stringify(seen)}, ${goodSent} good requests interleaved`);
    if (wrong.length > 0) throw new Error(`seed ${SEED}: ${wrong.length} wrong answers, first ones:\n${wrong.slice(0, 8).join('\n')}`);

    // Every accepted record arrived, nothing from a rejected request did.
    expect(rx.consumer.records().length).toBe(expectedRecords + goodSent * goodRecords);
    const rejected = inputs.filter((x) => x.verdict !== 'ok').length;
    const badRequests = ['grpc', 'http'].reduce((n, protocol) => n + rx.metrics.value('logfun_receiver_requests_total', { receiver: 'otlp/fuzz', protocol, outcome: 'bad_request' }), 0);
    expect(badRequests).toBe(rejected);
    // Memory bounded: a generous bound, far below what retaining the inputs' decoded batches repeatedly would cost.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(1024 * 1024 * 1024);

    // The server still serves.
    expect(await exportOverGrpc(goodClient, goodBody)).toBe(grpc.status.OK);
    expect(await exportOverHttp(logsUrl, goodBody, 'application/x-protobuf')).toBe(200);
  });

  test('what the limits change is counted in metrics: dropped attributes, invalid UTF-8', async () => {
    const { manyAttributesRecord, manyAttributesJson, wrapRecord, lenField } = await import('./fuzz-kit');
    const value = (name: string, protocol: string) => rx.metrics.value(name, { receiver: 'otlp/fuzz', protocol });
    const droppedBefore = { grpc: value('logfun_receiver_dropped_attributes_total', 'grpc'), http: value('logfun_receiver_dropped_attributes_total', 'http') };
    const invalidBefore = value('logfun_receiver_invalid_utf8_total', 'http');
    const many = manyAttributesRecord(2000); // ~30 KB: under the 64 KiB limit
    expect(await exportOverGrpc(goodClient, many)).toBe(grpc.status.OK);
    expect(await exportOverHttp(`${rx.httpUrl}/v1/logs`, Buffer.from(manyAttributesJson(1500)), 'application/json')).toBe(200);
    expect(value('logfun_receiver_dropped_attributes_total', 'grpc') - droppedBefore.grpc).toBe(1000);
    expect(value('logfun_receiver_dropped_attributes_total', 'http') - droppedBefore.http).toBe(500);
    const last = rx.consumer.records().at(-1)!;
    expect(last.attributes).toHaveLength(1000);
    expect(last.droppedAttributesCount).toBe(500);

    const badUtf8 = wrapRecord(lenField(5, lenField(1, Buffer.from([0x61, 0xff, 0x62]))));
    expect(await exportOverHttp(`${rx.httpUrl}/v1/logs`, badUtf8, 'application/x-protobuf')).toBe(200);
    expect(await exportOverHttp(`${rx.httpUrl}/v1/logs`, Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a\xff"}}]}]}]}', 'latin1'), 'application/json')).toBe(200);
    expect(value('logfun_receiver_invalid_utf8_total', 'http') - invalidBefore).toBe(2);
    expect(rx.consumer.records().at(-1)!.body).toBe('a\uFFFD');
  });
});

describe('receiver limits from config', () => {
  test('max_records_per_request and max_attributes_per_record configured through the factory', async () => {
    const { otlpReceiverFactory } = await import('../../collector/receivers/otlp/factory');
    const { Metrics } = await import('../../collector/telemetry/metrics');
    const { createMemoryLogger } = await import('../../collector/telemetry/diag');
    const { RecordingConsumer } = await import('../kit/recording-consumer');
    const { TemplateDictionary } = await import('../../collector/templates/dictionary');
    const { manyAttributesRecord, lenField } = await import('./fuzz-kit');
    const config = otlpReceiverFactory.createDefaultConfig();
    config.protocols.grpc!.endpoint = '127.0.0.1:0';
    config.protocols.grpc!.logfun_ingest = false;
    config.protocols.http!.endpoint = '127.0.0.1:0';
    config.limits = { max_records_per_request: 5, max_attributes_per_record: 10, max_attribute_value_length: '1KiB', max_any_value_depth: 8 };
    expect(otlpReceiverFactory.validate!(config)).toEqual([]);
    expect(otlpReceiverFactory.validate!({ ...config, limits: { ...config.limits, max_records_per_request: 0, max_any_value_depth: 5000, max_attribute_value_length: 'lots' } })).toEqual([
      'limits.max_records_per_request: must be a whole number from 1 to 9007199254740991, got 0',
      'limits.max_attribute_value_length: invalid size "lots" (use e.g. 4MiB)',
      'limits.max_any_value_depth: must be a whole number from 1 to 1000, got 5000',
    ]);
    const metrics = new Metrics();
    const logger = createMemoryLogger();
    const consumer = new RecordingConsumer();
    const receiver = otlpReceiverFactory.create({ id: 'otlp/limits', metrics, logger }, config, consumer) as import('../../collector/receivers/otlp/receiver').OtlpReceiver;
    await receiver.start({ metrics, logger, components: new Map(), templates: new TemplateDictionary() });
    try {
      const url = `http://127.0.0.1:${receiver.httpPort}/v1/logs`;
      const six = lenField(1, lenField(2, Buffer.from([0x12, 0, 0x12, 0, 0x12, 0, 0x12, 0, 0x12, 0, 0x12, 0])));
      expect(await exportOverHttp(url, six, 'application/x-protobuf')).toBe(413);
      const client = new grpc.Client(`127.0.0.1:${receiver.grpcPort}`, grpc.credentials.createInsecure());
      try {
        expect(await exportOverGrpc(client, six)).toBe(grpc.status.RESOURCE_EXHAUSTED);
        expect(await exportOverGrpc(client, manyAttributesRecord(25))).toBe(grpc.status.OK);
      } finally {
        client.close();
      }
      expect(consumer.records()[0].attributes).toHaveLength(10);
      expect(consumer.records()[0].droppedAttributesCount).toBe(15);
      expect(metrics.value('logfun_receiver_bad_requests_total', { receiver: 'otlp/limits', protocol: 'grpc', reason: 'too_large' })).toBe(1);
      expect(metrics.value('logfun_receiver_bad_requests_total', { receiver: 'otlp/limits', protocol: 'http', reason: 'too_large' })).toBe(1);
    } finally {
      await receiver.shutdown();
    }
  });
});

describe('receiver limits in YAML', () => {
  test('limits: are parsed in otelcol shape; unknown keys and bad values are reported; absent means defaults', async () => {
    const { parseConfig, ConfigError } = await import('../../collector/config/config');
    const { otlpReceiverFactory } = await import('../../collector/receivers/otlp/factory');
    const { debugExporterFactory } = await import('../../collector/exporters/debug/factory');
    const { decodeLimitsOf } = await import('../../collector/receivers/otlp/config');
    const factories = new Map([otlpReceiverFactory, debugExporterFactory].map((f) => [`${f.kind}:${f.type}`, f as import('../../collector/pipeline/component').ComponentFactory]));
    const load = (limits: string) =>
      parseConfig(`receivers:\n  otlp:\n    protocols:\n      grpc:\n${limits}exporters:\n  debug:\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n`, factories, 'test', {});
    const cfg = (limits: string) => load(limits).receivers.get('otlp')!.config as import('../../collector/receivers/otlp/config').OtlpReceiverConfig;
    expect(decodeLimitsOf(cfg(''))).toEqual({ maxRecordsPerRequest: 100_000, maxAttributesPerRecord: 1000, maxAttributeValueLength: 65536, maxAnyValueDepth: 32 });
    expect(decodeLimitsOf(cfg('    limits:\n      max_attributes_per_record: 128\n      max_attribute_value_length: 4KiB\n'))).toEqual({
      maxRecordsPerRequest: 100_000,
      maxAttributesPerRecord: 128,
      maxAttributeValueLength: 4096,
      maxAnyValueDepth: 32,
    });
    const problems = (limits: string): string => {
      try {
        load(limits);
      } catch (e) {
        if (e instanceof ConfigError) return e.problems.join('\n');
        throw e;
      }
      return '';
    };
    expect(problems('    limits:\n      max_attribute_count: 5\n')).toMatch(/limits\.max_attribute_count: unknown key/);
    expect(problems('    limits:\n      max_any_value_depth: 0\n')).toMatch(/limits\.max_any_value_depth: must be a whole number from 1 to 1000, got 0/);
  });
});
