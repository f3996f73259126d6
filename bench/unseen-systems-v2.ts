/**
 * Held-out invented systems, second generation (--synthetic-v2 of
 * bench/template-mining.ts).
 *
 * Why a second generator: the first one (unseen-systems.ts) was used while the
 * miner was developed, so its figures are no longer held-out evidence. This
 * one was written WITHOUT reading the miner's rules or the first generator's
 * event families, from how real software logs: web servers and proxies, Linux
 * kernels, storage daemons, batch schedulers and HPC machines, mobile OS
 * services, distributed databases, mail servers, Windows services. Every
 * message shape, word and format here is our own invention; no line of any
 * public data set is used.
 *
 * Each seed invents one system: two or three families, a random subset of
 * their event shapes, an invented vocabulary (pronounceable random words for
 * users, hosts, jobs, tables, services, components; one pool per kind of
 * entity, shared by every event that names it, of random size: two user names
 * or two hundred), Zipf event frequencies, 2,000 lines drawn independently
 * (random interleaved order, as a file holds them).
 *
 * It is meant to catch both kinds of error:
 * - under-generalisation (one event split over several templates): variables
 *   in the first position (host, user or job names without digits), word count
 *   varying inside one event (lists joined by ", " of varying length, space
 *   separated name lists, multi-word display names, free-text reasons,
 *   optional parenthesised parts such as `name (address)` vs `address`, empty
 *   vs filled fields `-` / `""` / `[]`), small value pools (2-5 users, month
 *   and weekday names, three tables), punctuation inside values (mm:ss and
 *   hh:mm:ss durations, Windows paths with spaces, key=value pairs glued by
 *   commas);
 * - over-generalisation (different events merged): closed sets of program
 *   constants are separate events with the constant in the template, many of
 *   them PAIRS of lower-case words used only at that position (`link up` /
 *   `link down`, `cache hit` / `cache miss`, `mode read` / `mode write`),
 *   given enough lines that each member is seen many times; and digit-bearing
 *   constants (eth0, v2, HTTP/1.1, sha256, tls1.3) that are constants of
 *   their event and must stay in its template.
 *
 * Ground truth per line follows the Loghub-2.0 corrected convention: each
 * variable is `<*>`; a value with its unit glued is one variable (`12ms`), a
 * unit after a space stays constant (`<*> MB`); host names, paths (with their
 * spaces), URLs and IPs are one variable; `host:port` is two (`<*>:<*>`);
 * key=value keeps the key (`user=<*>`); a list or free text in one slot is one
 * variable however many words it has. Every variable value is non-empty, so a
 * line always matches its template read with `<*>` as a non-empty wildcard.
 *
 * Weighting, to read its figures right: every closed-set member gets at
 * least 1.5% of the lines, so closed-set events make up about half of the
 * lines of the reported seeds (10,509 of 20,000): GA here weighs
 * over-generalisation more than a typical real log does. The most debatable
 * truth is the free-text phrase (a remote server's reason, a wake-lock tag)
 * drawn from a small per-system set of 3-9 phrases: `<*>` here, as Loghub
 * annotates such messages, though a stricter reader could call each phrase a
 * constant. Read the per-kind error breakdown, not only the averages.
 *
 * REPORTED_SEEDS_V2 (201-210) were fixed in this file before the generator
 * was ever run against the miner. They must never be used to tune the miner:
 * look at failures on DEVELOPMENT_SEEDS_V2 (or any other seed) instead, and
 * once the reported seeds have been looked at for tuning, this generator too
 * stops being held-out evidence and needs a successor.
 */
import { prng } from '../test/kit/prng';
import { chooseEvents, drawLines, type Piece } from './synthetic-draw';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V2: readonly number[] = [201, 202, 203, 204, 205, 206, 207, 208, 209, 210];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V2: readonly number[] = [901, 902, 903];

export interface SyntheticSampleV2 {
  readonly name: string;
  readonly content: string[];
  readonly truth: string[];
  /** Closed sets in this system: each entry lists the true templates of its members (one event per constant). */
  readonly closedSets: string[][];
}

type Rng = () => number;

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const chance = (rng: Rng, p: number): boolean => rng() < p;
const hex = (rng: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(rng, 0, 15)]).join('');
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

// ---------------------------------------------------------------- words

