/**
 * Held-out invented systems, thirteenth generation (--synthetic-v13 of
 * bench/template-mining.ts).
 *
 * Why a thirteenth generator: v1-v12 (unseen-systems*.ts) have all been used
 * or looked at while the miner was tuned, or will be once their reported
 * figure is taken. This one was written BLIND: its author did not read the
 * miner (processors/) nor the event shapes of the earlier generators (only
 * their header comments), and never ran the miner on it. It shares only the
 * sample shape (SyntheticSampleV2), the drawing helpers (synthetic-draw.ts),
 * the pieces and vocabulary pools (synthetic-pieces.ts, moved out of v12) and
 * the ground-truth convention stated in v9's header (learned from the
 * corrected Loghub-2.0 templates), restated below with this file's choices.
 *
 * Families (CONTENT after the timestamp / host / level / component header, as
 * the Loghub benchmarks strip it); event shapes written from what those
 * programs print, avoiding the shapes the v9-v12 headers list:
 *   logcat   Android: alarm dispatch `Alarm{<hex> type … origWhen …}`,
 *            SQLite automatic indexes and connection-pool waits with the
 *            thread name in parentheses, AudioTrack underruns, input device
 *            reconfiguration, dex2oat summaries with glued units, watchdog
 *            blocks per handler thread, volume broadcasts with the state read
 *            from data, toasts with an object hash, setWifiEnabled with a
 *            boolean from data, usage-stats time changes (negative),
 *            Bluetooth service connected / disconnected, screen blocking
 *   bgl      BlueGene/L RAS: core file generation, rts bad message headers
 *            `key=value`, ciod unrecognized messages per tree address, tree
 *            packet type errors with soft headers, Power Good deactivation
 *            per location, `Target=ido://…/JTAG Message=…` with a MAC-like
 *            serial, hardware monitor exceptions as free text, EDRAM counts,
 *            LinkCard / NodeCard not fully functional, ciod signals
 *   hpc      HPC cluster: broadcast-tree link errors `Interconnect-<*>`,
 *            Lustre OST connection lost / restored, mpirun signal deaths with
 *            the signal name, NVRM Xid errors with free text, slurmstepd
 *            memory-limit kills, job cancellations with an ISO time, slurmd
 *            launch requests `UID:<*>`, prolog durations, slow RPCs, munge
 *            decode failures led by the daemon, mlx5 cable plugged / unplugged
 *   linux    2005-era Linux syslog: syslogd restarts, ATAPI drive banners
 *            with glued `kB` and `UDMA(<*>)`, PCI IRQ routers, anacron jobs
 *            started / terminated and delays in minutes, hcid / sdpd banners,
 *            copyright years, `dquot_<*>` identifiers, Dentry / Inode-cache
 *            hash tables, CPU MHz, parport modes (a comma list), mdadm events
 *   macos    macOS: locationd icon states, loginwindow list identifiers, QQ
 *            `FA||Url||taskID[<*>]`, tcp TLS error callbacks with `_`
 *            function names, address book attributes, CTS scheduling with a
 *            double space, secd error domains as free text, NAT64 ifstate hex,
 *            coreaudiod stack shots disabled / enabled, hibernate, telemetry
 *            assertions with a build and an upper-case UUID
 *   nova     OpenStack nova: live migration progress with a glued percentage,
 *            migration failures as free text, allocations in placement as a
 *            dict with numbers, cold / live snapshots, image upload, port
 *            updates with quoted attributes, power-state sync counts, stale
 *            volume attachments, instance resizes per flavor, migration
 *            completed / aborted
 *   proxifier  Proxifier client: version banner `v<*>`, log switches
 *            (closed set), UDP associations through a proxy, blocked
 *            connections, proxies not responding within seconds, engine
 *            start / stop, update notices, statistics
 *   tbird    Thunderbird cluster syslog: lost ticks, sshd accepted logins
 *            per method (closed set), nfs_statfs errors, RPC connect errors,
 *            ib_sm sweeps `[file.c:<*>]`, device drivers loaded, ACPI PCI
 *            interrupts with trigger and polarity read from data, printk
 *            suppressions, GM LANai ports, mtrr type mismatches, ipmi flags
 *   cbs      Windows CBS servicing: foundation package enumeration with `~`
 *            package ids, ExecuteState values, reboot mark refs, DisableWer
 *            queries with a double space, UI progress lines, package
 *            resolution with PinDeployment components, LKG enabling /
 *            disabling, startup / idle processing threads, archives opened
 *            by `\\?\` paths, manifest attribute HRESULTs
 *   postfix  Postfix mail server: smtpd connect / disconnect with command
 *            counts, client lines with a sometimes-empty `sasl_username=`,
 *            NOQUEUE rejects with the reply as free text, cleanup
 *            message-ids, qmgr `from=<…>` beside the bounce `from=<>`,
 *            delivery `relay=host[ip]:port, delays=a/b/c/d, dsn=` with
 *            status sent / deferred / bounced (closed set) and the remote
 *            reply as free text, `host … said: … (in reply to <*> command)`,
 *            TLS established (Trusted / Untrusted / Anonymous), lost
 *            connections after a command, SASL failures, anvil statistics
 *   rabbitmq RabbitMQ: AMQP connections accepted / closing `ip:port ->
 *            ip:port` with Erlang pids `<<*>>`, user authenticated for a
 *            vhost, missed heartbeats with a glued `s`, channel exceptions
 *            per operation with the reason as free text, memory watermarks
 *            `Memory used:<*>`, resource alarms set / cleared led by the
 *            resource, TCP / TLS listeners, queue declarations with booleans
 *            from data, quorum leader changes, permissions, login refusals
 *            led by the mechanism, node up / down
 *   mongodb  MongoDB legacy text log: slow `command <ns> appName: "<*>"
 *            command: <*> <*> planSummary: <*> keysExamined:<*> … <*>ms`
 *            with the command document and the plan as free text, slow
 *            updates, connections accepted `#<*> (<*> connections now
 *            open)` and ended, client metadata documents, member states read
 *            from heartbeats, own transitions to PRIMARY / SECONDARY /
 *            RECOVERING (closed set), index builds, startup banners
 *            (`<*>-bit`, `v<*>`), authentication successes and failures,
 *            heartbeat errors `; <*>: <*>`, elections, WiredTiger messages
 * Program, host, user and other names are random pronounceable words invented
 * per system; real-world words appear only where programs of that kind print
 * them (UDMA, PCSPP, WT_SESSION, ESMTP, IXSCAN, op_msg, amd64, S_OK).
 *
 * Each seed invents one system: one to three families (more while it has fewer
 * than MIN_EVENTS events), about 75% of each family's plain shapes and of its
 * closed sets after the first, one vocabulary pool per kind of entity (shared
 * by every event naming it, made from its own seeded stream so pools do not
 * depend on the order events are built or drawn) of random size: a third of
 * the pools 1..3 values, the others 4..200 (a few kinds with few real values,
 * like replica states or SMTP commands, are narrowed); values drawn with a
 * skew inside a pool; Zipf event frequencies (exponent 0.7-1.5) over a random
 * ranking of all events; 2,000 lines drawn independently. The system stream's
 * offset (STREAM_OFFSET) was chosen, before any miner run, as the first that
 * gives the twelve reported seeds twelve different mixes that together use
 * all twelve families (found by drawing only the mixes, from 0 up: 2).
 *
 * Ground-truth convention (v9's, from the corrected Loghub-2.0 templates; this
 * file's choices where it had to pick):
 * - no standalone number is constant: every number is `<*>`, even one a
 *   system always prints alike (`type 2`, `ehlo=1`, `(C) 2000-2002` is `(C)
 *   <*>-<*>`, Mongo's `64-bit` is `<*>-bit`); digit-bearing words are
 *   constants when they name a thing (`ssh2`, `op_msg`, `parport0`, `mlx5`);
 * - an identifier of words and numbers joined by `_` is ONE variable (`dquot_6.5.1`,
 *   a CBS component, a TLS cipher `TLS_AES_256_GCM_SHA384`, a C function
 *   name with its `.434` suffix); a Windows package id with `~` is one too;
 * - a constant word joined by `-` to a number or id keeps the word
 *   (`Interconnect-<*>`, `<*>-OST<*>`); a constant glued before a number
 *   keeps it too (`conn<*>`, `[conn<*>]`, `v<*>`, `#<*>`, `core.<*>`,
 *   `UDMA(<*>)`, `UID:<*>`, `Memory used:<*>`, `keysExamined:<*>`);
 * - `ip:port` is `<*>:<*>`, `host[ip]` is `<*>[<*>]`, and Postfix's
 *   `relay=host[ip]:port` is `relay=<*>[<*>]:<*>` (CHOICE: the bracket and
 *   port structure wins over "a key=value value is one variable");
 *   `node@host` is `<*>@<*>`; an Erlang pid keeps its angle brackets
 *   constant (`<<*>>` around `0.1234.0`), as a Postfix address does
 *   (`from=<<*>>`);
 * - a unit glued to a number is inside the variable (`128kB`, `123ms`,
 *   `60s`, `45%`, `1.234s`, `12MB`); a fixed unit after a space is constant
 *   (`<*> seconds`, `<*> min`, `<*> MHz`, `<*> bytes`, `<*> megabytes`);
 * - brackets, parentheses, braces, quotes around a value are constant;
 * - a path is one variable (Unix, Windows with `\\?\` and spaces, macOS);
 * - `key=value`, `key: value`, `key:value`: the key and separator constant,
 *   the value one variable even with `/`, `.` or spaces inside (CHOICE:
 *   Postfix `delays=a/b/c/d` is one variable, like any `key=value`); a field
 *   printed empty sometimes is one template with the non-empty form (empty
 *   only right after `=` or between double quotes: Postfix
 *   `sasl_username=`, Mongo `appName: ""`); a field always printed empty is
 *   constant text (Postfix's bounce sender `from=<>` is its own event beside
 *   `from=<<*>>`);
 * - `0x` hex is one variable with its prefix; a negative number keeps its
 *   sign (`Time changed in UsageStats by <*> seconds`, `statfs error = <*>`).
 * Where the real data is silent, the held-out judges' account:
 * - a variable in the first position is a variable even without a digit (a
 *   Proxifier program, a RabbitMQ alarm resource or login mechanism, a Slurm
 *   daemon, a macOS CTS activity);
 * - word count varying inside one event is ONE template: an optional
 *   parenthesised part belongs to the variable it follows (a heartbeat error
 *   `Connection refused (connection attempt failed)`), empty vs non-empty
 *   field, comma lists of varying length (parport modes), values with
 *   spaces (signal names, SMTP commands `RCPT TO`, plan summaries `IXSCAN {
 *   a: 1 }`, Mongo command documents, channel exception reasons, Postfix
 *   remote replies, nova migration failures) are one variable;
 * - small value sets are still variables (volume states, replica member
 *   states, SMTP commands, trigger / polarity, alarm resources, TLS
 *   versions, login mechanisms, icon states);
 * - CHOICE: a state the program reads from data (a replica member's state in
 *   a heartbeat, a volume's state, a Ra role `follower -> leader`) is a
 *   variable; a state change the program announces of itself with a fixed
 *   sentence (`transition to PRIMARY`, Postfix `status=sent / deferred /
 *   bounced`, anacron `started / terminated`) is a closed set of events;
 * - punctuation inside a value does not split it: `1/60s`, `a/b/c/d`, a
 *   Windows package id, an Erlang pid, an upper-case UUID;
 * - separate events: closed sets of plain words in a fixed position naming
 *   what happened (Bluetooth connected / disconnected, LinkCard / NodeCard,
 *   cable plugged / unplugged, Dentry / Inode-cache, mdadm events, stack
 *   shots disabled / enabled, cold / live snapshots, log switches, sshd
 *   methods, LKG enabling / disabling, TLS trust, alarm set / cleared,
 *   TCP / TLS listeners, rabbit node up / down, Mongo transitions), a
 *   specific event beside a general one (Postfix `from=<>` beside
 *   `from=<<*>>`);
 * - a boolean read from data is a variable (`setWifiEnabled: <*>`, `durable:
 *   <*>`);
 * - a UUID, a MAC-like serial, a version, a decimal number, an Erlang pid,
 *   a queue id are one variable each.
 *
 * REPORTED_SEEDS_V13 (1701-1712) were fixed in this file before anything else
 * was written (and before the generator could be run at all). Never tune on
 * them: develop on DEVELOPMENT_SEEDS_V13 or other seeds.
 */
