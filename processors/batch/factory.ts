import type { ComponentFactory } from '../../collector/pipeline/component';
import { parseDuration } from '../../collector/config/units';
import { createDefaultBatchConfig, type BatchProcessorConfig } from './config';
import { BatchProcessor } from './processor';

export const batchProcessorFactory: ComponentFactory<BatchProcessorConfig> = {
  type: 'batch',
  kind: 'processor',
  createDefaultConfig: createDefaultBatchConfig,
  validate(config) {
    const problems: string[] = [];
    if (!Number.isInteger(config.send_batch_size) || config.send_batch_size <= 0) problems.push('send_batch_size: must be a positive integer');
    if (!Number.isInteger(config.send_batch_max_size) || config.send_batch_max_size < 0) problems.push('send_batch_max_size: must be 0 or a positive integer');
    else if (config.send_batch_max_size > 0 && config.send_batch_max_size < config.send_batch_size)
      problems.push('send_batch_max_size: must be 0 or at least send_batch_size');
    try {
      parseDuration(config.timeout, 'timeout');
    } catch (e) {
      problems.push((e as Error).message);
    }
    return problems;
  },
  create(settings, config, next) {
    if (!next) throw new Error('batch processor needs a next consumer');
    return new BatchProcessor(settings, config, next);
  },
};