const CONSONANTS = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'qu', 'r', 's', 't', 'v', 'w', 'y', 'z', 'sh', 'th', 'ch'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ea', 'io', 'y'];
const ENDINGS = ['', '', '', 'n', 'r', 's', 'l', 'm', 'k', 'nt', 'st'];

/** A pronounceable invented word of `syllables` syllables, lower case, no digits. */
function word(rng: Rng, syllables = int(rng, 2, 3)): string {
  let w = '';
  for (let k = 0; k < syllables; k++) w += pick(rng, CONSONANTS) + pick(rng, NUCLEI);
  return w + pick(rng, ENDINGS);
}

const capital = (w: string): string => w[0].toUpperCase() + w.slice(1);

/** `size` distinct invented words built by `make`. */
function pool(rng: Rng, size: number, make: (r: Rng) => string): string[] {
  const out = new Set<string>();
  for (let guard = 0; out.size < size && guard < size * 50; guard++) out.add(make(rng));
  return [...out];
}

/** Pool sizes: small closed-looking pools (2-5 values) are as likely as open ones. */
const poolSize = (rng: Rng): number => pick(rng, [2, 3, 4, 5, int(rng, 8, 20), int(rng, 40, 250)]);

/** One system's vocabulary: the values its events name, shared across events. */
interface Vocab {
  users: string[];
  hosts: string[];
  domain: string;
  jobs: string[];
  tables: string[];
  queues: string[];
  services: string[];
  apps: string[];
  components: string[];
  dirs: string[];
  volumes: string[];
  reasons: string[];
}

function vocabulary(rng: Rng): Vocab {
  const domain = `${word(rng, 2)}.${pick(rng, ['lan', 'internal', 'corp', 'net', 'io'])}`;
  return {
    users: pool(rng, poolSize(rng), (r) => word(r, 2)),
    hosts: pool(rng, poolSize(rng), (r) => word(r)),
    domain,
    jobs: pool(rng, poolSize(rng), (r) => (chance(r, 0.5) ? `${word(r, 2)}-${word(r, 2)}` : `${word(r, 2)}_${word(r, 1)}`)),
    tables: pool(rng, int(rng, 2, 6), (r) => word(r)),
    queues: pool(rng, poolSize(rng), (r) => `${word(r, 2)}.${word(r, 2)}`),
    services: pool(rng, int(rng, 3, 12), (r) => Array.from({ length: int(r, 1, 4) }, () => capital(word(r, 2))).join(' ')),
    apps: pool(rng, poolSize(rng), (r) => `com.${word(r, 2)}.${word(r, 2)}`),
    components: pool(rng, 8, (r) => capital(word(r, 2)) + capital(word(r, 2))),
    dirs: pool(rng, 6, (r) => word(r, 2)),
    volumes: pool(rng, int(rng, 2, 5), (r) => `${word(r, 1)}${pick(r, ['', '-data', '-log'])}`),
    reasons: pool(rng, int(rng, 3, 9), (r) => Array.from({ length: int(r, 1, 5) }, () => word(r, int(r, 1, 2))).join(' ')),
  };
}

// ---------------------------------------------------------------- values (each one variable)

type Gen = (r: Rng) => string;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Zipf-ish pick from a pool: the first values are the common ones, as real names are. */
const skewed = <T>(r: Rng, xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(xs.length * Math.pow(r(), 2)))];

