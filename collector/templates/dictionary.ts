/**
 * The collector-wide template dictionary: the templates seen (defined by an SDK
 * over the compact protocol, carried in OTLP attributes by our SDK, or mined from
 * plain bodies), per service, with usage statistics.
 *
 * Template text syntax is the SDK's (sdk/templates.ts): constant text with `{}` for
 * each argument. Ids are `templateIdOf(text)`: a stable 64-bit hash, so every
 * collector and SDK agree without coordination.
 *
 * Receivers and processors `define`/`noteUse`; storage takes the changed entries
 * with `takeDirty()` and persists them (the `log_templates` table).
 *
 * Bounded (limits.ts, `service.templates`), because clients decide what goes in:
 *   - text longer than maxTextLength is not admitted;
 *   - a new template is admitted only within the admission budget (admission.ts:
 *     per claimed service and in total); updates of a known template are free;
 *   - at most maxPerService entries a service and maxBytes over all: beyond, the
 *     least recently seen (defined or used) entry is evicted, of that service for
 *     the per-service cap, of any service for the byte cap;
 *   - `shed(bytes)` evicts the least recently seen entries on demand (the
 *     memory_limiter calls it while it refuses, so memory can fall again).
 * `define` returns undefined for a template it did not admit: the caller leaves
 * the records of that template untemplated (stored with their rendered Body) and
 * says so with `countUntemplated`. Nothing is dropped.
 *
 * An evicted entry that was not yet written (still dirty) is kept aside, in a
 * bounded list, until the next takeDirty(): rows using it may already be encoded
 * for the store (with Body rendered at query time from log_templates), so its
 * log_templates row must still be written. A get() misses it, so records
 * encoded after the eviction store their Body themselves.
 *
 * Metrics (when constructed with a Metrics registry):
 *   logfun_templates_entries, logfun_templates_bytes      gauges, sampled at scrape
 *   logfun_templates_evicted_total{reason}                service_limit | bytes_limit | memory_pressure
 *   logfun_templates_refused_total{reason}                text_too_long | rate | stream_limit
 *   logfun_templates_untemplated_records_total{reason}    records stored untemplated because their template was refused
 *   logfun_templates_unwritten_dropped_total              evicted entries dropped before they were written
 */
import { Metrics, type Counter } from '../telemetry/metrics';
import { AdmissionBudget } from './admission';
import { DEFAULT_TEMPLATE_LIMITS, type TemplateLimits } from './limits';

export type TemplateSource = 'sdk' | 'mined';

export interface TemplateInfo {
  id: bigint;
  service: string;
  text: string;
  source: TemplateSource;
  severityNumber: number;
  severityText: string;
  /** code.function of the call site ('' when unknown). */
  function: string;
  /** "file:line" of the call site ('' when unknown). */
  location: string;
  /** For mined templates generalised into another one: the id that replaced it. */
  supersededBy?: bigint;
  firstSeenMs: number;
  lastSeenMs: number;
  count: number;
}

export type TemplateDefinition = Pick<TemplateInfo, 'id' | 'service' | 'text' | 'source'> &
  Partial<Pick<TemplateInfo, 'severityNumber' | 'severityText' | 'function' | 'location' | 'supersededBy'>>;

export interface DefineOptions {
  /**
   * The collector's own template (e.g. the spam summary): not charged to the
   * admission budget, so a client flooding a service cannot suppress it.
   */
  trusted?: boolean;
}

export type RefusalReason = 'text_too_long' | 'rate' | 'stream_limit';
export type EvictionReason = 'service_limit' | 'bytes_limit' | 'memory_pressure';

/** Rough heap bytes of an entry: UTF-16 worst case for its strings plus the object and map slots. */
const ENTRY_OVERHEAD_BYTES = 200;
function entryBytes(e: TemplateInfo): number {
  return ENTRY_OVERHEAD_BYTES + 2 * (e.text.length + e.service.length + e.function.length + e.location.length + e.severityText.length);
}

interface ServiceEntries {
  /** id -> key, least recently seen first. */
  readonly ids: Map<bigint, string>;
}

/** Share of maxBytes the evicted-but-unwritten entries may hold (oldest dropped beyond, counted). */
const UNWRITTEN_SHARE = 0.1;

export class TemplateDictionary {
  readonly limits: Readonly<TemplateLimits>;
  /** Every entry, least recently seen first (re-inserted when seen). */
  private readonly entries = new Map<string, TemplateInfo>();
  private readonly entrySizes = new Map<string, number>();
  private readonly services = new Map<string, ServiceEntries>();
  private readonly dirty = new Set<string>();
  /** Evicted before written: key -> copy, oldest first (see the file comment). */
  private readonly unwritten = new Map<string, TemplateInfo>();
  private unwrittenBytes = 0;
  private totalBytes = 0;
  private readonly admission: AdmissionBudget;
  private readonly evicted: Counter;
  private readonly refused: Counter;
  private readonly untemplated: Counter;
  private readonly unwrittenDropped: Counter;

