/**
 * The logs table's columns as the Native encoder takes them (TableColumn), without a
 * store to read them from: the 18.16 server's table and the contrib one (chDB and current
 * servers; TimestampTime, a DEFAULT, is not written). Same columns as
 * collector/storage/clickhouse-schema.ts creates. Used by tests and benchmarks of the encoder.
 */
import type { TableColumn } from '../../collector/storage/clickhouse-logs-encoder';

function tableColumns(spec: string): TableColumn[] {
  return spec.split(';').map((c) => {
    const [name, type] = c.split(':');
    return { name, type, defaultKind: '' };
  });
}

export const LOGS_COLUMNS_18_16: readonly TableColumn[] = tableColumns(
  'Timestamp:DateTime;TimestampNanos:UInt32;TraceId:String;SpanId:String;TraceFlags:UInt8;SeverityText:String;SeverityNumber:UInt8;ServiceName:String;Body:String;' +
    'ResourceSchemaUrl:String;ResourceAttributes.keys:Array(String);ResourceAttributes.values:Array(String);ScopeSchemaUrl:String;ScopeName:String;ScopeVersion:String;' +
    'ScopeAttributes.keys:Array(String);ScopeAttributes.values:Array(String);LogAttributes.keys:Array(String);LogAttributes.values:Array(String);EventName:String;TemplateId:UInt64;TemplateArgs:Array(String)',
);

/** LowCardinality columns: the encoder fills them from String where the engine converts types (chDB, servers >= 23). */
export const LOGS_COLUMNS_CONTRIB: readonly TableColumn[] = tableColumns(
  'Timestamp:DateTime64(9);TraceId:String;SpanId:String;TraceFlags:UInt8;SeverityText:LowCardinality(String);SeverityNumber:UInt8;ServiceName:LowCardinality(String);Body:String;' +
    'ResourceSchemaUrl:LowCardinality(String);ResourceAttributes:Map(LowCardinality(String), String);ScopeSchemaUrl:LowCardinality(String);ScopeName:String;' +
    'ScopeVersion:LowCardinality(String);ScopeAttributes:Map(LowCardinality(String), String);LogAttributes:Map(LowCardinality(String), String);EventName:String;TemplateId:UInt64;TemplateArgs:Array(String)',
);