const g = {
  num: (lo: number, hi: number): Gen => (r) => String(int(r, lo, hi)),
  dec: (hi: number, digits = 2): Gen => (r) => (r() * hi).toFixed(digits),
  of: (xs: readonly string[]): Gen => (r) => skewed(r, xs),
  ip: (r: Rng): string => `10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
  port: (r: Rng): string => String(pick(r, [int(r, 1024, 65535), int(r, 1024, 65535), 443, 8080, 5432])),
  hexId: (n: number): Gen => (r) => hex(r, n),
  uuid: (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
  ms: (r: Rng): string => `${int(r, 0, 4000)}ms`,
  secs: (r: Rng): string => `${(r() * 90).toFixed(int(r, 1, 3))}s`,
  mmss: (r: Rng): string => `${pad(int(r, 0, 59))}:${pad(int(r, 0, 59))}`,
  hhmmss: (r: Rng): string => `${pad(int(r, 0, 23))}:${pad(int(r, 0, 59))}:${pad(int(r, 0, 59))}`,
  hm: (r: Rng): string => `${int(r, 0, 9)}h${int(r, 0, 59)}m`,
  clock: (r: Rng): string => `${pad(int(r, 0, 23))}:${pad(int(r, 0, 59))}`,
  month: (r: Rng): string => pick(r, MONTHS),
  weekday: (r: Rng): string => pick(r, WEEKDAYS),
  date: (r: Rng): string => `2026-${pad(int(r, 1, 12))}-${pad(int(r, 1, 28))}`,
  size: (r: Rng): string => `${int(r, 1, 999)}${pick(r, ['K', 'KB', 'M', 'MB', 'G', 'GiB'])}`,
  pct: (r: Rng): string => `${int(r, 0, 100)}%`,
  mac: (r: Rng): string => Array.from({ length: 6 }, () => hex(r, 2)).join(':'),
  version: (r: Rng): string => `${int(r, 1, 9)}.${int(r, 0, 30)}.${int(r, 0, 99)}`,
  /** `-`, `""` or `[]` style empty fields half of the time, else a value. */
  orEmpty: (empty: string, full: Gen): Gen => (r) => (chance(r, 0.45) ? empty : full(r)),
  /** Items joined by `sep`, 1..max of them (`min` 0 gives `[]` style empties when bracketed). */
  list: (item: Gen, sep: string, min: number, max: number, open = '', close = ''): Gen => (r) =>
    open + Array.from({ length: int(r, min, max) }, () => item(r)).join(sep) + close,
};

/** Value generators that need the system's vocabulary. */
function valuesOf(v: Vocab) {
  const fqdn: Gen = (r) => `${skewed(r, v.hosts)}.${v.domain}`;
  return {
    user: g.of(v.users),
    host: g.of(v.hosts),
    fqdn,
    /** A peer as mail and proxy servers print it: `name (address)` when it resolved, the bare address when not. */
    peer: ((r) => (chance(r, 0.6) ? `${fqdn(r)} (${g.ip(r)})` : g.ip(r))) as Gen,
    job: g.of(v.jobs),
    table: g.of(v.tables),
    queue: g.of(v.queues),
    service: g.of(v.services),
    app: g.of(v.apps),
    volume: g.of(v.volumes),
    reason: g.of(v.reasons),
    path: ((r) => `/${pick(r, ['var', 'srv', 'data', 'opt'])}/${Array.from({ length: int(r, 1, 4) }, () => skewed(r, v.dirs)).join('/')}/${word(r, 2)}.${pick(r, ['log', 'dat', 'db', 'json', 'tmp'])}`) as Gen,
    winPath: ((r) =>
      `C:\\${pick(r, ['Program Files', 'ProgramData', 'Users\\' + capital(skewed(r, v.users))])}\\${capital(skewed(r, v.dirs))}${chance(r, 0.5) ? ' ' + capital(word(r, 2)) : ''}\\${word(r, 2)}.${pick(r, ['exe', 'dll', 'sys'])}`) as Gen,
    url: ((r) => `https://${fqdn(r)}/${skewed(r, v.dirs)}/${word(r, 2)}`) as Gen,
    uri: ((r) => `/${skewed(r, v.dirs)}/${chance(r, 0.5) ? word(r, 2) : String(int(r, 1, 99999))}${chance(r, 0.3) ? `?id=${int(r, 1, 999)}` : ''}`) as Gen,
    /** Distinct user names separated by spaces (as `for alice bob`): one variable of 1-5 words. */
    names: ((r) => [...new Set(Array.from({ length: int(r, 1, 5) }, () => skewed(r, v.users)))].join(' ')) as Gen,
    hostList: ((r) => [...new Set(Array.from({ length: int(r, 1, 6) }, () => skewed(r, v.hosts)))].join(',')) as Gen,
  };
}

// ---------------------------------------------------------------- event shapes


/** A part of an event shape: constant text, or a variable generator wrapped by `V`. */
type Part = string | { readonly gen: Gen };
const V = (gen: Gen): { gen: Gen } => ({ gen });

/** An event: renders one line (its pieces). */
type Event = (r: Rng) => Piece[];

const ev = (...parts: Part[]): Event => (r) =>
  parts.map((p) => (typeof p === 'string' ? { text: p, variable: false } : { text: p.gen(r), variable: true }));

