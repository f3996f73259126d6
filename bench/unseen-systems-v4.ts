/**
 * Held-out invented systems, fourth generation (--synthetic-v4 of
 * bench/template-mining.ts).
 *
 * Why a fourth generator: unseen-systems.ts, -v2.ts and -v3.ts have all been
 * used while the miner was tuned, so their figures are no longer held-out
 * evidence. This one was written without reading the miner or the event
 * shapes of the earlier generators; it shares only the sample shape, the
 * drawing helpers (synthetic-draw.ts) and the ground-truth convention, which
 * was re-checked against the corrected Loghub-2k templates (see below).
 *
 * Families (the CONTENT part of a line, after the timestamp / host / level /
 * component header has been stripped, as the Loghub benchmarks do):
 *   hpc       supercomputer RAS and HPC-cluster events: midplane location
 *             codes, machine-check register dumps, ECC / parity counts, node
 *             state changes, an I/O daemon's errors with paths and strerror
 *             reasons, interrupt counts
 *   mac       desktop OS system log: driver `Class::method()` lines with hex,
 *             power management, wifi (SSID, RSSI, channel), sandbox denials
 *             with process names and paths, `<private>` redactions, bundle ids
 *   linux     2005-era Linux syslog: pam auth failures with empty key fields and
 *             an optional trailing `user=`, su, sudo, cron sessions, ftp / xinetd
 *             connections from `IP (hostname)`, kernel drivers, printing, gdm
 *   cbs       Windows servicing: stack loads with versions and paths with
 *             spaces, sessions, package applicability with KB-style identities,
 *             HRESULTs with error names, installer-service and wcp lines
 *   logcat    mobile logcat: window/activity/power managers, `Obj{hex u0 ...}`
 *             tokens, package / activity names, `key=value` booleans and ints
 *             with the program's uneven spacing, wake locks with quoted tags
 *   openstack cloud API / compute: request lines (method, path, status, length,
 *             time), instance uuids, resource claims with units, image cache,
 *             lifecycle events
 *   proxifier desktop proxy client: program names (some `name.exe *64`),
 *             host:port, open / close with byte counts and optional `(N KB)`,
 *             lifetimes `mm:ss`, `hh:mm:ss` or `<1 sec`, errors with status
 *   tbird     large cluster syslog: time sync, dhcp, kernel EDAC, ssh public
 *             key logins, cron, a mail transfer agent's queue lines
 * Every event shape, constant word and name is invented here (names are random
 * pronounceable words drawn per system); only general words any program of
 * that kind prints ("session opened for user", "ssh2", "HTTP/1.1", strerror
 * texts, HRESULT-style codes) are real-world vocabulary. No line of a public
 * data set.
 *
 * Each seed invents one system: one to three families (more while it has fewer
 * than MIN_EVENTS events), about two thirds of each family's shapes and closed
 * sets, one vocabulary pool per kind of entity (shared by all events naming
 * it) of random size 1..200, Zipf event frequencies over a random ranking of
 * all events (closed-set members are ranked like any other event), 2,000
 * lines drawn independently (random interleaved order).
 *
 * Miner failure kinds present as variation within events: variables in the
 * first position without digits (proxy program names, init service names,
 * bundle ids, sandboxed process names, mail queue ids of letters); word count
 * varying in one slot (program names `Word Word.exe *64`, SSIDs with spaces,
 * Windows paths with spaces, strerror and free-text reasons, lists of varying
 * length, cron commands); optional parts whose presence the values decide;
 * empty vs filled fields (`ruser=` empty, `rhost=` empty or filled); small
 * pools (1-3 values) that are still variables; punctuation inside values
 * (location codes `R07-M1-N0c-J12`, `pkg/.Activity`, `mm:ss`, `KB4 ...~amd64~~`).
 * Over-generalisation traps: closed sets of program constants that are
 * separate events (node states, lifecycle verbs, auth methods, dhcp message
 * kinds, on/off, applicability answers, open/close) and digit-bearing
 * constants (eth0, eth1, en0, wl0, ib0, sr0, u0, ssh2, HTTP/1.1, /v2.1/, SOCKS5, IPv4).
 *
 * Ground truth: Loghub-2.0 corrected convention. Every variable is `<*>` and
 * non-empty, so a line matches its template read with `<*>` as a non-empty
 * wildcard. Conventions taken from the real corrected Loghub-2k templates
 * where they speak:
 * - an identifier glued to its constant prefix by `_` is ONE variable, prefix
 *   included (`blk_-123` and `container_14_0020_01_02` are `<*>` there): so
 *   `pkg_8812_a`, KB-style package identities, `task_17_3` are `<*>` whole;
 * - a constant word joined to a printed number or version by `-`, or a `#`
 *   before a number, keeps the word (`jetty-<*>`, `BP-<*>`, `#<*>` there): so
 *   `stack-<*>`, `#<*>` here; likewise a constant letter glued before a number
 *   (`mc<*>`, `v<*>`, `cpu<*>`);
 * - an IP with a leading slash is one variable (`/10.1.2.3` -> `<*>`);
 *   `ip:port` and `host:port` are `<*>:<*>`, `host/ip:port` is `<*>/<*>:<*>`;
 * - a URL keeps its scheme and the rest is one variable (`hdfs://<*>`,
 *   `spark://<*>` there): `http://<*>`, `nfs://<*>` here;
 * - `Class@hash` keeps the class (`...Event@<*>`);
 * - a value with its unit glued is one variable (`65020ms` -> `<*>`), a unit
 *   after a space stays constant (`<*> GB`, `<*> ms` there; Loghub is not
 *   consistent, a Spark `estimated size <*>` swallows the unit, we follow the
 *   majority);
 * - `key=value`, `key:value`, `key = value` keep the key; a value that is
 *   itself `name=value` drawn from the data is one variable
 *   (`Server environment:<*>` there);
 * - brackets and quotes around a value stay constant (`[<*>]`, `"<*>"`);
 * - a fixed number of values joined by a separator are separate variables
 *   (`<*>:<*>:<*>:<*>` there), a list of varying length is one variable.
 * Choices where the real samples do not speak:
 * - a duration printed as `mm:ss` or `hh:mm:ss` is one variable (one value);
 *   `<1 sec` is constant text and its own template;
 * - a location code (rack/midplane/node joined by `-` and `:`) is one variable:
 *   none of its parts is a constant word;
 * - `0x`-prefixed hex is one variable with its prefix; `+` or `-` before a
 *   glued number-with-unit stays constant only when it is the program's own
 *   (`+<*>` for logcat's display time), a signed value is one variable;
 * - booleans printed from a variable are `<*>`; a word that selects a code
 *   path (up/down, on/off, a state entered) is a constant, each its own event;
 * - an EMPTY field keeps its key and has no variable (`ruser= rhost=<*>`);
 *   whether a field is empty or filled, or an optional part printed, is
 *   decided by the values, and each form is its own template;
 * - `<private>` (a redaction the OS prints) is constant text;
 * - the HTTP method of a request line is a constant of its endpoint's event;
 * - whitespace is the program's: double spaces stay in the template.
 *
 * REPORTED_SEEDS_V4 (501-512) were fixed in this file before the generator
 * was ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V4 or other seeds; once the reported seeds have been
 * looked at for tuning, this generator stops being held-out evidence too.
 */
