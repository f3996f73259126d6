/**
 * Reading buffered records on the flush path: timestamps, rendered Body, and
 * the attribute list every plain-OTLP consumer sees (bound + call attributes,
 * then template attributes, then code location).
 */
import { LOGFUN_SCOPE, type InstrumentationScope } from './resource';
import type { RecordBuffer } from './record-buffer';
import type { ExportBatch } from './transport';
import type { Template } from './templates';
import { severityTextOf } from '../protocol/severity';
import { toUnixNano } from './clock';
import type { ArgumentValue, AttributeValue } from '../protocol/values';

export const TEMPLATE_ATTRIBUTE = 'log.record.template';
export const TEMPLATE_ID_ATTRIBUTE = 'log.record.template.id';
export const ARGUMENT_ATTRIBUTE_PREFIX = 'log.record.arg.';

const argumentKeys: string[] = [];
/** `log.record.arg.<i>`, cached. */
export function argumentAttributeKey(i: number): string {
  let key = argumentKeys[i];
  if (key === undefined) {
    key = ARGUMENT_ATTRIBUTE_PREFIX + i;
    argumentKeys[i] = key;
  }
  return key;
}

export function timeUnixNanoAt(buf: RecordBuffer, slot: number): bigint {
  return toUnixNano(buf.timeSec[slot], buf.timeNano[slot]);
}

export function observedTimeUnixNanoAt(buf: RecordBuffer, slot: number): bigint {
  const extra = buf.extra[slot];
  return extra ? toUnixNano(extra.observedSec, extra.observedNano) : timeUnixNanoAt(buf, slot);
}

export function severityTextAt(buf: RecordBuffer, slot: number): string {
  const extra = buf.extra[slot];
  return extra ? extra.severityText : severityTextOf(buf.severity[slot]);
}

/** The Body: the template rendered with its arguments, or the API record's own body. */
export function bodyAt(buf: RecordBuffer, slot: number): AttributeValue {
  const template = buf.template[slot];
  if (template !== undefined) return template.render(buf.args[slot]);
  return buf.extra[slot]?.body;
}

export function scopeAt(buf: RecordBuffer, slot: number): InstrumentationScope {
  return buf.scope[slot] ?? LOGFUN_SCOPE;
}

export function eventNameAt(buf: RecordBuffer, slot: number): string {
  return buf.extra[slot]?.eventName ?? '';
}

export function droppedAttributesAt(buf: RecordBuffer, slot: number): number {
  return (buf.attrs[slot]?.dropped ?? 0) + (buf.bound[slot]?.dropped ?? 0);
}

export type AttributeVisitor = (key: string, value: AttributeValue | ArgumentValue) => void;

/**
 * Visits a record's attributes in export order: logger-bound attributes (unless
 * the call set the same key), call attributes, then, when `withTemplate`,
 * log.record.template, log.record.template.id, the code.function /
 * code.filepath / code.lineno of the template's site, and log.record.arg.<i>.
 */
export function forEachAttribute(buf: RecordBuffer, slot: number, withTemplate: boolean, visit: AttributeVisitor): void {
  const bound = buf.bound[slot];
  const attrs = buf.attrs[slot];
  if (bound !== undefined) {
    for (let i = 0; i < bound.keys.length; i++) {
      const key = bound.keys[i];
      if (attrs !== undefined && attrs.keys.includes(key)) continue;
      visit(key, bound.values[i]);
    }
  }
  if (attrs !== undefined) for (let i = 0; i < attrs.keys.length; i++) visit(attrs.keys[i], attrs.values[i]);
  const template = buf.template[slot];
  if (!withTemplate || template === undefined) return;
  visitTemplateAttributes(template, buf.args[slot], visit);
}

export function visitTemplateAttributes(template: Template, args: readonly ArgumentValue[] | undefined, visit: AttributeVisitor): void {
  visit(TEMPLATE_ATTRIBUTE, template.text);
  visit(TEMPLATE_ID_ATTRIBUTE, template.idString);
  const site = template.site;
  if (site !== undefined) {
    if (site.function) visit('code.function', site.function);
    visit('code.filepath', site.filepath);
    visit('code.lineno', site.lineno);
  }
  if (args !== undefined) for (let i = 0; i < args.length; i++) visit(argumentAttributeKey(i), args[i]);
}

/** A fully materialized record, as the memory transport keeps it and the console prints it. */
export interface ExportedRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  /** Every exported attribute, template attributes included, in export order. */
  attributes: Record<string, AttributeValue | ArgumentValue>;
  droppedAttributesCount: number;
  /** Lower-case hex, '' when none. */
  traceId: string;
  spanId: string;
  flags: number;
  eventName: string;
  scope: InstrumentationScope;
  /** The call site's template object (identity is meaningful), undefined for OTel API records. */
  template: Template | undefined;
  /** Captured template arguments. */
  args: readonly ArgumentValue[] | undefined;
}

export function materializeRecord(batch: ExportBatch, i: number): ExportedRecord {
  const buf = batch.buffer;
  const slot = batch.slot(i);
  const attributes: Record<string, AttributeValue | ArgumentValue> = {};
  forEachAttribute(buf, slot, true, (k, v) => {
    attributes[k] = v;
  });
  return {
    timeUnixNano: timeUnixNanoAt(buf, slot),
    observedTimeUnixNano: observedTimeUnixNanoAt(buf, slot),
    severityNumber: buf.severity[slot],
    severityText: severityTextAt(buf, slot),
    body: bodyAt(buf, slot),
    attributes,
    droppedAttributesCount: droppedAttributesAt(buf, slot),
    traceId: buf.traceId[slot] ?? '',
    spanId: buf.spanId[slot] ?? '',
    flags: buf.traceFlags[slot],
    eventName: eventNameAt(buf, slot),
    scope: scopeAt(buf, slot),
    template: buf.template[slot],
    args: buf.args[slot],
  };
}
