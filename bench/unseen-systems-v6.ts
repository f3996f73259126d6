/**
 * Held-out invented systems, sixth generation (--synthetic-v6 of
 * bench/template-mining.ts).
 *
 * Why a sixth generator: v1-v5 (unseen-systems*.ts) have all been used or
 * looked at while the miner was tuned. This one was written BLIND: without
 * reading the miner (processors/template/) or the event shapes of the earlier
 * generators, and it was never run against the miner by its author. It shares
 * only the sample shape, the drawing helpers (synthetic-draw.ts) and the
 * ground-truth convention as the held-out judges describe it.
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it), each with its own invented event shapes:
 *   ras       supercomputer RAS: location codes, cache / torus errors, lane
 *             lists, core dumps, boot images, node-card states
 *   hpc       HPC cluster: nodes leading their messages, jobs, walltimes,
 *             node lists, sensors, node states and job verbs
 *   tbird     large cluster syslog: ntp, a mail queue with queue ids of
 *             letters, dhcp kinds on eth1, ssh2 logins, fabric sweeps
 *   cbs       Windows servicing: sessions `NNN_NNN`, package identities,
 *             HRESULTs, paths with spaces, plan lines of states
 *   syslog    2005-era Linux: pam sessions, authentication failures with a
 *             sometimes-empty field, ftp peers with dates, sudo, services
 *   logcat    Android: activity starts, wake locks, kills, frame skips,
 *             display states
 *   macos     macOS system log: driver `Class::method` lines, wake reasons,
 *             assertions in quotes, `<private>`, en0 keepalives
 *   nova      OpenStack compute: `[req-...]` request lines with query strings,
 *             instance lifecycle events, claims in MB, base-file audits
 *   proxy     Proxifier-like client: open through proxy / directly, close with
 *             byte counts and lifetimes, connection errors
 * Program, host, user, package and other names are random pronounceable words
 * invented per system; real-world words appear only where programs of that
 * kind print them (ssh2, HTTP/1.1, HRESULT, eth1, en0, u0).
 *
 * Each seed invents one system: one to three families (more while it has fewer
 * than MIN_EVENTS events), about 75% of each family's plain shapes and of its
 * closed sets after the first, one vocabulary pool per kind of entity (shared
 * by every event naming it, made from its own seeded stream so the pools do
 * not depend on the order events are built) of random size: a third of the
 * pools 1..3 values, the others 4..200; values drawn with a skew inside a pool;
 * Zipf event frequencies (exponent 0.7-1.5) over a random ranking of all
 * events; 2,000 lines drawn independently.
 *
 * Ground truth, where the judges' account of their held-out truth speaks
 * (followed literally):
 * - a variable in the first position is a variable even without a digit
 *   (node, job, service, program, user and queue names lead messages);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part, an empty vs non-empty field, comma-joined lists of
 *   varying length, query strings, variable-length lists of names;
 * - small value sets are still variables (a few users, two month names, some
 *   weekdays);
 * - punctuation inside a value does not split it: durations as mm:ss, hh:mm:ss
 *   or words (`3 min 12 sec`, `<1 sec`) are one value; a path with a space is
 *   one value; a value glued to the next key with no separator is one value
 *   (`pid=<*>uid=<*>`, `chan=<*>rssi=<*>`);
 * - separate events: closed sets of plain words (lifecycle states, verbs),
 *   digit-bearing constants (eth1, en0, ib0, u0, ssh2, HTTP/1.1, ioc0), a
 *   specific event next to a general one (`loading image default` beside
 *   `loading image <*>`, `on default for` beside `on <*> for`, `via system
 *   resolver` beside `via <*>`), booleans a code path prints as constants
 *   (`setLightsOn(true)`, `opt-in: False`) beside booleans printed from data
 *   (`isPowerSaveMode=<*>`, `preempt=<*>`, `Retry: <*>`);
 * - `[<*>]`, `"<*>"`: brackets / quotes around a value are constant; `ip:port`
 *   is `<*>:<*>`; a unit after a space is constant (`<*> ms`, `<*> MB`);
 *   numbers are variables.
 * Choices where it is silent:
 * - an optional parenthesised part belongs to the variable it follows
 *   (`connection from <*>` for both `10.1.2.3` and `10.1.2.3 (kelmo)`; a wake
 *   reason `XHC1` or `XHC1 (User)`; `cmp=<*>` with or without ` (has extras)`);
 * - an empty vs non-empty field is ONE template whose variable keeps the key
 *   as constant (`ruser=<*> rhost=<*>`, `tag="<*>"`, `Sleep assertion
 *   "<*>"`); in the empty case that variable is the empty string (the only
 *   places a variable may be empty: the judges' truth cannot be written
 *   otherwise); a field that is always empty is constant text (`logname=`);
 * - a constant word or letters glued before a number keep the word (`req-<*>`,
 *   `core.<*>`, `u0a<*>`, `t<*>`, `v<*>`, `pts/<*>`); `0x` hex is one variable
 *   with its prefix; a unit glued to a value is inside it (`100Mbps`);
 * - a number with a decimal point or a location code (`R07-M1-N12-J03`) is
 *   one variable; a date's weekday, month, day, time and year are a variable
 *   each (time `hh:mm:ss` one of them);
 * - a state or verb in a fixed position that names what happened (`<*> state
 *   change: drained`, `VM Paused`) is a closed set of events; states printed
 *   as values of keys (`Current: Staged`) are variables;
 * - a request line's HTTP method is a constant of its event, the path with
 *   its query string one variable;
 * - `<private>` and `ws=null` are constant text.
 *
 * REPORTED_SEEDS_V6 (701-712) were fixed in this file before the generator was
 * ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V6 or other seeds.
 */