  constructor(limits: Partial<TemplateLimits> = {}, metrics: Metrics = new Metrics()) {
    this.limits = Object.freeze({ ...DEFAULT_TEMPLATE_LIMITS, ...limits });
    this.admission = new AdmissionBudget({
      perServicePerMinute: this.limits.newPerServicePerMinute,
      perServiceBurst: this.limits.maxPerService,
      totalPerMinute: this.limits.newPerMinute,
      totalBurst: 10 * this.limits.maxPerService,
    });
    this.evicted = metrics.counter('logfun_templates_evicted_total', 'Template dictionary entries evicted (least recently seen first), by reason: service_limit, bytes_limit, memory_pressure.');
    this.refused = metrics.counter('logfun_templates_refused_total', 'Templates not admitted to the dictionary, by reason: text_too_long, rate (admission budget), stream_limit (definitions per compact stream).');
    this.untemplated = metrics.counter('logfun_templates_untemplated_records_total', 'Records stored untemplated (with their Body) because their template was not admitted, by reason.');
    this.unwrittenDropped = metrics.counter('logfun_templates_unwritten_dropped_total', 'Evicted dictionary entries dropped before they were written to the templates table.');
    const entriesGauge = metrics.gauge('logfun_templates_entries', 'Templates in the collector-wide dictionary.');
    const bytesGauge = metrics.gauge('logfun_templates_bytes', 'Approximate heap bytes of the collector-wide template dictionary.');
    metrics.onCollect(() => {
      entriesGauge.set({}, this.entries.size);
      bytesGauge.set({}, this.totalBytes + this.unwrittenBytes);
    });
  }

  private static key(service: string, id: bigint): string {
    return `${service}\u0000${id}`;
  }

  /**
   * Adds a template or updates its definition; returns the entry, or undefined when
   * a new template is not admitted (text too long, admission budget spent; counted).
   */
  define(def: TemplateDefinition, nowMs = Date.now(), options: DefineOptions = {}): TemplateInfo | undefined {
    const key = this.keyOf(def.service, def.id) ?? TemplateDictionary.key(def.service, def.id);
    let e = this.entries.get(key);
    if (!e) {
      if (def.text.length > this.limits.maxTextLength) {
        this.countRefused('text_too_long');
        return undefined;
      }
      if (!options.trusted && !this.admission.tryAdmit(def.service, nowMs)) {
        this.countRefused('rate');
        return undefined;
      }
      e = {
        severityNumber: 0,
        severityText: '',
        function: '',
        location: '',
        ...def,
        firstSeenMs: nowMs,
        lastSeenMs: nowMs,
        count: 0,
      };
      this.insert(key, e);
      this.dirty.add(key);
      this.enforceBounds(def.service, key);
    } else {
      let changed = false;
      for (const k of ['severityNumber', 'severityText', 'function', 'location', 'supersededBy'] as const) {
        const v = def[k];
        if (v !== undefined && v !== e[k]) {
          (e as unknown as Record<string, unknown>)[k] = v;
          changed = true;
        }
      }
      if (changed) {
        this.dirty.add(key);
        this.resize(key, e);
      }
      this.touch(key, e);
    }
    return e;
  }

  /** Counts `count` uses of a defined template at `timeMs` (and marks it recently seen); unknown templates are ignored. */
  noteUse(service: string, id: bigint, count = 1, timeMs = Date.now()): void {
    const key = this.keyOf(service, id);
    const e = key === undefined ? undefined : this.entries.get(key);
    if (key === undefined || !e) return;
    e.count += count;
    if (timeMs > e.lastSeenMs) e.lastSeenMs = timeMs;
    if (timeMs < e.firstSeenMs) e.firstSeenMs = timeMs;
    this.dirty.add(key);
    this.touch(key, e);
  }

  /** The entry (no recency change: this is the per-record lookup of the store's encoder). */
  get(service: string, id: bigint): TemplateInfo | undefined {
    const key = this.keyOf(service, id);
    return key === undefined ? undefined : this.entries.get(key);
  }

  has(service: string, id: bigint): boolean {
    return this.keyOf(service, id) !== undefined;
  }

  /**
   * The key of a held entry, found through the per-service id map: per-record lookups
   * build no key string (a bigint's decimal text and a concatenation per call).
   */
  private keyOf(service: string, id: bigint): string | undefined {
    return this.services.get(service)?.ids.get(id);
  }

