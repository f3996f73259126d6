/**
 * Held-out invented systems, ninth generation (--synthetic-v9 of
 * bench/template-mining.ts).
 *
 * Why a ninth generator: v1-v8 (unseen-systems*.ts) have all been used or
 * looked at while the miner was tuned. This one was written BLIND: its author
 * did not read the miner (processors/) nor the event shapes of the earlier
 * generators, and never ran the miner on it. It shares only the sample shape
 * (SyntheticSampleV2), the drawing helpers (synthetic-draw.ts) and a
 * ground-truth convention learned again from the corrected Loghub-2.0
 * templates (below).
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it), each with its own event shapes written from
 * what those programs print:
 *   logcat   Android: process starts per component kind, kills with reasons,
 *            GC summaries per collector, wake locks with sometimes-empty tags,
 *            SELinux denials with permission lists, focus changes, frames
 *   bgl      BlueGene/L RAS: cache parity per cache, ddr / torus counters,
 *            ciod load and chdir failures per errno text, program interrupts
 *            padded with dots, register dumps, node card locations
 *   hpc      HPC cluster: node and command names leading messages, component
 *            states, PSU and fan readings, node lists, walltimes, ib0 / ib1
 *   linux    2005-era Linux syslog: pam failures with empty fields, ftpd
 *            peers with dates, xinetd START / EXIT, `<svc> startup succeeded`,
 *            kernel memory line, sudo commands, eth0 / eth1 links
 *   macos    macOS: ARPT tcp keepalive, dark wakes with causes, en0 / en1 /
 *            awdl0 BSSID, sandbox denials with spaces in paths, powerd
 *            assertions, airplane mode and captive portal states
 *   nova     OpenStack nova: api request lines per method with query strings,
 *            lifecycle events, claims in MB / GB, resource views with glued
 *            units, locks acquired / released, usage audits with ISO dates
 *   proxifier  Proxifier client: open through proxy per protocol, directly,
 *            close with lifetimes `<1 sec` / mm:ss / hh:mm:ss, rule matches
 *            (`Default` beside any rule), profile paths with spaces
 *   tbird    Thunderbird cluster syslog: ntp `LOCAL(0)` beside peers, dhcpd
 *            per interface, sendmail from= / to= lines with stat texts, cron
 *            commands, tftp, ext3 errors, cpu throttling above / below
 *   cbs      Windows CBS servicing: stack loads, sessions, package
 *            applicability, HRESULT failures per phrase, SQM, plan lines,
 *            WcpInitialize stacks, CSI transactions
 *   systemd  systemd / journald and kernel: unit lifecycle verbs with
 *            descriptions, exit codes, results, CPU time in words, sessions,
 *            EXT4 mounts (`(null)` beside options), UFW blocks, OOM kills,
 *            apparmor, NIC links per interface, journal sizes
 *   mariadb  MySQL / MariaDB server error log: InnoDB start and shutdown,
 *            buffer pool load / dump, aborted connections per reason, access
 *            denied with YES / NO, replication threads, crashed tables
 *   kafka    Kafka broker: group coordinator rebalances with reasons, log
 *            rolls, ISR shrink / expand with broker lists, retention deletes,
 *            controller partition state changes, listeners, transactions
 * Program, host, user, topic and other names are random pronounceable words
 * invented per system; real-world words appear only where programs of that
 * kind print them (ssh2, HTTP/1.1, eth0, en0, awdl0, ib0, SOCKS5, EXT4-fs,
 * L3 EDRAM, __consumer_offsets, PLAINTEXT).
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
 * Ground-truth convention, learned from the corrected Loghub-2.0 templates of
 * the seven visible sets (the pattern each rule follows there in brackets,
 * described, not copied):
 * - an identifier of words and numbers joined by `_` is ONE variable with its
 *   prefix (HDFS block ids with a signed number, Spark rdd / broadcast piece
 *   ids, Hadoop attempt / task / container / job / application ids, a
 *   DFSClient id, whole although it starts with a constant-looking word):
 *   here a CBS session `NNN_NNN`, a shutdown reason printed from data, and
 *   likewise a Kafka member id another program built
 *   (`consumer-<group>-<n>-<uuid>`, one variable);
 * - a constant word joined by `-` to a number or id keeps the word (a Windows
 *   host prefix before its random part, a block-pool prefix, a jetty version,
 *   `#` before a count): here `req-<*>`, `Interconnect-<*>`,
 *   `__consumer_offsets-<*>`, `[KafkaApi-<*>]`, `#<*>`; a constant word glued
 *   before a number keeps the word too (`core.<*>`, `u0a<*>`, `fpr<*>=`,
 *   `mthca<*>`);
 * - `ip:port` is `<*>:<*>`, the leading `/` a Java address prints stays
 *   inside the address (HDFS / Zookeeper client addresses), `host/ip:port` is
 *   `<*>/<*>:<*>` (a resource manager address);
 * - a unit glued to a number is inside the variable (a timeout in ms, a slow
 *   read in ms: `65020ms` one value); a fixed unit after a space is constant
 *   (`took <*> ms`, `capacity <*> GB`); a size a humaniser prints with a unit
 *   that changes with the size is ONE variable with its unit (Spark block
 *   sizes `5.2 KB` / `93.0 B`);
 * - brackets, parentheses, quotes around a value are constant (`[<*>]`,
 *   `(TID <*>)`, `'<*>'`); a scheme before a path is constant and the rest of
 *   the URL one variable (`hdfs://<*>`, `spark://<*>`, `jar:file:<*>`);
 * - a path is one variable, whatever its separators (Unix, Windows with
 *   backslashes, a trailing `/`);
 * - `key=value`, `key:value`, `key = value`: the key and separator constant,
 *   the value one variable even when it holds `#`, `:` or `,` (a value of
 *   `##`-joined counters, an `a=b` environment entry, a comma-joined user
 *   list); a field the program always prints empty stays constant text
 *   (`logname=`, `ruser=`, `OUT=`);
 * - `0x` hex is one variable with its prefix (Zookeeper session ids), an
 *   object hash after `@` is a variable with the class constant;
 * - names that contain digits or dots are one variable (host names with
 *   dashes and numbers, fully qualified names, `a.b.C$D` classes);
 * - state words printed in a fixed position make separate events (a task
 *   attempt's from / to states, a quorum peer's own state, `type:create`), as
 *   does a singular / plural word (`failure` / `failures`) and an optional
 *   trailing `user=<*>` field (present and absent are two events);
 * - a boolean read from data is a variable (`isScreenOn <*>` with true /
 *   false).
 * Where the real data is silent, the held-out judges' account (as in v6-v8):
 * - a variable in the first position is a variable even without a digit
 *   (services, units, commands, programs, nodes, users lead messages);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part belongs to the variable it follows, an empty vs
 *   non-empty field is one template (empty only right after `=` or between
 *   double quotes), comma lists of varying length, query strings,
 *   variable-length lists of names are one variable;
 * - small value sets are still variables (a few users, two month names, some
 *   weekdays, YES / NO, AC / Battery);
 * - punctuation inside a value does not split it: durations as mm:ss,
 *   hh:mm:ss or words (`<1 sec`, `1min 2.345s`) are one value, a path with a
 *   space one value, a value glued to the following text one value
 *   (`reason <*>rts: bad message header`);
 * - separate events: closed sets of plain words (lifecycle verbs and states,
 *   errno texts of one call site), digit-bearing constants (eth0, en0,
 *   awdl0, ib0, eno1, SOCKS5, L3), booleans a code path prints as constants
 *   (`opt-in: False`, `(true)`), a specific event beside a general one
 *   (`LOCAL(0)` beside a peer, rule `Default` beside a rule, `Opts: (null)`
 *   beside options);
 * - a UUID, a MAC address, a location code, a version, a decimal number, an
 *   ISO date `yyyy-mm-dd` are one variable each; a date written out has its
 *   weekday, month, day, time and year as a variable each.
 *
 * REPORTED_SEEDS_V9 (1301-1312) were fixed in this file before the generator
 * was ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V9 or other seeds.
 */
import { prng } from '../test/kit/prng';
import { hexDigits, int, inventSystem, pad, pick, pronounceableWord, type FamilyEvents, type Piece, type Render, type Syllables } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V9: readonly number[] = [1301, 1302, 1303, 1304, 1305, 1306, 1307, 1308, 1309, 1310, 1311, 1312];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V9: readonly number[] = [8123, 8311, 8447, 8609, 8861];
/** Every family name (`name` of a sample is `v9-<seed>:<family>+<family>…`). */
export const FAMILIES_V9: readonly string[] = ['logcat', 'bgl', 'hpc', 'linux', 'macos', 'nova', 'proxifier', 'tbird', 'cbs', 'systemd', 'mariadb', 'kafka'];

/** A system has at least this many events (families are added until it has). */
const MIN_EVENTS = 24;
const LINES = 2000;

type Rng = () => number;
/** What an interpolation of `ev` draws: a string is one variable, pieces go in as they are. */
type Part = string | Piece | readonly Piece[];
type Slot = (q: Rng) => Part;

const constant = (text: string): Piece => ({ text, variable: false });
/** A constant of the event (a member of a closed set, or a fixed word). */
const K =
  (text: string): Slot =>
  () =>
    constant(text);

/**
 * An event as a tagged template: literal text is constant, each `${slot}` is
 * drawn per line (a string is a variable, pieces are inserted as they are).
 */
function ev(strings: TemplateStringsArray, ...slots: Slot[]): Render {
  return (q) => {
    const out: Piece[] = [];
    strings.forEach((s, i) => {
      if (s !== '') out.push(constant(s));
      if (i >= slots.length) return;
      const part = slots[i](q);
      if (typeof part === 'string') out.push({ text: part, variable: true });
      else if (Array.isArray(part)) out.push(...(part as Piece[]));
      else out.push(part as Piece);
    });
    return out;
  };
}