import { prng } from '../test/kit/prng';
import { hexDigits as hexOf, inventSystem, int, pad, pick, pronounceableWord, type FamilyEvents, type Piece, type Render, type Syllables } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V6: readonly number[] = [701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V6: readonly number[] = [5113, 5227, 5341, 5459];

/** Same shape as v2-v5's sample: lines, their true templates, and the closed sets present. */
export type SyntheticSampleV6 = SyntheticSampleV2;

type Rng = () => number;
const MIN_EVENTS = 26;

const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

// ---------------------------------------------------------------- pieces

/** A constant computed when the family is built (a system's own constant word). */
interface Constant {
  readonly constant: string;
}
type Part = string | Constant | Piece[];

/** Constant text fixed per system (not a variable). */
const K = (constant: string): Constant => ({ constant });

/**
 * A line as a tagged template: literal text is constant, an interpolated
 * string is ONE variable, K(...) is constant, a Piece[] is spliced in.
 */
function L(strings: TemplateStringsArray, ...parts: Part[]): Piece[] {
  const out: Piece[] = [];
  strings.forEach((s, k) => {
    if (s !== '') out.push({ text: s, variable: false });
    if (k >= parts.length) return;
    const p = parts[k];
    if (typeof p === 'string') out.push({ text: p, variable: true });
    else if (Array.isArray(p)) out.push(...p);
    else out.push({ text: p.constant, variable: false });
  });
  return out;
}

// ---------------------------------------------------------------- vocabulary

const SYLLABLES: Syllables = {
  onsets: ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'kr', 'st', 'th', 'sh', 'gl', 'pl', 'tr', 'ch'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'],
  codas: ['', '', '', 'n', 'r', 'l', 's', 'k', 'x', 'm'],
};

/** A pronounceable invented word of `syllables` syllables (lowercase letters only). */
function word(q: Rng, syllables = int(q, 2, 3)): string {
  return pronounceableWord(q, SYLLABLES, syllables);
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return h >>> 0;
}

/** Draws one value of a pool. */
type Draw = (q: Rng) => string;

/**
 * The system's vocabulary: one pool per kind of entity, made on first use
 * from a stream seeded by (system seed, kind), so a pool's values do not
 * depend on which family asked first. A third of the pools hold 1..3 values.
 */
class Vocabulary {
  private readonly pools = new Map<string, readonly string[]>();
  private readonly skew: number;
  constructor(private readonly seed: number) {
    this.skew = 1 + prng(seed ^ 0x5bd1e995)() * 1.2;
  }

  pool(kind: string, make: (q: Rng) => string): Draw {
    return (q) => {
      let values = this.pools.get(kind);
      if (values === undefined) {
        const r = prng((this.seed * 2654435761) ^ hashName(kind));
        const size = r() < 1 / 3 ? int(r, 1, 3) : Math.round(Math.exp(Math.log(4) + r() * (Math.log(200) - Math.log(4))));
        const set = new Set<string>();
        for (let tries = 0; set.size < size && tries < size * 20; tries++) set.add(make(r));
        values = [...set];
        this.pools.set(kind, values);
      }
      return values[Math.min(values.length - 1, Math.floor(values.length * Math.pow(q(), this.skew)))];
    };
  }
}

// ---------------------------------------------------------------- value makers

const ip = (q: Rng): string => `${pick(q, ['10', '172', '192'])}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const num = (lo: number, hi: number): Draw => (q) => String(int(q, lo, hi));
const hex = (n: number): Draw => (q) => `0x${hexOf(q, n)}`;
const uuid = (q: Rng): string => `${hexOf(q, 8)}-${hexOf(q, 4)}-${hexOf(q, 4)}-${hexOf(q, 4)}-${hexOf(q, 12)}`;
const decimal = (q: Rng, hi: number, places: number): string => (q() * hi).toFixed(places);
const mmss = (q: Rng): string => `${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
const hhmmss = (q: Rng): string => `${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
/** A duration as mm:ss, hh:mm:ss or words: one value whatever its form. */
const duration = (q: Rng): string => {
  const f = q();
  if (f < 0.35) return mmss(q);
  if (f < 0.6) return hhmmss(q);
  if (f < 0.85) return `${int(q, 1, 59)} min ${int(q, 0, 59)} sec`;
  return pick(q, ['<1 sec', `${int(q, 2, 9)} hours`, `${int(q, 2, 50)} seconds`]);
};
/** Names joined by `sep`, 1..max of them: one value whatever its length. */
const listOf = (q: Rng, draw: Draw, max: number, sep: string): string => {
  const n = int(q, 1, max);
  return Array.from({ length: n }, () => draw(q)).join(sep);
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

// ---------------------------------------------------------------- families

type Family = (v: Vocabulary, q: Rng) => FamilyEvents;

/** Supercomputer RAS events. */
const ras: Family = (v, q) => {
  const loc = v.pool('ras.loc', (r) => `R${pad(int(r, 0, 63), 2)}-M${int(r, 0, 1)}-N${pad(int(r, 0, 15), 2)}-J${pad(int(r, 0, 35), 2)}`);
  const daemon = v.pool('ras.daemon', (r) => word(r, 1) + 'd');
  const image = v.pool('ras.image', (r) => `${word(r)}.${pick(r, ['elf', 'img', 'bin'])}`);
  const unit = K(word(q, 2)); // the system's name for its I/O node daemon, constant
  const states = ['present', 'absent', 'faulted', 'powered off'];
  const verbs = ['started', 'completed', 'aborted'];
  return {
    plain: [
      (r) => L`${num(1, 9999)(r)} double-hummer alignment exceptions`,
      (r) => L`${loc(r)} torus receiver ${pick(r, ['x+', 'x-', 'y+', 'y-', 'z+', 'z-'])} input pipe error(s) (dcr ${hex(4)(r)}) detected and corrected`,
      (r) => L`instruction cache parity error corrected`,
      (r) => L`${daemon(r)}: failed to read message prefix on control stream (socket to ${ip(r)}:${num(1024, 65535)(r)})`,
      (r) => L`generating core.${num(1, 4000)(r)}`,
      (r) => L`${loc(r)} lanes ${listOf(r, num(0, 11), 6, ',')} retrained after ${num(1, 90)(r)} attempts`,
      (r) => L`total of ${num(1, 500)(r)} ddr error(s) detected and corrected over ${duration(r)}`,
      (r) => L`${unit}: ${num(1, 9)(r)} nodes of partition ${loc(r)} failed to respond`,
      (r) => L`machine check interrupt (bit=${hex(2)(r)}): L2 dcache unit data parity error`,
      (r) => L`boot: loading image ${image(r)}`,
      (r) => L`boot: loading image default`,
      (r) => L`lr:${hexOf(r, 8)} cr:${hexOf(r, 8)} xer:${hexOf(r, 8)} ctr:${hexOf(r, 8)}`,
      (r) => L`data TLB error interrupt`,
    ],
    closed: [
      states.map((s): Render => (r) => L`node card ${loc(r)} is ${K(s)}`),
      verbs.map((s): Render => (r) => L`link training ${K(s)} on ${loc(r)}`),
    ],
  };
};

/** HPC cluster node and job events. */
const hpc: Family = (v, q) => {
  const node = v.pool('hpc.node', (r) => (r() < 0.5 ? word(r) : `${word(r, 2)}-${int(r, 1, 512)}`));
  const job = v.pool('hpc.job', (r) => word(r));
  const user = v.pool('user', (r) => word(r, 2));
  const queue = v.pool('hpc.queue', (r) => word(r, 2));
  const sensor = v.pool('hpc.sensor', (r) => `${pick(r, ['cpu', 'dimm', 'psu', 'fan'])}${int(r, 0, 7)}`);
  const sched = K(word(q, 2) + 'd');
  const states = ['idle', 'allocated', 'down', 'drained', 'unknown'];
  const verbs = ['started', 'suspended', 'resumed', 'cancelled', 'requeued'];
  return {
    plain: [
      (r) => L`${node(r)} boot (command ${num(1, 9000)(r)}) completed`,
      (r) => L`${node(r)} ${sensor(r)} temperature (${num(40, 110)(r)} C) exceeds warning threshold`,
      (r) => L`${job(r)} queued by ${user(r)} on ${queue(r)} for ${num(1, 1024)(r)} nodes`,
      (r) => L`${job(r)} queued by ${user(r)} on default for ${num(1, 1024)(r)} nodes`,
      (r) => L`${sched}: allocated nodes ${listOf(r, node, 7, ' ')} to job ${num(10000, 99999)(r)}`,
      (r) => L`job ${`${int(r, 10000, 99999)}.${int(r, 0, 63)}`} walltime ${hhmmss(r)} exceeded limit ${hhmmss(r)}`,
      (r) => L`${node(r)}: link error on interface ib0 (${num(1, 400)(r)} symbol errors)`,
      (r) => L`${node(r)} fan speed ${num(1200, 9800)(r)} rpm below minimum`,
      (r) => L`${sched}: preempt=${pick(r, ['true', 'false'])} for job ${num(10000, 99999)(r)} of ${user(r)}`,
      (r) => L`${node(r)} power supply redundancy lost`,
      (r) => L`${sched}: backfill cycle took ${num(1, 9000)(r)} ms for ${num(1, 600)(r)} jobs`,
      (r) => L`${job(r)} exited with code ${num(0, 255)(r)} after ${duration(r)}`,
    ],
    closed: [
      states.map((s): Render => (r) => L`${node(r)} state change: ${K(s)}`),
      verbs.map((s): Render => (r) => L`job ${num(10000, 99999)(r)} ${K(s)} by ${user(r)}`),
    ],
  };
};

/** Large cluster syslog. */
const tbird: Family = (v, q) => {
  const user = v.pool('user', (r) => word(r, 2));
  const queueId = v.pool('tbird.qid', (r) => Array.from({ length: 10 }, () => 'BCDFGHJKLMNPQRSTVWXZ'[int(r, 0, 19)]).join(''));
  const host = v.pool('host', (r) => word(r));
  const domain = K(`${word(q, 2)}.${pick(q, ['net', 'org', 'local'])}`);
  const mac = (r: Rng): string => Array.from({ length: 6 }, () => hexOf(r, 2)).join(':');
  const daemon = v.pool('tbird.daemon', (r) => word(r, 2));
  const dhcp = ['DHCPDISCOVER', 'DHCPOFFER', 'DHCPREQUEST', 'DHCPACK'];
  return {
    plain: [
      (r) => L`synchronized to ${ip(r)}, stratum ${num(1, 4)(r)}`,
      (r) => L`eth1: link up, ${pick(r, ['100Mbps', '1000Mbps'])}, full duplex`,
      (r) => L`Accepted publickey for ${user(r)} from ${ip(r)} port ${num(1024, 65535)(r)} ssh2`,
      (r) => L`${queueId(r)}: to=<${user(r)}@${domain}>, relay=${host(r)}[${ip(r)}]:${num(25, 25)(r)}, delay=${num(0, 90)(r)}, status=sent (${pick(r, ['ok', 'delivered', `queued as ${hexOf(r, 8).toUpperCase()}`])})`,
      (r) => L`${queueId(r)}: from=<${user(r)}@${domain}>, size=${num(300, 90000)(r)}, nrcpt=1 (queue active)`,
      (r) => L`connection from ${r() < 0.5 ? ip(r) : `${ip(r)} (${host(r)})`}`,
      (r) => L`mptscsih: ioc0: attempting task abort! (sc=${hex(8)(r)})`,
      (r) => L`check pass; user unknown`,
      (r) => L`fabric sweep ${num(1, 99999)(r)} completed after ${duration(r)}`,
      (r) => L`${daemon(r)} restarted by init (exit status ${num(0, 255)(r)})`,
      (r) => L`${host(r)} is not responding, still trying`,
    ],
    closed: [dhcp.map((s): Render => (r) => L`${K(s)} on ${ip(r)} to ${mac(r)} via eth1`)],
  };
};

/** Windows component-based servicing. */
const cbs: Family = (v, q) => {
  const client = v.pool('cbs.client', (r) => cap(word(r)) + cap(word(r, 2)));
  const pkg = v.pool('cbs.pkg', (r) => `Package_for_${cap(word(r))}~31bf3856ad364e35~${pick(r, ['amd64', 'x86', 'wow64'])}~~${int(r, 6, 10)}.${int(r, 0, 3)}.${int(r, 1000, 9999)}.${int(r, 0, 999)}`);
  const state = v.pool('cbs.state', (r) => pick(r, ['Installed', 'Staged', 'Absent', 'Resolved', 'Install Pending', 'Superseded']));
  const hresult = v.pool('cbs.hr', (r) => `0x800${hexOf(r, 5)}`);
  const hname = v.pool('cbs.hrname', (r) => `CBS_E_${word(r).toUpperCase()}`);
  const dir = K(cap(word(q)));
  const path = (r: Rng): string => `C:\\Program Files\\${cap(word(r))} ${cap(word(r))}\\${word(r)}.${pick(r, ['dll', 'mum', 'cat'])}`;
  const session = (r: Rng): string => `${int(r, 30000000, 30999999)}_${int(r, 1000000, 9999999)}`;
  const phases = ['Starts', 'Completes', 'Aborted'];
  const init = ['Starting', 'Ending'];
  return {
    plain: [
      (r) => L`Loaded Servicing Stack v${`${int(r, 6, 10)}.${int(r, 0, 3)}.${int(r, 7600, 9600)}.${int(r, 16000, 24000)}`} with Core: ${path(r)}`,
      (r) => L`Session: ${session(r)} initialized by client ${client(r)}.`,
      (r) => L`Read out cached package applicability for package: ${pkg(r)}, ApplicableState: ${num(0, 112)(r)}, CurrentState:${num(0, 112)(r)}`,
      (r) => L`Failed to get next element [HRESULT = ${hresult(r)} - ${hname(r)}]`,
      (r) => L`Warning: Unrecognized packageExtended attribute.`,
      (r) => L`SQM: Initializing online with Windows opt-in: False`,
      (r) => L`Exec: Processing started. Client: ${client(r)}, Session: ${session(r)}, Package: ${pkg(r)}, Retry: ${pick(r, ['True', 'False'])}`,
      (r) => L`Plan: Package: ${pkg(r)}, Current: ${state(r)}, Pending: ${state(r)}, Intended: ${state(r)}, Selected: Default`,
      (r) => L`Installing file ${path(r)} into ${dir} store`,
      (r) => L`Mark store corruption flag because of package: ${pkg(r)}. Status code: ${hresult(r)}`,
      (r) => L`Repr: CBS Store check completes`,
      (r) => L`Enumerating ${num(1, 3000)(r)} components took ${duration(r)}`,
    ],
    closed: [
      phases.map((s): Render => (r) => L`Scavenge: ${K(s)} for session ${session(r)}`),
      init.map((s): Render => () => L`${K(s)} TrustedInstaller initialization.`),
    ],
  };
};

/** 2005-era Linux syslog. */
const syslog: Family = (v, q) => {
  const user = v.pool('user', (r) => word(r, 2));
  const host = v.pool('host', (r) => word(r));
  const service = v.pool('syslog.service', (r) => word(r, 2));
  const month = v.pool('syslog.month', (r) => pick(r, MONTHS));
  const weekday = v.pool('syslog.weekday', (r) => pick(r, WEEKDAYS));
  const command = v.pool('syslog.cmd', (r) => `/usr/bin/${word(r, 2)}${r() < 0.5 ? '' : ' ' + listOf(r, (s) => `-${word(s, 1)}`, 3, ' ')}`);
  const pam = K(word(q, 2));
  const verbs = ['startup', 'shutdown'];
  return {
    plain: [
      (r) => L`session opened for user ${user(r)} by (uid=${num(0, 600)(r)})`,
      (r) => L`session closed for user ${user(r)}`,
      (r) => L`authentication failure; logname= uid=${num(0, 600)(r)} euid=${num(0, 600)(r)} tty=NODEVssh ruser=${r() < 0.5 ? '' : user(r)} rhost=${host(r)}`,
      (r) => L`connection from ${ip(r)} (${host(r)}) at ${weekday(r)} ${month(r)} ${num(1, 28)(r)} ${hhmmss(r)} ${num(2004, 2005)(r)}`,
      (r) => L`${user(r)} : TTY=pts/${num(0, 9)(r)} ; PWD=/home/${user(r)} ; USER=root ; COMMAND=${command(r)}`,
      (r) => L`audit(${`${int(r, 1100000000, 1199999999)}.${pad(int(r, 0, 999), 3)}`}:${num(1, 999)(r)}): pid=${num(100, 32000)(r)}uid=${num(0, 600)(r)} auid=${num(0, 600)(r)} msg='${pam} op=login'`,
      (r) => L`eth0: link up, ${pick(r, ['10Mbps', '100Mbps'])}, full-duplex, lpa ${hex(4)(r)}`,
      (r) => L`ALERT exited abnormally with [${num(1, 2)(r)}]`,
      (r) => L`Kernel command line: ro root=LABEL=/ rhgb quiet`,
      (r) => L`${pam}(${service(r)}:session): check pass; user unknown`,
      (r) => L`couldn't add ${user(r)} to group ${service(r)}`,
    ],
    closed: [verbs.map((s): Render => (r) => L`${service(r)} ${K(s)} succeeded`)],
  };
};

