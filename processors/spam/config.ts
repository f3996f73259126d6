/**
 * Configuration of the `spam` processor (the balancer). YAML keys are snake_case;
 * durations are "250ms", "5s", "2m" or milliseconds. Every parameter, its default
 * and why:
 *
 *   processors:
 *     spam:
 *       strategy: both            # both | zscore | entropy | off (switchable at runtime)
 *       evaluation_interval: 250ms  # decisions are taken this often
 *       bucket: 500ms             # width of one rate-history bucket
 *       rate_window: 2s           # the "current rate" judged against the history
 *       history: 60s              # baseline: the last 60 s of normal buckets per key
 *       min_history: 5s           # the Z-score judges only with this much baseline
 *       min_rate: 20              # records/s per key below which nothing is ever muted
 *       min_samples: 20           # records in rate_window before any judgement
 *       trigger_evaluations: 2    # consecutive positive evaluations before a mute
 *       zscore:    { threshold: 4, min_ratio: 3, peak_ratio: 2 }
 *       growth:    { segment: 15s, ratio: 1.4 }
 *       warmup:    { period: 30s, rate: 50, after_silence: 30s }
 *       entropy:   { max_entropy: 0.5, sample_size: 64, max_positions: 8,
 *                    position_weights: [1, 0.8, 0.6, 0.5, 0.4], mean_exponent: 4,
 *                    numeric_deltas: true }
 *       release:   { min_mute: 30s, max_mute: 10m, window: 10s, ratio: 0.5,
 *                    flap_window: 10m, report_grace: 5s, confirm: 2s }
 *       summary:   { interval: 60s, severity_number: 13 }
 *       targets:   { templates: true, functions: true }
 *       collector_drop: true
 *       control_ttl: 5m           # AUTO rules lapse unless renewed (every control_ttl / 4)
 *       max_keys: 100000          # keys judged (about 4.6 KB each, up to 55 KB with its sample); records of further keys pass, counted
 *       idle_timeout: 10m
 *       store: true               # log_suppression rows (exporter/endpoint as httpstats)
 *       shared_rates: { enabled: false, interval: 1s, lag: "", retention: 1h, table: spam_rates }
 *       scope: sender             # sender | service: what one key's volume is (below)
 *       protect_severity: warn    # records at or above are never judged nor auto-muted ('none' = judge all)
 *       protect_http_requests: true  # records of an HTTP request are never judged nor auto-muted
 *
 * Scope (trust): service.name is a claim any ingest client can make. With scope
 * `sender` (the default) keys are per sender (collector/pipeline/sender-scope.ts:
 * the sender's service.instance.id, or its compact stream's session), an AUTO mute
 * names that sender (the rule's instance) and reaches its SDK only, and SDK drop
 * reports count only toward mutes of the sender that reports them: a client
 * claiming another service's name can mute nobody but itself. `service` keys the
 * whole service as one (what shared_rates across collectors needs when one
 * sender's records are spread over collectors): only for senders that are all
 * trusted.
 *
 * Severity: records with severity >= protect_severity (default WARN) are not
 * counted and never dropped here: warnings and errors are what people need most
 * when something loops. Set a higher level, or `none`, to let the balancer mute them.
 *
 * HTTP requests: a record carrying an HTTP request's semantic-convention attributes
 * (http.response.status_code / http.request.method, or the older names: what the
 * httpstats processor counts) is not judged either: a burst of requests is what the
 * HTTP statistics and their alerts exist to show, and a mute would reach the SDK and
 * take the records from them too. `protect_http_requests: false` judges them.
 *
 * Detection (see balancer.ts for the exact rules): a key is (service, template) or
 * (service, function). Every evaluation, a key with at least min_samples records in
 * rate_window and a rate of at least min_rate records/s is judged by the strategy:
 *   zscore   the rate is anomalous against the key's own history: z >= threshold
 *            and rate >= min_ratio x baseline rate;
 *   entropy  the recent arguments repeat: weighted normalised entropy <= max_entropy;
 *   both     both at once (a burst AND a repetition) — the default: a high-entropy
 *            burst of real work is not muted, a steady low-entropy log is not muted;
 *   off      nothing is muted; every AUTO mute is lifted at the next evaluation.
 * A key positive at trigger_evaluations consecutive evaluations is muted (AUTO).
 *
 * What business logs look like, and why they are not judged as spam:
 *   warm-up  a key is learnt before it is judged: for warmup.period after it first
 *            appears (or reappears after warmup.after_silence without a record:
 *            a restarted service) it is judged only when its rate is at least
 *            warmup.rate — sudden high-rate spam is still muted at once, a new
 *            steady log at a moderate rate becomes the key's normal.
 *   peaks    a rate the key already had while normal is not an anomaly: the
 *            Z-score fires only above zscore.peak_ratio x the highest rate the key
 *            was seen at while normal (halving every 10 minutes): a periodic job
 *            is learnt from its first rounds and never judged a burst again.
 *   growth   a rate growing geometrically is an anomaly even when each step is
 *            small against the last: the counts of the last four growth.segment
 *            windows each grew at least growth.ratio times (a doubling every 20 s
 *            is caught while the rate is still low). It counts as the rate anomaly
 *            for zscore and both.
 *
 * Release: a muted key is unmuted when it was muted for at least its mute time
 * (min_mute, doubled after each re-mute within flap_window of the previous
 * release, up to max_mute) and its offered rate (records the SDKs reported dropped
 * plus records dropped here, over release.window) fell to release.ratio x the
 * rate that triggered the mute. Two thresholds and a minimum time: no flapping.
 * A key muted again at the same interval as the mute before (within 25 %) is a
 * periodic pattern: its mute time is not doubled again, and it is released only
 * once its drops stopped for a whole period (never between rounds nor at the
 * start of the next one). A strategy switch judges every mute again under the new
 * strategy (released as strategy_changed when it would not mute the key now).
 * An SDK that does not report its drops (one predating RecordBatch.muted_counts)
 * shows an offered rate of 0: its mute is lifted after the mute time, and spam still
 * going on is muted again within seconds, for twice as long.
 *
 * Several collectors behind a load balancer (shared_rates, off by default; see
 * shared-rates.ts): each collector sees only its share of a service's records, so
 * a spammer spread over N collectors may stay under every collector's min_rate.
 * With shared_rates.enabled, every collector writes its per-key bucket counts to
 * the shared store (table spam_rates, every `interval`) and reads the others'; a
 * key is judged on its own rate as before AND on the whole rate (its counts plus
 * the other collectors', over buckets older than `lag`, by which every collector's
 * counts have arrived). Entropy stays local. A collector that sees another
 * collector's AUTO rule for a key it tracks follows it (drops, SDK reports and
 * summaries of its share), and the releasing collector judges the offered rate of
 * all of them. The store must be one every collector reaches: a ClickHouse
 * server (chDB is one process's).
 */
