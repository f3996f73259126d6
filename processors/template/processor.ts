/**
 * The template processor: every record leaves with a template id and arguments
 * when one can be had, and the collector's dictionary (Host.templates) knows
 * every template used.
 *
 * Per record, in this order:
 *   (a) templateId already set (our compact protocol): passed through; the use
 *       is counted in the dictionary (whoever set the id defined the template).
 *   (b) OTLP from our SDK: attributes `log.record.template` (text, SDK `{}`
 *       syntax), `log.record.template.id` (decimal id) and `log.record.arg.<i>`.
 *       The id must equal templateIdOf(text) — otherwise the record is counted
 *       (invalid, reason id_mismatch) and treated as plain. Valid ones get
 *       templateId / templateArgs, the template is defined (source 'sdk',
 *       function and location from code.function / code.filepath:code.lineno),
 *       and with strip_template_attributes the three kinds of attributes are removed.
 *   (c) plain records (any OTel SDK, file tails) with a string Body: the body is
 *       mined (one TemplateMiner per service, max_templates_per_service live
 *       templates each, max_services miners), the mined `<*>` template converted
 *       to SDK syntax (so ids agree with SDK templates of the same text) and
 *       defined with source 'mined'; when the miner generalises, the templates it
 *       replaced get `supersededBy` in the dictionary. Other bodies pass untouched.
 *       The mined records of a batch are placed together, per service, after
 *       the rest of the batch (TemplateMiner.addBatch): the miner learns from
 *       the whole batch first, so the lines of one event in a batch get the
 *       template the batch taught (not the first ones a narrower one), and a
 *       template created and superseded inside the batch that no record
 *       uses never enters the dictionary.
 *
 * Persistence of mined state: a JSON snapshot file in `state_directory` (every
 * snapshot_interval when templates changed, and at shutdown; written to a temp
 * file and renamed). Why a file and not log_templates: the miner's state is more
 * than the template texts (word/separator structure of each live template, and
 * the partially filled sibling groups that decide the next generalisation), and
 * restoring it exactly is what keeps ids stable over a restart; the file is
 * small (tens of bytes a template). log_templates remains the dictionary readers use.
 *
 * The batch is rewritten in place (templateId, templateArgs; attributes are
 * replaced by a new array when stripped, never mutated).
 *
 * Bounded state (issue 12): the dictionary bounds what enters it (text length,
 * admission rate per service, per-service and byte caps with LRU eviction; see
 * collector/templates/dictionary.ts). A template it does not admit leaves its
 * records untemplated (plain, Body kept; counted as kind 'plain' here and in
 * logfun_templates_untemplated_records_total), never dropped. A template evicted
 * from the dictionary is defined again at its next use. SDK template texts longer
 * than the dictionary's max_text_length are not hashed (invalid, reason too_long).
 * Per service the miner keeps max_templates_per_service live templates, and the
 * cache of converted mined templates is pruned to those the miner still has.
 */
import * as fs from 'fs';
import * as path from 'path';
import { bodyOf, type KeyValue, type LogBatch } from '../../collector/pipeline/batch';
import { millisAt, storedWords, wordsOf } from '../../collector/pipeline/time-column';
import { templateAttributesNeeded, type CreateSettings, type DiagLogger, type Host, type LogsConsumer, type Processor } from '../../collector/pipeline/component';
import { RetryableError } from '../../collector/pipeline/errors';
import { parseDuration } from '../../collector/config/units';
import type { Counter } from '../../collector/telemetry/metrics';
import type { TemplateDictionary } from '../../collector/templates/dictionary';
import { anyValueToString } from '../../collector/storage/anyvalue-string';
import { templateIdOf } from '../../protocol/template-id';
import { TemplateMiner, type MatchResult, type MinerSnapshot } from './miner';
import { collectorTemplateOfMined, type CollectorTemplate } from './template-text';
import type { TemplateProcessorConfig } from './config';

export const TEMPLATE_ATTRIBUTE = 'log.record.template';
export const TEMPLATE_ID_ATTRIBUTE = 'log.record.template.id';
export const ARGUMENT_ATTRIBUTE_PREFIX = 'log.record.arg.';
/** Argument attributes beyond this index are left alone (not template arguments). */
const MAX_ARGUMENTS = 1024;
/** Bound on the cache of verified SDK template texts. */
const MAX_VERIFIED_TEXTS = 10_000;

export const SNAPSHOT_FORMAT = 'logfun.template-processor';

interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: 1;
  services: Record<string, MinerSnapshot>;
}

interface MinedTemplate extends CollectorTemplate {
  /** supersededBy last written to the dictionary. */
  supersededBy?: bigint;
}

