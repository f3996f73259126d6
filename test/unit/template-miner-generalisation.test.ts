/**
 * Generalisation of the template miner on systems it was never tuned on.
 *
 * Each describe block is one failure kind of issue 15, reproduced with a small
 * synthetic generator: invented message shapes and vocabularies (no line of
 * any public data set), a seeded PRNG, lines in shuffled order. Every event
 * knows its own identity, so the tests score the miner's grouping the way the
 * bench does: all lines of one event must end up in one template (following
 * supersededBy), no template may hold two events, and every line must render
 * back exactly.
 */
import { DEFAULT_MINER_OPTIONS, TemplateMiner, renderTemplate, tokenize } from '../../processors/template/miner';
import { planFreeText, sharedFrame } from '../../processors/template/miner/length-merge';
import { prng } from '../kit/prng';
import { unseenSystemV2 } from '../../bench/unseen-systems-v2';
import { unseenSystemV6 } from '../../bench/unseen-systems-v6';
import { unseenSystemV7 } from '../../bench/unseen-systems-v7';
import { unseenSystemV8 } from '../../bench/unseen-systems-v8';
import { unseenSystemV9 } from '../../bench/unseen-systems-v9';
import { unseenSystemV11 } from '../../bench/unseen-systems-v11';
import { unseenSystemV14 } from '../../bench/unseen-systems-v14';
import { unseenSystemV15 } from '../../bench/unseen-systems-v15';
import { unseenSystem } from '../../bench/unseen-systems';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const ip = (rng: Rng): string => `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
const hex = (rng: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(rng, 0, 15)]).join('');

/** An event: its name (the truth) and a generator of its lines. */
interface EventSpec {
  readonly event: string;
  readonly line: (rng: Rng) => string;
}

interface Labelled {
  readonly event: string;
  readonly line: string;
}

/** `perEvent` lines of every event, shuffled with the same seed. */
function generate(events: readonly EventSpec[], perEvent: number, seed = 15): Labelled[] {
  const rng = prng(seed);
  const out: Labelled[] = [];
  for (const e of events) for (let k = 0; k < perEvent; k++) out.push({ event: e.event, line: e.line(rng) });
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Mined {
  /** event -> final template texts its lines ended in */
  readonly split: Map<string, Set<string>>;
  /** final template text -> events in it */
  readonly merged: Map<string, Set<string>>;
  /** event -> template texts returned by add() for its lines (what a consumer saw at emit time) */
  readonly atAdd: Map<string, Set<string>>;
  readonly roundTripFailures: number;
}

function mine(lines: readonly Labelled[], miner = new TemplateMiner()): Mined {
  const split = new Map<string, Set<string>>();
  const merged = new Map<string, Set<string>>();
  const atAdd = new Map<string, Set<string>>();
  const ids: bigint[] = [];
  let roundTripFailures = 0;
  for (const { event, line } of lines) {
    const r = miner.add(line);
    if (renderTemplate(r.template, r.args) !== line) roundTripFailures++;
    ids.push(r.templateId);
    (atAdd.get(event) ?? atAdd.set(event, new Set()).get(event)!).add(r.template);
  }
  lines.forEach(({ event }, i) => {
    const text = miner.template(miner.resolve(ids[i]))!.template;
    (split.get(event) ?? split.set(event, new Set()).get(event)!).add(text);
    (merged.get(text) ?? merged.set(text, new Set()).get(text)!).add(event);
  });
  return { split, merged, atAdd, roundTripFailures };
}

/** Every event in exactly one final template, every template one event, exact rendering. */
function expectGroupedByEvent(m: Mined): void {
  const splits = [...m.split].filter(([, ts]) => ts.size > 1).map(([e, ts]) => `${e} -> ${[...ts].join(' | ')}`);
  const merges = [...m.merged].filter(([, es]) => es.size > 1).map(([t, es]) => `${t} <- ${[...es].join(', ')}`);
  expect({ splits, merges, roundTripFailures: m.roundTripFailures }).toEqual({ splits: [], merges: [], roundTripFailures: 0 });
}

/** `line` gets `template` from `miner` and renders back to itself. */
function expectMinedExactly(miner: TemplateMiner, line: string, template: string): void {
  const r = miner.add(line);
  expect(r.template).toBe(template);
  expect(renderTemplate(r.template, r.args)).toBe(line);
}

const NAMES = ['quillon', 'marrow', 'tessaly', 'brindle', 'okapi', 'vantor', 'sorrel', 'pelham'];

describe('a variable in the first position without digits', () => {
  test('names leading the message generalise like names anywhere else', () => {
    const m = mine(
      generate(
        [
          { event: 'checkpoint', line: (r) => `${pick(r, NAMES)} checkpoint written after ${int(r, 1, 900)} pages` },
          { event: 'lag', line: (r) => `${pick(r, ['ledger-sync', 'night-rollup', 'audit-trail', 'cold-archive', 'fast-index'])}: replica lag ${int(r, 1, 99)} ms` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('word count varying inside one event', () => {
  test('an optional parenthesised part', () => {
    const m = mine(
      generate(
        [
          {
            event: 'flush',
            line: (r) => `spool flushed ${int(r, 1, 500)} records${r() < 0.5 ? ` (compacted ${int(r, 1, 9)} segments)` : ''} for tenant ${int(r, 1, 40)}`,
          },
          { event: 'open', line: (r) => `spool opened for tenant ${int(r, 1, 40)}` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('two optional parts in one line, each present or not', () => {
    const bytes = (r: Rng): string => {
      const n = int(r, 0, 4000);
      return n >= 1024 ? `${n} bytes (${(n / 1024).toFixed(2)} KB)` : `${n} bytes`;
    };
    const m = mine(
      generate(
        [
          { event: 'close', line: (r) => `relay ${int(r, 1, 99)} close, ${bytes(r)} sent, ${bytes(r)} received` },
          { event: 'open', line: (r) => `relay ${int(r, 1, 99)} open through gateway ${ip(r)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('an empty versus a filled bracket', () => {
    const m = mine(
      generate(
        [
          { event: 'conn', line: (r) => `connection from ${ip(r)} (${r() < 0.5 ? '' : pick(r, NAMES) + '.example.net'}) accepted` },
          { event: 'gone', line: (r) => `connection from ${ip(r)} dropped after ${int(r, 1, 99)} s` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a list printed as a literal of tuples or quoted strings, of any length or empty, is one value', () => {
    const pair = (r: Rng): string => `(u'${pick(r, NAMES)}${int(r, 1, 99)}', u'${pick(r, NAMES)}-${int(r, 1, 99)}')`;
    const m = mine(
      generate(
        [
          { event: 'selected', line: (r) => `Selected host: ${pick(r, NAMES)}; Selected node: ${pick(r, NAMES)}; Alternates: [${Array.from({ length: int(r, 0, 3) }, () => pair(r)).join(', ')}]` },
          { event: 'tags', line: (r) => `volume ${hex(r, 8)} tagged [${Array.from({ length: int(r, 1, 4) }, () => `'${pick(r, NAMES)}'`).join(', ')}] by ${pick(r, NAMES)}` },
          {
            event: 'cache',
            line: (r) =>
              `[instance: ${hex(r, 8)}] Updating instance_info_cache with network_info: [${Array.from({ length: int(r, 1, 3) }, () => `{"id": "${hex(r, 8)}", "address": "${ip(r)}", "network": {"label": "${pick(r, NAMES)}"${r() < 0.5 ? '' : `, "subnets": [{"cidr": "${ip(r)}/24"}]`}}}`).join(', ')}]`,
          },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test("a list of Python 2 dicts, keys printed with u' ([{u'subnet_id': u'…'}]), is one value like one with plain quoted keys", () => {
    const fixedIp = (r: Rng): string => `{u'subnet_id': u'${hex(r, 8)}', u'ip_address': u'${ip(r)}'}`;
    const m = mine(
      generate(
        [
          { event: 'port', line: (r) => `Port ${hex(r, 8)} updated with fixed_ips: [${Array.from({ length: int(r, 1, 4) }, () => fixedIp(r)).join(', ')}] on ${pick(r, NAMES)}` },
          { event: 'binding', line: (r) => `Binding vif_details: [{u'port_filter': ${pick(r, ['True', 'False'])}}] for port ${hex(r, 8)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test("a list of lists of quoted strings ([['ls', '-l'], ['cat', 'a']]) is one value, not its first list structure and the others values", () => {
    const command = (r: Rng): string => `[${Array.from({ length: int(r, 1, 3) }, () => `'${pick(r, NAMES)}'`).join(', ')}]`;
    const m = mine(
      generate([{ event: 'commands', line: (r) => `Running commands [${Array.from({ length: int(r, 1, 3) }, () => command(r)).join(', ')}] on ${pick(r, NAMES)}-${int(r, 1, 9)}` }], 40),
    );
    expectGroupedByEvent(m);
  });

  test('a call stack printed as code locations (called by com.x.y.Class.method:123 …) is one value of any length; a host name with its port stays two values', () => {
    const frame = (r: Rng): string => `com.${pick(r, NAMES)}.server.${pick(r, NAMES)}.${pick(r, ['Window', 'Surface', 'Task'])}${pick(r, NAMES)}.${pick(r, NAMES)}${pick(r, ['', 'Locked', 'Inner'])}:${int(r, 10, 3000)}`;
    const m = mine(
      generate(
        [
          {
            event: 'destroy',
            line: (r) => `Destroying surface Surface(name=${pick(r, NAMES)}) called by ${Array.from({ length: int(r, 2, 5) }, () => frame(r)).join(' ')}`,
          },
          { event: 'connect', line: (r) => `connecting to ${pick(r, NAMES)}.cluster.internal:${int(r, 1024, 9999)} for ${pick(r, NAMES)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Destroying surface Surface(name=<*>) called by <*>');
    expect([...m.merged.keys()]).toContain('connecting to <*>:<*> for <*>');
  });

  test("a list literal inside a call's parentheses (Python's set([u'a', u'b'])) is one value of any length", () => {
    const m = mine(
      generate(
        [
          {
            event: 'orphan',
            line: (r) => `Deleting orphan node ${pick(r, NAMES)}-${int(r, 1, 9)}, nodes are set([${Array.from({ length: int(r, 1, 4) }, () => `u'${pick(r, NAMES)}-${int(r, 1, 99)}'`).join(', ')}])`,
          },
          { event: 'pool', line: (r) => `Pool ${hex(r, 8)} holds frozenset([${Array.from({ length: int(r, 1, 3) }, () => `'${pick(r, NAMES)}'`).join(', ')}]) after sync` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test("a URL's host and port are two values when a '/' closes them, as when nothing follows; with a path after them the URL is one value", () => {
    const m = mine(
      generate(
        [
          { event: 'wsgi', line: (r) => `(${int(r, 100, 32000)}) wsgi starting up on http://${pick(r, ['0.0.0.0', `10.${int(r, 0, 255)}.${int(r, 0, 255)}.7`])}:${pick(r, ['6080', '8774'])}/` },
          { event: 'split', line: (r) => `Input split: hdfs://${pick(r, NAMES)}:9000/pjhe/test/${int(r, 1, 9)}:${int(r, 0, 99999)}+${int(r, 1, 9999)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('(<*>) wsgi starting up on http://<*>:<*>/');
    expect([...m.merged.keys()]).toContain('Input split: hdfs://<*>');
  });

  test('a word in angle brackets after a word of the message is a value inside punctuation (queue <<*>>); after a value it stays a mark', () => {
    const queues = ['normal', 'te', 'peem', 'gem', 'night'];
    const m = mine(
      generate(
        [
          { event: 'closed', line: (r) => `Queue <${pick(r, queues)}> is closed` },
          { event: 'submitted', line: (r) => `Job <${int(r, 100, 99999)}> is submitted to queue <${pick(r, queues)}>.` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Queue <<*>> is closed');
    expect([...m.merged.keys()]).toContain('Job <<*>> is submitted to queue <<*>>.');
  });

  test("one backslash between names all a quoted text holds ('HKLM\\COMPONENTS') is one value, as a path is; unquoted it stays a word", () => {
    const m = mine(
      generate(
        [
          { event: 'hive', line: (r) => `Failed to load the COMPONENTS hive from '${pick(r, ['C:\\Windows\\System32\\config\\COMPONENTS', 'D:\\os\\config\\COMPONENTS'])}' into registry key 'HKLM\\COMPONENTS'. [HRESULT = 0x${hex(r, 8)} - ERROR_SHARING_VIOLATION]` },
          { event: 'mounted', line: (r) => `Mounted hive HKLM\\COMPONENTS in ${int(r, 1, 900)} ms` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain("Failed to load the COMPONENTS hive from '<*>' into registry key '<*>'. [HRESULT = <*> - ERROR_SHARING_VIOLATION]");
    expect([...m.merged.keys()]).toContain('Mounted hive HKLM\\COMPONENTS in <*> ms');
  });

  test('a registry key of names joined by backslashes is one value, as a path from a backslash is', () => {
    // two keys only: as words they would stay constants of two templates
    const keys = ['HKLM\\SOFTWARE\\Drox', 'HKLM\\SYSTEM\\Setup\\Pish'];
    const m = mine(
      generate(
        [
          { event: 'read', line: (r) => `Read REG_SZ value ${pick(r, NAMES)} from key ${pick(r, keys)}: "${pick(r, NAMES)}"` },
          { event: 'login', line: (r) => `logon of CORP\\${pick(r, NAMES)} from ${int(r, 1, 254)}.${int(r, 1, 254)}.0.1` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Read REG_SZ value <*> from key <*>: "<*>"');
  });

  test("a path's last words may be a file name with spaces and its extension (…\\Proxifier\\Mux Stats.txt)", () => {
    const m = mine(
      generate(
        [
          { event: 'saved', line: (r) => `Traffic statistics saved to C:\\Users\\${pick(r, NAMES)}\\Documents\\Proxifier\\${pick(r, ['Mux', 'Tox', 'Recee', 'Seecen'])} Stats.txt` },
          { event: 'loaded', line: (r) => `Profile loaded from C:\\Users\\${pick(r, NAMES)}\\Profiles\\Default.ppx in ${int(r, 1, 900)} ms` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Traffic statistics saved to <*>');
  });

  test("a bus path of numbered names (isa0060/serio1) is one value, as a path is", () => {
    const m = mine(
      generate(
        [
          { event: 'keyboard', line: (r) => `input: AT Translated Set ${int(r, 1, 3)} keyboard on isa0060/serio${int(r, 0, 1)}` },
          { event: 'mouse', line: (r) => `input: ImPS/2 Generic Wheel Mouse on isa0060/serio${int(r, 0, 1)} at ${int(r, 1, 9)} Hz` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('input: AT Translated Set <*> keyboard on <*>');
  });

  test('a relative path to a file (mm/slab.c) is one value, as an absolute path is; words joined by a slash stay words', () => {
    // two source files only: their pieces would stay words of two templates
    const dirs = ['mm', 'fs', 'drivers/net', 'kernel/sched'];
    const m = mine(
      generate(
        [
          { event: 'bug', line: (r) => `kernel BUG at ${pick(r, ['mm/slab.c', 'fs/inode.c'])}:${int(r, 10, 3000)}` },
          { event: 'read', line: (r) => `read/write error on ${pick(r, NAMES)} sector ${int(r, 1, 99999)}` },
          { event: 'open', line: (r) => `opened ${pick(r, dirs)}/${pick(r, NAMES)}.${pick(r, ['py', 'conf', 'h2'])} for reading` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('kernel BUG at <*>:<*>');
    expect([...m.merged.keys()]).toContain('read/write error on <*> sector <*>');
  });

  test('in a record of labelled fields joined by ", ", a value of several plain words is one value like a one-word value', () => {
    const states = ['Staged', 'Installed', 'Install Pending', 'Not Present', 'Superseded'];
    const clients = ['WindowsUpdateAgent', 'DISM Package Manager Provider', 'Trusted Installer'];
    const m = mine(
      generate(
        [
          {
            event: 'change',
            line: (r) =>
              `Reporting package change for package: Package_${int(r, 1, 99)}_for_KB${int(r, 1e6, 9e6)}, current: ${pick(r, states)}, pending: ${pick(r, states)}, failure source: ${pick(r, ['Not Applicable', 'Execute', 'Resolve'])}, client id: ${pick(r, clients)}, execution sequence: ${int(r, 1, 2000)}`,
          },
          { event: 'loaded', line: (r) => `Loaded Servicing Stack v${int(r, 6, 10)}.${int(r, 0, 3)} with Core: ${pick(r, ['C:\\Windows\\cbscore.dll', 'D:\\cbs\\core.dll'])}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a record of labelled fields after a sentence and two spaces: a value of several plain words is one value like a one-word value', () => {
    // "<sentence>.  Client: <value>, Session: <value>": the record has one ", label: " join only, its first label
    // opening it after the sentence's full stop. Two clients, one of one word and one of several: without the record,
    // the words of the long one are a sentence's and each client stays its own template
    const clients = ['WindowsUpdateAgent', 'WindowsUpdateAgent', 'DISM Package Manager Provider'];
    const session = (r: Rng): string => `${int(r, 3e7, 4e7)}_${int(r, 1e9, 4e9)}`;
    const m = mine(
      generate(
        [
          { event: 'started', line: (r) => `Maint: processing started.  Client: ${pick(r, clients)}, Session: ${session(r)}` },
          { event: 'complete', line: (r) => `Maint: processing complete.  Client: ${pick(r, clients)}, Session: ${session(r)}` },
          { event: 'queued', line: (r) => `Queued pending operation for package Package_${int(r, 1, 99)}_for_KB${int(r, 1e6, 9e6)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Maint: processing started.  Client: <*>, Session: <*>');
  });

  test('an empty quoted value ("") versus a filled one of several words: the empty text is the value, not punctuation', () => {
    const phrase = (r: Rng): string => `${pick(r, NAMES)} ${pick(r, ['gateway', 'vault', 'relay'])}`;
    const m = mine(
      generate(
        [
          { event: 'auth', line: (r) => `gate ${ip(r)}:${int(r, 1024, 9999)} wants credentials (realm "${r() < 0.4 ? '' : phrase(r)}") for ${pick(r, NAMES)}` },
          { event: 'label', line: (r) => `volume ${hex(r, 8)} relabelled [l:${int(r, 0, 9)}]'${r() < 0.4 ? '' : phrase(r)}'` },
          { event: 'open', line: (r) => `gate ${ip(r)}:${int(r, 1024, 9999)} opened for ${pick(r, NAMES)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('gate <*>:<*> wants credentials (realm "<*>") for <*>');
  });

  test('an empty versus a non-empty field', () => {
    const m = mine(
      generate(
        [
          { event: 'lease', line: (r) => `lease granted owner=${r() < 0.4 ? '' : pick(r, NAMES)} zone=north ttl=${int(r, 1, 600)}` },
          { event: 'drop', line: (r) => `lease dropped id=${hex(r, 12)}` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('comma-joined lists of varying length', () => {
    const list = (r: Rng): string => Array.from({ length: int(r, 1, 4) }, () => pick(r, NAMES)).join(', ');
    const m = mine(
      generate(
        [
          { event: 'replicas', line: (r) => `replicas chosen: ${list(r)} for shard ${int(r, 1, 64)}` },
          { event: 'moved', line: (r) => `shard ${int(r, 1, 64)} moved to ${ip(r)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('lists joined by commas without spaces, of package names or hosts, are one value whatever their length', () => {
    const packages = ['com.saim.kemund', 'com.reim.laiskekul', 'org.pal.barisk', 'com.tour.bouskeisk'];
    const list = (r: Rng, of: readonly string[]): string => Array.from({ length: int(r, 1, 4) }, () => pick(r, of)).join(',');
    const m = mine(
      generate(
        [
          { event: 'added', line: (r) => `notifyPackageAdded: ${list(r, packages)}` },
          { event: 'chain', line: (r) => `${pick(r, NAMES)}.exe - ${ip(r)}:443 chain ${list(r, ['proxy1.kagle.net', 'proxy6.veshi.net', 'gw.lope.net'])} selected` },
          { event: 'sync', line: (r) => `start auto sync,app is ${int(r, 1, 9)}` },
        ],
        30,
        16,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('start auto sync,app is <*>');
  });

  test('a program with or without its *64 mark is one value, also when the marked template was made before and superseded', () => {
    // an invented proxy client where "<*> *64 - Could not resolve …" was superseded early and made again later
    const system = unseenSystemV7(6022);
    const m = mine(system.content.map((line, i) => ({ event: system.truth[i], line })));
    expect([...m.split.get('<*> - Could not resolve <*> error <*>')!]).toEqual(['<*> - Could not resolve <*> error <*>']);
  });

  test('a printed record of fields whose values vary together, some of several words, is one event', () => {
    const states = ['Installed', 'Staged', 'Resolved', 'Absent', 'Superseded', 'Install Pending'];
    const packages = ['Package_for_A~31bf~amd64~~7.2.1', 'Package_for_B~31bf~x86~~10.2.8', 'Package_for_C~31bf~amd64~~9.3.5'];
    const line = (r: Rng): string =>
      `Plan: Package: ${pick(r, packages)}, current: ${pick(r, states)}, pending: ${pick(r, states)}, intended: ${pick(r, states)}, Selected: Default`;
    const m = mine(generate([{ event: 'plan', line }], 300, 23));
    expect([...m.merged.keys()]).toEqual(['Plan: Package: <*>, current: <*>, pending: <*>, intended: <*>, Selected: Default']);
  });

  test('space-separated name lists of varying length', () => {
    const m = mine(
      generate(
        [
          { event: 'quorum', line: (r) => `quorum members: ${Array.from({ length: int(r, 1, 5) }, () => pick(r, NAMES)).join(' ')}` },
          { event: 'vote', line: (r) => `vote cast in term ${int(r, 1, 99)} by ${ip(r)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('small value sets', () => {
  test('identifiers joined by _ in a slot of their own are values after a few, like names', () => {
    const m = mine(
      generate(
        [
          {
            event: 'attr',
            line: (r) => `Disk ${int(r, 0, 9)}, health attribute ${pick(r, ['Spin_Up_Time', 'Seek_Error_Rate', 'Power_On_Hours', 'Load_Cycle_Count'])} moved from ${int(r, 1, 200)} to ${int(r, 1, 200)}`,
          },
          { event: 'refused', line: (r) => `denied call from ${ip(r)} to procedure ${pick(r, ['mapsrv_get', 'mapsrv_all', 'mapsrv_next'])}` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('three numbered forms of one name are its indexes, in any case (CPU0 / CPU1 / CPU2); two stay a closed pair', () => {
    const m = mine(
      generate(
        [
          { event: 'throttle', line: (r) => `ACPI: Processor [CPU${int(r, 0, 3)}] (supports ${pick(r, [8, 16])} throttling states)` },
          { event: 'part', line: (r) => `EXT3 FS on hda${int(r, 1, 3)}, internal journal` },
          { event: 'eth0 up', line: () => `eth0: link up, 1000 Mbps full duplex` },
          { event: 'eth1 up', line: () => `eth1: link up, 1000 Mbps full duplex` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('month and weekday names are date pieces, whatever few of them occurred', () => {
    const m = mine(
      generate(
        [
          { event: 'rotated', line: (r) => `archive rotated on ${pick(r, ['Mar', 'Apr'])} ${int(r, 1, 28)} ${int(r, 10, 23)}:${int(r, 10, 59)}:${int(r, 10, 59)}` },
          { event: 'window', line: (r) => `maintenance window opens ${pick(r, ['Mon', 'Tue', 'Wed'])} ${int(r, 1, 28)} ${pick(r, ['Jan', 'Feb'])}` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('two names that vary together (no two lines differ in one word only)', () => {
    const hosts = ['quarry', 'lantern', 'thimble', 'saddle', 'meadow', 'cobble'];
    const m = mine(
      generate(
        [
          {
            event: 'promoted',
            // each replica lives on its own host: two lines never differ in one word only
            line: (r) => {
              const k = int(r, 0, hosts.length - 1);
              return `replica ${NAMES[k]} promoted on ${hosts[k]} after election`;
            },
          },
          { event: 'demoted', line: (r) => `replica demoted after ${int(r, 1, 99)} missed beats` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a few user names are grouped', () => {
    const m = mine(
      generate(
        [
          { event: 'login', line: (r) => `console session opened for operator ${pick(r, ['mira', 'tobin', 'osk'])} from ${ip(r)}` },
          { event: 'logout', line: (r) => `console session closed after ${int(r, 1, 999)} s` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('two values seen in more than one place', () => {
  const OPERATORS = ['ilsa', 'morvan'];
  test('the same two names varying in two events make each a variable; two words in one place stay constants', () => {
    const m = mine(
      generate(
        [
          { event: 'granted', line: (r) => `quota granted to ${pick(r, OPERATORS)} for ${int(r, 1, 900)} MB` },
          { event: 'expired', line: (r) => `session of ${pick(r, OPERATORS)} expired after ${int(r, 1, 99)} s` },
          { event: 'read', line: (r) => `volume ${int(r, 1, 9)} read stalled for ${int(r, 1, 99)} ms` },
          { event: 'write', line: (r) => `volume ${int(r, 1, 9)} write stalled for ${int(r, 1, 99)} ms` },
        ],
        25,
        7,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('pairs of names (two values in the whole sample)', () => {
  // A variable whose values happen to be two plain words is a pair of names
  // once each was seen in namePairLines (8) lines and neither is a word of the
  // program's own messages; a closed pair of the program's words stays apart.
  const PAIR = ['tovandel', 'mirekast'];

  test('a pool of two names after its key word is one template', () => {
    const m = mine(
      generate(
        [
          { event: 'slot', line: (r) => `replication slot ${pick(r, PAIR)} is inactive since ${int(r, 1, 59)}s` },
          { event: 'depth', line: (r) => `queue depth ${int(r, 0, 999)} on pool ${pick(r, ['kestrune', 'daplow'])}, ${int(r, 0, 9)} workers idle` },
          { event: 'lead', line: (r) => `${pick(r, ['brisket', 'vondal'])} cron fired late by ${int(r, 1, 900)}ms` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('two names still constants of another event (in one slot there) are a pair of names too', () => {
    // "granted role X by Y": the two user names vary together there, so they
    // stay constants of that event; that is no evidence that they are words of the program
    const m = mine(
      generate(
        [
          { event: 'slow', line: (r) => `slow query by ${pick(r, PAIR)} took ${int(r, 1, 900)}ms` },
          {
            event: 'granted',
            line: (r) => {
              const u = pick(r, PAIR);
              return `user ${u} granted role ${pick(r, NAMES)} by ${u}`;
            },
          },
        ],
        40,
      ),
    );
    expect([...m.split.get('slow')!]).toEqual(['slow query by <*> took <*>']);
    expect([...m.merged.values()].filter((events) => events.size > 1)).toEqual([]);
    expect(m.roundTripFailures).toBe(0);
  });

  test('one of the names in a rarer event after the same key is no evidence against the pair', () => {
    // "index rebuilt on tovandel" has only met one table yet: tovandel follows "on" there as in the trigger event
    const m = mine(
      generate(
        [
          { event: 'trigger', line: (r) => `trigger fired on ${pick(r, PAIR)} for ${int(r, 1, 999)} rows` },
          { event: 'index', line: (r) => `index rebuilt on ${PAIR[0]} in ${int(r, 1, 999)} ms` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a pair blocked by a name that was still a constant elsewhere generalises once that changes', () => {
    const miner = new TemplateMiner();
    const rng = prng(5);
    const lines: Labelled[] = [];
    const state = (k: number): Labelled => ({ event: 'queued', line: `task ${hex(rng, 12)} of job ${PAIR[k % 2]} is now QUEUED` });
    const cron = (name: string): Labelled => ({ event: 'cron', line: `${name} cron fired late by ${int(rng, 1, 900)}ms` });
    // the cron event has named one job only: tovandel is a constant of it when the task pair first has its lines
    for (let k = 0; k < 30; k++) lines.push(state(k), ...(k % 6 === 0 ? [cron(PAIR[0])] : []));
    // then the cron event names other jobs: its job becomes a variable (three values), and the evidence against the pair is gone
    for (let k = 0; k < 30; k++) lines.push(cron(NAMES[k % 2]), state(k));
    expectGroupedByEvent(mine(lines, miner));
  });

  test('two pairs of names in one event (four templates at first) end in one template', () => {
    // each name's lines are spread over two templates until one position generalises:
    // the generalisation carries its members' lines, so the other pair need not start counting again
    const m = mine(generate([{ event: 'slow', line: (r) => `slow query by ${pick(r, PAIR)} on ${pick(r, ['gebru', 'plurend'])} took ${int(r, 1, 900)}ms` }], 44, 9));
    expectGroupedByEvent(m);
  });

  test('once both names were seen enough, later lines are emitted with the general template', () => {
    const miner = new TemplateMiner();
    const rng = prng(21);
    const emitted: string[] = [];
    for (let k = 0; k < 60; k++) {
      const line = `consumer group ${PAIR[k % 2]} lag=${int(rng, 0, 999)}`;
      const r = miner.add(line);
      expect(renderTemplate(r.template, r.args)).toBe(line);
      emitted.push(r.template);
    }
    expect(new Set(emitted.slice(20))).toEqual(new Set(['consumer group <*> lag=<*>']));
  });

  test('two words an article follows are the program\'s verbs, not a pair of names: to spawn / to destroy the volume', () => {
    const m = mine(
      generate(
        [
          { event: 'spawn', line: (r) => `[volume: ${hex(r, 8)}] Took ${int(r, 1, 99)}.${int(r, 10, 99)} seconds to spawn the volume on the backend.` },
          { event: 'destroy', line: (r) => `[volume: ${hex(r, 8)}] Took ${int(r, 1, 99)}.${int(r, 10, 99)} seconds to destroy the volume on the backend.` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a closed pair of words the program uses in its other messages stays two events', () => {
    const m = mine(
      generate(
        [
          { event: 'delta', line: (r) => `snapshot ${hex(r, 8)} written as delta in ${int(r, 1, 99)} ms` },
          { event: 'full', line: (r) => `snapshot ${hex(r, 8)} written as full in ${int(r, 1, 99)} ms` },
          { event: 'journal', line: (r) => `journal ${int(r, 1, 9)} full, ${int(r, 1, 999)} pages queued` },
          { event: 'replay', line: (r) => `replaying delta of ${int(r, 1, 999)} pages` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a pair of modifiers in two sibling events of one frame (same word before, same last word) stays four events', () => {
    // "read / write cache fault" and "read / write bus fault": the pair recurs, but always as the
    // program's own modifier in one family of events; names recurring elsewhere stand in other sentences
    const m = mine(
      generate(
        [
          { event: 'read cache', line: () => 'read cache fault' },
          { event: 'write cache', line: () => 'write cache fault' },
          { event: 'read bus', line: () => 'read bus parity fault' },
          { event: 'write bus', line: () => 'write bus parity fault' },
          { event: 'slow', line: (r) => `slow query on ${pick(r, ['kestrune', 'daplow'])} took ${int(r, 1, 900)}ms` },
          { event: 'vacuum', line: (r) => `vacuum ${pick(r, ['kestrune', 'daplow'])} removed ${int(r, 1, 900)} tuples` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a variable before the pair is no word of one frame: names after an address in two sentences ending alike corroborate', () => {
    // "<*> tovandel connected ok" and "port <*> tovandel dropped the session ok": two sentences that both end in
    // "ok" and have a value (not one word) before the name: the pair of names recurs, so the names are data
    const m = mine(
      generate(
        [
          { event: 'connected', line: (r) => `${ip(r)} ${pick(r, PAIR)} connected ok` },
          { event: 'dropped', line: (r) => `port ${int(r, 1, 65535)} ${pick(r, PAIR)} dropped the session ok` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a few two-word phrases of the program (reasons) stay events; two words after a label are a value', () => {
    const m = mine(
      generate(
        [
          { event: 'idle', line: (r) => `Pausing worker due to idle timeout (pid ${int(r, 100, 999)})` },
          { event: 'quota', line: (r) => `Pausing worker due to disk quota (pid ${int(r, 100, 999)})` },
          { event: 'user', line: (r) => `Pausing worker due to operator request (pid ${int(r, 100, 999)})` },
          { event: 'start', line: (r) => `inetd: START: ${pick(r, ['crim deelo', 'lit pu', 'vae buix'])} pid=${int(r, 100, 999)}` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a capitalised pair, two forms of one word, and words right after a value stay apart', () => {
    const m = mine(
      generate(
        [
          { event: 'before', line: (r) => `Before rebalance: pending=${int(r, 0, 99)} moved=${int(r, 0, 99)}` },
          { event: 'after', line: (r) => `After rebalance: pending=${int(r, 0, 99)} moved=${int(r, 0, 99)}` },
          { event: 'failure', line: (r) => `${int(r, 2, 9)} more authentication failure; rhost=${ip(r)}` },
          { event: 'failures', line: (r) => `${int(r, 2, 9)} more authentication failures; rhost=${ip(r)}` },
          { event: 'read', line: (r) => `volume ${int(r, 1, 9)} read stalled for ${int(r, 1, 99)} ms` },
          { event: 'write', line: (r) => `volume ${int(r, 1, 9)} write stalled for ${int(r, 1, 99)} ms` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('in a service that has shown no names yet, short closed pairs (link up/down, cache hit/miss) stay events', () => {
    const events: EventSpec[] = [
      { event: 'up', line: () => 'ens3: link up' },
      { event: 'down', line: () => 'ens3: link down' },
      { event: 'hit', line: (r) => `block cache hit ratio ${int(r, 1, 99)} for ${hex(r, 6)}` },
      { event: 'miss', line: (r) => `block cache miss ratio ${int(r, 1, 99)} for ${hex(r, 6)}` },
    ];
    expectGroupedByEvent(mine(generate(events, 40)));
  });

  test('a word and its negation (connect/disconnect, available/unavailable/degraded) are states, not names', () => {
    const events: EventSpec[] = [
      { event: 'connect', line: (r) => `postfix/smtpd: connect from ${pick(r, ['mx', 'relay'])}${int(r, 1, 9)}[${ip(r)}]` },
      { event: 'disconnect', line: (r) => `postfix/smtpd: disconnect from ${pick(r, ['mx', 'relay'])}${int(r, 1, 9)}[${ip(r)}]` },
      ...['available', 'unavailable', 'degraded'].map((state) => ({ event: state, line: (r: Rng) => `node n${int(r, 1, 999)} is now ${state} after ${int(r, 1, 60)} s` })),
      { event: 'associated', line: (r) => `wifi: Associated with ${hex(r, 12)} on channel ${int(r, 1, 11)}` },
      { event: 'disassociated', line: (r) => `wifi: Disassociated with ${hex(r, 12)} on channel ${int(r, 1, 11)}` },
    ];
    expectGroupedByEvent(mine(generate(events, 40)));
  });

  test('in a service that has shown no names yet, three words one of which has two letters (power on / off / cycle) stay events', () => {
    const events: EventSpec[] = [
      ...['on', 'off', 'cycle'].map((action) => ({ event: action, line: (r: Rng) => `console: node-${int(r, 1, 999)} power ${action} requested by drec` })),
      { event: 'read', line: (r) => `open ${hex(r, 6)} mode read by ${pick(r, ['jerem', 'voquear', 'nuho'])}` },
    ];
    expectGroupedByEvent(mine(generate(events, 40)));
  });

  test('after names were shown, a set holding a two-letter word the program prints elsewhere (power on, started on) stays events; a user nu is a name', () => {
    // an invented system (fifteenth generator, a development seed) whose console powers nodes on / off / cycle, where the
    // names it has shown make the spelling model take the three for names; "started on <*> nodes" prints 'on' too
    const system = unseenSystemV15(14002);
    const m = mine(system.content.map((text, i) => ({ event: system.truth[i], line: text })));
    const mixed = [...m.merged].filter(([t, es]) => es.size > 1 && t.startsWith('console:')).map(([t]) => t);
    expect(mixed).toEqual([]);
    // once names were shown, a two-letter word the program prints nowhere else is a name like the others
    const miner = new TemplateMiner();
    mine(generate([{ event: 'read', line: (r) => `open ${hex(r, 6)} mode read by ${pick(r, NAMES)}` }], 40), miner);
    expectGroupedByEvent(mine(generate([{ event: 'session', line: (r) => `New session ${int(r, 1, 999)} of user ${pick(r, ['nu', 'shaifysk', 'bul'])}.` }], 40), miner));
    // a single letter is never a name: axes X / Y / Z stay three events after names were shown too
    const axes: EventSpec[] = ['X', 'Y', 'Z'].map((axis) => ({
      event: axis,
      line: (r: Rng) => `ciod: ${axis} coordinate ${int(r, 8, 64)} exceeds physical dimension ${int(r, 4, 32)} at line ${int(r, 1, 99)} of node map file /p/${pick(r, NAMES)}.map`,
    }));
    expectGroupedByEvent(mine(generate(axes, 30), miner));
  });

  test('in a service that has shown no names yet, three states with one shaped like a state stay events; three names do not', () => {
    const events: EventSpec[] = [
      ...['draining', 'unreachable', 'alive'].map((state) => ({ event: state, line: (r: Rng) => `node dyrd-${int(r, 100, 999)} is now ${state}` })),
      { event: 'read', line: (r) => `open ${hex(r, 6)} mode read by ${pick(r, ['jerem', 'voquear', 'nuho'])}` },
    ];
    expectGroupedByEvent(mine(generate(events, 40)));
  });

  test('fewer lines than namePairLines keep the pair apart; namePairLines 0 never pairs', () => {
    const lines = generate([{ event: 'slot', line: (r) => `replication slot ${pick(r, PAIR)} is inactive since ${int(r, 1, 59)}s` }], 40);
    const templatesOf = (miner: TemplateMiner): number => {
      for (const { line } of lines) miner.add(line);
      return miner.templates().filter((t) => t.live).length;
    };
    expect(templatesOf(new TemplateMiner())).toBe(1);
    expect(templatesOf(new TemplateMiner({ namePairLines: 0 }))).toBe(2);
    expect(templatesOf(new TemplateMiner({ namePairLines: 100 }))).toBe(2);
    expect(() => new TemplateMiner({ namePairLines: -1 })).toThrow(RangeError);
  });
});

describe('closed pairs of program words versus pairs of names (spelling, word-style.ts)', () => {
  // Two words at one position after a key, each seen often, used nowhere else:
  // either a pool of two names or a closed pair of the program's own words
  // (states, directions, modes: separate events). The miner compares their
  // spelling with the service's constant words and with the words it has
  // seen as values; no word list.
  // the service's names: invented words of one style (its user names, and the two pool names)
  const USERS = ['zubox', 'plaitil', 'daidrex', 'krikrand', 'vugozai', 'stetubux', 'glodesk', 'ritroudir', 'sobaivol', 'drodrair', 'keglol', 'muriplan'];
  const service = (closedPairs: ReadonlyArray<EventSpec>): EventSpec[] => [
    { event: 'login', line: (r) => `session opened for user ${pick(r, USERS)} from ${ip(r)}` },
    { event: 'quota', line: (r) => `quota of ${pick(r, USERS)} exceeded on volume ${int(r, 1, 9)}, ${int(r, 1, 999)} blocks over` },
    { event: 'slot', line: (r) => `replication slot ${pick(r, ['koutramond', 'plaipisk'])} is inactive since ${int(r, 1, 59)}s` },
    { event: 'sync', line: (r) => `finished the nightly backup of the primary database in ${int(r, 1, 99)} minutes with no errors` },
    { event: 'health', line: (r) => `the health check for the storage service reported a warning about the network interface` },
    ...closedPairs,
  ];
  const closedPairs: EventSpec[] = [
    { event: 'link up', line: () => `eth0: link up` },
    { event: 'link down', line: () => `eth0: link down` },
    { event: 'mode read', line: (r) => `open /srv/data/${int(r, 1, 999)}.db mode read by ${pick(r, USERS)}` },
    { event: 'mode write', line: (r) => `open /srv/data/${int(r, 1, 999)}.db mode write by ${pick(r, USERS)}` },
    { event: 'foreground', line: (r) => `activity ${hex(r, 8)} moved to foreground` },
    { event: 'background', line: (r) => `activity ${hex(r, 8)} moved to background` },
  ];

  test('link up/down, mode read/write and moved to foreground/background stay separate events beside pairs of names', () => {
    expectGroupedByEvent(mine(generate(service(closedPairs), 30)));
  });

  test('application ids (dotted) spelled like the service\'s names are names, even two of them', () => {
    const apps = ['com.zubrox.plaidel', 'com.krikvug.stetol', 'com.glodrair.muplan'];
    const events: EventSpec[] = [
      { event: 'background', line: (r) => `ActivityKeeper: ${pick(r, apps.slice(0, 2))} moved to background` },
      { event: 'updated', line: (r) => `PackageWatcher: package ${pick(r, apps)} updated to version ${int(r, 1, 9)}.${int(r, 0, 9)}` },
    ];
    const miner = new TemplateMiner();
    mine(generate(service([]), 20, 16), miner);
    expectGroupedByEvent(mine(generate(service(events), 30), miner));
  });

  test('three-valued closed sets of lower-case program words stay separate events beside a pool of three names', () => {
    const closedTriples: EventSpec[] = [
      ...['online', 'offline', 'degraded'].map((state) => ({ event: `volume ${state}`, line: (r: Rng) => `volume ${int(r, 1, 64)} is now ${state}` })),
      ...['hit', 'miss', 'stale'].map((outcome) => ({ event: `cache ${outcome}`, line: (r: Rng) => `cache ${outcome} for key ${hex(r, 8)} age ${int(r, 1, 900)}s` })),
      // three names of the service's own style: still one event
      { event: 'pool', line: (r) => `storage pool ${pick(r, ['toglezal', 'tokragloul', 'vrimbadox'])} rebalanced ${int(r, 1, 99)} chunks` },
    ];
    // the service runs a while first: spelling is evidence only once its names are known
    const miner = new TemplateMiner();
    mine(generate(service([]), 20, 16), miner);
    expectGroupedByEvent(mine(generate(service(closedTriples), 30), miner));
  });
});

describe('dotted lower-case names (files, private hosts, packages) from small pools', () => {
  test('two or three of them at one position are one variable, first position included', () => {
    const programs = ['plaix.exe', 'dadraimp.exe', 'braix.exe'];
    const proxies = ['jukal.kraivoan.lab', 'jefeimp.kraivoan.lab'];
    const packages = ['com.majo.krujuth', 'com.dranai.dresein'];
    const events: EventSpec[] = [
      { event: 'closed', line: (r) => `${pick(r, programs)} - ${ip(r)}:${int(r, 1, 65535)} closed by remote end after ${int(r, 1, 9)} retries` },
      { event: 'open', line: (r) => `tunnel ${int(r, 1, 999)} open through proxy ${pick(r, proxies)}:${int(r, 1, 65535)} HTTPS` },
      { event: 'invalidated', line: (r) => `${pick(r, packages)}: connection invalidated after ${int(r, 1, 900)} ms` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('dotted names with a capital under different packages (com.so.hal.ACTION_SYNC, org.skesh.hiolt.WAKE) are data; one package\'s classes stay apart', () => {
    const actions = ['com.so.hal.ACTION_DUQUION', 'org.druwee.wioft.SKUBLIT', 'org.skesh.hiolt.SYNC_THIO'];
    const events: EventSpec[] = [
      { event: 'alarm', line: (r) => `sending alarm Alarm{${hex(r, 7)} type ${int(r, 0, 3)} origWhen ${int(r, 1e9, 2e9)} ${pick(r, actions)}}` },
      { event: 'map', line: () => `OutputCommitter is org.apache.hadoop.mapred.FileOutputCommitter` },
      { event: 'reduce', line: () => `OutputCommitter is org.apache.hadoop.mapred.DirectOutputCommitter` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('two program names with an upper-case extension (trou.EXE, as Windows prints it) leading the message are one variable', () => {
    const programs = ['shouho.EXE', 'trou.EXE'];
    const events: EventSpec[] = [
      { event: 'aborted', line: (r) => `${pick(r, programs)} - ${ip(r)}:${int(r, 1, 65535)} error : Connection aborted by the proxy after ${int(r, 1, 9000)} bytes` },
      { event: 'loopback', line: (r) => `${pick(r, programs)} - ${ip(r)}:${int(r, 1, 65535)} Loopback connection detected, the connection is performed directly` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('a table of dotted configuration keys (two that change together, once each) stays one event per key', () => {
    const keys = [
      ['mapred.tip.id', 'mapreduce.task.id'],
      ['mapred.task.id', 'mapreduce.task.attempt.id'],
      ['mapred.task.is.map', 'mapreduce.task.ismap'],
      ['mapred.job.id', 'mapreduce.job.id'],
    ];
    const lines = keys.map(([a, b]) => ({ event: a, line: `${a} is deprecated. Instead, use ${b}` }));
    expectGroupedByEvent(mine(lines));
  });
});

describe('the value of a key, whatever its shape', () => {
  test('key=null and key=Name{123} are one event; the text after the value still counts', () => {
    const events: EventSpec[] = [
      { event: 'release', line: (r) => `release lock=${int(r, 1, 1e9)} flags=0x${hex(r, 1)} ws=${r() < 0.4 ? 'null' : `WorkSource{${int(r, 1000, 19999)}}`}` },
      { event: 'acquire', line: (r) => `acquire lock=${int(r, 1, 1e9)} ws=${r() < 0.4 ? 'null' : `WorkSource{${int(r, 1000, 19999)}}`} tag=alarm` },
      { event: 'acquire-other', line: (r) => `acquire lock=${int(r, 1, 1e9)} ws=${r() < 0.4 ? 'null' : `WorkSource{${int(r, 1000, 19999)}}`} by scheduler` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });
});

describe('a record of fields printed as Key: value', () => {
  test('each field value is a value whatever its shape, even from a pool of three; constant fields stay', () => {
    const clients = ['BofeavolVofex', 'ZafaisoKeathak', 'ZustuchokVicha'];
    const events: EventSpec[] = [
      {
        event: 'exec',
        line: (r) => `Exec: Processing started. Client: ${pick(r, clients)}, Session: ${int(r, 1000, 9999)}_${int(r, 100, 999)}, Retry: ${int(r, 0, 3)}`,
      },
      { event: 'plan', line: (r) => `Plan: Package: p${hex(r, 6)}, Current: ${pick(r, ['Staged', 'Installed', 'Absent'])}, Selected: Default` },
    ];
    const m = mine(generate(events, 30, 11));
    expectGroupedByEvent(m);
    expect([...m.split.get('plan')!]).toEqual(['Plan: Package: <*>, Current: <*>, Selected: Default']);
  });

  test('keys may be CamelCase names; their values vary together even when shaped like constants (EQ, LE, GE)', () => {
    const cmp = (r: Rng): string => pick(r, ['EQ', 'LE', 'GE']);
    const events: EventSpec[] = [
      {
        event: 'detect',
        line: (r) =>
          `Appl: detect Parent, Package: KB${int(r, 1000, 99999)}, Parent: KB${int(r, 1000, 99999)}, Disposition = Detect, VersionComp: ${cmp(r)}, BuildComp: ${cmp(r)}, RevisionComp: ${cmp(r)}, Exist: present`,
      },
      { event: 'evaluate', line: (r) => `Appl: Evaluating package applicability for package KB${int(r, 1000, 99999)}, applicable state: Installed` },
    ];
    expectGroupedByEvent(mine(generate(events, 60, 13)));
  });
});

describe('a record of key="value" fields', () => {
  test('values of keys that change together are values; an upper-case verdict printed for a key names the event', () => {
    const word = (r: Rng): string => pick(r, ['hax', 'shou', 'tata', 'kroudan', 'glouva', 'trou', 'nal', 'bresk', 'fimo', 'dral', 'sapo', 'quen']);
    const record = (verdict: string) => (r: Rng): string =>
      `audit: type=${int(r, 1300, 1500)} audit(${int(r, 1e9, 2e9)}.${int(r, 100, 999)}:${int(r, 1, 999)}): apparmor="${verdict}" operation="${word(r)}" ` +
      `profile="/usr/sbin/${word(r)}" name="/${word(r)}/${word(r)}" pid=${int(r, 100, 99999)} comm="${word(r)}" requested_mask="${pick(r, ['r', 'w', 'x', 'rw'])}" ` +
      `denied_mask="${pick(r, ['r', 'w', 'x', 'rw'])}" fsuid=${int(r, 0, 999)} ouid=${int(r, 0, 999)}`;
    const m = mine(generate([{ event: 'allowed', line: record('ALLOWED') }, { event: 'denied', line: record('DENIED') }], 60, 21));
    expectGroupedByEvent(m);
  });
});

describe('a reason phrase after the last colon', () => {
  test('is one value whatever its words; one changed word, a variable or a program-shaped word keeps events apart', () => {
    const reasons = ['no such directory', 'permission denied by policy', 'stale handle', 'input output error on device'];
    const events: EventSpec[] = [
      { event: 'chdir', line: (r) => `ciod: loader chdir(/p/${hex(r, 6)}) failed: ${pick(r, reasons)}` },
      { event: 'opened', line: (r) => `pam_unix(crond:session): session opened for user ${pick(r, NAMES)}` },
      { event: 'closed', line: (r) => `pam_unix(crond:session): session closed for user ${pick(r, NAMES)}` },
      { event: 'associated', line: () => 'WifiDriver::linkEvent: Associated with access point' },
      { event: 'disassociated', line: () => 'WifiDriver::linkEvent: Disassociated with access point' },
      { event: 'setup', line: () => 'Processing the event EventType: JOB_SETUP' },
      { event: 'abort', line: () => 'Processing the event EventType: TASK_ABORT' },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('capitalised phrases after the colon name states, whatever their length: System Sleep / Wake / Dark Wake', () => {
    const events: EventSpec[] = ['System Sleep', 'System Wake', 'System Dark Wake'].map((state) => ({
      event: state,
      line: (r: Rng) => `ARPT: ${int(r, 100000, 999999)}.${int(r, 100000, 999999)}: WifiDriver::powerChange: ${state}`,
    }));
    expectGroupedByEvent(mine(generate(events, 30, 4)));
  });

  test('a phrase with an inflected verb is a reason too when the phrases differ in length', () => {
    const reasons = ['disconnected by user', 'Bye Bye', 'closed by remote host'];
    const events: EventSpec[] = [
      { event: 'disconnect', line: (r) => `sshd: Received disconnect from ${ip(r)}: ${int(r, 2, 14)}: ${pick(r, reasons)}` },
      { event: 'opened', line: (r) => `pam_unix(sshd:session): session opened for user ${pick(r, NAMES)}` },
      { event: 'closed', line: (r) => `pam_unix(sshd:session): session closed for user ${pick(r, NAMES)}` },
    ];
    expectGroupedByEvent(mine(generate(events, 30, 7)));
  });
});

describe('error sentences after the last colon', () => {
  test('a few are a closed set of events; many are the errors of data, one value', () => {
    const few = ['Broken pipe', 'Connection reset by peer', 'Link has been severed'];
    const many = ['No such file or directory', 'Permission denied', 'Connection refused', 'Input/output error', 'Broken pipe', 'Resource temporarily unavailable', 'Connection timed out'];
    const events: EventSpec[] = [
      ...few.map((reason) => ({ event: reason, line: (r: Rng) => `ciod: Error reading message prefix on CioStream socket to ${ip(r)}:${int(r, 1024, 65535)}: ${reason}` })),
      { event: 'open', line: (r) => `kelo: cannot open /srv/${pick(r, NAMES)}: ${pick(r, many)}` },
    ];
    const m = mine(generate(events, 30, 27));
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('kelo: cannot open <*>: <*>');
  });

  test('after a code printed in brackets ([113] No route to host) too: many texts are one value, a few stay events', () => {
    const many = ['No such file or directory', 'Permission denied', 'Connection refused', 'Device or resource busy', 'Broken pipe', 'Resource temporarily unavailable', 'Connection timed out'];
    const few = ['Domain not found', 'Operation not supported'];
    const events: EventSpec[] = [
      { event: 'connect', line: (r) => `socket ${int(r, 1, 999)} connect to ${ip(r)}:${int(r, 1024, 65535)} failed: [${int(r, 1, 140)}] ${pick(r, many)}` },
      ...few.map((reason) => ({ event: reason, line: (r: Rng) => `Error from driver while describing ${pick(r, NAMES)}-${int(r, 1, 99)}: [Error Code ${int(r, 1, 90)}] ${reason}` })),
    ];
    const m = mine(generate(events, 30, 27));
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('socket <*> connect to <*>:<*> failed: [<*>] <*>');
  });

  test('after a code in brackets, a few lower-case outcomes ([0] no errors found / [2] partial output written) stay events: only a crowd of texts is one value', () => {
    const outcomes = ['no errors found', 'partial output written', 'killed by user'];
    const events: EventSpec[] = outcomes.map((outcome) => ({ event: outcome, line: (r: Rng) => `job ${int(r, 1, 999)} finished with code [${int(r, 0, 3)}] ${outcome}` }));
    expectGroupedByEvent(mine(generate(events, 30, 27)));
  });

  test("after a value and a comma (…socket to <*>:<*>, Connection timed out): many texts are one value, and the event's other messages stay apart", () => {
    const many = ['No such file or directory', 'Permission denied', 'Connection refused', 'Device or resource busy', 'Broken pipe', 'Resource temporarily unavailable', 'Connection timed out'];
    const events: EventSpec[] = [
      { event: 'prefix', line: (r) => `ciod: Error reading message prefix on control stream socket to ${ip(r)}:${int(r, 1024, 65535)}, ${pick(r, many)}` },
      { event: 'map', line: (r) => `ciod: Error creating node map from file /srv/${pick(r, NAMES)}/${pick(r, NAMES)}: ${pick(r, many)}` },
    ];
    const m = mine(generate(events, 40, 27));
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('ciod: Error reading message prefix on control stream socket to <*>:<*>, <*>');
  });

  test('a sentence holding a value is a message of its own: it does not count toward the crowd of error sentences', () => {
    const sentences = ['The proxy server rejected the connection', 'Connection timed out', 'A connection request was canceled before the completion.', 'Connection closed unexpectedly by the remote host'];
    const events: EventSpec[] = [
      ...sentences.map((reason) => ({ event: reason, line: (r: Rng) => `app${int(r, 1, 99)}.exe - ${ip(r)}:${int(r, 80, 9000)} error : ${reason}` })),
      {
        event: 'status',
        line: (r: Rng) => `app${int(r, 1, 99)}.exe - ${ip(r)}:${int(r, 80, 9000)} error : Could not connect through proxy ${ip(r)}:${int(r, 1024, 9999)} - Proxy server cannot establish a connection, status code ${int(r, 400, 599)}`,
      },
    ];
    expectGroupedByEvent(mine(generate(events, 30, 27)));
  });
});

describe('many positions varying at once', () => {
  test('records whose values all change from line to line (SELinux denials: permissions, names, contexts, classes) become one template', () => {
    // an invented system (ninth generator, a development seed) with 714 avc denials, no two alike in one or two positions
    const system = unseenSystemV9(8033);
    const avc = 'avc: denied { <*> } for pid=<*> comm="<*>" name="<*>" dev="<*>" ino=<*> scontext=u:r:<*>:s0 tcontext=u:object_r:<*>:s0 tclass=<*> permissive=0';
    const m = mine(system.content.map((text, i) => ({ event: system.truth[i], line: text })));
    expect(m.split.get(avc)!.size).toBe(1);
    expect([...m.merged].filter(([, es]) => es.size > 1).map(([t]) => t)).toEqual([]);
  });
});

describe('free text inside a fixed frame', () => {
  /** An invented SQL statement: one of several kinds, over invented tables and columns, of varying length. */
  const statement = (r: Rng): string => {
    const table = pick(r, ['pleko', 'varun_items', 'sotr', 'kaldemi', 'bru_log']);
    const cols = Array.from({ length: int(r, 1, 4) }, () => pick(r, ['id', 'owner', 'qty', 'state', 'ts', 'label']));
    switch (int(r, 0, 4)) {
      case 0:
        return `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => int(r, 1, 999)).join(', ')})`;
      case 1:
        return `DELETE FROM ${table} WHERE ${cols.map((c) => `${c} = ${int(r, 1, 999)}`).join(' AND ')}`;
      case 2:
        return `UPDATE ${table} SET ${cols[0]} = $1 WHERE id = ${int(r, 1, 99999)}`;
      case 3:
        return `SELECT ${cols.join(', ')} FROM ${table} WHERE ${cols[0]} > ${int(r, 1, 999)} ORDER BY ${cols[cols.length - 1]}`;
      default:
        return `VACUUM ANALYZE ${table}`;
    }
  };

  /** An invented query filter document of one to three fields, each a value or an operator on one. */
  const filterDocument = (r: Rng): string => {
    const fields = Array.from({ length: int(r, 1, 3) }, () => {
      const key = pick(r, ['qty', 'ts', 'owner', 'state', 'tags']);
      return r() < 0.5 ? `${key}: ${int(r, 1, 999)}` : `${key}: { ${pick(r, ['$gt', '$lt', '$in', '$ne'])}: ${int(r, 1, 999)} }`;
    });
    return `{ ${fields.join(', ')} }`;
  };

  test('many different texts after one label are one value (a statement, a document, a list of callers)', () => {
    const events: EventSpec[] = [
      { event: 'statement', line: (r) => `duration: ${int(r, 1, 900)}.${int(r, 100, 999)} ms  statement: ${statement(r)}` },
      { event: 'slow', line: (r) => `Slow query on ${pick(r, ['tobu.orders', 'kela.users'])}: ${filterDocument(r)} took ${int(r, 100, 999)}ms` },
      { event: 'checkpoint', line: (r) => `checkpoint complete: wrote ${int(r, 1, 999)} buffers` },
    ];
    expectGroupedByEvent(mine(generate(events, 80, 11)));
  });

  test('texts that share the program\'s own word pairs past the frame are several events, not one free text', () => {
    // a load balancer's server states: the reason varies in length, the rest of each message is the program's
    const reason = (r: Rng): string =>
      pick(r, ['Layer4 timeout', 'Layer4 connection problem', 'Layer6 invalid response', 'Layer7 check passed', `Layer7 wrong status (${pick(r, ['503 Service Unavailable', '404 Not Found', '500 Internal Server Error'])})`]);
    const server = (r: Rng): string => `${pick(r, NAMES)}-pool/${pick(r, NAMES)}${int(r, 1, 9)}`;
    const counts = (r: Rng): string => `${int(r, 0, 60)} active and ${int(r, 0, 60)} backup servers`;
    const events: EventSpec[] = [
      { event: 'up', line: (r) => `Server ${server(r)} is UP, reason: ${reason(r)}, check duration: ${int(r, 1, 9999)}ms. ${counts(r)} online. ${int(r, 0, 60)} sessions requeued, ${int(r, 0, 60)} total in queue.` },
      { event: 'down', line: (r) => `Server ${server(r)} is DOWN, reason: ${reason(r)}, check duration: ${int(r, 1, 9999)}ms. ${counts(r)} left. ${int(r, 0, 60)} sessions active, ${int(r, 0, 60)} requeued, ${int(r, 0, 60)} remaining in queue.` },
      { event: 'maintenance', line: (r) => `Server ${server(r)} is going DOWN for maintenance. ${counts(r)} left. ${int(r, 0, 60)} sessions active, ${int(r, 0, 60)} requeued, ${int(r, 0, 60)} remaining in queue.` },
    ];
    const m = mine(generate(events, 60, 17));
    expect([...m.merged].filter(([, es]) => es.size > 1).map(([t]) => t)).toEqual([]);
  });

  test('a text printed in messages of other frames is a value: a unit description after Starting, Started, Reached target', () => {
    const description = (r: Rng): string => {
      switch (int(r, 0, 4)) {
        case 0:
          return `Daily Cleanup of ${pick(r, ['Temporary', 'Stale', 'Cached'])} Directories`;
        case 1:
          return `User Manager for UID ${int(r, 1000, 1999)}`;
        case 2:
          return `Session ${int(r, 1, 999)} of user ${pick(r, NAMES)}`;
        case 3:
          return `${pick(r, ['Kelo', 'Drask', 'Vemo'])} ${pick(r, ['Sync', 'Index', 'Relay'])} Service`;
        default:
          return pick(r, ['Network', 'Timers', 'Sockets', 'Paths']);
      }
    };
    const events: EventSpec[] = [
      { event: 'starting', line: (r) => `Starting ${description(r)}...` },
      { event: 'started', line: (r) => `Started ${description(r)}.` },
      { event: 'reached', line: (r) => `Reached target ${description(r)}.` },
      { event: 'stopping', line: (r) => `Stopping ${description(r)}...` },
    ];
    expectGroupedByEvent(mine(generate(events, 60, 8)));
  });

  test('a text recurring under the same words before it, or with the same words after it, is no such evidence', () => {
    const events: EventSpec[] = [
      ...['password', 'publickey'].flatMap((method) =>
        ['Failed', 'Accepted'].map((verdict) => ({
          event: `${verdict} ${method}`,
          line: (r: Rng) => `${verdict} ${method} for ${pick(r, NAMES)} from ${ip(r)} port ${int(r, 1024, 65535)} ssh2`,
        })),
      ),
      { event: 'invalid', line: (r) => `Failed password for invalid user ${pick(r, NAMES)} from ${ip(r)} port ${int(r, 1024, 65535)} ssh2` },
    ];
    expectGroupedByEvent(mine(generate(events, 40, 6)));
    const devices: EventSpec[] = [
      { event: 'ue', line: (r) => `kernel: EDAC mc${int(r, 0, 1)}: UE row ${int(r, 0, 9)}, no information available` },
      { event: 'ce', line: (r) => `kernel: EDAC mc${int(r, 0, 1)}: ${int(r, 1, 9)} CE on DIMM (channel:${int(r, 0, 3)} page:0x${hex(r, 4)})` },
      { event: 'offline', line: (r) => `kernel: EDAC mc${int(r, 0, 1)}: page 0x${hex(r, 4)} taken offline after repeated errors` },
    ];
    expectGroupedByEvent(mine(generate(devices, 40, 6)));
  });

  test('fields printed as key=value are structure, not free text: the record rules decide them, never one frame', () => {
    /** A pattern as the miner holds it: masked words are variables (null). */
    const patternOf = (line: string) => {
      const t = tokenize(line, DEFAULT_MINER_OPTIONS);
      return { seps: t.seps, words: t.words.map((w, k) => (t.masked[k] ? null : w)) };
    };
    const perms = ['read', 'read write', 'getattr open read', 'ioctl', 'add_name write', 'write', 'open', 'read write open'];
    const records = perms.map((p, k) => patternOf(`avc: denied { search ${p} } for pid=${100 + k} comm="x${k}" name="n${k}" tclass=file permissive=0`));
    const statements = perms.map((p, k) => patternOf(`duration: ${k}.5 ms  statement: SELECT ${p.split(' ').join(', ')} FROM t${k} WHERE id = ${k}`));
    /** The frame every pattern shares with the first. */
    const frameOf = (ps: ReturnType<typeof patternOf>[]) => {
      const frames = ps.slice(1).map((p) => sharedFrame(ps[0], p));
      return [Math.min(...frames.map((f) => f.prefix)), Math.min(...frames.map((f) => f.suffix))] as const;
    };
    expect(planFreeText(statements, ...frameOf(statements), 2)).toBeDefined();
    expect(frameOf(records)[0]).toBe(3); // "avc: denied { search": a frame the label rule alone would accept
    expect(planFreeText(records, ...frameOf(records), 2)).toBeUndefined();
  });

  test('five sentences of another layer inside one frame are one value: Returning exception <*> to caller', () => {
    const texts = [
      () => 'No valid host was found. There are not enough hosts available.',
      (r: Rng) => `Quota exceeded for cores: Requested ${int(r, 1, 9)}, but already used ${int(r, 10, 40)} of ${int(r, 41, 60)} cores`,
      (r: Rng) => `Image ${hex(r, 8)}-${hex(r, 4)} could not be found. (HTTP 404)`,
      (r: Rng) => `Instance ${hex(r, 8)}-${hex(r, 4)} could not be found.`,
      (r: Rng) => `Timed out waiting for a reply to message ID ${hex(r, 32)}`,
    ];
    const m = mine(generate([{ event: 'returning', line: (r) => `Returning exception ${pick(r, texts)(r)} to caller` }], 60));
    expectGroupedByEvent(m);
  });

  test('free text with the same label inside every text is two values around the label: wanted: <*> got: <*>', () => {
    const links = ['A', 'B', 'C', 'X+', 'X-', 'Y+', 'Y-', 'Z+', 'Z-'];
    const some = (r: Rng): string => Array.from({ length: int(r, 1, 8) }, () => pick(r, links)).join(' ');
    const miner = new TemplateMiner();
    const lines = generate([{ event: 'training', line: (r) => `torus link training failed: wanted: ${some(r)} got: ${some(r)}` }], 40);
    expectGroupedByEvent(mine(lines, miner));
    expectMinedExactly(miner, 'torus link training failed: wanted: A X+ got: Z-', 'torus link training failed: wanted: <*> got: <*>');
  });

  test('records of labelled fields after different sentences stay the sentences\' events', () => {
    // an invented system (fourteenth generator, a development seed) printing Dell OMSA temperature records after
    // three sentences ("detected a warning value", "detected a failure value", "returned to a normal value")
    const system = unseenSystemV14(60025);
    const m = mine(system.content.map((text, i) => ({ event: system.truth[i], line: text })));
    const mixed = [...m.merged].filter(([t, es]) => es.size > 1 && t.startsWith('Server Administrator')).map(([t]) => t);
    expect(mixed).toEqual([]);
  });

  test('a record of labelled fields whose values have several words is one event: the labels between them are the frame', () => {
    const locations = ['CPU1 Temp', 'BMC Ambient Temp', 'Riser Temp', 'Planar Board Temp', 'PSU2 Inlet Temp'];
    const states = ['OK (Normal)', 'Non-Critical (Warning)', 'Critical (Failed)', 'Unknown'];
    const m = mine(
      generate(
        [
          {
            event: 'sensor',
            line: (r) =>
              `Instrumentation Service EventID: ${int(r, 1000, 1099)} Temperature sensor returned to a normal value Sensor location: ${pick(r, locations)} Chassis location: Main System Chassis Previous state was: ${pick(r, states)} Temperature sensor value (in Degrees Celsius): ${int(r, 20, 90)}`,
          },
        ],
        80,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('different messages after a header, or after a subject and its value, stay separate events', () => {
    const job = (r: Rng): string => `${int(r, 100, 9999)}.${pick(r, ['kelo', 'brann'])}`;
    const events: EventSpec[] = [
      ...['resumed by operator', 'suspended by operator', 'requeued by operator', 'held by scheduler policy', 'deleted by owner'].map((tail) => ({
        event: `job ${tail}`,
        line: (r: Rng) => `pbs_server: job ${job(r)} ${tail}`,
      })),
      { event: 'job submitted', line: (r) => `pbs_server: job ${job(r)} submitted by ${pick(r, NAMES)} to queue ${pick(r, NAMES)}` },
      { event: 'job started', line: (r) => `pbs_server: job ${job(r)} started on ${int(r, 1, 64)} nodes (n${int(r, 10, 99)})` },
      { event: 'job exit', line: (r) => `pbs_server: job ${job(r)} exit status ${int(r, 0, 3)}, walltime ${int(r, 0, 9)}:${int(r, 10, 59)}:${int(r, 10, 59)}` },
      ...[
        'Guest Stopped (Power Event)',
        'Guest Paused (Power Event)',
        'Guest Resumed (Lifecycle Event)',
        'Guest shut down cleanly after ${n} seconds',
        'Guest agent not responding, retry ${n}',
        'Guest crashed: kernel panic (code ${n})',
        'Guest started',
        'Guest console log truncated to ${n} lines',
        'Guest memory balloon at ${n} MB',
      ].map((msg) => ({
        event: msg,
        line: (r: Rng) => `[req-${hex(r, 8)} ${hex(r, 6)} ${hex(r, 6)} - - -] [instance: ${hex(r, 8)}] ${msg.replace('${n}', `${int(r, 1, 90)}.${int(r, 10, 99)}`)}`,
      })),
    ];
    expectGroupedByEvent(mine(generate(events, 30, 5)));
  });
});

describe('one value the tokenizer cut in two at punctuation', () => {
  test('a word cut at a slash (i/o) where other lines have one word is the same value: one template', () => {
    const loops = ['main', 'ui', 'display', 'animation', 'i/o', 'main', 'ui'];
    const events: EventSpec[] = [
      { event: 'blocked', line: (r) => `Waited too long in dispatcher of ${pick(r, loops)} loop (${pick(r, NAMES)}.worker)` },
      { event: 'idle', line: (r) => `dispatcher ${int(r, 1, 99)} idle for ${int(r, 1, 900)} ms` },
    ];
    const m = mine(generate(events, 80));
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Waited too long in dispatcher of <*> loop (<*>)');
  });

  test('a tag:Name pair that always changes together is one value when either part is a variable on its own', () => {
    const tags = ['hopleith:KikelBaizou', 'rougai:ReXotrux', 'soko:SiFeibei', 'drozeth:PlifeirTrouba', 'peijoa:XoaMe', 'houke:PlothTun'];
    const events: EventSpec[] = [{ event: 'lock', line: (r) => `acquire partial lock ${pick(r, tags)} for uid=${int(r, 1, 9999)} pid=${int(r, 1, 30000)}` }];
    // closed sets whose two words happen to change together in a few templates stay apart (not glued)
    const verbs: EventSpec[] = ['UPDATE', 'DELETE', 'INSERT'].map((verb, k) => ({
      event: verb,
      line: (r) => `statement ${verb} on ${['fevus', 'deanus', 'jumakist'][k]} by ${pick(r, NAMES)} returned ${int(r, 0, 99)} rows`,
    }));
    const device: EventSpec[] = [
      { event: 'left', line: (r) => `device eth0 left promiscuous mode after ${int(r, 1, 99)} s` },
      { event: 'entered', line: (r) => `device eth1 entered promiscuous mode after ${int(r, 1, 99)} s` },
    ];
    expectGroupedByEvent(mine(generate([...events, ...verbs, ...device], 30)));
  });
});

describe('a map in braces of varying length', () => {
  test('{k=v, k=v, …} with one to four entries is one value of one event', () => {
    const keys = ['retention.ms', 'cleanup.policy', 'segment.bytes', 'min.insync.replicas', 'compression.type'];
    const map = (r: Rng): string =>
      Array.from({ length: int(r, 1, 4) }, () => `${pick(r, keys)}=${r() < 0.5 ? int(r, 1, 1e9) : pick(r, ['compact', 'delete', 'producer'])}`).join(', ');
    const events: EventSpec[] = [
      { event: 'created', line: (r) => `Created log for partition ${pick(r, NAMES)}-${int(r, 0, 40)} in /data/kafka-logs with properties {${map(r)}} (kafka.log.LogManager)` },
      { event: 'deleted', line: (r) => `Deleted log for partition ${pick(r, NAMES)}-${int(r, 0, 40)} in /data/kafka-logs (kafka.log.LogManager)` },
    ];
    expectGroupedByEvent(mine(generate(events, 50, 17)));
  });
});

describe('a quoted text of several words', () => {
  const PHRASES = ['vumosk pekruth rutrol south', 'glixoamp vikreimp', 'troamp voafer malair neijump steifomp', 'kestrel'];
  test('is one value between its quotes, whatever its words and their number', () => {
    const events: EventSpec[] = [
      { event: 'wake', line: (r) => `PowerManager: entering dark wake, reason '${pick(r, PHRASES)}', delay ${int(r, 1, 900)} ms` },
      { event: 'rule', line: (r) => `app${int(r, 1, 9)}.exe - ${ip(r)} matched rule "${pick(r, PHRASES)}"` },
      { event: 'same-length', line: (r) => `job ${int(r, 1, 999)} tagged "${pick(r, ['amber north gate', 'cobalt river mill', 'silver east yard'])}" by scheduler` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('quoted display names of one length with a number inside are one value; the states after them stay events', () => {
    const parts = ['Faiplor Fan Module', 'Kraboax Power Supply', 'Tivisk Board', 'Kaiho Card', 'Saplask Fan Module'];
    const events: EventSpec[] = ['available', 'unavailable', 'degraded'].map((state) => ({
      event: state,
      line: (r) => `Component State Change: Component "${pick(r, parts)} ${int(r, 0, 9)}" is in the ${state} state (HWID=${int(r, 1000, 9999)})`,
    }));
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('a bracketed text of several words is one value too, after brackets with the same text; one changed word in brackets is not', () => {
    const reasons = ['mailbox full', 'user unknown here', 'host said go away now', 'quota'];
    const events: EventSpec[] = [
      { event: 'bounced', line: (r) => `${hex(r, 10)}: to=<u${int(r, 1, 99)}@corp.example>, relay=mx[${ip(r)}]:25, status=bounced (${pick(r, reasons)})` },
      { event: 'deferred', line: (r) => `${hex(r, 10)}: to=<u${int(r, 1, 99)}@corp.example>, relay=mx[${ip(r)}]:25, status=deferred (${pick(r, reasons)})` },
      { event: 'power', line: (r) => `[instance: ${hex(r, 8)}] VM Paused (Power Event)` },
      { event: 'lifecycle', line: (r) => `[instance: ${hex(r, 8)}] VM Paused (Lifecycle Event)` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('a word or two in brackets holding an upper-case name is a label of the program: (usable) / (ACPI NVS) / (ACPI data) stay events', () => {
    const events: EventSpec[] = ['usable', 'reserved', 'ACPI data', 'ACPI NVS'].map((kind) => ({
      event: kind,
      line: (r: Rng) => `BIOS-map: ${hex(r, 16)} - ${hex(r, 16)} (${kind})`,
    }));
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('a command in brackets, with or without options, after one constant word: cron\'s (user) CMD (command)', () => {
    const users = ['mepisk', 'gaili', 'xouxeir', 'root', 'poahe'];
    const commands = ['/opt/app/run.so -xump -tain -gump', '/usr/app/conf/main.conf', '/usr/bin/sweep -q >/dev/null 2>&1'];
    expectGroupedByEvent(mine(generate([{ event: 'cmd', line: (r) => `(${pick(r, users)}) CMD (${pick(r, commands)})` }], 60)));
  });

  test('one quoted word against another, and the words around a shared quoted value, stay the sibling groups\' call', () => {
    const lines: Labelled[] = [
      { event: 'sparkExecutor', line: "Successfully started service 'sparkExecutorActorSystem' on port 40123." },
      { event: 'netty', line: "Successfully started service 'org.apache.spark.network.netty.NettyBlockTransferService' on port 40991." },
    ];
    const gets = Array.from({ length: 20 }, (_, k) => ({ event: 'GET', line: `10.0.0.${k} "GET /v2/servers/${k}/detail HTTP/1.1" status: 200 len: ${100 + k}` }));
    const posts = Array.from({ length: 20 }, (_, k) => ({ event: 'POST', line: `10.0.1.${k} "POST /v2/servers/${k}/detail HTTP/1.1" status: 202 len: ${300 + k}` }));
    expectGroupedByEvent(mine([...lines, ...gets, ...posts]));
  });
});

describe('a display name of capitalised words, one to four of them', () => {
  test('a process name of capitalised words glued to its [pid], one word or several, some of them already variables: one event', () => {
    const syllables = ['qua', 'mor', 'tes', 'bri', 'oka', 'van', 'sol', 'pel', 'dru', 'fen', 'lio', 'rav'];
    const capitalised = (r: Rng): string => {
      const w = pick(r, syllables) + pick(r, syllables);
      return w[0].toUpperCase() + w.slice(1);
    };
    const app = (r: Rng): string => (r() < 0.3 ? capitalised(r) : `${capitalised(r)} ${capitalised(r)} ${pick(r, ['Helper', 'Agent'])}`);
    const events: EventSpec[] = [{ event: 'policy', line: (r) => `PolicyDescription: ${app(r)}[${int(r, 100, 40000)}]/${int(r, 0, 1)}#${int(r, 1, 9)} LF=${int(r, 0, 1)}` }];
    const m = mine(generate(events, 120));
    expectGroupedByEvent(m);
  });

  test('after a label, a name of capitalised words ending in a number or not, then a value in brackets: one event', () => {
    const adapters = ['Local Area Connection', 'Wireless Network Connection 2', 'Wireless Network Connection 3', 'Bridge Virtual Adapter', 'Ethernet'];
    const events: EventSpec[] = [
      { event: 'change', line: (r) => `Noticed link change: ${pick(r, adapters)} (${ip(r)})` },
      { event: 'lost', line: (r) => `Noticed link loss on port ${int(r, 1, 48)} after ${int(r, 1, 900)} ms` },
    ];
    const m = mine(generate(events, 60));
    expectGroupedByEvent(m);
  });

  test('is one variable between constant words: the events of each state stay apart', () => {
    const services = ['Gamus', 'Vokul Pumio', 'Yayo Sheachest', 'Vegyn Tityk Dyfear', 'Hupean Yocea Nojek Sichust'];
    const events: EventSpec[] = [
      ...['stopped', 'running'].map((state) => ({ event: `entered ${state}`, line: (r: Rng) => `The ${pick(r, services)} service entered the ${state} state.` })),
      ...['start', 'stop'].map((control) => ({ event: `sent ${control}`, line: (r: Rng) => `The ${pick(r, services)} service was successfully sent a ${control} control.` })),
      { event: 'crash', line: (r) => `The ${pick(r, services)} service terminated unexpectedly. It has done this ${int(r, 1, 9)} time(s).` },
      { event: 'logon', line: (r) => `User ${pick(r, NAMES)} logged on to host ${int(r, 1, 40)} via console` },
    ];
    expectGroupedByEvent(mine(generate(events, 40)));
  });

  test('words in capitals or joined capitalised words count, and the name may end before a comma', () => {
    const clients = ['DISM Package Manager Provider', 'WindowsUpdateAgent', 'TrustedInstaller', 'Flavion Revin Client'];
    const events: EventSpec[] = [
      { event: 'opened', line: (r) => `Session ${int(r, 1e6, 9e6)}_${int(r, 1e6, 9e6)} opened by ${pick(r, clients)}, staging directory: ${hex(r, 8)}` },
    ];
    expectGroupedByEvent(mine(generate(events, 60)));
  });
});

describe('a length merge of two templates of one shape', () => {
  test('stays a regular template and joins its siblings (three names at one position, names around it)', () => {
    // "user A granted role R by <*>" (B learned as a value) meets "user <*> granted role R by C":
    // each has a variable where the other has a constant; their merge must still meet the other roles' templates
    const roles = ['vadrel', 'kostimor', 'plenask'];
    const m = mine(
      generate(
        [
          { event: 'granted', line: (r) => `user ${pick(r, NAMES)} granted role ${pick(r, roles)} by ${pick(r, NAMES)}` },
          { event: 'revoked', line: (r) => `role revoked from ${pick(r, NAMES)} after ${int(r, 1, 99)} days` },
        ],
        40,
        1,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('punctuation inside a value', () => {
  test('words in angle brackets joined by dots (Task <UUID>.<3>) are one value each, the brackets and dots punctuation', () => {
    const miner = new TemplateMiner();
    const rng = prng(15);
    const uuid = (): string => [8, 4, 4, 4, 12].map((n) => hex(rng, n)).join('-').toUpperCase();
    for (let k = 0; k < 5; k++) {
      expectMinedExactly(miner, `Task <${uuid()}>.<${int(rng, 1, 9)}> finished with error - code: -100${int(rng, 1, 9)}`, 'Task <<*>>.<<*>> finished with error - code: <*>');
    }
    // a chain that does not close stays one word, as before
    expect(tokenize('x <a>.<b', { maxWords: 100, maxLineLength: 1000, maskKeywords: false }).words).toEqual(['x', '<a>.<b']);
  });

  test('numbers joined by commas in angle brackets (<0,3,1>) are values, the brackets punctuation; one word in brackets is unchanged', () => {
    const miner = new TemplateMiner();
    const rng = prng(15);
    const tuple = (): string => `<${int(rng, 0, 7)},${int(rng, 0, 7)},${int(rng, 0, 31)}>`;
    for (let k = 0; k < 5; k++) {
      expectMinedExactly(miner, `personality: torus coordinates ${tuple()} in partition ${tuple()}`, 'personality: torus coordinates <<*>,<*>,<*>> in partition <<*>,<*>,<*>>');
    }
    expect(tokenize('Job <1234> is submitted', { maxWords: 100, maxLineLength: 1000, maskKeywords: false }).words).toEqual(['Job', '1234', 'is', 'submitted']);
  });

  test("exclamation marks after a number ending the sentence are punctuation (slab.c:1234!), as a full stop is; a mark flagging a name is not", () => {
    const miner = new TemplateMiner();
    const files = ['mm/slab.c', 'fs/ext3/inode.c', 'kernel/sched.c', 'drivers/net/tg3.c', 'mm/page_alloc.c'];
    files.forEach((file, k) => expectMinedExactly(miner, `kernel BUG at ${file}:${130 + k * 97}!`, 'kernel BUG at <*>:<*>!'));
    // a mark glued to a name or before other punctuation flags the word, it ends no sentence
    expect(tokenize('network changed: v4(en1!:10.0.0.1) DNS!', { maxWords: 100, maxLineLength: 1000, maskKeywords: false }).words).toEqual([
      'network',
      'changed',
      'v4',
      'en1!',
      '10.0.0.1',
      'DNS!',
    ]);
  });

  test('a duration written as a number of minutes in full is one value beside mm:ss and hh:mm:ss', () => {
    const duration = (r: Rng): string => {
      const x = r();
      if (x < 0.4) return `${int(r, 2, 400)} minutes`;
      return x < 0.7 ? `${int(r, 10, 59)}:${int(r, 10, 59)}` : `${int(r, 1, 12)}:${int(r, 10, 59)}:${int(r, 10, 59)}`;
    };
    const events: EventSpec[] = [
      { event: 'chain', line: (r) => `Perf: install chain complete. elapsed ${duration(r)}` },
      { event: 'session', line: (r) => `${pick(r, NAMES)}: session ${int(r, 1, 9999)} ended after ${duration(r)}` },
    ];
    expectGroupedByEvent(mine(generate(events, 40, 9)));
  });

  test('durations written as mm:ss, hh:mm:ss or a number with a unit word are one value', () => {
    const duration = (r: Rng): string => {
      const x = r();
      if (x < 0.2) return `<${int(r, 1, 2)} sec`;
      return x < 0.6 ? `${int(r, 10, 59)}:${int(r, 10, 59)}` : `${int(r, 1, 12)}:${int(r, 10, 59)}:${int(r, 10, 59)}`;
    };
    const m = mine(
      generate(
        [
          { event: 'closed', line: (r) => `tunnel ${int(r, 100, 999)} closed, ${int(r, 0, 99999)} bytes relayed, lifetime ${duration(r)}` },
          { event: 'opened', line: (r) => `tunnel ${int(r, 100, 999)} opened to ${ip(r)}` },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a duration written in words of two or more parts is one value', () => {
    const duration = (r: Rng): string =>
      r() < 0.5 ? `${int(r, 1, 59)} min ${int(r, 1, 59)} sec` : `${int(r, 1, 9)} hours ${int(r, 1, 59)} min ${int(r, 1, 59)} sec`;
    const m = mine(generate([{ event: 'ended', line: (r) => `${pick(r, NAMES)}: session ${int(r, 100, 999)} ended after ${duration(r)}` }], 40, 17));
    expect([...m.merged.keys()]).toEqual(['<*>: session <*> ended after <*>']);
  });
});

describe('paths', () => {
  test('a full stop after a path before a new sentence is punctuation; before other text it stays in the path', () => {
    const miner = new TemplateMiner();
    for (const seg of ['00000412', '00009831', '00017345', '00023307', '00031190']) {
      expectMinedExactly(miner, `Deleted log /var/lib/kafka/logs/orders-3/${seg}.log. (kafka.log.LogSegment)`, 'Deleted log <*>. (kafka.log.LogSegment)');
    }
    for (const dev of ['/dev/vdb', '/dev/vdc', '/dev/sdd', '/dev/xvdf', '/dev/vde']) {
      expectMinedExactly(miner, `Ignoring supplied device name: ${dev}. Libvirt can't honour user-supplied dev names`, "Ignoring supplied device name: <*>. Libvirt can't honour user-supplied dev names");
    }
    // a dot before a lower-case value (HDFS's "allocateBlock: /user/…/part-00590. blk_…") stays in the path
    const opts = { maxWords: 100, maxLineLength: 1000, maskKeywords: false };
    expect(tokenize('NameSystem.allocateBlock: /user/root/part-00590. blk_-1727475099218615100', opts).words).toContain('/user/root/part-00590.');
  });

  test('a path with a space in it, and a drive-letter path, are one value', () => {
    const m = mine(
      generate(
        [
          {
            event: 'saved',
            line: (r) =>
              `saved ${pick(r, ['/srv/data/My Reports/q3.txt', '/home/ana/notes.md', 'D:\\Shared Files\\plan.doc', 'C:\\tmp\\x.bin'])} in ${int(r, 1, 99)} ms`,
          },
          { event: 'failed', line: (r) => `save failed for ${pick(r, ['/srv/a.txt', '/srv/b.txt'])}: disk full` },
          { event: 'rotated', line: (r) => `Log file ${pick(r, ['C:\\Program Files (x86)\\Brepoulux\\gistem.exe', 'C:\\Tools\\log.txt'])} rotated` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a path in parentheses after a path is another value: the parentheses stay the program\'s', () => {
    const miner = new TemplateMiner();
    for (const [user, dir] of [['ana', 'home'], ['bo', 'export'], ['cy', 'srv']]) miner.add(`mount request from 10.0.0.${user.length} for /${dir}/${user} (/export/${user})`);
    expectMinedExactly(miner, 'mount request from 10.0.0.9 for /home/di (/export/di)', 'mount request from <*> for <*> (<*>)');
  });

  test('a host range list (cn[001-004,017]) is one value; a program and its pid (sshd[812]) stay two', () => {
    const miner = new TemplateMiner();
    for (const nodes of ['cn[001-004,017]', 'gn[1-2]', 'cn[10-12]']) miner.add(`sched: Allocate JobId=${nodes.length} NodeList=${nodes} Partition=batch`);
    expectMinedExactly(miner, 'sched: Allocate JobId=7 NodeList=gn[3,5,7-9] Partition=batch', 'sched: Allocate JobId=<*> NodeList=<*> Partition=batch');
    expectMinedExactly(miner, 'sshd[812]: session opened', 'sshd[<*>]: session opened');
  });

  test('a host range list after a space (node[1-8], a name of letters only) is one value too, whatever its number of ranges', () => {
    const miner = new TemplateMiner();
    for (const nodes of ['cn[001-004,017]', 'gn[1-2]', 'node[10-12,14,20-22]']) miner.add(`allocated ${nodes} to job ${nodes.length}`);
    expectMinedExactly(miner, 'allocated cn[3,5,7-9] to job 7', 'allocated <*> to job <*>');
    expectMinedExactly(miner, 'crond[812]: job started', 'crond[<*>]: job started');
  });

  test('after a name joined by a dash (node-[830], node-[131-155], node-[13,17-19]) the name stays and the bracketed numbers are one value, as node-12 keeps node-', () => {
    const miner = new TemplateMiner();
    for (const nodes of ['node-[830]', 'node-[131-155]', 'node-[13,17-19]', 'node-[4]']) miner.add(`Rebooting ${nodes} in ${nodes.length * 60} seconds`);
    expectMinedExactly(miner, 'Rebooting node-[200-210] in 90 seconds', 'Rebooting node-[<*>] in <*> seconds');
    expectMinedExactly(miner, 'Rebooting node-[77] in 90 seconds', 'Rebooting node-[<*>] in <*> seconds');
  });

  test('the root path alone in quotes (vhost \'/\') is a value like any other in its slot', () => {
    const m = mine(
      generate([{ event: 'declare', line: (r) => `Declaring queue '${pick(r, NAMES)}' in vhost '${pick(r, ['/', 'payments', 'ledger', 'audit'])}'` }], 40),
    );
    expectGroupedByEvent(m);
  });

  test('a kernel call trace frame is one event: the address in angle brackets and the code location symbol+0xoff/0xsize are values', () => {
    const m = mine(
      generate(
        [
          {
            event: 'frame',
            line: (r) => ` [<ffffffff${hex(r, 8)}>] ${pick(r, ['schedule_timeout', 'do_exit', 'io_schedule', '__wait_on_bit', 'sys_read'])}+0x${hex(r, 3)}/0x${hex(r, 3)}`,
          },
          { event: 'trace', line: () => 'Call Trace:' },
        ],
        40,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('a date with slashes and a time after a colon (CBS: 00005630@2015/11/4:15:16:15.495) is one value', () => {
    const miner = new TemplateMiner();
    miner.add('00000001@2016/9/27:20:30:31.455 Beginning NT transaction commit...');
    expectMinedExactly(miner, '00005630@2015/11/4:15:16:15.495 Beginning NT transaction commit...', '<*>@<*> Beginning NT transaction commit...');
  });

  test('a directory name of several capitalised words is part of its path; lower-case words after a path are not', () => {
    const dirs = ['C:\\Program Files\\Acme Data Tools', 'C:\\Windows\\winsxs', 'C:\\Program Files\\Pebresk Jasu Raixar Tragour', 'D:\\Apps'];
    const m = mine(
      generate(
        [
          { event: 'loaded', line: (r) => `Loaded servicing stack with core: ${pick(r, dirs)}\\x86_${hex(r, 8)}\\${pick(r, ['core.dll', 'stack.dll'])}` },
          { event: 'reboot', line: (r) => `Reboot mark set: ${pick(r, dirs)}\\${hex(r, 6)}.mum` },
          { event: 'copied', line: (r) => `file /srv/${hex(r, 4)}/a.txt copied to /dst/${hex(r, 4)}/b.txt` },
          { event: 'moved', line: (r) => `file /srv/${hex(r, 4)}/a.txt moved to /dst/${hex(r, 4)}/b.txt` },
        ],
        30,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('a qualifier word after a value', () => {
  test('"*64" after a program name, present or not, is one event', () => {
    const programs = ['plaix.exe', 'dadraimp.exe', 'braix.exe', 'ker.exe'];
    const events: EventSpec[] = [
      { event: 'open', line: (r) => `${pick(r, programs)}${r() < 0.4 ? ' *64' : ''} - ${ip(r)}:${int(r, 1, 65535)} open through proxy ${ip(r)}:${int(r, 1, 65535)} HTTPS` },
      { event: 'closed', line: (r) => `${pick(r, programs)}${r() < 0.4 ? ' *64' : ''} - ${ip(r)}:${int(r, 1, 65535)} closed by remote end after ${int(r, 1, 9)} retries` },
    ];
    expectGroupedByEvent(mine(generate(events, 40)));
  });

  test('a program whose file name has spaces (with or without "*64") is one value; capitalised file names are data', () => {
    const programs = ['Criolo Tonaen.exe', 'sko.exe', 'Fylo Plakat.exe *64', 'Chot Plae.exe', 'WeChat.exe'];
    const events: EventSpec[] = [
      { event: 'resolve', line: (r) => `${pick(r, programs)} - resolving ${pick(r, NAMES)}.example.org through proxy` },
      { event: 'allowed', line: (r) => `${pick(r, programs)} - ${ip(r)}:${int(r, 1, 65535)} direct connection allowed` },
    ];
    const m = mine(generate(events, 40, 21));
    expectGroupedByEvent(m);
    expect([...m.split.get('resolve')!]).toEqual(['<*> - resolving <*> through proxy']);
  });

  test('one program seen only without "*64", the others with it: one event; a second proxy host then joins it too', () => {
    const events: EventSpec[] = [
      {
        event: 'open',
        line: (r) =>
          `${r() < 0.3 ? 'chick.exe' : `${pick(r, ['sess.exe', 'ker.exe', 'plaix.exe'])} *64`} - ${ip(r)}:${int(r, 1, 65535)} open through proxy ${pick(r, ['jukal.kraivoan.lab', 'jukal.kraivoan.lab', 'jefeimp.kraivoan.lab'])}:${int(r, 1, 65535)} SOCKS5`,
      },
    ];
    expectGroupedByEvent(mine(generate(events, 80)));
  });
});

describe('words of a reason phrase that other messages print as their text', () => {
  test('a phrase word made a variable by a merge of two reasons ("to" in "No path to peer") stays a constant where a message says it', () => {
    // two reasons of one length merge into one template whose phrase words are variables; learned as values, 'to'
    // was masked in the first line of every later event saying it (mount <*> share server), and those templates kept it
    const hosts = ['stavrel4', 'quobain7', 'melkas2', 'dunrow9', 'pethis3'];
    const rng = prng(15);
    const dial = (reason: string): string =>
      `*${int(rng, 1000, 99999)} dial failed (${reason}) while forwarding to backend, peer: ${ip(rng)}, zone: "${pick(rng, hosts)}"`;
    const miner = new TemplateMiner();
    for (let i = 0; i < 30; i++) miner.add(dial(i % 2 === 0 ? '113: No path to peer' : '104: Link dropped by remote'));
    const finalTemplate = (line: string): string => miner.template(miner.resolve(miner.add(line).templateId))!.template;
    let mount = '';
    for (const host of hosts) mount = finalTemplate(`mount to share server '${host}' failed: server is down.`);
    expect(mount).toBe("mount to share server '<*>' failed: server is down.");
    let refused = '';
    for (let i = 0; i < 10; i++) refused = finalTemplate(dial('111: Link refused'));
    expect(refused).toContain(' while forwarding to backend, ');
  });
});

describe('over-generalisation', () => {
  test('a word the message says twice (… for leases: … of <n> leases) is its kind: a few such words stay separate events', () => {
    const events: EventSpec[] = ['leases', 'slots', 'volumes'].map((kind) => ({
      event: kind,
      line: (r: Rng) => `Limit reached for ${kind}: asked ${int(r, 1, 16)}, while holding ${int(r, 1, 900)} of ${int(r, 100, 999)} ${kind}`,
    }));
    const m = mine(generate(events, 40));
    expectGroupedByEvent(m);
    expect([...m.merged.keys()]).toContain('Limit reached for slots: asked <*>, while holding <*> of <*> slots');
  });

  test('a protocol version is one of a few a program speaks: HTTP/1.0, HTTP/1.1 and HTTP/2.0 stay separate events', () => {
    const events: EventSpec[] = ['HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0'].map((version) => ({
      event: version,
      line: (r: Rng) => `*${int(r, 1, 99999)} client sent invalid request, client: ${ip(r)}, request: "GET /${pick(r, NAMES)}/${int(r, 1, 999)} ${version}"`,
    }));
    expectGroupedByEvent(mine(generate(events, 40, 3)));
  });

  test('the kind of the value that follows is a closed set: for service <*>, for activity <*>, for broadcast <*>', () => {
    const events: EventSpec[] = ['service', 'activity', 'broadcast', 'provider'].map((kind) => ({
      event: kind,
      line: (r: Rng) => `Start proc ${int(r, 100, 32000)}:com.${pick(r, NAMES)}.app/u0a${int(r, 10, 300)} for ${kind} com.${pick(r, NAMES)}.app/.${pick(r, ['Main', 'Sync', 'Boot'])}`,
    }));
    expectGroupedByEvent(mine(generate(events, 30, 12)));
  });

  test('the kind of the value after a label is a closed set too: thrown: Volume <*>, thrown: Bucket <*>', () => {
    const events: EventSpec[] = ['Volume', 'Snapshot', 'Bucket'].map((kind) => ({
      event: kind,
      line: (r: Rng) => `API error raised: ${kind} ${r() < 0.5 ? int(r, 1, 99) : hex(r, 12)} does not exist.`,
    }));
    expectGroupedByEvent(mine(generate(events, 30, 12)));
  });

  test('closed sets of enum-like states and of verbs stay separate events', () => {
    const states = ['QUEUED', 'STAGED', 'ACTIVE', 'DRAINING', 'PARKED', 'RETIRED'];
    const events: EventSpec[] = [];
    for (let k = 0; k + 1 < states.length; k++) {
      events.push({ event: `${states[k]}->${states[k + 1]}`, line: (r) => `pod-${hex(r, 6)} moved from ${states[k]} to ${states[k + 1]}` });
    }
    for (const verb of ['paused', 'resumed', 'throttled', 'restarted', 'detached']) {
      events.push({ event: verb, line: (r) => `stream ${int(r, 1, 99)} ${verb} by scheduler` });
    }
    expectGroupedByEvent(mine(generate(events, 12)));
  });

  test('upper-case names with a digit inside (L2CAP, X509) are protocol names like RFCOMM: one event each', () => {
    const events: EventSpec[] = ['L2CAP', 'RFCOMM', 'X509'].map((protocol) => ({
      event: protocol,
      line: (r) => `Bluetooth: ${protocol} ver ${int(r, 1, 3)}.${int(r, 0, 9)}`,
    }));
    expectGroupedByEvent(mine(generate(events, 20, 8)));
  });

  test('upper-case names with a version (SOCKS5, SOCKS4) are enum constants like HTTPS: one event each', () => {
    const events: EventSpec[] = ['SOCKS5', 'SOCKS4', 'HTTPS'].map((protocol) => ({
      event: protocol,
      line: (r) => `proxy gate${int(r, 1, 9)}.${pick(r, NAMES)}.lan:${int(r, 1024, 9999)} added, protocol ${protocol}`,
    }));
    expectGroupedByEvent(mine(generate(events, 20, 8)));
  });

  test('the symbolic name after a code is a value like the code; an enum word after a constant key stays a constant', () => {
    const names = ['CBS_E_INVALID_PACKAGE', 'CBS_E_NOT_FOUND', 'ERROR_FILE_NOT_FOUND'];
    const events: EventSpec[] = [
      { event: 'resolve', line: (r) => `Failed to resolve package [HRESULT = 0x${hex(r, 8)} - ${pick(r, names)}]` },
      ...['JOB_SETUP', 'TASK_ABORT'].map((kind) => ({ event: kind, line: () => `Processing the event EventType: ${kind}` })),
    ];
    const m = mine(generate(events, 20, 5));
    expectGroupedByEvent(m);
    expect([...m.split.get('resolve')!]).toEqual(['Failed to resolve package [HRESULT = <*> - <*>]']);
  });

  test('the symbolic name after a labelled code in brackets ([Errno 111] ECONNREFUSED) is a value like the code', () => {
    const errors: Array<[number, string]> = [[111, 'ECONNREFUSED'], [113, 'EHOSTUNREACH']];
    const events: EventSpec[] = [
      {
        event: 'unreachable',
        line: (r) => {
          const [code, name] = pick(r, errors);
          return `AMQP server on ${ip(r)}:5672 is unreachable: [Errno ${code}] ${name}. Trying again in ${int(r, 1, 30)} seconds.`;
        },
      },
    ];
    expectGroupedByEvent(mine(generate(events, 20, 5)));
  });

  test('an upper-case word after a counter in brackets ([job 12] STARTED, (attempt 2) FAILED) stays the message\'s word: only a code\'s label makes it the code\'s name', () => {
    const events: EventSpec[] = [
      ...['STARTED', 'STOPPED', 'FAILED'].map((word) => ({ event: `job ${word}`, line: (r: Rng) => `[job ${int(r, 1, 9999)}] ${word} on ${ip(r)}` })),
      ...['RETRYING', 'ABORTED'].map((word) => ({ event: `attempt ${word}`, line: (r: Rng) => `upload (attempt ${int(r, 1, 9)}) ${word} for ${ip(r)}` })),
    ];
    expectGroupedByEvent(mine(generate(events, 20, 5)));
  });

  test('three capitalised verbs, one shaped like a state (Aborted), stay three events', () => {
    const events: EventSpec[] = ['Starts', 'Completes', 'Aborted'].map((verb) => ({
      event: verb,
      line: (r) => `Scavenge: ${verb} for session ${int(r, 10000000, 99999999)}_${int(r, 1000000, 9999999)}`,
    }));
    expectGroupedByEvent(mine(generate(events, 20, 6)));
  });

  test('after the service has shown many names, three states holding an inflected verb still stay three events', () => {
    const users = Array.from({ length: 60 }, (_, k) => `${['ka', 'mo', 'ri', 'te', 'su'][k % 5]}${['lan', 'vek', 'dor', 'mis'][k % 4]}${k}`.replace(/\d+$/, (d) => 'abcdefghij'[Number(d) % 10]));
    const events: EventSpec[] = [
      { event: 'login', line: (r) => `session opened for user ${pick(r, users)} from ${ip(r)}` },
      ...['allocated', 'down', 'idle'].map((state) => ({ event: state, line: (r: Rng) => `node ${pick(r, NAMES)}${int(r, 10, 99)} state change: ${state}` })),
    ];
    const warmup = generate([events[0]], 120, 4);
    const m = mine([...warmup, ...generate(events.slice(1), 25, 5)]);
    expect([...m.merged.keys()].filter((t) => t.includes('state change')).sort()).toEqual([
      'node <*> state change: allocated',
      'node <*> state change: down',
      'node <*> state change: idle',
    ]);
  });

  test('five states of a node, two of them inflected verbs, stay five events whatever leads the line', () => {
    const nodes = Array.from({ length: 40 }, (_, k) => `${pick(prng(k), NAMES)}${['ar', 'el', 'ix', 'ou'][k % 4]}`);
    const events: EventSpec[] = ['unknown', 'down', 'idle', 'allocated', 'drained'].map((state) => ({
      event: state,
      line: (r: Rng) => `${pick(r, nodes)} state change: ${state}`,
    }));
    expect([...mine(generate(events, 30, 8)).merged.keys()].sort()).toEqual([
      '<*> state change: allocated',
      '<*> state change: down',
      '<*> state change: drained',
      '<*> state change: idle',
      '<*> state change: unknown',
    ]);
  });

  test('a plain word printed where other lines have file names is its own event', () => {
    const images = ['bachai.img', 'thouzaix.elf', 'lechu.img', 'pothain.elf', 'pidrou.bin', 'deplu.bin', 'trouna.elf', 'notokou.bin'];
    const events: EventSpec[] = [
      { event: 'default image', line: () => 'boot: loading image default' },
      { event: 'image', line: (r) => `boot: loading image ${pick(r, images)}` },
    ];
    // the program's own word seen first, and seen only after the file names made their variable
    expectGroupedByEvent(mine([...generate([events[0]], 3, 9), ...generate(events, 30, 9)]));
    expectGroupedByEvent(mine([...generate([events[1]], 3, 9), ...generate(events, 30, 9)]));
  });

  test('a boolean as a call\'s only argument is the code path\'s constant; a boolean printed for a key is a value', () => {
    const events: EventSpec[] = [
      { event: 'on', line: () => 'PowerManager: setInteractive(true)' },
      { event: 'off', line: () => 'PowerManager: setInteractive(false)' },
      { event: 'save', line: (r) => `battery saver isPowerSaveMode=${pick(r, ['true', 'false'])} level=${int(r, 1, 100)}` },
      { event: 'screen', line: (r) => `isScreenOn ${pick(r, ['true', 'false'])}` },
    ];
    expectGroupedByEvent(mine(generate(events, 20, 11)));
  });

  test('upper-case words of one stem (DHCPREQUEST, DHCPACK) stay events after the service has shown names spelled like them', () => {
    // an invented cluster syslog whose names (queue ids, hosts) made the DHCP kinds look like names
    const system = unseenSystemV6(5012);
    const lines = system.content.map((line, i) => ({ event: system.truth[i], line }));
    const dhcp = [...mine(lines).merged.keys()].filter((t) => t.includes('via eth1')).sort();
    expect(dhcp).toEqual(['DHCPACK on <*> to <*> via eth1', 'DHCPDISCOVER on <*> to <*> via eth1', 'DHCPOFFER on <*> to <*> via eth1', 'DHCPREQUEST on <*> to <*> via eth1']);
  });

  test('three capitalised words opening the message (Sleep / Wake / DarkWake reason) stay three events after names are known', () => {
    const first = ['bai', 'mai', 'za', 'stu', 'vou', 'cho', 'plou', 'vu'];
    const users = first.flatMap((a) => ['maik', 'tream', 'tex', 'chak', 'thoum', 'zea'].map((b) => a + b));
    const codes = ['TEFIX', 'KLASAIGRUX', 'KOUBRO', 'TIGEGRED', 'DOUSAISHIX', 'MUVAIR', 'PLOUZ', 'GRAIDEX', 'SOUMIR', 'VEKRAL', 'ZOUTH', 'BRIMEX'];
    const events: EventSpec[] = [
      { event: 'login', line: (r) => `session opened for user ${pick(r, users)} by ${pick(r, users)}` },
      ...['Sleep', 'Wake', 'DarkWake'].map((kind) => ({ event: kind, line: (r: Rng) => `${kind} reason: ${pick(r, codes)} (${int(r, 1, 900)} ms)` })),
    ];
    const m = mine([...generate([events[0]], 80, 25), ...generate(events.slice(1), 20, 26)]);
    expect([...m.merged.keys()].filter((t) => t.includes('reason')).sort()).toEqual(['DarkWake reason: <*> (<*> ms)', 'Sleep reason: <*> (<*> ms)', 'Wake reason: <*> (<*> ms)']);
  });

  test('three names of their own, each with a number (io nodes), are values, not three states', () => {
    // an invented cluster (eleventh generator, a seed outside its reported ones) whose Lustre errors name three io nodes
    const system = unseenSystemV11(30016);
    const m = mine(system.content.map((text, i) => ({ event: system.truth[i], line: text })));
    expect([...m.split.get('Lustre mount FAILED : <*> : point <*>')!]).toEqual(['Lustre mount FAILED : <*> : point <*>']);
  });

  test('three interfaces, two of them one name with two numbers, stay three events', () => {
    const events: EventSpec[] = ['lo', 'eth0', 'eth1'].map((dev) => ({ event: dev, line: () => `kernel: ${dev}: no IPv6 routers present` }));
    expectGroupedByEvent(mine(generate(events, 20, 12)));
  });

  test("a code's symbolic name glued to the code after key= (status=203/EXEC) is data, as the code is", () => {
    const names = ['EXEC', 'USER', 'INVALIDARGUMENT', 'FAILURE', 'NOTINSTALLED'];
    const line = (r: Rng): string => `${pick(r, NAMES)}.service: Main process exited, code=exited, status=${int(r, 1, 255)}/${pick(r, names)}`;
    expect([...mine(generate([{ event: 'exited', line }], 40, 19)).merged.keys()]).toEqual(['<*>: Main process exited, code=exited, status=<*>/<*>']);
  });

  test('one name with two numbers stays apart after key= (family=IPv4 / IPv6) and where two positions vary together (link ib0 on <host>)', () => {
    const events: EventSpec[] = [
      ...['IPv4', 'IPv6'].map((family) => ({ event: family, line: (r: Rng) => `bridge assigned address ${ip(r)}/16 family=${family}` })),
      ...['ib0', 'ib1'].map((dev) => ({ event: dev, line: (r: Rng) => `link ${dev} on ${pick(r, NAMES)}${int(r, 1, 99)} went down` })),
    ];
    expectGroupedByEvent(mine(generate(events, 20, 14)));
  });

  test('what a program prints for key=, key="…" or in double quotes is a value after two values (in single quotes after three); a state there names its event', () => {
    const events: EventSpec[] = [
      { event: 'pam', line: (r) => `authentication failure; logname= uid=0 tty=${pick(r, ['tty3', 'NODEVssh'])} ruser= rhost=${ip(r)}` },
      { event: 'kube', line: (r) => `Event occurred object="${pick(r, NAMES)}" kind="Pod" reason="${pick(r, ['BackOff', 'FailedMount'])}"` },
      { event: 'wifi', line: (r) => `Wifi connection to "${pick(r, ['FoustourMousti', 'VifounBeibrin'])}" lost, rssi=-${int(r, 40, 90)}` },
      { event: 'lock', line: (r) => `Lock "${pick(r, ['compute_resources', 'kraivaim_lock'])}" released :: held ${int(r, 1, 9)}.${int(r, 100, 999)}s` },
      { event: 'plugin', line: (r) => `Plugin '${pick(r, ['GeoJSON', 'bloomset', 'tdigest'])}' loaded from /opt/stack/lib/${pick(r, NAMES)}.so` },
      ...['deferred', 'bounced'].map((status) => ({ event: status, line: (r: Rng) => `${hex(r, 10)}: to=<${pick(r, NAMES)}@mail.lab>, status=${status} (${int(r, 1, 9)} tries)` })),
    ];
    expectGroupedByEvent(mine(generate(events, 25, 13)));
  });

  test('in a sudo record of KEY=value fields joined by " ; ", a value with spaces (a path, a command with arguments) is one value', () => {
    const dirs = ['/home/kolu/My Saveeston', '/home/ana', '/srv/Data Sets/raw', '/tmp'];
    const commands = ['/usr/bin/plaglind shaichoskor dusk', '/bin/ls', '/usr/sbin/service nginx restart', '/bin/cat /etc/hosts'];
    const line = (r: Rng): string => `${pick(r, NAMES)} : TTY=pts/${int(r, 0, 9)} ; PWD=${pick(r, dirs)} ; USER=root ; COMMAND=${pick(r, commands)}`;
    expect([...mine(generate([{ event: 'sudo', line }], 60, 31)).merged.keys()]).toEqual(['<*> : TTY=pts/<*> ; PWD=<*> ; USER=root ; COMMAND=<*>']);
    // an invented syslog (eighth generator, a development seed) whose one user ran commands of one to three words
    const system = unseenSystemV8(7029);
    const m = mine(system.content.map((text, i) => ({ event: system.truth[i], line: text })));
    expect(m.split.get('<*> : TTY=<*> ; PWD=<*> ; USER=<*> ; COMMAND=<*>')!.size).toBe(1);
  });

  test('a device message mnemonic (%LINK-3-UPDOWN) is the name of its event, not a value', () => {
    const events: EventSpec[] = [
      { event: 'updown', line: (r) => `%LINK-3-UPDOWN: Interface GigabitEthernet0/${int(r, 0, 9)}, changed state to down` },
      { event: 'proto', line: (r) => `%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/${int(r, 0, 9)}, changed state to down` },
    ];
    const m = mine(generate(events, 20, 30));
    expectGroupedByEvent(m);
    expect([...m.merged.keys()].every((t) => t.startsWith('%'))).toBe(true);
  });

  test('a quoted value after key= is one value, empty or of several words; a value after key= keeps the comma after it', () => {
    const tags = ['chiota kant shio', 'shent del', 'keawum vechu', '', 'pek feanar syteal'];
    const line = (r: Rng): string =>
      `ChuweakMonitor: acquire lock=${int(r, 1e6, 9e6)}, flags=0x${int(r, 1, 9)}, tag="${pick(r, tags)}", ws=${r() < 0.5 ? 'null' : `WorkSource{${int(r, 1000, 19999)}}`}, uid=${int(r, 1000, 19999)}`;
    const pod = (r: Rng): string => `"Pod status updated" pod="${pick(r, NAMES)}/${pick(r, NAMES)}-${hex(r, 9)}-${hex(r, 5)}" hostNetwork=false`;
    const m = mine(generate([{ event: 'acquire', line }, { event: 'pod', line: pod }], 60, 29));
    expect([...m.merged.keys()].sort()).toEqual(['"Pod status updated" pod="<*>" hostNetwork=<*>', 'ChuweakMonitor: acquire lock=<*>, flags=<*>, tag="<*>", ws=<*>, uid=<*>']);
  });

  test('a line that opens with key="…" quotes its message: the words inside are the event, not one value', () => {
    // a logfmt daemon whose header (time=, level=) was stripped: msg="…" is what happened
    const id = (r: Rng): string => hex(r, 64);
    const events: EventSpec[] = [
      { event: 'started', line: (r) => `msg="Container ${id(r)} started"` },
      { event: 'destroyed', line: (r) => `msg="Container ${id(r)} destroyed"` },
      { event: 'stale', line: (r) => `msg="Removing stale sandbox ${id(r)} (${hex(r, 12)})"` },
      { event: 'attached', line: (r) => `msg="attached veth${hex(r, 7)}" interface=eth0` },
      { event: 'detached', line: (r) => `msg="detached veth${hex(r, 7)}" interface=eth0` },
      { event: 'delete', line: (r) => `msg="failed to delete network" error="${pick(r, ['i/o timeout', 'network has active endpoints', 'context canceled'])}" network=${pick(r, NAMES)}` },
    ];
    const m = mine(generate(events, 25, 33));
    expectGroupedByEvent(m);
    // a quoted value later in the line stays one value
    expect([...m.merged.keys()]).toContain('msg="failed to delete network" error="<*>" network=<*>');
  });

  test('a template held apart for a word shaped like a constant (snake_case) takes it once that word is spelled like the names', () => {
    // an invented cluster (second generator, a development seed) whose first jobs' names look like code
    // identifiers (lihior_ra, pyhun_meal); many names later, their spelling says they are names too
    const system = unseenSystemV2(346);
    const m = mine(system.content.map((text, i) => ({ event: system.truth[i], line: text })));
    expect([...m.split.get('<*> submitted by <*> to partition <*> (<*> nodes)')!]).toEqual(['<*> submitted by <*> to partition <*> (<*> nodes)']);
  });

  test('a plain name among dashed names is one more name', () => {
    const volumes = ['peam-log', 'zel-data', 'ze-log', 'bam-log', 'zil', 'pios', 'cant'];
    const m = mine(generate([{ event: 'online', line: (r) => `volume ${pick(r, volumes)} is now online` }], 60, 10));
    expect([...m.merged.keys()]).toEqual(['volume <*> is now online']);
  });

  test('a variable against one plain word is not an optional part: "proxy chain <*>" and "proxy <*>:<*> HTTPS" stay two events', () => {
    const programs = ['gleplai.exe', 'boudrun.exe *64', 'zopund.exe *64', 'trefur.exe', 'ploukrir.exe *64', 'skiplox.exe'];
    const proxies = ['proxy8.plel.net', 'proxy6.semom.com', 'proxy5.dai.org'];
    const events: EventSpec[] = [
      { event: 'chain', line: (r) => `${pick(r, programs)} - ${pick(r, NAMES)}.lab:${pick(r, ['80', '443'])} open through proxy chain ${pick(r, proxies)},${pick(r, proxies)}` },
      ...['HTTPS', 'SOCKS5'].map((kind) => ({
        event: kind,
        line: (r: Rng) => `${pick(r, programs)} - ${pick(r, NAMES)}.lab:${pick(r, ['80', '443'])} open through proxy ${pick(r, proxies)}:${pick(r, ['1080', '8080'])} ${kind}`,
      })),
    ];
    const m = mine(generate(events, 40, 19));
    expect([...m.merged].filter(([, es]) => es.size > 1).map(([t]) => t)).toEqual([]);
  });

  test('words with a constant among them are not an optional list: "for illegal user <*>" and "for <*>" stay two events', () => {
    const users = ['staim', 'skeplou', 'me', 'brouvai', 'tesk', 'glomai', 'zaitex', 'plouchak'];
    const events: EventSpec[] = [
      { event: 'failed', line: (r) => `Failed password for ${pick(r, users)} from ${ip(r)} port ${int(r, 1024, 65535)} ssh2` },
      { event: 'illegal', line: (r) => `Failed password for illegal user ${pick(r, users)} from ${ip(r)} port ${int(r, 1024, 65535)} ssh2` },
    ];
    expectGroupedByEvent(mine(generate(events, 40, 27)));
    // leading the message, words joined by spaces are a name of several words
    const services = ['plaerdd', 'kaemd', 'crim deelo', 'vylaessd', 'vae buix', 'lit pu'];
    const started = mine(generate([{ event: 'started', line: (r) => `${pick(r, services)} startup succeeded` }], 40, 28));
    expect([...started.merged.keys()]).toEqual(['<*> startup succeeded']);
    // an invented Linux syslog where the two met after the user names had been learned
    const system = unseenSystemV7(6057);
    const m = mine(system.content.map((line, i) => ({ event: system.truth[i], line })));
    expect([...m.split.get('Failed password for illegal user <*> from <*> port <*> ssh2')!]).toEqual(['Failed password for illegal user <*> from <*> port <*> ssh2']);
  });

  test('a general template does not absorb a closed-set constant', () => {
    const miner = new TemplateMiner();
    const lines = generate(
      [
        { event: 'done', line: (r) => `worker ${int(r, 1, 9)} finished with status COMPLETE` },
        { event: 'code', line: (r) => `worker ${int(r, 1, 9)} finished with status ${int(r, 1, 255)}` },
      ],
      20,
    );
    expectGroupedByEvent(mine(lines, miner));
  });

  test('a template with an optional bracketed part does not take other continuations', () => {
    const m = mine(
      generate(
        [
          { event: 'started', line: (r) => `indexer worker started${r() < 0.5 ? ` (pid ${int(r, 100, 999)})` : ''}` },
          { event: 'port', line: (r) => `indexer worker started on port ${int(r, 1000, 9999)}` },
          { event: 'slow', line: (r) => `indexer worker started slowly after ${int(r, 1, 60)} s` },
        ],
        20,
      ),
    );
    expectGroupedByEvent(m);
  });

  test('interface names and protocol versions with a digit are not merged after two values', () => {
    const m = mine(
      generate(
        [
          { event: 'eth0', line: (r) => `link eth0 up at ${int(r, 1, 10)}00 Mbps` },
          { event: 'eth1', line: (r) => `link eth1 up at ${int(r, 1, 10)}00 Mbps` },
          { event: 'v1', line: (r) => `handshake ${hex(r, 8)} negotiated proto2 with ${ip(r)}` },
          { event: 'v2', line: (r) => `handshake ${hex(r, 8)} negotiated proto3 with ${ip(r)}` },
        ],
        15,
      ),
    );
    expectGroupedByEvent(m);
  });
});

describe('variable boundaries (Loghub-2.0 convention)', () => {
  test('dates written with slashes, with or without a time, are one value', () => {
    const miner = new TemplateMiner();
    expect(miner.add('backup 2031/07/04 10:11:12 done in 35 ms').template).toBe('backup <*> done in <*> ms');
    expect(miner.add('restore of 04/07/2031 started by slot #12').template).toBe('restore of <*> started by slot #<*>');
  });

  test('a key with an index before = keeps its name: fpr<*>=<*> for registers fpr0 .. fpr31', () => {
    const events: EventSpec[] = [
      { event: 'fpr', line: (r) => `fpr${int(r, 0, 31)}=0x${hex(r, 8)} 0x${hex(r, 8)} 0x${hex(r, 8)} 0x${hex(r, 8)}` },
      { event: 'gpr', line: (r) => `r${int(r, 0, 31)}=0x${hex(r, 8)} r${int(r, 0, 31)}=0x${hex(r, 8)}` },
    ];
    const m = mine(generate(events, 60, 14));
    expectGroupedByEvent(m);
    expect([...m.split.get('fpr')!]).toEqual(['fpr<*>=<*> <*> <*> <*>']);
  });

  test('two values joined by + are two values: paused <*>+<*>', () => {
    const miner = new TemplateMiner();
    const r = miner.add('GC_CONCURRENT freed 15k, 13% free 328k/66k, paused 326ms+151ms, total 320ms');
    expect(r.template).toBe('GC_CONCURRENT freed <*>, <*> free <*>/<*>, paused <*>+<*>, total <*>');
    expect(renderTemplate(r.template, r.args)).toBe('GC_CONCURRENT freed 15k, 13% free 328k/66k, paused 326ms+151ms, total 320ms');
    expect(miner.add('torus receiver x+ input pipe error').template).toBe('torus receiver x+ input pipe error');
  });

  test('a UUID and an ISO date-time (T) are one value each; a date and a time joined by a space are two', () => {
    const miner = new TemplateMiner();
    const r = miner.add('lease 3f2a9c1e-7b4d-4e2a-9f00-1c2d3e4f5a6b renewed at 2031-07-04 10:11:12,345 until 2031-07-04T11:11:12Z');
    expect(r.template).toBe('lease <*> renewed at <*> <*> until <*>');
  });

  test("a web server's date (10/Oct/2000:13:55:36, with milliseconds) is one value, its month inside it; its zone after a space is another", () => {
    const miner = new TemplateMiner();
    const r = miner.add('10.0.0.1:5123 [07/Dec/2026:08:45:24.123] fe_http be/srv3 200');
    expect(r.template).toBe('<*>:<*> [<*>] fe_http be/srv3 <*>');
    expect(renderTemplate(r.template, r.args)).toBe('10.0.0.1:5123 [07/Dec/2026:08:45:24.123] fe_http be/srv3 200');
    expect(miner.add('served [10/Oct/2000:13:55:36 -0700] ok').template).toBe('served [<*> <*>] ok');
    // a word that is no month between slashes is no such date
    expect(miner.add('route 12/abc/2000:12:00:00 kept').template).toBe('route <*>/abc/<*>:<*> kept');
  });

  test('a class name with digits before :: (IO80211AWDLPeerManager::setMode) is the code\'s, not data', () => {
    const miner = new TemplateMiner();
    expect(miner.add('IO80211AWDLPeerManager::setAwdlSuspendedMode() Resuming AWDL').template).toBe('IO80211AWDLPeerManager::setAwdlSuspendedMode() Resuming AWDL');
    expect(miner.add('fe80::1 is the link address').template).toBe('<*> is the link address');
  });

  test('a snake_case identifier glued before .<number> names it, as core.<*> does', () => {
    const miner = new TemplateMiner();
    const line = 'tcp_connection_tls_session_error_callback_imp 2008 tcp_connection_tls_session_handle_read_error.846 error 37';
    expectMinedExactly(miner, line, 'tcp_connection_tls_session_error_callback_imp <*> tcp_connection_tls_session_handle_read_error.<*> error <*>');
    expect(miner.add('averyveryverylongwordthatislong.12 seen').template).toBe('<*> seen');
  });

  test('a path opening a quoted text runs to the closing quote, spaces in its last names included', () => {
    const miner = new TemplateMiner();
    const line = 'Profile "C:\\Users\\ana\\Profiles\\Nouskim Chand.ppx" loaded';
    expectMinedExactly(miner, line, 'Profile "<*>" loaded');
    expect(miner.add('open "/srv/a/b c d e f g" now').template).toBe('open "<*> c d e f g" now');
  });

  test('a name glued to angle brackets keeps its name; what the brackets hold is a value when shaped like one', () => {
    const miner = new TemplateMiner();
    const line = 'IOThunderboltSwitch<0x0c115e9e536c>(0x9)::listenerCallback - Thunderbolt HPD packet for route = 0x8 port = 11';
    expectMinedExactly(miner, line, 'IOThunderboltSwitch<<*>>(<*>)::listenerCallback - Thunderbolt HPD packet for route = <*> port = <*>');
    expect(miner.add('returned List<String> to caller').template).toBe('returned List<String> to caller');
  });

  test('an IPv4 network with its prefix length (10.2.238.0/24) is one value', () => {
    expectMinedExactly(new TemplateMiner(), 'DHCPDISCOVER via eth1: network 10.2.238.0/24: no free leases', 'DHCPDISCOVER via eth1: network <*>: no free leases');
  });

  test('a plus before a duration that starts a word is the program\'s mark (Displayed …: +689ms); a signed number keeps its sign', () => {
    const miner = new TemplateMiner();
    expectMinedExactly(miner, 'Displayed com.kelo.app/.MainActivity: +689ms', 'Displayed com.kelo.app/.MainActivity: +<*>');
    expectMinedExactly(miner, 'clock offset +0100 applied', 'clock offset <*> applied');
  });

  test('an address or message id in angle brackets is one value, its host with or without a domain', () => {
    const miner = new TemplateMiner();
    expectMinedExactly(miner, 'k3K0c1: from=<bruvu@peg146>, size=45030, msgid=<2005.k1K9@shuru-sn296>, proto=ESMTP', 'k3K0c1: from=<<*>>, size=<*>, msgid=<<*>>, proto=ESMTP');
  });

  test('a quoted text without spaces is one value however its punctuation cuts it (an image reference)', () => {
    const miner = new TemplateMiner();
    expectMinedExactly(miner, 'Pulling image "quay.zaisk.io/drouzund/nouglour:v0.1.8"', 'Pulling image "<*>"');
    expectMinedExactly(miner, 'ssl_stapling disabled for "default"', 'ssl_stapling disabled for "default"');
  });

  test('a digest keeps the name of its algorithm (sha256:<*>)', () => {
    const digest = 'ba052d9ba3ee8880ac690b894eab629de525adff91c9fcf42f48813869b75954';
    expectMinedExactly(new TemplateMiner(), `msg="Layer sha256:${digest} cleaned up"`, 'msg="Layer sha256:<*> cleaned up"');
  });

  test('a leader of dots before a value is punctuation (fp cr update ..........0); an ellipsis stays where it was', () => {
    const miner = new TemplateMiner();
    const r = miner.add('program interrupt: fp cr update ......................0');
    expect(r.template).toBe('program interrupt: fp cr update ......................<*>');
    expect(renderTemplate(r.template, r.args)).toBe('program interrupt: fp cr update ......................0');
    expect(miner.add('Starting kelo.service...').template).toBe('Starting kelo.service...');
  });

  test('a duration in parts with glued units (58min 46.091s), a PCI address (0000:06:00.0) are one value each; a backquote opens a quote', () => {
    const miner = new TemplateMiner();
    expect(miner.add('Journal 47 of 63 finished after 58min 46.091s').template).toBe('Journal <*> of <*> finished after <*>');
    expect(miner.add('retry after 5s 10 times').template).toBe('retry after <*> <*> times');
    expect(miner.add('kernel: ib_mthca 0000:06:00.0: SW2HW_MPT failed (-79)').template).toBe('kernel: ib_mthca <*>: SW2HW_MPT failed (<*>)');
    const r = miner.add("userdel[24878]: delete user `brarou'");
    expect(r.template).toBe("userdel[<*>]: delete user `brarou'");
    expect(renderTemplate(r.template, r.args)).toBe("userdel[24878]: delete user `brarou'");
    const events: EventSpec[] = [{ event: 'delete', line: (r) => `userdel[${int(r, 100, 99999)}]: delete user \`${pick(r, NAMES)}'` }];
    expect([...mine(generate(events, 20, 5)).merged.keys()]).toEqual(["userdel[<*>]: delete user `<*>'"]);
  });

  test('a protocol version after a path stays a constant of its event, with or without a query string', () => {
    const uri = (r: Rng): string => `/${pick(r, ['api', 'static', 'img'])}/${r() < 0.5 ? pick(r, NAMES) : int(r, 1, 99999)}${r() < 0.3 ? `?id=${int(r, 1, 999)}` : ''}`;
    const events: EventSpec[] = [
      { event: 'get', line: (r) => `"GET ${uri(r)} HTTP/1.1" ${pick(r, ['200', '304', '404'])} ${int(r, 0, 90000)}` },
      { event: 'denied', line: (r) => `access denied for ${pick(r, NAMES)} to ${uri(r)} (rule ${int(r, 1, 40)})` },
    ];
    const m = mine(generate(events, 40));
    expectGroupedByEvent(m);
    expect([...m.split.get('get')!]).toEqual(['"GET <*> HTTP/1.1" <*> <*>']);
  });

  test('a component written package/.Name is one value: one event however many components are shown', () => {
    // a few packages, a few screens: no position of the split form sees enough values on its own
    const apps = ['com.kazovel.mitor', 'com.quanes.brika', 'com.zomi.velqua', 'com.torbri.nesza', 'com.velka.quazo'];
    const component = (r: Rng): string => `${pick(r, apps)}/.${pick(r, ['Kazo', 'Mitor', 'Brika'])}Activity`;
    const events: EventSpec[] = [
      { event: 'displayed', line: (r) => `WindowKeeper: Displayed ${component(r)}: +${int(r, 20, 900)}ms` },
      { event: 'launch', line: (r) => `WindowKeeper: START u0 launching ${component(r)} from uid ${int(r, 1000, 1100)}` },
    ];
    expectGroupedByEvent(mine(generate(events, 30)));
  });

  test('a component of few packages and screens is a value, as the package alone is', () => {
    // two packages, two screens: four values, none shaped like a number
    const component = (r: Rng): string => `${pick(r, ['com.tuvel.brisca', 'com.morane.quilt'])}/.${pick(r, ['Tover', 'Brunai'])}Activity`;
    const events: EventSpec[] = [{ event: 'start', line: (r) => `Start proc ${int(r, 100, 9999)} for activity ${component(r)}` }];
    const m = mine(generate(events, 40, 4));
    expectGroupedByEvent(m);
    expect([...m.split.get('start')!]).toEqual(['Start proc <*> for activity <*>']);
  });

  test('a word glued by a dash before a UUID keeps the word, as jetty-<*> and BP-<*> do', () => {
    const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`;
    const line = (r: Rng): string => `[req-${uuid(r)} ${hex(r, 32)}] instance ${uuid(r)} spawned in ${int(r, 1, 90)} s`;
    const m = mine(generate([{ event: 'spawn', line }], 10, 2));
    expectGroupedByEvent(m);
    expect([...m.atAdd.get('spawn')!]).toEqual(['[req-<*> <*>] instance <*> spawned in <*> s']);
  });

  test('a Class::method pair is one identifier: both halves generalise once either varies', () => {
    const classes = ['AppleDaileakZol', 'AppleZakounPeas', 'AppleThegaiBraix'];
    const methods = ['peastokGan', 'funoulTor', 'lefelTrek', 'bushexChal', 'ploupouTai', 'teatruFar', 'gefunFail', 'grubaDor', 'sokelMir'];
    const m = mine(generate([{ event: 'power', line: (r) => `${pick(r, classes)}::${pick(r, methods)} - power up complete - took ${int(r, 100, 9999)} us` }], 120, 20));
    expect([...m.merged.keys()]).toEqual(['<*>::<*> - power up complete - took <*> us']);
  });

  test('a name glued by a dash before a version, or a capitalised name before a number, keeps the name; a node name-number is one value', () => {
    const m = mine(
      generate(
        [
          { event: 'pool', line: (r) => `HikariPool-${int(r, 1, 9)} - Shutdown completed.` },
          { event: 'jetty', line: (r) => `jetty-${int(r, 6, 9)}.${int(r, 0, 3)}.${int(r, 1, 30)}` },
          { event: 'node', line: (r) => `${pick(r, ['desho', 'kram', 'node'])}-${int(r, 100, 999)} state change: unknown` },
        ],
        20,
        14,
      ),
    );
    expectGroupedByEvent(m);
    expect([...m.merged.keys()].sort()).toEqual(['<*> state change: unknown', 'HikariPool-<*> - Shutdown completed.', 'jetty-<*>']);
  });

  test('a version written after its letter keeps the letter: v<*>', () => {
    const line = (r: Rng): string => `Loaded servicing stack v${int(r, 6, 10)}.${int(r, 0, 3)}.${int(r, 1000, 9999)} from ${pick(r, NAMES)}`;
    const m = mine(generate([{ event: 'stack', line }], 20, 3));
    expectGroupedByEvent(m);
    expect([...m.split.get('stack')!]).toEqual(['Loaded servicing stack v<*> from <*>']);
  });

  test('a space-separated list of values between constant words is one value, whatever its length', () => {
    const nodes = (r: Rng): string => Array.from({ length: int(r, 1, 5) }, () => `n${int(r, 100, 999)}`).join(' ');
    const events: EventSpec[] = [
      { event: 'alloc', line: (r) => `sched: allocated nodes ${nodes(r)} to job ${int(r, 1000, 9999)}` },
      { event: 'free', line: (r) => `sched: released ${int(r, 1, 64)} nodes of job ${int(r, 1000, 9999)}` },
    ];
    const m = mine(generate(events, 30, 3));
    expectGroupedByEvent(m);
    expect([...m.split.get('alloc')!]).toEqual(['sched: allocated nodes <*> to job <*>']);
  });

  test('a query string is part of its path: one value from the first line on', () => {
    const routes = ['/v2/ledgers', '/v2/ledgers/export', '/orbit/feed'];
    const line = (r: Rng): string =>
      `served ${pick(r, routes)}?cursor=${hex(r, 6)}&limit=${int(r, 1, 500)}${r() < 0.5 ? `&sort=${pick(r, ['asc', 'desc'])}` : ''} in ${int(r, 1, 90)} ms`;
    const m = mine(generate([{ event: 'served', line }], 20, 5));
    expectGroupedByEvent(m);
    expect([...m.atAdd.get('served')!]).toEqual(['served <*> in <*> ms']);
  });

  test('a name glued to a number of three or more digits is one value from the first line on', () => {
    const line = (r: Rng): string => `lease held by conn${int(r, 100, 99999)} on rack${int(r, 100, 999)} for ${int(r, 1, 60)} s`;
    const m = mine(generate([{ event: 'lease', line }], 10, 9));
    expectGroupedByEvent(m);
    expect([...m.atAdd.get('lease')!]).toEqual(['lease held by <*> on <*> for <*> s']);
  });

  test('a location code around a colon is one value, with or without its :part; host:port stays two', () => {
    const code = (r: Rng, colon: boolean) => `R${int(r, 10, 63)}-M${int(r, 0, 1)}-N${int(r, 0, 9)}${colon ? `-C:J${int(r, 10, 18)}-U${int(r, 10, 11)}` : `-J${int(r, 10, 18)}`}`;
    const events: EventSpec[] = [
      { event: 'scrub', line: (r) => `memory scrub started on ${code(r, r() < 0.4)}` },
      { event: 'faults', line: (r) => `${int(r, 1, 9999)} correctable ecc faults on ${code(r, r() < 0.4)} in rank ${int(r, 0, 7)}` },
      { event: 'connect', line: (r) => `connected to db${int(r, 1, 9)}:${int(r, 1000, 9999)} in ${int(r, 1, 99)} ms` },
      // the colon after the code is punctuation
      { event: 'summary', line: (r) => `ecc summary for ${code(r, true)}: ${int(r, 1, 99)} single, ${int(r, 1, 9)} double` },
    ];
    const m = mine(generate(events, 30));
    expectGroupedByEvent(m);
    expect([...m.split.get('summary')!]).toEqual(['ecc summary for <*>: <*> single, <*> double']);
  });

  test('a number with an index glued to it is one value; a name with its pid is two', () => {
    const events: EventSpec[] = [
      { event: 'job', line: (r) => `job ${int(r, 1000, 99999)}[${int(r, 1, 64)}] started on ${int(r, 1, 64)} nodes` },
      { event: 'deny', line: (r) => `${pick(r, NAMES)}[${int(r, 100, 9999)}] deny file-read-data ${int(r, 1, 9)} times` },
    ];
    const m = mine(generate(events, 30, 12));
    expectGroupedByEvent(m);
    expect([...m.split.get('job')!]).toEqual(['job <*> started on <*> nodes']);
    expect([...m.split.get('deny')!]).toEqual(['<*>[<*>] deny file-read-data <*> times']);
  });

  test('values joined by & are separate values, not glued to the next key', () => {
    const line = (r: Rng): string => `sweep stats hits=${int(r, 0, 900)}&misses=${int(r, 0, 90)}&evicted=${int(r, 0, 9)}`;
    const m = mine(generate([{ event: 'sweep', line }], 10, 6));
    expectGroupedByEvent(m);
    expect([...m.atAdd.get('sweep')!]).toEqual(['sweep stats hits=<*>&misses=<*>&evicted=<*>']);
  });
});

describe('emit-time grouping', () => {
  test('a name learned as a value elsewhere is a value on first sight in a new event', () => {
    const miner = new TemplateMiner();
    const users = ['mira', 'tobin', 'osk', 'lunde', 'fresk'];
    // the first event teaches that these words are values
    for (const u of users) for (let k = 0; k < 3; k++) miner.add(`auth token issued to ${u} from 10.1.2.${k + 3}`);
    // a new event, first line: the name is already a variable
    const first = miner.add(`quota exceeded for tobin on volume 7`);
    expect(first.template).toBe('quota exceeded for <*> on volume <*>');
    expect(miner.add(`quota exceeded for fresk on volume 9`).templateId).toBe(first.templateId);
  });

  test('events that start after their values were seen elsewhere get their final template on the first line', () => {
    const teach = generate([{ event: 'issued', line: (r) => `auth token issued to ${pick(r, NAMES)} from ${ip(r)}` }], 30, 1);
    const later = generate(
      [
        { event: 'issued', line: (r) => `auth token issued to ${pick(r, NAMES)} from ${ip(r)}` },
        { event: 'quota', line: (r) => `quota exceeded for ${pick(r, NAMES)} on volume ${int(r, 1, 9)}` },
        { event: 'revoked', line: (r) => `auth token revoked for ${pick(r, NAMES)} by policy` },
      ],
      40,
      2,
    );
    const m = mine([...teach, ...later]);
    expectGroupedByEvent(m);
    expect(m.atAdd.get('quota')!.size).toBe(1);
    expect(m.atAdd.get('revoked')!.size).toBe(1);
  });

  test('a host name is a value on the first line of an event that names one', () => {
    const hosts = ['relay.quendor.net', 'ns.vanterpol.com', 'mx-b.ostrava-mail.cz', 'gw.harkley.co.uk'];
    const m = mine(generate([{ event: 'lookup', line: (r) => `resolver gave up on ${pick(r, hosts)} after ${int(r, 2, 9)} tries` }], 12, 3));
    expectGroupedByEvent(m);
    expect([...m.atAdd.get('lookup')!]).toEqual(['resolver gave up on <*> after <*> tries']);
    // with a digit in a label too
    expect(new TemplateMiner().add('resolver gave up on node7b.harkley.net after 3 tries').template).toBe('resolver gave up on <*> after <*> tries');
  });

  test('a negative number closing an angle bracket is a value on first sight', () => {
    const line = (r: Rng): string => `slot granted, budget=<cpu:${int(r, 1, 64)}, credit:${-int(r, 1, 40)}> pending=${int(r, 0, 9)}`;
    const m = mine(generate([{ event: 'granted', line }], 10, 4));
    expectGroupedByEvent(m);
    expect([...m.atAdd.get('granted')!]).toEqual(['slot granted, budget=<cpu:<*>, credit:<*> pending=<*>']);
  });
});

describe('the dictionary after generalisations caused by other lines', () => {
  test('every supersededBy link of an invented system leads to a template in the dictionary', () => {
    // a corroborated pair generalises a group the current line is not in: its
    // target has no line yet and must not be pruned while older entries link to it
    const system = unseenSystem(3, 400);
    const miner = new TemplateMiner();
    for (const line of system.content) miner.add(line);
    const ids = new Set(miner.templates().map((t) => t.id));
    const dangling = miner.templates().filter((t) => t.supersededBy !== undefined && !ids.has(t.supersededBy));
    expect(dangling.map((t) => t.template)).toEqual([]);
  });
});

describe('persistence of what generalisation learned', () => {
  test('elastic templates and learned values survive toJSON -> JSON text -> fromJSON', () => {
    const lines = generate(
      [
        { event: 'replicas', line: (r) => `replicas chosen: ${Array.from({ length: int(r, 1, 4) }, () => pick(r, NAMES)).join(', ')} for shard ${int(r, 1, 64)}` },
        { event: 'quota', line: (r) => `quota exceeded for ${pick(r, NAMES)} on volume ${int(r, 1, 9)}` },
      ],
      30,
    );
    const original = new TemplateMiner();
    for (const { line } of lines.slice(0, 40)) original.add(line);
    const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
    for (const { line } of lines.slice(40)) {
      const a = original.add(line);
      const b = restored.add(line);
      expect(b).toEqual(a);
    }
    expect(restored.toJSON()).toEqual(original.toJSON());
  });

  test('texts a free-text template absorbed (evidence for other frames) survive toJSON -> fromJSON: the restored miner continues like the original', () => {
    // records of Key: value fields of varying length make free-text templates whose absorbed texts decide later merges
    const keys = ['VersionComp', 'BuildComp', 'Name', 'RevisionComp', 'Package'];
    const words = ['alpha', 'beta', 'gamma', 'delta', 'omicron', 'sigma'];
    let diverged = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const rng = prng(seed);
      const lines = Array.from({ length: 200 }, () =>
        Array.from({ length: int(rng, 2, 40) }, () => `${pick(rng, keys)}: ${pick(rng, [pick(rng, words), String(int(rng, 0, 99)), 'EQ', 'LE'])}`).join(', '),
      );
      const original = new TemplateMiner();
      for (const line of lines.slice(0, 100)) original.add(line);
      const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
      for (const line of lines.slice(100)) {
        const a = original.add(line);
        const b = restored.add(line);
        if (a.templateId !== b.templateId) diverged++;
        expect(renderTemplate(b.template, b.args)).toBe(line);
      }
    }
    expect(diverged).toBe(0);
    const snap = JSON.parse(JSON.stringify(new TemplateMiner().toJSON()));
    expect(() => TemplateMiner.fromJSON({ ...snap, freeText: ['1'] })).toThrow(/freeText entry 1/);
  });

  test('the templates a general one held apart for a closed-shaped word survive toJSON -> fromJSON: the restored miner continues like the original', () => {
    // 25 templates of snake_case job and queue names (more than a general template remembers holding apart),
    // then a general template, then names that make snake_case names look like names: the original re-checks
    // only the templates it held apart; a restored miner must not walk the whole bucket instead
    const syllables = ['ka', 'lo', 'mir', 'zu', 'tes', 'pra', 'vin', 'dol', 'sa', 'rek', 'bo', 'gli', 'fa', 'nu', 'tor'];
    let diverged = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const rng = prng(seed);
      const word = (n: number): string => Array.from({ length: n }, () => pick(rng, syllables)).join('');
      const jobs = Array.from({ length: 5 }, () => `${word(2)}_${word(1)}`);
      const queues = Array.from({ length: 5 }, () => `${word(2)}_${word(1)}`);
      const closed = jobs.flatMap((job) => queues.map((queue) => `job ${job} on ${queue} queued`));
      const named = (): string => `job ${word(3)} on ${word(3)} queued`;
      const original = new TemplateMiner();
      for (const line of [...closed, 'job 1 on 2 queued', ...Array.from({ length: 100 }, named)]) original.add(line);
      const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
      for (const line of [...Array.from({ length: 20 }, named), ...closed]) {
        if (original.add(line).templateId !== restored.add(line).templateId) diverged++;
      }
    }
    expect(diverged).toBe(0);
    const one = new TemplateMiner();
    one.add('a b');
    const snap = one.toJSON();
    expect(() => TemplateMiner.fromJSON({ ...snap, clusters: [{ ...snap.clusters[0], heldApart: [1] }] })).toThrow(/heldApart/);
  });

  test('which sibling group a pair of words names (corroboratedPairs) survives toJSON -> fromJSON: the restored miner continues like the original', () => {
    // found by fuzzing (fragments of this session's shapes, shrunk): the original's pair backup/target names a
    // group of the same template and position (no corroboration); found again in a restored miner's order it
    // named one of another, so the restored miner made 'backup' a variable where the original did not
    const before = [
      "\ude91 27/oct/2012 alpha =\"`93.888s  \u0000` `' \udb67 2/oct/2014, alpha, \u3000, 25.996s",
      "\ud9a8",
      "IPv5",
      "IPv2",
      "\u0000, /EXEC, IPv2  55.582s  a39=\"q r\" a36=\"q r\"\u00a0status=153/  \u2028 code=exited",
      "\u0000, /EXEC, IPv2  62.650s  b93=1 a69=1\u00a0status=153/  \u2028 code=exited",
      "\u0000, /EXEC, IPv2  3.239s  a81=1 a57=1\u00a0status=153/  \u2028 code=exited",
      "\u0000, /EXEC, IPv2  65.69s  b17=\"q r\" a71=\"q r\"\u00a0status=153/  \u2028 code=exited",
      "IPv7",
      "IPv7 servers, a83=1 and  fe80::eae 0000:00:00.0",
      "IPv5 target, a75=1 and  fe80::1ece 0000:00:00.0",
      "=\"  \u00a0\u3000  10.0.0.241::1 25/Dec/2003  \u3000 \u3000  family=IPv4",
      "=\"  \u00a0\u3000  10.0.0.131::1 2/Foo/2007:1  \u3000 \u3000  family=IPv4",
      "\u2028  code=exited \udfb9  backup  a66=1\", \u2028  ib1 \u3000= \u2028  fe80::13d6",
      "\u2028  code=exited \udb53  alpha  b35=1\", \u2028  ib1 \u3000= \u2028  fe80::13d6",
      "\u2028  code=exited \udb47  beta  b28=1\", \u2028  ib1 \u3000= \u2028  fe80::13d6",
      "=\"  \u00a0\u3000  10.0.0.239::1 10/Foo/2023:13:55:36.123  \u3000 \u3000  family=IPv6",
      "IPv3",
      "IPv3 lihior_ra, b90=1 and  fe80::89e 0000:00:00.0",
      "=\"  \u00a0\u3000  10.0.0.199::1 10/OCT/1993  \u3000 \u3000  family=IPv6",
      "backup \u3000  =\" IPv2 target",
      "backup \u3000  =\" IPv6 target",
      "\u2028  code=exited \ud804  gamma  b50=x\", \u2028  ib1 \u3000= \u2028  fe80::13d6",
      "target \u3000  =\" IPv7 alpha",
      "target \u3000  =\" IPv7 gamma",
      "backup \u3000  =\" IPv6 backup",
      "backup \u3000  =\" IPv2 backup",
      "\u2028  code=exited \udfb6  and  a65=1\", \u2028  ib1 \u3000= \u2028  fe80::13d6",
      "backup \u3000  =\" IPv2 and",
      "target \u3000  =\" IPv7 and",
      "\ude0c 13/Dec/2028:13:55:36 alpha =\"`93.888s  \u0000` `' \udb67 15/Oct/1996, beta, \u3000, 16.87s",
      "backup \u3000  =\" IPv7 alpha",
    ];
    const after = "backup \u3000  =\" IPv7 beta";
    const original = new TemplateMiner();
    for (const line of before) original.add(line);
    const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
    expect(restored.add(after).template).toBe(original.add(after).template);
    expect(restored.toJSON()).toEqual(original.toJSON());
    expect(() => TemplateMiner.fromJSON({ ...original.toJSON(), pairs: [['a', 1]] })).toThrow(/pairs must list/);
  });

  test('the lines a template inherited from those it generalised (namePairLines counts them) survive toJSON -> fromJSON', () => {
    // each slot's template is a generalisation over node names (it starts with its members' lines); the pair of slot
    // names generalises on a template's namePairLines-th line: restored from its own count, a miner did so later
    const lines = Array.from({ length: 40 }, (_, i) => `replication slot ${['tovandel', 'mirekast'][i % 2]} is inactive on ${NAMES[(i * 3) % 5]}`);
    let diverged = 0;
    for (let at = 1; at < 30; at++) {
      const original = new TemplateMiner();
      for (const line of lines.slice(0, at)) original.add(line);
      const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
      for (const line of lines.slice(at)) if (original.add(line).templateId !== restored.add(line).templateId) diverged++;
    }
    expect(diverged).toBe(0);
    const one = new TemplateMiner();
    one.add('a b');
    expect(() => TemplateMiner.fromJSON({ ...one.toJSON(), clusters: [{ ...one.toJSON().clusters[0], lines: -1 }] })).toThrow(/lines must be/);
  });

  test('a template made from file names keeps its plain-word exception across toJSON -> fromJSON', () => {
    const images = ['bachai.img', 'thouzaix.elf', 'lechu.img', 'pothain.elf'];
    const original = new TemplateMiner();
    for (const image of images) original.add(`boot: loading image ${image}`);
    const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
    expect(restored.add('boot: loading image default').template).toBe('boot: loading image default');
    expect(() => TemplateMiner.fromJSON({ ...original.toJSON(), clusters: [{ ...original.toJSON().clusters[0], structuredAt: [0] }] })).toThrow(/structuredAt/);
  });
});

test('elastic templates count toward maxTemplates', () => {
  const miner = new TemplateMiner({ maxTemplates: 20, distinctValuesToGeneralize: 1000, closedValuesToGeneralize: 1000 });
  let last = 0n;
  for (let k = 0; k < 200; k++) {
    const head = `verb${String.fromCharCode(97 + (k % 26))}${String.fromCharCode(97 + Math.floor(k / 26))}`;
    miner.add(`${head} queue drained (${k} left) at stage one`);
    last = miner.add(`${head} queue drained at stage one`).templateId;
  }
  expect(miner.size).toBeLessThanOrEqual(20);
  // the least recently used go, whatever their kind: the newest template is live
  expect(miner.template(last)!.live).toBe(true);
  expect(miner.template(last)!.template).toBe('verbrh queue drained<*> at stage one');
});