/** A closed set: one event per constant of `words`, the same shape otherwise. */
const each = (words: readonly string[], make: (w: Slot) => Render): Render[] => words.map((w) => make(K(w)));

/** A variable drawn per line by `make`. */
const draw = (make: (q: Rng) => string): Slot => make;
/** A whole number in [lo, hi]. */
const num =
  (lo: number, hi: number): Slot =>
  (q) =>
    String(int(q, lo, hi));
/** A decimal number in [lo, hi) with `digits` decimals. */
const dec =
  (lo: number, hi: number, digits: number): Slot =>
  (q) =>
    (lo + q() * (hi - lo)).toFixed(digits);
/** `0x` and `n` hex digits. */
const hex =
  (n: number): Slot =>
  (q) =>
    `0x${hexDigits(q, n)}`;
/** A boolean read from data (a variable). */
const bool: Slot = (q) => (q() < 0.5 ? 'true' : 'false');
/** Values joined by `sep`, `lo..hi` of them: one variable (a list of varying length). */
const list =
  (item: Slot, lo: number, hi: number, sep: string): Slot =>
  (q) =>
    Array.from({ length: int(q, lo, hi) }, () => item(q) as string).join(sep);
/** The text of `slot`, then with probability `p` ` (<extra>)`: an optional parenthesised part of the same variable. */
const withParen =
  (slot: Slot, extra: Slot, p: number): Slot =>
  (q) => {
    const base = slot(q) as string;
    return q() < p ? `${base} (${extra(q) as string})` : base;
  };
/** Empty with probability `p`, else `slot` (only used right after `=` or between double quotes). */
const maybeEmpty =
  (slot: Slot, p: number): Slot =>
  (q) =>
    q() < p ? '' : slot(q);

const ipv4 = (q: Rng): string => `${pick(q, ['10', '172', '192', '134', '61'])}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const mac = (q: Rng): string => Array.from({ length: 6 }, () => hexDigits(q, 2)).join(':');
const uuid = (q: Rng): string => `${hexDigits(q, 8)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 12)}`;
const hhmmss = (q: Rng): string => `${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
const mmss = (q: Rng): string => `${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
const port: Slot = num(1024, 65535);
const pid: Slot = num(2, 32767);
/** A size a humaniser prints: the unit changes with the size (one variable with its unit). */
const humanSize = (q: Rng): string => {
  const unit = pick(q, ['B', 'KB', 'MB', 'GB']);
  return `${(q() * 1000).toFixed(1)} ${unit}`;
};

/** Letter tables of this generator's invented words. */
const TABLES: Syllables = {
  onsets: ['b', 'br', 'd', 'dr', 'f', 'g', 'gl', 'h', 'k', 'kr', 'l', 'm', 'n', 'p', 'pl', 'r', 's', 'sk', 't', 'tr', 'v', 'z', 'ch', 'sh'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'y'],
  codas: ['', '', '', 'n', 'l', 'r', 'x', 'm', 'th', 'nd', 'sk'],
};

const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** FNV-1a of a string, for the seed of one vocabulary pool. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The vocabulary of one system: one pool per kind of entity, made on first use
 * from its own stream (seeded by the system seed and the kind), so a pool does
 * not depend on which events were built or drawn before it.
 */
class Vocabulary {
  private readonly pools = new Map<string, string[]>();

  constructor(private readonly seed: number) {}

  /** An invented lowercase word of one to `max` syllables. */
  word(q: Rng, max = 2): string {
    return pronounceableWord(q, TABLES, int(q, 1, max));
  }

  /**
   * A slot drawing from the pool of `kind` (values made by `make`): a third of
   * the pools hold 1..3 values, the others 4..200 (or `size` when given); a
   * draw favours the first values of the pool.
   */
  pool(kind: string, make: (q: Rng) => string, size?: (q: Rng) => number): Slot {
    return (q) => {
      const values = this.values(kind, make, size);
      return values[Math.floor(values.length * q() * q())];
    };
  }

  private values(kind: string, make: (q: Rng) => string, size?: (q: Rng) => number): string[] {
    const known = this.pools.get(kind);
    if (known !== undefined) return known;
    const r = prng((this.seed * 131 + hashOf(kind)) >>> 0);
    const n = size !== undefined ? size(r) : r() < 1 / 3 ? int(r, 1, 3) : int(r, 4, 200);
    const set = new Set<string>();
    for (let tries = 0; set.size < n && tries < n * 4; tries++) set.add(make(r));
    const values = [...set];
    this.pools.set(kind, values);
    return values;
  }
}

/** A pool of 2..3 values (a small set that is still a variable). */
const small = (r: Rng): number => int(r, 2, 3);

// ---------------------------------------------------------------- families

function logcat(v: Vocabulary): FamilyEvents {
  const pkg = v.pool('android-package', (q) => `com.${v.word(q)}.${v.word(q, 3)}`);
  const cls = v.pool('android-class', (q) => `.${capital(v.word(q))}${pick(q, ['Activity', 'Service', 'Receiver', 'Provider', 'Fragment'])}`);
  const appId = num(10, 240);
  const tag = v.pool('wakelock-tag', (q) => `*${pick(q, ['job', 'alarm', 'sync'])}*/${v.word(q)}`);
  const prop = v.pool('system-property', (q) => `persist.${v.word(q)}.${v.word(q)}`);
  const perm = v.pool('selinux-permission', (q) => pick(q, ['read', 'write', 'open', 'getattr', 'search', 'ioctl', 'execute', 'add_name']), (r) => int(r, 3, 8));
  const domain = v.pool('selinux-domain', (q) => `${v.word(q)}_${pick(q, ['app', 'daemon', 'hal'])}`);
  const proc = v.pool('android-process', (q) => `${v.word(q)}${pick(q, ['d', '.bin', 'server', ''])}`);
  const reason = v.pool('kill-reason', (q) => pick(q, [`empty #${int(q, 17, 60)}`, 'remove task', 'excessive cpu', `cached #${int(q, 3, 40)}`, 'stop user']));
  const gcSize = (q: Rng): string => `${int(q, 1, 900)}${pick(q, ['KB', 'MB'])}`;
  const displayTime = withParen((q) => `${int(q, 80, 2200)}ms`, (q) => `total +${int(q, 1, 3)}s${int(q, 1, 999)}ms`, 0.3);
  return {
    plain: [
      ev`Process ${pkg} (pid ${pid}) has died`,
      ev`Killing ${pid}:${pkg}/u0a${appId} (adj ${num(0, 999)}): ${reason}`,
      ev`acquire lock=${num(10000000, 299999999)}, flags=${hex(1)}, tag="${maybeEmpty(tag, 0.3)}", name=${pkg}, ws=null, uid=${num(1000, 10240)}, pid=${pid}`,
      ev`release lock=${num(10000000, 299999999)}, flags=${hex(1)}, tag="${maybeEmpty(tag, 0.3)}", name=${pkg}, ws=WorkSource{${num(1000, 10240)}}, uid=${num(1000, 10240)}, pid=${pid}`,
      ev`Displayed ${pkg}/${cls}: +${displayTime}`,
      ev`Skipped ${num(30, 400)} frames!  The application may be doing too much work on its main thread.`,
      ev`Access denied finding property "${prop}"`,
      ev`avc: denied { ${list(perm, 1, 3, ' ')} } for pid=${pid} comm="${proc}" name="${draw((q) => v.word(q))}" dev="${draw((q) => pick(q, ['dm-0', 'sda13', 'tmpfs']))}" ino=${num(100, 99999)} scontext=u:r:${domain}:s0 tcontext=u:object_r:${domain}:s0 tclass=${draw((q) => pick(q, ['file', 'dir', 'sock_file']))} permissive=0`,
      ev`Changing focus from null to Window{${draw((q) => hexDigits(q, 7))} u0 ${pkg}/${cls}}`,
      ev`Changing focus from Window{${draw((q) => hexDigits(q, 7))} u0 ${pkg}/${cls}} to Window{${draw((q) => hexDigits(q, 7))} u0 ${pkg}/${cls}}`,
      ev`Unable to resolve host "${draw((q) => `${v.word(q)}.${v.word(q)}.com`)}": No address associated with hostname`,
      ev`Slow dispatch took ${draw((q) => `${int(q, 100, 4000)}ms`)} main h=android.os.Handler c=${cls} m=${num(0, 9)}`,
      ev`processBatteryLevel: level=${num(1, 100)} voltage=${num(3400, 4400)} temperature=${num(200, 450)}`,
      ev`setKeyguardDrawn: drawn=${bool} occluded=${bool}`,
      ev`Freed ${draw(humanSize)} of cache for ${pkg}`,
      ev`Slow Looper main: doFrame is ${num(100, 900)}ms late because of ${num(2, 30)} msg, msg ${num(1, 9)} took ${num(60, 900)}ms (h=${cls} w=${num(0, 200)})`,
      ev`Rejecting re-init on previously-failed class ${draw((q) => `${pkg(q) as string}${cls(q) as string}`)}: java.lang.NoClassDefFoundError`,
      ev`Scheduling restart of crashed service ${pkg}/${cls} in ${num(1000, 60000)}ms`,
    ],
    closed: [
      each(['activity', 'service', 'broadcast', 'content provider'], (kind) => ev`Start proc ${pid}:${pkg}/u0a${appId} for ${kind} ${pkg}/${cls}`),
      each(['Background concurrent copying', 'Background young concurrent copying', 'Explicit concurrent copying'], (gc) =>
        ev`${gc} GC freed ${num(1000, 900000)}(${draw(gcSize)}) AllocSpace objects, ${num(0, 90)}(${draw(gcSize)}) LOS objects, ${draw((q) => `${int(q, 20, 80)}%`)} free, ${draw(gcSize)}/${draw(gcSize)}, paused ${draw((q) => `${int(q, 40, 999)}us`)} total ${draw((q) => `${int(q, 1, 400)}.${int(q, 100, 999)}ms`)}`,
      ),
      each(['true', 'false'], (b) => ev`notifyKeyguardOccluded(${b})`),
      each(['SCREEN_ON', 'SCREEN_OFF', 'USER_PRESENT'], (a) => ev`Broadcast: Intent { act=android.intent.action.${a} flg=${hex(8)} } ordered=false userid=${num(-1, 10)}`),
    ],
  };
}