import type { FamilyEvents, Piece, Render, Syllables } from './synthetic-draw';
import { hexDigits, int, pad, pick } from './synthetic-draw';
import type { Rng, Vocabulary } from './synthetic-pieces';
import { blindSystem, bool, cap, chance, dec, ipv4, L, list, N, pid, port, uuid, V } from './synthetic-pieces';
import type { SyntheticSampleV2 } from './unseen-systems-v2';

/** Reported seeds, fixed before anything else was written and never for tuning. */
export const REPORTED_SEEDS_V13: readonly number[] = [1701, 1702, 1703, 1704, 1705, 1706, 1707, 1708, 1709, 1710, 1711, 1712];
/**
 * Seeds to develop on (any seed outside REPORTED_SEEDS_V13 will do; these five
 * are the `=dev` set: the first five from 12001 on that each add a family the
 * earlier ones lack, nine families in all).
 */
export const DEVELOPMENT_SEEDS_V13: readonly number[] = [12001, 12002, 12003, 12004, 12006];

/** A system has at least this many events (more families are added until it does). */
const MIN_EVENTS = 22;
/** Offset of the system stream (see the header: the first giving twelve different reported mixes over all families). */
const STREAM_OFFSET = 2;

/** This generator's letter table for invented words. */
const SYLLABLES: Syllables = {
  onsets: ['b', 'c', 'd', 'f', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'qu', 'r', 's', 't', 'v', 'w', 'y', 'bl', 'dr', 'fl', 'sk', 'sp', 'th', 'wh'],
  vowels: ['a', 'e', 'i', 'o', 'u', 'y', 'oa', 'ee', 'io'],
  codas: ['', '', '', 'k', 'l', 'n', 'p', 't', 'sh', 'ck', 'ng', 'ft', 'lt'],
};

// ---------------------------------------------------------------------------
// Values several families print

const upperHex = (q: Rng, n: number): string => hexDigits(q, n).toUpperCase();
/** A dotted version `a.b.c`. */
const version = (q: Rng, major: readonly [number, number]): string => `${int(q, major[0], major[1])}.${int(q, 0, 12)}.${int(q, 0, 40)}`;
/** A day and time as syslog prints them inside a message (two-digit days only: no double space). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const clock = (q: Rng): string => `${pad(int(q, 0, 23), 2)}:${pad(int(q, 0, 59), 2)}:${pad(int(q, 0, 59), 2)}`;
const isoTime = (q: Rng): string => `${int(q, 2019, 2026)}-${pad(int(q, 1, 12), 2)}-${pad(int(q, 10, 28), 2)}T${clock(q)}`;
/** A dotted Java / Android package. */
const javaPackage = (v: Vocabulary, q: Rng): string => `${pick(q, ['com', 'org', 'net', 'io'])}.${v.word(q)}.${v.word(q)}`;

// ---------------------------------------------------------------------------
// Families