/** Android logcat. */
const logcat: Family = (v, q) => {
  const pkg = v.pool('logcat.pkg', (r) => `com.${word(r, 2)}.${word(r)}`);
  const act = v.pool('logcat.act', (r) => `.${cap(word(r))}Activity`);
  const tag = v.pool('logcat.tag', (r) => (r() < 0.5 ? `*${word(r, 2)}*` : `${cap(word(r))} ${word(r)}`));
  const reason = v.pool('logcat.reason', (r) => pick(r, ['empty', 'cached', 'remove task', `too many ${word(r, 2)}`]));
  const action = K(`android.intent.action.${pick(q, ['MAIN', 'VIEW'])}`);
  const displays = ['ON', 'OFF', 'DOZE'];
  return {
    plain: [
      (r) => L`Skipped ${num(30, 400)(r)} frames!  The application may be doing too much work on its main thread.`,
      (r) => L`START u0 {act=${action} cmp=${pkg(r)}/${act(r) + (r() < 0.4 ? ' (has extras)' : '')}} from uid ${num(1000, 10200)(r)}`,
      (r) => L`acquire lock=${num(10000000, 99999999)(r)}, flags=${hex(2)(r)}, tag="${r() < 0.2 ? '' : tag(r)}", name=${pkg(r)}, ws=null, uid=${num(1000, 10200)(r)}, pid=${num(100, 30000)(r)}`,
      (r) => L`Killing ${num(100, 30000)(r)}:${pkg(r)}/u0a${num(10, 300)(r)} (adj ${num(0, 999)(r)}): ${reason(r)}`,
      (r) => L`Process ${pkg(r)} (pid ${num(100, 30000)(r)}) has died`,
      (r) => L`isPowerSaveMode=${pick(r, ['true', 'false'])}`,
      (r) => L`setLightsOn(true)`,
      (r) => L`ActivityRecord{${hexOf(r, 7)} u0 ${pkg(r)}/${act(r)} t${num(1, 900)(r)}} moved to front`,
      (r) => L`notify packages=[${listOf(r, pkg, 4, ',')}] changed`,
      (r) => L`Displayed ${pkg(r)}/${act(r)}: +${`${int(r, 100, 2000)}ms`}`,
    ],
    closed: [displays.map((s): Render => (r) => L`display state changed to ${K(s)} (reason ${num(0, 9)(r)})`)],
  };
};

