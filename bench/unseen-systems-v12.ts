/**
 * Held-out invented systems, twelfth generation (--synthetic-v12 of
 * bench/template-mining.ts).
 *
 * Why a twelfth generator: v1-v11 (unseen-systems*.ts) have all been used or
 * looked at while the miner was tuned, or will be once their reported figure
 * is taken. This one was written BLIND: its author did not read the miner
 * (processors/) nor the event shapes of the earlier generators (only their
 * header comments), and never ran the miner on it. It shares only the sample
 * shape (SyntheticSampleV2), the drawing helpers (synthetic-draw.ts) and the
 * ground-truth convention stated in v9's header (learned from the corrected
 * Loghub-2.0 templates), restated below with this file's choices.
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it); event shapes written from what those
 * programs print, avoiding the most obvious messages of each and the shapes
 * the v9-v11 headers list:
 *   logcat   Android: lmkd kills with a glued `kB`, cgroup kills, slow
 *            operations with the stage as free text, FATAL EXCEPTION thread
 *            names (`AsyncTask #2`, `Binder:1234_5`), signals with their name,
 *            notification suppression, wpa_supplicant signal changes with
 *            negative dBm, job timeouts `#u0a<*>/<*>`, bad-process broadcasts,
 *            wake lock releases with `isHeld` read from data, sleep reasons
 *            (screen timeout / power button / lid switch), `[WIFI () - n]`
 *            beside `[MOBILE (LTE) - n]`
 *   bgl      BlueGene/L RAS: NFS mount retries, redundant bit steering, torus
 *            wire warnings, duplicate IDO addresses, service actions per
 *            location (PrepareForService / EndServiceAction), integer
 *            alignment exceptions with iar / dear, mailbox lib_ido_error,
 *            storage / TLB interrupts (data / instruction), service card
 *            problems on ido chip U0 / U1 with a Java exception as free text
 *   hpc      HPC cluster: ServerFileSystem domains, console commands leading
 *            their errors (`risBoot (command <*>) Error: Timed out (node not
 *            responding)`), Slurm submit / allocate with node ranges
 *            (`cn[001-004,017]`) and partitions, job completion WEXITSTATUS /
 *            WTERMSIG, PBS deletions `user@host`, gmetad, temperatures with a
 *            glued `C` over warning / critical thresholds
 *   linux    2005-era Linux syslog: IDE drive_cmd status bits, rpc.mountd
 *            requests, named lame servers `ip#port`, modprobe, ntpd stratum
 *            and time resets in seconds, portsentry scans `host/ip`, EXT3
 *            journal and data modes (ordered / writeback / journal), klogd,
 *            smbd getpeername errno texts
 *   macos    macOS: objc duplicate classes with framework paths with spaces,
 *            driver systemWakeCall lines led by the driver class, code
 *            signing kills `p=<*>[<*>]`, previous shutdown causes (negative),
 *            backupd copies with a humanised size and a volume name with
 *            spaces, automatic / manual backups, USB mass storage ids, nib
 *            outlet failures, CoreAnimation transactions, mouse attention
 *   nova     OpenStack nova: processutils command failures (command line and
 *            stderr as free text, an always-empty `Stdout: ''`), service
 *            record updates `host:node`, Neutron interface deletions under
 *            `[req-<*> …]`, periodic tasks, `Creating image(s)`,
 *            network-vif-unplugged with vm / task states, libvirt domain
 *            lookups, orphan allocations, HTTP not-found per resource
 *            (Instance / Flavor / Image)
 *   proxifier  Proxifier client: canceled requests, proxy status codes,
 *            HTTPS proxy failures with the response as free text, closes with
 *            a humanised size and an mm:ss lifetime, connection limits,
 *            error texts of one call site
 *   tbird    Thunderbird cluster syslog: SCSI errors with CDB bytes, sense
 *            keys, mptbase LogInfo `={<*>}`, ypserv refusals, smartd
 *            attributes, EDAC corrected errors with a sometimes-empty DIMM
 *            label in quotes, TCP treason, syslog-ng drops, NFS server not
 *            responding / OK, bond0 links eth0 / eth1
 *   cbs      Windows CBS servicing: HRESULT lines with the error name inside
 *            the value, load failures with `Program Files` paths, scavenge,
 *            CSI stores, SFC `[SR]` verification and repairs (member files,
 *            components, architectures), WER failure reports with states,
 *            Winlogon notification verbs, SIL file counts
 *   redis    Redis server: BGSAVE with pid, save points, CoW sizes in MB,
 *            client kills with `name=` sometimes empty, replica sync
 *            requests and partial resyncs with `ip:port`, MASTER <-> REPLICA
 *            phases, BGSAVE targets (disk / replicas sockets), socket errors
 *            as errno text, modules, TCP backlog warning, version banner,
 *            cluster failure marks with node ids, replication ids, AOF diffs
 *   cassandra  Apache Cassandra: table initialisation `ks.table`, memtable
 *            flushes with glued MiB and percentages, compactions (double
 *            spaces in the program's text), GCInspector with collector names
 *            with spaces, memory limits, repair commands with booleans from
 *            data and table lists, repair failures as free text, local pauses
 *            in glued `ns`, hint replay, dropped messages led by the verb
 *            (MUTATION, READ…), InetAddress UP / DOWN, CQL (un)encrypted
 *   spring   A Java Spring Boot service: the start banner, active profiles
 *            (a comma list), Tomcat init / start (`context path ''` beside a
 *            path), Servlet engine, ProtocolHandler pause / stop / destroy,
 *            service start / stop, HikariCP pool lifecycle, timeouts, failed
 *            validations (`<class>@<*>`), housekeeper clock leaps
 *            (`1m2s345ms`), Hibernate `HHH…` codes, SQL errors and unique
 *            violations, resolved exceptions as free text, leaked threads,
 *            repository scanning, security filter chains
 * Program, host, user and other names are random pronounceable words invented
 * per system; real-world words appear only where programs of that kind print
 * them (wlan0, eth0, bond0, U0, HHH000412, Temperature_Celsius, MiB, ENOMEM).
 *
 * Each seed invents one system: one to three families (more while it has fewer
 * than MIN_EVENTS events), about 75% of each family's plain shapes and of its
 * closed sets after the first, one vocabulary pool per kind of entity (shared
 * by every event naming it, made from its own seeded stream so pools do not
 * depend on the order events are built or drawn) of random size: a third of
 * the pools 1..3 values, the others 4..200 (a few kinds with few real values,
 * like GC collectors or partitions, are narrowed); values drawn with a skew
 * inside a pool; Zipf event frequencies (exponent 0.7-1.5) over a random
 * ranking of all events; 2,000 lines drawn independently. The system stream's
 * offset (STREAM_OFFSET) was chosen, before any miner run, as the first that
 * gives the twelve reported seeds twelve different mixes that together use
 * all twelve families.
 *
 * Ground-truth convention (v9's, from the corrected Loghub-2.0 templates; this
 * file's choices where it had to pick):
 * - no standalone number is constant: every number is `<*>`, even one a
 *   system always prints alike (`uid 1000`, `bits=64`, `Error Code 42`);
 *   digit-bearing words are constants when they name a thing (wlan0, bond0,
 *   eth1, U0, HHH000412);
 * - an identifier of words and numbers joined by `_` is ONE variable (a CBS
 *   component, an SMART attribute, an HRESULT name with its code
 *   `0x800f0805 - CBS_E_INVALID_PACKAGE`, a processor architecture);
 * - a constant word joined by `-` to a number or id keeps the word
 *   (`instance-<*>`, `HikariPool-<*>`, `http-nio-<*>`, `req-<*>`,
 *   `network-vif-unplugged-<*>`); a constant glued before a number keeps it
 *   too (`scsi<*>`, `ioc<*>`, `MC<*>`, `#u0a<*>`, `v<*>` before a version,
 *   `Tomcat/<*>`); a device name (`sda`, `sdb3`) is one variable;
 * - `ip:port` is `<*>:<*>`, the leading `/` a Java address prints stays in the
 *   address (`/10.0.0.1`), `host/ip` is `<*>/<*>`, `ip#port` `<*>#<*>`,
 *   `user@host` `<*>@<*>`; an object hash after `@` is a variable with the
 *   class constant;
 * - a unit glued to a number is inside the variable (`120ms`, `4500kB`,
 *   `12.5MiB`, `45%`, `81C`, `6000000000ns`, `1m2s345ms`); a fixed unit after
 *   a space is constant (`<*> ms`, `<*> MB`, `<*> s`, `<*> bytes`, `<*>
 *   seconds`); a size a humaniser prints with a changing unit is ONE variable
 *   with its unit (`1.2 MB`);
 * - brackets, parentheses, braces, quotes around a value are constant;
 * - a path is one variable (Unix, Windows with backslashes and spaces, macOS
 *   with spaces);
 * - `key=value`, `key: value`: the key and separator constant, the value one
 *   variable even with `,` `:` `/` or spaces inside; a field printed empty
 *   sometimes is one template with the non-empty form (empty only right
 *   after `=` or between double quotes: Redis `name=`, EDAC `label ""`); a
 *   field always printed empty is constant text (`Stdout: ''`,
 *   `dataCenters: []`);
 * - `0x` hex is one variable with its prefix; a negative number keeps its
 *   sign (`signal=<*>`, `lib_ido_error: <*>`, `time reset <*> s`).
 * Where the real data is silent, the held-out judges' account:
 * - a variable in the first position is a variable even without a digit (a
 *   Proxifier program, an HPC console command, a macOS driver class, a
 *   Cassandra message verb);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part belongs to the variable it follows (`Timed out (node
 *   not responding)`, a repair error ending `(see log for details)`), empty
 *   vs non-empty field, comma lists of varying length (Spring profiles,
 *   repair tables, security filters, Slurm node ranges), values with spaces
 *   (thread names, GC collectors, sense keys, volume names), free text the
 *   program prints from data (command lines, stderr, exception messages,
 *   proxy responses, slow-operation stages) is one variable;
 * - small value sets are still variables (vm states, partitions, repair
 *   parallelism, failure sources, package states);
 * - punctuation inside a value does not split it: durations as mm:ss or
 *   `1m2s345ms`, a path with a space, an HRESULT with its name;
 * - separate events: closed sets of plain words in a fixed position naming
 *   what happened (sleep reasons, EXT3 data modes, Winlogon verbs, `[SR]`
 *   outcomes, MASTER <-> REPLICA phases, HikariCP lifecycle, ProtocolHandler
 *   verbs, NFS not responding / OK, UP / DOWN, errno texts of one call site,
 *   not-found resources), digit-bearing constants (U0 / U1, eth0 / eth1),
 *   booleans a code path prints as constants (`(encrypted)` /
 *   `(unencrypted)`, `force repair: false`), a specific event beside a
 *   general one (`context path ''` beside a path, `[WIFI () - <*>]` beside
 *   `[MOBILE (<*>) - <*>]`, `Background saving error` beside success);
 * - a boolean read from data is a variable (`isHeld=<*>`, `incremental:
 *   <*>`, `primary range: <*>`, `pull repair: <*>`);
 * - a UUID, a MAC-like serial, a version, a decimal number are one variable
 *   each.
 *
 * REPORTED_SEEDS_V12 (1601-1612) were fixed in this file before the generator
 * was ever run against the miner. Never tune on them: develop on
 * DEVELOPMENT_SEEDS_V12 or other seeds.
 */