interface ServiceMiner {
  miner: TemplateMiner;
  /** Miner template id -> collector template (converted once). */
  converted: Map<bigint, MinedTemplate>;
}

/** The plain records of one service in a batch, waiting for TemplateMiner.addBatch. */
interface PendingMining {
  miner: ServiceMiner;
  /** Record indexes in the batch, with their bodies and times (ns). */
  indexes: number[];
  bodies: string[];
  timesMs: number[];
}

interface Use {
  service: string;
  id: bigint;
  count: number;
  /** Record times in ms (from the time columns' words: no bigint per record). */
  firstMs: number;
  lastMs: number;
}

/** One more use of `u` at timeMs. */
function countUse(u: Use, timeMs: number): void {
  u.count++;
  if (timeMs < u.firstMs) u.firstMs = timeMs;
  if (timeMs > u.lastMs) u.lastMs = timeMs;
}

/** What the SDK attributes of one record say. */
interface SdkTemplate {
  id: bigint;
  text: string;
  args: string[];
  fn: string;
  location: string;
}

type RecordKind = 'compact' | 'sdk' | 'mined' | 'plain';

/** An OTLP argument value as the SDK rendered it into the Body (JS number formatting). */
function argumentText(v: KeyValue['value']): string {
  return typeof v === 'number' ? String(v) : anyValueToString(v);
}

function parseId(v: KeyValue['value']): bigint | undefined {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
    const id = BigInt(v);
    return id < 1n << 64n ? id : undefined;
  }
  return undefined;
}

function argumentIndex(key: string): number {
  const rest = key.slice(ARGUMENT_ATTRIBUTE_PREFIX.length);
  if (!/^(0|[1-9]\d{0,3})$/.test(rest)) return -1;
  const i = Number(rest);
  return i < MAX_ARGUMENTS ? i : -1;
}

function isTemplateAttribute(key: string): boolean {
  return key === TEMPLATE_ATTRIBUTE || key === TEMPLATE_ID_ATTRIBUTE || (key.startsWith(ARGUMENT_ATTRIBUTE_PREFIX) && argumentIndex(key) >= 0);
}

export class TemplateProcessor implements Processor {
  private host: Host | undefined;
  private readonly logger: DiagLogger;
  private readonly labels: { processor: string };
  private readonly records: Counter;
  private readonly invalid: Counter;
  private readonly unmined: Counter;
  private readonly liveTemplates: Counter;
  private readonly snapshotErrors: Counter;
  private readonly miners = new Map<string, ServiceMiner>();
  /** SDK template text -> its id (verification cache). */
  private readonly verified = new Map<string, bigint>();
  private readonly snapshotFile: string | undefined;
  private readonly snapshotIntervalMs: number;
  private snapshotTimer: NodeJS.Timeout | undefined;
  /** Miner state changed (new templates) since the last snapshot. */
  private stateChanged = false;
  /** Lines mined since the last snapshot (counts and recency to save at shutdown). */
  private minedSinceSnapshot = 0;
  private stopped = false;

  constructor(
    settings: CreateSettings,
    private readonly config: TemplateProcessorConfig,
    private readonly next: LogsConsumer,
  ) {
    this.logger = settings.logger;
    this.labels = { processor: settings.id };
    const m = settings.metrics;
    this.records = m.counter('logfun_template_records_total', 'Records seen by the template processor, by how they got their template (compact, sdk, mined) or none (plain).');
    this.invalid = m.counter('logfun_template_invalid_total', 'Records whose SDK template attributes were unusable (treated as plain), by reason.');
    this.unmined = m.counter('logfun_template_unmined_records_total', 'Plain records with a string body that were not mined, by reason.');
    this.liveTemplates = m.gauge('logfun_template_mined_live_templates', 'Mined templates currently used for matching, over all services.');
    this.snapshotErrors = m.counter('logfun_template_snapshot_errors_total', 'Failed reads or writes of the miner state snapshot.');
    this.snapshotIntervalMs = parseDuration(config.snapshot_interval, 'snapshot_interval');
    this.snapshotFile = config.state_directory
      ? path.resolve(config.state_directory, `template-miner-${settings.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`)
      : undefined;
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    this.stopped = false;
    this.loadSnapshot();
    if (this.snapshotFile && this.config.mine) {
      this.snapshotTimer = setInterval(() => {
        if (this.stateChanged) this.saveSnapshot();
      }, this.snapshotIntervalMs);
      this.snapshotTimer.unref();
    }
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
    if (this.host && (this.stateChanged || this.minedSinceSnapshot > 0)) this.saveSnapshot();
  }

