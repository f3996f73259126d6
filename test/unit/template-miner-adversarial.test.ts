/**
 * The template miner on hostile lines (what any client can send a collector): no exception,
 * an exact round trip. Found by attacking the tokenizer's value shapes; speed is measured
 * in bench/miner-adversarial.ts, not here.
 */
import { DEFAULT_MINER_OPTIONS, TemplateMiner, isVariableWord, renderTemplate } from '../../processors/template/miner';
import { prng } from '../kit/prng';

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

test('edge inputs of the value shapes round-trip and keep their punctuation: empty brackets, a code location without digits, <>, a quoted / at the line ends', () => {
  const miner = new TemplateMiner();
  expect(expectRoundTrip(miner, 'list cn[] and cn[-] empty')).toBe('list cn[] and cn[-] empty');
  expect(expectRoundTrip(miner, 'at x+0x/0x1 now')).toBe('at x+0x/<*> now');
  expect(expectRoundTrip(miner, 'frame <> [<ffffffff8012b7f7>] do_exit+0x1f/0x90')).toBe('frame <> [<<*>>] <*>');
  expect(expectRoundTrip(miner, "'/' first")).toBe("'<*>' first");
  expect(expectRoundTrip(miner, "last '/'")).toBe("last '<*>'");
  for (const line of ["'/", "/'", 'a1[1-', '<ffffffff', 'x+0x1/', '/a (', '\u0000<\ud800>[\udc00-1]']) expectRoundTrip(miner, line);
});

test('a restored miner continues exactly like the original on events the newest rules decide', () => {
  // single-quoted names, two-word reasons, verbs before an article, a pair in one frame, labels in parentheses,
  // kinds after a colon, host ranges, call-trace frames: a snapshot at every tenth line, each continued to the end
  const rng = prng(26);
  const p = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const hex = (n: number): string => Array.from({ length: n }, () => p([...'0123456789abcdef'])).join('');
  const events: (() => string)[] = [
    () => `Module '${p(['ReJSON', 'timeseries', 'search', 'graph'])}' loaded`,
    () => `Suspend reason ${p(['power button', 'screen timeout', 'lid switch', 'idle timer'])} pressed`,
    () => `failed to ${p(['spawn', 'destroy', 'resize'])} the instance ${hex(8)}`,
    () => `${p(['data', 'instruction'])} ${p(['storage', 'TLB error'])} interrupt`,
    () => `BIOS-e820: ${hex(16)} - ${hex(16)} (${p(['usable', 'reserved', 'ACPI NVS', 'ACPI data'])})`,
    () => `thrown: ${p(['Flavor', 'Image', 'Volume'])} ${hex(8)}`,
    () => `Allocate JobId=${hex(4)} NodeList=${p(['cn', 'gn'])}[${hex(1)}-${hex(2)},${hex(2)}]`,
    () => ` [<${hex(16)}>] ${p(['do_exit', 'kthread', 'sys_read'])}+0x${hex(3)}/0x${hex(3)}`,
  ];
  const lines = Array.from({ length: 200 }, () => p(events)());
  const original = new TemplateMiner();
  const restored: TemplateMiner[] = [];
  lines.forEach((line, k) => {
    if (k % 10 === 0) restored.push(TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON()))));
    const x = original.add(line);
    expect(renderTemplate(x.template, x.args)).toBe(line);
    for (const copy of restored) expect(copy.add(line)).toEqual(x);
  });
  for (const copy of restored) expect(copy.toJSON()).toEqual(original.toJSON());
});
