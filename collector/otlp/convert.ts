/**
 * OTLP <-> LogBatch conversion shared by the otlp receiver and exporter:
 *
 * - decodeExportRequest(buf): binary protobuf ExportLogsServiceRequest -> LogBatch
 * - decodeExportRequestJson(text): OTLP/JSON ExportLogsServiceRequest -> LogBatch
 * - encodeExportRequest(batch): LogBatch -> binary protobuf (grouped by resource, then scope)
 * - encodeExportRequestJson(batch): LogBatch -> OTLP/JSON text
 *
 * Decoders throw PermanentError on malformed input and set batch.byteSize to the
 * request size. Timestamps and int64 values are exact (bigint) both ways.
 */
export { decodeExportRequest } from './wire-decode';
export { encodeExportRequest } from './wire-encode';
export { decodeExportRequestJson } from './json-decode';
export { encodeExportRequestJson } from './request-object';
