/**
 * The configuration used when no file is given: OTLP in (gRPC 4317, HTTP 4318, on
 * loopback: with no ingest token nothing off this host may write, as otelcol's
 * localhost default; a config file opens them to other hosts, with `auth`),
 * templates found for every record (SDK templates kept, plain bodies mined; miner
 * state under ./.logfun/templates), spam suppressed automatically (the balancer:
 * AUTO mutes pushed to the SDKs, summaries and log_suppression rows in the same
 * store; the SDKs' exact muted counts credited to each mute), control rules
 * applied, into the embedded ClickHouse (chDB) under ./.logfun/data with Body
 * rendered from the templates at query time.
 *
 * Order template -> spam -> control: spam judges records by template id (set by the
 * template processor) and takes the SDKs' muted-count reports out of the batch
 * before control; control then applies people's rules (and AUTO mutes to records
 * of senders that cannot be told, e.g. plain OTLP) to what is left.
 *
 * No batch processor: the clickhouse exporter batches in its own sending queue
 * (10k rows / 1 s) and accepts a batch as soon as it is written to its
 * write-ahead log (./.logfun/queue, at most 1 GiB unsent), so senders are
 * acknowledged at once and what was acknowledged survives a crash or kill -9;
 * a batch processor in front would hold every sender's acknowledgement for its
 * timeout (and, buffering on a timer, lose the SDK session marks that make
 * resends after a crash exactly-once).
 */
export const DEFAULT_CONFIG_YAML = `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:4317
      http:
        endpoint: 127.0.0.1:4318

processors:
  template:
    state_directory: ./.logfun/templates
  spam:
  control:

exporters:
  clickhouse:
    endpoint: chdb://./.logfun/data
    queue:
      storage: wal
      directory: ./.logfun/queue
      max_bytes: 1GiB

service:
  telemetry:
    admin:
      endpoint: 127.0.0.1:13133
  pipelines:
    logs:
      receivers: [otlp]
      processors: [template, spam, control]
      exporters: [clickhouse]
`;