function bgl(v: Vocabulary): FamilyEvents {
  const loc = v.pool('bgl-location', (q) => `R${pad(int(q, 0, 7), 2)}-M${int(q, 0, 1)}-N${int(q, 0, 15)}${q() < 0.5 ? `-J${pad(int(q, 2, 17), 2)}` : ''}`);
  const ionode = v.pool('bgl-ionode', (q) => `${v.word(q)}${pick(q, ['io', ''])}${int(q, 1, 64)}`);
  const userPath = v.pool('bgl-path', (q) => `/${pick(q, ['g/g0', 'p/gb1', 'home'])}/${v.word(q)}/${v.word(q)}${pick(q, ['', '.exe', '/bin'])}`);
  const dcr = hex(8);
  const dots = (label: string): string => `${label} ${'.'.repeat(Math.max(3, 34 - label.length))}`;
  return {
    plain: [
      ev`total of ${num(1, 9000)} ddr error(s) detected and corrected over ${num(60, 90000)} seconds`,
      ev`ciod: failed to read message prefix on control stream (CioStream socket to ${draw(ipv4)}:${port}`,
      ev`generating core.${num(1, 9999)}`,
      ev`CE sym ${num(0, 35)}, at ${hex(8)}, mask ${hex(2)}`,
      ev`ddr: activating redundant bit steering: rank=${num(0, 1)} symbol=${num(0, 35)}`,
      ev`rts: kernel terminated for reason ${num(1001, 1009)}rts: bad message header: invalid cpu, type=${num(0, 9)}, cpu=${num(0, 3)}, index=${num(0, 99999)}, total=${num(1, 9)}`,
      ev`fpr${num(0, 31)}=${hex(8)} ${hex(8)} ${hex(8)} ${hex(8)}`,
      ev`Lustre mount FAILED : ${ionode} : block_id : location`,
      ev`NodeCard ${loc} is not fully functional`,
      ev`${num(1, 999)} torus receiver ${v.pool('torus-dir', (q) => `${pick(q, ['x', 'y', 'z'])}${pick(q, ['+', '-'])}`, (r) => int(r, 2, 6))} input pipe error(s) (dcr ${dcr}) detected and corrected`,
      ev`MidplaneSwitchController performing bit sparing on ${loc} bit ${num(0, 23)}`,
      ev`instruction address: ${hex(8)}`,
      ev`exception syndrome register: ${hex(8)}`,
      ev`Node card VPD check: ${loc} node in processor card slot ${loc} do not match. VPD ecid ${draw((q) => hexDigits(q, 24).toUpperCase())}, found ${draw((q) => hexDigits(q, 24).toUpperCase())}`,
      ev`external input interrupt (unit=${hex(2)} bit=${hex(2)}): uncorrectable torus error`,
      ev`idoproxydb hit ASSERT condition: ASSERT expression=${num(0, 1)} Source file=${draw((q) => `${v.word(q)}.cc`)} Source line=${num(10, 2000)} Function=int ${draw((q) => `${capital(v.word(q))}::${v.word(q)}`)}`,
      ev`${num(1, 500)} double-hummer alignment exceptions`,
      ev`Temperature Over Limit on link card ${loc}`,
    ],
    closed: [
      each(['instruction cache', 'data cache', 'L3 EDRAM', 'L3 directory'], (c) => ev`${c} parity error corrected`),
      each(['No such file or directory', 'Permission denied'], (e) => ev`ciod: LOGIN chdir(${userPath}) failed: ${e}`),
      each(['Exec format error', 'No such file or directory', 'Permission denied'], (e) => ev`ciod: Error loading ${userPath}: invalid or missing program image, ${e}`),
      ['fp cr field', 'fp cr update', 'illegal instruction', 'privileged instruction', 'trap instruction'].map((f) => ev`program interrupt: ${K(dots(f))}${num(0, 1)}`),
      each(['L2 dcache unit data parity error', 'L2 dcache unit read return parity error', 'Auxiliary processor interrupt'], (u) => ev`machine check interrupt (bit=${hex(2)}): ${u}`),
      each(['Aborted', 'Segmentation fault', 'Terminated'], (s) => ev`BGLMASTER FAILURE ciodb exited abnormally due to signal: ${s}`),
    ],
  };
}

function hpc(v: Vocabulary): FamilyEvents {
  const node = v.pool('hpc-node', (q) => (q() < 0.5 ? v.word(q, 3) : `${v.word(q)}-${int(q, 1, 512)}`));
  const cmd = v.pool('hpc-command', (q) => pick(q, ['boot', 'risBoot', 'halt', 'reboot', 'powerOff', 'clusterAddMember', 'diag']), (r) => int(r, 2, 5));
  const component = v.pool('hpc-component', (q) => `${v.word(q)}${int(q, 0, 9)}`);
  const job = v.pool('hpc-job', (q) => `${int(q, 1000, 99999)}.${v.word(q)}`);
  const user = v.pool('hpc-user', (q) => v.word(q));
  const queue = v.pool('hpc-queue', (q) => pick(q, ['batch', 'debug', 'long', 'gpu', 'express']), small);
  const domain = v.pool('hpc-domain', (q) => `${v.word(q)}${int(q, 1, 20)}`);
  const nodeRange = (q: Rng): string => {
    const a = int(q, 0, 400);
    return `${v.word(q)}[${list((r) => (r() < 0.5 ? pad(int(r, 0, 999), 3) : `${pad(a, 3)}-${pad(a + int(r, 1, 40), 3)}`), 1, 4, ',')(q) as string}]`;
  };
  const onOff = v.pool('psu-word', (q) => pick(q, ['on', 'off']), () => 2);
  return {
    plain: [
      ev`PSU status ( ${onOff} ${onOff} )`,
      ev`${cmd} (command ${num(100, 9999)}) Error: this command is not allowed while the node is being booted`,
      ev`${node} ${cmd} (command ${num(100, 9999)})`,
      ev`Link error on broadcast tree Interconnect-${draw((q) => `${int(q, 0, 3)}T${pad(int(q, 0, 99), 2)}:00:${int(q, 0, 3)}:${int(q, 0, 7)}`)}`,
      ev`inconsistent nodesets ${list((q) => `${node(q) as string} ${hex(8)(q) as string} <ok>`, 1, 4, ' ')}`,
      ev`Temperature (${draw((q) => `${int(q, 35, 95)}C`)}) exceeds warning threshold`,
      ev`Fan speeds ( ${num(2000, 9000)} ${num(2000, 9000)} ${num(2000, 9000)} ${num(2000, 9000)} ${num(2000, 9000)} ${num(2000, 9000)} )`,
      ev`Job ${job} exited with status ${num(0, 271)} after ${draw(hhmmss)}`,
      ev`${job} allocated nodes ${draw(nodeRange)}`,
      ev`Command has completed successfully`,
      ev`ClusterFileSystem: There is no server for ServerFileSystem domain ${domain}`,
      ev`ServerFileSystem domain ${domain} has been created`,
      ev`walltime ${draw(hhmmss)} exceeded limit ${draw(hhmmss)} for job ${job}`,
      ev`NIFF: node ${node} detected a failed network connection on network ${draw(ipv4)} via interface alt0`,
      ev`${user} submitted ${job} to ${queue} requesting ${num(1, 256)} nodes`,
      ev`Node ${node} has ${num(8, 512)} GB memory, ${num(4, 128)} cores`,
      ev`${node} ${draw((q) => `${int(q, 0, 99)}:${pad(int(q, 0, 59), 2)}`)} unresponsive, ${num(1, 30)} retries`,
    ],
    closed: [
      each(['unavailable', 'available', 'in service', 'out of service'], (s) => ev`${node} node status changed to ${s}`),
      each(['unavailable', 'available', 'failed'], (s) => ev`Component State Change: Component "${component}" is in the ${s} state (HWID=${num(1, 9999)})`),
      each(['ib0', 'ib1', 'eth0'], (i) => ev`${node}: ${i}: link becomes ready`),
      each(['started', 'requeued', 'cancelled'], (verb) => ev`Scheduler ${verb} job ${job} (user ${user}, queue ${queue})`),
      [ev`Using default partition for job ${job}`, ev`Using partition ${draw((q) => v.word(q))} for job ${job}`],
    ],
  };
}