  all(): TemplateInfo[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries of one service. */
  serviceSize(service: string): number {
    return this.services.get(service)?.ids.size ?? 0;
  }

  /** Approximate heap bytes held (entries plus evicted ones waiting to be written). */
  get bytes(): number {
    return this.totalBytes + this.unwrittenBytes;
  }

  /** Entries changed since the last call (copies), for persistence; includes evicted entries not yet written. */
  takeDirty(): TemplateInfo[] {
    const out: TemplateInfo[] = [...this.unwritten.values()];
    this.unwritten.clear();
    this.unwrittenBytes = 0;
    for (const key of this.dirty) {
      const e = this.entries.get(key);
      if (e) out.push({ ...e });
    }
    this.dirty.clear();
    return out;
  }

  /** Puts entries back as dirty after a failed persist, so they are written next time (evicted ones kept aside, bounded). */
  markDirty(entries: TemplateInfo[]): void {
    for (const e of entries) {
      const key = TemplateDictionary.key(e.service, e.id);
      if (this.entries.has(key)) this.dirty.add(key);
      else this.keepUnwritten(key, e);
    }
  }

  /**
   * Evicts least recently seen entries until about `bytes` are freed (or the
   * dictionary is empty); returns the bytes freed. For the memory_limiter.
   */
  shed(bytes: number): number {
    let freed = 0;
    while (freed < bytes && this.entries.size > 0) {
      const oldest = this.entries.keys().next().value as string;
      freed += this.evict(oldest, 'memory_pressure');
    }
    return freed;
  }

  /** Counts a refusal decided outside define (e.g. a receiver's per-stream limit). */
  countRefused(reason: RefusalReason, n = 1): void {
    this.refused.inc({ reason }, n);
  }

  /** Counts records a caller stored untemplated because define refused their template. */
  countUntemplated(reason: RefusalReason | 'refused', n = 1): void {
    if (n > 0) this.untemplated.inc({ reason }, n);
  }

  // ---- internals ----

  private insert(key: string, e: TemplateInfo): void {
    const size = entryBytes(e);
    this.entries.set(key, e);
    this.entrySizes.set(key, size);
    this.totalBytes += size;
    let s = this.services.get(e.service);
    if (s === undefined) {
      s = { ids: new Map() };
      this.services.set(e.service, s);
    }
    s.ids.set(e.id, key);
  }

  private resize(key: string, e: TemplateInfo): void {
    const size = entryBytes(e);
    this.totalBytes += size - (this.entrySizes.get(key) ?? 0);
    this.entrySizes.set(key, size);
  }

  /** Marks an entry most recently seen (Map order is the LRU order). */
  private touch(key: string, e: TemplateInfo): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    const ids = this.services.get(e.service)?.ids;
    if (ids !== undefined) {
      ids.delete(e.id);
      ids.set(e.id, key);
    }
  }

  /** After an insert: the per-service cap (that service's oldest), then the byte cap (the oldest of all), never `keep`. */
  private enforceBounds(service: string, keep: string): void {
    const ids = this.services.get(service)?.ids;
    while (ids !== undefined && ids.size > this.limits.maxPerService) {
      const oldest = ids.values().next().value as string;
      if (oldest === keep) break;
      this.evict(oldest, 'service_limit');
    }
    while (this.totalBytes > this.limits.maxBytes && this.entries.size > 1) {
      const oldest = this.entries.keys().next().value as string;
      if (oldest === keep) break;
      this.evict(oldest, 'bytes_limit');
    }
  }

  private evict(key: string, reason: EvictionReason): number {
    const e = this.entries.get(key);
    if (e === undefined) return 0;
    const size = this.entrySizes.get(key) ?? 0;
    this.entries.delete(key);
    this.entrySizes.delete(key);
    this.totalBytes -= size;
    const s = this.services.get(e.service);
    if (s !== undefined) {
      s.ids.delete(e.id);
      if (s.ids.size === 0) this.services.delete(e.service);
    }
    this.evicted.inc({ reason });
    if (this.dirty.delete(key)) this.keepUnwritten(key, { ...e });
    return size;
  }

  private keepUnwritten(key: string, e: TemplateInfo): void {
    const previous = this.unwritten.get(key);
    if (previous !== undefined) {
      this.unwritten.delete(key);
      this.unwrittenBytes -= entryBytes(previous);
    }
    this.unwritten.set(key, e);
    this.unwrittenBytes += entryBytes(e);
    this.dropUnwritten(this.unwrittenBytes - UNWRITTEN_SHARE * this.limits.maxBytes);
  }

  /** Drops the oldest evicted-unwritten entries until `bytes` are freed (counted: their log_templates rows are lost). */
  private dropUnwritten(bytes: number): void {
    let freed = 0;
    while (freed < bytes && this.unwritten.size > 0) {
      const [key, e] = this.unwritten.entries().next().value as [string, TemplateInfo];
      this.unwritten.delete(key);
      const size = entryBytes(e);
      this.unwrittenBytes -= size;
      freed += size;
      this.unwrittenDropped.inc();
    }
  }
}
