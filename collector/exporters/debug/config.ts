import type { Verbosity } from './format';

/**
 * debug exporter configuration (as otelcol's debug exporter):
 *
 *   exporters:
 *     debug:
 *       verbosity: basic     # basic (one line per batch) | normal (one line per record) | detailed (every field)
 */
export interface DebugExporterConfig {
  verbosity: Verbosity;
}

export const VERBOSITIES: readonly Verbosity[] = ['basic', 'normal', 'detailed'];

export function createDefaultDebugExporterConfig(): DebugExporterConfig {
  return { verbosity: 'basic' };
}

export function validateDebugExporterConfig(config: DebugExporterConfig): string[] {
  return VERBOSITIES.includes(config.verbosity) ? [] : [`verbosity: must be one of ${VERBOSITIES.join(', ')}, got ${JSON.stringify(config.verbosity)}`];
}
