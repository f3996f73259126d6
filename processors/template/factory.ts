import type { ComponentFactory } from '../../collector/pipeline/component';
import { createDefaultTemplateConfig, validateTemplateConfig, type TemplateProcessorConfig } from './config';
import { TemplateProcessor } from './processor';

/** `template`: gives every record a template id and arguments (SDK attributes or mined), see processor.ts. */
export const templateProcessorFactory: ComponentFactory<TemplateProcessorConfig> = {
  type: 'template',
  kind: 'processor',
  createDefaultConfig: createDefaultTemplateConfig,
  validate: validateTemplateConfig,
  create(settings, config, next) {
    if (!next) throw new Error('template processor needs a next consumer');
    return new TemplateProcessor(settings, config, next);
  },
};