/** Android logcat messages (tag stripped, as Loghub's Android content). */
function logcat(v: Vocabulary): FamilyEvents {
  const pkg = v.pools('android-package', (s) => javaPackage(v, s));
  const action = v.pools('android-alarm-action', (s) => `${javaPackage(v, s)}.${pick(s, ['ACTION_', 'SYNC_', 'REFRESH_', ''])}${v.word(s).toUpperCase()}`);
  const table = v.pools('android-sqlite-table', (s) => pick(s, [v.word(s), `${v.word(s)}_${v.word(s)}`]));
  const column = v.pools('android-sqlite-column', (s) => pick(s, [`${v.word(s)}_id`, v.word(s), 'thread_id', '_id']));
  const threadName = v.pools('android-thread', (s) => pick(s, ['main', `Binder:${int(s, 300, 4000)}_${int(s, 1, 9)}`, `pool-${int(s, 1, 6)}-thread-${int(s, 1, 9)}`, 'AsyncTask #1', 'RenderThread', `${v.word(s)}Worker`]));
  const device = v.pools('android-input-device', (s) => pick(s, ['gpio-keys', 'qpnp_pon', 'sec_touchscreen', `${v.word(s)}-ts`, 'uinput-fpc']));
  const handlerThread = v.pools('android-watchdog-thread', (s) => pick(s, ['main', 'ui', 'i/o', 'display', 'animation', 'foreground']), [2, 5]);
  const monitor = v.pools('android-watchdog-monitor', (s) => `com.android.server.${pick(s, ['am.ActivityManagerService', 'wm.WindowManagerService', 'power.PowerManagerService', 'input.InputManagerService', `${v.word(s)}.${cap(v.word(s))}Service`])}`);
  const volumeState = v.pools('android-volume-state', (s) => pick(s, ['mounted', 'unmounted', 'checking', 'ejecting', 'removed']), [2, 3]);
  const dbPath = (q: Rng): string => `/data/user/${int(q, 0, 10)}/${pkg(q)}/databases/${table(q)}.db`;
  const bt = (what: string): Render => () => L`Bluetooth Service ${what}`;
  return {
    plain: [
      (q) => L`sending alarm Alarm{${V(hexDigits(q, 7))} type ${N(q, 0, 3)} origWhen ${N(q, 1e9, 9e9)} ${V(action(q))}}`,
      (q) => L`(${N(q, 284, 284)}) automatic index on ${V(table(q))}(${V(column(q))})`,
      (q) => L`The connection pool for database '${V(dbPath(q))}' has been unable to grant a connection to thread ${N(q, 1, 9999)} (${V(threadName(q))}) with flags ${V(`0x${int(q, 1, 9)}`)} for ${V(dec(q, 30, 600, 3))} seconds.`,
      (q) => L`releaseBuffer() track ${V(`0x${hexDigits(q, 8)}`)} disabled due to previous underrun, restarting`,
      (q) => L`Device reconfigured: id=${N(q, 1, 12)}, name='${V(device(q))}', size ${V(`${pick(q, [1080, 1440, 720])}x${pick(q, [2340, 2400, 1920, 3120])}`)}, orientation ${N(q, 0, 3)}, mode ${N(q, 0, 2)}, display id ${N(q, 0, 1)}`,
      (q) => L`dex2oat took ${V(`${dec(q, 0.1, 40, 3)}s`)} (${V(`${dec(q, 0.1, 90, 3)}s`)} cpu) (threads: ${N(q, 1, 8)}) arena alloc=${V(`${int(q, 1, 90)}MB`)} (${V(`${int(q, 1e5, 9e7)}B`)}) java alloc=${V(`${int(q, 1, 90)}MB`)} (${V(`${int(q, 1e5, 9e7)}B`)})`,
      (q) => L`Blocked in handler on ${V(handlerThread(q))} thread (${V(`android.${pick(q, ['fg', 'io', 'ui', 'display', 'bg'])}`)})`,
      (q) => L`Blocked in monitor ${V(monitor(q))} on foreground thread (android.fg)`,
      (q) => L`Volume ${V(`public:${int(q, 7, 260)},${int(q, 0, 64)}`)} broadcasting ${V(volumeState(q))} to UserHandle{${N(q, 0, 10)}}`,
      (q) => L`Toast already killed. pkg=${V(pkg(q))} callback=android.app.ITransientNotification$Stub$Proxy@${V(hexDigits(q, 7))}`,
      (q) => L`setWifiEnabled: ${bool(q)} pid=${pid(q)}, uid=${N(q, 1000, 10999)}, package=${V(pkg(q))}`,
      (q) => L`Time changed in UsageStats by ${N(q, -90000, 90000)} seconds`,
      (q) => L`Unblocked screen on after ${N(q, 20, 2000)} ms`,
      () => L`Blocking screen on until initial contents have been drawn.`,
    ],
    closed: [[bt('connected'), bt('disconnected')]],
  };
}

/** BlueGene/L RAS messages. */
function bgl(v: Vocabulary): FamilyEvents {
  const location = (q: Rng): string => `R${pad(int(q, 0, 7), 1)}${int(q, 0, 7)}-M${int(q, 0, 1)}-N${upperHex(q, 1)}`;
  const loc = v.pools('bgl-location', location);
  const ioException = v.pools('bgl-monitor-exception', (s) =>
    pick(s, [
      'java.lang.IllegalStateException: while executing CONTROL Operation',
      `java.io.IOException: Could not find EthernetSwitch on port:address ${int(s, 1, 9)}:${int(s, 1, 250)}`,
      'java.lang.NullPointerException',
      `java.net.SocketTimeoutException: Read timed out after ${int(s, 1, 60)} seconds`,
    ]),
  );
  const jtagMessage = v.pools('bgl-jtag-message', (s) => pick(s, ['Ido packet timeout', 'Ido chip status changed', 'Bad ido checksum', 'Unexpected ido packet sequence']), [1, 3]);
  const serial = (q: Rng): string => Array.from({ length: 12 }, () => upperHex(q, 2)).join(':');
  const card = (kind: string): Render => (q) => L`${kind} is not fully functional: ${V(loc(q))}`;
  return {
    plain: [
      (q) => L`generating core.${N(q, 1, 9999)}`,
      (q) => L`rts: bad message header: invalid cpu, type=${N(q, 1, 65535)}, cpu=${N(q, 0, 511)}, index=${N(q, 1, 2147483647)}, total=${N(q, 1, 8)}`,
      (q) => L`ciod: cpu ${N(q, 0, 127)} at treeaddr ${N(q, 0, 1023)} sent unrecognized message ${V(`0x${hexDigits(q, 8)}`)}`,
      (q) => L`Error receiving packet on tree network, expecting type ${N(q, 1, 64)} instead of type ${N(q, 1, 64)} (softheader=${V(hexDigits(q, 8))} ${V(hexDigits(q, 8))} ${V(hexDigits(q, 8))} ${V(hexDigits(q, 8))}) PSet ${N(q, 0, 63)}`,
      (q) => L`Power Good signal deactivated: ${V(loc(q))}. A service action may be required.`,
      (q) => L`Target=ido://${V(serial(q))}/JTAG Message=${V(jtagMessage(q))}`,
      (q) => L`Hardware monitor caught ${V(ioException(q))}`,
      (q) => L`${N(q, 1, 999)} L3 EDRAM error(s) (dcr ${V(`0x${hexDigits(q, 4)}`)}) detected and corrected over ${N(q, 1, 99999)} seconds`,
      () => L`Can not get assembly information for node card`,
      () => L`suppressing further interrupts of same type`,
      (q) => L`ciod: Received signal ${N(q, 1, 31)}, code=${N(q, -6, 6)}, errno=${N(q, 0, 125)}, address=${V(`0x${hexDigits(q, 8)}`)}`,
      () => L`ciodb has been restarted.`,
    ],
    closed: [[card('LinkCard'), card('NodeCard')]],
  };
}