import { prng } from '../test/kit/prng';
import { assignZipfWeights, chooseEvents, drawLines, type FamilyEvents, type Piece, type Render } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V4: readonly number[] = [501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V4: readonly number[] = [961, 962, 963, 964];

/** Same shape as v2's and v3's sample: lines, their true templates, and the closed sets present. */
export type SyntheticSampleV4 = SyntheticSampleV2;

/** Families drawn until the system has at least this many events. */
const MIN_EVENTS = 18;

type Rng = () => number;
/** A value generator: one call, one non-empty value. */
type Gen = (q: Rng) => string;

// ---------------------------------------------------------------- drawing values

const int = (q: Rng, lo: number, hi: number): number => lo + Math.floor(q() * (hi - lo + 1));
const any = <T>(q: Rng, xs: readonly T[]): T => xs[Math.floor(q() * xs.length)];
const hex = (q: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(q, 0, 15)]).join('');
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
/** A skewed pick: the first members of a pool are drawn most often. */
const skewed = <T>(q: Rng, xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(xs.length * Math.pow(q(), 2.5)))];

const CONSONANTS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'ch', 'sh', 'gr', 'pl', 'sk', 'fl', 'qu', 'cr'];
const VOWEL_SOUNDS = ['a', 'e', 'i', 'o', 'u', 'y', 'ae', 'io', 'ua', 'ee'];
const ENDINGS = ['', '', 'n', 't', 'm', 'ck', 'ss', 'rd', 'lo', 'ix'];

/** An invented lower-case word of letters only. */
function coin(q: Rng, minSyl = 1, maxSyl = 3): string {
  let w = '';
  for (let k = int(q, minSyl, maxSyl); k > 0; k--) w += any(q, CONSONANTS) + any(q, VOWEL_SOUNDS);
  return w + any(q, ENDINGS);
}
const cap = (w: string): string => w[0].toUpperCase() + w.slice(1);
const pascal = (q: Rng, parts = int(q, 2, 3)): string => Array.from({ length: parts }, () => cap(coin(q, 1, 2))).join('');

/** How many distinct values one kind of entity has in a system: 1-3 as often as dozens or ~200. */
function poolSize(q: Rng): number {
  const x = q();
  if (x < 0.3) return int(q, 1, 3);
  if (x < 0.7) return int(q, 4, 40);
  return int(q, 41, 200);
}

/** A pool of distinct values made by `gen` (size drawn unless given); drawing from it is skewed. */
function pool(q: Rng, gen: Gen, size = poolSize(q)): Gen {
  const values = new Set<string>();
  for (let tries = 0; values.size < size && tries < size * 4; tries++) values.add(gen(q));
  const xs = [...values];
  return (r) => skewed(r, xs);
}

