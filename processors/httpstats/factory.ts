/**
 * Factory of the `httpstats` processor: HTTP access statistics and traffic
 * alerts from access-log records (see processor.ts; settings in config.ts).
 */
import type { ComponentFactory } from '../../collector/pipeline/component';
import { createDefaultHttpStatsConfig, unmarshalHttpStatsConfig, validateHttpStatsConfig, type HttpStatsProcessorConfig } from './config';
import { HttpStatsProcessor } from './processor';

export type { HttpStatsProcessorConfig } from './config';
export { HttpStatsProcessor, type HttpStatsListener, type HttpStatsProcessorOptions } from './processor';

export const httpstatsProcessorFactory: ComponentFactory<HttpStatsProcessorConfig> = {
  type: 'httpstats',
  kind: 'processor',
  createDefaultConfig: createDefaultHttpStatsConfig,
  validate: validateHttpStatsConfig,
  unmarshal: unmarshalHttpStatsConfig,
  create(settings, config, next) {
    if (!next) throw new Error('httpstats processor needs a next consumer');
    return new HttpStatsProcessor(settings, config, next);
  },
};
