/**
 * The template miner on hostile lines (what any client can send a collector): no exception,
 * an exact round trip. Found by attacking the tokenizer's value shapes; speed is measured
 * in bench/miner-adversarial.ts, not here.
 */
import { DEFAULT_MINER_OPTIONS, TemplateMiner, isVariableWord, renderTemplate } from '../../processors/template/miner';

function expectRoundTrip(miner: TemplateMiner, line: string): string {
  const r = miner.add(line);
  expect(renderTemplate(r.template, r.args)).toBe(line);
  return r.template;
}

test("a number closed by thousands of '>' (1>>>…>) is a value, read without a call per '>'", () => {
  // one recursive call per '>' overflowed the call stack on a line within maxLineLength
  expect(isVariableWord('1' + '>'.repeat(100_000), true)).toBe(true);
  expect(isVariableWord('vCores:-17>>', true)).toBe(true);
  expect(isVariableWord('<1>>', true)).toBe(false);
  const miner = new TemplateMiner();
  const line = 'queue depth 1' + '>'.repeat(DEFAULT_MINER_OPTIONS.maxLineLength - 20);
  expect(expectRoundTrip(miner, line)).toBe('queue depth <*>');
});

test("'/' alone in quotes is a value; a '/' between two quoted values ('a'/'b') stays punctuation", () => {
  const miner = new TemplateMiner();
  expect(expectRoundTrip(miner, "vhost: '/' up")).toBe("vhost: '<*>' up");
  expect(expectRoundTrip(miner, "joined 'alpha'/'beta' ok")).toBe("joined 'alpha'/'beta' ok");
  expect(expectRoundTrip(miner, 'joined "alpha"/"beta" ok')).toBe('joined "alpha"/"beta" ok');
});

test('a host range list reads a name of MAX_HOST_RANGE_NAME (32) characters at most, a code location a symbol of 64', () => {
  const miner = new TemplateMiner();
  const name = (k: number): string => 'n'.repeat(k);
  expect(expectRoundTrip(miner, `nodes=${name(32)}[1-4] up`)).toBe('nodes=<*> up');
  expect(expectRoundTrip(miner, `hosts=${name(33)}[1-4] up`)).toBe(`hosts=${name(33)}[<*>] up`);
  expect(expectRoundTrip(miner, `at ${name(64)}+0x1f/0x90 done`)).toBe('at <*> done');
  expect(expectRoundTrip(miner, `in ${name(65)}+0x1f/0x90 done`)).toBe(`in ${name(65)}+0x1f/<*> done`);
});