  /** Records with their template in the columns need no template attributes here; with strip_template_attributes nothing after sees them. */
  templateAttributesNeeded(): boolean {
    return this.config.strip_template_attributes ? false : templateAttributesNeeded(this.next);
  }

  async consumeLogs(batch: LogBatch): Promise<void> {
    if (this.stopped || !this.host) throw new RetryableError(`template processor ${this.labels.processor} is not running`);
    this.process(batch, this.host.templates);
    await this.next.consumeLogs(batch);
  }

  /** Assigns templates to every record of the batch (in place) and updates the dictionary. */
  process(batch: LogBatch, dictionary: TemplateDictionary): void {
    /** Uses by service, then id: no per-record key strings on the hot path. */
    const uses = new Map<string, Map<bigint, Use>>();
    const kinds: Record<RecordKind, number> = { compact: 0, sdk: 0, mined: 0, plain: 0 };
    const changedServices = new Set<string>();
    /** Plain records to mine, by service, in batch order. */
    const toMine = new Map<string, PendingMining>();
    const now = Date.now();
    const times = wordsOf(batch.timeUnixNano);
    const observed = wordsOf(batch.observedTimeUnixNano);
    /** The Use of the previous compact record (in `uses`). */
    let lastUse: Use | undefined;
    for (let i = 0; i < batch.length; i++) {
      const service = batch.resources[batch.resourceIndex[i]]?.serviceName ?? '';
      const words = storedWords(times, observed, i);
      const timeMs = words[2 * i] !== 0 || words[2 * i + 1] !== 0 ? millisAt(words, i) : now;
      let id = batch.templateId[i];
      if (id !== 0n) {
        // Compact-protocol records carry the template attributes too (so pipelines without this
        // processor see what the OTLP path would have); the columns make them redundant.
        if (this.config.strip_template_attributes && batch.attributes[i].length > 0) {
          const attrs = batch.attributes[i];
          if (attrs.some((kv) => isTemplateAttribute(kv.key))) batch.attributes[i] = attrs.filter((kv) => !isTemplateAttribute(kv.key));
        }
        kinds.compact++;
        // Records come in runs of one template: a run's Use is counted without looking it up again.
        if (lastUse !== undefined && lastUse.id === id && lastUse.service === service) countUse(lastUse, timeMs);
        else lastUse = this.noteUse(uses, service, id, timeMs);
        continue;
      }
      const attrs = batch.attributes[i];
      const sdk = attrs.length > 0 ? this.sdkTemplateOf(attrs, dictionary.limits.maxTextLength) : undefined;
      if (sdk !== undefined) {
        id = sdk.id;
        const admitted =
          dictionary.has(service, id) ||
          dictionary.define(
            {
              id,
              service,
              text: sdk.text,
              source: 'sdk',
              severityNumber: batch.severityNumber[i],
              severityText: batch.severityText[i],
              function: sdk.fn,
              location: sdk.location,
            },
            timeMs,
          ) !== undefined;
        if (!admitted) {
          // Stays as it came (attributes included): stored with its Body, untemplated.
          dictionary.countUntemplated('refused');
          kinds.plain++;
          continue;
        }
        batch.templateId[i] = id;
        batch.templateArgs[i] = sdk.args;
        if (this.config.strip_template_attributes) batch.attributes[i] = attrs.filter((kv) => !isTemplateAttribute(kv.key));
        kinds.sdk++;
        this.noteUse(uses, service, id, timeMs);
        continue;
      }
      const body = bodyOf(batch, i);
      const m = typeof body === 'string' ? this.minerFor(service, body) : undefined;
      if (m === undefined) {
        kinds.plain++;
        continue;
      }
      let pending = toMine.get(service);
      if (pending === undefined) toMine.set(service, (pending = { miner: m, indexes: [], bodies: [], timesMs: [] }));
      pending.indexes.push(i);
      pending.bodies.push(body as string);
      pending.timesMs.push(timeMs);
    }
    // Mined records are placed after the whole batch taught their miner (addBatch): the lines of
    // one event in this batch leave with one template, not the first ones with a narrower one.
    for (const [service, pending] of toMine) {
      const results = pending.miner.miner.addBatch(pending.bodies);
      this.minedSinceSnapshot += results.length;
      let changed = false;
      for (let k = 0; k < results.length; k++) {
        const i = pending.indexes[k];
        const timeMs = pending.timesMs[k];
        changed ||= results[k].changed;
        const id = this.emitMined(service, pending.miner, results[k], batch, i, dictionary, timeMs);
        if (id === undefined) {
          kinds.plain++;
          continue;
        }
        kinds.mined++;
        this.noteUse(uses, service, id, timeMs);
      }
      if (changed) {
        changedServices.add(service);
        this.stateChanged = true;
        this.pruneConverted(pending.miner);
      }
    }
    for (const service of changedServices) this.recordSupersessions(service, dictionary, now);
    for (const byId of uses.values()) {
      for (const u of byId.values()) {
        dictionary.noteUse(u.service, u.id, u.count, u.lastMs);
        if (u.firstMs < u.lastMs) dictionary.noteUse(u.service, u.id, 0, u.firstMs);
      }
    }
    for (const k of Object.keys(kinds) as RecordKind[]) if (kinds[k] > 0) this.records.inc({ ...this.labels, kind: k }, kinds[k]);
    if (changedServices.size > 0) {
      let live = 0;
      for (const m of this.miners.values()) live += m.miner.size;
      this.liveTemplates.set(this.labels, live);
    }
  }

