/**
 * The overview's records/s (collector/console/throughput.ts) against batched
 * senders: a steady 50 records/s delivered in batches every 1.07 s (the SDK's
 * rhythm) and sampled every second must never read 0 — a rate between
 * consecutive 1 s samples did, every 10-15 s (issue 13: false outages).
 */
import { Metrics } from '../../collector/telemetry/metrics';
import { ThroughputSampler } from '../../collector/console/throughput';

/** Runs a steady `perSec` stream in batches every `batchMs`, sampled every 1 s for `seconds`; returns the samples' received rates. */
function simulate(perSec: number, batchMs: number, seconds: number): number[] {
  const metrics = new Metrics();
  const received = metrics.counter('logfun_receiver_accepted_records_total', 'test');
  let now = 1_700_000_000_000;
  const sampler = new ThroughputSampler({ metrics, now: () => now, intervalMs: 1000 });
  const rates: number[] = [];
  let nextBatch = now + batchMs;
  let sent = 0;
  const end = now + seconds * 1000;
  for (let t = now + 1000; t <= end; t += 1000) {
    while (nextBatch <= t) {
      // Whole records: the batch carries what the stream produced since the last one.
      const due = Math.round(((nextBatch - (end - seconds * 1000)) * perSec) / 1000);
      received.inc({}, due - sent);
      sent = due;
      nextBatch += batchMs;
    }
    now = t;
    rates.push(sampler.sample().receivedPerSec);
  }
  return rates;
}

describe('overview throughput rate', () => {
  test('a steady 50/s in 1.07 s batches never reads 0 and stays near 50', () => {
    const rates = simulate(50, 1070, 120);
    // From the second sample on (the first second may hold no batch yet).
    const steady = rates.slice(1);
    expect(Math.min(...steady)).toBeGreaterThan(0);
    const settled = rates.slice(5);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...settled)).toBeLessThanOrEqual(60);
  });

  test('other batch rhythms (0.5 s to 3 s) read steady too once the window is full', () => {
    for (const batchMs of [500, 950, 1000, 1070, 1500, 2000, 3000]) {
      const settled = simulate(50, batchMs, 90).slice(5);
      expect(Math.min(...settled)).toBeGreaterThan(0);
      expect(Math.min(...settled)).toBeGreaterThanOrEqual(25);
      expect(Math.max(...settled)).toBeLessThanOrEqual(75);
    }
  });

  test('a stream that stops reads 0 once a window has passed', () => {
    const metrics = new Metrics();
    const received = metrics.counter('logfun_receiver_accepted_records_total', 'test');
    let now = 0;
    const sampler = new ThroughputSampler({ metrics, now: () => now, intervalMs: 1000 });
    for (let i = 1; i <= 10; i++) {
      received.inc({}, 50);
      now = i * 1000;
      sampler.sample();
    }
    now += 6000;
    expect(sampler.sample().receivedPerSec).toBe(0);
  });
});
