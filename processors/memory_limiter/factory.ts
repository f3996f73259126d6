import type { ComponentFactory } from '../../collector/pipeline/component';
import { createDefaultMemoryLimiterConfig, resolveMemoryLimiterConfig, validateMemoryLimiterConfig, type MemoryLimiterConfig } from './config';
import { MemoryLimiterProcessor } from './processor';

/** `memory_limiter`: refuses batches (retryably) while memory is above the soft limit; see processor.ts. Put it first in a pipeline. */
export const memoryLimiterProcessorFactory: ComponentFactory<MemoryLimiterConfig> = {
  type: 'memory_limiter',
  kind: 'processor',
  createDefaultConfig: createDefaultMemoryLimiterConfig,
  validate: validateMemoryLimiterConfig,
  create(settings, config, next) {
    if (!next) throw new Error('memory_limiter processor needs a next consumer');
    const errors: string[] = [];
    const resolved = resolveMemoryLimiterConfig(config, errors);
    if (errors.length) throw new Error(`invalid memory_limiter config: ${errors.join('; ')}`);
    return new MemoryLimiterProcessor(settings, resolved, next);
  },
};
