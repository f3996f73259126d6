import {
  TemplateMiner,
  countVariables,
  escapeConstant,
  renderTemplate,
  templateParts,
  unescapeConstant,
} from '../../processors/template/miner';

/** Deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('template text and rendering', () => {
  test('a template without variables renders as itself', () => {
    expect(renderTemplate('hello world', [])).toBe('hello world');
    expect(countVariables('hello world')).toBe(0);
  });

  test('<*> is a variable; args fill them in order', () => {
    expect(renderTemplate('a <*> b <*>', ['1', '2'])).toBe('a 1 b 2');
    expect(countVariables('<*><*>')).toBe(2);
    expect(templateParts('x<*>y<*>')).toEqual(['x', 'y', '']);
  });

  test('literal <*> in constant text is escaped and renders back literally', () => {
    expect(escapeConstant('a <*> b')).toBe('a <\\*> b');
    expect(escapeConstant('<\\*>')).toBe('<\\\\*>');
    expect(unescapeConstant(escapeConstant('x <*> <\\*> <\\\\*> y'))).toBe('x <*> <\\*> <\\\\*> y');
    const t = escapeConstant('see <*> here ') + '<*>';
    expect(countVariables(t)).toBe(1);
    expect(renderTemplate(t, ['v'])).toBe('see <*> here v');
  });

  test('a constant ending in < or <\\ next to a variable stays unambiguous', () => {
    expect(renderTemplate('<<*>', ['x'])).toBe('<x');
    expect(renderTemplate('<\\<*>', ['x'])).toBe('<\\x');
    expect(renderTemplate('<*>*>', ['x'])).toBe('x*>');
    expect(countVariables('<\\<*>')).toBe(1);
  });
});

describe('exact round trip through the miner', () => {
  const odd = [
    '',
    ' ',
    '   leading and trailing   ',
    'tabs\tand\t\tdouble  spaces',
    'crlf line\r\n',
    'literal <*> marker 42',
    'escaped-looking <\\*> and <\\\\*> and <*>* and <<*>>',
    'a value <*> next to 17 and <*>',
    'unicode: naïve café 😀 ümlaut 12',
    'lone surrogate \ud800 x 5',
    'nbsp\u00a0between\u2003words 7',
    'control \u0001 chars \u0000 9',
    'url http://example.com/a?b=1, then https://h:443.',
    'mail a.b@example.org; ipv6 fe80::1%eth0 and [::1]:8080',
    'time 2024-01-02T03:04:05.123Z and 12:34:56 and 5.2 KB, done.',
    'path /var/log/x.log. and ./rel and ~/home and \\\\share\\dir',
    '===',
    '...',
    '/',
    '//',
    '<*>',
    '<*><*>',
    'blk_-1234 blk_5678',
  ];

  test('odd inputs render back byte for byte (add and match)', () => {
    const miner = new TemplateMiner();
    for (const line of odd) {
      const r = miner.add(line);
      expect(renderTemplate(r.template, r.args)).toBe(line);
      const m = miner.match(line);
      expect(m).toBeDefined();
      expect(renderTemplate(m!.template, m!.args)).toBe(line);
    }
  });

  test('random lines from a nasty alphabet always round-trip, also after generalisation', () => {
    const pieces = [
      '<*>', '<\\*>', '<', '*>', '\\', ' ', '  ', '\t', '=', ':', ',', '/', '.', '[', ']', '"', "'", '#', '@',
      'user', 'root', 'admin', 'guest', 'x1', 'x2', '42', '-7', '0x1f', '10.0.0.1', '10.0.0.1:80', '::1',
      'a@b.com', 'http://x.y/z', '/p/q.', '12:34:56', '5 MB', 'true', 'é', '😀', '\u0000', 'blk_-12',
    ];
    const rand = prng(7);
    const pick = (): string => pieces[Math.floor(rand() * pieces.length)];
    const miner = new TemplateMiner({ maxTemplates: 50 });
    for (let k = 0; k < 5000; k++) {
      let line: string;
      if (rand() < 0.5) {
        line = '';
        const n = Math.floor(rand() * 10);
        for (let j = 0; j < n; j++) line += pick();
      } else {
        line = `login of ${pick()} from ${pick()}${rand() < 0.3 ? '  ' : ' '}done`;
      }
      const r = miner.add(line);
      expect(renderTemplate(r.template, r.args)).toBe(line);
    }
    expect(miner.size).toBeLessThanOrEqual(50);
  });

  test('lines that differ only in lone surrogates keep their own text (ids hash them as U+FFFD, so their constants would share an id)', () => {
    const miner = new TemplateMiner();
    for (const line of ['\ud933\ud83d\ude00', '\udca4\ud83d\ude00', 'open \ud800 now', 'open \udfff now', 'open \ud800 now']) {
      const r = miner.add(line);
      expect(renderTemplate(r.template, r.args)).toBe(line);
      const m = miner.match(line)!;
      expect(renderTemplate(m.template, m.args)).toBe(line);
    }
  });

  test('whitespace next to a variable is carried by its argument, so odd spacing does not split the group', () => {
    const miner = new TemplateMiner();
    const users = ['root', 'admin', 'guest', 'oracle', ' 0101', 'test'];
    const results = users.map((u) => miner.add(`Invalid user ${u} from 10.1.1.${users.indexOf(u)}`));
    const final = new Set(results.map((r) => miner.resolve(r.templateId)));
    expect(final.size).toBe(1);
    const last = miner.add('Invalid user  0202 from 10.9.9.9');
    expect(last.template).toBe('Invalid user <*> from <*>');
    expect(last.args).toEqual([' 0202', '10.9.9.9']);
    expect(renderTemplate(last.template, last.args)).toBe('Invalid user  0202 from 10.9.9.9');
  });
});