import * as os from 'os';
import { configChecks } from '../../collector/config/checks';
import { parseMinSeverity } from '../../collector/control/rules';
import { SEVERITY_NUMBER } from '../../protocol/severity';

export const SPAM_STRATEGIES = ['both', 'zscore', 'entropy', 'off'] as const;
export const SPAM_SCOPES = ['sender', 'service'] as const;
export type SpamScope = (typeof SPAM_SCOPES)[number];
export type SpamStrategy = (typeof SPAM_STRATEGIES)[number];

export interface SpamProcessorConfig {
  /** Detection strategy (default both). Switchable at runtime: SpamProcessor.setStrategy(). */
  strategy: SpamStrategy;
  /** How often decisions are taken (default 250ms); the detection latency is about rate_window + 2 evaluations. */
  evaluation_interval: string | number;
  /** Width of one rate-history bucket (default 500ms). rate_window and history are whole numbers of buckets. */
  bucket: string | number;
  /** The current rate is the count over this window (default 2s, 4 buckets). */
  rate_window: string | number;
  /** Baseline length: the last `history` of buckets in which the key was not muted (default 60s). */
  history: string | number;
  /**
   * The Z-score fires only with at least this much baseline (default 5s). A key first
   * seen after the collector ran that long has a baseline of zeros since the start:
   * a brand-new spamming template is caught at once (detection works with one
   * function and one template, unlike detectors comparing functions with each other).
   */
  min_history: string | number;
  /** Records/s per key below which a key is never muted, whatever the strategy (default 20): slow logs are never touched. */
  min_rate: number;
  /** Records of the key in rate_window before any judgement (default 20); also the entropy's minimum sample. */
  min_samples: number;
  /** Consecutive positive evaluations before a mute (default 2): one noisy evaluation never mutes. */
  trigger_evaluations: number;
  zscore: {
    /** z = (count - expected) / sqrt(k · max(var, mean, 1)) over the window's k buckets must reach this (default 4). */
    threshold: number;
    /** The rate must also be at least this multiple of the baseline rate (default 3): busy logs' small swings are not spam. */
    min_ratio: number;
    /**
     * And above this multiple of the highest rate the key had while normal (default 2;
     * the peak halves every 10 minutes): a rate seen before (a periodic job) is not an anomaly.
     */
    peak_ratio?: number;
  };
  /** Geometric growth (a ramp doubling every few seconds) counts as a rate anomaly. */
  growth?: {
    /** Width of one compared segment (default 15s, whole buckets; shortened so that 4 segments fit in rate_window + history). */
    segment: string | number;
    /** Each of the last three segments holds at least ratio x the records of the one before (default 1.4; 0 = off). */
    ratio: number;
  };
  /** Learn before judging: a new or returning key is judged only at a high rate for a while. */
  warmup?: {
    /** How long a new key is learnt (default 30s; 0 = judged at once). */
    period: string | number;
    /** During warm-up a key is judged only at or above this rate, records/s (default 50). */
    rate: number;
    /** A key without a record for this long starts a new warm-up when it comes back (default 30s). */
    after_silence: string | number;
  };
  entropy: {
    /** Weighted normalised entropy (0 = one value repeated, 1 = all different) at or below which arguments repeat (default 0.5). */
    max_entropy: number;
    /** Records whose arguments are kept per key (default 64, a ring of references); entropy is computed over those in rate_window. */
    sample_size: number;
    /** Argument positions considered (default 8); later ones are ignored. */
    max_positions: number;
    /**
     * Weight of argument position i (default [1, 0.8, 0.6, 0.5, 0.4]; positions past
     * the list take its last weight). Earlier arguments usually name what a message is
     * about (user, host, order), later ones measure (ms, bytes): a loop repeats the
     * subject and varies the measurement, so the subject weighs more.
     */
    position_weights: number[];
    /**
     * Exponent q of the weighted power mean over positions (default 4; 1 = plain
     * weighted mean): one position differing on every record (an id) is enough to
     * show real work, constant positions (method, status) do not outvote it.
     */
    mean_exponent: number;
    /**
     * For positions whose sampled values are all numbers, also take the entropy of
     * consecutive differences and keep the lower (default true): a loop counter
     * ("retry 1, 2, 3 ...") is repetition, not information.
     */
    numeric_deltas: boolean;
  };
  release: {
    /** Shortest automatic mute (default 30s). */
    min_mute: string | number;
    /** Longest mute time after repeated re-mutes (default 10m). */
    max_mute: string | number;
    /** Offered rate is measured over this window (default 10s; longer than SDK report lag). */
    window: string | number;
    /** Unmute when the offered rate is at most ratio x the rate that triggered the mute (default 0.5). */
    ratio: number;
    /** A re-mute within this long after a release doubles the mute time (default 10m); a quiet flap_window resets it. */
    flap_window: string | number;
    /** SDK drop reports arriving this long after a release still count for that mute (default 5s); the final summary waits for them. */
    report_grace: string | number;
    /**
     * A release waits until its conditions held this long (default 2s: longer than the
     * SDKs' batch delay, 1 s by default, after which their drop reports arrive): a round
     * of spam starting just before the release keeps the mute instead of being let through.
     */
    confirm?: string | number;
  };
  summary: {
    /** While a key is muted, a summary record every interval (default 60s: "N records ... suppressed in the last minute"). */
    interval: string | number;
    /** Severity of summary records (default 13 = WARN). */
    severity_number: number;
  };
  targets: {
    /** Detect and mute per (service, template) (default true). */
    templates: boolean;
    /** Detect and mute per (service, code.function) (default true). */
    functions: boolean;
  };
  /**
   * While a key is muted by AUTO, records of it that still arrive (plain OTLP
   * senders that cannot be told, records in flight) are dropped here and counted
   * into the same summary (default true). false: they pass, and count only toward
   * the offered rate.
   */
  collector_drop: boolean;
  /**
   * AUTO decisions are handed to the control plane with this time to live and renewed
   * every control_ttl / 4 while the key stays muted (default 5m; 0 = no expiry): if
   * this collector dies, its mutes lapse by themselves instead of holding for ever.
   * With a time to live, a graceful shutdown keeps the AUTO rules (a last summary
   * closes their counts) and a restarted collector adopts them as its own mutes
   * (processor.ts "Restarts"); with 0 a shutdown lifts them.
   */
  control_ttl: string | number;
  /** Keys tracked at most (default 100000); records of further keys pass unjudged (counted). */
  max_keys: number;
  /** A key with no record for this long is forgotten (default 10m), unless muted. */
  idle_timeout: string | number;
  /** Write log_suppression rows (default true). */
  store: boolean;
  /** Spam detection over the whole rate of several collectors sharing one store (off by default). */
  shared_rates: {
    /** Exchange per-key rates with the other collectors through the store (default false; needs the store, see `store`). */
    enabled: boolean;
    /** How often this collector's counts are written and the others' read (default 1s). */
    interval: string | number;
    /**
     * Buckets younger than this are not judged on the whole rate yet: the other
     * collectors' counts for them may still be on their way ('' = 2 x interval + bucket,
     * the default; longer when clocks of the collectors differ by more than a bucket).
     */
    lag: string | number;
    /** Rows of spam_rates older than this are dropped (default 1h; TTL, or partitions dropped on servers without TTL). */
    retention: string | number;
    /** Table name (default spam_rates), in `database`. */
    table: string;
  };
  /** What one key's volume is: `sender` (default, per sender scope) or `service` (every sender of a service: trusted senders only). */
  scope: SpamScope;
  /** Records at or above this severity (level name or 1..24; 'none' / 0 = no protection) are never judged nor auto-muted (default warn). */
  protect_severity: string | number;
  /** Records of an HTTP request (semantic-convention status code or method attributes) are never judged nor auto-muted (default true). */
  protect_http_requests: boolean;
  /** Id of the clickhouse exporter whose store to use ('' = the first one). Ignored when endpoint is set. */
  exporter: string;
  /** A store of our own: chdb://<folder> or http(s)://host:port. */
  endpoint: string;
  username: string;
  password: string;
  /** Database of log_suppression ('' = the store's database, else "otel"). */
  database: string;
  create_schema: boolean;
  /** Names this collector in the rows (default: the host name). */
  collector_id: string;
  write: {
    /** Rows are inserted at most this often (default 1s). */
    flush_interval: string | number;
    /** Failed writes back off up to this (default 30s) and are retried for ever. */
    retry_max_interval: string | number;
    /** Rows waiting at most (default 10000); beyond, the oldest are dropped and counted. */
    max_pending_rows: number;
    /** shutdown() writes what is queued within this (default 5s). */
    shutdown_timeout: string | number;
  };
}

