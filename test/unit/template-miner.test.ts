import { templateIdOf } from '../../protocol/template-id';
import {
  DEFAULT_MINER_OPTIONS,
  TemplateMiner,
  isVariableWord,
  renderTemplate,
  tokenize,
} from '../../processors/template/miner';

const templateOf = (line: string): string => new TemplateMiner().add(line).template;

describe('masking of obvious variables (first line of a template)', () => {
  test.each([
    ['PacketResponder 1 for block blk_-6952295868487656571 terminating', 'PacketResponder <*> for block <*> terminating'],
    ['served 10.251.73.220:50010 in 35ms', 'served <*>:<*> in <*>'],
    ['value -17 and 0.0239 and 6.1.26', 'value <*> and <*> and <*>'],
    ['session 0x14ed93111f20005 object Foo@7317849d', 'session <*> object Foo@<*>'],
    // a key's value that is an object reference is one value, as the key's other values (null) are
    ['toast done pkg=com.vendor.app callback=android.app.Notifier$Stub$Proxy@2d7e5d0 ok', 'toast done pkg=com.vendor.app callback=<*> ok'],
    ['job job_1445144423722_0020 on mesos-slave-07', 'job <*> on <*>'],
    ['dir blockmgr-70293f72-844a-4b39-9ad6-fb0ad7e364e4 created', 'dir blockmgr-<*> created'], // the word before a UUID names it
    ['id 70293f72-844a-4b39-9ad6-fb0ad7e364e4 created', 'id <*> created'],
    ['client fe80::1%eth0 and ::1 and 00:1a:2b:3c:4d:5e', 'client <*> and <*> and <*>'],
    // longer hardware ids and MACs of letters only: one value too
    ['chip FF:F2:9F:15:1E:A9:00:0D:60:EA:E1:56 and bssid=aa:bb:cc:dd:ee:ff up', 'chip <*> and bssid=<*> up'],
    ['opened /var/log/app.log. and ./run.sh and ~/x and \\\\srv\\share', 'opened <*> and <*> and <*> and <*>'],
    ['from /10.251.30.6:33145 ok', 'from <*>:<*> ok'],
    ['fetch http://example.com/a/b?c=1 done', 'fetch http://<*> done'],
    ['connect hdfs://namenode:9000 done', 'connect hdfs://<*>:<*> done'],
    ['mail to jane.doe@example.org sent', 'mail to <*> sent'],
    ['QX: from=<jane.doe@example.org>, size=10', 'QX: from=<<*>>, size=<*>'], // brackets around a value are constant
    ['generating core.2275 now', 'generating core.<*> now'], // the word before a dot and a number names it
    ['link chan=11rssi=-70 noise=-90', 'link chan=<*>rssi=<*> noise=<*>'], // a value glued to the next key
    // object references run together as a key's value (a focus client: the manager, then the listener) are one value
    ['focus from uid/pid 3109/8788 clientId=android.media.AudioManager@f35a197com.vendor.app.Player$4@03e0f52', 'focus from uid/pid <*>/<*> clientId=<*>'],
    // a dump of bytes (a kernel oops's Code: line, the faulting byte marked) is one value whatever its length
    ['Code: 8b 45 08 0f b6 40 <8b> 45 ff ee done', 'Code: <*> done'],
    // a digest with its '=' padding is one value, not a number glued to a key
    ['Found: {l:32 b:73980db4fe4e7f01aff4f8=} Expected: {l:32 b:lgBzwR/HGVr+4kU2Pc9aFqwI0Lk==}', 'Found: {l:<*> b:<*>} Expected: {l:<*> b:<*>}'],
    ['at 2024-01-02T03:04:05.123Z and 2024-01-02 03:04:05 and 12:34:56', 'at <*> and <*> <*> and <*>'],
    // a decimal size is humanised (its unit varies with it): one value; an integer size has a fixed unit
    ['stored (estimated size 5.2 KB, free 17 MB)', 'stored (estimated size <*>, free <*> MB)'],
    ['flags enabled=true debug=false owner=null', 'flags enabled=<*> debug=<*> owner=<*>'],
    ['retry #3 of key[7] = {a: 1, b: 2}', 'retry #<*> of key[<*>] = {a: <*>, b: <*>}'],
    ['connect to server: host-12:8030. Already tried 0 time(s)', 'connect to server: <*>:<*>. Already tried <*> time(s)'],
  ])('%s', (line, template) => {
    expect(templateOf(line)).toBe(template);
  });

  test('identifier-like words with digits are not masked on sight', () => {
    for (const w of ['jk2_init', 'ssh2', 'flush2DB', 'Log4j', 'mapreduce.v2.api', 'HttpServer2$Filter']) {
      expect(isVariableWord(w, true)).toBe(false);
    }
    expect(templateOf('jk2_init() Found child 6725 in scoreboard slot 10')).toBe(
      'jk2_init() Found child <*> in scoreboard slot <*>',
    );
  });

  test('words without digits are constants until they vary', () => {
    expect(templateOf('user alice logged in')).toBe('user alice logged in');
    expect(isVariableWord('deadbeef', true)).toBe(false); // hex letters only: could be a word
    expect(isVariableWord('true', false)).toBe(false);
  });

  test('tokenize keeps every character and keys by punctuation, not whitespace width', () => {
    const a = tokenize('k=v  x: 1', DEFAULT_MINER_OPTIONS);
    const b = tokenize('k=v x: 2', DEFAULT_MINER_OPTIONS);
    expect(a.seps.join('|')).toBe('|=|  |: |');
    expect(a.words).toEqual(['k', 'v', 'x', '1']);
    expect(a.masked).toEqual([false, false, false, true]);
    expect(a.skeletonHash).toBe(b.skeletonHash);
    expect(tokenize('k=v  x= 1', DEFAULT_MINER_OPTIONS).skeletonHash).not.toBe(a.skeletonHash);
  });

  test('a lower-case name, a dash and a number before whitespace is one word (the fast path ends it as the general path does)', () => {
    const tokens = (line: string) => {
      const t = tokenize(line, DEFAULT_MINER_OPTIONS);
      return t.words.map((w, i) => (t.masked[i] ? `<${w}>` : w)).join('|');
    };
    expect(tokens('served by worker-3 in pool web-01')).toBe('served|by|<worker-3>|in|pool|<web-01>');
    expect(tokens('x86-64 utf-8 node-12')).toBe('<x86-64>|<utf-8>|<node-12>');
    // not such a word: an upper-case name (split at the dash), a letter after the number, a mark after it
    expect(tokens('on CPU-0 now')).toBe('on|CPU|<0>|now');
    expect(tokens('vm-12a up')).toBe('vm-12a|up');
    expect(tokens('rack-3/host-4 ok')).toBe('<rack-3>|<host-4>|ok');
  });

  test('lines longer than maxWords keep the tail as one variable', () => {
    const miner = new TemplateMiner({ maxWords: 4 });
    const line = 'a b c d e f g';
    const r = miner.add(line);
    expect(r.template).toBe('a b c <*>');
    expect(r.args).toEqual(['d e f g']);
    expect(renderTemplate(r.template, r.args)).toBe(line);
  });
});

