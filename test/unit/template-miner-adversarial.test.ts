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