/** macOS system log. */
const macos: Family = (v, q) => {
  const klass = v.pool('macos.class', (r) => `Apple${cap(word(r))}${cap(word(r, 1))}`);
  const method = v.pool('macos.method', (r) => word(r, 2) + cap(word(r, 1)));
  const bundle = v.pool('macos.bundle', (r) => `com.${word(r, 2)}.${word(r)}`);
  const proc = v.pool('macos.proc', (r) => word(r));
  const user = v.pool('user', (r) => word(r, 2));
  const assertion = v.pool('macos.assert', (r) => `${cap(word(r))} ${word(r)}${r() < 0.5 ? '' : ' ' + word(r)}`);
  const drv = K(word(q, 1).toUpperCase());
  const wake = v.pool('macos.wake', (r) => pick(r, ['XHC1', 'RTC', 'EC.LidOpen', 'ARPT', 'EC.PowerButton']));
  const links = ['up', 'down'];
  return {
    plain: [
      (r) => L`${klass(r)}::${method(r)} - power up complete - took ${num(1, 9000)(r)} us`,
      (r) => L`Wake reason: ${r() < 0.5 ? wake(r) : `${wake(r)} (User)`}`,
      (r) => L`${bundle(r)}: Sleep assertion "${r() < 0.25 ? '' : assertion(r)}" released after ${mmss(r)}`,
      (r) => L`en0: link quality chan=${num(1, 165)(r)}rssi=${num(-95, -30)(r)} noise=${num(-99, -80)(r)}`,
      (r) => L`${drv}: ${decimal(r, 900000, 6)}: en0: keepalive seq: original ${num(1, 99999999)(r)}, ack ${num(1, 99999999)(r)}, window ${num(1, 65535)(r)}`,
      (r) => L`Created Activity ID: ${hex(4)(r)}, Description: Loading Preferences From System CFPrefsD For Search List`,
      (r) => L`${proc(r)} quit with exit code ${num(0, 255)(r)}`,
      (r) => L`Hibernate image written: ${num(100, 16000)(r)} MB in ${num(1, 9000)(r)} ms`,
      (r) => L`PM response took ${num(1, 4000)(r)} ms (${proc(r)})`,
      (r) => L`Cache file ${`/Users/${user(r)}/Library/Application Support/${cap(word(r))} ${cap(word(r))}/${word(r)}.db`} is <private>`,
      (r) => L`${proc(r)}[${num(100, 90000)(r)}]: connection invalidated`,
    ],
    closed: [links.map((s): Render => (r) => L`network interface en0 link ${K(s)} (${num(1, 900)(r)} changes)`)],
  };
};