test('lines longer than maxLineLength keep the rest, cut at whitespace, as one variable', () => {
  const miner = new TemplateMiner({ maxLineLength: 20 });
  const line = 'request failed: ' + 'x'.repeat(40) + ' and more  text ';
  const r = miner.add(line);
  expect(r.template).toBe('request failed: <*>');
  expect(renderTemplate(r.template, r.args)).toBe(line);
  const huge = 'y'.repeat(100_000);
  const h = miner.add(huge);
  expect(h.template).toBe('<*>');
  expect(h.args).toEqual([huge]);
});

describe('grouping', () => {
  test('obvious variants (masked values) share one template from the first line', () => {
    const miner = new TemplateMiner();
    const a = miner.add('Received block blk_1 of size 67108864 from /10.0.0.1');
    const b = miner.add('Received block blk_-22 of size 512 from /10.0.0.2');
    expect(a.templateId).toBe(b.templateId);
    expect(b.changed).toBe(false);
    expect(b.template).toBe('Received block <*> of size <*> from <*>');
    expect(b.args).toEqual(['blk_-22', '512', '/10.0.0.2']);
  });

  test('an open set of words generalises after distinctValuesToGeneralize values', () => {
    const miner = new TemplateMiner({ distinctValuesToGeneralize: 4 });
    const users = ['root', 'admin', 'guest', 'oracle', 'webmaster'];
    const results = users.map((u) => miner.add(`Failed password for ${u} from 10.0.0.1 port 22 ssh2`));
    expect(results[0].template).toBe('Failed password for root from <*> port <*> ssh2');
    expect(results[2].template).toBe('Failed password for guest from <*> port <*> ssh2');
    expect(results[3].changed).toBe(true);
    expect(results[3].template).toBe('Failed password for <*> from <*> port <*> ssh2');
    expect(results[4].changed).toBe(false);
    expect(results[4].templateId).toBe(results[3].templateId);
    const finals = new Set(results.map((r) => miner.resolve(r.templateId)));
    expect([...finals]).toEqual([results[3].templateId]);
  });

  test('a small closed set of words stays separate events', () => {
    const miner = new TemplateMiner();
    const ids = new Set<bigint>();
    for (let i = 0; i < 50; i++) {
      const kind = i % 2 === 0 ? 'bytes' : 'values';
      ids.add(miner.resolve(miner.add(`Block broadcast_${i} stored as ${kind} in memory (estimated size ${i}.5 KB)`).templateId));
      // the program's own word in another of its messages: bytes/values is no pair of names (namePairLines)
      if (i % 10 === 5) ids.add(miner.resolve(miner.add(`Finished task ${i}.0 in stage 0.0 (TID ${i}). ${2000 + i} bytes result sent to driver`).templateId));
    }
    for (const [from, to] of [['NEW', 'SCHEDULED'], ['SCHEDULED', 'RUNNING'], ['RUNNING', 'SUCCEEDED']]) {
      for (let i = 0; i < 5; i++) ids.add(miner.resolve(miner.add(`task_${i} Task Transitioned from ${from} to ${to}`).templateId));
    }
    expect(ids.size).toBe(6);
    const live = miner.templates().filter((t) => t.live).map((t) => t.template).sort();
    expect(live).toEqual([
      'Block <*> stored as bytes in memory (estimated size <*>)',
      'Block <*> stored as values in memory (estimated size <*>)',
      'Finished task <*> in stage <*> (TID <*>). <*> bytes result sent to driver',
      '<*> Task Transitioned from NEW to SCHEDULED',
      '<*> Task Transitioned from RUNNING to SUCCEEDED',
      '<*> Task Transitioned from SCHEDULED to RUNNING',
    ].sort());
  });

  test('the first word names the event: distinct first words never merge, single-word lines stay apart', () => {
    const miner = new TemplateMiner();
    for (const w of ['Launching', 'KILLING', 'JOB_CREATE', 'ATTEMPT_START', 'Removing']) miner.add(`${w} attempt_1_0001`);
    for (const w of ['initEnv', 'sendSync', 'reStart', 'clear', 'flush']) miner.add(w);
    miner.add('DataStreamer Exception');
    const live = miner.templates().filter((t) => t.live);
    expect(live).toHaveLength(11);
    expect(live.some((t) => t.template === '<*> <*>' || t.template === '<*>')).toBe(false);
  });

  test('words with digits generalise after two distinct values', () => {
    const miner = new TemplateMiner();
    // (a host name would be a value on sight: these are bare machine names)
    const a = miner.add('Opening proxy : 04DN8IQ');
    const b = miner.add('Opening proxy : 9XK2LP');
    expect(a.template).toBe('Opening proxy : 04DN8IQ');
    expect(b.template).toBe('Opening proxy : <*>');
    expect(miner.resolve(a.templateId)).toBe(b.templateId);
  });

  test('a masked value at a position generalises the matching constant template', () => {
    const miner = new TemplateMiner();
    const a = miner.add('Invalid user admin from 10.0.0.1');
    const b = miner.add('Invalid user 1234 from 10.0.0.2');
    expect(b.template).toBe('Invalid user <*> from <*>');
    expect(b.changed).toBe(true);
    expect(miner.template(a.templateId)!.supersededBy).toBe(b.templateId);
    expect(miner.add('Invalid user admin from 10.0.0.3').templateId).toBe(b.templateId);
  });
});