/** What a family contributes: plain events, and closed sets (one event per program constant). */
interface FamilyEvents {
  plain: Event[];
  closed: Event[][];
}

/** A closed set: `make(constant)` for each constant; each is its own event with the constant in the template. */
const closed = (constants: readonly string[], make: (c: string) => Event): Event[] => constants.map(make);

type Family = (v: Vocab, rng: Rng) => FamilyEvents;

/** Web server / reverse proxy. */
const webProxy: Family = (v, rng) => {
  const x = valuesOf(v);
  const tag = capital(word(rng, 2));
  return {
    plain: [
      ev('"GET ', V(x.uri), ' HTTP/1.1" ', V(g.of(['200', '304', '404', '500'])), ' ', V(g.num(0, 90000))),
      ev('upstream ', V(x.host), ' timed out after ', V(g.ms), ' while reading response header from ', V(g.ip), ':', V(g.port)),
      ev('client ', V(x.peer), ' sent invalid header line: ', V(g.hexId(6))),
      ev(tag, ': worker process ', V(g.num(100, 60000)), ' exited on signal ', V(g.num(1, 15))),
      ev('ssl handshake with ', V(x.fqdn), ' failed: tls1.3 alert ', V(g.num(20, 120))),
      ev('access denied for ', V(x.user), ' to ', V(x.uri), ' (rule ', V(g.num(1, 40)), ')'),
      ev('cache purge of ', V(g.list(x.uri, ', ', 1, 4)), ' took ', V(g.ms)),
      ev('request ', V(g.uuid), ' rate limited: zone=', V(g.of(v.dirs)), ',burst=', V(g.num(1, 50)), ',delay=', V(g.ms)),
    ],
    closed: [
      closed(['hit', 'miss', 'stale'], (c) => ev('cache ', c, ' for ', V(x.uri), ' age ', V(g.num(0, 3600)))),
      closed(['up', 'down'], (c) => ev('backend ', V(x.host), ':', V(g.port), ' marked ', c, ' by health check')),
    ],
  };
};

/** Linux-like kernel. */
const kernel: Family = (v, rng) => {
  const x = valuesOf(v);
  const iface = pick(rng, ['eth0', 'eno1', 'ens3', 'wlan0']);
  const disk = pick(rng, ['sda', 'nvme0n1', 'vdb']);
  return {
    plain: [
      ev(V(x.host), ' kernel: ', iface, ': renamed from ', V(g.of(['eth1', 'eth2', 'eth3', 'veth7', 'tap4']))),
      ev('Out of memory: Killed process ', V(g.num(100, 90000)), ' (', V(x.job), ') total-vm:', V((r) => `${int(r, 1000, 9000000)}kB`)),
      ev('usb ', V((r) => `${int(r, 1, 4)}-${int(r, 1, 8)}`), ': new high-speed device number ', V(g.num(2, 90)), ' using xhci_hcd'),
      ev('EXT4-fs (', V(g.of(['sda1', 'sdb2', 'dm-0', 'vda1'])), '): mounted filesystem with ordered data mode'),
      ev('audit: type=', V(g.num(1100, 1400)), ' audit(', V((r) => `${int(r, 1700000000, 1800000000)}.${int(r, 100, 999)}`), ':', V(g.num(1, 9999)), '): pid=', V(g.num(1, 60000)), ' uid=', V(g.num(0, 2000))),
      ev('CPU', V(g.num(0, 63)), ': Core temperature above threshold, cpu clock throttled (total events = ', V(g.num(1, 90000)), ')'),
    ],
    closed: [
      closed(['up', 'down'], (c) => ev(iface, ': link ', c)),
      closed(['READ', 'WRITE'], (c) => ev(disk, ': I/O error, dev ', disk, ', sector ', V(g.num(0, 2 ** 31)), ' op ', V((r) => `0x${int(r, 0, 9)}`), ':(', c, ')')),
      closed(['entered', 'left'], (c) => ev('device ', V(g.of(['veth' + hex(rng, 4), 'veth' + hex(rng, 4), 'tap' + int(rng, 0, 9)])), ' ', c, ' promiscuous mode')),
    ],
  };
};

