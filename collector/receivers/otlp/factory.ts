import type { ComponentFactory } from '../../pipeline/component';
import {
  createDefaultOtlpReceiverConfig,
  unmarshalOtlpReceiverConfig,
  validateOtlpReceiverConfig,
  type OtlpReceiverConfig,
} from './config';
import { OtlpReceiver } from './receiver';

export type { OtlpReceiverConfig, GrpcProtocolConfig, HttpProtocolConfig } from './config';
export { OtlpReceiver } from './receiver';

/** Receiver type "otlp": OTLP/gRPC (default 0.0.0.0:4317) and OTLP/HTTP (default 0.0.0.0:4318). */
export const otlpReceiverFactory: ComponentFactory<OtlpReceiverConfig> = {
  type: 'otlp',
  kind: 'receiver',
  createDefaultConfig: createDefaultOtlpReceiverConfig,
  unmarshal: unmarshalOtlpReceiverConfig,
  validate: validateOtlpReceiverConfig,
  listenEndpoints: (config) => [config.protocols?.grpc?.endpoint, config.protocols?.http?.endpoint].filter((e): e is string => typeof e === 'string'),
  create(settings, config, next) {
    if (!next) throw new Error('otlp receiver needs a next consumer');
    return new OtlpReceiver(settings, config, next);
  },
};
