/**
 * Muted counts in the SDK and on the wire: sdk/mute-counts.ts (tallies, reasons,
 * epochs), the pipeline's count-only batches and what happens to counts of a batch
 * that is split or refused (sdk/pipeline.ts), RecordBatch.muted_counts = 30
 * (sdk/wire/compact-encode.ts -> collector/compact/messages.ts + decoder.ts, and
 * protobufjs from proto/logfun/v1/ingest.proto agreeing on the bytes).
 */
import { createLogger, traced, templateIdOf, ExportError, type ExportBatch, type Transport, type RootLogger } from '../../sdk';
import type { TransportContext } from '../../sdk/transport';
import { Template, type TemplateRegistry } from '../../sdk/templates';
import { MUTE_REASON, MutedCounter, muteReasonName, bumpMuteEpoch, type MutedCount } from '../../sdk/mute-counts';
import { CompactEncoder, CompactBatch, encodeHello } from '../../sdk/wire/compact-encode';
import { muteRulesOf, setMuteRules } from '../../sdk/wire/compact-control';
import { RULE_STATE_OFF, RULE_STATE_ON, type ControlRuleView } from '../../sdk/wire/compact-messages';
import { longToBigInt, protoType } from '../../protocol/protos';
import { LOGFUN_SCOPE } from '../../sdk/resource';
import { SDK_VERSION } from '../../sdk/version';
import { CompactStreamDecoder } from '../../collector/compact/decoder';
import { decodeClientMessage, type RecordBatchMessage } from '../../collector/compact/messages';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Encodes every batch like the compact stream and keeps the bytes; can refuse. */
class CountingTransport implements Transport {
  readonly name = 'counting';
  readonly encoder = new CompactEncoder();
  readonly sent: { length: number; counts: readonly MutedCount[]; compact: CompactBatch }[] = [];
  registry!: TemplateRegistry;
  refuse: ExportError[] = [];
  constructor(readonly carriesMutedCounts: boolean) {}
  attach(context: TransportContext): void {
    this.registry = context.templates;
  }
  async export(batch: ExportBatch) {
    const compact = this.encoder.encodeBatch(batch);
    const err = this.refuse.shift();
    if (err) throw err;
    this.sent.push({ length: batch.length, counts: batch.mutedCounts, compact });
  }
  async shutdown() {
    setMuteRules(this.registry, this, undefined);
  }
  /** Pushes rules as the compact stream would. */
  rules(rules: Partial<ControlRuleView>[]): void {
    const full = rules.map((r) => ({
      target: { service: 'mc', serviceInstance: '', function: '', templateId: 0n, ...r.target },
      state: r.state ?? RULE_STATE_OFF,
      sampleRate: 1,
      minSeverity: 0,
      version: 1n,
      reason: r.reason ?? '',
    }));
    setMuteRules(this.registry, this, muteRulesOf({ rules: full, version: 1n }, 'mc', ''));
  }
  totals(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.sent) for (const c of s.counts) out.set(key(c), (out.get(key(c)) ?? 0) + c.count);
    return out;
  }
}

function key(c: { templateId: bigint; function: string; reason: number | string }): string {
  return `${c.templateId}/${c.function}/${typeof c.reason === 'number' ? muteReasonName(c.reason) : c.reason}`;
}

const loggers: RootLogger[] = [];
afterEach(async () => {
  for (const l of loggers.splice(0)) await l.shutdown();
});

function logger(transport: CountingTransport, delayMs = 10): RootLogger {
  const log = createLogger({ service: 'mc', transport, exitHooks: false, captureCallSites: false, batch: { delayMs }, diagnostics: (m) => diagnostics.push(m) });
  loggers.push(log);
  return log;
}

let diagnostics: string[] = [];
beforeEach(() => {
  diagnostics = [];
});

