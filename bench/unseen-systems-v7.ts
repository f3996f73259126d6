/**
 * Held-out invented systems, seventh generation (--synthetic-v7 of
 * bench/template-mining.ts).
 *
 * Why a seventh generator: v1-v6 (unseen-systems*.ts) have all been used or
 * looked at while the miner was tuned. This one was written BLIND: without
 * reading the miner (processors/) or the event definitions of the earlier
 * generators, and it was never run against the miner by its author. It shares
 * only the sample shape, the drawing helpers (synthetic-draw.ts) and the
 * ground-truth convention as the held-out judges describe it.
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it), each 17-24 plain shapes and 3-5 closed
 * sets (26-38 events), invented from what programs of that kind print:
 *   ras     supercomputer RAS (BGL-like): location codes, parity / DDR / torus
 *           errors, ciod failures, core files, node-card actions
 *   hpc     HPC cluster: nodes and jobs leading messages, walltimes, node
 *           lists, sensors, mode changes, ib ports
 *   tbird   large cluster syslog (Thunderbird-like): mail queue ids of letters,
 *           dhcp on eth1, ssh2 logins, sudo command lines, ext3 errors
 *   cbs     Windows CBS servicing: sessions, package identities, HRESULTs,
 *           paths with spaces, plan lines whose states are values of keys
 *   syslog  2005-era Linux: pam, sshd, ftpd with dates and sometimes-empty host
 *           names, su, xinetd, kernel memory lines, service start/stop
 *   logcat  Android: process starts for a closed set of component kinds,
 *           kills with reason phrases, GC lines, frame skips, battery
 *   macos   macOS system log: sandbox denials on paths with spaces, dark wakes,
 *           driver lines, thermal levels, en0 / awdl0 events, `<private>`
 *   nova    OpenStack nova compute: request lines with query strings,
 *           lifecycle events, audits with sometimes-empty file lists, locks
 *   proxy   Proxifier-like client: processes (sometimes ` *64`) leading, open
 *           through a proxy or directly, close with byte counts and lifetimes
 *   kube    Kubernetes kubelet / controllers: quoted key=value lines, probes
 *           with free-text output, pod lists, Go durations, reasons
 *   pg      PostgreSQL server: connections, statements with durations, vacuum,
 *           checkpoints, lock waits, TLS versions, shutdown modes
 *   nginx   nginx error log: `*N` connection numbers, upstream failures with
 *           request lines, rate limits, worker exits
 *   jee     Java application server: Tomcat / Spring Boot start-up, servlet
 *           exceptions with an empty context path, stack frames, pools, GC
 * Host, user, program, package, table and other names are random pronounceable
 * words invented per system; real-world words appear only where programs of
 * that kind print them (eth1, ssh2, HTTP/1.1, TLSv1.3, HRESULT, en0, u0).
 *
 * Each seed invents one system: one to three families (more while it has fewer
 * than MIN_EVENTS events), about 75% of each family's plain shapes and of its
 * closed sets after the first, one vocabulary pool per kind of entity (made
 * from its own seeded stream, so pools do not depend on the order events are
 * drawn) of random size: a third of the pools 1..3 values, the others 4..200;
 * values drawn with a skew inside a pool; Zipf event frequencies (exponent
 * 0.7-1.5) over a random ranking of all events; 2,000 lines drawn
 * independently.
 *
 * Ground truth, where the judges' account of their held-out truth speaks
 * (followed literally, as in unseen-systems-v6.ts):
 * - a variable in the first position is a variable even without a digit
 *   (node, job, process, service and mail-queue names lead messages);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part, an empty vs non-empty field, comma-joined lists of
 *   varying length, query strings, variable-length lists of names;
 * - small value sets are still variables (a few users, one or two month names,
 *   some weekdays, a couple of time zones);
 * - punctuation inside a value does not split it: durations as mm:ss, hh:mm:ss
 *   or words are one value; a path with a space is one value; a value glued to
 *   the next key with no separator is one value (`level=<*>plugged=<*>`);
 * - separate events: closed sets of plain words (lifecycle states, verbs,
 *   shutdown modes, component kinds), digit-bearing constants (eth0, ib0,
 *   awdl0, SOCKS5, TLSv1.2, HTTP/2.0), a specific event next to a general one,
 *   booleans a code path prints as constants beside booleans printed from data;
 * - `[<*>]`, `"<*>"`: brackets / quotes around a value are constant; `ip:port`
 *   is `<*>:<*>`; a unit after a space is constant (`<*> ms`, `<*> MB`);
 *   numbers are variables.
 * Choices where it is silent (the same as v6's where v6 states one):
 * - an optional parenthesised part belongs to the variable it follows (`<*>`
 *   for both `4096` and `4096 (4.00 KB)`);
 * - an empty vs non-empty field is ONE template whose variable keeps the key as
 *   constant (`rhost=<*>`, `path [<*>]`, `context path '<*>'`, `Removable
 *   base files: <*>`); in the empty case the variable is the empty string (the
 *   only places a variable may be empty); an always-empty field is constant;
 * - a constant word or letters glued before a number keep the word (`req-<*>`,
 *   `core.<*>`, `u0a<*>`, `*<*>`, `#<*>`, `pts/<*>`, `http-nio-<*>`,
 *   `HikariPool-<*>`, `pgsql_tmp<*>`); `0x` hex is one variable with its
 *   prefix; a unit glued to a value is inside it (`1000Mbps`, `512kB`,
 *   `-61dBm`, `35ms`, `1m2.5s`);
 * - a number with a decimal point, a location code (`R17-M0-N04-J12`), a UUID,
 *   an ISO date (`2017-05-16`), a time `hh:mm:ss`, a WAL position (`0/16B3748`),
 *   a version (`10.2.3`), a mail address and a fully qualified Java method are
 *   one variable each; a date written with spaces has a variable per piece
 *   (weekday, month, day, time, year); numbers joined by `_` or `:` are a
 *   variable each (`Session: <*>_<*>`, like `ip:port`);
 * - a free-text reason, a command line, an SQL statement, a probe's output and
 *   an exception message (all printed from data) are one variable each;
 * - a state or verb in a fixed position that names what happened is a closed
 *   set of events; states printed as values of keys (`current: Staged`) are
 *   variables; an HTTP method in a request line is a constant of its event.
 *
 * REPORTED_SEEDS_V7 (801-812) were fixed in this file before the generator was
 * ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V7 or other seeds.
 */
import { prng } from '../test/kit/prng';
import { hexDigits, inventSystem, int, pad, pick, type FamilyEvents, type Piece, type Render } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V7: readonly number[] = [801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V7: readonly number[] = [6101, 6203, 6307, 6411];

export type SyntheticSampleV7 = SyntheticSampleV2;

/** A system has at least this many events (more families are added until it does). */
const MIN_EVENTS = 24;
/**
 * Added to the mixed seed of the system's stream. Chosen, before any miner run
 * and by looking only at the family names drawn, as the first offset whose
 * reported seeds between them use every family (7 left out ras and syslog).
 */
const STREAM_OFFSET = 11;
/** Chance that a sometimes-empty field (`{kind?}`) is printed empty. */
const EMPTY_CHANCE = 0.3;
/** Chance that an optional parenthesised part (`{kind(other)}`) is printed. */
const PAREN_CHANCE = 0.4;

type Rng = () => number;

// ---------------------------------------------------------------- invented words

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'gl', 'kr', 'pl', 'st', 'tr', 'sk'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ei'];
const CODAS = ['', '', 'n', 'l', 'r', 'x', 'm', 'sk', 'nd'];

/** A pronounceable invented word, lower case, no digits. */
function word(q: Rng, syllables = int(q, 2, 3)): string {
  let w = '';
  for (let k = 0; k < syllables; k++) w += pick(q, ONSETS) + pick(q, VOWELS);
  return w + pick(q, CODAS);
}
const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);
const camel = (q: Rng, parts: number): string => Array.from({ length: parts }, () => cap(word(q, int(q, 1, 2)))).join('');
const upperHex = (q: Rng, n: number): string => hexDigits(q, n).toUpperCase();
const uuid = (q: Rng): string => `${hexDigits(q, 8)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 12)}`;
const letters = (q: Rng, n: number, alphabet: string): string => Array.from({ length: n }, () => alphabet[int(q, 0, alphabet.length - 1)]).join('');
/** A number of a random magnitude (1 to 5 digits), small ones more likely. */
const magnitude = (q: Rng): number => Math.floor(Math.pow(10, q() * 5));
const decimal = (q: Rng, places: number): string => (q() * Math.pow(10, int(q, 0, 3))).toFixed(places);

