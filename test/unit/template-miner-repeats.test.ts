/**
 * TemplateMiner tokenizes a line that repeats the one before it only once (tokensOf: a load
 * driver's fixed body, a health check in a loop): what it learns and hands out must be
 * exactly what tokenizing every line gives (this input also has lines whose tokens
 * known-value masking changed, after which a repeat is tokenized again).
 *
 * Generated input: invented message shapes and names, a seeded PRNG.
 */
import { TemplateMiner, type MatchResult } from '../../processors/template/miner';
import { prng } from '../kit/prng';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

const NAMES = ['bakori', 'zimulo', 'tedrona', 'puskyfe', 'lonaba', 'fekomu', 'ritezi', 'muladro'];

function line(rng: Rng, n: number): string {
  const a = pick(rng, NAMES);
  switch (n % 6) {
    case 0:
      return `user ${a} logged in from 10.0.${n % 7}.${n % 251}`;
    case 1:
      return `${a} started job ${n % 97}`;
    case 2:
      return `session ${n} closed by ${a}`;
    case 3:
      return 'cache warm';
    case 4:
      return `${a} renamed to ${pick(rng, NAMES)}`;
    default:
      return `GET /api/items/${n % 50} 200 served by worker-${n % 4} in pool ${a}`;
  }
}

const summary = (r: MatchResult) => [r.templateId, r.template, r.args];

test('a line repeating the one before gives what tokenizing it again gives (results, learning, known-value masking)', () => {
  const rng = prng(30);
  const lines: string[] = [];
  for (let n = 0; lines.length < 6000; n++) {
    const l = line(rng, Math.floor(rng() * 1000));
    // repeats as separate strings, as a decoder makes one per record
    for (let k = Math.floor(rng() * 3); k >= 0; k--) lines.push(Buffer.from(l).toString());
  }
  const repeats = new TemplateMiner();
  const fresh = new TemplateMiner();
  for (const l of lines) {
    const a = repeats.add(l);
    fresh.match('zz unrelated sentinel 0'); // tokenizes another text: the next add tokenizes its line again
    const b = fresh.add(l);
    expect(summary(a)).toEqual(summary(b));
  }
  expect(repeats.templates()).toEqual(fresh.templates());
  expect(lines.filter((l, i) => i > 0 && l === lines[i - 1]).length).toBeGreaterThan(1000);
});
