/**
 * Bad input for the compact protocol, through its public decoding API only
 * (collector/compact: decodeClientMessage + CompactStreamDecoder; the stream
 * service itself is not touched): mutated RecordBatches (argument columns too
 * short / too long for their templates, bad references, truncation, flipped
 * bytes) and mutated TemplateDefinitions (too few / too many argument kinds,
 * wrong ids) must decode or throw Malformed, never anything else.
 *
 * The seed is printed; LOGFUN_FUZZ_SEED=<seed> replays a run.
 */
import { createLogger, type ExportBatch, type Transport } from '../../sdk';
import { CompactEncoder, encodeHello, encodeTemplateDefinitions, STREAM_ENCODING, type CompactBatch, type CompactEncoderOptions } from '../../sdk/wire/compact-encode';
import { LOGFUN_SCOPE, type Resource } from '../../sdk/resource';
import { CompactStreamDecoder } from '../../collector/compact/decoder';
import { decodeClientMessage } from '../../collector/compact/messages';
import { Malformed } from '../../collector/protobuf/reader';
import { fuzzSeed, mutateProtobuf, Rng, type ProtobufMutation } from './fuzz-kit';

const SEED = fuzzSeed();
const BATCH_INPUTS = 15_000;
const TEMPLATE_INPUTS = 5_000;

/** Captures the compact encoding of every batch the SDK exports. */
class CaptureTransport implements Transport {
  readonly name = 'capture';
  readonly encoder: CompactEncoder;
  readonly captured: { compact: CompactBatch; resource: Resource }[] = [];
  constructor(options: CompactEncoderOptions) {
    this.encoder = new CompactEncoder(options);
  }
  async export(batch: ExportBatch) {
    this.captured.push({ compact: this.encoder.encodeBatch(batch), resource: batch.resource });
  }
  async shutdown() {}
}

async function sampleBatches(options: CompactEncoderOptions): Promise<{ compact: CompactBatch; resource: Resource }[]> {
  const transport = new CaptureTransport(options);
  const log = createLogger({ service: 'fuzz', transport, exitHooks: false, diagnostics: () => undefined });
  for (let i = 0; i < 30; i++) {
    log.info`user ${'u' + (i % 4)} paid ${i} x ${i / 4} ok ${i % 2 === 0}`;
    log.warn`order ${i * 1000} shipped to ${'city-' + i}`;
    log.error`plain message with no arguments`;
    log.info('printf %s %d', 'style', i);
  }
  await log.shutdown();
  return transport.captured;
}

const MUTATIONS: readonly ProtobufMutation[] = ['truncate', 'flip', 'flip', 'insert', 'delete', 'wire_type', 'huge_length', 'long_varint', 'duplicate', 'random'];

describe(`compact protocol decoder fuzz (seed ${SEED})`, () => {
  test(`${BATCH_INPUTS} mutated RecordBatches and ${TEMPLATE_INPUTS} mutated TemplateDefinitions: decoded or Malformed, nothing else`, async () => {
    const samples = [...(await sampleBatches({})), ...(await sampleBatches(STREAM_ENCODING))];
    expect(samples.length).toBeGreaterThan(0);
    const rng = new Rng(SEED);
    const failures: string[] = [];
    let decoded = 0;
    let malformed = 0;

    const decoderFor = (s: (typeof samples)[number], templates: Buffer): CompactStreamDecoder => {
      const d = new CompactStreamDecoder();
      const hello = decodeClientMessage(encodeHello({ resource: s.resource, scope: LOGFUN_SCOPE, sdkVersion: '', lastAckedSequence: 0, sessionId: Buffer.alloc(0) }));
      if (hello.kind === 'hello') d.setHello(hello.hello);
      const defs = decodeClientMessage(templates);
      if (defs.kind === 'templates') d.define(defs.templates, defs.reset);
      return d;
    };
    const attempt = (what: string, run: () => void, input: Buffer) => {
      try {
        run();
        decoded++;
      } catch (err) {
        if (err instanceof Malformed) malformed++;
        else failures.push(`[${what}] ${String((err as Error)?.stack ?? err).slice(0, 500)}\n  input: ${input.subarray(0, 160).toString('hex')}`);
      }
    };

    for (let i = 0; i < BATCH_INPUTS; i++) {
      const s = rng.pick(samples);
      const templates = encodeTemplateDefinitions(s.compact.templates, false);
      const m = rng.pick(MUTATIONS);
      const bad = mutateProtobuf(rng, s.compact.message, m);
      attempt(`batch ${m}`, () => {
        const msg = decodeClientMessage(bad);
        if (msg.kind === 'batch') decoderFor(s, templates).decode(msg.batch);
      }, bad);
    }
    for (let i = 0; i < TEMPLATE_INPUTS; i++) {
      // A mutated definition (e.g. an argument kind more or less than the text's placeholders), then a valid batch against it.
      const s = rng.pick(samples);
      const m = rng.pick(MUTATIONS);
      const bad = mutateProtobuf(rng, encodeTemplateDefinitions(s.compact.templates, false), m);
      attempt(`templates ${m}`, () => {
        const msg = decodeClientMessage(s.compact.message);
        if (msg.kind === 'batch') decoderFor(s, bad).decode(msg.batch);
      }, bad);
    }
    // eslint-disable-next-line no-console
    console.log(`compact fuzz: seed ${SEED} (replay with LOGFUN_FUZZ_SEED=${SEED}): ${BATCH_INPUTS + TEMPLATE_INPUTS} inputs, ${decoded} decoded, ${malformed} Malformed, ${failures.length} failures`);
    if (failures.length > 0) throw new Error(`seed ${SEED}: ${failures.length} failures, first ones:\n${failures.slice(0, 5).join('\n')}`);
    expect(malformed).toBeGreaterThan(BATCH_INPUTS / 10);
  });
});
