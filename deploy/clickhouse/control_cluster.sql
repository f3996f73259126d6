-- logfun: log_templates and control_rules on a ClickHouse cluster ("logfun"): ON CLUSTER
-- DDL and ReplicatedReplacingMergeTree in ONE replication group over every node (the
-- ZooKeeper path has no {shard}), so every node holds every template and rule and a
-- collector connected to any node reads them all. Apply this BEFORE the collectors
-- start: they would otherwise create these tables themselves with the exporter's
-- table_engine (whose path has {shard}: one group per shard, and collectors on
-- different shards would not see each other's rules). Their CREATE ... IF NOT EXISTS
-- then leaves these tables as they are.
-- log_suppression and the httpstats tables have no cluster variant yet (see deploy/README.md).
-- Generated from templatesTableSql() and controlTableSql(); test/unit/deploy-sql.test.ts
-- keeps it in step.

CREATE DATABASE IF NOT EXISTS `otel` ON CLUSTER `logfun`;

CREATE TABLE IF NOT EXISTS `otel`.`log_templates` ON CLUSTER `logfun` (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}', Version)
ORDER BY (ServiceName, TemplateId, WriterId);

CREATE VIEW IF NOT EXISTS `otel`.`log_templates_merged` ON CLUSTER `logfun` AS
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

CREATE TABLE IF NOT EXISTS `otel`.`control_rules` ON CLUSTER `logfun` (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}', Version)
ORDER BY (ServiceName, ServiceInstance, Function, TemplateId, Source);