  /** The miner of a service (restored or new), undefined when max_services miners exist. */
  private minerOf(service: string): ServiceMiner | undefined {
    let m = this.miners.get(service);
    if (m === undefined) {
      if (this.miners.size >= this.config.max_services) return undefined;
      m = { miner: new TemplateMiner({ maxTemplates: this.config.max_templates_per_service }), converted: new Map() };
      this.miners.set(service, m);
    }
    return m;
  }

  /** The miner for a plain record's body, or undefined when the record stays plain (reason counted). */
  private minerFor(service: string, body: string): ServiceMiner | undefined {
    if (!this.config.mine || body.length === 0) return undefined;
    if (body.length > this.config.max_body_length) {
      this.unmined.inc({ ...this.labels, reason: 'too_long' });
      return undefined;
    }
    const m = this.minerOf(service);
    if (m === undefined) this.unmined.inc({ ...this.labels, reason: 'service_limit' });
    return m;
  }

  /**
   * Gives record i the template the miner placed its body in (defining it in
   * the dictionary); returns the template id, or undefined when the
   * dictionary refuses it (the record stays plain, counted).
   */
  private emitMined(service: string, m: ServiceMiner, r: MatchResult, batch: LogBatch, i: number, dictionary: TemplateDictionary, timeMs: number): bigint | undefined {
    let t = m.converted.get(r.templateId);
    if (t === undefined) {
      t = collectorTemplateOfMined(r.template);
      m.converted.set(r.templateId, t);
    }
    if (
      !dictionary.has(service, t.id) &&
      dictionary.define({ id: t.id, service, text: t.text, source: 'mined', severityNumber: batch.severityNumber[i], severityText: batch.severityText[i] }, timeMs) === undefined
    ) {
      dictionary.countUntemplated('refused');
      return undefined;
    }
    batch.templateId[i] = t.id;
    batch.templateArgs[i] = r.args;
    return t.id;
  }

  /** After a generalisation: records supersededBy of every template of the service the miner replaced. */
  private recordSupersessions(service: string, dictionary: TemplateDictionary, nowMs: number): void {
    const m = this.miners.get(service);
    if (m === undefined) return;
    for (const [minerId, t] of m.converted) {
      const successor = m.miner.template(minerId)?.supersededBy;
      if (successor === undefined) {
        if (t.supersededBy !== undefined) t.supersededBy = undefined; // the same text is current again
        continue;
      }
      let target = m.converted.get(successor);
      if (target === undefined) {
        const text = m.miner.template(successor)?.template;
        if (text === undefined) continue;
        target = collectorTemplateOfMined(text);
        m.converted.set(successor, target);
      }
      if (t.supersededBy === target.id) continue;
      t.supersededBy = target.id;
      // Only an entry the dictionary holds is updated: an evicted one is not admitted again for this.
      if (dictionary.has(service, t.id)) dictionary.define({ id: t.id, service, text: t.text, source: 'mined', supersededBy: target.id }, nowMs);
    }
  }

  /** Keeps the converted-template cache of a service to about what its miner still holds (the miner evicts LRU). */
  private pruneConverted(m: ServiceMiner): void {
    if (m.converted.size <= 2 * this.config.max_templates_per_service) return;
    for (const id of m.converted.keys()) if (m.miner.template(id) === undefined) m.converted.delete(id);
  }

  /** Counts a use of (service, id) at timeMs in `uses`; returns its Use. */
  private noteUse(uses: Map<string, Map<bigint, Use>>, service: string, id: bigint, timeMs: number): Use {
    let byId = uses.get(service);
    if (byId === undefined) {
      byId = new Map();
      uses.set(service, byId);
    }
    let u = byId.get(id);
    if (u === undefined) byId.set(id, (u = { service, id, count: 1, firstMs: timeMs, lastMs: timeMs }));
    else countUse(u, timeMs);
    return u;
  }