/** Storage daemon (object / block store). */
const storage: Family = (v) => {
  const x = valuesOf(v);
  return {
    plain: [
      ev('scrub of volume ', V(x.volume), ' finished in ', V(g.hhmmss), ', ', V(g.num(0, 50)), ' errors repaired'),
      ev('replica ', V(g.hexId(16)), ' on ', V(x.hostList), ' below target: have ', V(g.num(0, 2)), ' want 3'),
      ev('placement group ', V((r) => `${int(r, 1, 40)}.${hex(r, 2)}`), ' remapped to [', V(g.list(g.num(0, 99), ',', 1, 5)), ']'),
      ev('checksum sha256 mismatch on chunk ', V(g.hexId(12)), ' in ', V(x.path)),
      ev('wrote ', V(g.num(1, 99999)), ' objects (', V(g.size), ') to ', V(x.volume), ' in ', V(g.secs)),
      ev('disk ', V(g.of(['sdb', 'sdc', 'sdd', 'sde', 'sdf', 'sdg'])), ' in slot ', V(g.num(0, 23)), ' is ', V(g.pct), ' full'),
      ev('snapshot ', V(x.volume), '@', V(g.date), ' expired, freeing ', V(g.dec(900, 1)), ' GB'),
      ev(V(x.host), ': heartbeat missed, last seen ', V(g.secs), ' ago'),
      ev('rebalance progress ', V(g.num(0, 9999)), '/', V(g.num(10000, 20000)), ' eta ', V(g.mmss)),
    ],
    closed: [
      closed(['read', 'write'], (c) => ev('open ', V(x.path), ' mode ', c, ' by ', V(x.user))),
      closed(['online', 'offline', 'degraded'], (c) => ev('volume ', V(x.volume), ' is now ', c)),
      closed(['started', 'completed', 'aborted'], (c) => ev('compaction of ', V(x.volume), ' ', c)),
    ],
  };
};

