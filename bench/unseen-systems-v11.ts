/**
 * Held-out invented systems, eleventh generation (--synthetic-v11 of
 * bench/template-mining.ts).
 *
 * Why an eleventh generator: v1-v10 (unseen-systems*.ts) have all been used
 * or looked at while the miner was tuned. This one was written BLIND: its
 * author did not read the miner (processors/) nor the event shapes of the
 * earlier generators, and never ran the miner on it. It shares only the
 * sample shape (SyntheticSampleV2), the drawing helpers (synthetic-draw.ts)
 * and the ground-truth convention stated in v9's and v10's headers (learned
 * from the corrected Loghub-2.0 templates), restated below with this file's
 * choices.
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it); event shapes written from what those
 * programs print, avoiding the most obvious messages of each:
 *   logcat   Android: Choreographer skipped frames, property access denials,
 *            chatty `identical <n> lines`, package code path changes, RSSI
 *            polls with glued units, keyguard occlusion, suspend blockers,
 *            VPN interfaces (tun0 / ipsec0), exceptions with free text
 *   bgl      BlueGene/L RAS: ddr error totals, CE symbols, torus external
 *            interrupts, idoproxy ASSERT lines with free-text expressions,
 *            VPD mismatches per location, bit sparing, ciod socket errors per
 *            errno text, mmcs_server signals, Lustre mount failures
 *   hpc      HPC cluster: node state changes (`DOWN (Not responding)`),
 *            unresponsive node lists, walltime kills, scrubber counts per DIMM,
 *            throttling with units after a space, console / power commands
 *   linux    2005-era Linux syslog: dhclient per interface (eth0 / eth1),
 *            OOM kills, SNMP packets, logrotate, NFS mount errors per text,
 *            USB devices, audit initialisation, service status lines with
 *            pid lists, kernel command lines
 *   macos    macOS: TIS/TSM non-main-thread complaints led by the process,
 *            wake reasons with optional parenthesised parts, Link Down
 *            reasons, Thunderbolt wake timing, nsurlsessiond task errors,
 *            Application Support paths with spaces, thermal pressure, sleep
 *            on AC / BATT with a glued percentage, lid opened / closed
 *   nova     OpenStack nova: lazy-loading attributes, pending tasks during
 *            power sync, instance file deletion paths, info-cache JSON,
 *            audits per node, instance verbs, libvirt `instance-<hex>`
 *   proxifier  Proxifier client: 64-bit programs marked ` *64` beside plain
 *            ones, closes with bytes and humanised sizes, error texts per
 *            call site, resolve errors, IPv4 / IPv6 retries, profile paths
 *   tbird    Thunderbird cluster syslog: e1000 watchdog links per interface,
 *            ntpdate offsets, rpc.idmapd mapping failures, automount
 *            lookups, mptscsih task aborts, NMI reasons, sudoers refusals,
 *            ib_sm switch ports Up / Down
 *   cbs      Windows CBS servicing: parent detection with comparison words,
 *            Doqe results, corrupt payloads, duplicate ownership paths with
 *            spaces, Exec completion, HRESULT failures, Perf completions,
 *            offline registry hives
 *   postgres PostgreSQL server log: connections (`host=[local]` beside an
 *            address), authorizations with sometimes-empty application name,
 *            session times, statements with durations, checkpoint reasons
 *            and summaries, autovacuum / analyze, lock waits with queues,
 *            parameter changes, pg_hba rejections (SSL encryption / no
 *            encryption), archive failures with the command as free text,
 *            shutdown times (ISO date and time, a variable each)
 *   kubelet  Kubernetes kubelet (klog): SyncLoop ADD / UPDATE / DELETE /
 *            REMOVE with pod lists, probe failures with empty or free-text
 *            output, SyncLoop (probe) status, PLEG events, container kills,
 *            startup durations, eviction, image GC thresholds, deprecated
 *            flags, cgroup driver, system container stats errors
 *   nginx    nginx error log: upstream connect failures per errno text,
 *            open() failures with and without a referrer, large bodies,
 *            buffered temp files, request limiting, forbidden directories,
 *            worker exits, bind failures (`[::]` beside an address)
 * Program, host, user and other names are random pronounceable words invented
 * per system; real-world words appear only where programs of that kind print
 * them (eth0, tun0, ipsec0, HTTP/1.1, SSL, ShareLock, SOFTWARE, amd64, ioc0).
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
 * Ground-truth convention (v9's, from the corrected Loghub-2.0 templates; this
 * file's choices where it had to pick):
 * - an identifier of words and numbers joined by `_` is ONE variable (a CBS
 *   session `NNN_NNN`, a CBS component `amd64_microsoft-windows-…_none_…`);
 * - a constant word joined by `-` to a number or id keeps the word
 *   (`instance-<*>`), a constant glued before a number keeps it too (`*<*>`
 *   for an nginx connection, `--<*>` before a kubelet flag, `containerd://`
 *   before a container id); names with digits, dots and dashes are one
 *   variable (hosts, pods `namespace/name`, a WAL segment, an LSN `0/1A2B3C`);
 * - `ip:port` is `<*>:<*>`; an address in brackets `[<*>]:<*>`;
 * - a unit glued to a number is inside the variable (`72Mbps`, `85%`,
 *   `3.25s`, `1m4.5s`); a fixed unit after a space is constant (`<*> ms`,
 *   `<*> s`, `<*> kB`, `<*> bytes`, `<*> sec`, `<*> C`); a size a humaniser
 *   prints with a changing unit is ONE variable with its unit (`1.16 KB`);
 * - brackets, parentheses, braces, quotes around a value are constant
 *   (`"<*>"`, `(<*>)`, `[<*>]`, `Task <<*>>.<<*>>`);
 * - a path is one variable (Unix, Windows with backslashes and spaces);
 * - `key=value`, `key: value`: the key and separator constant, the value one
 *   variable even with `,` `:` `/` or spaces inside (a pod list in brackets, a
 *   kubelet `event=&{…}`); a field printed empty sometimes is one template
 *   with the non-empty form (empty only right after `=` or between double
 *   quotes: `application_name=`, `output=""`, `status=""`);
 * - `0x` hex is one variable with its prefix; a negative number keeps its
 *   sign (`rssi=<*>`, `offset <*> sec`);
 * - a written-out duration `0:00:01.234` or `00:02` is one variable.
 * Where the real data is silent, the held-out judges' account:
 * - a variable in the first position is a variable even without a digit
 *   (a macOS process, a Proxifier program, a user refused by sudo, a
 *   service, an exception class);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part belongs to the variable it follows (a node state
 *   `DOWN (Not responding)`, a wake reason `EC.LidOpen (User)`, a Link Down
 *   reason `8 (Disassociated because station leaving)`), empty vs non-empty
 *   field, comma lists of varying length (lock wait queues, node lists),
 *   space lists (kubelet pod lists), free text the program prints from data
 *   (SQL statements, probe outputs, kubelet errors, exception messages,
 *   ASSERT expressions, a JSON network_info) is one variable;
 * - small value sets are still variables (probe kinds, lock modes, cgroup
 *   drivers, comparison words EQ / GE, duplex words, HTTP methods, AC /
 *   BATT);
 * - punctuation inside a value does not split it: durations as mm:ss,
 *   hh:mm:ss, `<1 sec`, `0:00:01.234`, a path with a space;
 * - separate events: closed sets of plain words in a fixed position naming
 *   what happened (SyncLoop operations, checkpoint reasons, nova instance
 *   verbs, Perf completions, suspend blocker acquire / release, termination
 *   causes, errno texts of one call site), digit-bearing constants (eth0 /
 *   eth1, tun0 / ipsec0, IPv4 / IPv6), booleans a code path prints as
 *   constants (`setOccluded(true)`, `SSL encryption` / `no encryption`), a
 *   specific event beside a general one (`host=[local]` beside an address,
 *   ` *64` beside a plain program, `[::]` beside an address, `task_state:
 *   None` beside a task);
 * - a boolean read from data is a variable (`animate=<*>`, a parameter
 *   changed to "on" / "off", `keyguardShowing=<*>`);
 * - a UUID, a MAC address, a version, a decimal number, an ISO date are one
 *   variable each.
 *
 * REPORTED_SEEDS_V11 (1501-1512) were fixed in this file before the generator
 * was ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V11 or other seeds.
 */
