/**
 * Factory of the filelog receiver (type `filelog`): tails files matched by globs,
 * parses lines (clf, combined, csv, json, text, auto) and checkpoints positions.
 */
import type { ComponentFactory } from '../../pipeline/component';
import { createDefaultFileLogConfig, unmarshalFileLogConfig, validateFileLogConfig, type FileLogReceiverConfig } from './config';
import { FileLogReceiver } from './receiver';

export type { FileLogReceiverConfig } from './config';
export { FileLogReceiver } from './receiver';

export const filelogReceiverFactory: ComponentFactory<FileLogReceiverConfig> = {
  type: 'filelog',
  kind: 'receiver',
  createDefaultConfig: createDefaultFileLogConfig,
  validate: validateFileLogConfig,
  unmarshal: unmarshalFileLogConfig,
  create(settings, config, next) {
    if (!next) throw new Error('filelog receiver needs a next consumer');
    return new FileLogReceiver(settings, config, next);
  },
};
