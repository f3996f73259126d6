/**
 * TemplateMiner.addBatch: a batch (one export request) is learned before any
 * of its lines is handed out, so the lines of one event in a batch leave with
 * one template even when the event's first lines came before the values that
 * generalised it (issue 15, GA at emit time).
 *
 * Generated input: invented message shapes and invented names (no line of any
 * public data set), a seeded PRNG, lines shuffled.
 */
import { TemplateMiner, renderTemplate, type MatchResult } from '../../processors/template/miner';
import { prng } from '../kit/prng';
import { templateIdOf } from '../../protocol/template-id';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

const SYLLABLES = ['ba', 'ko', 'ri', 'mu', 'te', 'lo', 'zi', 'na', 'pu', 'fe', 'dro', 'sky'];

/** `size` distinct invented lower-case names ending in a vowel (plain words: no -ed/-ing, no digits). */
function names(rng: Rng, size: number): string[] {
  const out = new Set<string>();
  while (out.size < size) out.add(pick(rng, SYLLABLES) + pick(rng, SYLLABLES) + pick(rng, SYLLABLES) + pick(rng, ['a', 'o', 'u']));
  return [...out];
}

interface Labelled {
  readonly event: string;
  readonly line: string;
}

/** Events whose only variable in most lines is a plain word (a user, queue or job name). */
function eventsOf(rng: Rng, users: readonly string[], queues: readonly string[], jobs: readonly string[]) {
  return [
    { event: 'session', line: () => `session opened for user ${pick(rng, users)} by cron` },
    { event: 'drain', line: () => `queue ${pick(rng, queues)} drained by worker ${int(rng, 1, 40)}` },
    { event: 'job', line: () => `job ${pick(rng, jobs)} finished in ${int(rng, 2, 9000)} ms` },
  ];
}

/** `perEvent` lines of each event, shuffled. */
function batchOf(rng: Rng, events: ReadonlyArray<{ event: string; line: () => string }>, perEvent: number): Labelled[] {
  const out: Labelled[] = [];
  for (const e of events) for (let k = 0; k < perEvent; k++) out.push({ event: e.event, line: e.line() });
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Template ids each event's lines were handed out with. */
function idsByEvent(lines: readonly Labelled[], results: readonly MatchResult[]): Map<string, Set<bigint>> {
  const out = new Map<string, Set<bigint>>();
  lines.forEach(({ event }, i) => (out.get(event) ?? out.set(event, new Set()).get(event)!).add(results[i].templateId));
  return out;
}

const splitEvents = (byEvent: Map<string, Set<bigint>>): string[] => [...byEvent].filter(([, ids]) => ids.size > 1).map(([e]) => e);

function roundTripFailures(lines: readonly Labelled[], results: readonly MatchResult[]): string[] {
  return lines.filter(({ line }, i) => renderTemplate(results[i].template, results[i].args) !== line).map(({ line }) => line);
}

describe('TemplateMiner.addBatch', () => {
  const rng = prng(1515);
  const users = names(rng, 12);
  const queues = names(rng, 12);
  const jobs = names(rng, 12);

  test('the lines of one event in a batch get one template: the one the whole batch taught', () => {
    const lines = batchOf(rng, eventsOf(rng, users, queues, jobs), 25);
    // the same lines one at a time split events: their first lines precede the generalisation
    const perLine = new TemplateMiner();
    expect(splitEvents(idsByEvent(lines, lines.map(({ line }) => perLine.add(line))))).not.toEqual([]);

    const miner = new TemplateMiner();
    const results = miner.addBatch(lines.map((l) => l.line));
    expect(results).toHaveLength(lines.length);
    const byEvent = idsByEvent(lines, results);
    expect(splitEvents(byEvent)).toEqual([]);
    expect(roundTripFailures(lines, results)).toEqual([]);
    // each event's template is current (final) and has variables where the names were
    for (const ids of byEvent.values()) for (const id of ids) expect(miner.resolve(id)).toBe(id);
    expect(miner.template([...byEvent.get('session')!][0])!.template).toBe('session opened for user <*> by cron');
    // the same learning as add() one line at a time: the same final templates
    for (const { line } of lines) expect(miner.match(line)!.templateId).toBe(perLine.resolve(perLine.match(line)!.templateId));
  });

  test('intermediate templates of a batch are not in the dictionary; counts follow the lines that moved', () => {
    const lines = batchOf(rng, eventsOf(rng, users, queues, jobs), 25);
    const miner = new TemplateMiner();
    const results = miner.addBatch(lines.map((l) => l.line));
    const handedOut = new Set(results.map((r) => r.templateId));
    const dictionary = miner.templates();
    // every entry was handed out, every link leads to an entry
    expect(dictionary.map((t) => t.id).filter((id) => !handedOut.has(id))).toEqual([]);
    const ids = new Set(dictionary.map((t) => t.id));
    expect(dictionary.filter((t) => t.supersededBy !== undefined && !ids.has(t.supersededBy))).toEqual([]);
    expect(dictionary.reduce((n, t) => n + t.count, 0)).toBe(lines.length);
  });

  test('a later batch generalises templates an earlier batch handed out: old ids resolve to the new template', () => {
    const events = (pool: readonly string[]) => [{ event: 'session', line: () => `session opened for user ${pick(rng, pool)} by cron` }];
    // one name: a template of its own, handed out
    const first = batchOf(rng, events(users.slice(0, 1)), 4);
    const miner = new TemplateMiner();
    const early = miner.addBatch(first.map((l) => l.line));
    const earlyIds = new Set(early.map((r) => r.templateId));
    expect(earlyIds.size).toBe(1);
    // the next batch starts with a second name (a template of its own when added), then more names
    // generalise: one template for all its lines, the old one points straight to it
    const second = [...batchOf(rng, events(users.slice(1, 2)), 2), ...batchOf(rng, events(users.slice(2, 8)), 12)];
    const late = miner.addBatch(second.map((l) => l.line));
    const intermediate = templateIdOf(`session opened for user ${users[1]} by cron`);
    expect(miner.template(intermediate)).toBeUndefined(); // created and superseded inside the batch, no line kept it
    const lateIds = new Set(late.map((r) => r.templateId));
    expect(lateIds.size).toBe(1);
    const general = [...lateIds][0];
    expect(miner.template(general)!.template).toBe('session opened for user <*> by cron');
    for (const id of earlyIds) {
      expect(miner.template(id)?.supersededBy).toBe(general); // kept (handed out), linked straight to it
      expect(miner.resolve(id)).toBe(general);
    }
    expect(roundTripFailures(first, early)).toEqual([]);
    expect(roundTripFailures(second, late)).toEqual([]);
    // a line of the earlier batch now matches the template its old id resolves to
    expect(miner.match(first[0].line)!.templateId).toBe(general);
  });

  test('a batch of one is add(); an empty batch changes nothing', () => {
    const a = new TemplateMiner();
    const b = new TemplateMiner();
    for (const u of users.slice(0, 5)) {
      const line = `session opened for user ${u} by cron`;
      expect(a.addBatch([line])).toEqual([b.add(line)]);
    }
    expect(a.addBatch([])).toEqual([]);
    expect(a.templates()).toEqual(b.templates());
  });
});
