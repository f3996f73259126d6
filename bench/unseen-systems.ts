/**
 * Synthetic "unseen systems" for the template-mining bench (--synthetic):
 * held-out evidence that does not come from the seven Loghub sets the miner
 * was developed on.
 *
 * Each seed invents one system: a random choice of event shapes from three
 * invented families (a message broker, a database, a job scheduler), an
 * invented vocabulary (pronounceable random words for the names of users,
 * queues, tables, jobs: one pool per kind of entity and system, shared by the
 * events that name it, as a system's users appear in several of its events),
 * pools of random size (two user names or two hundred), Zipf-like
 * event frequencies and lines in random order. The message shapes, words and
 * formats are our own; no line of any public data set is used.
 *
 * Ground truth per line: the event's template with `<*>` for every variable,
 * following the Loghub-2.0 corrected convention (a value with its unit is one
 * variable, a host name or a path is one variable, host:port is two). Closed sets of program constants (task states, operations) are
 * separate events with the constant in their template, so merging them counts
 * as an error.
 *
 * The seeds the bench reports by default (REPORTED_SEEDS) were fixed before
 * the generator was ever run against the miner and must not be used to tune it;
 * develop on other seeds (DEVELOPMENT_SEEDS).
 */

import { pickWeighted, prng } from '../test/kit/prng';

export const REPORTED_SEEDS = [101, 102, 103, 104, 105, 106, 107, 108];
export const DEVELOPMENT_SEEDS = [1, 2, 3];

export interface SyntheticSample {
  readonly name: string;
  readonly content: string[];
  readonly truth: string[];
}

type Rng = () => number;

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const hexOf = (rng: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(rng, 0, 15)]).join('');