describe('generalisation bookkeeping', () => {
  test('old ids keep their text, get supersededBy, and still render their lines', () => {
    const miner = new TemplateMiner({ distinctValuesToGeneralize: 4 });
    const lines = ['Accepted key for alice from 10.0.0.1', 'Accepted key for bob from 10.0.0.2', 'Accepted key for carol from 10.0.0.3', 'Accepted key for dave from 10.0.0.4'];
    const results = lines.map((l) => miner.add(l));
    const general = results[3];
    expect(general.template).toBe('Accepted key for <*> from <*>');
    for (let k = 0; k < 3; k++) {
      const r = results[k];
      expect(r.templateId).toBe(templateIdOf(r.template));
      const entry = miner.template(r.templateId)!;
      expect(entry.template).toBe(r.template);
      expect(entry.live).toBe(false);
      expect(entry.supersededBy).toBe(general.templateId);
      expect(entry.count).toBe(1);
      expect(renderTemplate(entry.template, r.args)).toBe(lines[k]);
      expect(miner.resolve(r.templateId)).toBe(general.templateId);
    }
    const g = miner.template(general.templateId)!;
    expect(g.live).toBe(true);
    expect(g.supersededBy).toBeUndefined();
    expect(g.count).toBe(1);
    expect(miner.templates()).toHaveLength(4);
    expect(miner.size).toBe(1);
  });

  test('generalisation cascades: one line can make two positions variables', () => {
    // learnValues off: with it, the tools learned as values would be masked on the first cyan line already
    const miner = new TemplateMiner({ distinctValuesToGeneralize: 4, learnValues: false });
    const colours = ['red', 'green', 'blue', 'cyan'];
    const tools = ['brush', 'roller', 'sponge', 'spray'];
    const results = [];
    for (const colour of colours) for (const tool of tools) results.push(miner.add(`paint wall ${colour} with ${tool}`));
    expect(results[3].template).toBe('paint wall red with <*>');
    const last = results[results.length - 1];
    expect(last.template).toBe('paint wall <*> with <*>');
    expect(last.changed).toBe(true);
    for (const r of results) expect(miner.resolve(r.templateId)).toBe(last.templateId);
    expect(miner.size).toBe(1);
    // 'paint wall cyan with <*>' and 'paint wall cyan with spray' existed only inside the cascade:
    // no line was ever given their ids, so the dictionary does not keep them
    expect(miner.template(templateIdOf('paint wall cyan with <*>'))).toBeUndefined();
    expect(miner.template(templateIdOf('paint wall cyan with spray'))).toBeUndefined();
    expect(miner.template(templateIdOf('paint wall cyan with brush'))!.supersededBy).toBe(last.templateId);
    // handed out: 3 concrete + 1 '<colour> with <*>' per colour, except cyan whose 4th line got the final one
    expect(miner.templates()).toHaveLength(16);
  });

  test('match() never learns', () => {
    const miner = new TemplateMiner();
    expect(miner.match('nothing known yet 1')).toBeUndefined();
    expect(miner.templates()).toHaveLength(0);
    miner.add('known line 1');
    const m = miner.match('known line 2');
    expect(m).toBeDefined();
    expect(m!.changed).toBe(false);
    expect(m!.args).toEqual(['2']);
    expect(miner.template(m!.templateId)!.count).toBe(1);
  });

  test('maxTemplates evicts the least recently used; a returning template gets the same id', () => {
    // no generalisation (a first word is generalised like any other): every line keeps its own template
    const miner = new TemplateMiner({ maxTemplates: 10, distinctValuesToGeneralize: 1000 });
    const first = miner.add('event alpha happened 1');
    for (let k = 0; k < 30; k++) miner.add(`${'x'.repeat(k + 1)} event happened`);
    expect(miner.size).toBeLessThanOrEqual(10);
    expect(miner.template(first.templateId)!.live).toBe(false);
    const again = miner.add('event alpha happened 2');
    expect(again.templateId).toBe(first.templateId);
    expect(again.changed).toBe(true);
    expect(miner.template(first.templateId)!.count).toBe(2);
  });
});

