-- logfun: the tables several collectors share through ClickHouse, on one server:
--   log_templates (+ the read-time view log_templates_merged): the template dictionary;
--   control_rules: ON / OFF / AUTO rules, sample rates, severity floors;
--   log_suppression: the spam balancer's mute / summary / unmute / override events;
--   spam_rates: per-bucket record counts of every collector (processors.spam.shared_rates).
-- The collector creates them itself at start; this file is for applying by hand.
-- Generated from templatesTableSql() (collector/storage/template-store.ts),
-- controlTableSql() (collector/control/table.ts), suppressionSchemaSql()
-- (collector/storage/suppression-store.ts) and spamRatesSchemaSql()
-- (collector/storage/spam-rates-store.ts); test/unit/deploy-sql.test.ts keeps it in step.

CREATE DATABASE IF NOT EXISTS `otel`;

CREATE TABLE IF NOT EXISTS `otel`.`log_templates` (
    ServiceName LowCardinality(String),
    TemplateId UInt64,
    Text String CODEC(ZSTD(1)),
    Parts Array(String) CODEC(ZSTD(1)),
    Source LowCardinality(String),
    SeverityNumber UInt8,
    SeverityText LowCardinality(String),
    Function String CODEC(ZSTD(1)),
    Location String CODEC(ZSTD(1)),
    FirstSeen DateTime64(3),
    LastSeen DateTime64(3),
    Count UInt64,
    SupersededBy UInt64,
    WriterId String,
    Version UInt64
) ENGINE = ReplacingMergeTree(Version)
ORDER BY (ServiceName, TemplateId, WriterId);

CREATE VIEW IF NOT EXISTS `otel`.`log_templates_merged` AS
SELECT ServiceName, TemplateId,
    argMax(w_text, w_version) AS Text, argMax(w_source, w_version) AS Source,
    argMax(w_severity_number, w_version) AS SeverityNumber, argMax(w_severity_text, w_version) AS SeverityText,
    argMax(w_function, w_version) AS Function, argMax(w_location, w_version) AS Location,
    min(w_first) AS FirstSeen, max(w_last) AS LastSeen, sum(w_count) AS Count,
    argMax(w_superseded_by, w_version) AS SupersededBy, count() AS Writers
FROM (
    SELECT ServiceName, TemplateId, WriterId,
        argMax(Text, Version) AS w_text, argMax(Source, Version) AS w_source,
        argMax(SeverityNumber, Version) AS w_severity_number, argMax(SeverityText, Version) AS w_severity_text,
        argMax(Function, Version) AS w_function, argMax(Location, Version) AS w_location,
        min(FirstSeen) AS w_first, max(LastSeen) AS w_last, max(Count) AS w_count,
        argMax(SupersededBy, Version) AS w_superseded_by, max(Version) AS w_version
    FROM `otel`.`log_templates`
    GROUP BY ServiceName, TemplateId, WriterId
)
GROUP BY ServiceName, TemplateId;

CREATE TABLE IF NOT EXISTS `otel`.`control_rules` (
    ServiceName LowCardinality(String),
    ServiceInstance String,
    Function String,
    TemplateId UInt64,
    Source LowCardinality(String),
    State LowCardinality(String),
    SampleRate Float64,
    MinSeverity UInt8,
    Reason String,
    UpdatedBy String,
    UpdatedAt DateTime64(3),
    ExpiresAt DateTime64(3),
    Deleted UInt8,
    Version UInt64
) ENGINE = ReplacingMergeTree(Version)
ORDER BY (ServiceName, ServiceInstance, Function, TemplateId, Source);

CREATE TABLE IF NOT EXISTS `otel`.`log_suppression` (
    Time DateTime64(3) CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String),
    TargetKind LowCardinality(String),
    TemplateId UInt64,
    TemplateText String CODEC(ZSTD(1)),
    Function String CODEC(ZSTD(1)),
    Action LowCardinality(String),
    Reason String CODEC(ZSTD(1)),
    Strategy LowCardinality(String),
    Suppressed UInt64,
    SdkDropped UInt64,
    CollectorDropped UInt64,
    WindowStart DateTime64(3),
    MutedSince DateTime64(3),
    Rate Float64,
    BaselineRate Float64,
    ZScore Float64,
    Entropy Float64,
    CollectorId LowCardinality(String),
    EventId UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(Time)
ORDER BY (ServiceName, Time, EventId);

CREATE TABLE IF NOT EXISTS `otel`.`spam_rates` (
    InsertedAt DateTime DEFAULT now(),
    WriteId UInt64,
    CollectorId LowCardinality(String),
    ServiceName LowCardinality(String),
    Kind LowCardinality(String),
    TemplateId UInt64,
    Function String,
    BucketStartMs UInt64,
    BucketMs UInt32,
    Count UInt32,
    OfferedCount UInt32
) ENGINE = MergeTree
PARTITION BY toStartOfHour(InsertedAt)
ORDER BY (InsertedAt, WriteId)
TTL InsertedAt + toIntervalHour(1)
SETTINGS ttl_only_drop_parts = 1;
