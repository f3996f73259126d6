/**
 * Held-out invented systems, eighth generation (--synthetic-v8 of
 * bench/template-mining.ts).
 *
 * Why an eighth generator: v1-v7 (unseen-systems*.ts) have all been used or
 * looked at while the miner was tuned. This one was written BLIND: its author
 * did not read the miner (processors/) nor the event shapes of the earlier
 * generators, and never ran the miner on it. It shares only the sample shape
 * (SyntheticSampleV2), the drawing helpers (synthetic-draw.ts) and the
 * ground-truth convention as the held-out judges describe it (issue 15).
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it), each with its own invented event shapes:
 *   ras      supercomputer RAS: location codes, ECC / torus / tree errors,
 *            lane lists, core files, card states, boot images
 *   hpc      HPC cluster: nodes and jobs leading messages, walltimes, node
 *            lists, component states, scheduler verbs, ib0 / ib1 ports
 *   tbird    large cluster syslog: ntp peers, a mail queue and its statuses,
 *            dhcp on eth1, ssh logins, fabric sweeps, nfs servers
 *   cbs      Windows servicing: sessions, package identities, HRESULTs,
 *            paths with spaces, SQM opt-in, reboot marks, exec verbs
 *   syslog   2005-era Linux: pam sessions and failures (empty rhost), sudo,
 *            ftpd peers with dates, xinetd, services starting / stopping
 *   logcat   Android: process starts by kind, wake locks, kills, GC lines,
 *            window focus, screen states, setLightsOn
 *   macos    macOS system log: wake reasons, sandbox denials with spaces in
 *            paths, assertions in quotes, battery states, `<private>`
 *   nova     OpenStack compute / api: request lines per method with query
 *            strings, lifecycle events, claims, resource views, locks
 *   proxy    Proxifier-like client: open through proxy per protocol,
 *            directly, close with byte counts and lifetimes, rule matches
 *   kvstore  Redis / MongoDB server: saves, replication, connections,
 *            slow queries with filter documents, RESP2 / RESP3
 *   yarn     Hadoop YARN / HDFS daemons: container transitions, queues with
 *            values glued to keys, audit lines led by users, blocks
 *   netdev   Cisco-like network device: interface states, ACL hits, routing
 *            adjacencies, logins with dates, logged commands
 * Program, host, user, package and other names are random pronounceable words
 * invented per system; real-world words appear only where programs of that
 * kind print them (ssh2, HTTP/1.1, eth1, en0, u0, ib0, SOCKS5, IPv4, RESP3).
 *
 * Each seed invents one system: one to three families (more while it has fewer
 * than MIN_EVENTS events), about 75% of each family's plain shapes and of its
 * closed sets after the first, one vocabulary pool per kind of entity (shared
 * by every event naming it, made from its own seeded stream so pools do not
 * depend on the order events are built or drawn) of random size: a third of
 * the pools 1..3 values, the others 4..200; values drawn with a skew inside a
 * pool; Zipf event frequencies (exponent 0.7-1.5) over a random ranking of
 * all events; 2,000 lines drawn independently.
 *
 * Ground truth, where the judges' account of their held-out truth speaks
 * (followed literally, as in v6):
 * - a variable in the first position is a variable even without a digit
 *   (node, job, user, queue, program and service names lead messages);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part, an empty vs non-empty field, comma-joined lists of
 *   varying length, query strings, variable-length lists of names;
 * - small value sets are still variables (a few users, two month names, some
 *   weekdays: tiny pools);
 * - punctuation inside a value does not split it: durations as mm:ss,
 *   hh:mm:ss or words (`3 min 12 sec`, `<1 sec`, `2 hours, 5 minutes`) are
 *   one value; a path with a space is one value; a value glued to the next
 *   key with no separator is one value (`usedCapacity=<*>absoluteUsedCapacity=<*>`,
 *   `pid=<*>uid=<*>`);
 * - separate events: closed sets of plain words (lifecycle states, verbs),
 *   digit-bearing constants (eth1, en0, ib0, SOCKS5, RESP3, IPv4, interface
 *   names like GigabitEthernet0/1), a specific event next to a general one
 *   (`loading boot image default` beside `loading boot image <*>`), booleans
 *   a code path prints as constants (`setLightsOn(true)`, `opt-in: False`)
 *   beside booleans printed from data (`mDisplayReady=<*>`);
 * - `[<*>]`, `"<*>"`: brackets / quotes around a value are constant; `ip:port`
 *   is `<*>:<*>`; a unit after a space is constant (`<*> ms`, `<*> MB`);
 *   numbers are variables.
 * Choices where it is silent (the same as v6 where v6 states one):
 * - an optional parenthesised part belongs to the variable it follows
 *   (`connection from <*> at` for `10.1.2.3` and `10.1.2.3 (kelmo)`; a wake
 *   reason `XHC1` or `XHC1 (User)`; `cmp=<*>` with or without ` (has extras)`);
 * - an empty vs non-empty field is ONE template whose variable keeps the key
 *   (or quotes) as constant (`rhost=<*>`, `tag="<*>"`); in the empty case the
 *   variable is the empty string; empty variables occur ONLY right after `=`
 *   or between double quotes; a field that is always empty is constant text
 *   (`logname=`, `pci_stats=[]`);
 * - a constant word or letters glued before a number keep the word (`req-<*>`,
 *   `core.<*>`, `u0a<*>`, `vty<*>`, `Vlan<*>`, `conn<*>`, `container_<*>`,
 *   `#<*>`, `v<*>`); `0x` hex is one variable with its prefix; a unit glued to
 *   a value is inside it (`64172MB`, `0.25s`, `412ms`, `87%`);
 * - a UUID is ONE variable (its dash-separated pieces are not split), as is
 *   a MAC address, a PCI address, a location code (`R07-M1-N12-J03`), a
 *   version (`6.1.7601.23505`), a number with a decimal point, a namespace
 *   `db.collection`, a session `NNN_NNN`, a YARN id after its prefix;
 * - a date written out has its weekday, month, day, time and year as a
 *   variable each (time `hh:mm:ss` or `hh:mm:ss.mmm` one of them); an ISO date
 *   `yyyy-mm-dd` is one variable;
 * - a state or verb in a fixed position that names what happened is a closed
 *   set of events; a state printed as a value (`pending task (<*>)`) is a
 *   variable;
 * - a request line's HTTP method is a constant of its event, the path with
 *   its query string one variable;
 * - `<private>`, `ws=null`, `U=0`, `u0` are constant text.
 *
 * REPORTED_SEEDS_V8 (901-912) were fixed in this file before the generator was
 * ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V8 or other seeds.
 */
