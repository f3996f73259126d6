/**
 * Spam processor overhead per record, one core, one table:
 *
 *   npm run build && node dist/bench/spam.js [--records N]
 *
 * Input: a pool of 200 batches of 512 records, replayed, from 10 services x 10 functions x 100 templates
 * (1,000 template keys and 100 function keys), two random arguments each and a
 * code.function attribute — what the template processor hands on. The processor
 * runs on a simulated clock advancing 5 ms per batch (about 100,000 records/s),
 * with an evaluation every 250 ms of that time included in the timing, after 70 s
 * of the same traffic untimed (every key has its history: the steady state).
 * Variants:
 *
 *   - floor: the same batches handed straight to the next consumer;
 *   - spam, nothing muted: every record observed (two keys: rate buckets and
 *     argument samples), bursts judged at evaluations (high entropy: no mute);
 *   - spam, one key muted: as above, with 10 % of every batch from a key muted by
 *     AUTO (those records dropped and counted: the filtered-copy path);
 *   - spam, runs: batches as the compact stream brings them, runs of 64 records of one
 *     template sharing its call-site attribute list (judged a run at a time: observeRun).
 *
 * Each variant runs several interleaved rounds; the best is reported, with the
 * overhead in ns per record over the floor.
 */
import { LogBatchBuilder, type LogBatch } from '../collector/pipeline/batch';
import type { LogsConsumer } from '../collector/pipeline/component';
import { Metrics } from '../collector/telemetry/metrics';
import { createMemoryLogger } from '../collector/telemetry/diag';
import { TemplateDictionary } from '../collector/templates/dictionary';
import { SpamProcessor } from '../processors/spam/processor';
import { createDefaultSpamConfig } from '../processors/spam/config';
import { printTable } from './lib';

const BATCH = 512;
const MS_PER_BATCH = 5;

function argValue(): number {
  const i = process.argv.indexOf('--records');
  return i > 0 ? Number(process.argv[i + 1]) : 2_000_000;
}