// value shapes shared by families
const ipv4 = (q: Rng): string => `${int(q, 10, 223)}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const hostName = (q: Rng): string => (q() < 0.5 ? `${coin(q, 1, 2)}${int(q, 1, 480)}` : `${coin(q, 1, 2)}-${coin(q, 1, 1)}${int(q, 1, 40)}`);
const domain = (q: Rng): string => `${coin(q, 1, 2)}.${any(q, ['com', 'net', 'org', 'edu', 'de', 'io'])}`;
const fqdn = (q: Rng): string => `${any(q, ['', 'www.', 'mail.', 'cdn.', 'api.'])}${coin(q, 1, 3)}.${domain(q)}`;
const userName = (q: Rng): string => (q() < 0.7 ? coin(q, 1, 2) : `${coin(q, 1, 1)}${int(q, 1, 99)}`);
const unixPath = (q: Rng): string =>
  '/' + Array.from({ length: int(q, 1, 5) }, () => coin(q, 1, 2)).join('/') + (q() < 0.5 ? `.${any(q, ['dat', 'log', 'conf', 'so', 'img', 'lock'])}` : '');
const uuid = (q: Rng): string => `${hex(q, 8)}-${hex(q, 4)}-${hex(q, 4)}-${hex(q, 4)}-${hex(q, 12)}`;
const mac = (q: Rng): string => Array.from({ length: 6 }, () => hex(q, 2)).join(':');
const STRERROR = ['No such file or directory', 'Permission denied', 'Connection reset by peer', 'Broken pipe', 'Input/output error', 'Connection timed out',
  'No space left on device', 'Resource temporarily unavailable', 'Too many open files', 'Bad file descriptor', 'Network is unreachable', 'Interrupted system call'];
/** A free-text reason: 2-6 words, invented or general. */
const phrase = (q: Rng): string => Array.from({ length: int(q, 2, 6) }, () => (q() < 0.5 ? coin(q, 1, 2) : any(q, ['not', 'the', 'no', 'while', 'waiting', 'for', 'failed', 'remote', 'peer', 'after', 'retry', 'limit']))).join(' ');

// ---------------------------------------------------------------- pieces

/** A variable the program printed. */
const V = (text: string | number): Piece => ({ text: String(text), variable: true });
type Part = string | Piece | readonly Part[] | null;

/** Pieces of a line: the literal text is constant, `${V(x)}` a variable, `${'word'}` a constant, arrays flattened, null nothing. */
function L(strings: TemplateStringsArray, ...parts: Part[]): Piece[] {
  const out: Piece[] = [];
  const push = (p: Part): void => {
    if (p === null || p === '') return;
    if (typeof p === 'string') out.push({ text: p, variable: false });
    else if (Array.isArray(p)) for (const x of p as readonly Part[]) push(x);
    else out.push(p as Piece);
  };
  strings.forEach((s, k) => {
    push(s);
    if (k < parts.length) push(parts[k]);
  });
  return out;
}

/** One event per member of a closed set of program constants. */
const each = (members: readonly string[], render: (member: string) => Render): Render[] => members.map(render);

/** What one family of a system contributes, built from the system's rng. */
type Family = (r: Rng) => FamilyEvents;

// ---------------------------------------------------------------- hpc

const hpc: Family = (r) => {
  const daemon = coin(r, 1, 1) + 'd';
  const loc: Gen = pool(r, (q) => `R${pad(int(q, 0, 47), 2)}-M${int(q, 0, 1)}-N${hex(q, 1)}-${any(q, ['J', 'C:J', 'U'])}${pad(int(q, 2, 17), 2)}`);
  const node: Gen = pool(r, (q) => `${coin(q, 1, 1)}-${pad(int(q, 1, 999), 3)}`);
  const job = pool(r, (q) => String(int(q, 1000, 99999)));
  const path = pool(r, (q) => `/${coin(q, 1, 1)}/${coin(q, 1, 2)}${q() < 0.5 ? '/' + coin(q) : ''}/${coin(q, 1, 2)}.${any(q, ['out', 'rst', 'dat', 'in'])}`);
  const card = pool(r, (q) => `${cap(coin(q, 1, 2))}${int(q, 0, 3)}`, int(r, 1, 6));
  const sensor = pool(r, (q) => pascal(q, 2), int(r, 1, 12));
  const hx = (q: Rng): Piece => V(`0x${hex(q, 8)}`);
  const plain: Render[] = [
    (q) => L`${daemon}: cannot open ${V(path(q))} for job ${V(job(q))}: ${V(any(q, STRERROR))}`,
    (q) => L`${daemon}: stream from ${V(loc(q))} closed early (${V(int(q, 1, 4096))} of ${V(int(q, 4097, 65536))} bytes), ${V(any(q, STRERROR))}`,
    (q) => L`${daemon}: reply ${V(int(q, 1, 90))} to control socket ${V(ipv4(q))}:${V(int(q, 7000, 7100))} dropped`,
    (q) => L`machine check on ${V(loc(q))}: sr0=${hx(q)} sr1=${hx(q)} dear=${hx(q)} esr=${hx(q)}`,
    (q) => L`instruction address ${hx(q)} link ${hx(q)} count ${hx(q)}`,
    (q) => L`${V(int(q, 1, 5000))} correctable ecc faults on ${V(loc(q))} in rank ${V(int(q, 0, 7))}, bank ${V(int(q, 0, 15))}`,
    (q) => L`sram parity mismatch in ${V(card(q))} at line ${V(int(q, 0, 1023))}, ${V(int(q, 1, 60))} retries`,
    (q) => L`interrupt vector ${V(int(q, 16, 255))} raised ${V(int(q, 1, 1e6))} times on cpu${V(int(q, 0, 63))} since last scan`,
    (q) => L`${V(int(q, 1, 900))} alignment traps taken by job ${V(job(q))}`,
    (q) => L`${V(sensor(q))} on ${V(node(q))} reads ${V(int(q, 40, 99))} C, limit ${V(int(q, 80, 105))} C`,
    (q) => L`job ${V(job(q))} ended on ${V(int(q, 1, 512))} nodes, exit ${V(int(q, 0, 255))} after ${V(int(q, 1, 86400))} s`,
    (q) => {
      const n = int(q, 1, 6);
      return L`nodes ${V(Array.from({ length: n }, () => node(q)).join(','))} excluded from partition ${V(coin(q, 1, 1))}`;
    },
    (q) => L`boot of ${V(loc(q))} aborted: ${V(phrase(q))}`,
    (q) => L`link ${V(loc(q))} retrained to ${V(any(q, [4, 8, 16, 25]))} lanes (${V(int(q, 0, 20))} crc errors)`,
  ];
  const closed: Render[][] = [
    each(['alive', 'unreachable', 'draining', 'quarantined'], (s) => (q) => L`node ${V(node(q))} is now ${s}`),
    each(['ok', 'failed', 'absent'], (s) => (q) => L`psu${V(int(q, 0, 3))} of ${V(node(q))} reports ${s}`),
    each(['enabled', 'disabled'], (s) => (q) => L`fan control ${s} on ${V(loc(q))}`),
    each(['started', 'finished'], (s) => (q) => L`memory scrub ${s} on ${V(loc(q))}`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- mac

const mac_: Family = (r) => {
  const driver = [pascal(r), pascal(r), pascal(r)].map((c) => `IO${c}`);
  const method = [coin(r, 2, 2), coin(r, 2, 3), coin(r, 1, 2)].map((m, k) => (k === 0 ? `set${cap(m)}` : m + cap(coin(r, 1, 1))));
  const bundle: Gen = pool(r, (q) => `com.${coin(q, 1, 2)}.${pascal(q, int(q, 1, 2))}`);
  const proc: Gen = pool(r, (q) => (q() < 0.8 ? coin(q, 1, 3) : cap(coin(q, 1, 2))));
  const ssid: Gen = pool(r, (q) => (q() < 0.5 ? cap(coin(q, 1, 2)) : `${cap(coin(q, 1, 2))} ${any(q, ['Guest', 'Home', '5G', 'Lounge'])}${q() < 0.3 ? '-' + coin(q, 1, 1) : ''}`));
  const userPath: Gen = pool(r, (q) => `/Users/${userName(q)}/Library/${any(q, ['Caches', 'Preferences', 'Application Support', 'Containers'])}/${coin(q)}${q() < 0.5 ? '.plist' : ''}`);
  const controller = `${pascal(r, 2)}Controller`;
  const selector = `${coin(r, 2, 2)}With${cap(coin(r, 1, 1))}`;
  const hx = (q: Rng): Piece => V(`0x${hex(q, int(q, 2, 8))}`);
  const plain: Render[] = [
    (q) => L`${driver[0]}::${method[0]}(${V(int(q, 0, 4))}, ${hx(q)}) returned ${hx(q)}`,
    (q) => L`${driver[1]}::${method[1]}: port ${hx(q)} flags ${hx(q)} count ${V(int(q, 0, 64))}`,
    (q) => L`${driver[2]}::${method[2]}() - ${V(coin(q, 1, 2))} not ready, deferring ${V(int(q, 1, 500))} ms`,
    (q) => L`-[${controller} ${selector}:] ${V(bundle(q))} state ${V(int(q, 0, 9))}`,
    (q) => L`wl0: joined '${V(ssid(q))}' rssi ${V(-int(q, 30, 92))} dBm channel ${V(any(q, [1, 6, 11, 36, 44, 149]))} band ${V(any(q, ['2.4', '5']))}`,
    (q) => L`wl0: roam candidate ${V(mac(q))} rssi ${V(-int(q, 30, 92))} score ${V(int(q, 0, 100))}`,
    (q) => L`power: battery ${V(`${int(q, 1, 100)}%`)} on ${V(any(q, ['AC', 'Battery']))}, ${V(int(q, 0, 600))} min remaining`,
    (q) => L`Sandbox: ${V(proc(q))}(${V(int(q, 80, 99999))}) deny file-read-data ${V(userPath(q))}`,
    (q) => L`Sandbox: ${V(proc(q))}(${V(int(q, 80, 99999))}) deny mach-lookup ${V(`${bundle(q)}.xpc`)}`,
    (q) => L`lookup of <private> by ${V(proc(q))} failed: ${V(int(q, -9999, -1))}`,
    (q) => L`${V(bundle(q))}: connection to <private> invalidated`,
    (q) => L`${V(bundle(q))} launched with pid ${V(int(q, 80, 99999))} in ${V(`${int(q, 1, 900)}ms`)}`,
    (q) => L`hibernate image written: ${V(int(q, 100, 9000))} MB in ${V(int(q, 1, 40))} s, ${hx(q)}`,
    (q) => {
      const n = int(q, 1, 4);
      return L`assertions held: ${V(Array.from({ length: n }, () => any(q, ['PreventSleep', 'UserActive', 'NoDisplaySleep', 'BackgroundTask'])).join(' '))}`;
    },
  ];
  const closed: Render[][] = [
    each(['Up', 'Down'], (s) => () => L`en0: Link ${s}`),
    each(['Sleep', 'Wake', 'DarkWake'], (s) => (q) => L`PM: entering ${s} due to ${V(any(q, ['lid', 'idle', 'user', 'rtc', 'network']))}`),
    each(['on', 'off'], (s) => (q) => L`display ${s} (brightness ${V(int(q, 0, 100))})`),
    each(['mounted', 'unmounted'], (s) => (q) => L`volume ${V(cap(coin(q, 1, 2)))} ${s} at ${V('/Volumes/' + cap(coin(q)))}`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- linux

const linux: Family = (r) => {
  const user: Gen = pool(r, userName);
  const remote: Gen = pool(r, (q) => (q() < 0.6 ? ipv4(q) : fqdn(q)));
  const svc = pool(r, (q) => (q() < 0.8 ? coin(q, 1, 2) + any(q, ['d', '', 'ctl']) : `${coin(q, 1, 1)} ${coin(q, 1, 1)}`), int(r, 2, 20));
  const tty = pool(r, (q) => (q() < 0.5 ? `pts/${int(q, 0, 9)}` : `tty${int(q, 1, 6)}`), int(r, 1, 3));
  const cmd: Gen = pool(r, (q) => [`/usr/${any(q, ['bin', 'sbin', 'lib'])}/${coin(q, 1, 2)}`, ...Array.from({ length: int(q, 0, 3) }, () => (q() < 0.5 ? `-${coin(q, 1, 1)[0]}` : coin(q, 1, 2)))].join(' '));
  const printer = pool(r, (q) => coin(q, 1, 2), int(r, 1, 5));
  const pamService = any(r, ['sshd', 'ftp', 'login', 'su']);
  const hostPart = (q: Rng): Part => (q() < 0.6 ? L` (${V(fqdn(q))})` : null);
  const plain: Render[] = [
    (q) => {
      const rhost = q() < 0.85 ? V(remote(q)) : null;
      const named = q() < 0.5 ? L`  user=${V(user(q))}` : null;
      return L`pam_unix(${pamService}:auth): authentication failure; logname= uid=${V(0)} euid=${V(0)} tty=${pamService === 'su' || pamService === 'login' ? V(tty(q)) : pamService === 'sshd' ? 'ssh' : 'ftp'} ruser= rhost=${rhost}${named}`;
    },
    (q) => L`pam_unix(${pamService}:auth): check pass; user unknown`,
    (q) => L`su: ${V(user(q))} to root on ${V(tty(q))}`,
    (q) => L`su: FAILED su for ${V(user(q))} by ${V(user(q))}`,
    (q) => L`(${V(user(q))}) CMD (${V(cmd(q))})`,
    (q) => L`ftpd connect from ${V(ipv4(q))}${hostPart(q)}`,
    (q) => L`xinetd: START: ${V(svc(q))} pid=${V(int(q, 300, 32000))} from=${V(ipv4(q))}`,
    (q) => L`xinetd: EXIT: ${V(svc(q))} status=${V(int(q, 0, 1))} duration=${V(int(q, 0, 900))}(sec)`,
    (q) => L`${V(svc(q))} startup succeeded`,
    (q) => L`${V(svc(q))}: notice: ${V(phrase(q))}`,
    (q) => L`sudo: ${V(user(q))} : TTY=${V(tty(q))} ; PWD=${V(unixPath(q))} ; USER=root ; COMMAND=${V(cmd(q))}`,
    (q) => L`sudo: ${V(user(q))} : ${V(int(q, 1, 3))} incorrect password attempts ; TTY=${V(tty(q))} ; PWD=${V(unixPath(q))} ; USER=root ; COMMAND=${V(cmd(q))}`,
    (q) => L`kernel: eth0: tx timeout, resetting ring ${V(int(q, 0, 3))}`,
    (q) => L`kernel: ${V(coin(q, 1, 2))}: irq ${V(int(q, 3, 23))} at ${V('0x' + hex(q, 4))}, ${V(int(q, 1, 16))} ports`,
    (q) => L`kernel: Out of memory: killed process ${V(int(q, 300, 32000))} (${V(svc(q))})`,
    (q) => L`cupsd: job ${V(int(q, 1, 900))} queued on ${V(printer(q))} by ${V(user(q))}`,
    (q) => L`gdm: display :${V(int(q, 0, 2))} session for ${V(user(q))} ended, status ${V(int(q, 0, 255))}`,
    (q) => L`Failed password for ${q() < 0.3 ? 'invalid user ' : ''}${V(user(q))} from ${V(ipv4(q))} port ${V(int(q, 1024, 65535))} ssh2`,
  ];
  const closed: Render[][] = [
    each(['opened', 'closed'], (s) => (q) => L`pam_unix(crond:session): session ${s} for user ${V(user(q))}${s === 'opened' ? L` by (uid=${V(0)})` : null}`),
    each(['up', 'down'], (s) => () => L`kernel: eth1: link ${s}`),
    each(['idle', 'stopped', 'processing'], (s) => (q) => L`cupsd: printer ${V(printer(q))} now ${s}`),
    each(['password', 'publickey', 'keyboard-interactive'], (m) => (q) => L`Accepted ${m} for ${V(user(q))} from ${V(ipv4(q))} port ${V(int(q, 1024, 65535))} ssh2`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- cbs

const cbs: Family = (r) => {
  const version = pool(r, (q) => `6.${int(q, 0, 3)}.${int(q, 7000, 9600)}.${int(q, 16000, 23000)}`, int(r, 1, 4));
  const kb = (q: Rng): string => `Package_${q() < 0.5 ? 'for' : int(q, 1, 99) + '_for'}_KB${int(q, 900000, 4999999)}~31bf3856ad364e35~${any(q, ['amd64', 'x86'])}~~${version(q)}`;
  const pkg: Gen = pool(r, kb);
  const client = pool(r, (q) => any(q, ['WindowsUpdateAgent', 'TrustedInstaller', 'DISM Package Manager Provider', `${pascal(q)} Client`]), int(r, 1, 4));
  const winPath: Gen = pool(r, (q) =>
    `C:\\${any(q, ['Windows\\servicing', 'Windows\\WinSxS', 'Program Files\\' + cap(coin(q)) + ' ' + cap(coin(q)), 'Windows\\Logs\\CBS'])}\\${coin(q, 1, 2)}.${any(q, ['dll', 'mum', 'cat', 'log'])}`);
  const hresult: Gen = pool(r, (q) => `0x${any(q, ['800f', '8007', '8024'])}${hex(q, 4)}`, int(r, 1, 12));
  const errName = pool(r, (q) => any(q, ['CBS_E_', 'ERROR_', 'E_']) + Array.from({ length: int(q, 1, 3) }, () => coin(q, 1, 2).toUpperCase()).join('_'), int(r, 1, 12));
  const session = (q: Rng): Piece => V(`${int(q, 30000000, 30999999)}_${int(q, 100000000, 4294967295)}`);
  const plain: Render[] = [
    (q) => L`Servicing stack v${V(version(q))} loaded from ${V(winPath(q))}`,
    (q) => L`Session ${session(q)} opened by ${V(client(q))}, staging directory: (null)`,
    (q) => L`Session ${session(q)} opened by ${V(client(q))}, staging directory: ${V(winPath(q))}`,
    (q) => L`Applicability of ${V(pkg(q))}: intended ${V(any(q, ['Installed', 'Staged', 'Absent']))}, current ${V(any(q, ['Installed', 'Staged', 'Absent']))}`,
    (q) => L`Failed to resolve ${V(pkg(q))} [HRESULT = ${V(hresult(q))} - ${V(errName(q))}]`,
    (q) => L`Failed opening ${V(winPath(q))} [HRESULT = ${V(hresult(q))}]`,
    (q) => L`TrustedInstaller service start completed in ${V(int(q, 5, 9000))} ms`,
    (q) => L`wcp: manifest cache ${V(int(q, 0, 9))} holds ${V(int(q, 100, 90000))} entries (${V(int(q, 64, 65536))} KB)`,
    (q) => L`wcp: transaction #${V(int(q, 1, 9999))} committed, ${V(int(q, 1, 400))} components`,
    (q) => L`Exec: package ${V(pkg(q))} state change ${V(int(q, 0, 112))} -> ${V(int(q, 0, 112))}`,
    (q) => L`Reading ${V(int(q, 1, 40))} update(s) from ${V(winPath(q))}`,
    (q) => L`Warning: unknown attribute ${V(coin(q, 2, 3))} in ${V(pkg(q))}`,
  ];
  const closed: Render[][] = [
    each(['Applicable', 'Superseded', 'NotApplicable'], (s) => (q) => L`Package ${V(pkg(q))} is ${s}`),
    each(['set', 'cleared'], (s) => (q) => L`Reboot mark ${s}, session ${session(q)}`),
    each(['initialization', 'finalization'], (s) => () => L`Ending TrustedInstaller ${s}.`),
    each(['Install', 'Uninstall', 'Stage'], (s) => (q) => L`Plan: ${s} ${V(pkg(q))}, ${V(int(q, 1, 900))} components`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- logcat

const logcat: Family = (r) => {
  const pkg: Gen = pool(r, (q) => `com.${coin(q, 1, 2)}.${coin(q, 1, 2)}${q() < 0.3 ? '.' + coin(q, 1, 1) : ''}`);
  const activity = (q: Rng): string => `${pkg(q)}/.${pascal(q, 2)}Activity`;
  const tag: Gen = pool(r, (q) => (q() < 0.5 ? `*${coin(q, 1, 1)}*/${pascal(q, 2)}` : `${pascal(q, 2)}:${coin(q, 1, 2)}`));
  const obj = (q: Rng): Part => L`Token{${V(hex(q, 7))} u0 ${V(activity(q))}}`;
  const bool = (q: Rng): Piece => V(q() < 0.5 ? 'true' : 'false');
  const uid = pool(r, (q) => String(int(q, 1000, 10999)), int(r, 1, 40));
  const plain: Render[] = [
    (q) => L`relayout ${obj(q)}: visible=${bool(q)}  focus=${bool(q)} seq=${V(int(q, 1, 9999))}`,
    (q) => L`removing ${obj(q)} from stack ${V(int(q, 0, 40))}`,
    (q) => L`mHasSurface=${bool(q)}  mShown = ${bool(q)}   mAlpha=${V(any(q, ['1.0', '0.0', '0.5']))}`,
    (q) => L`acquire wake hold tag="${V(tag(q))}" flags=${V('0x' + hex(q, 1))} uid=${V(uid(q))} pid=${V(int(q, 300, 32000))}`,
    (q) => L`release wake hold tag="${V(tag(q))}" uid=${V(uid(q))} held=${V(`${int(q, 1, 90000)}ms`)}`,
    (q) => L`launch u0 intent{act=${V('android.intent.action.' + any(q, ['MAIN', 'VIEW', 'SEND']))} cmp=${V(activity(q))}} from uid ${V(uid(q))}`,
    (q) => L`shown ${V(activity(q))}: +${V(`${int(q, 40, 4000)}ms`)}`,
    (q) => L`process ${V(pkg(q))} (pid ${V(int(q, 300, 32000))}) has died: ${V(any(q, ['fore', 'vis', 'prcp', 'cch', 'svc']))} ${V(any(q, ['TOP', 'FGS', 'BFGS', 'CEM']))}`,
    (q) => L`setScreenDim(${bool(q)}) level=${V(int(q, 0, 255))}`,
    (q) => L`userActivity uid=${V(uid(q))} event=${V(int(q, 0, 4))} flags=${V('0x' + hex(q, 1))}`,
    (q) => L`battery: level=${V(int(q, 0, 100))} plugged=${V(int(q, 0, 2))} temp=${V(int(q, 200, 450))} voltage=${V(int(q, 3500, 4400))}`,
    (q) => L`skipped ${V(int(q, 30, 900))} frames!  The application may be doing too much work on its main thread.`,
  ];
  const closed: Render[][] = [
    each(['ON', 'OFF'], (s) => (q) => L`screen turned ${s} reason=${V(int(q, 0, 9))}`),
    each(['resumed', 'paused', 'stopped', 'destroyed'], (s) => (q) => L`activity ${V(activity(q))} ${s}`),
    each(['Foreground', 'Background'], (s) => (q) => L`${V(pkg(q))} moved to ${s}`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- openstack

const openstack: Family = (r) => {
  const tenant = pool(r, (q) => hex(q, 32), int(r, 1, 8));
  const instance: Gen = pool(r, uuid);
  const image = pool(r, (q) => hex(q, 40), int(r, 1, 30));
  const compute = pool(r, (q) => `${coin(q, 1, 2)}-${int(q, 1, 99)}`, int(r, 1, 12));
  const req = (q: Rng): Part => L`[req-${V(uuid(q))} user ${V(hex(q, 32))} project ${V(tenant(q))}] `;
  const secs = (q: Rng): Piece => V((q() * 3).toFixed(7));
  const access = (method: string, path: (q: Rng) => Part): Render => (q) =>
    L`${req(q)}${V(ipv4(q))} "${method} ${path(q)} HTTP/1.1" -> ${V(any(q, [200, 200, 202, 204, 404]))} bytes=${V(int(q, 200, 9000))} elapsed=${secs(q)}`;
  const inst = (q: Rng): Part => L`[instance: ${V(instance(q))}]`;
  const plain: Render[] = [
    access('GET', (q) => L`/v2.1/${V(tenant(q))}/servers/detail`),
    access('GET', (q) => L`/v2.1/${V(tenant(q))}/servers/${V(instance(q))}`),
    access('POST', (q) => L`/v2.1/${V(tenant(q))}/servers/${V(instance(q))}/action`),
    access('DELETE', (q) => L`/v2.1/${V(tenant(q))}/servers/${V(instance(q))}`),
    (q) => L`${req(q)}${inst(q)} reserving ${V(any(q, [512, 2048, 4096, 8192]))} MB memory, ${V(any(q, [1, 20, 40, 80]))} GB disk, ${V(any(q, [1, 2, 4, 8]))} vcpus on ${V(compute(q))}`,
    (q) => L`${inst(q)} claim failed: free ram ${V(int(q, 0, 60000))} MB < requested ${V(int(q, 512, 16384))} MB`,
    (q) => L`compute ${V(compute(q))} capacity: ram ${V(int(q, 8000, 256000))} MB, used ${V(int(q, 0, 256000))} MB, disk ${V(int(q, 10, 4000))} GB`,
    (q) => L`image cache: base ${V(image(q))} in use by ${V(int(q, 1, 30))} instances`,
    (q) => {
      const n = int(q, 1, 4);
      return L`image cache: removable bases ${V(Array.from({ length: n }, () => '/var/lib/nova/instances/_base/' + image(q)).join(' '))}`;
    },
    (q) => L`fetching metadata from http://${V(`${ipv4(q)}:8775/openstack/${int(q, 2012, 2018)}-10-01`)}`,
    (q) => L`${inst(q)} took ${V((q() * 40).toFixed(2))} seconds to spawn the instance on the hypervisor`,
    (q) => L`${inst(q)} deleting files ${V(`/var/lib/nova/instances/${instance(q)}_del`)}`,
    (q) => L`sync_power_state: ${V(int(q, 0, 400))} instances in db, ${V(int(q, 0, 400))} on hypervisor`,
  ];
  const closed: Render[][] = [
    each(['Started', 'Stopped', 'Paused', 'Resumed'], (s) => (q) => L`${inst(q)} VM ${s} (lifecycle event)`),
    each(['build', 'destroy'], (s) => (q) => L`${inst(q)} ${s} took ${V((q() * 40).toFixed(2))} seconds`),
    each(['active', 'error', 'shutoff'], (s) => (q) => L`${inst(q)} vm_state now ${s}, task_state None`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- proxifier

const proxifier: Family = (r) => {
  const program: Gen = pool(r, (q) => {
    const base = q() < 0.7 ? coin(q, 1, 3) : `${cap(coin(q, 1, 2))} ${cap(coin(q, 1, 2))}`;
    return `${base}.exe${q() < 0.3 ? ' *64' : ''}`;
  });
  const target: Gen = pool(r, (q) => (q() < 0.7 ? fqdn(q) : ipv4(q)));
  const proxy = pool(r, (q) => `${coin(q, 1, 2)}.${domain(q)}`, int(r, 1, 2));
  const proxyPort = pool(r, (q) => String(int(q, 1080, 9999)), int(r, 1, 2));
  const protocol = any(r, ['HTTPS', 'SOCKS5']);
  const chain = pool(r, (q) => (q() < 0.6 ? cap(coin(q, 1, 2)) : `${cap(coin(q, 1, 2))} ${coin(q, 1, 2)}`), int(r, 1, 3));
  const profile = pool(r, (q) => `${cap(coin(q, 1, 2))}.ppx`, int(r, 1, 3));
  const port = (q: Rng): Piece => V(any(q, [80, 443, 443, 443, 8080, 5222, int(q, 1024, 65535)]));
  const head = (q: Rng): Part => L`${V(program(q))} - ${V(target(q))}:${port(q)}`;
  const bytes = (q: Rng): Part => {
    const n = Math.floor(Math.pow(10, q() * 8));
    if (n < 1024) return L`${V(n)} bytes`;
    if (n < 1048576) return L`${V(n)} bytes (${V((n / 1024).toFixed(1))} KB)`;
    return L`${V(n)} bytes (${V((n / 1048576).toFixed(1))} MB)`;
  };
  const lifetime = (q: Rng): Part => {
    const s = Math.floor(Math.pow(10, q() * 4.2) - 1);
    if (s < 1) return 'lifetime <1 sec';
    if (s < 3600) return L`lifetime ${V(`${pad(Math.floor(s / 60), 2)}:${pad(s % 60, 2)}`)}`;
    return L`lifetime ${V(`${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`)}`;
  };
  const plain: Render[] = [
    (q) => L`${head(q)} open via ${V(proxy(q))}:${V(proxyPort(q))} ${protocol}`,
    (q) => L`${head(q)} closed, ${bytes(q)} out, ${bytes(q)} in, ${lifetime(q)}`,
    (q) => L`${head(q)} error : could not connect through proxy ${V(proxy(q))}:${V(proxyPort(q))} - proxy answered status ${V(any(q, [403, 407, 502, 503]))}`,
    (q) => L`${head(q)} error : ${V(any(q, ['connection refused', 'host unreachable', 'remote side closed the connection', 'timed out']))}`,
    (q) => L`${V(program(q))} - resolving ${V(target(q))} through proxy`,
    (q) => L`traffic so far: ${V(int(q, 1, 9999))} MB up, ${V(int(q, 1, 99999))} MB down, ${V(int(q, 0, 400))} open`,
    (q) => L`${head(q)} chain ${V(chain(q))} hop ${V(int(q, 1, 3))} failed: ${V(phrase(q))}`,
    (q) => L`name cache: ${V(int(q, 0, 5000))} entries, ${V(int(q, 0, 900))} expired`,
    (q) => L`profile ${V(profile(q))} loaded, ${V(int(q, 1, 60))} rules`,
  ];
  const closed: Render[][] = [
    each(['IPv4', 'IPv6'], (s) => (q) => L`${V(program(q))} - ${V(target(q))} resolved to ${s} address`),
    each(['allowed', 'blocked'], (s) => (q) => L`${head(q)} direct connection ${s}`),
    each(['enabled', 'disabled'], (s) => (q) => L`rule ${V(cap(coin(q, 1, 2)) + (q() < 0.4 ? ' ' + cap(coin(q, 1, 2)) : ''))} ${s}`),
  ];
  return { plain, closed };
};

// ---------------------------------------------------------------- tbird

const tbird: Family = (r) => {
  const node: Gen = pool(r, (q) => `${coin(q, 1, 1)}${int(q, 1, 999)}`);
  const user: Gen = pool(r, userName);
  const server = pool(r, (q) => (q() < 0.5 ? ipv4(q) : `${coin(q, 1, 2)}.${domain(q)}`), int(r, 1, 4));
  const queueId = (q: Rng): Piece => V(hex(q, 10).toUpperCase().replace(/[0-9]/g, (d) => 'GHIJKLMNOP'[Number(d)]));
  const mailHost = pool(r, domain);
  const cronCmd: Gen = pool(r, (q) => [`/${coin(q, 1, 1)}/${coin(q, 1, 2)}`, ...Array.from({ length: int(q, 0, 3) }, () => coin(q, 1, 2))].join(' '));
  const plain: Render[] = [
    (q) => L`ntpd: synchronized to ${V(server(q))}, stratum ${V(int(q, 1, 4))}`,
    (q) => L`ntpd: time reset ${V((q() < 0.5 ? '+' : '-') + (q() * 2).toFixed(6))} s`,
    (q) => L`kernel: EDAC mc${V(int(q, 0, 3))}: ${V(int(q, 1, 40))} CE on DIMM${V(int(q, 0, 7))} (channel:${V(int(q, 0, 1))} page:${V('0x' + hex(q, 5))} offset:${V('0x' + hex(q, 3))} syndrome:${V('0x' + hex(q, 4))})`,
    (q) => L`kernel: EDAC mc${V(int(q, 0, 3))}: UE row ${V(int(q, 0, 7))}, no information available`,
    (q) => L`sshd: Accepted publickey for ${V(user(q))} from ${V(ipv4(q))} port ${V(int(q, 1024, 65535))} ssh2`,
    (q) => L`crond: (${V(user(q))}) CMD (${V(cronCmd(q))})`,
    (q) => L`${queueId(q)}: from=<${V(`${user(q)}@${mailHost(q)}`)}>, size=${V(int(q, 300, 90000))}, nrcpt=${V(int(q, 1, 5))} (queue active)`,
    (q) => L`${queueId(q)}: to=<${V(`${user(q)}@${mailHost(q)}`)}>, relay=${V(mailHost(q))}[${V(ipv4(q))}]:${V(25)}, delay=${V((q() * 9).toFixed(1))}, status=sent (${V(`250 2.0.0 Ok: queued as ${hex(q, 9).toUpperCase()}`)})`,
    (q) => L`${queueId(q)}: to=<${V(`${user(q)}@${mailHost(q)}`)}>, delay=${V((q() * 900).toFixed(1))}, status=deferred (${V(phrase(q))})`,
    (q) => L`${queueId(q)}: removed`,
    (q) => L`pbs_mom: job ${V(`${int(q, 1000, 99999)}.${node(q)}`)} started on ${V(node(q))}/${V(int(q, 0, 7))}`,
    (q) => L`kernel: ib0: multicast join failed for ${V('ff12:401b:' + hex(q, 4) + '::1')}, status ${V(-int(q, 1, 120))}`,
  ];
  const closed: Render[][] = [
    each(['DHCPDISCOVER', 'DHCPREQUEST', 'DHCPACK', 'DHCPNAK'], (k) => (q) => L`dhcpd: ${k} ${k === 'DHCPDISCOVER' ? 'from' : 'for'} ${V(mac(q))} via eth1`),
    each(['enabled', 'disabled'], (s) => () => L`ntpd: kernel time sync ${s}`),
    each(['connect', 'disconnect'], (s) => (q) => L`postfix/smtpd: ${s} from ${V(node(q))}[${V(ipv4(q))}]`),
  ];
  return { plain, closed };
};

const FAMILIES: Record<string, Family> = { hpc, mac: mac_, linux, cbs, logcat, openstack, proxifier, tbird };

/**
 * One invented system of `lines` lines: one to three families (more while it
 * has fewer than MIN_EVENTS events), two thirds of each family's plain shapes
 * and of its closed sets (a chosen closed set comes with every member), Zipf
 * weights (exponent 0.8-1.4) over a random ranking of all events.
 */
export function unseenSystemV4(seed: number, lines = 2000): SyntheticSampleV4 {
  const r = prng(seed * 7331 + 41);
  const { families, events, closedSetCount } = chooseEvents(r, Object.keys(FAMILIES), (name) => FAMILIES[name](r), {
    families: int(r, 1, 3),
    minEvents: MIN_EVENTS,
    keepPlain: 0.67,
    keepClosed: () => 0.67,
  });
  assignZipfWeights(r, events, 0.8 + r() * 0.6);
  return { name: `v4-${seed}:${families.join('+')}`, ...drawLines(r, events, closedSetCount, lines) };
}
