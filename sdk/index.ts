/**
 * logfun SDK: a templated, non-blocking logger speaking OTLP to any
 * OpenTelemetry collector (and, later, logfun's compact protocol), plus the
 * OpenTelemetry Logs API on the same pipeline.
 */
export { createLogger, type CreateLoggerOptions, type RootLogger } from './create-logger';
export type { Logger, LogMethod } from './logger';
export type { LoggerStats } from './pipeline';
export { LogfunLoggerProvider } from './otel';
export { LEVELS, SEVERITY_NUMBER, severityTextOf, type LevelName, type LevelThreshold } from '../protocol/severity';
export { templateIdOf, templateIdToString } from '../protocol/template-id';
export {
  Template,
  TemplateRegistry,
  defaultTemplateRegistry,
  parseTemplateText,
  templateTextOf,
  renderTemplateText,
  PLACEHOLDER,
  type TemplateKind,
} from './templates';
export { renderArgument, type ArgumentValue, type AttributeValue, type Attributes } from '../protocol/values';
export { ExportBatch, ExportError, type ExportResult, type Transport, type TransportBatchDefaults } from './transport';
export {
  materializeRecord,
  TEMPLATE_ATTRIBUTE,
  TEMPLATE_ID_ATTRIBUTE,
  ARGUMENT_ATTRIBUTE_PREFIX,
  type ExportedRecord,
} from './record-view';
export { MemoryTransport, type MemoryBatchInfo } from './transports/memory';
export { ConsoleTransport, type ConsoleTransportOptions } from './transports/console';
export { OtlpGrpcTransport, parseGrpcEndpoint, type OtlpGrpcTransportOptions } from './transports/otlp-grpc';
export { LogfunStreamTransport, AutoTransport, IngestUnimplementedError } from './transports/logfun-stream';
export { FileTransport, type FileTransportOptions } from './transports/file';
export { traced, logged, functionScopes, FunctionScopes, FunctionScope, currentFunctionScope, type TracedMethodDecorator } from './traced';
export {
  decodeLogFile,
  decodeLogFileFrames,
  decodeLogFileFramesAsync,
  formatTextLine,
  formatJsonLine,
  describeProblems,
  type DecodedRecord,
  type DecodedTemplate,
  type DecodeResult,
  type DecodeSummary,
} from '../protocol/file-format/decode';
export { DEFAULT_DECODE_BOUNDS, DecodeBoundError, type DecodeBounds } from '../protocol/file-format/bounds';
export type { CodeLocation } from './callsite';
export { SDK_VERSION } from './version';