import type { FamilyEvents, Piece, Render, Syllables } from './synthetic-draw';
import { hexDigits, int, pad, pick } from './synthetic-draw';
import type { Rng, Vocabulary } from './synthetic-pieces';
import { blindSystem, bool, cap, chance, dec, humanSize, ipv4, L, list, N, pid, port, uuid, V } from './synthetic-pieces';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** Fixed before the generator was ever run against the miner: the clean held-out figure. Never tune on them. */
export const REPORTED_SEEDS_V12: readonly number[] = [1601, 1602, 1603, 1604, 1605, 1606, 1607, 1608, 1609, 1610, 1611, 1612];
/** Seeds to develop on (any seed outside REPORTED_SEEDS_V12 will do; these five are the `=dev` set). */
export const DEVELOPMENT_SEEDS_V12: readonly number[] = [11003, 11047, 11111, 11598, 11777];

/** A system has at least this many events (more families are added until it does). */
const MIN_EVENTS = 22;
/** Offset of the system stream (see the header: the first giving twelve different reported mixes over all families). */
const STREAM_OFFSET = 1203;

/** This generator's letter table for invented words. */
const SYLLABLES: Syllables = {
  onsets: ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'gr', 'st', 'tr', 'sh', 'ch', 'pl', 'kr'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'],
  codas: ['', '', 'n', 'r', 'l', 's', 'x', 'm', 'nd', 'rk', 'st'],
};

// ---------------------------------------------------------------------------
// Families

/** Android logcat messages (tag stripped, as Loghub's Android content). */
function logcat(v: Vocabulary): FamilyEvents {
  const pkg = v.pools('android-package', (s) => `com.${v.word(s)}.${v.word(s)}`);
  const cls = v.pools('android-class', (s) => `${cap(v.word(s))}${pick(s, ['Service', 'Receiver', 'Activity', 'Worker', 'Provider'])}`);
  const thread = v.pools('android-thread', (s) =>
    pick(s, ['main', `AsyncTask #${int(s, 1, 5)}`, `pool-${int(s, 1, 9)}-thread-${int(s, 1, 9)}`, `${cap(v.word(s))}Thread`, `Binder:${int(s, 200, 3000)}_${int(s, 1, 9)}`]),
  );
  const stage = v.pools('android-slow-stage', (s) =>
    pick(s, ['startProcess: returned from zygote!', 'startProcess: done updating battery stats', 'startProcess: building args', 'startProcess: done updating pids map', 'startProcess: asking zygote to start proc', 'attachApplication: bound']),
  );
  const action = v.pools('android-action', (s) => `${pick(s, ['android.intent.action.', 'com.google.android.c2dm.intent.', `${pkg(s)}.action.`])}${pick(s, ['BOOT_COMPLETED', 'PACKAGE_ADDED', 'RECEIVE', 'TIME_TICK', 'SCREEN_OFF', 'SYNC'])}`);
  // a signal's number and its name, as `<number>|<name>` (the line prints both)
  const signal = v.pools('android-signal', (s) => pick(s, ['11|Segmentation fault', '6|Aborted', '9|Killed', '7|Bus error', '5|Trace/breakpoint trap']), [1, 5]);
  const subtype = v.pools('android-mobile-subtype', (s) => pick(s, ['LTE', 'HSPA+', 'NR', 'UMTS', 'EDGE']), [1, 3]);
  const uid = (q: Rng): Piece => N(q, 10000, 10399);
  return {
    plain: [
      (q) => L`Kill '${V(pkg(q))}' (${pid(q)}), uid ${uid(q)}, oom_adj ${N(q, 100, 999)} to free ${V(`${int(q, 2000, 250000)}kB`)}`,
      (q) => L`Successfully killed process cgroup uid ${uid(q)} pid ${pid(q)} in ${V(`${int(q, 0, 400)}ms`)}`,
      (q) => L`Slow operation: ${V(`${int(q, 50, 900)}ms`)} so far, now at ${V(stage(q))}`,
      (q) => L`FATAL EXCEPTION: ${V(thread(q))}`,
      (q) => {
        const [number, name] = signal(q).split('|');
        return L`Process ${pid(q)} exited due to signal ${V(number)} (${V(name)})`;
      },
      (q) => L`Suppressing notification from package ${V(pkg(q))} by user request.`,
      (q) => L`wlan0: CTRL-EVENT-SIGNAL-CHANGE above=${N(q, 0, 1)} signal=${N(q, -90, -40)} noise=${N(q, -99, -85)} txrate=${N(q, 6000, 866700)}`,
      (q) => L`Timeout executing job: #u0a${N(q, 10, 399)}/${N(q, 1, 99999)} ${V(pkg(q))}/.${V(cls(q))}`,
      (q) => L`Unable to launch app ${V(pkg(q))}/${uid(q)} for broadcast Intent { act=${V(action(q))} flg=${V(`0x${hexDigits(q, 8)}`)} }: process is bad`,
      (q) => L`notifyWakeLockReleased: tag=*job*/${V(pkg(q))}/.${V(cls(q))} flags=${V(`0x${hexDigits(q, 1)}`)} uid=${uid(q)} isHeld=${bool(q)}`,
    ],
    closed: [
      ['screen timeout', 'power button', 'lid switch'].map((why): Render => (q) => L`Going to sleep due to ${why} (uid ${N(q, 1000, 1000)})...`),
      [(q) => L`NetworkAgentInfo [WIFI () - ${N(q, 100, 199)}] validation passed`, (q) => L`NetworkAgentInfo [MOBILE (${V(subtype(q))}) - ${N(q, 100, 199)}] validation passed`],
    ],
  };
}