export function createDefaultSpamConfig(): SpamProcessorConfig {
  return {
    strategy: 'both',
    evaluation_interval: '250ms',
    bucket: '500ms',
    rate_window: '2s',
    history: '60s',
    min_history: '5s',
    min_rate: 20,
    min_samples: 20,
    trigger_evaluations: 2,
    zscore: { threshold: 4, min_ratio: 3, peak_ratio: 2 },
    growth: { segment: '15s', ratio: 1.4 },
    warmup: { period: '30s', rate: 50, after_silence: '30s' },
    entropy: { max_entropy: 0.5, sample_size: 64, max_positions: 8, position_weights: [1, 0.8, 0.6, 0.5, 0.4], mean_exponent: 4, numeric_deltas: true },
    release: { min_mute: '30s', max_mute: '10m', window: '10s', ratio: 0.5, flap_window: '10m', report_grace: '5s', confirm: '2s' },
    summary: { interval: '60s', severity_number: 13 },
    targets: { templates: true, functions: true },
    collector_drop: true,
    control_ttl: '5m',
    max_keys: 100_000,
    idle_timeout: '10m',
    store: true,
    shared_rates: { enabled: false, interval: '1s', lag: '', retention: '1h', table: 'spam_rates' },
    scope: 'sender',
    protect_severity: 'warn',
    protect_http_requests: true,
    exporter: '',
    endpoint: '',
    username: '',
    password: '',
    database: '',
    create_schema: true,
    collector_id: '',
    write: { flush_interval: '1s', retry_max_interval: '30s', max_pending_rows: 10_000, shutdown_timeout: '5s' },
  };
}

