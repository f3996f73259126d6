/**
 * ClickHouse server versions and what each can do. Pure functions, so schema
 * selection can be unit-tested without a server.
 *
 * Thresholds are the releases where a feature became usable without an
 * experimental flag (earlier releases are treated as lacking it):
 *   LowCardinality 19.0 · column codecs 19.1 · TTL 19.6 · DateTime64 20.1 ·
 *   skip indexes (bloom_filter, tokenbf_v1) 20.1 · query parameters 20.1 ·
 *   JSONCompactEachRow input 20.1 · non_replicated_deduplication_window 20.10 ·
 *   Map 21.8 · insert_deduplication_token 22.2.
 * The deduplication and input-format capabilities are re-checked against
 * system.settings / system.merge_tree_settings / system.formats when a server is
 * opened (see clickhouse-client.ts).
 */
export interface ServerVersion {
  major: number;
  minor: number;
  /** The full version text as the server reports it, e.g. "18.16.1" or "26.7.2.1". */
  text: string;
}

export interface ClickHouseCapabilities {
  hasLowCardinality: boolean;
  hasCodecs: boolean;
  hasTTL: boolean;
  hasDateTime64: boolean;
  hasSkipIndexes: boolean;
  hasMap: boolean;
  /** Server-side query parameters (`{name:Type}` with param_name). Without them we bind client-side. */
  hasQueryParams: boolean;
  /** MergeTree setting non_replicated_deduplication_window (dedup for non-replicated tables). */
  hasNonReplicatedDedupWindow: boolean;
  /** Query setting insert_deduplication_token. */
  hasInsertDedupToken: boolean;
  /** JSONCompactEachRow as an input format (the fastest insert format we measured). */
  hasJSONCompactEachRow: boolean;
  /** input_format_native_allow_types_conversion: a Native block's String column fills a LowCardinality(String) one. */
  hasNativeTypeConversion: boolean;
}

export function parseServerVersion(text: string): ServerVersion {
  const m = /^\s*(\d+)\.(\d+)/.exec(text);
  if (!m) throw new Error(`unrecognised ClickHouse version "${text}"`);
  return { major: Number(m[1]), minor: Number(m[2]), text: text.trim() };
}

export function versionAtLeast(v: ServerVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function capabilitiesForVersion(v: ServerVersion): ClickHouseCapabilities {
  return {
    hasLowCardinality: versionAtLeast(v, 19, 0),
    hasCodecs: versionAtLeast(v, 19, 1),
    hasTTL: versionAtLeast(v, 19, 6),
    hasDateTime64: versionAtLeast(v, 20, 1),
    hasSkipIndexes: versionAtLeast(v, 20, 1),
    hasMap: versionAtLeast(v, 21, 8),
    hasQueryParams: versionAtLeast(v, 20, 1),
    hasNonReplicatedDedupWindow: versionAtLeast(v, 20, 10),
    hasInsertDedupToken: versionAtLeast(v, 22, 2),
    hasJSONCompactEachRow: versionAtLeast(v, 20, 1),
    hasNativeTypeConversion: versionAtLeast(v, 23, 1),
  };
}
