/**
 * One record as the live tail shows it, built either from a LogBatch the
 * pipeline delivered to the ClickHouse exporter (live) or from a row of the logs
 * table (replay), with the same field values on both sides: they are the values
 * the exporter stores (see storage/clickhouse-logs-encoder.ts: the stored
 * timestamp is timeUnixNano or, when 0, observedTimeUnixNano; the service is
 * service.name rendered with anyValueToString; SeverityNumber clamped to UInt8).
 *
 * Record identity (used only at the replay/live seam to drop a live record the
 * replay already showed): a SHA-1 over the stored time in nanoseconds, service,
 * severity number and text, template id, the template arguments (or the body
 * text when there is no template: a Body rendered at query time from a template
 * is then not compared byte for byte), trace and span ids, and the log
 * attributes (last value per key, sorted by key, as a Map column keeps them).
 * Two records with equal identity are indistinguishable in storage, so the seam
 * treats identities as a multiset: n stored copies cancel n live copies.
 */
import { createHash } from 'crypto';
import { argTexts, bodyOf, type KeyValue, type LogBatch, type ResourceInfo } from '../pipeline/batch';
import { anyValueToString } from '../storage/anyvalue-string';

export interface TailRecord {
  timeNs: bigint;
  service: string;
  severityNumber: number;
  severityText: string;
  /** The rendered text. */
  body: string;
  templateId: bigint;
  templateArgs: readonly string[];
  traceId: string;
  spanId: string;
  /** Log attributes, last value per key, sorted by key. */
  attributes: ReadonlyArray<readonly [string, string]>;
}

/** What a client receives per record (JSON). */
export interface TailRecordJson {
  timeNs: string;
  /** ISO 8601 with nanoseconds. */
  time: string;
  service: string;
  severityText: string;
  severityNumber: number;
  body: string;
  templateId: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
  /** 'replay' (read from storage) or 'live' (delivered to the exporter after the tail started). */
  phase: 'replay' | 'live';
}

/** Live-side filters; the replay applies the same ones in SQL (replay.ts). */
export interface TailFilter {
  service?: string;
  /** Records at or above this OTel severity number. */
  minSeverity?: number;
  /** Substring of the body, ASCII case-insensitive (as ClickHouse positionCaseInsensitive). */
  text?: string;
}

const UINT8_MAX = 255;

function clampUInt8(n: number): number {
  return n < 0 ? 0 : n > UINT8_MAX ? UINT8_MAX : Math.trunc(n);
}

/** Lower-cases A-Z only: the same folding as ClickHouse's positionCaseInsensitive, so live and replay filters agree. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function normalizeAttributes(keys: readonly string[], values: readonly string[]): Array<[string, string]> {
  const last = new Map<string, string>();
  for (let i = 0; i < keys.length; i++) last.set(keys[i], values[i] ?? '');
  return [...last].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The stored timestamp of record i (as LogsRowEncoder.timestampOf). */
export function storedTimeOf(b: LogBatch, i: number): bigint {
  const t = b.timeUnixNano[i];
  return t !== 0n ? t : b.observedTimeUnixNano[i];
}

/** A record's fields as read from where it is kept (a batch, or the ring's copy: ring-records.ts), before the tail's normalisation. */
export type TailRecordSource = Omit<TailRecord, 'attributes'> & {
  /** The record's attributes as kept (tailRecordFields stringifies them). templateArgs: an array of the record's own. */
  attributes: readonly KeyValue[];
};

/** A record as the tail shows it: severity clamped to UInt8, template id unsigned, attributes stringified (last value per key, sorted). */
export function tailRecordFields(s: TailRecordSource): TailRecord {
  const attrs = s.attributes;
  return {
    timeNs: s.timeNs,
    service: s.service,
    severityNumber: clampUInt8(s.severityNumber),
    severityText: s.severityText,
    body: s.body,
    templateId: BigInt.asUintN(64, s.templateId),
    templateArgs: s.templateArgs,
    traceId: s.traceId,
    spanId: s.spanId,
    attributes: attrs.length === 0 ? [] : normalizeAttributes(attrs.map((a) => a.key), attrs.map((a) => anyValueToString(a.value))),
  };
}

/** The service a resource's records are stored under: service.name rendered, '' when absent. */
export function serviceNameOf(resource: ResourceInfo | undefined): string {
  const kv = resource?.attributes.find((a) => a.key === 'service.name');
  return kv ? anyValueToString(kv.value) : '';
}

/** Record i of a batch as the tail shows it (copies everything it needs: the batch may be reused later). */
export function tailRecordOf(b: LogBatch, i: number, serviceOf: (resourceIndex: number) => string): TailRecord {
  return tailRecordFields({
    timeNs: storedTimeOf(b, i),
    service: serviceOf(b.resourceIndex[i]),
    severityNumber: b.severityNumber[i],
    severityText: b.severityText[i],
    body: anyValueToString(bodyOf(b, i)),
    templateId: b.templateId[i],
    templateArgs: argTexts(b.templateArgs[i]),
    traceId: b.traceId[i],
    spanId: b.spanId[i],
    attributes: b.attributes[i],
  });
}

/** Every record of a batch. */
export function tailRecordsOf(b: LogBatch): TailRecord[] {
  const services = new Map<number, string>();
  const serviceOf = (r: number): string => {
    let s = services.get(r);
    if (s === undefined) {
      s = serviceNameOf(b.resources[r]);
      services.set(r, s);
    }
    return s;
  };
  const out = new Array<TailRecord>(b.length);
  for (let i = 0; i < b.length; i++) out[i] = tailRecordOf(b, i, serviceOf);
  return out;
}

export function matchesFilter(r: TailRecord, f: TailFilter, lowerText?: string): boolean {
  if (f.service !== undefined && r.service !== f.service) return false;
  if (f.minSeverity !== undefined && r.severityNumber < f.minSeverity) return false;
  if (f.text !== undefined && !asciiLower(r.body).includes(lowerText ?? asciiLower(f.text))) return false;
  return true;
}

/** The seam identity (see the file comment), as a hex string. */
export function recordIdentity(r: TailRecord): string {
  const h = createHash('sha1');
  // Length-prefixed fields, so no choice of field contents can shift a boundary.
  const put = (s: string) => {
    h.update(String(s.length));
    h.update(':');
    h.update(s);
  };
  put(r.timeNs.toString());
  put(r.service);
  put(String(r.severityNumber));
  put(r.severityText);
  put(r.templateId.toString());
  if (r.templateId !== 0n) {
    put(String(r.templateArgs.length));
    for (const a of r.templateArgs) put(a);
  } else {
    put(r.body);
  }
  put(r.traceId);
  put(r.spanId);
  put(String(r.attributes.length));
  for (const [k, v] of r.attributes) {
    put(k);
    put(v);
  }
  return h.digest('hex');
}

export function isoTimeOfNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return new Date(ms).toISOString().replace('Z', '') + String(ns % 1_000_000n).padStart(6, '0') + 'Z';
}

export function tailRecordJson(r: TailRecord, phase: 'replay' | 'live'): TailRecordJson {
  const attributes = Object.create(null) as Record<string, string>;
  for (const [k, v] of r.attributes) attributes[k] = v;
  return {
    timeNs: r.timeNs.toString(),
    time: isoTimeOfNs(r.timeNs),
    service: r.service,
    severityText: r.severityText,
    severityNumber: r.severityNumber,
    body: r.body,
    templateId: r.templateId.toString(),
    traceId: r.traceId,
    spanId: r.spanId,
    attributes,
    phase,
  };
}