/** Detection and release parameters in numbers (what the balancer uses; the tunable ones change at runtime). */
export interface BalancerParams {
  strategy: SpamStrategy;
  bucketMs: number;
  windowBuckets: number;
  historyBuckets: number;
  minHistoryBuckets: number;
  minRate: number;
  minSamples: number;
  triggerEvaluations: number;
  zThreshold: number;
  zMinRatio: number;
  /** The Z-score fires only above this multiple of the key's peak normal rate. */
  zPeakRatio: number;
  /** Growth segment width in buckets (0 = growth detection off). */
  growthSegmentBuckets: number;
  /** Growth ratio per segment (0 = off). */
  growthRatio: number;
  warmupMs: number;
  warmupRate: number;
  silenceMs: number;
  maxEntropy: number;
  sampleSize: number;
  maxPositions: number;
  positionWeights: number[];
  meanExponent: number;
  numericDeltas: boolean;
  minMuteMs: number;
  maxMuteMs: number;
  releaseWindowBuckets: number;
  releaseRatio: number;
  flapWindowMs: number;
  reportGraceMs: number;
  releaseConfirmMs: number;
  summaryIntervalMs: number;
  summarySeverity: number;
  templates: boolean;
  functions: boolean;
  collectorDrop: boolean;
  maxKeys: number;
  idleTimeoutMs: number;
  /** Judge keys on the whole rate of all collectors too (shared_rates.enabled; fixed at creation). */
  sharedRates?: boolean;
  /** Buckets a bucket must be old before its whole count is judged (shared_rates.lag). */
  sharedLagBuckets?: number;
  /** Buckets per shared_rates.interval (how long counts wait to be written), rounded up. */
  sharedFlushBuckets?: number;
}

