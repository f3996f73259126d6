/**
 * /metrics label cardinality: a `service` label carries the service.name a client
 * claims, so each metric keeps at most MAX_CLIENT_LABEL_VALUES (200) distinct
 * values of it; later new values are counted under `_other` and nothing is lost
 * from the totals. Checked on counters, gauges and histograms, through the
 * Prometheus text a scrape returns.
 */
import { Metrics, MAX_CLIENT_LABEL_VALUES, OTHER_LABEL_VALUE } from '../../collector/telemetry/metrics';
import { parseExposition } from '../../collector/telemetry/exposition';

function seriesWithLabel(text: string, metric: string, label: string): Set<string> {
  const values = new Set<string>();
  const re = new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"`, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) values.add(m[1]);
  return values;
}

describe('client-chosen label values are capped per metric', () => {
  test('a counter keeps 200 services, folds the rest into _other, and keeps every count', () => {
    const metrics = new Metrics();
    const c = metrics.counter('logfun_test_dropped_records_total', 'test');
    for (let i = 0; i < 1000; i++) c.inc({ receiver: 'otlp', service: `svc-${i}` }, 2);
    // A known service keeps its own series after the cap was reached.
    c.inc({ receiver: 'otlp', service: 'svc-7' }, 5);

    expect(MAX_CLIENT_LABEL_VALUES).toBe(200);
    const text = metrics.render();
    const services = seriesWithLabel(text, 'logfun_test_dropped_records_total', 'service');
    expect(services.size).toBe(MAX_CLIENT_LABEL_VALUES + 1);
    expect(services.has(OTHER_LABEL_VALUE)).toBe(true);
    expect(services.has('svc-199')).toBe(true);
    expect(services.has('svc-200')).toBe(false);

    expect(c.get()).toBe(1000 * 2 + 5);
    expect(c.get({ receiver: 'otlp', service: 'svc-7' })).toBe(7);
    expect(c.get({ receiver: 'otlp', service: OTHER_LABEL_VALUE })).toBe(800 * 2);
    // A folded value reads as the series it was counted in.
    expect(c.get({ receiver: 'otlp', service: 'svc-999' })).toBe(800 * 2);
    // Other labels are untouched; the rendered text still parses.
    expect(() => parseExposition(text)).not.toThrow();
  });

  test('the cap is per metric, and applies to gauges and histograms too', () => {
    const metrics = new Metrics();
    const a = metrics.counter('logfun_test_a_total', 'a');
    const b = metrics.counter('logfun_test_b_total', 'b');
    const g = metrics.gauge('logfun_test_gauge', 'g');
    const h = metrics.histogram('logfun_test_seconds', 'h');
    for (let i = 0; i < 300; i++) {
      a.inc({ service: `a-${i}` });
      g.set({ service: `g-${i}` }, i);
      h.observe({ service: `h-${i}` }, 0.01);
    }
    for (let i = 0; i < 150; i++) b.inc({ service: `b-${i}` });
    const text = metrics.render();
    expect(seriesWithLabel(text, 'logfun_test_a_total', 'service').size).toBe(201);
    expect(seriesWithLabel(text, 'logfun_test_b_total', 'service').size).toBe(150);
    expect(seriesWithLabel(text, 'logfun_test_gauge', 'service').size).toBe(201);
    expect(seriesWithLabel(text, 'logfun_test_seconds_count', 'service').size).toBe(201);
    expect(h.get()).toBe(300);
    expect(h.get({ service: OTHER_LABEL_VALUE })).toBe(100);
  });
});