function linux(v: Vocabulary): FamilyEvents {
  const user = v.pool('linux-user', (q) => v.word(q));
  const service = v.pool('linux-service', (q) => v.word(q, 3));
  const xinetdService = v.pool('xinetd-service', (q) => pick(q, ['ftp', 'telnet', 'rsync', 'tftp', 'auth']), small);
  const peer = v.pool('linux-peer', ipv4);
  const rdns = v.pool('linux-rdns', (q) => `${v.word(q)}.${v.word(q)}.${pick(q, ['net', 'com', 'org', 'de'])}`);
  const weekday = v.pool('weekday', (q) => pick(q, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']), (r) => int(r, 2, 5));
  const month = v.pool('month', (q) => pick(q, ['Jun', 'Jul', 'Aug', 'Sep']), () => 2);
  const year = v.pool('year', (q) => pick(q, ['2004', '2005']), (r) => int(r, 1, 2));
  const rhost = maybeEmpty((q) => (q() < 0.5 ? (peer(q) as string) : (rdns(q) as string)), 0.25);
  const kernelArgs = list((q) => pick(q, ['rhgb', 'quiet', 'acpi=off', 'noapic', `vga=${int(q, 700, 799)}`, 'nomodeset', 'single']), 1, 4, ' ');
  const command = (q: Rng): string => `/${pick(q, ['bin', 'usr/bin', 'sbin'])}/${v.word(q)}${q() < 0.6 ? ` ${list((r) => `-${pick(r, ['a', 'f', 'r', 'v'])}`, 1, 3, ' ')(q) as string}` : ''}`;
  return {
    plain: [
      ev`authentication failure; logname= uid=${num(0, 600)} euid=${num(0, 600)} tty=NODEVssh ruser= rhost=${rhost}`,
      ev`authentication failure; logname= uid=${num(0, 600)} euid=${num(0, 600)} tty=NODEVssh ruser= rhost=${rhost}  user=${user}`,
      ev`session opened for user ${user} by (uid=${num(0, 600)})`,
      ev`session closed for user ${user}`,
      ev`check pass; user unknown`,
      ev`connection from ${withParen(peer, rdns, 0.5)} at ${weekday} ${month} ${num(1, 30)} ${draw(hhmmss)} ${year}`,
      ev`FTP session closed`,
      ev`ANONYMOUS FTP LOGIN FROM ${peer}, ${draw((q) => `${v.word(q)}@`)}`,
      ev`START: ${xinetdService} pid=${pid} from=${peer}`,
      ev`EXIT: ${xinetdService} status=${num(0, 1)} pid=${pid} duration=${num(0, 900)}(sec)`,
      ev`Kernel command line: ro root=LABEL=/ ${kernelArgs}`,
      ev`Memory: ${draw((q) => `${int(q, 100000, 999999)}k`)}/${draw((q) => `${int(q, 100000, 999999)}k`)} available (${draw((q) => `${int(q, 1000, 2000)}k`)} kernel code, ${draw((q) => `${int(q, 1000, 9000)}k`)} reserved, ${draw((q) => `${int(q, 100, 999)}k`)} data, ${draw((q) => `${int(q, 100, 300)}k`)} init, ${draw((q) => `${int(q, 0, 900)}k`)} highmem)`,
      ev`klogd 1.4.1, log source = /proc/kmsg started.`,
      ev`${user} : TTY=pts/${num(0, 9)} ; PWD=${draw((q) => `/home/${v.word(q)}`)} ; USER=root ; COMMAND=${draw(command)}`,
      ev`ALERT exited abnormally with [${num(1, 2)}]`,
      ev`audit(${draw((q) => `${int(q, 1100000000, 1139999999)}.${int(q, 100, 999)}`)}:${num(0, 9)}): initialized`,
      ev`Bluetooth: ${draw((q) => capital(v.word(q)))} ver ${draw((q) => `${int(q, 1, 2)}.${int(q, 0, 9)}`)}`,
      ev`${draw((q) => `hd${pick(q, ['a', 'b', 'c'])}`)}: ${draw((q) => `${v.word(q).toUpperCase()} ${int(q, 100, 999)}`)}, ATA DISK drive`,
      ev`${peer} : ${draw((q) => v.word(q))} : Failed to resolve peer name`,
    ],
    closed: [
      each(['startup', 'shutdown'], (verb) => ev`${service} ${verb} succeeded`),
      each(['eth0', 'eth1'], (i) => ev`${i}: link up, ${draw((q) => `${pick(q, ['10', '100', '1000'])}Mbps`)}, ${draw((q) => pick(q, ['full-duplex', 'half-duplex']))}, lpa ${hex(4)}`),
      each(['restart', 'exiting on signal 15'], (s) => ev`syslogd 1.4.1: ${s}.`),
    ],
  };
}

function macos(v: Vocabulary): FamilyEvents {
  const proc = v.pool('mac-process', (q) => `${capital(v.word(q))}${pick(q, ['', 'Agent', 'd', 'Helper'])}`);
  const bundle = v.pool('mac-bundle', (q) => `com.apple.${v.word(q)}${q() < 0.4 ? `.${v.word(q)}` : ''}`);
  const spacedPath = v.pool('mac-path', (q) =>
    pick(q, [
      `/Users/${v.word(q)}/Library/Application Support/${capital(v.word(q))}/${v.word(q)}.db`,
      `/Library/Application Support/${capital(v.word(q))} ${capital(v.word(q))}/${v.word(q)}.plist`,
      `/private/var/folders/${hexDigits(q, 2)}/${v.word(q)}`,
      `/Users/${v.word(q)}/Documents/${capital(v.word(q))} ${capital(v.word(q))}.pages`,
    ]),
  );
  const cause = v.pool('wake-cause', (q) => pick(q, ['RTC/Maintenance', 'EC.LidOpen (User)', 'XHC1', 'ARPT (Network)', 'RTC (Alarm)', 'EC.SleepTimer']));
  const source = v.pool('power-source', (q) => pick(q, ['AC', 'BATT']), () => 2);
  const ssid = v.pool('mac-ssid', (q) => `${capital(v.word(q))}${q() < 0.3 ? `-${int(q, 2, 5)}G` : ''}`);
  const op = v.pool('sandbox-op', (q) => pick(q, ['file-read-data', 'file-write-create', 'network-outbound', 'mach-lookup', 'file-read-metadata']), (r) => int(r, 2, 5));
  const assertion = v.pool('assertion-name', (q) => `com.apple.${v.word(q)}.${v.word(q)}`);
  const uptime = (q: Rng): string => `${int(q, 100000, 999999)}.${int(q, 100000, 999999)}`;
  return {
    plain: [
      ev`ARPT: ${draw(uptime)}: wl0: wl_update_tcpkeep_seq: Original Seq: ${num(100000, 4294967295)}, Ack: ${num(100000, 4294967295)}, Win size: ${num(1024, 65535)}`,
      ev`DarkWake from Deep Idle [${draw((q) => pick(q, ['CDNP', 'CDN', 'CDNVA']))}] : due to ${cause} Using ${source} (Charge:${draw((q) => `${int(q, 3, 100)}%`)}) ${num(1, 9)} secs`,
      ev`Sandbox: ${proc}(${pid}) deny(1) ${op} ${spacedPath}`,
      ev`hibernate_setup(${num(0, 1)}) took ${num(1, 90)} ms`,
      ev`PM response took ${num(1000, 9000)} ms (${num(1, 999)}, ${proc})`,
      ev`AppleCamIn::systemWakeCall - messageType = ${draw((q) => `0x${hexDigits(q, 8).toUpperCase()}`)}`,
      ev`tcp_connection_tls_session_error_callback_imp ${num(1, 9999)} tcp_connection_tls_session_handle_read_error.${num(700, 899)} error ${num(1, 80)}`,
      ev`Thermal pressure state: ${num(0, 4)} Memory pressure state: ${num(0, 4)}`,
      ev`Bluetooth -- LE is supported - Disable LE meta event`,
      ev`AirPort: Link Down on en0. Reason ${num(1, 8)} (${draw((q) => pick(q, ['Disassociated because station leaving', 'Unspecified', 'Previous authentication no longer valid']))}).`,
      ev`mDNS_DeregisterInterface: Frequent transitions for interface en0 (${draw(ipv4)})`,
      ev`Failed to bootstrap path: path = ${spacedPath}, error = ${num(100, 200)}: ${draw((q) => pick(q, ['Invalid or missing Program/ProgramArguments', 'Service is disabled', 'The specified service did not ship in the requestor bundle']))}`,
      ev`Purgeable space: ${draw(humanSize)} of ${draw(humanSize)}`,
      ev`${bundle}: scheduler_evaluate_activity told me to run this job; however, but the start time isn't for ${num(1, 9999)} seconds.  Ignoring.`,
      ev`Connecting to ${ssid} on channel ${num(1, 165)} (RSSI ${num(-90, -30)})`,
      ev`Received configuration update from daemon (initial) <private>`,
      ev`Process ${draw((q) => `${proc(q) as string}.${int(q, 50, 999)}`)} Released PreventUserIdleSystemSleep "${assertion}" age:${draw(hhmmss)} id:${num(10000000, 99999999)} [System: PrevIdle DeclUser kDisp]`,
    ],
    closed: [
      each(['en0', 'en1', 'awdl0'], (i) => ev`${i}: BSSID changed to ${draw(mac)}`),
      each(['ON', 'OFF'], (s) => ev`Setting the Airplane mode to ${s}`),
      each(['Inactive', 'Authenticated', 'Evaluating'], (s) => ev`Captive: CNPluginHandler en0: ${s}`),
      each(['Resuming AWDL', 'Suspending AWDL'], (s) => ev`IO80211AWDLPeerManager::setAwdlSuspendedMode() ${s}`),
      each(['Sleep', 'Wake', 'Dark Wake'], (s) => ev`ARPT: ${draw(uptime)}: AirPort_Brcm43xx::powerChange: System ${s}`),
    ],
  };
}

function nova(v: Vocabulary): FamilyEvents {
  const host = v.pool('nova-host', (q) => `${v.word(q)}-${int(q, 1, 40)}.${v.word(q)}.${v.word(q)}.net`);
  const instance = v.pool('nova-instance', uuid);
  const tenant = v.pool('nova-tenant', (q) => hexDigits(q, 32));
  const client = v.pool('nova-client', ipv4);
  /** The request context nova prints in brackets: `req-<*> <*> <*> - - -` (request id, user, project). */
  const request: Slot = (q) => [constant('req-'), { text: uuid(q), variable: true }, constant(' '), { text: tenant(q) as string, variable: true }, constant(' '), { text: tenant(q) as string, variable: true }, constant(' - - -')];
  const apiPath = (q: Rng): string => {
    const t = tenant(q) as string;
    const base = pick(q, [`/v2/${t}/servers/detail`, `/v2/${t}/servers/${instance(q) as string}`, `/v2/${t}/os-services`, `/v2/${t}/flavors`]);
    if (q() < 0.5) return base;
    const params = Array.from({ length: int(q, 1, 3) }, () => pick(q, [`limit=${int(q, 1, 100)}`, `changes-since=2017-05-${pad(int(q, 1, 28), 2)}T${hhmmss(q)}`, 'all_tenants=1', `marker=${uuid(q)}`]));
    // one value per key, as a client builds its query
    const byKey = new Map(params.map((p) => [p.slice(0, p.indexOf('=')), p]));
    return `${base}?${[...byKey.values()].join('&')}`;
  };
  const lock = v.pool('nova-lock', (q) => pick(q, ['compute_resources', `${uuid(q)}`, 'refresh_cache', `${v.word(q)}-events`]), (r) => int(r, 1, 6));
  const fn = v.pool('nova-function', (q) => `nova.compute.${pick(q, ['resource_tracker', 'manager'])}.${capital(v.word(q))}.${v.word(q)}`);
  const path = v.pool('nova-path', (q) => `/var/lib/nova/instances/${uuid(q)}${pick(q, ['', '_del', '/disk'])}`);
  const isoDate = (q: Rng): string => `2017-05-${pad(int(q, 14, 17), 2)}`;
  const task = v.pool('nova-task', (q) => pick(q, ['spawning', 'deleting', 'rebooting', 'image_uploading', 'powering-off']), small);
  return {
    plain: [
      ev`[${request}] ${client} "GET ${draw(apiPath)} HTTP/1.1" status: ${draw((q) => pick(q, ['200', '200', '404', '202']))} len: ${num(200, 9000)} time: ${dec(0, 3, 7)}`,
      ev`[${request}] ${client} "POST ${draw(apiPath)} HTTP/1.1" status: ${draw((q) => pick(q, ['202', '400', '409']))} len: ${num(200, 2000)} time: ${dec(0, 3, 7)}`,
      ev`[instance: ${instance}] During sync_power_state the instance has a pending task (${task}). Skip.`,
      ev`[instance: ${instance}] Claim successful`,
      ev`[instance: ${instance}] Attempting claim: memory ${num(256, 16384)} MB, disk ${num(1, 200)} GB, vcpus ${num(1, 16)} CPU`,
      ev`[instance: ${instance}] Total memory: ${num(8192, 262144)} MB, used: ${dec(0, 60000, 2)} MB`,
      ev`Final resource view: name=${host} phys_ram=${draw((q) => `${int(q, 8192, 262144)}MB`)} used_ram=${draw((q) => `${int(q, 512, 60000)}MB`)} phys_disk=${draw((q) => `${int(q, 10, 900)}GB`)} used_disk=${draw((q) => `${int(q, 0, 400)}GB`)} total_vcpus=${num(4, 64)} used_vcpus=${num(0, 64)} pci_stats=[]`,
      ev`Lock "${lock}" acquired by "${fn}" :: waited ${draw((q) => `${(q() * 2).toFixed(3)}s`)}`,
      ev`Lock "${lock}" released by "${fn}" :: held ${draw((q) => `${(q() * 2).toFixed(3)}s`)}`,
      ev`Compute_service record updated for ${host}:${host}`,
      ev`Auditing locally available compute resources for node ${host}`,
      ev`image ${instance} at (${path}): checking`,
      ev`Running instance usage audit for host ${host} from ${draw(isoDate)} ${draw(hhmmss)} to ${draw(isoDate)} ${draw(hhmmss)}. ${num(0, 40)} instances.`,
      ev`Deleting instance files ${path}`,
      ev`[instance: ${instance}] Instance destroyed successfully.`,
      ev`HTTP exception thrown: Instance ${instance} could not be found.`,
      ev`Total usable vcpus: ${num(4, 64)}, total allocated vcpus: ${num(0, 64)}`,
      ev`Active base files: ${path}`,
    ],
    closed: [
      each(['Started', 'Stopped', 'Paused', 'Resumed'], (s) => ev`[instance: ${instance}] VM ${s} (Lifecycle Event)`),
      each(['spawn the instance on the hypervisor', 'build instance', 'destroy the instance on the hypervisor', 'deallocate network for instance'], (what) =>
        ev`[instance: ${instance}] Took ${dec(0, 40, 2)} seconds to ${what}.`,
      ),
      each(['plugged', 'unplugged'], (s) => ev`Creating event network-vif-${s}:${draw(uuid)} for instance ${instance}`),
      each(['DELETE', 'PUT'], (m) => ev`[${request}] ${client} "${m} ${draw(apiPath)} HTTP/1.1" status: ${draw((q) => pick(q, ['204', '404']))} len: ${num(200, 2000)} time: ${dec(0, 3, 7)}`),
    ],
  };
}

function proxifier(v: Vocabulary): FamilyEvents {
  const program = v.pool('proxifier-program', (q) => `${v.word(q)}.exe${q() < 0.3 ? ' *64' : ''}`);
  const target = v.pool('proxifier-target', (q) => `${pick(q, ['www.', 'api.', 'cdn.', ''])}${v.word(q)}.${pick(q, ['com', 'net', 'org', 'io'])}`);
  const proxy = v.pool('proxifier-proxy', (q) => `${v.word(q)}.${v.word(q)}.edu`, (r) => int(r, 1, 3));
  const proxyPort = v.pool('proxifier-proxy-port', (q) => String(int(q, 1080, 9999)), (r) => int(r, 1, 2));
  const rule = v.pool('proxifier-rule', (q) => `${capital(v.word(q))}${q() < 0.4 ? ` ${capital(v.word(q))}` : ''}`);
  const lifetime = (q: Rng): string => pick(q, ['<1 sec', mmss(q), mmss(q), hhmmss(q)]);
  const profile = v.pool('proxifier-profile', (q) => `C:\\Users\\${v.word(q)}\\AppData\\Roaming\\Proxifier\\Profiles\\${capital(v.word(q))} ${capital(v.word(q))}.ppx`);
  return {
    plain: [
      ev`${program} - ${target}:${port} open directly`,
      ev`${program} - ${target}:${port} close, ${num(0, 9000000)} bytes sent, ${num(0, 90000000)} bytes received, lifetime ${draw(lifetime)}`,
      ev`${program} - ${target}:${port} error : Could not connect through proxy ${proxy}:${proxyPort} - Proxy server cannot establish a connection with the target, status code ${draw((q) => pick(q, ['403', '502', '504']))}`,
      ev`${program} - ${target}:${port} error : A connection request was canceled before the completion.`,
      ev`${program} - ${target}:${port} error : Could not connect to proxy ${proxy}:${proxyPort} - connection attempt failed with error ${num(10050, 10065)}`,
      ev`${program} - ${target}:${port} error : Connection closed by the remote host`,
      ev`${program} - ${target}:${port} error : Could not resolve ${target} through proxy ${proxy}:${proxyPort}`,
      ev`Profile "${profile}" loaded`,
      ev`Traffic: ${num(0, 99999)} KB sent, ${num(0, 999999)} KB received, ${num(0, 400)} active connections`,
      ev`${program} - ${target} resolved to ${draw(ipv4)} through proxy ${proxy}:${proxyPort}`,
      ev`${program} - ${target}:${port} close (${draw((q) => pick(q, ['reset by peer', 'timeout', 'aborted by client']))}), lifetime ${draw(lifetime)}`,
      ev`DNS cache flushed, ${num(0, 9999)} entries removed`,
    ],
    closed: [
      each(['HTTPS', 'SOCKS5', 'HTTP'], (proto) => ev`${program} - ${target}:${port} open through proxy ${proxy}:${proxyPort} ${proto}`),
      [ev`${program} - ${target}:${port} matching rule 'Default' using proxy ${proxy}:${proxyPort}`, ev`${program} - ${target}:${port} matching rule '${rule}' using proxy ${proxy}:${proxyPort}`],
      each(['enabled', 'disabled'], (s) => ev`Name resolution through proxy ${s}`),
    ],
  };
}

function tbird(v: Vocabulary): FamilyEvents {
  const peer = v.pool('ntp-peer', ipv4, (r) => int(r, 1, 4));
  const lease = v.pool('dhcp-lease', ipv4);
  const hw = v.pool('dhcp-mac', mac);
  const user = v.pool('tbird-user', (q) => v.word(q), (r) => int(r, 1, 6));
  const queueId = (q: Rng): string => `k${pick(q, ['1', '2', '3'])}${pick(q, ['K', 'L', 'M'])}${int(q, 0, 9)}${hexDigits(q, 5)}${int(q, 100000, 999999)}`;
  const node = v.pool('tbird-node', (q) => `${v.word(q)}${pick(q, ['', '-admin', '-sn'])}${int(q, 1, 400)}`);
  const mailer = v.pool('sendmail-mailer', (q) => pick(q, ['local', 'relay', 'esmtp', 'prog']), small);
  const stat = v.pool('sendmail-stat', (q) => pick(q, ['Sent', 'Sent (OK id=1)', `Deferred: Connection refused by ${node(q) as string}`, 'User unknown']));
  const relay = v.pool('sendmail-relay', (q) => pick(q, ['localhost.localdomain [127.0.0.1]', `${node(q) as string} [${ipv4(q)}]`, 'root@localhost']));
  const cronCmd = v.pool('cron-command', (q) => pick(q, ['run-parts /etc/cron.hourly', `/usr/sbin/${v.word(q)} -q`, `/root/${v.word(q)}.sh`, `${v.word(q)}`]));
  return {
    plain: [
      ev`time reset ${draw((q) => `${q() < 0.5 ? '+' : '-'}${(q() * 2).toFixed(6)}`)} s`,
      ev`DHCPDISCOVER from ${hw} via eth1: network ${draw((q) => `10.${int(q, 0, 255)}.0.0/16`)}: no free leases`,
      ev`DHCPREQUEST for ${lease} from ${hw} via eth1`,
      ev`${draw(queueId)}: from=${user}, size=${num(300, 90000)}, class=0, nrcpts=${num(1, 4)}, msgid=<${draw((q) => `${int(q, 200511, 200603)}${int(q, 10000000, 99999999)}.${queueId(q)}@${node(q) as string}`)}>, proto=ESMTP, daemon=MTA, relay=${relay}`,
      ev`${draw(queueId)}: to=${user}, ctladdr=${user} (${num(0, 600)}/${num(0, 600)}), delay=${draw(hhmmss)}, xdelay=${draw(hhmmss)}, mailer=${mailer}, pri=${num(30000, 120000)}, dsn=${draw((q) => pick(q, ['2.0.0', '4.0.0', '5.1.1']))}, stat=${stat}`,
      ev`(${user}) CMD (${cronCmd})`,
      ev`RRQ from ${lease} filename ${draw((q) => pick(q, ['pxelinux.0', `pxelinux.cfg/${hexDigits(q, 8).toUpperCase()}`, `${v.word(q)}.img`]))}`,
      ev`Losing some ticks... checking if CPU frequency changed.`,
      ev`mthca${num(0, 1)}: Catastrophic error detected: internal error`,
      ev`postdrop: warning: unable to look up public/pickup: No such file or directory`,
      ev`EXT3-fs error (device ${draw((q) => `sd${pick(q, ['a', 'b'])}${int(q, 1, 8)}`)}): ext3_find_entry: reading directory #${num(2, 999999)} offset ${num(0, 9)}`,
      ev`Out of Memory: Killed process ${pid} (${draw((q) => v.word(q))}).`,
      ev`pbs_mom: Connection refused (111) in open_demux, open_demux: connect ${draw(ipv4)}:${port}`,
      ev`GM: LANai is not running. Allowing port=0 open for debugging`,
      ev`${node}: check_ib: port ${num(1, 2)} has ${num(0, 99)} symbol errors`,
    ],
    closed: [
      [ev`synchronized to ${peer}, stratum ${num(1, 4)}`, ev`synchronized to LOCAL(0), stratum ${num(8, 12)}`],
      each(['eth1', 'eth2'], (i) => ev`DHCPACK on ${lease} to ${hw} via ${i}`),
      [
        ev`cpu ${num(0, 7)}: temperature above threshold, cpu clock throttled (total events = ${num(1, 99999)})`,
        ev`cpu ${num(0, 7)}: temperature/speed normal`,
      ],
    ],
  };
}

function cbs(v: Vocabulary): FamilyEvents {
  const version = (q: Rng): string => `6.1.7601.${int(q, 17000, 24000)}`;
  const kb = v.pool('cbs-kb', (q) => `KB${int(q, 2000000, 4999999)}`);
  const pkgId = v.pool('cbs-package', (q) => `Package_${pick(q, ['for_', '1_for_', '23_for_'])}${kb(q) as string}~31bf3856ad364e35~amd64~~${version(q)}.${int(q, 0, 9)}`);
  const session = (q: Rng): string => `${int(q, 30000000, 30999999)}_${int(q, 100000000, 4294967295)}`;
  const client = v.pool('cbs-client', (q) => pick(q, ['WindowsUpdateAgent', 'TrustedInstaller', 'DISM Package Manager Provider', 'CbsTask']), small);
  const hresultPair = v.pool('hresult', (q) => pick(q, ['0x800f080d CBS_E_MANIFEST_INVALID_ITEM', '0x80004005 E_FAIL', '0x800f0805 CBS_E_INVALID_PACKAGE', '0x80070002 ERROR_FILE_NOT_FOUND']), (r) => int(r, 2, 4));
  // the code and its name: two variables around a constant ` - `
  const hresult: Slot = (q) => {
    const [code, name] = (hresultPair(q) as string).split(' ');
    return [{ text: code, variable: true }, constant(' - '), { text: name, variable: true }];
  };
  const state = v.pool('cbs-state', (q) => pick(q, ['Installed', 'Staged', 'Absent', 'Resolved', 'Installed Pending']), (r) => int(r, 2, 5));
  const cmp = v.pool('cbs-compare', (q) => pick(q, ['EQ', 'GE', 'LE']), small);
  const winPath = v.pool('cbs-path', (q) =>
    pick(q, [
      `C:\\Windows\\winsxs\\amd64_microsoft-windows-${v.word(q)}_31bf3856ad364e35_${version(q)}_none_${hexDigits(q, 16)}\\${v.word(q)}.dll`,
      `C:\\Program Files\\${capital(v.word(q))} ${capital(v.word(q))}\\${v.word(q)}.exe`,
      `C:\\Windows\\servicing\\Packages\\${v.word(q)}.mum`,
    ]),
  );
  const stack = list((q) => `@0x${hexDigits(q, int(q, 9, 11))}`, 1, 4, ' ');
  return {
    plain: [
      ev`Loaded Servicing Stack v${draw(version)} with Core: ${winPath}`,
      ev`Session: ${draw(session)} initialized by client ${client}.`,
      ev`Read out cached package applicability for package: ${pkgId}, ApplicableState: ${num(0, 112)}, CurrentState:${num(0, 112)}`,
      ev`SQM: Cleaning up report files older than ${num(5, 30)} days.`,
      ev`SQM: Queued ${num(0, 9)} file(s) for upload with pattern: C:\\Windows\\servicing\\sqm\\*_${draw((q) => pick(q, ['std', 'all']))}.sqm, flags: ${hex(1)}`,
      ev`Exec: Processing complete. Session: ${draw(session)}, Package: ${pkgId}, Identifier: ${kb} [HRESULT = ${hresult}]`,
      ev`Trusted Installer is shutting down because: ${draw((q) => pick(q, ['SHUTDOWN_REASON_AUTOSTOP', 'SHUTDOWN_REASON_USER']))}`,
      ev`WcpInitialize (wcp.dll version ${draw((q) => `0.0.0.${int(q, 5, 6)}`)}) called (stack ${stack})`,
      ev`Reboot mark refs: ${num(0, 3)}`,
      ev`Appl: detect Parent, Package: ${pkgId}, Parent: ${pkgId}, Disposition = Detect, VersionComp: ${cmp}, BuildComp: ${cmp}, RevisionComp: ${cmp}, Exist: present`,
      ev`Plan: Package: ${pkgId}, current: ${state}, pending: Default, start: ${state}, applicable: ${state}, targeted: ${state}, limit: ${state}`,
      ev`Mark store corruption flag because of package: ${pkgId}. hr: ${hex(8)}`,
      ev`Failed to open the file: ${winPath} [HRESULT = ${hresult}]`,
      ev`Creating NT transaction (seq ${num(1, 9)}), objectname [${num(6, 99)}]"${draw((q) => `\\BaseNamedObjects\\${capital(v.word(q))}`)}"`,
      ev`Warning: Unrecognized packageExtended attribute.`,
      ev`Ending TrustedInstaller initialization.`,
      ev`Starting the TrustedInstaller main loop.`,
      ev`Startup processing thread terminated normally`,
    ],
    closed: [
      each(['Failed to get next element', 'Expecting attribute name', 'Failed to internally open package', 'Failed to resolve package'], (what) => ev`${what} [HRESULT = ${hresult}]`),
      each(['Initializing online', 'Initializing offline'], (how) => ev`SQM: ${how} with Windows opt-in: False`),
      each(['Starts', 'Completed'], (s) => ev`Scavenge: ${s}, disposition: ${hex(1)}`),
    ],
  };
}

function systemd(v: Vocabulary): FamilyEvents {
  const unit = v.pool('systemd-unit', (q) => `${v.word(q)}${pick(q, ['', '-daemon', '-helper'])}.${pick(q, ['service', 'service', 'timer', 'socket', 'mount'])}`);
  const description = v.pool('systemd-description', (q) =>
    pick(q, [
      `${capital(v.word(q))} ${capital(v.word(q))} Service`,
      `Daily ${v.word(q)} activities`,
      `Session ${int(q, 1, 999)} of user ${v.word(q)}`,
      `${capital(v.word(q))}`,
      `User Manager for UID ${int(q, 1000, 1010)}`,
    ]),
  );
  const user = v.pool('systemd-user', (q) => v.word(q), (r) => int(r, 1, 6));
  const cpuTime = (q: Rng): string => pick(q, [`${int(q, 1, 999)}ms`, `${int(q, 1, 59)}.${int(q, 100, 999)}s`, `${int(q, 1, 59)}min ${int(q, 1, 59)}.${int(q, 100, 999)}s`]);
  const dev = v.pool('block-device', (q) => pick(q, [`sda${int(q, 1, 4)}`, `nvme0n1p${int(q, 1, 4)}`, `dm-${int(q, 0, 3)}`]), (r) => int(r, 1, 4));
  const opts = list((q) => pick(q, ['errors=remount-ro', 'discard', 'noatime', 'user_xattr', `commit=${int(q, 5, 60)}`]), 1, 3, ',');
  const comm = v.pool('kernel-comm', (q) => v.word(q));
  const size = (q: Rng): string => `${int(q, 1, 999)}.${int(q, 0, 9)}${pick(q, ['M', 'G'])}`;
  const profile = v.pool('apparmor-profile', (q) => pick(q, [`/usr/sbin/${v.word(q)}`, `snap.${v.word(q)}.${v.word(q)}`]));
  return {
    plain: [
      ev`${unit}: Main process exited, code=exited, status=${draw((q) => pick(q, ['1/FAILURE', '2/INVALIDARGUMENT', '203/EXEC', '217/USER']))}`,
      ev`${unit}: Main process exited, code=killed, status=${draw((q) => pick(q, ['9/KILL', '15/TERM', '6/ABRT']))}`,
      ev`${unit}: Succeeded.`,
      ev`${unit}: Consumed ${draw(cpuTime)} CPU time.`,
      ev`${unit}: Scheduled restart job, restart counter is at ${num(1, 99)}.`,
      ev`${unit}: Start request repeated too quickly.`,
      ev`Reached target ${description}.`,
      ev`New session ${num(1, 9999)} of user ${user}.`,
      ev`Removed session ${num(1, 9999)}.`,
      ev`Session ${num(1, 9999)} logged out. Waiting for processes to exit.`,
      ev`[UFW BLOCK] IN=eth0 OUT= MAC=${draw((q) => `${mac(q)}:${mac(q)}:08:00`)} SRC=${draw(ipv4)} DST=${draw(ipv4)} LEN=${num(40, 1500)} TOS=0x00 PREC=0x00 TTL=${num(30, 250)} ID=${num(0, 65535)} PROTO=TCP SPT=${port} DPT=${num(1, 1024)} WINDOW=${num(1024, 65535)} RES=0x00 SYN URGP=0`,
      ev`Out of memory: Killed process ${pid} (${comm}) total-vm:${draw((q) => `${int(q, 1000, 9999999)}kB`)}, anon-rss:${draw((q) => `${int(q, 100, 999999)}kB`)}, file-rss:${draw((q) => `${int(q, 0, 9999)}kB`)}, shmem-rss:${draw((q) => `${int(q, 0, 999)}kB`)}, UID:${num(0, 1010)} pgtables:${draw((q) => `${int(q, 100, 9999)}kB`)} oom_score_adj:${num(0, 1000)}`,
      ev`usb ${draw((q) => `${int(q, 1, 4)}-${int(q, 1, 9)}${q() < 0.3 ? `.${int(q, 1, 4)}` : ''}`)}: new high-speed USB device number ${num(2, 99)} using xhci_hcd`,
      ev`Runtime Journal (/run/log/journal/${draw((q) => hexDigits(q, 32))}) is ${draw(size)}, max ${draw(size)}, ${draw(size)} free.`,
      ev`Suppressed ${num(1, 9999)} messages from ${unit}`,
      ev`Startup finished in ${draw(cpuTime)} (kernel) + ${draw(cpuTime)} (userspace) = ${draw(cpuTime)}.`,
      ev`pam_unix(${draw((q) => pick(q, ['cron', 'sudo', 'systemd-user']))}:session): session opened for user ${user}(uid=${num(0, 1010)}) by (uid=${num(0, 1010)})`,
      ev`perf: interrupt took too long (${num(2500, 9000)} > ${num(2500, 9000)}), lowering kernel.perf_event_max_sample_rate to ${num(10000, 99000)}`,
      ev`Journal started`,
    ],
    closed: [
      each(['Starting', 'Stopping'], (verb) => ev`${verb} ${description}...`),
      each(['Started', 'Stopped', 'Created slice', 'Listening on'], (verb) => ev`${verb} ${description}.`),
      each(['exit-code', 'timeout', 'signal', 'core-dump'], (result) => ev`${unit}: Failed with result '${result}'.`),
      [ev`EXT4-fs (${dev}): mounted filesystem with ordered data mode. Opts: (null)`, ev`EXT4-fs (${dev}): mounted filesystem with ordered data mode. Opts: ${opts}`],
      each(['eno1', 'enp3s0'], (i) => ev`e1000e: ${i} NIC Link is Up ${draw((q) => pick(q, ['100', '1000']))} Mbps Full Duplex, Flow Control: ${draw((q) => pick(q, ['None', 'Rx/Tx']))}`),
      each(['DENIED', 'ALLOWED'], (verdict) =>
        ev`audit: type=${num(1400, 1420)} audit(${draw((q) => `${int(q, 1600000000, 1700000000)}.${int(q, 100, 999)}`)}:${num(1, 9999)}): apparmor="${verdict}" operation="${draw((q) => pick(q, ['open', 'exec', 'capable', 'file_mmap']))}" profile="${profile}" name="${draw((q) => `/${v.word(q)}/${v.word(q)}`)}" pid=${pid} comm="${comm}" requested_mask="${draw((q) => pick(q, ['r', 'w', 'rw', 'x']))}" denied_mask="${draw((q) => pick(q, ['r', 'w', 'rw', 'x']))}" fsuid=${num(0, 1010)} ouid=${num(0, 1010)}`,
      ),
    ],
  };
}

function mariadb(v: Vocabulary): FamilyEvents {
  const db = v.pool('mysql-db', (q) => v.word(q, 3));
  const user = v.pool('mysql-user', (q) => v.word(q), (r) => int(r, 1, 5));
  const host = v.pool('mysql-host', (q) => pick(q, ['localhost', ipv4(q), `${v.word(q)}.internal`]));
  const size = (q: Rng): string => `${pick(q, ['128', '256', '512', '1', '2', '16'])}${pick(q, ['M', 'G'])}`;
  const version = v.pool('mysql-version', (q) => `10.${int(q, 3, 11)}.${int(q, 1, 25)}`, (r) => int(r, 1, 2));
  const binlog = (q: Rng): string => `mysql-bin.${pad(int(q, 1, 999), 6)}`;
  const table = v.pool('mysql-table', (q) => `./${db(q) as string}/${v.word(q)}`);
  const plugin = v.pool('mysql-plugin', (q) => pick(q, ['FEEDBACK', 'unix_socket', 'InnoDB', 'ARCHIVE', 'BLACKHOLE']), small);
  const mysqld = v.pool('mysqld-path', (q) => pick(q, ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/libexec/mysqld']), small);
  const yymmdd = (q: Rng): string => `2${int(q, 1, 3)}${pad(int(q, 1, 12), 2)}${pad(int(q, 1, 28), 2)}`;
  const distribution = v.pool('mysql-distribution', (q) => pick(q, ['Debian 11', 'MariaDB Server', 'Source distribution', 'Ubuntu 22.04']), small);
  return {
    plain: [
      ev`InnoDB: Initializing buffer pool, total size = ${draw(size)}, instance size = ${draw(size)}, chunk size = ${draw(size)}`,
      ev`InnoDB: ${num(1, 128)} rollback segments are active.`,
      ev`InnoDB: Setting file '${draw((q) => `./ibtmp${int(q, 1, 2)}`)}' size to ${num(12, 64)} MB. Physically writing the file full; Please wait ...`,
      ev`InnoDB: ${version} started; log sequence number ${num(10000, 999999999)}; transaction id ${num(10, 999999)}`,
      ev`${mysqld}: ready for connections.`,
      ev`Version: '${draw((q) => `${version(q) as string}-MariaDB${q() < 0.5 ? `-0+deb11u${int(q, 1, 3)}` : ''}`)}'  socket: '${draw((q) => pick(q, ['/run/mysqld/mysqld.sock', '/var/lib/mysql/mysql.sock']))}'  port: ${draw((q) => pick(q, ['3306', '3307']))}  ${distribution}`,
      ev`Access denied for user '${user}'@'${host}' (using password: ${draw((q) => pick(q, ['YES', 'NO']))})`,
      ev`InnoDB: page_cleaner: 1000ms intended loop took ${draw((q) => `${int(q, 1001, 99999)}ms`)}. The settings might not be optimal. (flushed=${num(0, 2000)} and evicted=${num(0, 500)}, during the time.)`,
      ev`Slave I/O thread: connected to master '${draw((q) => `${user(q) as string}@${host(q) as string}:3306`)}',replication started in log '${draw(binlog)}' at position ${num(4, 999999)}`,
      ev`Event Scheduler: Loaded ${num(0, 20)} events`,
      ev`Plugin '${plugin}' is disabled.`,
      ev`InnoDB: Shutdown completed; log sequence number ${num(10000, 999999999)}; transaction id ${num(10, 999999)}`,
      ev`Slave SQL thread initialized, starting replication in log '${draw(binlog)}' at position ${num(4, 999999)}, relay log '${draw((q) => `./${v.word(q)}-relay-bin.${pad(int(q, 1, 999), 6)}`)}' position: ${num(4, 999999)}`,
      ev`Table '${table}' is marked as crashed and should be repaired`,
      ev`Checking table:   '${table}'`,
      ev`${mysqld}: Shutdown complete`,
      ev`Thread ${num(1, 99999)} (user : '${user}') did not exit`,
      ev`IP address '${draw(ipv4)}' could not be resolved: ${draw((q) => pick(q, ['Name or service not known', 'Temporary failure in name resolution']))}`,
      ev`InnoDB: Log sequence number ${num(10000, 999999999)} is in the future! Current system log sequence number ${num(10000, 999999999)}.`,
      ev`Got error ${num(120, 199)} when reading table '${table}'`,
    ],
    closed: [
      each(['Got an error reading communication packets', 'Got timeout reading communication packets', 'CLOSE_CONNECTION'], (why) =>
        ev`Aborted connection ${num(1, 999999)} to db: '${draw((q) => (q() < 0.3 ? 'unconnected' : (db(q) as string)))}' user: '${user}' host: '${host}' (${why})`,
      ),
      each(['load', 'dump'], (what) => ev`InnoDB: Buffer pool(s) ${what} completed at ${draw(yymmdd)} ${draw(hhmmss)}`),
      [
        ev`Error reading packet from server: Lost connection to MySQL server during query (server_errno=2013)`,
        ev`Error reading packet from server: Could not find first log file name in binary log index file (server_errno=1236)`,
      ],
    ],
  };
}

function kafka(v: Vocabulary): FamilyEvents {
  const topic = v.pool('kafka-topic', (q) => `${v.word(q)}${pick(q, ['', '-events', '.v1', '_raw'])}`);
  const tp = (q: Rng): string => `${topic(q) as string}-${int(q, 0, 23)}`;
  const group = v.pool('kafka-group', (q) => `${v.word(q)}-${pick(q, ['consumer', 'group', 'workers'])}`);
  const brokerId = v.pool('kafka-broker', (q) => String(int(q, 0, 9)), (r) => int(r, 1, 5));
  const dir = v.pool('kafka-dir', (q) => pick(q, ['/var/lib/kafka/data', '/kafka/kafka-logs', `/data/${v.word(q)}/kafka-logs`]), (r) => int(r, 1, 3));
  const member = (q: Rng): string => `${pick(q, ['consumer', 'producer', 'connector'])}-${group(q) as string}-${int(q, 1, 9)}-${uuid(q)}`;
  const reason = v.pool('rebalance-reason', (q) =>
    pick(q, [`Adding new member ${member(q)} with group instance id None`, 'Leader consumer-1 re-joining group during Stable', `removing member ${member(q)} on heartbeat expiration`, 'Updating metadata for member during Stable']),
  );
  /** A replica list: 1..4 distinct broker ids, comma-joined with or without spaces (one variable). */
  const brokers =
    (sep: string): Slot =>
    (q) =>
      [...new Set(Array.from({ length: int(q, 1, 4) }, () => brokerId(q) as string))].join(sep);
  const isr = brokers(',');
  const outOfSync = list((q) => `(brokerId: ${brokerId(q) as string}, endOffset: ${int(q, 0, 999999)})`, 1, 3, ', ');
  const props = list((q) => pick(q, ['cleanup.policy=compact', `segment.bytes=${int(q, 1, 9)}073741824`, `retention.ms=${int(q, 1, 9)}04800000`, 'compression.type=producer', `min.insync.replicas=${int(q, 1, 2)}`]), 1, 4, ', ');
  const txid = v.pool('kafka-txid', (q) => `${v.word(q)}-tx-${int(q, 0, 9)}`);
  const rack = v.pool('kafka-rack', (q) => pick(q, ['null', `rack-${v.word(q)}`, 'null']), small);
  const host = v.pool('kafka-host', (q) => `${v.word(q)}-${int(q, 0, 5)}.${v.word(q)}.svc`);
  return {
    plain: [
      ev`[GroupCoordinator ${brokerId}]: Preparing to rebalance group ${group} in state PreparingRebalance with old generation ${num(0, 999)} (__consumer_offsets-${num(0, 49)}) (reason: ${reason}) (kafka.coordinator.group.GroupCoordinator)`,
      ev`[GroupCoordinator ${brokerId}]: Stabilized group ${group} generation ${num(1, 999)} (__consumer_offsets-${num(0, 49)}) with ${num(1, 40)} members (kafka.coordinator.group.GroupCoordinator)`,
      ev`[GroupCoordinator ${brokerId}]: Member ${draw(member)} in group ${group} has failed, removing it from the group (kafka.coordinator.group.GroupCoordinator)`,
      ev`[GroupCoordinator ${brokerId}]: Group ${group} with generation ${num(1, 999)} is now empty (__consumer_offsets-${num(0, 49)}) (kafka.coordinator.group.GroupCoordinator)`,
      ev`[Log partition=${draw(tp)}, dir=${dir}] Rolled new log segment at offset ${num(0, 99999999)} in ${num(0, 90)} ms. (kafka.log.Log)`,
      ev`[Log partition=${draw(tp)}, dir=${dir}] Found deletable segments with base offsets [${list(num(0, 99999999), 1, 5, ',')}] due to retention time ${draw((q) => `${int(q, 1, 9)}04800000ms`)} breach (kafka.log.Log)`,
      ev`[Log partition=${draw(tp)}, dir=${dir}] Completed load of log with ${num(1, 40)} segments, log start offset ${num(0, 999999)} and log end offset ${num(0, 9999999)} in ${num(0, 900)} ms (kafka.log.Log)`,
      ev`[ReplicaFetcher replicaId=${brokerId}, leaderId=${brokerId}, fetcherId=${num(0, 3)}] Truncating partition ${draw(tp)} to local high watermark ${num(0, 9999999)} (kafka.server.ReplicaFetcherThread)`,
      ev`[Partition ${draw(tp)} broker=${brokerId}] ISR updated to ${isr} and version updated to [${num(0, 999)}] (kafka.cluster.Partition)`,
      ev`[Partition ${draw(tp)} broker=${brokerId}] Shrinking ISR from ${isr} to ${isr}. Leader: (highWatermark: ${num(0, 999999)}, endOffset: ${num(0, 999999)}). Out of sync replicas: ${outOfSync}. (kafka.cluster.Partition)`,
      ev`[GroupMetadataManager brokerId=${brokerId}] Removed ${num(0, 900)} expired offsets in ${num(0, 90)} milliseconds. (kafka.coordinator.group.GroupMetadataManager)`,
      ev`[ProducerStateManager partition=${draw(tp)}] Wrote producer snapshot at offset ${num(0, 9999999)} with ${num(0, 40)} producer ids in ${num(0, 90)} ms. (kafka.log.ProducerStateManager)`,
      ev`Deleted log ${draw((q) => `${dir(q) as string}/${tp(q)}/${pad(int(q, 0, 99999999), 20)}.log.deleted`)}. (kafka.log.LogSegment)`,
      ev`[Controller id=${brokerId}] Processing automatic preferred replica leader election (kafka.controller.KafkaController)`,
      ev`[TransactionCoordinator id=${brokerId}] Initialized transactionalId ${txid} with producerId ${num(1000, 99999)} and producer epoch ${num(0, 99)} on partition __transaction_state-${num(0, 49)} (kafka.coordinator.transaction.TransactionCoordinator)`,
      ev`[KafkaApi-${brokerId}] Auto creation of topic ${topic} with ${num(1, 24)} partitions and replication factor ${num(1, 3)} is successful (kafka.server.KafkaApis)`,
      ev`Created log for partition ${draw(tp)} in ${dir} with properties {${props}} (kafka.log.LogManager)`,
      ev`[SocketServer listenerType=ZK_BROKER, nodeId=${brokerId}] Failed authentication with ${draw((q) => `/${ipv4(q)}`)} (${draw((q) => pick(q, ['SSL handshake failed', 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512', 'Unexpected Kafka request of type METADATA during SASL handshake.']))}) (org.apache.kafka.common.network.Selector)`,
      ev`[Controller id=${brokerId}, targetBrokerId=${brokerId}] Connection to node ${brokerId} (${host}/${draw(ipv4)}:${draw((q) => pick(q, ['9092', '9093']))}) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)`,
      ev`[BrokerToControllerChannelManager broker=${brokerId} name=forwarding]: Recorded new controller, from now on will use broker ${host}:${draw((q) => pick(q, ['9092', '9093']))} (id: ${brokerId} rack: ${rack}) (kafka.server.BrokerToControllerRequestThread)`,
    ],
    closed: [
      each(['started', 'shutting down', 'shut down completed'], (s) => ev`[KafkaServer id=${brokerId}] ${s} (kafka.server.KafkaServer)`),
      each(['PLAINTEXT', 'SSL', 'SASL_SSL'], (l) => ev`[SocketServer listenerType=ZK_BROKER, nodeId=${brokerId}] Started data-plane acceptor and processor(s) for endpoint : ListenerName(${l}) (kafka.network.SocketServer)`),
      [
        ev`[Controller id=${brokerId} epoch=${num(1, 99)}] Changed partition ${draw(tp)} from NewPartition to OnlinePartition with state LeaderAndIsr(leader=${brokerId}, leaderEpoch=${num(0, 99)}, isr=List(${brokers(', ')}), zkVersion=${num(0, 99)}) (state.change.logger)`,
        ev`[Controller id=${brokerId} epoch=${num(1, 99)}] Changed partition ${draw(tp)} from OfflinePartition to OnlinePartition with state LeaderAndIsr(leader=${brokerId}, leaderEpoch=${num(0, 99)}, isr=List(${brokers(', ')}), zkVersion=${num(0, 99)}) (state.change.logger)`,
      ],
      each(['Fetch', 'Produce', 'Request'], (kind) => ev`[ThrottledChannelReaper-${kind}]: Starting (kafka.server.ClientQuotaManager$ThrottledChannelReaper)`),
    ],
  };
}

const FAMILY_MAKERS: Record<string, (v: Vocabulary) => FamilyEvents> = { logcat, bgl, hpc, linux, macos, nova, proxifier, tbird, cbs, systemd, mariadb, kafka };

/**
 * The invented system of `seed`: its name `v9-<seed>:<families>`, 2,000
 * content lines, the true template of each, and the closed sets drawn.
 */
export function unseenSystemV9(seed: number): SyntheticSampleV2 {
  const vocabulary = new Vocabulary(seed);
  const r = prng((seed * 2654435761 + 97) >>> 0);
  return inventSystem(r, `v9-${seed}`, FAMILIES_V9, (name) => FAMILY_MAKERS[name](vocabulary), { minEvents: MIN_EVENTS, keepPlain: 0.75, keepClosed: (k) => (k === 0 ? 1 : 0.75) }, LINES);
}