describe('MutedCounter', () => {
  it('merges tallies per (template, function, reason); each call is booked under the reason in force', () => {
    let pending = 0;
    const counter = new MutedCounter(() => pending++);
    const template = new Template('tagged', 'unit {}', ['unit ', ''], { function: 'f', filepath: 'a.ts', lineno: 1 }, undefined, false);
    template.mutedReason = MUTE_REASON.AUTO;
    const id = template.id;
    for (let i = 0; i < 5; i++) counter.countTemplate(template, template);
    expect(pending).toBe(1);
    template.mutedReason = MUTE_REASON.OFF;
    counter.countTemplate(template, template); // same epoch, another reason: booked under the reason in force
    bumpMuteEpoch();
    for (let i = 0; i < 3; i++) counter.countTemplate(template, template);
    expect(counter.total).toBe(9);
    expect(counter.pendingTotal()).toBe(9);
    const drained = counter.drain();
    expect(drained.map(key).sort()).toEqual([`${id}/f/auto`, `${id}/f/off`]);
    expect(drained.find((c) => c.reason === MUTE_REASON.AUTO)!.count).toBe(5);
    expect(drained.find((c) => c.reason === MUTE_REASON.OFF)!.count).toBe(4);
    expect(counter.drain()).toEqual([]);
    // Drained tallies count again from zero (queued once more on their 0 -> 1 transition).
    counter.countTemplate(template, template);
    counter.restore(drained);
    expect(counter.drain().map((c) => [key(c), c.count]).sort()).toEqual([
      [`${id}/f/auto`, 5],
      [`${id}/f/off`, 5],
    ]);
  });
});