/** HPC cluster messages (node management, Slurm, MPI, InfiniBand, Lustre, GPUs). */
function hpc(v: Vocabulary): FamilyEvents {
  const fsName = v.pools('hpc-lustre-fs', (s) => pick(s, ['scratch', 'home', 'projects', v.word(s)]), [1, 3]);
  const node = v.pools('hpc-node', (s) => `${pick(s, ['cn', 'gpu', 'node', v.word(s)])}${pad(int(s, 1, 512), 3)}`);
  const signal = v.pools('hpc-signal', (s) => pick(s, ['Segmentation fault', 'Killed', 'Aborted', 'Bus error', 'Floating point exception', 'Terminated']), [2, 6]);
  const xidText = v.pools('hpc-xid-text', (s) => pick(s, ['GPU has fallen off the bus.', 'Graphics Exception: ESR 0x404600=0x80000002', `Ch ${pad(int(s, 0, 99), 8)}, intr 10000000. MMU Fault`, 'Timeout after 6s of waiting for RPC response from GPU0 GSP!']));
  const daemon = v.pools('hpc-slurm-daemon', (s) => pick(s, ['slurmctld', 'slurmd', 'slurmstepd', 'sbatch']), [1, 3]);
  const rpc = v.pools('hpc-slurm-rpc', (s) => pick(s, ['_slurm_rpc_node_registration', '_slurm_rpc_submit_batch_job', '_slurm_rpc_complete_batch_script', 'schedule', 'job_time_limit', '_slurm_rpc_dump_jobs']), [2, 6]);
  const pci = (q: Rng): string => `0000:${pad(int(q, 0, 99), 2)}:00.${int(q, 0, 1)}`;
  const ost = (q: Rng): Piece[] => L`${V(fsName(q))}-OST${V(pad(int(q, 0, 63), 4))}`;
  const cable = (what: string): Render => (q) => L`mlx5_core ${V(pci(q))}: Port module event: module ${N(q, 0, 1)}, Cable ${what}`;
  return {
    plain: [
      (q) => L`Link error on broadcast tree Interconnect-${V(`${int(q, 0, 3)}T${pad(int(q, 0, 15), 2)}:${pad(int(q, 0, 15), 2)}:${int(q, 0, 3)}:${int(q, 0, 7)}`)}`,
      (q) => L`Lustre: ${ost(q)}-osc: Connection to ${ost(q)} (at ${V(v.ip(q))}@o2ib) was lost; in progress operations using this service will wait for recovery to complete`,
      (q) => L`Lustre: ${ost(q)}-osc: Connection restored to ${ost(q)} (at ${V(v.ip(q))}@o2ib)`,
      (q) => L`mpirun noticed that process rank ${N(q, 0, 4095)} with PID ${pid(q)} on node ${V(node(q))} exited on signal ${N(q, 1, 15)} (${V(signal(q))}).`,
      (q) => L`NVRM: Xid (PCI:${V(pci(q))}): ${N(q, 13, 119)}, pid=${pid(q)}, ${V(xidText(q))}`,
      (q) => L`error: Job ${N(q, 100000, 9999999)} exceeded memory limit (${N(q, 1e5, 9e8)} > ${N(q, 1e5, 9e8)}), being killed`,
      (q) => L`*** JOB ${N(q, 100000, 9999999)} ON ${V(node(q))} CANCELLED AT ${V(isoTime(q))} ***`,
      (q) => L`launch task ${N(q, 100000, 9999999)}.${N(q, 0, 9)} request from UID:${N(q, 1000, 60000)} GID:${N(q, 100, 60000)} HOST:${V(v.ip(q))} PORT:${port(q)}`,
      (q) => L`prolog for job ${N(q, 100000, 9999999)} ran for ${N(q, 0, 300)} seconds`,
      (q) => L`Warning: Note very large processing time from ${V(rpc(q))}: usec=${N(q, 1e6, 9e7)} began=${V(clock(q))}.${N(q, 0, 999)}`,
      (q) => L`${V(daemon(q))}: error: Munge decode failed: ${V(pick(q, ['Expired credential', 'Invalid credential', 'Rewound credential', 'Unauthorized credential for client UID=0 GID=0']))}`,
      () => L`ORTE has lost communication with a remote daemon.`,
    ],
    closed: [[cable('plugged'), cable('unplugged')]],
  };
}

/** 2005-era Linux syslog content (kernel, daemons). */
function linux(v: Vocabulary): FamilyEvents {
  const drive = v.pools('linux-ide-drive', (s) => pick(s, ['hda', 'hdb', 'hdc', 'hdd']), [1, 2]);
  const driveModel = v.pools('linux-drive-model', (s) => pick(s, [`ATAPI ${int(s, 8, 52)}X CD-ROM drive`, `${cap(v.word(s))} DVD-ROM ${upperHex(s, 4)}`, `LITE-ON ${upperHex(s, 6)}`]), [1, 3]);
  const router = v.pools('linux-irq-router', (s) => pick(s, ['PIIX/ICH', 'VIA', 'SIS', 'AMD756']), [1, 2]);
  const anacronJob = v.pools('linux-anacron-job', (s) => pick(s, ['cron.daily', 'cron.weekly', 'cron.monthly']), [1, 3]);
  const parportMode = v.pools('linux-parport-mode', (s) => pick(s, ['PCSPP', 'TRISTATE', 'EPP', 'ECP', 'COMPAT', 'DMA']), [4, 6]);
  const hashTable = (which: string): Render => (q) => L`${which} hash table entries: ${N(q, 4096, 262144)} (order: ${N(q, 2, 9)}, ${N(q, 16384, 2097152)} bytes)`;
  const anacron = (what: string): Render => (q) => L`Job \`${V(anacronJob(q))}' ${what}`;
  const mdadm = (event: string): Render => (q) => L`${event} event detected on md device ${V(`/dev/md${int(q, 0, 3)}`)}`;
  return {
    plain: [
      (q) => L`syslogd ${V(`1.4.${int(q, 0, 2)}`)}: restart.`,
      (q) => L`${V(drive(q))}: ${V(driveModel(q))}, ${V(`${pick(q, [128, 256, 512, 2048])}kB`)} Cache, UDMA(${N(q, 25, 100)})`,
      (q) => L`PCI: Using IRQ router ${V(router(q))} [${V(`${upperHex(q, 4)}/${upperHex(q, 4)}`)}] at ${V(`0000:00:${pad(int(q, 0, 31), 2)}.${int(q, 0, 7)}`)}`,
      (q) => L`Will run job \`${V(anacronJob(q))}' in ${N(q, 1, 75)} min.`,
      (q) => L`HCI daemon ver ${V(`2.${int(q, 0, 9)}`)} started`,
      (q) => L`sdpd v${V(`1.${int(q, 0, 9)}`)} started`,
      (q) => L`ip_tables: (C) ${N(q, 2000, 2000)}-${N(q, 2002, 2002)} Netfilter core team`,
      (q) => L`VFS: Disk quotas ${V(`dquot_6.5.${int(q, 0, 1)}`)}`,
      (q) => L`Detected ${V(dec(q, 400, 3200, 3))} MHz processor.`,
      (q) => L`CPU: L2 cache: ${V(`${pick(q, [256, 512, 1024])}K`)}`,
      (q) => L`parport0: PC-style at ${V(`0x${pick(q, ['378', '278', '3bc'])}`)} [${V(list(q, parportMode, 1, 4, ','))}]`,
      () => L`SELinux:  Initializing.`,
      (q) => L`Anacron ${V(`2.${int(q, 0, 3)}`)} started on ${V(`${int(q, 2004, 2006)}-${pad(int(q, 1, 12), 2)}-${pad(int(q, 1, 28), 2)}`)}`,
    ],
    closed: [
      [anacron('started'), anacron('terminated')],
      [hashTable('Dentry cache'), hashTable('Inode-cache')],
      ['RebuildStarted', 'RebuildFinished', 'Fail', 'DegradedArray'].map(mdadm),
    ],
  };
}