import { prng } from '../test/kit/prng';
import type { FamilyEvents, Piece, Render, Syllables } from './synthetic-draw';
import { hexDigits, int, inventSystem, pad, pick, pronounceableWord } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** Fixed before the generator was first run against the miner: the held-out figure. */
export const REPORTED_SEEDS_V11: readonly number[] = [1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509, 1510, 1511, 1512];
/** For development and debugging: never the reported ones. */
export const DEVELOPMENT_SEEDS_V11: readonly number[] = [10000, 10002, 10005, 10010, 10055];

/** Fewer events than this and more families are added. */
const MIN_EVENTS = 22;
const LINES = 2000;

type Rng = () => number;

// ---------------------------------------------------------------- pieces

/** A constant piece (`c`) and a variable piece (`v`). */
const c = (text: string): Piece => ({ text, variable: false });
const v = (text: string): Piece => ({ text, variable: true });

type Part = string | Piece | readonly Piece[];

/**
 * A line as a tagged template: the literal text is constant, every `${…}`
 * string a variable, a Piece or a list of Pieces spliced as they are (for
 * constants chosen by the event, or optional pieces).
 */
function L(strings: TemplateStringsArray, ...parts: Part[]): Piece[] {
  const out: Piece[] = [];
  strings.forEach((s, i) => {
    if (s !== '') out.push(c(s));
    if (i >= parts.length) return;
    const p = parts[i];
    if (typeof p === 'string') out.push(v(p));
    else if (Array.isArray(p)) out.push(...(p as readonly Piece[]));
    else out.push(p as Piece);
  });
  return out;
}

/** A closed set: one event per program constant `k`, the rest of the line shared. */
const closedSet = (constants: readonly string[], line: (k: Piece, q: Rng) => Piece[]): Render[] =>
  constants.map((k) => (q: Rng) => line(c(k), q));

// ---------------------------------------------------------------- values drawn per line

