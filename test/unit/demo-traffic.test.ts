/**
 * The demo's traffic and alerts (newcomer issue): the banner's records/s is what
 * the shop sends, its steady traffic never raises the demo's high-traffic alert,
 * and each burst raises one that recovers — evaluated by the real alert engine on
 * the demo's own config, on simulated time.
 */
import YAML from 'yaml';
import { demoBurstText, demoConfigYaml } from '../../collector/cli/demo';
import { DEMO_BURST, demoRequestsDue, inDemoBurst } from '../../collector/cli/demo-shop';
import { mergeConfig } from '../../collector/config/merge';
import { createDefaultHttpStatsConfig, resolveHttpStatsConfig, type HttpStatsProcessorConfig } from '../../processors/httpstats/config';
import { trafficAlertOptionsOf } from '../../processors/httpstats/processor';
import { TrafficAlerts, type AlertEvent } from '../../processors/httpstats/alerts';

test('the steady rate is the banner rate: 50 records/s are 25 requests/s (two records each), also for fractional ticks', () => {
  expect(demoRequestsDue(10_000, 50) * 2).toBe(500);
  expect(demoRequestsDue(60_000, 50) * 2).toBe(3000);
  expect(demoRequestsDue(10_000, 7) * 2).toBe(70);
  // A burst multiplies the rate by its factor while it lasts.
  const b = DEMO_BURST;
  expect(demoRequestsDue(b.firstAtMs + b.durationMs, 50) - demoRequestsDue(b.firstAtMs, 50)).toBe((25 * b.durationMs * b.factor) / 1000);
  expect(inDemoBurst(b.firstAtMs - 1)).toBe(false);
  expect(inDemoBurst(b.firstAtMs + b.everyMs + 1)).toBe(true);
});

test("the demo's config alarms on its bursts only, and each alarm recovers", () => {
  const errors: string[] = [];
  const doc = YAML.parse(demoConfigYaml(undefined, 50));
  const merged = mergeConfig(createDefaultHttpStatsConfig(), doc.processors.httpstats, 'httpstats', errors) as HttpStatsProcessorConfig;
  const resolved = resolveHttpStatsConfig(merged, errors);
  expect(errors).toEqual([]);
  const alerts = new TrafficAlerts(trafficAlertOptionsOf(resolved));
  const I = resolved.intervalMs;
  const T0 = Date.UTC(2026, 0, 1);
  const events: AlertEvent[] = [];
  const minutes = 16;
  for (let i = 0; i < (minutes * 60_000) / I; i++) {
    alerts.record('web', '*', T0 + i * I, demoRequestsDue((i + 1) * I, 50) - demoRequestsDue(i * I, 50));
    events.push(...alerts.advance(T0 + (i + 1) * I));
  }
  const high = events.filter((e) => e.rule === 'high_traffic').map((e) => ({ state: e.state, atMs: e.timeMs - T0 }));
  // Bursts start at 1.5, 6.5 and 11.5 minutes: one alert raised during each, recovered within a minute of its end.
  const bursts = [0, 1, 2].map((k) => DEMO_BURST.firstAtMs + k * DEMO_BURST.everyMs);
  expect(high.map((e) => e.state)).toEqual(['alert', 'recovery', 'alert', 'recovery', 'alert', 'recovery']);
  bursts.forEach((start, k) => {
    const [raised, recovered] = [high[2 * k], high[2 * k + 1]];
    expect(raised.atMs).toBeGreaterThan(start);
    expect(raised.atMs).toBeLessThanOrEqual(start + DEMO_BURST.durationMs);
    expect(recovered.atMs).toBeGreaterThan(start + DEMO_BURST.durationMs);
    expect(recovered.atMs).toBeLessThanOrEqual(start + DEMO_BURST.durationMs + 60_000);
  });
  // Nothing is left raised in the steady traffic after the last burst.
  expect(alerts.activeAlerts().filter((a) => a.rule === 'high_traffic')).toEqual([]);
});

test('the banner promises bursts only when the demo runs long enough for one (logfun demo --duration 30 does not)', () => {
  expect(demoBurstText(50)).toMatch(/^every 5 minutes \(first after 90 s\) a 30 s burst of 4x traffic\n\s+raises a high-traffic alert .* that then recovers$/);
  expect(demoBurstText(50, 600)).toBe(demoBurstText(50));
  const short = demoBurstText(50, 30);
  expect(short).not.toMatch(/every 5 minutes|raises/);
  expect(short).toMatch(/^steady traffic only: the first burst .* comes after 90 s,\n\s+and this demo stops after 30 s \(--duration 180 or more to see one raised and recovered\)$/);
});