function rand(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` batches; with `mutedShare`, that share of each batch is from template 1 of svc-0 (constant args). */
function makeBatches(count: number, mutedShare: number): LogBatch[] {
  const rnd = rand(42);
  const out: LogBatch[] = [];
  for (let n = 0; n < count; n++) {
    const b = new LogBatchBuilder();
    const resources = Array.from({ length: 10 }, (_, s) => b.addResource({ attributes: [{ key: 'service.name', value: `svc-${s}` }], droppedAttributesCount: 0, schemaUrl: '' }));
    const scope = b.addScope({ name: 'bench', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (let i = 0; i < BATCH; i++) {
      if (i < BATCH * mutedShare) {
        b.add(resources[0], scope, { templateId: 1n, templateArgs: ['db-1', 'ECONNREFUSED'], body: 'x', attributes: [{ key: 'code.function', value: 'Spam.loop' }] }, 60);
        continue;
      }
      const s = Math.floor(rnd() * 10);
      const t = 100 + Math.floor(rnd() * 100);
      b.add(
        resources[s],
        scope,
        {
          templateId: BigInt(t),
          templateArgs: [String(Math.floor(rnd() * 1e9)), String(Math.floor(rnd() * 1000))],
          body: 'x',
          attributes: [{ key: 'code.function', value: `Fn.f${t % 10}` }],
        },
        60,
      );
    }
    out.push(b.batch);
  }
  return out;
}

/** Records per run in makeRunBatches: a template's records in a row, as a compact-stream batch carries them. */
const RUN = 64;

/**
 * `count` batches as the compact stream brings them: runs of RUN records of one template,
 * each sharing its template's call-site attribute list (one array per template, as the
 * compact decoder makes it), the same 1,000 template and 100 function keys, random arguments.
 */
function makeRunBatches(count: number): LogBatch[] {
  const rnd = rand(43);
  const sites = new Map<number, { key: string; value: string }[]>();
  const out: LogBatch[] = [];
  for (let n = 0; n < count; n++) {
    const b = new LogBatchBuilder();
    const resources = Array.from({ length: 10 }, (_, s) => b.addResource({ attributes: [{ key: 'service.name', value: `svc-${s}` }], droppedAttributesCount: 0, schemaUrl: '' }));
    const scope = b.addScope({ name: 'bench', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });
    for (let i = 0; i < BATCH; i += RUN) {
      const s = Math.floor(rnd() * 10);
      const t = 100 + Math.floor(rnd() * 100);
      let site = sites.get(t);
      if (site === undefined) sites.set(t, (site = [{ key: 'code.function', value: `Fn.f${t % 10}` }]));
      for (let r = 0; r < RUN; r++) {
        b.add(resources[s], scope, { templateId: BigInt(t), templateArgs: [String(Math.floor(rnd() * 1e9)), String(Math.floor(rnd() * 1000))], body: 'x', attributes: site }, 60);
      }
    }
    out.push(b.batch);
  }
  return out;
}

const sink: LogsConsumer = { consumeLogs: async () => undefined };

async function runFloor(batches: LogBatch[], count: number): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await sink.consumeLogs(batches[i % batches.length]);
  return Number(process.hrtime.bigint() - t);
}

async function runSpam(batches: LogBatch[], count: number, muteFirst: boolean): Promise<{ ns: number; muted: number; evaluations: number }> {
  const clock = { now: 1_700_000_000_000 };
  const p = new SpamProcessor({ id: 'spam', metrics: new Metrics(), logger: createMemoryLogger() }, { ...createDefaultSpamConfig(), store: false }, sink, {
    clock: () => clock.now,
    timer: false,
  });
  await p.start({ metrics: new Metrics(), logger: createMemoryLogger(), components: new Map(), templates: new TemplateDictionary() });
  // 10 s of quiet, then 70 s of the same traffic (untimed): every key has a full
  // history, as in a collector that has been running (the steady state). With
  // muteFirst, the spam key is muted during the warm-up.
  clock.now += 10_000;
  await p.evaluate();
  for (let i = 0; i < 14_000; i++) {
    clock.now += MS_PER_BATCH;
    await p.consumeLogs(batches[i % batches.length]);
    if (clock.now % 250 < MS_PER_BATCH) await p.evaluate();
  }
  const muted = p.activeMutes().length;
  let evaluations = 0;
  const t = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    clock.now += MS_PER_BATCH;
    await p.consumeLogs(batches[i % batches.length]);
    if (clock.now % 250 < MS_PER_BATCH) {
      await p.evaluate();
      evaluations++;
    }
  }
  const ns = Number(process.hrtime.bigint() - t);
  await p.shutdown();
  return { ns, muted, evaluations };
}

async function main(): Promise<void> {
  const records = argValue();
  const count = Math.max(1, Math.round(records / BATCH));
  // A pool of 200 batches (102,400 records) replayed: the live heap stays small, so the
  // figures are the processor's, not the garbage collector's work on the bench's input.
  const plain = makeBatches(200, 0);
  const withSpam = makeBatches(200, 0.1);
  const runs = makeRunBatches(200);
  const n = count * BATCH;
  const best = { floor: Infinity, spam: Infinity, muted: Infinity, runs: Infinity };
  let runsMuted = 0;
  let mutedKeys = 0;
  let nothingMuted = 0;
  for (let round = 0; round < 5; round++) {
    best.floor = Math.min(best.floor, await runFloor(plain, count));
    const a = await runSpam(plain, count, false);
    best.spam = Math.min(best.spam, a.ns);
    nothingMuted = a.muted;
    const b = await runSpam(withSpam, count, true);
    best.muted = Math.min(best.muted, b.ns);
    mutedKeys = b.muted;
    const c = await runSpam(runs, count, false);
    best.runs = Math.min(best.runs, c.ns);
    runsMuted = c.muted;
  }
  if (nothingMuted !== 0 || mutedKeys !== 1 || runsMuted !== 0) {
    console.error(`unexpected mutes: ${nothingMuted} in the plain run, ${mutedKeys} in the spam run, ${runsMuted} in the runs' (expected 0, 1 and 0)`);
    process.exitCode = 1;
  }
  const row = (name: string, ns: number) => [name, Math.round((n / ns) * 1e9), ns / n, Math.max(0, (ns - best.floor) / n)];
  printTable(`spam processor, ${n.toLocaleString('en-US')} records in batches of ${BATCH} (best of 5)`, ['variant', 'records/s', 'ns/record', 'overhead ns/record'], [
    row('floor (next consumer only)', best.floor),
    row('spam, nothing muted', best.spam),
    row('spam, 10 % from a muted key', best.muted),
    row(`spam, runs of ${RUN} records of one template (compact stream)`, best.runs),
  ]);
}

void main();