export interface ResolvedSpamConfig {
  balancer: BalancerParams;
  /** Keys per sender scope (true) or per service (false). */
  scopeBySender: boolean;
  /** Severity number from which records are never judged (0 = none). */
  protectSeverity: number;
  /** Records carrying an HTTP request's attributes are never judged (protect_http_requests). */
  protectHttpRequests: boolean;
  evaluationIntervalMs: number;
  controlTtlMs: number;
  store: boolean;
  exporter: string;
  endpoint: string;
  username?: string;
  password?: string;
  database: string;
  createSchema: boolean;
  collectorId: string;
  flushIntervalMs: number;
  retryMaxIntervalMs: number;
  maxPendingRows: number;
  shutdownTimeoutMs: number;
  sharedRates: { enabled: boolean; intervalMs: number; lagMs: number; retentionMs: number; table: string };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Resolves units and checks every value; every problem goes to `errors` (paths relative to the processor). */
export function resolveSpamConfig(c: SpamProcessorConfig, errors: string[] = []): ResolvedSpamConfig {
  const checks = configChecks(errors);
  const duration = (v: string | number, path: string, positive = true): number => checks.duration(v, path, positive);
  const { integer, number, bool } = checks;
  /** A duration that must be a whole number >= 1 of buckets. */
  const buckets = (v: string | number, path: string, bucketMs: number): number => {
    const ms = duration(v, path);
    if (!(ms > 0) || !(bucketMs > 0)) return 1;
    const n = ms / bucketMs;
    if (!Number.isInteger(n)) {
      errors.push(`${path}: must be a whole number of buckets (${bucketMs} ms), got ${JSON.stringify(v)}`);
      return Math.max(1, Math.round(n));
    }
    return n;
  };

  if (!(SPAM_STRATEGIES as readonly string[]).includes(c.strategy)) {
    errors.push(`strategy: must be one of ${SPAM_STRATEGIES.join(', ')}, got ${JSON.stringify(c.strategy)}`);
  }
  const bucketMs = duration(c.bucket, 'bucket');
  const windowBuckets = buckets(c.rate_window, 'rate_window', bucketMs);
  if (windowBuckets < 2 && bucketMs > 0) errors.push('rate_window: must span at least 2 buckets');
  const historyBuckets = buckets(c.history, 'history', bucketMs);
  const minHistoryMs = duration(c.min_history, 'min_history', false);
  const minHistoryBuckets = bucketMs > 0 ? Math.ceil(minHistoryMs / bucketMs) : 0;
  if (minHistoryBuckets > historyBuckets) errors.push('min_history: must not be longer than history');
  const e = c.entropy;
  const weights = Array.isArray(e.position_weights) ? e.position_weights : [];
  if (!Array.isArray(e.position_weights) || weights.length === 0) errors.push('entropy.position_weights: must be a non-empty list of numbers >= 0');
  weights.forEach((w, i) => number(w, `entropy.position_weights[${i}]`, (n) => n >= 0, 'a number >= 0'));
  const r = c.release;
  const minMuteMs = duration(r.min_mute, 'release.min_mute');
  const maxMuteMs = duration(r.max_mute, 'release.max_mute');
  if (minMuteMs > 0 && maxMuteMs > 0 && maxMuteMs < minMuteMs) errors.push('release.max_mute: must be at least release.min_mute');
  const releaseWindowBuckets = buckets(r.window, 'release.window', bucketMs);
  const defaults = createDefaultSpamConfig();
  const growth = c.growth ?? defaults.growth!;
  const warmup = c.warmup ?? defaults.warmup!;
  const growthRatio = number(growth.ratio, 'growth.ratio', (n) => n === 0 || n > 1, '0 (off) or a number > 1');
  // Four segments must fit in what a key remembers (rate_window + history): a longer segment is shortened to fit.
  const growthSegmentBuckets = Math.min(buckets(growth.segment, 'growth.segment', bucketMs), Math.floor((windowBuckets + historyBuckets) / 4));

  if (typeof c.endpoint !== 'string' || (c.endpoint !== '' && !/^(chdb:\/\/.+|https?:\/\/.+)$/.test(c.endpoint))) {
    errors.push(`endpoint: must be '' or chdb://<folder> or http(s)://host:port, got ${JSON.stringify(c.endpoint)}`);
  }
  if (typeof c.exporter !== 'string') errors.push('exporter: must be an exporter id');
  if (typeof c.database !== 'string' || (c.database !== '' && !IDENT.test(c.database))) {
    errors.push(`database: must be '' or an identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(c.database)}`);
  }
  if (typeof c.collector_id !== 'string') errors.push('collector_id: must be a string');

  const balancer: BalancerParams = {
    strategy: c.strategy,
    bucketMs,
    windowBuckets,
    historyBuckets,
    minHistoryBuckets,
    minRate: number(c.min_rate, 'min_rate', (n) => n > 0, 'a number > 0 (records per second)'),
    minSamples: integer(c.min_samples, 'min_samples', 2),
    triggerEvaluations: integer(c.trigger_evaluations, 'trigger_evaluations', 1),
    zThreshold: number(c.zscore.threshold, 'zscore.threshold', (n) => n > 0, 'a number > 0'),
    zMinRatio: number(c.zscore.min_ratio, 'zscore.min_ratio', (n) => n >= 1, 'a number >= 1'),
    zPeakRatio: number(c.zscore.peak_ratio ?? defaults.zscore.peak_ratio, 'zscore.peak_ratio', (n) => n >= 1, 'a number >= 1'),
    growthSegmentBuckets: growthRatio > 0 ? growthSegmentBuckets : 0,
    growthRatio,
    warmupMs: duration(warmup.period, 'warmup.period', false),
    warmupRate: number(warmup.rate, 'warmup.rate', (n) => n >= 0, 'a number >= 0 (records per second)'),
    silenceMs: duration(warmup.after_silence, 'warmup.after_silence'),
    maxEntropy: number(e.max_entropy, 'entropy.max_entropy', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
    sampleSize: integer(e.sample_size, 'entropy.sample_size', 4),
    maxPositions: integer(e.max_positions, 'entropy.max_positions', 1),
    positionWeights: weights.filter((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0),
    meanExponent: number(e.mean_exponent, 'entropy.mean_exponent', (n) => n >= 1 && n <= 64, 'a number in [1, 64]') || 1,
    numericDeltas: bool(e.numeric_deltas, 'entropy.numeric_deltas'),
    minMuteMs,
    maxMuteMs,
    releaseWindowBuckets,
    releaseRatio: number(r.ratio, 'release.ratio', (n) => n > 0 && n < 1, 'a number in (0, 1)'),
    flapWindowMs: duration(r.flap_window, 'release.flap_window', false),
    reportGraceMs: duration(r.report_grace, 'release.report_grace', false),
    releaseConfirmMs: duration(r.confirm ?? '2s', 'release.confirm', false),
    summaryIntervalMs: duration(c.summary.interval, 'summary.interval'),
    summarySeverity: integer(c.summary.severity_number, 'summary.severity_number', 1),
    templates: bool(c.targets.templates, 'targets.templates'),
    functions: bool(c.targets.functions, 'targets.functions'),
    collectorDrop: bool(c.collector_drop, 'collector_drop'),
    maxKeys: integer(c.max_keys, 'max_keys', 1),
    idleTimeoutMs: duration(c.idle_timeout, 'idle_timeout'),
  };
  if (balancer.summarySeverity > 24) errors.push('summary.severity_number: must be an OTel severity number 1..24');
  if (balancer.minSamples > balancer.sampleSize) errors.push('min_samples: must not exceed entropy.sample_size');

  const sr = c.shared_rates ?? createDefaultSpamConfig().shared_rates;
  const sharedEnabled = bool(sr.enabled, 'shared_rates.enabled');
  const sharedIntervalMs = duration(sr.interval, 'shared_rates.interval');
  const sharedLagMs = sr.lag === '' || sr.lag === undefined ? 2 * sharedIntervalMs + bucketMs : duration(sr.lag, 'shared_rates.lag');
  const sharedRetentionMs = duration(sr.retention, 'shared_rates.retention');
  if (typeof sr.table !== 'string' || !IDENT.test(sr.table)) errors.push(`shared_rates.table: must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(sr.table)}`);
  if (sharedEnabled && !c.store) errors.push('shared_rates.enabled: needs store: true (the counts are exchanged through the store)');
  if (sharedEnabled && sharedRetentionMs > 0 && sharedRetentionMs < 60_000) errors.push('shared_rates.retention: must be at least 1m');
  if (bucketMs > 0) {
    balancer.sharedRates = sharedEnabled;
    balancer.sharedLagBuckets = Math.max(1, Math.ceil(sharedLagMs / bucketMs));
    balancer.sharedFlushBuckets = Math.max(1, Math.ceil(sharedIntervalMs / bucketMs));
  }

  const scope = c.scope ?? 'sender';
  if (!(SPAM_SCOPES as readonly string[]).includes(scope)) errors.push(`scope: must be one of ${SPAM_SCOPES.join(', ')}, got ${JSON.stringify(scope)}`);
  let protectSeverity = SEVERITY_NUMBER.warn;
  try {
    protectSeverity = parseMinSeverity(c.protect_severity ?? 'warn');
  } catch {
    errors.push(`protect_severity: expected none, a level name (trace..fatal) or a severity number 0..24, got ${JSON.stringify(c.protect_severity)}`);
  }

  const evaluationIntervalMs = duration(c.evaluation_interval, 'evaluation_interval');
  const controlTtlMs = duration(c.control_ttl, 'control_ttl', false);
  if (controlTtlMs > 0 && controlTtlMs < 4 * evaluationIntervalMs) errors.push('control_ttl: must be 0 (no expiry) or at least 4 x evaluation_interval');
  return {
    balancer,
    scopeBySender: scope !== 'service',
    protectSeverity,
    protectHttpRequests: bool(c.protect_http_requests, 'protect_http_requests'),
    evaluationIntervalMs,
    controlTtlMs,
    store: bool(c.store, 'store'),
    exporter: String(c.exporter),
    endpoint: String(c.endpoint),
    username: c.username || undefined,
    password: c.password || undefined,
    database: String(c.database),
    createSchema: bool(c.create_schema, 'create_schema'),
    collectorId: c.collector_id || os.hostname(),
    flushIntervalMs: duration(c.write.flush_interval, 'write.flush_interval', false),
    retryMaxIntervalMs: duration(c.write.retry_max_interval, 'write.retry_max_interval'),
    maxPendingRows: integer(c.write.max_pending_rows, 'write.max_pending_rows', 1),
    shutdownTimeoutMs: duration(c.write.shutdown_timeout, 'write.shutdown_timeout', false),
    sharedRates: { enabled: sharedEnabled, intervalMs: sharedIntervalMs, lagMs: sharedLagMs, retentionMs: sharedRetentionMs, table: String(sr.table) },
  };
}

export function validateSpamConfig(c: SpamProcessorConfig): string[] {
  const errors: string[] = [];
  resolveSpamConfig(c, errors);
  return errors;
}

/**
 * The parameters that may change while the processor runs (SpamProcessor.reconfigure):
 * thresholds, strategy, timings. Bucket, window, history and sample sizes are fixed
 * at creation (they size per-key memory).
 */
export type TunableParams = Pick<
  BalancerParams,
  | 'strategy'
  | 'minRate'
  | 'minSamples'
  | 'triggerEvaluations'
  | 'zThreshold'
  | 'zMinRatio'
  | 'zPeakRatio'
  | 'warmupMs'
  | 'warmupRate'
  | 'maxEntropy'
  | 'positionWeights'
  | 'meanExponent'
  | 'numericDeltas'
  | 'minMuteMs'
  | 'maxMuteMs'
  | 'releaseRatio'
  | 'flapWindowMs'
  | 'reportGraceMs'
  | 'releaseConfirmMs'
  | 'summaryIntervalMs'
  | 'collectorDrop'
>;
