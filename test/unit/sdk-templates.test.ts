import {
  TemplateRegistry,
  convertPrintfArguments,
  escapeLiteral,
  parseTemplateText,
  renderTemplateText,
  templateTextOf,
} from '../../sdk/templates';
import { templateIdOf } from '../../protocol/template-id';
import { createLogger, defaultTemplateRegistry, MemoryTransport } from '../../sdk';

describe('template text syntax', () => {
  it('joins tagged literal parts with {}', () => {
    expect(templateTextOf(['user ', ' paid ', ''])).toBe('user {} paid {}');
    expect(parseTemplateText('user {} paid {}')).toEqual(['user ', ' paid ', '']);
  });

  it('escapes literal {} and backslashes before {} so parsing is exact', () => {
    expect(escapeLiteral('set {} is empty', false)).toBe('set \\{} is empty');
    expect(templateTextOf(['C:\\', ''])).toBe('C:\\\\{}');
    expect(templateTextOf(['path C:\\temp ', ''])).toBe('path C:\\temp {}');
    const cases: string[][] = [
      ['a{}b'],
      ['\\{}', '\\', ''],
      ['{', '}'],
      ['{{}}', ''],
      ['x\\\\', 'y\\{}', '\\'],
      ['', '', ''],
      ['no placeholders at all'],
    ];
    for (const parts of cases) expect(parseTemplateText(templateTextOf(parts))).toEqual(parts);
  });

  it('round-trips random literal parts made of braces and backslashes', () => {
    const alphabet = ['{', '}', '\\', 'a', ' '];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 3000; i++) {
      const parts: string[] = [];
      const n = 1 + Math.floor(rnd() * 4);
      for (let p = 0; p < n; p++) {
        let s = '';
        const len = Math.floor(rnd() * 7);
        for (let c = 0; c < len; c++) s += alphabet[Math.floor(rnd() * alphabet.length)];
        parts.push(s);
      }
      expect(parseTemplateText(templateTextOf(parts))).toEqual(parts);
    }
  });

  it('renders a text with typed arguments', () => {
    expect(renderTemplateText('user {} paid {} ok={}', [42, 3.5, true])).toBe('user 42 paid 3.5 ok=true');
    expect(renderTemplateText('big {} bytes {}', [12345678901234567890n, new Uint8Array([1, 2, 3])])).toBe('big 12345678901234567890 bytes AQID');
  });
});

describe('TemplateRegistry', () => {
  it('resolves a tagged site to the same template object on every call (WeakMap on the strings array)', () => {
    const registry = new TemplateRegistry();
    const tag = (strings: TemplateStringsArray, ..._values: unknown[]) => registry.taggedTemplate(strings);
    const seen = new Set<unknown>();
    for (let i = 0; i < 5; i++) seen.add(tag`user ${i} paid ${i * 2}`);
    expect(seen.size).toBe(1);
    const [template] = [...seen] as ReturnType<typeof tag>[];
    expect(template.text).toBe('user {} paid {}');
    expect(template.id).toBe(templateIdOf('user {} paid {}'));
    expect(template.kind).toBe('tagged');
    // Another site with the same text: another object (own code location), same global id.
    const other = tag`user ${1} paid ${2}`;
    expect(other).not.toBe(template);
    expect(other.id).toBe(template.id);
    expect(registry.stats().tagged).toBe(2);
  });

  it('captures the code location of a tagged site once', () => {
    const registry = new TemplateRegistry();
    const tagOf = (r: TemplateRegistry) => (strings: TemplateStringsArray, ..._values: unknown[]) => r.taggedTemplate(strings);
    const tag = tagOf(registry);
    function chargeCard() {
      return tag`charged ${1}`;
    }
    const t = chargeCard();
    // The first frame outside the SDK is the (anonymous) wrapper `tag`; via a logger it is the caller.
    expect(t.site?.function).toBe('');
    expect(t.site?.filepath).toBe(__filename);
    expect(t.site?.lineno).toBeGreaterThan(0);
    expect(tagOf(new TemplateRegistry({ captureCallSites: false }))`x ${1}`.site).toBeUndefined();
  });

  it('caches printf templates by format and argument count and normalizes them to {}', () => {
    const registry = new TemplateRegistry();
    const a = registry.printfTemplate('user %s paid %d', 2);
    expect(registry.printfTemplate('user %s paid %d', 2)).toBe(a);
    expect(a.text).toBe('user {} paid {}');
    // Missing arguments keep their conversion text, extra arguments are appended (util.format rules).
    expect(registry.printfTemplate('user %s paid %d', 1).text).toBe('user {} paid %d');
    expect(registry.printfTemplate('user %s paid %d', 3).text).toBe('user {} paid {} {}');
    expect(registry.printfTemplate('100%% done %s', 1).text).toBe('100% done {}');
    expect(registry.printfTemplate('%c styled %s', 2).text).toBe(' styled {}');
    expect(registry.printfTemplate('a {} literal %s', 1).text).toBe('a \\{} literal {}');
  });

  it('applies printf conversions to the buffered arguments', () => {
    const registry = new TemplateRegistry();
    const t = registry.printfTemplate('%s %d %i %f %j %o %c %s', 8);
    const args = convertPrintfArguments(t, ['s', '12', '42.9', '1.5', { a: 1 }, [1], 'color: red', 7n]);
    expect(args).toEqual(['s', 12, 42, 1.5, '{"a":1}', '[ 1, [length]: 1 ]', 7n]);
    expect(t.render(args)).toBe('s 12 42 1.5 {"a":1} [ 1, [length]: 1 ]  7');
  });

  it('caches plain messages, bounded: a full cache is cleared and counted', () => {
    const registry = new TemplateRegistry({ maxCachedStrings: 3 });
    const m = registry.messageTemplate('cache warmed');
    expect(registry.messageTemplate('cache warmed')).toBe(m);
    expect(m.text).toBe('cache warmed');
    expect(m.site?.filepath).toBe(__filename); // the first site that logged it
    for (let i = 0; i < 10; i++) registry.messageTemplate(`dynamic ${i}`);
    expect(registry.stats().messages).toBeLessThanOrEqual(3);
    expect(registry.stats().cacheResets).toBeGreaterThan(0);
  });
});

describe('control hooks', () => {
  it('lets control rules see every template and mute a site (a muted site records nothing)', async () => {
    const memory = new MemoryTransport();
    const log = createLogger({ service: 's', transport: memory, exitHooks: false });
    const mutedId = templateIdOf('noisy {}');
    defaultTemplateRegistry.setTemplateListener((t) => {
      if (t.id === mutedId) t.muted = true;
    });
    try {
      for (let i = 0; i < 3; i++) log.info`noisy ${i}`;
      log.info`useful ${1}`;
      log.info('plain control message');
      const seen: string[] = [];
      defaultTemplateRegistry.forEachTemplate((t) => seen.push(t.text));
      expect(seen).toEqual(expect.arrayContaining(['noisy {}', 'useful {}', 'plain control message']));
      await log.shutdown();
      expect(memory.bodies()).toEqual(['useful 1', 'plain control message']);
      expect(log.stats().emitted).toBe(2);
    } finally {
      defaultTemplateRegistry.setTemplateListener(undefined);
    }
  });
});
