/**
 * Held-out invented systems, tenth generation (--synthetic-v10 of
 * bench/template-mining.ts).
 *
 * Why a tenth generator: v1-v9 (unseen-systems*.ts) have all been used or
 * looked at while the miner was tuned. This one was written BLIND: its author
 * did not read the miner (processors/) nor the event shapes of the earlier
 * generators, and never ran the miner on it. It shares only the sample shape
 * (SyntheticSampleV2), the drawing helpers (synthetic-draw.ts) and the
 * ground-truth convention stated in v9's header (learned from the corrected
 * Loghub-2.0 templates), restated below with this file's choices.
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it); event shapes written from what those
 * programs print, avoiding the most obvious messages of each:
 *   logcat   Android: activity starts with intents, Displayed times,
 *            hidden-API accesses (allowed / denied), crashed-service restarts,
 *            force stops, battery properties, input dispatch timeouts, links
 *            per interface (wlan0 / rmnet_data0 / p2p0), setLockScreenShown
 *   bgl      BlueGene/L RAS: machine check summaries, link card and service
 *            card messages, idoproxy / mmcs console lines, rts panics, link
 *            card temperatures, register dump lines `r<*>=<*>`, ciodb jobs
 *   hpc      HPC cluster: scheduler (job states), node health, gm / myrinet
 *            mapper lines, fan and temperature sensors, boot / halt commands
 *   linux    2005-era Linux syslog: kernel version banner with its written-out
 *            build date, useradd / userdel, cups, gpm, named zone loads,
 *            audit, portmap, irqbalance, smartd, rpc.statd
 *   macos    macOS: WindowServer display changes, kernel AppleKeyStore /
 *            IOThunderbolt lines, mDNSResponder, symptomsd, com.apple.xpc
 *            launchd service exits, Spotlight (mds) importers, TCC access
 *   nova     OpenStack nova: compute manager instance actions, image cache,
 *            rpc timeouts, scheduler filters, VIF plugging, volume attach
 *   proxifier  Proxifier client: DNS through proxy, chains, bytes sent /
 *            received with humanised sizes (`3.13 KB`, one value) and
 *            lifetimes, errors per proxy, connection errors
 *   tbird    Thunderbird cluster syslog: pbs_mom jobs, kernel ib_mthca and
 *            ECC, crond, postfix (queue ids), xinetd, ganglia gmond
 *   cbs      Windows CBS servicing: TrustedInstaller lifecycle, package
 *            states, exec / resolve actions, CSI perf, file repairs with
 *            paths that have spaces, reboot requirements
 *   elastic  Elasticsearch node: shard allocation and recovery, cluster
 *            health changes, GC overhead, disk watermarks, index creation
 *            and mapping updates, master election, slow logs, deprecations
 *   haproxy  HAProxy: HTTP and TCP log lines (`<NOSRV>` beside a server),
 *            server state changes with check results, proxy start / stop,
 *            admin socket and reload messages
 *   docker   Docker daemon / containerd: logrus `msg="..."` lines with
 *            container ids, image pulls, network and endpoint errors, shim
 *            lifecycle, plugin loading, health checks, veth names
 * Program, host, user and other names are random pronounceable words invented
 * per system; real-world words appear only where programs of that kind print
 * them (wlan0, rmnet_data0, HTTP/1.1, eth0, ib0, SYSTEM, KB, TCP).
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
 *   session `NNN_NNN`, an Elasticsearch node id with `_` and `-`);
 * - a constant word joined by `-` to a number or id keeps the word
 *   (`req-<*>`, `network-vif-plugged-<*>`), a constant word glued before a
 *   number keeps it too (`u0a<*>`, `veth<*>`, `#<*>`, `r<*>=`, `sw<*>`
 *   with the glued unit inside: `sw360dp`), as does a `v` before a version
 *   (`Servicing Stack v<*>`, `/v<*>/containers`, the version one variable);
 *   a CBS package name `Package_for_KB…~…` is one variable;
 * - `ip:port` is `<*>:<*>`, `host/ip:port` is `<*>/<*>:<*>` (a Netty
 *   connection refusal); an address with a fixed prefix length keeps it
 *   (`<*>/16`);
 * - a unit glued to a number is inside the variable (`1200ms`, `4.2gb`, `85%`,
 *   `+1s204ms`); a fixed unit after a space is constant (`<*> MB`,
 *   `<*> seconds`, `<*> bytes`); a size a humaniser prints with a unit that
 *   changes with the size is ONE variable with its unit (`3.13 KB`);
 * - brackets, parentheses, braces, quotes around a value are constant; a
 *   bracketed HAProxy accept date `[07/Dec/2026:08:45:24.123]` is one value
 *   (no space inside);
 * - a path is one variable (Unix, Windows with backslashes and spaces);
 * - `key=value`, `key: value`: the key and separator constant, the value one
 *   variable even with `,` `:` `/` inside; a field printed empty sometimes is
 *   one template with the non-empty form (empty only right after `=` or
 *   between double quotes: `error=""`, `shell=`);
 * - `0x` hex is one variable with its prefix;
 * - names with digits, dots, dashes are one variable (a PBS job id
 *   `1234.name`, a PCI address `0000:04:00.0`, a kernel release
 *   `2.6.9-22.ELsmp`, a device `/dev/vdb`); a container id prefix (12 hex)
 *   one variable; a negative number keeps its sign (`RSSI <*>`, `(<*>)` for
 *   `(-12)`);
 * - HAProxy timers `Tq/Tw/Tc/Tr/Ta` and conn counts are a variable per number
 *   (the `/` is the program's separator); its termination state (`----`,
 *   `cD--`) one variable.
 * Where the real data is silent, the held-out judges' account:
 * - a variable in the first position is a variable even without a digit
 *   (Proxifier's program name, job names, commands, services, nodes);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part belongs to the variable it follows (an HAProxy check
 *   result `Layer7 wrong status (503 Service Unavailable)`), empty vs
 *   non-empty field, comma lists of varying length (node lists, index lists,
 *   capabilities), query strings (one variable after `?`), free text the
 *   program prints from data (Elasticsearch exception messages, docker error
 *   texts, an input-dispatch reason) is one variable;
 * - small value sets are still variables (HTTP methods, a few users, two
 *   month names, weekdays, green / yellow, AC / Battery);
 * - punctuation inside a value does not split it: durations as mm:ss,
 *   hh:mm:ss or words (`<1 sec`, `1min 2.345s`), a path with a space;
 * - separate events: closed sets of plain words in a fixed position naming
 *   what happened (job states, cluster health transitions are NOT: the colors
 *   are data; lifecycle verbs of a proxy, a container, an interface are),
 *   digit-bearing constants (wlan0, rmnet_data0, p2p0, eth0, eth1, ib0, ib1,
 *   IPv4 / IPv6, SOCKS5 / HTTPS), booleans a code path prints as constants
 *   (`setLockScreenShown(true)`, `(dangling: false)`, `[true]`), a specific event beside
 *   a general one (`<NOSRV>` beside a server, `[_all]` beside an index list,
 *   `(null)` beside a directory);
 * - a boolean read from data is a variable (`read_only_allow_delete [<*>]`);
 * - a UUID, a MAC address, a version, a decimal number, an ISO date are one
 *   variable each; a date written out has its weekday, month, day, time and
 *   year as a variable each.
 *
 * REPORTED_SEEDS_V10 (1401-1412) were fixed in this file before the generator
 * was ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V10 or other seeds.
 */
