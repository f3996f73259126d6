/**
 * The bounds of the collector-wide template dictionary (collector/templates):
 * text length, per-service cap with LRU eviction, byte cap, admission rate,
 * evicted-but-unwritten entries still handed to the writer, shedding on demand,
 * and the service.templates / service.process config sections.
 */
import { TemplateDictionary } from '../../collector/templates/dictionary';
import { DEFAULT_TEMPLATE_LIMITS } from '../../collector/templates/limits';
import { Metrics } from '../../collector/telemetry/metrics';
import { parseConfig, ConfigError } from '../../collector/config/config';
import { defaultFactories } from '../../collector/components';

const def = (service: string, n: number, text = `t${n} {}`) => ({ id: BigInt(n), service, text, source: 'sdk' as const });

describe('TemplateDictionary bounds', () => {
  it('refuses text over max_text_length, counted', () => {
    const metrics = new Metrics();
    const d = new TemplateDictionary({ maxTextLength: 10 }, metrics);
    expect(d.define(def('a', 1, 'x'.repeat(11)))).toBeUndefined();
    expect(d.define(def('a', 2, 'x'.repeat(10)))).toBeDefined();
    expect(d.size).toBe(1);
    expect(metrics.value('logfun_templates_refused_total', { reason: 'text_too_long' })).toBe(1);
  });

  it('keeps at most max_per_service entries a service, evicting the least recently seen', () => {
    const metrics = new Metrics();
    const d = new TemplateDictionary({ maxPerService: 3 }, metrics);
    for (const n of [1, 2, 3]) d.define(def('a', n), 1000);
    d.noteUse('a', 1n, 1, 2000); // 1 is now the most recently seen
    d.define(def('b', 9), 2000); // other services do not count
    d.define(def('a', 4), 3000);
    expect(d.serviceSize('a')).toBe(3);
    expect(d.has('a', 2n)).toBe(false); // the least recently seen went
    expect(d.has('a', 1n) && d.has('a', 3n) && d.has('a', 4n) && d.has('b', 9n)).toBe(true);
    expect(metrics.value('logfun_templates_evicted_total', { reason: 'service_limit' })).toBe(1);
  });

  it('keeps the total under max_bytes, evicting the least recently seen of any service', () => {
    const d = new TemplateDictionary({ maxBytes: 64 * 1024 });
    for (let n = 0; n < 100; n++) d.define(def(`s${n % 7}`, n, `${n} ${'z'.repeat(2000)}`));
    expect(d.bytes).toBeLessThanOrEqual(64 * 1024 + 0.1 * 64 * 1024);
    expect(d.size).toBeLessThan(100);
    expect(d.has(`s${99 % 7}`, 99n)).toBe(true); // the newest stays
  });

  it('admits new templates of a service within its rate; updates are free; trusted ones bypass it', () => {
    const metrics = new Metrics();
    const d = new TemplateDictionary({ maxPerService: 5, newPerServicePerMinute: 60 }, metrics); // burst 5, 1 a second
    const t0 = 1_000_000;
    for (let n = 0; n < 5; n++) expect(d.define(def('a', n), t0)).toBeDefined();
    expect(d.define(def('a', 5), t0)).toBeUndefined();
    expect(d.define(def('b', 5), t0)).toBeDefined(); // per service
    expect(d.define({ ...def('a', 0), function: 'f' }, t0)).toBeDefined(); // known: an update
    expect(d.define(def('a', 6), t0, { trusted: true })).toBeDefined();
    expect(d.define(def('a', 7), t0 + 1500)).toBeDefined(); // refilled
    expect(metrics.value('logfun_templates_refused_total', { reason: 'rate' })).toBe(1);
  });

  it('hands evicted entries that were never written to the writer, and after a failed write again', () => {
    const d = new TemplateDictionary({ maxPerService: 2 }); // admission burst 2, then 10 a second
    d.define(def('a', 1), 1000);
    d.define(def('a', 2), 1000);
    d.define(def('a', 3), 2000); // evicts 1 before any takeDirty
    expect(d.has('a', 1n)).toBe(false);
    const first = d.takeDirty();
    expect(first.map((e) => e.id).sort()).toEqual([1n, 2n, 3n]);
    d.markDirty(first); // the write failed
    expect(d.takeDirty().map((e) => e.id).sort()).toEqual([1n, 2n, 3n]);
    expect(d.takeDirty()).toEqual([]);
  });

  it('shed() evicts the least recently seen entries until the bytes are freed', () => {
    const metrics = new Metrics();
    const d = new TemplateDictionary({}, metrics);
    for (let n = 0; n < 10; n++) d.define(def('a', n, `${n} ${'q'.repeat(1000)}`));
    d.takeDirty();
    const before = d.bytes;
    const freed = d.shed(before / 2);
    expect(freed).toBeGreaterThanOrEqual(before / 2);
    expect(d.bytes).toBe(before - freed);
    expect(d.has('a', 0n)).toBe(false);
    expect(d.has('a', 9n)).toBe(true);
    expect(metrics.value('logfun_templates_evicted_total', { reason: 'memory_pressure' })).toBe(10 - d.size);
  });
});

describe('service.templates and service.process config', () => {
  const base = (service: string) => `
receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
exporters: { debug: {} }
service:
${service}
  pipelines: { logs: { receivers: [otlp], exporters: [debug] } }
`;

  it('defaults when absent', () => {
    const c = parseConfig(base(''), defaultFactories());
    expect(c.templates).toEqual(DEFAULT_TEMPLATE_LIMITS);
    expect(c.process).toEqual({ shutdownTimeoutMs: 40_000, watchdogTimeoutMs: 60_000, heapExitRatio: 0.95 });
  });

  it('takes values and reports every problem at once', () => {
    const c = parseConfig(base('  templates: { max_per_service: 100, max_bytes: 8MiB }\n  process: { shutdown_timeout: 5s, watchdog_timeout: 0 }'), defaultFactories());
    expect(c.templates).toMatchObject({ maxPerService: 100, maxBytes: 8 * 1024 * 1024, maxTextLength: 4096 });
    expect(c.process).toMatchObject({ shutdownTimeoutMs: 5000, watchdogTimeoutMs: 0 });
    let err: ConfigError | undefined;
    try {
      parseConfig(base('  templates: { max_per_service: -1, max_bytes: lots, bogus: 1 }\n  process: { heap_exit_ratio: 2, shutdown_timeout: soon }'), defaultFactories());
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/service\.templates\.max_per_service: must be a positive integer/),
        expect.stringMatching(/service\.templates\.max_bytes/),
        expect.stringMatching(/service\.templates\.bogus: unknown key/),
        expect.stringMatching(/service\.process\.heap_exit_ratio/),
        expect.stringMatching(/service\.process\.shutdown_timeout/),
      ]),
    );
  });
});