const chance = (q: Rng, p: number): boolean => q() < p;
const ip = (q: Rng): string => `${pick(q, ['10', '172', '192'])}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const port = (q: Rng): string => String(int(q, 1024, 65535));
/** A random (version 4) UUID. */
const uuid = (q: Rng): string => `${hexDigits(q, 8)}-${hexDigits(q, 4)}-4${hexDigits(q, 3)}-${pick(q, ['8', '9', 'a', 'b'])}${hexDigits(q, 3)}-${hexDigits(q, 12)}`;
const num = (q: Rng, lo: number, hi: number): string => String(int(q, lo, hi));
const dec = (q: Rng, lo: number, hi: number, digits: number): string => (lo + q() * (hi - lo)).toFixed(digits);
const hex0x = (q: Rng, n: number): string => `0x${hexDigits(q, n)}`;
const mmss = (q: Rng): string => `${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
const hhmmss = (q: Rng): string => `${pad(int(q, 1, 47), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
/** A Proxifier lifetime: `<1 sec`, mm:ss or hh:mm:ss. */
const lifetime = (q: Rng): string => pick(q, [() => '<1 sec', () => mmss(q), () => mmss(q), () => hhmmss(q)])();
/** A size as a humaniser prints it: number and a unit that changes with it. */
const humanSize = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(2)} KB` : bytes < 1024 ** 3 ? `${(bytes / 1024 ** 2).toFixed(2)} MB` : `${(bytes / 1024 ** 3).toFixed(2)} GB`;
/** A Go duration as klog prints it (`850.123ms`, `3.25s`, `1m4.5s`). */
const goDuration = (q: Rng): string =>
  pick(q, [() => `${dec(q, 1, 999, 3)}ms`, () => `${dec(q, 1, 59, int(q, 1, 6))}s`, () => `${int(q, 1, 12)}m${dec(q, 0, 59, 1)}s`])();
const isoDate = (q: Rng): string => `20${int(q, 18, 26)}-${pad(int(q, 1, 12), 2)}-${pad(int(q, 1, 28), 2)}`;
/** A list of 1..n distinct items (fewer when draws repeat), joined by `sep`. */
const list = (q: Rng, n: number, item: (q: Rng) => string, sep: string): string => [...new Set(Array.from({ length: int(q, 1, n) }, () => item(q)))].join(sep);

// ---------------------------------------------------------------- vocabulary pools

const SYLLABLES: Syllables = {
  onsets: ['b', 'br', 'd', 'dr', 'f', 'g', 'gl', 'h', 'k', 'kl', 'l', 'm', 'n', 'p', 'pl', 'r', 's', 'st', 't', 'tr', 'v', 'z'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'],
  codas: ['', '', 'n', 'r', 'x', 'l', 'sk', 'th', 'm'],
};

const word = (q: Rng, syllables = int(q, 1, 3)): string => pronounceableWord(q, SYLLABLES, syllables);
const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** How each kind of entity's values look. */
const KINDS: Record<string, (q: Rng) => string> = {
  user: (q) => word(q, int(q, 1, 2)),
  host: (q) => `${word(q, 2)}${chance(q, 0.6) ? `-${word(q, 1)}${int(q, 1, 40)}` : ''}`,
  node: (q) => `${pick(q, ['cn', 'n', 'node'])}${pad(int(q, 1, 1024), 4)}`,
  program: (q) => `${capital(word(q, 2))}${pick(q, ['', '', 'Helper', 'Agent', 'Sync'])}.exe`,
  macProcess: (q) => capital(word(q, int(q, 2, 3))),
  package: (q) => `com.${word(q, 2)}.${word(q, 2)}`,
  activity: (q) => `.${capital(word(q, 2))}Activity`,
  thread: (q) => pick(q, [() => 'RenderThread', () => 'main', () => `Binder:${int(q, 300, 9000)}_${int(q, 1, 9)}`, () => `HwBinder:${int(q, 300, 9000)}_${int(q, 1, 4)}`, () => `pool-${int(q, 1, 9)}-thread-${int(q, 1, 9)}`])(),
  property: (q) => `${pick(q, ['vendor', 'persist', 'ro', 'debug'])}.${word(q, 2)}.${word(q, 1)}`,
  exception: (q) => `${pick(q, ['java.lang', 'java.io', 'android.os', `com.${word(q, 2)}`])}.${capital(word(q, 2))}Exception`,
  blocker: (q) => `${pick(q, ['PowerManagerService', 'Display', capital(word(q, 2))])}.${capital(word(q, 2))}`,
  location: (q) => `R${pad(int(q, 0, 7), 1)}${int(q, 0, 7)}-M${int(q, 0, 1)}-N${int(q, 0, 15)}-C:J${pad(int(q, 2, 17), 2)}-U${int(q, 0, 1)}${int(q, 0, 1)}`,
  ionode: (q) => `${word(q, 2)}io${int(q, 1, 64)}`,
  fs: (q) => `/p/${word(q, 2)}${int(q, 1, 3)}`,
  job: (q) => word(q, int(q, 1, 2)) + (chance(q, 0.5) ? `_${word(q, 1)}` : ''),
  service: (q) => word(q, int(q, 1, 2)) + pick(q, ['d', '', 'd', 'mgr']),
  nfsHost: (q) => `${word(q, 2)}${int(q, 1, 9)}`,
  app: (q) => capital(word(q, 2)),
  bundle: (q) => `com.${word(q, 2)}.${capital(word(q, 2))}`,
  instanceAttr: (q) => pick(q, ['flavor', 'info_cache', 'pci_devices', 'numa_topology', 'ec2_ids', 'security_groups', 'migration_context', 'vcpu_model']),
  taskState: (q) => pick(q, ['spawning', 'deleting', 'rebooting', 'powering-off', 'resize_migrating', 'image_snapshot']),
  proxy: (q) => `${word(q, 2)}.${word(q, 1)}.net`,
  remote: (q) => `${pick(q, ['www.', 'api.', 'cdn.', ''])}${word(q, 2)}.${pick(q, ['com', 'net', 'org', 'io'])}`,
  profile: (q) => `${capital(word(q, 2))}${chance(q, 0.5) ? ` ${capital(word(q, 1))}` : ''}`,
  domain: (q) => `${word(q, 2)}.${pick(q, ['local', 'lan', 'gov'])}`,
  mapKey: (q) => word(q, 2),
  cbsPackage: (q) => `Package_${int(q, 1, 3000)}_for_KB${int(q, 2800000, 5100000)}~31bf3856ad364e35~amd64~~${int(q, 6, 10)}.${int(q, 0, 3)}.${int(q, 1, 9999)}.${int(q, 0, 20)}`,
  component: (q) => `amd64_microsoft-windows-${word(q, 2)}-${word(q, 2)}_31bf3856ad364e35_6.1.7601.${int(q, 17000, 24000)}_none_${hexDigits(q, 16)}`,
  programDir: (q) => `${capital(word(q, 2))} ${capital(word(q, 2))}`,
  inf: (q) => `${word(q, 2)}.inf`,
  database: (q) => word(q, int(q, 1, 2)),
  table: (q) => word(q, int(q, 1, 2)) + pick(q, ['', 's', '_log', '_items']),
  column: (q) => pick(q, ['id', 'email', `${word(q, 1)}_id`, word(q, 2)]),
  pgApp: (q) => pick(q, ['psql', 'pgAdmin 4 - DB:postgres', 'PostgreSQL JDBC Driver', `${word(q, 2)}-worker`, '']),
  lockMode: (q) => pick(q, ['ShareLock', 'AccessExclusiveLock', 'RowExclusiveLock', 'ExclusiveLock']),
  pgParam: (q) => pick(q, ['log_min_duration_statement', 'work_mem', 'autovacuum', 'log_connections', 'synchronous_commit', 'max_wal_size']),
  namespace: (q) => pick(q, ['default', 'kube-system', word(q, 2), `${word(q, 2)}-prod`]),
  pod: (q) => `${word(q, 2)}-${hexDigits(q, int(q, 0, 1) === 0 ? 9 : 10)}-${hexDigits(q, 5)}`,
  container: (q) => word(q, int(q, 1, 2)) + (chance(q, 0.3) ? '-sidecar' : ''),
  kubeNode: (q) => `${word(q, 2)}-${pick(q, ['worker', 'node', 'pool'])}-${int(q, 1, 30)}`,
  volume: (q) => pick(q, ['kube-api-access-', 'config-', 'data-']) + hexDigits(q, 5),
  flag: (q) => pick(q, ['cgroup-driver', 'container-runtime-endpoint', 'pod-infra-container-image', 'fail-swap-on', 'eviction-hard', 'max-pods']),
  systemdService: (q) => `${word(q, 2)}${pick(q, ['', 'd', '-agent'])}`,
  server: (q) => `${word(q, 2)}.${pick(q, ['example', word(q, 2)])}.${pick(q, ['com', 'org'])}`,
  uri: (q) => `/${word(q, 2)}${chance(q, 0.6) ? `/${word(q, 2)}` : ''}${chance(q, 0.3) ? '.php' : ''}`,
  zone: (q) => pick(q, ['one', 'perip', 'api', word(q, 2)]),
};

/** The vocabulary of one system: a pool per kind, each made once from its own stream. */
interface Vocabulary {
  /** A draw (one number of `q`) from the pool of `kind`, skewed to its first values. */
  (kind: keyof typeof KINDS, q: Rng): string;
}

function hashKind(kind: string): number {
  let h = 2166136261;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 16777619);
  return h >>> 0;
}

function vocabulary(seed: number): Vocabulary {
  const pools = new Map<string, string[]>();
  const poolOf = (kind: string): string[] => {
    const known = pools.get(kind);
    if (known) return known;
    const s = prng((Math.imul(seed, 2654435761) ^ hashKind(kind)) >>> 0);
    const size = s() < 1 / 3 ? int(s, 1, 3) : int(s, 4, 200);
    const values = new Set<string>();
    for (let tries = 0; values.size < size && tries < size * 6; tries++) values.add(KINDS[kind](s));
    const made = [...values];
    pools.set(kind, made);
    return made;
  };
  return (kind, q) => {
    const values = poolOf(kind);
    return values[Math.floor(values.length * q() * q())];
  };
}

// ---------------------------------------------------------------- families

type Family = (w: Vocabulary) => FamilyEvents;

const logcat: Family = (w) => ({
  plain: [
    (q) => L`Skipped ${num(q, 30, 900)} frames!  The application may be doing too much work on its main thread.`,
    (q) => L`Access denied finding property "${w('property', q)}"`,
    (q) => L`uid=${num(q, 10000, 10300)}(${w('package', q)}) ${w('thread', q)} identical ${num(q, 1, 40)} lines`,
    (q) => {
      const p = w('package', q);
      return L`Package ${p} codePath changed from ${`/data/app/${p}-${hexDigits(q, 6)}`} to ${`/data/app/${p}-${hexDigits(q, 6)}`}; Retaining data and using new`;
    },
    (q) => L`updateRssi: rssi=${num(q, -90, -30)} speed=${`${pick(q, [6, 54, 72, 144, 433, 866])}Mbps`} freq=${`${pick(q, [2412, 2437, 2462, 5180, 5745])}MHz`}`,
    (q) => L`onUserPresent: keyguardShowing=${pick(q, ['true', 'false'])} occluded=${pick(q, ['true', 'false'])}`,
    (q) => L`Caused by: ${w('exception', q)}: ${pick(q, [
      () => `Attempt to invoke virtual method on a null object reference`,
      () => `Unable to start receiver ${w('package', q)}${w('activity', q)}`,
      () => `${int(q, 1, 9)} is not a valid index`,
      () => `Not allowed to start service Intent { act=${w('package', q)}.SYNC }: app is in background`,
      () => 'timeout',
    ])()}`,
    (q) => L`Slow dispatch took ${`${int(q, 100, 9000)}ms`} ${w('thread', q)} h=android.os.Handler c=${`${w('package', q)}.${capital(word(q, 2))}`} m=${num(q, 0, 9)}`,
    (q) => L`Process ${w('package', q)} (pid ${num(q, 900, 32000)}) has died: ${pick(q, ['fore', 'vis', 'prcp', 'svc', 'cch', 'cem'])} ${pick(q, ['TOP', 'FGS', 'BFGS', 'CEM', 'LAST'])}`,
  ],
  closed: [
    closedSet(['Acquiring', 'Releasing'], (k, q) => L`${k} suspend blocker "${w('blocker', q)}".`),
    closedSet(['setOccluded(true)', 'setOccluded(false)'], (k, q) => L`${k} animate=${pick(q, ['true', 'false'])}`),
    closedSet(['tun0', 'ipsec0'], (k, q) => L`Established by ${w('package', q)} on ${k}`),
  ],
});

const bgl: Family = (w) => ({
  plain: [
    (q) => L`total of ${num(q, 1, 99)} ddr error(s) detected and corrected over ${num(q, 1, 3600)} seconds`,
    (q) => L`CE sym ${num(q, 0, 31)}, at ${hex0x(q, 8)}, mask ${hex0x(q, 2)}`,
    (q) => L`external input interrupt (unit=${hex0x(q, 2)} bit=${hex0x(q, 2)}): uncorrectable torus error`,
    (q) =>
      L`idoproxydb hit ASSERT condition: ASSERT expression=${pick(q, ['0', '!(nBlocks > 0)', 'rc == 0', `p${capital(word(q, 2))} != NULL`, 'len <= MAX_MSG'])} Source file=${`${word(q, 2)}.cc`} Source line=${num(q, 40, 2400)} Function=${pick(q, ['int', 'void', 'bool'])} ${`${capital(word(q, 2))}::${word(q, 2)}()`}`,
    (q) => L`Node card VPD check: ${w('location', q)} node in processor card slot ${num(q, 0, 15)} do not match. VPD ecid ${hexDigits(q, 24)}, found ${hexDigits(q, 24)}`,
    (q) => L`MidplaneSwitchController performing bit sparing on ${w('location', q)} bit ${num(q, 0, 11)}`,
    (q) => L`ciod: failed to read message prefix on control stream (CioStream socket to ${ip(q)}:${port(q)}`,
    (q) => L`Lustre mount FAILED : ${w('ionode', q)} : point ${w('fs', q)}`,
    (q) => L`${num(q, 1, 9999)} double-hummer alignment exceptions`,
    (q) => L`machine check interrupt (bit=${hex0x(q, 2)}): L2 dcache unit data parity error`,
  ],
  closed: [
    closedSet(['Link has been severed', 'Connection reset by peer', 'Broken pipe'], (k, q) =>
      L`ciod: Error reading message prefix after LOGIN_MESSAGE on CioStream socket to ${ip(q)}:${port(q)}: ${k}`,
    ),
    closedSet(['Aborted', 'Segmentation fault', 'Killed'], (k) => L`BGLMASTER FAILURE mmcs_server exited abnormally due to signal: ${k}`),
  ],
});

const hpc: Family = (w) => ({
  plain: [
    (q) => L`node ${w('node', q)} state set to ${pick(q, ['DOWN (Not responding)', 'DRAIN', 'IDLE', 'DOWN (Kill task failed)', 'ALLOCATED'])}`,
    (q) => L`Nodes ${list(q, 6, (r) => w('node', r), ',')} not responding`,
    (q) => L`job ${`${num(q, 10000, 99999)}.${w('host', q)}`} exceeded walltime limit ${hhmmss(q)}, killed`,
    (q) => L`Memory scrubber on ${w('node', q)}: ${num(q, 1, 500)} correctable errors on DIMM ${`${pick(q, ['A', 'B', 'C', 'D'])}${int(q, 0, 3)}`}`,
    (q) => L`Processor ${num(q, 0, 3)} throttled: temperature ${num(q, 70, 99)} C above threshold ${pick(q, ['85', '90'])} C`,
    (q) => L`${w('job', q)}: job killed by signal ${pick(q, ['9', '15', '6'])} on ${w('node', q)}`,
    (q) => L`console ${w('node', q)} (command ${num(q, 100, 9999)}) Error: ${pick(q, ['Could not connect to console server', 'Timed out waiting for prompt', 'node is powered off'])}`,
    (q) => L`ClusterFileSystem: There is no server for ServerFileSystem domain ${w('domain', q)}`,
    (q) => L`${w('service', q)} running on ${w('node', q)} is not responding, restarting`,
  ],
  closed: [
    closedSet(['halt', 'boot', 'reset'], (k, q) => L`${k} (command ${num(q, 100, 9999)}) completed on ${list(q, 4, (r) => w('node', r), ',')}`),
    closedSet(['eth0', 'eth2'], (k, q) => L`Link ${k} on ${w('node', q)} reset by watchdog after ${num(q, 2, 300)} seconds`),
  ],
});

const linux: Family = (w) => ({
  plain: [
    (q) => L`bound to ${ip(q)} -- renewal in ${num(q, 60, 43200)} seconds.`,
    (q) => L`Out of Memory: Killed process ${num(q, 300, 32000)} (${w('service', q)}).`,
    (q) => L`Received SNMP packet(s) from UDP: [${ip(q)}]:${port(q)}`,
    (q) => L`ALERT exited abnormally with [${num(q, 1, 2)}]`,
    (q) => L`usb ${`${int(q, 1, 4)}-${int(q, 1, 2)}`}: new full speed USB device using uhci_hcd and address ${num(q, 2, 30)}`,
    (q) => L`audit(${`${int(q, 1110000000, 1135000000)}.${pad(int(q, 0, 999), 3)}:${int(q, 1, 9)}`}): initialized`,
    (q) => L`${w('service', q)} (pid ${list(q, 3, (r) => num(r, 300, 32000), ' ')}) is running...`,
    (q) => L`klogd ${pick(q, ['1.4.1', '1.4.1-22'])}, log source = /proc/kmsg started.`,
    (q) => L`i8042.c: Detected active multiplexing controller, rev ${pick(q, ['1.1', '1.0'])}.`,
    (q) => L`Kernel command line: ${`ro root=${pick(q, ['LABEL=/', '/dev/VolGroup00/LogVol00', '/dev/hda2'])}${pick(q, ['', ' rhgb quiet', ' quiet', ` console=ttyS0,${pick(q, ['9600', '115200'])}`])}`}`,
  ],
  closed: [
    closedSet(['eth0', 'eth1'], (k, q) => L`DHCPREQUEST on ${k} to ${ip(q)} port 67`),
    closedSet(['RPC: Program not registered', 'RPC: Timed out', 'server is down'], (k, q) => L`mount to NFS server '${w('nfsHost', q)}' failed: ${k}.`),
  ],
});

const macos: Family = (w) => ({
  plain: [
    (q) => L`${w('macProcess', q)} is calling TIS/TSM in non-main thread environment, ERROR : This is NOT allowed. Please call TIS/TSM in main thread!!!`,
    (q) => L`Wake reason: ${pick(q, ['RTC (Alarm)', 'EC.LidOpen (User)', 'XHC1', 'ARPT', 'EC.SleepTimer (SleepTimer)', 'OHC1'])}`,
    (q) =>
      L`Link Down on en0. Reason ${pick(q, ['8 (Disassociated because station leaving)', '1 (Unspecified)', '0', '7 (Class 3 frame received from nonassociated station)'])}.`,
    (q) => L`AppleThunderboltNHIType2::prePCIWake - power up complete - took ${num(q, 1, 900)} us`,
    (q) => L`Task <${uuid(q).toUpperCase()}>.<${num(q, 1, 9)}> finished with error - code: ${pick(q, ['-1001', '-1005', '-1009', '-999'])}`,
    (q) => L`AppleCamIn::systemWakeCall - messageType = ${hex0x(q, 8)}`,
    (q) => L`Failed to open "${`/Users/${w('user', q)}/Library/Application Support/${w('app', q)}/${pick(q, ['Cache', 'Local Storage', 'state.db'])}`}"`,
    (q) => L`Sleep: Using ${pick(q, ['AC', 'BATT'])} (Charge:${`${int(q, 1, 100)}%`})`,
    (q) => L`Previous shutdown cause: ${pick(q, ['5', '3', '-128', '-60', '0'])}`,
    (q) => L`Thermal pressure state: ${num(q, 0, 3)} Memory pressure state: ${num(q, 0, 4)}`,
    (q) => L`${w('bundle', q)}: scheduler_evaluate_activity told me to run this job; however, the start time isn't for ${num(q, 100, 999999)} seconds. Ignoring.`,
  ],
  closed: [
    closedSet(['opened', 'closed'], (k, q) => L`Lid ${k}: display ${num(q, 1, 3)} state ${hex0x(q, 4)}`),
  ],
});

const nova: Family = (w) => ({
  plain: [
    (q) => L`Lazy-loading '${w('instanceAttr', q)}' on Instance uuid ${uuid(q)}`,
    (q) => L`[instance: ${uuid(q)}] During sync_power_state the instance has a pending task (${w('taskState', q)}). Skip.`,
    (q) => {
      const id = uuid(q);
      return L`[instance: ${id}] Deleting instance files ${`/var/lib/nova/instances/${id}_del`}`;
    },
    (q) =>
      L`[instance: ${uuid(q)}] Updating instance_info_cache with network_info: ${`[{"id": "${uuid(q)}", "address": "fa:16:3e:${hexDigits(q, 2)}:${hexDigits(q, 2)}:${hexDigits(q, 2)}", "network": {"label": "${w('mapKey', q)}"${chance(q, 0.5) ? `, "subnets": [{"cidr": "10.${int(q, 0, 255)}.0.0/16"}]` : ''}}}]`}`,
    (q) => L`Auditing locally available compute resources for ${w('host', q)} (node: ${w('host', q)})`,
    (q) => L`Returning exception ${pick(q, ['Instance could not be found', `Flavor ${int(q, 1, 99)} could not be found.`, 'No valid host was found. There are not enough hosts available.', 'Timed out waiting for a reply'])} to caller`,
    (q) => L`[instance: ${uuid(q)}] Took ${dec(q, 0.1, 40, 2)} seconds to deallocate network for instance.`,
    (q) => L`libvirt domain instance-${hexDigits(q, 8)} changed state to ${pick(q, ['running', 'paused', 'shutoff'])}`,
    (q) => L`Instance ${uuid(q)} has allocations against this compute host but is not found in the database.`,
  ],
  closed: [
    closedSet(['Rebooting', 'Shelving', 'Unshelving', 'Rescuing'], (k, q) => L`[instance: ${uuid(q)}] ${k} instance`),
    [
      (q) => L`[instance: ${uuid(q)}] Instance shutdown by itself. Current vm_state: active, current task_state: None, original DB power_state: 1, current VM power_state: ${num(q, 3, 4)}`,
      (q) => L`[instance: ${uuid(q)}] Instance shutdown by itself. Current vm_state: active, current task_state: ${w('taskState', q)}, original DB power_state: 1, current VM power_state: ${num(q, 3, 4)}`,
    ],
  ],
});

const proxifier: Family = (w) => {
  const target = (q: Rng): Piece[] => L`${w('remote', q)}:${pick(q, ['443', '80', port(q)])}`;
  const bytes = (q: Rng): Piece[] => {
    const n = int(q, 1100, 90000000);
    return L`${String(n)} bytes (${humanSize(n)})`;
  };
  return {
    plain: [
      (q) => L`${w('program', q)} - ${target(q)} close, ${bytes(q)} sent, ${bytes(q)} received, lifetime ${lifetime(q)}`,
      (q) => L`${w('program', q)} - ${w('remote', q)} resolve error : ${pick(q, ['DNS request timed out', 'host not found', 'No such host is known.'])}`,
      (q) => L`Connection ${num(q, 1, 99999)} to ${w('proxy', q)}:${port(q)} authenticated with user ${w('user', q)}`,
      (q) => L`Profile saved as ${`C:\\Users\\${w('user', q)}\\AppData\\Roaming\\Proxifier4\\Profiles\\${w('profile', q)}.ppx`}`,
      (q) => L`${w('program', q)} - ${target(q)} open through proxy ${w('proxy', q)}:${port(q)} HTTPS`,
    ],
    closed: [
      [
        (q) => L`${w('program', q)} *64 - ${target(q)} open through proxy ${w('proxy', q)}:${port(q)} HTTPS`,
        (q) => L`${w('program', q)} *64 - ${target(q)} close, ${bytes(q)} sent, ${bytes(q)} received, lifetime ${lifetime(q)}`,
      ],
      closedSet(['A connection request was canceled before the completion.', 'Could not connect through proxy: connection refused.', 'The remote host has closed the connection.'], (k, q) =>
        L`${w('program', q)} - ${target(q)} error : ${k}`,
      ),
      closedSet(['IPv4', 'IPv6'], (k, q) => L`${w('program', q)} - ${target(q)} connection timeout; retrying via ${k}`),
    ],
  };
};

const tbird: Family = (w) => ({
  plain: [
    (q) => L`step time server ${ip(q)} offset ${dec(q, -2, 2, 6)} sec`,
    (q) => L`nss_getpwnam: name '${w('user', q)}' does not map into domain '${w('domain', q)}'`,
    (q) => L`lookup(file): lookup for ${w('mapKey', q)} failed`,
    (q) => L`mptscsih: ioc0: attempting task abort! (sc=${hexDigits(q, 8)})`,
    (q) => L`NMI received for unknown reason ${hexDigits(q, 2)} on CPU ${num(q, 0, 7)}.`,
    (q) => L`${w('user', q)} : user NOT in sudoers ; TTY=${`pts/${int(q, 0, 20)}`} ; PWD=${`/home/${w('user', q)}`} ; USER=root ; COMMAND=${pick(q, ['/bin/bash', `/sbin/${w('service', q)}`, `/usr/bin/vim /etc/${w('mapKey', q)}.conf`])}`,
    (q) => L`Losing some ticks... checking if CPU frequency changed.`,
    (q) => L`ip_conntrack: table full, dropping packet.`,
    (q) => L`${w('service', q)}: unable to qualify my own domain name (${w('host', q)}) -- using short name`,
  ],
  closed: [
    closedSet(['eth0', 'eth1'], (k, q) =>
      L`e1000: ${k}: e1000_watchdog: NIC Link is Up ${pick(q, ['1000', '100'])} Mbps ${pick(q, ['Full', 'Half'])} Duplex`,
    ),
    closedSet(['Up', 'Down'], (k, q) => L`ib_sm.x[${num(q, 1000, 32000)}]: port ${num(q, 1, 24)} of switch ${hex0x(q, 16)} is ${k}`),
  ],
});

const cbs: Family = (w) => ({
  plain: [
    (q) => {
      const cmp = (r: Rng): string => pick(r, ['EQ', 'GE', 'GT']);
      return L`Appl: detect Parent, Package: ${w('cbsPackage', q)}, Parent: ${w('cbsPackage', q)}, Disposition = ${pick(q, ['Detect', 'Staged'])}, VersionComp: ${cmp(q)}, ServiceComp: ${cmp(q)}, BuildComp: ${cmp(q)}, DistributionComp: ${cmp(q)}, RevisionComp: ${cmp(q)}, Exist: ${pick(q, ['present', 'absent'])}`;
    },
    (q) => L`Doqe: Recording result: ${hex0x(q, 8)}, for Inf: ${w('inf', q)}`,
    (q) => L`(p) CSI Payload Corrupt ${`${w('component', q)}\\${word(q, 2)}.${pick(q, ['dll', 'exe', 'mui'])}`}`,
    (q) => L`Warning: Overlap: Duplicate ownership for directory ${`\\??\\C:\\Program Files\\${w('programDir', q)}`} in component ${w('component', q)}`,
    (q) => L`Exec: Processing complete.  Session: ${`${int(q, 30000000, 31000000)}_${int(q, 1000000000, 4000000000)}`}, Package: ${w('cbsPackage', q)}`,
    (q) => L`Failed to get next package to re-evaluate [HRESULT = ${pick(q, ['0x800f0805', '0x80070002', '0x800f081f'])} - ${pick(q, ['CBS_E_INVALID_PACKAGE', 'ERROR_FILE_NOT_FOUND', 'CBS_E_SOURCE_MISSING'])}]`,
    (q) => L`Loading offline registry hive: ${pick(q, ['SOFTWARE', 'SYSTEM', 'COMPONENTS'])}, into registry key '${`{${uuid(q)}}C:/Windows/System32/config/SOFTWARE`}'`,
    (q) => L`Appl: Evaluating package applicability for package ${w('cbsPackage', q)}, applicable state: ${pick(q, ['112', '80', '0'])}`,
  ],
  closed: [
    closedSet(['InstallUninstallChain', 'ResolvePendingTransactions', 'Doqe'], (k) => L`Perf: ${k} complete.`),
    closedSet(['Idle', 'Startup'], (k) => L`${k} processing thread terminated normally`),
  ],
});

const postgres: Family = (w) => {
  const sql = (q: Rng): string =>
    pick(q, [
      () => `SELECT * FROM ${w('table', q)} WHERE ${w('column', q)} = $1`,
      () => `UPDATE ${w('table', q)} SET ${w('column', q)} = ${int(q, 0, 999)} WHERE id = ${int(q, 1, 99999)}`,
      () => `COMMIT`,
      () => `INSERT INTO ${w('table', q)} (${list(q, 4, (r) => w('column', r), ', ')}) VALUES (${list(q, 3, () => '$1', ', ')})`,
    ])();
  const lsn = (q: Rng): string => `${int(q, 0, 9)}/${hexDigits(q, int(q, 6, 8)).toUpperCase()}`;
  return {
    plain: [
      (q) => L`connection authorized: user=${w('user', q)} database=${w('database', q)} application_name=${w('pgApp', q)}`,
      (q) =>
        L`disconnection: session time: ${`${int(q, 0, 3)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}.${pad(int(q, 0, 999), 3)}`} user=${w('user', q)} database=${w('database', q)} host=${ip(q)} port=${port(q)}`,
      (q) => L`duration: ${dec(q, 0.01, 9000, 3)} ms  statement: ${sql(q)}`,
      (q) =>
        L`checkpoint complete: wrote ${num(q, 0, 9000)} buffers (${`${dec(q, 0, 60, 1)}%`}); ${num(q, 0, 3)} WAL file(s) added, ${num(q, 0, 9)} removed, ${num(q, 0, 9)} recycled; write=${dec(q, 0, 300, 3)} s, sync=${dec(q, 0, 2, 3)} s, total=${dec(q, 0, 300, 3)} s; sync files=${num(q, 0, 90)}, longest=${dec(q, 0, 1, 3)} s, average=${dec(q, 0, 1, 3)} s; distance=${num(q, 0, 99999)} kB, estimate=${num(q, 0, 99999)} kB`,
      (q) => L`automatic vacuum of table "${`${w('database', q)}.public.${w('table', q)}`}": index scans: ${num(q, 0, 3)}`,
      (q) =>
        L`automatic analyze of table "${`${w('database', q)}.public.${w('table', q)}`}" system usage: CPU: user: ${dec(q, 0, 2, 2)} s, system: ${dec(q, 0, 1, 2)} s, elapsed: ${dec(q, 0, 9, 2)} s`,
      (q) => L`relation "${w('table', q)}" does not exist at character ${num(q, 8, 300)}`,
      (q) => L`Key (${w('column', q)})=(${pick(q, [num(q, 1, 99999), `${w('user', q)}@${w('server', q)}`])}) already exists.`,
      (q) => L`process ${num(q, 300, 99999)} still waiting for ${w('lockMode', q)} on transaction ${num(q, 1000, 9999999)} after ${dec(q, 1000, 9000, 3)} ms`,
      (q) => L`Process holding the lock: ${num(q, 300, 99999)}. Wait queue: ${list(q, 5, (r) => num(r, 300, 99999), ', ')}.`,
      (q) => L`parameter "${w('pgParam', q)}" changed to "${pick(q, ['on', 'off', `${int(q, 1, 512)}MB`, '-1', '250ms'])}"`,
      (q) => L`redo starts at ${lsn(q)}`,
      (q) => L`database system was shut down at ${isoDate(q)} ${`${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`} UTC`,
      (q) => L`The failed archive command was: ${(() => {
        const seg = `0000000${int(q, 1, 3)}0000000${int(q, 0, 9)}000000${hexDigits(q, 2).toUpperCase()}`;
        return `cp pg_wal/${seg} /mnt/${w('mapKey', q)}/archive/${seg}`;
      })()}`,
      (q) => L`temporary file: path "${`base/pgsql_tmp/pgsql_tmp${int(q, 300, 99999)}.${int(q, 0, 9)}`}", size ${num(q, 8192, 900000000)}`,
    ],
    closed: [
      closedSet(['time', 'wal', 'immediate force wait', 'shutdown immediate'], (k) => L`checkpoint starting: ${k}`),
      [() => L`connection received: host=[local]`, (q) => L`connection received: host=${ip(q)} port=${port(q)}`],
      closedSet(['SSL encryption', 'no encryption'], (k, q) =>
        L`pg_hba.conf rejects connection for host "${ip(q)}", user "${w('user', q)}", database "${w('database', q)}", ${k}`,
      ),
      closedSet(['administrator command', 'idle-in-transaction timeout', 'conflict with recovery'], (k) => L`terminating connection due to ${k}`),
    ],
  };
};

const kubelet: Family = (w) => {
  const pod = (q: Rng): string => `${w('namespace', q)}/${w('pod', q)}`;
  return {
    plain: [
      (q) => {
        const c0 = w('container', q);
        const addr = `${ip(q)}:${pick(q, ['8080', '9090', '3000'])}`;
        return L`"Probe failed" probeType="${pick(q, ['Readiness', 'Liveness', 'Startup'])}" pod="${pod(q)}" podUID="${uuid(q)}" containerName="${c0}" probeResult="failure" output="${pick(q, [
          '',
          `Get \\"http://${addr}/healthz\\": dial tcp ${addr}: connect: connection refused`,
          `Get \\"http://${addr}/ready\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          'HTTP probe failed with statuscode: 503',
        ])}"`;
      },
      (q) => L`"SyncLoop (probe)" probe="${pick(q, ['readiness', 'liveness', 'startup'])}" status="${pick(q, ['', 'ready', 'unhealthy'])}" pod="${pod(q)}"`,
      (q) =>
        L`"SyncLoop (PLEG): event for pod" pod="${pod(q)}" event=${`&{ID:${uuid(q)} Type:${pick(q, ['ContainerStarted', 'ContainerDied'])} Data:${hexDigits(q, 64)}}`}`,
      (q) =>
        L`"Killing container with a grace period" pod="${pod(q)}" podUID="${uuid(q)}" containerName="${w('container', q)}" containerID="containerd://${hexDigits(q, 64)}" gracePeriod=${pick(q, ['30', '2', '60'])}`,
      (q) => L`"Observed pod startup duration" pod="${pod(q)}" podStartSLOduration=${dec(q, 0.5, 90, 9)} podStartE2EDuration="${goDuration(q)}"`,
      (q) => L`"Eviction manager: attempting to reclaim" resourceName="${pick(q, ['memory', 'ephemeral-storage', 'nodefs.inodesFree'])}"`,
      (q) =>
        L`"Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold" usage=${num(q, 85, 99)} highThreshold=85 amountToFree=${num(q, 100000000, 9000000000)} lowThreshold=80`,
      (q) => L`Flag --${w('flag', q)} has been deprecated, This parameter should be set via the config file specified by the Kubelet's --config flag.`,
      (q) => {
        const unit = `/system.slice/${w('systemdService', q)}.service`;
        return L`"Failed to get system container stats" err="${`failed to get cgroup stats for \\"${unit}\\": failed to get container info for \\"${unit}\\": unknown container \\"${unit}\\"`}" containerName="${unit}"`;
      },
      (q) => L`"Using cgroup driver setting received from the CRI runtime" cgroupDriver="${pick(q, ['systemd', 'cgroupfs'])}"`,
      (q) => {
        const c0 = w('container', q);
        const p = w('pod', q);
        return L`"Error syncing pod, skipping" err="${`failed to \\"StartContainer\\" for \\"${c0}\\" with CrashLoopBackOff: \\"back-off ${pick(q, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s'])} restarting failed container=${c0} pod=${p}_${w('namespace', q)}(${uuid(q)})\\"`}" pod="${`${w('namespace', q)}/${p}`}" podUID="${uuid(q)}"`;
      },
      (q) => L`"Attempting to register node" node="${w('kubeNode', q)}"`,
    ],
    closed: [
      closedSet(['ADD', 'UPDATE', 'DELETE', 'REMOVE'], (k, q) => L`"SyncLoop ${k}" source="api" pods=[${list(q, 4, pod, ' ')}]`),
      closedSet(['MountVolume.SetUp succeeded', 'UnmountVolume.TearDown succeeded'], (k, q) =>
        L`"${k} for volume" volumeName="${`kubernetes.io/projected/${uuid(q)}-${w('volume', q)}`}" pod="${pod(q)}"`,
      ),
    ],
  };
};