/** BlueGene/L RAS messages. */
function bgl(v: Vocabulary): FamilyEvents {
  const loc = v.pools('bgl-location', (s) => `R${pad(int(s, 0, 77), 2)}-M${int(s, 0, 1)}-N${'0123456789ABCDEF'[int(s, 0, 15)]}${chance(s, 0.5) ? `-C:J${pad(int(s, 2, 17), 2)}-U${pad(int(s, 1, 11), 2)}` : ''}`);
  const path = v.pools('bgl-mount', (s) => `/p/${v.word(s)}${int(s, 1, 4)}/${v.word(s)}`, [1, 6]);
  const wire = v.pools('bgl-wire', (s) => pick(s, ['x+', 'x-', 'y+', 'y-', 'z+', 'z-']), [1, 6]);
  const exception = v.pools('bgl-ido-exception', (s) =>
    pick(s, [
      `java.io.IOException: Could not find EthernetSwitch on port:address ${int(s, 1, 9)}:${int(s, 1, 99)}`,
      'java.net.SocketException: Broken pipe',
      'java.lang.IllegalStateException: IDo not connected',
      `java.io.IOException: Timeout waiting for reply from ${ipv4(s)}`,
    ]),
  );
  const ido = (chip: string): Render => (q) => L`Problem communicating with service card, ido chip: ${chip} ${V(exception(q))}`;
  const hex8 = (q: Rng): Piece => V(`0x${hexDigits(q, 8)}`);
  return {
    plain: [
      (q) => L`NFS Mount failed on ${V(path(q))}, slept ${N(q, 5, 60)} seconds, retrying (${N(q, 1, 9)})`,
      (q) => L`ddr: activating redundant bit steering: rank=${N(q, 0, 1)} symbol=${N(q, 0, 35)}`,
      (q) => L`critical input interrupt (unit=${V(`0x${hexDigits(q, 2)}`)} bit=${V(`0x${hexDigits(q, 2)}`)}): warning for torus ${V(wire(q))} wire`,
      (q) => L`BglIdoChip table has ${N(q, 2, 8)} IDOs with the same IP address (${V(v.ip(q))})`,
      (q) => L`PrepareForService shutting down ${V(loc(q))} as part of Service Action ${N(q, 100, 999)}`,
      (q) => L`EndServiceAction ${N(q, 100, 999)} performed upon ${V(loc(q))} by ${V(v.user(q))}`,
      (q) => L`Kernel detected ${N(q, 1, 40)} integer alignment exceptions (${N(q, 1, 9)}) iar ${hex8(q)}, dear ${hex8(q)}`,
      (q) => L`MailboxMonitor::serviceMailboxes() lib_ido_error: ${N(q, -1100, -1000)} socket closed`,
      (q) => L`${N(q, 1, 5000)} double-hummer alignment exceptions`,
      (q) => L`Node card is not fully functional`,
    ],
    closed: [
      ['data storage interrupt', 'instruction storage interrupt', 'data TLB error interrupt', 'instruction TLB error interrupt'].map((what): Render => () => L`${what}`),
      [ido('U0'), ido('U1')],
    ],
  };
}

/** HPC cluster messages (LANL-style node and scheduler lines). */
function hpc(v: Vocabulary): FamilyEvents {
  const node = v.pools('hpc-node', (s) => `${pick(s, ['cn', 'gn', 'node-'])}${pad(int(s, 1, 512), 3)}`);
  const domain = v.pools('hpc-storage-domain', (s) => `storage${int(s, 100, 999)}`);
  const command = v.pools('hpc-command', (s) => pick(s, ['bootGenvmunix', 'halt', 'wait', 'risBoot', 'haltNodes', 'consoleReset', 'powerCycle']), [2, 7]);
  const reason = v.pools('hpc-command-reason', (s) =>
    pick(s, ['Partial boot failure', 'Timed out', 'Timed out (node not responding)', 'Node is not in the ready state', 'Console port busy (held by another session)', 'Failed']),
  );
  const partition = v.pools('hpc-partition', (s) => pick(s, ['batch', 'debug', 'gpu', 'long', 'interactive', v.word(s)]), [1, 4]);
  const nodeList = (q: Rng): string => {
    const prefix = pick(q, ['cn', 'gn']);
    const parts: string[] = [];
    for (let k = int(q, 1, 4); k > 0; k--) {
      const a = int(q, 1, 500);
      parts.push(chance(q, 0.5) ? pad(a, 3) : `${pad(a, 3)}-${pad(a + int(q, 1, 12), 3)}`);
    }
    return `${prefix}[${parts.join(',')}]`;
  };
  return {
    plain: [
      (q) => L`ClusterFileSystem: There is no server for ServerFileSystem domain ${V(domain(q))}`,
      (q) => L`ServerFileSystem domain ${V(domain(q))} is full`,
      (q) => L`${V(command(q))} (command ${N(q, 1000, 4000)}) Error: ${V(reason(q))}`,
      (q) => L`_slurm_rpc_submit_batch_job: JobId=${N(q, 100000, 999999)} InitPrio=${N(q, 1000, 99999)} usec=${N(q, 100, 9000)}`,
      (q) => L`sched: Allocate JobId=${N(q, 100000, 999999)} NodeList=${V(nodeList(q))} #CPUs=${N(q, 1, 512)} Partition=${V(partition(q))}`,
      (q) => L`Node ${V(node(q))} now responding`,
      (q) => L`Job ${V(`${int(q, 10000, 99999)}.${v.host(q)}`)} deleted at request of ${V(v.user(q))}@${V(v.host(q))}`,
      (q) => L`gmetad: data_thread() for [${V(cap(v.word(q)))}] failed to contact node ${V(v.ip(q))}`,
      (q) => L`_job_complete: JobId=${N(q, 100000, 999999)} done`,
    ],
    closed: [
      ['warning', 'critical'].map((level): Render => (q) => L`Temperature (${V(`${int(q, 30, 95)}C`)}) exceeds ${level} threshold`),
      [(q) => L`job_complete: JobId=${N(q, 100000, 999999)} WEXITSTATUS ${N(q, 0, 255)}`, (q) => L`job_complete: JobId=${N(q, 100000, 999999)} WTERMSIG ${N(q, 1, 15)}`],
    ],
  };
}