// ---------------------------------------------------------------- vocabulary pools

/** FNV-1a of a string, for one seeded stream per pool. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

/** How a pooled value is invented (from the pool's own stream `q`; `v` for values made of other pools). */
type Maker = (q: Rng, v: Vocabulary) => string;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A host name in one of the styles a site names its machines with (style fixed per pool by the first draw). */
function hostStyle(q: Rng): Maker {
  const style = int(q, 0, 3);
  const base = word(q, 1);
  if (style === 0) return (r) => word(r);
  if (style === 1) return (r) => `${word(r)}-${word(r, 1)}`;
  if (style === 2) return (r) => `${base}${pad(int(r, 1, 999), 3)}`;
  return (r) => `${word(r)}.${base}.${pick(r, ['net', 'org', 'local', 'lan'])}`;
}

const POOLS: Record<string, Maker> = {
  user: (q) => word(q, int(q, 1, 2)),
  host: (q) => word(q),
  node: (q) => word(q),
  svc: (q) => word(q, int(q, 1, 2)),
  prog: (q) => word(q, int(q, 1, 2)),
  domain: (q) => `${word(q)}.${word(q, 1)}.${pick(q, ['com', 'net', 'io', 'org'])}`,
  ip: (q) => `${pick(q, ['10', '172', '192'])}.${int(q, 0, 31)}.${int(q, 0, 255)}.${int(q, 1, 254)}`,
  mac: (q) => Array.from({ length: 6 }, () => hexDigits(q, 2)).join(':'),
  port: (q) => String(pick(q, [22, 80, 443, 3128, 1080, 5432, 8080, 8443, 9000, int(q, 1024, 65535)])),
  tty: (q) => pick(q, ['NODEVssh', 'ssh', `pts/${int(q, 0, 9)}`, `tty${int(q, 1, 6)}`]),
  path: (q) => `/${pick(q, ['var', 'home', 'opt', 'usr', 'srv', 'data'])}/${Array.from({ length: int(q, 1, 3) }, () => word(q, int(q, 1, 2))).join('/')}`,
  file: (q) => `/${pick(q, ['var/lib', 'etc', 'opt', 'usr/share'])}/${word(q)}/${word(q)}.${pick(q, ['conf', 'dat', 'so', 'log', 'db'])}`,
  winpath: (q) =>
    pick(q, [
      `C:\\Program Files\\${cap(word(q))} ${cap(word(q))}\\${word(q)}.dll`,
      `C:\\Windows\\Servicing\\Packages\\${cap(word(q))}.mum`,
      `C:\\Program Files (x86)\\${cap(word(q))}\\${word(q)}.exe`,
      `C:\\Windows\\WinSxS\\amd64_${word(q)}_${hexDigits(q, 16)}\\${word(q)}.cat`,
    ]),
  macpath: (q) =>
    `/Users/${word(q, 2)}/Library/${pick(q, ['Mobile Documents', 'Saved Application State', 'Group Containers', 'Caches', 'Preferences'])}/${word(q)}.${pick(q, ['plist', 'db', 'savedState'])}`,
  loc: (q) => `R${pad(int(q, 0, 47), 2)}-M${int(q, 0, 1)}-N${pad(int(q, 0, 15), 2)}-${pick(q, ['J', 'C:J', 'U'])}${pad(int(q, 2, 18), 2)}`,
  block: (q) => `${cap(word(q, 1))}_${pad(int(q, 0, 63), 2)}${pick(q, ['', '_A', '_B'])}`,
  bootimg: (q) => `/bgl/${word(q)}/${word(q, 1)}-${int(q, 100, 999)}.elf`,
  jobname: (q) => word(q, int(q, 1, 3)),
  queue: (q) => word(q, 1),
  dimm: (q) => `DIMM_${pick(q, ['A', 'B', 'C', 'D'])}${int(q, 1, 4)}`,
  resv: (q) => `${word(q, 1)}_${word(q, 1)}`,
  qid: (q) => letters(q, int(q, 9, 11), 'ABCDEFGHJKLMNPQRSTVWXYZ'),
  client: (q) => pick(q, ['WindowsUpdateAgent', 'TrustedInstaller', 'UpdateAgentLCU', 'CbsTask']) + (q() < 0.5 ? '' : cap(word(q, 1))),
  pkgid: (q) => `Package_${pick(q, ['for_KB', 'for_RollupFix', ''])}${int(q, 1000000, 5999999)}~31bf3856ad364e35~amd64~~${int(q, 6, 10)}.${int(q, 0, 3)}.${int(q, 1, 19999)}.${int(q, 0, 999)}`,
  update: (q) => `${cap(word(q))}-${cap(word(q))}`,
  winstate: (q) => pick(q, ['Installed', 'Staged', 'Absent', 'Resolved', 'Partially Installed', 'Default']),
  hrname: (q) => pick(q, ['CBS_E_INVALID_PACKAGE', 'ERROR_FILE_NOT_FOUND', 'CBS_E_MANIFEST_INVALID_ITEM', 'E_FAIL', 'ERROR_SXS_ASSEMBLY_MISSING']),
  regkey: (q) => `${cap(word(q))}${cap(word(q, 1))}`,
  ver: (q) => `${int(q, 1, 12)}.${int(q, 0, 9)}.${int(q, 0, 99)}`,
  pkg: (q) => `com.${word(q, 1)}.${word(q)}`,
  cls: (q) => `.${pick(q, ['', 'ui.', 'app.'])}${camel(q, 2)}${pick(q, ['Activity', 'Service', 'Receiver', 'Provider'])}`,
  tag: (q) => pick(q, [`*${word(q, 1)}*`, `${camel(q, 2)}`, `${word(q, 1)}:${word(q, 1)}`]),
  ssid: (q) => `"${camel(q, 2)}"`,
  prop: (q) => `${pick(q, ['ro', 'persist', 'sys'])}.${word(q, 1)}.${word(q)}`,
  proc: (q) => pick(q, [word(q), `com.apple.${word(q)}`, camel(q, 2)]),
  drv: (q) => `${pick(q, ['IO', 'Apple', 'AppleHDA', 'AppleUSB'])}${camel(q, 2)}`,
  method: (q) => `${word(q, 2)}${camel(q, 1)}`,
  wakesrc: (q) => pick(q, ['EC.LidOpen (User)', 'XHC1', 'RTC (Alarm)', 'EC.ACAttach (Maintenance)', 'ARPT', 'EC.PowerButton (User)', 'UserActivity Assertion']),
  exe: (q) => `${word(q)}.exe${q() < 0.4 ? ' *64' : ''}`,
  proxyhost: (q) => `proxy${int(q, 1, 9)}.${word(q)}.${pick(q, ['com', 'net'])}`,
  rule: (q) => cap(word(q, int(q, 1, 2))),
  ns: (q) => word(q, int(q, 1, 2)),
  pod: (q) => `${word(q)}-${hexDigits(q, int(q, 8, 10))}-${letters(q, 5, 'bcdfghjklmnpqrstvwxz2456789')}`,
  ctr: (q) => word(q, int(q, 1, 2)),
  image: (q) => `${pick(q, ['registry.', 'quay.', 'docker.'])}${word(q, 1)}.io/${word(q)}/${word(q)}:v${int(q, 0, 3)}.${int(q, 0, 20)}.${int(q, 0, 9)}`,
  vol: (q) => `${word(q)}-${pick(q, ['config', 'token', 'data', 'certs'])}`,
  knode: (q) => `${word(q, 1)}-${pick(q, ['worker', 'pool', 'node'])}-${letters(q, 4, 'abcdefghjkmnpqrstvwxyz')}`,
  rs: (q) => `${word(q)}-${hexDigits(q, 10)}`,
  db: (q) => word(q, int(q, 1, 3)),
  table: (q) => `${word(q, int(q, 1, 2))}${q() < 0.5 ? '' : `_${word(q, 1)}`}`,
  qualtable: (q, v) => `${v.draw(q, 'db')}.public.${v.draw(q, 'table')}`,
  param: (q) => pick(q, ['work_mem', 'log_min_duration_statement', 'max_connections', 'shared_buffers', `${word(q, 1)}_${word(q, 1)}`]),
  tz: (q) => pick(q, ['UTC', 'CET', 'CEST', 'EST', 'PDT']),
  lockmode: (q) => pick(q, ['transaction', 'relation']),
  zone: (q) => word(q, 1),
  servlet: (q) => `${word(q)}${pick(q, ['Servlet', 'Dispatcher', 'Controller', ''])}`,
  thread: (q) => pick(q, [`http-nio-8080-exec-${int(q, 1, 200)}`, `pool-${int(q, 1, 9)}-thread-${int(q, 1, 40)}`, 'main', `${word(q)} worker ${int(q, 1, 8)}`]),
  exc: (q) =>
    pick(q, [
      'java.lang.NullPointerException',
      'java.lang.IllegalStateException',
      'java.io.IOException',
      'java.sql.SQLTransientConnectionException',
      `com.${word(q)}.${camel(q, 2)}Exception`,
    ]),
  fqmethod: (q) => `${pick(q, ['com', 'org', 'io'])}.${word(q, 1)}.${word(q)}.${camel(q, 2)}.${word(q, 2)}${camel(q, 1)}`,
  javafile: (q) => `${camel(q, 2)}.java`,
  app: (q) => `${camel(q, 2)}Application`,
  ctxpath: (q) => `/${word(q)}`,
  warpath: (q) => `/opt/tomcat/webapps/${word(q)}.war`,
  cache: (q) => `${word(q, 1)}${cap(word(q, 1))}Cache`,
  task: (q) => `${camel(q, 2)}Job.${word(q, 2)}`,
  lock: (q) => pick(q, ['compute_resources', `${uuid(q)}`, 'refresh_cache-' + uuid(q), `${word(q)}_lock`]),
  func: (q) => `nova.compute.${word(q)}.${camel(q, 2)}.${word(q)}_${word(q)}`,
  flavor: (q) => `m${int(q, 1, 5)}.${pick(q, ['tiny', 'small', 'medium', 'large', 'xlarge'])}`,
  reason: (q) => `${camel(q, 2)}`,
  sbop: (q) => pick(q, ['file-read-data', 'mach-lookup', 'file-write-create', 'network-outbound', 'file-read-metadata']),
  powersrc: (q) => pick(q, ['AC', 'BATT']),
  pglock: (q) => pick(q, ['ShareLock', 'AccessExclusiveLock', 'RowExclusiveLock', 'ExclusiveLock', 'AccessShareLock']),
  sslfunc: (q) => pick(q, ['tls_early_post_process_client_hello', 'ssl3_read_bytes', 'tls_process_client_hello', 'ssl3_get_record']),
  sslreason: (q) => pick(q, ['unsupported protocol', 'sslv3 alert bad certificate', 'wrong version number', 'http request', 'no shared cipher']),
  cipher: (q) => pick(q, ['ECDHE-RSA-AES256-GCM-SHA384', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']),
  phase: (q) => pick(q, ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown']),
};

/** Pools whose size is fixed by what they name, not drawn (months of one sample, weekdays). */
const SPECIAL_POOLS: Record<string, (q: Rng) => string[]> = {
  mon: (q) => {
    const first = int(q, 0, 11);
    return q() < 0.5 ? [MONTHS[first]] : [MONTHS[first], MONTHS[(first + 1) % 12]];
  },
  wday: (q) => {
    const first = int(q, 0, 6);
    return Array.from({ length: int(q, 2, 7) }, (_, k) => WEEKDAYS[(first + k) % 7]);
  },
  year: (q) => [String(int(q, 2004, 2021))],
};

/** The system's pools: made on first use, each from its own stream seeded by the system seed and the kind. */
class Vocabulary {
  private readonly pools = new Map<string, string[]>();
  private hostMaker: Maker | undefined;
  constructor(private readonly seed: number) {}

  pool(kind: string): string[] {
    let p = this.pools.get(kind);
    if (p !== undefined) return p;
    const q = prng(hash(`${this.seed}/${kind}`));
    if (SPECIAL_POOLS[kind] !== undefined) {
      p = SPECIAL_POOLS[kind](q);
    } else {
      let make = POOLS[kind];
      if (kind === 'host' || kind === 'node') make = hostStyle(q);
      const size = q() < 1 / 3 ? int(q, 1, 3) : Math.round(Math.exp(Math.log(4) + q() * (Math.log(200) - Math.log(4))));
      const values = new Set<string>();
      for (let tries = 0; values.size < size && tries < size * 4; tries++) values.add(make(q, this));
      p = [...values];
    }
    this.pools.set(kind, p);
    return p;
  }

  /** One value of the pool, skewed towards its first values (consumes one draw of `rng`). */
  draw(rng: Rng, kind: string): string {
    const p = this.pool(kind);
    return p[Math.floor(Math.pow(rng(), 2) * p.length)];
  }
}

// ---------------------------------------------------------------- fresh values

const KILL_REASONS = ['empty #17', 'remove task', 'depends on provider', 'stop %', 'too many background', 'kill background', 'swipe', 'cached #23'];
const SIGNALS = ['Killed', 'Segmentation fault', 'Aborted', 'Terminated', 'Bus error'];
const PROBE_OUTPUTS = [
  'Get "http://%ip:%port/healthz": dial tcp %ip:%port: connect: connection refused',
  'Get "http://%ip:%port/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
  'HTTP probe failed with statuscode: 503',
  'command timed out',
];
const EXC_MESSAGES = ['Connection refused', 'HikariPool-1 - Connection is not available, request timed out after 30000ms.', 'Stream closed', 'No value present', 'index %n out of bounds for length %n', 'Broken pipe'];
const SQL_VERBS = ['SELECT', 'UPDATE', 'DELETE FROM', 'INSERT INTO'];

/** Fills `%n`, `%ip`, `%port` placeholders of a phrase with fresh values (the same ip / port for repeats). */
function fillPhrase(rng: Rng, v: Vocabulary, phrase: string): string {
  const ip = v.draw(rng, 'ip');
  const port = v.draw(rng, 'port');
  return phrase.replace(/%n/g, () => String(int(rng, 0, 512))).replace(/%ip/g, ip).replace(/%port/g, port).replace(/%/g, v.draw(rng, 'pkg'));
}

/** A duration as programs print it: mm:ss, hh:mm:ss or in words; all one value. */
function duration(rng: Rng): string {
  const s = Math.floor(Math.pow(rng(), 2) * 20000);
  const form = int(rng, 0, 3);
  if (form === 0) return `${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  if (form === 1) return `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  if (form === 2) return s < 1 ? '<1 sec' : s < 60 ? `${s} sec` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} sec` : `${Math.floor(s / 3600)} hours ${Math.floor(s / 60) % 60} min`;
  return s < 60 ? `${s} seconds` : `${Math.floor(s / 60)} minutes`;
}

/** A Go duration (`512ms`, `1.25s`, `2m3.5s`). */
function goDuration(rng: Rng): string {
  const ms = Math.floor(Math.pow(10, rng() * 5.3));
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(int(rng, 1, 3))}s`;
  return `${Math.floor(ms / 60000)}m${((ms % 60000) / 1000).toFixed(1)}s`;
}

/** A query string of 1..3 parameters, or none, after a REST path. */
function restPath(rng: Rng, v: Vocabulary): string {
  const base = pick(rng, [`/v2/${hexDigits(rng, 32)}/servers/detail`, `/v2/${hexDigits(rng, 32)}/servers/${uuid(rng)}`, `/v2.1/os-hypervisors/${int(rng, 1, 9)}`, `/api/${v.draw(rng, 'svc')}/${v.draw(rng, 'table')}`, '/healthz', `/${v.draw(rng, 'svc')}/${int(rng, 1, 9999)}`]);
  const n = int(rng, 0, 3);
  if (n === 0) return base;
  const params = Array.from({ length: n }, () => `${pick(rng, ['limit', 'marker', 'changes-since', 'status', 'name', 'page', 'q'])}=${pick(rng, [String(int(rng, 1, 500)), v.draw(rng, 'user'), `${int(rng, 2015, 2021)}-0${int(rng, 1, 9)}-1${int(rng, 0, 9)}T0${int(rng, 0, 9)}:00:00`])}`);
  return `${base}?${params.join('&')}`;
}

/** An SQL statement of varying length. */
function sql(rng: Rng, v: Vocabulary): string {
  const verb = pick(rng, SQL_VERBS);
  const table = v.draw(rng, 'table');
  const conds = Array.from({ length: int(rng, 1, 3) }, () => `${word(rng, 1)} = ${int(rng, 1, 99999)}`).join(' AND ');
  if (verb === 'SELECT') return `SELECT ${q2(rng)} FROM ${table} WHERE ${conds}`;
  if (verb === 'UPDATE') return `UPDATE ${table} SET ${word(rng, 1)} = $1 WHERE ${conds}`;
  if (verb === 'DELETE FROM') return `DELETE FROM ${table} WHERE ${conds}`;
  return `INSERT INTO ${table} VALUES ($1, $2${int(rng, 0, 1) === 1 ? ', $3' : ''})`;
}
const q2 = (rng: Rng): string => (rng() < 0.4 ? '*' : Array.from({ length: int(rng, 1, 4) }, () => word(rng, 1)).join(', '));

/** A command line of a program with 0..3 arguments. */
function commandLine(rng: Rng, v: Vocabulary): string {
  const args = Array.from({ length: int(rng, 0, 3) }, () => pick(rng, [`-${letters(rng, 1, 'abcdfvqx')}`, v.draw(rng, 'path'), String(int(rng, 1, 99))]));
  return [`/usr/${pick(rng, ['bin', 'sbin', 'local/bin'])}/${v.draw(rng, 'prog')}`, ...args].join(' ');
}

/** A value printed fresh per line (not from a pool); `a`, `b`: the spec's arguments. */
type Fresh = (rng: Rng, v: Vocabulary, a: number, b: number) => string;

const FRESH: Record<string, Fresh> = {
  n: (r, _v, a, b) => String(Number.isNaN(a) ? magnitude(r) : int(r, a, b)),
  hex: (r, _v, a) => hexDigits(r, a),
  HEX: (r, _v, a) => upperHex(r, a),
  '0x': (r, _v, a) => `0x${hexDigits(r, a)}`,
  dec: (r, _v, a) => decimal(r, Number.isNaN(a) ? 2 : a),
  uuid: (r) => uuid(r),
  UUID: (r) => uuid(r).toUpperCase(),
  pid: (r) => String(int(r, 100, 32767)),
  day: (r) => String(int(r, 1, 28)),
  day2: (r) => pad(int(r, 1, 28), 2),
  time: (r) => `${pad(int(r, 0, 23), 2)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}`,
  isodate: (r) => `${int(r, 2016, 2020)}-${pad(int(r, 1, 12), 2)}-${pad(int(r, 1, 28), 2)}`,
  hms: (r) => `${int(r, 0, 48)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}`,
  pgtime: (r) => `${int(r, 0, 9)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}.${pad(int(r, 0, 999), 3)}`,
  dur: (r) => duration(r),
  godur: (r) => goDuration(r),
  ms: (r) => `${int(r, 0, 400)}ms`,
  msl: (r) => `${int(r, 1000, 60000)}ms`,
  secs: (r) => `${decimal(r, 3)}s`,
  dp: (r) => `${int(r, 320, 800)}dp`,
  dpi: (r) => `${pick(r, [160, 240, 320, 420, 480, 640])}dpi`,
  mbv: (r) => `${int(r, 512, 262144)}MB`,
  gbv: (r) => `${int(r, 10, 4000)}GB`,
  pctn: (r) => `${int(r, 0, 100)}%`,
  pgtmp: (r) => `${int(r, 100, 32767)}.${int(r, 0, 99)}`,
  email: (r, v) => `${v.draw(r, 'user')}@${v.draw(r, 'domain')}`,
  kb: (r) => `${magnitude(r)}kB`,
  k: (r) => `${magnitude(r)}k`,
  mb: (r) => `${int(r, 1, 4096)}M`,
  mbps: (r) => `${pick(r, [10, 100, 1000, 10000])}Mbps`,
  dbm: (r) => `${int(r, -95, -30)}dBm`,
  pct: (r) => `${decimal(r, 1)}%`,
  size: (r) => `${(r() * 999).toFixed(2)} ${pick(r, ['KB', 'MB', 'GB'])}`,
  bool: (r) => (r() < 0.5 ? 'true' : 'false'),
  lsn: (r) => `${upperHex(r, 1)}/${upperHex(r, int(r, 6, 8))}`,
  sdec: (r) => `${r() < 0.5 ? '-' : '+'}${(r() * 2).toFixed(6)}`,
  rest: (r, v) => restPath(r, v),
  sql: (r, v) => sql(r, v),
  cmd: (r, v) => commandLine(r, v),
  killreason: (r, v) => fillPhrase(r, v, pick(r, KILL_REASONS)),
  signame: (r) => pick(r, SIGNALS),
  probeout: (r, v) => fillPhrase(r, v, pick(r, PROBE_OUTPUTS)),
  excmsg: (r, v) => fillPhrase(r, v, pick(r, EXC_MESSAGES)),
  causedby: (r, v) => (r() < 0.4 ? v.draw(r, 'exc') : `${v.draw(r, 'exc')}: ${fillPhrase(r, v, pick(r, EXC_MESSAGES))}`),
  locktarget: (r) => (r() < 0.5 ? `transaction ${int(r, 1000, 999999)}` : `relation ${int(r, 16384, 99999)} of database ${int(r, 16384, 99999)}`),
  cnireason: (r) => pick(r, ['NetworkPluginNotReady', 'CNINotInitialized']),
  cnimsg: (r) => pick(r, ['Network plugin returns error: cni plugin not initialized', 'docker: network plugin is not ready: cni config uninitialized']),
  podref: (r, v) => `${v.draw(r, 'ns')}/${v.draw(r, 'pod')}`,
  upstream: (r, v) => `http://${v.draw(r, 'ip')}:${v.draw(r, 'port')}${restPath(r, v)}`,
  tmpfile: (r) => `/var/cache/nginx/proxy_temp/${int(r, 0, 9)}/${pad(int(r, 0, 99), 2)}/${pad(int(r, 0, 99999999), 10)}`,
  basefiles: (r) => Array.from({ length: int(r, 1, 3) }, () => `/var/lib/nova/instances/_base/${hexDigits(r, 40)}`).join(' '),
};

// ---------------------------------------------------------------- the shape language

/**
 * An event shape: constant text with `{spec}` variables; `{{` / `}}` are
 * literal braces. A spec is `kind[:a[:b]]` (a pool of the vocabulary or a
 * FRESH kind with its arguments), then at most one of:
 *   `?`        a sometimes-empty field (printed empty with EMPTY_CHANCE);
 *   `,`        a comma-joined list of 1..5 values; `...` a space-joined one;
 *   `(other)`  an optional ` (value of other)` inside the same variable.
 * `{=a|b|c}` is a closed set: one event per constant (only in closed shapes).
 */
type Part = { readonly text: string } | { readonly spec: string };

function parseShape(shape: string): Part[] {
  const parts: Part[] = [];
  const re = /\{\{|\}\}|\{([^{}]+)\}/g;
  let last = 0;
  let text = '';
  for (let m = re.exec(shape); m !== null; m = re.exec(shape)) {
    text += shape.slice(last, m.index);
    last = re.lastIndex;
    if (m[0] === '{{' || m[0] === '}}') {
      text += m[0][0];
      continue;
    }
    if (text !== '') parts.push({ text });
    text = '';
    parts.push({ spec: m[1] });
  }
  text += shape.slice(last);
  if (text !== '') parts.push({ text });
  return parts;
}

/** One value of `spec` (see parseShape), possibly empty only for `?` specs. */
function valueOf(rng: Rng, v: Vocabulary, spec: string): string {
  const paren = /^(.+)\((\w+)\)$/.exec(spec);
  if (paren !== null) {
    const main = valueOf(rng, v, paren[1]);
    return rng() < PAREN_CHANCE ? `${main} (${valueOf(rng, v, paren[2])})` : main;
  }
  if (spec.endsWith('?')) return rng() < EMPTY_CHANCE ? '' : valueOf(rng, v, spec.slice(0, -1));
  if (spec.endsWith('...')) return Array.from({ length: int(rng, 1, 6) }, () => valueOf(rng, v, spec.slice(0, -3))).join(' ');
  if (spec.endsWith(',')) return Array.from({ length: int(rng, 1, 5) }, () => valueOf(rng, v, spec.slice(0, -1))).join(',');
  const [kind, a, b] = spec.split(':');
  const fresh = FRESH[kind];
  if (fresh !== undefined) return fresh(rng, v, Number(a), Number(b));
  if (POOLS[kind] === undefined && SPECIAL_POOLS[kind] === undefined) throw new Error(`unseen-systems-v7: unknown kind ${kind}`);
  return v.draw(rng, kind);
}

/** A render of a parsed shape: constant parts as they are, variables drawn each line. */
function renderOf(parts: readonly Part[], v: Vocabulary): Render {
  return (rng) => parts.map((p): Piece => ('text' in p ? { text: p.text, variable: false } : { text: valueOf(rng, v, p.spec), variable: true }));
}

/** The members of a closed shape: `{=a|b}` expanded (one event per constant), or the listed shapes (specific beside general). */
function closedMembers(shape: string | readonly string[], v: Vocabulary): Render[] {
  if (typeof shape !== 'string') return shape.map((s) => renderOf(parseShape(s), v));
  const m = /\{=([^{}]+)\}/.exec(shape);
  if (m === null) throw new Error(`unseen-systems-v7: closed shape without {=…}: ${shape}`);
  return m[1].split('|').map((constant) => renderOf(parseShape(shape.slice(0, m.index) + constant + shape.slice(m.index + m[0].length)), v));
}

interface FamilyShapes {
  readonly plain: readonly string[];
  /** `{=a|b}` shapes, or lists of shapes that are separate events (a specific one beside a general one). */
  readonly closed: ReadonlyArray<string | readonly string[]>;
}

// ---------------------------------------------------------------- families

const FAMILIES: Record<string, FamilyShapes> = {
  ras: {
    plain: [
      'instruction cache parity error corrected',
      '{n} double-hummer alignment exceptions',
      'CE sym {n:0:31}, at {0x:8}, mask {0x:2}',
      'total of {n:1:40} ddr error(s) detected and corrected on rank {n:0:1}, symbol {n:0:35}, bit {n:0:7}',
      'ciod: failed to read message prefix on control stream (CioStream socket to {ip}:{port})',
      'ciod: Error loading {bootimg}: invalid or missing program image, Exec format error',
      'ciod: LOGIN chdir({path}) failed: No such file or directory',
      'generating core.{n:0:4095}',
      'NodeCard {loc} is not fully functional',
      'rts: kernel terminated for reason {n:1001:1004}',
      'Lustre mount FAILED : {host} : point {path}',
      'machine check interrupt (bit={0x:8}): L2 dcache unit data parity error',
      'MidplaneSwitchController performing bit sparing on {loc} bit {n:0:23}',
      '{n} torus non-crc error(s) (dcr {0x:4}) detected and corrected over {n:1:3600} seconds',
      'ddr: activating redundant bit steering: rank={n:0:1} symbol={n:0:35}',
      'Error receiving packet on tree network, expecting type {n:1:64} instead of type {n:1:64} (softheader={hex:8} {hex:8})',
      'fan module {loc} speeds {n:2000:9000,} rpm',
      'Kernel detected {n} integer alignment exceptions ({n} iar {0x:8}, dear {0x:8})',
      'block {block} booted with image {bootimg} on {n:1:1024} nodes by {user}',
      'job {n:1000:99999} of {user} ended {wday} {mon} {day} {time} {year} after {dur}',
      'idoproxydb hit ASSERT condition: ASSERT expression={n:0:1} Source file={file} Source line={n:10:3000}',
      'shutdown complete',
      'PrepareForService shutting down {loc} as part of service action {n:100:999}',
      'data storage interrupt',
    ],
    closed: [
      'torus receiver {=x+|x-|y+|y-|z+|z-} input pipe error(s) (dcr {0x:4}) detected and corrected',
      'node card {loc} {=powered on|powered off|reset|discovered}',
      'BGLMASTER FAILURE ciodb exited {=normally|abnormally} with exit code {n:0:255}',
      ['block {block} freed by {user}', 'block {block} freed by system'],
    ],
  },
  hpc: {
    plain: [
      '{node}: ServerFileSystem domain {svc} is full',
      '{node}: link error event interval expired (interval={n:1:60})',
      '{node} temperature ({n:40:95}) exceeds warning threshold',
      '{node}: fan {n:1:8} speed {n:1000:9000} RPM below threshold',
      'step {n:0:9} of {jobname} launched on {node...}',
      '{user} submitted {jobname} to queue {queue} (walltime={hms})',
      '{jobname} exceeded walltime limit of {hms}',
      '{jobname}: exit status {n:0:255}, resources_used.cput={hms}mem={kb}vmem={kb}',
      '{node}: clock skew detected ({dec:3} s)',
      'scheduler cycle took {n:1:9000} ms for {n:1:400} jobs',
      '{node} responding after {dur}',
      '{node}: mcelog: corrected memory errors on {dimm}',
      '{jobname} preempted by {jobname} (priority {n:1:1000})',
      'reservation {resv} ends {wday} {mon} {day} {time}',
      '{node}: exclusive={bool} shared={bool} features={svc,}',
      'pbs_mom: Bad file descriptor ({n:9:9}) in wait_request, select failed',
      '{jobname} requeued, {n:1:9} attempts left',
      '{node} unreachable: no route to {ip}',
      'nodes {node,} drained by {user}: {svc}',
      'Accounting record for {jobname}: user={user} group={queue} nodes={n:1:512} elapsed={hms}',
      'qsub: job rejected by all possible destinations',
    ],
    closed: [
      '{node} entered {=maintenance|service|failed|ready} mode',
      'power supply {n:1:2} on {node} {=failed|recovered}',
      '{=ib0|ib1} port {n:1:2} on {node} went down',
      'setting enforce_limits to {=true|false}',
      ['{jobname} started on default partition', '{jobname} started on partition {queue}'],
    ],
  },
  tbird: {
    plain: [
      '{qid}: to=<{email}>, relay={host}[{ip}]:25, delay={n:0:90}, status=sent',
      '{qid}: from=<{email}>, size={n}, nrcpt={n:1:3} (queue active)',
      '{qid}: removed',
      'synchronized to {ip}, stratum {n:1:4}',
      'DHCPDISCOVER from {mac} via eth1',
      'DHCPREQUEST for {ip} from {mac} via eth1',
      'DHCPACK on {ip} to {mac(host)} via eth1',
      'Accepted publickey for {user} from {ip} port {port} ssh2',
      'session opened for user {user} by (uid=0)',
      '{user} : TTY=pts/{n:0:9} ; PWD={path} ; USER=root ; COMMAND={cmd}',
      '({user}) CMD ({cmd})',
      'time reset {sdec} s',
      'check pass; user unknown',
      'Connection refused ({n:111:111}) in open_demux, open_demux: connect {ip}:{port}',
      'EXT3-fs error (device {svc}): ext3_find_entry: reading directory #{n} offset {n:0:4096}',
      'mount request from {ip} for {path} denied',
      'connect from {host}[{ip}]',
      'disconnect from {host}[{ip}]',
      'Received signal 15; terminating.',
      'ib_sm sweep {n} found {n:1:300} switches and {n:1:5000} endnodes',
      'Server listening on :: port 22.',
    ],
    closed: [
      '{=eth0|eth1|myri0}: link up, {mbps} full duplex',
      '{=DHCPINFORM|DHCPRELEASE} from {ip} via eth1',
      'postfix/{=smtpd|cleanup|qmgr} running with {n:1:40} processes',
      ['lost synchronization with peer {ip}', 'lost synchronization with peer LOCAL(0)'],
    ],
  },
  cbs: {
    plain: [
      'Loaded Servicing Stack v{ver} with Core: {winpath}',
      'Session: {n:10000000:39999999}_{n:1000000:4294967295} initialized by client {client}.',
      'Read out cached package applicability for package: {pkgid}, ApplicableState: {n:0:112}, CurrentState:{n:0:112}',
      'Failed to get next element [HRESULT = {0x:8} - {hrname}]',
      'Warning: Unrecognized packageExtended attribute.',
      'Expecting attribute name [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]',
      'Plan: Package: {pkgid}, Update: {update}, current: {winstate}, pending: Default, start: {winstate}, applicable: {winstate}, targeted: {winstate}, limit: {winstate}',
      'Exec: Processing started. Client: {client}, Session: {n:10000000:39999999}_{n:1000000:4294967295}, Package: {pkgid}',
      'Scavenge: Begin CSI Store',
      'Scavenge: Completed, disposition: {0x:8}',
      'Idle processing thread terminated normally',
      'Package {pkgid} is installed in {winpath}',
      'Mark store corruption flag because of package: {pkgid}. Status code: {0x:8}',
      'CSI Transaction @{0x:8} initialized for deployment engine {{{uuid}}} with flags {0x:8} and client id [{n:1:40}]"{client}"',
      'Failed to open file {winpath} [HRESULT = {0x:8} - ERROR_FILE_NOT_FOUND]',
      'Unable to query DWORD value {regkey} from key HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing',
      'Pending reboot requested by {client} for {n:1:20} packages, waiting {dur}',
      'Perf: InstallUninstallChain complete. elapsed {dur}',
      'Appl: Evaluating applicability block(detectUpdate), disposition is: {n:0:2}, applicability: {winstate}, result applicability state: {winstate}',
      'SQM: Queued {n:0:40} file(s) for upload with pattern: {winpath}',
      'Could not load SrClient DLL from path: SrClient.dll. Continuing without system restore points.',
    ],
    closed: [
      'Ensuring CbsSession is initialized, background mode: {=TRUE|FALSE}',
      'Reboot mark {=set|cleared|refreshed}',
      '{=Starting|Ending} TrustedInstaller initialization.',
      ['Session {n:10000000:39999999}_{n:1000000:4294967295} finalized. Reboot required: no', 'Session {n:10000000:39999999}_{n:1000000:4294967295} finalized. Reboot required: {update}'],
    ],
  },
  syslog: {
    plain: [
      'authentication failure; logname= uid=0 euid=0 tty={tty} ruser= rhost={host} user={user?}',
      'session opened for user {user} by (uid={n:0:600})',
      'session closed for user {user}',
      'connection from {ip} ({host?}) at {wday} {mon} {day} {time} {year}',
      'ANONYMOUS FTP LOGIN FROM {ip}, (anonymous)',
      'session opened for user {user} by {user}(uid={n:500:600})',
      'Failed password for {user} from {ip} port {port} ssh2',
      'Failed password for illegal user {user} from {ip} port {port} ssh2',
      'Did not receive identification string from {ip}',
      'Authentication failed from {ip} ({host}): Software caused connection abort',
      'START: {svc} pid={pid} from={ip}',
      'EXIT: {svc} pid={pid} duration={n:0:900}(sec)',
      'Memory: {k}/{k} available ({k} kernel code, {k} reserved, {k} data, {k} init, {k} highmem)',
      'audit({dec:3}:{n:0:9}): initialized',
      'lame server resolving \'{domain}\' (in \'{domain}\'?): {ip}#53',
      'getpeername (in.ftpd): Transport endpoint is not connected',
      'FTP session closed',
      'ALERT exited abnormally with [{n:1:1}]',
      'Kerberos authentication failed',
      'gethostbyname error for {host}',
      'USER {user} LOGIN FROM {ip} [{ip}], {user}',
      'cpu {n:0:3}: irq {n:1:255} balanced to {n:0:3}',
      'restart.',
    ],
    closed: [
      '{svc} {=startup|shutdown} succeeded',
      'kernel: {=eth0|eth1|lo}: no IPv6 routers present',
      '{=klogind|kshd|eklogin}: connection refused from {ip}',
      ['su: authentication failure for root', 'su: authentication failure for {user}'],
    ],
  },
  logcat: {
    plain: [
      'Displayed {pkg}/{cls}: +{ms}',
      'Killing {pid}:{pkg}/u0a{n:10:300} (adj {n:0:999}): {killreason}',
      'Skipped {n:30:900} frames!  The application may be doing too much work on its main thread.',
      'Wifi connection to {ssid} lost, rssi={dbm}',
      'getRunningAppProcesses: caller {n:10000:19999} does not hold REAL_GET_TASKS; limiting output',
      'Unable to start service Intent {{ act={pkg}.action.{svc} pkg={pkg} }} U=0: not found',
      'level:{n:0:100}, scale:100, status:{n:1:5}, health:{n:1:7}, present:true, voltage:{n:3400:4400}, temperature:{n:200:450}',
      'Got RemoteException sending setActive(false) notification to pid {pid} uid {n:10000:19999}',
      'Scheduling restart of crashed service {pkg}/{cls} in {ms}',
      'Process {pkg} (pid {pid}) has died',
      'GC_CONCURRENT freed {k}, {pctn} free {k}/{k}, paused {ms}+{ms}, total {ms}',
      'ActivityRecord{{{hex:7} u0 {pkg}/{cls} t{n:1:999}}} not found',
      'Access denied finding property "{prop}"',
      'handleMessage: what={n:1:30}, mScreenOn={bool}, mIsCharging={bool}',
      'batteryChanged level={n:0:100}plugged={n:0:2} temp={n:200:450}',
      'notifyPackageAdded: {pkg,}',
      'Config changes={hex:4} {{1.0 ?mcc?mnc en_US ldltr sw{dp} w{dp} h{dp} {dpi}}}',
      'avc: denied {{ read }} for name="{svc}" dev="{svc}" ino={n} scontext=u:r:untrusted_app:s0 tcontext=u:object_r:sysfs:s0 tclass=file permissive=0',
      'Background concurrent copying GC freed {n}({kb}) AllocSpace objects, {n:0:99}({kb}) LOS objects, {pctn} free, {mb}/{mb}, paused {ms} total {ms}',
    ],
    closed: [
      'setInteractive({=true|false})',
      'Start proc {pid}:{pkg}/u0a{n:10:300} for {=activity|service|broadcast|content provider} {pkg}/{cls}',
      'onWifiStateChanged: {=enabled|disabled|enabling|disabling}',
      'Screen {=on|off} by {pkg}',
      ['Using default wallpaper component', 'Using wallpaper component {pkg}/{cls}'],
    ],
  },
  macos: {
    plain: [
      'ARPT: {dec:6}: wl0: setup_keepalive: Remote IP: {ip}',
      'Sandbox: {proc}({pid}) deny({n:1:2}) {sbop} {macpath}',
      'DarkWake from Deep Idle [CDNVA] : due to {wakesrc} Using {powersrc} (Charge:{pctn})',
      'PM response took {n:100:9999} ms ({n:1:40}, {proc})',
      '{drv}<{0x:16}>::{method}: port = {n:1:8} unplug = {n:0:1}',
      'Received XPC error Connection interrupted for message type {n:1:9} kCFNetworkAgentXPCMessageTypePACQuery',
      'hibernate image path: /var/vm/sleepimage',
      'assertion failed: 15G{n:20:40}: libxpc.dylib + {n} [{UUID}]: {0x:2}',
      'Previous shutdown cause: {n:-128:5}',
      'USBMSC Identifier (non-unique): {HEX:12} {0x:4} {0x:4} {0x:4}, {n:1:3}',
      'tcp_connection_destination_perform_socket_connect {n} connectx to {ip}:{port}@{n:0:9} failed: [{n:1:65}] Network is unreachable',
      'Unable to load {macpath}: <private>',
      '{proc}: session {n} ended after {dur}',
      'mDNS_RegisterInterface: Frequent transitions for interface en0 ({ip})',
      '{proc}: scheduler_evaluate_activity told me to run this job; however, but the start time isn\'t for {n:1:9999} seconds. Ignoring.',
      'Bluetooth -- LE is supported - Disable LE meta event',
      'isLowPowerMode={bool} isThermalThrottled={bool}',
      'CCFile::captureLog Received Capture notice id: {n}, reason = {reason}:{n}',
      'BSSID changed to {mac}, rssi {n:-90:-30}, channel {n:1:165}',
    ],
    closed: [
      'Connection to {proc} {=invalidated|interrupted}',
      'WindowServer: Display {0x:8} is now {=online|offline|mirrored}',
      'thermal pressure level {=nominal|moderate|heavy|trapping}',
      '{=en0|en1|awdl0}: link state changed to {n:0:1}',
      ['AppleCamIn::systemWakeCall - messageType = 0xE0000340', 'AppleCamIn::systemWakeCall - messageType = {0x:8}'],
    ],
  },
  nova: {
    plain: [
      '[req-{uuid} {hex:32} {hex:32} - - -] {ip} "GET {rest} HTTP/1.1" status: {n:200:404} len: {n:200:9999} time: {dec:7}',
      '[req-{uuid} {hex:32} {hex:32} - - -] {ip} "POST {rest} HTTP/1.1" status: {n:200:404} len: {n:200:9999} time: {dec:7}',
      '[instance: {uuid}] Total memory: {n:1024:262144} MB, used: {dec:2} MB',
      '[instance: {uuid}] Claim successful',
      'Running instance usage audit for host {host} from {isodate} {time} to {isodate} {time}. {n:0:40} instances.',
      'image {hex:40} at ({path}): checking',
      'Active base files: {basefiles}',
      'Removable base files: {basefiles?}, unknown: {n:0:9}',
      'Auditing locally available compute resources for node {host}',
      'Final resource view: name={host} phys_ram={mbv} used_ram={mbv} phys_disk={gbv} used_disk={gbv} total_vcpus={n:1:128} used_vcpus={n:0:128} pci_stats=[]',
      '[instance: {uuid}] Terminating instance',
      '[instance: {uuid}] Deleting instance files {path}',
      '[instance: {uuid}] Deletion of {path} complete',
      'HTTP exception thrown: Instance {uuid} could not be found.',
      'Successfully synced instances from host \'{host}\'.',
      'The instance sync for host \'{host}\' did not match. Re-created its InstanceList.',
      'Lock "{lock}" acquired by "{func}" :: waited {secs}',
      'Lock "{lock}" released by "{func}" :: held {secs}',
      '[instance: {uuid}] Instance destroyed successfully.',
      '[instance: {uuid}] Creating image',
      '[instance: {uuid}] Attempting claim: memory {n:512:65536} MB, disk {n:1:400} GB, vcpus {n:1:32} CPU, flavor {flavor}',
      'Compute_service record updated for {host}:{host}',
    ],
    closed: [
      '[instance: {uuid}] VM {=Started|Stopped|Paused|Resumed} (Lifecycle Event)',
      '[instance: {uuid}] Took {dec:2} seconds to {=spawn the instance on the hypervisor|build instance|destroy the instance on the hypervisor|deallocate network for instance}.',
      '[instance: {uuid}] During sync_power_state the instance has a pending task ({=spawning|deleting|rebooting}). Skip.',
      ['[instance: {uuid}] Using config drive', '[instance: {uuid}] Using config drive {path}'],
    ],
  },
  proxy: {
    plain: [
      '{exe} - {domain}:{port} open directly',
      '{exe} - {domain}:{port} close, {n(size)} bytes sent, {n(size)} bytes received, lifetime {dur}',
      '{exe} - {domain}:{port} error : Could not connect through proxy {proxyhost}:{port} - Proxy server cannot establish a connection with the target, status code {n:400:504}',
      '{exe} - {domain}:{port} error : A connection request was canceled before the completion.',
      '{exe} - Could not resolve {domain} error {n:11001:11004}',
      'Welcome to Proxifier v{ver}',
      'Traffic: {size} sent, {size} received in {n:1:9999} connections since {wday} {mon} {day} {time}',
      '{exe} - {ip}:{port} error : Connection closed unexpectedly by the proxy',
      '{exe} - {domain}:{port} chain {proxyhost,} selected',
      'Log file {winpath} rotated',
      '{exe} - {domain}:{port} error : Could not connect to proxy {proxyhost}:{port} - connection attempt failed with error {n:10000:11004}',
      '{exe} - {domain}:{port} error : Could not establish tunnel, server replied: HTTP/1.1 {n:400:503} {reason}',
      '{exe} - {domain}:{port} error : The remote server closed the connection during SSL handshake',
      'Profile {winpath} loaded, {n:1:40} rules, {n:1:9} proxies',
      'Name resolution of {domain} failed, negative reply cached for {n:1:300} sec',
      'Connection to {proxyhost}:{port} timed out after {n:1:120} sec, {n:0:3} retries left',
      '{exe} - {domain}:{port} open through proxy chain {proxyhost,}',
    ],
    closed: [
      '{exe} - {domain}:{port} open through proxy {proxyhost}:{port} {=HTTPS|SOCKS5|SOCKS4}',
      ['{exe} - {domain}:{port} matching Default rule', '{exe} - {domain}:{port} matching {rule} rule'],
      'DNS resolving {=enabled|disabled} through proxy',
      '{proxyhost}:{port} test {=passed|failed}',
      'Proxifier service {=started|stopped|paused}',
    ],
  },
  kube: {
    plain: [
      '"Probe failed" probeType="Readiness" pod="{podref}" podUID={uuid} containerName="{ctr}" probeResult=failure output="{probeout}"',
      'Pulling image "{image}"',
      'Successfully pulled image "{image}" in {godur} ({godur} including waiting)',
      'Back-off restarting failed container {ctr} in pod {pod}_{ns}({uuid})',
      'MountVolume.SetUp succeeded for volume "{vol}"',
      '"Killing container with a grace period" pod="{podref}" podUID={uuid} containerName="{ctr}" containerID="containerd://{hex:64}" gracePeriod={n:0:60}',
      'Attempting to register node {knode}',
      'Successfully registered node {knode}',
      'Failed to update endpoint {ns}/{svc}: Operation cannot be fulfilled on endpoints "{svc}": the object has been modified; please apply your changes to the latest version and try again',
      '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"{ctr}\\" with CrashLoopBackOff: \\"back-off {godur} restarting failed container\\"" pod="{podref}" podUID={uuid}',
      '"Container runtime network not ready" networkReady="NetworkReady=false reason:{cnireason?} message:{cnimsg?}"',
      '"Successfully bound pod to node" pod="{podref}" node="{knode}" evaluatedNodes={n:1:200} feasibleNodes={n:0:200}',
      '"SyncLoop UPDATE" source="api" pods=[{podref,}]',
      '"SyncLoop (probe)" probe="readiness" status="ready" pod="{podref}"',
      '"Image garbage collection succeeded"',
      '"Pod status updated" pod="{podref}" status="{phase}" hostNetwork={bool}',
      'Event occurred object="{podref}" kind="Pod" apiVersion="v1" type="Warning" reason="{reason}" message="{killreason}"',
      'lease {ns}/{knode} renewed after {godur}',
      'Deleting pod {podref} from node {knode} (grace {secs})',
    ],
    closed: [
      '"SyncLoop {=ADD|DELETE|REMOVE}" source="api" pods=[{podref,}]',
      '{=Created|Started|Killing} container {ctr}',
      'Node {knode} status is now: {=NodeReady|NodeNotReady|NodeHasSufficientMemory|NodeHasDiskPressure}',
      'Scaled {=up|down} replica set {rs} to {n:0:40}',
      '"Eviction manager: attempting to reclaim" resourceName="{=memory|ephemeral-storage|nodefs.inodes}"',
    ],
  },
  pg: {
    plain: [
      'connection received: host={ip} port={n:30000:65000}',
      'connection authorized: user={user} database={db}',
      'disconnection: session time: {pgtime} user={user} database={db} host={ip} port={n:30000:65000}',
      'duration: {dec:3} ms  statement: {sql}',
      'automatic vacuum of table "{qualtable}": index scans: {n:0:3}',
      'automatic analyze of table "{qualtable}" system usage: CPU: user: {dec:2} s, system: {dec:2} s, elapsed: {dec:2} s',
      'checkpoint complete: wrote {n} buffers ({dec:1}%); {n:0:9} WAL file(s) added, {n:0:9} removed, {n:0:40} recycled; write={dec:3} s, sync={dec:3} s, total={dec:3} s; sync files={n:0:300}, longest={dec:3} s, average={dec:3} s; distance={n} kB, estimate={n} kB',
      'could not receive data from client: Connection reset by peer',
      'unexpected EOF on client connection with an open transaction',
      'password authentication failed for user "{user}"',
      'database system was shut down at {isodate} {time} {tz}',
      'database system is ready to accept connections',
      'process {pid} still waiting for {pglock} on {locktarget} after {dec:3} ms',
      'Process {pid} waits for ShareLock on transaction {n}; blocked by process {pid}.',
      'temporary file: path "base/pgsql_tmp/pgsql_tmp{pgtmp}", size {n}',
      'server process (PID {pid}) was terminated by signal {n:1:15}: {signame}',
      'parameter "{param}" changed to "{n}"',
      'listening on IPv4 address "{ip}", port {port}',
      'listening on Unix socket "/var/run/postgresql/.s.PGSQL.{port}"',
      'redo starts at {lsn}',
      'redo done at {lsn} system usage: CPU: user: {dec:2} s, system: {dec:2} s, elapsed: {dec:2} s',
      'relation "{table}" does not exist at character {n:1:300}',
      'archive command failed with exit code {n:1:255}',
      'skipping vacuum of "{table}" --- lock not available',
    ],
    closed: [
      'checkpoint starting: {=time|wal|shutdown immediate|immediate force wait}',
      'received {=fast|smart|immediate} shutdown request',
      'SSL connection authorized: user={user} database={db} protocol={=TLSv1.2|TLSv1.3} cipher={cipher}',
      '{=logical replication launcher|autovacuum launcher|background writer} started',
    ],
  },
  nginx: {
    plain: [
      '*{n} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", upstream: "{upstream}", host: "{domain}"',
      '*{n} open() "{path}" failed (2: No such file or directory), client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", host: "{domain}"',
      '*{n} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: {domain}, request: "POST {rest} HTTP/1.1", upstream: "{upstream}", host: "{domain}"',
      '*{n} client intended to send too large body: {n} bytes, client: {ip}, server: {domain}, request: "POST {rest} HTTP/1.1", host: "{domain}"',
      'signal process started',
      'using the "epoll" event method',
      'start worker process {pid}',
      'worker process {pid} exited with code {n:0:2}',
      '*{n} SSL_do_handshake() failed (SSL: error:{HEX:8}:SSL routines:{sslfunc}:{sslreason}) while SSL handshaking, client: {ip}, server: 0.0.0.0:443',
      'limiting requests, excess: {dec:3} by zone "{zone}", client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", host: "{domain}"',
      '*{n} access forbidden by rule, client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", host: "{domain}"',
      '*{n} "{path}" is not found (2: No such file or directory), client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", host: "{domain}"',
      '*{n} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", upstream: "{upstream}", host: "{domain}"',
      '*{n} an upstream response is buffered to a temporary file {tmpfile} while reading upstream, client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", upstream: "{upstream}", host: "{domain}"',
      'conflicting server name "{domain}" on 0.0.0.0:80, ignored',
      '*{n} no live upstreams while connecting to upstream, client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", upstream: "{upstream}", host: "{domain}"',
      'gracefully shutting down',
      '*{n} user "{user}": password mismatch, client: {ip}, server: {domain}, request: "GET {rest} HTTP/1.1", host: "{domain}"',
    ],
    closed: [
      '*{n} client sent invalid request while reading client request line, client: {ip}, server: {domain}, request: "GET {rest} {=HTTP/1.0|HTTP/1.1|HTTP/2.0}"',
      '{=cache manager|cache loader|worker} process {pid} exited on signal {n:9:15}',
      ['ssl_stapling disabled for "default"', 'ssl_stapling disabled for "{domain}"'],
    ],
  },
  jee: {
    plain: [
      'Servlet.service() for servlet [{servlet}] in context with path [{ctxpath?}] threw exception',
      'Exception in thread "{thread}" {exc}: {excmsg}',
      'at {fqmethod}({javafile}:{n:10:900})',
      '... {n:1:90} more',
      'Caused by: {causedby}',
      'Server startup in {n:900:90000} ms',
      'Starting Servlet engine: [Apache Tomcat/{ver}]',
      'Deploying web application archive [{warpath}]',
      'Deployment of web application archive [{warpath}] has finished in [{n:100:20000}] ms',
      'Started {app} in {dec:3} seconds (JVM running for {dec:3})',
      'Tomcat started on port(s): {port} (http) with context path \'{ctxpath?}\'',
      'Resolved [{exc}: {excmsg}]',
      'Request processing failed; nested exception is {exc}: {excmsg}',
      'Transaction rolled back because it has been marked as rollback-only',
      'HHH000412: Hibernate ORM core version {ver}.Final',
      'Connection is not available, request timed out after {msl}.',
      'Cache {cache} hit ratio {pct} over {n} requests',
      'Scheduled task {task} took {n:1:99999} ms',
      'Session {HEX:32} expired for user {user}',
      'Initializing ProtocolHandler ["http-nio-{port}"]',
      '[GC pause (G1 Evacuation Pause) (young) {mb}->{mb}({mb}), {dec:7} secs]',
    ],
    closed: [
      'HikariPool-{n:1:4} - {=Starting...|Start completed.|Shutdown initiated...|Shutdown completed.}',
      '{=Pausing|Stopping|Destroying} ProtocolHandler ["http-nio-{port}"]',
      'spring.jpa.open-in-view is enabled by default: {=true|false}',
      ['Mapped "{{[/error]}}" onto handler', 'Mapped "{{[{ctxpath}]}}" onto handler'],
    ],
  },
};

// ---------------------------------------------------------------- the system

/** One family's events for this system's vocabulary. */
function familyEvents(name: string, v: Vocabulary): FamilyEvents {
  const f = FAMILIES[name];
  return { plain: f.plain.map((s) => renderOf(parseShape(s), v)), closed: f.closed.map((s) => closedMembers(s, v)) };
}

/** The names of the families (all of them appear across the reported and development seeds). */
export const FAMILY_NAMES_V7: readonly string[] = Object.keys(FAMILIES);

/** One invented system of `lines` lines from `seed`: its lines, their true templates and its closed sets. */
export function unseenSystemV7(seed: number, lines = 2000): SyntheticSampleV7 {
  const r = prng(seed * 104729 + STREAM_OFFSET);
  const v = new Vocabulary(seed);
  return inventSystem(r, `v7-${seed}`, FAMILY_NAMES_V7, (name) => familyEvents(name, v), { minEvents: MIN_EVENTS, keepPlain: 0.75, keepClosed: (k) => (k === 0 ? 1 : 0.75) }, lines);
}