import { prng } from '../test/kit/prng';
import { hexDigits, inventSystem, int, pad, pick, pronounceableWord, type FamilyEvents, type Piece, type Render, type Syllables } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V8: readonly number[] = [901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V8: readonly number[] = [7101, 7117, 7203, 7307, 7411];
/** Every family name (`name` of a sample is `v8-<seed>:<family>+<family>…`). */
export const FAMILIES_V8: readonly string[] = ['ras', 'hpc', 'tbird', 'cbs', 'syslog', 'logcat', 'macos', 'nova', 'proxy', 'kvstore', 'yarn', 'netdev'];

/** A system has at least this many events (families are added until it does). */
const MIN_EVENTS = 24;

type Q = () => number;

// ------------------------------------------------------------ pieces of a line

/** Text the program prints as is, inside an interpolation of `line`. */
class Constant {
  constructor(readonly text: string) {}
}
const k = (text: string): Constant => new Constant(text);

/**
 * A line as a tagged template: literal text is constant, every interpolated
 * string or number is ONE variable (whatever spaces or punctuation it holds),
 * except `k(...)` which is constant.
 */
function line(strings: TemplateStringsArray, ...values: Array<string | number | Constant>): Piece[] {
  const pieces: Piece[] = [];
  strings.forEach((s, i) => {
    if (s !== '') pieces.push({ text: s, variable: false });
    if (i === values.length) return;
    const v = values[i];
    pieces.push(v instanceof Constant ? { text: v.text, variable: false } : { text: String(v), variable: true });
  });
  return pieces;
}

// ------------------------------------------------------------ invented words

const SYLLABLES: Syllables = {
  onsets: ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'gl', 'kr', 'pl', 'sk', 'st', 'tr', 'sh', 'ch'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ee'],
  codas: ['', '', '', 'n', 'l', 'r', 'x', 'sk', 'nd', 'th'],
};

/** A pronounceable lowercase word, no digits (2-3 syllables unless told). */
function word(q: Q, syllables = int(q, 2, 3)): string {
  return pronounceableWord(q, SYLLABLES, syllables);
}
const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);
const camel = (q: Q, n: number): string => Array.from({ length: n }, () => cap(word(q, int(q, 1, 2)))).join('');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const ip = (q: Q): string => `${pick(q, ['10', '172', '192'])}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const mac = (q: Q): string => Array.from({ length: 6 }, () => hexDigits(q, 2)).join(':');
const uuid = (q: Q): string => `${hexDigits(q, 8)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 12)}`;
const hex0x = (q: Q, n: number): string => `0x${hexDigits(q, n)}`;
const dec = (q: Q, lo: number, hi: number, places: number): string => (lo + q() * (hi - lo)).toFixed(places);
/** A number with its unit glued on (`64172MB`, `0.25s`, `87%`): one value, unit inside. */
const glued = (n: string | number, unit: string): string => `${n}${unit}`;
const clock = (q: Q): string => `${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
/** n..m items of `item`, joined by `sep` (a list whose length varies: one variable). */
const list = (q: Q, lo: number, hi: number, sep: string, item: (q: Q) => string): string => Array.from({ length: int(q, lo, hi) }, () => item(q)).join(sep);

/** A duration in one of the forms programs print: `<1 sec`, mm:ss, hh:mm:ss or words. */
function duration(q: Q, form: 'lifetime' | 'clock' | 'words'): string {
  if (form === 'lifetime') {
    const r = q();
    if (r < 0.25) return '<1 sec';
    if (r < 0.75) return `${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
    return `${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
  }
  if (form === 'clock') return `${pad(int(q, 0, 99), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
  const r = q();
  if (r < 0.3) return `${int(q, 1, 59)} sec`;
  if (r < 0.7) return `${int(q, 1, 59)} min ${int(q, 0, 59)} sec`;
  return `${int(q, 1, 23)} hours, ${int(q, 0, 59)} minutes`;
}

// ------------------------------------------------------------ vocabulary pools

const hashKind = (s: string): number => [...s].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

/**
 * The vocabulary of one system: per kind of entity one pool, made on first use
 * from its own stream (seed and kind), so it does not depend on the order of
 * use. A third of the pools hold 1..3 values, the others 4..200 (fewer when
 * `make` cannot invent that many distinct ones); draws favour the first values.
 */
class Vocabulary {
  private readonly pools = new Map<string, string[]>();
  constructor(private readonly seed: number) {}

  /** A drawer of values of `kind` (made by `make`). */
  of(kind: string, make: (q: Q) => string): (q: Q) => string {
    return (q) => {
      let pool = this.pools.get(kind);
      if (pool === undefined) {
        const s = prng((this.seed * 7477 + hashKind(kind)) >>> 0);
        const size = s() < 1 / 3 ? int(s, 1, 3) : Math.round(4 * Math.pow(50, s()));
        const values = new Set<string>();
        for (let tries = 0; values.size < size && tries < size * 6; tries++) values.add(make(s));
        pool = [...values];
        this.pools.set(kind, pool);
      }
      return pool[Math.floor(pool.length * Math.pow(q(), 1.8))];
    };
  }
}

/** The drawers every family uses. */
function drawers(v: Vocabulary) {
  return {
    user: v.of('user', (q) => word(q, int(q, 1, 2))),
    host: v.of('host', (q) => word(q)),
    node: v.of('node', (q) => `${word(q, 1)}${pick(q, ['', '-', '_'])}${word(q, 2)}`),
    ip: v.of('ip', ip),
    port: v.of('port', (q) => String(int(q, 1024, 65535))),
    month: v.of('month', (q) => pick(q, MONTHS)),
    weekday: v.of('weekday', (q) => pick(q, WEEKDAYS)),
    year: v.of('year', (q) => String(int(q, 2003, 2006))),
    prog: v.of('prog', (q) => word(q, int(q, 1, 2))),
    pkg: v.of('pkg', (q) => `com.${word(q, 2)}.${word(q, int(q, 1, 2))}`),
    word: v.of('word', (q) => word(q)),
  };
}
type D = ReturnType<typeof drawers>;

// ------------------------------------------------------------ families

/** Supercomputer RAS (BGL-like). */
function ras(v: Vocabulary, d: D): FamilyEvents {
  const loc = v.of('ras.loc', (q) => `R${pad(int(q, 0, 7), 2)}-M${int(q, 0, 1)}-N${pad(int(q, 0, 15), 2)}-J${pad(int(q, 2, 17), 2)}`);
  const dir = v.of('ras.dir', (q) => pick(q, ['x+', 'x-', 'y+', 'y-', 'z+', 'z-']));
  const mount = v.of('ras.mount', (q) => `/p/${word(q)}${pick(q, ['', '/scratch', '/home'])}`);
  const fsname = v.of('ras.fs', (q) => `${word(q, 1)}fs`);
  const fn = v.of('ras.fn', (q) => `${camel(q, 2)}::${word(q, 2)}`);
  const file = v.of('ras.file', (q) => `${word(q)}.cc`);
  const image = v.of('ras.image', (q) => `${word(q)}-${word(q, 1)}`);
  const homedir = v.of('ras.home', (q) => `/home/${word(q, 2)}/${word(q)}`);
  return {
    plain: [
      (q) => line`instruction cache parity error corrected`,
      (q) => line`${int(q, 1, 9999)} double-hummer alignment exceptions`,
      (q) => line`CE sym ${int(q, 0, 35)}, at ${hex0x(q, 8)}, mask ${hex0x(q, 2)}`,
      (q) => line`generating core.${int(q, 1, 9999)}`,
      (q) => line`ciod: failed to read message prefix on control stream (CioStream socket to ${d.ip(q)}:${d.port(q)}`,
      (q) => line`ciod: LOGIN chdir(${homedir(q)}) failed: No such file or directory`,
      (q) => line`data TLB error interrupt`,
      (q) => line`total of ${int(q, 1, 50)} ddr error(s) detected and corrected over ${int(q, 60, 9000)} seconds`,
      (q) => line`ddr: activating redundant bit steering: rank=${int(q, 0, 3)} symbol=${int(q, 0, 35)}`,
      (q) => line`${loc(q)} is not fully functional`,
      (q) => line`machine check interrupt (bit=${hex0x(q, 2)}): L2 dcache unit data parity error`,
      (q) => line`idoproxydb hit ASSERT condition: ASSERT expression=${int(q, 0, 1)} Source file=${file(q)} Source line=${int(q, 10, 2000)} Function=${fn(q)}`,
      (q) => line`Lustre mount FAILED : ${fsname(q)} : point ${mount(q)}`,
      (q) => line`rts: kernel terminated for reason ${int(q, 1001, 1009)}`,
      (q) => line`torus receiver ${dir(q)} input pipe error(s) (dcr ${hex0x(q, 3)}) detected and corrected`,
      (q) => line`MidplaneSwitchController performing bit sparing on ${loc(q)} bit ${int(q, 0, 31)}`,
      (q) => line`${int(q, 1, 40)} tree receiver ${int(q, 0, 2)} in re-synch state event(s) (dcr ${hex0x(q, 3)}) detected`,
      (q) => line`external input interrupt (unit=${hex0x(q, 2)} bit=${hex0x(q, 2)}): tree header with no target waiting`,
      (q) => line`ciodb has been restarted.`,
      (q) => line`job ${int(q, 10000, 99999)} timed out. Block freed.`,
      (q) => line`BglIdoChip table has ${int(q, 2, 9)} IDOs with the same IP address (${d.ip(q)})`,
      (q) => line`NodeCard temperature sensor chip ${hex0x(q, 2)} at ${loc(q)} reads ${dec(q, 30, 80, 1)} C`,
      (q) => line`fan module ${loc(q)} speed ${int(q, 900, 4000)} RPM below threshold`,
      (q) => line`correctable error detected in directory ${int(q, 0, 15)} on lanes ${list(q, 1, 5, ', ', (r) => String(int(r, 0, 31)))}`,
      (q) => line`shutdown complete`,
    ],
    closed: [
      ['ready', 'failed', 'service', 'missing'].map((s): Render => (q) => line`${loc(q)} state change: ${k(s)}`),
      ['L0', 'L1', 'L2'].map((l): Render => (q) => line`link training failed on ${k(l)} of ${loc(q)}`),
      // a specific event beside a general one
      [(q) => line`loading boot image default`, (q) => line`loading boot image ${image(q)}`],
      ['true', 'false'].map((b): Render => (q) => line`ido packet timeout, retry=${k(b)}`),
    ],
  };
}

/** HPC cluster (LANL-like): nodes and jobs lead messages. */
function hpc(v: Vocabulary, d: D): FamilyEvents {
  const comp = v.of('hpc.comp', (q) => `${word(q, 1)}${int(q, 0, 9)}`);
  const job = v.of('hpc.job', (q) => word(q));
  const part = v.of('hpc.part', (q) => word(q, 2));
  const dom = v.of('hpc.dom', (q) => `${word(q, 1)}${pick(q, ['', 'store', 'fs'])}`);
  const ckpt = v.of('hpc.ckpt', (q) => `/scratch/${word(q)}/ckpt`);
  const nodes = (q: Q): string => list(q, 1, 6, ', ', d.node);
  return {
    plain: [
      (q) => line`${d.node(q)} not responding`,
      (q) => line`${d.node(q)} boot completed in ${int(q, 20, 600)} seconds`,
      (q) => line`Job ${int(q, 1000, 99999)} on ${nodes(q)} exceeded walltime ${duration(q, 'clock')}`,
      (q) => line`ServerFileSystem domain ${dom(q)} is full, ${int(q, 0, 5000)} blocks free`,
      (q) => line`temperature (${dec(q, 40, 95, 1)}) exceeds warning threshold on ${d.node(q)}`,
      (q) => line`${d.node(q)} fan${int(q, 0, 7)} speed ${int(q, 1000, 9000)} rpm`,
      (q) => line`scheduler: job ${int(q, 1000, 99999)} queued by ${d.user(q)} for ${part(q)} (${int(q, 1, 512)} nodes)`,
      (q) => line`scheduler: job ${int(q, 1000, 99999)} started on ${nodes(q)}`,
      (q) => line`scheduler: job ${int(q, 1000, 99999)} finished, exit status ${int(q, 0, 255)}, elapsed ${duration(q, 'clock')}`,
      (q) => line`${d.node(q)} heartbeat missed ${int(q, 2, 30)} times`,
      (q) => line`${job(q)} checkpoint written to ${ckpt(q)} (${int(q, 10, 90000)} MB)`,
      (q) => line`${job(q)} exited on signal ${int(q, 1, 15)}`,
      (q) => line`mount of ${dom(q)} on ${d.node(q)} failed: error ${int(q, 1, 120)}`,
      (q) => line`${d.node(q)} clock skew ${glued(dec(q, 0, 9, 3), 's')} from master`,
      (q) => line`PSU ${int(q, 0, 3)} on ${d.node(q)} reports ${dec(q, 11, 13, 2)} V`,
      (q) => line`${comp(q)} console connection lost`,
      (q) => line`Node list for ${job(q)}: ${nodes(q)}`,
      (q) => line`${d.node(q)} memory ${glued(int(q, 4, 512), 'GB')}, ${int(q, 2, 128)} cores registered`,
      (q) => line`${d.user(q)} requested ${int(q, 1, 256)} nodes for ${duration(q, 'clock')} in ${part(q)}`,
      (q) => line`epilog for job ${int(q, 1000, 99999)} took ${int(q, 1, 300)} ms`,
    ],
    closed: [
      ['unavailable', 'available', 'unknown', 'degraded'].map((s): Render => (q) => line`Component State Change: Component "${comp(q)}" is in the ${k(s)} state (HWID=${int(q, 1000, 9999)})`),
      ['drained', 'resumed', 'down', 'idle'].map((s): Render => (q) => line`${d.node(q)} state set to ${k(s)} by ${d.user(q)}`),
      ['held', 'released', 'cancelled', 'requeued'].map((s): Render => (q) => line`job ${int(q, 1000, 99999)} ${k(s)} by ${d.user(q)}`),
      ['ib0', 'ib1'].map((p): Render => (q) => line`${k(p)}: port ${int(q, 1, 36)} link down`),
      [(q) => line`using default partition`, (q) => line`using partition ${part(q)}`],
    ],
  };
}

/** Large cluster syslog (Thunderbird-like). */
function tbird(v: Vocabulary, d: D): FamilyEvents {
  const qid = v.of('tbird.qid', (q) => Array.from({ length: 10 }, () => 'BCDFGHJKLMNPQRSTVWXZ0123456789'[int(q, 0, 29)]).join(''));
  const addr = v.of('tbird.addr', (q) => `${word(q, 2)}@${word(q, 2)}.${pick(q, ['org', 'gov', 'net'])}`);
  const net = v.of('tbird.net', (q) => `${int(q, 10, 10)}.${int(q, 0, 255)}.${int(q, 0, 255)}.0/24`);
  const printer = v.of('tbird.printer', (q) => `${word(q, 1)}${int(q, 1, 9)}`);
  const pci = v.of('tbird.pci', (q) => `0000:${pad(int(q, 0, 9), 2)}:${pad(int(q, 0, 31), 2)}.${int(q, 0, 3)}`);
  const msg = v.of('tbird.msg', (q) => `250 ${int(q, 1, 2)}.0.0 Ok: queued as ${word(q, 2).toUpperCase()}`);
  return {
    plain: [
      (q) => line`time reset ${pick(q, ['+', '-']) + dec(q, 0, 2, 6)} s`,
      (q) => line`${qid(q)}: from=<${addr(q)}>, size=${int(q, 300, 90000)}, nrcpt=${int(q, 1, 5)} (queue active)`,
      (q) => line`${qid(q)}: removed`,
      (q) => line`${qid(q)}: message-id=<${int(q, 1e6, 9e6)}.${qid(q)}@${d.host(q)}>`,
      (q) => line`DHCPREQUEST for ${d.ip(q)} from ${mac(q)} via eth1`,
      (q) => line`DHCPACK on ${d.ip(q)} to ${mac(q)} via eth1`,
      (q) => line`DHCPDISCOVER from ${mac(q)} via eth1: network ${net(q)}: no free leases`,
      (q) => line`Accepted publickey for ${d.user(q)} from ${d.ip(q)} port ${d.port(q)} ssh2`,
      (q) => line`fabric sweep complete: ${int(q, 1, 300)} switches, ${int(q, 10, 9000)} CAs, ${int(q, 10, 9000)} ports in ${glued(dec(q, 0, 9, 2), 's')}`,
      (q) => line`pbs_mom: task ${int(q, 1, 99)} terminated, sid ${int(q, 1000, 32000)}`,
      (q) => line`Out of Memory: Killed process ${int(q, 100, 32000)} (${d.prog(q)}).`,
      (q) => line`ACPI: PCI Interrupt ${pci(q)}[A] -> GSI ${int(q, 16, 48)} (level, low) -> IRQ ${int(q, 16, 255)}`,
      (q) => line`nfs: server ${d.host(q)} not responding, still trying`,
      (q) => line`nfs: server ${d.host(q)} OK`,
      (q) => line`cups: job ${int(q, 1, 999)} queued on ${printer(q)} by ${d.user(q)}`,
      (q) => line`GM: LANai is not running. Allowing port=${int(q, 0, 7)} open for debugging`,
      (q) => line`kernel: ${d.prog(q)}(${int(q, 100, 32000)}): unaligned access to ${hex0x(q, 16)}, ip=${hex0x(q, 16)}`,
      (q) => line`Received disconnect from ${d.ip(q)}: 11: disconnected by user`,
      (q) => line`${d.host(q)} ntpd: no servers reachable`,
      (q) => line`${qid(q)}: to=<${addr(q)}>, relay=${d.host(q)}[${d.ip(q)}]:25, delay=${dec(q, 0, 9, 1)}, status=sent (${msg(q)})`,
    ],
    closed: [
      ['deferred', 'bounced', 'expired'].map((s): Render => (q) => line`${qid(q)}: to=<${addr(q)}>, delay=${dec(q, 0, 9999, 0)}, status=${k(s)}`),
      [(q) => line`synchronized to LOCAL(0), stratum ${int(q, 8, 12)}`, (q) => line`synchronized to ${d.ip(q)}, stratum ${int(q, 1, 4)}`],
      ['eth0', 'eth1', 'eth2'].map((e): Render => (q) => line`e1000: ${k(e)}: e1000_watchdog: NIC Link is Up ${int(q, 1, 10) * 100} Mbps Full Duplex`),
    ],
  };
}

/** Windows servicing (CBS-like). */
function cbs(v: Vocabulary, d: D): FamilyEvents {
  const sess = v.of('cbs.sess', (q) => `${int(q, 30000000, 30999999)}_${int(q, 1000000000, 3999999999)}`);
  const client = v.of('cbs.client', (q) => pick(q, ['WindowsUpdateAgent', 'TrustedInstaller', 'UpdateAgentLCU', `${camel(q, 2)}Agent`]));
  const pkgid = v.of('cbs.pkg', (q) => `Package_${pick(q, ['for_KB', 'for_RollupFix', ''])}${int(q, 2000000, 4999999)}~31bf3856ad364e35~amd64~~${int(q, 6, 10)}.${int(q, 0, 3)}.${int(q, 1, 9)}.${int(q, 0, 9)}`);
  const hr = v.of('cbs.hr', (q) => `0x${pick(q, ['800f', '8007', '8024'])}${hexDigits(q, 4)}`);
  const ver = v.of('cbs.ver', (q) => `6.1.7601.${int(q, 17000, 24999)}`);
  const dir = v.of('cbs.dir', (q) => pick(q, [`C:\\Windows\\WinSxS\\amd64_${word(q)}_${hexDigits(q, 16)}`, `C:\\Program Files\\${cap(word(q))} ${cap(word(q))}`, `C:\\Program Files (x86)\\${cap(word(q))}\\${word(q)}`, `C:\\Windows\\Servicing\\${cap(word(q))} Data`]));
  const sid = v.of('cbs.sid', (q) => `S-1-5-21-${int(q, 1e9, 4e9)}-${int(q, 1e9, 4e9)}-${int(q, 1e9, 4e9)}-${int(q, 1000, 1200)}`);
  const hive = v.of('cbs.hive', (q) => `\\\\?\\C:\\Windows\\System32\\config\\${pick(q, ['COMPONENTS', 'SOFTWARE', 'SYSTEM', cap(word(q)).toUpperCase()])}`);
  return {
    plain: [
      (q) => line`Loaded Servicing Stack v${ver(q)} with Core: ${dir(q)}\\cbscore.dll`,
      (q) => line`Session: ${sess(q)} initialized by client ${client(q)}.`,
      (q) => line`Read out cached package applicability for package: ${pkgid(q)}, ApplicableState: ${int(q, 0, 112)}, CurrentState:${int(q, 0, 112)}`,
      (q) => line`Warning: Unrecognized packageExtended attribute.`,
      (q) => line`Expecting attribute name [HRESULT = ${hr(q)} - CBS_E_MANIFEST_INVALID_ITEM]`,
      (q) => line`SQM: Cleaning up report files older than ${int(q, 2, 30)} days.`,
      (q) => line`SQM: Requesting upload of all unsent reports.`,
      (q) => line`Ending TrustedInstaller initialization.`,
      (q) => line`Starting TrustedInstaller finalization.`,
      (q) => line`Loading user account SID: ${sid(q)}`,
      (q) => line`Exec: Processing complete. Session: ${sess(q)}, Package: ${pkgid(q)}, hr: ${hr(q)}`,
      (q) => line`Plan: Package: ${pkgid(q)}, Applicability: ${int(q, 0, 112)}, CurrentState:${int(q, 0, 112)}, TargetState:${int(q, 0, 112)}`,
      (q) => line`Repr: CBS store check completes`,
      (q) => line`Appl: Evaluating package applicability for package ${pkgid(q)}, applicable state: ${int(q, 0, 112)}`,
      (q) => line`Failed to get session package state for package: ${pkgid(q)} [HRESULT = ${hr(q)}]`,
      (q) => line`Winlogon: Registering for CreateSession notifications`,
      (q) => line`Session ${sess(q)} finished after ${duration(q, 'words')}`,
      (q) => line`Mark store corruption flag because of package: ${pkgid(q)}. [HRESULT = ${hr(q)}]`,
      (q) => line`Startup processing thread terminated normally`,
      (q) => line`Directory ${dir(q)} holds ${int(q, 1, 9000)} files totalling ${int(q, 1, 9000)} MB`,
      (q) => line`Loading offline registry hive: ${hive(q)}, into registry key '{${uuid(q)}}'`,
      (q) => line`Current tick count: ${int(q, 1e5, 9e8)}, last reboot ${int(q, 1, 400)} ticks ago`,
    ],
    closed: [
      ['Installing', 'Staging', 'Resolving', 'Uninstalling'].map((s): Render => (q) => line`Exec: ${k(s)} Package: ${pkgid(q)}`),
      ['False', 'True'].map((b): Render => (q) => line`SQM: Initializing online with Windows opt-in: ${k(b)}`),
      ['set', 'cleared', 'refreshed'].map((s): Render => (q) => line`Reboot mark ${k(s)}`),
      ['CBS_E_INVALID_PACKAGE', 'ERROR_FILE_NOT_FOUND', 'CBS_E_UNKNOWN_UPDATE'].map((e): Render => (q) => line`Failed to internally open package. [HRESULT = ${hr(q)} - ${k(e)}]`),
    ],
  };
}

/** 2005-era Linux syslog: pam, sshd, ftpd, su, sudo, xinetd, kernel, crond. */
function syslog(v: Vocabulary, d: D): FamilyEvents {
  const tty = v.of('syslog.tty', (q) => pick(q, ['NODEVssh', `pts/${int(q, 0, 9)}`, `tty${int(q, 1, 6)}`]));
  const svc = v.of('syslog.svc', (q) => word(q, int(q, 1, 2)));
  const cmd = v.of('syslog.cmd', (q) => `/usr/${pick(q, ['bin', 'sbin'])}/${word(q, 2)}${pick(q, ['', ` -${word(q, 1)}`, ` /etc/${word(q)}.conf`, ` ${word(q)} ${word(q, 1)}`])}`);
  const cwd = v.of('syslog.cwd', (q) => pick(q, [`/home/${word(q, 2)}`, `/var/${word(q)}`, `/home/${word(q, 2)}/My ${cap(word(q))}`]));
  const peer = v.of('syslog.peer', (q) => (q() < 0.5 ? ip(q) : `${ip(q)} (${word(q)}.${pick(q, ['com', 'net', 'edu'])})`));
  const rhost = v.of('syslog.rhost', (q) => (q() < 0.35 ? '' : pick(q, [ip(q), `${word(q)}.${word(q, 1)}.net`])));
  const ver = v.of('syslog.ver', (q) => `${int(q, 1, 2)}.${int(q, 0, 9)}.${int(q, 0, 19)}`);
  const mail = v.of('syslog.anon', (q) => `${word(q, 1)}@${word(q, 2)}.com`);
  const date = (q: Q): string[] => [d.weekday(q), d.month(q), String(int(q, 1, 28)), clock(q), d.year(q)];
  return {
    plain: [
      (q) => line`session opened for user ${d.user(q)} by ${pick(q, ['LOGIN', d.user(q)])}(uid=${int(q, 0, 600)})`,
      (q) => line`audit: type=${int(q, 1100, 1400)} pid=${int(q, 100, 32000)}uid=${int(q, 0, 600)} auid=${int(q, 0, 600)} msg='${pick(q, ['PAM authentication', 'PAM accounting', 'user login'])}: acct=${d.user(q)}'`,
      (q) => line`session closed for user ${d.user(q)}`,
      (q) => line`authentication failure; logname= uid=${int(q, 0, 600)} euid=${int(q, 0, 600)} tty=${tty(q)} ruser= rhost=${rhost(q)}  user=${d.user(q)}`,
      (q) => line`check pass; user unknown`,
      (q) => {
        const [wd, mon, day, time, y] = date(q);
        return line`connection from ${peer(q)} at ${wd} ${mon} ${day} ${time} ${y}`;
      },
      (q) => line`ANONYMOUS FTP LOGIN FROM ${d.ip(q)}, ${mail(q)}`,
      (q) => line`${d.user(q)} : TTY=${tty(q)} ; PWD=${cwd(q)} ; USER=${d.user(q)} ; COMMAND=${cmd(q)}`,
      (q) => line`Failed password for ${d.user(q)} from ${d.ip(q)} port ${d.port(q)} ssh2`,
      (q) => line`Failed password for illegal user ${d.user(q)} from ${d.ip(q)} port ${d.port(q)} ssh2`,
      (q) => line`Did not receive identification string from ${d.ip(q)}`,
      (q) => line`(${d.user(q)}) CMD (${cmd(q)})`,
      (q) => line`xinetd Version ${ver(q)} started with libwrap loadavg options compiled in.`,
      (q) => line`EXIT: ${svc(q)} status=${int(q, 0, 1)} pid=${int(q, 100, 32000)} duration=${int(q, 0, 900)}(sec)`,
      (q) => line`START: ${svc(q)} pid=${int(q, 100, 32000)} from=${d.ip(q)}`,
      (q) => line`Memory: ${glued(int(q, 100000, 999999), 'k')}/${glued(int(q, 100000, 999999), 'k')} available (${glued(int(q, 1000, 2999), 'k')} kernel code, ${glued(int(q, 1000, 99999), 'k')} reserved)`,
      (q) => line`audit(${dec(q, 1.1e9, 1.2e9, 3)}:${int(q, 1, 9)}): initialized`,
      (q) => line`userhelper: running '${cmd(q)}' with root privileges on behalf of '${d.user(q)}'`,
      (q) => line`lost connection after ${int(q, 1, 600)} seconds from ${d.ip(q)}`,
      (q) => line`su: pam_unix: authentication failure for ${d.user(q)} on ${tty(q)}`,
      (q) => line`Kernel command line: ro root=LABEL=/ rhgb quiet`,
    ],
    closed: [
      ['startup', 'shutdown'].map((s): Render => (q) => line`${svc(q)} ${k(s)} succeeded`),
      [(q) => line`FAILED LOGIN ${int(q, 1, 3)} FROM (null) FOR ${d.user(q)}, Authentication failure`, (q) => line`FAILED LOGIN ${int(q, 1, 3)} FROM (${d.host(q)}) FOR ${d.user(q)}, Authentication failure`],
    ],
  };
}

/** Android logcat. */
function logcat(v: Vocabulary, d: D): FamilyEvents {
  const proc = d.pkg;
  const comp = v.of('logcat.comp', (q) => `${d.pkg(q)}/.${camel(q, 2)}${pick(q, ['Activity', 'Service', ''])}`);
  const tag = v.of('logcat.tag', (q) => (q() < 0.3 ? '' : pick(q, [`*job*/${word(q)}`, `${cap(word(q))}Lock`, `*alarm*`, `${word(q)}:${word(q, 1)}`])));
  const reason = v.of('logcat.reason', (q) => pick(q, [`empty #${int(q, 1, 40)}`, 'remove task', `cached #${int(q, 1, 40)}`, 'stop user', 'depends on provider']));
  const act = v.of('logcat.act', (q) => `${d.pkg(q)}.${word(q).toUpperCase()}`);
  const cmp = v.of('logcat.cmp', (q) => `${d.pkg(q)}/.${camel(q, 2)}${q() < 0.4 ? ' (has extras)' : ''}`);
  const frames = (q: Q): string => list(q, 1, 4, ' ', (r) => `com.android.server.wm.${camel(r, 2)}.${word(r, 2)}:${int(r, 10, 3000)}`);
  const size = (q: Q): string => `${int(q, 1, 999)}${pick(q, ['KB', 'MB'])}`;
  const ms = (q: Q): string => (q() < 0.5 ? `${int(q, 10, 999)}us` : glued(dec(q, 0, 90, 3), 'ms'));
  return {
    plain: [
      (q) => line`Displayed ${comp(q)}: +${q() < 0.7 ? glued(int(q, 80, 999), 'ms') : `${int(q, 1, 5)}s${int(q, 0, 999)}ms`}`,
      (q) => line`acquire lock=${int(q, 1e7, 3e8)}, flags=${hex0x(q, 1)}, tag="${tag(q)}", name=${proc(q)}, ws=null, uid=${int(q, 1000, 10200)}, pid=${int(q, 100, 32000)}`,
      (q) => line`release:lock=${int(q, 1e7, 3e8)}, flg=${hex0x(q, 1)}, tag="${tag(q)}", name=${proc(q)}, ws=null, uid=${int(q, 1000, 10200)}, pid=${int(q, 100, 32000)}`,
      (q) => line`Killing ${int(q, 100, 32000)}:${proc(q)}/u0a${int(q, 10, 300)} (adj ${int(q, 0, 906)}): ${reason(q)}`,
      (q) => line`Skipped ${int(q, 30, 600)} frames!  The application may be doing too much work on its main thread.`,
      (q) => line`Relayout returned: old=[${int(q, 0, 1080)},${int(q, 0, 1920)}][${int(q, 0, 1080)},${int(q, 0, 1920)}] new=[${int(q, 0, 1080)},${int(q, 0, 1920)}][${int(q, 0, 1080)},${int(q, 0, 1920)}]`,
      (q) => line`Background concurrent copying GC freed ${int(q, 1000, 90000)}(${size(q)}) AllocSpace objects, ${int(q, 0, 90)}(${size(q)}) LOS objects, ${glued(int(q, 10, 90), '%')} free, ${size(q)}/${size(q)}, paused ${ms(q)} total ${ms(q)}`,
      (q) => line`Unable to start service Intent { act=${act(q)} cmp=${cmp(q)} } U=0: not found`,
      (q) => line`Force stopping ${proc(q)} appid=${int(q, 10000, 10300)} user=${int(q, 0, 10)}: from pid ${int(q, 100, 32000)}`,
      (q) => line`Destroying surface Surface(name=${comp(q)}) called by ${frames(q)}`,
      (q) => line`Changing focus from Window{${hexDigits(q, 7)} u0 ${comp(q)}} to Window{${hexDigits(q, 7)} u0 ${comp(q)}} displayId=${int(q, 0, 2)}`,
      (q) => line`Battery level ${glued(int(q, 1, 100), '%')}, voltage ${int(q, 3400, 4400)} mV, temperature ${glued(dec(q, 20, 45, 1), 'C')}`,
      (q) => line`getRunningAppProcesses: caller ${int(q, 10000, 10300)} does not hold REAL_GET_TASKS; limiting output`,
      (q) => line`updateDisplayPowerStateLocked: mDisplayReady=${pick(q, ['true', 'false'])}, brightness=${int(q, 0, 255)}`,
      (q) => line`Input channel destroyed: '${hexDigits(q, 7)} ${comp(q)} (server)'`,
      (q) => line`Process ${proc(q)} (pid ${int(q, 100, 32000)}) has died: ${pick(q, ['fore', 'vis', 'prcp', 'cch', 'svc'])} ${pick(q, ['TOP', 'SVC', 'CEM', 'BFGS'])}`,
      (q) => line`Posting notification key=0|${proc(q)}|${int(q, 1, 999)}|null|${int(q, 10000, 10300)} channel=${word(q)}`,
      (q) => line`Access denied finding property "${`${word(q)}.${word(q)}.${word(q, 1)}`}"`,
      (q) => line`Timeline: Activity_launch_request time:${int(q, 1e6, 9e8)}`,
    ],
    closed: [
      ['activity', 'service', 'broadcast', 'content provider'].map((s): Render => (q) => line`Start proc ${int(q, 100, 32000)}:${proc(q)}/u0a${int(q, 10, 300)} for ${k(s)} ${comp(q)}`),
      ['true', 'false'].map((b): Render => (q) => line`setLightsOn(${k(b)})`),
      ['SCREEN_ON', 'SCREEN_OFF', 'DOZE'].map((s): Render => (q) => line`Display power state: ${k(s)}`),
    ],
  };
}

/** macOS system log. */
function macos(v: Vocabulary, d: D): FamilyEvents {
  const reason = v.of('macos.reason', (q) => pick(q, ['XHC1', 'RTC', 'EC.LidOpen', 'ARPT', `${word(q, 1).toUpperCase()}${int(q, 0, 3)}`]) + pick(q, ['', ' (User)', ' (Alarm)', ' (Maintenance)']));
  const assertion = v.of('macos.assert', (q) => (q() < 0.25 ? '' : pick(q, [`com.apple.${word(q)}`, `${cap(word(q))} ${word(q)}`, `${word(q)}-${int(q, 1, 99)}`])));
  const bundle = v.of('macos.bundle', (q) => `com.${word(q, 2)}.${cap(word(q))}`);
  const spath = v.of('macos.path', (q) => pick(q, [`/Users/${word(q, 2)}/Library/Application Support/${cap(word(q))}`, `/Users/${word(q, 2)}/Library/Caches/${word(q)}.db`, `/private/var/folders/${hexDigits(q, 2)}/${word(q)}`, `/Volumes/${cap(word(q))} ${cap(word(q))}/${word(q)}`]));
  const errdom = v.of('macos.dom', (q) => pick(q, ['NSPOSIXErrorDomain', 'kAFAssistantErrorDomain', `com.apple.${word(q)}`]));
  const errmsg = v.of('macos.msg', (q) => `${cap(word(q))} ${pick(q, ['failed', 'was interrupted', 'timed out'])}`);
  return {
    plain: [
      (q) => line`AppleThunderboltNHIType2::prePCIWake - power up complete - took ${int(q, 1, 9999)} us`,
      (q) => line`ARPT: ${dec(q, 1000, 99999, 6)}: wl0: setup_keepalive: Local IP: ${d.ip(q)}`,
      (q) => line`Wake reason: ${reason(q)}`,
      (q) => line`PM response took ${int(q, 100, 9999)} ms (${int(q, 40, 999)}, ${d.prog(q)})`,
      (q) => line`Sleep assertion "${assertion(q)}" created by ${d.prog(q)} pid ${int(q, 50, 9999)}`,
      (q) => line`SecTrustEvaluateIfNecessary: evaluation took ${dec(q, 0, 3, 6)} sec`,
      (q) => line`_process_app_did_launch: ${bundle(q)} (pid ${int(q, 50, 9999)})`,
      (q) => line`configd: network configuration changed.`,
      (q) => line`setting hostname to "${d.host(q)}.local"`,
      (q) => line`CGSConnectionByID: ${int(q, 1000, 999999)} is not a valid connection ID.`,
      (q) => line`Previous shutdown cause: ${pick(q, ['5', '3', '-128', '-60', '0'])}`,
      (q) => line`Sandbox: ${d.prog(q)}(${int(q, 50, 9999)}) deny(1) file-read-data ${spath(q)}`,
      (q) => line`Time since wake: ${duration(q, 'words')}`,
      (q) => line`WindowServer: _CGXPackagesSetWindowConstraints: Invalid window ${int(q, 1, 9999)}`,
      (q) => line`Error Domain=${errdom(q)} Code=${int(q, 1, 9999)} "${errmsg(q)}"`,
      (q) => line`AppleCamIn::systemWakeCall - messageType = ${hex0x(q, 8)}`,
      (q) => line`Failed to retrieve <private> for ${bundle(q)}`,
      (q) => line`IOThunderboltSwitch<${hex0x(q, 12)}>(${hex0x(q, 1)})::listenerCallback - Thunderbolt HPD packet for route = ${hex0x(q, 1)} port = ${int(q, 0, 12)} unplug = ${int(q, 0, 1)}`,
      (q) => line`hibernate image path: ${spath(q)}`,
      (q) => line`<private> ${bundle(q)} launched in ${glued(int(q, 10, 9000), 'ms')}`,
    ],
    closed: [
      ['charging', 'discharging', 'fully charged'].map((s): Render => (q) => line`IOPMPowerSource: battery is ${k(s)}, ${glued(int(q, 1, 100), '%')}`),
      ['connected', 'disconnected'].map((s): Render => (q) => line`Bluetooth: device <private> ${k(s)}`),
      ['en0', 'en1'].map((e): Render => (q) => line`network changed: v4(${k(e)}:${d.ip(q)}) DNS+ Proxy+ SMB`),
      ['started', 'stopped'].map((s): Render => (q) => line`AirDrop: browsing ${k(s)} for ${bundle(q)}`),
    ],
  };
}

/** OpenStack nova compute / api. */
function nova(v: Vocabulary, d: D): FamilyEvents {
  const inst = v.of('nova.inst', uuid);
  const tenant = v.of('nova.tenant', (q) => hexDigits(q, 32));
  const apiPath = (q: Q): string => {
    const base = `/v2/${tenant(q)}/servers${pick(q, ['', '/detail', `/${inst(q)}`, `/${inst(q)}/action`])}`;
    if (q() < 0.5) return base;
    return `${base}?${list(q, 1, 3, '&', (r) => `${pick(r, ['changes-since', 'limit', 'marker', 'status', 'name'])}=${pick(r, [String(int(r, 1, 500)), word(r), `${d.year(r)}-${pad(int(r, 1, 12), 2)}-${pad(int(r, 1, 28), 2)}T${clock(r)}`])}`)}`;
  };
  const req = (q: Q): Piece[] => line`[req-${uuid(q)} ${hexDigits(q, 32)} ${tenant(q)} - - -] `;
  const base = v.of('nova.base', (q) => `/var/lib/nova/instances/_base/${hexDigits(q, 40)}`);
  const task = v.of('nova.task', (q) => pick(q, ['spawning', 'deleting', 'rebooting', 'image_uploading', word(q)]));
  const lock = v.of('nova.lock', (q) => pick(q, ['compute_resources', `${word(q)}-events`, inst(q)]));
  const fn = v.of('nova.fn', (q) => `_${word(q)}_${word(q, 1)}`);
  const instLine = (rest: (q: Q) => Piece[]): Render => (q) => [...line`[instance: ${inst(q)}] `, ...rest(q)];
  return {
    plain: [
      instLine((q) => line`Took ${dec(q, 0, 60, 2)} seconds to spawn the instance on the hypervisor.`),
      instLine((q) => line`Took ${dec(q, 0, 60, 2)} seconds to build instance.`),
      instLine((q) => line`Claim successful`),
      instLine((q) => line`Attempting claim: memory ${int(q, 1, 64) * 512} MB, disk ${int(q, 1, 200)} GB, vcpus ${int(q, 1, 32)} CPU`),
      instLine((q) => line`Total memory: ${int(q, 8000, 256000)} MB, used: ${dec(q, 0, 9000, 2)} MB`),
      instLine((q) => line`memory limit: ${dec(q, 8000, 256000, 2)} MB, free: ${dec(q, 0, 256000, 2)} MB`),
      instLine((q) => line`Terminating instance`),
      instLine((q) => line`During sync_power_state the instance has a pending task (${task(q)}). Skip.`),
      (q) => line`Image ${hexDigits(q, 40)} at (${base(q)}): checking`,
      (q) => line`Active base files: ${list(q, 1, 3, ' ', base)}`,
      (q) => line`Removable base files: ${list(q, 1, 3, ' ', base)}`,
      (q) => line`Compute_service record updated for ${d.host(q)}:${d.host(q)}`,
      (q) => line`Auditing locally available compute resources for node ${d.host(q)}`,
      (q) => line`Final resource view: name=${d.host(q)} phys_ram=${glued(int(q, 8000, 256000), 'MB')} used_ram=${glued(int(q, 512, 256000), 'MB')} phys_disk=${glued(int(q, 10, 900), 'GB')} used_disk=${glued(int(q, 0, 900), 'GB')} total_vcpus=${int(q, 4, 64)} used_vcpus=${int(q, 0, 64)} pci_stats=[]`,
      (q) => line`While synchronizing instance power states, found ${int(q, 0, 40)} instances in the database and ${int(q, 0, 40)} instances on the hypervisor.`,
      (q) => [...req(q), ...line`HTTP exception thrown: Instance ${inst(q)} could not be found.`],
      (q) => line`Unknown base file: ${base(q)}`,
      (q) => line`Lock "${lock(q)}" acquired by "${fn(q)}" :: waited ${glued(dec(q, 0, 3, 3), 's')}`,
      (q) => line`Lock "${lock(q)}" released by "${fn(q)}" :: held ${glued(dec(q, 0, 3, 3), 's')}`,
      (q) => line`Deleting instance files ${`/var/lib/nova/instances/${inst(q)}_del`}`,
    ],
    closed: [
      ['GET', 'POST', 'DELETE'].map((m): Render => (q) => [...req(q), ...line`${d.ip(q)} "${k(m)} ${apiPath(q)} HTTP/1.1" status: ${pick(q, ['200', '202', '204', '404'])} len: ${int(q, 200, 9000)} time: ${dec(q, 0, 3, 7)}`]),
      ['Started', 'Stopped', 'Paused', 'Resumed'].map((s): Render => instLine((q) => line`VM ${k(s)} (Lifecycle Event)`)),
      ['spawned', 'rebooted', 'destroyed'].map((s): Render => instLine((q) => line`Instance ${k(s)} successfully.`)),
    ],
  };
}

/** Proxifier-like proxy client. */
function proxy(v: Vocabulary, d: D): FamilyEvents {
  const proc = v.of('proxy.proc', (q) => pick(q, [`${word(q)}.exe`, `${word(q)}.exe *64`, `${cap(word(q))} ${cap(word(q))}.exe`, `${word(q, 1)}${int(q, 2, 9)}.exe`]));
  const target = v.of('proxy.target', (q) => pick(q, [`${word(q)}.${word(q, 1)}.com`, `${pick(q, ['www', 'api', 'cdn'])}.${word(q)}.net`, ip(q)]));
  const tport = v.of('proxy.tport', (q) => pick(q, ['443', '80', '5228', String(int(q, 1024, 65535))]));
  const phost = v.of('proxy.phost', (q) => `proxy.${word(q)}.${pick(q, ['com', 'org'])}`);
  const pport = v.of('proxy.pport', (q) => pick(q, ['8080', '3128', '1080', String(int(q, 1024, 9999))]));
  const rule = v.of('proxy.rule', (q) => `${cap(word(q))}${pick(q, ['', ` ${cap(word(q))}`])}`);
  const profile = v.of('proxy.profile', (q) => `C:\\Users\\${word(q, 2)}\\AppData\\Roaming\\Proxifier\\Profiles\\${cap(word(q))} Profile.ppx`);
  const logfile = v.of('proxy.log', (q) => `C:\\Users\\${word(q, 2)}\\Documents\\Proxifier Logs\\${word(q)}.log`);
  const head = (q: Q): Piece[] => line`${proc(q)} - ${target(q)}:${tport(q)} `;
  return {
    plain: [
      (q) => [...head(q), ...line`close, ${int(q, 0, 99999)} bytes sent, ${int(q, 0, 999999)} bytes received, lifetime ${duration(q, 'lifetime')}`],
      (q) => [...head(q), ...line`error : Could not connect to proxy ${phost(q)}:${pport(q)} - connection attempt failed with error ${int(q, 10000, 11999)}`],
      (q) => [...head(q), ...line`error : A connection request was canceled before the completion.`],
      (q) => [...head(q), ...line`open directly`],
      (q) => line`Welcome to Proxifier v${dec(q, 2, 4, 2)}`,
      (q) => line`Loading profile ${profile(q)}`,
      (q) => line`Traffic summary: sent ${dec(q, 0, 999, 1)} MB, received ${dec(q, 0, 9999, 1)} MB, ${int(q, 1, 9999)} connections`,
      (q) => line`Connection to proxy ${phost(q)}:${pport(q)} timed out after ${int(q, 5, 120)} sec`,
      (q) => line`Name ${target(q)} cannot be resolved: error ${int(q, 11000, 11999)}`,
      (q) => line`Rule ${rule(q)} disabled`,
      (q) => line`Profile saved`,
      (q) => line`${proc(q)} - DNS request for ${target(q)} answered from cache`,
      (q) => line`Proxy ${phost(q)}:${pport(q)} check passed in ${int(q, 1, 900)} ms`,
      (q) => [...head(q), ...line`error : Connection reset by peer`],
      (q) => [...head(q), ...line`proxy ${phost(q)}:${pport(q)} requires authentication`],
      (q) => line`Log file ${logfile(q)} rotated, ${int(q, 10, 99999)} entries kept`,
      (q) => line`Network change detected, reconnecting ${int(q, 1, 400)} sessions`,
      (q) => line`Update check: current version ${dec(q, 2, 4, 2)}, latest ${dec(q, 3, 5, 2)}`,
    ],
    closed: [
      ['HTTPS', 'SOCKS5', 'SOCKS4'].map((p): Render => (q) => [...head(q), ...line`open through proxy ${phost(q)}:${pport(q)} ${k(p)}`]),
      [(q) => [...head(q), ...line`matching Default rule`], (q) => [...head(q), ...line`matching ${rule(q)} rule`]],
      ['through proxy', 'locally'].map((w): Render => (q) => line`DNS name ${target(q)} resolved ${k(w)}`),
    ],
  };
}

/** Redis / MongoDB server. */
function kvstore(v: Vocabulary, d: D): FamilyEvents {
  const ns = v.of('kv.ns', (q) => `${word(q, 2)}.${word(q)}`);
  const coll = v.of('kv.coll', (q) => word(q));
  const field = v.of('kv.field', (q) => word(q, int(q, 1, 2)));
  const idx = v.of('kv.idx', (q) => `${word(q, 1)}_1`);
  const ver = v.of('kv.ver', (q) => `${int(q, 2, 6)}.${int(q, 0, 9)}.${int(q, 0, 19)}`);
  const filter = (q: Q): string => (q() < 0.2 ? '{}' : `{ ${list(q, 1, 3, ', ', (r) => `${field(r)}: ${pick(r, [String(int(r, 0, 9999)), `"${word(r)}"`, `{ $gt: ${int(r, 0, 99)} }`])}`)} }`);
  const durationMs = (q: Q): string => glued(int(q, 100, 99999), 'ms');
  return {
    plain: [
      (q) => line`Background saving started by pid ${int(q, 100, 32000)}`,
      (q) => line`DB saved on disk`,
      (q) => line`${int(q, 1, 10000)} changes in ${int(q, 1, 900)} seconds. Saving...`,
      (q) => line`RDB: ${int(q, 0, 900)} MB of memory used by copy-on-write`,
      (q) => line`Background saving terminated with success`,
      (q) => line`Server started, Redis version ${ver(q)}`,
      (q) => line`The server is now ready to accept connections on port ${d.port(q)}`,
      (q) => line`Slave ${d.ip(q)}:${d.port(q)} asks for synchronization`,
      (q) => line`Full resync requested by slave ${d.ip(q)}:${d.port(q)}`,
      (q) => line`Synchronization with slave ${d.ip(q)}:${d.port(q)} succeeded`,
      (q) => line`MASTER <-> SLAVE sync: receiving ${int(q, 100, 9e6)} bytes from master`,
      (q) => line`Connecting to MASTER ${d.ip(q)}:${d.port(q)}`,
      (q) => line`connection accepted from ${d.ip(q)}:${d.port(q)} #${int(q, 1, 99999)} (${int(q, 1, 900)} connections now open)`,
      (q) => line`end connection ${d.ip(q)}:${d.port(q)} (${int(q, 1, 900)} connections now open)`,
      (q) => line`[conn${int(q, 1, 99999)}] command ${ns(q)} command: find { find: "${coll(q)}", filter: ${filter(q)} } planSummary: ${pick(q, ['COLLSCAN', 'IXSCAN { _id: 1 }'])} keysExamined:${int(q, 0, 9999)} docsExamined:${int(q, 0, 99999)} ${durationMs(q)}`,
      (q) => line`[conn${int(q, 1, 99999)}] build index on: ${ns(q)} properties: { v: 2, key: { ${field(q)}: 1 }, name: "${idx(q)}" }`,
      (q) => line`[conn${int(q, 1, 99999)}] received client metadata from ${d.ip(q)}:${d.port(q)} conn${int(q, 1, 99999)}: { driver: { name: "${word(q)}", version: "${ver(q)}" } }`,
      (q) => line`${coll(q)} collection dropped by ${d.user(q)}`,
      (q) => line`${ns(q)} index build: ${int(q, 0, 999999)} documents in ${duration(q, 'words')}`,
      (q) => line`Client id=${int(q, 1, 99999)} addr=${d.ip(q)}:${d.port(q)} laddr=${d.ip(q)}:${d.port(q)} fd=${int(q, 5, 900)} name=${q() < 0.4 ? '' : word(q)} age=${int(q, 0, 9999)} idle=${int(q, 0, 999)} closed for overcoming of output buffer limits.`,
      (q) => line`Accepted ${d.ip(q)}:${d.port(q)}`,
      (q) => line`WARNING overcommit_memory is set to 0! Background save may fail under low memory condition.`,
      (q) => line`AOF rewrite: ${int(q, 0, 900)} MB of memory used by copy-on-write`,
      (q) => line`Slow query on ${ns(q)}: ${filter(q)} took ${durationMs(q)}`,
    ],
    closed: [
      ['RESP2', 'RESP3'].map((p): Render => (q) => line`client ${int(q, 1, 99999)} switched to ${k(p)}`),
      ['Flushing old data', 'Loading DB in memory', 'Finished with success'].map((s): Render => (q) => line`MASTER <-> SLAVE sync: ${k(s)}`),
      ['yes', 'no'].map((b): Render => (q) => line`replica-read-only is ${k(b)}`),
      [(q) => line`Using default storage engine`, (q) => line`Using storage engine ${field(q)}`],
    ],
  };
}

/** Hadoop YARN / HDFS daemons. */
function yarn(v: Vocabulary, d: D): FamilyEvents {
  const ts = v.of('yarn.ts', (q) => String(int(q, 1445000000000, 1449999999999)));
  const appId = (q: Q): string => `${ts(q)}_${pad(int(q, 1, 99), 4)}`;
  const containerId = (q: Q): string => `${appId(q)}_${pad(int(q, 1, 3), 2)}_${pad(int(q, 1, 40), 6)}`;
  const queue = v.of('yarn.queue', (q) => word(q, int(q, 1, 2)));
  const res = (q: Q): string => `<memory:${int(q, 1, 64) * 1024}, vCores:${int(q, 1, 32)}>`;
  const bp = v.of('yarn.bp', (q) => `BP-${int(q, 1e8, 2e9)}-${ip(q)}-${int(q, 1.4e12, 1.5e12)}`);
  const local = v.of('yarn.dir', (q) => `/tmp/hadoop-${word(q, 2)}/nm-local-dir/usercache/${word(q, 2)}/appcache`);
  return {
    plain: [
      (q) => line`Assigned container container_${containerId(q)} of capacity ${res(q)} on host ${d.host(q)}:${d.port(q)}, which has ${int(q, 1, 40)} containers, ${res(q)} used and ${res(q)} available after allocation`,
      (q) => line`Application application_${appId(q)} failed ${int(q, 1, 4)} times due to AM Container for appattempt_${appId(q)}_${pad(int(q, 1, 4), 6)} exited with exitCode: ${pick(q, ['1', '-1000', '143', '-104'])}`,
      (q) => line`${queue(q)} queue: capacity=${dec(q, 0, 1, 1)}, absoluteCapacity=${dec(q, 0, 1, 1)}, usedResources=<memory:${int(q, 0, 99) * 1024}, vCores:${int(q, 0, 99)}>usedCapacity=${dec(q, 0, 1, 7)}absoluteUsedCapacity=${dec(q, 0, 1, 7)}, numApps=${int(q, 0, 40)}, numContainers=${int(q, 0, 400)}`,
      (q) => line`Receiving block ${bp(q)}:blk_${int(q, 1073741825, 1073999999)}_${int(q, 1001, 9999)} src: /${d.ip(q)}:${d.port(q)} dest: /${d.ip(q)}:${d.port(q)}`,
      (q) => line`Starting Socket Reader #${int(q, 1, 9)} for port ${d.port(q)}`,
      (q) => line`Address change detected. Old: ${d.host(q)}/${d.ip(q)}:${d.port(q)} New: ${d.host(q)}/${d.ip(q)}:${d.port(q)}`,
      (q) => line`Retrying connect to server: ${d.host(q)}/${d.ip(q)}:${d.port(q)}. Already tried ${int(q, 0, 9)} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=${int(q, 10, 50)}, sleepTime=${int(q, 1, 10) * 1000} MILLISECONDS)`,
      (q) => line`Num completed Tasks: ${int(q, 0, 999)}`,
      (q) => line`Progress of TaskAttempt attempt_${appId(q)}_m_${pad(int(q, 0, 99), 6)}_${int(q, 0, 3)} is : ${dec(q, 0, 1, 8)}`,
      (q) => line`${d.user(q)} IP=${d.ip(q)} OPERATION=Start Container Request TARGET=ContainerManageImpl RESULT=SUCCESS APPID=application_${appId(q)} CONTAINERID=container_${containerId(q)}`,
      (q) => line`Registered with ResourceManager as ${d.host(q)}:${d.port(q)} with total resource of ${res(q)}`,
      (q) => line`Memory usage of ProcessTree ${int(q, 1000, 32000)} for container-id container_${containerId(q)}: ${dec(q, 0, 999, 1)} MB of ${int(q, 1, 8)} GB physical memory used; ${dec(q, 0, 9, 1)} GB of ${dec(q, 1, 20, 1)} GB virtual memory used`,
      (q) => line`Deleting absolute path : ${local(q)}/application_${appId(q)}`,
      (q) => line`Exception from container-launch with container ID: container_${containerId(q)} and exit code: ${int(q, 1, 143)}`,
      (q) => line`Scheduled snapshot period at ${int(q, 1, 60)} second(s).`,
      (q) => line`Localizer CWD set to ${local(q)} = file:${local(q)}`,
      (q) => line`Added global filter '${word(q)}' (class=org.apache.hadoop.http.lib.${camel(q, 2)}Filter)`,
      (q) => line`Stopping NodeManager metrics system...`,
      (q) => line`${queue(q)} used=${res(q)} numContainers=${int(q, 0, 400)} user=${d.user(q)} user-resources=${res(q)}`,
      (q) => line`Users of ${queue(q)}: ${list(q, 1, 5, ',', d.user)}`,
    ],
    closed: [
      [['NEW', 'LOCALIZING'], ['LOCALIZING', 'LOCALIZED'], ['LOCALIZED', 'RUNNING'], ['RUNNING', 'EXITED_WITH_SUCCESS'], ['EXITED_WITH_SUCCESS', 'DONE']].map(
        ([a, b]): Render => (q) => line`Container container_${containerId(q)} transitioned from ${k(a)} to ${k(b)}`,
      ),
      ['LAST_IN_PIPELINE', 'HAS_DOWNSTREAM_IN_PIPELINE'].map((t): Render => (q) => line`PacketResponder: ${bp(q)}:blk_${int(q, 1073741825, 1073999999)}_${int(q, 1001, 9999)}, type=${k(t)} terminating`),
      ['false', 'true'].map((b): Render => (q) => line`Scheduler preemption enabled: ${k(b)}`),
    ],
  };
}

/** Cisco-like network device syslog. */
function netdev(v: Vocabulary, d: D): FamilyEvents {
  const acl = v.of('net.acl', (q) => pick(q, [String(int(q, 100, 199)), `${word(q).toUpperCase()}-IN`]));
  const cipher = v.of('net.cipher', (q) => pick(q, ['aes256-ctr', 'aes128-ctr', 'aes256-gcm']));
  const hmac = v.of('net.hmac', (q) => pick(q, ['hmac-sha2-256', 'hmac-sha1']));
  const ms = (q: Q): string => `${clock(q)}.${pad(int(q, 0, 999), 3)}`;
  const cmd = v.of('net.cmd', (q) => pick(q, [`interface Vlan${int(q, 1, 999)}`, `no shutdown`, `ip route ${ip(q)} 255.255.255.0 ${ip(q)}`, `description ${word(q)} ${word(q)}`]));
  const ifaces = ['GigabitEthernet0/1', 'GigabitEthernet0/2', 'TenGigabitEthernet1/0/1'];
  const login = (fail: boolean): Render => (q) => {
    const [t, wd, mon, day, y] = [ms(q), d.weekday(q), d.month(q), String(int(q, 1, 28)), d.year(q)];
    return fail
      ? line`%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: ${d.user(q)}] [Source: ${d.ip(q)}] [localport: ${int(q, 22, 23)}] [Reason: Login Authentication Failed] at ${t} UTC ${wd} ${mon} ${day} ${y}`
      : line`%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: ${d.user(q)}] [Source: ${d.ip(q)}] [localport: ${int(q, 22, 23)}] at ${t} UTC ${wd} ${mon} ${day} ${y}`;
  };
  return {
    plain: [
      (q) => line`%SYS-5-CONFIG_I: Configured from console by ${d.user(q)} on vty${int(q, 0, 15)} (${d.ip(q)})`,
      (q) => line`%SSH-5-SSH2_USERAUTH: User '${d.user(q)}' authentication for SSH2 Session from ${d.ip(q)} (tty = ${int(q, 0, 15)}) using crypto cipher '${cipher(q)}', hmac '${hmac(q)}' Succeeded`,
      (q) => line`%SNMP-3-AUTHFAIL: Authentication failure for SNMP req from host ${d.ip(q)}`,
      login(false),
      login(true),
      (q) => line`%PARSER-5-CFGLOG_LOGGEDCMD: User:${d.user(q)}  logged command:${cmd(q)}`,
      (q) => line`%NTP-6-PEERREACH: Peer ${d.ip(q)} is reachable`,
      (q) => line`%SYS-6-LOGGINGHOST_STARTSTOP: Logging to host ${d.ip(q)} port ${int(q, 514, 514)} started - CLI initiated`,
      (q) => line`%ENVMON-4-FAN_LOW_RPM: Fan ${int(q, 1, 6)} had a rotation error reported.`,
      (q) => line`%HSRP-5-STATECHANGE: Vlan${int(q, 1, 999)} Grp ${int(q, 0, 255)} state Standby -> Active`,
      (q) => line`%SYS-2-MALLOCFAIL: Memory allocation of ${int(q, 100, 999999)} bytes failed from ${hex0x(q, 8)}, alignment ${pick(q, ['0', '8', '32'])}`,
      (q) => line`%CRYPTO-4-IKMP_NO_SA: IKE message from ${d.ip(q)} has no SA and is not an initial offer`,
      (q) => line`%DHCPD-4-PING_CONFLICT: DHCP address conflict: server pinged ${d.ip(q)}.`,
      (q) => line`%SW_MATM-4-MACFLAP_NOTIF: Host ${`${hexDigits(q, 4)}.${hexDigits(q, 4)}.${hexDigits(q, 4)}`} in vlan ${int(q, 1, 999)} is flapping between port Gi0/3 and port Gi0/4`,
      (q) => line`%SYS-5-RESTART: System restarted -- uptime ${`${int(q, 0, 52)}w${int(q, 0, 6)}d`}`,
      (q) => line`%OSPF-5-ADJCHG: Process ${int(q, 1, 100)}, Nbr ${d.ip(q)} on Vlan${int(q, 1, 999)} from LOADING to FULL, Loading Done`,
      (q) => line`%SYS-6-CLOCKUPDATE: System clock has been updated from ${clock(q)} UTC ${d.weekday(q)} ${d.month(q)} ${int(q, 1, 28)} ${d.year(q)} to ${clock(q)} UTC ${d.weekday(q)} ${d.month(q)} ${int(q, 1, 28)} ${d.year(q)}, configured from console by ${d.user(q)} on vty${int(q, 0, 15)} (${d.ip(q)}).`,
      (q) => line`%STP-2-BLOCK_BPDUGUARD: Received BPDU on port Gi0/5 with BPDU Guard enabled. Disabling port.`,
      (q) => line`%PLATFORM-4-ELEMENT_WARNING: Switch ${int(q, 1, 4)}: ${pick(q, ['Memory', 'CPU'])} value ${glued(int(q, 80, 99), '%')} has exceeded the warning level ${glued(int(q, 70, 90), '%')}`,
    ],
    closed: [
      ifaces.map((i): Render => (q) => line`%LINK-3-UPDOWN: Interface ${k(i)}, changed state to down`),
      ['up', 'down', 'administratively down'].map((s): Render => (q) => line`%LINEPROTO-5-UPDOWN: Line protocol on Interface Vlan1, changed state to ${k(s)}`),
      ['permitted', 'denied'].map((s): Render => (q) => line`%SEC-6-IPACCESSLOGP: list ${acl(q)} ${k(s)} tcp ${d.ip(q)}(${d.port(q)}) -> ${d.ip(q)}(${d.port(q)}), ${int(q, 1, 999)} packets`),
      ['up: new adjacency', 'down: holding time expired', 'down: interface down'].map((s): Render => (q) => line`%DUAL-5-NBRCHANGE: EIGRP-IPv4 ${int(q, 1, 100)}: Neighbor ${d.ip(q)} (Vlan${int(q, 1, 999)}) is ${k(s)}`),
      ['Up', 'Down'].map((s): Render => (q) => line`%BGP-5-ADJCHANGE: neighbor ${d.ip(q)} ${k(s)}`),
      ['Succeeded', 'Failed'].map((s): Render => (q) => line`%SSH-5-SSH2_SESSION: SSH2 Session request from ${d.ip(q)} (tty = ${int(q, 0, 15)}) using crypto cipher '${cipher(q)}', hmac '${hmac(q)}' ${k(s)}`),
    ],
  };
}

const MAKERS: Record<string, (v: Vocabulary, d: D) => FamilyEvents> = { ras, hpc, tbird, cbs, syslog, logcat, macos, nova, proxy, kvstore, yarn, netdev };

/**
 * The invented system of `seed` (`lines` lines, 2,000 by default): its name
 * `v8-<seed>:<families>`, the lines, their true templates and its closed sets.
 */
export function unseenSystemV8(seed: number, lines = 2000): SyntheticSampleV2 {
  const r = prng((seed * 9173 + 881) >>> 0);
  const vocabulary = new Vocabulary(seed);
  const d = drawers(vocabulary);
  const system = inventSystem(r, `v8-${seed}`, FAMILIES_V8, (name) => MAKERS[name](vocabulary, d), { minEvents: MIN_EVENTS, keepPlain: 0.75, keepClosed: (k) => (k === 0 ? 1 : 0.75) }, lines);
  return { name: system.name, content: system.content, truth: system.truth, closedSets: system.closedSets };
}