/** 2005-era Linux syslog messages (program prefix stripped). */
function linux(v: Vocabulary): FamilyEvents {
  const path = v.pools('linux-export', (s) => `/${pick(s, ['home', 'export', 'srv'])}/${v.word(s)}`);
  const zone = v.pools('linux-zone', (s) => `${v.word(s)}.${pick(s, ['com', 'net', 'org', 'ru', 'de'])}`);
  const module = v.pools('linux-module', (s) => pick(s, ['char-major-10-135', 'net-pf-10', 'sound-slot-1', 'binfmt-0000', `${v.word(s)}_${v.word(s)}`]), [1, 5]);
  const drive = v.pools('linux-drive-status', (s) => pick(s, ['DriveReady SeekComplete Error', 'DriveReady SeekComplete', 'Busy', 'DriveReady DataRequest']), [1, 4]);
  const dev = v.pools('linux-disk', (s) => `${pick(s, ['hda', 'hdb', 'sda', 'sdb'])}${int(s, 1, 8)}`, [1, 5]);
  const errnoText = (text: string): Render => () => L`getpeername failed. Error was ${text}`;
  return {
    plain: [
      (q) => L`hda: drive_cmd: status=${V(`0x${hexDigits(q, 2)}`)} { ${V(drive(q))} }`,
      (q) => L`authenticated mount request from ${V(v.host(q))}:${N(q, 600, 1023)} for ${V(path(q))} (${V(path(q))})`,
      (q) => L`lame server resolving '${V(`${v.word(q)}.${zone(q)}`)}' (in '${V(zone(q))}'?): ${V(v.ip(q))}#${N(q, 53, 53)}`,
      (q) => L`modprobe: FATAL: Module ${V(module(q))} not found.`,
      (q) => L`synchronized to ${V(v.ip(q))}, stratum ${N(q, 1, 4)}`,
      (q) => L`time reset ${V(dec(q, -0.9, 0.9, 6))} s`,
      (q) => L`attackalert: SYN/Normal scan from host: ${V(v.host(q))}/${V(v.ip(q))} to TCP port: ${N(q, 1, 1024)}`,
      (q) => L`EXT3 FS on ${V(dev(q))}, internal journal`,
      (q) => L`klogd ${V(`1.4.${int(q, 1, 2)}`)}, log source = /proc/kmsg started.`,
      (q) => L`Kernel log daemon terminating.`,
      (q) => L`check pass; user unknown`,
    ],
    closed: [
      ['ordered', 'writeback', 'journal'].map((mode): Render => () => L`EXT3-fs: mounted filesystem with ${mode} data mode.`),
      [errnoText('Transport endpoint is not connected'), errnoText('Connection reset by peer'), errnoText('No route to host')],
    ],
  };
}

/** macOS system log messages. */
function macos(v: Vocabulary): FamilyEvents {
  const driver = v.pools('macos-driver', (s) => `${pick(s, ['Apple', 'IO', 'AppleHV'])}${cap(v.word(s))}${pick(s, ['', 'Driver', 'Controller'])}`);
  const appPath = v.pools('macos-framework-path', (s) => {
    const app = pick(s, [`${cap(v.word(s))} ${cap(v.word(s))}`, cap(v.word(s)), `${cap(v.word(s))} Helper`]);
    return `/Applications/${app}.app/Contents/Frameworks/${cap(v.word(s))}.framework/Versions/A/${cap(v.word(s))}`;
  });
  const objcClass = v.pools('macos-objc-class', (s) => `${pick(s, ['NS', 'SU', 'WK', 'CK', ''])}${cap(v.word(s))}${pick(s, ['Controller', 'Manager', 'View', 'Observer'])}`);
  const volume = v.pools('macos-volume', (s) => pick(s, ['Macintosh HD', `${cap(v.word(s))} Backup`, cap(v.word(s)), `${cap(v.word(s))} ${cap(v.word(s))} HD`]), [1, 3]);
  const hex = (q: Rng, n: number): Piece => V(`0x${hexDigits(q, n)}`);
  const backup = (kind: string): Render => () => L`Starting ${kind} backup`;
  return {
    plain: [
      (q) => L`Class ${V(objcClass(q))} is implemented in both ${V(appPath(q))} (${hex(q, 9)}) and ${V(appPath(q))} (${hex(q, 9)}). One of the two will be used. Which one is undefined.`,
      (q) => L`${V(driver(q))}::systemWakeCall - messageType = ${hex(q, 8)}`,
      (q) => L`CODE SIGNING: cs_invalid_page(${hex(q, 9)}): p=${pid(q)}[${V(v.word(q))}] final status ${hex(q, 1)}, denying page sending SIGKILL`,
      (q) => L`Previous shutdown cause: ${V(pick(q, ['5', '3', '-128', '-60', '-3']))}`,
      (q) => L`Copied ${N(q, 1, 90000)} items (${V(humanSize(q))}) from volume ${V(volume(q))}. Linked ${N(q, 0, 9000)}.`,
      (q) => L`Backup completed successfully.`,
      (q) => L`USBMSC Identifier (non-unique): ${V(hexDigits(q, 12).toUpperCase())} ${hex(q, 4)} ${hex(q, 4)} ${hex(q, 4)}, ${N(q, 1, 9)}`,
      (q) => L`Failed to connect (${V(`${v.word(q)}${pick(q, ['Field', 'Button', 'View'])}`)}) outlet from (${V(objcClass(q))}) to (${V(objcClass(q))}): missing setter or instance variable`,
      (q) => L`CoreAnimation: warning, deleted thread with uncommitted CATransaction; set CA_DEBUG_TRANSACTIONS=${N(q, 1, 1)} in environment to log backtraces.`,
      (q) => L`[BNBMouseDevice::_handleAttention] - handle ${N(q, 64, 80)} clickCount ${N(q, 1, 3)}`,
    ],
    closed: [[backup('automatic'), backup('manual')]],
  };
}