import { prng } from '../test/kit/prng';
import { hexDigits, int, inventSystem, pad, pick, pronounceableWord, type FamilyEvents, type Piece, type Render, type Syllables } from './synthetic-draw';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** The seeds reported by default; fixed before any miner run, never for tuning. */
export const REPORTED_SEEDS_V10: readonly number[] = [1401, 1402, 1403, 1404, 1405, 1406, 1407, 1408, 1409, 1410, 1411, 1412];
/** Seeds free for development work. */
export const DEVELOPMENT_SEEDS_V10: readonly number[] = [9217, 9433, 9581, 9742, 9906];
/** Every family name (`name` of a sample is `v10-<seed>:<family>+<family>…`). */
export const FAMILIES_V10: readonly string[] = ['logcat', 'bgl', 'hpc', 'linux', 'macos', 'nova', 'proxifier', 'tbird', 'cbs', 'elastic', 'haproxy', 'docker'];

/** A system has at least this many events (families are added until it has). */
const MIN_EVENTS = 24;
const LINES = 2000;
/** Mixes the seed into the line stream (chosen, before any miner run, so the reported and development seeds use every family). */
const SALT = 27;

type Q = () => number;

const SYLLABLES: Syllables = {
  onsets: ['b', 'br', 'd', 'dr', 'f', 'g', 'gl', 'k', 'kr', 'l', 'm', 'n', 'p', 'pl', 'r', 's', 'st', 't', 'tr', 'v', 'z', 'sk'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ei'],
  codas: ['', '', 'n', 'r', 'x', 'l', 'th', 'sk', 'm'],
};
const word = (q: Q, syl = int(q, 1, 3)): string => pronounceableWord(q, SYLLABLES, syl);
const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const ip = (q: Q): string => `${pick(q, ['10', '172', '192'])}.${int(q, 0, 255)}.${int(q, 0, 255)}.${int(q, 1, 254)}`;
const uuid = (q: Q): string => `${hexDigits(q, 8)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 4)}-${hexDigits(q, 12)}`;
const listOf = (q: Q, item: (q: Q) => string, sep: string, lo = 1, hi = 5): string => Array.from({ length: int(q, lo, hi) }, () => item(q)).join(sep);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const hms = (q: Q): string => `${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A kind of value: `pooled` kinds name entities (drawn from a per-system pool), the others are fresh per line. */
interface Kind {
  readonly pooled: boolean;
  readonly make: (q: Q) => string;
}
const pooled = (make: (q: Q) => string): Kind => ({ pooled: true, make });
const fresh = (make: (q: Q) => string): Kind => ({ pooled: false, make });

/** Every kind of value a template names as `«kind»`. */
const KINDS: Record<string, Kind> = {
  // entities (pooled; no digits unless the kind has them)
  user: pooled((q) => word(q, int(q, 1, 2))),
  host: pooled((q) => `${word(q, 2)}${pick(q, ['', '-', '-'])}${int(q, 1, 64)}`),
  node: pooled((q) => word(q, 2)),
  prog: pooled((q) => word(q, 2)),
  cmd: pooled((q) => `/usr/${pick(q, ['bin', 'sbin', 'local/bin'])}/${word(q, 2)}${pick(q, ['', ' -q', ` --${word(q, 1)}`, ` -c /etc/${word(q, 1)}.conf`])}`),
  pkg: pooled((q) => `com.${word(q, 2)}.${word(q, 2)}`),
  cls: pooled((q) => `${cap(word(q, 2))}${pick(q, ['Activity', 'Service', 'Receiver', 'Provider', ''])}`),
  meth: pooled((q) => `${word(q, 1)}${cap(word(q, 2))}`),
  jsig: pooled((q) => pick(q, ['Z', 'I', 'Ljava/lang/String;', 'ZI', 'Landroid/os/Bundle;J'])),
  greylist: pooled((q) => pick(q, ['greylist', 'greylist-max-o', 'greylist-max-p', 'unsupported', 'blocked'])),
  how: pooled((q) => pick(q, ['reflection', 'linking', 'JNI'])),
  app: pooled((q) => `${word(q, 2)}${pick(q, ['.exe', '.exe', '.exe *64'])}`),
  exe: pooled((q) => `${word(q, 2)}.exe`),
  idx: pooled((q) => `${word(q, 2)}${pick(q, ['', `-${2026}.${pad(int(q, 1, 12), 2)}.${pad(int(q, 1, 28), 2)}`, '-000001'])}`),
  esid: pooled((q) => Array.from({ length: 22 }, () => B64[int(q, 0, 63)]).join('')),
  setting: pooled((q) => `${pick(q, ['cluster', 'indices', 'index'])}.${word(q, 2)}.${word(q, 1)}`),
  field: pooled((q) => `${word(q, 2)}${pick(q, ['', `.${word(q, 1)}`])}`),
  fe: pooled((q) => `${word(q, 2)}${pick(q, ['', '_http', '_tcp', '-in'])}`),
  be: pooled((q) => `${word(q, 2)}${pick(q, ['', '_back', '-pool'])}`),
  srv: pooled((q) => `${word(q, 1)}${int(q, 1, 9)}`),
  tstate: pooled((q) => pick(q, ['----', '--NI', 'cD--', 'CD--', 'SC--', 'sH--', 'CR--', 'LR--'])),
  cname: pooled((q) => `${word(q, 2)}_${word(q, 2)}`),
  image: pooled((q) => `${pick(q, ['', 'registry.local:5000/', `${word(q, 1)}/`])}${word(q, 2)}:${pick(q, ['latest', `${int(q, 1, 9)}.${int(q, 0, 20)}`, `v${int(q, 1, 3)}.${int(q, 0, 9)}.${int(q, 0, 9)}`])}`),
  netw: pooled((q) => `${word(q, 2)}_${pick(q, ['default', 'backend', 'net'])}`),
  vol: pooled((q) => (q() < 0.5 ? hexDigits(q, 64) : `${word(q, 2)}_data`)),
  proj: pooled((q) => hexDigits(q, 32)),
  inst: pooled(uuid),
  flavor: pooled((q) => `${pick(q, ['m1', 'c2', 'r3'])}.${pick(q, ['tiny', 'small', 'medium', 'large', 'xlarge'])}`),
  filter: pooled((q) => `${cap(word(q, 2))}Filter`),
  kb: pooled((q) => `Package_for_KB${int(q, 2000000, 5099999)}~31bf3856ad364e35~amd64~~${int(q, 6, 10)}.${int(q, 0, 3)}.${int(q, 1, 4)}.${int(q, 0, 9)}`),
  winpath: pooled((q) => `C:\\${pick(q, ['Windows\\System32', 'Windows\\WinSxS', 'Program Files', 'Program Files (x86)\\Common Files'])}\\${pick(q, [cap(word(q, 2)), `${cap(word(q, 2))} ${cap(word(q, 2))}`])}\\${word(q, 2)}.${pick(q, ['dll', 'sys', 'mum', 'cat'])}`),
  upath: pooled((q) => `/${pick(q, ['var', 'data', 'srv', 'opt'])}/${word(q, 2)}/${word(q, 1)}${pick(q, ['', '/', `.${pick(q, ['log', 'db', 'img'])}`])}`),
  queue: pooled((q) => word(q, 1)),
  dev: pooled((q) => `/dev/${pick(q, ['vd', 'sd', 'hd'])}${'abcdefgh'[int(q, 0, 7)]}`),
  pbsjob: pooled((q) => `${int(q, 1, 99999)}.${word(q, 2)}`),
  month: pooled((q) => pick(q, MONTHS)),
  weekday: pooled((q) => pick(q, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])),
  method: pooled((q) => pick(q, ['GET', 'POST', 'PUT', 'DELETE', 'HEAD'])),
  svc: pooled((q) => `${pick(q, ['com.apple.', 'com.', 'application.'])}${word(q, 2)}${pick(q, ['', 'd', 'agent'])}`),
  zone: pooled((q) => `${word(q, 2)}.${pick(q, ['com', 'net', 'org', 'local'])}`),
  loc: pooled((q) => `R${pad(int(q, 0, 7), 2)}-M${int(q, 0, 1)}-N${pad(int(q, 0, 15), 1)}`),
  nodename: pooled((q) => `${pick(q, ['cn', 'node', 'c'])}${pad(int(q, 1, 512), 3)}`),
  jobname: pooled((q) => word(q, 2)),
  color: pooled((q) => pick(q, ['green', 'yellow', 'red'])),
  power: pooled((q) => pick(q, ['AC', 'Battery', 'UPS'])),
  // fresh values
  n: fresh((q) => String(int(q, 0, 9999))),
  small: fresh((q) => String(int(q, 0, 64))),
  big: fresh((q) => String(int(q, 10000, 99999999))),
  pid: fresh((q) => String(int(q, 100, 32767))),
  uid: fresh((q) => String(int(q, 1000, 10999))),
  port: fresh((q) => String(int(q, 1024, 65535))),
  ip: fresh(ip),
  x0: fresh((q) => `0x${hexDigits(q, int(q, 4, 8))}`),
  hex7: fresh((q) => hexDigits(q, 7)),
  cid: fresh((q) => hexDigits(q, 12)),
  cid64: fresh((q) => hexDigits(q, 64)),
  uuid: fresh(uuid),
  mac: fresh((q) => Array.from({ length: 6 }, () => hexDigits(q, 2)).join(':')),
  ver: fresh((q) => `${int(q, 1, 9)}.${int(q, 0, 20)}.${int(q, 0, 30)}`),
  f: fresh((q) => `${int(q, 0, 999)}.${pad(int(q, 0, 99), 2)}`),
  iso: fresh((q) => `${2026}-${pad(int(q, 1, 12), 2)}-${pad(int(q, 1, 28), 2)}`),
  isots: fresh((q) => `${2026}-${pad(int(q, 1, 12), 2)}-${pad(int(q, 1, 28), 2)}T${hms(q)}.${pad(int(q, 0, 999), 3)}Z`),
  hms: fresh(hms),
  day: fresh((q) => String(int(q, 1, 28))),
  year: fresh((q) => String(int(q, 2003, 2006))),
  // a glued unit is inside the value
  msU: fresh((q) => `${int(q, 1, 9000)}ms`),
  adur: fresh((q) => (q() < 0.5 ? `${int(q, 40, 999)}ms` : `${int(q, 1, 9)}s${int(q, 0, 999)}ms`)),
  esdur: fresh((q) => pick(q, [`${int(q, 1, 999)}ms`, `${int(q, 1, 59)}.${int(q, 0, 9)}s`, `${int(q, 1, 30)}m`])),
  esz: fresh((q) => `${int(q, 1, 999)}${pick(q, ['', `.${int(q, 0, 9)}`])}${pick(q, ['b', 'kb', 'mb', 'gb'])}`),
  dsz: fresh((q) => `${int(q, 1, 999)}.${int(q, 0, 9)}${pick(q, ['kB', 'MB', 'GB'])}`),
  dpU: fresh((q) => `${int(q, 240, 1400)}dp`),
  dpiU: fresh((q) => `${pick(q, ['160', '240', '320', '420', '480', '560'])}dpi`),
  kbU: fresh((q) => `${int(q, 1000, 99999999)}kb`),
  kU: fresh((q) => `${int(q, 100, 999)}k`),
  mbU: fresh((q) => `${int(q, 512, 262144)}MB`),
  gbU: fresh((q) => `${int(q, 10, 4000)}GB`),
  neg: fresh((q) => `-${int(q, 1, 95)}`),
  pci: fresh((q) => `0000:${pad(int(q, 0, 15), 2)}:00.0`),
  apiv: fresh((q) => `1.${int(q, 24, 45)}`),
  wver: fresh((q) => `6.${int(q, 1, 3)}.${int(q, 7600, 9600)}.${int(q, 16000, 24000)}`),
  kver: fresh((q) => `2.6.${int(q, 5, 11)}-${int(q, 1, 55)}.${pick(q, ['EL', 'ELsmp', '1.2115.FC4'])}`),
  psz: fresh((q) => `${int(q, 1, 999)}.${pad(int(q, 0, 99), 2)} ${pick(q, ['KB', 'MB', 'GB'])}`),
  pct: fresh((q) => `${int(q, 1, 99)}%`),
  temp: fresh((q) => `${int(q, 30, 95)}C`),
  // durations with punctuation inside (one value)
  life: fresh((q) => pick(q, ['<1 sec', `${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`, `${pad(int(q, 1, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`])),
  walltime: fresh((q) => `${pad(int(q, 0, 99), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`),
  cpuwords: fresh((q) => `${int(q, 1, 59)}min ${int(q, 0, 59)}.${pad(int(q, 0, 999), 3)}s`),
  accept: fresh((q) => `${pad(int(q, 1, 28), 2)}/${pick(q, MONTHS)}/2026:${hms(q)}.${pad(int(q, 0, 999), 3)}`),
  // sometimes empty (only after `=` or between double quotes)
  shellOpt: fresh((q) => (q() < 0.35 ? '' : pick(q, ['/bin/bash', '/sbin/nologin', '/bin/sh']))),
  errOpt: fresh((q) => (q() < 0.4 ? '' : `${pick(q, ['context canceled', 'EOF', 'no such file or directory', 'i/o timeout'])}`)),
  // word count varies inside one value
  free: fresh((q) => cap(listOf(q, (r) => word(r), ' ', 2, 8))),
  esmsg: fresh((q) => pick(q, [`failed to parse field [${word(q, 2)}] of type [${pick(q, ['long', 'date', 'keyword'])}]`, `no such index [${word(q, 2)}]`, `Data too large, data for [<http_request>] would be [${int(q, 1, 999)}mb]`, `all shards failed`, `${cap(word(q, 2))} ${word(q, 1)} ${word(q, 2)}`])),
  derr: fresh((q) => pick(q, [`dial tcp ${ip(q)}:${int(q, 1, 9999)}: connect: connection refused`, 'context deadline exceeded', `manifest for ${word(q, 2)}:latest not found: manifest unknown`, `No such container: ${hexDigits(q, 12)}`, 'EOF'])),
  check: fresh((q) => pick(q, ['Layer4 connection problem', 'Layer4 timeout', `Layer7 wrong status (${pick(q, ['503 Service Unavailable', '500 Internal Server Error', '404 Not Found'])})`, 'Layer7 check passed', 'Layer6 invalid response'])),
  nodelist: fresh((q) => listOf(q, (r) => `${pick(r, ['cn', 'node'])}${pad(int(r, 1, 512), 3)}`, ',', 1, 6)),
  idxlist: fresh((q) => listOf(q, (r) => word(r, 2), ', ', 1, 4)),
  caps: fresh((q) => listOf(q, (r) => pick(r, ['NET_ADMIN', 'SYS_PTRACE', 'CHOWN', 'SETUID', 'MKNOD']), ',', 1, 4)),
  query: fresh((q) => listOf(q, (r) => `${pick(r, ['id', 'page', 'limit', 'q', 'sort', 'token', 'lang'])}=${q() < 0.2 ? '' : word(r, 1)}`, '&', 1, 4)),
  uri: fresh((q) => `/${word(q, 1)}/${word(q, 2)}${q() < 0.3 ? `/${int(q, 1, 9999)}` : ''}`),
  reason: fresh((q) => `${word(q, 2)} ${pick(q, ['(forced)', '(user request)', ''])}`.trim()),
  bool: fresh((q) => pick(q, ['true', 'false'])),
  sess: fresh((q) => `${int(q, 10000000, 39999999)}_${int(q, 100000000, 999999999)}`),
  hresult: fresh((q) => `0x${pick(q, ['800f081f', '80070002', '800f0922', '80073712', '00000000'])}`),
  rank: fresh((q) => String(int(q, 0, 127))),
};

/** A template with `«kind»` placeholders: the rest is constant text. */
function ev(template: string): (pool: (kind: string, q: Q) => string) => Render {
  const parts = template.split(/«(\w+)»/);
  for (let k = 1; k < parts.length; k += 2) if (!(parts[k] in KINDS)) throw new Error(`unseen-systems-v10: unknown kind ${parts[k]} in ${template}`);
  return (pool) => (q) => parts.map((text, k): Piece => (k % 2 === 0 ? { text, variable: false } : { text: pool(parts[k], q), variable: true })).filter((p) => p.text !== '' || p.variable);
}

/** A closed set: one event per constant, `%` in the template replaced by it. */
const closed = (template: string, constants: readonly string[]): string[] => constants.map((c) => template.replace('%', c));

interface FamilyTemplates {
  readonly plain: readonly string[];
  readonly closed: ReadonlyArray<readonly string[]>;
}

const FAMILY_TEMPLATES: Record<string, FamilyTemplates> = {
  logcat: {
    plain: [
      'START u0 {act=android.intent.action.MAIN cat=[android.intent.category.LAUNCHER] flg=«x0» cmp=«pkg»/.«cls»} from uid «uid»',
      'Displayed «pkg»/.«cls»: +«adur»',
      'Scheduling restart of crashed service «pkg»/.«cls» in «msU»',
      'Force stopping «pkg» appid=«uid» user=0: from pid «pid»',
      'Bringing down service while still in use: ServiceRecord{«hex7» u0 «pkg»/.«cls»}',
      'Background start not allowed: service Intent { pkg=«pkg» } to «pkg»/.«cls» from pid=«pid» uid=«uid» pkg=«pkg» startFg?=false',
      'updateBatteryPropertiesLocked: level=«small» scale=100 plugged=«small» temp=«n» voltage=«n»',
      'Input event dispatching timed out sending to «pkg»/«pkg».«cls».  Reason: «free»',
      'Package «pkg» codePath changed from «upath» to «upath»; Retaining data and using new',
      'Process «pkg» (pid «pid») has died: «greylist» u0a«small»',
      'Waited long enough for: ServiceRecord{«hex7» u0 «pkg»/.«cls»}',
      'Config changes=«x0» {1.0 ?mcc?mnc [en_US] ldltr sw«dpU» w«dpU» h«dpU» «dpiU» nrml port finger -keyb/v/h -nav/h winConfig={ mBounds=Rect(0, 0 - «n», «n») } s.«n»}',
      'Slow operation: «msU» so far, now at startProcess: done updating pids map',
      'Unable to start service Intent { act=«svc» pkg=«pkg» } U=0: not found',
      'Killing «pid»:«pkg»/u0a«small» (adj «n»): «free»',
    ],
    closed: [
      closed('Accessing hidden method L«pkg»/«cls»;->«meth»(«jsig»)V («greylist», «how», %)', ['allowed', 'denied']),
      closed('Interface % link up, speed «small» Mbps', ['wlan0', 'rmnet_data0', 'p2p0']),
      closed('setLockScreenShown(%) from pid «pid»', ['true', 'false']),
      closed('NetworkAgentInfo [WIFI () - «small»] %', ['CONNECTING', 'CONNECTED', 'SUSPENDED', 'DISCONNECTED']),
    ],
  },
  bgl: {
    plain: [
      'machine check interrupt (bit=«x0»): L2 dcache unit data parity error',
      '«small» L3 EDRAM error(s) (dcr «x0») detected and corrected over «n» seconds',
      'idoproxy communication failure: socket closed',
      'ciodb has been restarted.',
      'MidplaneSwitchController performing bit sparing on «loc» bit «small»',
      'Node card VPD check: «loc» node in processor card slot «small» do not match. VPD ecid «x0», found «x0»',
      'rts panic! - stopping execution',
      'Temperature Over Limit on link card «loc»: «temp» (limit «temp»)',
      'instruction address: «x0»',
      'core configuration register: «x0»',
      'Lustre mount FAILED : «host» : block_id : location',
      'ciod: Error reading message prefix after LOAD_MESSAGE on CioStream socket to «ip»:«port»: Link has been severed',
      'shutdown complete on «loc»',
      'r«small»=«x0» r«small»=«x0» r«small»=«x0» r«small»=«x0»',
      'total of «small» ddr error(s) detected and corrected over «n» seconds',
      'mmcs_db_server has been started: ./mmcs_db_server --useDatabase BGL --dbproperties «upath» --iolog «upath» --reconnect-blocks all',
    ],
    closed: [
      closed('ciodb job «n» %', ['started', 'ended', 'killed']),
      closed('Link PGOOD error latched on link card «loc» (%)', ['J00', 'J04']),
      closed('data TLB error interrupt % «x0»', ['read', 'write']),
    ],
  },
  hpc: {
    plain: [
      '«jobname» job «pbsjob» exceeded walltime «walltime», killed',
      'Node «nodename» has been drained: «free»',
      'gm_mapper[«pid»]: mapper error: node «mac» did not respond to probe',
      'Fan speed «n» RPM below threshold on «nodename» fan «small»',
      'Temperature «temp» exceeds warning threshold on «nodename» (cpu «small»)',
      'halt command issued for «nodelist» by «user»',
      'boot command issued for «nodelist» by «user»',
      '«nodename»: not responding to ping for «n» seconds',
      'scheduler: reservation «jobname» for «user» starts «iso» «hms» on «small» nodes',
      '«user» submitted job «n» to queue «queue» requesting «small» nodes walltime «walltime»',
      'clusterfile updated from «ip», «small» entries changed',
      'mapper: myrinet route table reloaded (generation «n», «n» hosts)',
      'ambient sensor «small» reads «temp» on «nodename»',
      'job «n» of «user» used «walltime» of cpu on «nodelist»',
      'memory «nodename» «n» MB available of «n» MB',
    ],
    closed: [
      closed('job «n» state change: %', ['QUEUED', 'RUNNING', 'HELD', 'EXITING', 'COMPLETE']),
      closed('link % on «nodename» went down', ['ib0', 'ib1', 'eth0']),
      closed('«nodename» power supply %', ['failed', 'restored']),
    ],
  },
  linux: {
    plain: [
      'Linux version «kver» (bhcompile@«host») (gcc version «ver») #1 «weekday» «month» «day» «hms» EST «year»',
      'useradd[«pid»]: new user: name=«user», UID=«uid», GID=«uid», home=/home/«user», shell=«shellOpt»',
      'userdel[«pid»]: delete user `«user»\'',
      'named[«pid»]: zone «zone»/IN: loaded serial «big»',
      'named[«pid»]: lame server resolving \'«zone»\' (in \'«zone»\'?): «ip»#53',
      'gpm[«pid»]: *** info [startup.c(95)]: Started gpm successfully. Entered daemon mode.',
      'rpc.statd[«pid»]: Version «ver» Starting',
      'smartd[«pid»]: Device: «dev», SMART Usage Attribute: «small» Temperature_Celsius changed from «small» to «small»',
      'irqbalance: irqbalance startup succeeded',
      'audit(«big».«n»:«n»): initialized',
      'portmap[«pid»]: connect from «ip» to getport(nlockmgr): request from unauthorized host',
      'cups: cupsd shutdown succeeded',
      'kernel: Freeing unused kernel memory: «kU» freed',
      'logrotate: ALERT exited abnormally with [«small»]',
      'su(pam_unix)[«pid»]: session opened for user «user» by (uid=«uid»)',
    ],
    closed: [
      closed('kernel: %: link up, 100Mbps, full-duplex, lpa «x0»', ['eth0', 'eth1']),
      closed('«prog»: «prog» % succeeded', ['startup', 'shutdown']),
      closed('crond(pam_unix)[«pid»]: session % for user «user»', ['opened', 'closed']),
    ],
  },
  macos: {
    plain: [
      'WindowServer: Display «x0»: GL mask «x0»; bounds: {{«n», 0}, {«n», «n»}}; model «ver»; serial number «big»',
      'AppleKeyStore: operation failed (pid: «pid» sel: «small» ret: «x0» «uid»)',
      'IOThunderboltSwitch<«x0»>(«x0»)::listenerCallback - Thunderbolt HPD packet for route = «x0» port = «small» unplug = 0',
      'mDNSResponder: mDNS_Register_internal: ERROR!! Tried to register AuthRecord «x0» «host».local. (Addr) that\'s already in the list',
      'symptomsd: __73-[NetworkAnalyticsEngine observeValueForKeyPath:ofObject:change:context:]_block_invoke unexpected switch value «small»',
      'com.apple.xpc.launchd[1] («svc»[«pid»]): Service exited with abnormal code: «small»',
      'com.apple.xpc.launchd[1] («svc»): Service only ran for «small» seconds. Pushing respawn out by «small» seconds.',
      'mds: (Warning) Import: Importer «upath» failed to import «upath» (timeout after «small» s)',
      'tccd: Prompting policy for hardened runtime; service: kTCCServiceAccessibility requires entitlement «svc» but it is missing for accessing={TCCDProcess: identifier=«svc», pid=«pid», auid=«uid», euid=«uid», binary_path=«upath»}',
      'powerd: Sleep: Using «power» (Charge:«pct»)',
      'kernel: Sandbox: «prog»(«pid») deny(1) file-read-data «upath»',
      'loginwindow: -[SessionAgentNotificationCenter sendDistributedNotification:forUID:] | sending distributed notification: «svc» for UID: «uid»',
      'kernel: AirPort: Link Up on en0 BSSID «mac» RSSI «neg»',
      'UserEventAgent: Captive: CNPluginHandler en0: Evaluating',
      'corespotlightd: [«uuid»] Journal «small» of «small» finished after «cpuwords»',
    ],
    closed: [
      closed('WindowServer: CGXDisplayDidWakeNotification [«big»]: posting kCGSDisplay%', ['DidWake', 'WillSleep', 'DidSleep']),
      closed('configd: network changed: v4(%) DNS Proxy SMB', ['en0', 'en1', 'utun0']),
    ],
  },
  nova: {
    plain: [
      '[req-«uuid» «proj» «proj» - - -] [instance: «inst»] Attaching volume «uuid» to «dev»',
      '[req-«uuid» «proj» «proj» - - -] [instance: «inst»] Took «f» seconds to build instance.',
      '[req-«uuid» - - - - -] Image cache: removing unused base image «upath»',
      '[req-«uuid» - - - - -] Timed out waiting for a reply to message ID «hex7»',
      '[req-«uuid» «proj» «proj» - - -] Filter «filter» returned 0 hosts',
      '[req-«uuid» «proj» «proj» - - -] Filtering removed all hosts for the request with instance ID \'«inst»\'. Filter results: [\'«filter»: (start: «small», end: «small»)\', \'«filter»: (start: «small», end: 0)\']',
      '[instance: «inst»] Preparing to wait for external event network-vif-plugged-«uuid»',
      '[req-«uuid» - - - - -] [instance: «inst»] Instance spawned successfully.',
      '[req-«uuid» «proj» «proj» - - -] [instance: «inst»] Migrating instance to «host» finished successfully.',
      '[req-«uuid» - - - - -] Final resource view: name=«host» phys_ram=«mbU» used_ram=«mbU» phys_disk=«gbU» used_disk=«gbU» total_vcpus=«small» used_vcpus=«small» pci_stats=[]',
      '[req-«uuid» «proj» «proj» - - -] Flavor «flavor» has vcpus=«small», memory_mb=«n»',
      '[req-«uuid» «proj» «proj» - - -] HTTP exception thrown: «free»',
      '[req-«uuid» - - - - -] Running periodic task ComputeManager._«meth»',
      '[req-«uuid» «proj» «proj» - - -] [instance: «inst»] VM «inst» is «color» since «iso»',
      '[req-«uuid» «proj» «proj» - - -] «ip» "«method» /v2.1/«proj»/os-volumes?«query» HTTP/1.1" status: «n» len: «n» time: «f»',
    ],
    closed: [
      closed('[req-«uuid» «proj» «proj» - - -] [instance: «inst»] % instance', ['Rebooting', 'Rescuing', 'Shelving', 'Unshelving']),
      closed('[instance: «inst»] During sync_power_state the instance has a pending task (%). Skip.', ['spawning', 'deleting', 'powering-off']),
    ],
  },
  proxifier: {
    plain: [
      '«app» - «host»:«port» error : Could not connect through proxy «ip»:«port» - Proxy server cannot establish a connection with the target, status code «small»',
      '«app» - «host»:«port» close, «n» bytes («psz») sent, «n» bytes («psz») received, lifetime «life»',
      '«app» - «host»:«port» open through proxy chain «jobname»',
      '«app» - «host»:«port» matching rule «jobname» : «host»',
      '«app» - resolve «host» : DNS request timed out',
      '«app» - «host»:«port» error : A connection request was canceled before the completion.',
      'DNS request for «host» through proxy «ip»:«port» failed',
      'Profile «winpath» saved',
      '«app» - «ip»:«port» close, lifetime «life», «n» bytes sent, «n» bytes received',
      'Traffic: «n» connections, «psz» total, «psz» / sec',
      '«app» - «host»:«port» error : Could not connect to proxy «ip»:«port» - connection attempt failed with error 10061',
      '«app» - «host»:«port» open directly',
      'Rule «jobname» edited by «user»',
      '«app» - «host»:«port» error : Connection closed by proxy server «ip»:«port» after «life»',
      'Licensed to «user» («jobname») until «iso»',
    ],
    closed: [
      closed('«app» - «host»:«port» open through proxy «ip»:«port» %', ['SOCKS5', 'HTTPS', 'SOCKS4']),
      closed('Name resolution via proxy %', ['enabled', 'disabled']),
    ],
  },
  tbird: {
    plain: [
      'pbs_mom: Job «pbsjob» «jobname» exceeded mem limit «kbU»',
      'pbs_mom: scan_for_terminated, job «pbsjob» task «small» terminated, sid «pid»',
      'kernel: ib_mthca «pci»: SW2HW_MPT failed («neg»)',
      'kernel: EDAC MC0: CE page «x0», offset «x0», grain «small», syndrome «x0», row «small», channel «small», label "«queue»": k8_edac',
      'crond[«pid»]: («user») CMD («cmd»)',
      'postfix/smtp[«pid»]: «hex7»: to=<«user»@«zone»>, relay=«host»[«ip»]:25, delay=«f», status=sent (250 Ok: queued as «hex7»)',
      'postfix/qmgr[«pid»]: «hex7»: removed',
      'postfix/pickup[«pid»]: «hex7»: uid=«uid» from=<«user»>',
      'gmond[«pid»]: [«small»] Unable to find the metric information for \'«field»\'. Possible that the module has not been loaded.',
      'xinetd[«pid»]: START: «prog» pid=«pid» from=«ip»',
      'kernel: nfs: server «host» not responding, still trying',
      'kernel: nfs: server «host» OK',
      'syslog-ng[«pid»]: Connection broken to AF_INET(«ip»:«port»), reopening in «small» seconds',
      'ntpd[«pid»]: time reset «f» s',
      'kernel: [KERNEL_IB][ib_mad_dispatch][«upath»]«host»: MAD dispatch failed',
    ],
    closed: [
      closed('kernel: % link is «color»', ['ib0', 'ib1']),
      closed('pbs_mom: job «pbsjob» %', ['started', 'checkpointed', 'killed', 'exited']),
    ],
  },
  cbs: {
    plain: [
      'Session: «sess» initialized by client «prog», external staging directory: «winpath», external registry directory: (null)',
      'Session: «sess» initialized by client «prog», external staging directory: (null), external registry directory: (null)',
      'Exec: Processing started.  Client: «prog», Session: «sess», Package: «kb»',
      'Repr: CBS called Error with «hresult», «winpath»',
      'Perf: InstallUninstallChain complete.',
      'CSI Perf Trace: CSIPERF:TXCOMMIT;«n»',
      'Failed to resolve package \'«kb»\' [HRESULT = «hresult» - CBS_E_SOURCE_MISSING]',
      'Reboot mark set',
      'Plan: Package: «kb», current: Installed, pending: Default, start: Installed, applicable: Installed, targeted: Installed, limit: Installed',
      'Repair: Found corrupt file «winpath», fixed from backup',
      'TI: --- Initializing Trusted Installer ---',
      'Scavenge: Begin CSI Store',
      'Loaded Servicing Stack v«wver» with Core: «winpath»',
      'Resolve: Package «kb» needs source «winpath» (mum size «n» bytes)',
      'Startup: Processing complete, Status: «hresult», reboot required: «bool»',
    ],
    closed: [
      closed('Package: «kb» state %', ['Staged', 'Installed', 'Resolved', 'Absent', 'Superseded']),
      closed('TrustedInstaller service %', ['starts successfully.', 'shutting down.', 'finalization started.']),
    ],
  },
  elastic: {
    plain: [
      '[«node»] [«idx»][«small»] received shard failed for shard id [[«idx»][«small»]], allocation id [«esid»], primary term [«small»], message [«esmsg»]',
      '[«node»] Cluster health status changed from [«color»] to [«color»] (reason: [shards started [[«idx»][«small»]]]).',
      '[gc][«n»] overhead, spent [«esdur»] collecting in the last [«esdur»]',
      '[«node»] low disk watermark [«pct»] exceeded on [«esid»][«node»][«upath»] free: «esz»[«pct»], replicas will not be assigned to this node',
      '[«node»] [«idx»] creating index, cause [api], templates [«idxlist»], shards [«small»]/[«small»]',
      '[«node»] [«idx»/«esid»] update_mapping [_doc]',
      '[«node»] master node changed {previous [], current [{«node»}{«esid»}{«esid»}{«ip»}{«ip»:«port»}]}, term: «small», version: «n», reason: Publication{term=«small», version=«n»}',
      '[«idx»][«small»] took[«esdur»], took_millis[«n»], total_hits[«n» hits], types[], stats[], search_type[QUERY_THEN_FETCH], total_shards[«small»], source[«free»]',
      '[«node»] [«idx»/«esid»] deleting index',
      '[«node»] publish_address {«ip»:«port»}, bound_addresses {«ip»:«port»}',
      '[«node»] heap size [«esz»], compressed ordinary object pointers [true]',
      '[«node»] updating [«setting»] from [«esz»] to [«esz»]',
      '[«node»] [«idx»] marking index read_only_allow_delete [«bool»]',
      '[«node»] connect_exception: Connection refused: «host»/«ip»:«port»',
      '[«node»] failed to execute on node [«esid»] with exception: «esmsg»',
      '[«node»] recovery of [«idx»][«small»] from [{«node»}{«esid»}] completed in «esdur», «n» files («esz»)',
    ],
    closed: [
      closed('[«node»] [%] closing indices', ['_all', '«idxlist»']),
      closed('[«node»] node-join[{«node»}{«esid»} %], term: «small», version: «n»', ['join existing leader', 'elect leader', 'rejoining']),
      closed('[«node»] [«idx»][«small»] shard state moved to %', ['INITIALIZING', 'STARTED', 'RELOCATING', 'UNASSIGNED']),
    ],
  },
  haproxy: {
    plain: [
      '«ip»:«port» [«accept»] «fe» «be»/«srv» «small»/«small»/«small»/«n»/«n» «n» «n» - - «tstate» «small»/«small»/«small»/«small»/«small» «small»/«small» "«method» «uri»?«query» HTTP/1.1"',
      '«ip»:«port» [«accept»] «fe» «be»/«srv» «small»/«small»/«n» «n» «tstate» «small»/«small»/«small»/«small»/«small» «small»/«small»',
      'Server «be»/«srv» is DOWN, reason: «check», check duration: «msU». «small» active and «small» backup servers left. «small» sessions active, «small» requeued, «small» remaining in queue.',
      'Server «be»/«srv» is UP, reason: «check», check duration: «msU». «small» active and «small» backup servers online. «small» sessions requeued, «small» total in queue.',
      'backend «be» has no server available!',
      'Server «be»/«srv» is going DOWN for maintenance. «small» active and «small» backup servers left. «small» sessions active, «small» requeued, «small» remaining in queue.',
      '«fe»/«be»: SSL handshake failure',
      'Connect from «ip»:«port» to «ip»:«port» («fe»/TCP)',
      'Proxy «fe» stopped (cumulated conns: FE: «n», BE: «n»).',
      'Health check for server «be»/«srv» failed, reason: «check», check duration: «msU», status: «small»/«small» DOWN.',
      'Health check for server «be»/«srv» succeeded, reason: «check», check duration: «msU», status: «small»/«small» UP.',
      'Reexecuting Master process',
      'Current worker #«small» («pid») exited with code «small» (Exit)',
      'Loading success.',
      'server «be»/«srv» changed its IP from «ip» to «ip» by DNS cache.',
    ],
    closed: [
      closed('«ip»:«port» [«accept»] «fe» «be»/% -1/-1/-1/-1/«small» 503 «n» - - SC-- «small»/«small»/0/0/0 0/0 "«method» «uri» HTTP/1.1"', ['<NOSRV>', '«srv»']),
      closed('Proxy «fe» %.', ['started', 'paused', 'resumed']),
      closed('Stopping % «fe» in 0 ms.', ['frontend', 'backend']),
    ],
  },
  docker: {
    plain: [
      'msg="ignoring event" container=«cid64» module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"',
      'msg="shim disconnected" id=«cid64» namespace=moby',
      'msg="cleaning up after shim disconnected" id=«cid64» namespace=moby',
      'msg="Container «cid64» failed to exit within «small» seconds of signal «small» - using the force"',
      'msg="Handler for «method» /v«apiv»/containers/«cid»/start returned error: «derr»"',
      'msg="Pull completed" image=«image» digest=sha256:«cid64»',
      'msg="Error pulling image" error="«derr»" image=«image»',
      'msg="Health check for container «cid64» error: «derr»"',
      'msg="loading plugin \\"io.containerd.«field».v1.«prog»\\"..." type=io.containerd.«field».v1',
      'msg="skip loading plugin \\"io.containerd.snapshotter.v1.«prog»\\"..." error="«derr»: skip plugin" type=io.containerd.snapshotter.v1',
      'msg="failed to delete network" error="«errOpt»" network=«netw»',
      'msg="Removing stale sandbox «cid64» («cid»)"',
      'msg="Processing signal \'terminated\'"',
      'msg="starting signal loop" namespace=moby path=/run/containerd/io.containerd.runtime.v2.task/moby/«cid64» pid=«pid» runtime=io.containerd.runc.v2',
      'msg="Container «cid» added capabilities: «caps»"',
      'msg="Layer sha256:«cid64» cleaned up"',
      'msg="Volume «vol» removed (dangling: false)"',
    ],
    closed: [
      closed('msg="Default bridge (docker0) is assigned with an IP address «ip»/16. Daemon option --bip can be used to set a preferred IP address" family=%', ['IPv4', 'IPv6']),
      closed('msg="Container «cid» %"', ['created', 'started', 'paused', 'unpaused', 'stopped', 'destroyed']),
      closed('msg="% veth«hex7»" interface=eth0', ['attached', 'detached']),
    ],
  },
};

/**
 * Per-system vocabulary: one pool per pooled kind, made on first use from a
 * stream seeded by the system seed and the kind's name (independent of the
 * order events are built or drawn); a third of the pools hold 1..3 values.
 * Values inside a pool are drawn with a skew (the first ones more often).
 */
function vocabulary(seed: number): (kind: string, q: Q) => string {
  const pools = new Map<string, string[]>();
  const poolOf = (kind: string): string[] => {
    let pool = pools.get(kind);
    if (pool) return pool;
    let h = seed * 2654435761;
    for (const c of kind) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    const s = prng(h >>> 0);
    const size = s() < 1 / 3 ? int(s, 1, 3) : int(s, 4, 200);
    const values = new Set<string>();
    for (let tries = 0; values.size < size && tries < size * 5; tries++) values.add(KINDS[kind].make(s));
    pool = [...values];
    pools.set(kind, pool);
    return pool;
  };
  return (kind, q) => {
    const k = KINDS[kind];
    if (!k.pooled) return k.make(q);
    const pool = poolOf(kind);
    return pool[Math.floor(Math.pow(q(), 1.6) * pool.length)];
  };
}

/** One invented system of 2,000 lines for `seed` (replayable). */
export function unseenSystemV10(seed: number): SyntheticSampleV2 {
  const r = prng(seed * 104729 + SALT);
  const pool = vocabulary(seed);
  const make = (name: string): FamilyEvents => {
    const fam = FAMILY_TEMPLATES[name];
    return { plain: fam.plain.map((t) => ev(t)(pool)), closed: fam.closed.map((set) => set.map((t) => ev(t)(pool))) };
  };
  const drawn = inventSystem(r, `v10-${seed}`, FAMILIES_V10, make, { minEvents: MIN_EVENTS, keepPlain: 0.75, keepClosed: (k) => (k === 0 ? 1 : 0.75) }, LINES);
  return { name: drawn.name, content: drawn.content, truth: drawn.truth, closedSets: drawn.closedSets };
}