  /** Reads our SDK's template attributes; undefined when absent or unusable (counted). */
  private sdkTemplateOf(attrs: readonly KeyValue[], maxTextLength: number): SdkTemplate | undefined {
    let text: KeyValue['value'];
    let idValue: KeyValue['value'];
    let found = false;
    let args: string[] | undefined;
    let fn = '';
    let file = '';
    let line = '';
    for (const kv of attrs) {
      const k = kv.key;
      if (k.startsWith('log.record.')) {
        if (k === TEMPLATE_ATTRIBUTE) {
          text = kv.value;
          found = true;
        } else if (k === TEMPLATE_ID_ATTRIBUTE) {
          idValue = kv.value;
          found = true;
        } else if (k.startsWith(ARGUMENT_ATTRIBUTE_PREFIX)) {
          const idx = argumentIndex(k);
          if (idx >= 0) (args ??= [])[idx] = argumentText(kv.value);
        }
      } else if (k.startsWith('code.')) {
        if (k === 'code.function') fn = anyValueToString(kv.value);
        else if (k === 'code.filepath' || k === 'code.file.path') file = anyValueToString(kv.value);
        else if (k === 'code.lineno' || k === 'code.line.number') line = anyValueToString(kv.value);
      }
    }
    if (!found) return undefined;
    const id = parseId(idValue);
    if (typeof text !== 'string' || id === undefined) {
      this.invalid.inc({ ...this.labels, reason: 'malformed' });
      return undefined;
    }
    if (text.length > maxTextLength) {
      // Not hashed or cached: the dictionary would not take it anyway.
      this.invalid.inc({ ...this.labels, reason: 'too_long' });
      return undefined;
    }
    let expected = this.verified.get(text);
    if (expected === undefined) {
      expected = templateIdOf(text);
      if (this.verified.size >= MAX_VERIFIED_TEXTS) this.verified.clear();
      this.verified.set(text, expected);
    }
    if (expected !== id) {
      this.invalid.inc({ ...this.labels, reason: 'id_mismatch' });
      return undefined;
    }
    const list = args ?? [];
    for (let k = 0; k < list.length; k++) if (list[k] === undefined) list[k] = ''; // holes from missing indexes
    return { id, text, args: list, fn, location: file ? (line ? `${file}:${line}` : file) : '' };
  }

  // ---- snapshot ----

  private loadSnapshot(): void {
    const file = this.snapshotFile;
    if (!file || !this.config.mine || this.miners.size > 0) return;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.snapshotErrors.inc({ ...this.labels, op: 'read' });
        this.logger.warn('template processor: cannot read the miner snapshot; mining starts afresh', { file, error: (e as Error).message });
      }
      return;
    }
    try {
      const snap = JSON.parse(text) as Snapshot;
      if (snap?.format !== SNAPSHOT_FORMAT || snap.version !== 1 || typeof snap.services !== 'object' || snap.services === null) {
        throw new Error('not a logfun.template-processor snapshot (version 1)');
      }
      for (const [service, minerSnap] of Object.entries(snap.services)) {
        if (this.miners.size >= this.config.max_services) break;
        const miner = TemplateMiner.fromJSON(minerSnap, { maxTemplates: this.config.max_templates_per_service });
        this.miners.set(service, { miner, converted: new Map() });
      }
      let live = 0;
      for (const m of this.miners.values()) live += m.miner.size;
      this.liveTemplates.set(this.labels, live);
      this.logger.info('template processor: restored mined templates', { file, services: this.miners.size, templates: live });
    } catch (e) {
      this.miners.clear();
      this.snapshotErrors.inc({ ...this.labels, op: 'read' });
      this.logger.warn('template processor: miner snapshot unusable; mining starts afresh', { file, error: (e as Error).message });
    }
  }

  /** Writes the snapshot atomically (temp file + rename); failures are logged and counted. */
  saveSnapshot(): void {
    const file = this.snapshotFile;
    if (!file) return;
    const services: Record<string, MinerSnapshot> = {};
    for (const [service, m] of this.miners) services[service] = m.miner.toJSON();
    const snap: Snapshot = { format: SNAPSHOT_FORMAT, version: 1, services };
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(snap));
      fs.renameSync(tmp, file);
      this.stateChanged = false;
      this.minedSinceSnapshot = 0;
    } catch (e) {
      this.snapshotErrors.inc({ ...this.labels, op: 'write' });
      this.logger.warn('template processor: cannot write the miner snapshot', { file, error: (e as Error).message });
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing more to do
      }
    }
  }
}