/** OpenStack nova (compute, api) messages. */
function nova(v: Vocabulary): FamilyEvents {
  const node = v.pools('nova-node', (s) => `${pick(s, ['compute', 'cmp', 'nova'])}-${int(s, 1, 99)}.${v.word(s)}.${pick(s, ['local', 'cloud', 'lan'])}`);
  const command = v.pools('nova-command', (s) =>
    pick(s, [
      `sudo nova-rootwrap /etc/nova/rootwrap.conf ip link set tap${hexDigits(s, 8)}-${hexDigits(s, 2)} up`,
      `env LC_ALL=C LANG=C qemu-img info /var/lib/nova/instances/${uuid(s)}/disk`,
      `sudo nova-rootwrap /etc/nova/rootwrap.conf blockdev --getsize64 /dev/disk/by-path/ip-${ipv4(s)}:3260-iscsi-iqn.2010-10.org.openstack:volume-${uuid(s)}-lun-1`,
      `mount -t nfs ${ipv4(s)}:/${v.word(s)} /var/lib/nova/mnt/${hexDigits(s, 32)}`,
    ]),
  );
  const stderr = v.pools('nova-stderr', (s) =>
    pick(s, ['Cannot find device "tap"', 'qemu-img: Could not open: No such file or directory', 'blockdev: cannot open: No such device or address', 'mount.nfs: Connection timed out', 'Permission denied']),
  );
  const task = v.pools('nova-periodic-task', (s) => `ComputeManager.${pick(s, ['_sync_power_states', '_poll_unconfirmed_resizes', '_heal_instance_info_cache', '_reclaim_queued_deletes', '_cleanup_running_deleted_instances', 'update_available_resource'])}`, [1, 6]);
  const vmState = v.pools('nova-vm-state', (s) => pick(s, ['active', 'stopped', 'paused', 'error']), [1, 3]);
  const taskState = v.pools('nova-task-state', (s) => pick(s, ['None', 'deleting', 'rebooting', 'powering-off']), [1, 4]);
  const instance = (q: Rng): Piece => V(uuid(q));
    const notFound = (what: string): Render => (q) => L`HTTP exception thrown: ${what} ${V(what === 'Flavor' ? String(int(q, 1, 20)) : uuid(q))} could not be found.`;
  return {
    plain: [
      (q) => L`Unexpected error while running command. Command: ${V(command(q))} Exit code: ${N(q, 1, 4)} Stdout: '' Stderr: '${V(stderr(q))}'`,
      (q) => L`Compute_service record updated for ${V(v.host(q))}:${V(node(q))}`,
      (q) => L`[req-${V(uuid(q))} ${V(hexDigits(q, 32))} ${V(hexDigits(q, 32))} - - -] [instance: ${instance(q)}] Neutron deleted interface ${instance(q)}; detaching it from the instance and deleting it from the info cache`,
      (q) => L`Running periodic task ${V(task(q))}`,
      (q) => L`[instance: ${instance(q)}] Creating image(s)`,
      (q) => L`Received unexpected event network-vif-unplugged-${instance(q)} for instance with vm_state ${V(vmState(q))} and task_state ${V(taskState(q))}.`,
      (q) => L`Error from libvirt while getting description of instance-${V(hexDigits(q, 8))}: [Error Code ${N(q, 42, 42)}] Domain not found: no domain with matching uuid '${instance(q)}' (instance-${V(hexDigits(q, 8))})`,
      (q) => L`Instance ${instance(q)} has allocations against this compute host but is not found in the database.`,
      (q) => L`No valid host was found. There are not enough hosts available.`,
    ],
    closed: [[notFound('Instance'), notFound('Flavor'), notFound('Image')]],
  };
}