/** OpenStack compute. */
const nova: Family = (v, q) => {
  const host = v.pool('host', (r) => word(r));
  const node = v.pool('nova.node', (r) => `${word(r, 2)}-${int(r, 1, 99)}`);
  const table = v.pool('nova.table', (r) => `${word(r, 2)}_${word(r, 1)}s`);
  const instance = v.pool('nova.instance', uuid);
  const tenant = v.pool('nova.tenant', (r) => hexOf(r, 32));
  const base = v.pool('nova.base', (r) => `/var/lib/nova/instances/_base/${hexOf(r, 40)}`);
  const path = (r: Rng): string => {
    const head = `/v2/${tenant(r)}/servers${pick(r, ['', '/detail', `/${instance(r)}`])}`;
    return r() < 0.5 ? head : `${head}?${listOf(r, (s) => `${pick(s, ['limit', 'marker', 'status', 'changes-since'])}=${word(s, 1)}`, 3, '&')}`;
  };
  const req = (r: Rng): Piece[] => L`[req-${uuid(r)} ${hexOf(r, 32)} ${hexOf(r, 32)} - - -]`;
  const agent = K(word(q, 2));
  const lifecycle = ['Started', 'Paused', 'Resumed', 'Stopped'];
  return {
    plain: [
      (r) => L`${req(r)} ${ip(r)} "GET ${path(r)} HTTP/1.1" status: ${num(200, 204)(r)} len: ${num(200, 9000)(r)} time: ${decimal(r, 3, 7)}`,
      (r) => L`${req(r)} ${ip(r)} "POST ${path(r)} HTTP/1.1" status: ${num(200, 202)(r)} len: ${num(200, 900)(r)} time: ${decimal(r, 3, 7)}`,
      (r) => L`${req(r)} [instance: ${instance(r)}] Took ${decimal(r, 60, 2)} seconds to spawn the instance on the hypervisor.`,
      (r) => L`${req(r)} [instance: ${instance(r)}] Claim successful`,
      (r) => L`[instance: ${instance(r)}] Total memory: ${num(2048, 262144)(r)} MB, used: ${decimal(r, 4096, 2)} MB`,
      (r) => L`Running instance usage audit for host ${host(r)} from time ${hhmmss(r)} to ${hhmmss(r)}. ${num(0, 40)(r)} instances.`,
      (r) => L`Unknown base file: ${base(r)}`,
      (r) => L`Active base files: ${listOf(r, base, 3, ' ')}`,
      (r) => L`Compute_service record updated for ${host(r)}:${node(r)}`,
      (r) => L`${table(r)} table sync completed in ${num(1, 900)(r)} ms by ${agent}`,
      (r) => L`HTTP exception thrown: Instance ${instance(r)} could not be found.`,
    ],
    closed: [lifecycle.map((s): Render => (r) => L`[instance: ${instance(r)}] VM ${K(s)} (Lifecycle Event)`)],
  };
};