describe('persistence', () => {
  test('toJSON -> JSON text -> fromJSON continues exactly like the original', () => {
    const a = new TemplateMiner();
    const users = ['root', 'admin', 'guest'];
    for (const u of users) a.add(`Failed password for ${u} from 10.0.0.1 port 22 ssh2`);
    a.add('Server started on port 8080');
    a.add('literal <*> in a line 5');
    const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(restored.templates().map((t) => [t.id, t.template, t.count, t.live, t.supersededBy])).toEqual(
      a.templates().map((t) => [t.id, t.template, t.count, t.live, t.supersededBy]),
    );
    expect(restored.options).toEqual(a.options);
    const next = ['Failed password for oracle from 10.0.0.2 port 22 ssh2', 'Server started on port 9090', 'literal <*> in a line 6', 'brand new line'];
    for (const line of next) {
      const x = a.add(line);
      const y = restored.add(line);
      expect(y).toEqual(x);
      expect(renderTemplate(y.template, y.args)).toBe(line);
    }
    expect(restored.resolve(templateIdOf('Failed password for root from <*> port <*> ssh2'))).toBe(
      templateIdOf('Failed password for <*> from <*> port <*> ssh2'),
    );
  });

  test('malformed snapshots are refused with a clear error', () => {
    expect(() => TemplateMiner.fromJSON(null)).toThrow(/not a logfun.template-miner document/);
    expect(() => TemplateMiner.fromJSON({ format: 'logfun.template-miner', version: 2 })).toThrow(/unsupported version/);
    const good = new TemplateMiner();
    good.add('x 1');
    const snap = JSON.parse(JSON.stringify(good.toJSON()));
    snap.templates[0].id = '1';
    expect(() => TemplateMiner.fromJSON(snap)).toThrow(/does not match its text/);
  });

  test('bad options are refused', () => {
    expect(() => new TemplateMiner({ distinctValuesToGeneralize: 1 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ maxTemplates: 0 })).toThrow(RangeError);
  });
});
