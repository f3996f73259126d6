/**
 * The configuration used when no file is given: OTLP in (gRPC 4317, HTTP 4318)
 * into the embedded ClickHouse (chDB) under ./.logfun/data.
 *
 * No batch processor: the clickhouse exporter batches in its own sending queue
 * (10k rows / 1 s) and accepts a batch as soon as it is queued, so senders are
 * acknowledged at once; a batch processor in front would hold every sender's
 * acknowledgement for its timeout.
 */
export const DEFAULT_CONFIG_YAML = `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318

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
      exporters: [clickhouse]
`;