/** macOS system log content. */
function macos(v: Vocabulary): FamilyEvents {
  const iconState = v.pools('macos-location-icon-state', (s) => pick(s, ['Inactive', 'Active', 'ActiveInBackground']), [2, 3]);
  const bundle = v.pools('macos-bundle', (s) => `com.${pick(s, ['apple', v.word(s)])}.${cap(v.word(s))}`);
  const tlsFunction = v.pools('macos-tls-callback', (s) => `__tcp_connection_tls_session_callback_${pick(s, ['write', 'read', 'handshake'])}_block_invoke.${int(s, 100, 999)}`, [1, 3]);
  const abAttribute = v.pools('macos-ab-attribute', (s) => pick(s, ['t:AbchPersonItemType', `t:${cap(v.word(s))}Type`, 't:ContactEmailType']));
  const secText = v.pools('macos-sec-text', (s) =>
    pick(s, [
      `The operation couldn’t be completed. (com.apple.security.sos.error error ${int(s, 1000, 1100)} - Public Key not available - failed to register before call)`,
      'The operation couldn’t be completed. (OSStatus error -25300.)',
      `Peer ${upperHex(s, 8)} is not in circle`,
    ]),
  );
  const build = v.pools('macos-build', (s) => `${int(s, 14, 17)}${pick(s, ['A', 'B', 'C', 'D', 'E', 'F', 'G'])}${int(s, 10, 2100)}`, [1, 2]);
  const listId = v.pools('macos-list-id', (s) => `com.apple.LSSharedFileList.${pick(s, ['RecentApplications', 'RecentDocuments', 'RecentServers', 'FavoriteItems'])}`, [1, 4]);
  const stackShots = (what: string, io: string): Render => () => L`${what} automatic stack shots because audio IO is ${io}`;
  const appleUuid = (q: Rng): string => uuid(q).toUpperCase();
  return {
    plain: [
      (q) => L`Location icon should now be in state '${V(iconState(q))}'`,
      (q) => L`-[SFLListManager(ServiceReplyProtocol) notifyOfChanges:toListWithIdentifier:] Notified of item changes to list with identifier ${V(listId(q))}`,
      (q) => L`FA||Url||taskID[${N(q, 1e9, 2147483647)}] dealloc`,
      (q) => L`tcp_connection_tls_session_error_callback_imp ${N(q, 1, 9999)} ${V(tlsFunction(q))} error ${N(q, 1, 64)}`,
      (q) => L`Unrecognized attribute value: ${V(abAttribute(q))}`,
      (q) => L`${V(`${bundle(q)}.${cap(v.word(q))}`)}: scheduler_evaluate_activity told me to run this job; however, but the start time isn't for ${N(q, 1, 999999)} seconds.  Ignoring.`,
      (q) => L`SecErrorGetOSStatus unknown error domain: com.apple.security.sos.error for error: ${V(secText(q))}`,
      (q) => L`nw_nat64_post_new_ifstate successfully changed NAT64 ifstate from ${V(`0x${int(q, 1, 9)}`)} to ${V(`0x${hexDigits(q, 16)}`)}`,
      (q) => L`hibernate_page_list_setall(preflight ${N(q, 0, 1)}) start`,
      (q) => L`hibernate image path: ${V(pick(q, ['/var/vm/sleepimage', `/Volumes/${cap(v.word(q))}/sleepimage`]))}`,
      (q) => L`assertion failed: ${V(build(q))}: ${V(bundle(q))} + ${N(q, 1000, 99999)} [${V(appleUuid(q))}]: ${V(`0x${hexDigits(q, 2)}`)}`,
    ],
    closed: [[stackShots('Disabled', 'active'), stackShots('Enabled', 'inactive')]],
  };
}

/** OpenStack nova-compute content (after the `[req-… …]` context, as Loghub strips it). */
function nova(v: Vocabulary): FamilyEvents {
  const instance = v.pools('nova-instance', uuid);
  const flavor = v.pools('nova-flavor', (s) => pick(s, ['m1.small', 'm1.medium', 'm1.large', `${v.word(s)}.${pick(s, ['xlarge', 'tiny', '2xlarge'])}`]), [2, 6]);
  const migrationError = v.pools('nova-migration-error', (s) =>
    pick(s, [
      `internal error: unable to execute QEMU command 'migrate': ${pick(s, ['Connection refused', 'Timed out'])}`,
      'operation failed: migration job: unexpectedly failed',
      `Requested operation is not valid: domain 'instance-${hexDigits(s, 8)}' is not running`,
    ]),
  );
  const host = v.host;
  const inst = (q: Rng): Piece[] => L`[instance: ${V(instance(q))}]`;
  const snapshot = (kind: string): Render => (q) => L`${inst(q)} Beginning ${kind} snapshot process`;
  const migration = (outcome: string): Render => (q) => L`${inst(q)} Migration operation has ${outcome}`;
  return {
    plain: [
      (q) => L`${inst(q)} Migration running for ${N(q, 5, 900)} secs, memory ${V(`${int(q, 0, 100)}%`)} remaining; (bytes processed=${N(q, 0, 9e9)}, remaining=${N(q, 0, 9e9)}, total=${N(q, 1e9, 9e9)})`,
      (q) => L`${inst(q)} Live Migration failure: ${V(migrationError(q))}`,
      (q) => L`${inst(q)} Migrating instance to ${V(host(q))} finished successfully.`,
      (q) => L`Instance ${V(instance(q))} actively managed on this compute host and has allocations in placement: {'resources': {'VCPU': ${N(q, 1, 32)}, 'MEMORY_MB': ${N(q, 512, 131072)}, 'DISK_GB': ${N(q, 1, 500)}}}.`,
      (q) => L`${inst(q)} Snapshot extracted, beginning image upload`,
      (q) => L`${inst(q)} Snapshot image upload complete`,
      (q) => L`Updating port ${V(uuid(q))} with attributes {'binding:host_id': '${V(host(q))}', 'device_owner': '${V(pick(q, ['compute:nova', `compute:${v.word(q)}`]))}'}`,
      (q) => L`While synchronizing instance power states, found ${N(q, 0, 90)} instances in the database and ${N(q, 0, 90)} instances on the hypervisor.`,
      (q) => L`Deleting stale volume attachment for volume ${V(uuid(q))}`,
      (q) => L`${inst(q)} Resizing instance from flavor ${V(flavor(q))} to ${V(flavor(q))}`,
      (q) => L`Successfully synced instances from host '${V(host(q))}'.`,
      () => L`Skipping network cache update for instance because it is being deleted.`,
    ],
    closed: [
      [snapshot('cold'), snapshot('live')],
      [migration('completed'), migration('aborted')],
    ],
  };
}

/** Proxifier client log content. */
function proxifier(v: Vocabulary): FamilyEvents {
  const program = v.pools('proxifier-program', (s) => pick(s, [`${v.word(s)}.exe`, 'chrome.exe', 'svchost.exe', 'Skype.exe', `${cap(v.word(s))}.exe`]));
  const target = v.pools('proxifier-target', (s) => pick(s, [`${v.word(s)}.${pick(s, ['com', 'net', 'org', 'io'])}`, `www.${v.word(s)}.com`, ipv4(s)]));
  const proxy = v.pools('proxifier-proxy', (s) => pick(s, [`proxy.${v.word(s)}.edu`, ipv4(s)]), [1, 3]);
  const logSwitch = (what: string): Render => () => L`${what} enabled`;
  const engine = (what: string): Render => () => L`Proxifier engine ${what}`;
  return {
    plain: [
      (q) => L`Welcome to Proxifier v${V(`${int(q, 2, 4)}.${int(q, 0, 39)}`)}`,
      (q) => L`${V(program(q))} - UDP ${V(target(q))}:${port(q)} associate through proxy ${V(proxy(q))}:${port(q)} SOCKS5`,
      (q) => L`${V(program(q))} - ${V(target(q))}:${port(q)} (${V(v.ip(q))}) blocked`,
      (q) => L`Proxy ${V(proxy(q))}:${port(q)} did not respond within ${N(q, 5, 120)} sec`,
      (q) => L`Update check: version ${V(`${int(q, 3, 4)}.${int(q, 0, 40)}`)} is available`,
      (q) => L`Statistics: ${N(q, 0, 99999)} connections, ${N(q, 0, 999)} active, peak ${N(q, 0, 999)}`,
    ],
    closed: [
      ['Log file', 'Traffic log', 'Verbose output'].map(logSwitch),
      ['started', 'stopped'].map(engine),
    ],
  };
}

/** Thunderbird cluster syslog content. */
function tbird(v: Vocabulary): FamilyEvents {
  const driver = v.pools('tbird-driver', (s) => pick(s, ['dcdipm', 'dcdbas', 'dcdrbu', `${v.word(s)}drv`]), [1, 4]);
  const sweepFile = v.pools('tbird-sweep-file', (s) => pick(s, ['ib_sm_sweep.c', 'ib_sm_discover.c', 'ib_sm_routing.c']), [1, 2]);
  const trigger = v.pools('tbird-trigger', (s) => pick(s, ['level', 'edge']), [1, 2]);
  const polarity = v.pools('tbird-polarity', (s) => pick(s, ['low', 'high']), [1, 2]);
  const mtrrType = v.pools('tbird-mtrr-type', (s) => pick(s, ['write-back', 'write-combining', 'uncachable', 'write-through']), [2, 4]);
  const pciSlot = (q: Rng): string => `0000:${pad(int(q, 0, 15), 2)}:${pad(int(q, 0, 31), 2)}.${int(q, 0, 7)}`;
  const accepted = (method: string): Render => (q) => L`Accepted ${method} for ${V(v.user(q))} from ${V(v.ip(q))} port ${port(q)} ssh2`;
  return {
    plain: [
      () => L`Losing some ticks... checking if CPU frequency changed.`,
      (q) => L`nfs_statfs: statfs error = ${N(q, 5, 116)}`,
      (q) => L`RPC: error ${N(q, 5, 111)} connecting to server ${V(v.host(q))}`,
      (q) => L`[${V(sweepFile(q))}:${N(q, 100, 3000)}]: No topology change`,
      (q) => L`instsvcdrv: ${V(driver(q))} device driver loaded`,
      (q) => L`ACPI: PCI Interrupt ${V(pciSlot(q))}[${V(pick(q, ['A', 'B', 'C', 'D']))}] -> GSI ${N(q, 16, 64)} (${V(trigger(q))}, ${V(polarity(q))}) -> IRQ ${N(q, 16, 255)}`,
      (q) => L`printk: ${N(q, 1, 999)} messages suppressed.`,
      (q) => L`GM: LANai is not running. Allowing port=${N(q, 0, 7)} open for debugging`,
      (q) => L`mtrr: type mismatch for ${V(hexDigits(q, 8))},${V(hexDigits(q, 7))} old: ${V(mtrrType(q))} new: ${V(mtrrType(q))}`,
      (q) => L`ipmi_si: Error clearing flags: ${V(hexDigits(q, 2))}`,
    ],
    closed: [['publickey', 'password', 'gssapi-with-mic'].map(accepted)],
  };
}