/** Proxifier client messages. */
function proxifier(v: Vocabulary): FamilyEvents {
  const program = v.pools('proxifier-program', (s) => `${pick(s, [v.word(s), `${v.word(s)}-${v.word(s)}`, cap(v.word(s))])}.exe`);
  const target = v.pools('proxifier-target', (s) => pick(s, [`www.${v.word(s)}.com`, `${v.word(s)}.${v.word(s)}.net`, `api.${v.word(s)}.io`, ipv4(s)]));
  const proxy = v.pools('proxifier-proxy', (s) => `proxy.${v.word(s)}.${pick(s, ['edu', 'com', 'edu.hk'])}`, [1, 3]);
  const failure = v.pools('proxifier-https-failure', (s) =>
    pick(s, ['Response: 403', 'Response: 407 Proxy Authentication Required', 'Proxy server closed the connection', 'Response: 502 Bad Gateway', 'Invalid response']),
  );
  const targetPort = v.pools('proxifier-port', (s) => pick(s, ['443', '443', '80', '8080', '5228', '993', String(int(s, 1024, 65535))]), [1, 5]);
  const head = (q: Rng): Piece[] => L`${V(program(q))} - ${V(target(q))}:${V(targetPort(q))}`;
  const errorText = (text: string): Render => (q) => L`${head(q)} error : ${text}`;
  return {
    plain: [
      (q) => L`${head(q)} error : A connection request was canceled before the completion.`,
      (q) => L`${head(q)} error : Could not connect through proxy ${V(proxy(q))}:${N(q, 1080, 9999)} - Proxy server cannot establish a connection with the target, status code ${N(q, 400, 504)}`,
      (q) => L`${head(q)} HTTPS proxy request failed: ${V(failure(q))}`,
      (q) => L`${head(q)} close, ${N(q, 0, 900000)} bytes (${V(humanSize(q))}) sent, ${N(q, 0, 9000000)} bytes received, lifetime ${V(`${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`)}`,
      (q) => L`Connection to ${V(target(q))}:${V(targetPort(q))} was closed by the proxy server.`,
      (q) => L`Number of connections exceeded the limit of ${N(q, 50, 500)}`,
    ],
    closed: [[errorText('Connection closed unexpectedly by the remote host'), errorText('The proxy server rejected the connection'), errorText('Connection timed out')]],
  };
}

/** Thunderbird cluster syslog messages. */
function tbird(v: Vocabulary): FamilyEvents {
  const senseKey = v.pools('tbird-sense-key', (s) => pick(s, ['Medium Error', 'Aborted Command', 'Hardware Error', 'Unit Attention']), [1, 4]);
  const attribute = v.pools('tbird-smart-attribute', (s) => pick(s, ['Temperature_Celsius', 'Airflow_Temperature_Cel', 'Seek_Error_Rate', 'Hardware_ECC_Recovered', 'Raw_Read_Error_Rate']), [1, 5]);
  const dimm = v.pools('tbird-dimm-label', (s) => pick(s, [`DIMM_${'AB'[int(s, 0, 1)]}${int(s, 1, 4)}`, `CPU${int(s, 0, 1)}_DIMM${int(s, 1, 8)}`, '']), [1, 4]);
  const nfsServer = v.pools('tbird-nfs-server', (s) => `${v.word(s)}${int(s, 1, 9)}`, [1, 4]);
  const procedure = v.pools('tbird-yp-procedure', (s) => pick(s, ['ypproc_match', 'ypproc_all', 'ypproc_order']), [1, 3]);
  const cdb = (q: Rng): string => `${pick(q, ['Read (10)', 'Write (10)', 'Test Unit Ready'])} ${Array.from({ length: int(q, 2, 9) }, () => hexDigits(q, 2)).join(' ')}`;
  const hex = (q: Rng, n: number): Piece => V(`0x${hexDigits(q, n)}`);
  const bonding = (slave: string): Render => () => L`bonding: bond0: link status definitely down for interface ${slave}, disabling it`;
  return {
    plain: [
      (q) => L`scsi${N(q, 0, 3)}: ERROR on channel ${N(q, 0, 1)}, id ${N(q, 0, 15)}, lun ${N(q, 0, 7)}, CDB: ${V(cdb(q))}`,
      (q) => L`Info fld=${hex(q, 8)}, Current ${V(`sd${pick(q, ['a', 'b', 'c'])}`)}: sense key ${V(senseKey(q))}`,
      (q) => L`mptbase: ioc${N(q, 0, 1)}: LogInfo(${hex(q, 8)}): Originator={${V(pick(q, ['PL', 'IOP', 'IR']))}}, Code={${V(pick(q, ['Abort', 'Reset', 'Open Failure']))}}, SubCode(${hex(q, 4)})`,
      (q) => L`refused connect from ${V(v.ip(q))}:${N(q, 600, 1023)} to procedure ${V(procedure(q))}`,
      (q) => L`Device: ${V(`/dev/sd${pick(q, ['a', 'b'])}`)}, SMART Usage Attribute: ${N(q, 1, 240)} ${V(attribute(q))} changed from ${N(q, 20, 200)} to ${N(q, 20, 200)}`,
      (q) => L`EDAC MC${N(q, 0, 1)}: CE page ${hex(q, 5)}, offset ${hex(q, 3)}, grain ${N(q, 8, 8)}, syndrome ${hex(q, 4)}, row ${N(q, 0, 7)}, channel ${N(q, 0, 1)}, label "${V(dimm(q))}": ${V(pick(q, ['i5000 UE', 'e752x CE', 'k8 CE']))}`,
      (q) => L`TCP: Treason uncloaked! Peer ${V(v.ip(q))}:${port(q)}/${port(q)} shrinks window ${N(q, 100000, 999999)}:${N(q, 100000, 999999)}. Repaired.`,
      (q) => L`STATS: dropped ${N(q, 0, 20000)}`,
      (q) => L`broadcast: RPC: Timed out.`,
      (q) => L`Out of socket memory`,
    ],
    closed: [
      [(q) => L`nfs: server ${V(nfsServer(q))} not responding, still trying`, (q) => L`nfs: server ${V(nfsServer(q))} OK`],
      [bonding('eth0'), bonding('eth1')],
    ],
  };
}

/** Windows CBS servicing (CBS.log) messages. */
function cbs(v: Vocabulary): FamilyEvents {
  const hresult = v.pools('cbs-hresult', (s) =>
    pick(s, ['0x800f080d - CBS_E_MANIFEST_INVALID_ITEM', '0x800f0805 - CBS_E_INVALID_PACKAGE', '0x80070002 - ERROR_FILE_NOT_FOUND', '0x800f0900 - CBS_E_XML_PARSER_FAILURE', '0x80070490 - ERROR_NOT_FOUND']),
  );
  const pkgName = v.pools('cbs-package', (s) => `Package_for_KB${int(s, 2000000, 4999999)}~31bf3856ad364e35~amd64~~6.1.${int(s, 1, 3)}.${int(s, 0, 9)}`);
  const component = v.pools('cbs-component', (s) => `${pick(s, ['amd64', 'x86', 'wow64'])}_microsoft-windows-${v.word(s)}-${v.word(s)}_31bf3856ad364e35_6.1.7601.${int(s, 17000, 24000)}_none_${hexDigits(s, 16)}`);
  const memberFile = v.pools('cbs-member-file', (s) => `${v.word(s)}${pick(s, ['.dll', '.exe', '.mui', '.sys'])}`);
  const arch = v.pools('cbs-arch', (s) => pick(s, ['PROCESSOR_ARCHITECTURE_AMD64', 'PROCESSOR_ARCHITECTURE_INTEL', 'PROCESSOR_ARCHITECTURE_IA32_ON_WIN64']), [1, 3]);
  const state = v.pools('cbs-package-state', (s) => pick(s, ['Staged', 'Installed', 'Absent', 'Resolved', 'Superseded']), [2, 5]);
  const source = v.pools('cbs-failure-source', (s) => pick(s, ['Execute', 'Resolve', 'Plan', 'Download']), [1, 4]);
  const client = v.pools('cbs-client', (s) => pick(s, ['WindowsUpdateAgent', 'DISM Package Manager Provider', 'Windows Update Standalone Installer', 'TrustedInstaller FinalizeDownload']), [1, 4]);
  const loadPath = v.pools('cbs-load-path', (s) => `C:\\Program Files\\${cap(v.word(s))} ${cap(v.word(s))}\\${v.word(s)}.dll`);
  const winlogon = ['Registering for CreateSession notifications', 'Loading SysNotify DLL', 'Stopping notify server', 'Unloading SysNotify DLL', 'Deregistering for CreateSession notifications'];
  const sr = ['Verify complete', 'Repair complete', 'Beginning Verify and Repair transaction'];
  const hex16 = (q: Rng): Piece => V(`0x${pad(0, 8)}${hexDigits(q, 8)}`);
  return {
    plain: [
      (q) => L`Expecting attribute name [HRESULT = ${V(hresult(q))}]`,
      (q) => L`Failed to internally open package. [HRESULT = ${V(hresult(q))}]`,
      (q) => L`Unable to load ${V(loadPath(q))} [HRESULT = ${V(hresult(q))}]`,
      (q) => L`Scavenge: Completed, disposition: ${V(`0x${hexDigits(q, 8)}`)}`,
      (q) => L`CSI Store ${N(q, 1000000, 9999999)} (${hex16(q)}) initialized`,
      (q) => L`[SR] Verifying ${N(q, 1, 100)} (${hex16(q)}) components`,
      (q) => L`[SR] Cannot repair member file [l:${N(q, 12, 40)}]"${V(memberFile(q))}" of ${V(component(q))}, Version = ${V(`6.1.7601.${int(q, 17000, 24000)}`)}, pA = ${V(arch(q))} (${N(q, 0, 9)}), Culture neutral, VersionScope = ${N(q, 1, 1)} nonSxS, PublicKeyToken = {l:${N(q, 8, 8)} b:${V('31bf3856ad364e35')}}, Type neutral, TypeName neutral, PublicKey neutral in the store, hash mismatch`,
      (q) => L`WER: Generating failure report for package: ${V(pkgName(q))}, status: ${V(`0x${hexDigits(q, 8)}`)}, failure source: ${V(source(q))}, start state: ${V(state(q))}, target state: ${V(state(q))}, client id: ${V(client(q))}`,
      (q) => L`Direct SIL provider: Number of files opened: ${N(q, 0, 400)}.`,
      (q) => L`NonStart: Success, startup processing not required as expected.`,
      (q) => L`Idle processing thread terminated normally`,
    ],
    closed: [winlogon.map((what): Render => () => L`Winlogon: ${what}`), sr.map((what): Render => () => L`[SR] ${what}`)],
  };
}

/** Redis server log messages (after `pid:role timestamp level`). */
function redis(v: Vocabulary): FamilyEvents {
  const clientName = v.pools('redis-client-name', (s) => pick(s, [v.word(s), `${v.word(s)}-worker`, '', '']), [1, 4]);
  const command = v.pools('redis-command', (s) => pick(s, ['psync', 'sync', 'subscribe', 'monitor', 'xread', 'get']), [1, 4]);
  const flags = v.pools('redis-client-flags', (s) => pick(s, ['S', 'N', 'P', 'b']), [1, 3]);
  const syncError = v.pools('redis-sync-error', (s) => pick(s, ['Connection refused', 'Connection reset by peer', 'No route to host', 'Operation now in progress']), [1, 4]);
  const module = v.pools('redis-module', (s) => pick(s, ['search', 'ReJSON', 'bf', 'timeseries', v.word(s)]), [1, 3]);
  const modulePath = v.pools('redis-module-path', (s) => `/opt/redis-stack/lib/${v.word(s)}.so`, [1, 3]);
  const addr = (q: Rng): Piece[] => L`${V(v.ip(q))}:${port(q)}`;
  const node = (q: Rng): Piece => V(hexDigits(q, 40));
  const mb = (q: Rng): Piece => V(dec(q, 0, 900, 2));
  const phase = (what: string): Render => () => L`MASTER <-> REPLICA sync: ${what}`;
  return {
    plain: [
      (q) => L`Background saving started by pid ${pid(q)}`,
      (q) => L`${N(q, 1, 10000)} changes in ${V(pick(q, ['60', '300', '900', '3600']))} seconds. Saving...`,
      (q) => L`Fork CoW for RDB: current ${N(q, 0, 300)} MB, peak ${N(q, 0, 300)} MB, average ${N(q, 0, 300)} MB`,
      (q) => L`Client id=${N(q, 3, 99999)} addr=${addr(q)} laddr=${addr(q)} fd=${N(q, 7, 900)} name=${V(clientName(q))} age=${N(q, 0, 90000)} idle=${N(q, 0, 900)} flags=${V(flags(q))} db=${N(q, 0, 15)} multi=${N(q, -1, -1)} omem=${N(q, 100000, 99999999)} cmd=${V(command(q))} user=${V(v.user(q))} scheduled to be closed ASAP for overcoming of output buffer limits.`,
      (q) => L`Replica ${addr(q)} asks for synchronization`,
      (q) => L`Partial resynchronization request from ${addr(q)} accepted. Sending ${N(q, 0, 1048576)} bytes of backlog starting from offset ${N(q, 1, 999999999)}.`,
      (q) => L`Synchronization with replica ${addr(q)} succeeded`,
      (q) => L`MASTER <-> REPLICA sync: receiving ${N(q, 175, 99999999)} bytes from master to disk`,
      (q) => L`Error condition on socket for SYNC: ${V(syncError(q))}`,
      (q) => L`Module '${V(module(q))}' loaded from ${V(modulePath(q))}`,
      (q) => L`WARNING: The TCP backlog setting of ${N(q, 511, 511)} cannot be enforced because /proc/sys/net/core/somaxconn is set to the lower value of ${N(q, 128, 128)}.`,
      (q) => L`Redis version=${V(`${int(q, 6, 7)}.${int(q, 0, 2)}.${int(q, 0, 14)}`)}, bits=${N(q, 64, 64)}, commit=${V(hexDigits(q, 8))}, modified=${N(q, 0, 1)}, pid=${pid(q)}, just started`,
      (q) => L`Marking node ${node(q)} as failing (quorum reached).`,
      (q) => L`Setting secondary replication ID to ${node(q)}, valid up to offset: ${N(q, 1, 999999999)}. New replication ID is ${node(q)}`,
      (q) => L`Residual parent diff successfully flushed to the rewritten AOF (${mb(q)} MB)`,
      (q) => L`Discarding previously cached master state.`,
    ],
    closed: [
      ['Flushing old data', 'Loading DB in memory', 'Finished with success'].map(phase),
      [() => L`Starting BGSAVE for SYNC with target: disk`, () => L`Starting BGSAVE for SYNC with target: replicas sockets`],
      [() => L`Background saving terminated with success`, () => L`Background saving error`],
    ],
  };
}

/** Apache Cassandra system.log messages (after `LEVEL [thread] date file:line -`). */
function cassandra(v: Vocabulary): FamilyEvents {
  const keyspace = v.pools('cassandra-keyspace', (s) => pick(s, [v.word(s), `${v.word(s)}_${v.word(s)}`]));
  const table = v.pools('cassandra-table', (s) => pick(s, [v.word(s), `${v.word(s)}_by_${v.word(s)}`]));
  const collector = v.pools('cassandra-collector', (s) => pick(s, ['G1 Young Generation', 'G1 Old Generation', 'ParNew', 'ConcurrentMarkSweep']), [1, 3]);
  const verb = v.pools('cassandra-dropped-verb', (s) => pick(s, ['MUTATION', 'READ', 'RANGE_SLICE', 'HINT', 'READ_REPAIR', 'COUNTER_MUTATION']), [1, 4]);
  const parallelism = v.pools('cassandra-parallelism', (s) => pick(s, ['parallel', 'sequential', 'dc_parallel']), [1, 3]);
  const repairError = v.pools('cassandra-repair-error', (s) =>
    pick(s, [
      `Got negative replies from endpoints [/${ipv4(s)}:7000] (see log for details)`,
      'Repair job has failed with the error message: Endpoint not alive',
      `Validation failed in /${ipv4(s)}:7000`,
      'Could not create snapshot (timed out)',
    ]),
  );
  const peer = (q: Rng): Piece[] => L`${V(`/${v.ip(q)}`)}:${N(q, 7000, 7000)}`;
  const mib = (q: Rng): Piece => V(`${dec(q, 0, 900, 3)}MiB`);
  const qualified = (q: Rng): string => `${keyspace(q)}.${table(q)}`;
  const token = (q: Rng): string => String(int(q, -9e15, 9e15));
  const ranges = (q: Rng): string => Array.from({ length: int(q, 1, 4) }, () => `(${token(q)},${token(q)}]`).join(', ');
  const sstable = (q: Rng): string => `/var/lib/cassandra/data/${keyspace(q)}/${table(q)}-${hexDigits(q, 32)}/nb-${int(q, 1, 9999)}-big`;
  const upDown = (state: string): Render => (q) => L`InetAddress ${peer(q)} is now ${state}`;
  const cql = (mode: string): Render => (q) => L`Starting listening for CQL clients on ${V(`/${v.ip(q)}`)}:${N(q, 9042, 9042)} (${mode})...`;
  return {
    plain: [
      (q) => L`Initializing ${V(qualified(q))}`,
      (q) => L`Enqueuing flush of ${V(table(q))}: ${mib(q)} (${V(`${int(q, 0, 99)}%`)}) on-heap, ${mib(q)} (${V(`${int(q, 0, 99)}%`)}) off-heap`,
      (q) => L`Completed flushing ${V(`${sstable(q)}-Data.db`)} (${V(`${dec(q, 0, 900, 3)}KiB`)}) for commitlog position CommitLogPosition(segmentId=${N(q, 1e12, 2e12)}, position=${N(q, 0, 33554432)})`,
      (q) => L`Compacted (${V(uuid(q))}) ${N(q, 2, 32)} sstables to [${V(sstable(q))},] to level=${N(q, 0, 4)}.  ${mib(q)} to ${mib(q)} (~${V(`${int(q, 1, 99)}%`)} of original) in ${V(`${int(q, 10, 90000)}ms`)}.  Read Throughput = ${V(`${dec(q, 0, 99, 3)}MiB/s`)}, Write Throughput = ${V(`${dec(q, 0, 99, 3)}MiB/s`)}, Row Throughput = ~${V(`${int(q, 1, 99999)}/s`)}.  ${N(q, 1, 99999)} total partitions merged to ${N(q, 1, 99999)}.`,
      (q) => L`GC for ${V(collector(q))}: ${N(q, 200, 9000)} ms for ${N(q, 1, 9)} collections, ${N(q, 1e8, 8e9)} used; max is ${N(q, 8e9, 8e9)}`,
      (q) => L`Maximum memory usage reached (${mib(q)}), cannot allocate chunk of ${mib(q)}`,
      (q) => L`[repair #${V(uuid(q))}] Starting repair command #${N(q, 1, 400)} (${V(uuid(q))}), repairing keyspace ${V(keyspace(q))} with repair options (parallelism: ${V(parallelism(q))}, primary range: ${bool(q)}, incremental: ${bool(q)}, job threads: ${N(q, 1, 4)}, ColumnFamilies: [${V(list(q, table, 1, 5, ', '))}], dataCenters: [], hosts: [], previewKind: NONE, # of ranges: ${N(q, 1, 256)}, pull repair: ${bool(q)}, force repair: false)`,
      (q) => L`Repair session ${V(uuid(q))} for range [${V(ranges(q))}] failed with error ${V(repairError(q))}`,
      (q) => L`Not marking nodes down due to local pause of ${V(`${int(q, 5e9, 9e10)}ns`)} > ${V('5000000000ns')}`,
      (q) => L`Timed out replaying hints to ${V(`/${v.ip(q)}`)}; aborting (${N(q, 0, 9999)} delivered)`,
      (q) => L`${V(verb(q))} messages were dropped in last ${N(q, 5000, 5000)} ms: ${N(q, 0, 999)} internal and ${N(q, 0, 999)} cross node. Mean internal dropped latency: ${N(q, 0, 9999)} ms and Mean cross-node dropped latency: ${N(q, 0, 9999)} ms`,
      (q) => L`Unable to lock JVM memory (ENOMEM). This can result in part of the JVM being swapped out, especially with mmapped I/O enabled. Increase RLIMIT_MEMLOCK.`,
    ],
    closed: [[upDown('UP'), upDown('DOWN')], [cql('unencrypted'), cql('encrypted')]],
  };
}

/** A Java Spring Boot service: Spring, Tomcat, Hibernate, HikariCP (logger prefix stripped). */
function spring(v: Vocabulary): FamilyEvents {
  const app = v.pools('spring-app', (s) => `${cap(v.word(s))}${pick(s, ['Application', 'ServiceApplication', 'Api'])}`, [1, 2]);
  const profile = v.pools('spring-profile', (s) => pick(s, ['dev', 'prod', 'cloud', 'kubernetes', 'local', v.word(s)]), [3, 6]);
  const version = (q: Rng): string => `${int(q, 0, 3)}.${int(q, 0, 9)}.${int(q, 0, 30)}`;
  const contextPath = v.pools('spring-context-path', (s) => `/${v.word(s)}`, [1, 3]);
  // one JDBC driver per service: its connection class is constant text before the object hash
  const connectionClass = v.pools('spring-connection-class', (s) => pick(s, ['org.postgresql.jdbc.PgConnection', 'com.mysql.cj.jdbc.ConnectionImpl', 'org.mariadb.jdbc.Connection']), [1, 1])(() => 0);
  const validation = v.pools('spring-validation-reason', (s) =>
    pick(s, ['This connection has been closed.', 'No operations allowed after connection closed.', 'Communications link failure', 'Connection.setNetworkTimeout cannot be called on a closed connection']),
  );
  const resolved = v.pools('spring-resolved', (s) =>
    pick(s, [
      `org.springframework.web.HttpRequestMethodNotSupportedException: Request method '${pick(s, ['GET', 'POST', 'PUT', 'DELETE'])}' not supported`,
      `org.springframework.web.bind.MissingServletRequestParameterException: Required request parameter '${v.word(s)}' for method parameter type String is not present`,
      'org.springframework.http.converter.HttpMessageNotReadableException: Required request body is missing',
      `org.springframework.web.method.annotation.MethodArgumentTypeMismatchException: Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; For input string: "${v.word(s)}"`,
    ]),
  );
  const threadName = v.pools('spring-leaked-thread', (s) => pick(s, [`HikariPool-${int(s, 1, 2)} housekeeper`, `pool-${int(s, 1, 9)}-thread-${int(s, 1, 9)}`, 'Abandoned connection cleanup thread', `${v.word(s)}-scheduler-${int(s, 1, 4)}`]));
  const constraint = v.pools('spring-constraint', (s) => `${v.word(s)}_${v.word(s)}_key`);
  const dialect = v.pools('spring-dialect', (s) => pick(s, ['PostgreSQLDialect', 'MySQL8Dialect', 'MariaDB103Dialect', 'H2Dialect']), [1, 1]);
  const filter = v.pools('spring-security-filter', (s) => `org.springframework.security.web.${pick(s, ['context.SecurityContextPersistenceFilter', 'header.HeaderWriterFilter', 'csrf.CsrfFilter', 'authentication.logout.LogoutFilter', 'session.SessionManagementFilter', 'access.ExceptionTranslationFilter'])}@${hexDigits(s, 7)}`, [4, 8]);
  const pool = (q: Rng): Piece[] => L`HikariPool-${N(q, 1, 2)}`;
  const hikari = (what: string): Render => (q) => L`${pool(q)} - ${what}`;
  const handler = (verb: string): Render => (q) => L`${verb} ProtocolHandler ["http-nio-${N(q, 8080, 8090)}"]`;
  return {
    plain: [
      (q) => L`Starting ${V(app(q))} v${V(version(q))} using Java ${V(`${pick(q, ['11', '17', '21'])}.0.${int(q, 1, 12)}`)} on ${V(v.host(q))} with PID ${pid(q)} (${V(`/opt/${v.word(q)}/app.jar`)} started by ${V(v.user(q))} in ${V(`/opt/${v.word(q)}`)})`,
      (q) => L`The following profiles are active: ${V(list(q, profile, 1, 4, ','))}`,
      (q) => L`Tomcat initialized with port(s): ${N(q, 8080, 8090)} (http)`,
      (q) => L`Starting Servlet engine: [Apache Tomcat/${V(`9.0.${int(q, 30, 80)}`)}]`,
      (q) => L`Root WebApplicationContext: initialization completed in ${N(q, 300, 9000)} ms`,
      (q) => L`${pool(q)} - Connection is not available, request timed out after ${V(`${int(q, 30000, 30100)}ms`)}.`,
      (q) => L`${pool(q)} - Failed to validate connection ${connectionClass}@${V(hexDigits(q, 8))} (${V(validation(q))}). Possibly consider using a shorter maxLifetime value.`,
      (q) => L`${pool(q)} - Thread starvation or clock leap detected (housekeeper delta=${V(`${int(q, 1, 9)}m${int(q, 0, 59)}s${int(q, 0, 999)}ms`)}).`,
      (q) => L`HHH000412: Hibernate ORM core version ${V(`${version(q)}.Final`)}`,
      (q) => L`HHH000400: Using dialect: org.hibernate.dialect.${V(dialect(q))}`,
      (q) => L`SQL Error: ${N(q, 0, 0)}, SQLState: ${V(pick(q, ['23505', '08006', '40P01', '57014']))}`,
      (q) => L`ERROR: duplicate key value violates unique constraint "${V(constraint(q))}"`,
      (q) => L`Started ${V(app(q))} in ${V(dec(q, 2, 60, 3))} seconds (JVM running for ${V(dec(q, 3, 70, 3))})`,
      (q) => L`Resolved [${V(resolved(q))}]`,
      (q) => L`Exposing ${N(q, 1, 14)} endpoint(s) beneath base path '/actuator'`,
      (q) => L`The web application [ROOT] appears to have started a thread named [${V(threadName(q))}] but has failed to stop it. This is very likely to create a memory leak.`,
      (q) => L`Finished Spring Data repository scanning in ${N(q, 10, 900)} ms. Found ${N(q, 1, 40)} JPA repository interfaces.`,
      (q) => L`Will secure any request with [${V(list(q, filter, 3, 8, ', '))}]`,
    ],
    closed: [
      [(q) => L`Tomcat started on port(s): ${N(q, 8080, 8090)} (http) with context path ''`, (q) => L`Tomcat started on port(s): ${N(q, 8080, 8090)} (http) with context path '${V(contextPath(q))}'`],
      ['Starting...', 'Start completed.', 'Shutdown initiated...', 'Shutdown completed.'].map(hikari),
      ['Pausing', 'Stopping', 'Destroying'].map(handler),
      [() => L`Starting service [Tomcat]`, () => L`Stopping service [Tomcat]`],
    ],
  };
}

const FAMILIES: Readonly<Record<string, (v: Vocabulary) => FamilyEvents>> = { logcat, bgl, hpc, linux, macos, nova, proxifier, tbird, cbs, redis, cassandra, spring };

/** Every family name, in the order a system draws them from. */
export const FAMILIES_V12: readonly string[] = Object.keys(FAMILIES);

/** One invented system of `lines` lines (2,000 by default), its name `v12-<seed>:<family>+…`. */
export function unseenSystemV12(seed: number, lines = 2000): SyntheticSampleV2 {
  return blindSystem({ label: 'v12', families: FAMILIES, syllables: SYLLABLES, streamOffset: STREAM_OFFSET, minEvents: MIN_EVENTS }, seed, lines);
}