const nginx: Family = (w) => {
  const conn = (q: Rng): Piece[] => L`*${num(q, 1, 9999999)}`;
  const request = (q: Rng): Piece[] =>
    L`client: ${ip(q)}, server: ${w('server', q)}, request: "${pick(q, ['GET', 'POST', 'HEAD'])} ${`${w('uri', q)}${chance(q, 0.3) ? `?${word(q, 1)}=${int(q, 1, 99)}` : ''}`} HTTP/1.1"`;
  return {
    plain: [
      (q) => L`${conn(q)} open() "${`/usr/share/nginx/html${w('uri', q)}`}" failed (2: No such file or directory), ${request(q)}, host: "${w('server', q)}"`,
      (q) =>
        L`${conn(q)} open() "${`/usr/share/nginx/html${w('uri', q)}`}" failed (2: No such file or directory), ${request(q)}, host: "${w('server', q)}", referrer: "${`https://${w('server', q)}${w('uri', q)}`}"`,
      (q) => L`${conn(q)} client intended to send too large body: ${num(q, 1048577, 99999999)} bytes, ${request(q)}, host: "${w('server', q)}"`,
      (q) =>
        L`${conn(q)} an upstream response is buffered to a temporary file ${`/var/cache/nginx/proxy_temp/${int(q, 0, 9)}/${pad(int(q, 0, 99), 2)}/${pad(int(q, 0, 9999999999), 10)}`} while reading upstream, ${request(q)}, upstream: "${`http://${ip(q)}:${pick(q, ['8080', '9000'])}${w('uri', q)}`}", host: "${w('server', q)}"`,
      (q) => L`${conn(q)} limiting requests, excess: ${dec(q, 0, 50, 3)} by zone "${w('zone', q)}", ${request(q)}, host: "${w('server', q)}"`,
      (q) => L`${conn(q)} directory index of "${`/var/www/${word(q, 2)}/`}" is forbidden, ${request(q)}, host: "${w('server', q)}"`,
      (q) => L`worker process ${num(q, 300, 65000)} exited on signal ${pick(q, ['9', '11'])}`,
      (q) => L`${conn(q)} upstream timed out (110: Connection timed out) while reading response header from upstream, ${request(q)}, upstream: "${`http://${ip(q)}:${port(q)}${w('uri', q)}`}", host: "${w('server', q)}"`,
      (q) => L`conflicting server name "${w('server', q)}" on 0.0.0.0:80, ignored`,
    ],
    closed: [
      closedSet(['111: Connection refused', '113: No route to host', '104: Connection reset by peer'], (k, q) =>
        L`${conn(q)} connect() failed (${k}) while connecting to upstream, ${request(q)}, upstream: "${`http://${ip(q)}:${port(q)}${w('uri', q)}`}", host: "${w('server', q)}"`,
      ),
      [(q) => L`bind() to ${ip(q)}:${pick(q, ['80', '443', '8443'])} failed (98: Address already in use)`, (q) => L`bind() to [::]:${pick(q, ['80', '443', '8443'])} failed (98: Address already in use)`],
    ],
  };
};

const FAMILY_MAKERS: Record<string, Family> = { logcat, bgl, hpc, linux, macos, nova, proxifier, tbird, cbs, postgres, kubelet, nginx };

export const FAMILIES_V11: readonly string[] = Object.keys(FAMILY_MAKERS);

/** One invented system: 2,000 lines with their true templates (see the header). */
export function unseenSystemV11(seed: number): SyntheticSampleV2 {
  const w = vocabulary(seed);
  const r = prng(Math.imul(seed, 40503) + 1511);
  return inventSystem(r, `v11-${seed}`, FAMILIES_V11, (name) => FAMILY_MAKERS[name](w), { minEvents: MIN_EVENTS, keepPlain: 0.75, keepClosed: (k) => (k === 0 ? 1 : 0.75) }, LINES);
}
