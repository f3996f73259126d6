/**
 * The collector's metrics registry and its Prometheus text: counters, gauges, the
 * histogram type (cumulative _bucket{le}, _sum, _count), label escaping, collect hooks,
 * and the strict exposition reader used by tests and bench/soak; readiness decisions
 * from exporter progress (injected clock).
 */
import { Metrics, Histogram } from '../../collector/telemetry/metrics';
import { parseExposition, sampleValue } from '../../collector/telemetry/exposition';
import { registerProcessMetrics } from '../../collector/telemetry/process-metrics';
import { ReadinessTracker } from '../../collector/telemetry/readiness';
import type { Component } from '../../collector/pipeline/component';

describe('metrics registry and exposition', () => {
  test('counters, gauges and label escaping render as valid exposition', () => {
    const m = new Metrics();
    m.counter('logfun_test_records_total', 'Records, by reason.\nSecond line').inc({ reason: 'a "quoted"\\ value\nnext' }, 3);
    m.counter('logfun_test_records_total', 'ignored').inc({ reason: 'b' });
    m.gauge('logfun_test_queue_size', 'Queue size.').set({}, 42);
    const text = m.render();
    expect(text).toContain('logfun_test_records_total{reason="a \\"quoted\\"\\\\ value\\nnext"} 3');
    expect(text).toContain('# HELP logfun_test_records_total Records, by reason.\\nSecond line');
    const f = parseExposition(text);
    expect(f.get('logfun_test_records_total')!.type).toBe('counter');
    expect(f.get('logfun_test_records_total')!.samples.map((s) => s.labels.reason)).toEqual(['a "quoted"\\ value\nnext', 'b']);
    expect(sampleValue(f, 'logfun_test_records_total')).toBe(4);
    expect(sampleValue(f, 'logfun_test_queue_size')).toBe(42);
    expect(m.series('logfun_test_records_total')).toEqual([
      { labels: { reason: 'a "quoted"\\ value\nnext' }, value: 3 },
      { labels: { reason: 'b' }, value: 1 },
    ]);
  });

  test('histogram: buckets by upper bound (le inclusive), cumulative, +Inf, _sum and _count', () => {
    const m = new Metrics();
    const h = m.histogram('logfun_test_latency_seconds', 'Latency.', [0.1, 0.5, 1]);
    expect(m.histogram('logfun_test_latency_seconds', 'again')).toBe(h);
    for (const v of [0.05, 0.1, 0.3, 0.7, 2, 5]) h.observe({ exporter: 'ch' }, v);
    h.observe({ exporter: 'other' }, 0.2);
    h.observe({ exporter: 'ch' }, NaN); // ignored
    const text = m.render();
    expect(text).toContain(
      [
        '# HELP logfun_test_latency_seconds Latency.',
        '# TYPE logfun_test_latency_seconds histogram',
        'logfun_test_latency_seconds_bucket{exporter="ch",le="0.1"} 2',
        'logfun_test_latency_seconds_bucket{exporter="ch",le="0.5"} 3',
        'logfun_test_latency_seconds_bucket{exporter="ch",le="1"} 4',
        'logfun_test_latency_seconds_bucket{exporter="ch",le="+Inf"} 6',
        'logfun_test_latency_seconds_sum{exporter="ch"} 8.15',
        'logfun_test_latency_seconds_count{exporter="ch"} 6',
      ].join('\n'),
    );
    const f = parseExposition(text);
    expect(f.get('logfun_test_latency_seconds')!.type).toBe('histogram');
    expect(sampleValue(f, 'logfun_test_latency_seconds', {}, 'logfun_test_latency_seconds_count')).toBe(7);
    expect(h.stats({ exporter: 'ch' })).toEqual({ count: 6, sum: 8.15 });
    expect(m.value('logfun_test_latency_seconds')).toBe(7);
    expect(m.getHistogram('logfun_test_latency_seconds')).toBe(h);
    // Median of ch+other (7 values: 0.05 0.1 0.2 0.3 0.7 2 5) falls in (0.1, 0.5].
    const p50 = h.quantile(0.5)!;
    expect(p50).toBeGreaterThan(0.1);
    expect(p50).toBeLessThanOrEqual(0.5);
    expect(new Histogram('x', 'x', [1]).quantile(0.5)).toBeUndefined();
  });

  test('a histogram without labels and the default latency buckets', () => {
    const m = new Metrics();
    m.histogram('logfun_test_plain_seconds', 'Plain.').observe({}, 0.003);
    const f = parseExposition(m.render());
    const samples = f.get('logfun_test_plain_seconds')!.samples;
    expect(samples.find((s) => s.labels.le === '0.005')!.value).toBe(1);
    expect(samples.find((s) => s.labels.le === '0.001')!.value).toBe(0);
    expect(samples.filter((s) => s.name === 'logfun_test_plain_seconds_bucket')).toHaveLength(15);
  });

  test('a name keeps its type', () => {
    const m = new Metrics();
    m.counter('logfun_a_total', 'a');
    m.histogram('logfun_b_seconds', 'b');
    expect(() => m.histogram('logfun_a_total', 'a')).toThrow(/exists as a counter/);
    expect(() => m.gauge('logfun_b_seconds', 'b')).toThrow(/exists as a histogram/);
    expect(() => new Histogram('h', 'h', [])).toThrow(/buckets/);
  });

  test('collect hooks refresh gauges at render; process memory gauges', () => {
    const m = new Metrics();
    registerProcessMetrics(m);
    registerProcessMetrics(m); // once per registry
    let n = 0;
    m.onCollect(() => m.gauge('logfun_test_renders', 'Renders.').set({}, ++n));
    m.onCollect(() => {
      throw new Error('a broken sampler');
    });
    m.render();
    const f = parseExposition(m.render());
    expect(sampleValue(f, 'logfun_test_renders')).toBe(2);
    expect(sampleValue(f, 'logfun_process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(sampleValue(f, 'logfun_process_heap_used_bytes')).toBeGreaterThan(0);
    expect(sampleValue(f, 'logfun_process_external_memory_bytes')).toBeGreaterThan(0);
    expect(f.get('logfun_process_cpu_seconds_total')!.type).toBe('counter');
  });

  test('the reader refuses invalid expositions', () => {
    const ok = '# TYPE a counter\na 1\n';
    expect(() => parseExposition(ok)).not.toThrow();
    expect(() => parseExposition('a 1\n')).toThrow(/undeclared/);
    expect(() => parseExposition('# TYPE a counter\na{x="1} 1\n')).toThrow(/unterminated/);
    expect(() => parseExposition('# TYPE a counter\na{x="1",x="2"} 1\n')).toThrow(/repeated/);
    expect(() => parseExposition('# TYPE a counter\na one\n')).toThrow(/invalid sample value/);
    expect(() => parseExposition('# TYPE a counter\n# TYPE a gauge\n')).toThrow(/second TYPE/);
    expect(() => parseExposition('# TYPE a counter\na 1')).toThrow(/newline/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n')).toThrow(/\+Inf/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n')).toThrow(/!= _count/);
  });
});

describe('readiness from exporter progress', () => {
  function setup(components: Map<string, Component> = new Map()) {
    const m = new Metrics();
    let now = 1_000_000;
    const tracker = new ReadinessTracker(m, { stallAfterMs: 30_000, now: () => now });
    tracker.watch(components);
    const queue = m.gauge('logfun_exporter_queue_size', 'q');
    const sent = m.counter('logfun_exporter_sent_records_total', 's');
    return { tracker, queue, sent, advance: (ms: number) => (now += ms) };
  }

  test('pending records with no writes for stallAfterMs make it not ready; a write makes it ready again', () => {
    const { tracker, queue, sent, advance } = setup();
    queue.set({ exporter: 'clickhouse' }, 0);
    expect(tracker.check()).toEqual({ ready: true, reasons: [] });
    queue.set({ exporter: 'clickhouse' }, 500);
    advance(10_000);
    tracker.sample();
    sent.inc({ exporter: 'clickhouse' }, 100); // progress
    advance(10_000);
    expect(tracker.check().ready).toBe(true);
    advance(29_000);
    expect(tracker.check().ready).toBe(true);
    advance(1_000);
    expect(tracker.check()).toEqual({ ready: false, reasons: ['exporter:clickhouse: no records written for 30 s with 500 pending'] });
    sent.inc({ exporter: 'clickhouse' }, 500);
    queue.set({ exporter: 'clickhouse' }, 0);
    expect(tracker.check().ready).toBe(true);
  });

  test('an idle exporter (nothing pending) stays ready', () => {
    const { tracker, queue, advance } = setup();
    queue.set({ exporter: 'clickhouse' }, 0);
    advance(3_600_000);
    expect(tracker.check().ready).toBe(true);
  });

  test("components: an exporter whose store is not reached yet, and a component's own verdict", () => {
    const noop = { start: async () => undefined, shutdown: async () => undefined };
    let store: object | undefined;
    const components = new Map<string, Component>([
      ['exporter:clickhouse', { ...noop, getStore: () => store } as Component],
      ['exporter:debug', noop],
      ['processor:wal@logs', { ...noop, readiness: () => ({ ready: false, reason: 'disk full' }) } as Component],
    ]);
    const { tracker } = setup(components);
    expect(tracker.check().reasons).toEqual(['exporter:clickhouse: store not reachable yet', 'processor:wal@logs: disk full']);
    store = {};
    components.set('processor:wal@logs', { ...noop, readiness: () => ({ ready: true }) } as Component);
    expect(tracker.check()).toEqual({ ready: true, reasons: [] });
  });
});
