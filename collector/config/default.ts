/**
 * The configuration used when no file is given: OTLP in (gRPC 4317, HTTP 4318),
 * batched, into the embedded ClickHouse (chDB) under ./.logfun/data.
 */
export const DEFAULT_CONFIG_YAML = `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318

processors:
  batch:
    send_batch_size: 8192
    timeout: 200ms

exporters:
  clickhouse:
    endpoint: chdb://./.logfun/data

service:
  telemetry:
    admin:
      endpoint: 127.0.0.1:13133
  pipelines:
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [clickhouse]
`;
