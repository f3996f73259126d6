/**
 * Factory of the `spam` processor (the balancer): statistical spam detection per
 * template and per function of each service, AUTO mutes pushed to the SDKs
 * through the control plane, summary records and log_suppression rows
 * (processor.ts; parameters in config.ts).
 */
import type { ComponentFactory } from '../../collector/pipeline/component';
import { createDefaultSpamConfig, validateSpamConfig, type SpamProcessorConfig } from './config';
import { SpamProcessor } from './processor';

export type { SpamProcessorConfig, SpamStrategy, TunableParams } from './config';
export type { AutoMuteSink, ManualMode, MuteTarget } from './control-sink';
export { SpamProcessor, type SpamProcessorOptions, type SpamListener, type DropReport, type ActiveMute } from './processor';

export const spamProcessorFactory: ComponentFactory<SpamProcessorConfig> = {
  type: 'spam',
  kind: 'processor',
  createDefaultConfig: createDefaultSpamConfig,
  validate: validateSpamConfig,
  create(settings, config, next) {
    if (!next) throw new Error('spam processor needs a next consumer');
    return new SpamProcessor(settings, config, next);
  },
};