/** Windows CBS servicing log content. */
function cbs(v: Vocabulary): FamilyEvents {
  const kb = v.pools('cbs-kb', (s) => `Package_for_KB${int(s, 900000, 5999999)}~31bf3856ad364e35~${pick(s, ['amd64', 'x86'])}~~${pick(s, ['6.1.1.0', '6.1.2.3', '10.0.1.0'])}`);
  const component = v.pools('cbs-component', (s) => `${pick(s, ['amd64', 'x86', 'wow64'])}_microsoft-windows-${v.word(s)}-${v.word(s)}_31bf3856ad364e35_6.1.${int(s, 7600, 7601)}.${int(s, 16385, 24000)}_none_${hexDigits(s, 16)}`);
  const executeState = v.pools('cbs-execute-state', (s) => pick(s, ['ExecuteStateNone', 'ExecuteStatePending', 'ExecuteStateReboot']), [1, 3]);
  const operation = v.pools('cbs-ui-operation', (s) => pick(s, ['Update', 'Install', 'Uninstall']), [1, 3]);
  const cab = (q: Rng): string => `\\\\?\\C:\\Windows\\SoftwareDistribution\\Download\\${hexDigits(q, 32)}\\Windows6.1-KB${int(q, 900000, 5999999)}-x64.cab`;
  const lkg = (what: string): Render => () => L`${what} LKG`;
  const thread = (which: string): Render => () => L`${which} processing thread terminated normally`;
  return {
    plain: [
      (q) => L`Enumerating Foundation package: ${V(`Microsoft-Windows-Foundation-Package~31bf3856ad364e35~amd64~~6.1.${int(q, 7600, 7601)}.${int(q, 16385, 17514)}`)}, this could be slow`,
      (q) => L`Setting ExecuteState key to: ${V(executeState(q))}`,
      (q) => L`Reboot mark refs: ${N(q, 0, 9)}`,
      (q) => L`Failed to query DisableWerReporting flag.  Assuming not set... [HRESULT = ${V('0x80070002 - ERROR_FILE_NOT_FOUND')}]`,
      (q) => L`Progress: UI message updated. Operation type: ${V(operation(q))}. Stage: ${N(q, 1, 3)} out of ${N(q, 1, 3)}. Percent progress: ${N(q, 0, 100)}.`,
      (q) => L`Resolving Package: ${V(kb(q))}, Update: ${V(`${int(q, 100000, 9999999)}_${int(q, 1, 40)}`)}, PinDeployment: ${V(component(q))}`,
      (q) => L`Archive: Opening archive ${V(cab(q))}`,
      (q) => L`Expecting attribute name [HRESULT = ${V(pick(q, ['0x800f080d - CBS_E_MANIFEST_INVALID_ITEM', '0x800f0805 - CBS_E_INVALID_PACKAGE']))}]`,
      () => L`Warning: Unrecognized packageExtended attribute.`,
      (q) => L`Mark store corruption flag because of package: ${V(kb(q))}. [HRESULT = ${V('0x80070490 - ERROR_NOT_FOUND')}]`,
    ],
    closed: [
      [lkg('Enabling'), lkg('Disabling')],
      [thread('Startup'), thread('Idle')],
    ],
  };
}

