import type { ComponentFactory } from '../../collector/pipeline/component';
import { createDefaultControlProcessorConfig, validateControlProcessorConfig, type ControlProcessorConfig } from './config';
import { ControlProcessor } from './processor';

/** `control`: enforces the control plane's rules (mute, sample, severity floor) on every record, see processor.ts. */
export const controlProcessorFactory: ComponentFactory<ControlProcessorConfig> = {
  type: 'control',
  kind: 'processor',
  createDefaultConfig: createDefaultControlProcessorConfig,
  validate: validateControlProcessorConfig,
  create(settings, config, next) {
    if (!next) throw new Error('control processor needs a next consumer');
    return new ControlProcessor(settings, config, next);
  },
};
