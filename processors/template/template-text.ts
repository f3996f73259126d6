/**
 * The boundary between the miner's template syntax (`<*>` variables, see
 * miner/render.ts) and the collector's (the SDK's `{}` placeholders, see
 * sdk/templates.ts). Everything outside the miner — the dictionary on the
 * Host, log_templates, ids in otel_logs — uses the SDK syntax, so a mined
 * template and an SDK template with the same constant text get the same id.
 */
import { templateParts } from './miner';
import { templateTextOf } from '../../protocol/template-text';
import { templateIdOf } from '../../protocol/template-id';

export interface CollectorTemplate {
  /** templateIdOf(text). */
  readonly id: bigint;
  /** SDK syntax: `{}` per argument, escaped as the SDK does. */
  readonly text: string;
  /** Unescaped constant parts (parts.length = arguments + 1). */
  readonly parts: readonly string[];
}

/** Converts a mined template (`<*>` syntax) to the collector's syntax and id. */
export function collectorTemplateOfMined(minedText: string): CollectorTemplate {
  const parts = templateParts(minedText);
  const text = templateTextOf(parts);
  return { id: templateIdOf(text), text, parts };
}
