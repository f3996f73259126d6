/**
 * The collector-wide template dictionary: every template seen (defined by an SDK
 * over the compact protocol, carried in OTLP attributes by our SDK, or mined from
 * plain bodies), per service, with usage statistics.
 *
 * Template text syntax is the SDK's (sdk/templates.ts): constant text with `{}` for
 * each argument. Ids are `templateIdOf(text)`: a stable 64-bit hash, so every
 * collector and SDK agree without coordination.
 *
 * Receivers and processors `define`/`noteUse`; storage takes the changed entries
 * with `takeDirty()` and persists them (the `log_templates` table).
 */
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

export class TemplateDictionary {
  private readonly entries = new Map<string, TemplateInfo>();
  private readonly dirty = new Set<string>();

  private static key(service: string, id: bigint): string {
    return `${service}\u0000${id}`;
  }

  /** Adds a template or updates its definition; returns the entry. */
  define(def: TemplateDefinition, nowMs = Date.now()): TemplateInfo {
    const key = TemplateDictionary.key(def.service, def.id);
    let e = this.entries.get(key);
    if (!e) {
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
      this.entries.set(key, e);
      this.dirty.add(key);
    } else {
      let changed = false;
      for (const k of ['text', 'severityNumber', 'severityText', 'function', 'location', 'supersededBy'] as const) {
        const v = def[k];
        if (v !== undefined && v !== e[k]) {
          (e as unknown as Record<string, unknown>)[k] = v;
          changed = true;
        }
      }
      if (changed) this.dirty.add(key);
    }
    return e;
  }

  /** Counts `count` uses of a defined template at `timeMs`; unknown templates are ignored. */
  noteUse(service: string, id: bigint, count = 1, timeMs = Date.now()): void {
    const key = TemplateDictionary.key(service, id);
    const e = this.entries.get(key);
    if (!e) return;
    e.count += count;
    if (timeMs > e.lastSeenMs) e.lastSeenMs = timeMs;
    if (timeMs < e.firstSeenMs) e.firstSeenMs = timeMs;
    this.dirty.add(key);
  }

  get(service: string, id: bigint): TemplateInfo | undefined {
    return this.entries.get(TemplateDictionary.key(service, id));
  }

  all(): TemplateInfo[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries changed since the last call (copies), for persistence. */
  takeDirty(): TemplateInfo[] {
    const out: TemplateInfo[] = [];
    for (const key of this.dirty) {
      const e = this.entries.get(key);
      if (e) out.push({ ...e });
    }
    this.dirty.clear();
    return out;
  }

  /** Puts entries back as dirty after a failed persist, so they are written next time. */
  markDirty(entries: TemplateInfo[]): void {
    for (const e of entries) this.dirty.add(TemplateDictionary.key(e.service, e.id));
  }
}