/** Batch scheduler / HPC machine. */
const scheduler: Family = (v) => {
  const x = valuesOf(v);
  return {
    plain: [
      ev(V(x.job), ' submitted by ', V(x.user), ' to partition ', V(g.of(['batch', 'gpu', 'debug', 'long'])), ' (', V(g.num(1, 512)), ' nodes)'),
      ev(V(x.job), ' started on ', V(x.hostList)),
      ev('job ', V(g.num(10000, 999999)), ' exceeded walltime ', V(g.hhmmss), ', killing ', V(g.num(1, 64)), ' tasks'),
      ev('node ', V(x.host), ' temperature ', V((r) => `${int(r, 40, 99)}C`), ' above threshold ', V((r) => `${int(r, 70, 90)}C`)),
      ev('rank ', V(g.num(0, 4095)), ' of job ', V(g.num(10000, 999999)), ' exited with code ', V(g.num(0, 255))),
      ev('ecc correctable error count ', V(g.num(1, 999)), ' on dimm ', V(g.of(['A0', 'A1', 'B0', 'B1', 'C3'])), ' of ', V(x.host)),
      ev('reservation ', V(x.job), ' for ', V(x.names), ' begins ', V(g.weekday), ' ', V(g.clock)),
      ev('fairshare for account ', V(x.user), ' updated: usage=', V(g.dec(1, 4)), ' share=', V(g.dec(1, 4))),
      ev('job ', V(g.num(10000, 999999)), ' ran ', V(g.hm), ' on ', V(g.num(1, 512)), ' cores'),
    ],
    closed: [
      closed(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'], (c) => ev('job ', V(g.num(10000, 999999)), ' state ', c)),
      closed(['drain', 'resume'], (c) => ev('admin ', V(x.user), ' set node ', V(x.host), ' to ', c)),
    ],
  };
};

/** Mobile OS services. */
const mobile: Family = (v, rng) => {
  const x = valuesOf(v);
  const [power, net, pkg, act] = pool(rng, 4, (r) => capital(word(r, 2)) + pick(r, ['Manager', 'Service', 'Monitor', 'Controller']));
  return {
    plain: [
      ev(act, ': Displayed ', V((r) => `${skewed(r, v.apps)}/.${capital(skewed(r, v.dirs))}Activity`), ': +', V(g.ms)),
      ev(pkg, ': Package ', V(x.app), ' updated to version ', V(g.num(1, 900)), ' (', V(g.version), ')'),
      ev(power, ': acquire lock=', V(g.num(100000, 999999999)), ', flags=', V((r) => `0x${int(r, 1, 9)}`), ', tag="', V(x.reason), '", ws=', V(g.orEmpty('null', (r) => `WorkSource{${int(r, 10000, 19999)}}`)), ', uid=', V(g.num(1000, 19999))),
      ev(net, ': handle connectivity change for ', V(g.list(x.app, ', ', 1, 4, '[', ']'))),
      ev('Battery', ': level=', V(g.num(0, 100)), ' temp=', V(g.num(200, 450)), ' plugged=', V(g.of(['0', '1', '2']))),
      ev(act, '|onStepChanged ', V(g.num(0, 20000)), '|', V(g.num(0, 20000))),
      ev(pkg, ': scan of ', V(x.app), ' took ', V(g.ms), ', permissions ', V(g.orEmpty('[]', g.list((r) => pick(r, ['CAMERA', 'LOCATION', 'CONTACTS', 'SMS']), ', ', 1, 3, '[', ']')))),
    ],
    closed: [
      closed(['on', 'off'], (c) => ev(power, ': screen ', c, ' by user ', V(g.num(0, 10)))),
      closed(['connected', 'disconnected'], (c) => ev(net, ': wifi ', c, ' ssid=', V(x.host), ' rssi=', V((r) => `-${int(r, 30, 90)}`))),
      closed(['foreground', 'background'], (c) => ev(act, ': ', V(x.app), ' moved to ', c)),
    ],
  };
};

/** Distributed database. */
const database: Family = (v, rng) => {
  const x = valuesOf(v);
  const proto = pick(rng, ['v2', 'v3']);
  return {
    plain: [
      ev('slow query on ', V(x.table), ' took ', V(g.ms), ': rows_examined=', V(g.num(0, 9000000)), ' user=', V(x.user)),
      ev('leader for range ', V(g.num(1, 9999)), ' moved from ', V(x.host), ' to ', V(x.host), ' (term ', V(g.num(1, 500)), ')'),
      ev('replication lag on ', V(x.fqdn), ' is ', V(g.secs)),
      ev('gossip ', proto, ' handshake from ', V(g.ip), ':', V(g.port), ' peers=[', V(x.hostList), ']'),
      ev('checkpoint complete: wrote ', V(g.num(1, 90000)), ' buffers (', V((r) => `${(r() * 100).toFixed(1)}%`), '); ', V(g.num(0, 50)), ' WAL file(s) added'),
      ev('table ', V(x.table), ' split at key ', V(g.hexId(10)), ' into ', V(g.num(2, 4)), ' regions'),
      ev('vacuum ', V(x.table), ': removed ', V(g.num(0, 999999)), ' dead tuples in ', V(g.mmss)),
      ev('authentication failed for user "', V(x.user), '" from ', V(x.peer)),
      ev('backup ', V(g.date), ' of ', V(g.list(x.table, ', ', 1, 5)), ' uploaded to ', V(x.url)),
    ],
    closed: [
      closed(['commit', 'rollback'], (c) => ev('txn ', V(g.hexId(8)), ' ', c, ' after ', V(g.ms))),
      closed(['SELECT', 'INSERT', 'UPDATE', 'DELETE'], (c) => ev('statement ', c, ' on ', V(x.table), ' by ', V(x.user), ' returned ', V(g.num(0, 5000)), ' rows')),
      closed(['hit', 'miss'], (c) => ev('block cache ', c, ' ratio ', V(g.dec(1, 3)), ' for ', V(x.table))),
    ],
  };
};

/** Mail server. */
const mail: Family = (v) => {
  const x = valuesOf(v);
  const qid: Gen = (r) => hex(r, 10).toUpperCase();
  const addr: Gen = (r) => `<${skewed(r, v.users)}@${v.domain}>`;
  return {
    plain: [
      ev(V(qid), ': from=', V(addr), ', size=', V(g.num(300, 9000000)), ', nrcpt=', V(g.num(1, 20)), ' (queue active)'),
      ev('connect from ', V(x.peer)),
      ev('disconnect from ', V(x.peer), ' ehlo=', V(g.num(1, 2)), ' mail=', V(g.num(0, 1)), ' rcpt=', V(g.num(0, 9)), '/', V(g.num(0, 9)), ' quit=1'),
      ev(V(qid), ': removed'),
      ev('warning: ', V(x.peer), ': SASL LOGIN authentication failed: ', V(x.reason)),
      ev(V(qid), ': reject: RCPT from ', V(x.peer), ': 550 5.1.1 ', V(addr), ': Recipient address rejected'),
      ev('statistics: max connection rate ', V(g.num(1, 60)), '/60s for (smtp:', V(g.ip), ') at ', V(g.month), ' ', V(g.num(1, 28)), ' ', V(g.hhmmss)),
    ],
    closed: [
      closed(['sent', 'deferred', 'bounced'], (c) => ev(V(qid), ': to=', V(addr), ', relay=', V(x.fqdn), '[', V(g.ip), ']:25, delay=', V(g.dec(60, 2)), ', status=', c, ' (', V(x.reason), ')')),
      closed(['lost', 'established'], (c) => ev('TLS connection ', c, ' with ', V(x.fqdn), '[', V(g.ip), ']')),
    ],
  };
};

/** Windows services. */
const windows: Family = (v) => {
  const x = valuesOf(v);
  return {
    plain: [
      ev('The ', V(x.service), ' service terminated unexpectedly. It has done this ', V(g.num(1, 9)), ' time(s).'),
      ev('Faulting application name: ', V((r) => word(r, 2) + '.exe'), ', version: ', V(g.version), ', faulting module path: ', V(x.winPath)),
      ev('Windows Update installed ', V(g.num(1, 12)), ' update(s) in ', V(g.mmss)),
      ev('Installed ', V(x.winPath), ' for ', V(x.names)),
      ev('Group policy for ', V(x.user), ' applied in ', V(g.ms), ', settings: ', V(g.orEmpty('-', g.list((r) => capital(word(r, 2)), ', ', 1, 4)))),
    ],
    closed: [
      closed(['running', 'stopped'], (c) => ev('The ', V(x.service), ' service entered the ', c, ' state.')),
      closed(['RDP', 'console'], (c) => ev('User ', V(x.user), ' logged on to ', V(x.host), ' via ', c, ' at ', V(g.weekday), ' ', V(g.clock))),
      closed(['start', 'stop'], (c) => ev('The ', V(x.service), ' service was successfully sent a ', c, ' control.')),
    ],
  };
};

const FAMILIES: Record<string, Family> = { webProxy, kernel, storage, scheduler, mobile, database, mail, windows };

// ---------------------------------------------------------------- one system

/** Fewest events (templates) of one system: real services have dozens; a handful would be too easy. */
const MIN_EVENTS = 20;

/**
 * One invented system of `lines` lines: two or three families, about two
 * thirds of each family's plain events and most of its closed sets (every
 * member of a chosen closed set: a closed set is only a test of
 * over-generalisation when its members are all there). Event weights follow
 * Zipf (exponent 0.8-1.3, random ranks); each closed-set member gets at least
 * 1.5% of the lines so that every member is seen many times.
 */
export function unseenSystemV2(seed: number, lines = 2000): SyntheticSampleV2 {
  const rng = prng(seed * 7919 + 17);
  const v = vocabulary(rng);
  const familyCount = int(rng, 2, 3);
  // families until the count is reached and the system has at least MIN_EVENTS events; a family's first closed set always
  const { families: chosenFamilies, events, closedSetCount } = chooseEvents(rng, Object.keys(FAMILIES), (name) => FAMILIES[name](v, rng), {
    families: familyCount,
    minEvents: MIN_EVENTS,
    keepPlain: 0.75,
    keepClosed: (k) => (k === 0 ? 1 : 0.75),
  });
  // Zipf weights over a random ranking of the events
  const exponent = 0.8 + rng() * 0.5;
  const ranks = events.map((_, k) => k).sort(() => rng() - 0.5);
  ranks.forEach((event, rank) => (events[event].weight = 1 / Math.pow(rank + 1, exponent)));
  const total0 = events.reduce((n, e) => n + e.weight, 0);
  for (const e of events) if (e.closedSet !== undefined) e.weight = Math.max(e.weight, total0 * 0.015);
  return { name: `v2-${seed}:${chosenFamilies.join('+')}`, ...drawLines(rng, events, closedSetCount, lines) };
}