describe('muted counts through the pipeline', () => {
  it('ride in the next batch, and in a batch with no records when nothing else is logged', async () => {
    const t = new CountingTransport(true);
    const log = logger(t);
    const spam = (i: number) => log.info`mc spam ${i}`;
    const fn = traced('Mc.loop', (i: number) => log.warn`mc in loop ${i}`);
    spam(0);
    fn(0);
    await log.flush();
    t.rules([
      { target: { templateId: templateIdOf('mc spam {}') } as never, reason: 'auto: rate' },
      { target: { function: 'Mc.loop' } as never, reason: 'person' },
    ]);
    for (let i = 0; i < 100; i++) spam(i);
    for (let i = 0; i < 30; i++) fn(i);
    log.info`mc kept ${1}`;
    await log.flush();
    expect(t.sent.at(-1)!.length).toBe(1);
    expect(t.totals()).toEqual(new Map([[`${templateIdOf('mc spam {}')}//auto`, 100], ['0/Mc.loop/off', 30]]));
    // Only counts pending: a batch with no records after the batch delay.
    const before = t.sent.length;
    for (let i = 0; i < 5; i++) spam(i);
    const until = Date.now() + 2000;
    while (t.sent.length === before && Date.now() < until) await sleep(5);
    expect(t.sent.length).toBe(before + 1);
    expect(t.sent.at(-1)).toMatchObject({ length: 0 });
    expect(t.sent.at(-1)!.counts).toEqual([{ templateId: templateIdOf('mc spam {}'), function: '', count: 5, reason: MUTE_REASON.AUTO }]);
    expect(log.stats().muted).toBe(135);

    // Decoded by the collector (and by protobufjs) the same.
    const decoder = new CompactStreamDecoder();
    const hello = decodeClientMessage(encodeHello({ resource: { serviceName: 'mc', attributes: { keys: ['service.name'], values: ['mc'], dropped: 0 } } as never, scope: LOGFUN_SCOPE, sdkVersion: SDK_VERSION, lastAckedSequence: 0, sessionId: Buffer.alloc(16) }));
    if (hello.kind !== 'hello') throw new Error('hello');
    decoder.setHello(hello.hello);
    const last = t.sent.at(-1)!.compact;
    const msg = decodeClientMessage(last.message) as { kind: 'batch'; batch: RecordBatchMessage };
    expect(msg.batch.mutedCounts).toEqual([{ templateId: templateIdOf('mc spam {}'), function: '', count: 5, reason: 2 }]);
    const decoded = decoder.decode(msg.batch);
    expect(decoded.batch.length).toBe(0);
    expect(decoded.mutedCounts).toHaveLength(1);
    const pb = protoType('logfun.v1.ClientMessage').decode(last.message) as unknown as { batch: { mutedCounts: { templateId: unknown; function: string; count: unknown; reason: number }[] } };
    expect(pb.batch.mutedCounts.map((m) => [longToBigInt(m.templateId, true), m.function, Number(longToBigInt(m.count, true)), m.reason])).toEqual([[templateIdOf('mc spam {}'), '', 5, 2]]);
    // The function scope's entry: template id 0 (not written), the function name.
    const withFn = t.sent.find((s) => s.counts.some((c) => c.function === 'Mc.loop'))!.compact;
    const pb2 = protoType('logfun.v1.ClientMessage').decode(withFn.message) as unknown as { batch: { mutedCounts: { templateId: unknown; function: string; reason: number }[] } };
    const scoped = pb2.batch.mutedCounts.find((m) => m.function === 'Mc.loop')!;
    expect([longToBigInt(scoped.templateId, true), scoped.reason]).toEqual([0n, 1]);
  });

  it('a transport that cannot carry counts gets no count-only batches and no counts', async () => {
    const t = new CountingTransport(false);
    const log = logger(t);
    const spam = (i: number) => log.info`mc plain ${i}`;
    spam(0);
    await log.flush();
    t.rules([{ target: { templateId: templateIdOf('mc plain {}') } as never, reason: 'auto: x' }]);
    for (let i = 0; i < 10; i++) spam(i);
    await sleep(60);
    expect(t.sent).toHaveLength(1);
    log.info`mc other ${1}`;
    await log.flush();
    expect(t.sent.map((s) => [s.length, s.counts.length])).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect(log.stats().muted).toBe(10);
  });

  it('a batch split for its size, or refused permanently with records, gives its counts to the next batch', async () => {
    const t = new CountingTransport(true);
    const log = logger(t, 1000);
    const spam = (i: number) => log.info`mc split ${i}`;
    spam(0);
    await log.flush();
    t.rules([{ target: { templateId: templateIdOf('mc split {}') } as never, reason: 'auto: x' }]);
    for (let i = 0; i < 40; i++) spam(i);
    for (let i = 0; i < 4; i++) log.info`mc record ${i}`;
    t.refuse.push(new ExportError('RESOURCE_EXHAUSTED: too large', false, 'RESOURCE_EXHAUSTED', undefined, true));
    t.refuse.push(new ExportError('INVALID_ARGUMENT: bad', false, 'INVALID_ARGUMENT'));
    await log.flush();
    expect(log.stats()).toMatchObject({ droppedRejected: 2, muted: 40 });
    expect(t.totals().get(`${templateIdOf('mc split {}')}//auto`)).toBe(40);
    // A count-only batch refused permanently is not retried forever: dropped with a diagnostic.
    for (let i = 0; i < 3; i++) spam(i);
    t.refuse.push(new ExportError('INVALID_ARGUMENT: no', false, 'INVALID_ARGUMENT'));
    expect(await log.flush()).toBe(true);
    expect(diagnostics.join('\n')).toMatch(/refused a report of 3 muted log records permanently/);
  });

  it('a template muted only inside one function (context decision) reports that function and the rule reason', async () => {
    const t = new CountingTransport(true);
    const log = logger(t);
    const inside = traced('Mc.inner', (i: number) => log.info`mc ctx ${i}`);
    const outside = (i: number) => log.info`mc ctx ${i}`;
    outside(0);
    await log.flush();
    const id = templateIdOf('mc ctx {}');
    // The template is AUTO-muted, but pinned ON inside Mc.inner.
    t.rules([
      { target: { templateId: id } as never, reason: 'auto: spam' },
      { target: { templateId: id, function: 'Mc.inner' } as never, state: RULE_STATE_ON },
    ]);
    for (let i = 0; i < 7; i++) outside(i);
    for (let i = 0; i < 3; i++) inside(i);
    await log.flush();
    expect(t.totals()).toEqual(new Map([[`${id}//auto`, 7]]));
    expect(log.stats()).toMatchObject({ muted: 7, exported: 4 });
  });
});