/** Postfix mail server content (smtpd, cleanup, qmgr, smtp, local, anvil; after `postfix/<prog>[pid]:`). */
function postfix(v: Vocabulary): FamilyEvents {
  const qid = (q: Rng): string => upperHex(q, int(q, 9, 11));
  const domain = v.pools('postfix-domain', (s) => `${v.word(s)}.${pick(s, ['com', 'net', 'org', 'de', 'io'])}`);
  const address = (q: Rng): string => `${pick(q, [v.user(q), v.word(q), `${v.user(q)}.${v.word(q)}`])}@${domain(q)}`;
  const client = v.pools('postfix-client', (s) => (chance(s, 0.3) ? 'unknown' : `${pick(s, ['mail', 'mx', 'smtp', 'out'])}${int(s, 1, 9)}.${v.word(s)}.${pick(s, ['com', 'net'])}`));
  const from = (q: Rng): Piece[] => L`${V(client(q))}[${V(v.ip(q))}]`;
  const smtpCommand = v.pools('postfix-smtp-command', (s) => pick(s, ['RCPT', 'DATA', 'EHLO', 'AUTH', 'CONNECT', 'END-OF-MESSAGE']), [2, 3]);
  const replyCommand = v.pools('postfix-reply-command', (s) => pick(s, ['RCPT TO', 'MAIL FROM', 'end of DATA']), [1, 3]);
  const saslMethod = v.pools('postfix-sasl-method', (s) => pick(s, ['LOGIN', 'PLAIN', 'CRAM-MD5']), [1, 3]);
  const tlsVersion = v.pools('postfix-tls-version', (s) => pick(s, ['TLSv1.2', 'TLSv1.3']), [1, 2]);
  const cipher = v.pools('postfix-cipher', (s) => pick(s, ['TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'TLS_CHACHA20_POLY1305_SHA256']), [1, 3]);
  const rejectText = v.pools('postfix-reject-text', (s) =>
    pick(s, ['Relay access denied', 'Recipient address rejected: User unknown in virtual mailbox table', `Client host rejected: cannot find your hostname`, `Service unavailable; Client host blocked using zen.spamhaus.org`, 'Sender address rejected: Domain not found']),
  );
  const sentReply = (q: Rng): string => pick(q, [`250 2.0.0 Ok: queued as ${qid(q)}`, `250 2.0.0 OK ${int(q, 1e9, 2e9)} ${v.word(q)}.${int(q, 1, 999)} - gsmtp`, 'delivered to mailbox', `250 2.6.0 <${hexDigits(q, 12)}@${domain(q)}> [InternalId=${int(q, 1e9, 9e9)}] Queued mail for delivery`]);
  const deferReply = (q: Rng): string => pick(q, ['connect to mx.example.net[203.0.113.5]:25: Connection timed out', `host ${client(q)}[${v.ip(q)}] said: 451 4.7.1 Greylisting in action, please come back later (in reply to RCPT TO command)`, 'delivery temporarily suspended: lost connection with mx1 while receiving the initial server greeting']);
  const bounceReply = (q: Rng): string => pick(q, [`host ${client(q)}[${v.ip(q)}] said: 550 5.1.1 <${address(q)}>: Recipient address rejected: User unknown (in reply to RCPT TO command)`, 'unknown user: "nobody"', 'mail for example.org loops back to myself']);
  const delivery = (status: string, dsnClass: number, reply: (q: Rng) => string): Render => (q) =>
    L`${V(qid(q))}: to=<${V(address(q))}>, relay=${V(client(q))}[${V(v.ip(q))}]:${N(q, 25, 25)}, delay=${V(dec(q, 0, 300, 2))}, delays=${V(`${dec(q, 0, 9, 2)}/${dec(q, 0, 2, 3)}/${dec(q, 0, 30, 2)}/${dec(q, 0, 9, 2)}`)}, dsn=${V(`${dsnClass}.${int(q, 0, 7)}.${int(q, 0, 7)}`)}, status=${status} (${V(reply(q))})`;
  const tls = (trust: string): Render => (q) => {
    const bits = pick(q, [128, 256]);
    return L`${trust} TLS connection established to ${from(q)}:${N(q, 25, 25)}: ${V(tlsVersion(q))} with cipher ${V(cipher(q))} (${V(bits)}/${V(bits)} bits)`;
  };
  return {
    plain: [
      (q) => L`connect from ${from(q)}`,
      (q) => L`disconnect from ${from(q)} ehlo=${N(q, 1, 2)} mail=${N(q, 0, 3)} rcpt=${N(q, 0, 9)} data=${N(q, 0, 3)} quit=${N(q, 0, 1)} commands=${N(q, 1, 18)}`,
      (q) => L`${V(qid(q))}: client=${from(q)}, sasl_method=${V(saslMethod(q))}, sasl_username=${V(chance(q, 0.3) ? '' : address(q))}`,
      (q) => L`NOQUEUE: reject: RCPT from ${from(q)}: ${N(q, 450, 554)} ${V(`${pick(q, [4, 5])}.${int(q, 1, 7)}.${int(q, 0, 9)}`)} <${V(address(q))}>: ${V(rejectText(q))}; from=<${V(address(q))}> to=<${V(address(q))}> proto=ESMTP helo=<${V(client(q))}>`,
      (q) => L`${V(qid(q))}: message-id=<${V(`${hexDigits(q, 16)}@${domain(q)}`)}>`,
      (q) => L`${V(qid(q))}: from=<${V(address(q))}>, size=${N(q, 300, 9999999)}, nrcpt=${N(q, 1, 40)} (queue active)`,
      (q) => L`${V(qid(q))}: from=<>, size=${N(q, 300, 99999)}, nrcpt=${N(q, 1, 3)} (queue active)`,
      (q) => L`${V(qid(q))}: removed`,
      (q) => L`${V(qid(q))}: sender non-delivery notification: ${V(qid(q))}`,
      (q) => L`lost connection after ${V(smtpCommand(q))} from ${from(q)}`,
      (q) => L`warning: ${from(q)}: SASL ${V(saslMethod(q))} authentication failed: ${V(pick(q, ['UGFzc3dvcmQ6', 'authentication failure', 'VXNlcm5hbWU6']))}`,
      (q) => L`statistics: max connection rate ${V(`${int(q, 1, 90)}/60s`)} for (smtp:${V(v.ip(q))}) at ${V(MONTHS[int(q, 0, 11)])} ${N(q, 10, 28)} ${V(clock(q))}`,
      (q) => L`warning: hostname ${V(client(q))} does not resolve to address ${V(v.ip(q))}: ${V(pick(q, ['Name or service not known', 'Temporary failure in name resolution']))}`,
      (q) => L`${V(qid(q))}: host ${from(q)} said: ${V(`${pick(q, [421, 450, 451])} ${pick(q, ['4.7.0', '4.2.0', '4.3.2'])} ${pick(q, ['Try again later', 'Greylisted, please retry', 'Temporary lookup failure'])}`)} (in reply to ${V(replyCommand(q))} command)`,
      (q) => L`daemon started -- version ${V(version(q, [2, 3]))}, configuration ${V(pick(q, ['/etc/postfix', `/etc/postfix-${v.word(q)}`]))}`,
    ],
    closed: [
      [delivery('sent', 2, sentReply), delivery('deferred', 4, deferReply), delivery('bounced', 5, bounceReply)],
      ['Trusted', 'Untrusted', 'Anonymous'].map(tls),
    ],
  };
}

/** RabbitMQ server log content (after `[level] <pid>`). */
function rabbitmq(v: Vocabulary): FamilyEvents {
  const erlangPid = (q: Rng): string => `0.${int(q, 200, 99999)}.${int(q, 0, 2)}`;
  const vhost = v.pools('rabbit-vhost', (s) => pick(s, ['/', `/${v.word(s)}`, v.word(s)]), [1, 5]);
  const queue = v.pools('rabbit-queue', (s) => pick(s, [`${v.word(s)}.${v.word(s)}`, `${v.word(s)}_queue`, `amq.gen-${hexDigits(s, 22)}`]));
  const node = (q: Rng): Piece[] => L`${V(pick(q, ['rabbit', 'rabbit', v.word(q)]))}@${V(v.host(q))}`;
  const endpoints = (q: Rng): Piece[] => L`${V(v.ip(q))}:${port(q)} -> ${V(v.ip(q))}:${N(q, 5671, 5672)}`;
  const conn = (q: Rng): Piece[] => L`<${V(erlangPid(q))}> (${endpoints(q)}`;
  const operation = v.pools('rabbit-operation', (s) => pick(s, ['queue.declare', 'basic.publish', 'exchange.declare', 'queue.bind', 'basic.consume']), [1, 4]);
  const exception = v.pools('rabbit-exception', (s) => pick(s, ['not_found', 'precondition_failed', 'access_refused', 'resource_locked']), [1, 4]);
  const reason = (q: Rng): string =>
    pick(q, [
      `no queue '${queue(q)}' in vhost '${vhost(q)}'`,
      `inequivalent arg 'x-queue-type' for queue '${queue(q)}' in vhost '${vhost(q)}': received none but current is the value 'quorum' of type 'longstr'`,
      `access to exchange '${v.word(q)}' in vhost '${vhost(q)}' refused for user '${v.user(q)}'`,
      `cannot obtain exclusive access to locked queue '${queue(q)}' in vhost '${vhost(q)}'`,
    ]);
  const resource = v.pools('rabbit-resource', (s) => pick(s, ['memory', 'disk']), [1, 2]);
  const raRole = v.pools('rabbit-ra-role', (s) => pick(s, ['follower', 'candidate', 'pre_vote', 'leader']), [2, 4]);
  const mechanism = v.pools('rabbit-mechanism', (s) => pick(s, ['PLAIN', 'AMQPLAIN', 'HTTP']), [1, 3]);
  const alarm = (what: string): Render => (q) => L`${V(resource(q))} resource limit alarm ${what} on node ${node(q)}.`;
  const listener = (kind: string): Render => (q) => L`started ${kind} listener on [::]:${N(q, 5671, 5672)}`;
  const nodeState = (what: string): Render => (q) => L`rabbit on node ${node(q)} ${what}`;
  return {
    plain: [
      (q) => L`accepting AMQP connection ${conn(q)})`,
      (q) => L`connection ${conn(q)}): user '${V(v.user(q))}' authenticated and granted access to vhost '${V(vhost(q))}'`,
      (q) => L`closing AMQP connection ${conn(q)}, vhost: '${V(vhost(q))}', user: '${V(v.user(q))}')`,
      (q) => L`missed heartbeats from client, timeout: ${V(`${pick(q, [30, 60, 580])}s`)}`,
      (q) => L`Channel error on connection ${conn(q)}, vhost: '${V(vhost(q))}', user: '${V(v.user(q))}'), channel ${N(q, 1, 64)}: operation ${V(operation(q))} caused a channel exception ${V(exception(q))}: ${V(reason(q))}`,
      (q) => L`vm_memory_high_watermark set. Memory used:${N(q, 1e8, 9e9)} allowed:${N(q, 1e8, 9e9)}`,
      () => L`Publishers will be blocked until this alarm clears`,
      (q) => L`Starting RabbitMQ ${V(version(q, [3, 3]))} on Erlang ${V(`${int(q, 24, 26)}.${int(q, 0, 3)}.${int(q, 0, 9)}`)}`,
      (q) => L`Server startup complete; ${N(q, 0, 12)} plugins started.`,
      (q) => L`Declaring queue '${V(queue(q))}' (durable: ${bool(q)}, auto_delete: ${bool(q)}, exclusive: ${bool(q)}) in vhost '${V(vhost(q))}'`,
      (q) => L`queue '${V(queue(q))}' in vhost '${V(vhost(q))}': ${V(raRole(q))} -> ${V(raRole(q))} in term: ${N(q, 1, 99)} machine version ${N(q, 0, 3)}`,
      (q) => L`Setting permissions for user '${V(v.user(q))}' in vhost '${V(vhost(q))}' to '${V(pick(q, ['.*', '^amq\\.gen.*']))}', '${V('.*')}', '${V(pick(q, ['.*', `^${v.word(q)}.*`]))}'`,
      (q) => L`${V(mechanism(q))} login refused: user '${V(v.user(q))}' - invalid credentials`,
      (q) => L`Free disk space is insufficient. Free bytes: ${N(q, 1e6, 5e7)}. Limit: ${N(q, 5e7, 5e7)}`,
    ],
    closed: [
      [alarm('set'), alarm('cleared')],
      [listener('TCP'), listener('TLS (SSL)')],
      [nodeState('up'), nodeState('down')],
    ],
  };
}

/** MongoDB legacy text log content (after `<date> <severity> <component>`; the `[context]` stays). */
function mongodb(v: Vocabulary): FamilyEvents {
  const db = v.pools('mongo-db', (s) => pick(s, [v.word(s), 'admin', `${v.word(s)}_prod`]), [1, 6]);
  const coll = v.pools('mongo-collection', (s) => pick(s, [v.word(s), `${v.word(s)}s`, `${v.word(s)}_${v.word(s)}`]));
  const field = v.pools('mongo-field', (s) => pick(s, [v.word(s), `${v.word(s)}Id`, '_id', 'createdAt', 'status']));
  const appName = v.pools('mongo-app', (s) => pick(s, ['MongoDB Shell', '', `${cap(v.word(s))}Service`, 'mongosh 1.10.1']), [1, 3]);
  const memberState = v.pools('mongo-member-state', (s) => pick(s, ['PRIMARY', 'SECONDARY', 'RECOVERING', 'ARBITER', 'DOWN', 'STARTUP2']), [2, 3]);
  const mechanism = v.pools('mongo-mechanism', (s) => pick(s, ['SCRAM-SHA-1', 'SCRAM-SHA-256']), [1, 2]);
  const ns = (q: Rng): string => `${db(q)}.${coll(q)}`;
  const member = (q: Rng): Piece[] => L`${V(v.host(q))}:${N(q, 27017, 27019)}`;
  const client = (q: Rng): Piece[] => L`${V(v.ip(q))}:${port(q)}`;
  const conn = (q: Rng): Piece[] => L`[conn${N(q, 1, 99999)}]`;
  const filter = (q: Rng): string => `{ ${field(q)}: ${pick(q, [`"${v.word(q)}"`, String(int(q, 1, 9999)), `{ $gte: new Date(${int(q, 1.5e12, 1.7e12)}) }`, `{ $in: [ ${int(q, 1, 99)}, ${int(q, 1, 99)} ] }`])} }`;
  const command = (q: Rng, name: string): string => `{ ${name}: "${coll(q)}", filter: ${filter(q)}, ${pick(q, [`limit: ${int(q, 1, 500)}, `, `sort: { ${field(q)}: -1 }, `, ''])}$db: "${db(q)}" }`;
  const plan = (q: Rng): string => pick(q, ['COLLSCAN', `IXSCAN { ${field(q)}: 1 }`, `IXSCAN { ${field(q)}: 1, ${field(q)}: -1 }`, 'IDHACK']);
  const heartbeatError = v.pools('mongo-heartbeat-error', (s) =>
    pick(s, [
      `HostUnreachable: Connection refused (connection attempt failed)`,
      'NetworkInterfaceExceededTimeLimit: Couldn\u2019t get a connection within the time limit',
      `HostUnreachable: Error connecting to ${v.host(s)}:27017 (${ipv4(s)}:27017) :: caused by :: No route to host`,
      'ExceededTimeLimit: Operation timed out',
    ]),
  );
  const transition = (state: string): Render => () => L`[ReplicationExecutor] transition to ${state}`;
  return {
    plain: [
      (q) => {
        const name = pick(q, ['find', 'aggregate', 'count', 'distinct']);
        return L`${conn(q)} command ${V(ns(q))} appName: "${V(appName(q))}" command: ${V(name)} ${V(command(q, name))} planSummary: ${V(plan(q))} keysExamined:${N(q, 0, 99999)} docsExamined:${N(q, 0, 999999)} numYields:${N(q, 0, 9999)} nreturned:${N(q, 0, 500)} reslen:${N(q, 100, 9999999)} protocol:op_msg ${V(`${int(q, 100, 60000)}ms`)}`;
      },
      (q) => L`${conn(q)} update ${V(ns(q))} command: { q: ${V(filter(q))}, u: { $set: ${V(filter(q))} }, multi: ${bool(q)}, upsert: ${bool(q)} } planSummary: ${V(plan(q))} keysExamined:${N(q, 0, 99999)} docsExamined:${N(q, 0, 999999)} nMatched:${N(q, 0, 999)} nModified:${N(q, 0, 999)} numYields:${N(q, 0, 999)} ${V(`${int(q, 100, 60000)}ms`)}`,
      (q) => L`[listener] connection accepted from ${client(q)} #${N(q, 1, 999999)} (${N(q, 2, 5000)} connections now open)`,
      (q) => L`${conn(q)} end connection ${client(q)} (${N(q, 2, 5000)} connections now open)`,
      (q) => L`${conn(q)} received client metadata from ${client(q)} conn${N(q, 1, 99999)}: ${V(`{ driver: { name: "${pick(q, ['nodejs', 'PyMongo', 'mongo-java-driver'])}", version: "${version(q, [3, 4])}" }, os: { type: "Linux", name: "${pick(q, ['linux', 'Ubuntu'])}", architecture: "x86_64" } }`)}`,
      (q) => L`[ReplicationExecutor] Member ${member(q)} is now in state ${V(memberState(q))}`,
      (q) => L`${conn(q)} build index on: ${V(ns(q))} properties: ${V(`{ v: 2, key: { ${field(q)}: 1 }, name: "${field(q)}_1", ns: "${ns(q)}" }`)}`,
      (q) => L`${conn(q)} build index done.  scanned ${N(q, 0, 9999999)} total records. ${N(q, 0, 900)} secs`,
      (q) => L`[initandlisten] MongoDB starting : pid=${pid(q)} port=${N(q, 27017, 27019)} dbpath=${V(pick(q, ['/var/lib/mongodb', '/data/db', `/srv/${v.word(q)}/db`]))} ${N(q, 64, 64)}-bit host=${V(v.host(q))}`,
      (q) => L`[initandlisten] db version v${V(version(q, [3, 4]))}`,
      (q) => L`${conn(q)} Successfully authenticated as principal ${V(v.user(q))} on ${V(db(q))} from client ${client(q)}`,
      (q) => L`${conn(q)} SASL ${V(mechanism(q))} authentication failed for ${V(v.user(q))} on ${V(db(q))} from client ${client(q)} ; UserNotFound: Could not find user "${V(v.user(q))}" for db "${V(db(q))}"`,
      (q) => L`[ReplicationExecutor] Error in heartbeat request to ${member(q)}; ${V(heartbeatError(q))}`,
      (q) => L`[ReplicationExecutor] Starting an election, since we've seen no PRIMARY in the past ${V(`${pick(q, [10000, 5000, 2000])}ms`)}`,
      (q) => L`[WTCheckpointThread] WiredTiger message [${N(q, 1.5e9, 1.7e9)}:${N(q, 0, 999999)}][${pid(q)}:${V(`0x${hexDigits(q, 12)}`)}], WT_SESSION.checkpoint: Checkpoint has progressed for ${N(q, 20, 900)} seconds`,
    ],
    closed: [['PRIMARY', 'SECONDARY', 'RECOVERING'].map(transition)],
  };
}

const FAMILIES: Readonly<Record<string, (v: Vocabulary) => FamilyEvents>> = { logcat, bgl, hpc, linux, macos, nova, proxifier, tbird, cbs, postfix, rabbitmq, mongodb };

/** Every family name, in the order a system draws them from. */
export const FAMILIES_V13: readonly string[] = Object.keys(FAMILIES);

/** One invented system of `lines` lines (2,000 by default), its name `v13-<seed>:<family>+…`. */
export function unseenSystemV13(seed: number, lines = 2000): SyntheticSampleV2 {
  return blindSystem({ label: 'v13', families: FAMILIES, syllables: SYLLABLES, streamOffset: STREAM_OFFSET, minEvents: MIN_EVENTS }, seed, lines);
}
