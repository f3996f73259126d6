/** Configuration of the `template` processor (YAML keys in snake_case). */
import { parseDuration } from '../../collector/config/units';

export interface TemplateProcessorConfig {
  /** Mine templates from plain string bodies (records without a template from our SDK). */
  mine: boolean;
  /** Live templates each service's miner keeps for matching (least recently used beyond). */
  max_templates_per_service: number;
  /** Services that get a miner; records of further services pass without a template (counted). */
  max_services: number;
  /** Bodies longer than this many characters are not mined (counted). */
  max_body_length: number;
  /**
   * Remove `log.record.template`, `log.record.template.id` and `log.record.arg.<i>`
   * from records whose TemplateId/TemplateArgs now hold them (they would repeat the
   * template columns and log_templates in every row).
   */
  strip_template_attributes: boolean;
  /**
   * Folder for the miner state snapshot, so mined templates (and their ids) carry
   * over a restart; '' keeps no state (mining starts afresh after a restart).
   */
  state_directory: string;
  /** How often a changed miner state is written (and always at shutdown). */
  snapshot_interval: string | number;
}

export function createDefaultTemplateConfig(): TemplateProcessorConfig {
  return {
    mine: true,
    max_templates_per_service: 20_000,
    max_services: 1000,
    max_body_length: 16_384,
    strip_template_attributes: true,
    state_directory: './.logfun/templates',
    snapshot_interval: '10s',
  };
}

/** Every problem found, [] when valid. */
export function validateTemplateConfig(c: TemplateProcessorConfig): string[] {
  const problems: string[] = [];
  const positiveInt = (v: unknown, path: string): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) problems.push(`${path}: must be a positive integer, got ${JSON.stringify(v)}`);
  };
  const bool = (v: unknown, path: string): void => {
    if (typeof v !== 'boolean') problems.push(`${path}: must be true or false, got ${JSON.stringify(v)}`);
  };
  bool(c.mine, 'mine');
  bool(c.strip_template_attributes, 'strip_template_attributes');
  positiveInt(c.max_templates_per_service, 'max_templates_per_service');
  positiveInt(c.max_services, 'max_services');
  positiveInt(c.max_body_length, 'max_body_length');
  if (typeof c.state_directory !== 'string') problems.push(`state_directory: must be a folder path or "", got ${JSON.stringify(c.state_directory)}`);
  try {
    if (parseDuration(c.snapshot_interval, 'snapshot_interval') <= 0) problems.push('snapshot_interval: must be positive');
  } catch (e) {
    problems.push((e as Error).message);
  }
  return problems;
}