const ONSETS = ['b', 'br', 'd', 'dr', 'f', 'g', 'gl', 'k', 'kr', 'l', 'm', 'n', 'p', 'pl', 'r', 's', 'st', 't', 'tr', 'v', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', 'n', 'r', 'l', 'sk', 'x', 'nd'];

/** A pronounceable invented word of 2-3 syllables, lower case. */
function inventWord(rng: Rng): string {
  let w = '';
  for (let k = int(rng, 2, 3); k > 0; k--) w += pick(rng, ONSETS) + pick(rng, VOWELS);
  return w + pick(rng, CODAS);
}

/** A pool of `size` distinct invented words. */
function pool(rng: Rng, size: number): string[] {
  const out = new Set<string>();
  while (out.size < size) out.add(inventWord(rng));
  return [...out];
}

/** Sizes of value pools: small sets (2-4 values) are as common as open ones. */
const POOL_SIZES = [2, 3, 4, 8, 30, 200];

/** A variable: generates one value. */
type Value = (rng: Rng) => string;

/** Value kinds; pools are drawn once per system so that values repeat the way real names do. */
interface Vocabulary {
  /** Names of one kind of entity (users, queues, jobs): one pool per system, shared by every event that names one. */
  readonly entity: (kind: string) => Value;
  readonly int: Value;
  readonly millis: Value;
  readonly size: Value;
  readonly percent: Value;
  readonly hex: Value;
  readonly uuid: Value;
  readonly ip: Value;
  readonly port: Value;
  readonly host: Value;
  readonly path: Value;
  readonly duration: Value;
  readonly isoTime: Value;
  readonly dottedName: Value;
}

function vocabulary(rng: Rng): Vocabulary {
  const hosts = pool(rng, int(rng, 3, 12)).map((w) => `${w}.${pick(rng, ['internal', 'net', 'io', 'local'])}`);
  const dirs = pool(rng, 6);
  const entities = new Map<string, string[]>();
  return {
    entity: (kind) => {
      let values = entities.get(kind);
      if (values === undefined) {
        values = pool(rng, pick(rng, POOL_SIZES));
        entities.set(kind, values);
      }
      const of = values;
      return (r) => pick(r, of);
    },
    int: (r) => String(int(r, 0, r() < 0.5 ? 99 : 99999)),
    millis: (r) => `${int(r, 1, 9000)}ms`,
    size: (r) => `${int(r, 1, 900)}${pick(r, ['kB', 'MB', 'B'])}`,
    percent: (r) => `${int(r, 0, 100)}%`,
    hex: (r) => hexOf(r, 12),
    uuid: (r) => `${hexOf(r, 8)}-${hexOf(r, 4)}-${hexOf(r, 4)}-${hexOf(r, 4)}-${hexOf(r, 12)}`,
    ip: (r) => `172.${int(r, 16, 31)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
    port: (r) => String(int(r, 1024, 65000)),
    host: (r) => pick(r, hosts),
    path: (r) => `/srv/${pick(r, dirs)}/${pick(r, dirs)}/${hexOf(r, 6)}.dat`,
    duration: (r) => `${int(r, 0, 59)}:${String(int(r, 0, 59)).padStart(2, '0')}`,
    isoTime: (r) => `2031-0${int(r, 1, 9)}-1${int(r, 0, 9)}T0${int(r, 0, 9)}:${int(r, 10, 59)}:${int(r, 10, 59)}Z`,
    dottedName: (r) => `${pick(r, dirs)}.${pick(r, dirs)}`,
  };
}

/** One part of an event: constant text or a variable. */
type Part = string | Value;

/** An event shape: builds its parts from the system's vocabulary. */
type Shape = (v: Vocabulary, rng: Rng) => Part[];

/** Program constants: each value is its own event (closed set). */
const TASK_STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const DB_OPERATIONS = ['insert', 'update', 'delete'];

function broker(): Shape[] {
  return [
    (v) => ['delivered ', v.int, ' messages from queue ', v.entity('queue'), ' to consumer ', v.hex],
    (v) => ['partition ', v.int, ' of topic ', v.entity('topic'), ' moved leader to ', v.host, ':', v.port, ' (epoch ', v.int, ')'],
    (v) => ['consumer group ', v.entity('group'), ' lag=', v.int, ' offset=', v.int, ' member=', v.entity('client')],
    (v) => [v.entity('client'), ': connection from ', v.ip, ' accepted, vhost ', v.entity('vhost')],
    (v) => ['[', v.entity('client'), '] publish confirm timeout after ', v.millis, ', retrying'],
    (v) => ['queue ', v.entity('queue'), ' reached max-length ', v.int, '; dropping head'],
    (v) => ['segment ', v.path, ' rolled at ', v.size],
    (v) => ['channel ', v.int, ' closed by peer ', v.host, ':', v.port, ': reply-code=', v.int],
  ];
}

function database(): Shape[] {
  return [
    (v) => ['checkpoint complete: wrote ', v.int, ' buffers (', v.percent, '), took ', v.millis],
    (v) => ['autovacuum of table ', v.dottedName, ' finished in ', v.duration],
    (v) => ['slow query by ', v.entity('user'), ' on ', v.entity('table'), ' took ', v.millis, ' rows=', v.int],
    (v) => ['replication slot ', v.entity('slot'), ' is inactive since ', v.isoTime],
    (v) => ['user ', v.entity('user'), ' granted role ', v.entity('role'), ' by ', v.entity('user')],
    (v) => ['lock wait on relation ', v.int, ' by pid ', v.int, ' exceeded ', v.millis],
    (v) => ['restored WAL file ', v.hex, ' from archive ', v.path],
    (v, rng) => {
      const op = pick(rng, DB_OPERATIONS); // one event per operation, chosen when the system is invented
      return [`trigger ${op} on `, v.entity('table'), ' fired for ', v.int, ' rows'];
    },
  ];
}

function scheduler(): Shape[] {
  return [
    (v) => ['job ', v.entity('job'), ' scheduled on node ', v.host, ' at ', v.isoTime],
    (v) => ['worker ', v.entity('worker'), ' heartbeat missed for ', v.millis, ', marking suspect'],
    (v) => [v.entity('job'), ' cron fired late by ', v.millis],
    (v) => ['lease ', v.uuid, ' renewed by ', v.host, ' ttl=', (r) => `${int(r, 5, 600)}s`],
    (v) => ['run ', v.hex, ' of pipeline ', v.entity('pipeline'), ' used ', v.size, ' of memory'],
    (v) => ['queue depth ', v.int, ' on pool ', v.entity('pool'), ', ', v.int, ' workers idle'],
  ];
}

/** Closed-set events: one event per state, the state a constant of its template. */
function taskStateShapes(v: Vocabulary): Shape[] {
  // the system's jobs go through every state
  const job = v.entity('job');
  return TASK_STATES.map((state) => () => ['task ', v.hex, ' of job ', job, ` is now ${state}`]);
}

interface Event {
  readonly parts: Part[];
  readonly truth: string;
  readonly weight: number;
}

function eventOf(parts: Part[], weight: number): Event {
  const truth = parts.map((p) => (typeof p === 'string' ? p : '<*>')).join('');
  return { parts, truth, weight };
}

/**
 * One invented system: 12-20 events drawn from the three families (plus the
 * task-state events half the time), `lines` lines. Returns the lines and
 * their true templates.
 */
export function unseenSystem(seed: number, lines = 2000): SyntheticSample {
  const rng = prng(seed);
  const v = vocabulary(rng);
  const shapes = [...broker(), ...database(), ...scheduler()];
  for (let i = shapes.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shapes[i], shapes[j]] = [shapes[j], shapes[i]];
  }
  const chosen = shapes.slice(0, int(rng, 12, 20));
  if (rng() < 0.5) chosen.push(...taskStateShapes(v));
  const events = chosen.map((shape, rank) => eventOf(shape(v, rng), 1 / Math.pow(rank + 1, 0.8 + rng())));
  const total = events.reduce((s, e) => s + e.weight, 0);
  const content: string[] = [];
  const truth: string[] = [];
  for (let k = 0; k < lines; k++) {
    const e = pickWeighted(rng, events, total);
    content.push(e.parts.map((p) => (typeof p === 'string' ? p : p(rng))).join(''));
    truth.push(e.truth);
  }
  return { name: `seed ${seed}`, content, truth };
}