/** Proxifier-like proxy client. */
const proxy: Family = (v) => {
  const prog = v.pool('proxy.prog', (r) => (r() < 0.4 ? `${cap(word(r))} ${cap(word(r))}.exe` : `${word(r)}.exe`));
  const host = v.pool('proxy.host', (r) => (r() < 0.5 ? ip(r) : `${word(r)}.${word(r, 2)}.${pick(r, ['com', 'net', 'io'])}`));
  const proxyHost = v.pool('proxy.proxy', (r) => `proxy.${word(r, 2)}.${pick(r, ['com', 'net'])}`);
  const port = v.pool('proxy.port', (r) => String(pick(r, [80, 443, 5223, 8080, int(r, 1024, 65535)])));
  const profiles = ['saved', 'loaded', 'reset'];
  return {
    plain: [
      (r) => L`${prog(r)} - ${host(r)}:${port(r)} open through proxy ${proxyHost(r)}:${port(r)} HTTPS`,
      (r) => L`${prog(r)} - ${host(r)}:${port(r)} close, ${num(0, 900000)(r)} bytes sent, ${num(0, 9000000)(r)} bytes received, lifetime ${duration(r)}`,
      (r) => L`${prog(r)} *64 - ${host(r)}:${port(r)} open directly`,
      (r) => L`${prog(r)} - ${host(r)}:${port(r)} error : Could not connect through proxy ${proxyHost(r)}:${port(r)} - Proxy server cannot establish a connection with the target, status code ${num(400, 599)(r)}`,
      (r) => L`${prog(r)} - ${host(r)}:${port(r)} error : A connection request was canceled before the completion.`,
      (r) => L`DNS resolving ${host(r)} via ${proxyHost(r)} took ${num(1, 900)(r)} ms`,
      (r) => L`DNS resolving ${host(r)} via system resolver took ${num(1, 900)(r)} ms`,
      (r) => L`${prog(r)} - ${host(r)}:${port(r)} matched rule ${num(1, 40)(r)} (${pick(r, ['Direct', 'Default', 'Block'])})`,
    ],
    closed: [profiles.map((s): Render => () => L`Profile ${K(s)}`)],
  };
};

const FAMILIES: Record<string, Family> = { ras, hpc, tbird, cbs, syslog, logcat, macos, nova, proxy };

/** The invented system of `seed`: name `v6-<seed>:<families>`, 2,000 lines and their true templates. */
export function unseenSystemV6(seed: number, lines = 2000): SyntheticSampleV6 {
  const r = prng(seed * 104729 + 61);
  const vocabulary = new Vocabulary(seed);
  // a family's first closed set always comes with it, the others 3 times in 4
  const choice = { minEvents: MIN_EVENTS, keepPlain: 0.75, keepClosed: (k: number) => (k === 0 ? 1 : 0.75) };
  return inventSystem(r, `v6-${seed}`, Object.keys(FAMILIES), (name) => FAMILIES[name](vocabulary, r), choice, lines);
}
